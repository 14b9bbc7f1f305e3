//! Issue 14 point 7: every request is bounded before it costs time or memory. An insights
//! period of hundreds of millennia is refused while the query is parsed, before a single bucket
//! exists; the routes answer 422 JSON for it.

mod common;

use common::*;
use handoff_desk::insights::InsightsParams;
use serde_json::Value;

fn params(from: &str, to: &str, bucket: &str) -> InsightsParams {
    InsightsParams {
        from: Some(from.into()),
        to: Some(to.into()),
        bucket: Some(bucket.into()),
        ..InsightsParams::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_insights_period_is_refused_before_anything_is_built() {
    let d = spawn("", "").await;
    let sam = d.online_agent("sam@t", "Sam", "supervisor", &["orders"], 3).await;
    let row = d.desk.db.agent_by_email("sam@t").await.expect("db").expect("sam");

    // Parsing the query already refuses it: nothing was loaded, no bucket allocated. The
    // widest dates chrono parses (about 524,000 years of days) would be 190 million buckets.
    for (from, to, bucket) in [
        ("1926-01-01", "2026-01-01", "day"),
        ("-262000-01-01", "+262000-01-01", "day"),
        ("-262000-01-01", "+262000-01-01", "week"),
        ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "week"),
    ] {
        let e = d.desk.insights_query(&row, &params(from, to, bucket)).expect_err(from);
        let invalid = matches!(e, handoff_desk::desk::error::DeskError::Invalid { .. });
        assert_eq!((invalid, e.code()), (true, "too_many_buckets"), "{from}..{to} by {bucket}");
    }
    // The largest allowed period still parses.
    assert!(d.desk.insights_query(&row, &params("2024-01-01", "2026-09-01", "day")).is_ok());

    // Over HTTP, both routes: 422 JSON.
    for path in ["/v1/agent/insights", "/v1/agent/insights.csv"] {
        for q in [
            "from=1926-01-01&to=2026-01-01&bucket=day&table=trends",
            "from=-262000-01-01&to=%2B262000-01-01&bucket=day&table=trends",
        ] {
            let r = sam.get(&format!("{path}?{q}")).await;
            assert_eq!(r.status(), 422, "{path}?{q}");
            let v: Value = r.json().await.expect("json");
            assert_eq!(v["error"], "too_many_buckets", "{v}");
        }
    }
    d.stop().await;
}
