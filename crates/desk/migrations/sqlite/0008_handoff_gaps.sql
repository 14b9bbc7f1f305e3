-- Insights' content gaps (Database::handoff_texts) read, for every handoff of a period, the
-- customer messages the bot did not match and the article the customer came from. Pulling them
-- out of each stored handoff's JSON at read time cost about 0.9 s for 35,000 handoffs
-- (docs/benchmarks.md), so they are kept here, one row per conversation with a stored handoff,
-- as the same expressions computed when the handoff is written. Triggers keep the table exact
-- whatever writes the conversation (the desk, the demo history, the bench).

CREATE TABLE handoff_gaps (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    site_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    locale TEXT NOT NULL,
    -- json_extract(handoff_json, '$.article')
    article TEXT,
    -- JSON array of the texts of customer transcript lines without an intent
    unmatched_json TEXT NOT NULL
);
CREATE INDEX handoff_gaps_period ON handoff_gaps (site_key, created_at);

INSERT INTO handoff_gaps (conversation_id, site_key, created_at, locale, article, unmatched_json)
SELECT c.id, c.site_key, c.created_at, c.locale, json_extract(c.handoff_json, '$.article'),
       (SELECT json_group_array(json_extract(t.value, '$.text'))
          FROM json_each(c.handoff_json, '$.transcript') t
         WHERE json_extract(t.value, '$.role') = 'customer'
           AND json_extract(t.value, '$.intent') IS NULL
           AND json_type(t.value, '$.text') = 'text')
  FROM conversations c
 WHERE c.handoff_json IS NOT NULL AND json_valid(c.handoff_json);

CREATE TRIGGER handoff_gaps_insert AFTER INSERT ON conversations
WHEN NEW.handoff_json IS NOT NULL AND json_valid(NEW.handoff_json)
BEGIN
    INSERT OR REPLACE INTO handoff_gaps (conversation_id, site_key, created_at, locale, article, unmatched_json)
    SELECT NEW.id, NEW.site_key, NEW.created_at, NEW.locale, json_extract(NEW.handoff_json, '$.article'),
           (SELECT json_group_array(json_extract(t.value, '$.text'))
              FROM json_each(NEW.handoff_json, '$.transcript') t
             WHERE json_extract(t.value, '$.role') = 'customer'
               AND json_extract(t.value, '$.intent') IS NULL
               AND json_type(t.value, '$.text') = 'text');
END;

-- Every conversation update sets every column; only a changed handoff or locale does work here.
CREATE TRIGGER handoff_gaps_update AFTER UPDATE OF handoff_json, locale ON conversations
WHEN NEW.handoff_json IS NOT OLD.handoff_json OR NEW.locale IS NOT OLD.locale
BEGIN
    DELETE FROM handoff_gaps WHERE conversation_id = NEW.id;
    INSERT INTO handoff_gaps (conversation_id, site_key, created_at, locale, article, unmatched_json)
    SELECT NEW.id, NEW.site_key, NEW.created_at, NEW.locale, json_extract(NEW.handoff_json, '$.article'),
           (SELECT json_group_array(json_extract(t.value, '$.text'))
              FROM json_each(NEW.handoff_json, '$.transcript') t
             WHERE json_extract(t.value, '$.role') = 'customer'
               AND json_extract(t.value, '$.intent') IS NULL
               AND json_type(t.value, '$.text') = 'text')
     WHERE NEW.handoff_json IS NOT NULL AND json_valid(NEW.handoff_json);
END;
