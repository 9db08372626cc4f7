//! `POST /connect/token`: OAuth 2.0 client credentials, as ServiceTitan's identity
//! server answers it.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::fault::lock;
use crate::state::Shared;

/// The scopes of every operation the simulator serves (from the specs' `security`).
pub(crate) const SCOPES: &[&str] = &[
    "tn.acc.invoices:r",
    "tn.acc.invoices:w",
    "tn.crm.customers:r",
    "tn.crm.customers:w",
    "tn.crm.locations:r",
    "tn.crm.locations:w",
    "tn.jpm.jobs:r",
    "tn.jpm.jobs:w",
    "tn.rpr.reportcategories:r",
    "tn.rpr.reports:r",
    "tn.stt.employees:r",
    "tn.stt.employees:w",
    "tn.stt.technicians:r",
    "tn.stt.technicians:w",
];

/// An RFC 6749 §5.2 error.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut resp = (
        status,
        json!({ "error": error, "error_description": description }).to_string(),
    )
        .into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    if status == StatusCode::UNAUTHORIZED {
        h.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"servicetitan\""),
        );
    }
    resp
}

pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let config = &shared.config;
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !form_type {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The request must be application/x-www-form-urlencoded",
        );
    }
    let Ok(form) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Malformed form body",
        );
    };
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    match field("grant_type") {
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is missing",
            );
        }
        Some("client_credentials") => {}
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "Only client_credentials is supported",
            );
        }
    }
    // RFC 6749 §2.3.1: credentials in an HTTP Basic header or in the body. A failed
    // Basic authentication is a 401; a failed body authentication a 400.
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Basic ")
                .or_else(|| v.strip_prefix("basic "))
        })
        .map(|b64| {
            decode_base64(b64.trim())
                .and_then(|raw| String::from_utf8(raw).ok())
                .and_then(|s| {
                    s.split_once(':')
                        .map(|(i, p)| (form_decode(i), form_decode(p)))
                })
        });
    let (client_id, secret, failed_status) = match basic {
        Some(Some((id, secret))) => (Some(id), Some(secret), StatusCode::UNAUTHORIZED),
        Some(None) => {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Malformed Basic credentials",
            );
        }
        None => (
            field("client_id").map(str::to_string),
            field("client_secret").map(str::to_string),
            StatusCode::BAD_REQUEST,
        ),
    };
    let Some(client_id) = client_id.filter(|c| !c.is_empty()) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_id is missing",
        );
    };
    if client_id != config.client_id {
        return oauth_error(failed_status, "invalid_client", "Unknown client");
    }
    if secret.as_deref() != Some(config.client_secret.as_str()) {
        return oauth_error(failed_status, "invalid_client", "Invalid client secret");
    }
    let scope = match field("scope").map(str::trim).filter(|s| !s.is_empty()) {
        None => SCOPES.join(" "),
        Some(requested) => {
            if let Some(bad) = requested.split_whitespace().find(|s| !SCOPES.contains(s)) {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    &format!("Scope {bad} is not allowed"),
                );
            }
            requested.split_whitespace().collect::<Vec<_>>().join(" ")
        }
    };
    let token = lock(&shared.tokens).issue(&client_id, config.tenant, config.token_lifetime);
    shared.tokens_issued.fetch_add(1, Ordering::Relaxed);
    let body = json!({
        "access_token": token,
        "expires_in": config.token_lifetime.as_secs(),
        "token_type": "Bearer",
        "scope": scope,
    });
    let mut resp = (StatusCode::OK, body.to_string()).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache, max-age=0"),
    );
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}

/// Basic credentials are form-urlencoded before base64 (RFC 6749 §2.3.1).
fn form_decode(s: &str) -> String {
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={s}"))
        .ok()
        .and_then(|v| v.into_iter().next())
        .map(|(_, v)| v)
        .unwrap_or_else(|| s.to_string())
}

/// Standard base64 with optional padding.
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_base64() {
        assert_eq!(decode_base64("dXNlcjpwYXNz").unwrap(), b"user:pass");
        assert_eq!(decode_base64("YQ==").unwrap(), b"a");
        assert!(decode_base64("!!").is_none());
    }
}
