-- Insights (crates/desk/src/db/sqlite/period.rs): the period's conversations straight from this
-- index. Every conversation row carries its stored handoff (about 1 KB with the transcript), so
-- reading rows from the table means ten times the pages; the period load needs only these
-- columns (the rating comment, the rating's time and an unhelpful article only for the few
-- rows that have them, fetched from the table for those rows alone). Replaces
-- conversations_site_created, a prefix of it. Columns that change on every message
-- (updated_at, last_seq) stay out, so the write path does not rewrite this index per message.
DROP INDEX IF EXISTS conversations_site_created;
CREATE INDEX conversations_insights ON conversations (site_key, created_at, id, locale, priority, reason, rating);
