//! When and how long to wait before trying a request again, and the budget that caps retries.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use rand::Rng;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, Response, StatusCode};

/// How failed requests are retried.
///
/// - `429 Too Many Requests` and `503 Service Unavailable` are retried for every method,
///   waiting as long as `Retry-After` says (seconds or an HTTP date) when present.
/// - `500`, `502`, `504`, timeouts and connections that broke mid-request are retried only for
///   idempotent methods (`GET`, `PUT`, `DELETE`, `HEAD`, `OPTIONS`): a `POST` or `PATCH` may have
///   taken effect.
/// - Failures to connect are retried for every method: the request never left.
/// - Waits are "full jitter" exponential backoff: a random duration between zero and
///   `base_delay × 2^retry`, capped at `max_delay`.
/// - At most `max_attempts` sends per call, and every retry spends from a budget shared by all
///   tenants of an app (a token bucket: `retry_cost` per retry, `timeout_cost` after a timeout,
///   one token back per success), so a ServiceTitan outage does not multiply traffic.
/// - A `401` is not governed by this policy: the rejected token is dropped and the request sent
///   once more with a new one.
///
/// ```
/// use std::time::Duration;
/// let policy = st_core::RetryPolicy::default()
///     .with_max_attempts(5)
///     .with_base_delay(Duration::from_millis(100));
/// # let _ = policy;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) budget_capacity: u32,
    pub(crate) retry_cost: u32,
    pub(crate) timeout_cost: u32,
}

impl Default for RetryPolicy {
    /// 4 attempts, 250 ms base delay, 20 s cap, `Retry-After` honoured up to 60 s, a budget of
    /// 500 with retries costing 5 (10 after a timeout): the numbers of the AWS SDKs' standard
    /// retry mode, which has kept fleets from amplifying outages.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
            budget_capacity: 500,
            retry_cost: 5,
            timeout_cost: 10,
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is sent once (a `401` still gets its one retry with a new token).
    pub fn disabled() -> Self {
        Self::default().with_max_attempts(1)
    }

    /// Sends per call, including the first (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff base: the first retry waits up to this long, the next up to twice as long…
    pub fn with_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest backoff wait.
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest `Retry-After` to wait for; a longer one ends the retries and returns the
    /// error (with its `retry_after`) to the caller.
    pub fn with_max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// The retry budget: bucket size, cost of a retry and cost of a retry after a timeout.
    pub fn with_budget(mut self, capacity: u32, retry_cost: u32, timeout_cost: u32) -> Self {
        self.budget_capacity = capacity;
        self.retry_cost = retry_cost;
        self.timeout_cost = timeout_cost;
        self
    }

    /// The full-jitter wait before retry number `retry` (0 for the first retry).
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.min(30)))
            .min(self.max_delay);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::rng().random_range(0..=nanos))
    }

    pub(crate) fn cost(&self, reason: RetryReason) -> u32 {
        match reason {
            RetryReason::Timeout => self.timeout_cost,
            _ => self.retry_cost,
        }
    }
}

/// The retry budget shared by every `Core` of one app: a token bucket that retries draw from and
/// successes refill.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    capacity: u32,
    available: Mutex<u32>,
}

impl RetryBudget {
    pub(crate) fn new(capacity: u32) -> Self {
        Self {
            capacity,
            available: Mutex::new(capacity),
        }
    }

    /// Takes `cost` tokens if there are that many.
    pub(crate) fn try_withdraw(&self, cost: u32) -> bool {
        let mut available = self.available.lock().unwrap_or_else(|e| e.into_inner());
        if *available >= cost {
            *available -= cost;
            true
        } else {
            false
        }
    }

    /// Returns `amount` tokens, up to the capacity.
    pub(crate) fn deposit(&self, amount: u32) {
        let mut available = self.available.lock().unwrap_or_else(|e| e.into_inner());
        *available = available.saturating_add(amount).min(self.capacity);
    }
}

/// Why an attempt may be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RetryReason {
    /// 429 or 503: the server asks us to come back.
    Throttled,
    /// 500, 502, 504.
    ServerError,
    /// The attempt timed out.
    Timeout,
    /// The connection could not be opened.
    Connect,
    /// The connection broke during the exchange.
    Broken,
}

impl RetryReason {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Throttled => "throttled",
            Self::ServerError => "server error",
            Self::Timeout => "timeout",
            Self::Connect => "connect failure",
            Self::Broken => "connection broken",
        }
    }
}

/// What to do after one attempt.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Return this result.
    Done,
    /// Replace the token and resend once.
    Unauthorized,
    /// Retry, if attempts and budget allow.
    Retry {
        reason: RetryReason,
        retry_after: Option<Duration>,
    },
}

pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS
    )
}

pub(crate) fn classify(method: &Method, result: &reqwest::Result<Response>) -> Verdict {
    let idempotent = is_idempotent(method);
    let retry = |reason| Verdict::Retry {
        reason,
        retry_after: None,
    };
    match result {
        Ok(response) => match response.status() {
            StatusCode::UNAUTHORIZED => Verdict::Unauthorized,
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => Verdict::Retry {
                reason: RetryReason::Throttled,
                retry_after: parse_retry_after(response.headers(), SystemTime::now()),
            },
            StatusCode::INTERNAL_SERVER_ERROR
            | StatusCode::BAD_GATEWAY
            | StatusCode::GATEWAY_TIMEOUT
                if idempotent =>
            {
                retry(RetryReason::ServerError)
            }
            _ => Verdict::Done,
        },
        // A failed connect (refused, DNS, TLS handshake, connect timeout) never sent the request,
        // so even a POST is safe to resend.
        Err(e) if e.is_connect() => retry(RetryReason::Connect),
        Err(e) if e.is_timeout() && idempotent => retry(RetryReason::Timeout),
        Err(e) if e.is_request() && idempotent => retry(RetryReason::Broken),
        Err(_) => Verdict::Done,
    }
}

/// Reads `Retry-After` as delay-seconds or as an HTTP date relative to `now` (a date in the past
/// means "now").
pub(crate) fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::from_secs_f64(seconds.min(1e9)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        parse_retry_after(&headers, now)
    }

    #[test]
    fn reads_retry_after_in_seconds_and_as_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(retry_after("1.5", now), Some(Duration::from_millis(1500)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(retry_after(&later, now), Some(Duration::from_secs(30)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-3", now), None);
    }

    #[test]
    fn backoff_stays_under_the_exponential_ceiling_and_the_cap() {
        let policy = RetryPolicy::default()
            .with_base_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_millis(350));
        for _ in 0..200 {
            assert!(policy.backoff(0) <= Duration::from_millis(100));
            assert!(policy.backoff(1) <= Duration::from_millis(200));
            assert!(policy.backoff(2) <= Duration::from_millis(350));
            assert!(policy.backoff(40) <= Duration::from_millis(350));
        }
    }

    #[test]
    fn budget_refuses_when_empty_and_refills_up_to_capacity() {
        let budget = RetryBudget::new(10);
        assert!(budget.try_withdraw(5));
        assert!(budget.try_withdraw(5));
        assert!(!budget.try_withdraw(5));
        budget.deposit(100);
        assert!(budget.try_withdraw(10));
        assert!(!budget.try_withdraw(1));
    }

    #[test]
    fn only_idempotent_methods_count_as_idempotent() {
        for m in [
            Method::GET,
            Method::PUT,
            Method::DELETE,
            Method::HEAD,
            Method::OPTIONS,
        ] {
            assert!(is_idempotent(&m));
        }
        for m in [Method::POST, Method::PATCH] {
            assert!(!is_idempotent(&m));
        }
    }
}
