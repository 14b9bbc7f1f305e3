//! Customer routes: the widget's side of protocol v1.

use crate::desk::{wire_message, Caller, Desk};
use crate::error::ApiResult;
use crate::extract::{bearer, origin, ClientIp, JsonBody, OptionalJsonBody};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use handoff_protocol::v1::{
    CancelHandoff, HandoffRequest, PostMessage, Rating, StartConversation, TicketRequest, Typing,
};
use std::sync::Arc;

fn caller<'a>(headers: &'a HeaderMap, token: &'a Option<String>) -> Caller<'a> {
    Caller { token: token.as_deref(), origin: origin(headers) }
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

pub async fn state(
    State(desk): State<Arc<Desk>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let token = bearer(&headers, None);
    let (conv, _) = desk.customer_conversation(&id, &caller(&headers, &token)).await?;
    Ok(Json(desk.state(&conv).await?))
}

pub async fn message(
    State(desk): State<Arc<Desk>>,
    Path(id): Path<String>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    JsonBody(req): JsonBody<PostMessage>,
) -> ApiResult<impl IntoResponse> {
    desk.check_ip(ip).await?;
    desk.check_conversation_rate(&id).await?;
    let token = bearer(&headers, None);
    let (m, new) = desk.customer_message(&id, &caller(&headers, &token), req).await?;
    let status = if new { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(wire_message(&m))))
}

pub async fn handoff(
    State(desk): State<Arc<Desk>>,
    Path(id): Path<String>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    JsonBody(req): JsonBody<HandoffRequest>,
) -> ApiResult<impl IntoResponse> {
    desk.check_ip(ip).await?;
    desk.check_conversation_rate(&id).await?;
    let token = bearer(&headers, None);
    Ok(Json(desk.initiate(&id, &caller(&headers, &token), req).await?))
}

pub async fn cancel(
    State(desk): State<Arc<Desk>>,
    Path(id): Path<String>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    OptionalJsonBody(CancelHandoff {}): OptionalJsonBody<CancelHandoff>,
) -> ApiResult<impl IntoResponse> {
    desk.check_ip(ip).await?;
    desk.check_conversation_rate(&id).await?;
    let token = bearer(&headers, None);
    Ok(Json(desk.cancel(&id, &caller(&headers, &token)).await?))
}

pub async fn typing(
    State(desk): State<Arc<Desk>>,
    Path(id): Path<String>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    JsonBody(req): JsonBody<Typing>,
) -> ApiResult<impl IntoResponse> {
    desk.check_ip(ip).await?;
    desk.check_conversation_rate(&id).await?;
    let token = bearer(&headers, None);
    desk.customer_typing(&id, &caller(&headers, &token), req.typing).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn rating(
    State(desk): State<Arc<Desk>>,
    Path(id): Path<String>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    JsonBody(req): JsonBody<Rating>,
) -> ApiResult<impl IntoResponse> {
    desk.check_ip(ip).await?;
    desk.check_conversation_rate(&id).await?;
    let token = bearer(&headers, None);
    desk.rate(&id, &caller(&headers, &token), req).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn ticket(
    State(desk): State<Arc<Desk>>,
    Path(id): Path<String>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    JsonBody(req): JsonBody<TicketRequest>,
) -> ApiResult<impl IntoResponse> {
    desk.check_ip(ip).await?;
    desk.check_conversation_rate(&id).await?;
    let token = bearer(&headers, None);
    let (t, new) = desk.ticket(&id, &caller(&headers, &token), req).await?;
    let status = if new { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(t)))
}
