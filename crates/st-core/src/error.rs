//! Placeholder error type; replaced by the full error model (issue 2).

/// Every failure a ServiceTitan call can end in.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Placeholder variant until the error model lands.
    #[error("{0}")]
    Other(String),
}
