//! The client-credentials grant, done by the `oauth2` crate over our own `reqwest::Client`.
//!
//! `oauth2` is used without default features (its reqwest integration pins reqwest 0.12); we
//! implement its `AsyncHttpClient` over the shared reqwest 0.13 client, so token requests use the
//! same pool, proxy and TLS settings as API requests and the tree has one reqwest.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
};
use oauth2::{
    AsyncHttpClient, AuthType, ClientId, ClientSecret, EndpointNotSet, EndpointSet, HttpRequest,
    HttpResponse, RequestTokenError, StandardRevocableToken, TokenUrl,
};
use reqwest::StatusCode;
use reqwest::header::{HeaderValue, USER_AGENT};
use serde::{Deserialize, Deserializer, Serialize};

use super::AccessToken;
use crate::credentials::{Credentials, Secret};
use crate::error::{AuthError, ConfigError, clip, sanitize_serde_message, strip_position};

type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    TokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// Fetches one token per call; [`super::TokenCache`] decides when.
pub(crate) struct TokenFetcher {
    oauth: OAuthClient,
    http: reqwest::Client,
    user_agent: HeaderValue,
    client_id: String,
    client_secret: Secret,
}

impl TokenFetcher {
    pub(crate) fn new(
        http: reqwest::Client,
        token_url: String,
        credentials: Credentials,
        user_agent: HeaderValue,
    ) -> Result<Self, ConfigError> {
        let token_url = TokenUrl::new(token_url)
            .map_err(|e| ConfigError::invalid("token URL", format!("is not valid ({e})")))?;
        let oauth = oauth2::Client::new(ClientId::new(credentials.client_id().to_owned()))
            .set_client_secret(ClientSecret::new(
                credentials.client_secret().expose().to_owned(),
            ))
            // ServiceTitan wants the credentials in the form body, not HTTP Basic auth.
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(token_url);
        Ok(Self {
            oauth,
            http,
            user_agent,
            client_id: credentials.client_id().to_owned(),
            client_secret: credentials.client_secret().clone(),
        })
    }

    pub(crate) fn client_id(&self) -> &str {
        &self.client_id
    }

    /// One token request, bounded by `timeout`.
    pub(crate) async fn fetch(&self, timeout: Duration) -> Result<AccessToken, AuthError> {
        let http = Http {
            client: &self.http,
            user_agent: &self.user_agent,
            timeout,
            status: Mutex::new(None),
        };
        let request = self
            .oauth
            .exchange_client_credentials()
            .request_async(&http);
        let result = match tokio::time::timeout(timeout, request).await {
            Ok(result) => result,
            Err(_) => return Err(AuthError::Timeout { after: timeout }),
        };
        let status = http
            .status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .unwrap_or(StatusCode::OK);
        result
            .map(TokenResponse::into_access_token)
            .map_err(|e| describe(e, status, timeout).scrub(self.client_secret.expose()))
    }
}

/// Turns an `oauth2` failure into our error, using the status the HTTP client saw (`oauth2`
/// does not keep it).
fn describe(
    err: RequestTokenError<HttpError, BasicErrorResponse>,
    status: StatusCode,
    timeout: Duration,
) -> AuthError {
    match err {
        RequestTokenError::ServerResponse(e) if status.is_client_error() => AuthError::Rejected {
            status,
            error: clip(e.error().as_ref(), 100),
            description: e.error_description().map(|d| clip(d, 300)),
        },
        RequestTokenError::Request(HttpError(e)) if e.is_timeout() => {
            AuthError::Timeout { after: timeout }
        }
        RequestTokenError::Request(HttpError(e)) => AuthError::Transport {
            message: error_chain(&e.without_url()),
        },
        _ if !status.is_success() => AuthError::Status { status },
        RequestTokenError::Parse(e, _body) => {
            let path = e.path().to_string();
            let message = sanitize_serde_message(strip_position(&e.inner().to_string()));
            AuthError::MalformedResponse {
                message: if path == "." {
                    message
                } else {
                    format!("at `{path}`: {message}")
                },
            }
        }
        RequestTokenError::Other(message) => AuthError::MalformedResponse {
            message: clip(&sanitize_serde_message(&message), 200),
        },
        RequestTokenError::ServerResponse(_) => AuthError::MalformedResponse {
            message: "an OAuth2 error with a success status".into(),
        },
    }
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// `oauth2`'s view of our reqwest client, for one token request.
struct Http<'a> {
    client: &'a reqwest::Client,
    user_agent: &'a HeaderValue,
    timeout: Duration,
    status: Mutex<Option<StatusCode>>,
}

/// A transport failure talking to the token endpoint.
#[derive(Debug, thiserror::Error)]
#[error("token request failed")]
pub(crate) struct HttpError(#[source] reqwest::Error);

/// Token responses are small; anything bigger is not one.
const MAX_TOKEN_RESPONSE: usize = 64 * 1024;

impl<'c> AsyncHttpClient<'c> for Http<'_> {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let mut request = reqwest::Request::try_from(request).map_err(HttpError)?;
            *request.timeout_mut() = Some(self.timeout);
            request
                .headers_mut()
                .insert(USER_AGENT, self.user_agent.clone());
            let mut response = self.client.execute(request).await.map_err(HttpError)?;
            let status = response.status();
            *self.status.lock().unwrap_or_else(|e| e.into_inner()) = Some(status);
            let mut builder = oauth2::http::Response::builder().status(status);
            if let Some(headers) = builder.headers_mut() {
                *headers = response.headers().clone();
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(HttpError)? {
                body.extend_from_slice(&chunk);
                if body.len() > MAX_TOKEN_RESPONSE {
                    // Treated as malformed: `oauth2` fails to parse the cut body.
                    body.truncate(MAX_TOKEN_RESPONSE);
                    break;
                }
            }
            Ok(builder
                .body(body)
                .expect("status and headers come from a valid response"))
        })
    }
}

/// The token response. Unlike `oauth2`'s `BasicTokenResponse`, `token_type` may be missing (the
/// token is then sent bare) and `expires_in` may be a string.
#[derive(Debug, Deserialize, Serialize)]
struct TokenResponse {
    access_token: oauth2::AccessToken,
    #[serde(default)]
    token_type: TokenType,
    #[serde(default, deserialize_with = "lenient_seconds")]
    expires_in: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(transparent)]
struct TokenType(Option<String>);

impl oauth2::TokenType for TokenType {}

impl oauth2::TokenResponse for TokenResponse {
    type TokenType = TokenType;

    fn access_token(&self) -> &oauth2::AccessToken {
        &self.access_token
    }

    fn token_type(&self) -> &TokenType {
        &self.token_type
    }

    fn expires_in(&self) -> Option<Duration> {
        self.expires_in.map(Duration::from_secs)
    }

    fn refresh_token(&self) -> Option<&oauth2::RefreshToken> {
        None
    }

    fn scopes(&self) -> Option<&Vec<oauth2::Scope>> {
        None
    }
}

impl TokenResponse {
    fn into_access_token(self) -> AccessToken {
        let mut token = AccessToken::new(self.access_token.into_secret());
        if let Some(kind) = self.token_type.0 {
            token = token.with_token_type(kind);
        }
        if let Some(seconds) = self.expires_in {
            token = token.with_expires_in(Duration::from_secs(seconds));
        }
        token
    }
}

fn lenient_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Seconds {
        Int(u64),
        Float(f64),
        Text(String),
    }
    Ok(match Option::<Seconds>::deserialize(d)? {
        Some(Seconds::Int(n)) => Some(n),
        Some(Seconds::Float(f)) if f.is_finite() && f >= 0.0 => Some(f as u64),
        Some(Seconds::Text(s)) => s.trim().parse().ok(),
        _ => None,
    })
}
