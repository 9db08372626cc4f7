//! The transport policy: what is retried, how long it waits, and what stops it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use st_core::{Credentials, Error, Timeouts};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

/// Answers `status` (with optional headers) `times` times, then the customer.
async fn flaky(server: &MockServer, rest: &str, failure: ResponseTemplate, times: u64) {
    Mock::given(path(api_path(rest)))
        .respond_with(failure)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(path(api_path(rest)))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json(1)))
        .with_priority(2)
        .mount(server)
        .await;
}

async fn hits(server: &MockServer, rest: &str) -> usize {
    requests_to(server, &api_path(rest)).await.len()
}

#[tokio::test]
async fn honours_retry_after_in_seconds() {
    let server = server().await;
    flaky(
        &server,
        "/customers/1",
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        1,
    )
    .await;
    let client = area::Client::from_core(&core(&server));
    client.core().connect().await.unwrap();

    let started = Instant::now();
    client.customers_get(1).await.unwrap();

    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(hits(&server, "/customers/1").await, 2);
}

#[tokio::test]
async fn honours_retry_after_as_an_http_date() {
    let server = server().await;
    // Whole seconds only: two seconds ahead is at least one second of waiting.
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    flaky(
        &server,
        "/customers/1",
        ResponseTemplate::new(503).insert_header("retry-after", date.as_str()),
        1,
    )
    .await;
    let client = area::Client::from_core(&core(&server));
    client.core().connect().await.unwrap();

    let started = Instant::now();
    client.customers_get(1).await.unwrap();

    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(hits(&server, "/customers/1").await, 2);
}

#[tokio::test]
async fn does_not_wait_for_a_retry_after_beyond_the_policy() {
    let server = server().await;
    flaky(
        &server,
        "/customers/1",
        ResponseTemplate::new(429).insert_header("retry-after", "3600"),
        1,
    )
    .await;
    let client = area::Client::from_core(&core(&server));

    let err: Error = client.customers_get(1).await.unwrap_err().into();

    match err {
        Error::RateLimited { retry_after, .. } => {
            assert_eq!(retry_after, Some(Duration::from_secs(3600)));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(hits(&server, "/customers/1").await, 1);
}

#[tokio::test]
async fn retries_post_on_429_but_not_on_502() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(api_path("/customers")))
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(api_path("/customers")))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(api_path("/customers")))
        .respond_with(ResponseTemplate::new(201).set_body_json(customer_json(1)))
        .with_priority(3)
        .mount(&server)
        .await;
    let client = area::Client::from_core(&core(&server));
    let body = area::Customer {
        id: 1,
        name: "Ann".into(),
    };

    // 429, retried, then 502, not retried.
    let err: Error = client.customers_create(&body).await.unwrap_err().into();

    assert!(
        matches!(err, Error::Api { status, .. } if status == 502),
        "{err:?}"
    );
    assert_eq!(hits(&server, "/customers").await, 2);
}

#[tokio::test]
async fn retries_get_on_502_500_and_504() {
    let server = server().await;
    for (priority, status) in [(1u8, 502u16), (2, 500), (3, 504)] {
        Mock::given(path(api_path("/customers/1")))
            .respond_with(ResponseTemplate::new(status))
            .up_to_n_times(1)
            .with_priority(priority)
            .mount(&server)
            .await;
    }
    Mock::given(path(api_path("/customers/1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json(1)))
        .with_priority(4)
        .mount(&server)
        .await;
    let client = area::Client::from_core(&core(&server));

    client.customers_get(1).await.unwrap();

    assert_eq!(hits(&server, "/customers/1").await, 4);
}

#[tokio::test]
async fn bounds_the_number_of_attempts() {
    let server = server().await;
    Mock::given(path(api_path("/customers/1")))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    Mock::given(path(api_path("/customers/2")))
        .respond_with(ResponseTemplate::new(429))
        .mount(&server)
        .await;
    let core = builder(&server)
        .retry_policy(fast_retries().with_max_attempts(3))
        .build()
        .unwrap();
    let client = area::Client::from_core(&core);

    let err: Error = client.customers_get(1).await.unwrap_err().into();
    assert!(
        matches!(err, Error::Api { status, .. } if status == 503),
        "{err:?}"
    );
    assert_eq!(hits(&server, "/customers/1").await, 3);

    let err: Error = client.customers_get(2).await.unwrap_err().into();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(hits(&server, "/customers/2").await, 3);
}

#[tokio::test]
async fn retry_budget_stops_a_storm_across_tenants() {
    let server = server().await;
    Mock::given(path(api_path("/customers/1")))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    Mock::given(path("/crm/v2/tenant/99/customers/1"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    // Room for two retries in all.
    let core = builder(&server)
        .retry_policy(fast_retries().with_max_attempts(3).with_budget(10, 5, 10))
        .build()
        .unwrap();
    let other = core
        .for_tenant(99, Credentials::new("cid.other", "cs1-other"))
        .unwrap();
    let (first, second) = (
        area::Client::from_core(&core),
        area::Client::from_core(&other),
    );

    for _ in 0..5 {
        assert!(first.customers_get(1).await.is_err());
        assert!(second.customers_get(1).await.is_err());
    }

    // Without the budget: 10 calls × 3 attempts = 30 requests.
    let total = hits(&server, "/customers/1").await
        + requests_to(&server, "/crm/v2/tenant/99/customers/1")
            .await
            .len();
    assert_eq!(total, 10 + 2);
}

#[tokio::test]
async fn retries_timeouts_only_for_idempotent_methods() {
    let server = server().await;
    Mock::given(path(api_path("/customers/1")))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    Mock::given(path(api_path("/customers")))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let core = builder(&server)
        .retry_policy(fast_retries().with_max_attempts(2))
        .timeouts(Timeouts::default().with_request(Duration::from_millis(150)))
        .build()
        .unwrap();
    let client = area::Client::from_core(&core);
    core.connect().await.unwrap();

    let err: Error = client.customers_get(1).await.unwrap_err().into();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    let body = area::Customer {
        id: 1,
        name: "Ann".into(),
    };
    let err: Error = client.customers_create(&body).await.unwrap_err().into();
    assert!(matches!(err, Error::Timeout), "{err:?}");

    assert_eq!(hits(&server, "/customers/1").await, 2);
    assert_eq!(hits(&server, "/customers").await, 1);
}

/// A server that accepts connections, reads a request and hangs up without answering.
async fn hang_up_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let _ = socket.shutdown().await;
        }
    });
    (url, accepted)
}

#[tokio::test]
async fn retries_broken_connections_only_for_idempotent_methods() {
    let (api, accepted) = hang_up_server().await;
    let auth = server().await;
    let core = builder(&auth)
        .environment(st_core::Environment::custom(&auth.uri(), &api).unwrap())
        .retry_policy(fast_retries().with_max_attempts(3))
        .build()
        .unwrap();
    let client = area::Client::from_core(&core);

    let err: Error = client.customers_get(1).await.unwrap_err().into();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(accepted.swap(0, Ordering::SeqCst), 3);

    let body = area::Customer {
        id: 1,
        name: "Ann".into(),
    };
    let err: Error = client.customers_create(&body).await.unwrap_err().into();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}
