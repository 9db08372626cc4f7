//! What goes on the wire: URL, headers, the escape hatch `Core::send`.

use std::time::{Duration, Instant};

use st_core::{Credentials, Error, RateLimit};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

async fn server_with_customer() -> wiremock::MockServer {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(api_path("/customers/1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json(1)))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn sends_bearer_token_app_key_and_user_agent_without_api_version() {
    let server = server_with_customer().await;
    let client = area::Client::from_core(&core(&server));

    client.customers_get(1).await.unwrap();

    let request = &requests_to(&server, &api_path("/customers/1")).await[0];
    assert_eq!(
        request.headers["authorization"],
        format!("Bearer {}", token(1))
    );
    assert_eq!(request.headers["st-app-key"], APP_KEY);
    assert_eq!(request.headers["user-agent"], st_core::USER_AGENT);
    assert!(st_core::USER_AGENT.starts_with("servicetitan-rs/"));
    assert!(request.headers.get("api-version").is_none());
    assert_eq!(request.headers.get_all("authorization").iter().count(), 1);
}

#[tokio::test]
async fn sends_the_bare_token_when_the_token_response_has_no_type() {
    let server = server_with(Issuer::new().without_token_type()).await;
    Mock::given(path(api_path("/customers/1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json(1)))
        .mount(&server)
        .await;
    area::Client::from_core(&core(&server))
        .customers_get(1)
        .await
        .unwrap();

    let request = &requests_to(&server, &api_path("/customers/1")).await[0];
    assert_eq!(request.headers["authorization"], token(1).as_str());
}

#[tokio::test]
async fn appends_the_user_agent_suffix() {
    let server = server_with_customer().await;
    let core = builder(&server)
        .user_agent_suffix("dispatch-board/2.1")
        .build()
        .unwrap();
    area::Client::from_core(&core)
        .customers_get(1)
        .await
        .unwrap();
    let request = &requests_to(&server, &api_path("/customers/1")).await[0];
    assert_eq!(
        request.headers["user-agent"],
        format!("{} dispatch-board/2.1", st_core::USER_AGENT)
    );
}

#[tokio::test]
async fn builds_the_base_url_from_host_service_path_and_tenant() {
    let server = server().await;
    let core = core(&server);
    assert_eq!(
        core.api_base_url("/crm/v2"),
        format!("{}/crm/v2/tenant/{TENANT}", server.uri())
    );
    let client = area::Client::from_core(&core);
    assert_eq!(
        progenitor_client::ClientInfo::baseurl(&client),
        core.api_base_url("/crm/v2")
    );
    assert_eq!(client.core().tenant().get(), TENANT);
}

#[tokio::test]
async fn rewrites_the_prefix_of_overridden_operations() {
    let server = server().await;
    Mock::given(path(format!("/crm/v3/tenant/{TENANT}/calls/5")))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json(5)))
        .mount(&server)
        .await;
    Mock::given(path(format!("/crm/v3/tenant/{TENANT}/calls")))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json(6)))
        .mount(&server)
        .await;
    let client = area::Client::from_core(&core(&server));
    assert_eq!(client.calls_get_v3(5).await.unwrap().into_inner().id, 5);
    // `{base}/v3/calls` with the marker form: the marker goes, the prefix changes.
    assert_eq!(client.calls_calls().await.unwrap().into_inner().id, 6);
}

#[tokio::test]
async fn tenants_share_the_pool_but_not_tokens() {
    let server = server().await;
    Mock::given(path("/crm/v2/tenant/99/customers/1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json(1)))
        .mount(&server)
        .await;
    let first = core(&server);
    first.connect().await.unwrap();
    let second = first
        .for_tenant(99, Credentials::new("cid.other", "cs1-other-secret"))
        .unwrap();
    area::Client::from_core(&second)
        .customers_get(1)
        .await
        .unwrap();

    let tokens = requests_to(&server, "/connect/token").await;
    assert_eq!(tokens.len(), 2);
    assert!(String::from_utf8_lossy(&tokens[1].body).contains("client_id=cid.other"));
    let call = &requests_to(&server, "/crm/v2/tenant/99/customers/1").await[0];
    assert_eq!(
        call.headers["authorization"],
        format!("Bearer {}", token(2))
    );
    assert_eq!(call.headers["st-app-key"], APP_KEY);
}

#[tokio::test]
async fn send_applies_headers_and_maps_error_statuses() {
    let server = server().await;
    Mock::given(path(api_path("/forms/1/attachment")))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"%PDF".to_vec()))
        .mount(&server)
        .await;
    Mock::given(path(api_path("/forms/2/attachment")))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "title": "Attachment not found.", "status": 404, "traceId": "00-abc-01"
        })))
        .mount(&server)
        .await;
    let core = core(&server);
    let url = |id: u32| format!("{}/forms/{id}/attachment", core.api_base_url("/crm/v2"));

    let ok = core
        .send(
            core.http().get(url(1)).build().unwrap(),
            "forms_get_attachment",
        )
        .await
        .unwrap();
    assert_eq!(ok.bytes().await.unwrap().as_ref(), b"%PDF");
    let sent = &requests_to(&server, &api_path("/forms/1/attachment")).await[0];
    assert_eq!(sent.headers["st-app-key"], APP_KEY);
    assert_eq!(
        sent.headers["authorization"],
        format!("Bearer {}", token(1))
    );

    let err = core
        .send(
            core.http().get(url(2)).build().unwrap(),
            "forms_get_attachment",
        )
        .await
        .unwrap_err();
    match &err {
        Error::Api {
            status,
            error,
            operation_id,
            ..
        } => {
            assert_eq!(*status, 404);
            assert_eq!(error.trace_id.as_deref(), Some("00-abc-01"));
            assert_eq!(*operation_id, Some("forms_get_attachment"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "ServiceTitan API error 404 Not Found from forms_get_attachment: Attachment not found. \
         (traceId 00-abc-01)"
    );
}

#[tokio::test]
async fn does_not_follow_redirects_to_other_hosts() {
    let storage = wiremock::MockServer::start().await;
    Mock::given(path("/blob"))
        .respond_with(ResponseTemplate::new(200).set_body_string("audio"))
        .mount(&storage)
        .await;
    let server = server().await;
    // Another port is another origin.
    let location = format!("{}/blob", storage.uri());
    Mock::given(path(api_path("/calls/1/recording")))
        .respond_with(ResponseTemplate::new(302).insert_header("location", location.as_str()))
        .mount(&server)
        .await;
    let core = core(&server);
    let url = format!("{}/calls/1/recording", core.api_base_url("/crm/v2"));

    let response = core
        .send(core.http().get(url).build().unwrap(), "calls_get_recording")
        .await
        .unwrap();

    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], location.as_str());
    assert!(storage.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn limits_the_request_rate_per_tenant() {
    let server = server_with_customer().await;
    let core = builder(&server)
        .rate_limit(RateLimit::per_second(10).with_burst(1))
        .build()
        .unwrap();
    let client = area::Client::from_core(&core);
    client.core().connect().await.unwrap();

    let started = Instant::now();
    for _ in 0..5 {
        client.customers_get(1).await.unwrap();
    }
    // 10/s with no burst: five requests need at least four 100 ms intervals.
    assert!(
        started.elapsed() >= Duration::from_millis(350),
        "{:?}",
        started.elapsed()
    );
}
