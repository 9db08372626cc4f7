//! Shared fixtures: a mock ServiceTitan (token endpoint + API), a `Core` pointed at it, and
//! `area::Client`, written in the shape progenitor 0.15 generates.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;
use st_core::{Core, CoreBuilder, Credentials, Environment, RateLimit, RetryPolicy, TokenPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const CLIENT_ID: &str = "cid.test-client";
pub const CLIENT_SECRET: &str = "cs1-Sup3rS3cretValue";
pub const APP_KEY: &str = "ak1-AppKeyValue42";
/// Tokens are `TOKEN_PREFIX` + a counter: `tkn-Zx9Q-1`, `tkn-Zx9Q-2`, …
pub const TOKEN_PREFIX: &str = "tkn-Zx9Q-";
pub const TENANT: u64 = 1_234_567;

pub fn token(n: usize) -> String {
    format!("{TOKEN_PREFIX}{n}")
}

/// The path of the mock API under the test area's service path.
pub fn api_path(rest: &str) -> String {
    format!("/crm/v2/tenant/{TENANT}{rest}")
}

/// Issues `tkn-Zx9Q-1`, `tkn-Zx9Q-2`, … as bearer tokens.
pub struct Issuer {
    issued: AtomicUsize,
    expires_in: u64,
    token_type: Option<&'static str>,
    delay: Duration,
}

impl Issuer {
    pub fn new() -> Self {
        Self {
            issued: AtomicUsize::new(0),
            expires_in: 900,
            token_type: Some("Bearer"),
            delay: Duration::ZERO,
        }
    }

    pub fn expires_in(mut self, seconds: u64) -> Self {
        self.expires_in = seconds;
        self
    }

    pub fn without_token_type(mut self) -> Self {
        self.token_type = None;
        self
    }

    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

impl Respond for Issuer {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        let mut body = json!({ "access_token": token(n), "expires_in": self.expires_in });
        if let Some(kind) = self.token_type {
            body["token_type"] = json!(kind);
        }
        ResponseTemplate::new(200)
            .set_body_json(body)
            .set_delay(self.delay)
    }
}

/// A mock server with a token endpoint issuing counted tokens.
pub async fn server_with(issuer: Issuer) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/connect/token"))
        .respond_with(issuer)
        .mount(&server)
        .await;
    server
}

pub async fn server() -> MockServer {
    server_with(Issuer::new()).await
}

/// A builder for a `Core` against `server`, with fast retries and no client-side rate limit.
pub fn builder(server: &MockServer) -> CoreBuilder {
    Core::builder()
        .environment(Environment::custom(&server.uri(), &server.uri()).unwrap())
        .credentials(Credentials::new(CLIENT_ID, CLIENT_SECRET))
        .app_key(APP_KEY)
        .tenant(TENANT)
        .retry_policy(fast_retries())
        .rate_limit(RateLimit::unlimited())
        .token_policy(TokenPolicy::default().with_jitter(Duration::ZERO))
}

pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_base_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(5))
}

pub fn core(server: &MockServer) -> Core {
    builder(server).build().unwrap()
}

pub async fn requests_to(server: &MockServer, wanted: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == wanted)
        .collect()
}

pub async fn token_requests(server: &MockServer) -> usize {
    requests_to(server, "/connect/token").await.len()
}

/// A JSON customer as the mock API returns it.
pub fn customer_json(id: i64) -> serde_json::Value {
    json!({ "id": id, "name": "Ann Example" })
}

/// What a generated area crate looks like to st-core: the struct, constructor and `ClientInfo`
/// impl progenitor emits with an `st_core::Core` inner type and `HooksMode::Expected`, and
/// operations written the way progenitor writes them (snake-case operation ids (header map with `api-version`, `pre`,
/// `exec`, `post`, then a match on the status).
pub mod area {
    use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo, ResponseValue};
    use reqwest::header::{ACCEPT, HeaderMap, HeaderName, HeaderValue};
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug)]
    pub struct Client {
        pub(crate) baseurl: String,
        pub(crate) client: reqwest::Client,
        pub(crate) inner: st_core::Core,
    }

    impl Client {
        pub fn new_with_client(
            baseurl: &str,
            client: reqwest::Client,
            inner: st_core::Core,
        ) -> Self {
            Self {
                baseurl: baseurl.to_string(),
                client,
                inner,
            }
        }
    }

    impl ClientInfo<st_core::Core> for Client {
        fn api_version() -> &'static str {
            "1.0"
        }
        fn baseurl(&self) -> &str {
            self.baseurl.as_str()
        }
        fn client(&self) -> &reqwest::Client {
            &self.client
        }
        fn inner(&self) -> &st_core::Core {
            &self.inner
        }
    }

    // What progenitor checks under `HooksMode::Expected`.
    const _: () = {
        #[allow(dead_code)]
        fn assert_client_hooks()
        where
            Client: ClientHooks<st_core::Core>,
        {
        }
    };

    // The one line a generated crate carries.
    st_core::wire_client!(
        Client,
        "/crm/v2",
        overrides { "calls_get_v3" => "/crm/v3", "calls_calls" => "/v3" => "/crm/v3" }
    );

    #[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
    pub struct Customer {
        pub id: i64,
        pub name: String,
    }

    fn headers() -> HeaderMap {
        let mut map = HeaderMap::with_capacity(1);
        map.append(
            HeaderName::from_static("api-version"),
            HeaderValue::from_static(Client::api_version()),
        );
        map
    }

    impl Client {
        async fn run<T: serde::de::DeserializeOwned>(
            &self,
            mut request: reqwest::Request,
            operation_id: &'static str,
        ) -> Result<ResponseValue<T>, Error<st_core::ApiError>> {
            let info = OperationInfo { operation_id };
            self.pre(&mut request, &info).await?;
            let result = self.exec(request, &info).await;
            self.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200 | 201 => ResponseValue::from_response(response).await,
                400 | 404 | 409 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }

        /// `GET /customers/{id}`, declaring 200 and 404 (`ApiErrorResponse`).
        pub async fn customers_get(
            &self,
            id: i64,
        ) -> Result<ResponseValue<Customer>, Error<st_core::ApiError>> {
            let url = format!("{}/customers/{}", self.baseurl, id);
            let request = self
                .client
                .get(url)
                .header(ACCEPT, HeaderValue::from_static("application/json"))
                .headers(headers())
                .build()?;
            self.run(request, "customers_get").await
        }

        /// `POST /customers`.
        pub async fn customers_create(
            &self,
            body: &Customer,
        ) -> Result<ResponseValue<Customer>, Error<st_core::ApiError>> {
            let url = format!("{}/customers", self.baseurl);
            let request = self
                .client
                .post(url)
                .header(ACCEPT, HeaderValue::from_static("application/json"))
                .json(body)
                .headers(headers())
                .build()?;
            self.run(request, "customers_create").await
        }

        /// `GET /calls/{id}`, an operation that lives under `/crm/v3`.
        pub async fn calls_get_v3(
            &self,
            id: i64,
        ) -> Result<ResponseValue<Customer>, Error<st_core::ApiError>> {
            let url = format!("{}/calls/{}", self.baseurl, id);
            let request = self.client.get(url).headers(headers()).build()?;
            self.run(request, "calls_get_v3").await
        }

        /// `GET /v3/calls`: generated with the other version kept as a marker segment.
        pub async fn calls_calls(
            &self,
        ) -> Result<ResponseValue<Customer>, Error<st_core::ApiError>> {
            let url = format!("{}/v3/calls", self.baseurl);
            let request = self.client.get(url).headers(headers()).build()?;
            self.run(request, "calls_calls").await
        }
    }
}
