//! Configuration from code and from `ST_*` variables.

use std::collections::HashMap;

use st_core::{ConfigError, Core, CoreBuilder, Environment, Error};

fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

const COMPLETE: [(&str, &str); 4] = [
    ("ST_CLIENT_ID", "cid.abc"),
    ("ST_CLIENT_SECRET", "cs1-env-secret"),
    ("ST_APP_KEY", "ak1-env-key"),
    ("ST_TENANT_ID", "4242"),
];

fn with(overrides: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut all: Vec<_> = COMPLETE
        .iter()
        .copied()
        .filter(|(k, _)| !overrides.iter().any(|(o, _)| o == k))
        .collect();
    all.extend_from_slice(overrides);
    all
}

fn config_error(pairs: &[(&str, &str)]) -> ConfigError {
    match CoreBuilder::from_lookup(vars(pairs)).and_then(CoreBuilder::build) {
        Err(Error::Config(e)) => e,
        Err(other) => panic!("expected a config error, got {other:?}"),
        Ok(core) => panic!("expected a config error, got {core:?}"),
    }
}

#[test]
fn reads_a_complete_configuration_from_variables() {
    let core = CoreBuilder::from_lookup(vars(&COMPLETE))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(core.tenant().get(), 4242);
    assert_eq!(core.environment(), &Environment::Integration);
    assert_eq!(
        core.api_base_url("/jpm/v2"),
        "https://api-integration.servicetitan.io/jpm/v2/tenant/4242"
    );

    let core = CoreBuilder::from_lookup(vars(&with(&[("ST_ENVIRONMENT", "Production")])))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(core.environment(), &Environment::Production);
    assert_eq!(
        core.environment().token_url(),
        "https://auth.servicetitan.io/connect/token"
    );
}

#[test]
fn names_the_missing_variable() {
    for missing in [
        "ST_CLIENT_ID",
        "ST_CLIENT_SECRET",
        "ST_APP_KEY",
        "ST_TENANT_ID",
    ] {
        let pairs: Vec<_> = COMPLETE
            .iter()
            .copied()
            .filter(|(k, _)| *k != missing)
            .collect();
        let err = config_error(&pairs);
        assert_eq!(err, ConfigError::Missing { name: missing });
        assert_eq!(err.to_string(), format!("{missing} is not set"));
    }
}

#[test]
fn names_the_malformed_variable_without_echoing_secrets() {
    let cases: [(&'static str, &'static str); 5] = [
        ("ST_TENANT_ID", "12ab"),
        ("ST_ENVIRONMENT", "staging"),
        ("ST_CLIENT_SECRET", "   "),
        ("ST_APP_KEY", "bad\nkey-ak1-secret"),
        ("ST_API_URL", "not a url"),
    ];
    for (name, value) in cases {
        let mut pairs = with(&[(name, value)]);
        if name == "ST_API_URL" {
            pairs.push(("ST_AUTH_URL", "https://auth.example.com"));
        }
        let err = config_error(&pairs);
        assert_eq!(err.name(), name, "{err}");
        let text = err.to_string();
        assert!(text.starts_with(name), "{text}");
        assert!(!text.contains("ak1-secret"), "{text}");
    }
}

#[test]
fn custom_hosts_need_both_variables() {
    let err = config_error(&with(&[("ST_AUTH_URL", "http://127.0.0.1:9")]));
    assert_eq!(err.name(), "ST_API_URL");

    let core = CoreBuilder::from_lookup(vars(&with(&[
        ("ST_AUTH_URL", "http://127.0.0.1:9/"),
        ("ST_API_URL", "http://[::1]:9"),
    ])))
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(core.environment().auth_url(), "http://127.0.0.1:9");
    assert_eq!(core.environment().api_url(), "http://[::1]:9");
}

#[test]
fn refuses_plain_http_to_a_non_loopback_host() {
    let err =
        Environment::custom("https://auth.example.com", "http://api.example.com").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("api.example.com"), "{text}");
    assert!(text.contains("http"), "{text}");
    assert!(text.contains("loopback"), "{text}");

    let err = config_error(&with(&[
        ("ST_AUTH_URL", "http://10.0.0.8"),
        ("ST_API_URL", "https://api.example.com"),
    ]));
    assert_eq!(err.name(), "ST_AUTH_URL");
    assert!(err.to_string().contains("10.0.0.8"), "{err}");
}

#[test]
fn builder_names_what_is_missing() {
    let err = Core::builder().app_key("k").build().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Config(ConfigError::Missing { name: "tenant id" })
        ),
        "{err}"
    );
    let err = Core::builder().tenant(1).build().unwrap_err();
    assert!(
        matches!(err, Error::Config(ConfigError::Missing { name: "app key" })),
        "{err}"
    );
    let err = Core::builder().tenant(1).app_key("k").build().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Config(ConfigError::Missing {
                name: "credentials"
            })
        ),
        "{err}"
    );
}
