-- Committee decision by secret ballot (党委会 无记名投票, issue 13 point 6).
-- A meeting of a unit's committee with its agenda items, its roll call, its one-time tokens
-- (hash and used flag only) and its ballots. `ballots` and `ballot_tokens` hold no user,
-- member, session, address or time column and no sequential key: on SQLite they are
-- WITHOUT ROWID tables keyed by (meeting, random key / token hash), so neither the key nor
-- the storage order follows the order of casting. Nothing here links a member to a token
-- or a ballot. Every table carries district_id and unit_id.
CREATE TABLE committee_meetings (
    id {pk},
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    -- a campaign (竞争上岗) that generated the meeting: a later migration adds campaign_id here
    title TEXT NOT NULL,
    held_on DATE NOT NULL,
    -- 应到会 N: all committee members
    members BIGINT NOT NULL,
    -- draft (items, roll call), open (tokens issued, voting), closed (tallied)
    status TEXT NOT NULL,
    -- 实到会, fixed when the tokens are issued
    present BIGINT NOT NULL,
    tokens_issued BIGINT NOT NULL,
    -- the tally recorded at close (JSON) and the SHA-256 digest of the sorted ballot set
    tally_json TEXT,
    digest TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at {ts} NOT NULL,
    closed_at {ts}
);
CREATE INDEX committee_meetings_scope ON committee_meetings (district_id, unit_id, status);
CREATE TABLE committee_items (
    id {pk},
    meeting_id BIGINT NOT NULL REFERENCES committee_meetings(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    -- the item number on the ballot (1, 2, …)
    item_no BIGINT NOT NULL,
    -- the decision voted on (拟任 张三 为 党政办主任)
    text TEXT NOT NULL,
    person_id BIGINT REFERENCES people(id),
    post_id BIGINT REFERENCES posts(id),
    -- recusals declared in the meeting for this item (回避)
    recused BIGINT NOT NULL,
    UNIQUE (meeting_id, item_no)
);
CREATE INDEX committee_items_meeting ON committee_items (district_id, unit_id, meeting_id);
-- The roll call (签到): every member of the committee when the meeting was created.
CREATE TABLE committee_attendance (
    meeting_id BIGINT NOT NULL REFERENCES committee_meetings(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    present BOOLEAN NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);
-- One-time tokens: SHA-256 of the token (hex) and whether it was used. Nothing else.
CREATE TABLE ballot_tokens (
    meeting_id BIGINT NOT NULL REFERENCES committee_meetings(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    token_hash TEXT NOT NULL,
    used BOOLEAN NOT NULL,
    PRIMARY KEY (meeting_id, token_hash)
){without_rowid};
-- Ballots: a random key and the marks (`1=agree;2=defer`). Nothing else.
CREATE TABLE ballots (
    meeting_id BIGINT NOT NULL REFERENCES committee_meetings(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    ballot_key TEXT NOT NULL,
    marks TEXT NOT NULL,
    PRIMARY KEY (meeting_id, ballot_key)
){without_rowid}
