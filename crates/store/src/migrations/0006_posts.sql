-- Posts from work (因事定岗、因岗定编、因编定人) and their holders (一人多岗).
-- A post belongs to one body of one unit; its workload is the sum of the annual hours of
-- the function items it carries (post_functions). Assignments are dated: an ended
-- assignment keeps its row (end_date set), so the history of who held what stays.
CREATE TABLE posts (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    body_id BIGINT NOT NULL REFERENCES bodies(id),
    title TEXT NOT NULL,
    -- chief (中层正职), deputy (中层副职), general (一般岗位), service (工勤岗位)
    level TEXT NOT NULL,
    -- administrative, institution, service, or any
    establishment TEXT NOT NULL,
    -- minimum education code ('' = none) and minimum years of service (0 = none)
    min_education TEXT NOT NULL,
    min_service_years BIGINT NOT NULL,
    other_requirements TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE INDEX posts_body ON posts (district_id, unit_id, body_id, active);
CREATE TABLE post_functions (
    post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    function_id BIGINT NOT NULL REFERENCES function_items(id),
    annual_hours BIGINT NOT NULL CHECK (annual_hours >= 0),
    PRIMARY KEY (post_id, function_id)
);
CREATE TABLE post_assignments (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    post_id BIGINT NOT NULL REFERENCES posts(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    -- share of the person's working time, in percent (1..=100)
    share_pct BIGINT NOT NULL CHECK (share_pct > 0 AND share_pct <= 100),
    main BOOLEAN NOT NULL,
    -- the person works overtime by decision: shares may exceed 100% in total
    overtime BOOLEAN NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    end_reason TEXT NOT NULL,
    created_at {ts} NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX post_assignments_person ON post_assignments (district_id, unit_id, person_id, end_date);
CREATE INDEX post_assignments_post ON post_assignments (district_id, unit_id, post_id, end_date);
