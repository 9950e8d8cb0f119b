-- Staff self-service (个人中心): an account may be linked to the person it belongs to (a
-- roster record of the same unit). At most one account per person; NULL: not linked.
ALTER TABLE users ADD COLUMN person_id BIGINT REFERENCES people(id);
CREATE UNIQUE INDEX users_person ON users (person_id)
