-- Province scale (issue 17), third part: the cost page of a past date, the dashboard and
-- the roster count of a 100,000-staff unit from rows kept exact by every write
-- (people_index.rs, posts_index.rs).
--
-- person_latest gains each person's first history date (the earliest on_date of any of
-- their rows: on a date before it the person has no row) and the establishment kind of
-- the latest row (for people_counters).
ALTER TABLE person_latest ADD COLUMN first_date DATE NOT NULL DEFAULT '1900-01-01';
ALTER TABLE person_latest ADD COLUMN establishment TEXT NOT NULL DEFAULT '';
UPDATE person_latest SET first_date = (SELECT MIN(e.on_date) FROM person_events e WHERE e.person_id = person_latest.person_id), establishment = (SELECT e.establishment FROM person_events e WHERE e.id = person_latest.event_id);
CREATE INDEX person_latest_first ON person_latest (district_id, first_date);
-- The cost counters, now also per month of the latest row's date (yyyymm): the cost of a
-- past date reads the months before it, the latest rows of its own month, and the people
-- whose first and latest rows straddle it.
DROP TABLE cost_counters;
CREATE TABLE cost_counters (
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    identity TEXT NOT NULL,
    funding TEXT NOT NULL,
    body_key BIGINT NOT NULL,
    month BIGINT NOT NULL,
    headcount BIGINT NOT NULL,
    basic_pay BIGINT NOT NULL,
    allowances BIGINT NOT NULL,
    social_insurance BIGINT NOT NULL,
    housing_fund BIGINT NOT NULL,
    PRIMARY KEY (district_id, unit_id, status, month, identity, funding, body_key)
);
INSERT INTO cost_counters (district_id, unit_id, status, identity, funding, body_key, month, headcount, basic_pay, allowances, social_insurance, housing_fund)
SELECT district_id, unit_id, status, identity, funding, body_key, CAST(SUBSTR(CAST(on_date AS TEXT), 1, 4) || SUBSTR(CAST(on_date AS TEXT), 6, 2) AS BIGINT), CAST(COUNT(*) AS BIGINT), CAST(SUM(basic_pay) AS BIGINT), CAST(SUM(allowances) AS BIGINT), CAST(SUM(social_insurance) AS BIGINT), CAST(SUM(housing_fund) AS BIGINT)
FROM person_latest GROUP BY district_id, unit_id, status, identity, funding, body_key, CAST(SUBSTR(CAST(on_date AS TEXT), 1, 4) || SUBSTR(CAST(on_date AS TEXT), 6, 2) AS BIGINT);
-- Head count of people per unit, status, body (0: none) and establishment kind, from
-- their latest history row (which every people write copies from the people row):
-- occupancy (establishment page, dashboard, downsizing's staff base) and the roster's
-- total without counting the unit's index entries.
CREATE TABLE people_counters (
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    body_key BIGINT NOT NULL,
    establishment TEXT NOT NULL,
    headcount BIGINT NOT NULL,
    PRIMARY KEY (district_id, unit_id, status, body_key, establishment)
);
INSERT INTO people_counters (district_id, unit_id, status, body_key, establishment, headcount)
SELECT district_id, unit_id, status, body_key, establishment, CAST(COUNT(*) AS BIGINT)
FROM person_latest GROUP BY district_id, unit_id, status, body_key, establishment;
-- The posts report and the dashboard per unit: active posts, their function hours, the
-- open assignments' share sum and distinct holders (posts_index.rs), kept by every posts
-- write. Each active post with its hours:
CREATE TABLE post_counted (
    post_id BIGINT PRIMARY KEY REFERENCES posts(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL,
    hours BIGINT NOT NULL
);
CREATE INDEX post_counted_unit ON post_counted (district_id, unit_id, post_id);
-- Per unit and person, the share sum of their open assignments (a row while they hold one):
CREATE TABLE assignment_holders (
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES people(id),
    share_sum BIGINT NOT NULL,
    PRIMARY KEY (district_id, unit_id, person_id)
);
-- Their sums per unit:
CREATE TABLE post_counters (
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL,
    posts BIGINT NOT NULL,
    hours BIGINT NOT NULL,
    share_sum BIGINT NOT NULL,
    holders BIGINT NOT NULL,
    PRIMARY KEY (district_id, unit_id)
);
INSERT INTO post_counted (post_id, district_id, unit_id, hours)
SELECT p.id, p.district_id, p.unit_id, CAST(COALESCE((SELECT SUM(f.annual_hours) FROM post_functions f WHERE f.post_id = p.id AND f.district_id = p.district_id), 0) AS BIGINT)
FROM posts p WHERE p.active = TRUE;
INSERT INTO assignment_holders (district_id, unit_id, person_id, share_sum)
SELECT district_id, unit_id, person_id, CAST(SUM(share_pct) AS BIGINT) FROM post_assignments WHERE end_date IS NULL GROUP BY district_id, unit_id, person_id;
INSERT INTO post_counters (district_id, unit_id, posts, hours, share_sum, holders)
SELECT district_id, unit_id, CAST(SUM(posts) AS BIGINT), CAST(SUM(hours) AS BIGINT), CAST(SUM(share_sum) AS BIGINT), CAST(SUM(holders) AS BIGINT) FROM (
SELECT district_id, unit_id, CAST(COUNT(*) AS BIGINT) AS posts, CAST(SUM(hours) AS BIGINT) AS hours, CAST(0 AS BIGINT) AS share_sum, CAST(0 AS BIGINT) AS holders FROM post_counted GROUP BY district_id, unit_id
UNION ALL SELECT district_id, unit_id, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(SUM(share_sum) AS BIGINT), CAST(COUNT(*) AS BIGINT) FROM assignment_holders GROUP BY district_id, unit_id) t
GROUP BY district_id, unit_id;
