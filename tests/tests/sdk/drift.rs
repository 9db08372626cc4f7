//! Responses that do not match the spec, as real ServiceTitan responses often do, decoded by the
//! generated types: unknown fields, unknown enum values, enums as integers, timestamps without
//! an offset, money as strings.

use futures::TryStreamExt;
use serde_json::Value;
use servicetitan::crm::types::CustomerType;
use servicetitan::settings::types::EmployeeUserRole;
use servicetitan::{Decimal, Timestamp};
use st_mock::{Drift, MockServer, Resource};

use crate::support::Harness;

/// The JSON the simulator sends for `path_and_query` (under the area's tenant base URL),
/// fetched through `Core::send` like a hand-written call, to check the drift is on the wire.
async fn raw(h: &Harness, service_path: &str, path_and_query: &str) -> Value {
    let core = h.st.core();
    let url = format!("{}{path_and_query}", core.api_base_url(service_path));
    let request = core.http().get(url).build().unwrap();
    let response = core.send(request, "raw").await.unwrap();
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

fn timestamp(value: &Value) -> Timestamp {
    value.as_str().expect("a timestamp").parse().unwrap()
}

fn decimal(value: &Value) -> Decimal {
    match value {
        Value::Number(n) => n.to_string().parse().unwrap(),
        Value::String(s) => s.parse().unwrap(),
        other => panic!("not money: {other}"),
    }
}

#[tokio::test]
async fn crm_customers_decode_through_every_kind_of_drift() {
    let h = Harness::start_with(MockServer::builder().drift(Drift::all())).await;

    // On the wire: an undeclared enum value, an enum as a number, no offset, money as a string,
    // undeclared fields on the page and on each row.
    let wire = raw(&h, "/crm/v2", "/customers?pageSize=2").await;
    assert_eq!(wire["data"][0]["type"], "Government");
    assert!(wire["data"][1]["type"].is_u64());
    assert!(
        !wire["data"][0]["createdOn"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert!(wire["data"][0]["balance"].is_string());
    assert!(wire["data"][0]["integrationFlags"].is_object());
    assert!(wire["dataSource"].is_string());

    let customers: Vec<_> =
        h.st.crm()
            .customers_get_list()
            .page_size(60)
            .stream()
            .try_collect()
            .await
            .unwrap();

    assert_eq!(customers.len(), h.active_ids(Resource::Customers).len());
    for page in customers.chunks(60) {
        for (i, customer) in page.iter().enumerate() {
            let row = h.record(Resource::Customers, customer.id);
            let declared = row["type"].as_str().unwrap();
            if i % 2 == 0 {
                assert_eq!(customer.type_, CustomerType::Unknown("Government".into()));
            } else {
                // A string enum sent as its index: kept, as the number's text.
                let index = ["Residential", "Commercial"]
                    .iter()
                    .position(|v| *v == declared)
                    .unwrap();
                assert_eq!(customer.type_.as_str(), index.to_string());
            }
            assert_eq!(customer.created_on, timestamp(&row["createdOn"]));
            assert_eq!(customer.modified_on, timestamp(&row["modifiedOn"]));
            assert_eq!(customer.balance, decimal(&row["balance"]));
            assert_eq!(customer.name, row["name"].as_str().unwrap());
        }
    }
}

#[tokio::test]
async fn crm_customers_export_decodes_with_drift() {
    let h = Harness::start_with(
        MockServer::builder()
            .drift(Drift::all())
            .export_page_size(200),
    )
    .await;

    let pages: Vec<_> =
        h.st.crm()
            .export_customers_get_customers()
            .export()
            .pages()
            .try_collect()
            .await
            .unwrap();

    let rows: usize = pages.iter().map(|(page, _)| page.data.len()).sum();
    assert_eq!(rows, h.mock.ids(Resource::Customers).len());
    for (page, _) in &pages {
        for customer in &page.data {
            let row = h.record(Resource::Customers, customer.id);
            assert_eq!(customer.created_on, timestamp(&row["createdOn"]));
            assert_eq!(customer.balance, decimal(&row["balance"]));
        }
    }
}

#[tokio::test]
async fn settings_employees_decode_unknown_roles_and_naive_timestamps() {
    let h = Harness::start_with(MockServer::builder().drift(Drift::all())).await;

    let page =
        h.st.settings()
            .employees_get_list()
            .page_size(20)
            .send()
            .await
            .unwrap()
            .into_inner();

    assert_eq!(page.data.len(), 20);
    for (i, employee) in page.data.iter().enumerate() {
        let row = h.record(Resource::Employees, employee.id);
        if i % 2 == 0 {
            assert_eq!(employee.role, EmployeeUserRole::Unknown("Estimator".into()));
        } else {
            assert!(employee.role.is_unknown(), "an index: {:?}", employee.role);
        }
        assert_eq!(employee.created_on, timestamp(&row["createdOn"]));
        assert_eq!(employee.hourly_rate, decimal(&row["hourlyRate"]));
    }
}

#[tokio::test]
async fn jpm_jobs_decode_with_drift() {
    let h = Harness::start_with(MockServer::builder().drift(Drift::all())).await;

    let wire = raw(&h, "/jpm/v2", "/jobs?pageSize=1").await;
    assert!(wire["data"][0]["integrationFlags"].is_object());
    assert!(
        !wire["data"][0]["createdOn"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );

    let jobs: Vec<_> =
        h.st.jpm()
            .jobs_get_list()
            .page_size(250)
            .stream()
            .try_collect()
            .await
            .unwrap();

    assert_eq!(jobs.len(), h.mock.ids(Resource::Jobs).len());
    for job in &jobs {
        let row = h.record(Resource::Jobs, job.id);
        assert_eq!(job.job_number, row["jobNumber"].as_str().unwrap());
        assert_eq!(job.created_on, timestamp(&row["createdOn"]));
        assert_eq!(
            job.completed_on,
            row["completedOn"].as_str().map(|t| t.parse().unwrap())
        );
        assert_eq!(
            job.total,
            row["total"].as_f64().map(|_| decimal(&row["total"]))
        );
    }
}

#[tokio::test]
async fn accounting_invoices_decode_with_drift() {
    let h = Harness::start_with(MockServer::builder().drift(Drift::all())).await;

    let wire = raw(&h, "/accounting/v2", "/invoices?pageSize=2").await;
    assert_eq!(wire["data"][0]["sentStatus"], "Bounced");
    assert!(wire["data"][1]["sentStatus"].is_u64());

    let page =
        h.st.accounting()
            .invoices_get_list()
            .page_size(100)
            .send()
            .await
            .unwrap()
            .into_inner();

    assert_eq!(page.data.len(), 100);
    for (i, invoice) in page.data.iter().enumerate() {
        let row = h.record(Resource::Invoices, invoice.id);
        if i % 2 == 0 {
            assert_eq!(invoice.sent_status.as_str(), "Bounced");
        }
        assert!(invoice.sent_status.is_unknown());
        // The spec declares invoice amounts as strings; they stay exact.
        assert_eq!(invoice.total.as_deref(), row["total"].as_str());
        assert_eq!(invoice.created_on, timestamp(&row["createdOn"]));
        assert_eq!(invoice.items.len(), row["items"].as_array().unwrap().len());
    }
}
