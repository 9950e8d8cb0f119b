-- Competitive-selection campaigns (竞争上岗方案, issue 13 point 1). One row per plan version:
-- `family_id` is the id of the campaign's first version, `version` numbers them 1, 2, …
-- The status follows the SELECTION_CAMPAIGNS workflow (draft, submitted, approved,
-- rejected, applied = published); a published version is never updated again: a change is
-- a new row with `revision_reason`. `plan_json` is the whole plan (posts, eligibility,
-- stages and weights, ratios, evaluation, tie-break, term, probation) that every computed
-- result cites by this row's id and version. Every table carries district_id and unit_id.
CREATE TABLE selection_campaigns (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    family_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    plan_json TEXT NOT NULL,
    revision_reason TEXT NOT NULL,
    -- draft, submitted, approved, rejected, applied
    status TEXT NOT NULL,
    -- the reason of the last rejection
    reason TEXT NOT NULL,
    -- the district's approval document (批准文号)
    doc_no TEXT NOT NULL,
    effective DATE,
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at {ts},
    applied_at {ts},
    UNIQUE (district_id, unit_id, family_id, version)
);
CREATE INDEX selection_campaigns_scope ON selection_campaigns (district_id, unit_id, status);
-- Applications (报名) to a published campaign version, one per person, with the review
-- (资格审查) facts the HR office records (review_json) and its decision. choices_json lists
-- the posts in priority order ({body_id, level}).
CREATE TABLE selection_applications (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    campaign_id BIGINT NOT NULL REFERENCES selection_campaigns(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    choices_json TEXT NOT NULL,
    obey_adjustment BOOLEAN NOT NULL,
    -- self, joint, organisation
    nomination TEXT NOT NULL,
    signers BIGINT NOT NULL,
    -- pending, confirmed, rejected
    status TEXT NOT NULL,
    review_json TEXT NOT NULL,
    note TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL,
    reviewed_by TEXT NOT NULL,
    reviewed_at {ts},
    UNIQUE (campaign_id, person_id)
);
CREATE INDEX selection_applications_scope ON selection_applications (district_id, unit_id, campaign_id);
