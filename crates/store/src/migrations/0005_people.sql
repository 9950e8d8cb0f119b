-- Establishment and people (编制与实名制).
-- body_id refers to the organisation module's bodies (migration 0004); history rows and
-- exceptions keep the id without a foreign key. body_id 0 in establishment_quotas means
-- the whole unit.
CREATE TABLE establishment_quotas (
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    body_id BIGINT NOT NULL DEFAULT 0,
    kind TEXT NOT NULL CHECK (kind IN ('administrative', 'institution', 'service', 'leadership')),
    approved BIGINT NOT NULL,
    updated_at {ts} NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (district_id, unit_id, body_id, kind)
);
-- The current state of each person; the dated history is person_events.
CREATE TABLE people (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    host_unit_id BIGINT REFERENCES units(id),
    body_id BIGINT REFERENCES bodies(id),
    name TEXT NOT NULL,
    gender TEXT NOT NULL,
    id_number TEXT NOT NULL,
    birth_date DATE NOT NULL,
    ethnicity TEXT NOT NULL,
    party TEXT NOT NULL,
    education TEXT NOT NULL,
    work_start DATE,
    unit_join DATE,
    identity TEXT NOT NULL,
    establishment TEXT NOT NULL,
    post TEXT NOT NULL,
    rank TEXT NOT NULL,
    leader BOOLEAN NOT NULL,
    leader_role TEXT NOT NULL,
    phone TEXT NOT NULL,
    funding TEXT NOT NULL,
    basic_pay BIGINT NOT NULL,
    allowances BIGINT NOT NULL,
    social_insurance BIGINT NOT NULL,
    housing_fund BIGINT NOT NULL,
    status TEXT NOT NULL,
    status_since DATE NOT NULL,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL,
    UNIQUE (district_id, id_number)
);
CREATE INDEX people_roster ON people (district_id, unit_id, status, name);
CREATE INDEX people_host ON people (district_id, host_unit_id, status);
CREATE INDEX people_body ON people (district_id, unit_id, body_id, establishment);
-- Every hire, move, status change and secondment: a snapshot of the assignment from on_date.
CREATE TABLE person_events (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    on_date DATE NOT NULL,
    kind TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    host_unit_id BIGINT,
    body_id BIGINT,
    identity TEXT NOT NULL,
    establishment TEXT NOT NULL,
    post TEXT NOT NULL,
    rank TEXT NOT NULL,
    leader BOOLEAN NOT NULL,
    funding TEXT NOT NULL,
    basic_pay BIGINT NOT NULL,
    allowances BIGINT NOT NULL,
    social_insurance BIGINT NOT NULL,
    housing_fund BIGINT NOT NULL,
    status TEXT NOT NULL,
    doc_no TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at {ts} NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX person_events_person ON person_events (person_id, on_date, id);
CREATE INDEX person_events_unit ON person_events (district_id, unit_id, on_date);
CREATE INDEX person_events_host ON person_events (district_id, host_unit_id, on_date);
-- Approved exceptions to the establishment (超编例外), each with its document number (文号).
CREATE TABLE establishment_exceptions (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    body_id BIGINT,
    person_id BIGINT REFERENCES people(id),
    kind TEXT NOT NULL,
    doc_no TEXT NOT NULL,
    reason TEXT NOT NULL,
    approved BIGINT NOT NULL,
    occupied_after BIGINT NOT NULL,
    on_date DATE NOT NULL,
    created_at {ts} NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX establishment_exceptions_scope ON establishment_exceptions (district_id, unit_id, on_date)
