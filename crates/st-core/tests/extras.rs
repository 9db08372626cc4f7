//! `st_core::extras` over loopback HTTP (wiremock): uploads as `multipart/form-data`, downloads
//! that follow ServiceTitan's redirect to a storage host without ServiceTitan's headers.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::TryStreamExt;
use serde_json::{Value, json};
use st_core::extras::{self, Upload};
use st_core::{Core, Credentials, Environment, Error, RateLimit, RetryPolicy};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const APP_KEY: &str = "ak1-extras-app-key";
const TENANT: u64 = 4321;

/// ServiceTitan: a token endpoint issuing `tkn-1`, `tkn-2`, …
async fn servicetitan() -> MockServer {
    struct Issuer(AtomicUsize);
    impl Respond for Issuer {
        fn respond(&self, _: &Request) -> ResponseTemplate {
            let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
            ResponseTemplate::new(200).set_body_json(json!({
                "access_token": format!("tkn-{n}"), "token_type": "Bearer", "expires_in": 900,
            }))
        }
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/connect/token"))
        .respond_with(Issuer(AtomicUsize::new(0)))
        .mount(&server)
        .await;
    server
}

fn core(server: &MockServer) -> Core {
    Core::builder()
        .environment(Environment::custom(&server.uri(), &server.uri()).unwrap())
        .credentials(Credentials::new("cid.extras", "cs1-extras-secret"))
        .app_key(APP_KEY)
        .tenant(TENANT)
        .rate_limit(RateLimit::unlimited())
        .retry_policy(
            RetryPolicy::default()
                .with_base_delay(Duration::from_millis(1))
                .with_max_delay(Duration::from_millis(5)),
        )
        .build()
        .unwrap()
}

fn api_path(rest: &str) -> String {
    format!("/pricebook/v2/tenant/{TENANT}{rest}")
}

fn api_url(core: &Core, rest: &str) -> String {
    format!("{}{rest}", core.api_base_url("/pricebook/v2"))
}

async fn requests_to(server: &MockServer, wanted: &str) -> Vec<Request> {
    let all = server.received_requests().await.unwrap();
    all.into_iter().filter(|r| r.url.path() == wanted).collect()
}

/// The parts of a `multipart/form-data` body: (headers block, content) per part.
fn multipart_parts(request: &Request) -> Vec<(String, Vec<u8>)> {
    let content_type = request.headers["content-type"].to_str().unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not multipart: {content_type}"));
    let delimiter = format!("--{boundary}");
    let body = &request.body;
    let mut parts = Vec::new();
    let mut rest = &body[..];
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let start = find(rest, delimiter.as_bytes()).expect("opening delimiter");
    rest = &rest[start + delimiter.len()..];
    while rest.starts_with(b"\r\n") {
        rest = &rest[2..];
        let end = find(rest, format!("\r\n{delimiter}").as_bytes()).expect("closing delimiter");
        let part = &rest[..end];
        let split = find(part, b"\r\n\r\n").expect("part headers");
        parts.push((
            String::from_utf8(part[..split].to_vec()).unwrap(),
            part[split + 4..].to_vec(),
        ));
        rest = &rest[end + 2 + delimiter.len()..];
    }
    assert!(rest.starts_with(b"--"), "closing delimiter ends with --");
    parts
}

#[tokio::test]
async fn upload_sends_the_file_as_one_multipart_part_with_token_and_app_key() {
    let server = servicetitan().await;
    Mock::given(method("POST"))
        .and(path(api_path("/images")))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"path": "Images/tmp/1.jpg"})))
        .mount(&server)
        .await;
    let core = core(&server);
    let photo: Vec<u8> = (0..=255u8).cycle().take(3000).collect();

    let answer: Value = extras::upload(
        &core,
        core.http().post(api_url(&core, "/images")),
        Upload::new("unit \"A\".jpg", photo.clone()).content_type("image/jpeg"),
        "Images_Post",
    )
    .await
    .unwrap();

    assert_eq!(answer, json!({"path": "Images/tmp/1.jpg"}));
    let request = &requests_to(&server, &api_path("/images")).await[0];
    assert_eq!(request.headers["authorization"], "Bearer tkn-1");
    assert_eq!(request.headers["st-app-key"], APP_KEY);
    assert_eq!(
        request.headers["content-length"],
        request.body.len().to_string().as_str(),
        "a byte upload is sent with its length, not chunked"
    );
    let parts = multipart_parts(request);
    assert_eq!(parts.len(), 1);
    let (headers, content) = &parts[0];
    assert_eq!(
        headers,
        "Content-Disposition: form-data; name=\"file\"; filename=\"unit \\\"A\\\".jpg\"\r\n\
         Content-Type: image/jpeg"
    );
    assert_eq!(content, &photo);
}

#[tokio::test]
async fn byte_upload_is_resent_with_a_new_token_after_401() {
    let server = servicetitan().await;
    Mock::given(path(api_path("/images")))
        .respond_with(ResponseTemplate::new(401))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path(api_path("/images")))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"path": "Images/2.png"})))
        .mount(&server)
        .await;
    let core = core(&server);

    let answer: Value = extras::upload(
        &core,
        core.http().post(api_url(&core, "/images")),
        Upload::new("2.png", &b"\x89PNG"[..]),
        "Images_Post",
    )
    .await
    .unwrap();

    assert_eq!(answer["path"], "Images/2.png");
    let sent = requests_to(&server, &api_path("/images")).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].headers["authorization"], "Bearer tkn-2");
    assert_eq!(sent[0].body, sent[1].body, "the same form both times");
    assert_eq!(multipart_parts(&sent[1])[0].1, b"\x89PNG");
}

#[tokio::test]
async fn stream_upload_sends_the_chunks_as_the_file_part() {
    let server = servicetitan().await;
    Mock::given(path(api_path("/images")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"path": "p"})))
        .mount(&server)
        .await;
    let core = core(&server);
    let chunks = futures::stream::iter(
        ["id,name\n", "1,Ann\n", "2,Bob\n"].map(|c| Ok::<_, std::io::Error>(c.as_bytes().to_vec())),
    );

    let _: Value = extras::upload(
        &core,
        core.http().post(api_url(&core, "/images")),
        Upload::from_stream("people.csv", chunks),
        "Images_Post",
    )
    .await
    .unwrap();

    let request = &requests_to(&server, &api_path("/images")).await[0];
    let (headers, content) = &multipart_parts(request)[0];
    assert!(headers.ends_with("Content-Type: text/csv"), "{headers}");
    assert_eq!(content, b"id,name\n1,Ann\n2,Bob\n");
}

#[tokio::test]
async fn upload_with_an_invalid_content_type_fails_before_sending() {
    let server = servicetitan().await;
    let core = core(&server);

    let err = extras::upload::<Value>(
        &core,
        core.http().post(api_url(&core, "/images")),
        Upload::new("a.jpg", vec![1]).content_type("not a media type"),
        "Images_Post",
    )
    .await
    .unwrap_err();

    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn rejected_upload_is_an_api_error_with_the_parsed_body() {
    let server = servicetitan().await;
    Mock::given(path(api_path("/images")))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "title": "File type is not supported.", "status": 400, "traceId": "00-up-01",
        })))
        .mount(&server)
        .await;
    let core = core(&server);

    let err = extras::upload::<Value>(
        &core,
        core.http().post(api_url(&core, "/images")),
        Upload::new("a.exe", vec![1]),
        "Images_Post",
    )
    .await
    .unwrap_err();

    let Error::Api {
        status,
        error,
        operation_id,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*status, 400);
    assert_eq!(error.trace_id.as_deref(), Some("00-up-01"));
    assert_eq!(*operation_id, Some("Images_Post"));
}

/// ServiceTitan answering `GET /images?path=…` with a 302 to `storage`.
async fn redirecting_to(storage: &MockServer, location: &str) -> MockServer {
    let server = servicetitan().await;
    Mock::given(method("GET"))
        .and(path(api_path("/images")))
        .and(query_param("path", "Images/1.jpg"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}{location}", storage.uri()).as_str()),
        )
        .mount(&server)
        .await;
    server
}

async fn storage_with_file() -> MockServer {
    let storage = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/blobs/1.jpg"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(&b"\xFF\xD8jpeg-bytes"[..], "image/jpeg")
                .insert_header("content-disposition", "attachment; filename=\"1.jpg\""),
        )
        .mount(&storage)
        .await;
    storage
}

fn images_get(core: &Core) -> extras::DownloadRequest {
    let request = core
        .http()
        .get(api_url(core, "/images"))
        .query(&[("path", "Images/1.jpg")]);
    extras::download(core, request, "Images_Get")
}

#[tokio::test]
async fn download_follows_the_redirect_without_servicetitan_headers() {
    let storage = storage_with_file().await;
    let server = redirecting_to(&storage, "/blobs/1.jpg?sig=s3cr3t").await;
    let core = core(&server);

    let file = images_get(&core).await.unwrap();

    assert_eq!(
        file.redirect().map(|u| u.as_str().to_owned()),
        Some(format!("{}/blobs/1.jpg?sig=s3cr3t", storage.uri()))
    );
    assert!(file.is_fetched());
    assert_eq!(file.content_type(), Some("image/jpeg"));
    assert_eq!(file.content_length(), Some(12));
    assert_eq!(file.file_name().as_deref(), Some("1.jpg"));
    assert_eq!(&file.bytes().await.unwrap()[..], b"\xFF\xD8jpeg-bytes");

    let api = &requests_to(&server, &api_path("/images")).await[0];
    assert_eq!(api.headers["st-app-key"], APP_KEY);
    let fetched = storage.received_requests().await.unwrap();
    assert_eq!(fetched.len(), 1);
    assert_eq!(fetched[0].url.query(), Some("sig=s3cr3t"));
    assert!(fetched[0].headers.get("authorization").is_none());
    assert!(fetched[0].headers.get("st-app-key").is_none());
}

#[tokio::test]
async fn unfollowed_redirect_is_exposed_and_fetched_only_when_read() {
    let storage = storage_with_file().await;
    let server = redirecting_to(&storage, "/blobs/1.jpg?sig=s3cr3t").await;
    let core = core(&server);

    let file = images_get(&core).follow_redirect(false).await.unwrap();

    let url = file.redirect().unwrap().clone();
    assert_eq!(url.path(), "/blobs/1.jpg");
    assert!(!file.is_fetched());
    assert_eq!(file.content_type(), None);
    assert!(storage.received_requests().await.unwrap().is_empty());

    let bytes = file.bytes().await.unwrap();
    assert_eq!(&bytes[..], b"\xFF\xD8jpeg-bytes");
    assert_eq!(storage.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn download_answered_with_the_file_itself_has_no_redirect() {
    let server = servicetitan().await;
    Mock::given(path(api_path("/images")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(&b"inline"[..], "application/pdf")
                .insert_header(
                    "content-disposition",
                    "attachment; filename=\"x.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf",
                ),
        )
        .mount(&server)
        .await;
    let core = core(&server);

    let file = images_get(&core).await.unwrap();

    assert_eq!(file.redirect(), None);
    assert_eq!(file.file_name().as_deref(), Some("résumé.pdf"));
    assert_eq!(file.content_type(), Some("application/pdf"));
    assert_eq!(&file.bytes().await.unwrap()[..], b"inline");
}

#[tokio::test]
async fn download_streams_the_file_in_chunks() {
    let storage = MockServer::start().await;
    let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    Mock::given(path("/blobs/1.jpg"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(big.clone(), "image/jpeg"))
        .mount(&storage)
        .await;
    let server = redirecting_to(&storage, "/blobs/1.jpg").await;
    let core = core(&server);

    let chunks: Vec<_> = images_get(&core)
        .await
        .unwrap()
        .stream()
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(chunks.concat(), big);
}

#[tokio::test]
async fn not_found_from_servicetitan_is_an_api_error() {
    let storage = MockServer::start().await;
    let server = servicetitan().await;
    Mock::given(path(api_path("/images")))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "title": "Image not found.", "status": 404, "traceId": "00-dl-404",
        })))
        .mount(&server)
        .await;
    let core = core(&server);

    let err = images_get(&core).await.unwrap_err();

    match &err {
        Error::Api {
            status,
            error,
            operation_id,
            ..
        } => {
            assert_eq!(*status, 404);
            assert_eq!(error.title.as_deref(), Some("Image not found."));
            assert_eq!(*operation_id, Some("Images_Get"));
        }
        other => panic!("{other:?}"),
    }
    assert!(storage.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn expired_storage_link_is_an_api_error_of_the_operation() {
    let storage = MockServer::start().await;
    Mock::given(path("/blobs/1.jpg"))
        .respond_with(ResponseTemplate::new(403).set_body_raw(
            "<Error><Code>AuthenticationFailed</Code></Error>",
            "application/xml",
        ))
        .mount(&storage)
        .await;
    let server = redirecting_to(&storage, "/blobs/1.jpg?sig=expired").await;
    let core = core(&server);

    let err = images_get(&core).await.unwrap_err();

    let Error::Api {
        status,
        error,
        operation_id,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*status, 403);
    assert_eq!(**error, st_core::ApiError::default());
    assert_eq!(*operation_id, Some("Images_Get"));
    assert!(!err.to_string().contains("expired"), "{err}");
}

#[tokio::test]
async fn storage_redirects_are_followed_without_servicetitan_headers() {
    let mirror = storage_with_file().await;
    let storage = MockServer::start().await;
    Mock::given(path("/blobs/moved.jpg"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/blobs/1.jpg", mirror.uri()).as_str()),
        )
        .mount(&storage)
        .await;
    let server = redirecting_to(&storage, "/blobs/moved.jpg").await;
    let core = core(&server);

    let bytes = images_get(&core).await.unwrap().bytes().await.unwrap();

    assert_eq!(&bytes[..], b"\xFF\xD8jpeg-bytes");
    let fetched = mirror.received_requests().await.unwrap();
    assert!(fetched[0].headers.get("st-app-key").is_none());
}

#[tokio::test]
async fn redirect_without_location_is_an_unexpected_response() {
    let server = servicetitan().await;
    Mock::given(path(api_path("/images")))
        .respond_with(ResponseTemplate::new(302))
        .mount(&server)
        .await;
    let core = core(&server);

    let err = images_get(&core).await.unwrap_err();

    assert!(
        matches!(
            err,
            Error::UnexpectedResponse {
                status,
                operation_id: Some("Images_Get"),
                ..
            } if status == 302
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn download_debug_hides_the_redirect_signature() {
    let storage = storage_with_file().await;
    let server = redirecting_to(&storage, "/blobs/1.jpg?sig=s3cr3t").await;
    let core = core(&server);

    let file = images_get(&core).follow_redirect(false).await.unwrap();

    let debug = format!("{file:?}");
    assert!(!debug.contains("s3cr3t"), "{debug}");
    assert!(debug.contains("/blobs/1.jpg?…"), "{debug}");
}

#[tokio::test]
async fn send_json_names_where_decoding_failed_but_not_the_body() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        page: i32,
        data: Vec<i64>,
    }
    let server = servicetitan().await;
    Mock::given(path(api_path("/list")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"page": 1, "data": [1, "jane@example.com"]})),
        )
        .mount(&server)
        .await;
    let core = core(&server);

    let err =
        extras::send_json::<Page>(&core, core.http().get(api_url(&core, "/list")), "List_Get")
            .await
            .unwrap_err();

    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(decode.path(), Some("data[1]"));
    assert!(!err.to_string().contains("jane"), "{err}");
}

#[test]
fn download_request_is_send_and_static() {
    fn check<T: Send + 'static>() {}
    check::<extras::DownloadRequest>();
    check::<extras::Download>();
    check::<Upload>();
}
