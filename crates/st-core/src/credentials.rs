//! What identifies an app and a tenant to ServiceTitan: client credentials, the app key and the
//! tenant id, plus [`Secret`], the wrapper that keeps secrets out of logs.

use std::fmt;
use std::str::FromStr;

use crate::error::ConfigError;

/// Text that must never be printed: `Debug` and `Display` both show `** redacted **`.
///
/// Used for the client secret, the app key and access tokens. Read the value with
/// [`Secret::expose`], ideally only where it is put on the wire.
///
/// ```
/// let secret = st_core::Secret::new("s3cr3t");
/// assert_eq!(format!("{secret} {secret:?}"), "** redacted ** ** redacted **");
/// assert_eq!(secret.expose(), "s3cr3t");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Box<str>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into().into_boxed_str())
    }

    /// The secret value itself. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub(crate) fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
}

const REDACTED: &str = "** redacted **";

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

/// OAuth2 client credentials of one app installed in one tenant (`ST_CLIENT_ID`,
/// `ST_CLIENT_SECRET`). ServiceTitan issues a pair per tenant, which is why a [`crate::Core`] for
/// another tenant takes its own `Credentials`.
///
/// The client id is not a secret and shows in `Debug`; the client secret never does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    client_id: String,
    client_secret: Secret,
}

impl Credentials {
    /// Credentials from a client id and a client secret.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }

    /// The OAuth2 client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The OAuth2 client secret.
    pub fn client_secret(&self) -> &Secret {
        &self.client_secret
    }

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        if self.client_id.trim().is_empty() {
            return Err(ConfigError::invalid("client id", "is empty"));
        }
        if self.client_secret.is_blank() {
            return Err(ConfigError::invalid("client secret", "is empty"));
        }
        Ok(())
    }
}

/// A ServiceTitan tenant (customer account) id, as in `/tenant/{tenant}` paths and `ST_TENANT_ID`.
///
/// ```
/// let tenant: st_core::TenantId = "1234567".parse().unwrap();
/// assert_eq!(tenant.get(), 1_234_567);
/// assert_eq!(tenant.to_string(), "1234567");
/// assert!("12ab".parse::<st_core::TenantId>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId(u64);

impl TenantId {
    /// A tenant id from its number.
    pub const fn new(id: u64) -> Self {
        Self(id)
    }

    /// The number.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl From<u64> for TenantId {
    fn from(id: u64) -> Self {
        Self(id)
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for TenantId {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        // `u64::from_str` accepts a leading `+`; a tenant id is plain digits.
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ConfigError::invalid(
                "tenant id",
                "is not a positive integer",
            ));
        }
        s.parse()
            .map(Self)
            .map_err(|_| ConfigError::invalid("tenant id", "is out of range"))
    }
}
