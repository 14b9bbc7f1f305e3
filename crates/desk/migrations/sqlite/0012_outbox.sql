-- Outbound mail (issue 21). A ticket's reply token: the local part of its Reply-To
-- (reply+<token>@<reply domain>), 128 random bits, so a reply names its conversation and
-- nobody can guess another's. Tickets filed before this migration have none until answered.
ALTER TABLE tickets ADD COLUMN reply_token TEXT;
CREATE UNIQUE INDEX tickets_reply_token ON tickets (reply_token);

-- The durable outbox: one row per mail, written in the transaction of what causes it (the
-- ticket, its answer) and rendered then, so a retry sends the same bytes under the same
-- Message-ID. The sender claims due rows with a lease (claimed_until): a sender that dies
-- mid-send leaves the row to be claimed again once the lease runs out.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    site_key        TEXT NOT NULL,
    conversation_id TEXT,
    ticket_id       INTEGER,
    -- receipt | answer
    kind            TEXT NOT NULL,
    -- <...@reply domain>, unique: one ticket's receipt or answer is queued once
    message_id      TEXT NOT NULL UNIQUE,
    in_reply_to     TEXT,
    mail_from       TEXT NOT NULL,
    reply_to        TEXT,
    rcpt            TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    -- pending | sent | failed (gave up after the configured attempts)
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_until   INTEGER,
    last_error      TEXT,
    sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_ticket ON outbox (ticket_id);
