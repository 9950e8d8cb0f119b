-- Policy calculators (政策计算器): working-day calendar years loaded per district, and
-- saved calculations with the parameter values they used (never recomputed).
CREATE TABLE calendar_years (
    district_id BIGINT NOT NULL REFERENCES districts(id),
    year BIGINT NOT NULL,
    schedule_text TEXT NOT NULL,
    loaded_at {ts} NOT NULL,
    loaded_by TEXT NOT NULL,
    PRIMARY KEY (district_id, year)
);
CREATE TABLE calc_results (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT REFERENCES units(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    username TEXT NOT NULL,
    kind TEXT NOT NULL,
    input_json TEXT NOT NULL,
    result_json TEXT NOT NULL,
    steps_json TEXT NOT NULL,
    sources_json TEXT NOT NULL,
    params_json TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at {ts} NOT NULL
);
CREATE INDEX calc_results_scope ON calc_results (district_id, unit_id, created_at)
