//! Insights over 100,000 conversations (issue 7: under 1 s on this machine).
//!
//! Builds a SQLite database (or, with `INSIGHTS_DATABASE_URL`, fills an empty PostgreSQL one in
//! batches; issue 15) with the desk's own migrations, then fills it in one transaction
//! with 100,000 conversations over 90 days, and as many in the 90 days before (the page
//! compares with the previous period), of a believable mix: bot-contained, handed off and
//! resolved, escalated after an SLA breach, transferred, offline, rated. Then times
//! `insights::compute` for the whole period (daily trends, no filter) and with a filter, each a
//! few times, and prints min and median. Bounded: fixed sizes, no network.
//! `cargo xtask bench insights` runs it; `INSIGHTS_N` changes the number of conversations.

use handoff_desk::db::gaps::HandoffGap;
use handoff_desk::db::postgres::Postgres;
use handoff_desk::db::sqlite::Sqlite;
use handoff_desk::db::Database;
use handoff_desk::insights::{compute, Bucket, Filter, InsightsQuery};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, SqliteConnection};
use std::time::{Duration, Instant};

const DAY: i64 = 86_400_000;
const START: i64 = 1_780_000_000_000; // 2026-05-28, a fixed date so runs compare
const DEPARTMENTS: [&str; 5] = ["orders", "returns", "billing", "account", "technical"];
const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];
const REASONS: [&str; 5] = ["explicit", "fallback", "frustration", "rule", "article_unhelpful"];
const LOCALES: [&str; 6] = ["en", "de", "cs", "bg", "pt", "tl"];

/// Deterministic xorshift: the same history on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len() as u64) as usize]
    }
}

struct Audit<'a> {
    kind: &'a str,
    reason: &'a str,
    from_department: Option<&'a str>,
    to_department: Option<&'a str>,
    from_tier: Option<&'a str>,
    to_tier: Option<&'a str>,
    at: i64,
}

fn audit<'a>(kind: &'a str, reason: &'a str, at: i64) -> Audit<'a> {
    Audit { kind, reason, from_department: None, to_department: None, from_tier: None, to_tier: None, at }
}

/// One generated conversation with the rows that go with it.
struct Conv {
    id: String,
    created: i64,
    locale: &'static str,
    status: &'static str,
    department: Option<&'static str>,
    tier: Option<&'static str>,
    priority: Option<&'static str>,
    reason: Option<&'static str>,
    rating: Option<i64>,
    handoff_json: Option<String>,
    /// The content-gap row the desk writes with a stored handoff (src/db/*/gaps.rs).
    gap: Option<HandoffGap>,
    audits: Vec<Audit<'static>>,
    /// The agent's first reply, when there was one.
    first_reply: Option<i64>,
}

/// The `n` conversations, the same on every run and for both engines.
struct History {
    rng: Rng,
    i: u64,
    n: u64,
}

impl History {
    fn new(n: u64) -> History {
        History { rng: Rng(0x9e37_79b9_7f4a_7c15), i: 0, n }
    }
}

impl Iterator for History {
    type Item = Conv;

    fn next(&mut self) -> Option<Conv> {
        let (i, n, rng) = (self.i, self.n, &mut self.rng);
        if i >= n {
            return None;
        }
        self.i += 1;
        let id = format!("c{i:07}");
        // Half before START (the previous period, loaded for the comparison), half after.
        let created = START - 90 * DAY + (i as i64 * 180 * DAY) / n as i64 + rng.below(60_000) as i64;
        let locale = rng.pick(&LOCALES);
        let handed_off = rng.below(100) < 35;
        let mut rows: Vec<Audit> = Vec::new();
        let (mut status, mut dept, mut tier, mut prio, mut reason) = ("bot", None, None, None, None);
        let mut rating = None;
        let mut first_reply = None;
        let mut handoff_json = None;
        if handed_off {
            let d = rng.pick(&DEPARTMENTS);
            let r = rng.pick(&REASONS);
            let p = rng.pick(&PRIORITIES);
            let mut t = created + 30_000;
            let mut h = audit("handoff", r, t);
            (h.to_department, h.to_tier) = (Some(d), Some("agent"));
            rows.push(h);
            (dept, tier, prio, reason) = (Some(d), Some("agent"), Some(p), Some(r));
            handoff_json = Some(handoff(rng, r, d, p, locale));
            if rng.below(100) < 8 {
                rows.push(audit("offline", "outside_hours", t));
                status = "offline";
            } else {
                rows.push(audit("queued", r, t));
                t += 5_000 + rng.below(600_000) as i64;
                if rng.below(100) < 12 {
                    rows.push(audit("sla_breach", "first_response", t));
                    let mut e = audit("escalation", "sla_first_response", t);
                    (e.from_tier, e.to_tier) = (Some("agent"), Some("supervisor"));
                    rows.push(e);
                    tier = Some("supervisor");
                    t += 5_000 + rng.below(300_000) as i64;
                }
                rows.push(audit("assignment", "auto", t));
                t += 10_000 + rng.below(240_000) as i64;
                first_reply = Some(t);
                if rng.below(100) < 10 {
                    let to = rng.pick(&DEPARTMENTS);
                    let mut tr = audit("transfer", "manual", t);
                    (tr.from_department, tr.to_department) = (Some(d), Some(to));
                    rows.push(tr);
                    rows.push(audit("assignment", "auto", t + 60_000));
                    dept = Some(to);
                }
                t += 60_000 + rng.below(3_600_000) as i64;
                rows.push(audit("resolution", "agent", t));
                status = "resolved";
                if rng.below(100) < 40 {
                    rating = Some(1 + rng.below(5) as i64);
                }
            }
        }
        let gap = handoff_json.as_deref().and_then(HandoffGap::of);
        Some(Conv {
            id,
            created,
            locale,
            status,
            department: dept,
            tier,
            priority: prio,
            reason,
            rating,
            handoff_json,
            gap,
            audits: rows,
            first_reply,
        })
    }
}

async fn fill(file: &std::path::Path, n: u64) -> Result<(u64, u64), sqlx::Error> {
    // A separate connection without fsyncs: this is test data, written once.
    let options = SqliteConnectOptions::new()
        .filename(file)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Off);
    let mut conn = SqliteConnection::connect_with(&options).await?;
    let mut tx = conn.begin().await?;
    let (mut audits, mut messages) = (0u64, 0u64);
    for c in History::new(n) {
        sqlx::query(
            "INSERT INTO conversations (id, site_key, locale, token_hash, status, department, tier, priority, \
             reason, rating, rating_comment, last_seq, last_message_id, created_at, updated_at, handoff_json) \
             VALUES (?, 'demo', ?, 'h', ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)",
        )
        .bind(&c.id)
        .bind(c.locale)
        .bind(c.status)
        .bind(c.department)
        .bind(c.tier)
        .bind(c.priority)
        .bind(c.reason)
        .bind(c.rating)
        .bind(c.rating.map(|r| format!("rated {r}")))
        .bind(c.created)
        .bind(c.created)
        .bind(&c.handoff_json)
        .execute(&mut *tx)
        .await?;
        if let Some(gap) = &c.gap {
            sqlx::query(
                "INSERT INTO handoff_gaps (conversation_id, site_key, created_at, locale, article, unmatched_json) \
                 VALUES (?, 'demo', ?, ?, ?, ?)",
            )
            .bind(&c.id)
            .bind(c.created)
            .bind(c.locale)
            .bind(&gap.article)
            .bind(gap.unmatched_json().map_err(|e| sqlx::Error::Encode(e.into()))?)
            .execute(&mut *tx)
            .await?;
        }
        for a in &c.audits {
            sqlx::query(
                "INSERT INTO escalation_events (conversation_id, site_key, kind, reason, from_department, \
                 to_department, from_tier, to_tier, agent_id, at) VALUES (?, 'demo', ?, ?, ?, ?, ?, ?, NULL, ?)",
            )
            .bind(&c.id)
            .bind(a.kind)
            .bind(a.reason)
            .bind(a.from_department)
            .bind(a.to_department)
            .bind(a.from_tier)
            .bind(a.to_tier)
            .bind(a.at)
            .execute(&mut *tx)
            .await?;
            audits += 1;
        }
        if let Some(at) = c.first_reply {
            sqlx::query(
                "INSERT INTO messages (conversation_id, id, author, agent_id, author_name, text, internal, created_at) \
                 VALUES (?, 1, 'agent', 1, 'Ana', 'Hello, I am looking into it.', 0, ?)",
            )
            .bind(&c.id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            messages += 1;
        }
    }
    tx.commit().await?;
    Ok((audits, messages))
}

/// The same history into PostgreSQL, in batches of a few thousand conversations per statement
/// (one array per column through UNNEST: row-by-row round trips would take minutes), then
/// ANALYZE: a desk's tables are analysed by autovacuum long before they hold 200,000 rows, so
/// the planner must not see a table it has never measured.
async fn fill_postgres(pool: &sqlx::PgPool, n: u64) -> Result<(u64, u64), Box<dyn std::error::Error>> {
    const BATCH: usize = 5_000;
    let (mut audits, mut messages) = (0u64, 0u64);
    let mut history = History::new(n).peekable();
    while history.peek().is_some() {
        let batch: Vec<Conv> = history.by_ref().take(BATCH).collect();
        let mut tx = pool.begin().await?;
        let col = |f: fn(&Conv) -> Option<String>| batch.iter().map(f).collect::<Vec<Option<String>>>();
        sqlx::query(
            "INSERT INTO conversations (id, site_key, locale, token_hash, status, department, tier, priority, \
             reason, rating, rating_comment, last_seq, last_message_id, created_at, updated_at, handoff_json) \
             SELECT id, 'demo', locale, 'h', status, department, tier, priority, reason, rating, rating_comment, \
             0, 0, created, created, handoff_json FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], \
             $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::bigint[], $11::text[]) \
             AS t(id, locale, status, department, tier, priority, reason, rating, rating_comment, created, handoff_json)",
        )
        .bind(batch.iter().map(|c| c.id.clone()).collect::<Vec<_>>())
        .bind(batch.iter().map(|c| c.locale).collect::<Vec<_>>())
        .bind(batch.iter().map(|c| c.status).collect::<Vec<_>>())
        .bind(col(|c| c.department.map(str::to_string)))
        .bind(col(|c| c.tier.map(str::to_string)))
        .bind(col(|c| c.priority.map(str::to_string)))
        .bind(col(|c| c.reason.map(str::to_string)))
        .bind(batch.iter().map(|c| c.rating).collect::<Vec<_>>())
        .bind(col(|c| c.rating.map(|r| format!("rated {r}"))))
        .bind(batch.iter().map(|c| c.created).collect::<Vec<_>>())
        .bind(col(|c| c.handoff_json.clone()))
        .execute(&mut *tx)
        .await?;
        let gaps: Vec<&Conv> = batch.iter().filter(|c| c.gap.is_some()).collect();
        let mut unmatched = Vec::with_capacity(gaps.len());
        for c in &gaps {
            unmatched.push(c.gap.as_ref().map(|g| g.unmatched_json()).transpose()?);
        }
        sqlx::query(
            "INSERT INTO handoff_gaps (conversation_id, site_key, created_at, locale, article, unmatched_json) \
             SELECT id, 'demo', created, locale, article, unmatched FROM UNNEST($1::text[], $2::bigint[], \
             $3::text[], $4::text[], $5::text[]) AS t(id, created, locale, article, unmatched)",
        )
        .bind(gaps.iter().map(|c| c.id.clone()).collect::<Vec<_>>())
        .bind(gaps.iter().map(|c| c.created).collect::<Vec<_>>())
        .bind(gaps.iter().map(|c| c.locale).collect::<Vec<_>>())
        .bind(gaps.iter().map(|c| c.gap.as_ref().and_then(|g| g.article.clone())).collect::<Vec<_>>())
        .bind(unmatched)
        .execute(&mut *tx)
        .await?;
        let rows: Vec<(&str, &Audit<'static>)> =
            batch.iter().flat_map(|c| c.audits.iter().map(move |a| (c.id.as_str(), a))).collect();
        let acol = |f: fn(&Audit<'static>) -> Option<&'static str>| {
            rows.iter().map(|(_, a)| f(a)).collect::<Vec<_>>()
        };
        sqlx::query(
            "INSERT INTO escalation_events (conversation_id, site_key, kind, reason, from_department, \
             to_department, from_tier, to_tier, agent_id, at) \
             SELECT id, 'demo', kind, reason, fd, td, ft, tt, NULL, at FROM UNNEST($1::text[], $2::text[], \
             $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[]) \
             AS t(id, kind, reason, fd, td, ft, tt, at)",
        )
        .bind(rows.iter().map(|(id, _)| *id).collect::<Vec<_>>())
        .bind(rows.iter().map(|(_, a)| a.kind).collect::<Vec<_>>())
        .bind(rows.iter().map(|(_, a)| a.reason).collect::<Vec<_>>())
        .bind(acol(|a| a.from_department))
        .bind(acol(|a| a.to_department))
        .bind(acol(|a| a.from_tier))
        .bind(acol(|a| a.to_tier))
        .bind(rows.iter().map(|(_, a)| a.at).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await?;
        audits += rows.len() as u64;
        let replies: Vec<(&str, i64)> =
            batch.iter().filter_map(|c| c.first_reply.map(|at| (c.id.as_str(), at))).collect();
        sqlx::query(
            "INSERT INTO messages (conversation_id, id, author, agent_id, author_name, text, internal, created_at) \
             SELECT id, 1, 'agent', 1, 'Ana', 'Hello, I am looking into it.', FALSE, at \
             FROM UNNEST($1::text[], $2::bigint[]) AS t(id, at)",
        )
        .bind(replies.iter().map(|(id, _)| *id).collect::<Vec<_>>())
        .bind(replies.iter().map(|(_, at)| *at).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await?;
        messages += replies.len() as u64;
        tx.commit().await?;
    }
    sqlx::query("ANALYZE").execute(pool).await?;
    Ok((audits, messages))
}

/// The handoff as the widget stores it (docs/protocol.md): a bot transcript of five lines, two of
/// them customer messages the bot did not match (what the content gaps read), intents, slots and
/// the page; an article for `article_unhelpful`. About 1 KB, like the demo's real handoffs.
fn handoff(rng: &mut Rng, reason: &str, department: &str, priority: &str, locale: &str) -> String {
    const UNMATCHED: [&str; 8] = [
        "my voucher code does not work at checkout",
        "can I pick up the tent in the Brno store",
        "the zip on the sleeping bag broke after a week",
        "do you ship to Iceland",
        "invoice address is wrong on my order",
        "app keeps logging me out",
        "is the Trail 40 backpack waterproof",
        "I was charged twice",
    ];
    // A number from a million: every text distinct, as in the long tail of real messages, so
    // that the content gaps cannot answer one text once for many conversations.
    let miss = |rng: &mut Rng| format!("{} {}", rng.pick(&UNMATCHED), rng.below(1_000_000));
    let article = (reason == "article_unhelpful").then(|| format!("article-{}", rng.below(84)));
    serde_json::json!({
        "reason": reason,
        "detail": "customer asked for a person",
        "department": department,
        "tier": "agent",
        "priority": priority,
        "locale": locale,
        "transcript": [
            {"role": "bot", "text": "Hi! I'm the Fernhill Outdoor assistant. Ask me anything about orders, delivery, returns or payments."},
            {"role": "customer", "text": miss(rng)},
            {"role": "bot", "text": "Sorry, I did not understand that. Could you say it in other words?"},
            {"role": "customer", "text": "where is my order 123456", "intent": "order_status"},
            {"role": "bot", "text": "You can track your order with the link in your confirmation e-mail."},
            {"role": "customer", "text": miss(rng)},
            {"role": "bot", "text": "I'm passing you to our team. You don't need to repeat anything."},
        ],
        "intents": [{"intent": "order_status", "confidence": 0.91, "turn": 3}],
        "slots": {"order_number": "123456"},
        "article": article,
        "page_url": "https://shop.example/orders/123456",
    })
    .to_string()
}

fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    format!("min {:.0} ms, median {:.0} ms", ms(times[0]), ms(times[times.len() / 2]))
}

/// CPU time of the whole process so far (every thread, user and system): on a shared machine
/// the wall time depends on what else runs, the CPU time much less.
fn cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given, which is ours and zeroed (valid).
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let t = |v: libc::timeval| Duration::new(v.tv_sec as u64, (v.tv_usec as u32) * 1000);
    t(u.ru_utime) + t(u.ru_stime)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 100,000 conversations in the measured 90 days, as many in the 90 days before (the page
    // compares with the previous period, so that one is loaded too, narrow: headline only).
    let per_period: u64 = std::env::var("INSIGHTS_N").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let n = 2 * per_period;
    let dir = tempfile::tempdir()?;
    // INSIGHTS_DATABASE_URL: an empty PostgreSQL database (`cargo xtask bench insights
    // --postgres` makes one), else SQLite in the temp dir. Either way the desk's own schema and
    // migrations.
    let postgres_url = std::env::var("INSIGHTS_DATABASE_URL").ok().filter(|u| !u.trim().is_empty());
    let t = Instant::now();
    let (db, audits, messages): (Box<dyn Database>, u64, u64) = match &postgres_url {
        Some(url) => {
            let pg = Postgres::connect(url).await?;
            let (audits, messages) = fill_postgres(pg.pool(), n).await?;
            (Box::new(pg), audits, messages)
        }
        None => {
            let db = Sqlite::open(dir.path()).await?;
            if std::env::var_os("INSIGHTS_KEEP").is_some() {
                println!("insights: database kept in {}", dir.path().display());
            }
            let (audits, messages) = fill(&dir.path().join("handoff.db"), n).await?;
            (Box::new(db), audits, messages)
        }
    };
    let engine = if postgres_url.is_some() { "PostgreSQL" } else { "SQLite" };
    println!(
        "insights ({engine}): {n} conversations (two periods), {audits} audit rows, {messages} agent replies written in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let db = db.as_ref();
    let mut q = InsightsQuery::new("demo", START, START + 90 * DAY);
    q.bucket = Bucket::Day;
    q.bot_tier = "bot".into();
    // The demo site's bot, as the route passes the site's: the content gaps re-ask every
    // unmatched message of the period and group the rest (without it they are skipped).
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/demo");
    let files = handoff_bot::fs::read_folder(&content)?;
    let site = handoff_bot::load::load(&files)
        .map_err(|p| format!("{} problems in {}", p.len(), content.display()))?;
    q.engine = Some(handoff_desk::insights::GapEngine(std::sync::Arc::new(
        handoff_bot::Engine::new(site).map_err(|p| format!("{} problems in the demo content", p.len()))?,
    )));
    let mut runs = Vec::new();
    let mut first = None;
    let mut cpus = Vec::new();
    for _ in 0..5 {
        let (t, c) = (Instant::now(), cpu());
        let insights = compute(db, &q).await?;
        runs.push(t.elapsed());
        cpus.push(cpu() - c);
        first.get_or_insert(insights);
    }
    let insights = first.ok_or("no run")?;
    // Where the time goes: the load from the database, and the computation in Rust.
    let t = Instant::now();
    let rows = handoff_desk::db::InsightsStore::period_rows(db, "demo", q.from, q.to).await?;
    let load = t.elapsed();
    let t = Instant::now();
    let previous = handoff_desk::db::InsightsStore::period_rows_narrow(
        db,
        "demo",
        q.from - 90 * DAY,
        q.from,
        handoff_desk::insights::narrow_fields(&q.filter),
    )
    .await?;
    let narrow = t.elapsed();
    let t = Instant::now();
    let texts = handoff_desk::db::InsightsStore::handoff_texts(db, "demo", q.from, q.to).await?;
    let texts_load = t.elapsed();
    let t = Instant::now();
    handoff_desk::insights::compute_all(&q, &rows, &previous, &texts);
    let all = t.elapsed();
    let t = Instant::now();
    handoff_desk::insights::compute_rows(&q, &rows, &previous);
    let without_gaps = t.elapsed();
    println!(
        "insights: of which loading the period's rows {:.0} ms ({} conversations), the previous period's \
         narrow rows {:.0} ms, the stored handoffs' unmatched messages {:.0} ms ({} handoffs), computing {:.0} ms \
         ({:.0} ms without the content gaps)",
        ms(load),
        rows.conversations.len(),
        ms(narrow),
        ms(texts_load),
        texts.len(),
        ms(all),
        ms(without_gaps),
    );
    let json = serde_json::to_value(&insights)?;
    println!(
        "insights: whole period, 90 daily buckets: {}; CPU {} (started {}, handed off {}, {} gap clusters)",
        summary(runs),
        summary(cpus),
        json["containment"]["started"],
        json["containment"]["handed_off"],
        insights.gaps.len()
    );
    q.filter = Filter { department: Some("billing".into()), locale: Some("de".into()), ..Filter::default() };
    q.bucket = Bucket::Week;
    let (mut runs, mut cpus) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let (t, c) = (Instant::now(), cpu());
        compute(db, &q).await?;
        runs.push(t.elapsed());
        cpus.push(cpu() - c);
    }
    println!("insights: filtered (billing, de), weekly buckets: {}; CPU {}", summary(runs), summary(cpus));
    if std::env::var_os("INSIGHTS_KEEP").is_some() {
        std::mem::forget(dir);
    }
    Ok(())
}
