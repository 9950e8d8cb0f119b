-- The client address of each audited change (part of the row's hash when present), and
-- the sign-in log (登录日志): every attempt, successful or not. An attempt with an
-- unknown user name has no district.
ALTER TABLE audit_log ADD COLUMN addr TEXT;
CREATE INDEX audit_log_action ON audit_log (district_id, action, at_ms);
CREATE TABLE login_log (
    id {pk},
    at_ms BIGINT NOT NULL,
    district_id BIGINT REFERENCES districts(id),
    unit_id BIGINT REFERENCES units(id),
    user_id BIGINT REFERENCES users(id),
    username TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'unknown_user', 'bad_password', 'inactive', 'rate_limited')),
    addr TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX login_log_district ON login_log (district_id, unit_id, at_ms);
-- Names sort in pinyin order (拼音排序) with `COLLATE pinyin`: on PostgreSQL the ICU
-- Chinese collation; on SQLite a collation the store registers on every connection.
--postgres: CREATE COLLATION IF NOT EXISTS pinyin (provider = icu, locale = 'zh-u-co-pinyin');
