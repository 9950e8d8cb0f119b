-- The scoring stages of a competitive-selection campaign (竞争上岗, issue 13 points 3–5):
-- written exam scores, the interview panel (judges, recusals, every judge's sheet), the
-- democratic evaluation (one-time codes and anonymous ballots) and the inspection records
-- of the shortlist. Scores are stored as decimal text ("84.13"), exact on both backends.
-- Everything hangs off the published campaign version the applications were made to.
-- Every table carries district_id and unit_id.
CREATE TABLE selection_exam_scores (
    application_id BIGINT NOT NULL PRIMARY KEY REFERENCES selection_applications(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    campaign_id BIGINT NOT NULL REFERENCES selection_campaigns(id),
    score TEXT NOT NULL,
    -- manual (the page or the API) or import (an xlsx file)
    source TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at {ts} NOT NULL
);
CREATE INDEX selection_exam_scores_scope ON selection_exam_scores (district_id, unit_id, campaign_id);
-- Interview judges (面试评委): a user account of the unit, or a name with a one-time code
-- (kept as SHA-256 only). recused_json lists the applications the judge declared a recusal
-- (回避) for. A sheet is submitted once (submitted_at); submitted_by is the account that
-- submitted it: the judge, or the HR office entering a paper sheet (on_behalf).
CREATE TABLE selection_judges (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    campaign_id BIGINT NOT NULL REFERENCES selection_campaigns(id),
    user_id BIGINT REFERENCES users(id),
    name TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    recusal_declared BOOLEAN NOT NULL,
    recused_json TEXT NOT NULL,
    submitted_at {ts},
    submitted_by TEXT NOT NULL,
    on_behalf BOOLEAN NOT NULL,
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL
);
CREATE INDEX selection_judges_scope ON selection_judges (district_id, unit_id, campaign_id);
-- One judge's score of one candidate, written with the sheet.
CREATE TABLE selection_judge_scores (
    judge_id BIGINT NOT NULL REFERENCES selection_judges(id),
    application_id BIGINT NOT NULL REFERENCES selection_applications(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    score TEXT NOT NULL,
    PRIMARY KEY (judge_id, application_id)
);
-- The democratic evaluation (民主测评) of a campaign version: how many codes were issued and
-- when it was closed (results are shown only after close).
CREATE TABLE selection_evaluations (
    campaign_id BIGINT NOT NULL PRIMARY KEY REFERENCES selection_campaigns(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    issued BIGINT NOT NULL,
    closed_at {ts}
);
-- One-time evaluation codes: SHA-256 of the code and whether it was used. Nothing else.
CREATE TABLE selection_eval_codes (
    campaign_id BIGINT NOT NULL REFERENCES selection_campaigns(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    code_hash TEXT NOT NULL,
    used BOOLEAN NOT NULL,
    PRIMARY KEY (campaign_id, code_hash)
){without_rowid};
-- Anonymous evaluation ballots: a random key and the marks (JSON: application id → mark).
-- No user, code, time or sequential column; on SQLite WITHOUT ROWID, so the storage order
-- does not follow the order of casting.
CREATE TABLE selection_eval_ballots (
    campaign_id BIGINT NOT NULL REFERENCES selection_campaigns(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    ballot_key TEXT NOT NULL,
    marks_json TEXT NOT NULL,
    PRIMARY KEY (campaign_id, ballot_key)
){without_rowid};
-- Inspection records (考察材料) of the shortlisted candidates: the team, the written
-- material and the conclusion (建议任用 / 不建议任用 / 暂缓).
CREATE TABLE selection_inspections (
    application_id BIGINT NOT NULL PRIMARY KEY REFERENCES selection_applications(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    campaign_id BIGINT NOT NULL REFERENCES selection_campaigns(id),
    team TEXT NOT NULL,
    material TEXT NOT NULL,
    conclusion TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at {ts} NOT NULL
);
