//! The request log: what the simulator saw, for tests to assert on.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;
use std::time::SystemTime;

use bytes::Bytes;

/// Headers whose values never appear in `Debug` output.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "st-app-key",
    "cookie",
    "proxy-authorization",
];

/// One request as the simulator received it.
///
/// Headers are kept raw (tests assert the exact `Authorization` and `ST-App-Key`
/// formats), but `Debug` redacts secret header values and token request bodies, and
/// the simulator never logs either.
#[derive(Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// 1 for the first request the server saw, then 2, 3, …
    pub sequence: u64,
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, without the query string.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    /// Header names (lower case) and values, in the order received.
    pub headers: Vec<(String, String)>,
    /// The request body.
    pub body: Bytes,
    /// The response status; `None` while in flight or when the connection was reset.
    pub status: Option<u16>,
    /// When the request arrived.
    pub received_at: SystemTime,
}

impl RecordedRequest {
    /// The first value of a header (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// All values of a header.
    pub fn header_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of a query parameter, percent-decoded (name case-sensitive).
    pub fn query_param(&self, name: &str) -> Option<String> {
        let q = self.query.as_deref()?;
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The first value of a field of an `application/x-www-form-urlencoded` body.
    pub fn form_param(&self, name: &str) -> Option<String> {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&self.body)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The body as text (lossy UTF-8).
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// Whether this was a request to the token endpoint.
    pub fn is_token_request(&self) -> bool {
        self.path == crate::TOKEN_PATH
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| {
                let secret = SECRET_HEADERS.iter().any(|s| n.eq_ignore_ascii_case(s));
                (
                    n.as_str(),
                    if secret { "** redacted **" } else { v.as_str() },
                )
            })
            .collect();
        let body: Cow<'_, str> = if self.is_token_request() {
            Cow::Borrowed("** redacted **")
        } else {
            self.body_text()
        };
        f.debug_struct("RecordedRequest")
            .field("sequence", &self.sequence)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body", &body)
            .field("status", &self.status)
            .finish()
    }
}

/// A bounded log: the oldest entries go first.
#[derive(Debug)]
pub(crate) struct RequestLog {
    entries: VecDeque<RecordedRequest>,
    capacity: usize,
    next: u64,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> Self {
        RequestLog {
            entries: VecDeque::new(),
            capacity,
            next: 1,
        }
    }

    /// Appends a request; returns its sequence number.
    pub(crate) fn push(&mut self, mut r: RecordedRequest) -> u64 {
        r.sequence = self.next;
        self.next += 1;
        if self.capacity > 0 {
            if self.entries.len() >= self.capacity {
                self.entries.pop_front();
            }
            self.entries.push_back(r);
        }
        self.next - 1
    }

    pub(crate) fn set_status(&mut self, sequence: u64, status: u16) {
        if let Some(r) = self
            .entries
            .iter_mut()
            .rev()
            .find(|r| r.sequence == sequence)
        {
            r.status = Some(status);
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        self.entries.iter().cloned().collect()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}

pub(crate) fn new_record(
    method: &str,
    path: &str,
    query: Option<&str>,
    headers: &axum::http::HeaderMap,
    body: Bytes,
) -> RecordedRequest {
    RecordedRequest {
        sequence: 0,
        method: method.to_string(),
        path: path.to_string(),
        query: query.map(str::to_string),
        headers: headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
        status: None,
        received_at: SystemTime::now(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secrets() {
        let mut h = axum::http::HeaderMap::new();
        h.insert("authorization", "Bearer sekrit".parse().unwrap());
        h.insert("st-app-key", "ak1.sekrit".parse().unwrap());
        h.insert("accept", "application/json".parse().unwrap());
        let r = new_record(
            "GET",
            "/crm/v2/tenant/1/customers",
            Some("page=2"),
            &h,
            Bytes::new(),
        );
        let dbg = format!("{r:?}");
        assert!(!dbg.contains("sekrit"), "{dbg}");
        assert!(dbg.contains("application/json"));
        assert_eq!(r.header("Authorization"), Some("Bearer sekrit"));
        assert_eq!(r.query_param("page").as_deref(), Some("2"));
        let t = new_record(
            "POST",
            "/connect/token",
            None,
            &h,
            Bytes::from_static(b"client_secret=sekrit"),
        );
        assert!(!format!("{t:?}").contains("sekrit"));
        assert_eq!(t.form_param("client_secret").as_deref(), Some("sekrit"));
    }
}
