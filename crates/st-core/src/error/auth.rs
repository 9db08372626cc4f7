//! `AuthError`: why no access token could be had.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

/// Why no access token could be obtained. Never contains the client secret (messages taken from
/// the token endpoint are scrubbed of it) nor a token.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthError {
    /// The token endpoint refused the request with an OAuth2 error (e.g. `invalid_client`: wrong
    /// client id or secret, or the app is not connected to this tenant).
    Rejected {
        /// The HTTP status (usually 400 or 401).
        status: StatusCode,
        /// The OAuth2 `error` code.
        error: String,
        /// The OAuth2 `error_description`, if any (clipped).
        description: Option<String>,
    },
    /// The token endpoint answered with a status and no OAuth2 error body (e.g. a 5xx or a
    /// proxy's error page).
    Status {
        /// The HTTP status.
        status: StatusCode,
    },
    /// The token endpoint did not answer within the load timeout.
    Timeout {
        /// The timeout that elapsed.
        after: Duration,
    },
    /// The token endpoint could not be reached (DNS, connect, TLS, reset).
    Transport {
        /// What failed.
        message: String,
    },
    /// The token endpoint answered 200 with something that is not a token response.
    MalformedResponse {
        /// What is wrong with it (path and kind, never the body).
        message: String,
    },
    /// A caller-supplied [`crate::TokenSource`] failed.
    Source {
        /// Its message.
        message: String,
    },
}

impl AuthError {
    /// The HTTP status of the token endpoint's answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Rejected { status, .. } | Self::Status { status } => Some(*status),
            _ => None,
        }
    }

    /// Whether asking again later may work (5xx, timeouts, transport failures).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Status { status } => status.is_server_error() || *status == 429,
            Self::Timeout { .. } | Self::Transport { .. } => true,
            _ => false,
        }
    }

    /// An error for a custom [`crate::TokenSource`]. The message must not contain secrets.
    pub fn source_failed(message: impl Into<String>) -> Self {
        Self::Source {
            message: message.into(),
        }
    }

    /// This error as the `String` progenitor's `Error::Custom` carries out of the `pre` hook:
    /// the readable message followed by a marker and a JSON form that [`AuthError::from_marked`]
    /// reads back.
    pub(crate) fn to_marked(&self) -> String {
        let wire = Wire::from(self);
        let json = serde_json::to_string(&wire).unwrap_or_else(|_| "{}".into());
        format!("authentication failed: {self} {AUTH_MARKER}{json}")
    }

    /// Reads back what [`AuthError::to_marked`] wrote.
    pub(crate) fn from_marked(text: &str) -> Option<Self> {
        // Server text inside the message could itself contain the marker; the real one is the
        // occurrence followed by nothing but the JSON.
        text.match_indices(AUTH_MARKER)
            .find_map(|(at, _)| serde_json::from_str::<Wire>(&text[at + AUTH_MARKER.len()..]).ok())
            .map(Self::from)
    }

    /// Removes every occurrence of `secret` from server-provided text.
    pub(crate) fn scrub(mut self, secret: &str) -> Self {
        if secret.is_empty() {
            return self;
        }
        let fix = |s: &mut String| {
            if s.contains(secret) {
                *s = s.replace(secret, "** redacted **");
            }
        };
        match &mut self {
            Self::Rejected {
                error, description, ..
            } => {
                fix(error);
                if let Some(d) = description {
                    fix(d);
                }
            }
            Self::Transport { message }
            | Self::MalformedResponse { message }
            | Self::Source { message } => fix(message),
            Self::Status { .. } | Self::Timeout { .. } => {}
        }
        self
    }
}

/// Marks an [`AuthError`] inside progenitor's `Error::Custom(String)`.
pub(crate) const AUTH_MARKER: &str = "#st-core:auth#";

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rejected {
                status,
                error,
                description,
            } => {
                write!(
                    f,
                    "the token endpoint rejected the request ({status}, {error})"
                )?;
                if let Some(d) = description {
                    write!(f, ": {d}")?;
                }
                Ok(())
            }
            Self::Status { status } => write!(f, "the token endpoint answered {status}"),
            Self::Timeout { after } => {
                write!(f, "the token endpoint did not answer within {after:?}")
            }
            Self::Transport { message } => {
                write!(f, "could not reach the token endpoint: {message}")
            }
            Self::MalformedResponse { message } => {
                write!(
                    f,
                    "the token endpoint's answer is not a token response: {message}"
                )
            }
            Self::Source { message } => write!(f, "the token source failed: {message}"),
        }
    }
}

impl std::error::Error for AuthError {}

/// The serialised form inside the marker; `StatusCode` and `Duration` as plain numbers.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Wire {
    Rejected {
        status: u16,
        error: String,
        description: Option<String>,
    },
    Status {
        status: u16,
    },
    Timeout {
        after_ms: u64,
    },
    Transport {
        message: String,
    },
    MalformedResponse {
        message: String,
    },
    Source {
        message: String,
    },
}

impl From<&AuthError> for Wire {
    fn from(e: &AuthError) -> Self {
        match e.clone() {
            AuthError::Rejected {
                status,
                error,
                description,
            } => Self::Rejected {
                status: status.as_u16(),
                error,
                description,
            },
            AuthError::Status { status } => Self::Status {
                status: status.as_u16(),
            },
            AuthError::Timeout { after } => Self::Timeout {
                after_ms: u64::try_from(after.as_millis()).unwrap_or(u64::MAX),
            },
            AuthError::Transport { message } => Self::Transport { message },
            AuthError::MalformedResponse { message } => Self::MalformedResponse { message },
            AuthError::Source { message } => Self::Source { message },
        }
    }
}

impl From<Wire> for AuthError {
    fn from(w: Wire) -> Self {
        let status = |s: u16| StatusCode::from_u16(s).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match w {
            Wire::Rejected {
                status: s,
                error,
                description,
            } => Self::Rejected {
                status: status(s),
                error,
                description,
            },
            Wire::Status { status: s } => Self::Status { status: status(s) },
            Wire::Timeout { after_ms } => Self::Timeout {
                after: Duration::from_millis(after_ms),
            },
            Wire::Transport { message } => Self::Transport { message },
            Wire::MalformedResponse { message } => Self::MalformedResponse { message },
            Wire::Source { message } => Self::Source { message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survives_the_trip_through_a_custom_string() {
        for e in [
            AuthError::Rejected {
                status: StatusCode::UNAUTHORIZED,
                error: "invalid_client".into(),
                description: Some("bad \"client\" #st-core:auth# text".into()),
            },
            AuthError::Status {
                status: StatusCode::BAD_GATEWAY,
            },
            AuthError::Timeout {
                after: Duration::from_millis(1500),
            },
            AuthError::source_failed("vault sealed"),
        ] {
            let marked = e.to_marked();
            assert!(marked.starts_with("authentication failed: "), "{marked}");
            assert_eq!(AuthError::from_marked(&marked), Some(e));
        }
        assert_eq!(AuthError::from_marked("some other hook error"), None);
    }

    #[test]
    fn scrubs_the_secret_from_server_text() {
        let e = AuthError::Rejected {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_client".into(),
            description: Some("secret s3cr3t does not match".into()),
        }
        .scrub("s3cr3t");
        assert!(!e.to_string().contains("s3cr3t"));
    }
}
