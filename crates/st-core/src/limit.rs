//! The client-side request rate limit, per (app key, tenant).

use std::num::NonZeroU32;

use governor::{DefaultDirectRateLimiter, Quota};

/// How fast one app may call one tenant, enforced before every attempt (retries included).
///
/// ServiceTitan allows 60 requests per second per app and tenant and answers `429` beyond. The
/// default stays below that with room for clock skew: 50 per second with bursts of 5, which
/// makes at most 55 in any one-second window.
///
/// ```
/// let relaxed = st_core::RateLimit::per_second(20).with_burst(2);
/// let none = st_core::RateLimit::unlimited();
/// # let _ = (relaxed, none);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    quota: Option<(NonZeroU32, NonZeroU32)>,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self::per_second(50)
    }
}

impl RateLimit {
    /// `per_second` requests per second (at least 1), with bursts of a tenth of that.
    pub fn per_second(per_second: u32) -> Self {
        let rate = NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(rate.get() / 10).unwrap_or(NonZeroU32::MIN);
        Self {
            quota: Some((rate, burst)),
        }
    }

    /// The same rate, allowing `burst` requests at once (at least 1).
    pub fn with_burst(self, burst: u32) -> Self {
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        Self {
            quota: self.quota.map(|(rate, _)| (rate, burst)),
        }
    }

    /// No client-side limit (ServiceTitan's `429`s are still retried).
    pub fn unlimited() -> Self {
        Self { quota: None }
    }

    pub(crate) fn limiter(self) -> Option<RateLimiter> {
        self.quota.map(|(rate, burst)| RateLimiter {
            inner: DefaultDirectRateLimiter::direct(Quota::per_second(rate).allow_burst(burst)),
        })
    }
}

/// A [`RateLimit`] in force for one (app key, tenant).
#[derive(Debug)]
pub(crate) struct RateLimiter {
    inner: DefaultDirectRateLimiter,
}

impl RateLimiter {
    /// Waits until one more request fits the limit.
    pub(crate) async fn acquire(&self) {
        self.inner.until_ready().await;
    }
}
