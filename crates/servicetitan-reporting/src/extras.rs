//! Hand-written reporting: [`Client::run_report`] runs a report through ServiceTitan's
//! asynchronous data queries (not in the 2026-05-21 spec) or, on request, the deprecated
//! synchronous endpoint, and returns rows readable by field name.
//!
//! The asynchronous pair, as ServiceTitan documents it:
//!
//! - `POST …/report-category/{category}/reports/{reportId}/data/query` (same query and body as
//!   the synchronous call) answers `200` with the data when the query finishes within about
//!   10 s, otherwise `202 {"status": "NotStarted"|"InProgress", "token"}`;
//! - `GET …/data-queries/{token}` answers `202` until the query is done, then `200` with the data;
//! - `DELETE …/data-queries/{token}` (`204`) cancels it and frees the tenant's query slot.
//!
//! Move these to generated code once a spec declares them.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use futures::Stream;
use futures::stream::{self, TryStreamExt};
use progenitor_client::ClientInfo;
use reqwest::header::RETRY_AFTER;
use reqwest::{Response, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use st_core::{Core, DecodeError, Error};
use tokio::time::Instant;

use crate::Client;
use crate::types;

// Operation ids for st-core's tracing spans and errors, in the snake case progenitor gives the
// generated operations (the synchronous call is `report_category_reports_get_data`).
const OP_QUERY: &str = "report_data_query";
const OP_POLL: &str = "data_queries_get";
const OP_CANCEL: &str = "data_queries_cancel";

/// How long a best-effort cancel may take before it is given up.
const CANCEL_TIMEOUT: Duration = Duration::from_secs(10);

impl Client {
    /// Runs report `report_id` of `category` (e.g. `"operations"`, `42001`) and returns its
    /// rows. Set parameters with [`RunReport::param`], then call [`RunReport::send`] (one
    /// page), [`RunReport::pages`] or [`RunReport::send_all`].
    ///
    /// Uses the asynchronous data query (start, poll, cancel when abandoned) unless
    /// [`RunReport::synchronous`] is set. Runs of the same report in the same tenant are spaced
    /// by a [`ReportLimiter`] (ServiceTitan allows one per minute).
    pub fn run_report(&self, category: impl Into<String>, report_id: i64) -> RunReport<'_> {
        RunReport {
            client: self,
            category: category.into(),
            report_id,
            parameters: Vec::new(),
            page: 1,
            page_size: None,
            include_total: false,
            synchronous: false,
            poll: Backoff {
                first: Duration::from_secs(1),
                max: Duration::from_secs(10),
            },
            timeout: Some(Duration::from_secs(10 * 60)),
            maintenance_attempts: 4,
            maintenance_backoff: Backoff {
                first: Duration::from_secs(15),
                max: Duration::from_secs(60),
            },
            limiter: None,
        }
    }
}

/// A report run being configured; see [`Client::run_report`].
#[derive(Clone, Debug)]
#[must_use = "a report runs only when sent"]
pub struct RunReport<'a> {
    client: &'a Client,
    category: String,
    report_id: i64,
    parameters: Vec<(String, Value)>,
    page: i32,
    page_size: Option<u32>,
    include_total: bool,
    synchronous: bool,
    poll: Backoff,
    timeout: Option<Duration>,
    maintenance_attempts: u32,
    maintenance_backoff: Backoff,
    limiter: Option<ReportLimiter>,
}

impl<'a> RunReport<'a> {
    /// Adds a report parameter (`"From"`, `"To"`, a business unit id…). Names are those of the
    /// report's `parameters` (see `report_category_reports_get`); values are JSON: strings,
    /// numbers, booleans, arrays.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.parameters.push((name.into(), value.into()));
        self
    }

    /// Adds several parameters.
    pub fn params<N: Into<String>, V: Into<Value>>(
        mut self,
        parameters: impl IntoIterator<Item = (N, V)>,
    ) -> Self {
        self.parameters
            .extend(parameters.into_iter().map(|(n, v)| (n.into(), v.into())));
        self
    }

    /// The page to fetch (1-based; default 1).
    pub fn page(mut self, page: i32) -> Self {
        self.page = page;
        self
    }

    /// Rows per page (1 to 25,000; ServiceTitan's default is 1,000). Each page is a run of the
    /// report, so large pages are much faster than many small ones.
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// Asks for `total_count` (costs ServiceTitan a count).
    pub fn include_total(mut self, include: bool) -> Self {
        self.include_total = include;
        self
    }

    /// Uses the synchronous endpoint (deprecated by ServiceTitan; it fails on queries that take
    /// longer than the gateway waits) instead of the asynchronous query.
    pub fn synchronous(mut self) -> Self {
        self.synchronous = true;
        self
    }

    /// Waits between status polls: `first`, doubling up to `max` (default 1 s to 10 s). A
    /// `Retry-After` on a `202` is honoured up to `max`.
    pub fn poll_interval(mut self, first: Duration, max: Duration) -> Self {
        self.poll = Backoff {
            first,
            max: max.max(first),
        };
        self
    }

    /// How long the run may take once started, polls and maintenance retries included (default
    /// 10 minutes); `None` waits indefinitely. On expiry the query is cancelled and
    /// [`Error::Timeout`] returned.
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeout = timeout.into();
        self
    }

    /// How often a `409` (ServiceTitan's answer while reporting is suspended for maintenance) is
    /// tried again: at most `attempts` sends in all, waiting `first_delay`, doubling up to a
    /// minute (default 4 attempts from 15 s). `1` disables these retries.
    pub fn maintenance_retries(mut self, attempts: u32, first_delay: Duration) -> Self {
        self.maintenance_attempts = attempts.max(1);
        self.maintenance_backoff = Backoff {
            first: first_delay,
            max: Duration::from_secs(60).max(first_delay),
        };
        self
    }

    /// Spaces runs with `limiter` instead of [`ReportLimiter::shared`].
    pub fn limiter(mut self, limiter: &ReportLimiter) -> Self {
        self.limiter = Some(limiter.clone());
        self
    }

    /// Runs the report and returns the requested page.
    ///
    /// Waits for the report's slot in the limiter first. Dropping the returned future while the
    /// query runs cancels it on the server (a `DELETE` spawned on the current Tokio runtime).
    pub async fn send(self) -> Result<ReportData, Error> {
        let body = self.body()?;
        if self.page_size == Some(0) {
            return Err(Error::InvalidRequest("page size must be at least 1".into()));
        }
        let limiter = self.limiter.clone().unwrap_or_else(ReportLimiter::shared);
        limiter
            .acquire((self.client.baseurl().to_owned(), self.report_id))
            .await;
        let deadline = self.timeout.and_then(|t| Instant::now().checked_add(t));
        let mut attempt = 0;
        loop {
            let result = if self.synchronous {
                within(deadline, self.run_sync(body.clone())).await
            } else {
                self.run_async(&body, deadline).await
            };
            attempt += 1;
            match result {
                Err(Error::Api { status, .. })
                    if status == StatusCode::CONFLICT && attempt < self.maintenance_attempts =>
                {
                    let delay = self.maintenance_backoff.delay(attempt - 1);
                    within(deadline, async {
                        tokio::time::sleep(delay).await;
                        Ok(())
                    })
                    .await?;
                }
                other => return other,
            }
        }
    }

    /// Every page from [`RunReport::page`] on, one run each, lazily: the next page is
    /// requested when the stream is polled after the previous one, and waits for the limiter
    /// like any run (a minute per page by default). Ends after a page with `has_more == false`
    /// or without rows, or after an error.
    pub fn pages(self) -> impl Stream<Item = Result<ReportData, Error>> + Send + Unpin + 'a {
        stream::unfold(Some(self), |state| {
            Box::pin(async move {
                let run = state?;
                let next = run.clone();
                match run.send().await {
                    Ok(data) => {
                        let more = data.has_more && !data.rows.is_empty();
                        let next = more
                            .then(|| next.page.checked_add(1).map(|p| next.page(p)))
                            .flatten();
                        Some((Ok(data), next))
                    }
                    Err(e) => Some((Err(e), None)),
                }
            })
        })
    }

    /// Every page from [`RunReport::page`] on, as one [`ReportData`]: rows concatenated, `page`
    /// and `page_size` of the first page, `has_more` false.
    pub async fn send_all(self) -> Result<ReportData, Error> {
        let mut pages = self.pages();
        let Some(mut all) = pages.try_next().await? else {
            return Err(Error::Other("report returned no page".into()));
        };
        while let Some(page) = pages.try_next().await? {
            all.rows.extend(page.rows);
            all.total_count = page.total_count.or(all.total_count);
        }
        all.has_more = false;
        Ok(all)
    }

    fn body(&self) -> Result<types::ReportDataRequest, Error> {
        let parameters = self
            .parameters
            .iter()
            .map(|(name, value)| {
                Ok(types::ReportDataParameter {
                    name: name.as_str().try_into().map_err(|_| {
                        Error::InvalidRequest("report parameter names must not be empty".into())
                    })?,
                    value: Some(value.clone()),
                })
            })
            .collect::<Result<_, Error>>()?;
        Ok(types::ReportDataRequest { parameters })
    }

    async fn run_sync(&self, body: types::ReportDataRequest) -> Result<ReportData, Error> {
        let mut request = self
            .client
            .report_category_reports_get_data()
            .report_category(self.category.as_str())
            .report_id(self.report_id)
            .page(self.page)
            .body(body);
        if let Some(size) = self.page_size {
            request = request.page_size(size);
        }
        if self.include_total {
            request = request.include_total(true);
        }
        let response = request.send().await?.into_inner();
        let fields = response
            .fields
            .into_iter()
            .map(|f| Field {
                name: f.name,
                label: f.label,
                data_type: None,
            })
            .collect();
        Ok(ReportData::new(
            fields,
            response.data,
            response.page.into(),
            response.page_size.into(),
            response.has_more,
            response.total_count.map(i64::from),
        ))
    }

    async fn run_async(
        &self,
        body: &types::ReportDataRequest,
        deadline: Option<Instant>,
    ) -> Result<ReportData, Error> {
        let core = self.client.core();
        let mut query = vec![("page", self.page.to_string())];
        if let Some(size) = self.page_size {
            query.push(("pageSize", size.to_string()));
        }
        if self.include_total {
            query.push(("includeTotal", "true".into()));
        }
        let url = self.url(&[
            "report-category",
            &self.category,
            "reports",
            &self.report_id.to_string(),
            "data",
            "query",
        ])?;
        let request = core
            .http()
            .post(url)
            .query(&query)
            .json(body)
            .build()
            .map_err(request_error)?;
        let response = within(deadline, core.send(request, OP_QUERY)).await?;
        match response.status() {
            StatusCode::OK => return self.decode_data(response).await,
            StatusCode::ACCEPTED => {}
            status => return Err(unexpected(status, OP_QUERY)),
        }
        let first_wait = retry_after(&response);
        let started: QueryStarted = decode(response).await?;
        let mut guard = CancelOnDrop {
            core: core.clone(),
            url: Some(self.url(&["data-queries", &started.token])?),
        };
        let mut delay = first_wait.unwrap_or(self.poll.first).min(self.poll.max);
        for polls in 1u32.. {
            let url = guard.url.clone().expect("armed while polling");
            let outcome = within(deadline, async {
                tokio::time::sleep(delay).await;
                let request = core.http().get(url).build().map_err(request_error)?;
                core.send(request, OP_POLL).await
            })
            .await;
            let response = match outcome {
                Ok(response) => response,
                Err(e) => {
                    if e.status() == Some(StatusCode::NOT_FOUND) {
                        guard.disarm(); // no such query: nothing to free
                    } else {
                        guard.cancel().await;
                    }
                    return Err(e);
                }
            };
            match response.status() {
                StatusCode::OK => {
                    guard.disarm();
                    return self.decode_data(response).await;
                }
                StatusCode::ACCEPTED => {
                    let backoff = self.poll.delay(polls);
                    delay =
                        retry_after(&response).map_or(backoff, |after| after.min(self.poll.max));
                }
                status => {
                    guard.cancel().await;
                    return Err(unexpected(status, OP_POLL));
                }
            }
        }
        unreachable!("the poll loop returns")
    }

    /// `<base>/<segments…>`, each segment percent-encoded.
    fn url(&self, segments: &[&str]) -> Result<Url, Error> {
        let mut url = Url::parse(self.client.baseurl())
            .map_err(|e| Error::InvalidRequest(format!("base URL: {e}")))?;
        url.path_segments_mut()
            .map_err(|()| Error::InvalidRequest("base URL cannot have a path".into()))?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    async fn decode_data(&self, response: Response) -> Result<ReportData, Error> {
        let wire: WireData = decode(response).await?;
        Ok(ReportData::new(
            wire.fields,
            wire.data,
            wire.page.unwrap_or(self.page.into()),
            wire.page_size.unwrap_or(0),
            wire.has_more,
            wire.total_count,
        ))
    }
}

/// Exponential backoff without jitter: report polls are few per client, and spreading them
/// buys nothing.
#[derive(Clone, Copy, Debug)]
struct Backoff {
    first: Duration,
    max: Duration,
}

impl Backoff {
    /// The wait before try `n + 1` (`n` from 0).
    fn delay(&self, n: u32) -> Duration {
        self.first
            .saturating_mul(2u32.saturating_pow(n.min(16)))
            .min(self.max)
    }
}

/// Sends the `DELETE` of a running query unless disarmed: explicitly with [`Self::cancel`], or
/// from `drop` (a future dropped mid-poll, a timeout around it) on the current Tokio runtime.
/// Without a runtime the query is left to expire on the server.
struct CancelOnDrop {
    core: Core,
    url: Option<Url>,
}

impl CancelOnDrop {
    fn disarm(&mut self) {
        self.url = None;
    }

    async fn cancel(mut self) {
        if let Some(url) = self.url.take() {
            cancel_query(self.core.clone(), url).await;
        }
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let Some(url) = self.url.take() else { return };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(cancel_query(self.core.clone(), url));
        }
    }
}

/// Best effort: a failed cancel leaves the query to finish or expire on its own.
async fn cancel_query(core: Core, url: Url) {
    let Ok(request) = core.http().delete(url).build() else {
        return;
    };
    let _ = tokio::time::timeout(CANCEL_TIMEOUT, core.send(request, OP_CANCEL)).await;
}

/// Spaces runs of the same report in the same tenant: ServiceTitan allows one per minute and
/// answers `429` to the next. Each run reserves the next free slot of its
/// `(API base URL and tenant, report id)` before it is sent and waits for it; a cancelled or
/// failed run still uses its slot.
///
/// [`ReportLimiter::shared`] (the default for every run) is one per process; processes that
/// share a tenant have to coordinate otherwise.
///
/// ```no_run
/// # async fn run(client: &servicetitan_reporting::Client) -> Result<(), st_core::Error> {
/// use std::time::Duration;
/// use servicetitan_reporting::extras::ReportLimiter;
///
/// // A tenant on a plan with another limit, or a test against a simulator:
/// let limiter = ReportLimiter::new(Duration::from_secs(30));
/// let data = client.run_report("operations", 42001).limiter(&limiter).send().await?;
/// # let _ = data; Ok(()) }
/// ```
#[derive(Clone)]
pub struct ReportLimiter {
    inner: Arc<LimiterInner>,
}

struct LimiterInner {
    interval: Duration,
    /// The next free slot per report; entries in the past are dropped when a run reserves.
    next: Mutex<HashMap<(String, i64), Instant>>,
}

impl ReportLimiter {
    /// ServiceTitan's spacing: one run of a report per minute per tenant.
    pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);

    /// The process-wide limiter with [`ReportLimiter::DEFAULT_INTERVAL`], used by every run
    /// that does not name another.
    pub fn shared() -> ReportLimiter {
        static SHARED: OnceLock<ReportLimiter> = OnceLock::new();
        SHARED
            .get_or_init(|| ReportLimiter::new(Self::DEFAULT_INTERVAL))
            .clone()
    }

    /// A limiter of its own, spacing runs of a report by `interval`.
    pub fn new(interval: Duration) -> ReportLimiter {
        ReportLimiter {
            inner: Arc::new(LimiterInner {
                interval,
                next: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The spacing between runs of one report.
    pub fn interval(&self) -> Duration {
        self.inner.interval
    }

    /// Reserves the next slot of `key` and waits until it comes.
    async fn acquire(&self, key: (String, i64)) {
        let slot = {
            let mut next = self.inner.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            next.retain(|_, at| *at > now);
            let slot = next.get(&key).copied().unwrap_or(now).max(now);
            let following = slot.checked_add(self.inner.interval).unwrap_or(slot);
            next.insert(key, following);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

impl fmt::Debug for ReportLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReportLimiter")
            .field("interval", &self.inner.interval)
            .finish_non_exhaustive()
    }
}

/// One page of a report's rows.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ReportData {
    /// The columns, in row order.
    pub fields: Vec<Field>,
    /// The rows of this page.
    pub rows: Vec<Row>,
    /// The page (1-based).
    pub page: i64,
    /// The page size the server used.
    pub page_size: i64,
    /// Whether more pages follow.
    pub has_more: bool,
    /// Rows in all pages, when [`RunReport::include_total`] asked for it.
    pub total_count: Option<i64>,
}

impl ReportData {
    fn new(
        fields: Vec<Field>,
        data: Vec<Vec<Value>>,
        page: i64,
        page_size: i64,
        has_more: bool,
        total_count: Option<i64>,
    ) -> Self {
        let columns = Arc::new(Columns::new(fields.clone()));
        let rows = data
            .into_iter()
            .map(|values| Row {
                columns: columns.clone(),
                values,
            })
            .collect();
        ReportData {
            fields,
            rows,
            page,
            page_size,
            has_more,
            total_count,
        }
    }

    /// The field called `name` (exact match first, then ignoring ASCII case).
    pub fn field(&self, name: &str) -> Option<&Field> {
        find(&self.fields, name).map(|i| &self.fields[i])
    }
}

/// A report column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Field {
    /// The field's unique name (`"Revenue"`): what [`Row::get`] takes.
    pub name: String,
    /// The label the reporting UI shows.
    #[serde(default)]
    pub label: String,
    /// The declared type, when the response says (the synchronous endpoint does not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_type: Option<types::DataType>,
}

#[derive(Debug)]
struct Columns {
    fields: Vec<Field>,
    index: HashMap<String, usize>,
}

impl Columns {
    fn new(fields: Vec<Field>) -> Self {
        let mut index = HashMap::with_capacity(fields.len());
        for (i, field) in fields.iter().enumerate() {
            index.entry(field.name.clone()).or_insert(i);
        }
        Columns { fields, index }
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.index
            .get(name)
            .copied()
            .or_else(|| find(&self.fields, name))
    }
}

fn find(fields: &[Field], name: &str) -> Option<usize> {
    fields.iter().position(|f| f.name == name).or_else(|| {
        fields
            .iter()
            .position(|f| f.name.eq_ignore_ascii_case(name))
    })
}

/// One report row: values in field order, readable by field name.
#[derive(Clone)]
pub struct Row {
    columns: Arc<Columns>,
    values: Vec<Value>,
}

impl Row {
    /// The value of field `name` (exact match first, then ignoring ASCII case); `None` when
    /// the report has no such field or the row is shorter than the field list.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.columns.position(name).and_then(|i| self.values.get(i))
    }

    /// The value of field `name` decoded as `T` (`String`, `f64`, `Option<i64>`,
    /// `st_core::Decimal`, …). A missing field or a value of another shape is an
    /// [`Error::Decode`] naming the field, never quoting the value.
    pub fn get_as<T: DeserializeOwned>(&self, name: &str) -> Result<T, Error> {
        let value = self.get(name).ok_or_else(|| {
            Error::Decode(DecodeError::new("the report has no such field").at(name))
        })?;
        T::deserialize(value).map_err(|e| Error::Decode(DecodeError::from(&e).at(name)))
    }

    /// The whole row decoded as `T`, a struct whose fields are named (or `#[serde(rename)]`d)
    /// after the report's fields.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let object: serde_json::Map<String, Value> = self
            .iter()
            .map(|(field, value)| (field.name.clone(), value.clone()))
            .collect();
        T::deserialize(Value::Object(object)).map_err(|e| Error::Decode(DecodeError::from(&e)))
    }

    /// The fields of the report, in row order.
    pub fn fields(&self) -> &[Field] {
        &self.columns.fields
    }

    /// The values, in field order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// `(field, value)` pairs in field order.
    pub fn iter(&self) -> impl Iterator<Item = (&Field, &Value)> + '_ {
        self.columns.fields.iter().zip(&self.values)
    }
}

impl fmt::Debug for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(field, value)| (&field.name, value)))
            .finish()
    }
}

/// The data answer of either endpoint (`Reporting.V2.ReportDataResponse`), read leniently:
/// only `fields` and `data` are required.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireData {
    fields: Vec<Field>,
    data: Vec<Vec<Value>>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    page_size: Option<i64>,
    #[serde(default)]
    has_more: bool,
    #[serde(default)]
    total_count: Option<i64>,
}

/// The `202` answer that starts a query.
#[derive(Deserialize)]
struct QueryStarted {
    token: String,
}

async fn within<T>(
    deadline: Option<Instant>,
    work: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    match deadline {
        Some(deadline) => tokio::time::timeout_at(deadline, work)
            .await
            .unwrap_or(Err(Error::Timeout)),
        None => work.await,
    }
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, Error> {
    let body = response.bytes().await.map_err(request_error)?;
    serde_json::from_slice(&body).map_err(|e| Error::decode_json(&body, &e))
}

fn request_error(e: reqwest::Error) -> Error {
    // URLs carry the report parameters' page and the query token; neither belongs in errors.
    let e = e.without_url();
    if e.is_timeout() {
        Error::Timeout
    } else if e.is_builder() {
        Error::InvalidRequest(e.to_string())
    } else {
        Error::Transport(e)
    }
}

fn unexpected(status: StatusCode, operation_id: &str) -> Error {
    Error::Other(format!(
        "unexpected response status {status} from {operation_id}"
    ))
}

/// `Retry-After` in seconds (ServiceTitan does not send dates on these).
fn retry_after(response: &Response) -> Option<Duration> {
    let seconds = response.headers().get(RETRY_AFTER)?.to_str().ok()?;
    seconds.trim().parse().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let b = Backoff {
            first: Duration::from_secs(1),
            max: Duration::from_secs(10),
        };
        let delays: Vec<u64> = (0..6).map(|n| b.delay(n).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 10, 10]);
        assert_eq!(b.delay(u32::MAX), Duration::from_secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn limiter_spaces_runs_of_one_report_and_not_of_others() {
        let limiter = ReportLimiter::new(Duration::from_secs(60));
        let key = |id| ("https://api/reporting/v2/tenant/1".to_owned(), id);
        let start = Instant::now();

        limiter.acquire(key(1)).await;
        limiter.acquire(key(2)).await;
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "different reports do not wait"
        );

        limiter.acquire(key(1)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(60));

        // Two more runs queued at once get the next two slots.
        let (a, b) = (limiter.clone(), limiter.clone());
        let (first, second) = tokio::join!(
            async move {
                a.acquire(key(1)).await;
                start.elapsed()
            },
            async move {
                b.acquire(key(1)).await;
                start.elapsed()
            }
        );
        let mut got = [first, second];
        got.sort();
        assert_eq!(got, [Duration::from_secs(120), Duration::from_secs(180)]);

        // Long after the last run there is no wait.
        tokio::time::sleep(Duration::from_secs(600)).await;
        let before = Instant::now();
        limiter.acquire(key(1)).await;
        assert_eq!(before.elapsed(), Duration::ZERO);
    }

    #[test]
    fn rows_read_by_field_name() {
        let fields = vec![
            Field {
                name: "Name".into(),
                label: "Name".into(),
                data_type: None,
            },
            Field {
                name: "Revenue".into(),
                label: "Total Revenue".into(),
                data_type: None,
            },
        ];
        let data = ReportData::new(
            fields,
            vec![vec!["Ada".into(), 12.5.into()], vec!["Grace".into()]],
            1,
            2,
            false,
            None,
        );
        let row = &data.rows[0];
        assert_eq!(row.get("Revenue"), Some(&Value::from(12.5)));
        assert_eq!(row.get("revenue"), Some(&Value::from(12.5)));
        assert_eq!(row.get_as::<String>("Name").unwrap(), "Ada");
        assert_eq!(data.rows[1].get("Revenue"), None, "short row");
        let Err(Error::Decode(e)) = row.get_as::<i64>("Name") else {
            panic!("a string is not an i64")
        };
        assert_eq!(e.path(), Some("Name"));
        assert!(!e.to_string().contains("Ada"), "{e}");
        assert!(row.get_as::<String>("Missing").is_err());
        assert_eq!(data.field("revenue").unwrap().label, "Total Revenue");
    }
}
