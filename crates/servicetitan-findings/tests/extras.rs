//! The hand-written asset upload and download (`src/extras.rs`) over loopback HTTP (wiremock):
//! what ServiceTitan and the storage host receive, and what the caller gets back.

use serde_json::json;
use servicetitan_findings::Client;
use servicetitan_findings::extras::Upload;
use st_core::{Core, Credentials, Environment, Error, RateLimit};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const ASSETS: &str = "/findings/v2/tenant/777/assets";

#[tokio::test]
async fn post_attachment_sends_the_file_part_with_token_and_app_key() {
    let api = servicetitan().await;
    Mock::given(method("POST"))
        .and(path(ASSETS))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"path": "findings/assets/9/corrosion.jpg"})),
        )
        .mount(&api)
        .await;

    let asset = client(&api)
        .finding_assets_post_attachment(Upload::new("corrosion.jpg", vec![0xFF, 0xD8, 0xFF]))
        .await
        .unwrap();

    assert_eq!(asset.path, "findings/assets/9/corrosion.jpg");
    let request = &requests_to(&api, ASSETS).await[0];
    assert_servicetitan_headers(request);
    let (headers, content) = only_part(request);
    assert_eq!(
        headers,
        "Content-Disposition: form-data; name=\"file\"; filename=\"corrosion.jpg\"\r\n\
         Content-Type: image/jpeg"
    );
    assert_eq!(content, [0xFF, 0xD8, 0xFF]);
}

#[tokio::test]
async fn get_follows_the_redirect_without_servicetitan_headers() {
    let storage = storage(b"jpeg bytes", "image/jpeg").await;
    let api = servicetitan().await;
    Mock::given(method("GET"))
        .and(path(ASSETS))
        .and(query_param("path", "findings/assets/9/corrosion.jpg"))
        .respond_with(redirect_to(&format!(
            "{}/blobs/file?sig=s3cr3t",
            storage.uri()
        )))
        .mount(&api)
        .await;

    let file = client(&api)
        .finding_assets_get("findings/assets/9/corrosion.jpg")
        .await
        .unwrap();

    assert_eq!(&file.bytes().await.unwrap()[..], b"jpeg bytes");
    assert_servicetitan_headers(&requests_to(&api, ASSETS).await[0]);
    let fetched = storage.received_requests().await.unwrap();
    assert_eq!(fetched.len(), 1);
    assert_no_servicetitan_headers(&fetched[0]);
}

#[tokio::test]
async fn get_exposes_the_redirect_without_fetching_it() {
    let storage = storage(b"jpeg bytes", "image/jpeg").await;
    let location = format!("{}/blobs/file?sig=s3cr3t", storage.uri());
    let api = servicetitan().await;
    Mock::given(path(ASSETS))
        .respond_with(redirect_to(&location))
        .mount(&api)
        .await;

    let file = client(&api)
        .finding_assets_get("findings/assets/9/corrosion.jpg")
        .follow_redirect(false)
        .await
        .unwrap();

    assert_eq!(
        file.redirect().map(|url| url.as_str()),
        Some(location.as_str())
    );
    assert!(storage.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn get_of_a_missing_asset_is_an_api_error() {
    let api = servicetitan().await;
    Mock::given(path(ASSETS))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            json!({"title": "Asset not found", "status": 404, "traceId": "00-fa-404"}),
        ))
        .mount(&api)
        .await;

    let err = client(&api)
        .finding_assets_get("findings/assets/none")
        .await
        .unwrap_err();

    assert_api_error(&err, 404, "FindingAssets_Get");
    assert_eq!(
        err.api_error().unwrap().trace_id.as_deref(),
        Some("00-fa-404")
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
