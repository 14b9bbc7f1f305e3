-- A commit (src/db/postgres/commit.rs) in one round trip. Written statement by statement inside
-- BEGIN ... COMMIT it took nine or more (BEGIN, the row lock, the update, each insert, each
-- notification, the notice lock, COMMIT); at 1,000 messages a second across instances those
-- round trips were most of the database's CPU (docs/benchmarks.md). Called on its own, the
-- function runs in the statement's implicit transaction: everything in it commits together, and
-- an error (the conflict below included) rolls all of it back.
--
-- `c` is the commit as JSON (src/db/postgres/commit.rs builds it):
--   conversation       the conversation's new columns (conversations' names; null for NULL)
--   expected_last_seq  the last_seq the change was computed from
--   gap_known, gap     whether the content-gap row for the new handoff was computed, and that row
--                      (article, unmatched_json) or null. Computing it parses the whole handoff, so
--                      the caller first sends none and is asked again (HD410) in the rare commit
--                      that changes the handoff or the locale.
--   messages, events, audit, notices: the rows to insert, each with its table's column names
--   channel, wakes     pg_notify's channel and payloads (delivered only if this commits)
--   notice_lock_class  first half of the per-agent notice lock key (src/db/postgres/notices.rs)
--
-- Only storage happens here: every business rule (what changes, the gap row, what to notify)
-- was decided in Rust; this function only makes it one statement.
CREATE FUNCTION handoff_commit(c jsonb) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    v jsonb := c -> 'conversation';
    conv_id text := v ->> 'id';
    stored_seq bigint;
    stored_handoff text;
    stored_locale text;
BEGIN
    -- Lock the row first: a concurrent commit of the same conversation (another instance) waits
    -- here, and the check then sees its sequence number, not the one the change was read at.
    SELECT last_seq, handoff_json, locale INTO stored_seq, stored_handoff, stored_locale
        FROM conversations WHERE id = conv_id FOR UPDATE;
    IF NOT FOUND OR stored_seq <> (c ->> 'expected_last_seq')::bigint THEN
        -- HD409: mapped to DbError::Conflict (src/db/postgres/error.rs).
        RAISE EXCEPTION 'conversation % changed since it was read', conv_id USING ERRCODE = 'HD409';
    END IF;

    UPDATE conversations SET
        locale = v ->> 'locale',
        page_url = v ->> 'page_url',
        status = v ->> 'status',
        department = v ->> 'department',
        tier = v ->> 'tier',
        priority = v ->> 'priority',
        reason = v ->> 'reason',
        handoff_json = v ->> 'handoff_json',
        agent_id = (v ->> 'agent_id')::bigint,
        queued_at = (v ->> 'queued_at')::bigint,
        queue_position = (v ->> 'queue_position')::bigint,
        first_response_due = (v ->> 'first_response_due')::bigint,
        resolution_due = (v ->> 'resolution_due')::bigint,
        first_reply_at = (v ->> 'first_reply_at')::bigint,
        offline_reason = v ->> 'offline_reason',
        rating = (v ->> 'rating')::bigint,
        rating_comment = v ->> 'rating_comment',
        last_seq = (v ->> 'last_seq')::bigint,
        last_message_id = (v ->> 'last_message_id')::bigint,
        updated_at = (v ->> 'updated_at')::bigint
    WHERE id = conv_id;

    -- The gap row follows the stored handoff and locale; rewritten only when either changed,
    -- with the site, start time and locale of the stored row.
    IF stored_handoff IS DISTINCT FROM v ->> 'handoff_json' OR stored_locale IS DISTINCT FROM v ->> 'locale' THEN
        IF NOT (c ->> 'gap_known')::boolean THEN
            RAISE EXCEPTION 'conversation % needs its gap row', conv_id USING ERRCODE = 'HD410';
        END IF;
        DELETE FROM handoff_gaps WHERE conversation_id = conv_id;
        IF jsonb_typeof(c -> 'gap') = 'object' THEN
            INSERT INTO handoff_gaps (conversation_id, site_key, created_at, locale, article, unmatched_json)
                SELECT id, site_key, created_at, locale, c -> 'gap' ->> 'article', c -> 'gap' ->> 'unmatched_json'
                FROM conversations WHERE id = conv_id;
        END IF;
    END IF;

    INSERT INTO messages (conversation_id, id, client_id, author, agent_id, author_name, text, internal, created_at)
        SELECT m.conversation_id, m.id, m.client_id, m.author, m.agent_id, m.author_name, m.text, m.internal, m.created_at
        FROM jsonb_to_recordset(c -> 'messages') AS m (conversation_id text, id bigint, client_id text, author text,
            agent_id bigint, author_name text, "text" text, internal boolean, created_at bigint);

    INSERT INTO events (conversation_id, seq, kind, payload, created_at)
        SELECT conv_id, (e ->> 'seq')::bigint, e ->> 'kind', e ->> 'payload', (e ->> 'created_at')::bigint
        FROM jsonb_array_elements(c -> 'events') AS e;

    -- In the commit's order: audit ids are the trail's order.
    INSERT INTO escalation_events (conversation_id, site_key, kind, reason, from_department, to_department,
            from_tier, to_tier, agent_id, at)
        SELECT a ->> 'conversation_id', a ->> 'site_key', a ->> 'kind', a ->> 'reason', a ->> 'from_department',
            a ->> 'to_department', a ->> 'from_tier', a ->> 'to_tier', (a ->> 'agent_id')::bigint, (a ->> 'at')::bigint
        FROM jsonb_array_elements(c -> 'audit') WITH ORDINALITY AS r (a, position)
        ORDER BY r.position;

    -- Delivered by PostgreSQL only when (and after) this commits.
    PERFORM pg_notify(c ->> 'channel', w) FROM jsonb_array_elements_text(c -> 'wakes') AS w;

    -- Last: the per-agent notice locks, in ascending agent order, held until COMMIT so that one
    -- agent's notice ids become visible in id order (src/db/postgres/notices.rs).
    IF jsonb_array_length(c -> 'notices') > 0 THEN
        PERFORM pg_advisory_xact_lock((c ->> 'notice_lock_class')::int4, (s.agent & 2147483647)::int4)
            FROM (SELECT DISTINCT (n ->> 'agent_id')::bigint AS agent
                  FROM jsonb_array_elements(c -> 'notices') AS n ORDER BY 1) AS s;
        INSERT INTO agent_notices (agent_id, kind, payload, created_at)
            SELECT (n ->> 'agent_id')::bigint, n ->> 'kind', n ->> 'payload', (n ->> 'created_at')::bigint
            FROM jsonb_array_elements(c -> 'notices') WITH ORDINALITY AS r (n, position)
            ORDER BY r.position;
    END IF;
END
$fn$;
