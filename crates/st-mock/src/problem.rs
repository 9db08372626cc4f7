//! RFC 7807 error bodies in ServiceTitan's `ApiErrorResponse` shape:
//! `{type, title, status, traceId, errors: {field: [messages]}, data: {}}`,
//! served as `application/problem+json`.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

pub(crate) const PROBLEM_JSON: &str = "application/problem+json";

/// An error answer. Handlers return `Result<_, Problem>`.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub status: StatusCode,
    pub title: String,
    pub errors: BTreeMap<String, Vec<String>>,
    pub data: Map<String, Value>,
    pub headers: Vec<(header::HeaderName, String)>,
}

impl Problem {
    pub(crate) fn new(status: StatusCode, title: impl Into<String>) -> Self {
        Problem {
            status,
            title: title.into(),
            errors: BTreeMap::new(),
            data: Map::new(),
            headers: Vec::new(),
        }
    }

    /// ASP.NET's standard validation failure.
    pub(crate) fn validation(errors: BTreeMap<String, Vec<String>>) -> Self {
        Problem {
            errors,
            ..Problem::new(
                StatusCode::BAD_REQUEST,
                "One or more validation errors occurred.",
            )
        }
    }

    pub(crate) fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = BTreeMap::new();
        errors.insert(field.to_string(), vec![message.into()]);
        Problem::validation(errors)
    }

    pub(crate) fn not_found(title: impl Into<String>) -> Self {
        Problem::new(StatusCode::NOT_FOUND, title)
    }

    pub(crate) fn with_data(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.data.insert(key.into(), value.into());
        self
    }

    pub(crate) fn with_header(
        mut self,
        name: header::HeaderName,
        value: impl Into<String>,
    ) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub(crate) fn body(&self) -> Value {
        json!({
            "type": type_uri(self.status),
            "title": self.title,
            "status": self.status.as_u16(),
            "traceId": trace_id(),
            "errors": self.errors,
            "data": self.data,
        })
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut resp = (self.status, self.body().to_string()).into_response();
        let headers = resp.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.insert(name, v);
            }
        }
        resp
    }
}

/// The `type` URIs ASP.NET Core puts in problem details.
fn type_uri(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "https://tools.ietf.org/html/rfc7231#section-6.5.1",
        401 => "https://tools.ietf.org/html/rfc7235#section-3.1",
        403 => "https://tools.ietf.org/html/rfc7231#section-6.5.3",
        404 => "https://tools.ietf.org/html/rfc7231#section-6.5.4",
        405 => "https://tools.ietf.org/html/rfc7231#section-6.5.5",
        409 => "https://tools.ietf.org/html/rfc7231#section-6.5.8",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        502 => "https://tools.ietf.org/html/rfc7231#section-6.6.3",
        503 => "https://tools.ietf.org/html/rfc7231#section-6.6.4",
        504 => "https://tools.ietf.org/html/rfc7231#section-6.6.5",
        _ => "https://tools.ietf.org/html/rfc7231#section-6.6.1",
    }
}

/// A W3C trace context id, the form ServiceTitan's `traceId` takes.
pub(crate) fn trace_id() -> String {
    let (a, b): (u128, u64) = (rand::random(), rand::random());
    format!("00-{a:032x}-{b:016x}-00")
}
