//! Server-Sent Events. The customer stream replays persisted events after the client's last
//! seen id (`Last-Event-ID` or `?after=`) from the database and then follows live wake-ups, so a
//! reconnect neither loses nor repeats anything. The agent stream does the same over the agent's
//! stored notices (agent_stream.rs).

use crate::desk::{Caller, Desk};
use crate::error::{ApiError, ApiResult};
use crate::extract::{bearer, origin, QueryParams};
use crate::hub::Live;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

/// Counts a stream in the open-streams gauge for as long as it lives.
pub(super) struct Open(pub(super) Arc<Desk>);

impl Open {
    pub(super) fn new(desk: Arc<Desk>) -> Self {
        desk.metrics.open_streams.fetch_add(1, Ordering::Relaxed);
        Open(desk)
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.metrics.open_streams.fetch_sub(1, Ordering::Relaxed);
    }
}

pub(super) const PAGE: i64 = 200;

/// The client's last seen event id: `Last-Event-ID` (an EventSource reconnecting on its own) or
/// `?after=` (a new EventSource that remembered it); the header wins when both are sent, but
/// either one malformed is refused rather than silently ignored.
pub(super) fn last_event_id(headers: &HeaderMap, q: &HashMap<String, String>) -> ApiResult<Option<i64>> {
    let header = headers.get("last-event-id").map(|v| event_id(v.to_str().unwrap_or("?"))).transpose()?;
    let query = q.get("after").map(|s| event_id(s)).transpose()?;
    Ok(header.or(query))
}

/// A sequence number: a whole number from 0 up.
fn event_id(s: &str) -> ApiResult<i64> {
    s.trim().parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
        ApiError::bad_request("invalid_event_id", format!("event id {s:?} is not a whole number"))
    })
}

#[utoipa::path(
    get,
    path = "/v1/conversations/{id}/events",
    tag = "customer",
    summary = "Customer event stream (SSE)",
    params(
        ("id" = String, Path),
        ("Last-Event-ID" = Option<i64>, Header, nullable = false, minimum = 0, description = "Resume after this sequence number (what the last event's `id:` said); wins over `after` when both are sent. Not a whole number from 0 up: 400 `invalid_event_id`."),
        ("after" = Option<i64>, Query, minimum = 0, description = "The same as `Last-Event-ID`, for a new EventSource that remembered it (EventSource cannot set headers)."),
    ),
    // The token as a header, or in the query for EventSource, which cannot set headers.
    security(("customerToken" = []), ("customerTokenQuery" = [])),
    responses(
        super::doc::CustomerErrors,
        (status = 400, description = "`invalid_event_id`: `Last-Event-ID` or `after` is not a whole number; `invalid_path`.", body = handoff_protocol::v1::ErrorBody),
        (status = 200, description = "Server-sent events: the stored events after the resume point, then live ones. Each `data:` is a `CustomerEvent` (schema `CustomerEvent`).", body = super::doc::CustomerEventFrame, content_type = "text/event-stream"),
    ),
)]
pub async fn customer(
    State(desk): State<Arc<Desk>>,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<HashMap<String, String>>,
    headers: HeaderMap,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let token = bearer(&headers, q.get("token").map(String::as_str));
    desk.customer_conversation(&id, &Caller { token: token.as_deref(), origin: origin(&headers) }).await?;
    let after = last_event_id(&headers, &q)?.unwrap_or(0);
    // Subscribe before the first read: anything committed after this point wakes us up, and
    // anything committed before it is in the database.
    let rx = desk.hub.subscribe_conversation(&id);
    let stop = desk.shutdown_signal();
    let open = Open::new(desk.clone());
    let state = (open, id, after, rx, stop, VecDeque::<Event>::new());
    let s = stream::unfold(state, |(open, id, mut last, mut rx, mut stop, mut buf)| async move {
        loop {
            if let Some(e) = buf.pop_front() {
                return Some((Ok(e), (open, id, last, rx, stop, buf)));
            }
            if *stop.borrow() {
                return None;
            }
            match open.0.db.events_after(&id, last, PAGE).await {
                Ok(rows) if !rows.is_empty() => {
                    for r in rows {
                        last = r.seq;
                        buf.push_back(Event::default().id(r.seq.to_string()).event(r.kind).data(r.payload));
                    }
                    continue;
                }
                Ok(_) => {}
                Err(e) => {
                    // End the stream; the client reconnects with Last-Event-ID and loses nothing.
                    tracing::warn!(error = %e, "event stream read failed");
                    return None;
                }
            }
            tokio::select! {
                r = rx.recv() => match r {
                    Ok(Live::Committed(_)) | Err(RecvError::Lagged(_)) => {}
                    Ok(Live::Ephemeral(e)) => {
                        let data = serde_json::to_string(&e).unwrap_or_default();
                        buf.push_back(Event::default().event(e.kind()).data(data));
                    }
                    Err(RecvError::Closed) => return None,
                },
                _ = stop.changed() => return None,
            }
        }
    });
    Ok(Sse::new(s).keep_alive(KeepAlive::default()))
}
