//! The hand-written job attachment operations (`src/extras.rs`) over loopback HTTP (wiremock):
//! what ServiceTitan and the storage host receive, and what the caller gets back.

use futures::TryStreamExt;
use serde_json::json;
use servicetitan_forms::Client;
use servicetitan_forms::extras::Upload;
use st_core::{Core, Credentials, Environment, Error, RateLimit};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const JOB_42_ATTACHMENTS: &str = "/forms/v2/tenant/777/jobs/42/attachments";
const ATTACHMENT_9: &str = "/forms/v2/tenant/777/jobs/attachment/9";

#[tokio::test]
async fn create_attachment_sends_the_file_part_with_token_and_app_key() {
    let api = servicetitan().await;
    Mock::given(method("POST"))
        .and(path(JOB_42_ATTACHMENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"fileName": "after.jpg"})))
        .mount(&api)
        .await;

    let created = client(&api)
        .jobs_create_attachment(42, Upload::new("after.jpg", vec![0xFF, 0xD8]))
        .await
        .unwrap();

    assert_eq!(created.file_name, "after.jpg");
    let request = &requests_to(&api, JOB_42_ATTACHMENTS).await[0];
    assert_servicetitan_headers(request);
    let (headers, content) = only_part(request);
    assert_eq!(
        headers,
        "Content-Disposition: form-data; name=\"file\"; filename=\"after.jpg\"\r\n\
         Content-Type: image/jpeg"
    );
    assert_eq!(content, [0xFF, 0xD8]);
}

#[tokio::test]
async fn get_returns_the_file_served_directly() {
    let api = servicetitan().await;
    Mock::given(method("GET"))
        .and(path(ATTACHMENT_9))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(&b"%PDF-1.7"[..], "application/pdf")
                .insert_header(
                    "content-disposition",
                    "attachment; filename=\"invoice.pdf\"",
                ),
        )
        .mount(&api)
        .await;

    let file = client(&api).jobs_get(9).await.unwrap();

    assert_eq!(file.redirect(), None);
    assert_eq!(file.file_name().as_deref(), Some("invoice.pdf"));
    assert_eq!(file.content_type(), Some("application/pdf"));
    assert_eq!(&file.bytes().await.unwrap()[..], b"%PDF-1.7");
    assert_servicetitan_headers(&requests_to(&api, ATTACHMENT_9).await[0]);
}

#[tokio::test]
async fn get_follows_a_redirect_without_servicetitan_headers_or_exposes_it() {
    let storage = storage(b"jpeg bytes", "image/jpeg").await;
    let location = format!("{}/blobs/file?sig=s3cr3t", storage.uri());
    let api = servicetitan().await;
    Mock::given(path(ATTACHMENT_9))
        .respond_with(redirect_to(&location))
        .mount(&api)
        .await;
    let client = client(&api);

    let unfollowed = client.jobs_get(9).follow_redirect(false).await.unwrap();
    assert_eq!(
        unfollowed.redirect().map(|url| url.as_str()),
        Some(location.as_str())
    );
    assert!(storage.received_requests().await.unwrap().is_empty());

    let file = client.jobs_get(9).await.unwrap();
    assert_eq!(&file.bytes().await.unwrap()[..], b"jpeg bytes");
    let fetched = storage.received_requests().await.unwrap();
    assert_eq!(fetched.len(), 1);
    assert_no_servicetitan_headers(&fetched[0]);
}

#[tokio::test]
async fn get_of_a_missing_attachment_is_an_api_error() {
    let api = servicetitan().await;
    // The spec declares this 404 without a body.
    Mock::given(path("/forms/v2/tenant/777/jobs/attachment/404"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&api)
        .await;

    let err = client(&api).jobs_get(404).await.unwrap_err();

    assert_api_error(&err, 404, "Jobs_Get");
}

#[tokio::test]
async fn list_sends_filters_and_keeps_unknown_fields() {
    let api = servicetitan().await;
    Mock::given(method("GET"))
        .and(path(JOB_42_ATTACHMENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "page": 1, "pageSize": 2, "hasMore": false, "totalCount": 1,
            "data": [{
                "id": 9, "fileName": "invoice.pdf", "createdOn": "2026-05-01T10:00:00.1234567",
                "createdById": 5, "fieldAddedLater": true,
            }],
        })))
        .mount(&api)
        .await;
    let since: st_core::Timestamp = "2026-05-01T00:00:00Z".parse().unwrap();

    let page = client(&api)
        .jobs_get_job_attachments(42)
        .created_on_or_after(since)
        .sort("-CreatedOn")
        .page(1)
        .page_size(2)
        .include_total(true)
        .send()
        .await
        .unwrap();

    assert_eq!((page.page, page.page_size, page.has_more), (1, 2, false));
    assert_eq!(page.total_count, Some(1));
    let attachment = &page.data[0];
    assert_eq!(attachment.id, 9);
    assert_eq!(attachment.file_name.as_deref(), Some("invoice.pdf"));
    assert_eq!(
        attachment.created_on.unwrap().to_string(),
        "2026-05-01T10:00:00.123456700Z"
    );
    assert_eq!(attachment.extra["createdById"], 5);
    assert_eq!(attachment.extra["fieldAddedLater"], true);
    let request = &requests_to(&api, JOB_42_ATTACHMENTS).await[0];
    assert_servicetitan_headers(request);
    assert_eq!(
        request.url.query(),
        Some(
            "createdOnOrAfter=2026-05-01T00%3A00%3A00Z&sort=-CreatedOn&page=1&pageSize=2\
             &includeTotal=true"
        )
    );
}

#[tokio::test]
async fn list_streams_every_page() {
    let api = servicetitan().await;
    for (page, body) in [
        (
            "1",
            json!({"page": 1, "pageSize": 2, "hasMore": true, "data": [{"id": 1}, {"id": 2}]}),
        ),
        (
            "2",
            json!({"page": 2, "pageSize": 2, "hasMore": false, "data": [{"id": 3}]}),
        ),
    ] {
        Mock::given(path(JOB_42_ATTACHMENTS))
            .and(query_param("page", page))
            .and(query_param("pageSize", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&api)
            .await;
    }

    let ids: Vec<i64> = client(&api)
        .jobs_get_job_attachments(42)
        .page_size(2)
        .stream()
        .map_ok(|attachment| attachment.id)
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids, [1, 2, 3]);
}

const APP_KEY: &str = "ak1-loopback-app-key";
const TENANT: u64 = 777;

/// ServiceTitan on loopback: its token endpoint; each test mounts the API it needs.
async fn servicetitan() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/connect/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "tkn-1", "token_type": "Bearer", "expires_in": 900}),
        ))
        .mount(&server)
        .await;
    server
}

/// A storage host (another origin) serving `content` at `/blobs/file`.
async fn storage(content: &'static [u8], content_type: &str) -> MockServer {
    let storage = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/blobs/file"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(content, content_type))
        .mount(&storage)
        .await;
    storage
}

fn redirect_to(location: &str) -> ResponseTemplate {
    ResponseTemplate::new(302).insert_header("location", location)
}

fn client(servicetitan: &MockServer) -> Client {
    let url = servicetitan.uri();
    let core = Core::builder()
        .environment(Environment::custom(&url, &url).unwrap())
        .credentials(Credentials::new("cid.loopback", "cs1-loopback-secret"))
        .app_key(APP_KEY)
        .tenant(TENANT)
        .rate_limit(RateLimit::unlimited())
        .build()
        .unwrap();
    Client::from_core(&core)
}

async fn requests_to(server: &MockServer, wanted: &str) -> Vec<Request> {
    let all = server.received_requests().await.unwrap();
    all.into_iter().filter(|r| r.url.path() == wanted).collect()
}

/// The one part of a `multipart/form-data` body: its headers and its content.
fn only_part(request: &Request) -> (String, Vec<u8>) {
    let content_type = request.headers["content-type"].to_str().unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not multipart: {content_type}"));
    let opening = format!("--{boundary}\r\n");
    let closing = format!("\r\n--{boundary}--\r\n");
    let body = &request.body;
    assert!(
        body.starts_with(opening.as_bytes()),
        "opens with the boundary"
    );
    assert!(
        body.ends_with(closing.as_bytes()),
        "ends with the closing boundary"
    );
    let part = &body[opening.len()..body.len() - closing.len()];
    let split = part.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    (
        String::from_utf8(part[..split].to_vec()).unwrap(),
        part[split + 4..].to_vec(),
    )
}

fn assert_servicetitan_headers(request: &Request) {
    assert_eq!(request.headers["authorization"], "Bearer tkn-1");
    assert_eq!(request.headers["st-app-key"], APP_KEY);
}

fn assert_no_servicetitan_headers(request: &Request) {
    assert!(request.headers.get("authorization").is_none());
    assert!(request.headers.get("st-app-key").is_none());
}

fn assert_api_error(err: &Error, expected_status: u16, expected_operation: &str) {
    let Error::Api {
        status,
        operation_id,
        ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*status, expected_status);
    assert_eq!(*operation_id, Some(expected_operation));
}
