use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use st_mock::MockServer;

use crate::common::{Api, assert_problem, fetch_token};

#[tokio::test]
async fn token_endpoint_issues_opaque_bearer_tokens() {
    let mock = MockServer::start().await;
    let http = reqwest::Client::new();
    let c = mock.credentials();
    let resp = http
        .post(mock.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &c.client_id),
            ("client_secret", &c.client_secret),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["cache-control"],
        "no-store, no-cache, max-age=0"
    );
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(
        body["scope"]
            .as_str()
            .unwrap()
            .split(' ')
            .any(|s| s == "tn.crm.customers:r")
    );
    let first = body["access_token"].as_str().unwrap().to_string();
    let second = fetch_token(&http, &mock).await;
    assert_ne!(first, second);
    assert_eq!((mock.token_requests(), mock.tokens_issued()), (2, 2));

    let short = MockServer::builder()
        .token_lifetime(Duration::from_secs(60))
        .start()
        .await;
    let token: Value = http
        .post(short.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &c.client_id),
            ("client_secret", &c.client_secret),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(token["expires_in"], 60);
}

#[tokio::test]
async fn bad_client_credentials_get_oauth_errors() {
    let mock = MockServer::start().await;
    let http = reqwest::Client::new();
    let c = mock.credentials();
    let post = |form: Vec<(&'static str, String)>| http.post(mock.token_url()).form(&form).send();

    let resp = post(vec![
        ("grant_type", "client_credentials".into()),
        ("client_id", c.client_id.clone()),
        ("client_secret", "wrong".into()),
    ])
    .await
    .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    assert!(body["error_description"].is_string());

    let resp = post(vec![
        ("grant_type", "password".into()),
        ("client_id", c.client_id.clone()),
    ])
    .await
    .unwrap();
    assert_eq!(
        resp.json::<Value>().await.unwrap()["error"],
        "unsupported_grant_type"
    );

    // HTTP Basic client authentication fails with 401.
    let resp = http
        .post(mock.token_url())
        .basic_auth(&c.client_id, Some("wrong"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );
    let resp = http
        .post(mock.token_url())
        .basic_auth(&c.client_id, Some(&c.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    assert_eq!(mock.token_requests(), 4);
    assert_eq!(mock.tokens_issued(), 1);
}

#[tokio::test]
async fn api_requires_a_valid_token_then_the_app_key() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    let url = format!("{}/customers", mock.api_url("crm"));
    let http = &api.http;
    let key = api.creds.app_key.as_str();

    let resp = http
        .get(&url)
        .header("ST-App-Key", key)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert!(
        resp.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );

    let resp = http
        .get(&url)
        .header("ST-App-Key", key)
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert!(
        resp.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );

    // the bare token, without "Bearer", is accepted like ServiceTitan does
    let resp = http
        .get(&url)
        .header("ST-App-Key", key)
        .header("Authorization", &api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    let resp = http.get(&url).bearer_auth(&api.token).send().await.unwrap();
    let status = resp.status();
    assert_problem(status, &resp.json().await.unwrap(), 403);
    let resp = http
        .get(&url)
        .bearer_auth(&api.token)
        .header("ST-App-Key", "ak1.wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);

    // tokens are bound to the credentials' tenant
    let other = format!(
        "{}/crm/v2/tenant/{}/customers",
        mock.url(),
        api.creds.tenant + 1
    );
    let resp = http
        .get(&other)
        .bearer_auth(&api.token)
        .header("ST-App-Key", key)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
}

#[tokio::test]
async fn expired_and_revoked_tokens_get_401_and_new_tokens_work() {
    let mock = MockServer::start().await;
    let mut api = Api::new(&mock).await;
    assert_eq!(api.get("crm", "customers").await.0, 200);

    mock.expire_tokens();
    let resp = api
        .request(reqwest::Method::GET, "crm", "customers")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert!(
        resp.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("expired")
    );
    api.token = fetch_token(&api.http, &mock).await;
    assert_eq!(api.get("crm", "customers").await.0, 200);

    mock.revoke_tokens();
    let resp = api
        .request(reqwest::Method::GET, "crm", "customers")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert!(
        resp.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("revoked")
    );
    api.token = fetch_token(&api.http, &mock).await;
    assert_eq!(api.get("crm", "customers").await.0, 200);

    // A zero lifetime issues tokens that are already expired.
    let instant = MockServer::builder()
        .token_lifetime(Duration::ZERO)
        .start()
        .await;
    let api = Api::new(&instant).await;
    assert_eq!(api.get("crm", "customers").await.0, 401);
}

#[tokio::test]
async fn requests_are_recorded_with_raw_headers() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    api.get("jpm", "jobs?page=2&pageSize=5").await;
    let log = mock.requests();
    assert_eq!(log.len(), 2);
    let (token_req, call) = (&log[0], &log[1]);
    assert!(token_req.is_token_request());
    assert_eq!(token_req.method, "POST");
    assert_eq!(
        token_req.form_param("grant_type").as_deref(),
        Some("client_credentials")
    );
    assert_eq!(token_req.status, Some(200));
    assert_eq!(
        call.path,
        format!("/jpm/v2/tenant/{}/jobs", api.creds.tenant)
    );
    assert_eq!(call.query_param("pageSize").as_deref(), Some("5"));
    assert_eq!(
        call.header("authorization"),
        Some(format!("Bearer {}", api.token).as_str())
    );
    assert_eq!(call.header("ST-App-Key"), Some(api.creds.app_key.as_str()));
    assert_eq!(call.status, Some(200));
    assert_eq!((mock.token_requests(), mock.api_requests()), (1, 1));
    let debug = format!("{call:?}");
    assert!(
        !debug.contains(&api.token) && !debug.contains(&api.creds.app_key),
        "Debug redacts secrets"
    );
    mock.clear_requests();
    assert!(mock.requests().is_empty());
}
