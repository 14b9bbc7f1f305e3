-- Issue 20: managers administer agents in the console. A deactivated agent keeps their row
-- (their name stays on past conversations and in insights) but cannot sign in or get work.
-- Every administrative change is recorded: who, when, what, the old and the new value.
ALTER TABLE agents ADD COLUMN active INTEGER NOT NULL DEFAULT 1;

CREATE TABLE admin_audit (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        INTEGER NOT NULL,
    actor_id  INTEGER NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX admin_audit_at ON admin_audit (at);
