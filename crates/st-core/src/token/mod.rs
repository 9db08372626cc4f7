//! Access tokens: what they are, where they come from ([`TokenSource`]) and the default source,
//! [`TokenCache`], which gets them with the OAuth2 client-credentials grant.

mod cache;
mod oauth;

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;
use reqwest::header::HeaderValue;

use crate::credentials::Secret;
use crate::error::AuthError;

pub use cache::TokenCache;

/// An OAuth2 access token and its type. `Debug` never shows the token.
///
/// ```
/// let token = st_core::AccessToken::new("abc").with_token_type("Bearer");
/// assert_eq!(format!("{token:?}").contains("abc"), false);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    secret: Secret,
    token_type: Option<String>,
    expires_in: Option<Duration>,
}

impl AccessToken {
    /// A token without a type: sent as `Authorization: <token>`.
    pub fn new(token: impl Into<Secret>) -> Self {
        Self {
            secret: token.into(),
            token_type: None,
            expires_in: None,
        }
    }

    /// A bearer token: sent as `Authorization: Bearer <token>`.
    pub fn bearer(token: impl Into<Secret>) -> Self {
        Self::new(token).with_token_type("Bearer")
    }

    /// The same token with a type (`token_type` of the token response); an empty type means
    /// none.
    pub fn with_token_type(mut self, token_type: impl Into<String>) -> Self {
        let token_type = token_type.into();
        self.token_type = (!token_type.trim().is_empty()).then(|| token_type.trim().to_owned());
        self
    }

    /// The same token with the lifetime the issuer announced.
    pub fn with_expires_in(mut self, expires_in: Duration) -> Self {
        self.expires_in = Some(expires_in);
        self
    }

    /// The token itself.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The token type, e.g. `Bearer`.
    pub fn token_type(&self) -> Option<&str> {
        self.token_type.as_deref()
    }

    /// The lifetime the issuer announced (`expires_in`).
    pub fn expires_in(&self) -> Option<Duration> {
        self.expires_in
    }

    /// The `Authorization` header value, `<token_type> <token>` or the bare token, marked
    /// sensitive so that `http` never prints it.
    pub fn authorization(&self) -> Result<HeaderValue, AuthError> {
        let text = match &self.token_type {
            Some(kind) => format!("{kind} {}", self.secret.expose()),
            None => self.secret.expose().to_owned(),
        };
        let mut value = HeaderValue::from_str(&text).map_err(|_| AuthError::MalformedResponse {
            message: "the access token or its type contains characters not allowed in a header"
                .into(),
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token_type", &self.token_type)
            .field("secret", &self.secret)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// Where a [`crate::Core`] gets access tokens. The default is a [`TokenCache`] over the app's
/// client credentials; supply your own to share tokens between processes or in tests.
///
/// `token` is called before every request, so it should answer from a cache; `invalidate` is
/// called when ServiceTitan answered `401` to a request that carried `rejected`.
///
/// ```
/// use futures::future::BoxFuture;
/// use st_core::{AccessToken, AuthError, TokenSource};
///
/// #[derive(Debug)]
/// struct Fixed(AccessToken);
///
/// impl TokenSource for Fixed {
///     fn token(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
///         Box::pin(async move { Ok(self.0.clone()) })
///     }
/// }
/// ```
pub trait TokenSource: fmt::Debug + Send + Sync + 'static {
    /// A token that is valid now.
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>>;

    /// Forget `rejected` (and only it: another request may already have replaced it), so that
    /// the next [`TokenSource::token`] call gets a new one. The default does nothing.
    fn invalidate(&self, rejected: &AccessToken) {
        let _ = rejected;
    }
}

/// When [`TokenCache`] fetches tokens.
///
/// A token is refreshed `refresh_before` ahead of its expiry, less a random part of `jitter` (so
/// that many processes started together do not refresh together), but never before half its
/// lifetime. While a token is in that window one caller refreshes and the others keep using it;
/// once it has expired every caller waits for the one fetch. A fetch that has not finished after
/// `load_timeout` fails with [`AuthError::Timeout`].
///
/// ```
/// use std::time::Duration;
/// let policy = st_core::TokenPolicy::default().with_refresh_before(Duration::from_secs(120));
/// # let _ = policy;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenPolicy {
    pub(crate) refresh_before: Duration,
    pub(crate) jitter: Duration,
    pub(crate) load_timeout: Duration,
}

impl Default for TokenPolicy {
    /// Refresh 60 s (+ up to 30 s jitter) before expiry; give a fetch 30 s.
    fn default() -> Self {
        Self {
            refresh_before: Duration::from_secs(60),
            jitter: Duration::from_secs(30),
            load_timeout: Duration::from_secs(30),
        }
    }
}

impl TokenPolicy {
    /// How long before expiry to refresh.
    pub fn with_refresh_before(mut self, before: Duration) -> Self {
        self.refresh_before = before;
        self
    }

    /// The largest random extra advance added to `refresh_before`.
    pub fn with_jitter(mut self, jitter: Duration) -> Self {
        self.jitter = jitter;
        self
    }

    /// How long one token fetch may take.
    pub fn with_load_timeout(mut self, timeout: Duration) -> Self {
        self.load_timeout = timeout;
        self
    }
}
