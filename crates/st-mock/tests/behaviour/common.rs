use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::Value;
use st_mock::{Credentials, MockServer};

/// A minimal client: one token, both ServiceTitan headers on every call.
pub struct Api {
    pub http: reqwest::Client,
    pub url: String,
    pub creds: Credentials,
    pub token: String,
}

pub async fn fetch_token(http: &reqwest::Client, mock: &MockServer) -> String {
    let c = mock.credentials();
    let resp = http
        .post(mock.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", c.client_id.as_str()),
            ("client_secret", c.client_secret.as_str()),
        ])
        .send()
        .await
        .expect("token request");
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

impl Api {
    pub async fn new(mock: &MockServer) -> Api {
        let http = reqwest::Client::new();
        let token = fetch_token(&http, mock).await;
        Api {
            http,
            url: mock.url(),
            creds: mock.credentials(),
            token,
        }
    }

    /// `module` and the path after `/tenant/{tenant}/`, e.g. `("crm", "customers?page=2")`.
    pub fn request(&self, method: Method, module: &str, path: &str) -> RequestBuilder {
        let url = format!(
            "{}/{module}/v2/tenant/{}/{path}",
            self.url, self.creds.tenant
        );
        self.http
            .request(method, url)
            .header("Authorization", format!("Bearer {}", self.token))
            .header("ST-App-Key", &self.creds.app_key)
    }

    pub async fn call(
        &self,
        method: Method,
        module: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.request(method, module, path);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let text = resp.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("JSON body")
        };
        (status, value)
    }

    pub async fn get(&self, module: &str, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, module, path, None).await
    }
}

pub fn ids(page: &Value) -> Vec<i64> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

/// ServiceTitan's timestamp shape: `2021-07-19T20:35:38.2876004Z`.
pub fn is_st_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 28
        && b[4] == b'-'
        && b[10] == b'T'
        && b[19] == b'.'
        && b[20..27].iter().all(u8::is_ascii_digit)
        && b[27] == b'Z'
}

pub fn assert_problem(status: StatusCode, body: &Value, expected: u16) {
    assert_eq!(status.as_u16(), expected, "{body}");
    for key in ["type", "title", "status", "traceId", "errors", "data"] {
        assert!(body.get(key).is_some(), "problem body lacks {key}: {body}");
    }
    assert_eq!(body["status"], expected);
}
