//! ServiceTitan Reporting API: a typed client generated from ServiceTitan's OpenAPI spec.
//!
//! Build a [`Client`] once per tenant with [`Client::from_env`] or [`Client::from_core`]; every
//! call goes through [`st_core`] (OAuth2 token, `ST-App-Key`, retries, rate limiting, errors).
//! See the crate README for an example; `servicetitan-reporting`'s generated code lives in `src/generated/`.
//!
//! # Running a report
//!
//! [`Client::run_report`] (hand-written, in [`extras`]) runs a report and gives its rows by
//! field name:
//!
//! ```no_run
//! # async fn run() -> Result<(), st_core::Error> {
//! let client = servicetitan_reporting::Client::from_env()?;
//! let data = client
//!     .run_report("operations", 42001)
//!     .param("From", "2024-01-01")
//!     .param("To", "2024-01-31")
//!     .page_size(25_000)
//!     .send()
//!     .await?;
//! for row in &data.rows {
//!     let campaign: String = row.get_as("Campaign")?;
//!     println!("{campaign}: {:?}", row.get("Revenue"));
//! }
//! # Ok(()) }
//! ```
//!
//! - By default it uses ServiceTitan's asynchronous data query (not yet in the spec): start it,
//!   then poll every 1 s growing to 10 s ([`extras::RunReport::poll_interval`]) until the data
//!   is ready. A run dropped before then, or past its [`timeout`](extras::RunReport::timeout)
//!   (10 minutes), cancels the query so the tenant's query slot is freed.
//!   [`synchronous()`](extras::RunReport::synchronous) uses the older, deprecated endpoint
//!   (`report_category_reports_get_data`) instead; both give the same [`extras::ReportData`].
//! - **One run of a report per minute per tenant**: ServiceTitan's limit, enforced before
//!   sending by a process-wide [`extras::ReportLimiter`]. Every page is a run, so ask for large
//!   pages (up to 25,000 rows) rather than walking many small ones with
//!   [`pages`](extras::RunReport::pages) or [`send_all`](extras::RunReport::send_all).
//! - A `409` (reporting suspended for maintenance) is retried a few times with backoff
//!   ([`maintenance_retries`](extras::RunReport::maintenance_retries)); 429 and 5xx are
//!   retried by `st_core` as for every call.

#[rustfmt::skip]
mod generated;
pub mod extras;

pub use generated::*;
pub use st_core;
