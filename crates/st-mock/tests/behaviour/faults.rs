use std::time::{Duration, Instant, SystemTime};

use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use serde_json::Value;
use st_mock::{Drift, DriftKind, Fault, FaultRule, MockServer, RetryAfter};

use crate::common::{Api, assert_problem, fetch_token};

async fn status(api: &Api, module: &str, path: &str) -> u16 {
    api.request(Method::GET, module, path)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn status_fault_hits_the_next_n_api_requests() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    let rule = mock.inject(Fault::Status(503)).times(2);
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(status(&api, "crm", "customers").await);
    }
    assert_eq!(seen, [503, 503, 200]);
    assert_eq!(rule.hits(), 2);

    mock.inject(Fault::Status(500));
    let resp = api
        .request(Method::GET, "crm", "customers")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()[CONTENT_TYPE], "application/problem+json");
    assert_problem(resp.status(), &resp.json().await.unwrap(), 500);

    // a gateway error is HTML, not JSON
    mock.inject(Fault::Status(502));
    let resp = api
        .request(Method::GET, "crm", "customers")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 502);
    assert_eq!(resp.headers()[CONTENT_TYPE], "text/html");
    assert!(resp.text().await.unwrap().contains("502 Bad Gateway"));
    mock.inject(Fault::Status(504));
    assert_eq!(status(&api, "crm", "customers").await, 504);
}

#[tokio::test]
async fn rules_match_paths_methods_and_every_kth_request() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    mock.inject(Fault::Status(500)).always().path("/jpm/*");
    assert_eq!(status(&api, "crm", "customers").await, 200);
    assert_eq!(status(&api, "jpm", "jobs").await, 500);
    assert_eq!(status(&api, "jpm", "jobs").await, 500);
    mock.clear_faults();

    let every = mock.inject(Fault::Status(503)).every(3);
    let seen: Vec<u16> = {
        let mut v = Vec::new();
        for _ in 0..9 {
            v.push(status(&api, "settings", "employees").await);
        }
        v
    };
    assert_eq!(seen, [200, 200, 503, 200, 200, 503, 200, 200, 503]);
    every.remove();

    let skip = mock.inject(
        FaultRule::new(Fault::Status(500))
            .skip(2)
            .times(1)
            .method("GET"),
    );
    assert_eq!(
        [
            status(&api, "crm", "locations").await,
            status(&api, "crm", "locations").await,
            status(&api, "crm", "locations").await
        ],
        [200, 200, 500]
    );
    assert_eq!(skip.hits(), 1);

    // the token endpoint is only hit when a rule names it
    mock.inject(Fault::Status(503)).always();
    assert_eq!(fetch_token(&api.http, &mock).await.len(), 64);
    mock.clear_faults();
    mock.inject(Fault::Status(503)).path(st_mock::TOKEN_PATH);
    let c = mock.credentials();
    let resp = api
        .http
        .post(mock.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &c.client_id),
            ("client_secret", &c.client_secret),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    assert_eq!(status(&api, "crm", "customers").await, 200);
}

#[tokio::test]
async fn rate_limits_carry_retry_after_in_seconds_or_as_a_date() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    mock.inject(Fault::RateLimited(RetryAfter::Seconds(7)));
    let resp = api
        .request(Method::GET, "crm", "customers")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()[RETRY_AFTER], "7");

    mock.inject(Fault::Unavailable(RetryAfter::HttpDate(
        Duration::from_secs(3),
    )));
    let resp = api
        .request(Method::GET, "crm", "customers")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    let date = httpdate_parse(resp.headers()[RETRY_AFTER].to_str().unwrap());
    let ahead = date.duration_since(SystemTime::now()).unwrap();
    assert!(
        ahead > Duration::from_secs(2) && ahead <= Duration::from_secs(4),
        "{ahead:?}"
    );

    mock.inject(Fault::RateLimited(RetryAfter::Omitted));
    let resp = api
        .request(Method::GET, "crm", "customers")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    assert!(resp.headers().get(RETRY_AFTER).is_none());
}

/// IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT` (kept here so tests need no date crate).
fn httpdate_parse(s: &str) -> SystemTime {
    let parts: Vec<&str> = s.split([' ', ':']).collect();
    let day: u64 = parts[1].parse().unwrap();
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == parts[2])
    .unwrap() as u64
        + 1;
    let year: u64 = parts[3].parse().unwrap();
    let (h, m, sec): (u64, u64, u64) = (
        parts[4].parse().unwrap(),
        parts[5].parse().unwrap(),
        parts[6].parse().unwrap(),
    );
    // days from civil (Howard Hinnant)
    let (y, mo) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * mo + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    SystemTime::UNIX_EPOCH + Duration::from_secs(days * 86_400 + h * 3600 + m * 60 + sec)
}

#[tokio::test]
async fn reset_closes_the_connection_without_a_response() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    mock.inject(Fault::Reset);
    let err = api
        .request(Method::GET, "crm", "customers")
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_status() && !err.is_timeout(), "{err:?}");
    let last = mock.requests().pop().unwrap();
    assert_eq!(last.status, None, "no response was sent");
    // the next request, on a new connection, works
    assert_eq!(status(&api, "crm", "customers").await, 200);
}

#[tokio::test]
async fn reset_is_a_tcp_reset_on_the_wire() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mock = MockServer::start().await;
    mock.inject(FaultRule::new(Fault::Reset).path("*"));
    let mut socket = tokio::net::TcpStream::connect(mock.addr()).await.unwrap();
    socket
        .write_all(b"GET /anything HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 64];
    let read = socket.read(&mut buf).await;
    match read {
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset),
        Ok(n) => panic!("expected a reset, read {n} bytes"),
    }
}

#[tokio::test]
async fn latency_delays_responses() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    mock.inject(Fault::Latency(Duration::from_millis(250)));
    let t = Instant::now();
    assert_eq!(status(&api, "crm", "customers").await, 200);
    assert!(t.elapsed() >= Duration::from_millis(250));

    mock.set_latency(Duration::from_millis(120));
    let t = Instant::now();
    assert_eq!(status(&api, "crm", "customers").await, 200);
    assert!(t.elapsed() >= Duration::from_millis(120));
    mock.set_latency(Duration::ZERO);
}

#[tokio::test]
async fn malformed_json_is_a_truncated_body() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    mock.inject(Fault::MalformedJson);
    let resp = api
        .request(Method::GET, "crm", "customers")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let text = resp.text().await.unwrap();
    assert!(
        text.starts_with("{\"page\":1,"),
        "the real page, cut short: {text}"
    );
    assert!(serde_json::from_str::<Value>(&text).is_err());
}

#[tokio::test]
async fn token_expiry_and_revocation_mid_run() {
    let mock = MockServer::start().await;
    let mut api = Api::new(&mock).await;
    mock.inject(Fault::ExpireToken).skip(2);
    assert_eq!(status(&api, "crm", "customers").await, 200);
    assert_eq!(status(&api, "crm", "customers").await, 200);
    assert_eq!(status(&api, "crm", "customers").await, 401);
    assert_eq!(
        status(&api, "crm", "customers").await,
        401,
        "the token stays expired"
    );
    api.token = fetch_token(&api.http, &mock).await;
    assert_eq!(status(&api, "crm", "customers").await, 200);

    mock.inject(Fault::RevokeToken);
    assert_eq!(status(&api, "crm", "customers").await, 401);
    api.token = fetch_token(&api.http, &mock).await;
    assert_eq!(status(&api, "crm", "customers").await, 200);
    assert_eq!(mock.tokens_issued(), 3);
}

#[tokio::test]
async fn drift_breaks_the_spec_in_realistic_ways() {
    let mock = MockServer::builder()
        .drift(Drift::only(DriftKind::UnknownFields))
        .start()
        .await;
    let api = Api::new(&mock).await;
    let (_, page) = api.get("crm", "customers").await;
    assert!(page["data"][0]["integrationFlags"].is_object());
    assert!(page.get("dataSource").is_some());

    mock.set_drift(Drift::NONE);
    mock.inject(Fault::Drift(Drift::all()));
    let (_, drifted) = api.get("crm", "customers?pageSize=10").await;
    let rows = drifted["data"].as_array().unwrap();
    assert_eq!(
        rows[0]["type"], "Government",
        "an enum value the spec does not list"
    );
    assert!(rows[1]["type"].is_u64(), "an enum as its integer");
    assert!(rows[0]["balance"].is_string(), "money as a string");
    let created = rows[0]["createdOn"].as_str().unwrap();
    assert!(
        !created.ends_with('Z') && created.len() == 27,
        "no offset: {created}"
    );
    assert!(rows[0]["address"].is_object());

    let (_, clean) = api.get("crm", "customers?pageSize=10").await;
    assert_eq!(
        clean["data"][0]["type"]
            .as_str()
            .map(|t| t == "Residential" || t == "Commercial"),
        Some(true)
    );

    // drift on a single object (get by id)
    mock.set_drift(Drift::only(DriftKind::MoneyAsStrings).with(DriftKind::IntegerEnums));
    let id = mock.ids(st_mock::Resource::Technicians)[0];
    let (_, tech) = api.get("settings", &format!("technicians/{id}")).await;
    assert!(tech["hourlyRate"].is_string());
    assert!(tech["status"].is_u64());
}

#[tokio::test]
async fn fault_rules_from_command_line_specs() {
    let rule: FaultRule = "503:2,path=/crm/*".parse().unwrap();
    let mock = MockServer::builder().fault(rule).start().await;
    let api = Api::new(&mock).await;
    assert_eq!(status(&api, "jpm", "jobs").await, 200);
    assert_eq!(status(&api, "crm", "customers").await, 503);
    assert_eq!(status(&api, "crm", "customers").await, 503);
    assert_eq!(status(&api, "crm", "customers").await, 200);
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after_beyond_the_budget() {
    let mock = MockServer::builder().rate_limit(5).start().await;
    let api = Api::new(&mock).await;
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..7 {
        let resp = api
            .request(Method::GET, "settings", "employees?pageSize=1")
            .send()
            .await
            .unwrap();
        if resp.status() == 429 {
            retry_after = resp
                .headers()
                .get(RETRY_AFTER)
                .map(|v| v.to_str().unwrap().to_string());
        }
        statuses.push(resp.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429, 429]);
    assert_eq!(retry_after.as_deref(), Some("1"));
    assert_eq!(mock.rate_limited_requests(), 2);
    // the token endpoint is not limited
    fetch_token(&api.http, &mock).await;
}

#[tokio::test]
async fn dropping_the_server_stops_it_and_closes_connections() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    assert_eq!(status(&api, "crm", "customers").await, 200);
    let addr = mock.addr();
    drop(mock);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "listener closed"
    );
    // the pooled keep-alive connection is gone too
    assert!(
        api.request(Method::GET, "crm", "customers")
            .send()
            .await
            .is_err()
    );
}
