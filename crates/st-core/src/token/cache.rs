//! `TokenCache`: one token per credentials, fetched once however many callers ask at once.

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use futures::future::BoxFuture;
use rand::Rng;
use reqwest::header::HeaderValue;
use tokio::time::Instant;
use tracing::Instrument;

use super::oauth::TokenFetcher;
use super::{AccessToken, TokenPolicy, TokenSource};
use crate::credentials::Credentials;
use crate::environment::Environment;
use crate::error::{AuthError, ConfigError};

/// How long a token without `expires_in` is trusted. ServiceTitan always sends `expires_in`
/// (900 s); this only matters for other issuers, and a `401` still replaces the token early.
const ASSUMED_LIFETIME: Duration = Duration::from_secs(300);

/// The default [`TokenSource`]: gets tokens from `<auth url>/connect/token` with the OAuth2
/// client-credentials grant and caches them.
///
/// - Single flight: however many callers find no valid token at the same moment, one request goes
///   to the token endpoint and the others wait for its answer, success or failure.
/// - Early refresh with jitter, bounded fetch time: see [`TokenPolicy`].
/// - [`TokenSource::invalidate`] drops the cached token only if it is the rejected one.
///
/// Expiry is tracked on Tokio's clock, so tests can move time with `tokio::time::advance`.
pub struct TokenCache {
    fetcher: TokenFetcher,
    policy: TokenPolicy,
    state: Mutex<State>,
    /// Held by the one caller fetching a token.
    loading: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    current: Option<Cached>,
    /// Bumped after every fetch, successful or not; a caller that waited for a fetch compares it
    /// to decide whether to use that fetch's outcome instead of starting another.
    fetches: u64,
    last_failure: Option<AuthError>,
}

#[derive(Clone)]
struct Cached {
    token: AccessToken,
    refresh_at: Instant,
    expires_at: Instant,
}

impl TokenCache {
    /// A cache fetching tokens for `credentials` from `environment`'s token endpoint over
    /// `http`.
    pub fn new(
        http: reqwest::Client,
        environment: &Environment,
        credentials: Credentials,
        policy: TokenPolicy,
    ) -> Result<Self, ConfigError> {
        Self::with_user_agent(
            http,
            environment,
            credentials,
            policy,
            HeaderValue::from_static(crate::USER_AGENT),
        )
    }

    pub(crate) fn with_user_agent(
        http: reqwest::Client,
        environment: &Environment,
        credentials: Credentials,
        policy: TokenPolicy,
        user_agent: HeaderValue,
    ) -> Result<Self, ConfigError> {
        credentials.validate()?;
        Ok(Self {
            fetcher: TokenFetcher::new(http, environment.token_url(), credentials, user_agent)?,
            policy,
            state: Mutex::new(State::default()),
            loading: tokio::sync::Mutex::new(()),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A valid token: the cached one, or a new one.
    pub async fn get(&self) -> Result<AccessToken, AuthError> {
        let (cached, fetches_seen) = {
            let state = self.state();
            (state.current.clone(), state.fetches)
        };
        let now = Instant::now();
        if let Some(cached) = &cached {
            if now < cached.refresh_at {
                return Ok(cached.token.clone());
            }
            if now < cached.expires_at {
                // Refresh window: one caller refreshes, the rest use the still-valid token.
                let Ok(_loading) = self.loading.try_lock() else {
                    return Ok(cached.token.clone());
                };
                if let Some(fresh) = self.fresh_since(fetches_seen) {
                    return Ok(fresh);
                }
                return match self.fetch().await {
                    Ok(token) => Ok(token),
                    Err(error) => {
                        tracing::warn!(%error, "early token refresh failed; using the current token");
                        Ok(cached.token.clone())
                    }
                };
            }
        }
        let _loading = self.loading.lock().await;
        {
            let state = self.state();
            if state.fetches != fetches_seen {
                // A fetch finished while we waited: share its outcome.
                if let Some(current) = &state.current
                    && Instant::now() < current.expires_at
                {
                    return Ok(current.token.clone());
                }
                if let Some(error) = &state.last_failure {
                    return Err(error.clone());
                }
            }
        }
        self.fetch().await
    }

    /// The cached token if a fetch completed after `fetches_seen` and it is not stale.
    fn fresh_since(&self, fetches_seen: u64) -> Option<AccessToken> {
        let state = self.state();
        let current = state.current.as_ref()?;
        (state.fetches != fetches_seen && Instant::now() < current.refresh_at)
            .then(|| current.token.clone())
    }

    /// Fetches and stores a token. Call with `loading` held.
    async fn fetch(&self) -> Result<AccessToken, AuthError> {
        let span = tracing::debug_span!("servicetitan.token", client_id = self.fetcher.client_id());
        let started = Instant::now();
        let result = self
            .fetcher
            .fetch(self.policy.load_timeout)
            .instrument(span)
            .await;
        let mut state = self.state();
        state.fetches += 1;
        match &result {
            Ok(token) => {
                let lifetime = token.expires_in().unwrap_or(ASSUMED_LIFETIME);
                let (refresh_at, expires_at) = self.schedule(started, lifetime);
                tracing::debug!(
                    expires_in_s = lifetime.as_secs(),
                    refresh_in_s = refresh_at.saturating_duration_since(started).as_secs(),
                    "fetched an access token"
                );
                state.current = Some(Cached {
                    token: token.clone(),
                    refresh_at,
                    expires_at,
                });
                state.last_failure = None;
            }
            Err(error) => {
                tracing::warn!(%error, "could not fetch an access token");
                state.last_failure = Some(error.clone());
            }
        }
        result
    }

    /// When to refresh and when the token expires, counted from when the request was sent (the
    /// server's clock started `expires_in` no earlier than that).
    fn schedule(&self, sent: Instant, lifetime: Duration) -> (Instant, Instant) {
        let jitter = if self.policy.jitter.is_zero() {
            Duration::ZERO
        } else {
            let max = u64::try_from(self.policy.jitter.as_millis()).unwrap_or(u64::MAX);
            Duration::from_millis(rand::rng().random_range(0..=max))
        };
        let ahead = (self.policy.refresh_before + jitter).min(lifetime / 2);
        (sent + (lifetime - ahead), sent + lifetime)
    }

    /// Drops the cached token if it is `rejected`.
    pub fn invalidate(&self, rejected: &AccessToken) {
        let mut state = self.state();
        if state
            .current
            .as_ref()
            .is_some_and(|c| c.token.secret() == rejected.secret())
        {
            tracing::debug!("dropping the access token ServiceTitan rejected");
            state.current = None;
        }
    }
}

impl TokenSource for TokenCache {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        Box::pin(self.get())
    }

    fn invalidate(&self, rejected: &AccessToken) {
        TokenCache::invalidate(self, rejected);
    }
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.state().current.is_some();
        f.debug_struct("TokenCache")
            .field("client_id", &self.fetcher.client_id())
            .field("policy", &self.policy)
            .field("has_token", &cached)
            .finish_non_exhaustive()
    }
}
