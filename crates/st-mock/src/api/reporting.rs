//! Reporting: the report catalog, synchronous report data, and asynchronous data
//! queries (start → 202 with a token → poll until 200 → or cancel).
//!
//! `POST …/reports/{reportId}/data/query` and `/data-queries/{token}` are not in the
//! 2026-05-21 spec; they model the asynchronous variant clients need to handle.

use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Shr, encode_token, json, parse_body, parse_id};
use crate::data::rng::Rng;
use crate::data::time::{between, parse_timestamp, st_timestamp, window_end, window_start};
use crate::fault::lock;
use crate::problem::Problem;
use crate::query::{Paging, Query};

/// Report pages: 1,000 rows by default, at most 25,000 (the spec's bounds).
const DEFAULT_PAGE_SIZE: i64 = 1000;
const MAX_PAGE_SIZE: i64 = 25_000;

const CATEGORIES: &[(&str, &str)] = &[
    ("accounting", "Accounting"),
    ("operations", "Operations"),
    ("technician", "Technician"),
];

struct ReportDef {
    category: &'static str,
    id: i64,
    name: &'static str,
    description: &'static str,
    fields: &'static [(&'static str, &'static str)],
}

const REPORTS: &[ReportDef] = &[
    ReportDef {
        category: "accounting",
        id: 41_001,
        name: "Invoice Summary",
        description: "Invoices with totals and open balances",
        fields: &[
            ("InvoiceId", "Invoice #"),
            ("InvoiceDate", "Invoice Date"),
            ("CustomerName", "Customer Name"),
            ("BusinessUnit", "Business Unit"),
            ("Total", "Total"),
            ("Balance", "Balance"),
        ],
    },
    ReportDef {
        category: "operations",
        id: 42_001,
        name: "Jobs by Campaign",
        description: "Completed jobs and revenue by marketing campaign",
        fields: &[
            ("JobId", "Job #"),
            ("CompletedOn", "Completed On"),
            ("Campaign", "Campaign"),
            ("JobType", "Job Type"),
            ("Revenue", "Revenue"),
        ],
    },
    ReportDef {
        category: "technician",
        id: 43_001,
        name: "Technician Performance",
        description: "Completed jobs, revenue and conversion per technician",
        fields: &[
            ("TechnicianId", "Technician ID"),
            ("Name", "Name"),
            ("CompletedJobs", "Completed Jobs"),
            ("Revenue", "Total Revenue"),
            ("ConversionRate", "Conversion Rate"),
        ],
    },
];

/// Every report takes these parameters (as most real ones do).
const REQUIRED_PARAMETERS: &[&str] = &["From", "To"];

/// An asynchronous query in progress.
#[derive(Debug, Clone)]
pub(crate) struct ReportQuery {
    report: usize,
    paging: Paging,
    polls_left: u32,
}

fn find_report(category: &str, id: i64) -> Result<usize, Problem> {
    if !CATEGORIES.iter().any(|(c, _)| *c == category) {
        return Err(Problem::not_found("There is no such category"));
    }
    REPORTS
        .iter()
        .position(|r| r.category == category && r.id == id)
        .ok_or_else(|| Problem::not_found("There is no such report with the category"))
}

fn paged_list(raw: Option<&str>, items: Vec<Value>) -> Result<Response, Problem> {
    let mut q = Query::parse(raw)?;
    let paging = q.paging(50, crate::query::MAX_PAGE_SIZE);
    q.finish()?;
    let total = items.len();
    let page = items
        .into_iter()
        .skip(paging.offset())
        .take(paging.page_size)
        .collect();
    Ok(json(StatusCode::OK, &paging.envelope(total, page)))
}

/// `GET /reporting/v2/tenant/{tenant}/report-categories`
pub(super) async fn categories(RawQuery(raw): RawQuery) -> Result<Response, Problem> {
    paged_list(
        raw.as_deref(),
        CATEGORIES
            .iter()
            .map(|(id, name)| json!({ "id": id, "name": name }))
            .collect(),
    )
}

/// `GET /reporting/v2/tenant/{tenant}/report-category/{category}/reports`
pub(super) async fn reports(
    Path((_tenant, category)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    if !CATEGORIES.iter().any(|(c, _)| *c == category) {
        return Err(Problem::not_found("There is no such category"));
    }
    let items = REPORTS
        .iter()
        .filter(|r| r.category == category)
        .map(|r| json!({ "id": r.id, "name": r.name, "description": r.description }))
        .collect();
    paged_list(raw.as_deref(), items)
}

/// Validates `{parameters: [{name, value}]}` and the paging query.
fn read_request(raw: Option<&str>, body: &[u8]) -> Result<Paging, Problem> {
    let mut q = Query::parse(raw)?;
    let paging = q.paging(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    q.finish()?;
    let body = parse_body(body)?;
    let Some(params) = body.get("parameters").and_then(Value::as_array) else {
        return Err(Problem::field(
            "parameters",
            "The Parameters field is required.",
        ));
    };
    let mut errors = std::collections::BTreeMap::new();
    for required in REQUIRED_PARAMETERS {
        let value = params.iter().find(|p| {
            p["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(required))
        });
        match value.map(|p| &p["value"]) {
            None | Some(Value::Null) => {
                errors.insert(
                    (*required).to_string(),
                    vec![format!("Parameter '{required}' is required.")],
                );
            }
            Some(v) if v.as_str().and_then(parse_timestamp).is_none() => {
                errors.insert(
                    (*required).to_string(),
                    vec![format!("Parameter '{required}' must be a date.")],
                );
            }
            Some(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(paging)
    } else {
        Err(Problem::validation(errors))
    }
}

/// `Reporting.V2.ReportDataResponse`: rows as arrays in `fields` order.
fn data_page(seed: u64, total: u64, report: usize, paging: Paging) -> Value {
    let def = &REPORTS[report];
    let first = paging.offset() as u64;
    let end = (first + paging.page_size as u64).min(total);
    let rows: Vec<Value> = (first.min(end)..end)
        .map(|i| report_row(seed, report, i))
        .collect();
    let mut body = paging.envelope(total as usize, rows);
    body["fields"] = def
        .fields
        .iter()
        .map(|(name, label)| json!({ "name": name, "label": label }))
        .collect();
    body
}

fn report_row(seed: u64, report: usize, i: u64) -> Value {
    let mut rng = Rng::for_row(seed, 100 + report as u64, i);
    let at = st_timestamp(between(&mut rng, window_start(), window_end()));
    match REPORTS[report].id {
        41_001 => {
            let total = rng.money(90, 6_000);
            json!([
                50_000_000 + i as i64,
                at,
                format!("Customer {}", rng.range(1, 900)),
                "HVAC - Service",
                total,
                if rng.chance(70) { 0.0 } else { total }
            ])
        }
        42_001 => json!([
            40_000_000 + i as i64,
            at,
            format!("Campaign {}", rng.range(1, 12)),
            "Service Call",
            rng.money(89, 9_500)
        ]),
        _ => json!([
            1_400_000 + i as i64,
            format!("Technician {}", i + 1),
            rng.range(0, 60),
            rng.money(0, 95_000),
            rng.range(10, 80) as f64 / 100.0
        ]),
    }
}

/// `POST /reporting/v2/tenant/{tenant}/report-category/{category}/reports/{reportId}/data`
pub(super) async fn data(
    shared: Shr,
    Path((_tenant, category, report_id)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, Problem> {
    let report = find_report(&category, parse_id("reportId", &report_id)?)?;
    let paging = read_request(raw.as_deref(), &body)?;
    Ok(json(
        StatusCode::OK,
        &data_page(
            shared.config.seed,
            shared.config.report_rows,
            report,
            paging,
        ),
    ))
}

/// `POST …/reports/{reportId}/data/query`: 202 `{status: "NotStarted", token}`, or
/// 200 with the data when the simulator is configured with `report_polls = 0`.
pub(super) async fn start_query(
    shared: Shr,
    Path((_tenant, category, report_id)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, Problem> {
    let report = find_report(&category, parse_id("reportId", &report_id)?)?;
    let paging = read_request(raw.as_deref(), &body)?;
    let polls = shared.config.report_polls;
    if polls == 0 {
        return Ok(json(
            StatusCode::OK,
            &data_page(
                shared.config.seed,
                shared.config.report_rows,
                report,
                paging,
            ),
        ));
    }
    let token = encode_token("report-query", rand::random::<u64>() >> 1);
    lock(&shared.reports).insert(
        token.clone(),
        ReportQuery {
            report,
            paging,
            polls_left: polls,
        },
    );
    Ok(json(
        StatusCode::ACCEPTED,
        &json!({ "status": "NotStarted", "token": token }),
    ))
}

/// `GET /reporting/v2/tenant/{tenant}/data-queries/{token}`: 202 `{status: "InProgress"}`
/// for the configured number of polls, then 200 with the data.
pub(super) async fn poll_query(
    shared: Shr,
    Path((_tenant, token)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let query = {
        let mut queries = lock(&shared.reports);
        let q = queries
            .get_mut(&token)
            .ok_or_else(|| Problem::not_found("There is no such data query"))?;
        if q.polls_left > 0 {
            q.polls_left -= 1;
            return Ok(json(
                StatusCode::ACCEPTED,
                &json!({ "status": "InProgress", "token": token }),
            ));
        }
        q.clone()
    };
    Ok(json(
        StatusCode::OK,
        &data_page(
            shared.config.seed,
            shared.config.report_rows,
            query.report,
            query.paging,
        ),
    ))
}

/// `DELETE /reporting/v2/tenant/{tenant}/data-queries/{token}` → 204.
pub(super) async fn cancel_query(
    shared: Shr,
    Path((_tenant, token)): Path<(String, String)>,
) -> Result<Response, Problem> {
    match lock(&shared.reports).remove(&token) {
        Some(_) => {
            shared.report_cancels.fetch_add(1, Ordering::Relaxed);
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        None => Err(Problem::not_found("There is no such data query")),
    }
}
