-- Times are integer milliseconds since the Unix epoch, UTC.

CREATE TABLE conversations (
    id                 TEXT PRIMARY KEY,
    site_key           TEXT NOT NULL,
    locale             TEXT NOT NULL,
    page_url           TEXT,
    token_hash         TEXT NOT NULL,
    status             TEXT NOT NULL,
    department         TEXT,
    tier               TEXT,
    priority           TEXT,
    reason             TEXT,
    handoff_json       TEXT,
    agent_id           INTEGER,
    queued_at          INTEGER,
    queue_position     INTEGER,
    first_response_due INTEGER,
    resolution_due     INTEGER,
    first_reply_at     INTEGER,
    offline_reason     TEXT,
    rating             INTEGER,
    rating_comment     TEXT,
    last_seq           INTEGER NOT NULL DEFAULT 0,
    last_message_id    INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX conversations_status ON conversations (status);
CREATE INDEX conversations_agent ON conversations (agent_id);
CREATE INDEX conversations_first_response_due ON conversations (first_response_due);
CREATE INDEX conversations_resolution_due ON conversations (resolution_due);

-- Message ids are per conversation so the desk can number them inside its own transaction.
CREATE TABLE messages (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    id              INTEGER NOT NULL,
    client_id       TEXT,
    author          TEXT NOT NULL,
    agent_id        INTEGER,
    author_name     TEXT,
    text            TEXT NOT NULL,
    internal        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, id)
);
CREATE UNIQUE INDEX messages_client_id ON messages (conversation_id, client_id) WHERE client_id IS NOT NULL;

-- The customer stream: every persisted event with its per-conversation sequence number.
CREATE TABLE events (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    seq             INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);

-- The audit trail of the escalation path: raw material for analytics.
CREATE TABLE escalation_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL,
    site_key        TEXT NOT NULL,
    kind            TEXT NOT NULL,
    reason          TEXT NOT NULL,
    from_department TEXT,
    to_department   TEXT,
    from_tier       TEXT,
    to_tier         TEXT,
    agent_id        INTEGER,
    at              INTEGER NOT NULL
);
CREATE INDEX escalation_events_conversation ON escalation_events (conversation_id);

CREATE TABLE agents (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    tier          TEXT NOT NULL,
    departments   TEXT NOT NULL, -- comma separated department ids
    presence      TEXT NOT NULL DEFAULT 'offline',
    capacity      INTEGER NOT NULL DEFAULT 3,
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    csrf_hash  TEXT NOT NULL,
    agent_id   INTEGER NOT NULL REFERENCES agents (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE tickets (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    site_key        TEXT NOT NULL,
    conversation_id TEXT,
    name            TEXT NOT NULL,
    email           TEXT NOT NULL,
    message         TEXT NOT NULL,
    transcript_json TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
