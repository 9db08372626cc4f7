//! The two clients the call-overhead benchmarks compare: the SDK's typed call and a plain
//! `reqwest` GET of the same URL with the same headers.

use bytes::Bytes;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};
use servicetitan_settings::types::EmployeeResponsePage;
use st_core::{Core, Credentials, Environment, RateLimit};
use st_mock::MockServer;

use crate::fixed::{self, FixedServer};

/// Rows per page in the call-overhead benchmarks (the settings employees list).
pub const EMPLOYEE_ROWS: usize = 50;

/// The client-side rate limit of the SDK in the call-overhead benchmarks: one million requests
/// a second (bursts of 100,000), far above what one machine can send, so the limiter is still
/// consulted on every request (its cost is measured) but never waits. With the default (50/s)
/// the limiter, not the SDK, would set the pace.
pub fn high_rate_limit() -> RateLimit {
    RateLimit::per_second(1_000_000)
}

/// Where requests go: one host serving both the token endpoint and the API, and what the server
/// accepts.
#[derive(Clone, Debug)]
pub struct Target {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// OAuth client id.
    pub client_id: String,
    /// OAuth client secret.
    pub client_secret: String,
    /// `ST-App-Key`.
    pub app_key: String,
    /// Tenant id.
    pub tenant: u64,
}

impl Target {
    /// The fixed-bytes server.
    pub fn fixed(server: &FixedServer) -> Target {
        Target {
            url: server.url(),
            client_id: fixed::CLIENT_ID.into(),
            client_secret: fixed::CLIENT_SECRET.into(),
            app_key: fixed::APP_KEY.into(),
            tenant: fixed::TENANT,
        }
    }

    /// An st-mock simulator.
    pub fn mock(mock: &MockServer) -> Target {
        let c = mock.credentials();
        Target {
            url: mock.url(),
            client_id: c.client_id,
            client_secret: c.client_secret,
            app_key: c.app_key,
            tenant: u64::try_from(c.tenant).expect("st-mock's tenant is positive"),
        }
    }

    /// A `Core` for this target with default policies except the rate limit. No token yet.
    pub fn core(&self, rate_limit: RateLimit) -> Core {
        Core::builder()
            .environment(Environment::custom(&self.url, &self.url).expect("loopback URL"))
            .credentials(Credentials::new(
                self.client_id.as_str(),
                self.client_secret.as_str(),
            ))
            .app_key(self.app_key.as_str())
            .tenant(self.tenant)
            .rate_limit(rate_limit)
            .build()
            .expect("valid configuration")
    }

    /// The URL the SDK's `employees_get_list().page(1).page_size(50)` requests.
    pub fn employees_url(&self) -> String {
        format!(
            "{}/settings/v2/tenant/{}/employees?page=1&pageSize={EMPLOYEE_ROWS}",
            self.url, self.tenant
        )
    }

    /// Fetches an access token with a plain form POST, as a hand-written client would.
    pub async fn fetch_token(&self, http: &reqwest::Client) -> String {
        let response: serde_json::Value = http
            .post(format!("{}/connect/token", self.url))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", self.client_id.as_str()),
                ("client_secret", self.client_secret.as_str()),
            ])
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .expect("token request")
            .json()
            .await
            .expect("token response");
        response["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }
}

/// The SDK: `servicetitan_settings::Client` over a `Core` that already holds a token.
#[derive(Clone)]
pub struct Sdk {
    client: servicetitan_settings::Client,
}

impl Sdk {
    /// Builds the `Core` (with `rate_limit`) and fetches the token once.
    pub async fn connect(target: &Target, rate_limit: RateLimit) -> Sdk {
        Sdk::connect_core(target.core(rate_limit)).await
    }

    /// The SDK over a `Core` with no client-side rate limit and a default `reqwest::Client`
    /// (no client-wide timeouts, the default redirect policy): the SDK's machinery without the
    /// limiter and without st-core's HTTP client settings.
    pub async fn connect_bare(target: &Target) -> Sdk {
        let core = Core::builder()
            .environment(Environment::custom(&target.url, &target.url).expect("loopback URL"))
            .credentials(Credentials::new(
                target.client_id.as_str(),
                target.client_secret.as_str(),
            ))
            .app_key(target.app_key.as_str())
            .tenant(target.tenant)
            .rate_limit(RateLimit::unlimited())
            .http_client(reqwest::Client::new())
            .build()
            .expect("valid configuration");
        Sdk::connect_core(core).await
    }

    async fn connect_core(core: Core) -> Sdk {
        core.connect().await.expect("token");
        Sdk {
            client: servicetitan_settings::Client::from_core(&core),
        }
    }

    /// `GET …/employees?page=1&pageSize=50`, decoded into the generated type.
    pub async fn employees(&self) -> EmployeeResponsePage {
        self.client
            .employees_get_list()
            .page(1)
            .page_size(EMPLOYEE_ROWS as i32)
            .send()
            .await
            .expect("SDK call")
            .into_inner()
    }
}

/// A plain `reqwest::Client` (default settings) sending what the SDK sends, by hand.
#[derive(Clone)]
pub struct Plain {
    http: reqwest::Client,
    url: String,
    /// `{url}/settings/v2/tenant/{tenant}`.
    base: String,
    headers: HeaderMap,
}

impl Plain {
    /// Fetches a token once and prepares the SDK's headers: `Authorization: Bearer …`,
    /// `ST-App-Key`, the SDK's `User-Agent`, and progenitor's `Accept: application/json`.
    pub async fn connect(target: &Target) -> Plain {
        let http = reqwest::Client::new();
        let token = target.fetch_token(&http).await;
        let mut headers = HeaderMap::new();
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {token}")).expect("token header"),
        );
        headers.insert(
            "st-app-key",
            HeaderValue::from_str(&target.app_key).expect("app key header"),
        );
        headers.insert(USER_AGENT, HeaderValue::from_static(st_core::USER_AGENT));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        Plain {
            http,
            url: target.employees_url(),
            base: format!("{}/settings/v2/tenant/{}", target.url, target.tenant),
            headers,
        }
    }

    /// The response body, not decoded.
    pub async fn employees_bytes(&self) -> Bytes {
        self.http
            .get(&self.url)
            .headers(self.headers.clone())
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .expect("GET")
            .bytes()
            .await
            .expect("body")
    }

    /// The response body decoded into the same generated type as the SDK's call, the way
    /// progenitor does it (whole body, then `serde_json::from_slice`).
    pub async fn employees_typed(&self) -> EmployeeResponsePage {
        let bytes = self.employees_bytes().await;
        serde_json::from_slice(&bytes).expect("employees page")
    }

    /// [`Plain::employees_typed`] with a per-request timeout, as st-core sets on every request
    /// (100 s by default): isolates what a timer per request costs.
    pub async fn employees_typed_with_timeout(&self) -> EmployeeResponsePage {
        let bytes = self
            .http
            .get(&self.url)
            .headers(self.headers.clone())
            .timeout(std::time::Duration::from_secs(100))
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .expect("GET")
            .bytes()
            .await
            .expect("body");
        serde_json::from_slice(&bytes).expect("employees page")
    }

    /// [`Plain::employees_typed`] with the URL built the way the generated builder builds it:
    /// `format!` of the path, then one `RequestBuilder::query` per declared query parameter
    /// (12 for `Employees_GetList`, unset ones serialising to nothing). Isolates the cost of
    /// progenitor's request building.
    pub async fn employees_typed_built_like_progenitor(&self) -> EmployeeResponsePage {
        let unset: Option<&str> = None;
        let mut request = self
            .http
            .get(format!("{}/employees", self.base))
            .header(ACCEPT, "application/json");
        for name in [
            "active",
            "createdBefore",
            "createdOnOrAfter",
            "email",
            "ids",
            "includeTotal",
            "modifiedBefore",
            "modifiedOnOrAfter",
            "name",
        ] {
            request = request.query(&[(name, unset)]);
        }
        let bytes = request
            .query(&[("page", 1)])
            .query(&[("pageSize", EMPLOYEE_ROWS)])
            .query(&[("userIds", unset)])
            .headers(self.headers.clone())
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .expect("GET")
            .bytes()
            .await
            .expect("body");
        serde_json::from_slice(&bytes).expect("employees page")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn plain_client_sends_what_the_sdk_sends_and_gets_the_same_rows() {
        let mock = MockServer::start().await;
        let target = Target::mock(&mock);
        let sdk = Sdk::connect(&target, high_rate_limit()).await;
        let plain = Plain::connect(&target).await;

        let typed = sdk.employees().await;
        let by_hand = plain.employees_typed().await;
        let built_like_progenitor = plain.employees_typed_built_like_progenitor().await;
        let bare = Sdk::connect_bare(&target).await.employees().await;
        let ids = |page: &EmployeeResponsePage| page.data.iter().map(|e| e.id).collect::<Vec<_>>();
        assert_eq!(typed.data.len(), EMPLOYEE_ROWS);
        assert_eq!(ids(&typed), ids(&by_hand));
        assert_eq!(ids(&typed), ids(&built_like_progenitor));
        assert_eq!(ids(&typed), ids(&bare));

        let log = mock.api_request_log();
        let [sdk_request, plain_request, progenitor_like, bare_request] = log.as_slice() else {
            panic!("expected four API requests, saw {}", log.len());
        };
        for other in [plain_request, progenitor_like, bare_request] {
            assert_eq!(sdk_request.path, other.path);
            assert_eq!(sdk_request.query, other.query);
        }
        let names = |r: &st_mock::RecordedRequest| {
            let mut names: Vec<_> = r.headers.iter().map(|(n, _)| n.clone()).collect();
            names.sort();
            names
        };
        assert_eq!(names(sdk_request), names(plain_request));
        for header in ["st-app-key", "user-agent", "accept"] {
            assert_eq!(
                sdk_request.header(header),
                plain_request.header(header),
                "{header}"
            );
        }
        for request in [sdk_request, plain_request] {
            assert!(
                request
                    .header("authorization")
                    .is_some_and(|a| a.starts_with("Bearer "))
            );
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn fixed_server_serves_the_captured_page_to_both_clients() {
        let pages = crate::fixtures::Pages::capture().await;
        let server = FixedServer::start(pages.employees.clone());
        let target = Target::fixed(&server);
        let sdk = Sdk::connect(&target, high_rate_limit()).await;
        let plain = Plain::connect(&target).await;

        assert_eq!(sdk.employees().await.data.len(), EMPLOYEE_ROWS);
        assert_eq!(plain.employees_bytes().await, pages.employees);
        assert_eq!(server.token_requests(), 2);
        assert_eq!(server.api_requests(), 2);
    }
}
