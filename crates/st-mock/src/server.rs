//! The running simulator: a loopback listener serving each connection with hyper.
//!
//! Connections are served here rather than with `axum::serve` because a fault must
//! be able to kill a connection mid-request with a TCP reset, which needs a handle
//! on the socket after hyper has taken it.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::config::{MockBuilder, MockConfig};
use crate::data::Resource;
use crate::drift::Drift;
use crate::fault::{FaultHandle, FaultRule, lock};
use crate::record::RecordedRequest;
use crate::state::Shared;

/// Lets a handler ask for its connection to be reset.
#[derive(Clone, Default)]
pub(crate) struct ConnControl(Arc<Notify>);

impl ConnControl {
    pub(crate) fn reset(&self) {
        self.0.notify_one();
    }
}

/// The simulator's credentials: what a client needs to call it.
///
/// These are simulator credentials, not secrets; `Debug` still redacts the secret so
/// that test output looks the same as with real ones.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Credentials {
    /// OAuth client id.
    pub client_id: String,
    /// OAuth client secret.
    pub client_secret: String,
    /// Value of the `ST-App-Key` header.
    pub app_key: String,
    /// Tenant id.
    pub tenant: i64,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"** redacted **")
            .field("app_key", &"** redacted **")
            .field("tenant", &self.tenant)
            .finish()
    }
}

/// A running ServiceTitan simulator on loopback. Dropping it stops the server and
/// closes its connections.
pub struct MockServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    _shutdown: watch::Sender<()>,
    task: JoinHandle<()>,
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("url", &self.url())
            .field("tenant", &self.shared.config.tenant)
            .finish()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockServer {
    /// Starts a simulator with the default configuration on an ephemeral loopback port.
    ///
    /// # Panics
    /// If no loopback port can be bound.
    pub async fn start() -> MockServer {
        MockBuilder::default().start().await
    }

    /// A builder for a customised simulator.
    pub fn builder() -> MockBuilder {
        MockBuilder::default()
    }

    /// Starts a simulator with `config`.
    pub async fn start_with(config: MockConfig) -> io::Result<MockServer> {
        let listener = TcpListener::bind(config.bind).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(config));
        let app = crate::api::router(shared.clone());
        let (tx, rx) = watch::channel(());
        let task = tokio::spawn(accept(listener, app, rx));
        Ok(MockServer {
            shared,
            addr,
            _shutdown: tx,
            task,
        })
    }

    /// The base URL for both the token endpoint and the API, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `{url}/connect/token`.
    pub fn token_url(&self) -> String {
        format!("{}{}", self.url(), crate::TOKEN_PATH)
    }

    /// The base of a module's tenant-scoped API, e.g. `api_url("crm")` is
    /// `{url}/crm/v2/tenant/{tenant}`.
    pub fn api_url(&self, module: &str) -> String {
        format!(
            "{}/{module}/v2/tenant/{}",
            self.url(),
            self.shared.config.tenant
        )
    }

    /// Client id, secret, app key and tenant that the simulator accepts.
    pub fn credentials(&self) -> Credentials {
        let c = &self.shared.config;
        Credentials {
            client_id: c.client_id.clone(),
            client_secret: c.client_secret.clone(),
            app_key: c.app_key.clone(),
            tenant: c.tenant,
        }
    }

    /// The configuration it was started with.
    pub fn config(&self) -> &MockConfig {
        &self.shared.config
    }

    /// Requests to the token endpoint so far, successful or not.
    pub fn token_requests(&self) -> u64 {
        self.shared.token_requests.load(Ordering::Relaxed)
    }

    /// Access tokens issued so far.
    pub fn tokens_issued(&self) -> u64 {
        self.shared.tokens_issued.load(Ordering::Relaxed)
    }

    /// Requests to anything but the token endpoint so far, including refused ones.
    pub fn api_requests(&self) -> u64 {
        self.shared.api_requests.load(Ordering::Relaxed)
    }

    /// API requests refused with 429 by [`MockConfig::rate_limit`] (not by faults).
    pub fn rate_limited_requests(&self) -> u64 {
        self.shared.rate_limited.load(Ordering::Relaxed)
    }

    /// Asynchronous report queries cancelled with `DELETE …/data-queries/{token}`.
    pub fn report_cancels(&self) -> u64 {
        self.shared.report_cancels.load(Ordering::Relaxed)
    }

    /// The recorded requests, oldest first (at most `max_recorded_requests`).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.log).snapshot()
    }

    /// Recorded requests to anything but the token endpoint.
    pub fn api_request_log(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| !r.is_token_request())
            .collect()
    }

    /// Forgets the recorded requests (counters are kept).
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// Adds a fault rule, live at once; a bare [`Fault`](crate::Fault) hits the next
    /// API request once. Adjust it through the returned handle:
    /// `mock.inject(Fault::Status(503)).times(2)`.
    pub fn inject(&self, rule: impl Into<FaultRule>) -> FaultHandle {
        let id = lock(&self.shared.faults).add(rule.into());
        FaultHandle::new(self.shared.clone(), id)
    }

    /// Removes every fault rule, including those from the configuration.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Revokes every token issued so far: presenting one answers 401.
    pub fn revoke_tokens(&self) {
        lock(&self.shared.tokens).revoke_all();
    }

    /// Expires every token issued so far: presenting one answers 401.
    pub fn expire_tokens(&self) {
        lock(&self.shared.tokens).expire_all();
    }

    /// Replaces the drift applied to every successful API response.
    pub fn set_drift(&self, drift: Drift) {
        lock(&self.shared.live).drift = drift;
    }

    /// Replaces the delay added before every response.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.shared.live).latency = latency;
    }

    /// Ids of a resource's rows, ascending (active or not).
    pub fn ids(&self, resource: Resource) -> Vec<i64> {
        lock(&self.shared.store)
            .table(resource)
            .iter()
            .map(|r| r.id)
            .collect()
    }

    /// Rows of a resource, and how many of them are active.
    pub fn count(&self, resource: Resource) -> (usize, usize) {
        let store = lock(&self.shared.store);
        let table = store.table(resource);
        (table.len(), table.iter().filter(|r| r.active).count())
    }

    /// The JSON of one row, as `GET …/{id}` would serve it (without drift).
    pub fn record(&self, resource: Resource, id: i64) -> Option<Value> {
        lock(&self.shared.store)
            .table(resource)
            .get(id)
            .map(|r| (*r.body).clone())
    }
}

async fn accept(listener: TcpListener, app: Router, shutdown: watch::Receiver<()>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve(stream, app.clone(), shutdown.clone()));
            }
            // Out of file descriptors and the like: back off instead of spinning.
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

async fn serve(stream: TcpStream, app: Router, mut shutdown: watch::Receiver<()>) {
    // A second descriptor for the same socket, kept to set SO_LINGER=0 on reset.
    let Ok(std_stream) = stream.into_std() else {
        return;
    };
    let Ok(spare) = std_stream.try_clone() else {
        return;
    };
    let Ok(stream) = TcpStream::from_std(std_stream) else {
        return;
    };

    let control = ConnControl::default();
    let per_request = control.clone();
    let app = TowerToHyperService::new(app);
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(per_request.clone());
        hyper::service::Service::call(&app, req)
    });
    let conn =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = conn => {}
        _ = control.0.notified() => {
            // With a zero linger, closing the last descriptor sends RST instead of FIN;
            // the connection (and its descriptor) is dropped when this select ends.
            if let Ok(spare) = TcpStream::from_std(spare) {
                let _ = spare.set_zero_linger();
            }
        }
        // The sender is dropped with the MockServer.
        _ = shutdown.changed() => {}
    }
}
