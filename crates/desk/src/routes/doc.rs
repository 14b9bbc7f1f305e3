//! What the OpenAPI document says besides the routes: title, tags and the ways to authenticate.
//! The paths come from the handlers' `#[utoipa::path]` and the schemas from the wire types.

use handoff_protocol::v1::ErrorBody;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoResponses, Modify, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Handoff desk protocol",
        version = "1",
        description = "Protocol v1 between the Handoff widget, the desk and the agent console. Prose reference: docs/protocol.md."
    ),
    tags(
        (name = "customer", description = "The widget's side; CORS for the site's allowed origins."),
        (name = "agent", description = "The console's side; session cookie + CSRF header."),
        (name = "supervisor", description = "Supervisors and managers (tiers above the site's first human tier)."),
        (name = "embed", description = "Embedding by script tag (docs/embedding.md)"),
        (name = "ops", description = "Health, metrics and this document."),
    ),
    // The payloads of the two event streams: each stream's frame names them in prose.
    components(schemas(handoff_protocol::v1::CustomerEvent, handoff_protocol::v1::AgentEvent)),
    modifiers(&Authentication)
)]
pub struct ApiDoc;

/// The three credentials the routes name in `security(...)`.
struct Authentication;

impl Modify for Authentication {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "customerToken",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The conversation token from POST /v1/conversations."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "customerTokenQuery",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "token",
                "The conversation token as `?token=`, only on the event stream (EventSource cannot set headers).",
            ))),
        );
        components.add_security_scheme(
            "agentSession",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(super::agent::SESSION_COOKIE))),
        );
        components.add_security_scheme(
            "csrf",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-CSRF-Token"))),
        );
    }
}

// The answers many routes share. A route lists the sets that apply and, after them, its own
// answers for the same codes when it can say more (which error codes, which resource).

/// Any route that reads a JSON body (crates/desk/src/extract.rs).
#[derive(IntoResponses)]
#[allow(dead_code)] // Only read by the generated description.
pub enum BodyErrors {
    #[response(
        status = 400,
        description = "Malformed JSON (`invalid_json`), or a body that is not a JSON object (`invalid_body`)."
    )]
    Malformed(ErrorBody),
    #[response(status = 413, description = "Body over the route's limit (`payload_too_large`).")]
    TooLarge(ErrorBody),
    #[response(
        status = 415,
        description = "Content-Type is not `application/json` (`unsupported_media_type`)."
    )]
    NotJson(ErrorBody),
    #[response(
        status = 422,
        description = "Unknown field, wrong type or missing field (`invalid_body`), or a field over its limit (`too_long`, `too_many`), or a value the site does not know; the message names the field."
    )]
    Invalid(ErrorBody),
}

/// Routes for a signed-in agent (cookie `handoff_session`; changes also need `X-CSRF-Token`).
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum AgentErrors {
    #[response(status = 401, description = "No valid session (`no_session`): sign in.")]
    NoSession(ErrorBody),
    #[response(
        status = 403,
        description = "`csrf`: a change without the session's `X-CSRF-Token`; or the agent may not do this (`not_supervisor`, `not_manager`, `not_your_team`)."
    )]
    Refused(ErrorBody),
}

/// Routes about one conversation, for the customer holding its token.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum CustomerErrors {
    #[response(status = 400, description = "A path that is not a conversation id (`invalid_path`).")]
    BadPath(ErrorBody),
    #[response(status = 401, description = "No conversation token (`missing_token`).")]
    NoToken(ErrorBody),
    #[response(
        status = 403,
        description = "The token does not open this conversation, or the calling page's origin is not allowed for its site."
    )]
    Refused(ErrorBody),
    #[response(status = 404, description = "No such conversation.")]
    NotFound(ErrorBody),
    #[response(
        status = 429,
        description = "Too many requests from this address or for this conversation (`rate_limited`); `Retry-After` says how many seconds."
    )]
    RateLimited(ErrorBody),
}

/// One server-sent event of `GET /v1/conversations/{id}/events`, as a client reads it off the
/// stream (what an SSE parser yields per event, and what OpenAPI 3.1 tools check a stream's
/// events against).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CustomerEventFrame {
    /// The conversation's sequence number: send it back as `Last-Event-ID` (or `?after=`) to
    /// resume after it.
    id: Option<String>,
    /// Absent for ordinary events (`message` in SSE terms).
    event: Option<String>,
    /// One `CustomerEvent` as JSON (its `type` says which).
    #[schema(content_media_type = "application/json")]
    data: String,
}

/// One server-sent event of `GET /v1/agent/events`, as a client reads it off the stream.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AgentEventFrame {
    /// A stored notice's number in this agent's log (resume after it with `Last-Event-ID`);
    /// absent on typing, which is not stored.
    id: Option<String>,
    /// `ready` (first event of a fresh stream: `data` is `{}` and `id` the current position) or
    /// `resync` (the resume point is older than the retained log: reload the lists); absent
    /// for notices.
    event: Option<String>,
    /// An `AgentEvent` as JSON, or `{}` for `ready` and `resync`.
    #[schema(content_media_type = "application/json")]
    data: String,
}
