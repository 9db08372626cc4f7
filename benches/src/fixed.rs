//! A minimal HTTP server that answers with fixed bytes, for measuring the client alone.
//!
//! st-mock does real work per request (authentication, the request log, filtering, serialising
//! rows), which is the same for every client but adds its own time and noise to each call. This
//! server answers the token request and the employees list from bytes prepared in advance, so
//! that nearly all of a call's latency is the client's. It runs on its own thread and Tokio
//! runtime, so that it never shares a scheduler with the client under test.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use bytes::Bytes;
use tokio::sync::oneshot;

/// The tenant in the fixed server's paths.
pub const TENANT: u64 = 1_234_567;
/// Client id the fixed server accepts (it accepts any).
pub const CLIENT_ID: &str = "cid.bench";
/// Client secret the fixed server accepts (it accepts any).
pub const CLIENT_SECRET: &str = "cs1.bench";
/// App key sent to the fixed server (it does not check it).
pub const APP_KEY: &str = "ak1.bench";
/// The access token every token request gets.
pub const ACCESS_TOKEN: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// A running fixed-bytes server; stops when dropped.
pub struct FixedServer {
    addr: SocketAddr,
    token_requests: Arc<AtomicU64>,
    api_requests: Arc<AtomicU64>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FixedServer {
    /// Serves `POST /connect/token` (a bearer token valid for an hour) and
    /// `GET /settings/v2/tenant/{TENANT}/employees` (`employees`, whatever the query) on an
    /// ephemeral loopback port.
    pub fn start(employees: Bytes) -> FixedServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("local address");
        let token_requests = Arc::new(AtomicU64::new(0));
        let api_requests = Arc::new(AtomicU64::new(0));
        let token_body = Bytes::from(format!(
            r#"{{"access_token":"{ACCESS_TOKEN}","expires_in":3600,"token_type":"Bearer","scope":"tn.stt.employees:r"}}"#
        ));

        let tokens = token_requests.clone();
        let apis = api_requests.clone();
        let router = Router::new()
            .route(
                "/connect/token",
                post(move || {
                    tokens.fetch_add(1, Ordering::Relaxed);
                    let body = token_body.clone();
                    async move { ([(CONTENT_TYPE, "application/json")], body) }
                }),
            )
            .route(
                &format!("/settings/v2/tenant/{TENANT}/employees"),
                get(move || {
                    apis.fetch_add(1, Ordering::Relaxed);
                    let body = employees.clone();
                    async move { ([(CONTENT_TYPE, "application/json; charset=utf-8")], body) }
                }),
            );

        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("fixed-server".into())
            .spawn(move || {
                crate::alloc_count::exclude_this_thread();
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("server runtime");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)
                        .expect("tokio listener")
                        .tap_io(|tcp| {
                            let _ = tcp.set_nodelay(true);
                        });
                    let _ = axum::serve(listener, router)
                        .with_graceful_shutdown(async move {
                            let _ = stopped.await;
                        })
                        .await;
                });
            })
            .expect("spawn server thread");

        FixedServer {
            addr,
            token_requests,
            api_requests,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:<port>`: both the auth and the API host.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Token requests answered so far.
    pub fn token_requests(&self) -> u64 {
        self.token_requests.load(Ordering::Relaxed)
    }

    /// Employees requests answered so far.
    pub fn api_requests(&self) -> u64 {
        self.api_requests.load(Ordering::Relaxed)
    }
}

impl Drop for FixedServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // Graceful shutdown waits for open connections; clients are dropped before the server
        // in every benchmark, so this returns promptly. Not joining would leak the thread only.
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
