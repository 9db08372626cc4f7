//! A ServiceTitan API simulator on loopback, for tests and benchmarks.
//!
//! `st-mock` serves ServiceTitan's OAuth token endpoint and a realistic slice of the
//! v2 API (settings employees and technicians, CRM customers and locations, JPM jobs,
//! accounting invoices, reporting) with the real paths and JSON field names,
//! deterministic seeded data, ServiceTitan's paging and export-feed semantics, and
//! fault injection: 429 with `Retry-After`, 5xx, connection resets, latency, token
//! expiry and revocation, malformed JSON and spec drift.
//!
//! ```
//! use st_mock::{Fault, MockServer};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mock = MockServer::start().await;
//! let creds = mock.credentials();
//! let http = reqwest::Client::new();
//!
//! // OAuth 2.0 client credentials, as against auth.servicetitan.io.
//! let token: serde_json::Value = http
//!     .post(mock.token_url())
//!     .form(&[
//!         ("grant_type", "client_credentials"),
//!         ("client_id", creds.client_id.as_str()),
//!         ("client_secret", creds.client_secret.as_str()),
//!     ])
//!     .send()
//!     .await?
//!     .json()
//!     .await?;
//! let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
//!
//! // The next API call fails with a 503, the one after succeeds.
//! mock.inject(Fault::Status(503));
//! let url = format!("{}/customers?pageSize=10&includeTotal=true", mock.api_url("crm"));
//! let get = || http.get(&url).header("Authorization", &bearer).header("ST-App-Key", &creds.app_key);
//! assert_eq!(get().send().await?.status(), 503);
//! let page: serde_json::Value = get().send().await?.json().await?;
//! assert_eq!(page["data"].as_array().unwrap().len(), 10);
//! assert_eq!(page["hasMore"], true);
//!
//! // What the server saw, for assertions.
//! assert_eq!(mock.token_requests(), 1);
//! let last = mock.requests().pop().unwrap();
//! assert_eq!(last.header("st-app-key"), Some(creds.app_key.as_str()));
//! # Ok(())
//! # }
//! ```
//!
//! Routes, defaults and every fault are described in the crate's README. The
//! `st-mock` binary (feature `cli`, on by default) runs the same server from the
//! command line; `st-mock --help` lists its flags.

#![warn(missing_docs)]
// Handlers return `Result<_, Problem>`: the RFC 7807 answer is built on the cold path, and its size
// depends on serde_json's features (`preserve_order`, enabled in the workspace by the xtask,
// makes `Map` larger), so boxing it would only add noise to every handler.
#![allow(clippy::result_large_err)]
// serde_json::json! on the wide spec objects (technicians have 47 fields) recurses deeply.
#![recursion_limit = "256"]

mod api;
mod config;
mod data;
mod drift;
mod fault;
mod gateway;
mod problem;
mod query;
mod record;
mod server;
mod state;
mod token;

pub use config::{MockBuilder, MockConfig, SeedSizes};
pub use data::Resource;
pub use drift::{Drift, DriftKind};
pub use fault::{Fault, FaultHandle, FaultRule, RetryAfter};
pub use record::RecordedRequest;
pub use server::{Credentials, MockServer};

/// Path of the OAuth 2.0 token endpoint (`https://auth.servicetitan.io/connect/token`).
pub const TOKEN_PATH: &str = "/connect/token";
