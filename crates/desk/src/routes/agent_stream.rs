//! `GET /v1/agent/events`: the agent's notices (new work, assignments, customer messages, lost
//! assignments) from the stored notice log, resumable like the customer stream.
//!
//! - Every stored notice has an id; a client that reconnects with `Last-Event-ID` (or `?after=`)
//!   gets every notice after it, once, in order, then follows live wake-ups.
//! - A fresh stream (no id) starts at the current position and says so in a first `ready` event
//!   carrying that id, so that even its first reconnect can resume.
//! - A resume from before the retained log (pruned, or an id from another database) gets a
//!   `resync` event: the console reloads its lists, then the stream goes on from now.
//! - The stream lives only as long as its session: logout ends it at once (hub signal), expiry or
//!   a removed session within [`SESSION_CHECK`] (read from the stored sessions, so it holds for
//!   a session ended by another desk instance too).

use super::agent::AgentAuth;
use super::stream::{last_event_id, Open, PAGE};
use crate::desk::Desk;
use crate::error::ApiResult;
use crate::extract::QueryParams;
use crate::hub::AgentLive;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::watch;

/// How often an open stream checks that its session is still stored and unexpired.
pub const SESSION_CHECK: Duration = Duration::from_secs(2);

struct Follow {
    open: Open,
    agent: i64,
    session: String,
    last: i64,
    rx: broadcast::Receiver<AgentLive>,
    stop: watch::Receiver<bool>,
    check: tokio::time::Interval,
    buf: VecDeque<Event>,
}

#[utoipa::path(
    get,
    path = "/v1/agent/events",
    tag = "agent",
    summary = "This agent's event stream (SSE), resumable with Last-Event-ID or ?after=",
    params(
        ("Last-Event-ID" = Option<i64>, Header, nullable = false, minimum = 0, description = "Resume after this notice (the last event's `id:`); wins over `after` when both are sent."),
        ("after" = Option<i64>, Query, minimum = 0, description = "The same as `Last-Event-ID`, for a new EventSource."),
    ),
    security(("agentSession" = [])),
    responses(
        super::doc::AgentErrors,
        (status = 400, description = "`invalid_event_id`: `Last-Event-ID` or `after` is not a whole number.", body = handoff_protocol::v1::ErrorBody),
        (status = 200, description = "Server-sent events; each notice's `data:` is an `AgentEvent` (schema `AgentEvent`). Stored notices carry an `id:`; a fresh stream starts with `ready` (the current id), a resume from before the retained log gets `resync`. Ends when the session ends.", body = super::doc::AgentEventFrame, content_type = "text/event-stream"),
    ),
)]
pub async fn agent(
    State(desk): State<Arc<Desk>>,
    auth: AgentAuth,
    QueryParams(q): QueryParams<HashMap<String, String>>,
    headers: HeaderMap,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let after = last_event_id(&headers, &q)?;
    // Subscribe before reading the position: a notice committed after this wakes us, one
    // committed before is in the log.
    let rx = desk.hub.subscribe_agent(auth.agent.id);
    let (oldest, newest) = desk.db.notice_bounds(auth.agent.id).await?;
    let mut buf = VecDeque::new();
    let last = match after {
        None => {
            buf.push_back(Event::default().id(newest.to_string()).event("ready").data("{}"));
            newest
        }
        // Notices between `a` and the oldest kept one may be gone, or `a` is not from this log.
        Some(a) if a.saturating_add(1) < oldest || a > newest => {
            buf.push_back(Event::default().id(newest.to_string()).event("resync").data("{}"));
            newest
        }
        Some(a) => a,
    };
    let mut check = tokio::time::interval(SESSION_CHECK);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    check.reset(); // the session was checked by AgentAuth just now
    let state = Follow {
        open: Open::new(desk.clone()),
        agent: auth.agent.id,
        session: auth.session.token_hash,
        last,
        rx,
        stop: desk.shutdown_signal(),
        check,
        buf,
    };
    let s = stream::unfold(state, |mut st| async move {
        let next = next_event(&mut st).await?;
        Some((Ok(next), st))
    });
    Ok(Sse::new(s).keep_alive(KeepAlive::default()))
}

/// The next event to send, or `None` when the stream ends.
async fn next_event(st: &mut Follow) -> Option<Event> {
    let desk = st.open.0.clone();
    loop {
        if let Some(e) = st.buf.pop_front() {
            return Some(e);
        }
        if *st.stop.borrow() {
            return None;
        }
        match desk.db.notices_after(st.agent, st.last, PAGE).await {
            Ok(rows) if !rows.is_empty() => {
                for n in rows {
                    st.last = n.id;
                    st.buf.push_back(Event::default().id(n.id.to_string()).event(n.kind).data(n.payload));
                }
                continue;
            }
            Ok(_) => {}
            Err(e) => {
                // End the stream; the console reconnects with its last id and loses nothing.
                tracing::warn!(error = %e, "agent stream read failed");
                return None;
            }
        }
        tokio::select! {
            r = st.rx.recv() => match r {
                Ok(AgentLive::Committed) | Err(RecvError::Lagged(_)) => {}
                Ok(AgentLive::Ephemeral(e)) => {
                    let data = serde_json::to_string(&e).unwrap_or_default();
                    st.buf.push_back(Event::default().event(e.kind()).data(data));
                }
                Ok(AgentLive::SessionEnded(h)) if *h == *st.session => return None,
                Ok(AgentLive::SessionEnded(_)) => {}
                Err(RecvError::Closed) => return None,
            },
            _ = st.check.tick() => {
                if !session_alive(&desk, &st.session).await {
                    // Expired or removed: nobody is there any more to answer.
                    if let Err(e) = desk.sessions_ended().await {
                        tracing::warn!(error = %e, "setting agents without a session offline failed");
                    }
                    return None;
                }
            }
            _ = st.stop.changed() => return None,
        }
    }
}

async fn session_alive(desk: &Desk, token_hash: &str) -> bool {
    match desk.db.session(token_hash).await {
        Ok(Some(s)) => s.expires_at > desk.now_ms(),
        Ok(None) => false,
        // A failed read is not a logout: check again on the next tick.
        Err(e) => {
            tracing::warn!(error = %e, "session check failed");
            true
        }
    }
}
