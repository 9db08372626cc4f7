//! What the examples share: deciding where their requests go.
//!
//! With `ST_CLIENT_ID` set, an example talks to the ServiceTitan environment the `ST_*`
//! variables describe ([`servicetitan::ServiceTitan::from_env`]). Without it, it starts the
//! simulator (`st-mock`) inside the process and points the SDK at it, so that every example runs
//! on a fresh clone with no credentials and no network. Either way the first line printed says
//! which.

use servicetitan::{Core, Credentials, Environment, Error, ServiceTitan};
use st_mock::MockServer;

/// Where an example's requests go, and the simulator when it is the target.
pub struct Session {
    /// The SDK's entry point.
    pub st: ServiceTitan,
    /// The in-process simulator, when no `ST_CLIENT_ID` is set. It stops when dropped, so it
    /// lives as long as the session.
    pub simulator: Option<MockServer>,
}

impl Session {
    /// A short name of the target: `simulator`, `integration`, `production` or `custom`.
    pub fn target(&self) -> &'static str {
        if self.simulator.is_some() {
            return "simulator";
        }
        match self.st.environment() {
            Environment::Integration => "integration",
            Environment::Production => "production",
            _ => "custom",
        }
    }
}

/// Connects to the environment in `ST_*`, or, when `ST_CLIENT_ID` is not set, starts the
/// simulator and connects to it. Prints one line saying which.
pub async fn connect() -> Result<Session, Error> {
    if std::env::var_os(servicetitan::env::CLIENT_ID).is_some() {
        let st = ServiceTitan::from_env()?;
        println!(
            "ST_CLIENT_ID set: using ServiceTitan {} (tenant {})",
            st.environment(),
            st.tenant()
        );
        return Ok(Session {
            st,
            simulator: None,
        });
    }

    // Export pages of 100 rows (instead of the simulator's 500) so that the export example has
    // several pages to checkpoint between.
    let simulator = MockServer::builder().export_page_size(100).start().await;
    println!(
        "No ST_CLIENT_ID set: using the built-in ServiceTitan simulator at {}",
        simulator.url()
    );
    // The simulator's own credentials, configured the way an application configures real ones.
    let credentials = simulator.credentials();
    let tenant = u64::try_from(credentials.tenant)
        .map_err(|_| Error::Other("the simulator's tenant id is negative".into()))?;
    let core = Core::builder()
        .environment(Environment::custom(&simulator.url(), &simulator.url())?)
        .credentials(Credentials::new(
            credentials.client_id.as_str(),
            credentials.client_secret.as_str(),
        ))
        .app_key(credentials.app_key.as_str())
        .tenant(tenant)
        .build()?;
    Ok(Session {
        st: ServiceTitan::new(core),
        simulator: Some(simulator),
    })
}
