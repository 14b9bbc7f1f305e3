//! Group commit at the desk level: a change committed without waiting for the disk is
//! announced only after `sync`, also when the request that made it is dropped half-way.

use super::{Change, Desk};
use crate::config::Config;
use crate::db::sqlite::Sqlite;
use crate::hub::Live;
use crate::sites::Sites;
use std::sync::Arc;
use std::time::Duration;

async fn desk(dir: &std::path::Path) -> Desk {
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/demo");
    let text = format!("[[site]]\ncontent = \"{}\"\n", content.display());
    let config = Config::parse(&text, dir).expect("config");
    let sites = Sites::load(&config.sites).expect("content");
    let db = Arc::new(Sqlite::open(dir).await.expect("db"));
    Desk::new(db, sites, config)
}

#[tokio::test]
async fn a_dropped_request_still_announces_its_change_once_durable() {
    let dir = tempfile::tempdir().expect("dir");
    let desk = desk(dir.path()).await;
    let req = serde_json::from_value(serde_json::json!({"site_key": "demo", "locale": "en"})).expect("req");
    let (started, _) = desk.start(req, None).await.expect("start");
    let id = started.conversation_id;
    let mut rx = desk.hub.subscribe_conversation(&id);
    let conv = desk.db.conversation(&id).await.expect("read").expect("exists");
    let site = desk.site(&conv.site_key).expect("site");

    // Published: announced after the sync.
    let mut ch = Change::new(site, conv, desk.now_ms());
    ch.message("customer", None, "first", Some("c1".into()), false);
    let unsynced = desk.apply_unsynced(ch).await.expect("commit");
    let conv = desk.publish(unsynced).await.expect("publish");
    assert!(matches!(rx.recv().await, Ok(Live::Committed(1))));

    // Dropped before `publish` (the client hung up): the background task announces it.
    let mut ch = Change::new(site, conv, desk.now_ms());
    ch.message("customer", None, "second", Some("c2".into()), false);
    drop(desk.apply_unsynced(ch).await.expect("commit"));
    let got = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.expect("announced in time");
    assert!(matches!(got, Ok(Live::Committed(2))));
    assert_eq!(desk.db.events_after(&id, 0, 10).await.expect("events").len(), 2);
}
