//! `Core`: everything a request needs (HTTP pool, hosts, app key, tenant, tokens, policies),
//! shared by every generated client of one tenant.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::credentials::{Credentials, Secret, TenantId};
use crate::environment::Environment;
use crate::error::{ConfigError, Error};
use crate::limit::{RateLimit, RateLimiter};
use crate::retry::{RetryBudget, RetryPolicy};
use crate::token::{AccessToken, TokenCache, TokenPolicy, TokenSource};

/// Names of the environment variables [`Core::from_env`] reads.
pub mod env {
    /// OAuth2 client id.
    pub const CLIENT_ID: &str = "ST_CLIENT_ID";
    /// OAuth2 client secret.
    pub const CLIENT_SECRET: &str = "ST_CLIENT_SECRET";
    /// The app key, sent as `ST-App-Key`.
    pub const APP_KEY: &str = "ST_APP_KEY";
    /// The tenant id.
    pub const TENANT_ID: &str = "ST_TENANT_ID";
    /// `integration` (default) or `production`.
    pub const ENVIRONMENT: &str = "ST_ENVIRONMENT";
    /// Custom auth host (with [`API_URL`]); overrides [`ENVIRONMENT`].
    pub const AUTH_URL: &str = "ST_AUTH_URL";
    /// Custom API host (with [`AUTH_URL`]); overrides [`ENVIRONMENT`].
    pub const API_URL: &str = "ST_API_URL";
}

/// Timeouts of the HTTP client [`CoreBuilder`] builds.
///
/// ServiceTitan's gateway gives up on a request after 100 s, so waiting longer is pointless;
/// connecting should take well under 10 s. The request timeout is also applied per request, so
/// it holds with a client of your own (whose connect timeout is then yours to set).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    pub(crate) connect: Duration,
    pub(crate) request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(100),
        }
    }
}

impl Timeouts {
    /// How long establishing a connection may take.
    pub fn with_connect(mut self, timeout: Duration) -> Self {
        self.connect = timeout;
        self
    }

    /// How long one attempt (send to end of response headers and body) may take.
    pub fn with_request(mut self, timeout: Duration) -> Self {
        self.request = timeout;
        self
    }
}

/// The runtime of every generated client: one per tenant, cheap to clone (an `Arc` inside).
///
/// Cores made with [`Core::for_tenant`] share one HTTP connection pool, app key, retry budget
/// and policies; each has its own tenant, token source and request-rate limiter (ServiceTitan
/// limits each app per tenant).
///
/// `Debug` shows the environment, tenant and policies, never the app key, client secret or
/// tokens.
#[derive(Clone)]
pub struct Core {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) app: Arc<App>,
    pub(crate) tenant: TenantId,
    pub(crate) tokens: Arc<dyn TokenSource>,
    pub(crate) limiter: Option<Arc<RateLimiter>>,
}

/// What all tenants of one app share.
pub(crate) struct App {
    pub(crate) http: reqwest::Client,
    pub(crate) environment: Environment,
    pub(crate) app_key: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) budget: RetryBudget,
    pub(crate) timeouts: Timeouts,
    pub(crate) token_policy: TokenPolicy,
    rate_limit: RateLimit,
    /// One limiter per tenant, however many `Core`s point at it.
    limiters: Mutex<HashMap<TenantId, Weak<RateLimiter>>>,
}

impl App {
    fn limiter(&self, tenant: TenantId) -> Option<Arc<RateLimiter>> {
        let mut limiters = self.limiters.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(existing) = limiters.get(&tenant).and_then(Weak::upgrade) {
            return Some(existing);
        }
        let limiter = Arc::new(self.rate_limit.limiter()?);
        limiters.retain(|_, l| l.strong_count() > 0);
        limiters.insert(tenant, Arc::downgrade(&limiter));
        Some(limiter)
    }
}

impl Core {
    /// Starts configuring a `Core`.
    pub fn builder() -> CoreBuilder {
        CoreBuilder::default()
    }

    /// A `Core` configured from `ST_CLIENT_ID`, `ST_CLIENT_SECRET`, `ST_APP_KEY`,
    /// `ST_TENANT_ID` and optionally `ST_ENVIRONMENT` or `ST_AUTH_URL` + `ST_API_URL`, with
    /// default policies. Errors name the variable that is missing or malformed.
    pub fn from_env() -> Result<Core, Error> {
        CoreBuilder::from_env()?.build()
    }

    /// The base URL of one area for this tenant: `{api_url}{service_path}/tenant/{tenant}`,
    /// e.g. `https://api.servicetitan.io/crm/v2/tenant/123` for `"/crm/v2"`.
    pub fn api_base_url(&self, service_path: &str) -> String {
        format!(
            "{}{}/tenant/{}",
            self.inner.app.environment.api_url(),
            service_path,
            self.inner.tenant
        )
    }

    /// The shared HTTP client (and connection pool).
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.app.http
    }

    /// The tenant this `Core` calls.
    pub fn tenant(&self) -> TenantId {
        self.inner.tenant
    }

    /// The ServiceTitan environment.
    pub fn environment(&self) -> &Environment {
        &self.inner.app.environment
    }

    /// Fetches a token now, so that wrong credentials fail at start-up rather than at the first
    /// call.
    pub async fn connect(&self) -> Result<(), Error> {
        self.access_token().await.map(drop)
    }

    /// A valid access token from this `Core`'s token source (cached when possible), for calls
    /// made outside the generated clients.
    pub async fn access_token(&self) -> Result<AccessToken, Error> {
        Ok(self.inner.tokens.token().await?)
    }

    /// A `Core` for another tenant of the same app: same HTTP pool, app key, environment,
    /// policies and retry budget; its own token cache for `credentials` and its own rate
    /// limiter.
    pub fn for_tenant(
        &self,
        tenant: impl Into<TenantId>,
        credentials: Credentials,
    ) -> Result<Core, Error> {
        let app = &self.inner.app;
        let tokens = TokenCache::with_user_agent(
            app.http.clone(),
            &app.environment,
            credentials,
            app.token_policy.clone(),
            app.user_agent.clone(),
        )?;
        Ok(self.for_tenant_with_token_source(tenant, Arc::new(tokens)))
    }

    /// Like [`Core::for_tenant`], with tokens from `source`.
    pub fn for_tenant_with_token_source(
        &self,
        tenant: impl Into<TenantId>,
        source: Arc<dyn TokenSource>,
    ) -> Core {
        let tenant = tenant.into();
        Core {
            inner: Arc::new(Inner {
                app: self.inner.app.clone(),
                tenant,
                tokens: source,
                limiter: self.inner.app.limiter(tenant),
            }),
        }
    }
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let app = &self.inner.app;
        f.debug_struct("Core")
            .field("environment", &app.environment)
            .field("tenant", &self.inner.tenant)
            .field("app_key", &Secret::new(""))
            .field("tokens", &self.inner.tokens)
            .field("retry", &app.retry)
            .field("rate_limit", &app.rate_limit)
            .field("timeouts", &app.timeouts)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Core`]. Required: the tenant, the app key, and either credentials or a
/// [`TokenSource`].
///
/// ```no_run
/// use st_core::{Core, Credentials, Environment, RateLimit};
///
/// let core = Core::builder()
///     .environment(Environment::Production)
///     .credentials(Credentials::new("cid.abc", "secret"))
///     .app_key("ak1.xyz")
///     .tenant(1234567)
///     .rate_limit(RateLimit::per_second(20))
///     .build()?;
/// # Ok::<(), st_core::Error>(())
/// ```
#[derive(Default)]
pub struct CoreBuilder {
    environment: Environment,
    credentials: Option<Credentials>,
    app_key: Option<Secret>,
    tenant: Option<TenantId>,
    token_source: Option<Arc<dyn TokenSource>>,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    rate_limit: RateLimit,
    token_policy: TokenPolicy,
    timeouts: Timeouts,
    user_agent_suffix: Option<String>,
}

impl CoreBuilder {
    /// A builder filled from the `ST_*` environment variables (see [`Core::from_env`]); set
    /// policies on it before [`CoreBuilder::build`].
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned()))
    }

    /// Like [`CoreBuilder::from_env`], reading variables through `lookup` (a `.env` file, a
    /// secrets manager, a test).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &'static str| -> Result<Option<String>, ConfigError> {
            match lookup(name) {
                None => Ok(None),
                Some(value) if value.trim().is_empty() => {
                    Err(ConfigError::invalid(name, "is empty"))
                }
                Some(value) if value.contains('\u{FFFD}') => {
                    Err(ConfigError::invalid(name, "is not valid UTF-8"))
                }
                Some(value) => Ok(Some(value.trim().to_owned())),
            }
        };
        let require = |name| get(name)?.ok_or(ConfigError::missing(name));

        let client_id = require(env::CLIENT_ID)?;
        let client_secret = require(env::CLIENT_SECRET)?;
        let app_key = require(env::APP_KEY)?;
        check_header_value(&app_key).map_err(|e| e.renamed(env::APP_KEY))?;
        let tenant: TenantId = require(env::TENANT_ID)?
            .parse()
            .map_err(|e: ConfigError| e.renamed(env::TENANT_ID))?;
        let mut environment = match get(env::ENVIRONMENT)? {
            Some(value) => value
                .parse()
                .map_err(|e: ConfigError| e.renamed(env::ENVIRONMENT))?,
            None => Environment::default(),
        };
        let half_set = |set: &'static str, unset: &'static str| {
            ConfigError::invalid(
                unset,
                format!("is not set, but {set} is; set both or neither"),
            )
        };
        match (get(env::AUTH_URL)?, get(env::API_URL)?) {
            (Some(auth), Some(api)) => {
                environment =
                    Environment::custom_named((env::AUTH_URL, &auth), (env::API_URL, &api))?;
            }
            (Some(_), None) => return Err(half_set(env::AUTH_URL, env::API_URL).into()),
            (None, Some(_)) => return Err(half_set(env::API_URL, env::AUTH_URL).into()),
            (None, None) => {}
        }
        Ok(Self::default()
            .environment(environment)
            .credentials(Credentials::new(client_id, client_secret))
            .app_key(app_key)
            .tenant(tenant))
    }

    /// The ServiceTitan environment (default: [`Environment::Integration`]).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// The app's client credentials for this tenant.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The app key, sent as `ST-App-Key` on every request.
    pub fn app_key(mut self, app_key: impl Into<Secret>) -> Self {
        self.app_key = Some(app_key.into());
        self
    }

    /// The tenant to call.
    pub fn tenant(mut self, tenant: impl Into<TenantId>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// Get tokens from `source` instead of from credentials.
    pub fn token_source(mut self, source: Arc<dyn TokenSource>) -> Self {
        self.token_source = Some(source);
        self
    }

    /// Use this HTTP client (to share its pool with other code). Its connect timeout, proxy and
    /// redirect settings are then its own; the request timeout is still applied per request.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// How failed requests are retried (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The client-side request rate limit per tenant (default: [`RateLimit::default`]).
    pub fn rate_limit(mut self, rate_limit: RateLimit) -> Self {
        self.rate_limit = rate_limit;
        self
    }

    /// When tokens are refreshed (default: [`TokenPolicy::default`]).
    pub fn token_policy(mut self, token_policy: TokenPolicy) -> Self {
        self.token_policy = token_policy;
        self
    }

    /// Connect and request timeouts (default: 10 s and 100 s).
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Text appended to the `User-Agent` (e.g. `my-dispatch-app/2.1`), so ServiceTitan can tell
    /// your app's traffic apart.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Checks the configuration and builds the `Core`. Does not contact ServiceTitan; call
    /// [`Core::connect`] for that.
    pub fn build(self) -> Result<Core, Error> {
        let tenant = self.tenant.ok_or(ConfigError::missing("tenant id"))?;
        let app_key = self.app_key.ok_or(ConfigError::missing("app key"))?;
        if app_key.is_blank() {
            return Err(ConfigError::invalid("app key", "is empty").into());
        }
        let mut app_key = check_header_value(app_key.expose())?;
        app_key.set_sensitive(true);
        let user_agent = match &self.user_agent_suffix {
            Some(suffix) => {
                HeaderValue::from_str(&format!("{} {}", crate::USER_AGENT, suffix.trim())).map_err(
                    |_| ConfigError::invalid("user agent suffix", "is not a valid header value"),
                )?
            }
            None => HeaderValue::from_static(crate::USER_AGENT),
        };
        let http = match self.http {
            Some(http) => http,
            None => default_http_client(&self.timeouts, &user_agent)?,
        };
        let tokens: Arc<dyn TokenSource> = match (self.token_source, self.credentials) {
            (Some(source), _) => source,
            (None, Some(credentials)) => Arc::new(TokenCache::with_user_agent(
                http.clone(),
                &self.environment,
                credentials,
                self.token_policy.clone(),
                user_agent.clone(),
            )?),
            (None, None) => return Err(ConfigError::missing("credentials").into()),
        };
        let app = Arc::new(App {
            http,
            environment: self.environment,
            app_key,
            user_agent,
            budget: RetryBudget::new(self.retry.budget_capacity),
            retry: self.retry,
            timeouts: self.timeouts,
            token_policy: self.token_policy,
            rate_limit: self.rate_limit,
            limiters: Mutex::new(HashMap::new()),
        });
        let limiter = app.limiter(tenant);
        Ok(Core {
            inner: Arc::new(Inner {
                app,
                tenant,
                tokens,
                limiter,
            }),
        })
    }
}

impl fmt::Debug for CoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CoreBuilder")
            .field("environment", &self.environment)
            .field("credentials", &self.credentials)
            .field("app_key", &self.app_key)
            .field("tenant", &self.tenant)
            .field("token_source", &self.token_source)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("token_policy", &self.token_policy)
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

fn check_header_value(value: &str) -> Result<HeaderValue, ConfigError> {
    HeaderValue::from_str(value)
        .map_err(|_| ConfigError::invalid("app key", "contains characters not allowed in a header"))
}

/// The client built when none is supplied.
///
/// Redirects are followed only within the same origin. ServiceTitan answers some downloads with
/// `302` to a storage host; following that automatically would send the `ST-App-Key` header
/// there (reqwest strips `Authorization` across hosts, but not custom headers), and would also
/// hide the `302` that such operations declare.
fn default_http_client(
    timeouts: &Timeouts,
    user_agent: &HeaderValue,
) -> Result<reqwest::Client, Error> {
    let redirects = reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .last()
            .is_some_and(|prev| prev.origin() == attempt.url().origin());
        if attempt.previous().len() > 10 {
            attempt.error("too many redirects")
        } else if same_origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    });
    reqwest::Client::builder()
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.request)
        .user_agent(user_agent.clone())
        .redirect(redirects)
        .build()
        .map_err(|e| ConfigError::invalid("HTTP client", format!("could not be built: {e}")).into())
}
