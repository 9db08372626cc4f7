//! Injected faults, handled as st-core promises: what is retried, what is not, and what the
//! caller gets when it gives up.

use std::time::Duration;

use futures::TryStreamExt;
use servicetitan::Error;
use servicetitan::crm::types::{
    CreateCustomerRequest, CustomerAddress, NewCustomerContact, NewLocation,
};
use st_mock::{Fault, Resource, RetryAfter};

use crate::support::{Harness, authorization};

/// The statuses the simulator answered to the API requests so far.
fn statuses(h: &Harness) -> Vec<Option<u16>> {
    h.api_requests().iter().map(|r| r.status).collect()
}

fn address() -> CustomerAddress {
    CustomerAddress {
        street: "1 Fault Lane".into(),
        unit: None,
        city: "Phoenix".into(),
        state: "AZ".into(),
        zip: "85001".into(),
        country: "USA".into(),
        latitude: None,
        longitude: None,
    }
}

fn new_customer(name: &str) -> CreateCustomerRequest {
    serde_json::from_value(serde_json::json!({
        "name": name,
        "address": address(),
        "locations": [{ "name": "Home", "address": address(), "contacts": [] }],
    }))
    .expect("a valid request")
}

#[tokio::test]
async fn retries_429_honouring_retry_after_in_seconds() {
    let h = Harness::start().await;
    h.mock
        .inject(Fault::RateLimited(RetryAfter::Seconds(0)))
        .times(2);

    let page = h.st.crm().customers_get_list().send().await.unwrap();

    assert!(!page.data.is_empty());
    assert_eq!(statuses(&h), [Some(429), Some(429), Some(200)]);
}

#[tokio::test]
async fn retries_429_honouring_retry_after_as_an_http_date() {
    let h = Harness::start().await;
    // An HTTP-date has whole seconds: "now" rounded up, so the wait is under a second.
    let fault = h
        .mock
        .inject(Fault::RateLimited(RetryAfter::HttpDate(Duration::ZERO)));

    h.st.crm().customers_get_list().send().await.unwrap();

    assert_eq!(fault.hits(), 1);
    assert_eq!(statuses(&h), [Some(429), Some(200)]);
}

#[tokio::test]
async fn retry_after_in_seconds_beyond_the_policy_is_returned_as_rate_limited_without_waiting() {
    let h = Harness::start().await;
    // The default policy waits at most 60 s for a Retry-After.
    h.mock.inject(Fault::RateLimited(RetryAfter::Seconds(3600)));

    let err =
        h.st.crm()
            .customers_get_list()
            .send()
            .await
            .map_err(Error::from)
            .unwrap_err();

    match err {
        Error::RateLimited { retry_after, .. } => {
            assert_eq!(retry_after, Some(Duration::from_secs(3600)));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(statuses(&h), [Some(429)]);
}

#[tokio::test]
async fn retry_after_as_an_http_date_beyond_the_policy_is_read_and_returned() {
    let h = Harness::start().await;
    h.mock.inject(Fault::RateLimited(RetryAfter::HttpDate(
        Duration::from_secs(3600),
    )));

    let err =
        h.st.settings()
            .employees_get_list()
            .send()
            .await
            .map_err(Error::from)
            .unwrap_err();

    let Error::RateLimited {
        retry_after: Some(after),
        ..
    } = err
    else {
        panic!("expected RateLimited with a Retry-After, got {err:?}");
    };
    // An hour from when the simulator answered, read back at a whole-second resolution.
    assert!(
        after > Duration::from_secs(3500) && after <= Duration::from_secs(3601),
        "{after:?}"
    );
    assert_eq!(statuses(&h), [Some(429)]);
}

#[tokio::test]
async fn gives_up_on_429_after_the_policys_attempts_with_a_rate_limited_error() {
    let h = Harness::start().await;
    h.mock
        .inject(Fault::RateLimited(RetryAfter::Seconds(0)))
        .always();

    let err =
        h.st.crm()
            .customers_get_list()
            .send()
            .await
            .map_err(Error::from)
            .unwrap_err();

    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert!(err.is_transient());
    // The default policy: four attempts.
    assert_eq!(statuses(&h), [Some(429); 4]);
}

#[tokio::test]
async fn retries_503_on_a_get() {
    let h = Harness::start().await;
    h.mock.inject(Fault::Status(503)).times(2);

    let page = h.st.settings().employees_get_list().send().await.unwrap();

    assert!(!page.data.is_empty());
    assert_eq!(statuses(&h), [Some(503), Some(503), Some(200)]);
}

#[tokio::test]
async fn retries_503_even_on_a_post() {
    let h = Harness::start().await;
    let before = h.mock.count(Resource::Customers).0;
    h.mock
        .inject(Fault::Unavailable(RetryAfter::Seconds(0)))
        .method("POST");

    let created =
        h.st.crm()
            .customers_create()
            .body(new_customer("Retried After 503"))
            .send()
            .await
            .unwrap();

    assert_eq!(created.name, "Retried After 503");
    assert_eq!(statuses(&h), [Some(503), Some(200)]);
    assert_eq!(h.mock.count(Resource::Customers).0, before + 1);
}

#[tokio::test]
async fn does_not_retry_a_post_on_502_but_retries_a_get() {
    let h = Harness::start().await;
    let before = h.mock.count(Resource::Customers).0;

    // POST: a 502 may come after the request took effect, so it is not sent again.
    h.mock.inject(Fault::Status(502)).method("POST");
    let err =
        h.st.crm()
            .customers_create()
            .body(new_customer("Not Retried"))
            .send()
            .await
            .map_err(Error::from)
            .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502), "{err:?}");
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    let posts: Vec<_> = h
        .api_requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len(), 1);
    assert_eq!(h.mock.count(Resource::Customers).0, before);

    // GET: idempotent, retried.
    h.mock.clear_requests();
    h.mock.inject(Fault::Status(502)).method("GET");
    h.st.crm().customers_get_list().send().await.unwrap();
    assert_eq!(statuses(&h), [Some(502), Some(200)]);
}

#[tokio::test]
async fn retries_a_get_whose_connection_was_reset() {
    let h = Harness::start().await;
    h.mock.inject(Fault::Reset);

    h.st.crm().customers_get_list().send().await.unwrap();

    // The reset request has no status; the retry succeeded.
    assert_eq!(statuses(&h), [None, Some(200)]);
}

#[tokio::test]
async fn token_revoked_mid_stream_is_refreshed_once_and_the_request_retried() {
    let h = Harness::start().await;
    let expected = h.active_ids(Resource::Employees);
    // The second page request revokes every token so far and is answered 401.
    h.mock.inject(Fault::RevokeToken).skip(1);

    let ids: Vec<i64> =
        h.st.settings()
            .employees_get_list()
            .page_size(40)
            .stream()
            .map_ok(|e| e.id)
            .try_collect()
            .await
            .unwrap();

    assert_eq!(ids, expected, "every employee once, in order");
    assert_eq!(h.mock.token_requests(), 2);
    let requests = h.api_requests();
    let pages_and_statuses: Vec<(Option<String>, Option<u16>)> = requests
        .iter()
        .map(|r| (r.query_param("page"), r.status))
        .collect();
    let mut expected_requests = vec![
        (Some("1".to_owned()), Some(200)),
        (Some("2".to_owned()), Some(401)),
    ];
    for page in 2..=expected.len().div_ceil(40) {
        expected_requests.push((Some(page.to_string()), Some(200)));
    }
    assert_eq!(pages_and_statuses, expected_requests);
    // The retry carried the new token, and so did every later request.
    let old = authorization(&requests[0]);
    assert_eq!(authorization(&requests[1]), old);
    for later in &requests[2..] {
        assert_ne!(authorization(later), old);
        assert_eq!(authorization(later), authorization(&requests[2]));
    }
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_that_shows_no_body_and_no_secret() {
    let h = Harness::start().await;
    let id = h.active_ids(Resource::Customers)[3];
    let row = h.record(Resource::Customers, id);
    let token = h.st.core().access_token().await.unwrap();
    h.mock.inject(Fault::MalformedJson);

    let err =
        h.st.crm()
            .customers_get()
            .id(id)
            .send()
            .await
            .map_err(Error::from)
            .unwrap_err();

    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    let shown = format!("{err} | {err:?}");
    let credentials = h.mock.credentials();
    let values = [
        row["name"].as_str().unwrap(),
        row["address"]["street"].as_str().unwrap(),
        row["address"]["city"].as_str().unwrap(),
        row["address"]["zip"].as_str().unwrap(),
        token.secret().expose(),
        credentials.client_secret.as_str(),
        credentials.app_key.as_str(),
    ];
    for value in values {
        assert!(!shown.contains(value), "{shown:?} shows {value:?}");
    }
    assert!(!err.to_string().contains('{'), "no JSON in {err}");
}

#[tokio::test]
async fn not_found_is_an_api_error_with_the_problem_details_and_trace_id() {
    let h = Harness::start().await;

    let err =
        h.st.crm()
            .customers_get()
            .id(1)
            .send()
            .await
            .map_err(Error::from)
            .unwrap_err();

    let Error::Api { status, error, .. } = &err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(status.as_u16(), 404);
    assert_eq!(error.status, Some(404));
    assert!(error.type_.as_deref().is_some_and(|t| !t.is_empty()));
    assert!(error.title.as_deref().is_some_and(|t| !t.is_empty()));
    let trace_id = error.trace_id.clone().expect("a traceId");
    assert!(!trace_id.is_empty());
    let errors = error.errors.as_ref().expect("field errors");
    assert!(errors.contains_key("id"), "{errors:?}");
    assert!(!err.is_transient());
    // The trace id is what support asks for, so Display shows it.
    assert!(err.to_string().contains(&trace_id), "{err}");
    // One request: a 404 is not retried.
    assert_eq!(statuses(&h), [Some(404)]);
}

#[tokio::test]
async fn validation_error_lists_the_invalid_fields_without_their_values() {
    let h = Harness::start().await;
    let mut request = new_customer("Nobody");
    request.locations = vec![NewLocation {
        contacts: vec![NewCustomerContact {
            type_: "Pigeon".parse().unwrap(),
            value: "secret-pigeon-address".into(),
            memo: None,
        }],
        ..request.locations[0].clone()
    }];

    let err =
        h.st.crm()
            .customers_create()
            .body(request)
            .send()
            .await
            .map_err(Error::from)
            .unwrap_err();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let api = err.api_error().expect("a problem body");
    let errors = api.errors.as_ref().expect("field errors");
    assert!(
        errors.contains_key("locations[0].contacts[0].type"),
        "{errors:?}"
    );
    let shown = err.to_string();
    assert!(shown.contains("locations[0].contacts[0].type"), "{shown}");
    assert!(!shown.contains("secret-pigeon-address"), "{shown}");
}
