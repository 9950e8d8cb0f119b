-- Province scale (issue 17): indexes that serve the lists' filters and orders, so that a
-- page costs what it shows rather than what the unit holds.
-- The roster of a unit in pinyin order (拼音排序): walked page by page instead of sorting
-- the whole unit (on SQLite the collation is the one the store registers on every
-- connection; on PostgreSQL the ICU collation of migration 11).
CREATE INDEX people_unit_name ON people (district_id, unit_id, name COLLATE pinyin, id);
-- The posts of a unit in list order (body, title).
CREATE INDEX posts_unit_list ON posts (district_id, unit_id, body_id, title, id);
-- The reorganisation plans of a unit, newest first.
CREATE INDEX reorg_plans_unit_id ON reorg_plans (district_id, unit_id, id);
-- Open assignments per unit (the posts report's counts).
CREATE INDEX post_assignments_open ON post_assignments (district_id, end_date, unit_id);
-- The latest dated history row of each person (the dated roster and the cost report).
CREATE INDEX person_events_latest ON person_events (district_id, unit_id, person_id, on_date, id);
-- Holders by unit, body and kind (establishment page, dashboard, downsizing's staff base):
-- counted from the index alone.
CREATE INDEX people_occupancy ON people (district_id, unit_id, status, body_id, establishment);
