//! Customer routes: the widget's side of protocol v1.

use crate::desk::{wire_message, Caller, Desk};
use crate::error::{ApiError, ApiResult};
use crate::extract::{bearer, origin, ClientIp, JsonBody, OptionalJsonBody};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use handoff_protocol::v1::{
    CancelHandoff, HandoffRequest, PostMessage, Rating, StartConversation, TicketRequest, TranscriptRequest,
    Typing,
};
use std::sync::Arc;

/// A customer's request about conversation `{id}`: its token, present (401 before the body is
/// even read, so a caller without one learns that first), and the calling page's origin. A
/// request that changes something is also within the client's and the conversation's rate
/// limits; reading the state is not limited (a reload reads it). Whether the token opens the
/// conversation is the desk's check, made with the read the operation needs anyway.
pub struct CustomerAuth {
    pub id: String,
    token: String,
    origin: Option<String>,
}

impl CustomerAuth {
    pub fn caller(&self) -> Caller<'_> {
        Caller { token: Some(&self.token), origin: self.origin.as_deref() }
    }
}

impl FromRequestParts<Arc<Desk>> for CustomerAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, desk: &Arc<Desk>) -> Result<Self, Self::Rejection> {
        let Path(id) = Path::<String>::from_request_parts(parts, desk)
            .await
            .map_err(|r| ApiError::bad_request("invalid_path", r.body_text()))?;
        if parts.method != Method::GET {
            let ClientIp(ip) = ClientIp::from_request_parts(parts, desk).await.unwrap_or_else(|e| match e {});
            desk.check_ip(ip).await?;
            desk.check_conversation_rate(&id).await?;
        }
        let token = bearer(&parts.headers, None).ok_or_else(crate::desk::missing_token)?;
        Ok(CustomerAuth { id, token, origin: origin(&parts.headers).map(str::to_string) })
    }
}

#[utoipa::path(
    post,
    path = "/v1/conversations",
    tag = "customer",
    summary = "Start a conversation",
    request_body(content = handoff_protocol::v1::StartConversation, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        (status = 201, description = "Started; the token is shown only here.", body = handoff_protocol::v1::ConversationStarted),
        (status = 200, description = "A retry with the same `client_key` (same site and visitor): the conversation the first request started, with the same token.", body = handoff_protocol::v1::ConversationStarted),
        (status = 403, description = "Wrong token, wrong origin, missing CSRF token.", body = handoff_protocol::v1::ErrorBody),
        (status = 429, description = "Rate limited; see `Retry-After`.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn start(
    State(desk): State<Arc<Desk>>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    JsonBody(req): JsonBody<StartConversation>,
) -> ApiResult<impl IntoResponse> {
    desk.check_ip(ip).await?;
    let (started, new) = desk.start(req, origin(&headers)).await?;
    Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, Json(started)))
}

#[utoipa::path(
    get,
    path = "/v1/conversations/{id}",
    tag = "customer",
    summary = "Current handoff state",
    params(
        ("id" = String, Path),
    ),
    security(("customerToken" = [])),
    responses(
        super::doc::CustomerErrors,
        (status = 200, description = "State", body = handoff_protocol::v1::HandoffState),
    ),
)]
pub async fn state(State(desk): State<Arc<Desk>>, c: CustomerAuth) -> ApiResult<impl IntoResponse> {
    let (conv, _) = desk.customer_conversation(&c.id, &c.caller()).await?;
    Ok(Json(desk.state(&conv).await?))
}

#[utoipa::path(
    post,
    path = "/v1/conversations/{id}/messages",
    tag = "customer",
    summary = "Post a customer message (idempotent by client_id)",
    params(
        ("id" = String, Path),
    ),
    security(("customerToken" = [])),
    request_body(content = handoff_protocol::v1::PostMessage, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::CustomerErrors,
        (status = 201, description = "Stored (new).", body = handoff_protocol::v1::Message),
        (status = 200, description = "A retry: the stored message.", body = handoff_protocol::v1::Message),
        (status = 409, description = "Conflict with the current state.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn message(
    State(desk): State<Arc<Desk>>,
    c: CustomerAuth,
    JsonBody(req): JsonBody<PostMessage>,
) -> ApiResult<impl IntoResponse> {
    let (m, new) = desk.customer_message(&c.id, &c.caller(), req).await?;
    Ok((created_if(new), Json(wire_message(&m))))
}

#[utoipa::path(
    post,
    path = "/v1/conversations/{id}/handoff",
    tag = "customer",
    summary = "Initiate the handoff (idempotent while queued/assigned)",
    params(
        ("id" = String, Path),
    ),
    security(("customerToken" = [])),
    request_body(content = handoff_protocol::v1::HandoffRequest, description = "Limit 256 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::CustomerErrors,
        (status = 200, description = "Queued, assigned or offline.", body = handoff_protocol::v1::HandoffState),
        (status = 409, description = "Conflict with the current state.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn handoff(
    State(desk): State<Arc<Desk>>,
    c: CustomerAuth,
    JsonBody(req): JsonBody<HandoffRequest>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.initiate(&c.id, &c.caller(), req).await?))
}

#[utoipa::path(
    post,
    path = "/v1/conversations/{id}/cancel",
    tag = "customer",
    summary = "Cancel a waiting handoff: back to the bot (idempotent when already with the bot)",
    params(
        ("id" = String, Path),
    ),
    security(("customerToken" = [])),
    request_body(content = Option<handoff_protocol::v1::CancelHandoff>, description = "Empty, or `{}`."),
    responses(
        super::doc::BodyErrors,
        super::doc::CustomerErrors,
        (status = 200, description = "Back with the bot (`status: bot`), or already there.", body = handoff_protocol::v1::HandoffState),
        (status = 409, description = "`already_assigned` (a person has taken it) or `conversation_closed` (resolved).", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn cancel(
    State(desk): State<Arc<Desk>>,
    c: CustomerAuth,
    OptionalJsonBody(CancelHandoff {}): OptionalJsonBody<CancelHandoff>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.cancel(&c.id, &c.caller()).await?))
}

#[utoipa::path(
    post,
    path = "/v1/conversations/{id}/typing",
    tag = "customer",
    summary = "Customer typing indicator (ephemeral)",
    params(
        ("id" = String, Path),
    ),
    security(("customerToken" = [])),
    request_body(content = handoff_protocol::v1::Typing, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::CustomerErrors,
        (status = 204, description = "Sent."),
    ),
)]
pub async fn typing(
    State(desk): State<Arc<Desk>>,
    c: CustomerAuth,
    JsonBody(req): JsonBody<Typing>,
) -> ApiResult<StatusCode> {
    desk.customer_typing(&c.id, &c.caller(), req.typing).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/v1/conversations/{id}/rating",
    tag = "customer",
    summary = "Rate a resolved conversation",
    params(
        ("id" = String, Path),
    ),
    security(("customerToken" = [])),
    request_body(content = handoff_protocol::v1::Rating, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::CustomerErrors,
        (status = 204, description = "Stored (or the same rating again)."),
        (status = 409, description = "Conflict with the current state.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn rating(
    State(desk): State<Arc<Desk>>,
    c: CustomerAuth,
    JsonBody(req): JsonBody<Rating>,
) -> ApiResult<StatusCode> {
    desk.rate(&c.id, &c.caller(), req).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/v1/conversations/{id}/transcript",
    tag = "customer",
    summary = "E-mail the customer a copy of the conversation",
    description = "Queues the copy (what the assistant, the customer and the agents wrote; no internal notes) in the outbox for the address given, or for the verified identity's e-mail when none is given. The same address again (a retry) queues nothing new and answers the same; at most 3 addresses per conversation.",
    params(
        ("id" = String, Path),
    ),
    security(("customerToken" = [])),
    request_body(content = handoff_protocol::v1::TranscriptRequest, description = "Limit 64 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::CustomerErrors,
        (status = 202, description = "Queued (or queued before for this address).", body = handoff_protocol::v1::TranscriptQueued),
        (status = 409, description = "`not_handed_off` (nothing was handed to the team), `transcript_limit` (3 addresses already), `mail_not_configured` (the desk has no `[smtp]`).", body = handoff_protocol::v1::ErrorBody),
        (status = 422, description = "`invalid_email`, `too_long`, `missing_field` (no address given and no verified e-mail), unknown field or wrong type.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn transcript(
    State(desk): State<Arc<Desk>>,
    c: CustomerAuth,
    JsonBody(req): JsonBody<TranscriptRequest>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::ACCEPTED, Json(desk.transcript(&c.id, &c.caller(), req).await?)))
}

#[utoipa::path(
    post,
    path = "/v1/conversations/{id}/ticket",
    tag = "customer",
    summary = "Leave an offline ticket",
    params(
        ("id" = String, Path),
    ),
    security(("customerToken" = [])),
    request_body(content = handoff_protocol::v1::TicketRequest, description = "Limit 256 KiB."),
    responses(
        super::doc::BodyErrors,
        super::doc::CustomerErrors,
        (status = 200, description = "The same ticket sent again (a retry): the stored one. A different second ticket on the conversation is 409 `ticket_exists`.", body = handoff_protocol::v1::Ticket),
        (status = 201, description = "Stored.", body = handoff_protocol::v1::Ticket),
        (status = 409, description = "Conflict with the current state.", body = handoff_protocol::v1::ErrorBody),
    ),
)]
pub async fn ticket(
    State(desk): State<Arc<Desk>>,
    c: CustomerAuth,
    JsonBody(req): JsonBody<TicketRequest>,
) -> ApiResult<impl IntoResponse> {
    let (t, new) = desk.ticket(&c.id, &c.caller(), req).await?;
    Ok((created_if(new), Json(t)))
}

/// 201 when the request created something, 200 when it was a retry of one that did.
fn created_if(new: bool) -> StatusCode {
    if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}
