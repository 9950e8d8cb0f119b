-- People records for the 竞争上岗 eligibility rules (l) and (m) and for recusal against
-- kinship (RULES-SELECTION-APPRAISAL §1.3.4, §1.9).
--
-- (l) The end of a new recruit's probation (试用期满日期, 公务员法 art. 34: one year); NULL
-- when none is recorded. A personal fact: not copied into person_events.
ALTER TABLE people ADD COLUMN probation_end DATE;
-- (m) and 回避: declared relations (亲属关系) between two people of one district, read both
-- ways: `relation` is what `relative_id` is to `person_id` (e.g. `parent`: the relative is
-- the person's parent), from the closed list of §1.9.1. `unit_id` is the unit whose HR
-- office recorded it (the home unit of `person_id`).
CREATE TABLE person_relations (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    relative_id BIGINT NOT NULL REFERENCES people(id),
    relation TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL,
    CHECK (person_id <> relative_id),
    UNIQUE (person_id, relative_id)
);
CREATE INDEX person_relations_person ON person_relations (district_id, person_id);
CREATE INDEX person_relations_relative ON person_relations (district_id, relative_id);
