-- Districts (区), their units (镇/街道), accounts, sessions and the audit chain.
CREATE TABLE districts (
    id {pk},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at {ts} NOT NULL
);
CREATE TABLE units (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('town', 'subdistrict')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at {ts} NOT NULL,
    UNIQUE (district_id, code)
);
CREATE TABLE users (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT REFERENCES units(id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at {ts} NOT NULL,
    password_changed_at {ts}
);
CREATE INDEX users_scope ON users (district_id, unit_id);
CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at {ts} NOT NULL,
    last_seen_at {ts} NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE audit_log (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    seq BIGINT NOT NULL,
    at_ms BIGINT NOT NULL,
    unit_id BIGINT,
    user_id BIGINT,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (district_id, seq)
);
CREATE INDEX audit_log_unit ON audit_log (district_id, unit_id, at_ms);
CREATE TABLE audit_heads (
    district_id BIGINT PRIMARY KEY REFERENCES districts(id),
    last_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
)
