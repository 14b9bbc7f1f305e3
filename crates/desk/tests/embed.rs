//! Embedding by script tag: the loader's caching, the origin check, the widget frame page and
//! its CSP, the portal page, hashed-asset caching and compression.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use handoff_desk::config::Config;
use handoff_desk::desk::Desk;
use handoff_desk::routes::router;
use handoff_desk::sites::Sites;
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

const INDEX: &str = "<!doctype html><html><head>\n<script type=\"module\">\nimport init from '/handoff-widget-0123456789abcdef.js';\nawait init();\n</script>\n\
<link rel=\"stylesheet\" href=\"/widget-0123456789abcd.css\"/>\n</head><body><div id=\"handoff-root\"></div></body></html>";

async fn app(dir: &Path) -> axum::Router {
    let pkg = dir.join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg");
    std::fs::write(pkg.join("index.html"), INDEX).expect("index");
    std::fs::write(pkg.join("handoff-widget-0123456789abcdef.js"), "export default 1;".repeat(100))
        .expect("js");
    let text = format!(
        "data_dir = \"{}\"\n{}static_dir = \"pkg\"\n[[site]]\ncontent = \"{}\"\nallowed_origins = [\"http://shop.test\"]\n",
        dir.join("data").display(),
        common::database_line(&dir.join("data")),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/demo").display()
    );
    let config = Config::parse(&text, dir).expect("config");
    let sites = Sites::load(&config.sites).expect("content");
    let db = handoff_desk::startup::open_db(&config).await.expect("db");
    router(Arc::new(Desk::new(db, sites, config)))
}

async fn get(app: &axum::Router, uri: &str, headers: &[(&str, &str)]) -> axum::response::Response {
    let mut req = Request::get(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    app.clone().oneshot(req.body(Body::empty()).expect("req")).await.expect("res")
}

async fn text(res: axum::response::Response) -> String {
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20).await.expect("body");
    String::from_utf8_lossy(&bytes).into_owned()
}

fn header(res: &axum::response::Response, name: header::HeaderName) -> &str {
    res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn loader_is_cached_for_five_minutes_with_a_content_etag() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(dir.path()).await;
    let res = get(&app, "/embed.js", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, header::CACHE_CONTROL), "public, max-age=300");
    assert!(header(&res, header::CONTENT_TYPE).starts_with("text/javascript"));
    let etag = header(&res, header::ETAG).to_string();
    assert!(etag.starts_with('"') && etag.len() > 8, "{etag}");
    assert!(text(res).await.contains("embed-check"));
    let again = get(&app, "/embed.js", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let br = get(&app, "/embed.js", &[("accept-encoding", "br")]).await;
    assert_eq!(header(&br, header::CONTENT_ENCODING), "br");
}

#[tokio::test]
async fn embed_check_accepts_allowed_origins_only() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(dir.path()).await;
    let ok = get(&app, "/v1/sites/demo/embed-check", &[("origin", "http://shop.test")]).await;
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&ok, header::ACCESS_CONTROL_ALLOW_ORIGIN), "http://shop.test");
    let bad = get(&app, "/v1/sites/demo/embed-check", &[("origin", "http://evil.test")]).await;
    assert_eq!(bad.status(), StatusCode::FORBIDDEN);
    assert_eq!(header(&bad, header::ACCESS_CONTROL_ALLOW_ORIGIN), "http://evil.test");
    assert!(text(bad).await.contains("origin_not_allowed"));
    let unknown = get(&app, "/v1/sites/nope/embed-check", &[("origin", "http://shop.test")]).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn widget_frame_page_is_for_allowed_origins_with_a_strict_csp() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(dir.path()).await;
    let res = get(&app, "/widget/demo?origin=http%3A%2F%2Fshop.test&locale=de", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let csp = header(&res, header::CONTENT_SECURITY_POLICY).to_string();
    assert!(csp.starts_with("default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-"), "{csp}");
    assert!(csp.contains("style-src 'self';"), "{csp}");
    assert!(csp.ends_with("frame-ancestors http://shop.test"), "{csp}");
    let page = text(res).await;
    assert!(page.contains("data-mode=\"frame\""));
    assert!(page.contains("data-host-origin=\"http://shop.test\""));
    assert!(page.contains("data-locale=\"de\""));
    assert!(page.contains("/widget-0123456789abcd.css"));
    // The site's bundle folder and locales, for the widget and the bundle preload.
    assert!(page
        .contains("data-site=\"/sites/demo\" data-locales=\"en de cs bg pt tl\" data-default-locale=\"en\""));
    assert!(page.contains(&format!("<script>{}</script>", *handoff_desk::embed::PRELOAD_JS)));
    assert_eq!(csp.matches("'sha256-").count(), 2, "the start script and the preload: {csp}");
    for refused in ["/widget/demo?origin=http%3A%2F%2Fevil.test", "/widget/demo", "/widget/demo?origin=*"] {
        assert_eq!(get(&app, refused, &[]).await.status(), StatusCode::FORBIDDEN, "{refused}");
    }
    assert_eq!(
        get(&app, "/widget/nope?origin=http%3A%2F%2Fshop.test", &[]).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_reopened_frame_page_is_revalidated_not_downloaded_again() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(dir.path()).await;
    let uri = "/widget/demo?origin=http%3A%2F%2Fshop.test";
    let first = get(&app, uri, &[("accept-encoding", "gzip")]).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(header(&first, header::CACHE_CONTROL), "no-cache");
    let etag = header(&first, header::ETAG).to_string();
    assert!(etag.starts_with("W/\""), "{etag}");
    let csp = header(&first, header::CONTENT_SECURITY_POLICY).to_string();
    let again = get(&app, uri, &[("accept-encoding", "gzip"), ("if-none-match", &etag)]).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&again, header::ETAG), etag);
    assert_eq!(header(&again, header::CONTENT_SECURITY_POLICY), csp);
    assert_eq!(header(&again, header::CONTENT_ENCODING), "");
    assert!(text(again).await.is_empty());
    // Another page (another locale asked for) is another body: sent in full.
    let other = get(&app, &format!("{uri}&locale=de"), &[("if-none-match", &etag)]).await;
    assert_eq!(other.status(), StatusCode::OK);
    assert_ne!(header(&other, header::ETAG), etag);
    // The portal page too.
    let portal = get(&app, "/help/demo", &[]).await;
    let tag = header(&portal, header::ETAG).to_string();
    assert_eq!(get(&app, "/help/demo", &[("if-none-match", &tag)]).await.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn help_portal_is_the_widget_page_in_page_mode_never_framed() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(dir.path()).await;
    let res = get(&app, "/help/demo", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(header(&res, header::CONTENT_SECURITY_POLICY).ends_with("frame-ancestors 'none'"));
    assert!(text(res).await.contains("data-mode=\"page\""));
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_compressed() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(dir.path()).await;
    let res = get(&app, "/handoff-widget-0123456789abcdef.js", &[("accept-encoding", "gzip")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, header::CACHE_CONTROL), "public, max-age=31536000, immutable");
    assert_eq!(header(&res, header::CONTENT_ENCODING), "gzip");
    let api = get(&app, "/healthz", &[("accept-encoding", "gzip")]).await;
    assert_eq!(header(&api, header::CONTENT_ENCODING), "");
}

#[tokio::test]
async fn precompressed_copies_are_served_as_they_are_and_site_bundles_are_compressed() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(dir.path()).await;
    let pkg = dir.path().join("pkg");
    // What `cargo xtask dist` writes next to each file (xtask/src/precompress.rs); the bytes are
    // markers, so the test sees which copy was sent.
    std::fs::write(pkg.join("handoff-widget-0123456789abcdef_bg.wasm"), vec![0u8; 4096]).expect("wasm");
    std::fs::write(pkg.join("handoff-widget-0123456789abcdef_bg.wasm.br"), "BROTLI COPY").expect("br");
    std::fs::write(pkg.join("handoff-widget-0123456789abcdef_bg.wasm.gz"), "GZIP COPY").expect("gz");
    std::fs::create_dir_all(pkg.join("sites/demo")).expect("sites");
    std::fs::write(pkg.join("sites/demo/de.bundle"), "handoff-bundle/3 ".repeat(500)).expect("bundle");

    let wasm = "/handoff-widget-0123456789abcdef_bg.wasm";
    let res = get(&app, wasm, &[("accept-encoding", "gzip, deflate, br")]).await;
    assert_eq!(header(&res, header::CONTENT_ENCODING), "br");
    assert_eq!(header(&res, header::CACHE_CONTROL), "public, max-age=31536000, immutable");
    assert_eq!(text(res).await, "BROTLI COPY");
    let res = get(&app, wasm, &[("accept-encoding", "gzip, deflate")]).await;
    assert_eq!(header(&res, header::CONTENT_ENCODING), "gzip");
    assert_eq!(text(res).await, "GZIP COPY");
    let res = get(&app, wasm, &[]).await;
    assert_eq!(header(&res, header::CONTENT_ENCODING), "");
    assert_eq!(axum::body::to_bytes(res.into_body(), 1 << 20).await.expect("body").len(), 4096);

    // A bundle without copies (exported by hand) is compressed on the fly.
    let res = get(&app, "/sites/demo/de.bundle", &[("accept-encoding", "gzip")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, header::CONTENT_ENCODING), "gzip");
}
