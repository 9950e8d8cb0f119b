-- The inbox (待办与通知): stored notices and who read them. To-dos are derived from the
-- workflows' tables and not stored.
CREATE TABLE notices (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    -- the unit the notice is about (and, for audience 'unit', whose accounts receive it)
    unit_id BIGINT NOT NULL REFERENCES units(id),
    audience TEXT NOT NULL CHECK (audience IN ('district', 'unit')),
    -- '' = every role of the audience
    role TEXT NOT NULL,
    -- set: this one account only
    user_id BIGINT REFERENCES users(id),
    kind TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    link TEXT NOT NULL,
    params_json TEXT NOT NULL,
    created_at {ts} NOT NULL
);
CREATE INDEX notices_scope ON notices (district_id, audience, unit_id, created_at);
CREATE TABLE notice_reads (
    notice_id BIGINT NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    read_at {ts} NOT NULL,
    PRIMARY KEY (notice_id, user_id)
);
