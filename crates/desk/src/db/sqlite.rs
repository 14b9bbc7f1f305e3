//! The embedded default: SQLite in WAL mode, one file under the data directory.
//!
//! Here: opening and migrations, row mapping, the writes a commit makes. Each storage trait is
//! implemented in its own file (conversations, agents, tickets, insights); SQLite's error codes
//! are mapped in error.rs, the group commit is group.rs.

mod admin;
mod agents;
mod conversations;
mod error;
mod gaps;
mod group;
mod insights;
mod mail;
mod once;
mod period;
mod privacy;
mod reader;
mod settings;
mod tickets;

use super::*;
use async_trait::async_trait;
use group::GroupCommit;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::Row;
use sqlx::SqliteConnection;
use std::borrow::Cow;
use std::path::Path;
use std::time::Duration;

/// How every write transaction starts: with SQLite's write lock taken at BEGIN. sqlx's `begin()`
/// is DEFERRED, and a transaction that reads before it writes (a commit checks the content gap
/// first) then holds a read snapshot; when another connection commits before its first write,
/// SQLite refuses the upgrade at once with SQLITE_BUSY_SNAPSHOT (no busy_timeout wait), a 503
/// for a request that did nothing wrong. IMMEDIATE waits for the lock (busy_timeout) instead.
const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

/// Migrations are compiled into the binary (no files needed next to it, no sqlx macros).
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/sqlite/0001_init.sql")),
    (2, "console", include_str!("../../migrations/sqlite/0002_console.sql")),
    (3, "insights", include_str!("../../migrations/sqlite/0003_insights.sql")),
    (4, "ticket_answer_expected", include_str!("../../migrations/sqlite/0004_ticket_answer_expected.sql")),
    (5, "customer", include_str!("../../migrations/sqlite/0005_customer.sql")),
    (6, "insights_first_reply", include_str!("../../migrations/sqlite/0006_insights_first_reply.sql")),
    (7, "insights_period_index", include_str!("../../migrations/sqlite/0007_insights_period_index.sql")),
    (8, "handoff_gaps", include_str!("../../migrations/sqlite/0008_handoff_gaps.sql")),
    (9, "exactly_once", include_str!("../../migrations/sqlite/0009_exactly_once.sql")),
    (10, "agent_sites", include_str!("../../migrations/sqlite/0010_agent_sites.sql")),
    (11, "handoff_gaps_in_rust", include_str!("../../migrations/sqlite/0011_handoff_gaps_in_rust.sql")),
    (12, "outbox", include_str!("../../migrations/sqlite/0012_outbox.sql")),
    (13, "agent_ticket_mail", include_str!("../../migrations/sqlite/0013_agent_ticket_mail.sql")),
    (14, "agent_admin", include_str!("../../migrations/sqlite/0014_agent_admin.sql")),
    (15, "site_settings", include_str!("../../migrations/sqlite/0015_site_settings.sql")),
];

pub struct Sqlite {
    pool: SqlitePool,
    /// Customer messages: commit under the desk's lock, fsync after it (see group.rs).
    group: GroupCommit,
    /// Read-only connections for the insights loads (sqlite/reader.rs).
    readers: reader::Readers,
}

const CONVERSATION_COLUMNS: &str = "id, site_key, locale, page_url, visitor_id, token_hash, status, department, tier, priority, \
     reason, handoff_json, agent_id, queued_at, queue_position, first_response_due, resolution_due, \
     first_reply_at, offline_reason, rating, rating_comment, last_seq, last_message_id, created_at, updated_at, customer_json";

/// The migrator for `migrations`, compiled in.
fn migrator(migrations: &[(i64, &'static str, &'static str)]) -> Migrator {
    Migrator {
        migrations: Cow::Owned(
            migrations
                .iter()
                .map(|(v, d, sql)| {
                    Migration::new(*v, Cow::Borrowed(*d), MigrationType::Simple, Cow::Borrowed(*sql), false)
                })
                .collect(),
        ),
        ..Migrator::DEFAULT
    }
}

impl Sqlite {
    /// Opens (creating if needed) `<dir>/handoff.db` and runs the migrations.
    pub async fn open(dir: &Path) -> DbResult<Self> {
        Self::open_file(&dir.join("handoff.db")).await
    }

    /// Opens (creating if needed) the database file `file` and runs the migrations.
    pub async fn open_file(file: &Path) -> DbResult<Self> {
        let options = SqliteConnectOptions::new()
            .filename(file)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a committed (and therefore acknowledged) message survives even a power cut,
            // not only a killed process. The group-commit connection (group.rs) gets the same
            // guarantee from its own fsync before anything is acknowledged.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options.clone()).await?;
        let migrator = migrator(MIGRATIONS);
        migrator.run(&pool).await?;
        let group = GroupCommit::open(&options, file, pool.clone()).await?;
        let readers = reader::Readers::new(file.to_path_buf());
        Ok(Sqlite { pool, group, readers })
    }
}

fn status(s: &str) -> DbResult<ConversationStatus> {
    ConversationStatus::parse(s).ok_or_else(|| DbError::Corrupt(format!("unknown status {s:?}")))
}

fn conversation(r: &SqliteRow) -> DbResult<ConversationRow> {
    Ok(ConversationRow {
        id: r.try_get("id")?,
        site_key: r.try_get("site_key")?,
        locale: r.try_get("locale")?,
        page_url: r.try_get("page_url")?,
        visitor_id: r.try_get("visitor_id")?,
        token_hash: r.try_get("token_hash")?,
        status: status(r.try_get::<&str, _>("status")?)?,
        department: r.try_get("department")?,
        tier: r.try_get("tier")?,
        priority: r.try_get("priority")?,
        reason: r.try_get("reason")?,
        handoff_json: r.try_get("handoff_json")?,
        agent_id: r.try_get("agent_id")?,
        queued_at: r.try_get("queued_at")?,
        queue_position: r.try_get("queue_position")?,
        first_response_due: r.try_get("first_response_due")?,
        resolution_due: r.try_get("resolution_due")?,
        first_reply_at: r.try_get("first_reply_at")?,
        offline_reason: r.try_get("offline_reason")?,
        rating: r.try_get("rating")?,
        rating_comment: r.try_get("rating_comment")?,
        last_seq: r.try_get("last_seq")?,
        last_message_id: r.try_get("last_message_id")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        customer_json: r.try_get("customer_json")?,
    })
}

fn message(r: &SqliteRow) -> DbResult<MessageRow> {
    Ok(MessageRow {
        conversation_id: r.try_get("conversation_id")?,
        id: r.try_get("id")?,
        client_id: r.try_get("client_id")?,
        author: r.try_get("author")?,
        agent_id: r.try_get("agent_id")?,
        author_name: r.try_get("author_name")?,
        text: r.try_get("text")?,
        internal: r.try_get::<i64, _>("internal")? != 0,
        created_at: r.try_get("created_at")?,
    })
}

fn session(r: &SqliteRow) -> DbResult<SessionRow> {
    Ok(SessionRow {
        token_hash: r.try_get("token_hash")?,
        csrf_hash: r.try_get("csrf_hash")?,
        agent_id: r.try_get("agent_id")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
    })
}

fn agent(r: &SqliteRow) -> DbResult<AgentRow> {
    let departments: String = r.try_get("departments")?;
    let sites: String = r.try_get("sites")?;
    Ok(AgentRow {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        name: r.try_get("name")?,
        password_hash: r.try_get("password_hash")?,
        tier: r.try_get("tier")?,
        departments: departments.split(',').filter(|d| !d.is_empty()).map(str::to_string).collect(),
        presence: r.try_get("presence")?,
        capacity: u32::try_from(r.try_get::<i64, _>("capacity")?).unwrap_or(0),
        sites: sites.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
        ticket_mail: r.try_get::<i64, _>("ticket_mail")? != 0,
        active: r.try_get::<i64, _>("active")? != 0,
    })
}

fn ticket(r: &SqliteRow) -> DbResult<TicketRow> {
    Ok(TicketRow {
        id: r.try_get("id")?,
        site_key: r.try_get("site_key")?,
        conversation_id: r.try_get("conversation_id")?,
        name: r.try_get("name")?,
        email: r.try_get("email")?,
        message: r.try_get("message")?,
        transcript_json: r.try_get("transcript_json")?,
        created_at: r.try_get("created_at")?,
        answer: r.try_get("answer")?,
        answered_by: r.try_get("answered_by")?,
        answered_at: r.try_get("answered_at")?,
        answer_expected_by: r.try_get("answer_expected_by")?,
        reply_token: r.try_get("reply_token")?,
    })
}

fn audit_row(r: &SqliteRow) -> DbResult<AuditRow> {
    Ok(AuditRow {
        conversation_id: r.try_get("conversation_id")?,
        site_key: r.try_get("site_key")?,
        kind: r.try_get("kind")?,
        reason: r.try_get("reason")?,
        from_department: r.try_get("from_department")?,
        to_department: r.try_get("to_department")?,
        from_tier: r.try_get("from_tier")?,
        to_tier: r.try_get("to_tier")?,
        agent_id: r.try_get("agent_id")?,
        at: r.try_get("at")?,
    })
}

async fn insert_audit<'c, E: sqlx::SqliteExecutor<'c>>(e: E, a: &AuditRow) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO escalation_events (conversation_id, site_key, kind, reason, from_department, to_department, \
         from_tier, to_tier, agent_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&a.conversation_id)
    .bind(&a.site_key)
    .bind(&a.kind)
    .bind(&a.reason)
    .bind(&a.from_department)
    .bind(&a.to_department)
    .bind(&a.from_tier)
    .bind(&a.to_tier)
    .bind(a.agent_id)
    .bind(a.at)
    .execute(e)
    .await?;
    Ok(())
}

/// One new conversation row with its gap row, inside the caller's transaction.
pub(super) async fn insert_conversation_row(
    conn: &mut SqliteConnection,
    c: &ConversationRow,
) -> DbResult<()> {
    sqlx::query(&format!(
        "INSERT INTO conversations ({CONVERSATION_COLUMNS}) VALUES \
             (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(&c.id)
    .bind(&c.site_key)
    .bind(&c.locale)
    .bind(&c.page_url)
    .bind(&c.visitor_id)
    .bind(&c.token_hash)
    .bind(c.status.as_str())
    .bind(&c.department)
    .bind(&c.tier)
    .bind(&c.priority)
    .bind(&c.reason)
    .bind(&c.handoff_json)
    .bind(c.agent_id)
    .bind(c.queued_at)
    .bind(c.queue_position)
    .bind(c.first_response_due)
    .bind(c.resolution_due)
    .bind(c.first_reply_at)
    .bind(&c.offline_reason)
    .bind(c.rating)
    .bind(&c.rating_comment)
    .bind(c.last_seq)
    .bind(c.last_message_id)
    .bind(c.created_at)
    .bind(c.updated_at)
    .bind(&c.customer_json)
    .execute(&mut *conn)
    .await?;
    gaps::inserted(conn, c).await
}

/// The statements of one [`Commit`], inside the caller's transaction.
pub(super) async fn write_commit(conn: &mut SqliteConnection, c: &Commit) -> DbResult<()> {
    let v = &c.conversation;
    let rewrite_gap = gaps::must_rewrite(&mut *conn, v).await?;
    let done = sqlx::query(
            "UPDATE conversations SET locale = ?, page_url = ?, status = ?, department = ?, tier = ?, priority = ?, \
             reason = ?, handoff_json = ?, agent_id = ?, queued_at = ?, queue_position = ?, first_response_due = ?, \
             resolution_due = ?, first_reply_at = ?, offline_reason = ?, rating = ?, rating_comment = ?, \
             last_seq = ?, last_message_id = ?, updated_at = ? WHERE id = ? AND last_seq = ?",
        )
        .bind(&v.locale)
        .bind(&v.page_url)
        .bind(v.status.as_str())
        .bind(&v.department)
        .bind(&v.tier)
        .bind(&v.priority)
        .bind(&v.reason)
        .bind(&v.handoff_json)
        .bind(v.agent_id)
        .bind(v.queued_at)
        .bind(v.queue_position)
        .bind(v.first_response_due)
        .bind(v.resolution_due)
        .bind(v.first_reply_at)
        .bind(&v.offline_reason)
        .bind(v.rating)
        .bind(&v.rating_comment)
        .bind(v.last_seq)
        .bind(v.last_message_id)
        .bind(v.updated_at)
        .bind(&v.id)
        .bind(c.expected_last_seq)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() != 1 {
        return Err(DbError::Conflict(v.id.clone()));
    }
    if rewrite_gap {
        gaps::rewrite(&mut *conn, v).await?;
    }
    for m in &c.messages {
        sqlx::query(
                "INSERT INTO messages (conversation_id, id, client_id, author, agent_id, author_name, text, internal, \
                 created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&m.conversation_id)
            .bind(m.id)
            .bind(&m.client_id)
            .bind(&m.author)
            .bind(m.agent_id)
            .bind(&m.author_name)
            .bind(&m.text)
            .bind(m.internal as i64)
            .bind(m.created_at)
            .execute(&mut *conn)
            .await?;
    }
    for e in &c.events {
        sqlx::query(
            "INSERT INTO events (conversation_id, seq, kind, payload, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&v.id)
        .bind(e.seq)
        .bind(&e.kind)
        .bind(&e.payload)
        .bind(e.created_at)
        .execute(&mut *conn)
        .await?;
    }
    for a in &c.audit {
        insert_audit(&mut *conn, a).await?;
    }
    once::insert_notices(&mut *conn, &c.notices).await?;
    mail::insert_mail(&mut *conn, &c.mail, None).await?;
    Ok(())
}

#[async_trait]
impl Lifecycle for Sqlite {
    async fn ping(&self) -> DbResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn close(&self) {
        // Checkpoint so the main file holds everything; the WAL would be replayed anyway.
        self.group.close().await;
        let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.pool).await;
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(id: &str) -> ConversationRow {
        ConversationRow::new_with_bot(id.into(), "demo".into(), "en".into(), "h".into(), 1)
    }

    fn event(seq: i64) -> EventRow {
        EventRow { seq, kind: "message".into(), payload: "{}".into(), created_at: 1 }
    }

    /// The content gaps come from `handoff_gaps`, which every write of a conversation keeps in
    /// step with its stored handoff, as migration 0008's triggers did: inserted with one,
    /// replaced by a second handoff, moved with a language change, gone when the handoff is
    /// cleared or unreadable, whichever way the conversation is written (plain commit or group
    /// commit).
    #[tokio::test]
    async fn handoff_gaps_follow_the_stored_handoff() {
        let dir = tempfile::tempdir().expect("dir");
        let db = Sqlite::open(dir.path()).await.expect("open");
        let handoff = |unmatched: &str, article: Option<&str>| {
            serde_json::json!({"article": article, "transcript": [
                {"role": "customer", "text": unmatched},
                {"role": "customer", "text": "where is my order", "intent": "order_status"},
                {"role": "bot", "text": "Sorry."},
            ]})
            .to_string()
        };
        let texts = || async {
            db.handoff_texts("demo", 0, 10)
                .await
                .expect("texts")
                .into_iter()
                .map(|t| (t.conversation_id, t.locale, t.article, t.unmatched))
                .collect::<Vec<_>>()
        };
        // Commits the change `f` to the stored conversation `id`, alternating the two paths.
        let change = |id: &'static str, f: Box<dyn FnOnce(&mut ConversationRow)>| {
            let db = &db;
            async move {
                let mut next = db.conversation(id).await.expect("read").expect("stored");
                let commit = Commit {
                    expected_last_seq: next.last_seq,
                    conversation: {
                        next.last_seq += 1;
                        f(&mut next);
                        next
                    },
                    messages: vec![],
                    events: vec![],
                    audit: vec![],
                    notices: vec![],
                    mail: vec![],
                };
                if commit.expected_last_seq % 2 == 0 {
                    db.commit(&commit).await.expect("commit");
                } else {
                    db.commit_unsynced(&commit).await.expect("commit");
                    db.sync().await.expect("sync");
                }
            }
        };
        db.insert_conversation(&ConversationRow {
            handoff_json: Some(handoff("penguin", Some("a1"))),
            ..conv("c1")
        })
        .await
        .expect("insert");
        db.insert_conversation(&conv("c2")).await.expect("insert"); // no handoff: no row
        let row = |locale: &str, article: Option<&str>, text: &str| {
            vec![("c1".to_string(), locale.to_string(), article.map(String::from), vec![text.to_string()])]
        };
        assert_eq!(texts().await, row("en", Some("a1"), "penguin"));
        change("c1", Box::new(|c| c.handoff_json = Some(handoff("zebra", None)))).await;
        assert_eq!(texts().await, row("en", None, "zebra"));
        change("c1", Box::new(|c| c.locale = "de".into())).await;
        assert_eq!(texts().await, row("de", None, "zebra"));
        change("c1", Box::new(|c| c.status = ConversationStatus::Resolved)).await;
        assert_eq!(texts().await, row("de", None, "zebra"));
        change("c1", Box::new(|c| c.handoff_json = Some("not json".into()))).await;
        assert_eq!(texts().await, vec![]);
        change("c1", Box::new(|c| c.handoff_json = Some(handoff("back", None)))).await;
        change("c1", Box::new(|c| c.handoff_json = None)).await;
        assert_eq!(texts().await, vec![]);
        change("c2", Box::new(|c| c.handoff_json = Some(handoff("quantum", None)))).await;
        let got = texts().await;
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].0.as_str(), got[0].3.as_slice()), ("c2", ["quantum".to_string()].as_slice()));
        // A keyed start stores its handoff's row too.
        let keyed = ConversationRow { handoff_json: Some(handoff("keyed", None)), ..conv("c3") };
        db.insert_conversation_keyed(&keyed, "key").await.expect("keyed");
        assert_eq!(texts().await.len(), 2);
    }

    /// A database the triggers kept (schema 10) keeps its gap rows through migration 0011, and
    /// the desk then writes new ones itself.
    #[tokio::test]
    async fn gap_rows_of_the_triggers_survive_migration_0011() {
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("handoff.db").display());
        let pool = SqlitePool::connect(&url).await.expect("old database");
        migrator(&MIGRATIONS[..10]).run(&pool).await.expect("migrations 1-10");
        let h = r#"{"article": "a1", "transcript": [{"role": "customer", "text": "by a trigger"}]}"#;
        insert_conversation_row(&mut pool.acquire().await.expect("conn"), &conv("c1")).await.expect("c1");
        // Through the old update trigger, not the desk's commit.
        sqlx::query("UPDATE conversations SET handoff_json = ? WHERE id = 'c1'")
            .bind(h)
            .execute(&pool)
            .await
            .expect("handoff");
        pool.close().await;
        let db = Sqlite::open(dir.path()).await.expect("migrate to 11");
        db.insert_conversation(&ConversationRow {
            handoff_json: Some(h.replace("by a trigger", "by the desk")),
            ..conv("c2")
        })
        .await
        .expect("c2");
        let got: Vec<_> = db
            .handoff_texts("demo", 0, 10)
            .await
            .expect("texts")
            .into_iter()
            .map(|t| (t.conversation_id, t.article, t.unmatched))
            .collect();
        let row = |id: &str, text: &str| (id.to_string(), Some("a1".to_string()), vec![text.to_string()]);
        assert_eq!(got, [row("c1", "by a trigger"), row("c2", "by the desk")]);
    }

    /// Like the update trigger it replaces, a commit rewrites the gap row only when the handoff
    /// or the locale changed: rows an older desk wrote stay as they are otherwise (the migration
    /// leaves them), and an unchanged handoff costs no work. The triggers are gone.
    #[tokio::test]
    async fn gap_rows_are_rewritten_only_when_the_handoff_or_locale_changes() {
        let dir = tempfile::tempdir().expect("dir");
        let db = Sqlite::open(dir.path()).await.expect("open");
        let triggers: i64 = sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
            .fetch_one(&db.pool)
            .await
            .expect("triggers");
        assert_eq!(triggers, 0);
        let h = r#"{"transcript": [{"role": "customer", "text": "fresh"}]}"#;
        db.insert_conversation(&ConversationRow { handoff_json: Some(h.into()), ..conv("c1") })
            .await
            .expect("insert");
        // A row as a past write left it, told apart by its text.
        sqlx::query("UPDATE handoff_gaps SET unmatched_json = '[\"old\"]'")
            .execute(&db.pool)
            .await
            .expect("mark");
        let unmatched =
            || async { db.handoff_texts("demo", 0, 10).await.expect("texts")[0].unmatched.clone() };
        let mut next = db.conversation("c1").await.expect("read").expect("stored");
        for (seq, locale) in [(1, "en"), (2, "cs")] {
            next.last_seq = seq;
            next.locale = locale.into();
            next.status = ConversationStatus::Queued;
            let commit = Commit {
                conversation: next.clone(),
                expected_last_seq: seq - 1,
                messages: vec![],
                events: vec![],
                audit: vec![],
                notices: vec![],
                mail: vec![],
            };
            db.commit(&commit).await.expect("commit");
            let want = if locale == "en" { "old" } else { "fresh" };
            assert_eq!(unmatched().await, [want]);
        }
    }

    /// period_rows packs each conversation's audit trail into JSON in SQL: a free-text reason
    /// with control characters and quotes in it, empty and NULL fields, and the order must all
    /// survive exactly.
    #[tokio::test]
    async fn period_rows_unpacks_audit_trails_exactly() {
        let dir = tempfile::tempdir().expect("dir");
        let db = Sqlite::open(dir.path()).await.expect("open");
        let audit = |kind: &str, reason: &str, at: i64| AuditRow {
            conversation_id: "c1".into(),
            site_key: "demo".into(),
            kind: kind.into(),
            reason: reason.into(),
            from_department: None,
            to_department: Some(String::new()),
            from_tier: Some("agent".into()),
            to_tier: None,
            agent_id: if at == 20 { Some(7) } else { None },
            at,
        };
        db.insert_conversation(&conv("c1")).await.expect("insert");
        db.insert_conversation(&conv("c2")).await.expect("insert"); // no audit at all
        let mut next = conv("c1");
        next.reason = Some("article_unhelpful".into());
        next.handoff_json = Some(r#"{"reason":"article_unhelpful","article":"track-order"}"#.into());
        next.last_seq = 1;
        let rows = vec![
            audit("handoff", "article_unhelpful", 10),
            audit("escalation", "note with \u{1e}, \u{1f}, \"quotes\" and \\ inside", 20),
            audit("resolution", "", 30),
        ];
        let commit = Commit {
            conversation: next,
            expected_last_seq: 0,
            messages: vec![],
            events: vec![event(1)],
            audit: rows.clone(),
            notices: vec![],
            mail: vec![],
        };
        db.commit(&commit).await.expect("commit");
        let got = db.period_rows("demo", 0, 10).await.expect("rows");
        assert_eq!(got.conversations.len(), 2);
        assert_eq!(got.conversations[0].unhelpful_article.as_deref(), Some("track-order"));
        assert_eq!(got.conversations[1].unhelpful_article, None);
        assert_eq!(got.audit, rows);

        // The narrow load: the headline's columns, departments and tiers only when asked.
        let narrow = db.period_rows_narrow("demo", 0, 10, NarrowFields::default()).await.expect("narrow");
        assert_eq!(narrow.conversations.len(), 2);
        assert_eq!(narrow.conversations[0].unhelpful_article, None);
        let strip = |a: &AuditRow, departments: bool, tiers: bool| AuditRow {
            reason: if ["handoff", "sla_breach"].contains(&a.kind.as_str()) {
                a.reason.clone()
            } else {
                String::new()
            },
            from_department: a.from_department.clone().filter(|_| departments),
            to_department: a.to_department.clone().filter(|_| departments),
            from_tier: a.from_tier.clone().filter(|_| tiers),
            to_tier: a.to_tier.clone().filter(|_| tiers),
            agent_id: None,
            ..a.clone()
        };
        assert_eq!(narrow.audit, rows.iter().map(|a| strip(a, false, false)).collect::<Vec<_>>());
        let fields = NarrowFields { departments: true, tiers: true };
        let narrow = db.period_rows_narrow("demo", 0, 10, fields).await.expect("narrow");
        assert_eq!(narrow.audit, rows.iter().map(|a| strip(a, true, true)).collect::<Vec<_>>());
        assert!(got.first_agent_reply.is_empty());
        assert_eq!(db.period_rows("other", 0, 10).await.expect("rows"), PeriodRows::default());

        // The read-only connections are kept between loads: the next load still sees what was
        // committed after the last one.
        db.insert_conversation(&conv("c3")).await.expect("insert");
        let again = db.period_rows("demo", 0, 10).await.expect("rows");
        assert_eq!(again.conversations.len(), 3);
    }

    #[tokio::test]
    async fn commits_are_atomic_and_checked_against_the_sequence() {
        let dir = tempfile::tempdir().expect("dir");
        let db = Sqlite::open(dir.path()).await.expect("open");
        db.insert_conversation(&conv("c1")).await.expect("insert");
        let mut next = conv("c1");
        next.status = ConversationStatus::Queued;
        next.first_response_due = Some(500);
        next.last_seq = 2;
        let commit = Commit {
            conversation: next.clone(),
            expected_last_seq: 0,
            messages: vec![],
            events: vec![event(1), event(2)],
            audit: vec![],
            notices: vec![],
            mail: vec![],
        };
        db.commit(&commit).await.expect("commit");
        // Replaying the same commit is stale now: rejected, nothing half-written.
        assert!(matches!(db.commit(&commit).await, Err(DbError::Conflict(_))));
        assert_eq!(db.events_after("c1", 0, 10).await.expect("events").len(), 2);
        assert_eq!(db.events_after("c1", 1, 10).await.expect("events")[0].seq, 2);
        // A failing statement inside the transaction rolls the conversation update back.
        let mut bad = next.clone();
        bad.last_seq = 3;
        let dup = Commit {
            conversation: bad,
            expected_last_seq: 2,
            messages: vec![],
            events: vec![event(2)],
            audit: vec![],
            notices: vec![],
            mail: vec![],
        };
        assert!(db.commit(&dup).await.is_err(), "duplicate sequence number");
        assert_eq!(db.conversation("c1").await.expect("get").map(|c| c.last_seq), Some(2));
        // Deadlines are found by the sweeper query.
        assert!(db.due_conversations(499).await.expect("due").is_empty());
        assert_eq!(db.due_conversations(500).await.expect("due").len(), 1);
        db.close().await;
        // Reopening runs the migrations idempotently and keeps the data.
        let db = Sqlite::open(dir.path()).await.expect("reopen");
        assert_eq!(
            db.conversation("c1").await.expect("get").map(|c| c.status),
            Some(ConversationStatus::Queued)
        );
    }

    #[tokio::test]
    async fn group_commit_one_fsync_covers_every_commit_before_it() {
        let dir = tempfile::tempdir().expect("dir");
        let db = std::sync::Arc::new(Sqlite::open(dir.path()).await.expect("open"));
        for i in 0..20 {
            db.insert_conversation(&conv(&format!("c{i}"))).await.expect("insert");
            let mut next = conv(&format!("c{i}"));
            next.last_seq = 1;
            let commit = Commit {
                conversation: next,
                expected_last_seq: 0,
                messages: vec![],
                events: vec![event(1)],
                audit: vec![],
                notices: vec![],
                mail: vec![],
            };
            db.commit_unsynced(&commit).await.expect("commit");
            // Committed means visible at once (the optimistic check sees it too)...
            assert!(matches!(db.commit_unsynced(&commit).await, Err(DbError::Conflict(_))));
        }
        assert_eq!(db.group.fsyncs(), 0, "...but nothing waited for the disk yet");
        // Twenty waiters, one fsync: it covers every commit made before it started.
        let waiters: Vec<_> = (0..20)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move { db.sync().await })
            })
            .collect();
        for w in waiters {
            w.await.expect("join").expect("sync");
        }
        assert_eq!(db.group.fsyncs(), 1);
        db.sync().await.expect("sync");
        assert_eq!(db.group.fsyncs(), 1, "nothing new to flush");
        // Reading an event syncs first, so a stream never shows one a power cut could take back.
        let mut next = conv("c0");
        next.last_seq = 2;
        let commit = Commit {
            conversation: next,
            expected_last_seq: 1,
            messages: vec![],
            events: vec![event(2)],
            audit: vec![],
            notices: vec![],
            mail: vec![],
        };
        db.commit_unsynced(&commit).await.expect("commit");
        assert_eq!(db.events_after("c0", 0, 10).await.expect("events").len(), 2);
        assert_eq!(db.group.fsyncs(), 2);
        db.close().await;
        let db = Sqlite::open(dir.path()).await.expect("reopen");
        assert_eq!(db.events_after("c19", 0, 10).await.expect("events").len(), 1);
    }
}
