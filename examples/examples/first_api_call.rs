//! The first API call, as ServiceTitan's getting-started guide walks through it: get an access
//! token with the client id and secret, then call the settings employees list with that token
//! and the app key.
//!
//! ```sh
//! cargo run --example first_api_call
//! ```
//!
//! Without `ST_CLIENT_ID` set it runs against the built-in simulator. With `ST_CLIENT_ID`,
//! `ST_CLIENT_SECRET`, `ST_APP_KEY`, `ST_TENANT_ID` (and optionally `ST_ENVIRONMENT=production`)
//! set, it calls that ServiceTitan environment; the app needs the `tn.stt.employees:r` scope.

use std::time::Duration;

use servicetitan::Error;

const PAGE_SIZE: u32 = 10;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let session = servicetitan_examples::connect().await?;
    let st = &session.st;
    let environment = st.environment();

    println!();
    println!("Environment: {}", session.target());
    println!("  auth host: {}", environment.auth_url());
    println!("  API host:  {}", environment.api_url());
    println!("  tenant:    {}", st.tenant());

    // Step 1 of the guide: POST the client id and secret to the token endpoint
    // (grant_type=client_credentials). The SDK caches the token it gets and sends it with every
    // call until shortly before it expires; here it is fetched explicitly to show the step.
    println!();
    println!("1. Access token: POST {}", environment.token_url());
    let token = st.core().access_token().await?;
    println!(
        "   got a {} token (the token itself is a secret and is never printed)",
        token.token_type().unwrap_or("bare")
    );
    match token.expires_in() {
        Some(lifetime) => println!(
            "   valid for {} ({} s); the SDK caches it and refreshes it shortly before it expires",
            human(lifetime),
            lifetime.as_secs()
        ),
        None => println!("   the token response gave no lifetime (expires_in)"),
    }

    // Step 2: the settings employees list, with `Authorization: Bearer <token>` and
    // `ST-App-Key: <app key>` (both added by the SDK to every request).
    println!();
    println!(
        "2. Employees: GET {}/employees?page=1&pageSize={PAGE_SIZE}&includeTotal=true",
        st.core().api_base_url("/settings/v2")
    );
    println!("   with Authorization: Bearer <token> and ST-App-Key: <app key>");
    let response = st
        .settings()
        .employees_get_list()
        .page(1)
        .page_size(PAGE_SIZE)
        .include_total(true)
        .send()
        .await?;
    println!("   HTTP {}", response.status());
    let page = response.into_inner();

    println!();
    println!(
        "   {:>10}  {:<28} {:<16} {:<6} email",
        "id", "name", "role", "active"
    );
    for employee in &page.data {
        println!(
            "   {:>10}  {:<28} {:<16} {:<6} {}",
            employee.id,
            clip(&employee.name, 28),
            clip(&employee.role.to_string(), 16),
            employee.active,
            employee.email.as_deref().unwrap_or("-"),
        );
    }
    println!();
    match page.total_count {
        Some(total) => println!(
            "   {} of {total} employees (page {}, more pages: {})",
            page.data.len(),
            page.page,
            yes_no(page.has_more)
        ),
        None => println!(
            "   {} employees on page {} (the server sent no total; more pages: {})",
            page.data.len(),
            page.page,
            yes_no(page.has_more)
        ),
    }
    println!("   (ServiceTitan lists only active employees unless asked with active=Any)");

    if let Some(simulator) = &session.simulator {
        println!();
        println!(
            "The simulator saw {} token request(s) and {} API request(s): the call reused the token.",
            simulator.token_requests(),
            simulator.api_requests()
        );
    }
    Ok(())
}

fn human(lifetime: Duration) -> String {
    let secs = lifetime.as_secs();
    match (secs / 3600, secs % 3600 / 60, secs % 60) {
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut out: String = text.chars().take(width - 1).collect();
        out.push('…');
        out
    }
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}
