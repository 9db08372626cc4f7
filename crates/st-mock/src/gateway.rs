//! What sits in front of every handler, in order: record the request, count it,
//! pick a fault, add latency, check authentication, run the handler, and rewrite
//! the response (drift, truncation).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::TOKEN_PATH;
use crate::drift::{self, Drift};
use crate::fault::{Fault, RetryAfter, lock};
use crate::problem::Problem;
use crate::record::new_record;
use crate::server::ConnControl;
use crate::state::{Shared, TokenFailure};

/// Request bodies above this are refused (the API has no uploads this large).
const MAX_BODY: usize = 16 << 20;

pub(crate) async fn gateway(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large")
            .into_response();
    };
    let path = parts.uri.path().to_string();
    let method = parts.method.as_str().to_string();
    let token_endpoint = path == TOKEN_PATH;
    let sequence = lock(&shared.log).push(new_record(
        &method,
        &path,
        parts.uri.query(),
        &parts.headers,
        bytes.clone(),
    ));
    let counter = if token_endpoint {
        &shared.token_requests
    } else {
        &shared.api_requests
    };
    counter.fetch_add(1, Ordering::Relaxed);

    if !token_endpoint && let Err(wait) = shared.admit() {
        shared.rate_limited.fetch_add(1, Ordering::Relaxed);
        // Whole seconds, rounded up: a client that honours the header gets in.
        let secs = wait.as_millis().div_ceil(1000).max(1) as u64;
        let resp = retry_after_response(StatusCode::TOO_MANY_REQUESTS, RetryAfter::Seconds(secs));
        lock(&shared.log).set_status(sequence, 429);
        return resp;
    }
    let fault = lock(&shared.faults).decide(&method, &path, token_endpoint);
    let live = *lock(&shared.live);
    if !live.latency.is_zero() {
        tokio::time::sleep(live.latency).await;
    }
    let control = parts.extensions.get::<ConnControl>().cloned();
    let req = Request::from_parts(parts, Body::from(bytes));
    let resp = match fault {
        None => handle(&shared, req, next, token_endpoint, live.drift).await,
        Some(Fault::Reset) => match control {
            Some(control) => {
                tracing::debug!(%method, %path, "st-mock: resetting connection");
                control.reset();
                // The connection task drops this future together with the connection.
                std::future::pending::<()>().await;
                unreachable!("a reset connection is never answered")
            }
            None => status_response(502),
        },
        Some(Fault::Status(status)) => status_response(status),
        Some(Fault::RateLimited(after)) => {
            retry_after_response(StatusCode::TOO_MANY_REQUESTS, after)
        }
        Some(Fault::Unavailable(after)) => {
            retry_after_response(StatusCode::SERVICE_UNAVAILABLE, after)
        }
        Some(Fault::Latency(delay)) => {
            tokio::time::sleep(delay).await;
            handle(&shared, req, next, token_endpoint, live.drift).await
        }
        Some(Fault::ExpireToken) => {
            lock(&shared.tokens).expire_all();
            handle(&shared, req, next, token_endpoint, live.drift).await
        }
        Some(Fault::RevokeToken) => {
            lock(&shared.tokens).revoke_all();
            handle(&shared, req, next, token_endpoint, live.drift).await
        }
        Some(Fault::Drift(extra)) => {
            handle(&shared, req, next, token_endpoint, live.drift.union(extra)).await
        }
        Some(Fault::MalformedJson) => {
            truncate(handle(&shared, req, next, token_endpoint, live.drift).await).await
        }
    };
    let status = resp.status().as_u16();
    lock(&shared.log).set_status(sequence, status);
    // Never headers or bodies: they carry tokens and secrets.
    tracing::debug!(%method, %path, status, elapsed_ms = started.elapsed().as_millis() as u64, "st-mock");
    resp
}

async fn handle(
    shared: &Shared,
    req: Request,
    next: Next,
    token_endpoint: bool,
    drift: Drift,
) -> Response {
    if !token_endpoint && let Err(problem) = authorize(shared, &req) {
        return problem.into_response();
    }
    let resp = next.run(req).await;
    if token_endpoint || drift.is_empty() || !resp.status().is_success() || !is_json(&resp) {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    drift::apply(drift, &mut value);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(value.to_string()))
}

fn is_json(resp: &Response) -> bool {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"))
}

fn unauthorized(error: &str, description: &str) -> Problem {
    let challenge = if error.is_empty() {
        "Bearer".to_string()
    } else {
        format!("Bearer error=\"{error}\", error_description=\"{description}\"")
    };
    let mut p = Problem::new(StatusCode::UNAUTHORIZED, "Unauthorized")
        .with_header(header::WWW_AUTHENTICATE, challenge);
    p.errors
        .insert("token".into(), vec![description.to_string()]);
    p
}

/// Like ServiceTitan: no or a bad token → 401; then a missing or wrong `ST-App-Key`,
/// or a tenant the credentials are not connected to → 403. `Authorization` may be
/// `Bearer <token>` or the bare token.
fn authorize(shared: &Shared, req: &Request) -> Result<(), Problem> {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_string());
    let token = match presented.as_deref() {
        None | Some("") => return Err(unauthorized("", "No access token was presented.")),
        Some(v) => match v.split_once(' ') {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => {
                rest.trim().to_string()
            }
            Some(_) => {
                return Err(unauthorized(
                    "invalid_token",
                    "The authorization scheme is not supported.",
                ));
            }
            None => v.to_string(),
        },
    };
    let tokens = lock(&shared.tokens);
    let info = tokens.check(&token).map_err(|failure| match failure {
        TokenFailure::Unknown => unauthorized("invalid_token", "The access token is invalid."),
        TokenFailure::Expired => unauthorized("invalid_token", "The access token expired."),
        TokenFailure::Revoked => {
            unauthorized("invalid_token", "The access token has been revoked.")
        }
    })?;
    if info.client_id != shared.config.client_id {
        return Err(unauthorized(
            "invalid_token",
            "The access token was issued to another client.",
        ));
    }
    let tenant_of_token = info.tenant;
    drop(tokens);

    let forbidden = |title: &str| Problem::new(StatusCode::FORBIDDEN, title);
    match req.headers().get("st-app-key") {
        None => return Err(forbidden("The ST-App-Key header is missing.")),
        Some(key) if key.as_bytes() != shared.config.app_key.as_bytes() => {
            return Err(forbidden("The application key is not valid."));
        }
        Some(_) => {}
    }
    // /<module>/v2/tenant/{tenant}/…
    let segments: Vec<&str> = req.uri().path().split('/').collect();
    if segments.len() > 4 && segments[3] == "tenant" {
        match segments[4].parse::<i64>() {
            Ok(t) if t == tenant_of_token => {}
            Ok(t) => {
                return Err(
                    forbidden("The application is not connected to this tenant.")
                        .with_data("tenant", t),
                );
            }
            Err(_) => {
                return Err(Problem::field(
                    "tenant",
                    format!("The value '{}' is not valid.", segments[4]),
                ));
            }
        }
    }
    Ok(())
}

/// An error status without running the handler. 502 and 504 come from the gateway
/// in front of the API, as HTML; the rest as problem details.
fn status_response(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if matches!(status.as_u16(), 502 | 504) {
        let reason = status.canonical_reason().unwrap_or("Error");
        let html = format!(
            "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n<center><h1>{code} {reason}</h1></center>\r\n</body>\r\n</html>\r\n",
            code = status.as_u16()
        );
        let mut resp = (status, html).into_response();
        resp.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
        return resp;
    }
    Problem::new(status, status.canonical_reason().unwrap_or("Error")).into_response()
}

fn retry_after_response(status: StatusCode, after: RetryAfter) -> Response {
    let title = if status == StatusCode::TOO_MANY_REQUESTS {
        "Too Many Requests"
    } else {
        "Service Unavailable"
    };
    let mut problem = Problem::new(status, title);
    if let Some(value) = after.header_value() {
        problem = problem.with_header(header::RETRY_AFTER, value);
    }
    problem.into_response()
}

/// Keeps the status, cuts the body in half, and labels it JSON.
async fn truncate(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let cut = if bytes.len() > 1 {
        bytes.slice(..bytes.len() / 2)
    } else {
        bytes::Bytes::from_static(b"{\"data\":[")
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    Response::from_parts(parts, Body::from(cut))
}
