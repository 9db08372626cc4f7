//! CRM writes: `Customers_Create` and `Customers_Update`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::resources::not_found;
use super::{Shr, json, parse_body, parse_id};
use crate::data::{Record, Resource, address_json, new_customer_body, new_location_body};
use crate::fault::lock;
use crate::problem::Problem;

const CUSTOMER_TYPES: &[&str] = &["Residential", "Commercial"];
const CONTACT_TYPES: &[&str] = &["Phone", "Email", "Fax", "MobilePhone"];

/// Collects field errors keyed by JSON path (`locations[0].address.city`).
#[derive(Default)]
struct Errors(BTreeMap<String, Vec<String>>);

impl Errors {
    fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_default().push(message.into());
    }

    fn required_text(&mut self, obj: &Map<String, Value>, path: &str, key: &str, label: &str) {
        match obj.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => {}
            Some(Value::String(_)) | None | Some(Value::Null) => self.add(
                format!("{path}{key}"),
                format!("The {label} field is required."),
            ),
            Some(_) => self.add(
                format!("{path}{key}"),
                format!(
                    "The JSON value could not be converted to System.String. Path: $.{path}{key}"
                ),
            ),
        }
    }

    fn optional(
        &mut self,
        obj: &Map<String, Value>,
        path: &str,
        key: &str,
        ok: fn(&Value) -> bool,
        ty: &str,
    ) {
        if let Some(v) = obj.get(key)
            && !v.is_null()
            && !ok(v)
        {
            self.add(
                format!("{path}{key}"),
                format!("The JSON value could not be converted to {ty}. Path: $.{path}{key}"),
            );
        }
    }

    fn enum_value(
        &mut self,
        obj: &Map<String, Value>,
        path: &str,
        key: &str,
        allowed: &[&str],
        ty: &str,
    ) {
        if let Some(v) = obj.get(key).filter(|v| !v.is_null())
            && !v.as_str().is_some_and(|s| allowed.contains(&s))
        {
            self.add(
                format!("{path}{key}"),
                format!("The JSON value could not be converted to {ty}. Path: $.{path}{key}"),
            );
        }
    }

    fn address(&mut self, value: Option<&Value>, path: &str) {
        match value {
            Some(Value::Object(a)) => {
                let p = format!("{path}.");
                for (key, label) in [
                    ("street", "Street"),
                    ("city", "City"),
                    ("state", "State"),
                    ("zip", "Zip"),
                    ("country", "Country"),
                ] {
                    self.required_text(a, &p, key, label);
                }
                self.optional(a, &p, "unit", Value::is_string, "System.String");
                self.optional(a, &p, "latitude", Value::is_number, "System.Double");
                self.optional(a, &p, "longitude", Value::is_number, "System.Double");
            }
            None | Some(Value::Null) => self.add(path, "The Address field is required."),
            Some(_) => self.add(path, "The JSON value could not be converted to an address."),
        }
    }

    fn contacts(&mut self, value: Option<&Value>, path: &str) {
        match value {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                for (i, c) in items.iter().enumerate() {
                    let p = format!("{path}[{i}].");
                    match c.as_object() {
                        Some(c) => {
                            self.enum_value(c, &p, "type", CONTACT_TYPES, "Crm.V2.ContactType");
                            if c.get("type").is_none_or(Value::is_null) {
                                self.add(format!("{p}type"), "The Type field is required.");
                            }
                            self.required_text(c, &p, "value", "Value");
                        }
                        None => self.add(format!("{path}[{i}]"), "A contact must be an object."),
                    }
                }
            }
            Some(_) => self.add(
                path,
                "The JSON value could not be converted to a list of contacts.",
            ),
        }
    }

    fn finish(self) -> Result<(), Problem> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Problem::validation(self.0))
        }
    }
}

fn is_int_array(v: &Value) -> bool {
    v.as_array().is_some_and(|a| a.iter().all(Value::is_i64))
}

fn is_custom_fields(v: &Value) -> bool {
    v.as_array().is_some_and(|a| {
        a.iter()
            .all(|f| f["typeId"].is_i64() && f["value"].is_string())
    })
}

fn is_external_data(v: &Value) -> bool {
    v.get("applicationGuid").is_some_and(Value::is_string)
        && v.get("externalData")
            .and_then(Value::as_array)
            .is_some_and(|a| {
                a.iter()
                    .all(|e| e["key"].is_string() && e["value"].is_string())
            })
}

fn check_common(errors: &mut Errors, obj: &Map<String, Value>) {
    errors.enum_value(obj, "", "type", CUSTOMER_TYPES, "Crm.V2.CustomerType");
    for key in [
        "doNotMail",
        "doNotService",
        "nationalAccount",
        "taxExempt",
        "active",
    ] {
        errors.optional(obj, "", key, Value::is_boolean, "System.Boolean");
    }
    errors.optional(obj, "", "tagTypeIds", is_int_array, "System.Int64[]");
    errors.optional(
        obj,
        "",
        "customFields",
        is_custom_fields,
        "a list of custom fields {typeId, value}",
    );
    errors.optional(
        obj,
        "",
        "externalData",
        is_external_data,
        "Crm.V2.ExternalDataCreateRequest",
    );
    errors.optional(obj, "", "paymentTermId", Value::is_i64, "System.Int64");
    errors.optional(obj, "", "creditLimit", Value::is_number, "System.Decimal");
    errors.optional(
        obj,
        "",
        "creditLimitBalance",
        Value::is_number,
        "System.Decimal",
    );
}

fn contacts_json(store: &mut crate::data::Store, contacts: Option<&Value>) -> Vec<Value> {
    contacts
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .map(|c| json!({ "id": store.next_contact_id(), "type": c["type"], "value": c["value"], "memo": c.get("memo").cloned().unwrap_or(Value::Null) }))
                .collect()
        })
        .unwrap_or_default()
}

/// `POST /crm/v2/tenant/{tenant}/customers` → `CreatedCustomerResponse` (200).
pub(super) async fn create_customer(shared: Shr, body: Bytes) -> Result<Response, Problem> {
    let body = parse_body(&body)?;
    let Some(obj) = body.as_object() else {
        return Err(Problem::field(
            "$",
            "The JSON value could not be converted to Crm.V2.Customers.CreateCustomerRequest.",
        ));
    };
    let mut errors = Errors::default();
    errors.required_text(obj, "", "name", "Name");
    errors.address(obj.get("address"), "address");
    check_common(&mut errors, obj);
    errors.contacts(obj.get("contacts"), "contacts");
    match obj.get("locations") {
        Some(Value::Array(ls)) if !ls.is_empty() => {
            for (i, l) in ls.iter().enumerate() {
                let p = format!("locations[{i}]");
                match l.as_object() {
                    Some(lo) => {
                        errors.required_text(lo, &format!("{p}."), "name", "Name");
                        errors.address(lo.get("address"), &format!("{p}.address"));
                        errors.contacts(lo.get("contacts"), &format!("{p}.contacts"));
                    }
                    None => errors.add(p, "A location must be an object."),
                }
            }
        }
        Some(Value::Array(_)) => errors.add("locations", "At least one location is required."),
        None | Some(Value::Null) => errors.add("locations", "The Locations field is required."),
        Some(_) => errors.add(
            "locations",
            "The JSON value could not be converted to a list of locations.",
        ),
    }
    errors.finish()?;

    let mut store = lock(&shared.store);
    let created_by = Resource::Employees.id_of(0);
    let customers = store.table_mut(Resource::Customers);
    let now = customers.now();
    let id = customers.allocate_id();
    let mut customer = new_customer_body(id, now, created_by, obj);
    customer["address"] = normalised_address(&obj["address"]);
    store.table_mut(Resource::Customers).insert(Record {
        id,
        seq: 0,
        active: true,
        created: now,
        modified: now,
        body: Arc::new(customer.clone()),
    });
    let mut locations_out = Vec::new();
    for l in obj["locations"].as_array().into_iter().flatten() {
        let lid = store.table_mut(Resource::Locations).allocate_id();
        let mut fields = l.clone();
        fields["address"] = normalised_address(&l["address"]);
        let location = new_location_body(lid, id, now, created_by, &fields);
        store.table_mut(Resource::Locations).insert(Record {
            id: lid,
            seq: 0,
            active: true,
            created: now,
            modified: now,
            body: Arc::new(location.clone()),
        });
        let mut out = location;
        out["contacts"] = Value::Array(contacts_json(&mut store, l.get("contacts")));
        locations_out.push(out);
    }
    let contacts = contacts_json(&mut store, obj.get("contacts"));
    customer["locations"] = Value::Array(locations_out);
    customer["contacts"] = Value::Array(contacts);
    Ok(json(StatusCode::OK, &customer))
}

/// Fills the optional address fields with nulls, as responses carry them.
fn normalised_address(a: &Value) -> Value {
    let mut out = address_json(&crate::data::synthetic::Address {
        street: String::new(),
        unit: None,
        city: "",
        state: "",
        zip: String::new(),
        country: "",
        latitude: None,
        longitude: None,
    });
    if let (Some(out), Some(a)) = (out.as_object_mut(), a.as_object()) {
        for (k, v) in a {
            if out.contains_key(k) {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// `PATCH /crm/v2/tenant/{tenant}/customers/{id}` → `CustomerResponse`.
/// Fields absent from the body are left unchanged; unknown fields are ignored.
pub(super) async fn update_customer(
    shared: Shr,
    Path((_tenant, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Problem> {
    let id = parse_id("id", &id)?;
    if lock(&shared.store)
        .table(Resource::Customers)
        .get(id)
        .is_none()
    {
        return Err(not_found(Resource::Customers, id));
    }
    let body = parse_body(&body)?;
    let Some(obj) = body.as_object() else {
        return Err(Problem::field(
            "$",
            "The JSON value could not be converted to Crm.V2.Customers.UpdateCustomerRequest.",
        ));
    };
    let mut errors = Errors::default();
    if obj.contains_key("name") {
        errors.required_text(obj, "", "name", "Name");
    }
    if obj.contains_key("address") {
        errors.address(obj.get("address"), "address");
    }
    check_common(&mut errors, obj);
    errors.finish()?;

    let mut store = lock(&shared.store);
    store.table_mut(Resource::Customers).update(id, |rec| {
        let row = Arc::make_mut(&mut rec.body)
            .as_object_mut()
            .expect("rows are objects");
        for (key, value) in obj {
            if value.is_null() {
                continue;
            }
            match key.as_str() {
                "name" | "type" | "doNotMail" | "doNotService" | "nationalAccount"
                | "taxExempt" | "tagTypeIds" | "paymentTermId" | "creditLimit"
                | "creditLimitBalance" => {
                    row.insert(key.clone(), value.clone());
                }
                "active" => {
                    rec.active = value.as_bool().unwrap_or(rec.active);
                    row.insert(key.clone(), value.clone());
                }
                "address" => {
                    row.insert(key.clone(), normalised_address(value));
                }
                "customFields" => {
                    let fields: Vec<Value> = value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(
                            |f| json!({ "typeId": f["typeId"], "name": null, "value": f["value"] }),
                        )
                        .collect();
                    row.insert(key.clone(), Value::Array(fields));
                }
                "externalData" => {
                    row.insert(key.clone(), value["externalData"].clone());
                }
                _ => {}
            }
        }
    });
    // The response is the row after the update, with its new `modifiedOn`.
    match store.table(Resource::Customers).get(id) {
        Some(rec) => Ok(json(StatusCode::OK, &rec.body)),
        None => Err(not_found(Resource::Customers, id)),
    }
}
