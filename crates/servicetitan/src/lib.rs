//! The ServiceTitan SDK for Rust: one entry point to the typed client of every ServiceTitan API
//! area, all sharing one runtime ([`Core`]): one OAuth2 token cache, one `ST-App-Key`, one retry
//! policy and rate limiter, one HTTP connection pool.
//!
//! Each area is a separate generated crate behind an off-by-default feature named after it
//! (`crm`, `settings`, `equipment-systems`, …; `full` turns on all 24), so an application compiles
//! only the areas it calls:
//!
//! ```toml
//! [dependencies]
//! servicetitan = { version = "0.1", features = ["crm", "settings"] }
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! futures = "0.3"
//! ```
//!
//! ```no_run
//! # #[cfg(all(feature = "crm", feature = "settings"))]
//! # mod example {
//! use futures::TryStreamExt;
//! use servicetitan::ServiceTitan;
//!
//! #[tokio::main]
//! async fn main() -> Result<(), servicetitan::Error> {
//!     // ST_CLIENT_ID, ST_CLIENT_SECRET, ST_APP_KEY, ST_TENANT_ID and optionally ST_ENVIRONMENT
//!     // (`integration`, the default, or `production`).
//!     let st = ServiceTitan::from_env()?;
//!     // Fetch the token now, so that wrong credentials fail here with `Error::Auth`.
//!     st.connect().await?;
//!
//!     // One page of the settings employees list.
//!     let page = st.settings().employees_get_list().page_size(10).send().await?.into_inner();
//!     for employee in &page.data {
//!         println!("{} {} ({})", employee.id, employee.name, employee.role);
//!     }
//!
//!     // Every customer, page by page as the stream is read, with the same token.
//!     let mut customers = st.crm().customers_get_list().page_size(500).stream();
//!     while let Some(customer) = customers.try_next().await? {
//!         println!("{} {}", customer.id, customer.name);
//!     }
//!     Ok(())
//! }
//! # }
//! # fn main() {}
//! ```
//!
//! What is here:
//!
//! - [`ServiceTitan`]: built from the environment ([`ServiceTitan::from_env`]) or from a
//!   [`Core`] configured in code ([`ServiceTitan::new`]); `.crm()`, `.settings()`, … return
//!   each area's `Client`, built on first use and sharing the core.
//! - One module per enabled area (`servicetitan::crm`, `servicetitan::settings`, …): the
//!   generated crate itself, with its `Client`, `types` and `builder` modules.
//! - Everything public in [`st_core`], re-exported: [`Core`] and [`CoreBuilder`],
//!   [`Environment`], [`Credentials`], [`Error`] and its parts, [`RetryPolicy`],
//!   [`RateLimit`], [`TokenSource`], the lenient value types and [`paging`] (streams, export
//!   feeds and their [`paging::Checkpoint`]).
//!
//! TLS: the `rustls` feature (default) uses rustls; `native-tls` (with `default-features = false`)
//! uses the platform's TLS library instead. Both are passed through to st-core's HTTP client.
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

use std::fmt;
use std::sync::Arc;

pub use st_core;
pub use st_core::*;

/// Declares, for each area: the re-export of its crate, its slot in [`Clients`] and the
/// accessor on [`ServiceTitan`], all behind the area's feature.
macro_rules! areas {
    ($($feature:literal, $krate:ident, $module:ident, $title:literal;)*) => {
        $(
            #[cfg(feature = $feature)]
            #[cfg_attr(docsrs, doc(cfg(feature = $feature)))]
            #[doc = concat!(
                "The ", $title, " API: the generated `", stringify!($krate), "` crate ",
                "(feature `", $feature, "`)."
            )]
            pub use $krate as $module;
        )*

        /// The area clients built so far; each is built on first use.
        #[derive(Default)]
        struct Clients {
            $(
                #[cfg(feature = $feature)]
                $module: std::sync::OnceLock<$module::Client>,
            )*
        }

        impl ServiceTitan {
            $(
                #[cfg(feature = $feature)]
                #[cfg_attr(docsrs, doc(cfg(feature = $feature)))]
                #[doc = concat!(
                    "The ", $title, " client (`", stringify!($module), "::Client`), sharing this ",
                    "`ServiceTitan`'s core: same tenant, token cache, retry policy and connection ",
                    "pool. Built on the first call; clone it to keep an owned handle."
                )]
                pub fn $module(&self) -> &$module::Client {
                    self.clients
                        .$module
                        .get_or_init(|| $module::Client::from_core(&self.core))
                }
            )*
        }
    };
}

areas! {
    "accounting", servicetitan_accounting, accounting, "Accounting";
    "crm", servicetitan_crm, crm, "CRM";
    "customer-interactions", servicetitan_customer_interactions, customer_interactions, "Customer Interactions";
    "dispatch", servicetitan_dispatch, dispatch, "Dispatch";
    "equipment-systems", servicetitan_equipment_systems, equipment_systems, "Equipment Systems";
    "findings", servicetitan_findings, findings, "Findings";
    "forms", servicetitan_forms, forms, "Forms";
    "inventory", servicetitan_inventory, inventory, "Inventory";
    "jbce", servicetitan_jbce, jbce, "Job Booking";
    "jpm", servicetitan_jpm, jpm, "Job Planning and Management";
    "marketing", servicetitan_marketing, marketing, "Marketing";
    "marketing-ads", servicetitan_marketing_ads, marketing_ads, "Marketing Ads";
    "marketing-reputation", servicetitan_marketing_reputation, marketing_reputation, "Marketing Reputation";
    "memberships", servicetitan_memberships, memberships, "Memberships";
    "payroll", servicetitan_payroll, payroll, "Payroll";
    "pricebook", servicetitan_pricebook, pricebook, "Pricebook";
    "reporting", servicetitan_reporting, reporting, "Reporting";
    "salestech", servicetitan_salestech, salestech, "Sales & Estimates";
    "scheduling-pro", servicetitan_scheduling_pro, scheduling_pro, "Scheduling Pro";
    "service-agreements", servicetitan_service_agreements, service_agreements, "Service Agreements";
    "settings", servicetitan_settings, settings, "Settings";
    "task-management", servicetitan_task_management, task_management, "Task Management";
    "telecom", servicetitan_telecom, telecom, "Telecom";
    "timesheets", servicetitan_timesheets, timesheets, "Timesheets";
}

/// One tenant's entry point to every enabled ServiceTitan area.
///
/// Holds a [`Core`] and hands out each area's `Client` built on it (`.crm()`, `.settings()`, …,
/// one method per enabled feature), so that all areas share one token cache, app key, retry
/// budget, rate limiter and connection pool. Cheap to clone: clones share the core and the
/// clients already built.
///
/// One `ServiceTitan` per tenant; [`ServiceTitan::for_tenant`] makes the one of another tenant
/// that still shares the connection pool and the app key.
///
/// ```no_run
/// use std::time::Duration;
/// use servicetitan::{Core, Credentials, Environment, RetryPolicy, ServiceTitan};
///
/// let core = Core::builder()
///     .environment(Environment::Production)
///     .credentials(Credentials::new("cid.abc123", "cs1.secret"))
///     .app_key("ak1.appkey")
///     .tenant(1234567)
///     .retry_policy(RetryPolicy::default().with_max_attempts(5))
///     .build()?;
/// let st = ServiceTitan::new(core);
/// # #[cfg(feature = "crm")]
/// let crm = st.crm(); // `servicetitan::crm::Client`
/// # Ok::<(), servicetitan::Error>(())
/// ```
#[derive(Clone)]
pub struct ServiceTitan {
    core: Core,
    // Read only by the per-area accessors, which all sit behind features.
    #[allow(dead_code)]
    clients: Arc<Clients>,
}

impl ServiceTitan {
    /// An entry point over `core` (configured with [`Core::builder`]).
    pub fn new(core: Core) -> Self {
        Self {
            core,
            clients: Arc::default(),
        }
    }

    /// An entry point configured from `ST_CLIENT_ID`, `ST_CLIENT_SECRET`, `ST_APP_KEY`,
    /// `ST_TENANT_ID` and optionally `ST_ENVIRONMENT` or `ST_AUTH_URL` + `ST_API_URL`, with
    /// default policies (see [`Core::from_env`]). Errors name the variable that is missing or
    /// malformed. For other policies, start from [`CoreBuilder::from_env`] and pass the built
    /// core to [`ServiceTitan::new`].
    pub fn from_env() -> Result<Self, Error> {
        Core::from_env().map(Self::new)
    }

    /// Fetches a token now, so that wrong credentials fail at start-up (with [`Error::Auth`])
    /// rather than at the first call.
    pub async fn connect(&self) -> Result<(), Error> {
        self.core.connect().await
    }

    /// The runtime every area client of this entry point shares.
    pub fn core(&self) -> &Core {
        &self.core
    }

    /// The tenant this entry point calls.
    pub fn tenant(&self) -> TenantId {
        self.core.tenant()
    }

    /// The ServiceTitan environment (auth and API hosts).
    pub fn environment(&self) -> &Environment {
        self.core.environment()
    }

    /// The entry point of another tenant of the same app: same connection pool, app key,
    /// environment, policies and retry budget; that tenant's `credentials` and its own token
    /// cache and rate limiter (see [`Core::for_tenant`]).
    pub fn for_tenant(
        &self,
        tenant: impl Into<TenantId>,
        credentials: Credentials,
    ) -> Result<Self, Error> {
        self.core.for_tenant(tenant, credentials).map(Self::new)
    }
}

impl From<Core> for ServiceTitan {
    fn from(core: Core) -> Self {
        Self::new(core)
    }
}

impl fmt::Debug for ServiceTitan {
    /// The core (which redacts its secrets); the area clients add nothing but their base URLs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceTitan")
            .field("core", &self.core)
            .finish_non_exhaustive()
    }
}
