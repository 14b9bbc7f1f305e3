-- The content-gap rows (handoff_gaps, migration 0008) are computed in Rust from each handoff
-- (src/db/gaps.rs) and written in the transaction that stores the conversation
-- (src/db/sqlite/gaps.rs), so that no business rule lives only in SQLite's JSON functions and
-- another engine stores the same rows. The triggers go; the rows they wrote stay as they are:
-- the Rust computation gives the same rows for every handoff the desk writes.

DROP TRIGGER IF EXISTS handoff_gaps_insert;
DROP TRIGGER IF EXISTS handoff_gaps_update;
