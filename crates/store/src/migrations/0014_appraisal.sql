-- Appraisal (年度考核 / 平时考核, issue 15): cycles with their status history, participants,
-- indicator sets, named scores, one-time codes for 民主测评 (hash and used flag only), the
-- anonymous ratings (a random key and the value: no user, code, time or sequential key; on
-- SQLite WITHOUT ROWID tables keyed by (cycle, random key)), and appeals (复核).
-- Every table carries district_id and unit_id. Scores and rates are decimal text.
CREATE TABLE appraisal_cycles (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    -- annual, periodic
    kind TEXT NOT NULL,
    year BIGINT NOT NULL,
    quarter BIGINT,
    due_on DATE,
    -- draft, open, scoring, grading, confirmed, publicity, closed
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    doc_no TEXT NOT NULL,
    -- the first day of the 优秀 publicity
    effective DATE,
    -- self=10;head=30;peers=30;leaders=30
    rater_weights TEXT NOT NULL,
    quota_rate TEXT,
    quota_doc TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL,
    decided_by TEXT,
    decided_at {ts},
    applied_at {ts}
);
CREATE INDEX appraisal_cycles_scope ON appraisal_cycles (district_id, unit_id, status);
CREATE TABLE appraisal_events (
    id {pk},
    plan_id BIGINT NOT NULL REFERENCES appraisal_cycles(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    comment TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL
);
CREATE INDEX appraisal_events_cycle ON appraisal_events (district_id, unit_id, plan_id);
CREATE TABLE appraisal_participants (
    id {pk},
    cycle_id BIGINT NOT NULL REFERENCES appraisal_cycles(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    name TEXT NOT NULL,
    identity TEXT NOT NULL,
    grp TEXT NOT NULL,
    post_level TEXT NOT NULL,
    -- new_staff, long_leave, investigation, sanction (不定等次)
    ungraded TEXT,
    leave_days BIGINT NOT NULL,
    investigation BOOLEAN NOT NULL,
    sanction BOOLEAN NOT NULL,
    warned BOOLEAN NOT NULL,
    score TEXT,
    -- excellent, competent, basic, incompetent
    grade TEXT,
    reason TEXT NOT NULL,
    UNIQUE (cycle_id, person_id)
);
CREATE INDEX appraisal_participants_cycle ON appraisal_participants (district_id, unit_id, cycle_id);
CREATE INDEX appraisal_participants_person ON appraisal_participants (district_id, person_id);
CREATE TABLE appraisal_indicator_sets (
    id {pk},
    cycle_id BIGINT NOT NULL REFERENCES appraisal_cycles(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    post_level TEXT NOT NULL,
    -- name,weight,target per line
    lines TEXT NOT NULL,
    UNIQUE (cycle_id, post_level)
);
-- Named scores: the rater's kind and name, where it came from, per indicator or overall.
CREATE TABLE appraisal_scores (
    id {pk},
    cycle_id BIGINT NOT NULL REFERENCES appraisal_cycles(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    participant_id BIGINT NOT NULL REFERENCES appraisal_participants(id),
    -- self, head, leaders
    rater_kind TEXT NOT NULL,
    rater TEXT NOT NULL,
    -- manual, import
    source TEXT NOT NULL,
    -- 德=90;能=80
    by_indicator TEXT NOT NULL,
    overall TEXT,
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL,
    UNIQUE (participant_id, rater_kind, rater)
);
CREATE INDEX appraisal_scores_cycle ON appraisal_scores (district_id, unit_id, cycle_id);
-- One-time codes: SHA-256 of the code (hex) and whether it was used. Nothing else.
CREATE TABLE appraisal_codes (
    cycle_id BIGINT NOT NULL REFERENCES appraisal_cycles(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    code_hash TEXT NOT NULL,
    used BOOLEAN NOT NULL,
    PRIMARY KEY (cycle_id, code_hash)
){without_rowid};
-- Anonymous colleague ratings: a random key, the participant and the value. Nothing else.
CREATE TABLE appraisal_ratings (
    cycle_id BIGINT NOT NULL REFERENCES appraisal_cycles(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    rating_key TEXT NOT NULL,
    participant_id BIGINT NOT NULL REFERENCES appraisal_participants(id),
    value TEXT NOT NULL,
    PRIMARY KEY (cycle_id, rating_key)
){without_rowid};
CREATE TABLE appraisal_appeals (
    id {pk},
    cycle_id BIGINT NOT NULL REFERENCES appraisal_cycles(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    participant_id BIGINT NOT NULL REFERENCES appraisal_participants(id),
    filed_on DATE NOT NULL,
    reason TEXT NOT NULL,
    decision TEXT,
    new_grade TEXT,
    resolved_on DATE,
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL
);
CREATE INDEX appraisal_appeals_cycle ON appraisal_appeals (district_id, unit_id, cycle_id);
