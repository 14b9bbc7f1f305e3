//! Router-level checks with `oneshot` (no socket): the OpenAPI document is generated with the
//! router (each route's description sits on its handler), every route it lists is served, its
//! schemas come from the wire types; health and metrics answer.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use handoff_desk::config::Config;
use handoff_desk::desk::Desk;
use handoff_desk::routes::router;
use handoff_desk::sites::Sites;
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
async fn every_documented_route_is_served_and_the_document_is_generated() {
    let dir = tempfile::tempdir().expect("dir");
    let app = router(desk(dir.path()).await);
    let res = app
        .clone()
        .oneshot(Request::get("/v1/openapi.json").body(Body::empty()).expect("req"))
        .await
        .expect("res");
    assert_eq!(res.status(), StatusCode::OK);
    let doc = body_json(res).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "delete", "patch"] {
            if item.get(method).is_none() {
                continue;
            }
            operations += 1;
            let uri = path
                .replace("{id}", "some-id")
                .replace("{key}", "demo")
                .replace("{session}", "s")
                .replace("{section}", "hours")
                .replace("{department}", "orders")
                .replace("{locale}", "en");
            let req = Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(&uri)
                .body(Body::empty())
                .expect("request");
            let res = app.clone().oneshot(req).await.expect("response");
            let status = res.status();
            let body = body_json(res).await;
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert!(body["message"] != "route not found", "{method} {path} is not routed");
        }
    }
    assert!(operations >= 65, "only {operations} operations documented");
    // The schemas come from the wire types: a field of crates/protocol is in the document under
    // its serde name, constraints included.
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["PostMessage"]["properties"]["text"]["maxLength"], 4000);
    assert_eq!(schemas["Rating"]["properties"]["score"]["maximum"], 5);
    assert!(schemas["CustomerEvent"]["oneOf"].is_array(), "the event payloads are described");
    // And something not documented is a JSON 404.
    let res =
        app.oneshot(Request::get("/v2/conversations").body(Body::empty()).expect("req")).await.expect("res");
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(body_json(res).await["error"], "not_found");
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
