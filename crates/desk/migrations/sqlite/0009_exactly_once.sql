-- Issue 14, "exactly once": what the agent stream and conversation starts need to survive lost
-- answers and reconnects.

-- The agent notices (assigned, queue.new, message, assignment.lost), written in the same
-- transaction as the change that causes them. The agent stream reads them from here after the
-- client's last seen id, so a reconnecting console misses none; typing is not stored. Pruned by
-- the sweeper (age and count, see desk/sweeper.rs); the newest row is always kept, so MAX(id) is
-- the current position and MIN(id) tells how far back a resume can go.
CREATE TABLE agent_notices (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX agent_notices_agent ON agent_notices (agent_id, id);

-- `client_key` of POST /v1/conversations, hashed with the site and visitor: a retried start finds
-- the conversation it already made. Only the hash is stored (the key derives the token).
CREATE TABLE conversation_keys (
    key_hash         TEXT PRIMARY KEY,
    conversation_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    created_at       INTEGER NOT NULL
);
