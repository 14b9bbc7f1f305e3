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

pub async fn state(State(desk): State<Arc<Desk>>, c: CustomerAuth) -> ApiResult<impl IntoResponse> {
    let (conv, _) = desk.customer_conversation(&c.id, &c.caller()).await?;
    Ok(Json(desk.state(&conv).await?))
}

pub async fn message(
    State(desk): State<Arc<Desk>>,
    c: CustomerAuth,
    JsonBody(req): JsonBody<PostMessage>,
) -> ApiResult<impl IntoResponse> {
    let (m, new) = desk.customer_message(&c.id, &c.caller(), req).await?;
    Ok((created_if(new), Json(wire_message(&m))))
}

pub async fn handoff(
    State(desk): State<Arc<Desk>>,
    c: CustomerAuth,
    JsonBody(req): JsonBody<HandoffRequest>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.initiate(&c.id, &c.caller(), req).await?))
}

pub async fn cancel(
    State(desk): State<Arc<Desk>>,
    c: CustomerAuth,
    OptionalJsonBody(CancelHandoff {}): OptionalJsonBody<CancelHandoff>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(desk.cancel(&c.id, &c.caller()).await?))
}

pub async fn typing(
    State(desk): State<Arc<Desk>>,
    c: CustomerAuth,
    JsonBody(req): JsonBody<Typing>,
) -> ApiResult<StatusCode> {
    desk.customer_typing(&c.id, &c.caller(), req.typing).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn rating(
    State(desk): State<Arc<Desk>>,
    c: CustomerAuth,
    JsonBody(req): JsonBody<Rating>,
) -> ApiResult<StatusCode> {
    desk.rate(&c.id, &c.caller(), req).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn transcript(
    State(desk): State<Arc<Desk>>,
    c: CustomerAuth,
    JsonBody(req): JsonBody<TranscriptRequest>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::ACCEPTED, Json(desk.transcript(&c.id, &c.caller(), req).await?)))
}

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
