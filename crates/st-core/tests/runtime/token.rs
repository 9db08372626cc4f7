//! Getting, caching and replacing access tokens.

use std::time::Duration;

use serde_json::json;
use st_core::{AuthError, Error, TokenPolicy};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_calls_share_one_token_request() {
    // A slow token endpoint keeps every caller waiting on the same fetch.
    let server = server_with(Issuer::new().delay(Duration::from_millis(300))).await;
    Mock::given(method("GET"))
        .and(path(api_path("/customers/1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json(1)))
        .mount(&server)
        .await;
    let client = area::Client::from_core(&core(&server));

    let calls: Vec<_> = (0..40)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.customers_get(1).await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap().into_inner().id, 1);
    }

    assert_eq!(token_requests(&server).await, 1);
    assert_eq!(
        requests_to(&server, &api_path("/customers/1")).await.len(),
        40
    );
}

#[tokio::test]
async fn posts_client_credentials_in_the_form_body() {
    let server = server().await;
    core(&server).connect().await.unwrap();

    let requests = requests_to(&server, "/connect/token").await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        format!(
            "grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
        )
    );
    assert_eq!(
        request.headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert!(request.headers.get("authorization").is_none());
    assert_eq!(request.headers["user-agent"], st_core::USER_AGENT);
}

#[tokio::test]
async fn reuses_the_cached_token() {
    let server = server().await;
    let core = core(&server);
    for _ in 0..5 {
        core.connect().await.unwrap();
    }
    assert_eq!(token_requests(&server).await, 1);
}

#[tokio::test]
async fn refreshes_token_before_it_expires() {
    let server = server_with(Issuer::new().expires_in(3600)).await;
    Mock::given(method("GET"))
        .and(path(api_path("/customers/1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json(1)))
        .mount(&server)
        .await;
    let core = builder(&server)
        .token_policy(
            TokenPolicy::default()
                .with_refresh_before(Duration::from_secs(60))
                .with_jitter(Duration::ZERO),
        )
        .build()
        .unwrap();
    let client = area::Client::from_core(&core);
    client.customers_get(1).await.unwrap();

    // 3550 s later the token is still valid for 50 s but inside the 60 s refresh window. Move
    // Tokio's clock (which the cache uses) without sleeping, then let real time run again for
    // the HTTP exchange.
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(3550)).await;
    tokio::time::resume();
    client.customers_get(1).await.unwrap();

    assert_eq!(token_requests(&server).await, 2);
    let calls = requests_to(&server, &api_path("/customers/1")).await;
    assert_eq!(
        calls[0].headers["authorization"],
        format!("Bearer {}", token(1))
    );
    assert_eq!(
        calls[1].headers["authorization"],
        format!("Bearer {}", token(2))
    );
}

#[tokio::test]
async fn fetches_a_new_token_once_the_old_one_expired() {
    let server = server_with(Issuer::new().expires_in(600)).await;
    let core = core(&server);
    core.connect().await.unwrap();
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(601)).await;
    tokio::time::resume();
    let token = core.access_token().await.unwrap();
    assert_eq!(token.secret().expose(), self::token(2));
    assert_eq!(token_requests(&server).await, 2);
}

#[tokio::test]
async fn refreshes_token_once_on_401() {
    let server = server().await;
    Mock::given(path(api_path("/customers/7")))
        .and(header(
            "authorization",
            format!("Bearer {}", token(1)).as_str(),
        ))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(path(api_path("/customers/7")))
        .and(header(
            "authorization",
            format!("Bearer {}", token(2)).as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json(7)))
        .mount(&server)
        .await;
    let client = area::Client::from_core(&core(&server));

    let customer = client.customers_get(7).await.unwrap().into_inner();

    assert_eq!(customer.id, 7);
    assert_eq!(token_requests(&server).await, 2);
    assert_eq!(
        requests_to(&server, &api_path("/customers/7")).await.len(),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_401s_replace_the_token_once() {
    let server = server().await;
    Mock::given(path(api_path("/customers/7")))
        .and(header(
            "authorization",
            format!("Bearer {}", token(1)).as_str(),
        ))
        .respond_with(ResponseTemplate::new(401).set_delay(Duration::from_millis(50)))
        .mount(&server)
        .await;
    Mock::given(path(api_path("/customers/7")))
        .and(header(
            "authorization",
            format!("Bearer {}", token(2)).as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json(7)))
        .mount(&server)
        .await;
    let client = area::Client::from_core(&core(&server));
    client.core().connect().await.unwrap();

    let calls: Vec<_> = (0..16)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.customers_get(7).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(token_requests(&server).await, 2);
}

#[tokio::test]
async fn gives_up_after_one_retry_when_the_new_token_is_rejected_too() {
    let server = server().await;
    Mock::given(path(api_path("/customers/7")))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = area::Client::from_core(&core(&server));

    let err = Error::from(client.customers_get(7).await.unwrap_err());

    assert!(
        matches!(err, Error::Api { status, .. } if status == 401),
        "{err:?}"
    );
    assert_eq!(
        requests_to(&server, &api_path("/customers/7")).await.len(),
        2
    );
    assert_eq!(token_requests(&server).await, 2);
}

async fn connect_error(response: ResponseTemplate) -> AuthError {
    let server = wiremock::MockServer::start().await;
    Mock::given(path("/connect/token"))
        .respond_with(response)
        .mount(&server)
        .await;
    let core = builder(&server)
        .token_policy(TokenPolicy::default().with_load_timeout(Duration::from_millis(300)))
        .build()
        .unwrap();
    let err = core.connect().await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains(CLIENT_SECRET), "{text}");
    match err {
        Error::Auth(auth) => auth,
        other => panic!("expected an auth error, got {other:?}"),
    }
}

#[tokio::test]
async fn token_endpoint_401_is_a_typed_rejection() {
    let auth = connect_error(ResponseTemplate::new(401).set_body_json(json!({
        "error": "invalid_client",
        "error_description": format!("client secret {CLIENT_SECRET} is wrong"),
    })))
    .await;
    match &auth {
        AuthError::Rejected {
            status,
            error,
            description,
        } => {
            assert_eq!(*status, 401);
            assert_eq!(error, "invalid_client");
            assert!(description.as_deref().unwrap().contains("is wrong"));
        }
        other => panic!("{other:?}"),
    }
    assert!(!auth.is_transient());
}

#[tokio::test]
async fn token_endpoint_500_is_a_typed_status_error() {
    let auth = connect_error(
        ResponseTemplate::new(500).set_body_string("<html>Internal Server Error</html>"),
    )
    .await;
    assert_eq!(
        auth,
        AuthError::Status {
            status: reqwest::StatusCode::INTERNAL_SERVER_ERROR
        }
    );
    assert!(auth.is_transient());
}

#[tokio::test]
async fn token_endpoint_garbage_is_a_typed_malformed_response() {
    let auth = connect_error(
        ResponseTemplate::new(200).set_body_raw("access_token=tkn-leak", "application/json"),
    )
    .await;
    assert!(
        matches!(auth, AuthError::MalformedResponse { .. }),
        "{auth:?}"
    );
    assert!(!auth.to_string().contains("tkn-leak"), "{auth}");

    let auth = connect_error(
        ResponseTemplate::new(200)
            .set_body_json(json!({"token_type": "Bearer", "expires_in": 900})),
    )
    .await;
    match &auth {
        AuthError::MalformedResponse { message } => {
            assert!(message.contains("access_token"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn slow_token_endpoint_times_out() {
    let auth = connect_error(
        ResponseTemplate::new(200)
            .set_body_json(json!({"access_token": "late", "token_type": "Bearer"}))
            .set_delay(Duration::from_secs(5)),
    )
    .await;
    assert_eq!(
        auth,
        AuthError::Timeout {
            after: Duration::from_millis(300)
        }
    );
}

#[tokio::test]
async fn token_failure_surfaces_from_generated_operations_as_auth_error() {
    let server = wiremock::MockServer::start().await;
    Mock::given(path("/connect/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_client"})))
        .mount(&server)
        .await;
    let client = area::Client::from_core(&core(&server));

    let err: Error = client.customers_get(1).await.unwrap_err().into();

    assert!(
        matches!(&err, Error::Auth(AuthError::Rejected { error, .. }) if error == "invalid_client"),
        "{err:?}"
    );
    assert!(
        requests_to(&server, &api_path("/customers/1"))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn concurrent_callers_share_one_failed_fetch() {
    let server = wiremock::MockServer::start().await;
    Mock::given(path("/connect/token"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": "invalid_client"}))
                .set_delay(Duration::from_millis(200)),
        )
        .mount(&server)
        .await;
    let core = core(&server);
    let results = futures::future::join_all((0..10).map(|_| core.connect())).await;
    assert!(results.iter().all(|r| matches!(r, Err(Error::Auth(_)))));
    assert_eq!(token_requests(&server).await, 1);

    // A later call tries again.
    assert!(core.connect().await.is_err());
    assert_eq!(token_requests(&server).await, 2);
}

#[tokio::test]
async fn keeps_using_a_valid_token_when_the_early_refresh_fails() {
    let server = wiremock::MockServer::start().await;
    Mock::given(path("/connect/token"))
        .respond_with(Issuer::new().expires_in(3600))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/connect/token"))
        .respond_with(ResponseTemplate::new(503))
        .with_priority(2)
        .mount(&server)
        .await;
    let core = core(&server);
    core.connect().await.unwrap();

    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(3570)).await;
    tokio::time::resume();
    let token = core.access_token().await.unwrap();

    assert_eq!(token.secret().expose(), self::token(1));
    assert_eq!(token_requests(&server).await, 2);
}
