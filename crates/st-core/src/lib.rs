//! The runtime shared by every generated ServiceTitan area crate.
//!
//! ```no_run
//! use st_core::{Core, Credentials, Environment};
//!
//! # async fn run() -> Result<(), st_core::Error> {
//! // Configure once per tenant: from ST_CLIENT_ID, ST_CLIENT_SECRET, ST_APP_KEY, ST_TENANT_ID
//! // and ST_ENVIRONMENT...
//! let core = Core::from_env()?;
//! // ...or in code.
//! let core = Core::builder()
//!     .environment(Environment::Integration)
//!     .credentials(Credentials::new("cid.abc123", "cs1.secret"))
//!     .app_key("ak1.appkey")
//!     .tenant(1234567)
//!     .build()?;
//! // Fail fast on wrong credentials.
//! core.connect().await?;
//!
//! // Generated area clients take the core (here `servicetitan_crm::Client::from_core(&core)`);
//! // hand-written calls can use `Core::send` with the same headers and retry policy.
//! let url = format!("{}/customers?page=1", core.api_base_url("/crm/v2"));
//! let request = core.http().get(url).build().map_err(|e| st_core::Error::Other(e.to_string()))?;
//! let response = core.send(request, "Customers_GetList").await?;
//! println!("{}", response.status());
//!
//! // Another tenant of the same app shares the connection pool and the retry budget.
//! let other = core.for_tenant(7654321, Credentials::new("cid.other", "cs1.other"))?;
//! # let _ = other;
//! # Ok(())
//! # }
//! ```
//!
//! What it provides:
//!
//! - [`Core`]: one per tenant, the `inner` value of every generated `Client`, wired in by
//!   [`wire_client!`]. Holds the shared HTTP pool, the [`Environment`], the app key, a
//!   [`TokenSource`] (by default a [`TokenCache`] doing the OAuth2 client-credentials grant) and
//!   the [`RetryPolicy`], [`RateLimit`], [`TokenPolicy`] and [`Timeouts`].
//! - Every request gets `Authorization: <token_type> <token>`, `ST-App-Key`, a `User-Agent`
//!   naming this SDK (both secrets marked sensitive), loses progenitor's `api-version`, and goes
//!   through the transport policy: client-side rate limit, retries of 429/503 (all methods,
//!   honouring `Retry-After`) and of 500/502/504/timeouts/resets (idempotent methods only) with
//!   full-jitter backoff under a shared retry budget, and one retry with a new token after a
//!   401. Each request is one `servicetitan.request` tracing span (operation id, method, tenant,
//!   attempt, status, latency), never headers or bodies.
//! - [`Error`]: what users match on, convertible from every generated operation's error.
//!   `Display` never prints bodies or secrets.
//! - Lenient value types: [`Timestamp`], [`Decimal`], [`open_enum!`].
//! - [`paging`]: streams over paged lists and export feeds.
#![warn(missing_docs)]

mod core;
mod credentials;
mod environment;
mod error;
pub mod extras;
#[doc(hidden)]
pub mod hooks;
pub mod lenient;
mod limit;
pub mod paging;
mod retry;
mod token;
mod transport;

pub use crate::core::{Core, CoreBuilder, Timeouts, env};
pub use credentials::{Credentials, Secret, TenantId};
pub use environment::{CustomHosts, Environment};
pub use error::{ApiError, AuthError, ConfigError, DecodeError, Error, ErrorBody};
pub use lenient::{Decimal, Timestamp};
pub use limit::RateLimit;
pub use progenitor_client::{ByteStream, ResponseValue};
pub use retry::RetryPolicy;
pub use token::{AccessToken, TokenCache, TokenPolicy, TokenSource};

/// The `User-Agent` of every request: this SDK and its version.
pub const USER_AGENT: &str = concat!("servicetitan-rs/", env!("CARGO_PKG_VERSION"));

/// What the macros expand to; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::hooks;
    pub use crate::lenient::open_enum::{self, OpenEnum};
    pub use futures;
    pub use progenitor_client;
    pub use reqwest;
    pub use serde;
    pub use serde_json;
}

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn public_types_can_cross_threads() {
        assert_send_sync::<crate::Core>();
        assert_send_sync::<crate::Error>();
        assert_send_sync::<crate::TokenCache>();
        assert_send_sync::<crate::CoreBuilder>();
    }
}
