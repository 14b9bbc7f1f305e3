//! One contract for every storage backend: each behaviour the desk relies on, run against a
//! fresh SQLite file and a fresh PostgreSQL database (tests/common/pg.rs: the tests fail, never
//! skip, when PostgreSQL is missing). Then what only PostgreSQL has to prove: notice ids in
//! commit order under concurrent commits, migrations run by several instances at once, wake-ups
//! sent with the commit, and the whole desk over HTTP on PostgreSQL.

mod common;

use handoff_desk::db::postgres::{wake, Postgres};
use handoff_desk::db::sqlite::Sqlite;
use handoff_desk::db::*;
use handoff_protocol::v1::ConversationStatus;
use std::sync::Arc;
use std::time::Duration;

type Db = Arc<dyn Database>;

/// A fresh store of one engine, cleaned up by [`Store::done`].
struct Store {
    db: Db,
    pg_url: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl Store {
    async fn sqlite() -> Store {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Sqlite::open(dir.path()).await.expect("open sqlite");
        Store { db: Arc::new(db), pg_url: None, _dir: Some(dir) }
    }

    async fn postgres() -> Store {
        let url = common::pg::fresh_database().await;
        let db = Postgres::connect(&url).await.expect("connect postgres");
        Store { db: Arc::new(db), pg_url: Some(url), _dir: None }
    }

    async fn done(self) {
        self.db.close().await;
        if let Some(url) = &self.pg_url {
            common::pg::drop_database(url).await;
        }
    }
}

/// `contract!(name)`: the async fn `name(db)` as two tests, `name::sqlite` and `name::postgres`.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let s = super::Store::sqlite().await;
                super::$name(s.db.clone()).await;
                s.done().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let s = super::Store::postgres().await;
                super::$name(s.db.clone()).await;
                s.done().await;
            }
        }
    )*};
}

contract!(
    conversations_and_start_keys,
    commits_are_atomic_and_checked,
    messages_events_and_audit,
    visitors_verified_and_not,
    deleting_by_prefix,
    agents_sessions_and_presence,
    the_notice_log,
    tickets_are_answered_once,
    handoff_gaps_follow_the_stored_handoff,
    the_mail_outbox,
    mail_claims_never_overlap,
    a_commit_queues_its_mail,
    privacy_collects_erases_and_purges,
    concurrent_writers_are_never_refused,
    the_team_is_administered_with_an_audit,
    site_settings_are_swapped_never_overwritten,
);

fn conv(id: &str, site: &str, created: i64) -> ConversationRow {
    ConversationRow::new_with_bot(id.into(), site.into(), "en".into(), format!("tok-{id}"), created)
}

fn event(seq: i64) -> EventRow {
    EventRow { seq, kind: "message".into(), payload: format!("{{\"n\":{seq}}}"), created_at: seq * 10 }
}

fn msg(
    conversation: &str,
    id: i64,
    author: &str,
    client_id: Option<&str>,
    internal: bool,
    at: i64,
) -> MessageRow {
    MessageRow {
        conversation_id: conversation.into(),
        id,
        client_id: client_id.map(String::from),
        author: author.into(),
        agent_id: (author == "agent").then_some(7),
        author_name: (author == "agent").then(|| "Ana".to_string()),
        text: format!("text {id} \"ž\" \\ \u{1F600}"),
        internal,
        created_at: at,
    }
}

fn audit(conversation: &str, site: &str, kind: &str, reason: &str, at: i64) -> AuditRow {
    AuditRow {
        conversation_id: conversation.into(),
        site_key: site.into(),
        kind: kind.into(),
        reason: reason.into(),
        from_department: Some("orders".into()),
        to_department: if kind == "transfer" { Some("billing".into()) } else { None },
        from_tier: Some("agent".into()),
        to_tier: if kind == "escalation" { Some("supervisor".into()) } else { Some(String::new()) },
        agent_id: if at % 2 == 0 { Some(3) } else { None },
        at,
    }
}

fn notice(agent: i64, kind: &str, at: i64) -> NoticeRow {
    NoticeRow {
        id: 0,
        agent_id: agent,
        kind: kind.into(),
        payload: format!("{{\"at\":{at}}}"),
        created_at: at,
    }
}

/// A commit of `next` over the stored `expected` sequence with these rows.
fn commit(next: ConversationRow, expected: i64) -> Commit {
    Commit {
        conversation: next,
        expected_last_seq: expected,
        messages: vec![],
        events: vec![],
        audit: vec![],
        notices: vec![],
        mail: vec![],
    }
}

/// Reads the stored conversation, lets `f` change it, commits it with `f`'s rows one sequence
/// number later.
async fn change(db: &Db, id: &str, f: impl FnOnce(&mut Commit)) {
    let stored = db.conversation(id).await.expect("read").expect("stored");
    let mut next = stored.clone();
    next.last_seq += 1;
    let mut c = commit(next, stored.last_seq);
    f(&mut c);
    db.commit(&c).await.expect("commit");
}

fn agent_row(email: &str, departments: &[&str], sites: &[&str]) -> AgentRow {
    AgentRow {
        id: 0,
        email: email.into(),
        name: format!("Name of {email}"),
        password_hash: "hash".into(),
        tier: "agent".into(),
        departments: departments.iter().map(|d| d.to_string()).collect(),
        presence: "offline".into(),
        capacity: 3,
        sites: sites.iter().map(|s| s.to_string()).collect(),
        ticket_mail: false,
        active: true,
    }
}

async fn conversations_and_start_keys(db: Db) {
    let mut full = conv("c1", "demo", 100);
    full.page_url = Some("http://shop.test/cart".into());
    full.visitor_id = Some("v1".into());
    full.customer_json = Some(r#"{"id":"u1","verified":true}"#.into());
    full.department = Some("orders".into());
    full.rating = Some(4);
    db.insert_conversation(&full).await.expect("insert");
    assert_eq!(db.conversation("c1").await.expect("get"), Some(full.clone()));
    assert_eq!(db.conversation("nope").await.expect("get"), None);
    // The same id twice is an error (either kind), never a second row.
    assert!(db.insert_conversation(&full).await.is_err());

    let keyed = conv("c2", "demo", 200);
    db.insert_conversation_keyed(&keyed, "key-1").await.expect("keyed");
    assert_eq!(db.conversation_by_key("key-1").await.expect("by key"), Some(keyed.clone()));
    assert_eq!(db.conversation_by_key("key-2").await.expect("by key"), None);
    // The key is taken: Duplicate, and the losing conversation is not stored.
    let loser = conv("c3", "demo", 300);
    assert!(matches!(db.insert_conversation_keyed(&loser, "key-1").await, Err(DbError::Duplicate(_))));
    assert_eq!(db.conversation("c3").await.expect("get"), None);
    assert_eq!(db.conversation_by_key("key-1").await.expect("by key").map(|c| c.id), Some("c2".into()));

    // Status lists: by queue time (none first), then id; an agent's assigned ones by id.
    for (id, status, queued, agent) in [
        ("q2", ConversationStatus::Queued, Some(20), None),
        ("q1", ConversationStatus::Queued, Some(10), None),
        ("q0", ConversationStatus::Queued, None, None),
        ("a2", ConversationStatus::Assigned, Some(5), Some(9)),
        ("a1", ConversationStatus::Assigned, Some(6), Some(9)),
        ("r1", ConversationStatus::Resolved, Some(1), Some(9)),
    ] {
        let c = ConversationRow { status, queued_at: queued, agent_id: agent, ..conv(id, "demo", 1) };
        db.insert_conversation(&c).await.expect("insert");
    }
    let ids = |v: Vec<ConversationRow>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(
        ids(db.conversations_with_status(ConversationStatus::Queued).await.expect("q")),
        ["q0", "q1", "q2"]
    );
    assert_eq!(ids(db.conversations_of_agent(9).await.expect("agent")), ["a1", "a2"]);
    assert!(db.conversations_of_agent(10).await.expect("agent").is_empty());
    db.ping().await.expect("ping");
}

async fn commits_are_atomic_and_checked(db: Db) {
    db.insert_conversation(&conv("c1", "demo", 1)).await.expect("insert");
    let mut next = conv("c1", "demo", 1);
    next.status = ConversationStatus::Queued;
    next.first_response_due = Some(500);
    next.last_seq = 2;
    next.updated_at = 9;
    let mut c = commit(next.clone(), 0);
    c.events = vec![event(1), event(2)];
    db.commit(&c).await.expect("commit");
    assert_eq!(db.conversation("c1").await.expect("get"), Some(next.clone()));
    // The same commit again is stale: Conflict, nothing written.
    assert!(matches!(db.commit(&c).await, Err(DbError::Conflict(_))));
    assert_eq!(db.events_after("c1", 0, 10).await.expect("events").len(), 2);
    // So is a commit to a conversation that does not exist.
    assert!(matches!(db.commit(&commit(conv("ghost", "demo", 1), 0)).await, Err(DbError::Conflict(_))));
    // A failing statement inside the transaction rolls everything back.
    let mut bad = next.clone();
    bad.last_seq = 3;
    bad.status = ConversationStatus::Assigned;
    let mut dup = commit(bad, 2);
    dup.messages = vec![msg("c1", 1, "customer", Some("m1"), false, 5)];
    dup.audit = vec![audit("c1", "demo", "handoff", "explicit", 5)];
    dup.notices = vec![notice(1, "queue.new", 5)];
    dup.events = vec![event(3), event(2)];
    assert!(db.commit(&dup).await.is_err(), "duplicate sequence number");
    assert_eq!(db.conversation("c1").await.expect("get"), Some(next.clone()));
    assert!(db.messages("c1").await.expect("messages").is_empty());
    assert!(db.audit("c1").await.expect("audit").is_empty());
    assert!(db.notices_after(1, 0, 10).await.expect("notices").is_empty());
    assert_eq!(db.events_after("c1", 0, 10).await.expect("events").len(), 2);
    // The sweeper's deadlines: open conversations only, either deadline.
    assert!(db.due_conversations(499).await.expect("due").is_empty());
    assert_eq!(db.due_conversations(500).await.expect("due").len(), 1);
    let late = ConversationRow {
        status: ConversationStatus::Assigned,
        resolution_due: Some(300),
        ..conv("c2", "demo", 1)
    };
    let closed = ConversationRow {
        status: ConversationStatus::Resolved,
        first_response_due: Some(1),
        ..conv("c3", "demo", 1)
    };
    db.insert_conversation(&late).await.expect("insert");
    db.insert_conversation(&closed).await.expect("insert");
    let due: Vec<_> = db.due_conversations(500).await.expect("due").into_iter().map(|c| c.id).collect();
    assert_eq!(due, ["c1", "c2"]);
}

async fn messages_events_and_audit(db: Db) {
    db.insert_conversation(&conv("c1", "demo", 1)).await.expect("insert");
    db.insert_conversation(&conv("c2", "demo", 1)).await.expect("insert");
    let messages = vec![
        msg("c1", 1, "customer", Some("m1"), false, 10),
        msg("c1", 2, "agent", None, true, 11),
        msg("c1", 3, "bot", Some("m3"), false, 12),
    ];
    change(&db, "c1", |c| {
        c.messages = messages.clone();
        c.events = (1..=7).map(event).collect();
        c.conversation.last_seq = 7;
        c.conversation.last_message_id = 3;
        c.audit =
            vec![audit("c1", "demo", "handoff", "explicit", 10), audit("c1", "demo", "assignment", "", 11)];
    })
    .await;
    change(&db, "c2", |c| {
        c.audit = vec![
            audit("c2", "demo", "escalation", "sla_resolution", 12),
            audit("c2", "demo", "handoff", "fallback", 13),
        ];
    })
    .await;
    assert_eq!(db.messages("c1").await.expect("messages"), messages);
    assert!(db.messages("c2").await.expect("messages").is_empty());
    // A retried message finds the stored one by its client id; a second row with it is refused.
    assert_eq!(db.message_by_client_id("c1", "m3").await.expect("by client id"), Some(messages[2].clone()));
    assert_eq!(db.message_by_client_id("c1", "m2").await.expect("by client id"), None);
    assert_eq!(db.message_by_client_id("c2", "m1").await.expect("by client id"), None);
    // Both reads of a customer message in one call: the same answers.
    let both = |id: &'static str, client: &'static str| {
        let db = db.clone();
        async move { db.conversation_and_client_message(id, client).await.expect("both") }
    };
    let c1 = db.conversation("c1").await.expect("get");
    assert_eq!(both("c1", "m3").await, c1.clone().map(|c| (c, Some(messages[2].clone()))));
    assert_eq!(both("c1", "m2").await, c1.map(|c| (c, None)));
    assert_eq!(both("c2", "m1").await, db.conversation("c2").await.expect("get").map(|c| (c, None)));
    assert_eq!(both("ghost", "m1").await, None);
    let stored = db.conversation("c1").await.expect("get").expect("c1");
    let mut again =
        commit(ConversationRow { last_seq: stored.last_seq + 1, ..stored.clone() }, stored.last_seq);
    again.messages = vec![msg("c1", 4, "customer", Some("m1"), false, 13)];
    assert!(db.commit(&again).await.is_err(), "client id reused");
    // The same client id in another conversation is fine.
    change(&db, "c2", |c| c.messages = vec![msg("c2", 1, "customer", Some("m1"), false, 14)]).await;

    // Events page by sequence number.
    let seqs = |v: Vec<EventRow>| v.into_iter().map(|e| e.seq).collect::<Vec<_>>();
    assert_eq!(seqs(db.events_after("c1", 0, 3).await.expect("page")), [1, 2, 3]);
    assert_eq!(seqs(db.events_after("c1", 3, 3).await.expect("page")), [4, 5, 6]);
    assert_eq!(seqs(db.events_after("c1", 6, 3).await.expect("page")), [7]);
    assert!(db.events_after("c1", 7, 3).await.expect("page").is_empty());
    assert_eq!(db.events_after("c1", 0, 1).await.expect("page"), vec![event(1)]);

    // The audit trail, in order; the newest rows of some kinds over all conversations.
    let trail = db.audit("c1").await.expect("audit");
    assert_eq!(
        trail,
        vec![audit("c1", "demo", "handoff", "explicit", 10), audit("c1", "demo", "assignment", "", 11)]
    );
    let recent = db.recent_audit(&["handoff", "escalation"], 10).await.expect("recent");
    let at: Vec<i64> = recent.iter().map(|a| a.at).collect();
    assert_eq!(at, [13, 12, 10]);
    assert_eq!(db.recent_audit(&["handoff"], 1).await.expect("recent")[0].at, 13);
    assert!(db.recent_audit(&["nothing"], 10).await.expect("recent").is_empty());
    assert!(db.recent_audit(&[], 10).await.expect("recent").is_empty());
}

async fn visitors_verified_and_not(db: Db) {
    let with =
        |id: &str, site: &str, visitor: Option<&str>, customer: Option<&str>, created: i64| ConversationRow {
            visitor_id: visitor.map(String::from),
            customer_json: customer.map(String::from),
            ..conv(id, site, created)
        };
    let verified = Some(r#"{"id":"u1","name":"A","verified":true}"#);
    let unverified = Some(r#"{"id":"u1","verified":false}"#);
    for c in [
        with("a", "demo", Some("v1"), verified, 10),
        with("b", "demo", Some("v1"), unverified, 20),
        with("c", "demo", Some("v1"), None, 30),
        with("d", "demo", Some("v1"), verified, 40),
        with("e", "demo", Some("v2"), verified, 50),
        with("f", "other", Some("v1"), verified, 60),
        with("g", "demo", None, verified, 70),
        with("h2", "demo", Some("v1"), verified, 40),
    ] {
        db.insert_conversation(&c).await.expect("insert");
    }
    let ids = |v: Vec<ConversationRow>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(ids(db.conversations_of_visitor("demo", "v1", true, 10).await.expect("v")), ["d", "h2", "a"]);
    assert_eq!(ids(db.conversations_of_visitor("demo", "v1", true, 2).await.expect("v")), ["d", "h2"]);
    assert_eq!(ids(db.conversations_of_visitor("demo", "v1", false, 10).await.expect("v")), ["c", "b"]);
    assert!(db.conversations_of_visitor("demo", "v9", false, 10).await.expect("v").is_empty());
}

async fn deleting_by_prefix(db: Db) {
    let h = r#"{"transcript":[{"role":"customer","text":"lost"}]}"#;
    for id in ["demo_1", "demo_2", "demoX3", "keep"] {
        let c = ConversationRow { handoff_json: Some(h.into()), ..conv(id, "demo", 1) };
        db.insert_conversation_keyed(&c, &format!("key-{id}")).await.expect("insert");
        change(&db, id, |c| {
            c.messages = vec![msg(id, 1, "customer", Some("m1"), false, 2)];
            c.events = vec![event(1)];
            c.audit = vec![audit(id, "demo", "handoff", "explicit", 2)];
        })
        .await;
        let t = TicketRow {
            id: 0,
            site_key: "demo".into(),
            conversation_id: Some(id.into()),
            name: "N".into(),
            email: "n@x".into(),
            message: "m".into(),
            transcript_json: "[]".into(),
            created_at: 3,
            answer: None,
            answered_by: None,
            answered_at: None,
            answer_expected_by: None,
            reply_token: None,
        };
        db.insert_ticket(&t, &audit(id, "demo", "ticket", "", 3), &[]).await.expect("ticket");
    }
    // `_` is not a wildcard: demoX3 stays.
    assert_eq!(db.delete_conversations_with_prefix("demo_").await.expect("delete"), 2);
    for id in ["demo_1", "demo_2"] {
        assert_eq!(db.conversation(id).await.expect("get"), None);
        assert!(db.messages(id).await.expect("messages").is_empty());
        assert!(db.events_after(id, 0, 10).await.expect("events").is_empty());
        assert!(db.audit(id).await.expect("audit").is_empty());
        assert_eq!(db.ticket_of_conversation(id).await.expect("ticket"), None);
        assert_eq!(db.conversation_by_key(&format!("key-{id}")).await.expect("key"), None);
    }
    for id in ["demoX3", "keep"] {
        assert!(db.conversation(id).await.expect("get").is_some());
        assert_eq!(db.messages(id).await.expect("messages").len(), 1);
        assert!(db.ticket_of_conversation(id).await.expect("ticket").is_some());
    }
    let texts: Vec<_> = db
        .handoff_texts("demo", 0, 10)
        .await
        .expect("texts")
        .into_iter()
        .map(|t| t.conversation_id)
        .collect();
    assert_eq!(texts, ["demoX3", "keep"]);
    assert_eq!(db.delete_conversations_with_prefix("nothing").await.expect("delete"), 0);
    assert_eq!(db.tickets().await.expect("tickets").len(), 2);
}

async fn agents_sessions_and_presence(db: Db) {
    let ana = db.insert_agent(&agent_row("ana@t", &["orders", "billing"], &["demo"])).await.expect("ana");
    let bo = db.insert_agent(&agent_row("bo@t", &[], &[])).await.expect("bo");
    assert!(bo > ana);
    assert!(matches!(db.insert_agent(&agent_row("ana@t", &[], &[])).await, Err(DbError::Duplicate(_))));
    let stored = db.agent(ana).await.expect("get").expect("ana");
    assert_eq!(stored, AgentRow { id: ana, ..agent_row("ana@t", &["orders", "billing"], &["demo"]) });
    assert_eq!(db.agent_by_email("bo@t").await.expect("by email").map(|a| a.id), Some(bo));
    assert_eq!(db.agent_by_email("nobody@t").await.expect("by email"), None);
    assert_eq!(db.agent(bo + 100).await.expect("get"), None);
    assert_eq!(db.agents().await.expect("all").iter().map(|a| a.id).collect::<Vec<_>>(), [ana, bo]);

    db.set_presence(ana, "online", 5).await.expect("presence");
    db.set_presence(bo, "away", 1).await.expect("presence");
    let a = db.agent(ana).await.expect("get").expect("ana");
    assert_eq!((a.presence.as_str(), a.capacity), ("online", 5));
    assert!(db.set_agent_sites("bo@t", &["demo".into(), "shop".into()]).await.expect("sites"));
    assert!(!db.set_agent_sites("nobody@t", &["demo".into()]).await.expect("sites"));
    assert_eq!(db.agent(bo).await.expect("get").expect("bo").sites, ["demo", "shop"]);
    assert!(db.set_agent_sites("bo@t", &[]).await.expect("sites"));
    assert!(db.agent(bo).await.expect("get").expect("bo").sites.is_empty());
    assert!(!db.agent(bo).await.expect("get").expect("bo").ticket_mail, "mail notices are opt-in");
    db.set_ticket_mail(bo, true).await.expect("ticket mail");
    assert!(db.agent(bo).await.expect("get").expect("bo").ticket_mail);
    assert!(!db.agent(ana).await.expect("get").expect("ana").ticket_mail);

    // Assigned conversations per agent.
    for (id, status, agent) in [
        ("c1", ConversationStatus::Assigned, Some(ana)),
        ("c2", ConversationStatus::Assigned, Some(ana)),
        ("c3", ConversationStatus::Assigned, Some(bo)),
        ("c4", ConversationStatus::Resolved, Some(bo)),
        ("c5", ConversationStatus::Queued, None),
    ] {
        db.insert_conversation(&ConversationRow { status, agent_id: agent, ..conv(id, "demo", 1) })
            .await
            .expect("insert");
    }
    let counts = db.active_counts().await.expect("counts");
    assert_eq!(counts.len(), 2);
    assert_eq!((counts[&ana], counts[&bo]), (2, 1));

    // Sessions; presence follows them.
    let session = |token: &str, agent: i64, expires: i64| SessionRow {
        token_hash: token.into(),
        csrf_hash: format!("csrf-{token}"),
        agent_id: agent,
        created_at: 1,
        expires_at: expires,
    };
    db.insert_session(&session("s1", ana, 1_000)).await.expect("session");
    db.insert_session(&session("s2", bo, 100)).await.expect("session");
    assert_eq!(db.session("s1").await.expect("get"), Some(session("s1", ana, 1_000)));
    assert_eq!(db.session("s9").await.expect("get"), None);
    assert!(db.insert_session(&session("s1", bo, 5)).await.is_err(), "token hashes are unique");
    // At 100 bo's only session has expired: bo goes offline, ana stays; then nothing changes.
    assert_eq!(db.offline_without_session(100).await.expect("offline"), 1);
    assert_eq!(db.agent(bo).await.expect("get").expect("bo").presence, "offline");
    assert_eq!(db.agent(ana).await.expect("get").expect("ana").presence, "online");
    assert_eq!(db.offline_without_session(100).await.expect("offline"), 0);
    assert_eq!(db.delete_expired_sessions(99).await.expect("expired"), 0);
    assert_eq!(db.delete_expired_sessions(100).await.expect("expired"), 1);
    assert_eq!(db.session("s2").await.expect("get"), None);
    db.delete_session("s1").await.expect("logout");
    db.delete_session("s1").await.expect("logout twice is fine");
    assert_eq!(db.session("s1").await.expect("get"), None);
    assert_eq!(db.offline_without_session(0).await.expect("offline"), 1);
    assert_eq!(db.agent(ana).await.expect("get").expect("ana").presence, "offline");
}

async fn the_notice_log(db: Db) {
    assert_eq!(db.notice_bounds(1).await.expect("bounds"), (0, 0));
    assert_eq!(db.prune_notices(i64::MAX, 0).await.expect("prune empty"), 0);
    db.insert_conversation(&conv("c1", "demo", 1)).await.expect("insert");
    for round in 0..4_i64 {
        change(&db, "c1", |c| {
            c.events = vec![event(c.conversation.last_seq)];
            c.notices = vec![
                notice(1, "message", round * 10),
                notice(2, "queue.new", round * 10 + 1),
                notice(1, "assigned", round * 10 + 2),
            ];
        })
        .await;
    }
    let one = db.notices_after(1, 0, 100).await.expect("notices");
    assert_eq!(one.len(), 8);
    assert!(one.windows(2).all(|w| w[0].id < w[1].id));
    assert!(one.iter().all(|n| n.agent_id == 1));
    assert_eq!(one[0].kind, "message");
    assert_eq!(one[1].kind, "assigned");
    assert_eq!((one[0].payload.as_str(), one[0].created_at), ("{\"at\":0}", 0));
    // Paging resumes after the last id read.
    let page = db.notices_after(1, one[2].id, 3).await.expect("page");
    assert_eq!(page, one[3..6].to_vec());
    assert_eq!(db.notices_after(2, 0, 100).await.expect("two").len(), 4);
    assert!(db.notices_after(3, 0, 100).await.expect("three").is_empty());
    let (lo, hi) = db.notice_bounds(1).await.expect("bounds");
    assert_eq!(hi - lo, 11, "12 notices with consecutive ids");
    assert_eq!(hi, one[7].id);
    // Another agent's starting point covers its own notices (SQLite gives the global newest,
    // PostgreSQL that agent's newest: both promise that its next notice is higher).
    let two = db.notices_after(2, 0, 100).await.expect("two");
    let (_, hi2) = db.notice_bounds(2).await.expect("bounds of two");
    assert!(hi2 >= two[3].id && hi2 <= hi, "{hi2} between {} and {hi}", two[3].id);
    // Pruning by count keeps the newest `keep`; by age those from `before` on.
    assert_eq!(db.prune_notices(0, 9).await.expect("prune"), 3);
    assert_eq!(db.notice_bounds(1).await.expect("bounds"), (lo + 3, hi));
    assert_eq!(db.prune_notices(20, 100).await.expect("prune"), 3);
    assert_eq!(db.notice_bounds(1).await.expect("bounds"), (lo + 6, hi));
    // Never the newest one.
    assert_eq!(db.prune_notices(i64::MAX, 0).await.expect("prune"), 5);
    assert_eq!(db.notice_bounds(1).await.expect("bounds"), (hi, hi));
    // Ids are never reused after a prune.
    change(&db, "c1", |c| c.notices = vec![notice(1, "message", 99)]).await;
    assert!(db.notice_bounds(1).await.expect("bounds").1 > hi);
}

async fn tickets_are_answered_once(db: Db) {
    let t = |conversation: Option<&str>, site: &str, at: i64| TicketRow {
        id: 0,
        site_key: site.into(),
        conversation_id: conversation.map(String::from),
        name: "Eve".into(),
        email: "eve@example.com".into(),
        message: "call me \"back\"".into(),
        transcript_json: "[{\"role\":\"customer\",\"text\":\"hi\"}]".into(),
        created_at: at,
        answer: None,
        answered_by: None,
        answered_at: None,
        answer_expected_by: Some(at + 1_000),
        reply_token: None,
    };
    let first = db
        .insert_ticket(&t(Some("c1"), "demo", 10), &audit("c1", "demo", "ticket", "", 10), &[])
        .await
        .expect("t1");
    let second = db
        .insert_ticket(&t(Some("c1"), "demo", 11), &audit("c1", "demo", "ticket", "", 11), &[])
        .await
        .expect("t2");
    let third =
        db.insert_ticket(&t(None, "shop", 12), &audit("", "shop", "ticket", "", 12), &[]).await.expect("t3");
    assert!(first < second && second < third);
    assert_eq!(
        db.ticket(first).await.expect("get"),
        Some(TicketRow { id: first, ..t(Some("c1"), "demo", 10) })
    );
    assert_eq!(db.ticket(third + 1).await.expect("get"), None);
    let ids: Vec<i64> = db.tickets().await.expect("all").into_iter().map(|t| t.id).collect();
    assert_eq!(ids, [third, second, first]);
    assert_eq!(db.ticket_of_conversation("c1").await.expect("of").map(|t| t.id), Some(first));
    assert_eq!(db.ticket_of_conversation("c9").await.expect("of"), None);
    assert_eq!(db.audit("c1").await.expect("audit").len(), 2);

    let answer = audit("c1", "demo", "ticket_answered", "", 20);
    assert!(db.answer_ticket(first, "Done.", "Ana", 20, &answer, "tok1", &[]).await.expect("answer"));
    assert!(!db.answer_ticket(first, "Again.", "Bo", 21, &answer, "tok2", &[]).await.expect("answer"));
    assert!(!db.answer_ticket(third + 1, "Nobody.", "Bo", 21, &answer, "tok3", &[]).await.expect("answer"));
    let stored = db.ticket(first).await.expect("get").expect("t1");
    assert_eq!(
        (stored.answer.as_deref(), stored.answered_by.as_deref(), stored.answered_at),
        (Some("Done."), Some("Ana"), Some(20))
    );
    // Only the answer that counted left an audit row.
    assert_eq!(db.audit("c1").await.expect("audit").len(), 3);

    // Concurrent answers: exactly one wins.
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let db = db.clone();
            let answer = answer.clone();
            tokio::spawn(async move {
                db.answer_ticket(second, &format!("a{i}"), "X", 30, &answer, &format!("tok-a{i}"), &[]).await
            })
        })
        .collect();
    let mut won = 0;
    for t in tasks {
        won += usize::from(t.await.expect("join").expect("answer"));
    }
    assert_eq!(won, 1);
}

fn ticket_row(conversation: &str, token: Option<&str>) -> TicketRow {
    TicketRow {
        id: 0,
        site_key: "demo".into(),
        conversation_id: Some(conversation.into()),
        name: "Eve".into(),
        email: "eve@example.com".into(),
        message: "m".into(),
        transcript_json: "[]".into(),
        created_at: 10,
        answer: None,
        answered_by: None,
        answered_at: None,
        answer_expected_by: None,
        reply_token: token.map(String::from),
    }
}

fn mail(kind: &str, message_id: &str, at: i64) -> OutboxRow {
    OutboxRow::pending(
        "demo",
        Some("c1".into()),
        kind,
        message_id.into(),
        None,
        "Shop <help@shop.example>".into(),
        Some("reply+t@shop.example".into()),
        "eve@example.com".into(),
        "Subject".into(),
        "text".into(),
        "<p>html</p>".into(),
        at,
    )
}

async fn the_mail_outbox(db: Db) {
    let t1 = db
        .insert_ticket(
            &ticket_row("c1", Some("t1")),
            &audit("c1", "demo", "ticket", "", 10),
            &[mail("receipt", "<r1@x>", 100)],
        )
        .await
        .expect("ticket with its receipt");
    assert_eq!(db.ticket(t1).await.expect("get").and_then(|t| t.reply_token).as_deref(), Some("t1"));
    assert_eq!(db.ticket_by_reply_token("t1").await.expect("by token").map(|t| t.id), Some(t1));
    assert_eq!(db.ticket_by_reply_token("unknown").await.expect("by token"), None);
    let queued = db.mail_of_ticket(t1).await.expect("mail");
    assert_eq!(queued.len(), 1);
    let r = &queued[0];
    assert_eq!((r.ticket_id, r.status.as_str(), r.attempts, r.claimed_until), (Some(t1), "pending", 0, None));
    assert_eq!((r.message_id.as_str(), r.html_body.as_str()), ("<r1@x>", "<p>html</p>"));

    // A mail that cannot be stored takes its ticket with it: one transaction.
    let before = db.tickets().await.expect("tickets").len();
    assert!(db
        .insert_ticket(
            &ticket_row("c2", Some("t2")),
            &audit("c2", "demo", "ticket", "", 11),
            &[mail("receipt", "<r1@x>", 100)]
        )
        .await
        .is_err());
    assert_eq!(db.tickets().await.expect("tickets").len(), before);
    assert!(db.audit("c2").await.expect("audit").is_empty());

    // Not due before its time; claimed once per lease; claimed again when the lease runs out
    // (its sender died mid-send).
    assert!(db.claim_mail(99, 199, 10).await.expect("claim").is_empty());
    let c = db.claim_mail(100, 200, 10).await.expect("claim");
    assert_eq!(
        c.iter().map(|m| (m.id, m.attempts, m.claimed_until)).collect::<Vec<_>>(),
        [(r.id, 1, Some(200))]
    );
    assert!(db.claim_mail(150, 250, 10).await.expect("held").is_empty());
    let again = db.claim_mail(200, 300, 10).await.expect("lease ran out");
    assert_eq!(again.iter().map(|m| m.attempts).collect::<Vec<_>>(), [2]);

    // A failure keeps the error and waits for its retry time.
    db.mail_failed(r.id, &MailFailure { error: "421 busy".into(), retry_at: Some(500) })
        .await
        .expect("failed");
    assert!(db.claim_mail(300, 400, 10).await.expect("claim").is_empty());
    let failing = db.failing_mail(10).await.expect("failing");
    assert_eq!(
        failing.iter().map(|m| (m.status.as_str(), m.last_error.as_deref())).collect::<Vec<_>>(),
        [("pending", Some("421 busy"))]
    );
    assert_eq!(db.claim_mail(500, 600, 10).await.expect("due again").len(), 1);
    db.mail_sent(r.id, 510).await.expect("sent");
    assert!(db.claim_mail(10_000, 10_100, 10).await.expect("claim").is_empty());
    assert!(db.failing_mail(10).await.expect("failing").is_empty());
    let sent = &db.mail_of_ticket(t1).await.expect("mail")[0];
    assert_eq!((sent.status.as_str(), sent.sent_at, sent.last_error.as_deref()), ("sent", Some(510), None));
    // A late failure report (a lease that ran out while the first sender still finished)
    // does not undo a sent mail.
    db.mail_failed(r.id, &MailFailure { error: "late".into(), retry_at: None }).await.expect("late");
    assert_eq!(db.mail_of_ticket(t1).await.expect("mail")[0].status, "sent");

    // The answer's mail comes with the answer; a ticket without a token gets one.
    let t3 = db
        .insert_ticket(&ticket_row("c3", None), &audit("c3", "demo", "ticket", "", 12), &[])
        .await
        .expect("t3");
    let answer = audit("c3", "demo", "ticket_answer", "answered", 20);
    assert!(db
        .answer_ticket(t3, "Done.", "Ana", 20, &answer, "t3", &[mail("answer", "<a3@x>", 20)])
        .await
        .expect("answer"));
    assert!(!db
        .answer_ticket(t3, "Again.", "Bo", 21, &answer, "t3b", &[mail("answer", "<a3b@x>", 21)])
        .await
        .expect("again"));
    assert_eq!(db.ticket(t3).await.expect("get").and_then(|t| t.reply_token).as_deref(), Some("t3"));
    assert_eq!(db.ticket_by_reply_token("t3").await.expect("by token").map(|t| t.id), Some(t3));
    let a = db.mail_of_ticket(t3).await.expect("mail");
    assert_eq!(a.iter().map(|m| m.message_id.as_str()).collect::<Vec<_>>(), ["<a3@x>"]);
    let claimed = db.claim_mail(30, 40, 10).await.expect("claim");
    assert_eq!(claimed.len(), 1);
    db.mail_failed(a[0].id, &MailFailure { error: "550 no such user".into(), retry_at: None })
        .await
        .expect("gave up");
    assert_eq!(db.mail_counts().await.expect("counts"), MailCounts { pending: 0, failed: 1, sent: 1 });
    assert_eq!(db.failing_mail(10).await.expect("failing")[0].status, "failed");
    assert!(
        db.claim_mail(i64::MAX / 2, i64::MAX / 2, 10).await.expect("claim").is_empty(),
        "given up stays given up"
    );

    // A mail of its own (a transcript): queued once however often it is asked for, found by
    // its conversation and kind.
    let transcript = OutboxRow { conversation_id: Some("c9".into()), ..mail("transcript", "<tr.c9@x>", 40) };
    assert!(db.queue_mail(&transcript).await.expect("queue"));
    assert!(!db.queue_mail(&transcript).await.expect("again"), "the same Message-ID is stored once");
    let of_c9 = db.mail_of_conversation("c9", "transcript").await.expect("of conversation");
    assert_eq!(
        of_c9.iter().map(|m| (m.message_id.as_str(), m.ticket_id)).collect::<Vec<_>>(),
        [("<tr.c9@x>", None)]
    );
    assert!(db.mail_of_conversation("c9", "receipt").await.expect("other kind").is_empty());
    assert_eq!(
        db.claim_mail(40, 50, 10).await.expect("claim").len(),
        1,
        "the sender takes it like any other"
    );
}

/// A commit's mail (an agent's reply to a customer who writes by mail, issue 21) is stored
/// with it or not at all: a stale commit queues nothing, and a mail that cannot be stored (its
/// Message-ID queued already) takes the message with it.
async fn a_commit_queues_its_mail(db: Db) {
    db.insert_conversation(&conv("c1", "demo", 1)).await.expect("insert");
    let t1 = db
        .insert_ticket(&ticket_row("c1", Some("t1")), &audit("c1", "demo", "ticket", "", 10), &[])
        .await
        .expect("ticket");
    let later = OutboxRow { ticket_id: Some(t1), ..mail("answer", "<answer-1.t1@x>", 50) };
    let stored = db.conversation("c1").await.expect("get").expect("stored");
    let mut next = stored.clone();
    next.last_seq += 1;
    next.last_message_id = 1;
    let mut stale = commit(next, stored.last_seq + 5);
    stale.messages = vec![msg("c1", 1, "agent", None, false, 50)];
    stale.mail = vec![later.clone()];
    assert!(matches!(db.commit(&stale).await, Err(DbError::Conflict(_))));
    assert!(db.mail_of_ticket(t1).await.expect("mail").is_empty(), "a stale commit queues nothing");

    change(&db, "c1", |c| {
        c.messages = vec![msg("c1", 1, "agent", None, false, 50)];
        c.conversation.last_message_id = 1;
        c.mail = vec![later.clone()];
    })
    .await;
    let queued = db.mail_of_ticket(t1).await.expect("mail");
    assert_eq!(
        queued.iter().map(|m| (m.message_id.as_str(), m.status.as_str())).collect::<Vec<_>>(),
        [("<answer-1.t1@x>", "pending")]
    );
    assert_eq!(queued[0].conversation_id.as_deref(), Some("c1"));

    let stored = db.conversation("c1").await.expect("get").expect("stored");
    let mut next = stored.clone();
    next.last_seq += 1;
    next.last_message_id = 2;
    let mut twice = commit(next, stored.last_seq);
    twice.messages = vec![msg("c1", 2, "agent", None, false, 60)];
    twice.mail = vec![later.clone()];
    assert!(db.commit(&twice).await.is_err(), "the same Message-ID again");
    assert_eq!(db.messages("c1").await.expect("messages").len(), 1, "the message went with its mail");
    assert_eq!(db.mail_of_ticket(t1).await.expect("mail").len(), 1);
}

/// Senders claiming at once (several instances on PostgreSQL) never get the same mail.
async fn mail_claims_never_overlap(db: Db) {
    let rows: Vec<OutboxRow> = (0..20).map(|i| mail("receipt", &format!("<m{i}@x>"), 1)).collect();
    db.insert_ticket(&ticket_row("c1", Some("t1")), &audit("c1", "demo", "ticket", "", 1), &rows)
        .await
        .expect("queued");
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move { db.claim_mail(5, 1_000, 3).await })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        ids.extend(t.await.expect("join").expect("claim").into_iter().map(|m| m.id));
    }
    let unique: std::collections::BTreeSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "a mail was claimed twice: {ids:?}");
    assert_eq!(ids.len(), 20);
}

fn handoff(unmatched: &str, article: Option<&str>, reason: &str) -> String {
    serde_json::json!({"reason": reason, "article": article, "transcript": [
        {"role": "customer", "text": unmatched},
        {"role": "customer", "text": "where is my order", "intent": "order_status"},
        {"role": "bot", "text": "Sorry."},
    ]})
    .to_string()
}

async fn handoff_gaps_follow_the_stored_handoff(db: Db) {
    let texts = || async {
        db.handoff_texts("demo", 0, 10)
            .await
            .expect("texts")
            .into_iter()
            .map(|t| (t.conversation_id, t.locale, t.article, t.unmatched))
            .collect::<Vec<_>>()
    };
    let row = |locale: &str, article: Option<&str>, text: &str| {
        vec![("c1".to_string(), locale.to_string(), article.map(String::from), vec![text.to_string()])]
    };
    db.insert_conversation(&ConversationRow {
        handoff_json: Some(handoff("penguin", Some("a1"), "fallback")),
        ..conv("c1", "demo", 1)
    })
    .await
    .expect("insert");
    db.insert_conversation(&conv("c2", "demo", 2)).await.expect("insert");
    assert_eq!(texts().await, row("en", Some("a1"), "penguin"));
    change(&db, "c1", |c| c.conversation.handoff_json = Some(handoff("zebra", None, "fallback"))).await;
    assert_eq!(texts().await, row("en", None, "zebra"));
    change(&db, "c1", |c| c.conversation.locale = "de".into()).await;
    assert_eq!(texts().await, row("de", None, "zebra"));
    change(&db, "c1", |c| c.conversation.status = ConversationStatus::Resolved).await;
    assert_eq!(texts().await, row("de", None, "zebra"));
    change(&db, "c1", |c| c.conversation.handoff_json = Some("not json".into())).await;
    assert_eq!(texts().await, vec![]);
    change(&db, "c1", |c| c.conversation.handoff_json = Some(handoff("back", None, "fallback"))).await;
    change(&db, "c1", |c| c.conversation.handoff_json = None).await;
    assert_eq!(texts().await, vec![]);
    change(&db, "c2", |c| c.conversation.handoff_json = Some(handoff("quantum", None, "fallback"))).await;
    let got = texts().await;
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].0.as_str(), got[0].3.as_slice()), ("c2", ["quantum".to_string()].as_slice()));
    let keyed =
        ConversationRow { handoff_json: Some(handoff("keyed", None, "fallback")), ..conv("c3", "demo", 3) };
    db.insert_conversation_keyed(&keyed, "key").await.expect("keyed");
    assert_eq!(texts().await.len(), 2);
    assert!(db.handoff_texts("demo", 3, 10).await.expect("texts").len() == 1);
    assert!(db.handoff_texts("other", 0, 10).await.expect("texts").is_empty());
}

/// The same writes, through the desk's storage calls, for the insights comparison: three sites,
/// ratings, audit trails of every kind, agent replies and notes, tickets, handoffs with gaps.
async fn insights_scenario(db: &Db) {
    let reasons = ["explicit", "fallback", "article_unhelpful", "frustration"];
    for i in 0..40_i64 {
        let site = ["demo", "shop", "zeta"][(i % 3) as usize];
        let id = format!("c{:02}-{}", 40 - i, ["B", "a", "_"][(i % 3) as usize]);
        // Some share a start time: the id breaks the tie, in byte order.
        let created = 1_000 + (i / 2) * 100;
        let mut c = conv(&id, site, created);
        c.locale = ["en", "de", "cs"][(i % 3) as usize].into();
        c.priority =
            if i % 4 == 0 { None } else { Some(["low", "normal", "urgent"][(i % 3) as usize].into()) };
        db.insert_conversation(&c).await.expect("insert");
        if i % 5 == 4 {
            continue; // never handed off
        }
        let reason = reasons[(i % 4) as usize];
        let article = match i % 7 {
            0 | 6 => None,
            1 => Some("track-order"),
            _ => Some("returns"),
        };
        change(db, &id, |k| {
            let v = &mut k.conversation;
            v.status = ConversationStatus::Queued;
            v.reason = Some(reason.into());
            v.handoff_json = Some(if i % 11 == 3 {
                "{broken".into()
            } else {
                handoff(&format!("miss {i} ü"), article, reason)
            });
            v.updated_at = created + 5;
            k.audit = vec![audit(&id, site, "handoff", reason, created + 5)];
            k.events = vec![event(1)];
        })
        .await;
        change(db, &id, |k| {
            let v = &mut k.conversation;
            v.status = ConversationStatus::Assigned;
            v.agent_id = Some(i % 3 + 1);
            v.updated_at = created + 20;
            k.messages = vec![
                msg(&id, 1, "agent", None, true, created + 10),
                msg(&id, 2, "customer", Some("m"), false, created + 11),
                msg(&id, 3, "agent", None, false, created + 12 + i),
                msg(&id, 4, "agent", None, false, created + 90),
            ];
            k.audit = match i % 4 {
                0 => vec![audit(&id, site, "escalation", "sla_first_response", created + 30)],
                1 => vec![audit(&id, site, "transfer", "a note \u{1e} \"quoted\" \\", created + 30)],
                2 => vec![
                    audit(&id, site, "sla_breach", "first_response", created + 30),
                    audit(&id, site, "offline", "closed", created + 31),
                ],
                _ => vec![],
            };
        })
        .await;
        if i % 3 != 2 {
            change(db, &id, |k| {
                let v = &mut k.conversation;
                v.status = ConversationStatus::Resolved;
                v.rating = Some([1, 5, 3, 0, 6][(i % 5) as usize]);
                v.rating_comment = if i % 2 == 0 { Some(format!("comment {i}")) } else { None };
                v.updated_at = created + 60;
                k.audit = vec![audit(&id, site, "resolution", "", created + 61)];
            })
            .await;
        }
        if i % 6 == 1 {
            let t = TicketRow {
                id: 0,
                site_key: site.into(),
                conversation_id: Some(id.clone()),
                name: "N".into(),
                email: "n@x".into(),
                message: "m".into(),
                transcript_json: "[]".into(),
                created_at: created + 70,
                answer: None,
                answered_by: None,
                answered_at: None,
                answer_expected_by: None,
                reply_token: None,
            };
            db.insert_ticket(&t, &audit(&id, site, "ticket", "", created + 70), &[]).await.expect("ticket");
        }
    }
}

/// The insights loads give the same answers on both engines for the same writes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insights_loads_are_equal_on_both_engines() {
    let sqlite = Store::sqlite().await;
    let postgres = Store::postgres().await;
    insights_scenario(&sqlite.db).await;
    insights_scenario(&postgres.db).await;
    let (a, b) = (&sqlite.db, &postgres.db);
    let mut nonempty = 0;
    for site in ["demo", "shop", "zeta", "none"] {
        for (from, to) in [(0, i64::MAX), (1_000, 2_000), (1_500, 1_501), (2_900, 3_000)] {
            let rows = a.period_rows(site, from, to).await.expect("sqlite rows");
            assert_eq!(rows, b.period_rows(site, from, to).await.expect("pg rows"), "{site} {from} {to}");
            nonempty += usize::from(!rows.conversations.is_empty());
            for (departments, tiers) in [(false, false), (true, false), (false, true), (true, true)] {
                let f = NarrowFields { departments, tiers };
                assert_eq!(
                    a.period_rows_narrow(site, from, to, f).await.expect("sqlite narrow"),
                    b.period_rows_narrow(site, from, to, f).await.expect("pg narrow"),
                    "{site} {from} {to} {f:?}"
                );
            }
            assert_eq!(
                a.handoff_texts(site, from, to).await.expect("sqlite texts"),
                b.handoff_texts(site, from, to).await.expect("pg texts"),
                "{site} {from} {to}"
            );
        }
    }
    assert!(nonempty >= 6);
    let counts = a.stored_counts().await.expect("sqlite counts");
    assert_eq!(counts, b.stored_counts().await.expect("pg counts"));
    assert_eq!(counts.started.len(), 3);
    assert!(!counts.audit.is_empty() && !counts.tickets.is_empty() && !counts.open.is_empty());
    // Spot checks that the loads carry what the scenario wrote.
    let all = a.period_rows("demo", 0, i64::MAX).await.expect("rows");
    assert!(all.conversations.iter().any(|c| c.unhelpful_article.as_deref() == Some("returns")));
    assert!(all.conversations.iter().any(|c| c.unhelpful_article.as_deref() == Some("")));
    assert!(!all.first_agent_reply.is_empty());
    assert!(all.audit.iter().any(|r| r.kind == "transfer"));
    sqlite.done().await;
    postgres.done().await;
}

/// Agent notice ids follow commit order on PostgreSQL: many concurrent commits (two pools, as
/// two instances) carry notices for two agents, named in either order (the per-agent locks are
/// taken in ascending order, so crosswise commits cannot deadlock), while a reader per agent
/// polls `notices_after` from the last id it saw. Each must see every one of its agent's
/// notices exactly once, in increasing id order.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_notices_are_read_in_commit_order() {
    const WRITERS: usize = 16;
    const COMMITS: usize = 25;
    const AGENTS: [i64; 2] = [1, 2];
    let url = common::pg::fresh_database().await;
    let a: Db = Arc::new(Postgres::connect(&url).await.expect("instance a"));
    let b: Db = Arc::new(Postgres::connect(&url).await.expect("instance b"));
    for w in 0..WRITERS {
        a.insert_conversation(&conv(&format!("c{w}"), "demo", 1)).await.expect("insert");
    }
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = |agent: i64, start: i64| {
        let db = b.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let mut seen: Vec<NoticeRow> = Vec::new();
            let mut last = start;
            loop {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                let page = db.notices_after(agent, last, 7).await.expect("poll");
                if let Some(n) = page.last() {
                    last = n.id;
                }
                let empty = page.is_empty();
                seen.extend(page);
                if finished && empty {
                    return seen;
                }
                if empty {
                    tokio::time::sleep(Duration::from_micros(200)).await;
                }
            }
        })
    };
    // Where a new stream starts: read before any writer runs, so every notice comes after it.
    let mut readers = Vec::new();
    for agent in AGENTS {
        let start = b.notice_bounds(agent).await.expect("bounds").1;
        readers.push(reader(agent, start));
    }
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let db = if w % 2 == 0 { a.clone() } else { b.clone() };
            tokio::spawn(async move {
                let id = format!("c{w}");
                for k in 0..COMMITS {
                    change(&db, &id, |c| {
                        c.events = vec![event(c.conversation.last_seq)];
                        // Even writers name agent 1 first, odd ones agent 2 first.
                        let order = if w % 2 == 0 { [1, 2] } else { [2, 1] };
                        c.notices = order
                            .iter()
                            .map(|&agent| NoticeRow {
                                payload: format!("{w}/{k}"),
                                ..notice(agent, "message", k as i64)
                            })
                            .collect();
                    })
                    .await;
                }
            })
        })
        .collect();
    for w in writers {
        w.await.expect("writer");
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    for r in readers {
        let seen = r.await.expect("reader");
        assert_eq!(seen.len(), WRITERS * COMMITS, "every notice, once");
        assert!(seen.windows(2).all(|w| w[0].id < w[1].id), "increasing ids");
        let mut payloads: Vec<&str> = seen.iter().map(|n| n.payload.as_str()).collect();
        payloads.sort_unstable();
        payloads.dedup();
        assert_eq!(payloads.len(), seen.len(), "no notice twice");
        // Each writer's notices in its own order.
        for w in 0..WRITERS {
            let mine: Vec<&str> =
                seen.iter().map(|n| n.payload.as_str()).filter(|p| p.starts_with(&format!("{w}/"))).collect();
            let want: Vec<String> = (0..COMMITS).map(|k| format!("{w}/{k}")).collect();
            assert_eq!(mine, want);
        }
    }
    a.close().await;
    b.close().await;
    common::pg::drop_database(&url).await;
}

/// Several instances starting at once on an empty database: sqlx's advisory lock applies the
/// migrations once, and every instance comes up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_instances_migrate_at_the_same_moment() {
    let url = common::pg::fresh_database().await;
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { Postgres::connect_with_pool_size(&url, 2).await })
        })
        .collect();
    let mut instances = Vec::new();
    for s in starts {
        instances.push(s.await.expect("join").expect("instance starts"));
    }
    let ids: std::collections::HashSet<&str> = instances.iter().map(|p| p.instance_id()).collect();
    assert_eq!(ids.len(), 4, "each instance has its own id");
    assert!(instances.iter().all(|p| p.instance_id().len() == 16));
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(instances[0].pool())
        .await
        .expect("migrations");
    // Every migration file once (0001 the schema, 0002 the instances' coordination tables).
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
        .expect("migrations dir")
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql")))
        .count();
    assert_eq!(applied, i64::try_from(files).expect("count"));
    for p in &instances {
        p.close().await;
    }
    // A restart finds everything applied.
    let again = Postgres::connect(&url).await.expect("restart");
    again.close().await;
    common::pg::drop_database(&url).await;
}

/// A commit sends its wake-ups on the channel, only when it commits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_commits_send_wake_ups() {
    let url = common::pg::fresh_database().await;
    let pg = Postgres::connect(&url).await.expect("connect");
    let mut listener = sqlx::postgres::PgListener::connect(&url).await.expect("listener");
    listener.listen(wake::CHANNEL).await.expect("listen");
    let db: Db = Arc::new(Postgres::connect(&url).await.expect("connect"));
    db.insert_conversation(&conv("c1", "demo", 1)).await.expect("insert");
    // A stale commit sends nothing.
    let mut stale = commit(ConversationRow { last_seq: 9, ..conv("c1", "demo", 1) }, 5);
    stale.events = vec![event(9)];
    assert!(db.commit(&stale).await.is_err());
    change(&db, "c1", |c| {
        c.events = vec![event(1)];
        c.notices = vec![notice(4, "message", 1), notice(2, "message", 1), notice(4, "assigned", 1)];
    })
    .await;
    let mut got = Vec::new();
    for _ in 0..2 {
        let n = tokio::time::timeout(Duration::from_secs(5), listener.recv())
            .await
            .expect("in time")
            .expect("recv");
        got.push(wake::decode(n.payload()).expect("ours").1);
    }
    assert_eq!(got, [wake::Wake::Conversation { id: "c1".into(), seq: 1 }, wake::Wake::Agents(vec![2, 4])]);
    assert!(tokio::time::timeout(Duration::from_millis(300), listener.recv()).await.is_err(), "nothing else");
    db.close().await;
    pg.close().await;
    drop(listener);
    common::pg::drop_database(&url).await;
}

/// The whole desk on PostgreSQL over real HTTP: a customer starts, writes and asks for a
/// person; an agent who logged in gets the conversation, replies, and the customer reads it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_runs_on_postgres_end_to_end() {
    use common::*;
    use serde_json::json;
    // In the PostgreSQL run of the suite (HANDOFF_TEST_ENGINE=postgres) every test desk is on
    // PostgreSQL already; otherwise this one is put there.
    let (t, url) = if pg::engine_is_postgres() {
        let t = spawn("", "").await;
        let url = pg::database_for(&t.dir.path().join("data"));
        (t, url)
    } else {
        let url = pg::fresh_database().await;
        (spawn(&format!("database_url = \"{url}\""), "").await, url)
    };
    let ana = t.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let mut ana_events = ana.stream().await;
    let c = t.customer().await;
    assert_eq!(c.say("m1", "hello, my parcel is late").await.status(), 201);
    // A retry of the same message is answered from the store, not stored twice.
    assert_eq!(c.say("m1", "hello, my parcel is late").await.status(), 200);
    let mut stream = c.stream(None).await;
    let state = c.handoff("orders", "normal").await;
    assert_eq!(state["status"], "assigned", "{state}");
    assert_eq!(state["agent_name"], "Ana");
    let seen = stream.until(WAIT, |e| e.event == "agent.joined").await;
    assert_eq!(seen.iter().filter(|e| e.event == "message").count(), 1, "{seen:?}");
    let assigned = ana_events.until(WAIT, |e| e.event == "assigned").await;
    assert_eq!(assigned.last().map(|e| e.data["conversation_id"].clone()), Some(json!(c.id)));
    assert_eq!(ana.on(&c.id, "messages", json!({"text": "Hi, I'm Ana"})).await.status(), 201);
    let seen = stream.until(WAIT, |e| e.event == "message").await;
    assert_eq!(seen.last().map(|e| e.data["message"]["text"].clone()), Some(json!("Hi, I'm Ana")));
    assert_eq!(c.say("m2", "thanks!").await.status(), 201);
    let got = ana_events.until(WAIT, |e| e.event == "message").await;
    assert_eq!(got.last().map(|e| e.data["message"]["text"].clone()), Some(json!("thanks!")));
    // What the desk stored is in PostgreSQL.
    let db = Postgres::connect(&url).await.expect("connect");
    let stored = db.conversation(&c.id).await.expect("read").expect("stored");
    assert_eq!(stored.status, ConversationStatus::Assigned);
    assert_eq!(db.messages(&c.id).await.expect("messages").len(), 3);
    db.close().await;
    t.stop().await;
    // Dropped by stop() in the PostgreSQL run; this test made it otherwise.
    pg::drop_database(&url).await;
}

/// Data protection (db/privacy.rs): the same customer's rows found by each selector, an erasure
/// that blanks them in place (rows, ratings and counts kept), and a retention purge that takes
/// only closed, old conversations and answered tickets.
async fn privacy_collects_erases_and_purges(db: Db) {
    use handoff_desk::db::privacy::{collect, erasure, Retention, Subject};
    let who = r#"{"user_id":"u-1","name":"Eve Example","email":"Eve@Example.com","verified":true}"#;
    let mut c1 = conv("c1", "demo", 100);
    c1.visitor_id = Some("u-1".into());
    c1.customer_json = Some(who.into());
    db.insert_conversation(&c1).await.expect("c1");
    // Left with the bot, later than the purges below look except the last.
    let mut c2 = conv("c2", "demo", 5000);
    c2.visitor_id = Some("u-1".into());
    db.insert_conversation(&c2).await.expect("c2");
    let mut c3 = conv("c3", "other", 120);
    c3.visitor_id = Some("u-1".into());
    c3.customer_json = Some(who.into());
    db.insert_conversation(&c3).await.expect("c3");
    change(&db, "c1", |c| {
        let v = &mut c.conversation;
        v.status = ConversationStatus::Resolved;
        v.rating = Some(4);
        v.rating_comment = Some("Eve liked it".into());
        v.page_url = Some("http://shop/eve".into());
        v.handoff_json = Some(handoff("Eve's secret question", Some("a1"), "explicit"));
        v.updated_at = 200;
        let mut m = msg("c1", 1, "customer", Some("k1"), false, 150);
        m.text = "I am Eve, 1 Elm Street".into();
        c.messages.push(m);
        c.events.push(EventRow {
            seq: 1,
            kind: "message".into(),
            payload: r#"{"message":{"id":1,"text":"I am Eve, 1 Elm Street"}}"#.into(),
            created_at: 150,
        });
        c.audit.push(audit("c1", "demo", "escalation", "Eve wants a refund", 170));
        c.audit.push(audit("c1", "demo", "transfer", "manual", 171));
        c.notices.push(NoticeRow {
            payload: r#"{"conversation_id":"c1","message":{"id":1,"text":"I am Eve"}}"#.into(),
            ..notice(7, "message", 150)
        });
    })
    .await;
    let a = audit("c1", "demo", "offline", "outside_hours", 160);
    let t1 = db
        .insert_ticket(&ticket_row("c1", Some("tok1")), &a, &[mail("receipt", "<r1@x>", 160)])
        .await
        .expect("t1");
    let mut loose = ticket_row("c1", None);
    loose.conversation_id = None;
    loose.email = "EVE@example.com".into();
    let t2 = db.insert_ticket(&loose, &a, &[]).await.expect("t2");

    let ids = |r: &handoff_desk::db::privacy::CustomerRecords| {
        let mut t: Vec<i64> = r.tickets.iter().map(|t| t.id).collect();
        t.sort_unstable();
        (r.conversation_ids(), t, r.mail.len())
    };
    let by_user = collect(&*db, "demo", &Subject::UserId("u-1".into())).await.expect("user");
    assert_eq!(ids(&by_user), (vec!["c1".to_string()], vec![t1], 1));
    assert_eq!(by_user.message_count(), 1);
    let by_visitor = collect(&*db, "demo", &Subject::VisitorId("u-1".into())).await.expect("visitor");
    assert_eq!(ids(&by_visitor), (vec!["c2".to_string()], vec![], 0));
    let email = Subject::Email("eve@example.com".into());
    let by_email = collect(&*db, "demo", &email).await.expect("email");
    assert_eq!(ids(&by_email), (vec!["c1".to_string()], vec![t1, t2], 1));
    assert_eq!(ids(&collect(&*db, "other", &email).await.expect("other")).0, vec!["c3".to_string()]);

    let trails = vec![handoff_desk::db::privacy::Trail {
        conversation_id: "c1".into(),
        events: db.events_after("c1", 0, 100).await.expect("events"),
        audit: db.audit("c1").await.expect("audit"),
    }];
    let line = AuditRow {
        kind: "erasure".into(),
        reason: "customer_erased".into(),
        ..audit("c1", "demo", "x", "", 300)
    };
    db.erase(&erasure(&by_email, &trails, vec![line])).await.expect("erase");
    let after = db.conversation("c1").await.expect("read").expect("kept");
    assert_eq!((after.customer_json, after.visitor_id, after.page_url), (None, None, None));
    assert_eq!(
        (after.rating, after.rating_comment, after.status),
        (Some(4), None, ConversationStatus::Resolved)
    );
    assert!(!after.handoff_json.unwrap_or_default().contains("secret"));
    let texts = db.handoff_texts("demo", 0, 1000).await.expect("gaps");
    assert!(texts.iter().all(|t| t.unmatched.is_empty()), "{texts:?}");
    let messages = db.messages("c1").await.expect("messages");
    assert_eq!((messages.len(), messages[0].text.as_str(), messages[0].created_at), (1, "", 150));
    let events = db.events_after("c1", 0, 100).await.expect("events");
    assert!(!events[0].payload.contains("Eve"), "{}", events[0].payload);
    let notices = db.notices_after(7, 0, 10).await.expect("notices");
    assert_eq!(notices.len(), 1);
    assert!(
        !notices[0].payload.contains("Eve") && notices[0].payload.contains("c1"),
        "{}",
        notices[0].payload
    );
    for id in [t1, t2] {
        let t = db.ticket(id).await.expect("read").expect("kept");
        assert_eq!((t.name.as_str(), t.email.as_str(), t.message.as_str()), ("", "", ""));
    }
    let m = db.mail_of_ticket(t1).await.expect("mail");
    assert_eq!((m[0].rcpt.as_str(), m[0].text_body.as_str(), m[0].status.as_str()), ("", "", "failed"));
    let trail = db.audit("c1").await.expect("audit");
    assert!(trail.iter().any(|a| a.kind == "erasure"));
    let reasons: Vec<(&str, &str)> = trail.iter().map(|a| (a.kind.as_str(), a.reason.as_str())).collect();
    assert!(
        reasons.contains(&("escalation", "note_erased")) && reasons.contains(&("transfer", "manual")),
        "{reasons:?}"
    );
    assert!(!reasons.iter().any(|(_, r)| r.contains("Eve")), "{reasons:?}");
    assert_eq!(ids(&collect(&*db, "demo", &email).await.expect("again")), (vec![], vec![], 0));
    // The other site's conversation of the same person is not touched.
    assert!(db.conversation("c3").await.expect("read").expect("c3").customer_json.is_some());

    // Retention: nothing is older than the stored change yet; an unanswered ticket keeps its
    // conversation; once answered, both go, with everything stored under them.
    let before = |before: i64| Retention { site_key: "demo".into(), before };
    assert_eq!(db.purge(&before(200)).await.expect("purge").conversations, 0);
    assert_eq!(db.purge(&before(1000)).await.expect("purge").conversations, 0, "t1 waits for an answer");
    let answered = db.answer_ticket(t1, "done", "Ana", 400, &a, "tok1", &[]).await.expect("answer");
    assert!(answered);
    assert_eq!(db.purge(&before(400)).await.expect("purge").conversations, 0, "answered just now");
    let p = db.purge(&before(1000)).await.expect("purge");
    assert_eq!((p.conversations, p.tickets), (1, 1));
    assert!(db.conversation("c1").await.expect("read").is_none());
    assert!(db.messages("c1").await.expect("messages").is_empty());
    assert!(db.ticket(t1).await.expect("read").is_none());
    assert!(db.mail_of_ticket(t1).await.expect("mail").is_empty());
    assert!(db.ticket(t2).await.expect("read").is_some(), "an unanswered ticket stays");
    for id in ["c2", "c3"] {
        assert!(db.conversation(id).await.expect("read").is_some(), "{id} purged");
    }
    assert_eq!(db.purge(&before(1000)).await.expect("purge"), Default::default());
    // A conversation left with the bot for the whole period is over too; the other site's stays.
    assert_eq!(db.purge(&before(6000)).await.expect("purge").conversations, 1);
    assert!(db.conversation("c2").await.expect("read").is_none());
    assert!(db.conversation("c3").await.expect("read").is_some());
}

/// Commits (through the group-commit path and the plain one), tickets and mail claims at the same
/// moment: each waits its turn, none is refused. On SQLite a transaction that read before it
/// wrote was once refused at once (SQLITE_BUSY_SNAPSHOT) when another connection committed in
/// between: a 503 for a customer who did nothing wrong.
async fn concurrent_writers_are_never_refused(db: Db) {
    const WRITERS: usize = 4;
    const ROUNDS: i64 = 25;
    for w in 0..WRITERS {
        db.insert_conversation(&conv(&format!("w{w}"), "demo", 1)).await.expect("insert");
    }
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let id = format!("w{w}");
            for round in 0..ROUNDS {
                let stored = db.conversation(&id).await?.expect("stored");
                let mut next = stored.clone();
                next.last_seq += 1;
                next.updated_at = round;
                let c = commit(next, stored.last_seq);
                if w % 2 == 0 {
                    db.commit_unsynced(&c).await?;
                    db.sync().await?;
                } else {
                    db.commit(&c).await?;
                }
            }
            Ok::<(), DbError>(())
        }));
    }
    for w in 0..WRITERS {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            for round in 0..ROUNDS {
                let at = i64::try_from(w).unwrap_or(0) * 1_000 + round;
                let id = format!("w{w}");
                let rows = [mail("receipt", &format!("<m{w}-{round}@x>"), at)];
                db.insert_ticket(&ticket_row(&id, None), &audit(&id, "demo", "ticket", "", at), &rows)
                    .await?;
                db.claim_mail(at, at + 10, 2).await?;
            }
            Ok(())
        }));
    }
    for t in tasks {
        t.await.expect("join").expect("a writer was refused");
    }
    for w in 0..WRITERS {
        let stored = db.conversation(&format!("w{w}")).await.expect("read").expect("stored");
        assert_eq!(stored.last_seq, conv("x", "demo", 1).last_seq + ROUNDS);
    }
}

/// Issue 20: an agent created with its audit row (or neither), changed with the old and new
/// value, and deactivated: offline, without sessions (their hashes answered, to end streams).
async fn the_team_is_administered_with_an_audit(db: Db) {
    let change = |action: &str, at: i64, old: Option<&str>, new: &str| AdminAuditRow {
        id: 0,
        at,
        actor_id: 1,
        action: action.into(),
        target: "agent:bea@t".into(),
        old_value: old.map(String::from),
        new_value: Some(new.into()),
    };
    let bea = AgentRow { password_hash: "h".into(), ..agent_row("bea@t", &["orders"], &[]) };
    let id = db.create_agent(&bea, &change("agent_created", 10, None, "{}")).await.expect("create");
    let stored = db.agent(id).await.expect("get").expect("bea");
    assert_eq!((stored.active, stored.presence.as_str()), (true, "offline"));
    let again = db.create_agent(&bea, &change("agent_created", 11, None, "{}")).await;
    assert!(matches!(again, Err(DbError::Duplicate(_))), "{again:?}");
    assert_eq!(db.admin_audit(10).await.expect("audit").len(), 1, "a refused creation records nothing");

    db.set_presence(id, "online", 3).await.expect("presence");
    for token in ["s1", "s2"] {
        let s = SessionRow {
            token_hash: token.into(),
            csrf_hash: "c".into(),
            agent_id: id,
            created_at: 1,
            expires_at: i64::MAX,
        };
        db.insert_session(&s).await.expect("session");
    }
    let mut ended = Vec::new();
    let moved =
        AgentRow { capacity: 5, departments: vec!["orders".into(), "billing".into()], ..stored.clone() };
    assert!(db
        .update_agent(&moved, &change("agent_updated", 20, Some("{}"), "{}"), &mut ended)
        .await
        .expect("update"));
    assert!(ended.is_empty(), "an edit keeps the sessions");
    let now = db.agent(id).await.expect("get").expect("bea");
    assert_eq!((now.capacity, now.departments.len(), now.presence.as_str()), (5, 2, "online"));

    let off = AgentRow { active: false, ..now };
    assert!(db
        .update_agent(&off, &change("agent_deactivated", 30, Some("{}"), "{}"), &mut ended)
        .await
        .expect("off"));
    ended.sort();
    assert_eq!(ended, ["s1", "s2"]);
    assert_eq!(db.session("s1").await.expect("get"), None);
    let now = db.agent(id).await.expect("get").expect("bea");
    assert_eq!((now.active, now.presence.as_str()), (false, "offline"));
    assert!(!db
        .update_agent(&AgentRow { id: 999_999, ..off }, &change("x", 40, None, "{}"), &mut ended)
        .await
        .expect("none"));

    let log = db.admin_audit(10).await.expect("audit");
    let actions: Vec<(&str, i64)> = log.iter().map(|r| (r.action.as_str(), r.at)).collect();
    assert_eq!(
        actions,
        [("agent_deactivated", 30), ("agent_updated", 20), ("agent_created", 10)],
        "newest first"
    );
    assert_eq!(db.admin_audit(1).await.expect("audit").len(), 1);
}

async fn site_settings_are_swapped_never_overwritten(db: Db) {
    let audit = |action: &str, at: i64| AdminAuditRow {
        id: 0,
        at,
        actor_id: 1,
        action: action.into(),
        target: "site:demo".into(),
        old_value: None,
        new_value: None,
    };
    let row = |body: &str, at: i64| SettingRow {
        site_key: "demo".into(),
        section: "hours".into(),
        body: body.into(),
        updated_at: at,
        updated_by: 1,
    };
    assert_eq!(db.site_settings().await.expect("read"), []);
    // The first save expects no row; a second "first" save (another manager at the same moment)
    // finds one and writes nothing, its audit row included.
    assert!(db
        .swap_setting("demo", "hours", None, Some(&row("a", 10)), &audit("hours_changed", 10))
        .await
        .expect("a"));
    assert!(!db
        .swap_setting("demo", "hours", None, Some(&row("b", 11)), &audit("hours_changed", 11))
        .await
        .expect("b"));
    // A save expects the body it read: a stale one writes nothing.
    assert!(!db
        .swap_setting("demo", "hours", Some("x"), Some(&row("c", 12)), &audit("hours_changed", 12))
        .await
        .expect("c"));
    assert!(db
        .swap_setting("demo", "hours", Some("a"), Some(&row("d", 13)), &audit("hours_changed", 13))
        .await
        .expect("d"));
    // Another site and section are their own rows.
    let other = SettingRow { site_key: "shop".into(), section: "canned".into(), ..row("[]", 14) };
    assert!(db
        .swap_setting("shop", "canned", None, Some(&other), &audit("canned_saved", 14))
        .await
        .expect("shop"));
    let all = db.site_settings().await.expect("read");
    assert_eq!(all, [row("d", 13), other]);
    // Deleting, also by compare-and-swap.
    assert!(!db
        .swap_setting("demo", "hours", Some("a"), None, &audit("settings_reverted", 15))
        .await
        .expect("stale"));
    assert!(db
        .swap_setting("demo", "hours", Some("d"), None, &audit("settings_reverted", 16))
        .await
        .expect("revert"));
    assert_eq!(db.site_settings().await.expect("read").len(), 1);
    let actions: Vec<i64> = db.admin_audit(10).await.expect("audit").iter().map(|r| r.at).collect();
    assert_eq!(actions, [16, 14, 13, 10], "an audit row for each change made, none for those refused");
}
