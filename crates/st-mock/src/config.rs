//! Configuration of a simulator instance, and the builder that starts one.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use crate::data::Resource;
use crate::drift::Drift;
use crate::fault::FaultRule;
use crate::server::MockServer;

/// How many rows each seeded resource starts with.
///
/// The defaults are large enough that paging is real at the default page size of 50
/// (employees span 3 pages, locations 18) and small enough to seed in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SeedSizes {
    /// Rows in `settings` employees (default 120).
    pub employees: usize,
    /// Rows in `settings` technicians (default 80).
    pub technicians: usize,
    /// Rows in `crm` customers (default 500).
    pub customers: usize,
    /// Rows in `crm` locations (default 900; the first one per customer is its own address).
    pub locations: usize,
    /// Rows in `jpm` jobs (default 700).
    pub jobs: usize,
    /// Rows in `accounting` invoices (default 600; invoice *i* bills job *i*).
    pub invoices: usize,
}

impl Default for SeedSizes {
    fn default() -> Self {
        SeedSizes {
            employees: 120,
            technicians: 80,
            customers: 500,
            locations: 900,
            jobs: 700,
            invoices: 600,
        }
    }
}

impl SeedSizes {
    /// The size of one resource.
    pub fn get(&self, resource: Resource) -> usize {
        match resource {
            Resource::Employees => self.employees,
            Resource::Technicians => self.technicians,
            Resource::Customers => self.customers,
            Resource::Locations => self.locations,
            Resource::Jobs => self.jobs,
            Resource::Invoices => self.invoices,
        }
    }

    /// Sets the size of one resource.
    pub fn set(&mut self, resource: Resource, rows: usize) -> &mut Self {
        match resource {
            Resource::Employees => self.employees = rows,
            Resource::Technicians => self.technicians = rows,
            Resource::Customers => self.customers = rows,
            Resource::Locations => self.locations = rows,
            Resource::Jobs => self.jobs = rows,
            Resource::Invoices => self.invoices = rows,
        }
        self
    }
}

/// Everything a simulator instance is started with.
///
/// `MockConfig::default()` is what [`MockServer::start`] uses; change fields, then
/// pass it to [`MockServer::start_with`], or use [`MockServer::builder`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MockConfig {
    /// Listen address; default `127.0.0.1:0` (an ephemeral loopback port).
    pub bind: SocketAddr,
    /// The one tenant the client credentials are connected to (default `1234567`).
    pub tenant: i64,
    /// OAuth client id (ServiceTitan style `cid.…`).
    pub client_id: String,
    /// OAuth client secret (`cs1.…`).
    pub client_secret: String,
    /// Application key expected in the `ST-App-Key` header (`ak1.…`).
    pub app_key: String,
    /// Lifetime of issued access tokens; `expires_in` is its whole seconds (default 900 s).
    pub token_lifetime: Duration,
    /// Seed of the generated data; the same seed gives the same rows.
    pub seed: u64,
    /// Rows per seeded resource.
    pub sizes: SeedSizes,
    /// When set, `GET /crm/v2/tenant/{tenant}/export/customers` serves this many
    /// synthetic rows computed on demand from their index, instead of the seeded table
    /// (for streaming benchmarks: memory stays at one page however many rows).
    pub export_rows: Option<u64>,
    /// Rows per export page (default 500). ServiceTitan does not document its export
    /// batch size; clients must follow `hasMore`/`continueFrom`, never count rows.
    pub export_page_size: usize,
    /// Rows of the simulated reports (default 1,500; report pages default to 1,000 rows).
    pub report_rows: u64,
    /// How many status polls of an async report query answer 202 before the data is
    /// ready (default 2). With 0, `POST …/data/query` answers 200 with data at once.
    pub report_polls: u32,
    /// Delay added before every response (default none).
    pub latency: Duration,
    /// Drift applied to every successful API response (default none).
    pub drift: Drift,
    /// Fault rules active from the start (the command line's `--fault`).
    pub faults: Vec<FaultRule>,
    /// How many requests [`MockServer::requests`] keeps (oldest dropped first; default 10,000).
    pub max_recorded_requests: usize,
    /// API requests accepted per rolling second before answering 429 with
    /// `Retry-After` (default none). ServiceTitan limits each app per tenant.
    pub rate_limit: Option<u32>,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            tenant: 1_234_567,
            client_id: "cid.stmock0client0000000000001".into(),
            client_secret: "cs1.stmock0secret0not0a0real0secret0000000000000001".into(),
            app_key: "ak1.stmock0appkey000000000001".into(),
            token_lifetime: Duration::from_secs(900),
            seed: 0x5EED,
            sizes: SeedSizes::default(),
            export_rows: None,
            export_page_size: 500,
            report_rows: 1_500,
            report_polls: 2,
            latency: Duration::ZERO,
            drift: Drift::NONE,
            faults: Vec::new(),
            max_recorded_requests: 10_000,
            rate_limit: None,
        }
    }
}

/// Builds a [`MockConfig`] and starts the server: `MockServer::builder().tenant(42).start().await`.
#[derive(Debug, Clone, Default)]
#[must_use = "call .start().await to run the server"]
pub struct MockBuilder {
    config: MockConfig,
}

impl MockBuilder {
    /// Starts from an existing configuration.
    pub fn from_config(config: MockConfig) -> Self {
        MockBuilder { config }
    }

    /// Listen address (default `127.0.0.1:0`).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.config.bind = addr;
        self
    }

    /// Tenant id.
    pub fn tenant(mut self, tenant: i64) -> Self {
        self.config.tenant = tenant;
        self
    }

    /// OAuth client id and secret.
    pub fn client(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.config.client_id = id.into();
        self.config.client_secret = secret.into();
        self
    }

    /// Application key expected in `ST-App-Key`.
    pub fn app_key(mut self, key: impl Into<String>) -> Self {
        self.config.app_key = key.into();
        self
    }

    /// Access token lifetime.
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.token_lifetime = lifetime;
        self
    }

    /// Data seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }

    /// Rows of one seeded resource.
    pub fn size(mut self, resource: Resource, rows: usize) -> Self {
        self.config.sizes.set(resource, rows);
        self
    }

    /// Rows of every seeded resource.
    pub fn sizes(mut self, sizes: SeedSizes) -> Self {
        self.config.sizes = sizes;
        self
    }

    /// Serve a synthetic customers export feed of `rows` rows (see [`MockConfig::export_rows`]).
    pub fn export_rows(mut self, rows: u64) -> Self {
        self.config.export_rows = Some(rows);
        self
    }

    /// Rows per export page.
    pub fn export_page_size(mut self, rows: usize) -> Self {
        self.config.export_page_size = rows.max(1);
        self
    }

    /// Rows of the simulated reports.
    pub fn report_rows(mut self, rows: u64) -> Self {
        self.config.report_rows = rows;
        self
    }

    /// Status polls answering 202 before an async report query is done.
    pub fn report_polls(mut self, polls: u32) -> Self {
        self.config.report_polls = polls;
        self
    }

    /// Delay before every response.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.config.latency = latency;
        self
    }

    /// Drift applied to every successful API response.
    pub fn drift(mut self, drift: Drift) -> Self {
        self.config.drift = drift;
        self
    }

    /// A fault rule active from the start.
    pub fn fault(mut self, rule: FaultRule) -> Self {
        self.config.faults.push(rule);
        self
    }

    /// Capacity of the request log.
    pub fn max_recorded_requests(mut self, n: usize) -> Self {
        self.config.max_recorded_requests = n;
        self
    }

    /// Accept at most `per_second` API requests per rolling second; more get 429.
    pub fn rate_limit(mut self, per_second: u32) -> Self {
        self.config.rate_limit = Some(per_second);
        self
    }

    /// The configuration built so far.
    pub fn config(&self) -> &MockConfig {
        &self.config
    }

    /// Binds and starts serving.
    ///
    /// # Panics
    /// If the listen address cannot be bound (use [`MockBuilder::try_start`] to handle that).
    pub async fn start(self) -> MockServer {
        let bind = self.config.bind;
        match self.try_start().await {
            Ok(server) => server,
            Err(e) => panic!("st-mock: cannot listen on {bind}: {e}"),
        }
    }

    /// Binds and starts serving, returning bind errors.
    pub async fn try_start(self) -> std::io::Result<MockServer> {
        MockServer::start_with(self.config).await
    }
}
