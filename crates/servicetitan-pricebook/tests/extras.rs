//! The hand-written image upload and download (`src/extras.rs`) over loopback HTTP (wiremock):
//! what ServiceTitan and the storage host receive, and what the caller gets back.

use serde_json::json;
use servicetitan_pricebook::Client;
use servicetitan_pricebook::extras::Upload;
use st_core::{Core, Credentials, Environment, Error, RateLimit};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const IMAGES: &str = "/pricebook/v2/tenant/777/images";

#[tokio::test]
async fn images_post_sends_the_image_as_the_file_part_with_token_and_app_key() {
    let api = servicetitan().await;
    Mock::given(method("POST"))
        .and(path(IMAGES))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"path": "Images/Temp/unit.jpg"})),
        )
        .mount(&api)
        .await;
    let image = b"\xFF\xD8\xFF\xE0 jpeg".to_vec();

    let uploaded = client(&api)
        .images_post(Upload::new("unit.jpg", image.clone()).content_type("image/jpeg"))
        .await
        .unwrap();

    assert_eq!(uploaded.path, "Images/Temp/unit.jpg");
    let request = &requests_to(&api, IMAGES).await[0];
    assert_servicetitan_headers(request);
    let (headers, content) = only_part(request);
    assert_eq!(
        headers,
        "Content-Disposition: form-data; name=\"file\"; filename=\"unit.jpg\"\r\n\
         Content-Type: image/jpeg"
    );
    assert_eq!(content, image);
}

#[tokio::test]
async fn images_get_follows_the_redirect_without_servicetitan_headers() {
    let storage = storage(b"png bytes", "image/png").await;
    let api = servicetitan().await;
    Mock::given(method("GET"))
        .and(path(IMAGES))
        .and(query_param("path", "Images/Unit 1.png"))
        .respond_with(redirect_to(&format!(
            "{}/blobs/file?sv=2024&sig=s3cr3t",
            storage.uri()
        )))
        .mount(&api)
        .await;

    let image = client(&api).images_get("Images/Unit 1.png").await.unwrap();

    assert_eq!(image.content_type(), Some("image/png"));
    assert_eq!(&image.bytes().await.unwrap()[..], b"png bytes");
    assert_servicetitan_headers(&requests_to(&api, IMAGES).await[0]);
    let fetched = storage.received_requests().await.unwrap();
    assert_eq!(fetched.len(), 1);
    assert_eq!(fetched[0].url.query(), Some("sv=2024&sig=s3cr3t"));
    assert_no_servicetitan_headers(&fetched[0]);
}

#[tokio::test]
async fn images_get_exposes_the_redirect_without_fetching_it() {
    let storage = storage(b"png bytes", "image/png").await;
    let location = format!("{}/blobs/file?sig=s3cr3t", storage.uri());
    let api = servicetitan().await;
    Mock::given(path(IMAGES))
        .respond_with(redirect_to(&location))
        .mount(&api)
        .await;

    let image = client(&api)
        .images_get("Images/1.png")
        .follow_redirect(false)
        .await
        .unwrap();

    assert_eq!(
        image.redirect().map(|url| url.as_str()),
        Some(location.as_str())
    );
    assert!(!image.is_fetched());
    assert!(storage.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn images_get_of_a_missing_image_is_an_api_error() {
    let api = servicetitan().await;
    Mock::given(path(IMAGES))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            json!({"title": "Image not found", "status": 404, "traceId": "00-img-404"}),
        ))
        .mount(&api)
        .await;

    let err = client(&api)
        .images_get("Images/gone.png")
        .await
        .unwrap_err();

    assert_api_error(&err, 404, "Images_Get");
    assert_eq!(
        err.api_error().unwrap().trace_id.as_deref(),
        Some("00-img-404")
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
