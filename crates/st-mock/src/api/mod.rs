//! The routes: `/connect/token` and `/<module>/v2/tenant/{tenant}/…`.

mod crm;
mod jpm;
pub(crate) mod reporting;
mod resources;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde_json::Value;

use crate::data::Resource;
use crate::gateway;
use crate::problem::Problem;
use crate::state::Shared;
use crate::token;

pub(crate) type Shr = axum::extract::State<Arc<Shared>>;

/// Every route the simulator serves, behind the gateway (recording, faults, auth).
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let mut app = Router::new().route(crate::TOKEN_PATH, post(token::token));
    for r in Resource::ALL {
        let base = format!("/{}/v2/tenant/{{tenant}}", r.module());
        app = app
            .route(
                &format!("{base}/{}", r.name()),
                get(move |s: Shr, q| resources::list(r, s, q)),
            )
            .route(
                &format!("{base}/export/{}", r.name()),
                get(move |s: Shr, q| resources::export(r, s, q)),
            );
        if r != Resource::Invoices {
            // accounting has no GET invoices/{id}: invoices are read through the list's `ids`.
            app = app.route(
                &format!("{base}/{}/{{id}}", r.name()),
                get(move |s: Shr, p| resources::get_one(r, s, p)),
            );
        }
    }
    app = app
        .route("/crm/v2/tenant/{tenant}/customers", post(crm::create_customer))
        .route("/crm/v2/tenant/{tenant}/customers/{id}", axum::routing::patch(crm::update_customer))
        .route("/jpm/v2/tenant/{tenant}/jobs/{id}/notes", get(jpm::list_notes).post(jpm::create_note))
        .route("/reporting/v2/tenant/{tenant}/report-categories", get(reporting::categories))
        .route("/reporting/v2/tenant/{tenant}/report-category/{category}/reports", get(reporting::reports))
        .route(
            "/reporting/v2/tenant/{tenant}/report-category/{category}/reports/{report_id}/data",
            post(reporting::data),
        )
        .route(
            "/reporting/v2/tenant/{tenant}/report-category/{category}/reports/{report_id}/data/query",
            post(reporting::start_query),
        )
        .route(
            "/reporting/v2/tenant/{tenant}/data-queries/{token}",
            get(reporting::poll_query).merge(delete(reporting::cancel_query)),
        );
    app.fallback(|| async { Problem::not_found("Not Found").into_response() })
        .method_not_allowed_fallback(|| async {
            Problem::new(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed").into_response()
        })
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            gateway::gateway,
        ))
        .with_state(shared)
}

/// A 200 JSON answer as ServiceTitan sends it.
pub(crate) fn json(status: StatusCode, body: &Value) -> Response {
    json_bytes(status, body.to_string().into_bytes())
}

pub(crate) fn json_bytes(status: StatusCode, body: Vec<u8>) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    resp
}

/// Parses a path id the way ASP.NET model binding reports a bad one.
pub(crate) fn parse_id(name: &str, raw: &str) -> Result<i64, Problem> {
    raw.parse()
        .map_err(|_| Problem::field(name, format!("The value '{raw}' is not valid.")))
}

/// Parses a JSON request body, with ASP.NET's error shapes.
pub(crate) fn parse_body(body: &[u8]) -> Result<Value, Problem> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Problem::field("request", "The request field is required."));
    }
    serde_json::from_slice(body)
        .map_err(|e| Problem::field("$", format!("The JSON value could not be parsed: {e}")))
}

/// Opaque tokens: hex of a small versioned string. Opaque to clients (they must pass
/// `continueFrom` back unchanged), readable when debugging the simulator.
pub(crate) fn encode_token(kind: &str, position: u64) -> String {
    format!("st1:{kind}:{position}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) fn decode_token(token: &str) -> Option<(String, u64)> {
    if !token.len().is_multiple_of(2) || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&token[i..i + 2], 16).ok())
        .collect();
    let text = String::from_utf8(bytes?).ok()?;
    let mut parts = text.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("st1"), Some(kind), Some(pos)) => Some((kind.to_string(), pos.parse().ok()?)),
        _ => None,
    }
}
