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
