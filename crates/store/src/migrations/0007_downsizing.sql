-- Downsizing plans (分流方案): a plan per unit with its lines (one person, one route each),
-- the history of its status changes, and the labour contracts a plan signs (重新签订劳动合同).
-- Every table carries district_id and unit_id.
CREATE TABLE downsizing_plans (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    effective DATE NOT NULL,
    -- draft, submitted, approved, rejected, applied
    status TEXT NOT NULL,
    doc_no TEXT NOT NULL,
    reason TEXT NOT NULL,
    -- people of the unit on post or lent out when the plan was applied (share denominator)
    staff_base BIGINT,
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL,
    applied_at {ts}
);
CREATE INDEX downsizing_plans_scope ON downsizing_plans (district_id, unit_id, status);
CREATE TABLE downsizing_lines (
    id {pk},
    plan_id BIGINT NOT NULL REFERENCES downsizing_plans(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    -- redeploy, early_retirement, leave_post, release, new_contract
    route TEXT NOT NULL,
    note TEXT NOT NULL,
    term_years BIGINT,
    -- the line's figures (JSON): computed when saved, frozen when the plan is applied
    figures_json TEXT NOT NULL,
    created_at {ts} NOT NULL,
    UNIQUE (plan_id, person_id)
);
CREATE INDEX downsizing_lines_plan ON downsizing_lines (district_id, unit_id, plan_id);
CREATE TABLE downsizing_events (
    id {pk},
    plan_id BIGINT NOT NULL REFERENCES downsizing_plans(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    comment TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL
);
CREATE INDEX downsizing_events_plan ON downsizing_events (district_id, unit_id, plan_id);
CREATE TABLE labour_contracts (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    term_years BIGINT NOT NULL,
    plan_id BIGINT REFERENCES downsizing_plans(id),
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL
);
CREATE INDEX labour_contracts_person ON labour_contracts (district_id, unit_id, person_id);
