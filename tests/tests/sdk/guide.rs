//! ServiceTitan's getting-started flow, end to end: a token from the client credentials, then
//! the settings employees list with that token and the app key.

use std::time::Duration;

use servicetitan::{Error, ServiceTitan};
use st_mock::{MockServer, Resource};

use crate::support::{Harness, authorization, core_with_secret};

#[tokio::test]
async fn guide_flow_gets_one_token_then_lists_employees_with_bearer_token_and_app_key() {
    let h =
        Harness::start_with(MockServer::builder().token_lifetime(Duration::from_secs(1200))).await;
    let credentials = h.mock.credentials();

    // Step 1: the token.
    let token = h.st.core().access_token().await.unwrap();
    assert_eq!(token.token_type(), Some("Bearer"));
    assert_eq!(token.expires_in(), Some(Duration::from_secs(1200)));

    // Step 2: the employees list.
    let response =
        h.st.settings()
            .employees_get_list()
            .page_size(10)
            .send()
            .await
            .unwrap();
    assert_eq!(response.status(), 200);
    let page = response.into_inner();
    let expected: Vec<i64> = h
        .active_ids(Resource::Employees)
        .into_iter()
        .take(10)
        .collect();
    assert_eq!(page.data.iter().map(|e| e.id).collect::<Vec<_>>(), expected);
    let first = h.record(Resource::Employees, expected[0]);
    assert_eq!(page.data[0].name, first["name"].as_str().unwrap());

    // What the simulator saw: one token request with the client credentials in the form body…
    let seen = h.mock.requests();
    let token_requests: Vec<_> = seen.iter().filter(|r| r.is_token_request()).collect();
    assert_eq!(token_requests.len(), 1);
    assert_eq!(h.mock.token_requests(), 1);
    let token_request = token_requests[0];
    assert_eq!(token_request.method, "POST");
    assert_eq!(
        token_request.form_param("grant_type").as_deref(),
        Some("client_credentials")
    );
    assert_eq!(
        token_request.form_param("client_id").as_deref(),
        Some(credentials.client_id.as_str())
    );
    assert_eq!(
        token_request.form_param("client_secret").as_deref(),
        Some(credentials.client_secret.as_str())
    );

    // …then the call, with `Authorization: Bearer <that token>`, the app key and no
    // `api-version` (progenitor adds one; ServiceTitan does not want it).
    let calls = h.api_requests();
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call.method, "GET");
    assert_eq!(
        call.path,
        format!("/settings/v2/tenant/{}/employees", credentials.tenant)
    );
    assert_eq!(call.query_param("pageSize").as_deref(), Some("10"));
    assert_eq!(
        authorization(call),
        format!("Bearer {}", token.secret().expose())
    );
    assert_eq!(
        call.header("st-app-key"),
        Some(credentials.app_key.as_str())
    );
    assert_eq!(call.header("api-version"), None);
    assert!(
        call.header("user-agent")
            .is_some_and(|ua| ua.starts_with("servicetitan-rs/")),
        "{:?}",
        call.header("user-agent")
    );
    assert!(call.sequence > token_request.sequence);
}

#[tokio::test]
async fn area_clients_of_one_entry_point_share_the_core_and_its_token() {
    let h = Harness::start().await;
    let st = &h.st;

    st.settings().employees_get_list().send().await.unwrap();
    st.crm().customers_get_list().send().await.unwrap();
    st.jpm().jobs_get_list().send().await.unwrap();
    st.accounting().invoices_get_list().send().await.unwrap();
    // A clone is the same entry point: same token cache, same clients.
    let clone = st.clone();
    clone.crm().locations_get_list().send().await.unwrap();

    assert_eq!(h.mock.token_requests(), 1);
    assert!(std::ptr::eq(st.crm(), clone.crm()));
    let tenant = h.mock.credentials().tenant;
    let paths: Vec<String> = h.api_requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            format!("/settings/v2/tenant/{tenant}/employees"),
            format!("/crm/v2/tenant/{tenant}/customers"),
            format!("/jpm/v2/tenant/{tenant}/jobs"),
            format!("/accounting/v2/tenant/{tenant}/invoices"),
            format!("/crm/v2/tenant/{tenant}/locations"),
        ]
    );
}

#[tokio::test]
async fn wrong_client_secret_fails_connect_with_an_auth_error_that_hides_the_secret() {
    let mock = MockServer::start().await;
    let wrong = "cs1.not-the-right-secret-0123456789";
    let st = ServiceTitan::new(core_with_secret(&mock, wrong));

    let err = st.connect().await.unwrap_err();

    match &err {
        Error::Auth(auth) => assert_eq!(auth.status().map(|s| s.as_u16()), Some(400)),
        other => panic!("expected Error::Auth, got {other:?}"),
    }
    let text = format!("{err} {err:?}");
    assert!(text.contains("invalid_client"), "{text}");
    assert!(!text.contains(wrong), "{text}");
    assert_eq!(mock.api_requests(), 0);
}
