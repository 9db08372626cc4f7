//! `ApiError`: ServiceTitan's error body (`ApiErrorResponse` in the specs), read leniently.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// ServiceTitan's error body (an RFC 7807-style problem document):
/// `{"type", "title", "status", "traceId", "errors": {field: [messages]}, "data"}`.
///
/// Every field is optional and decoding never fails on shape: a missing field is `None`, a field
/// of an unexpected type is `None` (or, for `errors`, converted as well as possible), and a body
/// that is not a JSON object gives an `ApiError` with every field `None`.
///
/// ```
/// let body = br#"{"type":"https://tools.ietf.org/html/rfc7231#section-6.5.1",
///                 "title":"One or more validation errors occurred.","status":400,
///                 "traceId":"00-abc-01","errors":{"Name":["The Name field is required."]}}"#;
/// let error = st_core::ApiError::from_body(body);
/// assert_eq!(error.status, Some(400));
/// assert_eq!(error.errors.unwrap()["Name"], ["The Name field is required."]);
///
/// assert_eq!(st_core::ApiError::from_body(b"<html>502</html>"), st_core::ApiError::default());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    /// A URI naming the kind of problem.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// A short, human-readable summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The HTTP status the server meant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// The server's trace id; quote it to ServiceTitan support.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// Validation messages by field name. Messages that were not strings are kept as JSON text;
    /// an `errors` array lands under the key `""`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
    /// Extra data some endpoints attach.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

impl ApiError {
    /// Reads an error body leniently; anything that is not a JSON object gives
    /// `ApiError::default()`.
    pub fn from_body(body: &[u8]) -> Self {
        serde_json::from_slice::<Value>(body)
            .map(Self::from_value)
            .unwrap_or_default()
    }

    /// Reads an already parsed JSON value leniently.
    pub fn from_value(value: Value) -> Self {
        let Value::Object(mut map) = value else {
            return Self::default();
        };
        let mut take = |key: &str| map.remove(key).filter(|v| !v.is_null());
        Self {
            type_: take("type").and_then(string),
            title: take("title").and_then(string),
            status: take("status").and_then(|v| match v {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            }),
            trace_id: take("traceId").and_then(string),
            errors: take("errors").and_then(errors),
            data: take("data"),
        }
    }

    /// Writes the part of the error that is safe to show in `Display`: the title (clipped), the
    /// names of the fields with errors, and the trace id. Never the messages or `data`, which can
    /// quote submitted values.
    pub(crate) fn write_summary(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(title) = self.title.as_deref().filter(|t| !t.trim().is_empty()) {
            write!(f, ": {}", super::clip(title.trim(), 200))?;
        }
        let fields: Vec<&str> = self
            .errors
            .iter()
            .flat_map(|e| e.keys())
            .filter(|k| !k.is_empty())
            .map(String::as_str)
            .take(10)
            .collect();
        let mut notes = Vec::new();
        if !fields.is_empty() {
            notes.push(format!(
                "invalid fields: {}",
                super::clip(&fields.join(", "), 200)
            ));
        }
        if let Some(trace) = &self.trace_id {
            notes.push(format!("traceId {}", super::clip(trace, 100)));
        }
        if !notes.is_empty() {
            write!(f, " ({})", notes.join("; "))?;
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for ApiError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Value::deserialize(deserializer).map(Self::from_value)
    }
}

fn string(value: Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn message(value: Value) -> String {
    match value {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

fn messages(value: Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.into_iter().map(message).collect(),
        Value::Null => Vec::new(),
        other => vec![message(other)],
    }
}

fn errors(value: Value) -> Option<BTreeMap<String, Vec<String>>> {
    match value {
        Value::Object(fields) => Some(
            fields
                .into_iter()
                .map(|(field, v)| (field, messages(v)))
                .collect(),
        ),
        Value::Array(_) | Value::String(_) => {
            Some(BTreeMap::from([(String::new(), messages(value))]))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerates_missing_fields_and_odd_shapes() {
        let e: ApiError = serde_json::from_str(
            r#"{"title":5,"status":"404","errors":{"a":"one","b":[1,"two"]},"extra":true}"#,
        )
        .unwrap();
        assert_eq!(e.title.as_deref(), Some("5"));
        assert_eq!(e.status, Some(404));
        let errors = e.errors.unwrap();
        assert_eq!(errors["a"], ["one"]);
        assert_eq!(errors["b"], ["1", "two"]);

        let e: ApiError = serde_json::from_str(r#"{"errors":["bad"]}"#).unwrap();
        assert_eq!(e.errors.unwrap()[""], ["bad"]);
        let e: ApiError = serde_json::from_str(r#""just a string""#).unwrap();
        assert_eq!(e, ApiError::default());
        assert_eq!(ApiError::from_body(b""), ApiError::default());
    }

    #[test]
    fn round_trips_through_json_with_wire_names() {
        let e = ApiError {
            type_: Some("t".into()),
            trace_id: Some("x".into()),
            data: Some(serde_json::json!({"k": 1})),
            ..ApiError::default()
        };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "t", "traceId": "x", "data": {"k": 1}})
        );
        assert_eq!(serde_json::from_value::<ApiError>(json).unwrap(), e);
    }
}
