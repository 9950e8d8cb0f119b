-- Performance pay (绩效分配): the district's pool per unit and year, the unit's pay run for a
-- year (workflow pay.run) and its lines (the grade and factors snapshotted, the computed
-- share and year-end bonus). Money in integer fen. Every table carries district_id and unit_id.
CREATE TABLE pay_pools (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    year BIGINT NOT NULL,
    -- per_head or fixed
    basis TEXT NOT NULL,
    per_head_fen BIGINT NOT NULL,
    headcount BIGINT NOT NULL,
    unit_coef TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    set_by TEXT NOT NULL,
    set_at {ts} NOT NULL,
    UNIQUE (district_id, unit_id, year)
);
CREATE TABLE pay_runs (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    year BIGINT NOT NULL,
    -- draft, submitted, approved, rejected, applied
    status TEXT NOT NULL,
    doc_no TEXT NOT NULL,
    reason TEXT NOT NULL,
    effective DATE,
    -- the pool the shares were computed from; NULL until computed since the last change
    pool_fen BIGINT,
    computed_at {ts},
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL,
    applied_at {ts},
    UNIQUE (district_id, unit_id, year)
);
CREATE INDEX pay_runs_scope ON pay_runs (district_id, year, unit_id);
CREATE TABLE pay_lines (
    id {pk},
    run_id BIGINT NOT NULL REFERENCES pay_runs(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    name TEXT NOT NULL,
    -- excellent, competent, basic, incompetent
    grade TEXT NOT NULL,
    -- manual, import (later: appraisal)
    source TEXT NOT NULL,
    post_coef TEXT NOT NULL,
    -- post, entered, default
    post_source TEXT NOT NULL,
    months BIGINT NOT NULL,
    basic_salary_fen BIGINT NOT NULL,
    -- the computed line; NULL until computed
    grade_coef TEXT,
    weight TEXT,
    share_fen BIGINT,
    remainder_fen BOOLEAN,
    bonus_fen BIGINT,
    UNIQUE (run_id, person_id)
);
CREATE INDEX pay_lines_run ON pay_lines (district_id, unit_id, run_id);
