-- Competitive selection (竞争上岗, issue 13): the officials of a campaign other than the
-- interview judges and the committee members — the inspection team of each shortlisted
-- candidate (考察组成员, `application_id`) and the vote counters and scrutineers of a
-- committee meeting (计票人 / 监票人, `meeting_id`) — with their recusal (回避,
-- RULES-SELECTION-APPRAISAL §1.9.3–§1.9.5): the category (own / kin / other), the kinship
-- when kin, how it came about (detected from the record, declared by the official,
-- requested by an interested party, decided by the organiser), the reason and who
-- recorded it. A counter or scrutineer is linked to the meeting only: nothing here refers
-- to a ballot or a token. Every table carries district_id and unit_id.
CREATE TABLE selection_officials (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    -- the published plan version the official was registered on, and the campaign
    campaign_id BIGINT NOT NULL REFERENCES selection_campaigns(id),
    family_id BIGINT NOT NULL,
    -- inspector / counter / scrutineer
    role TEXT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES people(id),
    -- the inspected candidate (inspector) or the meeting (counter, scrutineer)
    application_id BIGINT REFERENCES selection_applications(id),
    meeting_id BIGINT REFERENCES committee_meetings(id),
    -- 回避: empty category while the official serves
    recusal_category TEXT NOT NULL,
    recusal_kinship TEXT NOT NULL,
    recusal_source TEXT NOT NULL,
    recusal_reason TEXT NOT NULL,
    recused_by TEXT NOT NULL,
    recused_at {ts},
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL
);
CREATE INDEX selection_officials_scope ON selection_officials (district_id, unit_id, family_id);
