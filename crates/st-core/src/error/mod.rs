//! The one error type users match on, and its parts.
//!
//! Rule for every `Display` here: it may name statuses, operation ids, field names and what went
//! wrong, but never prints a response body, a value taken from one, a header value or a secret.
//! Error messages end up in logs that more people can read than the data.

mod api;
mod auth;
mod decode;
mod progenitor;

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

pub use api::ApiError;
pub use auth::AuthError;
pub use decode::DecodeError;
pub use progenitor::ErrorBody;

pub(crate) use decode::sanitize_serde_message;

/// Every failure a ServiceTitan call can end in.
///
/// Generated operations return `progenitor_client::Error<_>`; convert with `?` or `.into()`:
///
/// ```no_run
/// # async fn demo(result: Result<(), progenitor_client::Error<st_core::ApiError>>) {
/// match result.map_err(st_core::Error::from) {
///     Ok(()) => {}
///     Err(st_core::Error::Api { status, error, .. }) if status == 404 => {
///         eprintln!("not found (traceId {:?})", error.trace_id);
///     }
///     Err(st_core::Error::RateLimited { retry_after, .. }) => {
///         eprintln!("slow down, retry after {retry_after:?}");
///     }
///     Err(other) => eprintln!("{other}"),
/// }
/// # }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Missing or malformed configuration (an environment variable, a URL, a builder input).
    Config(ConfigError),
    /// No access token could be obtained.
    Auth(AuthError),
    /// ServiceTitan answered with an error status (after any retries the policy allows).
    #[non_exhaustive]
    Api {
        /// The HTTP status.
        status: StatusCode,
        /// The parsed error body; all fields are `None` when the body was not ServiceTitan's
        /// error JSON (a proxy's HTML page, an empty body).
        error: Box<ApiError>,
        /// The operation that failed, when known.
        operation_id: Option<&'static str>,
    },
    /// Still answered `429 Too Many Requests` after the retries the policy allows.
    #[non_exhaustive]
    RateLimited {
        /// The server's last `Retry-After`, if it sent one.
        retry_after: Option<Duration>,
        /// The parsed error body, if any.
        error: Box<ApiError>,
        /// The operation that failed, when known.
        operation_id: Option<&'static str>,
    },
    /// The request timed out (connect or whole-request timeout).
    Timeout,
    /// The request could not be sent or the response not received (DNS, connect, reset, TLS).
    Transport(reqwest::Error),
    /// A response body did not have the expected shape.
    Decode(DecodeError),
    /// The request could not be built (for example a parameter that is not a valid header value).
    InvalidRequest(String),
    /// A success or redirect status that the operation does not declare.
    #[non_exhaustive]
    UnexpectedResponse {
        /// The HTTP status.
        status: StatusCode,
        /// The operation, when known.
        operation_id: Option<&'static str>,
    },
    /// Any other failure, e.g. from a custom hook. The text must not contain secrets or bodies.
    Other(String),
}

impl Error {
    /// An [`Error::Api`] or, for `429`, an [`Error::RateLimited`] for a response with this status
    /// and headers.
    pub fn from_status(
        status: StatusCode,
        headers: &HeaderMap,
        error: ApiError,
        operation_id: Option<&'static str>,
    ) -> Self {
        let error = Box::new(error);
        if status == StatusCode::TOO_MANY_REQUESTS {
            Self::RateLimited {
                retry_after: crate::retry::parse_retry_after(headers, std::time::SystemTime::now()),
                error,
                operation_id,
            }
        } else {
            Self::Api {
                status,
                error,
                operation_id,
            }
        }
    }

    /// A decode error for a JSON `body` that `err` rejected: the message names the JSON path
    /// where the error happened, without the body or any value from it.
    pub fn decode_json(body: &[u8], err: &serde_json::Error) -> Self {
        Self::Decode(DecodeError::from_json(body, err))
    }

    /// The HTTP status, for errors that come from a response (for [`Error::Auth`], the token
    /// endpoint's).
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. } | Self::UnexpectedResponse { status, .. } => Some(*status),
            Self::RateLimited { .. } => Some(StatusCode::TOO_MANY_REQUESTS),
            Self::Auth(auth) => auth.status(),
            _ => None,
        }
    }

    /// The parsed ServiceTitan error body, for [`Error::Api`] and [`Error::RateLimited`].
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api { error, .. } | Self::RateLimited { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether trying again later may succeed (rate limits, timeouts, transport failures, 5xx).
    /// The transport policy has already retried what it safely could.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::RateLimited { .. } | Self::Timeout | Self::Transport(_) => true,
            Self::Api { status, .. } => status.is_server_error(),
            Self::Auth(auth) => auth.is_transient(),
            _ => false,
        }
    }

    pub(crate) fn from_reqwest(err: reqwest::Error) -> Self {
        // The URL may carry query parameters with customer data; statuses and messages are enough.
        let err = err.without_url();
        if err.is_timeout() {
            Self::Timeout
        } else if err.is_builder() {
            Self::InvalidRequest(err.to_string())
        } else {
            Self::Transport(err)
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config(e) => write!(f, "configuration error: {e}"),
            Self::Auth(e) => write!(f, "authentication failed: {e}"),
            Self::Api {
                status,
                error,
                operation_id,
            } => {
                write!(f, "ServiceTitan API error {status}")?;
                write_operation(f, *operation_id)?;
                error.write_summary(f)
            }
            Self::RateLimited {
                retry_after,
                error,
                operation_id,
            } => {
                write!(f, "rate limited by ServiceTitan (429 Too Many Requests)")?;
                write_operation(f, *operation_id)?;
                if let Some(after) = retry_after {
                    write!(f, "; retry after {}s", after.as_secs_f64().ceil())?;
                }
                error.write_summary(f)
            }
            Self::Timeout => f.write_str("request timed out"),
            Self::Transport(e) => write!(f, "transport error: {e}"),
            Self::Decode(e) => e.fmt(f),
            Self::InvalidRequest(m) => write!(f, "invalid request: {m}"),
            Self::UnexpectedResponse {
                status,
                operation_id,
            } => {
                write!(f, "unexpected response status {status}")?;
                write_operation(f, *operation_id)
            }
            Self::Other(m) => f.write_str(m),
        }
    }
}

fn write_operation(f: &mut fmt::Formatter<'_>, operation_id: Option<&str>) -> fmt::Result {
    match operation_id {
        Some(op) => write!(f, " from {op}"),
        None => Ok(()),
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Config(e) => Some(e),
            Self::Auth(e) => Some(e),
            Self::Transport(e) => Some(e),
            Self::Decode(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Self::Config(e)
    }
}

impl From<AuthError> for Error {
    fn from(e: AuthError) -> Self {
        Self::Auth(e)
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Self::Decode(e)
    }
}

/// Missing or malformed configuration. The message names the setting (an environment variable
/// such as `ST_TENANT_ID`, or a builder input such as `app key`) and never echoes a secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required setting is absent.
    #[error("{name} is not set")]
    Missing {
        /// The setting.
        name: &'static str,
    },
    /// A setting has a value that cannot be used.
    #[error("{name} {reason}")]
    Invalid {
        /// The setting.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

impl ConfigError {
    pub(crate) fn missing(name: &'static str) -> Self {
        Self::Missing { name }
    }

    pub(crate) fn invalid(name: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            name,
            reason: reason.into(),
        }
    }

    /// The setting this error is about.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Missing { name } | Self::Invalid { name, .. } => name,
        }
    }

    /// The same error about another name (a builder input reported as its environment variable).
    pub(crate) fn renamed(self, new: &'static str) -> Self {
        match self {
            Self::Missing { .. } => Self::Missing { name: new },
            Self::Invalid { reason, .. } => Self::Invalid { name: new, reason },
        }
    }
}

/// Strips a trailing ` at line L column C` (serde_json adds it) so the position can be shown
/// once, in our own words.
pub(crate) fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => &message[..i],
        _ => message,
    }
}

/// Truncates server-written text (a title, an OAuth error description) for display and drops
/// control characters, so one odd response cannot flood or forge log lines.
pub(crate) fn clip(text: &str, max_chars: usize) -> String {
    let mut out: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(max_chars)
        .collect();
    if text.chars().filter(|c| !c.is_control()).count() > max_chars {
        out.push('…');
    }
    out
}
