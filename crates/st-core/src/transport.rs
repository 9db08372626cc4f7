//! What happens to every request: headers on the way out (`authorize`), and the transport policy
//! around sending it (`execute`): rate limit, retries, the 401 token swap, tracing, and error
//! responses prepared for [`crate::Error`].

use std::time::Instant;

use reqwest::header::{
    AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue, TRANSFER_ENCODING,
    USER_AGENT,
};
use reqwest::{Request, Response, ResponseBuilderExt};
use tracing::Instrument;
use tracing::field::Empty;

use crate::core::Core;
use crate::error::{ApiError, AuthError, Error};
use crate::retry::{Verdict, classify};
use crate::token::AccessToken;

/// The header that carries the app key.
pub(crate) const APP_KEY_HEADER: HeaderName = HeaderName::from_static("st-app-key");

/// progenitor adds the spec's version as `api-version` to every request; ServiceTitan does not
/// use it.
const API_VERSION_HEADER: &str = "api-version";

/// Error bodies are read into memory to parse them; ServiceTitan's are a few hundred bytes.
const MAX_ERROR_BODY: usize = 256 * 1024;

/// What [`Core::execute`] learned about a failed exchange, attached to the error response for
/// the conversion into [`Error`] (which cannot read the body: it is synchronous).
#[derive(Clone, Debug)]
pub(crate) struct ResponseMeta {
    pub(crate) operation_id: &'static str,
    pub(crate) api_error: Option<Box<ApiError>>,
    /// Set when a 401 could not be answered with a new token.
    pub(crate) auth_failure: Option<AuthError>,
}

impl Core {
    /// Puts the token, app key and user agent on `request` and removes `api-version`.
    pub(crate) async fn authorize(&self, request: &mut Request) -> Result<(), AuthError> {
        let token = self.inner.tokens.token().await?;
        let headers = request.headers_mut();
        headers.remove(API_VERSION_HEADER);
        headers.insert(AUTHORIZATION, token.authorization()?);
        headers.insert(APP_KEY_HEADER, self.inner.app.app_key.clone());
        headers.insert(USER_AGENT, self.inner.app.user_agent.clone());
        Ok(())
    }

    /// Sends an authorized request under the transport policy. Returns what progenitor's
    /// `exec` hook returns; error responses come back buffered, with a [`ResponseMeta`].
    pub(crate) async fn execute(
        &self,
        mut request: Request,
        operation_id: &'static str,
    ) -> reqwest::Result<Response> {
        let app = &self.inner.app;
        if request.timeout().is_none() {
            *request.timeout_mut() = Some(app.timeouts.request);
        }
        let span = tracing::info_span!(
            "servicetitan.request",
            operation_id,
            method = %request.method(),
            tenant = self.inner.tenant.get(),
            attempt = Empty,
            status = Empty,
            latency_ms = Empty,
        );
        let started = Instant::now();
        let method = request.method().clone();
        let policy = &app.retry;
        async move {
            let mut attempt: u32 = 0;
            let mut retries: u32 = 0;
            let mut reauthorized = false;
            let mut pending = request;
            let (result, auth_failure) = loop {
                attempt += 1;
                // Retrying needs a copy; progenitor's bodies are bytes, so only a streaming body
                // (from `Core::send`) makes this `None`, and that request is sent once.
                let next = pending.try_clone();
                if let Some(limiter) = &self.inner.limiter {
                    limiter.acquire().await;
                }
                let sent_authorization = pending.headers().get(AUTHORIZATION).cloned();
                let result = app.http.execute(pending).await;
                let verdict = classify(&method, &result);
                let Some(retry_request) = next else {
                    if verdict == Verdict::Unauthorized {
                        // No resend, but the next call should not present the rejected token.
                        let _ = self.replace_rejected_token(sent_authorization).await;
                    }
                    break (result, None);
                };
                match verdict {
                    Verdict::Done => break (result, None),
                    Verdict::Unauthorized if reauthorized => break (result, None),
                    Verdict::Unauthorized => {
                        reauthorized = true;
                        match self.replace_rejected_token(sent_authorization).await {
                            Ok(token) => {
                                tracing::debug!("401: retrying once with a new token");
                                pending = retry_request;
                                match token.authorization() {
                                    Ok(value) => {
                                        pending.headers_mut().insert(AUTHORIZATION, value);
                                    }
                                    Err(e) => break (result, Some(e)),
                                }
                            }
                            Err(e) => break (result, Some(e)),
                        }
                    }
                    Verdict::Retry {
                        reason,
                        retry_after,
                    } => {
                        if retries + 1 >= policy.max_attempts {
                            break (result, None);
                        }
                        let delay = match retry_after {
                            Some(after) if after > policy.max_retry_after => {
                                tracing::debug!(
                                    retry_after_s = after.as_secs(),
                                    "Retry-After is longer than the policy waits"
                                );
                                break (result, None);
                            }
                            Some(after) => after,
                            None => policy.backoff(retries),
                        };
                        if !app.budget.try_withdraw(policy.cost(reason)) {
                            tracing::debug!(
                                reason = reason.as_str(),
                                "retry budget exhausted; not retrying"
                            );
                            break (result, None);
                        }
                        retries += 1;
                        tracing::debug!(
                            attempt,
                            reason = reason.as_str(),
                            status = result.as_ref().ok().map(|r| r.status().as_u16()),
                            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                            "retrying"
                        );
                        drop(result);
                        tokio::time::sleep(delay).await;
                        pending = retry_request;
                    }
                }
            };
            // Recorded once at the end: some subscribers (fmt) append every `record` call.
            let span = tracing::Span::current();
            span.record("attempt", attempt);
            span.record(
                "latency_ms",
                u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            );
            match result {
                Ok(response) => {
                    let status = response.status();
                    span.record("status", status.as_u16());
                    if status.is_success() {
                        app.budget.deposit(1);
                    }
                    if status.is_client_error() || status.is_server_error() {
                        Ok(buffer_error_response(response, operation_id, auth_failure).await)
                    } else {
                        Ok(response)
                    }
                }
                Err(e) => {
                    tracing::debug!(
                        timeout = e.is_timeout(),
                        connect = e.is_connect(),
                        "request failed"
                    );
                    Err(e)
                }
            }
        }
        .instrument(span)
        .await
    }

    /// After a 401 to a request that carried `sent`: drops that token if it is still the
    /// current one (another request may have replaced it already) and returns a valid one.
    async fn replace_rejected_token(
        &self,
        sent: Option<HeaderValue>,
    ) -> Result<AccessToken, AuthError> {
        let tokens = &self.inner.tokens;
        let current = tokens.token().await?;
        let current_value = current.authorization()?;
        if sent.is_some_and(|sent| sent.as_bytes() == current_value.as_bytes()) {
            tokens.invalidate(&current);
            tokens.token().await
        } else {
            Ok(current)
        }
    }

    /// Sends a request built outside the generated clients (uploads, downloads) with the same
    /// headers and transport policy. `4xx`/`5xx` answers become [`Error::Api`] (or
    /// [`Error::RateLimited`]); other statuses, including a `3xx` to another host (not followed,
    /// so the app key stays here), are returned as they are.
    pub async fn send(
        &self,
        mut request: Request,
        operation_id: &'static str,
    ) -> Result<Response, Error> {
        self.authorize(&mut request).await?;
        let response = self
            .execute(request, operation_id)
            .await
            .map_err(Error::from_reqwest)?;
        let status = response.status();
        if !(status.is_client_error() || status.is_server_error()) {
            return Ok(response);
        }
        let meta = response.extensions().get::<ResponseMeta>().cloned();
        if let Some(auth) = meta.as_ref().and_then(|m| m.auth_failure.clone()) {
            return Err(Error::Auth(auth));
        }
        let error = meta
            .and_then(|m| m.api_error)
            .map(|e| *e)
            .unwrap_or_default();
        Err(Error::from_status(
            status,
            response.headers(),
            error,
            Some(operation_id),
        ))
    }
}

/// Reads an error response's body, parses it as [`ApiError`] and rebuilds the response around
/// the buffered body with a [`ResponseMeta`].
///
/// A body that is not JSON at all (a gateway's HTML page, nothing) is replaced by the JSON of the
/// parsed (empty) `ApiError`: generated operations decode declared error bodies strictly, and
/// would otherwise report a decode error and lose the status.
async fn buffer_error_response(
    mut response: Response,
    operation_id: &'static str,
    auth_failure: Option<AuthError>,
) -> Response {
    let status = response.status();
    let version = response.version();
    let url = response.url().clone();
    let mut headers = std::mem::take(response.headers_mut());
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() <= MAX_ERROR_BODY => {
                body.extend_from_slice(&chunk)
            }
            Ok(Some(_)) | Err(_) => {
                // Too big or broken: what we have is not a whole document.
                body.clear();
                break;
            }
            Ok(None) => break,
        }
    }
    let api_error = ApiError::from_body(&body);
    if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
        body = serde_json::to_vec(&api_error).unwrap_or_else(|_| b"{}".to_vec());
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    headers.remove(TRANSFER_ENCODING);
    headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
    let meta = ResponseMeta {
        operation_id,
        api_error: Some(Box::new(api_error)),
        auth_failure,
    };
    let mut builder = oauth2::http::Response::builder()
        .status(status)
        .version(version)
        .url(url)
        .extension(meta);
    if let Some(h) = builder.headers_mut() {
        *h = headers;
    }
    let rebuilt = builder
        .body(body)
        .expect("status, version and headers come from a valid response");
    Response::from(rebuilt)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use futures::future::BoxFuture;

    use super::*;
    use crate::token::TokenSource;

    #[derive(Debug)]
    struct Fixed;

    impl TokenSource for Fixed {
        fn token(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
            Box::pin(async { Ok(AccessToken::bearer("t0k3n")) })
        }
    }

    #[tokio::test]
    async fn marks_secret_headers_sensitive_and_drops_api_version() {
        let core = Core::builder()
            .app_key("ak-1")
            .tenant(1)
            .token_source(Arc::new(Fixed))
            .build()
            .unwrap();
        let mut request = core
            .http()
            .get("https://api-integration.servicetitan.io/x")
            .header("api-version", "1.0")
            .build()
            .unwrap();

        core.authorize(&mut request).await.unwrap();

        let headers = request.headers();
        assert!(headers.get("api-version").is_none());
        assert_eq!(headers[AUTHORIZATION], "Bearer t0k3n");
        assert!(headers[AUTHORIZATION].is_sensitive());
        assert_eq!(headers[APP_KEY_HEADER], "ak-1");
        assert!(headers[APP_KEY_HEADER].is_sensitive());
        assert!(!headers[USER_AGENT].is_sensitive());
        assert!(!format!("{request:?}").contains("ak-1"));
    }
}
