//! Conversion from the error type of progenitor-generated operations.

use progenitor_client::{ByteStream, Error as PError};

use super::{ApiError, AuthError, Error};
use crate::transport::ResponseMeta;

/// An error-response body type that generated operations can declare; turns it into the
/// [`ApiError`] of [`Error::Api`].
///
/// Implemented for [`ApiError`] (what the generator maps ServiceTitan's `ApiErrorResponse` to),
/// `()` (no declared body), [`serde_json::Value`] and [`ByteStream`]. A generated crate with
/// another declared error type can implement it for that type.
pub trait ErrorBody {
    /// The body as an [`ApiError`]; `None` when it carries no ServiceTitan error.
    fn into_api_error(self) -> Option<ApiError>;
}

impl ErrorBody for ApiError {
    fn into_api_error(self) -> Option<ApiError> {
        Some(self)
    }
}

impl ErrorBody for () {
    fn into_api_error(self) -> Option<ApiError> {
        None
    }
}

impl ErrorBody for serde_json::Value {
    fn into_api_error(self) -> Option<ApiError> {
        Some(ApiError::from_value(self))
    }
}

impl ErrorBody for ByteStream {
    fn into_api_error(self) -> Option<ApiError> {
        None
    }
}

impl<E: ErrorBody> From<PError<E>> for Error {
    fn from(err: PError<E>) -> Self {
        match err {
            PError::InvalidRequest(message) => Error::InvalidRequest(message),
            PError::CommunicationError(e)
            | PError::InvalidUpgrade(e)
            | PError::ResponseBodyError(e) => Error::from_reqwest(e),
            PError::ErrorResponse(value) => {
                let status = value.status();
                let headers = value.headers().clone();
                let error = value.into_inner().into_api_error().unwrap_or_default();
                Error::from_status(status, &headers, error, None)
            }
            PError::InvalidResponsePayload(body, e) => Error::decode_json(&body, &e),
            PError::UnexpectedResponse(response) => {
                let meta = response.extensions().get::<ResponseMeta>();
                if let Some(auth) = meta.and_then(|m| m.auth_failure.clone()) {
                    return Error::Auth(auth);
                }
                let operation_id = meta.map(|m| m.operation_id);
                let status = response.status();
                if status.is_client_error() || status.is_server_error() {
                    let error = meta
                        .and_then(|m| m.api_error.as_deref().cloned())
                        .unwrap_or_default();
                    Error::from_status(status, response.headers(), error, operation_id)
                } else {
                    Error::UnexpectedResponse {
                        status,
                        operation_id,
                    }
                }
            }
            PError::Custom(text) => match AuthError::from_marked(&text) {
                Some(auth) => Error::Auth(auth),
                None => Error::Other(text),
            },
        }
    }
}
