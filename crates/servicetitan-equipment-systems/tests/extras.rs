//! The hand-written attachment upload and download (`src/extras.rs`) over loopback HTTP
//! (wiremock): what ServiceTitan and the storage host receive, and what the caller gets back.

use serde_json::json;
use servicetitan_equipment_systems::Client;
use servicetitan_equipment_systems::extras::Upload;
use st_core::{Core, Credentials, Environment, Error, RateLimit};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const ATTACHMENTS: &str = "/equipmentsystems/v2/tenant/777/installed-equipment/attachments";

#[tokio::test]
async fn post_attachment_sends_the_file_part_with_token_and_app_key() {
    let api = servicetitan().await;
    // The spec declares both 200 and 201 for this upload; 200 here.
    Mock::given(method("POST"))
        .and(path(ATTACHMENTS))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"path": "Attachments/abc/manual.pdf"})),
        )
        .mount(&api)
        .await;

    let uploaded = client(&api)
        .installed_equipment_post_attachment(Upload::new("manual.pdf", &b"%PDF-1.7 ..."[..]))
        .await
        .unwrap();

    assert_eq!(uploaded.path, "Attachments/abc/manual.pdf");
    let request = &requests_to(&api, ATTACHMENTS).await[0];
    assert_servicetitan_headers(request);
    let (headers, content) = only_part(request);
    assert_eq!(
        headers,
        "Content-Disposition: form-data; name=\"file\"; filename=\"manual.pdf\"\r\n\
         Content-Type: application/pdf"
    );
    assert_eq!(content, b"%PDF-1.7 ...");
}

#[tokio::test]
async fn get2_follows_the_redirect_without_servicetitan_headers() {
    let storage = storage(b"%PDF-1.7 manual", "application/pdf").await;
    let api = servicetitan().await;
    Mock::given(method("GET"))
        .and(path(ATTACHMENTS))
        .and(query_param("path", "Attachments/abc/manual.pdf"))
        .respond_with(redirect_to(&format!(
            "{}/blobs/file?se=2026&sig=s3cr3t",
            storage.uri()
        )))
        .mount(&api)
        .await;

    let file = client(&api)
        .installed_equipment_get2("Attachments/abc/manual.pdf")
        .await
        .unwrap();

    assert_eq!(file.content_type(), Some("application/pdf"));
    assert_eq!(&file.bytes().await.unwrap()[..], b"%PDF-1.7 manual");
    assert_servicetitan_headers(&requests_to(&api, ATTACHMENTS).await[0]);
    let fetched = storage.received_requests().await.unwrap();
    assert_eq!(fetched.len(), 1);
    assert_no_servicetitan_headers(&fetched[0]);
}

#[tokio::test]
async fn get2_exposes_the_redirect_and_fetches_only_when_read() {
    let storage = storage(b"bytes", "application/pdf").await;
    let location = format!("{}/blobs/file?sig=s3cr3t", storage.uri());
    let api = servicetitan().await;
    Mock::given(path(ATTACHMENTS))
        .respond_with(redirect_to(&location))
        .mount(&api)
        .await;

    let file = client(&api)
        .installed_equipment_get2("Attachments/abc/manual.pdf")
        .follow_redirect(false)
        .await
        .unwrap();

    assert_eq!(
        file.redirect().map(|url| url.as_str()),
        Some(location.as_str())
    );
    assert!(storage.received_requests().await.unwrap().is_empty());
    // Reading it fetches it then, still without ServiceTitan's headers.
    assert_eq!(&file.bytes().await.unwrap()[..], b"bytes");
    assert_no_servicetitan_headers(&storage.received_requests().await.unwrap()[0]);
}

#[tokio::test]
async fn get2_of_a_missing_attachment_is_an_api_error() {
    let api = servicetitan().await;
    Mock::given(path(ATTACHMENTS))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            json!({"title": "Attachment not found", "status": 404, "traceId": "00-eq-404"}),
        ))
        .mount(&api)
        .await;

    let err = client(&api)
        .installed_equipment_get2("Attachments/none")
        .await
        .unwrap_err();

    assert_api_error(&err, 404, "InstalledEquipment_Get2");
    assert_eq!(
        err.api_error().unwrap().trace_id.as_deref(),
        Some("00-eq-404")
    );
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
