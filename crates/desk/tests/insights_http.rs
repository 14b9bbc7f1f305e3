//! The insights routes over HTTP on a real desk: who may ask, the exact figures of a small known
//! history as JSON, the refusals, and every CSV table (header, quoting, formula injection).

mod common;

use common::*;
use handoff_desk::insights::{self, csv::cell, csv::TABLES, InsightsQuery};
use serde_json::{json, Value};

/// A comment that needs quoting (comma, quotes, a line break) and starts like a formula.
const NASTY: &str = "=HYPERLINK(\"http://x\",\"click\"), really\nyes";

struct History {
    d: TestDesk,
    ana: Agent,
    sam: Agent,
    ids: [String; 3],
    began: i64,
}

/// A: contained. B: explicit handoff, Ana answers and resolves, rated 5 with [`NASTY`].
/// C: the article `track-order` did not help; Ana escalates to Sam, who answers and resolves;
/// rated 2, "slow".
async fn history() -> History {
    let began = handoff_desk::desk::now_ms();
    let d = spawn("", "").await;
    let ana = d.online_agent("ana@t", "Ana", "agent", &["orders"], 3).await;
    let sam = d.online_agent("sam@t", "Sam", "supervisor", &["orders"], 3).await;

    let a = d.customer().await;
    assert_eq!(a.say("a1", "what are your opening hours?").await.status(), 201);

    let b = d.customer().await;
    assert_eq!(b.handoff("orders", "normal").await["agent_name"], "Ana");
    assert_eq!(ana.on(&b.id, "messages", json!({"text": "Hi, Ana here"})).await.status(), 201);
    assert_eq!(ana.on(&b.id, "resolve", json!({})).await.status(), 200);
    assert_eq!(b.post("/rating", json!({"score": 5, "comment": NASTY})).await.status(), 204);

    let c = d.customer().await;
    let mut body = handoff_body("orders", "normal");
    body["reason"] = json!("article_unhelpful");
    body["article"] = json!("track-order");
    let r = c.post("/handoff", body).await;
    assert_eq!(r.status(), 200);
    assert_eq!(ana.on(&c.id, "escalate", json!({"note": "needs approval"})).await.status(), 200);
    assert_eq!(sam.on(&c.id, "messages", json!({"text": "Approved."})).await.status(), 201);
    assert_eq!(sam.on(&c.id, "resolve", json!({})).await.status(), 200);
    assert_eq!(c.post("/rating", json!({"score": 2, "comment": "slow"})).await.status(), 204);

    History { d, ana, sam, ids: [a.id, b.id, c.id], began }
}

fn period(h: &History) -> String {
    let from = handoff_desk::desk::rfc3339(h.began - 1_000);
    let to = handoff_desk::desk::rfc3339(handoff_desk::desk::now_ms() + 60_000);
    format!("from={}&to={}", from.replace('+', "%2B"), to)
}

async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.expect("json")
}

async fn refused(a: &Agent, query: &str) -> (u16, String, String) {
    let r = a.get(&format!("/v1/agent/insights?{query}")).await;
    let status = r.status().as_u16();
    let v = json_of(r).await;
    (status, v["error"].as_str().unwrap_or("").to_string(), v["message"].as_str().unwrap_or("").to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insights_route_gives_exact_figures_to_supervisors_only() {
    let h = history().await;
    let p = period(&h);

    // No session: 401. An agent of the first human tier: 403.
    let r = h.d.client.get(h.d.url(&format!("/v1/agent/insights?{p}"))).send().await.expect("get");
    assert_eq!(r.status(), 401);
    assert_eq!(json_of(r).await["error"], "no_session");
    assert_eq!(refused(&h.ana, &p).await.0, 403);
    assert_eq!(refused(&h.ana, &p).await.1, "not_supervisor");
    let r = h.ana.get(&format!("/v1/agent/insights.csv?table=speed&{p}")).await;
    assert_eq!(r.status(), 403);

    // A supervisor: every figure, exactly.
    let r = h.sam.get(&format!("/v1/agent/insights?site=demo&{p}")).await;
    assert_eq!(r.status(), 200);
    let v = json_of(r).await;
    assert_eq!(v["site_key"], "demo");
    let k = &v["containment"];
    assert_eq!(
        (&k["started"], &k["handed_off"], &k["contained"], &k["handoffs"], &k["offline"], &k["handed_back"]),
        (&json!(3), &json!(2), &json!(1), &json!(2), &json!(0), &json!(0))
    );
    assert_eq!(k["handoff_rate"], json!(2.0 / 3.0));
    assert_eq!(
        k["handoffs_by_reason"],
        json!({"article_unhelpful": 1, "explicit": 1, "fallback": 0, "frustration": 0, "rule": 0})
    );
    assert_eq!(
        v["flow"]["tiers"],
        json!([
            {"from": "agent", "to": "supervisor", "count": 1, "reasons": {"needs approval": 1}},
            {"from": "bot", "to": "agent", "count": 2, "reasons": {"article_unhelpful": 1, "explicit": 1}},
        ])
    );
    assert_eq!((&v["flow"]["escalations"], &v["flow"]["transfers"]), (&json!(1), &json!(0)));
    let q = &v["quality"];
    assert_eq!(
        (&q["ratings"], &q["average"], &q["distribution"]),
        (&json!(2), &json!(3.5), &json!([0, 1, 0, 0, 1]))
    );
    assert_eq!(q["comments"][0]["comment"], "slow");
    assert_eq!(q["comments"][1]["comment"], NASTY);
    assert_eq!(q["unhelpful_articles"], json!([{"article": "track-order", "count": 1}]));
    assert_eq!(v["speed"]["first_reply"]["count"], 2);
    assert_eq!(v["speed"]["sla"]["total"]["conversations"], 2);
    assert_eq!(v["trends"]["current"]["started"], 3);

    // The same as the library computes on the desk's database.
    let mut lib = InsightsQuery::new(
        "demo",
        insights::parse_time(v["from"].as_str().expect("from"), false).expect("from"),
        insights::parse_time(v["to"].as_str().expect("to"), true).expect("to"),
    );
    lib.bot_tier = "bot".into();
    let computed = insights::compute(&*h.d.desk.db, &lib).await.expect("compute");
    assert_eq!(serde_json::to_value(&computed).expect("json"), v);

    // Defaults: the supervisor's site, the last 30 days up to now, daily buckets.
    let v = json_of(h.sam.get("/v1/agent/insights").await).await;
    assert_eq!(
        (&v["site_key"], &v["containment"]["started"], &v["trends"]["bucket"]),
        (&json!("demo"), &json!(3), &json!("day"))
    );
    let from = insights::parse_time(v["from"].as_str().expect("from"), false).expect("from");
    let to = insights::parse_time(v["to"].as_str().expect("to"), false).expect("to");
    assert_eq!(to - from, 30 * 86_400_000);
    assert_eq!(v["trends"]["points"].as_array().map(Vec::len), Some(31), "30 days cut at times of day");

    // Dates: from yesterday to today (included), weekly, filtered.
    let today = &handoff_desk::desk::rfc3339(handoff_desk::desk::now_ms())[..10];
    let yesterday = &handoff_desk::desk::rfc3339(h.began - 86_400_000)[..10];
    let v = json_of(
        h.sam
            .get(&format!(
                "/v1/agent/insights?from={yesterday}&to={today}&bucket=week&reason=explicit&locale=en"
            ))
            .await,
    )
    .await;
    assert_eq!(v["containment"]["started"], 1, "only B had an explicit handoff");
    assert_eq!(v["filter"], json!({"locale": "en", "reason": "explicit"}));
    assert_eq!(v["from"], format!("{yesterday}T00:00:00.000Z"));
    let v = json_of(h.sam.get(&format!("/v1/agent/insights?{p}&tier=supervisor&department=&locale=")).await)
        .await;
    assert_eq!(v["containment"]["started"], 1, "C reached the supervisor; empty values are no filter");

    // Refusals.
    let wrong: &[(&str, &str)] = &[
        ("from=yesterday", "invalid_date"),
        ("to=2020-02-30", "invalid_date"),
        ("from=2020-01-02&to=2020-01-01", "empty_period"),
        ("from=2020-01-01T00:00:00Z&to=2020-01-01T00:00:00Z", "empty_period"),
        ("from=2015-01-01&to=2020-01-01", "too_many_buckets"),
        ("site=nope", "unknown_site"),
        ("department=nope", "unknown_department"),
        ("tier=nope", "unknown_tier"),
        ("locale=xx", "unknown_locale"),
        ("reason=nope", "unknown_reason"),
        ("bucket=month", "invalid_bucket"),
    ];
    for (query, code) in wrong {
        let (status, error, _) = refused(&h.sam, query).await;
        assert_eq!((status, error.as_str()), (422, *code), "{query}");
    }
    let r = h.sam.get("/v1/agent/insights.csv?table=nope").await;
    assert_eq!(r.status(), 422);
    let v = json_of(r).await;
    assert_eq!(v["error"], "unknown_table");
    for t in TABLES {
        assert!(v["message"].as_str().unwrap_or("").contains(t), "{v}");
    }
    assert_eq!(h.sam.get("/v1/agent/insights.csv").await.status(), 422, "no table");
    h.d.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_insights_table_exports_as_csv() {
    let h = history().await;
    let p = period(&h);
    let v = json_of(h.sam.get(&format!("/v1/agent/insights?{p}")).await).await;
    let (from_day, to_day) = (&v["from"].as_str().expect("from")[..10], &v["to"].as_str().expect("to")[..10]);
    let [_, b, c] = &h.ids;
    // Ids go through the same cell escaping (one in 64 starts with '-', see csv.rs).
    let (b, c) = (cell(b), cell(c));
    let mut bodies = Vec::new();
    for t in TABLES {
        let r = h.sam.get(&format!("/v1/agent/insights.csv?table={t}&{p}")).await;
        assert_eq!(r.status(), 200, "{t}");
        assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
        assert_eq!(
            r.headers()["content-disposition"].to_str().expect("ascii"),
            format!("attachment; filename=\"insights-{t}-demo-{from_day}-{to_day}.csv\"")
        );
        bodies.push((*t, r.text().await.expect("text")));
    }
    let get = |t: &str| bodies.iter().find(|(n, _)| *n == t).map(|(_, b)| b.clone()).expect("table");
    let lines = |t: &str| get(t).split("\r\n").map(String::from).collect::<Vec<_>>();
    assert_eq!(
        lines("containment"),
        [
            "figure,value",
            "started,3",
            "handed_off,2",
            "contained,1",
            &format!("handoff_rate,{}", 2.0 / 3.0),
            &format!("containment_rate,{}", 1.0 / 3.0),
            "handoffs,2",
            "offline,0",
            "handed_back,0",
            ""
        ]
    );
    assert_eq!(
        lines("reasons"),
        ["reason,handoffs", "article_unhelpful,1", "explicit,1", "fallback,0", "frustration,0", "rule,0", ""]
    );
    assert_eq!(
        lines("flow"),
        [
            "kind,from,to,reason,count",
            "tier,agent,supervisor,needs approval,1",
            "tier,bot,agent,article_unhelpful,1",
            "tier,bot,agent,explicit,1",
            ""
        ]
    );
    let speed = lines("speed");
    assert_eq!(speed[0], "measure,count,median_ms,p90_ms");
    let fr = &v["speed"]["first_reply"];
    assert_eq!(speed[1], format!("first_reply,2,{},{}", fr["median_ms"], fr["p90_ms"]));
    assert!(speed[4].starts_with("requeue_wait,1,"), "{speed:?}");
    assert_eq!(speed[5], "without_reply,0,,");
    assert_eq!(
        lines("sla"),
        [
            "group,key,conversations,breached_conversations,first_response_breaches,resolution_breaches,attainment",
            "total,,2,0,0,0,1",
            "priority,normal,2,0,0,0,1",
            "department,orders,2,0,0,0,1",
            ""
        ]
    );
    assert_eq!(lines("ratings"), ["score,count", "1,0", "2,1", "3,0", "4,0", "5,1", ""]);
    let comments = get("comments");
    let (c_at, b_at) = (&v["quality"]["comments"][0]["at"], &v["quality"]["comments"][1]["at"]);
    assert_eq!(
        comments,
        format!(
            "conversation_id,score,comment,at\r\n{c},2,slow,{}\r\n{b},5,\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\"), really\nyes\",{}\r\n",
            c_at.as_str().expect("at"),
            b_at.as_str().expect("at")
        ),
        "quoted, doubled quotes, the formula neutralised, the line break kept inside the quotes"
    );
    assert_eq!(lines("articles"), ["article,unhelpful", "track-order,1", ""]);
    let trends = lines("trends");
    assert_eq!(
        trends[0],
        "start,end,started,handed_off,contained,handoff_rate,escalations,transfers,sla_breaches,\
         sla_attainment,first_reply_median_ms,resolution_median_ms,queue_wait_median_ms,ratings,rating_average"
    );
    let points = v["trends"]["points"].as_array().expect("points");
    assert_eq!(trends.len(), points.len() + 2);
    let started: u64 = trends[1..trends.len() - 1]
        .iter()
        .map(|l| l.split(',').nth(2).and_then(|n| n.parse::<u64>().ok()).expect("started"))
        .sum();
    assert_eq!(started, 3);
    h.d.stop().await;
}

async fn metrics(base: &str) -> String {
    client().get(format!("{base}/metrics")).send().await.expect("metrics").text().await.expect("text")
}

fn has(text: &str, line: &str) -> bool {
    text.lines().any(|l| l == line)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_site_metrics_are_the_stored_figures_and_survive_a_restart() {
    let h = history().await;
    let text = metrics(&h.d.base).await;
    for line in [
        "handoff_site_conversations_started_total{site=\"demo\"} 3",
        "handoff_site_handoffs_total{site=\"demo\",reason=\"article_unhelpful\"} 1",
        "handoff_site_handoffs_total{site=\"demo\",reason=\"explicit\"} 1",
        "handoff_site_escalations_total{site=\"demo\",from_tier=\"agent\",to_tier=\"supervisor\"} 1",
        "handoff_site_ratings_total{site=\"demo\"} 2",
        "handoff_site_rating_score_sum{site=\"demo\"} 7",
        "# TYPE handoff_site_transfers_total counter",
        "# TYPE handoff_site_sla_breaches_total counter",
        "# TYPE handoff_site_tickets_total counter",
        "# TYPE handoff_site_open_conversations gauge",
        "handoff_handoffs_total 2",
    ] {
        assert!(has(&text, line), "{line} missing:\n{text}");
    }
    assert!(!text.contains("handoff_site_open_conversations{"), "both resolved:\n{text}");
    h.d.stop().await;

    // A desk restarted on the same data: the process-local counters start again at zero, the
    // per-site series still count what is stored; a waiting conversation shows as queued.
    let dir = tempfile::tempdir().expect("dir");
    let config = || {
        handoff_desk::config::Config::parse(&config_text(&dir.path().join("data"), "", ""), dir.path())
            .expect("config")
    };
    let (base, desk, stop, task) = start_app(config()).await;
    // Online without capacity: the handoff waits in the queue.
    online_agent(&desk, &base, "ron@t", "Ron", "agent", &["orders"], 0).await;
    let c = Customer::start(&client(), &base).await;
    assert_eq!(c.handoff("orders", "normal").await["status"], "queued");
    drop(desk);
    let _ = stop.send(());
    let _ = task.await;
    let (base, desk, stop, task) = start_app(config()).await;
    let text = metrics(&base).await;
    for line in [
        "handoff_handoffs_total 0",
        "handoff_site_handoffs_total{site=\"demo\",reason=\"explicit\"} 1",
        "handoff_site_conversations_started_total{site=\"demo\"} 1",
        "handoff_site_open_conversations{site=\"demo\",status=\"queued\"} 1",
    ] {
        assert!(has(&text, line), "{line} missing:\n{text}");
    }
    drop(desk);
    let _ = stop.send(());
    let _ = task.await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_gaps_cluster_the_unmatched_messages_of_handoffs() {
    let clock = std::sync::Arc::new(handoff_desk::clock::SetClock::now());
    let d = spawn_with_clock("", "", clock.clone()).await;
    let sam = d.online_agent("sam@t", "Sam", "supervisor", &["orders"], 0).await;
    d.online_agent("ana@t", "Ana", "agent", &["orders"], 0).await;
    let mut ids = Vec::new();
    type Line<'a> = (&'a str, Option<&'a str>);
    let lines: [(&[Line], Option<&str>); 4] = [
        (
            &[("Penguin tuxedo for Antarctica?", None), ("where is my order?", Some("order_status"))],
            Some("tent-care"),
        ),
        (&[("antarctica penguin tuxedo please", None)], Some("tent-care")),
        // The last line asks for a person: how the customer escalated, not a gap.
        (&[("zebra stripes quantum", None), ("???", None), ("I want to talk to a human", None)], None),
        (&[("where is my order?", Some("order_status"))], Some("boots")),
    ];
    for (transcript, article) in lines {
        // Distinct start times: the gaps keep the order the conversations started in.
        clock.advance(std::time::Duration::from_millis(3));
        let c = d.customer().await;
        let mut body = handoff_body("orders", "normal");
        body["transcript"] = transcript
            .iter()
            .map(|(text, intent)| match intent {
                Some(i) => json!({"role": "customer", "text": text, "intent": i}),
                None => json!({"role": "customer", "text": text}),
            })
            .chain([json!({"role": "bot", "text": "Sorry, I do not know that."})])
            .collect();
        if let Some(a) = article {
            body["article"] = json!(a);
        }
        assert_eq!(c.post("/handoff", body).await.status(), 200);
        ids.push(c.id);
    }
    // The default period ends now, exclusive: a second later, the last handoff is inside it.
    clock.advance(std::time::Duration::from_secs(1));
    let v = json_of(sam.get("/v1/agent/insights").await).await;
    assert_eq!(
        v["gaps"],
        json!([
            {"locale": "en", "label": "penguin tuxedo antarctica", "words": ["penguin", "tuxedo", "antarctica"],
             "messages": 2, "handoffs": 2, "examples": [
                {"conversation_id": ids[0], "text": "Penguin tuxedo for Antarctica?"},
                {"conversation_id": ids[1], "text": "antarctica penguin tuxedo please"}]},
            {"locale": "en", "label": "zebra stripes quantum", "words": ["zebra", "stripes", "quantum"],
             "messages": 1, "handoffs": 1, "examples": [
                {"conversation_id": ids[2], "text": "zebra stripes quantum"}]},
        ])
    );
    assert_eq!(
        v["articles_before_handoff"],
        json!([{"article": "tent-care", "count": 2}, {"article": "boots", "count": 1}])
    );
    // Filtered: only the conversations that pass.
    let none = json_of(sam.get("/v1/agent/insights?reason=rule").await).await;
    assert_eq!((none["gaps"].clone(), none["articles_before_handoff"].clone()), (json!([]), json!([])));
    let csv = sam.get("/v1/agent/insights.csv?table=gaps").await.text().await.expect("csv");
    // Conversation ids are random: one that starts with `-` is exported behind a `'`, as every
    // cell that a spreadsheet would read as a formula (insights/csv.rs).
    let cell = |v: String| if v.starts_with(['=', '+', '-', '@']) { format!("'{v}") } else { v };
    assert_eq!(
        csv,
        format!(
            "locale,label,messages,handoffs,examples\r\nen,penguin tuxedo antarctica,2,2,{}\r\nen,zebra stripes quantum,1,1,{}\r\n",
            cell(format!("{} {}", ids[0], ids[1])),
            cell(ids[2].to_string())
        )
    );
    let csv =
        sam.get("/v1/agent/insights.csv?table=articles_before_handoff").await.text().await.expect("csv");
    assert_eq!(csv, "article,handoffs\r\ntent-care,2\r\nboots,1\r\n");
    d.stop().await;
}
