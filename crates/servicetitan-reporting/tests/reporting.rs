//! `Client::run_report` against the simulator over loopback HTTP: the asynchronous query
//! (start, poll with backoff, cancel), the synchronous endpoint, the per-report limiter, the
//! maintenance (409) retries and typed row access.
//!
//! Timing assertions are lower bounds only (a wait is at least as long as configured), with short
//! intervals; the limiter's exact schedule is tested with paused time in `src/extras.rs`.

use std::time::{Duration, Instant, SystemTime};

use serde::Deserialize;
use servicetitan_reporting::Client;
use servicetitan_reporting::extras::{ReportData, ReportLimiter};
use st_core::{Core, Credentials, Environment, Error};
use st_mock::{Fault, FaultRule, MockBuilder, MockServer, RecordedRequest};

const QUERY_PATH: &str =
    "/reporting/v2/tenant/1234567/report-category/operations/reports/42001/data/query";

async fn start(builder: MockBuilder) -> (MockServer, Client) {
    let mock = builder.start().await;
    let c = mock.credentials();
    let core = Core::builder()
        .environment(Environment::custom(&mock.url(), &mock.url()).unwrap())
        .credentials(Credentials::new(c.client_id, c.client_secret))
        .app_key(c.app_key)
        .tenant(u64::try_from(c.tenant).unwrap())
        .build()
        .unwrap();
    (mock, Client::from_core(&core))
}

/// API requests whose path contains `part`, in arrival order.
fn seen(mock: &MockServer, part: &str) -> Vec<RecordedRequest> {
    mock.api_request_log()
        .into_iter()
        .filter(|r| r.path.contains(part))
        .collect()
}

fn gap(earlier: &RecordedRequest, later: &RecordedRequest) -> Duration {
    later
        .received_at
        .duration_since(earlier.received_at)
        .unwrap_or_default()
}

/// Waits (up to 10 s, polling) until `done` holds.
async fn eventually(what: &str, done: impl Fn() -> bool) {
    let give_up = SystemTime::now() + Duration::from_secs(10);
    while !done() {
        assert!(SystemTime::now() < give_up, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn names(data: &ReportData) -> Vec<&str> {
    data.fields.iter().map(|f| f.name.as_str()).collect()
}

#[tokio::test]
async fn polls_with_backoff_until_the_query_is_done() {
    let (mock, client) = start(MockServer::builder().report_polls(2).report_rows(30)).await;

    let data = client
        .run_report("operations", 42001)
        .param("From", "2025-01-01")
        .param("To", "2025-12-31")
        .page_size(20)
        .poll_interval(Duration::from_millis(50), Duration::from_millis(400))
        .send()
        .await
        .unwrap();

    assert_eq!(
        names(&data),
        ["JobId", "CompletedOn", "Campaign", "JobType", "Revenue"]
    );
    assert_eq!(data.rows.len(), 20);
    assert!(data.has_more);
    assert_eq!(data.page, 1);

    let log = mock.api_request_log();
    let calls: Vec<(&str, Option<u16>)> =
        log.iter().map(|r| (r.method.as_str(), r.status)).collect();
    assert_eq!(
        calls,
        [
            ("POST", Some(202)),
            ("GET", Some(202)),
            ("GET", Some(202)),
            ("GET", Some(200))
        ]
    );
    let start = &log[0];
    assert_eq!(start.path, QUERY_PATH);
    assert_eq!(start.query_param("pageSize").as_deref(), Some("20"));
    let body: serde_json::Value = serde_json::from_slice(&start.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"parameters": [
            {"name": "From", "value": "2025-01-01"},
            {"name": "To", "value": "2025-12-31"}
        ]})
    );
    assert!(
        log[1]
            .path
            .starts_with("/reporting/v2/tenant/1234567/data-queries/")
    );
    assert!(log[1..].iter().all(|r| r.path == log[1].path), "one token");
    // 50 ms, then doubling: each wait is at least as long as the schedule says.
    for (i, wait) in [50, 100, 200].into_iter().enumerate() {
        assert!(
            gap(&log[i], &log[i + 1]) >= Duration::from_millis(wait),
            "poll {} came after {:?}, before {wait} ms",
            i + 1,
            gap(&log[i], &log[i + 1])
        );
    }
    assert_eq!(
        mock.report_cancels(),
        0,
        "a finished query is not cancelled"
    );
}

#[tokio::test]
async fn a_query_that_finishes_at_once_is_not_polled() {
    let (mock, client) = start(MockServer::builder().report_polls(0).report_rows(5)).await;

    let data = client
        .run_report("operations", 42001)
        .param("From", "2025-01-01")
        .param("To", "2025-12-31")
        .send()
        .await
        .unwrap();

    assert_eq!(data.rows.len(), 5);
    assert!(!data.has_more);
    assert_eq!(mock.api_requests(), 1);
}

#[tokio::test]
async fn dropping_the_run_cancels_the_query() {
    let (mock, client) = start(MockServer::builder().report_polls(10_000)).await;
    let run = client
        .run_report("technician", 43001)
        .param("From", "2025-01-01")
        .param("To", "2025-12-31")
        .poll_interval(Duration::from_millis(20), Duration::from_millis(20))
        .send();

    // Drop the run once it is polling, i.e. once the server holds a query for it.
    tokio::select! {
        result = run => panic!("the query cannot finish: {result:?}"),
        () = eventually("a poll", || !seen(&mock, "/data-queries/").is_empty()) => {}
    }

    eventually("the cancel", || mock.report_cancels() == 1).await;
    let polled = seen(&mock, "/data-queries/");
    let cancel = polled.iter().find(|r| r.method == "DELETE").unwrap();
    assert_eq!(
        cancel.path, polled[0].path,
        "the cancel names the query's token"
    );
    assert_eq!(cancel.status, Some(204));
    assert_eq!(
        cancel.header("st-app-key"),
        Some(mock.credentials().app_key.as_str())
    );
}

#[tokio::test]
async fn a_run_past_its_timeout_cancels_the_query() {
    let (mock, client) = start(MockServer::builder().report_polls(10_000)).await;

    let result = client
        .run_report("technician", 43001)
        .param("From", "2025-01-01")
        .param("To", "2025-12-31")
        .poll_interval(Duration::from_millis(20), Duration::from_millis(20))
        .timeout(Duration::from_millis(300))
        .send()
        .await;

    assert!(matches!(result, Err(Error::Timeout)), "{result:?}");
    // The cancel is sent before the error is returned.
    assert_eq!(mock.report_cancels(), 1);
}

#[tokio::test]
async fn runs_of_one_report_are_spaced_by_the_limiter() {
    let (mock, client) = start(MockServer::builder().report_polls(0).report_rows(3)).await;
    let limiter = ReportLimiter::new(Duration::from_millis(400));
    let run = || {
        client
            .run_report("accounting", 41001)
            .param("From", "2025-01-01")
            .param("To", "2025-12-31")
            .limiter(&limiter)
    };

    let started = Instant::now();
    run().send().await.unwrap();
    // Another report of the same tenant does not wait for this one's slot.
    client
        .run_report("operations", 42001)
        .param("From", "2025-01-01")
        .param("To", "2025-12-31")
        .limiter(&limiter)
        .send()
        .await
        .unwrap();
    run().send().await.unwrap();

    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "the second run of 41001 waited for its slot"
    );
    let runs = seen(&mock, "/reports/41001/data/query");
    assert_eq!(runs.len(), 2);
    let other = &seen(&mock, "/reports/42001/data/query")[0];
    assert!(other.received_at < runs[1].received_at, "42001 went first");
}

#[tokio::test]
async fn maintenance_409_is_retried_then_succeeds() {
    let (mock, client) = start(MockServer::builder().report_polls(0).report_rows(3)).await;
    let maintenance = mock.inject(
        FaultRule::new(Fault::Status(409))
            .path("*/data/query")
            .method("POST")
            .times(2),
    );

    let data = client
        .run_report("accounting", 41001)
        .param("From", "2025-01-01")
        .param("To", "2025-12-31")
        .maintenance_retries(4, Duration::from_millis(20))
        .send()
        .await
        .unwrap();

    assert_eq!(data.rows.len(), 3);
    assert_eq!(maintenance.hits(), 2);
    let statuses: Vec<_> = seen(&mock, "/data/query")
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [Some(409), Some(409), Some(200)]);
    let runs = seen(&mock, "/data/query");
    assert!(gap(&runs[0], &runs[1]) >= Duration::from_millis(20));
    assert!(gap(&runs[1], &runs[2]) >= Duration::from_millis(40));
}

#[tokio::test]
async fn maintenance_retries_are_bounded() {
    let (mock, client) = start(MockServer::builder().report_polls(0)).await;
    mock.inject(
        FaultRule::new(Fault::Status(409))
            .path("*/data/query")
            .always(),
    );

    let result = client
        .run_report("accounting", 41001)
        .param("From", "2025-01-01")
        .param("To", "2025-12-31")
        .maintenance_retries(3, Duration::from_millis(10))
        .send()
        .await;

    let Err(error) = result else {
        panic!("every attempt got 409")
    };
    assert_eq!(error.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(seen(&mock, "/data/query").len(), 3);
}

#[tokio::test]
async fn the_synchronous_path_returns_the_same_typed_rows() {
    let (mock, client) = start(MockServer::builder().report_polls(1).report_rows(12)).await;
    let run = || {
        client
            .run_report("accounting", 41001)
            .param("From", "2025-01-01")
            .param("To", "2025-12-31")
            .page_size(10)
            .include_total(true)
            .poll_interval(Duration::from_millis(10), Duration::from_millis(10))
            .limiter(&ReportLimiter::new(Duration::ZERO))
    };

    let asynchronous = run().send().await.unwrap();
    let synchronous = run().synchronous().send().await.unwrap();

    assert_eq!(names(&synchronous), names(&asynchronous));
    assert_eq!(
        synchronous
            .fields
            .iter()
            .map(|f| &f.label)
            .collect::<Vec<_>>(),
        asynchronous
            .fields
            .iter()
            .map(|f| &f.label)
            .collect::<Vec<_>>()
    );
    let values = |d: &ReportData| {
        d.rows
            .iter()
            .map(|r| r.values().to_vec())
            .collect::<Vec<_>>()
    };
    assert_eq!(values(&synchronous), values(&asynchronous));
    assert_eq!(synchronous.rows.len(), 10);
    assert_eq!(
        synchronous.rows[3].get_as::<i64>("InvoiceId").unwrap(),
        asynchronous.rows[3].get_as::<i64>("InvoiceId").unwrap()
    );
    assert_eq!(
        (synchronous.total_count, synchronous.has_more),
        (Some(12), true)
    );
    assert_eq!(
        (asynchronous.total_count, asynchronous.has_more),
        (Some(12), true)
    );

    let sync_call = seen(&mock, "/reports/41001/data")
        .into_iter()
        .find(|r| !r.path.ends_with("/query"))
        .expect("the synchronous endpoint was called");
    assert_eq!(sync_call.method, "POST");
    assert_eq!(sync_call.query_param("pageSize").as_deref(), Some("10"));
    assert_eq!(
        sync_call.query_param("includeTotal").as_deref(),
        Some("true")
    );
}

#[tokio::test]
async fn rows_are_read_by_field_name() {
    let (_mock, client) = start(MockServer::builder().report_polls(0).report_rows(4)).await;

    let data = client
        .run_report("operations", 42001)
        .param("From", "2025-01-01")
        .param("To", "2025-12-31")
        .send()
        .await
        .unwrap();

    let row = &data.rows[0];
    assert_eq!(row.get("JobId"), Some(&serde_json::json!(40_000_000)));
    assert!(row.get("Revenue").unwrap().is_number());
    assert_eq!(
        row.get("revenue"),
        row.get("Revenue"),
        "ASCII case is forgiven"
    );
    assert_eq!(row.get("NoSuchField"), None);
    assert_eq!(row.get_as::<i64>("JobId").unwrap(), 40_000_000);
    assert!(
        row.get_as::<String>("Campaign")
            .unwrap()
            .starts_with("Campaign ")
    );
    assert!(row.get_as::<f64>("Revenue").unwrap() >= 0.0);

    // A value of another shape is a decode error naming the field, not quoting the value.
    let Err(Error::Decode(e)) = row.get_as::<i64>("Campaign") else {
        panic!("a campaign name is not a number")
    };
    assert_eq!(e.path(), Some("Campaign"));
    assert!(!e.to_string().contains("Campaign "), "{e}");

    // Iteration pairs each value with its field, in order.
    let labels: Vec<&str> = row.iter().map(|(field, _)| field.label.as_str()).collect();
    assert_eq!(
        labels,
        ["Job #", "Completed On", "Campaign", "Job Type", "Revenue"]
    );

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct JobRevenue {
        job_id: i64,
        campaign: String,
        revenue: st_core::Decimal,
    }
    let typed: JobRevenue = row.deserialize().unwrap();
    assert_eq!(typed.job_id, 40_000_000);
    assert_eq!(
        Some(&typed.campaign),
        row.get_as::<String>("Campaign").ok().as_ref()
    );
    let _ = typed.revenue;
}

#[tokio::test]
async fn fetches_every_page() {
    let (mock, client) = start(MockServer::builder().report_polls(0).report_rows(45)).await;
    let run = || {
        client
            .run_report("technician", 43001)
            .param("From", "2025-01-01")
            .param("To", "2025-12-31")
            .page_size(20)
            .limiter(&ReportLimiter::new(Duration::ZERO))
    };

    let all = run().send_all().await.unwrap();

    assert_eq!(all.rows.len(), 45);
    assert!(!all.has_more);
    let ids: Vec<i64> = all
        .rows
        .iter()
        .map(|r| r.get_as("TechnicianId").unwrap())
        .collect();
    assert_eq!(ids, (1_400_000..1_400_045).collect::<Vec<_>>());
    let pages: Vec<_> = seen(&mock, "/data/query")
        .iter()
        .map(|r| r.query_param("page"))
        .collect();
    assert_eq!(
        pages,
        [Some("1".into()), Some("2".into()), Some("3".into())]
    );
}

#[tokio::test]
async fn report_errors_keep_their_status() {
    let (_mock, client) = start(MockServer::builder()).await;

    let missing_parameters = client.run_report("operations", 42001).send().await;
    assert_eq!(
        missing_parameters.unwrap_err().status().map(|s| s.as_u16()),
        Some(400)
    );
    let unknown = client
        .run_report("operations", 1)
        .param("From", "2025-01-01")
        .param("To", "2025-12-31")
        .synchronous()
        .send()
        .await;
    assert_eq!(unknown.unwrap_err().status().map(|s| s.as_u16()), Some(404));
    let empty_name = client
        .run_report("operations", 42001)
        .param("", 1)
        .send()
        .await;
    assert!(matches!(empty_name, Err(Error::InvalidRequest(_))));
}
