-- The end of the competitive-selection pipeline (竞争上岗, issue 13 points 6–7): the
-- candidates proposed for decision, the committee meeting that voted on them, the
-- publicity (任前公示) with its objections (异议), and the appointment (任职) with its
-- probation (试用期) and term (聘任期) dates. Every table carries district_id and unit_id.
--
-- One row per candidate proposed for one offered post. `campaign_id` is the published
-- plan version the proposal cites (with `plan_version`), `family_id` the campaign. The
-- committee decision is not copied here: it is read from the meeting's recorded tally
-- (`meeting_id`, `item_no`), so it can never disagree with the tally sheet and its digest.
CREATE TABLE selection_candidates (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    campaign_id BIGINT NOT NULL REFERENCES selection_campaigns(id),
    family_id BIGINT NOT NULL,
    plan_version BIGINT NOT NULL,
    -- the offered post (body, level) and the posts-module post it is appointed to
    body_id BIGINT NOT NULL,
    level TEXT NOT NULL,
    post_id BIGINT NOT NULL REFERENCES posts(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    application_id BIGINT NOT NULL REFERENCES selection_applications(id),
    meeting_id BIGINT NOT NULL REFERENCES committee_meetings(id),
    item_no BIGINT NOT NULL,
    -- 任前公示: first day, last working day, first day an appointment may take effect
    publicity_start DATE,
    publicity_last DATE,
    earliest_appointment DATE,
    publicity_by TEXT NOT NULL,
    -- 任职
    appointed_on DATE,
    assignment_id BIGINT,
    probation_end DATE,
    term_end DATE,
    appointed_by TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL,
    UNIQUE (meeting_id, item_no)
);
CREATE INDEX selection_candidates_scope ON selection_candidates (district_id, unit_id, family_id);
-- Objections (异议) received during the publicity, each resolved with an outcome:
-- issue_not_affecting (反映问题不影响任职) or issue_verified (反映问题查实).
CREATE TABLE selection_objections (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    candidate_id BIGINT NOT NULL REFERENCES selection_candidates(id),
    received_on DATE NOT NULL,
    content TEXT NOT NULL,
    -- '' while open, then issue_not_affecting or issue_verified
    outcome TEXT NOT NULL,
    resolution TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL,
    resolved_by TEXT NOT NULL,
    resolved_at {ts}
);
CREATE INDEX selection_objections_scope ON selection_objections (district_id, unit_id, candidate_id);
