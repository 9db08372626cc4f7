//! Creates (POST) and updates (PATCH) through the generated request types.

use serde_json::{Value, json};
use servicetitan::crm::types::{
    ContactType, CreateCustomerRequest, CustomerAddress, CustomerType, NewCustomerContact,
    NewLocation, UpdateCustomerRequest,
};
use servicetitan::jpm::types::JobNoteCreateRequest;
use st_mock::Resource;

use crate::support::Harness;

fn address(street: &str) -> CustomerAddress {
    CustomerAddress {
        street: street.into(),
        unit: Some("Suite 4".into()),
        city: "Tempe".into(),
        state: "AZ".into(),
        zip: "85281".into(),
        country: "USA".into(),
        latitude: Some(33.4255),
        longitude: Some(-111.94),
    }
}

fn body_json(request: &st_mock::RecordedRequest) -> Value {
    serde_json::from_slice(&request.body).expect("a JSON body")
}

#[tokio::test]
async fn creates_a_customer_with_post_and_reads_it_back() {
    let h = Harness::start().await;
    let crm = h.st.crm();
    let request = CreateCustomerRequest {
        name: "Desert Bloom Dental".into(),
        type_: Some(CustomerType::Commercial),
        address: address("100 Mill Ave"),
        contacts: vec![NewCustomerContact {
            type_: ContactType::Email,
            value: "office@desertbloom.example".into(),
            memo: Some("front desk".into()),
        }],
        locations: vec![NewLocation {
            name: "Main office".into(),
            address: address("100 Mill Ave"),
            contacts: vec![NewCustomerContact {
                type_: ContactType::Phone,
                value: "480-555-0100".into(),
                memo: None,
            }],
            coordinates_source: None,
            coordinates_verification_status: None,
            custom_fields: Vec::new(),
            external_data: None,
            tag_type_ids: Vec::new(),
        }],
        credit_limit: None,
        credit_limit_balance: None,
        custom_fields: Vec::new(),
        do_not_mail: Some(true),
        do_not_service: None,
        external_data: None,
        national_account: None,
        payment_term_id: None,
        tag_type_ids: Vec::new(),
        tax_exempt: None,
    };

    let created = crm
        .customers_create()
        .body(request)
        .send()
        .await
        .unwrap()
        .into_inner();

    assert_eq!(created.name, "Desert Bloom Dental");
    assert_eq!(created.type_, CustomerType::Commercial);
    assert!(created.do_not_mail);
    assert_eq!(created.address.street, "100 Mill Ave");
    assert_eq!(created.contacts.len(), 1);
    assert_eq!(created.locations.len(), 1);
    assert_eq!(created.locations[0].name, "Main office");

    // The request ServiceTitan would have seen.
    let post = h.api_requests().pop().unwrap();
    assert_eq!(post.method, "POST");
    assert!(
        post.header("content-type")
            .is_some_and(|ct| ct.starts_with("application/json"))
    );
    assert_eq!(post.header("api-version"), None);
    let sent = body_json(&post);
    assert_eq!(sent["name"], "Desert Bloom Dental");
    assert_eq!(sent["type"], "Commercial");
    assert_eq!(sent["doNotMail"], true);
    assert_eq!(sent["locations"][0]["contacts"][0]["type"], "Phone");
    assert_eq!(sent["address"]["zip"], "85281");

    // Stored, and read back by id.
    assert_eq!(
        h.record(Resource::Customers, created.id)["name"],
        "Desert Bloom Dental"
    );
    let read = crm
        .customers_get()
        .id(created.id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(read.name, created.name);
    assert_eq!(read.created_on, created.created_on);
}

#[tokio::test]
async fn updates_a_customer_with_patch_sending_only_the_fields_set() {
    let h = Harness::start().await;
    let id = h.active_ids(Resource::Customers)[0];
    let before = h.record(Resource::Customers, id);

    let updated =
        h.st.crm()
            .customers_update()
            .id(id)
            .body(UpdateCustomerRequest {
                name: Some("Renamed Customer".into()),
                do_not_service: Some(true),
                ..UpdateCustomerRequest::default()
            })
            .send()
            .await
            .unwrap()
            .into_inner();

    assert_eq!(updated.id, id);
    assert_eq!(updated.name, "Renamed Customer");
    assert!(updated.do_not_service);
    // Fields not sent are left alone.
    assert_eq!(updated.address.street, before["address"]["street"]);

    let patch = h.api_requests().pop().unwrap();
    assert_eq!(patch.method, "PATCH");
    assert_eq!(
        patch.path,
        format!(
            "/crm/v2/tenant/{}/customers/{id}",
            h.mock.credentials().tenant
        )
    );
    assert_eq!(
        body_json(&patch),
        json!({ "name": "Renamed Customer", "doNotService": true })
    );
    assert_eq!(
        h.record(Resource::Customers, id)["name"],
        "Renamed Customer"
    );
}

#[tokio::test]
async fn creates_a_job_note_with_post_and_lists_it() {
    let h = Harness::start().await;
    let job = h.mock.ids(Resource::Jobs)[0];
    let jpm = h.st.jpm();

    let note = jpm
        .jobs_create_note()
        .id(job)
        .body(JobNoteCreateRequest {
            text: "Customer asked for a call before arrival.".into(),
            pin_to_top: Some(true),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(note.text, "Customer asked for a call before arrival.");
    assert!(note.is_pinned);

    let notes = jpm
        .jobs_get_notes()
        .id(job)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        notes.data.first().map(|n| n.text.as_str()),
        Some("Customer asked for a call before arrival.")
    );
}
