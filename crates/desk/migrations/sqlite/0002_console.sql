-- The agent console: earlier conversations of the same visitor, answered offline tickets.

ALTER TABLE conversations ADD COLUMN visitor_id TEXT;
CREATE INDEX conversations_visitor ON conversations (site_key, visitor_id);

ALTER TABLE tickets ADD COLUMN answer TEXT;
ALTER TABLE tickets ADD COLUMN answered_by TEXT;
ALTER TABLE tickets ADD COLUMN answered_at INTEGER;

CREATE INDEX escalation_events_kind ON escalation_events (kind, id);
