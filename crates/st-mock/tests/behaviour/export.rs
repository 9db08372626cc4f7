use std::collections::HashSet;

use reqwest::Method;
use serde_json::{Value, json};
use st_mock::{MockServer, Resource};

use crate::common::{Api, assert_problem, ids};

/// Follows an export feed to its end; returns every page.
async fn walk(api: &Api, module: &str, feed: &str, from: Option<&str>) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut from = from.map(str::to_string);
    loop {
        let path = match &from {
            Some(f) => format!("export/{feed}?from={f}"),
            None => format!("export/{feed}"),
        };
        let (status, page) = api.get(module, &path).await;
        assert_eq!(status, 200, "{page}");
        let more = page["hasMore"].as_bool().unwrap();
        from = Some(page["continueFrom"].as_str().unwrap().to_string());
        pages.push(page);
        if !more {
            return pages;
        }
        assert!(pages.len() < 1000, "runaway feed");
    }
}

#[tokio::test]
async fn export_walks_every_row_once_including_inactive() {
    let mock = MockServer::builder().export_page_size(120).start().await;
    let api = Api::new(&mock).await;
    let pages = walk(&api, "crm", "customers", None).await;
    let all = mock.count(Resource::Customers).0;
    assert_eq!(pages.len(), all.div_ceil(120));
    let seen: Vec<i64> = pages.iter().flat_map(ids).collect();
    assert_eq!(seen.len(), all);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), all);
    assert!(
        pages
            .iter()
            .flat_map(|p| p["data"].as_array().unwrap())
            .any(|r| r["active"] == false)
    );
    // ordered by modification, like ServiceTitan's feeds
    let modified: Vec<String> = pages
        .iter()
        .flat_map(|p| {
            p["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["modifiedOn"].as_str().unwrap().to_string())
        })
        .collect();
    assert!(modified.windows(2).all(|w| w[0] <= w[1]));
    assert!(
        pages[..pages.len() - 1]
            .iter()
            .all(|p| p["hasMore"] == true)
    );
    assert_eq!(pages.last().unwrap()["hasMore"], false);
}

#[tokio::test]
async fn continuation_token_resumes_exactly() {
    let mock = MockServer::builder().export_page_size(100).start().await;
    let api = Api::new(&mock).await;
    let (_, first) = api.get("jpm", "export/jobs").await;
    let (_, second) = api
        .get(
            "jpm",
            &format!(
                "export/jobs?from={}",
                first["continueFrom"].as_str().unwrap()
            ),
        )
        .await;
    // the same token again gives the same page
    let (_, again) = api
        .get(
            "jpm",
            &format!(
                "export/jobs?from={}",
                first["continueFrom"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(second, again);
    let full = walk(&api, "jpm", "jobs", None).await;
    let all: Vec<i64> = full.iter().flat_map(ids).collect();
    assert_eq!(ids(&first), all[..100]);
    assert_eq!(ids(&second), all[100..200]);
    // job export rows carry `active`, unlike list rows
    assert!(first["data"][0]["active"].is_boolean());
}

#[tokio::test]
async fn final_token_delivers_later_changes() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    let pages = walk(&api, "crm", "customers", None).await;
    let end = pages.last().unwrap()["continueFrom"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, nothing_new) = api
        .get("crm", &format!("export/customers?from={end}"))
        .await;
    assert_eq!(ids(&nothing_new), Vec::<i64>::new());
    assert_eq!(nothing_new["hasMore"], false);
    assert_eq!(nothing_new["continueFrom"], end.as_str());

    let id = mock.ids(Resource::Customers)[3];
    let (status, _) = api
        .call(
            Method::PATCH,
            "crm",
            &format!("customers/{id}"),
            Some(json!({ "doNotMail": true })),
        )
        .await;
    assert_eq!(status, 200);
    let (_, changes) = api
        .get("crm", &format!("export/customers?from={end}"))
        .await;
    assert_eq!(ids(&changes), vec![id]);
    assert_eq!(changes["data"][0]["doNotMail"], true);
    assert_eq!(changes["hasMore"], false);
}

#[tokio::test]
async fn include_recent_changes_is_accepted() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    let (s1, a) = api
        .get("accounting", "export/invoices?includeRecentChanges=true")
        .await;
    let (s2, b) = api
        .get("accounting", "export/invoices?includeRecentChanges=false")
        .await;
    assert_eq!((s1.as_u16(), s2.as_u16()), (200, 200));
    assert_eq!(ids(&a), ids(&b));
    let (status, body) = api
        .get("accounting", "export/invoices?includeRecentChanges=maybe")
        .await;
    assert_problem(status, &body, 400);
}

#[tokio::test]
async fn from_accepts_a_date_and_rejects_garbage() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    let pages = walk(&api, "settings", "employees", Some("2024-01-01")).await;
    let rows: Vec<&Value> = pages
        .iter()
        .flat_map(|p| p["data"].as_array().unwrap())
        .collect();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r["modifiedOn"].as_str().unwrap() >= "2024-01-01")
    );
    let all = walk(&api, "settings", "employees", None).await;
    let expected = all
        .iter()
        .flat_map(|p| p["data"].as_array().unwrap())
        .filter(|r| r["modifiedOn"].as_str().unwrap() >= "2024-01-01")
        .count();
    assert_eq!(rows.len(), expected);

    let (status, body) = api
        .get("settings", "export/employees?from=not-a-token")
        .await;
    assert_problem(status, &body, 400);
    assert!(body["errors"]["from"].is_array());
    // a token from another feed is refused
    let (_, techs) = api.get("settings", "export/technicians").await;
    let token = techs["continueFrom"].as_str().unwrap();
    let (status, body) = api
        .get("settings", &format!("export/employees?from={token}"))
        .await;
    assert_problem(status, &body, 400);
}

#[tokio::test]
async fn synthetic_export_serves_configured_rows_lazily() {
    let mock = MockServer::builder()
        .export_rows(2_345)
        .export_page_size(1_000)
        .start()
        .await;
    let api = Api::new(&mock).await;
    let pages = walk(&api, "crm", "customers", None).await;
    assert_eq!(pages.len(), 3);
    let seen: Vec<i64> = pages.iter().flat_map(ids).collect();
    assert_eq!(seen.len(), 2_345);
    assert!(
        seen.windows(2).all(|w| w[1] == w[0] + 1),
        "synthetic ids are consecutive"
    );
    let row = &pages[2]["data"][0];
    for field in [
        "id",
        "active",
        "name",
        "type",
        "address",
        "balance",
        "createdOn",
        "modifiedOn",
        "externalData",
    ] {
        assert!(row.get(field).is_some(), "{field}");
    }
    // resuming mid-feed
    let (_, second) = api
        .get(
            "crm",
            &format!(
                "export/customers?from={}",
                pages[0]["continueFrom"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(second, pages[1]);
    // the seeded list is unaffected
    let (_, list) = api.get("crm", "customers?includeTotal=true").await;
    assert_eq!(list["totalCount"], mock.count(Resource::Customers).1);
}
