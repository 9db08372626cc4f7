//! Starting a simulator and pointing the SDK at it, the way an application would configure a
//! real environment (custom hosts, client credentials, app key, tenant).

use std::time::Duration;

use servicetitan::{Core, Credentials, Environment, RateLimit, RetryPolicy, ServiceTitan};
use st_mock::{MockBuilder, MockServer, RecordedRequest};

/// A simulator and an SDK entry point configured for it.
pub struct Harness {
    pub mock: MockServer,
    pub st: ServiceTitan,
}

impl Harness {
    /// A default simulator (seeded data, no faults).
    pub async fn start() -> Self {
        Self::start_with(MockServer::builder()).await
    }

    /// A simulator configured by `builder`.
    pub async fn start_with(builder: MockBuilder) -> Self {
        let mock = builder.start().await;
        let st = ServiceTitan::new(core_for(&mock));
        Self { mock, st }
    }

    /// Another entry point on the same simulator, with its own token cache: a second process.
    pub fn restart_client(&self) -> ServiceTitan {
        ServiceTitan::new(core_for(&self.mock))
    }

    /// API requests the simulator saw (not the token endpoint), oldest first.
    pub fn api_requests(&self) -> Vec<RecordedRequest> {
        self.mock.api_request_log()
    }

    /// The seeded JSON row `id` of `resource`, as the simulator serves it without drift.
    pub fn record(&self, resource: st_mock::Resource, id: i64) -> serde_json::Value {
        self.mock
            .record(resource, id)
            .unwrap_or_else(|| panic!("{resource:?} {id} is not seeded"))
    }

    /// Ids of the active rows of `resource`, ascending: what a list returns by default.
    pub fn active_ids(&self, resource: st_mock::Resource) -> Vec<i64> {
        self.mock
            .ids(resource)
            .into_iter()
            .filter(|id| self.record(resource, *id)["active"] == true)
            .collect()
    }
}

/// The retry policy of these tests: the defaults (4 attempts, `Retry-After` honoured up to
/// 60 s) with millisecond backoff, so that retried faults cost no time.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_base_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(5))
}

/// A core for `mock`, as an application configures one for a real environment.
pub fn core_for(mock: &MockServer) -> Core {
    let credentials = mock.credentials();
    core_with_secret(mock, &credentials.client_secret)
}

/// Like [`core_for`], with another client secret.
pub fn core_with_secret(mock: &MockServer, client_secret: &str) -> Core {
    let credentials = mock.credentials();
    Core::builder()
        .environment(Environment::custom(&mock.url(), &mock.url()).expect("loopback URLs"))
        .credentials(Credentials::new(
            credentials.client_id.as_str(),
            client_secret,
        ))
        .app_key(credentials.app_key.as_str())
        .tenant(u64::try_from(credentials.tenant).expect("positive tenant"))
        .retry_policy(fast_retries())
        // The limiter is st-core's own business (tested there); here it would only slow the
        // paging tests down.
        .rate_limit(RateLimit::unlimited())
        .build()
        .expect("valid configuration")
}

/// The value of the `Authorization` header of a request.
pub fn authorization(request: &RecordedRequest) -> &str {
    request
        .header("authorization")
        .expect("an Authorization header")
}
