use reqwest::Method;
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};
use st_mock::{MockServer, Resource};

use crate::common::{Api, assert_problem, ids, is_st_timestamp};

#[tokio::test]
async fn get_by_id_returns_the_row_and_404_is_rfc7807() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    for (module, r) in [
        ("settings", Resource::Employees),
        ("settings", Resource::Technicians),
        ("crm", Resource::Customers),
        ("crm", Resource::Locations),
        ("jpm", Resource::Jobs),
    ] {
        let id = mock.ids(r)[5];
        let (status, row) = api.get(module, &format!("{}/{id}", r.name())).await;
        assert_eq!(status, 200);
        assert_eq!(row, mock.record(r, id).unwrap());
    }
    let resp = api
        .request(Method::GET, "crm", "customers/1")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()[CONTENT_TYPE], "application/problem+json");
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_problem(status, &body, 404);
    assert!(body["traceId"].as_str().unwrap().starts_with("00-"));
    let (status, body) = api.get("crm", "customers/abc").await;
    assert_problem(status, &body, 400);
}

fn new_customer() -> Value {
    json!({
        "name": "Jane Appleseed",
        "type": "Residential",
        "address": { "street": "100 Orchard Ln", "city": "Boise", "state": "ID", "zip": "83702", "country": "USA" },
        "locations": [{
            "name": "Jane Appleseed",
            "address": { "street": "100 Orchard Ln", "city": "Boise", "state": "ID", "zip": "83702", "country": "USA" },
            "contacts": [{ "type": "MobilePhone", "value": "2085550100" }]
        }],
        "contacts": [{ "type": "Email", "value": "jane@example.com", "memo": "billing" }],
        "doNotMail": true
    })
}

#[tokio::test]
async fn create_customer_returns_it_with_locations_and_it_is_listed() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    let (status, created) = api
        .call(Method::POST, "crm", "customers", Some(new_customer()))
        .await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["name"], "Jane Appleseed");
    assert_eq!(created["doNotMail"], true);
    assert_eq!(created["active"], true);
    assert!(is_st_timestamp(created["createdOn"].as_str().unwrap()));
    assert_eq!(created["contacts"][0]["type"], "Email");
    assert!(created["contacts"][0]["id"].is_i64());
    let location = &created["locations"][0];
    assert_eq!(location["customerId"], id);
    assert_eq!(location["contacts"][0]["value"], "2085550100");

    let (status, fetched) = api.get("crm", &format!("customers/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(fetched["address"]["city"], "Boise");
    assert!(
        fetched.get("locations").is_none(),
        "GET returns CustomerResponse, not the create response"
    );
    let (_, listed) = api.get("crm", &format!("customers?ids={id}")).await;
    assert_eq!(ids(&listed), vec![id]);
    let (_, locations) = api.get("crm", &format!("locations?customerId={id}")).await;
    assert_eq!(ids(&locations), vec![location["id"].as_i64().unwrap()]);
    assert_eq!(mock.count(Resource::Customers).0, 501);
}

#[tokio::test]
async fn create_customer_validation_errors_are_400_with_field_paths() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    let mut body = new_customer();
    body["name"] = json!("");
    body["type"] = json!("Martian");
    body["address"].as_object_mut().unwrap().remove("city");
    body["locations"][0]["address"]["zip"] = json!(null);
    let (status, problem) = api.call(Method::POST, "crm", "customers", Some(body)).await;
    assert_problem(status, &problem, 400);
    assert_eq!(problem["title"], "One or more validation errors occurred.");
    let errors = problem["errors"].as_object().unwrap();
    for field in ["name", "type", "address.city", "locations[0].address.zip"] {
        assert!(
            errors[field].as_array().is_some_and(|m| !m.is_empty()),
            "{field} in {problem}"
        );
    }
    let (status, problem) = api
        .call(
            Method::POST,
            "crm",
            "customers",
            Some(json!({ "name": "X" })),
        )
        .await;
    assert_problem(status, &problem, 400);
    assert!(problem["errors"]["locations"].is_array() && problem["errors"]["address"].is_array());

    let resp = api
        .request(Method::POST, "crm", "customers")
        .header(CONTENT_TYPE, "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let problem: Value = resp.json().await.unwrap();
    assert_problem(status, &problem, 400);
    assert!(problem["errors"]["$"].is_array());
    assert_eq!(
        mock.count(Resource::Customers).0,
        500,
        "nothing was created"
    );
}

#[tokio::test]
async fn patch_customer_changes_given_fields_only() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    let id = mock.ids(Resource::Customers)[0];
    let before = mock.record(Resource::Customers, id).unwrap();
    let (status, after) = api
        .call(
            Method::PATCH,
            "crm",
            &format!("customers/{id}"),
            Some(json!({ "name": "Renamed LLC", "type": "Commercial", "someFutureField": 1 })),
        )
        .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["name"], "Renamed LLC");
    assert_eq!(after["type"], "Commercial");
    assert_eq!(after["address"], before["address"]);
    assert!(after["modifiedOn"].as_str().unwrap() > before["modifiedOn"].as_str().unwrap());
    assert_eq!(api.get("crm", &format!("customers/{id}")).await.1, after);

    // deactivating hides it from the default list
    let (status, _) = api
        .call(
            Method::PATCH,
            "crm",
            &format!("customers/{id}"),
            Some(json!({ "active": false })),
        )
        .await;
    assert_eq!(status, 200);
    let (_, active) = api.get("crm", &format!("customers?ids={id}")).await;
    assert!(ids(&active).is_empty());
    let (_, any) = api
        .get("crm", &format!("customers?ids={id}&active=Any"))
        .await;
    assert_eq!(ids(&any), vec![id]);

    let (status, problem) = api
        .call(
            Method::PATCH,
            "crm",
            &format!("customers/{id}"),
            Some(json!({ "doNotMail": "yes" })),
        )
        .await;
    assert_problem(status, &problem, 400);
    assert!(problem["errors"]["doNotMail"].is_array());
    let (status, problem) = api
        .call(
            Method::PATCH,
            "crm",
            "customers/7",
            Some(json!({ "name": "x" })),
        )
        .await;
    assert_problem(status, &problem, 404);
}

#[tokio::test]
async fn job_notes_are_created_and_listed() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    let job = mock.ids(Resource::Jobs)[10];
    let (_, before) = api
        .get("jpm", &format!("jobs/{job}/notes?includeTotal=true"))
        .await;
    let n = before["totalCount"].as_u64().unwrap();
    let (status, note) = api
        .call(
            Method::POST,
            "jpm",
            &format!("jobs/{job}/notes"),
            Some(json!({ "text": "Bring a ladder", "pinToTop": true })),
        )
        .await;
    assert_eq!(status, 200, "{note}");
    assert_eq!(note["text"], "Bring a ladder");
    assert_eq!(note["isPinned"], true);
    assert!(note["createdById"].is_i64());
    let (_, after) = api
        .get("jpm", &format!("jobs/{job}/notes?includeTotal=true"))
        .await;
    assert_eq!(after["totalCount"], n + 1);
    assert_eq!(
        after["data"][0]["text"], "Bring a ladder",
        "pinned notes come first"
    );

    let (status, problem) = api
        .call(
            Method::POST,
            "jpm",
            &format!("jobs/{job}/notes"),
            Some(json!({ "text": " " })),
        )
        .await;
    assert_problem(status, &problem, 400);
    assert!(problem["errors"]["text"].is_array());
    let (status, problem) = api
        .call(
            Method::POST,
            "jpm",
            "jobs/3/notes",
            Some(json!({ "text": "x" })),
        )
        .await;
    assert_problem(status, &problem, 404);
}

#[tokio::test]
async fn unknown_routes_and_methods_are_problems() {
    let mock = MockServer::start().await;
    let api = Api::new(&mock).await;
    let (status, body) = api.get("crm", "nothing-here").await;
    assert_problem(status, &body, 404);
    let (status, body) = api.call(Method::DELETE, "crm", "customers", None).await;
    assert_problem(status, &body, 405);
}
