//! Seeded rows for every resource, with the spec's field names and required fields.
//! References between tables (a job's location and customer, an invoice's job) point
//! at rows that exist.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::rng::Rng;
use super::synthetic::{self, Address, Meta, person_name};
use super::time::{between, st_timestamp, window_end};
use super::words::*;
use super::{Record, Resource};
use crate::config::SeedSizes;

pub(crate) struct Seeded {
    pub tables: Vec<Vec<Record>>,
    pub job_notes: HashMap<i64, Vec<Value>>,
}

fn record(id: i64, meta: Meta, body: Value) -> Record {
    Record {
        id,
        seq: 0,
        active: meta.active,
        created: meta.created,
        modified: meta.modified,
        body: Arc::new(body),
    }
}

fn ts(t: DateTime<Utc>) -> Value {
    Value::String(st_timestamp(t))
}

fn money2(x: f64) -> String {
    format!("{x:.2}")
}

fn phone(rng: &mut Rng) -> String {
    format!(
        "{}{:03}{:04}",
        rng.range(201, 989),
        rng.below(1000),
        rng.below(10_000)
    )
}

fn email_local(first: &str, last: &str) -> String {
    format!("{}.{}", first, last)
        .to_lowercase()
        .replace([' ', '\''], "")
}

/// The JSON form of an address (`Crm.V2.Customers.CustomerAddress`).
pub(crate) fn address_json(a: &Address) -> Value {
    serde_json::to_value(a).expect("address serialises")
}

pub(crate) fn seed_all(seed: u64, sizes: &SeedSizes) -> Seeded {
    let employees: Vec<Record> = (0..sizes.employees)
        .map(|i| employee(seed, i, sizes))
        .collect();
    let technicians: Vec<Record> = (0..sizes.technicians)
        .map(|i| technician(seed, i, sizes))
        .collect();
    let customers: Vec<Record> = (0..sizes.customers)
        .map(|i| {
            let id = Resource::Customers.id_of(i);
            let (meta, row) = synthetic::customer(seed, i as u64, id, sizes.employees);
            record(
                id,
                meta,
                serde_json::to_value(row).expect("customer serialises"),
            )
        })
        .collect();
    let locations: Vec<Record> = (0..sizes.locations)
        .map(|i| location(seed, i, &customers, sizes))
        .collect();
    let mut job_notes = HashMap::new();
    let jobs: Vec<Record> = (0..sizes.jobs)
        .map(|i| job(seed, i, &locations, sizes, &mut job_notes))
        .collect();
    let invoices: Vec<Record> = (0..sizes.invoices)
        .map(|i| invoice(seed, i, &jobs, &customers, &locations, sizes))
        .collect();
    Seeded {
        tables: vec![employees, technicians, customers, locations, jobs, invoices],
        job_notes,
    }
}

fn employee_ref(rng: &mut Rng, sizes: &SeedSizes) -> i64 {
    Resource::Employees.id_of(rng.below(sizes.employees.max(1) as u64) as usize)
}

fn employee(seed: u64, i: usize, sizes: &SeedSizes) -> Record {
    let mut rng = Rng::for_row(seed, 1, i as u64);
    let id = Resource::Employees.id_of(i);
    let meta = Meta::draw(&mut rng, 90);
    let (first, last) = person_name(&mut rng);
    let role = rng.pick(&[
        "CSR",
        "CSR",
        "CSR",
        "Dispatch",
        "Dispatch",
        "Accounting",
        "FieldManager",
        "GeneralOffice",
        "SalesManager",
        "Admin",
        "Owner",
    ]);
    let home = Address::draw(&mut rng);
    let start = between(
        &mut rng,
        meta.created - chrono::Duration::days(30),
        meta.created,
    );
    let termination = (!meta.active).then(|| between(&mut rng, meta.created, window_end()));
    let bu = rng.pick(BUSINESS_UNITS).0;
    let manager = (i > 0 && rng.chance(60))
        .then(|| employee_ref(&mut rng, sizes))
        .filter(|m| *m != id);
    let body = json!({
        "id": id,
        "userId": 9_000_000 + id,
        "name": format!("{first} {last}"),
        "firstName": first,
        "lastName": last,
        "managerId": manager,
        "role": role,
        "roleIds": [8_000 + rng.range(1, 12)],
        "businessUnitId": bu,
        "createdOn": ts(meta.created),
        "modifiedOn": ts(meta.modified),
        "email": format!("{}@summit-home-services.com", email_local(first, last)),
        "phoneNumber": phone(&mut rng),
        "loginName": email_local(first, last),
        "active": meta.active,
        "aadUserId": null,
        "accountLocked": !meta.active && rng.chance(50),
        "home": {
            "street": home.street, "unit": home.unit, "country": home.country,
            "city": home.city, "state": home.state, "zip": home.zip,
        },
        "agentId": rng.range(100, 999),
        "startDate": ts(start),
        "terminationDate": termination.map(st_timestamp),
        "hourlyRate": rng.money(18, 45),
        "overtimeProfileId": null,
        "customFields": [],
        "permissions": [{ "id": 101, "value": "true" }, { "id": 102, "value": if role == "Admin" { "true" } else { "false" } }],
    });
    record(id, meta, body)
}

fn technician(seed: u64, i: usize, _sizes: &SeedSizes) -> Record {
    let mut rng = Rng::for_row(seed, 2, i as u64);
    let id = Resource::Technicians.id_of(i);
    let meta = Meta::draw(&mut rng, 90);
    let (first, last) = person_name(&mut rng);
    let home = Address::draw(&mut rng);
    let bu = rng.pick(BUSINESS_UNITS).0;
    let managed = rng.chance(25);
    let skills: Vec<Value> = (0..rng.range(1, 3))
        .map(|_| {
            let (sid, name) = rng.pick(SKILLS);
            json!({ "id": sid, "name": name })
        })
        .collect();
    let position = rng.pick(&[
        "Service",
        "Service",
        "Installer",
        "Sales",
        "Maintenance",
        "Helper",
    ]);
    let start = between(
        &mut rng,
        meta.created - chrono::Duration::days(30),
        meta.created,
    );
    let body = json!({
        "id": id,
        "userId": 9_500_000 + id,
        "name": format!("{first} {last}"),
        "roleIds": [8_020 + rng.range(1, 4)],
        "businessUnitId": bu,
        "mainZoneId": 6_100 + rng.range(1, 8),
        "zoneIds": [6_100 + rng.range(1, 8)],
        "createdOn": ts(meta.created),
        "modifiedOn": ts(meta.modified),
        "email": format!("{}@summit-home-services.com", email_local(first, last)),
        "phoneNumber": phone(&mut rng),
        "loginName": email_local(first, last),
        "home": {
            "street": home.street, "unit": home.unit, "country": home.country,
            "city": home.city, "state": home.state, "zip": home.zip,
            "streetAddress": home.street, "latitude": home.latitude, "longitude": home.longitude,
        },
        "dailyGoal": (rng.range(8, 30) * 100) as f64,
        "isManagedTech": managed,
        "licenseType": if managed { "ManagedTech" } else { "NonManagedTech" },
        "customFields": [],
        "active": meta.active,
        "aadUserId": null,
        "burdenRate": rng.money(4, 15),
        "team": rng.pick(TEAMS),
        "jobFilter": "AllScheduledDispatchedWorking",
        "permissions": [{ "id": 201, "value": "true" }],
        "accountLocked": false,
        "commissionRate": rng.range(0, 12) as f64 / 100.0,
        "currentValue": null,
        "firstName": first,
        "lastName": last,
        "hourlyRate": rng.money(22, 60),
        "jobId": null,
        "mobilePhone": phone(&mut rng),
        "outboundCallerId": null,
        "payrollId": format!("P{:05}", rng.below(100_000)),
        "payrollProfileId": null,
        "appoitmentId": null,
        "shiftStart": "07:00:00",
        "shiftEnd": "16:00:00",
        "soldByRate": rng.range(0, 8) as f64 / 100.0,
        "startDate": ts(start),
        "status": rng.pick(&["Idle", "Idle", "Dispatched", "Working", "Meal"]),
        "skills": skills,
        "positions": [position],
        "location": { "latitude": home.latitude, "longitude": home.longitude, "coordinatesUpdatedOn": ts(meta.modified) },
        "bio": null,
        "memo": null,
    });
    record(id, meta, body)
}

fn location_body(
    id: i64,
    customer_id: i64,
    name: &str,
    address: Value,
    meta: Meta,
    created_by: i64,
    zone: Option<i64>,
) -> Value {
    json!({
        "id": id,
        "customerId": customer_id,
        "active": meta.active,
        "name": name,
        "address": address,
        "customFields": [],
        "createdOn": ts(meta.created),
        "createdById": created_by,
        "modifiedOn": ts(meta.modified),
        "mergedToId": null,
        "zoneId": zone,
        "taxExempt": false,
        "tagTypeIds": [],
        "externalData": [],
        "taxZoneId": null,
    })
}

fn location(seed: u64, i: usize, customers: &[Record], sizes: &SeedSizes) -> Record {
    let mut rng = Rng::for_row(seed, 4, i as u64);
    let id = Resource::Locations.id_of(i);
    let name_of = |c: &Record| c.body["name"].as_str().unwrap_or_default().to_string();
    // The first location of each customer is the customer's own address, created with
    // it; the rest are extra sites (rentals, branches) of some customer, added later.
    let (owner, address, meta, name) = match customers.get(i) {
        Some(c) => {
            let meta = Meta {
                active: c.active,
                created: c.created,
                modified: c.modified,
            };
            (Some(c), c.body["address"].clone(), meta, name_of(c))
        }
        None => {
            let owner = (!customers.is_empty())
                .then(|| &customers[rng.below(customers.len() as u64) as usize]);
            let mut meta = Meta::draw(&mut rng, 95);
            let address = address_json(&Address::draw(&mut rng));
            let name = match owner {
                Some(c) if c.body["type"] == "Commercial" => {
                    format!(
                        "{} - {}",
                        name_of(c),
                        address["street"].as_str().unwrap_or_default()
                    )
                }
                Some(c) => name_of(c),
                None => "Unassigned".to_string(),
            };
            if let Some(c) = owner {
                meta.created = meta.created.max(c.created);
                meta.modified = meta.modified.max(meta.created);
            }
            (owner, address, meta, name)
        }
    };
    let created_by = employee_ref(&mut rng, sizes);
    let zone = Some(6_100 + rng.range(1, 8));
    let customer_id = owner.map_or(0, |c| c.id);
    record(
        id,
        meta,
        location_body(id, customer_id, &name, address, meta, created_by, zone),
    )
}

const JOB_STATUSES: &[&str] = &[
    "Completed",
    "Completed",
    "Completed",
    "Completed",
    "Completed",
    "Completed",
    "Scheduled",
    "Scheduled",
    "Dispatched",
    "InProgress",
    "Hold",
    "Canceled",
];

fn job(
    seed: u64,
    i: usize,
    locations: &[Record],
    sizes: &SeedSizes,
    notes: &mut HashMap<i64, Vec<Value>>,
) -> Record {
    let mut rng = Rng::for_row(seed, 5, i as u64);
    let id = Resource::Jobs.id_of(i);
    let mut meta = Meta::draw(&mut rng, 97);
    let (location_id, customer_id) = if locations.is_empty() {
        (0, 0)
    } else {
        let l = &locations[rng.below(locations.len() as u64) as usize];
        meta.created = meta.created.max(l.created);
        meta.modified = meta.modified.max(meta.created);
        (l.id, l.body["customerId"].as_i64().unwrap_or(0))
    };
    let status = rng.pick(JOB_STATUSES);
    let completed = (status == "Completed").then(|| between(&mut rng, meta.created, meta.modified));
    let appointments = rng.range(1, 3);
    let first_appt = 60_000_000 + id * 4;
    let invoice_id = if i < sizes.invoices {
        Resource::Invoices.id_of(i)
    } else {
        0
    };
    let technician = (sizes.technicians > 0)
        .then(|| Resource::Technicians.id_of(rng.below(sizes.technicians as u64) as usize));
    let total = (status == "Completed").then(|| rng.money(89, 9_500));
    let mut custom_fields = Vec::new();
    if rng.chance(30) {
        custom_fields.push(json!({ "typeId": 7801, "name": "Warranty Registered", "value": if rng.chance(50) { "Yes" } else { "No" } }));
    }
    let body = json!({
        "id": id,
        "jobNumber": id.to_string(),
        "projectId": null,
        "customerId": customer_id,
        "locationId": location_id,
        "jobStatus": status,
        "completedOn": completed.map(st_timestamp),
        "businessUnitId": rng.pick(BUSINESS_UNITS).0,
        "jobTypeId": rng.pick(JOB_TYPE_IDS),
        "priority": rng.pick(&["Normal", "Normal", "Normal", "High", "Low", "Urgent"]),
        "campaignId": rng.pick(CAMPAIGN_IDS),
        "appointmentCount": appointments,
        "firstAppointmentId": first_appt,
        "lastAppointmentId": first_appt + appointments - 1,
        "recallForId": null,
        "warrantyId": null,
        "jobGeneratedLeadSource": null,
        "noCharge": rng.chance(3),
        "notificationsEnabled": rng.chance(85),
        "createdOn": ts(meta.created),
        "createdById": employee_ref(&mut rng, sizes),
        "modifiedOn": ts(meta.modified),
        "tagTypeIds": (0..rng.below(2)).map(|_| rng.pick(TAG_TYPE_IDS)).collect::<Vec<_>>(),
        "leadCallId": null,
        "partnerLeadCallId": null,
        "bookingId": null,
        "soldById": technician,
        "customerPo": "",
        "invoiceId": invoice_id,
        "membershipId": null,
        "total": total,
        "createdFromEstimateId": null,
        "estimateIds": [],
        "equipmentIds": [],
        "isAutoDispatched": false,
        "summary": rng.pick(JOB_SUMMARIES),
        "customFields": custom_fields,
        "externalData": [],
        "summaryOfWork": null,
    });
    let n_notes = rng.below(3);
    if n_notes > 0 {
        let list = (0..n_notes)
            .map(|_| {
                let at = between(&mut rng, meta.created, meta.modified);
                json!({
                    "text": rng.pick(NOTE_TEXTS),
                    "isPinned": rng.chance(10),
                    "createdById": employee_ref(&mut rng, sizes),
                    "createdOn": ts(at),
                    "modifiedOn": ts(at),
                })
            })
            .collect();
        notes.insert(id, list);
    }
    record(id, meta, body)
}

fn named(id: i64, name: Option<&str>) -> Value {
    json!({ "id": id, "name": name })
}

fn invoice(
    seed: u64,
    i: usize,
    jobs: &[Record],
    customers: &[Record],
    locations: &[Record],
    sizes: &SeedSizes,
) -> Record {
    let mut rng = Rng::for_row(seed, 6, i as u64);
    let id = Resource::Invoices.id_of(i);
    let mut meta = Meta::draw(&mut rng, 96);
    let job = jobs.get(i);
    let find = |table: &[Record], resource: Resource, id: i64| -> Option<Value> {
        let start = ((id - resource.id_of(0)) / resource.id_base_and_stride().1) as usize;
        table
            .get(start)
            .filter(|r| r.id == id)
            .map(|r| (*r.body).clone())
    };
    let (customer, location) = match job {
        Some(j) => {
            meta.created = meta.created.max(j.created);
            meta.modified = meta.modified.max(meta.created);
            (
                find(
                    customers,
                    Resource::Customers,
                    j.body["customerId"].as_i64().unwrap_or(0),
                ),
                find(
                    locations,
                    Resource::Locations,
                    j.body["locationId"].as_i64().unwrap_or(0),
                ),
            )
        }
        None if !customers.is_empty() => {
            let c = (*customers[rng.below(customers.len() as u64) as usize].body).clone();
            let l = locations
                .iter()
                .find(|l| l.body["customerId"] == c["id"])
                .map(|l| (*l.body).clone());
            (Some(c), l)
        }
        None => (None, None),
    };
    let configuration = if job.is_some() {
        "JobInvoice"
    } else {
        rng.pick(&["CounterSales", "MembershipInvoice"])
    };
    let invoice_date = between(&mut rng, meta.created, meta.modified);
    let bu = rng.pick(BUSINESS_UNITS);
    let mut subtotal = 0.0;
    let mut taxable_total = 0.0;
    let items: Vec<Value> = (0..rng.range(1, 4))
        .enumerate()
        .map(|(order, _)| {
            let (sku, name, kind, price) = rng.pick(SKUS);
            let qty = if kind == "Material" { rng.range(1, 3) as f64 } else { 1.0 };
            let line = price * qty;
            subtotal += line;
            let taxable = kind == "Material" || kind == "Equipment";
            if taxable {
                taxable_total += line;
            }
            json!({
                "id": 90_000_000 + id * 8 + order as i64,
                "description": name,
                "quantity": format!("{qty:.4}"),
                "cost": money2(price * 0.45),
                "totalCost": money2(price * 0.45 * qty),
                "budgetCodeId": null,
                "inventoryLocationId": null,
                "inventoryLocation": null,
                "price": money2(price),
                "type": kind,
                "skuName": name,
                "skuId": sku,
                "total": money2(line),
                "inventory": kind == "Material",
                "taxable": taxable,
                "isChargeable": true,
                "generalLedgerAccount": { "id": 4000 + order as i64, "name": "Service Income", "number": "4000", "type": "Income", "detailType": "Service/Fee Income" },
                "costOfSaleAccount": null,
                "assetAccount": null,
                "membershipTypeId": 0,
                "itemGroup": null,
                "displayName": name,
                "soldHours": if kind == "Service" { json!(1.5) } else { Value::Null },
                "createdOn": ts(meta.created),
                "modifiedOn": ts(meta.modified),
                "serviceDate": ts(invoice_date),
                "order": order as i64 + 1,
                "businessUnit": named(bu.0, Some(bu.1)),
                "createdById": employee_ref(&mut rng, sizes),
                "displayInAmount": true,
                "importId": null,
                "exportId": null,
                "inventoryStatus": null,
                "addOn": false,
                "memberPrice": money2(price * 0.85),
                "technicianId": null,
                "installedEquipmentId": null,
                "estimateItemId": null,
            })
        })
        .collect();
    let tax = (taxable_total * 0.0825 * 100.0).round() / 100.0;
    let total = subtotal + tax;
    let paid = rng.chance(75);
    let address_of = |v: &Option<Value>| {
        v.as_ref().map(|v| {
            let a = &v["address"];
            json!({ "street": a["street"], "unit": a["unit"], "city": a["city"], "state": a["state"], "zip": a["zip"], "country": a["country"] })
        })
    };
    let body = json!({
        "id": id,
        "syncStatus": rng.pick(&["Pending", "Posted", "Exported"]),
        "budgetCodeId": null,
        "referenceNumber": id.to_string(),
        "invoiceDate": ts(invoice_date),
        "dueDate": ts(invoice_date + chrono::Duration::days(30)),
        "subTotal": money2(subtotal),
        "salesTax": money2(tax),
        "salesTaxCode": { "id": 3_001, "name": "Local 8.25%", "taxRate": 0.0825 },
        "taxZoneId": null,
        "total": money2(total),
        "balance": money2(if paid { 0.0 } else { total }),
        "invoiceType": null,
        "customer": customer.as_ref().map(|c| named(c["id"].as_i64().unwrap_or(0), c["name"].as_str())),
        "customerAddress": address_of(&customer),
        "location": location.as_ref().map(|l| named(l["id"].as_i64().unwrap_or(0), l["name"].as_str())),
        "locationAddress": address_of(&location),
        "businessUnit": named(bu.0, Some(bu.1)),
        "termName": "Due Upon Receipt",
        "createdBy": "system",
        "batch": null,
        "depositedOn": null,
        "createdOn": ts(meta.created),
        "modifiedOn": ts(meta.modified),
        "adjustmentToId": null,
        "job": job.map(|j| json!({ "id": j.id, "number": j.body["jobNumber"], "type": "Service" })),
        "projectId": null,
        "royalty": { "status": "Pending", "date": null, "sentOn": null, "memo": null },
        "employeeInfo": null,
        "commissionEligibilityDate": null,
        "sentStatus": rng.pick(&["NotSent", "Sent", "Sent", "Opened"]),
        "reviewStatus": rng.pick(&["NeedsReview", "Reviewed", "Reviewed", "Invoiced"]),
        "assignedTo": null,
        "summary": job.and_then(|j| j.body["summary"].as_str().map(str::to_string)),
        "items": items,
        "customFields": [],
        "active": meta.active,
        "discountTotal": "0.00",
        "importId": null,
        "exportId": null,
        "materialSkuId": null,
        "membershipId": null,
        "paidOn": paid.then(|| st_timestamp(invoice_date + chrono::Duration::days(rng.range(0, 20)))),
        "invoiceConfiguration": configuration,
    });
    record(id, meta, body)
}

/// Body of a customer created through the API (before its id-dependent parts).
pub(crate) fn new_customer_body(
    id: i64,
    now: DateTime<Utc>,
    created_by: i64,
    fields: &serde_json::Map<String, Value>,
) -> Value {
    let get_bool = |k: &str| fields.get(k).and_then(Value::as_bool).unwrap_or(false);
    json!({
        "id": id,
        "active": true,
        "name": fields["name"],
        "type": fields.get("type").filter(|v| !v.is_null()).cloned().unwrap_or(json!("Residential")),
        "address": fields["address"],
        "customFields": fields.get("customFields").and_then(Value::as_array).map(|a| a.iter().map(|f| json!({ "typeId": f["typeId"], "name": null, "value": f["value"] })).collect::<Vec<_>>()).unwrap_or_default(),
        "balance": 0.0,
        "taxExempt": get_bool("taxExempt"),
        "tagTypeIds": fields.get("tagTypeIds").filter(|v| v.is_array()).cloned().unwrap_or(json!([])),
        "doNotMail": get_bool("doNotMail"),
        "doNotService": get_bool("doNotService"),
        "nationalAccount": get_bool("nationalAccount"),
        "createdOn": ts(now),
        "createdById": created_by,
        "modifiedOn": ts(now),
        "mergedToId": null,
        "paymentTermId": fields.get("paymentTermId").cloned().unwrap_or(Value::Null),
        "creditLimit": fields.get("creditLimit").cloned().unwrap_or(Value::Null),
        "creditLimitBalance": fields.get("creditLimitBalance").cloned().unwrap_or(Value::Null),
        "externalData": fields.get("externalData").and_then(|e| e.get("externalData")).cloned().unwrap_or(json!([])),
    })
}

/// Body of a location created with a new customer.
pub(crate) fn new_location_body(
    id: i64,
    customer_id: i64,
    now: DateTime<Utc>,
    created_by: i64,
    fields: &Value,
) -> Value {
    let meta = Meta {
        active: true,
        created: now,
        modified: now,
    };
    let mut body = location_body(
        id,
        customer_id,
        fields["name"].as_str().unwrap_or(""),
        fields["address"].clone(),
        meta,
        created_by,
        None,
    );
    if let Some(tags) = fields.get("tagTypeIds").filter(|v| v.is_array()) {
        body["tagTypeIds"] = tags.clone();
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeding_is_deterministic_and_consistent() {
        let sizes = SeedSizes::default();
        let a = seed_all(42, &sizes);
        let b = seed_all(42, &sizes);
        assert_eq!(a.tables[2][17].body, b.tables[2][17].body);
        assert_eq!(a.tables[4][33].body, b.tables[4][33].body);
        // every job points at an existing location of the job's customer
        let locations = &a.tables[3];
        for j in &a.tables[4] {
            let l = locations
                .iter()
                .find(|l| l.id == j.body["locationId"].as_i64().unwrap())
                .unwrap();
            assert_eq!(l.body["customerId"], j.body["customerId"]);
        }
        let c = seed_all(43, &sizes);
        assert_ne!(a.tables[2][17].body, c.tables[2][17].body);
    }
}
