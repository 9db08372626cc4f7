//! What users get when a call fails, and what its `Display` does not reveal.

use serde_json::json;
use st_core::{ApiError, Error};
use wiremock::matchers::path;
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

fn assert_reveals_nothing(text: &str) {
    for secret in [CLIENT_SECRET, APP_KEY, TOKEN_PREFIX] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}

#[tokio::test]
async fn decode_failure_names_the_path_but_not_the_body() {
    let server = server().await;
    Mock::given(path(api_path("/customers/1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "Jane Doe, 12 Private Lane",
            "name": "Jane Doe",
        })))
        .mount(&server)
        .await;
    let client = area::Client::from_core(&core(&server));

    let err: Error = client.customers_get(1).await.unwrap_err().into();

    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(decode.path(), Some("id"));
    let text = format!("{err} | {err:#} | {err:?}");
    assert!(!text.contains("Jane"), "{text}");
    assert!(!text.contains("Private Lane"), "{text}");
    assert_reveals_nothing(&text);
    assert_eq!(
        err.to_string(),
        "could not decode the response at `id` (line 1, column 33): invalid type: string, \
         expected i64"
    );
}

#[tokio::test]
async fn declared_error_is_parsed_into_api_error() {
    let server = server().await;
    Mock::given(path(api_path("/customers/404")))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "type": "https://tools.ietf.org/html/rfc7231#section-6.5.4",
            "title": "Customer not found.",
            "status": 404,
            "traceId": "00-trace-01",
            "errors": {"id": ["No customer with id 404 (jane@example.com)"]},
            "data": {"hint": "jane@example.com"},
        })))
        .mount(&server)
        .await;
    let client = area::Client::from_core(&core(&server));

    let err: Error = client.customers_get(404).await.unwrap_err().into();

    assert_eq!(err.status(), Some(reqwest::StatusCode::NOT_FOUND));
    let api = err.api_error().unwrap();
    assert_eq!(api.title.as_deref(), Some("Customer not found."));
    assert_eq!(api.trace_id.as_deref(), Some("00-trace-01"));
    assert_eq!(api.errors.as_ref().unwrap()["id"].len(), 1);
    assert_eq!(api.data, Some(json!({"hint": "jane@example.com"})));
    // Display: status, title, field names, trace id; not the messages or data.
    let text = err.to_string();
    assert_eq!(
        text,
        "ServiceTitan API error 404 Not Found: Customer not found. (invalid fields: id; traceId \
         00-trace-01)"
    );
    assert!(!text.contains("jane@"), "{text}");
}

#[tokio::test]
async fn declared_error_with_a_non_json_body_keeps_its_status() {
    let server = server().await;
    Mock::given(path(api_path("/customers/404")))
        .respond_with(ResponseTemplate::new(404).set_body_string("<html>Not Found</html>"))
        .mount(&server)
        .await;
    let client = area::Client::from_core(&core(&server));

    let err: Error = client.customers_get(404).await.unwrap_err().into();

    match err {
        Error::Api { status, error, .. } => {
            assert_eq!(status, 404);
            assert_eq!(*error, ApiError::default());
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn undeclared_error_status_carries_the_parsed_body_and_operation() {
    let server = server().await;
    Mock::given(path(api_path("/customers/1")))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "title": "Scope tn.crm.customers:r missing", "traceId": "t-403"
        })))
        .mount(&server)
        .await;
    let client = area::Client::from_core(&core(&server));

    let err: Error = client.customers_get(1).await.unwrap_err().into();

    // The mock client declares 403 nowhere, so it arrives as progenitor's UnexpectedResponse.
    match &err {
        Error::Api {
            status,
            error,
            operation_id,
            ..
        } => {
            assert_eq!(*status, 403);
            assert_eq!(error.trace_id.as_deref(), Some("t-403"));
            assert_eq!(*operation_id, Some("customers_get"));
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_transient());
}

#[tokio::test]
async fn server_error_html_page_becomes_an_api_error_without_the_page() {
    let server = server().await;
    Mock::given(path(api_path("/customers/1")))
        .respond_with(
            ResponseTemplate::new(500).set_body_string("<html>stack trace: secret</html>"),
        )
        .mount(&server)
        .await;
    let client = area::Client::from_core(&core(&server));

    let err: Error = client.customers_get(1).await.unwrap_err().into();

    assert!(
        matches!(&err, Error::Api { status, .. } if *status == 500),
        "{err:?}"
    );
    assert!(err.is_transient());
    assert!(!err.to_string().contains("stack trace"), "{err}");
}

#[test]
fn converts_every_progenitor_error_kind() {
    use progenitor_client::Error as P;

    let custom: Error = P::<()>::Custom("some hook failed".into()).into();
    assert!(matches!(custom, Error::Other(ref m) if m == "some hook failed"));

    let invalid: Error = P::<()>::InvalidRequest("bad header".into()).into();
    assert!(matches!(invalid, Error::InvalidRequest(_)));

    let json_err = serde_json::from_slice::<i64>(b"\"x\"").unwrap_err();
    let payload: Error =
        P::<ApiError>::InvalidResponsePayload(b"\"x\"".to_vec().into(), json_err).into();
    assert!(matches!(payload, Error::Decode(_)));

    let headers = reqwest::header::HeaderMap::new();
    let declared: Error = P::ErrorResponse(progenitor_client::ResponseValue::new(
        serde_json::json!({"title": "Conflict"}),
        reqwest::StatusCode::CONFLICT,
        headers.clone(),
    ))
    .into();
    assert_eq!(
        declared.api_error().unwrap().title.as_deref(),
        Some("Conflict")
    );

    let unit: Error = P::ErrorResponse(progenitor_client::ResponseValue::new(
        (),
        reqwest::StatusCode::NOT_FOUND,
        headers.clone(),
    ))
    .into();
    assert!(matches!(unit, Error::Api { status, .. } if status == 404));

    let mut limited = headers;
    limited.insert("retry-after", "30".parse().unwrap());
    let rate: Error = P::ErrorResponse(progenitor_client::ResponseValue::new(
        ApiError::default(),
        reqwest::StatusCode::TOO_MANY_REQUESTS,
        limited,
    ))
    .into();
    assert!(matches!(
        rate,
        Error::RateLimited { retry_after: Some(d), .. } if d == std::time::Duration::from_secs(30)
    ));
}

#[test]
fn paging_code_can_build_decode_errors() {
    let err = Error::from(st_core::DecodeError::new("page has no `data` array").at("data"));
    assert_eq!(
        err.to_string(),
        "could not decode the response at `data`: page has no `data` array"
    );
    let body = br#"{"data": [1, "two"]}"#;
    let json_err =
        serde_json::from_slice::<std::collections::HashMap<String, Vec<i64>>>(body).unwrap_err();
    let err = Error::decode_json(body, &json_err);
    assert!(err.to_string().contains("`data[1]`"), "{err}");
    assert!(!err.to_string().contains("two"), "{err}");
}
