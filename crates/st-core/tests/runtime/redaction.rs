//! Secrets stay out of `Debug`, `Display` and tracing output.

use st_core::{
    AccessToken, ApiError, AuthError, Credentials, Error, RateLimit, RetryPolicy, Secret, TenantId,
    Timeouts, TokenCache, TokenPolicy,
};

use crate::support::*;

pub fn assert_clean(what: &str, text: &str) {
    for secret in [CLIENT_SECRET, APP_KEY, TOKEN_PREFIX] {
        assert!(!text.contains(secret), "{what} shows {secret}: {text}");
    }
}

#[tokio::test]
async fn debug_of_public_types_shows_no_secret_token_or_app_key() {
    let server = server().await;
    let core = core(&server);
    core.connect().await.unwrap();
    let client = area::Client::from_core(&core);
    let token = core.access_token().await.unwrap();
    assert!(token.secret().expose().starts_with(TOKEN_PREFIX));
    let cache = TokenCache::new(
        core.http().clone(),
        core.environment(),
        Credentials::new(CLIENT_ID, CLIENT_SECRET),
        TokenPolicy::default(),
    )
    .unwrap();
    let builder = builder(&server);
    let auth_error = AuthError::Rejected {
        status: reqwest::StatusCode::UNAUTHORIZED,
        error: "invalid_client".into(),
        description: None,
    };

    let shown = [
        ("Core", format!("{core:?} {core:#?}")),
        ("Client", format!("{client:?}")),
        ("CoreBuilder", format!("{builder:?}")),
        (
            "Credentials",
            format!("{:?}", Credentials::new(CLIENT_ID, CLIENT_SECRET)),
        ),
        ("Secret", format!("{0:?} {0}", Secret::new(APP_KEY))),
        ("AccessToken", format!("{token:?}")),
        ("TokenCache", format!("{cache:?}")),
        ("Environment", format!("{:?}", core.environment())),
        ("TenantId", format!("{:?}", TenantId::new(TENANT))),
        ("AuthError", format!("{auth_error:?} {auth_error}")),
        (
            "Error",
            format!("{0:?} {0}", Error::Auth(auth_error.clone())),
        ),
        ("ApiError", format!("{:?}", ApiError::default())),
        (
            "policies",
            format!(
                "{:?} {:?} {:?} {:?}",
                RetryPolicy::default(),
                RateLimit::default(),
                TokenPolicy::default(),
                Timeouts::default()
            ),
        ),
    ];
    for (what, text) in &shown {
        assert_clean(what, text);
    }
    assert!(shown[4].1.contains("** redacted **"));
    assert!(
        shown[3].1.contains(CLIENT_ID),
        "the client id is not a secret"
    );
}

#[test]
fn the_authorization_and_app_key_values_are_marked_sensitive() {
    let value = AccessToken::bearer("t0k3n").authorization().unwrap();
    assert!(value.is_sensitive());
    assert_eq!(value, "Bearer t0k3n");
    assert_eq!(AccessToken::new("t0k3n").authorization().unwrap(), "t0k3n");
    assert!(!format!("{value:?}").contains("t0k3n"));
}
