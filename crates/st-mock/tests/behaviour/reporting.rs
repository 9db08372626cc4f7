use reqwest::Method;
use serde_json::{Value, json};
use st_mock::MockServer;

use crate::common::{Api, assert_problem};

fn params() -> Value {
    json!({ "parameters": [{ "name": "From", "value": "2025-01-01" }, { "name": "To", "value": "2025-12-31" }] })
}

const DATA: &str = "report-category/accounting/reports/41001/data";

#[tokio::test]
async fn report_catalog_and_sync_data_pages() {
    let mock = MockServer::builder().report_rows(2_500).start().await;
    let api = Api::new(&mock).await;
    let (_, cats) = api.get("reporting", "report-categories").await;
    assert!(
        cats["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "accounting")
    );
    let (_, reports) = api
        .get("reporting", "report-category/accounting/reports")
        .await;
    assert_eq!(reports["data"][0]["id"], 41001);

    let (status, page) = api
        .call(
            Method::POST,
            "reporting",
            &format!("{DATA}?includeTotal=true"),
            Some(params()),
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["pageSize"], 1000);
    assert_eq!(page["totalCount"], 2500);
    assert_eq!(page["hasMore"], true);
    let fields = page["fields"].as_array().unwrap();
    assert!(
        fields
            .iter()
            .all(|f| f["name"].is_string() && f["label"].is_string())
    );
    let rows = page["data"].as_array().unwrap();
    assert_eq!(rows.len(), 1000);
    assert_eq!(
        rows[0].as_array().unwrap().len(),
        fields.len(),
        "rows are arrays in field order"
    );
    let (_, last) = api
        .call(
            Method::POST,
            "reporting",
            &format!("{DATA}?page=3"),
            Some(params()),
        )
        .await;
    assert_eq!(last["data"].as_array().unwrap().len(), 500);
    assert_eq!(last["hasMore"], false);

    let (status, problem) = api
        .call(
            Method::POST,
            "reporting",
            DATA,
            Some(json!({ "parameters": [] })),
        )
        .await;
    assert_problem(status, &problem, 400);
    assert!(problem["errors"]["From"].is_array());
    let (status, problem) = api
        .call(
            Method::POST,
            "reporting",
            &format!("{DATA}?pageSize=25001"),
            Some(params()),
        )
        .await;
    assert_problem(status, &problem, 400);
    let (status, problem) = api
        .call(
            Method::POST,
            "reporting",
            "report-category/accounting/reports/1/data",
            Some(params()),
        )
        .await;
    assert_problem(status, &problem, 404);
}

#[tokio::test]
async fn async_report_query_polls_then_completes_or_cancels() {
    let mock = MockServer::builder().report_polls(2).start().await;
    let api = Api::new(&mock).await;
    let (status, started) = api
        .call(
            Method::POST,
            "reporting",
            &format!("{DATA}/query?pageSize=10"),
            Some(params()),
        )
        .await;
    assert_eq!(status, 202);
    assert_eq!(started["status"], "NotStarted");
    let token = started["token"].as_str().unwrap().to_string();
    for _ in 0..2 {
        let (status, body) = api.get("reporting", &format!("data-queries/{token}")).await;
        assert_eq!(status, 202);
        assert_eq!(body["status"], "InProgress");
    }
    let (status, done) = api.get("reporting", &format!("data-queries/{token}")).await;
    assert_eq!(status, 200);
    assert_eq!(done["data"].as_array().unwrap().len(), 10);

    let (_, second) = api
        .call(
            Method::POST,
            "reporting",
            &format!("{DATA}/query"),
            Some(params()),
        )
        .await;
    let token = second["token"].as_str().unwrap();
    let (status, _) = api
        .call(
            Method::DELETE,
            "reporting",
            &format!("data-queries/{token}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(mock.report_cancels(), 1);
    let (status, problem) = api.get("reporting", &format!("data-queries/{token}")).await;
    assert_problem(status, &problem, 404);

    let immediate = MockServer::builder().report_polls(0).start().await;
    let api = Api::new(&immediate).await;
    let (status, body) = api
        .call(
            Method::POST,
            "reporting",
            &format!("{DATA}/query"),
            Some(params()),
        )
        .await;
    assert_eq!(status, 200);
    assert!(body["fields"].is_array());
}
