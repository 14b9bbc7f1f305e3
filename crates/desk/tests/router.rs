//! Router-level checks with `oneshot` (no socket): every route is served, every route is in the
//! OpenAPI document and the document lists nothing else; health and metrics answer.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use handoff_desk::config::Config;
use handoff_desk::desk::Desk;
use handoff_desk::routes::{router, ROUTES};
use handoff_desk::sites::Sites;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

async fn desk(dir: &Path) -> Arc<Desk> {
    let text = format!(
        "data_dir = \"{}\"\n{}[[site]]\ncontent = \"{}\"\nallowed_origins = [\"http://shop.test\"]\n",
        dir.join("data").display(),
        common::database_line(&dir.join("data")),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/demo").display()
    );
    let config = Config::parse(&text, dir).expect("config");
    let sites = Sites::load(&config.sites).expect("content");
    let db = handoff_desk::startup::open_db(&config).await.expect("db");
    Arc::new(Desk::new(db, sites, config))
}

async fn body_json(res: axum::response::Response) -> serde_json::Value {
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20).await.expect("body");
    serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null)
}

#[tokio::test]
async fn every_route_is_served_and_documented_in_openapi() {
    let dir = tempfile::tempdir().expect("dir");
    let app = router(desk(dir.path()).await);
    for (method, path) in ROUTES {
        let uri = path.replace("{id}", "some-id").replace("{key}", "demo");
        let req = Request::builder().method(*method).uri(&uri).body(Body::empty()).expect("request");
        let res = app.clone().oneshot(req).await.expect("response");
        let status = res.status();
        let body = body_json(res).await;
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert!(body["message"] != "route not found", "{method} {path} is not routed");
    }
    // And something not in the list is a JSON 404.
    let res = app
        .clone()
        .oneshot(Request::get("/v2/conversations").body(Body::empty()).expect("req"))
        .await
        .expect("res");
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(body_json(res).await["error"], "not_found");

    let res =
        app.oneshot(Request::get("/v1/openapi.json").body(Body::empty()).expect("req")).await.expect("res");
    assert_eq!(res.status(), StatusCode::OK);
    let doc = body_json(res).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "delete", "patch"] {
            if item.get(method).is_some() {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    let served: BTreeSet<(String, String)> =
        ROUTES.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    let missing: Vec<_> = served.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&served).collect();
    assert!(missing.is_empty(), "routes missing from openapi.json: {missing:?}");
    assert!(extra.is_empty(), "openapi.json documents routes the router does not serve: {extra:?}");
}

#[tokio::test]
async fn health_and_metrics() {
    let dir = tempfile::tempdir().expect("dir");
    let app = router(desk(dir.path()).await);
    let res =
        app.clone().oneshot(Request::get("/healthz").body(Body::empty()).expect("req")).await.expect("res");
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.oneshot(Request::get("/metrics").body(Body::empty()).expect("req")).await.expect("res");
    assert_eq!(res.status(), StatusCode::OK);
    let text =
        String::from_utf8(axum::body::to_bytes(res.into_body(), 1 << 20).await.expect("body").to_vec())
            .expect("utf8");
    for name in [
        "handoff_messages_total",
        "handoff_handoffs_total",
        "handoff_escalations_total",
        "handoff_sla_breaches_total",
        "handoff_open_streams",
        "handoff_queued_conversations",
    ] {
        assert!(text.contains(&format!("# TYPE {name}")), "{name} missing:\n{text}");
    }
}

#[tokio::test]
async fn start_works_without_a_socket() {
    let dir = tempfile::tempdir().expect("dir");
    let app = router(desk(dir.path()).await);
    let req = Request::post("/v1/conversations")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"site_key":"demo","locale":"bg"}"#))
        .expect("req");
    let res = app.oneshot(req).await.expect("res");
    assert_eq!(res.status(), StatusCode::CREATED);
    let v = body_json(res).await;
    assert_eq!(v["status"], "bot");
    assert_eq!(v["token"].as_str().map(str::len), Some(43));
}
