-- Two-way selection of posts (双向择岗): rounds with the posts offered (seats) and the
-- people left out (reason), each person's choices (志愿, 服从调剂), each post's ranking by
-- its body head, the history of status changes. The match result is kept on the round as
-- JSON (rewritten by each decision after the match). Every table carries district_id and
-- unit_id.
CREATE TABLE twoway_rounds (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    choose_by DATE NOT NULL,
    rank_by DATE NOT NULL,
    max_choices BIGINT NOT NULL,
    -- deferred_acceptance, rounds
    mode TEXT NOT NULL,
    -- draft, open, submitted, approved, rejected, applied
    status TEXT NOT NULL,
    doc_no TEXT NOT NULL,
    reason TEXT NOT NULL,
    effective DATE,
    result_json TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL,
    applied_at {ts}
);
CREATE INDEX twoway_rounds_scope ON twoway_rounds (district_id, unit_id, status);
CREATE TABLE twoway_offers (
    round_id BIGINT NOT NULL REFERENCES twoway_rounds(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    post_id BIGINT NOT NULL REFERENCES posts(id),
    seats BIGINT NOT NULL,
    PRIMARY KEY (round_id, post_id)
);
CREATE TABLE twoway_exclusions (
    round_id BIGINT NOT NULL REFERENCES twoway_rounds(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    reason TEXT NOT NULL,
    PRIMARY KEY (round_id, person_id)
);
CREATE TABLE twoway_prefs (
    round_id BIGINT NOT NULL REFERENCES twoway_rounds(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    -- post ids in order, comma-separated
    posts TEXT NOT NULL,
    accept_adjust BOOLEAN NOT NULL,
    updated_at {ts} NOT NULL,
    PRIMARY KEY (round_id, person_id)
);
CREATE TABLE twoway_rankings (
    round_id BIGINT NOT NULL REFERENCES twoway_rounds(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    post_id BIGINT NOT NULL REFERENCES posts(id),
    -- person ids, best first / marked 不接受, comma-separated
    ranked TEXT NOT NULL,
    unacceptable TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at {ts} NOT NULL,
    PRIMARY KEY (round_id, post_id)
);
CREATE TABLE twoway_events (
    id {pk},
    plan_id BIGINT NOT NULL REFERENCES twoway_rounds(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    comment TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL
);
CREATE INDEX twoway_events_round ON twoway_events (district_id, unit_id, plan_id);
