-- API tokens and policy parameters (政策参数).
CREATE TABLE api_tokens (
    id {pk},
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at {ts} NOT NULL,
    last_used_at {ts}
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
-- unit_id 0 = the district-wide value.
CREATE TABLE policy_params (
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL DEFAULT 0,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at {ts} NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (district_id, unit_id, key)
)
