//! The PostgreSQL coordination of desk instances, piece by piece on a database of its own:
//! advisory locks, login backoff and rate limits in tables, the LISTEN relay and its recovery.
//! The whole desks on one database are in multi_instance.rs.

mod common;

use handoff_desk::coordination::{Ephemeral, Fanout, Locks};
use handoff_desk::db::postgres::{
    attempts::PgAttempts, limits::PgLimiter, listen, locks::PgLocks, notify::PgFanout,
};
use handoff_desk::hub::{AgentLive, Hub, Live};
use handoff_desk::login_backoff::{BackoffPolicy, LoginAttempts};
use sqlx::postgres::{PgConnectOptions, PgPool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

const SHORT: Duration = Duration::from_millis(300);

async fn database() -> (String, PgPool) {
    let url = common::pg::fresh_database().await;
    // The backend's own connect: its migrations include the coordination tables (0002).
    let pg = handoff_desk::db::postgres::Postgres::connect(&url).await.expect("connect");
    (url, pg.pool().clone())
}

async fn advisory_locks_held(pool: &PgPool) -> i64 {
    // This test's database only: other suites on the same server hold locks of their own.
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted \
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    .fetch_one(pool)
    .await
    .expect("pg_locks")
}

#[tokio::test]
async fn advisory_locks_exclude_routing_and_let_conversations_run_in_parallel() {
    let (url, pool) = database().await;
    let locks = PgLocks::new(PgConnectOptions::from_str(&url).expect("options"));
    let other = PgLocks::new(PgConnectOptions::from_str(&url).expect("options")); // another instance

    let a = locks.conversation("conv-a").await.expect("a");
    let b =
        tokio::time::timeout(SHORT, other.conversation("conv-b")).await.expect("b in parallel").expect("b");
    assert!(
        tokio::time::timeout(SHORT, other.conversation("conv-a")).await.is_err(),
        "same conversation waits"
    );
    assert!(tokio::time::timeout(SHORT, other.exclusive()).await.is_err(), "routing waits for conversations");
    drop(a);
    drop(b);
    let ex =
        tokio::time::timeout(Duration::from_secs(5), other.exclusive()).await.expect("released").expect("ex");
    assert!(
        tokio::time::timeout(SHORT, locks.conversation("conv-c")).await.is_err(),
        "conversations wait for routing"
    );
    assert!(tokio::time::timeout(SHORT, locks.exclusive()).await.is_err(), "one routing change at a time");
    let job = locks.scheduled("sla_sweeper");
    assert!(tokio::time::timeout(SHORT, job).await.is_err(), "the job waits for the desk lock it also takes");
    drop(ex);

    // The abandoned job wait above went back to the pool with its lock request in flight: it
    // gets the desk lock now and after_release lets both locks go right after (one short hold).
    let sweep = common::eventually(Duration::from_secs(5), || async {
        locks.scheduled("sla_sweeper").await.expect("job")
    })
    .await;
    assert!(other.scheduled("sla_sweeper").await.expect("job").is_none(), "the other skips its tick");
    drop(sweep);
    // Released by the pools' after_release hook: nothing stays held on an idle connection.
    let mut held = advisory_locks_held(&pool).await;
    for _ in 0..50 {
        if held == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        held = advisory_locks_held(&pool).await;
    }
    assert_eq!(held, 0, "no advisory lock survives its guard");
    assert!(other.scheduled("sla_sweeper").await.expect("job").is_some(), "free again");
    common::pg::drop_database(&url).await;
}

/// The IMAP fetcher's lock (issue 21): one instance at a time, and never the desk lock (a
/// round waits on the mail server; routing must not wait for it).
#[tokio::test]
async fn a_singleton_job_excludes_other_instances_but_not_routing() {
    let (url, _pool) = database().await;
    let locks = PgLocks::new(PgConnectOptions::from_str(&url).expect("options"));
    let other = PgLocks::new(PgConnectOptions::from_str(&url).expect("options"));
    let job = locks.singleton("mail_fetch").await.expect("job").expect("free");
    assert!(other.singleton("mail_fetch").await.expect("job").is_none(), "the other instance skips");
    let ex = tokio::time::timeout(SHORT, other.exclusive())
        .await
        .expect("routing does not wait for the job")
        .expect("desk lock");
    drop(ex);
    assert!(other.singleton("another_job").await.expect("job").is_some(), "other jobs are apart");
    drop(job);
    let again = common::eventually(Duration::from_secs(5), || async {
        other.singleton("mail_fetch").await.expect("job")
    })
    .await;
    drop(again);
    common::pg::drop_database(&url).await;
}

#[tokio::test]
async fn login_backoff_in_the_database_follows_the_memory_rule() {
    let (url, pool) = database().await;
    let policy =
        BackoffPolicy { free_failures: 3, first_wait_ms: 1_000, max_wait_ms: 8_000, forget_after_ms: 60_000 };
    let a = PgAttempts::new(pool.clone(), policy);
    let t = 1_000_000;
    for _ in 0..4 {
        assert_eq!(a.begin("ana", t).await, Ok(()));
    }
    assert_eq!(a.begin("ana", t).await, Err(1));
    assert_eq!(a.begin("ana", t + 999).await, Err(1));
    assert_eq!(a.begin("ben", t).await, Ok(()), "accounts are independent");
    assert_eq!(a.begin("ana", t + 1_000).await, Ok(()), "fifth attempt after the wait");
    assert_eq!(a.begin("ana", t + 1_000).await, Err(2), "then two seconds");
    assert_eq!(a.begin("ana", t + 3_000).await, Ok(()), "refused attempts were not counted");
    a.succeeded("ana").await;
    for _ in 0..4 {
        assert_eq!(a.begin("ana", t + 3_000).await, Ok(()), "success forgot the failures");
    }
    // Old failures are forgotten.
    for _ in 0..10 {
        let _ = a.begin("cy", 0).await;
    }
    assert!(a.begin("cy", 1).await.is_err());
    assert_eq!(a.begin("cy", 60_000).await, Ok(()));
    assert_eq!(a.begin("cy", 60_000).await, Ok(()), "counting from zero again");

    // Two instances share one budget, also when they race.
    let b = Arc::new(PgAttempts::new(pool.clone(), policy));
    let c = Arc::new(PgAttempts::new(pool.clone(), policy));
    let mut tasks = Vec::new();
    for i in 0..20 {
        let x = if i % 2 == 0 { b.clone() } else { c.clone() };
        tasks.push(tokio::spawn(async move { x.begin("dee", 5_000_000).await }));
    }
    let mut admitted = 0;
    for t in tasks {
        if t.await.expect("task").is_ok() {
            admitted += 1;
        }
    }
    assert_eq!(admitted, 4, "three free failures and the one that starts the wait, not one per instance");
    common::pg::drop_database(&url).await;
}

#[tokio::test]
async fn rate_limits_in_the_database_are_one_bucket_for_every_instance() {
    let (url, pool) = database().await;
    let a = PgLimiter::new(pool.clone(), "ip", 2, 60); // one a second
    let b = PgLimiter::new(pool.clone(), "ip", 2, 60); // another instance
    let t = 10_000_000;
    assert_eq!(a.check_at("1.2.3.4", t).await, Ok(()));
    assert_eq!(b.check_at("1.2.3.4", t).await, Ok(()));
    assert_eq!(a.check_at("1.2.3.4", t).await, Err(1), "the burst is shared");
    assert_eq!(b.check_at("5.6.7.8", t).await, Ok(()), "keys are independent");
    assert_eq!(b.check_at("1.2.3.4", t + 1_100).await, Ok(()), "refilled");
    assert_eq!(b.check_at("1.2.3.4", t + 1_100).await, Err(1));
    let c = PgLimiter::new(pool.clone(), "conversation", 2, 60);
    assert_eq!(c.check_at("1.2.3.4", t).await, Ok(()), "scopes are independent");
    common::pg::drop_database(&url).await;
}

async fn listener_pid(pool: &PgPool) -> Option<i32> {
    sqlx::query_scalar(
        "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
    )
    .bind(listen::APPLICATION_NAME)
    .fetch_optional(pool)
    .await
    .expect("pg_stat_activity")
}

async fn wait_for_listener(pool: &PgPool) -> i32 {
    for _ in 0..200 {
        if let Some(pid) = listener_pid(pool).await {
            // LISTEN follows the connection at once; give it a moment to be issued.
            tokio::time::sleep(Duration::from_millis(100)).await;
            return pid;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the listener never connected");
}

#[tokio::test]
async fn the_listener_relays_other_instances_and_recovers_from_a_killed_connection() {
    let (url, pool) = database().await;
    let options = PgConnectOptions::from_str(&url).expect("options");
    let hub = Arc::new(Hub::default());
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let here = PgFanout::new(pool.clone(), "here".into(), options.clone());
    let there = PgFanout::new(pool.clone(), "there".into(), options.clone());
    let mut agent = hub.subscribe_agent(7);
    let mut conv = hub.subscribe_conversation("c1");
    let task = here.follow(hub.clone(), stop).expect("a listener");
    let pid = wait_for_listener(&pool).await;
    // The wake-up after connecting.
    assert!(matches!(tokio::time::timeout(SHORT, conv.recv()).await, Ok(Ok(Live::Committed(_)))));
    assert!(matches!(tokio::time::timeout(SHORT, agent.recv()).await, Ok(Ok(AgentLive::Committed))));

    let typing = handoff_protocol::v1::AgentEvent::Typing { conversation_id: "c1".into(), typing: true };
    there.send(&Ephemeral::AgentTyping { agent: 7, event: typing.clone() }).await;
    let got = tokio::time::timeout(Duration::from_secs(5), agent.recv()).await.expect("relayed");
    assert!(matches!(got, Ok(AgentLive::Ephemeral(e)) if e == typing));
    here.send(&Ephemeral::AgentTyping { agent: 7, event: typing.clone() }).await;
    assert!(tokio::time::timeout(SHORT, agent.recv()).await.is_err(), "its own instance's are skipped");

    let killed: bool =
        sqlx::query_scalar("SELECT pg_terminate_backend($1)").bind(pid).fetch_one(&pool).await.expect("kill");
    assert!(killed);
    // Reconnected: every stream is woken to re-read its log, then notifications flow again.
    let woken =
        tokio::time::timeout(Duration::from_secs(10), conv.recv()).await.expect("woken after reconnecting");
    assert!(matches!(woken, Ok(Live::Committed(_))));
    let new_pid = wait_for_listener(&pool).await;
    assert_ne!(new_pid, pid);
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(handoff_desk::db::postgres::wake::CHANNEL)
        .bind("c there c1 42")
        .execute(&pool)
        .await
        .expect("notify");
    loop {
        let got =
            tokio::time::timeout(Duration::from_secs(5), conv.recv()).await.expect("relayed after reconnect");
        if matches!(got, Ok(Live::Committed(42))) {
            break;
        }
    }
    stop_tx.send_replace(true);
    tokio::time::timeout(Duration::from_secs(5), task).await.expect("stops").expect("task");
    common::pg::drop_database(&url).await;
}
