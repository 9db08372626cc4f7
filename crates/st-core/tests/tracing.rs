//! Tracing output over a full exchange (token, 401, retry, success, rejected credentials)
//! contains the operation and outcome but no secret, token or app key.
//!
//! A binary of its own: tracing caches per-callsite interest globally, and a subscriber scoped
//! to one test thread races with other tests registering the same callsites.

#[allow(dead_code)]
#[path = "runtime/support.rs"]
mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use st_core::{CoreBuilder, Credentials, Environment, TokenPolicy};
use wiremock::matchers::{header, path};
use wiremock::{Mock, ResponseTemplate};

use support::*;

/// A `MakeWriter` collecting everything into one buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn tracing_output_shows_operations_but_no_secrets() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = server().await;
    // A rejected token, a retried 503 and a success.
    Mock::given(path(api_path("/customers/1")))
        .and(header(
            "authorization",
            format!("Bearer {}", token(1)).as_str(),
        ))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(path(api_path("/customers/1")))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path(api_path("/customers/1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json(1)))
        .with_priority(5)
        .mount(&server)
        .await;
    let client = area::Client::from_core(&core(&server));
    client.customers_get(1).await.unwrap();

    // And a token endpoint that rejects the credentials.
    let failing = wiremock::MockServer::start().await;
    Mock::given(path("/connect/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"})))
        .mount(&failing)
        .await;
    let broken = CoreBuilder::default()
        .environment(Environment::custom(&failing.uri(), &failing.uri()).unwrap())
        .credentials(Credentials::new(CLIENT_ID, CLIENT_SECRET))
        .app_key(APP_KEY)
        .tenant(TENANT)
        .token_policy(TokenPolicy::default().with_load_timeout(Duration::from_secs(5)))
        .build()
        .unwrap();
    assert!(broken.connect().await.is_err());

    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for secret in [CLIENT_SECRET, APP_KEY, TOKEN_PREFIX] {
        assert!(
            !output.contains(secret),
            "tracing output shows {secret}: {output}"
        );
    }
    assert!(output.contains("servicetitan.request"), "{output}");
    assert!(
        output.contains("operation_id=\"customers_get\"")
            || output.contains("operation_id=customers_get"),
        "{output}"
    );
    assert!(output.contains("status=200"), "{output}");
    assert!(output.contains("retrying"), "{output}");
    assert!(output.contains("invalid_client"), "{output}");
}
