//! Which ServiceTitan hosts to talk to.

use std::fmt;
use std::net::IpAddr;

use reqwest::Url;

use crate::error::ConfigError;

/// A ServiceTitan environment: the auth host that issues tokens and the API host.
///
/// [`Environment::Integration`] (the sandbox) is the default, so that code written against the
/// SDK does not touch production data until asked to.
///
/// ```
/// use st_core::Environment;
///
/// assert_eq!(Environment::default(), Environment::Integration);
/// assert_eq!(Environment::Production.api_url(), "https://api.servicetitan.io");
///
/// // Custom hosts, e.g. a simulator on loopback; plain http is refused for anything else.
/// let local = Environment::custom("http://127.0.0.1:8080", "http://localhost:8080/").unwrap();
/// assert_eq!(local.token_url(), "http://127.0.0.1:8080/connect/token");
/// assert_eq!(local.api_url(), "http://localhost:8080");
/// assert!(Environment::custom("http://example.com", "https://example.com").is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// The integration (sandbox) environment: `https://auth-integration.servicetitan.io` and
    /// `https://api-integration.servicetitan.io`.
    #[default]
    Integration,
    /// Production: `https://auth.servicetitan.io` and `https://api.servicetitan.io`.
    Production,
    /// Other hosts (a proxy, a simulator), validated by [`Environment::custom`].
    Custom(CustomHosts),
}

/// Validated auth and API base URLs of a custom [`Environment`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomHosts {
    auth_url: String,
    api_url: String,
}

impl Environment {
    /// Custom hosts. Each URL must be `https://…`, or `http://…` on a loopback host
    /// (`127.0.0.0/8`, `::1`, `localhost`); it may carry a path prefix but no query, fragment
    /// or user info. A trailing `/` is ignored.
    pub fn custom(auth_url: &str, api_url: &str) -> Result<Self, ConfigError> {
        Ok(Self::Custom(CustomHosts {
            auth_url: validate_base_url("auth URL", auth_url)?,
            api_url: validate_base_url("API URL", api_url)?,
        }))
    }

    /// Custom hosts from `ST_AUTH_URL` / `ST_API_URL`-style values; errors name `auth_name` or
    /// `api_name`.
    pub(crate) fn custom_named(
        (auth_name, auth_url): (&'static str, &str),
        (api_name, api_url): (&'static str, &str),
    ) -> Result<Self, ConfigError> {
        Ok(Self::Custom(CustomHosts {
            auth_url: validate_base_url(auth_name, auth_url)?,
            api_url: validate_base_url(api_name, api_url)?,
        }))
    }

    /// The base URL of the auth host, without a trailing `/`.
    pub fn auth_url(&self) -> &str {
        match self {
            Self::Integration => "https://auth-integration.servicetitan.io",
            Self::Production => "https://auth.servicetitan.io",
            Self::Custom(hosts) => &hosts.auth_url,
        }
    }

    /// The base URL of the API host, without a trailing `/`.
    pub fn api_url(&self) -> &str {
        match self {
            Self::Integration => "https://api-integration.servicetitan.io",
            Self::Production => "https://api.servicetitan.io",
            Self::Custom(hosts) => &hosts.api_url,
        }
    }

    /// The OAuth2 token endpoint: `<auth url>/connect/token`.
    pub fn token_url(&self) -> String {
        format!("{}/connect/token", self.auth_url())
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Integration => f.write_str("integration"),
            Self::Production => f.write_str("production"),
            Self::Custom(hosts) => write!(f, "custom ({}, {})", hosts.auth_url, hosts.api_url),
        }
    }
}

impl std::str::FromStr for Environment {
    type Err = ConfigError;

    /// Parses `integration` or `production` (any case), as in `ST_ENVIRONMENT`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "integration" => Ok(Self::Integration),
            "production" => Ok(Self::Production),
            _ => Err(ConfigError::invalid(
                "environment",
                "must be `integration` or `production`",
            )),
        }
    }
}

/// Checks a base URL and returns it without a trailing slash. Never echoes user info (it may
/// hold a password).
fn validate_base_url(name: &'static str, raw: &str) -> Result<String, ConfigError> {
    let raw = raw.trim();
    let url = Url::parse(raw)
        .map_err(|e| ConfigError::invalid(name, format!("is not a valid URL ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ConfigError::invalid(name, "must not contain user info"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ConfigError::invalid(
            name,
            "must not contain a query or fragment",
        ));
    }
    let host = url
        .host_str()
        .ok_or_else(|| ConfigError::invalid(name, "has no host"))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(ConfigError::invalid(
                name,
                format!(
                    "uses plain http:// for non-loopback host `{host}`; http is only allowed for \
                     127.0.0.0/8, ::1 and localhost, use https://"
                ),
            ));
        }
        other => {
            return Err(ConfigError::invalid(
                name,
                format!("has unsupported scheme `{other}`; use https://"),
            ));
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_http_only_for_loopback_hosts() {
        for ok in [
            "http://127.0.0.1:1",
            "http://127.10.0.3",
            "http://[::1]:8080",
            "http://LOCALHOST:9",
            "https://example.com",
        ] {
            assert!(validate_base_url("x", ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com",
            "http://128.0.0.1",
            "http://10.0.0.1",
            "http://[::2]",
            "http://localhost.example.com",
            "ftp://127.0.0.1",
        ] {
            assert!(validate_base_url("x", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refuses_urls_with_user_info_without_echoing_it() {
        let err = validate_base_url("ST_API_URL", "https://user:hunter2@example.com").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("ST_API_URL"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[test]
    fn keeps_path_prefix_and_drops_trailing_slash() {
        let env = Environment::custom("https://a.example/x/", "https://b.example/api/").unwrap();
        assert_eq!(env.token_url(), "https://a.example/x/connect/token");
        assert_eq!(env.api_url(), "https://b.example/api");
    }
}
