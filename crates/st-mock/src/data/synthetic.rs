//! Customer rows as typed structs.
//!
//! Customers are the one resource that also backs the large synthetic export feed
//! (`MockConfig::export_rows`): rows there are computed from their index and
//! serialised straight into the response buffer, so a million-row export costs a
//! page of memory at a time. The seeded customers table uses the same generator.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Resource;
use super::rng::Rng;
use super::time::{between, st_timestamp, window_end, window_start};
use super::words::*;

/// Table tag for the customers' RNG streams (shared by seeded and synthetic rows).
pub(crate) const CUSTOMER_STREAM: u64 = 3;

/// Ids of synthetic export rows: far from seeded ids so the two never collide.
pub(crate) const SYNTHETIC_ID_BASE: i64 = 100_000_000;

/// What every generated row carries besides its JSON.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Meta {
    pub active: bool,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
}

impl Meta {
    pub(crate) fn draw(rng: &mut Rng, active_percent: u64) -> Self {
        let created = between(rng, window_start(), window_end());
        let latest = (created + chrono::Duration::days(400)).min(window_end());
        let modified = if rng.chance(30) {
            created
        } else {
            between(rng, created, latest)
        };
        Meta {
            active: rng.chance(active_percent),
            created,
            modified,
        }
    }
}

/// `Crm.V2.Customers.CustomerAddress`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Address {
    pub street: String,
    pub unit: Option<String>,
    pub city: &'static str,
    pub state: &'static str,
    pub zip: String,
    pub country: &'static str,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

impl Address {
    pub(crate) fn draw(rng: &mut Rng) -> Self {
        let (city, state, zip, lat, lon) = rng.pick(CITIES);
        let street = format!(
            "{} {} {}",
            rng.range(100, 24_999),
            rng.pick(STREET_NAMES),
            rng.pick(STREET_SUFFIXES)
        );
        let unit = rng.chance(15).then(|| {
            if rng.chance(50) {
                format!(
                    "Apt {}{}",
                    rng.range(1, 40),
                    ["A", "B", "C", "D"][rng.below(4) as usize]
                )
            } else {
                format!("Suite {}", rng.range(1, 9) * 100)
            }
        });
        let jitter = |rng: &mut Rng| (rng.range(-80_000, 80_000) as f64) / 1_000_000.0;
        let round6 = |x: f64| (x * 1_000_000.0).round() / 1_000_000.0;
        Address {
            street,
            unit,
            city,
            state,
            zip: format!("{zip}{:02}", rng.below(100)),
            country: "USA",
            latitude: Some(round6(lat + jitter(rng))),
            longitude: Some(round6(lon + jitter(rng))),
        }
    }
}

/// `Crm.V2.Customers.CustomFieldModel`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CustomField {
    pub type_id: i64,
    pub name: Option<&'static str>,
    pub value: Option<&'static str>,
}

/// `Crm.V2.ExternalDataModel`
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ExternalData {
    pub key: &'static str,
    pub value: String,
}

/// `Crm.V2.Customers.CustomerResponse` (also `Crm.V2.ExportCustomerResponse`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CustomerRow {
    pub id: i64,
    pub active: bool,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub address: Address,
    pub custom_fields: Vec<CustomField>,
    pub balance: f64,
    pub tax_exempt: bool,
    pub tag_type_ids: Vec<i64>,
    pub do_not_mail: bool,
    pub do_not_service: bool,
    pub national_account: bool,
    pub created_on: String,
    pub created_by_id: i64,
    pub modified_on: String,
    pub merged_to_id: Option<i64>,
    pub payment_term_id: Option<i64>,
    pub credit_limit: Option<f64>,
    pub credit_limit_balance: Option<f64>,
    pub external_data: Vec<ExternalData>,
}

pub(crate) fn person_name(rng: &mut Rng) -> (&'static str, &'static str) {
    (rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES))
}

pub(crate) fn company_name(rng: &mut Rng) -> String {
    let name = format!(
        "{} {} {}",
        rng.pick(COMPANY_WORDS),
        rng.pick(COMPANY_KINDS),
        rng.pick(COMPANY_SUFFIXES)
    );
    name.trim_end().to_string()
}

/// Customer number `index` of the stream; `employees` bounds `createdById`.
pub(crate) fn customer(seed: u64, index: u64, id: i64, employees: usize) -> (Meta, CustomerRow) {
    let mut rng = Rng::for_row(seed, CUSTOMER_STREAM, index);
    let meta = Meta::draw(&mut rng, 92);
    let commercial = rng.chance(20);
    let name = if commercial {
        company_name(&mut rng)
    } else {
        let (first, last) = person_name(&mut rng);
        format!("{first} {last}")
    };
    let address = Address::draw(&mut rng);
    let mut custom_fields = Vec::new();
    if rng.chance(40) {
        let source = rng.pick(&[
            "Google",
            "Yelp",
            "Referral",
            "Truck Wrap",
            "Mailer",
            "Facebook",
        ]);
        custom_fields.push(CustomField {
            type_id: 7701,
            name: Some("Lead Source"),
            value: Some(source),
        });
    }
    let tag_type_ids = (0..rng.below(3)).map(|_| rng.pick(TAG_TYPE_IDS)).collect();
    let balance = if rng.chance(70) {
        0.0
    } else {
        rng.money(15, 2_500)
    };
    let created_by = Resource::Employees.id_of(rng.below(employees.clamp(1, 25) as u64) as usize);
    let credit_limit = (commercial && rng.chance(50)).then(|| (rng.range(5, 50) * 1000) as f64);
    let external_data = if rng.chance(10) {
        vec![ExternalData {
            key: "legacyId",
            value: format!("L-{}", rng.range(10_000, 99_999)),
        }]
    } else {
        Vec::new()
    };
    let row = CustomerRow {
        id,
        active: meta.active,
        name,
        kind: if commercial {
            "Commercial"
        } else {
            "Residential"
        },
        address,
        custom_fields,
        balance,
        tax_exempt: commercial && rng.chance(10),
        tag_type_ids,
        do_not_mail: rng.chance(5),
        do_not_service: rng.chance(2),
        national_account: commercial && rng.chance(5),
        created_on: st_timestamp(meta.created),
        created_by_id: created_by,
        modified_on: st_timestamp(meta.modified),
        merged_to_id: None,
        payment_term_id: commercial.then_some(8801),
        credit_limit,
        credit_limit_balance: credit_limit.map(|l| l - balance),
        external_data,
    };
    (meta, row)
}

/// Row `index` of the synthetic export feed.
pub(crate) fn synthetic_customer(seed: u64, index: u64) -> CustomerRow {
    customer(seed, index, SYNTHETIC_ID_BASE + index as i64, 25).1
}
