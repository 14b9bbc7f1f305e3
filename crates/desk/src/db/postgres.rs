//! PostgreSQL: the engine for several desk instances behind one load balancer.
//!
//! Here: connecting and migrations, row mapping, the writes a commit makes. Each storage trait is
//! implemented in its own file (conversations, agents, tickets, insights); the agent notice log
//! is notices.rs, the content-gap rows gaps.rs, the insights period loads period.rs, and
//! PostgreSQL's SQLSTATEs are mapped in error.rs. Every behaviour matches the SQLite backend
//! (`tests/storage_contract.rs` runs one suite on both).
//!
//! Transactions run at READ COMMITTED. What keeps concurrent instances consistent is in the
//! statements: a commit locks its conversation row and writes it only if `last_seq` is still the
//! one it read (else [`DbError::Conflict`]); unique keys turn a lost race into
//! [`DbError::Duplicate`]; notice ids follow commit order (notices.rs).
//!
//! PostgreSQL 11 or later (covering indexes with INCLUDE); tested on 15.

mod admin;
mod agents;
pub mod attempts;
mod commit;
mod conversations;
pub mod coordination;
mod error;
mod gaps;
mod insights;
pub mod limits;
pub mod listen;
pub mod locks;
mod mail;
mod notices;
pub mod notify;
mod period;
mod privacy;
mod settings;
mod tickets;
pub mod wake;

use super::*;
use async_trait::async_trait;
use error::Pg;
use rand::RngCore;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::Row;
use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

/// Migrations are compiled into the binary (no files needed next to it, no sqlx macros).
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/postgres/0001_init.sql")),
    (2, "coordination", include_str!("../../migrations/postgres/0002_coordination.sql")),
    (3, "rate_limits_unlogged", include_str!("../../migrations/postgres/0003_rate_limits_unlogged.sql")),
    (4, "commit_function", include_str!("../../migrations/postgres/0004_commit_function.sql")),
    (5, "outbox", include_str!("../../migrations/postgres/0005_outbox.sql")),
    (6, "agent_ticket_mail", include_str!("../../migrations/postgres/0006_agent_ticket_mail.sql")),
    (7, "agent_admin", include_str!("../../migrations/postgres/0007_agent_admin.sql")),
    (8, "site_settings", include_str!("../../migrations/postgres/0008_site_settings.sql")),
];

/// Connections per instance unless the caller says otherwise (see [`Postgres::connect_with_pool_size`]).
pub const DEFAULT_POOL_SIZE: u32 = 16;

/// How long a request waits for a pooled connection before the database counts as unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Postgres {
    pool: PgPool,
    /// This process's random id: the sender of its wake-ups (see wake.rs).
    instance_id: String,
}

const CONVERSATION_COLUMNS: &str = "id, site_key, locale, page_url, visitor_id, token_hash, status, department, tier, priority, \
     reason, handoff_json, agent_id, queued_at, queue_position, first_response_due, resolution_due, \
     first_reply_at, offline_reason, rating, rating_comment, last_seq, last_message_id, created_at, updated_at, customer_json";

/// The migrator for the compiled-in migrations. sqlx's PostgreSQL migrator holds a session
/// advisory lock (`pg_advisory_lock`, keyed on the database name) from before it creates its
/// `_sqlx_migrations` table until every migration is applied, so desk instances starting at
/// the same moment apply each migration once, one after another (`locking` is on by default;
/// `tests/storage_contract.rs` starts several at once).
fn migrator() -> Migrator {
    Migrator {
        migrations: Cow::Owned(
            MIGRATIONS
                .iter()
                .map(|(v, d, sql)| {
                    Migration::new(*v, Cow::Borrowed(*d), MigrationType::Simple, Cow::Borrowed(*sql), false)
                })
                .collect(),
        ),
        locking: true,
        ..Migrator::DEFAULT
    }
}

/// 16 random hex characters.
fn random_instance_id() -> String {
    let mut bytes = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Postgres {
    /// Connects to `url` (`postgres://...`) with [`DEFAULT_POOL_SIZE`] connections and brings
    /// the schema up to date.
    pub async fn connect(url: &str) -> DbResult<Postgres> {
        Self::connect_with_pool_size(url, DEFAULT_POOL_SIZE).await
    }

    /// [`Postgres::connect`] with at most `max_connections` pooled connections (at least 1).
    pub async fn connect_with_pool_size(url: &str, max_connections: u32) -> DbResult<Postgres> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| DbError::Unavailable(format!("database url: {e}")))?
            .application_name("handoff-desk");
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .pg()?;
        migrator().run(&pool).await.map_err(|e| DbError::Migration(e.to_string()))?;
        Ok(Postgres { pool, instance_id: random_instance_id() })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The random id this connection was given at connect: the sender in its wake-ups.
    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }
}

/// A `LIMIT` as SQLite reads one: negative means none (PostgreSQL refuses negative limits; NULL
/// is none).
fn limit(n: i64) -> Option<i64> {
    (n >= 0).then_some(n)
}

fn status(s: &str) -> DbResult<ConversationStatus> {
    ConversationStatus::parse(s).ok_or_else(|| DbError::Corrupt(format!("unknown status {s:?}")))
}

fn conversation(r: &PgRow) -> DbResult<ConversationRow> {
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

fn message(r: &PgRow) -> DbResult<MessageRow> {
    Ok(MessageRow {
        conversation_id: r.try_get("conversation_id")?,
        id: r.try_get("id")?,
        client_id: r.try_get("client_id")?,
        author: r.try_get("author")?,
        agent_id: r.try_get("agent_id")?,
        author_name: r.try_get("author_name")?,
        text: r.try_get("text")?,
        internal: r.try_get("internal")?,
        created_at: r.try_get("created_at")?,
    })
}

/// A comma-separated list (departments, sites) as SQLite's backend reads it.
fn list(s: &str) -> Vec<String> {
    s.split(',').filter(|d| !d.is_empty()).map(str::to_string).collect()
}

fn session(r: &PgRow) -> DbResult<SessionRow> {
    Ok(SessionRow {
        token_hash: r.try_get("token_hash")?,
        csrf_hash: r.try_get("csrf_hash")?,
        agent_id: r.try_get("agent_id")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
    })
}

fn agent(r: &PgRow) -> DbResult<AgentRow> {
    Ok(AgentRow {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        name: r.try_get("name")?,
        password_hash: r.try_get("password_hash")?,
        tier: r.try_get("tier")?,
        departments: list(r.try_get("departments")?),
        presence: r.try_get("presence")?,
        capacity: u32::try_from(r.try_get::<i64, _>("capacity")?).unwrap_or(0),
        sites: list(r.try_get("sites")?),
        ticket_mail: r.try_get("ticket_mail")?,
        active: r.try_get("active")?,
    })
}

fn ticket(r: &PgRow) -> DbResult<TicketRow> {
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

fn audit_row(r: &PgRow) -> DbResult<AuditRow> {
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

const AUDIT_COLUMNS: &str =
    "conversation_id, site_key, kind, reason, from_department, to_department, from_tier, to_tier, agent_id, at";

async fn insert_audit(conn: &mut PgConnection, a: &AuditRow) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO escalation_events (conversation_id, site_key, kind, reason, from_department, to_department, \
         from_tier, to_tier, agent_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
    .execute(&mut *conn)
    .await
    .pg()?;
    Ok(())
}

/// One new conversation row with its gap row, inside the caller's transaction.
async fn insert_conversation_row(conn: &mut PgConnection, c: &ConversationRow) -> DbResult<()> {
    sqlx::query(&format!(
        "INSERT INTO conversations ({CONVERSATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)"
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
    .await
    .pg()?;
    gaps::inserted(conn, c).await
}

#[async_trait]
impl Lifecycle for Postgres {
    async fn ping(&self) -> DbResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.pg()?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
