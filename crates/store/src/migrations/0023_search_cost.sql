-- Province scale (issue 17), second part: the roster search through an index and the
-- personnel-cost figures from rows kept exact by every write (people_index.rs).
--
-- The characters and character pairs (bigrams, 二元组) of each person's name and post,
-- lower-cased per character, rewritten in the transaction of every people write. A
-- search for "王伟" reads the people holding the pair "王伟" (a one-character search: the
-- character) from this index, then re-checks the old LIKE condition on those candidates,
-- so the answers are exactly the old ones. District-scoped: a person never changes
-- district, while unit and post do (the unit filter is applied on people).
CREATE TABLE people_grams (
    district_id BIGINT NOT NULL REFERENCES districts(id),
    gram TEXT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES people(id),
    PRIMARY KEY (district_id, gram, person_id)
){without_rowid};
CREATE INDEX people_grams_person ON people_grams (person_id);
-- Built in Rust (lower-casing) right after the migrations by migrate::migrate; the row
-- says the backfill is still to be done.
CREATE TABLE store_backfill (name TEXT PRIMARY KEY);
INSERT INTO store_backfill (name) VALUES ('people_grams');
-- The latest history row (highest id) of each person, with the columns the cost report
-- groups and sums: rewritten whenever a person_events row is written.
CREATE TABLE person_latest (
    person_id BIGINT PRIMARY KEY REFERENCES people(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL,
    event_id BIGINT NOT NULL,
    on_date DATE NOT NULL,
    status TEXT NOT NULL,
    identity TEXT NOT NULL,
    funding TEXT NOT NULL,
    body_key BIGINT NOT NULL,
    basic_pay BIGINT NOT NULL,
    allowances BIGINT NOT NULL,
    social_insurance BIGINT NOT NULL,
    housing_fund BIGINT NOT NULL
);
CREATE INDEX person_latest_date ON person_latest (district_id, on_date);
-- Head count and cost sums of the person_latest rows per unit, status and grouping key
-- (body_key 0: no body), kept exact by the same writes: the cost report of a date reads
-- these and corrects them by the few people whose latest row is dated after that date.
CREATE TABLE cost_counters (
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    identity TEXT NOT NULL,
    funding TEXT NOT NULL,
    body_key BIGINT NOT NULL,
    headcount BIGINT NOT NULL,
    basic_pay BIGINT NOT NULL,
    allowances BIGINT NOT NULL,
    social_insurance BIGINT NOT NULL,
    housing_fund BIGINT NOT NULL,
    PRIMARY KEY (district_id, unit_id, status, identity, funding, body_key)
);
INSERT INTO person_latest (person_id, district_id, unit_id, event_id, on_date, status, identity, funding, body_key, basic_pay, allowances, social_insurance, housing_fund)
SELECT e.person_id, e.district_id, e.unit_id, e.id, e.on_date, e.status, e.identity, e.funding, COALESCE(e.body_id, 0), e.basic_pay, e.allowances, e.social_insurance, e.housing_fund
FROM person_events e WHERE e.id IN (SELECT MAX(x.id) FROM person_events x GROUP BY x.person_id);
INSERT INTO cost_counters (district_id, unit_id, status, identity, funding, body_key, headcount, basic_pay, allowances, social_insurance, housing_fund)
SELECT district_id, unit_id, status, identity, funding, body_key, CAST(COUNT(*) AS BIGINT), CAST(SUM(basic_pay) AS BIGINT), CAST(SUM(allowances) AS BIGINT), CAST(SUM(social_insurance) AS BIGINT), CAST(SUM(housing_fund) AS BIGINT)
FROM person_latest GROUP BY district_id, unit_id, status, identity, funding, body_key;
-- The dashboard of a district whose unit holds 100,000 staff: each count it makes is read
-- from an index alone (or from a handful of rows).
-- Leaders of a unit (establishment page, dashboard): the few leaders, not the whole unit.
CREATE INDEX people_leaders ON people (district_id, unit_id, leader, status);
-- Active posts per unit, and their function hours (posts report, dashboard).
CREATE INDEX posts_active_unit ON posts (district_id, active, unit_id, id);
CREATE INDEX post_functions_hours ON post_functions (post_id, district_id, annual_hours);
-- Open assignments per unit with holder and share (posts report, dashboard).
CREATE INDEX post_assignments_open_share ON post_assignments (district_id, end_date, unit_id, person_id, share_pct)
