use std::collections::HashSet;

use reqwest::header::CONTENT_TYPE;
use serde_json::Value;
use st_mock::{MockServer, Resource};

use crate::common::{Api, assert_problem, ids, is_st_timestamp};

#[tokio::test]
async fn pages_walk_every_active_row_once_in_id_order() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    let (_, active) = mock.count(Resource::Customers);
    let mut seen = Vec::new();
    let mut page = 1;
    loop {
        let (status, body) = api
            .get("crm", &format!("customers?page={page}&pageSize=50"))
            .await;
        assert_eq!(status, 200);
        assert_eq!(body["page"], page);
        assert_eq!(body["pageSize"], 50);
        let rows = ids(&body);
        seen.extend(rows.iter().copied());
        if body["hasMore"] == false {
            assert!(rows.len() <= 50);
            break;
        }
        assert_eq!(rows.len(), 50, "a page with hasMore is full");
        page += 1;
    }
    assert_eq!(seen.len(), active);
    assert_eq!(page, active.div_ceil(50) as i64);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "rows come in id order");
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        seen.len(),
        "no row twice"
    );
}

#[tokio::test]
async fn total_count_only_with_include_total() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    let (_, active) = mock.count(Resource::Employees);
    let (_, without) = api.get("settings", "employees").await;
    assert!(without["totalCount"].is_null());
    let (_, with) = api.get("settings", "employees?includeTotal=true").await;
    assert_eq!(with["totalCount"], active);
    let (_, explicit_false) = api.get("settings", "employees?includeTotal=false").await;
    assert!(explicit_false["totalCount"].is_null());
}

#[tokio::test]
async fn page_size_defaults_to_50_and_caps_at_5000() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    let (_, default) = api.get("crm", "locations").await;
    assert_eq!(default["pageSize"], 50);
    assert_eq!(ids(&default).len(), 50);

    let (status, all) = api.get("crm", "locations?pageSize=5000&active=Any").await;
    assert_eq!(status, 200);
    assert_eq!(ids(&all).len(), mock.count(Resource::Locations).0);
    assert_eq!(all["hasMore"], false);

    let resp = api
        .request(reqwest::Method::GET, "crm", "locations?pageSize=5001")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()[CONTENT_TYPE], "application/problem+json");
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_problem(status, &body, 400);
    assert!(
        body["errors"]["pageSize"][0]
            .as_str()
            .unwrap()
            .contains("5000")
    );

    let (status, body) = api.get("crm", "locations?page=0").await;
    assert_problem(status, &body, 400);
    assert!(body["errors"]["page"].is_array());
}

#[tokio::test]
async fn page_past_the_end_is_empty() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    let (status, body) = api
        .get("settings", "technicians?page=99&includeTotal=true")
        .await;
    assert_eq!(status, 200);
    assert_eq!(ids(&body).len(), 0);
    assert_eq!(body["hasMore"], false);
    assert_eq!(body["totalCount"], mock.count(Resource::Technicians).1);
}

#[tokio::test]
async fn active_filter_defaults_to_active_and_accepts_any_and_false() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    let (all, active) = mock.count(Resource::Customers);
    assert!(all > active && active > 0, "seed has both kinds");
    let total = |v: &Value| v["totalCount"].as_u64().unwrap() as usize;
    let (_, d) = api.get("crm", "customers?includeTotal=true").await;
    let (_, t) = api
        .get("crm", "customers?includeTotal=true&active=True")
        .await;
    let (_, f) = api
        .get("crm", "customers?includeTotal=true&active=false")
        .await;
    let (_, a) = api
        .get("crm", "customers?includeTotal=true&active=Any")
        .await;
    assert_eq!(total(&d), active);
    assert_eq!(total(&t), active);
    assert_eq!(total(&f), all - active);
    assert_eq!(total(&a), all);
    assert!(
        f["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["active"] == false)
    );
    let (status, body) = api.get("crm", "customers?active=Sometimes").await;
    assert_problem(status, &body, 400);
    assert!(body["errors"]["active"].is_array());

    // Invoices spell it activeState.
    let (all, active) = mock.count(Resource::Invoices);
    let (_, i) = api.get("accounting", "invoices?includeTotal=true").await;
    let (_, ia) = api
        .get("accounting", "invoices?includeTotal=true&activeState=All")
        .await;
    assert_eq!((total(&i), total(&ia)), (active, all));
}

#[tokio::test]
async fn ids_and_field_filters_select_rows() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    let wanted: Vec<i64> = mock.ids(Resource::Jobs).into_iter().step_by(97).collect();
    let list = wanted
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let (_, body) = api.get("jpm", &format!("jobs?ids={list}")).await;
    assert_eq!(ids(&body), wanted);

    let customer = mock.record(Resource::Jobs, wanted[0]).unwrap()["customerId"]
        .as_i64()
        .unwrap();
    let (_, body) = api
        .get("jpm", &format!("jobs?customerId={customer}&pageSize=500"))
        .await;
    assert!(!ids(&body).is_empty());
    assert!(
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|j| j["customerId"] == customer)
    );

    let too_many = (1..=51)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let (status, body) = api.get("jpm", &format!("jobs?ids={too_many}")).await;
    assert_problem(status, &body, 400);
}

#[tokio::test]
async fn sorts_and_query_names_are_case_insensitive() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    let (_, body) = api
        .get("crm", "customers?PAGESIZE=20&sort=-ModifiedOn")
        .await;
    assert_eq!(ids(&body).len(), 20);
    let modified: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["modifiedOn"].as_str().unwrap())
        .collect();
    assert!(
        modified.windows(2).all(|w| w[0] >= w[1]),
        "descending modifiedOn"
    );
    let (status, _) = api.get("crm", "customers?sort=%2BCreatedOn").await;
    assert_eq!(status, 200);
    let (status, body) = api.get("crm", "customers?sort=-Color").await;
    assert_problem(status, &body, 400);
}

/// Required fields of each list response row, from the 2026-05-21 specs.
const REQUIRED: &[(&str, &str, &[&str])] = &[
    (
        "settings",
        "employees",
        &[
            "id",
            "userId",
            "name",
            "role",
            "createdOn",
            "modifiedOn",
            "active",
            "agentId",
            "hourlyRate",
        ],
    ),
    (
        "settings",
        "technicians",
        &[
            "id",
            "userId",
            "name",
            "createdOn",
            "modifiedOn",
            "dailyGoal",
            "isManagedTech",
            "active",
            "burdenRate",
            "commissionRate",
            "hourlyRate",
            "soldByRate",
            "status",
        ],
    ),
    (
        "crm",
        "customers",
        &[
            "id",
            "active",
            "name",
            "type",
            "address",
            "customFields",
            "balance",
            "taxExempt",
            "tagTypeIds",
            "doNotMail",
            "doNotService",
            "nationalAccount",
            "createdOn",
            "createdById",
            "modifiedOn",
            "externalData",
        ],
    ),
    (
        "crm",
        "locations",
        &[
            "id",
            "customerId",
            "active",
            "name",
            "address",
            "customFields",
            "createdOn",
            "createdById",
            "modifiedOn",
            "taxExempt",
            "tagTypeIds",
            "externalData",
        ],
    ),
    (
        "jpm",
        "jobs",
        &[
            "id",
            "jobNumber",
            "customerId",
            "locationId",
            "jobStatus",
            "businessUnitId",
            "jobTypeId",
            "priority",
            "campaignId",
            "appointmentCount",
            "firstAppointmentId",
            "lastAppointmentId",
            "noCharge",
            "notificationsEnabled",
            "createdOn",
            "createdById",
            "modifiedOn",
            "tagTypeIds",
            "customerPo",
            "invoiceId",
            "estimateIds",
            "equipmentIds",
            "customFields",
            "externalData",
        ],
    ),
    (
        "accounting",
        "invoices",
        &[
            "id",
            "createdOn",
            "sentStatus",
            "reviewStatus",
            "active",
            "invoiceConfiguration",
        ],
    ),
];

#[tokio::test]
async fn rows_carry_the_specs_required_fields_and_timestamp_style() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    for (module, resource, required) in REQUIRED {
        let (status, body) = api
            .get(module, &format!("{resource}?pageSize=200&active=Any"))
            .await;
        assert_eq!(status, 200, "{module}/{resource}");
        for row in body["data"].as_array().unwrap() {
            for field in *required {
                assert!(
                    row.get(*field).is_some_and(|v| !v.is_null()),
                    "{resource} row lacks {field}: {row}"
                );
            }
            assert!(
                is_st_timestamp(row["createdOn"].as_str().unwrap()),
                "{}",
                row["createdOn"]
            );
        }
    }
    let (_, customers) = api.get("crm", "customers").await;
    let c = &customers["data"][0];
    assert!(c["balance"].is_number(), "money is a JSON number");
    assert!(c["address"]["street"].is_string() && c["address"]["zip"].is_string());
    let (_, invoices) = api.get("accounting", "invoices").await;
    // The accounting spec declares invoice amounts as strings.
    assert!(invoices["data"][0]["total"].is_string());
}

#[tokio::test]
async fn seeded_data_is_deterministic_per_seed() {
    let a = MockServer::start().await;
    let b = MockServer::start().await;
    let c = MockServer::builder().seed(99).start().await;
    assert_eq!(a.ids(Resource::Customers), b.ids(Resource::Customers));
    let id = a.ids(Resource::Customers)[7];
    assert_eq!(
        a.record(Resource::Customers, id),
        b.record(Resource::Customers, id)
    );
    assert_ne!(
        a.record(Resource::Customers, id),
        c.record(Resource::Customers, id)
    );
    let small = MockServer::builder()
        .size(Resource::Customers, 10)
        .start()
        .await;
    assert_eq!(small.count(Resource::Customers).0, 10);
}
