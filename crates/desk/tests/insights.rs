//! Escalation insights (issue 7) over a history built through the protocol on a real desk:
//! a contained conversation, a quick one, one escalated twice and then transferred, one whose
//! SLA breaches fire only after a desk restart, one answered offline. The figures are computed
//! by the library on the desk's own database and checked exactly against the stored rows.

mod common;

use common::*;
use handoff_desk::config::Config;
use handoff_desk::db::{AuditRow, Database};
use handoff_desk::desk::Desk;
use handoff_desk::insights::{self, Bucket, Durations, Edge, Filter, Insights, InsightsQuery, SlaRow};
use handoff_desk::startup::open_db;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const SLA: &str = "[site.sla.high]\nfirst_response_secs = 3\nresolution_secs = 600\n";

struct Running {
    base: String,
    desk: Arc<Desk>,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

fn config(dir: &Path) -> Config {
    Config::parse(&config_text(&dir.join("data"), "", SLA), dir).expect("config")
}

async fn start(dir: &Path) -> Running {
    let (base, desk, stop, task) = start_app(config(dir)).await;
    Running { base, desk, stop, task }
}

impl Running {
    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = tokio::time::timeout(Duration::from_secs(10), self.task).await.expect("shutdown in time");
    }

    async fn online(
        &self,
        email: &str,
        name: &str,
        tier: &str,
        departments: &[&str],
        capacity: u32,
    ) -> Agent {
        online_agent(&self.desk, &self.base, email, name, tier, departments, capacity).await
    }
}

async fn handoff(
    c: &Customer,
    department: &str,
    priority: &str,
    reason: &str,
    article: Option<&str>,
) -> Value {
    let mut body = handoff_body(department, priority);
    body["reason"] = json!(reason);
    if let Some(a) = article {
        body["article"] = json!(a);
    }
    let r = c.post("/handoff", body).await;
    assert_eq!(r.status(), 200, "handoff");
    r.json().await.expect("json")
}

fn at(rows: &[AuditRow], kind: &str, n: usize) -> i64 {
    rows.iter().filter(|a| a.kind == kind).nth(n).unwrap_or_else(|| panic!("no {kind} #{n}: {rows:?}")).at
}

fn edge(from: &str, to: &str, reasons: &[(&str, u64)]) -> Edge {
    Edge {
        from: from.into(),
        to: to.into(),
        count: reasons.iter().map(|r| r.1).sum(),
        reasons: reasons.iter().map(|(r, n)| (r.to_string(), *n)).collect(),
    }
}

fn sla(key: &str, conversations: u64, breached: u64, first_response: u64, attainment: f64) -> SlaRow {
    SlaRow {
        key: key.into(),
        conversations,
        breached_conversations: breached,
        first_response_breaches: first_response,
        resolution_breaches: 0,
        attainment: Some(attainment),
    }
}

/// Nearest rank over known samples (written out, not the library's function).
fn durations(mut v: Vec<i64>) -> Durations {
    v.sort_unstable();
    let n = v.len();
    let pick = |p: usize| (n > 0).then(|| v[(p * n).div_ceil(100) - 1]);
    Durations { count: n as u64, median_ms: pick(50), p90_ms: pick(90) }
}

/// The page as `compute` builds it, checked against the page computed from full loads of both
/// periods: `compute` loads the previous period narrow, which must not change a single figure.
async fn run(db: &dyn Database, q: &InsightsQuery) -> Insights {
    let got = insights::compute(db, q).await.expect("insights");
    let before = q.from - (q.to - q.from);
    let full = insights::compute_all(
        q,
        &db.period_rows(&q.site_key, q.from, q.to).await.expect("rows"),
        &db.period_rows(&q.site_key, before, q.from).await.expect("previous rows"),
        &db.handoff_texts(&q.site_key, q.from, q.to).await.expect("texts"),
    );
    assert_eq!(got, full, "the narrow previous period changed the page");
    got
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_figure_of_a_known_history_is_exact() {
    let dir = tempfile::tempdir().expect("dir");
    let began = handoff_desk::desk::now_ms();
    let d = start(dir.path()).await;
    let ana = d.online("ana@t", "Ana", "agent", &["orders"], 3).await;
    let sam = d.online("sam@t", "Sam", "supervisor", &["orders"], 3).await;
    let max = d.online("max@t", "Max", "manager", &["orders"], 3).await;
    let bea = d.online("bea@t", "Bea", "manager", &["billing"], 3).await;
    // Online without capacity: returns work waits in the queue with its SLA clock running.
    d.online("ron@t", "Ron", "agent", &["returns"], 0).await;
    let client = client();

    // A: the bot handles it alone.
    let a = Customer::start(&client, &d.base).await;
    assert_eq!(a.say("a1", "what are your opening hours?").await.status(), 201);

    // B: explicit handoff, Ana answers and resolves, rated 5.
    let b = Customer::start(&client, &d.base).await;
    assert_eq!(handoff(&b, "orders", "normal", "explicit", None).await["status"], "assigned");
    assert_eq!(ana.on(&b.id, "notes", json!({"text": "internal first"})).await.status(), 201);
    assert_eq!(ana.on(&b.id, "messages", json!({"text": "Hi, Ana here"})).await.status(), 201);
    assert_eq!(ana.on(&b.id, "resolve", json!({})).await.status(), 200);
    assert_eq!(b.post("/rating", json!({"score": 5, "comment": "great"})).await.status(), 204);

    // C: the article did not help; escalated twice (Ana -> Sam -> Max), then transferred to
    // billing, where Bea answers and resolves; rated 2.
    let c = Customer::start(&client, &d.base).await;
    let st = handoff(&c, "orders", "normal", "article_unhelpful", Some("track-order")).await;
    assert_eq!(st["agent_name"], "Ana");
    assert_eq!(ana.on(&c.id, "escalate", json!({"note": "needs refund approval"})).await.status(), 200);
    assert_eq!(sam.on(&c.id, "escalate", json!({"note": "over my limit"})).await.status(), 200);
    let r = max.on(&c.id, "transfer", json!({"department": "billing", "note": "refund question"})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(bea.on(&c.id, "messages", json!({"text": "Refund approved."})).await.status(), 201);
    assert_eq!(bea.on(&c.id, "resolve", json!({})).await.status(), 200);
    assert_eq!(c.post("/rating", json!({"score": 2, "comment": "slow"})).await.status(), 204);

    // E: nobody of the account team is online: answered offline.
    let e = Customer::start(&client, &d.base).await;
    assert_eq!(handoff(&e, "account", "normal", "frustration", None).await["status"], "offline");

    // D: queued (high: 3 s to a first reply), and the desk stops before the clock runs out.
    let dd = Customer::start(&client, &d.base).await;
    assert_eq!(handoff(&dd, "returns", "high", "rule", None).await["status"], "queued");
    d.stop().await;
    let restarted = handoff_desk::desk::now_ms();
    assert!(d_audit_breaches(dir.path(), &dd.id).await == 0, "the breach fired before the restart");

    // The restarted desk breaches it at the agent tier, escalates, breaches at the supervisor
    // tier, escalates, and records the last breach at the manager tier (then that clock stops).
    let d2 = start(dir.path()).await;
    eventually(Duration::from_secs(20), || async {
        let rows = d2.desk.db.audit(&dd.id).await.expect("audit");
        (rows.iter().filter(|a| a.kind == "sla_breach").count() == 3).then_some(())
    })
    .await;
    d2.stop().await;

    // Computed on the desk's own database, opened the way the desk opens it.
    let db = open_db(&config(dir.path())).await.expect("db");
    let to = handoff_desk::desk::now_ms() + 60_000;
    let mut q = InsightsQuery::new("demo", began - 1_000, to);
    q.comments = 10;
    let all = run(&*db, &q).await;
    let rows = |id: &str| {
        let db = db.clone();
        let id = id.to_string();
        async move { db.audit(&id).await.expect("audit") }
    };
    let (ab, ac, ad, ae) = (rows(&b.id).await, rows(&c.id).await, rows(&dd.id).await, rows(&e.id).await);
    assert!(ad.iter().filter(|a| a.kind == "sla_breach").all(|a| a.at >= restarted), "{ad:?}");
    assert_eq!(ad.iter().filter(|a| a.kind == "escalation").count(), 2);
    assert!(ae.iter().all(|a| a.kind != "queued"), "offline: no SLA clock");

    // Containment.
    let k = &all.containment;
    assert_eq!(
        (k.started, k.handed_off, k.contained, k.handoffs, k.offline, k.handed_back),
        (5, 4, 1, 4, 1, 0)
    );
    assert_eq!((k.handoff_rate, k.containment_rate), (Some(0.8), Some(0.2)));
    let by_reason: BTreeMap<String, u64> =
        [("article_unhelpful", 1), ("explicit", 1), ("fallback", 0), ("frustration", 1), ("rule", 1)]
            .into_iter()
            .map(|(r, n)| (r.to_string(), n))
            .collect();
    assert_eq!(k.handoffs_by_reason, by_reason);

    // Escalation flow: both escalations of C and both SLA escalations of D, then C's transfer.
    let f = &all.flow;
    assert_eq!(
        f.tiers,
        vec![
            edge("agent", "supervisor", &[("needs refund approval", 1), ("sla_first_response", 1)]),
            edge(
                "bot",
                "agent",
                &[("article_unhelpful", 1), ("explicit", 1), ("frustration", 1), ("rule", 1)]
            ),
            edge("supervisor", "manager", &[("over my limit", 1), ("sla_first_response", 1)]),
        ]
    );
    assert_eq!(f.departments, vec![edge("orders", "billing", &[("refund question", 1)])]);
    assert_eq!(
        (f.escalations, f.escalated_conversations, f.transfers, f.transferred_conversations),
        (4, 2, 1, 1)
    );

    // Speed, from the stored rows: first handoff -> first agent message to the customer.
    let msgs = |id: String| {
        let db = db.clone();
        async move {
            db.messages(&id).await.expect("messages").into_iter().find(|m| m.author == "agent" && !m.internal)
        }
    };
    let b_reply = msgs(b.id.clone()).await.expect("b reply");
    let c_reply = msgs(c.id.clone()).await.expect("c reply");
    assert_eq!(b_reply.text, "Hi, Ana here", "the internal note before it does not count");
    assert_eq!(c_reply.text, "Refund approved.");
    let s = &all.speed;
    assert_eq!(
        s.first_reply,
        durations(vec![
            b_reply.created_at - at(&ab, "handoff", 0),
            c_reply.created_at - at(&ac, "handoff", 0)
        ])
    );
    assert_eq!(s.without_reply, 2, "D and E");
    assert_eq!(
        s.resolution,
        durations(vec![
            at(&ab, "resolution", 0) - at(&ab, "handoff", 0),
            at(&ac, "resolution", 0) - at(&ac, "handoff", 0)
        ])
    );
    assert_eq!(
        s.queue_wait,
        durations(vec![
            at(&ab, "assignment", 0) - at(&ab, "queued", 0),
            at(&ac, "assignment", 0) - at(&ac, "queued", 0)
        ])
    );
    assert_eq!(
        s.requeue_wait,
        durations(vec![
            at(&ac, "assignment", 1) - at(&ac, "escalation", 0),
            at(&ac, "assignment", 2) - at(&ac, "escalation", 1),
            at(&ac, "assignment", 3) - at(&ac, "transfer", 0),
        ])
    );
    assert_eq!(s.sla.total, sla("", 3, 1, 3, 2.0 / 3.0));
    assert_eq!(s.sla.by_priority, vec![sla("high", 1, 1, 3, 0.0), sla("normal", 2, 0, 0, 1.0)]);
    assert_eq!(
        s.sla.by_department,
        vec![sla("billing", 1, 0, 0, 1.0), sla("orders", 2, 0, 0, 1.0), sla("returns", 1, 1, 3, 0.0)]
    );

    // Quality.
    let ql = &all.quality;
    assert_eq!((ql.ratings, ql.average, ql.distribution), (2, Some(3.5), [0, 1, 0, 0, 1]));
    let comments: Vec<(&str, i64, &str)> =
        ql.comments.iter().map(|c| (c.conversation_id.as_str(), c.score, c.comment.as_str())).collect();
    assert_eq!(comments, vec![(c.id.as_str(), 2, "slow"), (b.id.as_str(), 5, "great")], "newest first");
    let articles: Vec<(&str, u64)> =
        ql.unhelpful_articles.iter().map(|a| (a.article.as_str(), a.count)).collect();
    assert_eq!(articles, vec![("track-order", 1)]);
    q.comments = 1;
    assert_eq!(run(&*db, &q).await.quality.comments.len(), 1, "the latest N only");

    // Trends: the buckets add up to the period; the previous period is empty.
    let t = &all.trends;
    assert_eq!(t.bucket, Bucket::Day);
    assert_eq!(t.points.iter().map(|p| p.figures.started).sum::<u64>(), 5);
    assert_eq!(t.points.iter().map(|p| p.figures.escalations).sum::<u64>(), 4);
    assert_eq!(t.points.iter().map(|p| p.figures.sla_breaches).sum::<u64>(), 3);
    assert_eq!(t.current.started, 5);
    assert_eq!(t.current.sla_breaches, 3);
    assert_eq!(t.current.first_reply_median_ms, s.first_reply.median_ms);
    assert_eq!(t.current.rating_average, Some(3.5));
    assert_eq!((t.previous.started, t.previous.handoff_rate, t.previous.rating_average), (0, None, None));
    assert_eq!((t.change.started, t.change.escalations, t.change.handoff_rate), (5, 4, None));
    let weekly = run(&*db, &InsightsQuery { bucket: Bucket::Week, ..q.clone() }).await;
    assert_eq!(weekly.trends.points.iter().map(|p| p.figures.started).sum::<u64>(), 5);
    // The same period one length later: this one becomes its previous period.
    let later = run(&*db, &InsightsQuery { from: to, to: to + (to - q.from), ..q.clone() }).await;
    assert_eq!((later.trends.current.started, later.trends.previous.started), (0, 5));
    assert_eq!(later.trends.change.started, -5);
    assert_eq!(later.trends.previous.sla_attainment, Some(2.0 / 3.0));
    assert_eq!(later.trends.previous, t.current, "the same conversations, the same headline");
    // Every filter on the previous period too (`run` compares with the full load).
    for f in [
        Filter { department: Some("billing".into()), ..Filter::default() },
        Filter { department: Some("returns".into()), ..Filter::default() },
        Filter { tier: Some("manager".into()), ..Filter::default() },
        Filter { tier: Some("bot".into()), ..Filter::default() },
        Filter { reason: Some("frustration".into()), ..Filter::default() },
        Filter { reason: Some("article_unhelpful".into()), ..Filter::default() },
        Filter { locale: Some("en".into()), tier: Some("supervisor".into()), ..Filter::default() },
    ] {
        let now = run(&*db, &InsightsQuery { filter: f.clone(), ..q.clone() }).await;
        let next =
            run(&*db, &InsightsQuery { filter: f, from: to, to: to + (to - q.from), ..q.clone() }).await;
        assert_eq!(next.trends.previous, now.trends.current);
    }

    // Filters.
    let with = |f: Filter| {
        let q = InsightsQuery { filter: f, ..q.clone() };
        let db = db.clone();
        async move { run(&*db, &q).await }
    };
    // One conversation: C, the only one that was ever in billing (after its transfer).
    let billing = with(Filter { department: Some("billing".into()), ..Filter::default() }).await;
    assert_eq!(billing.containment.started, 1);
    assert_eq!(billing.speed.first_reply.count, 1);
    assert_eq!(billing.speed.first_reply.median_ms, billing.speed.first_reply.p90_ms);
    assert_eq!(billing.flow.escalations, 2);
    assert_eq!(billing.quality.unhelpful_articles.len(), 1);
    let manager = with(Filter { tier: Some("manager".into()), ..Filter::default() }).await;
    assert_eq!((manager.containment.started, manager.flow.escalations), (2, 4), "C and D");
    let bot = with(Filter { tier: Some("bot".into()), ..Filter::default() }).await;
    assert_eq!(bot.containment.started, 5, "every conversation starts with the bot");
    let frustrated = with(Filter { reason: Some("frustration".into()), ..Filter::default() }).await;
    assert_eq!((frustrated.containment.started, frustrated.containment.offline), (1, 1));
    assert_eq!((frustrated.speed.sla.total.conversations, frustrated.speed.sla.total.attainment), (0, None));
    let en = with(Filter { locale: Some("en".into()), ..Filter::default() }).await;
    assert_eq!(en.containment, all.containment);
    // A filter that excludes everything: zeros and None, no division by zero.
    let none =
        with(Filter { locale: Some("de".into()), department: Some("orders".into()), ..Filter::default() })
            .await;
    assert_empty(&none);
    // Serialisable as it stands (the later route and CSV export).
    let v = serde_json::to_value(&all).expect("json");
    assert_eq!(v["containment"]["handoffs_by_reason"]["rule"], 1);
    assert_eq!(v["trends"]["bucket"], "day");
    db.close().await;
}

async fn d_audit_breaches(dir: &Path, id: &str) -> usize {
    let db = open_db(&config(dir)).await.expect("db");
    let n = db.audit(id).await.expect("audit").iter().filter(|a| a.kind == "sla_breach").count();
    db.close().await;
    n
}

fn assert_empty(i: &Insights) {
    let k = &i.containment;
    assert_eq!((k.started, k.handed_off, k.contained, k.handoffs), (0, 0, 0, 0));
    assert_eq!((k.handoff_rate, k.containment_rate), (None, None));
    assert!(k.handoffs_by_reason.values().all(|n| *n == 0) && k.handoffs_by_reason.len() == 5);
    assert!(i.flow.tiers.is_empty() && i.flow.departments.is_empty());
    let empty = Durations { count: 0, median_ms: None, p90_ms: None };
    for d in [&i.speed.first_reply, &i.speed.resolution, &i.speed.queue_wait, &i.speed.requeue_wait] {
        assert_eq!(d, &empty);
    }
    assert_eq!(i.speed.sla.total, SlaRow::default());
    assert!(i.speed.sla.by_priority.is_empty() && i.speed.sla.by_department.is_empty());
    assert_eq!((i.quality.ratings, i.quality.average, i.quality.distribution), (0, None, [0; 5]));
    assert!(i.quality.comments.is_empty() && i.quality.unhelpful_articles.is_empty());
    assert!(i.trends.points.iter().all(|p| p.figures.started == 0 && p.figures.handoff_rate.is_none()));
    assert_eq!(i.trends.current.rating_average, None);
}

#[tokio::test]
async fn no_data_gives_zeros_and_bad_periods_are_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let db = open_db(&config(dir.path())).await.expect("db");
    // 2020-01-01 (a Wednesday) to 2020-01-08: 7 daily points, 2 weekly ones.
    let from = 1_577_836_800_000;
    let q = InsightsQuery::new("demo", from, from + 7 * 86_400_000);
    let i = run(&*db, &q).await;
    assert_empty(&i);
    assert_eq!(i.trends.points.len(), 7);
    assert_eq!(i.from, "2020-01-01T00:00:00.000Z");
    let w = run(&*db, &InsightsQuery { bucket: Bucket::Week, ..q.clone() }).await;
    let starts: Vec<&str> = w.trends.points.iter().map(|p| p.start.as_str()).collect();
    assert_eq!(starts, vec!["2020-01-01T00:00:00.000Z", "2020-01-06T00:00:00.000Z"]);
    assert_eq!(w.trends.change.handoff_rate, None);
    assert!(matches!(
        insights::compute(&*db, &InsightsQuery { to: from, ..q.clone() }).await,
        Err(insights::InsightsError::EmptyPeriod)
    ));
    assert!(matches!(
        insights::compute(&*db, &InsightsQuery { to: from + 2000 * 86_400_000, ..q.clone() }).await,
        Err(insights::InsightsError::TooManyBuckets)
    ));
    db.close().await;
}
