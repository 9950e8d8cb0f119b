-- Competitive selection (竞争上岗, issue 13): the 加试 (extra test) results that break a tie
-- left after every other key of the plan's tie-break order (RULES-SELECTION-APPRAISAL
-- §1.7.5, a manual result entry), and the probation-end evaluation (试用期满考核, §1.11.3)
-- of an appointed candidate. Scores are decimal text, as the other selection scores.
-- Every table carries district_id and unit_id.
CREATE TABLE selection_extra_tests (
    application_id BIGINT NOT NULL PRIMARY KEY REFERENCES selection_applications(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    campaign_id BIGINT NOT NULL REFERENCES selection_campaigns(id),
    score TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at {ts} NOT NULL
);
CREATE INDEX selection_extra_tests_scope ON selection_extra_tests (district_id, unit_id, campaign_id);
-- One probation-end evaluation per appointed candidate: the votes (优秀/称职/基本称职/不称职),
-- the result (confirmed = 正式任职, dismissed = 免去试任职务), the date, the document and the
-- finding; for a dismissal the post assignment that was ended.
CREATE TABLE selection_probation_reviews (
    candidate_id BIGINT NOT NULL PRIMARY KEY REFERENCES selection_candidates(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    decided_on DATE NOT NULL,
    excellent BIGINT NOT NULL,
    competent BIGINT NOT NULL,
    basic BIGINT NOT NULL,
    incompetent BIGINT NOT NULL,
    result TEXT NOT NULL,
    doc_no TEXT NOT NULL,
    note TEXT NOT NULL,
    ended_assignment_id BIGINT,
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL
);
CREATE INDEX selection_probation_reviews_scope ON selection_probation_reviews (district_id, unit_id);
