//! List, get-by-id and export feed of every seeded resource.

use std::borrow::Cow;

use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{Shr, decode_token, encode_token, json, json_bytes, parse_id};
use crate::data::synthetic::synthetic_customer;
use crate::data::time::parse_timestamp;
use crate::data::{Record, Resource};
use crate::fault::lock;
use crate::problem::Problem;
use crate::query::{MAX_PAGE_SIZE, Query};

/// A filter on one JSON field (a JSON pointer into the row).
enum Filter {
    Contains(&'static str, String),
    Int(&'static str, i64),
    Text(&'static str, String),
}

impl Filter {
    fn accepts(&self, row: &Value) -> bool {
        match self {
            Filter::Contains(p, s) => row
                .pointer(p)
                .and_then(Value::as_str)
                .is_some_and(|v| v.to_lowercase().contains(&s.to_lowercase())),
            Filter::Int(p, n) => row.pointer(p).and_then(Value::as_i64) == Some(*n),
            Filter::Text(p, s) => row
                .pointer(p)
                .and_then(Value::as_str)
                .is_some_and(|v| v.eq_ignore_ascii_case(s)),
        }
    }
}

/// The filters each list operation documents that are cheap to honour here; the
/// others are accepted and ignored.
fn filters(r: Resource, q: &mut Query) -> Vec<Filter> {
    let mut out = Vec::new();
    let contains: &[(&str, &'static str)] = match r {
        Resource::Employees | Resource::Technicians => &[("name", "/name")],
        Resource::Customers | Resource::Locations => &[
            ("name", "/name"),
            ("street", "/address/street"),
            ("city", "/address/city"),
            ("state", "/address/state"),
            ("zip", "/address/zip"),
        ],
        _ => &[],
    };
    for (param, pointer) in contains {
        if let Some(v) = q.text(param) {
            out.push(Filter::Contains(pointer, v.to_string()));
        }
    }
    let text: &[(&str, &'static str)] = match r {
        Resource::Employees => &[("email", "/email")],
        Resource::Jobs => &[
            ("jobStatus", "/jobStatus"),
            ("number", "/jobNumber"),
            ("priority", "/priority"),
        ],
        Resource::Invoices => &[("number", "/referenceNumber"), ("jobNumber", "/job/number")],
        _ => &[],
    };
    for (param, pointer) in text {
        if let Some(v) = q.text(param) {
            out.push(Filter::Text(pointer, v.to_string()));
        }
    }
    let ints: &[(&str, &'static str)] = match r {
        Resource::Locations => &[("customerId", "/customerId")],
        Resource::Jobs => &[
            ("customerId", "/customerId"),
            ("locationId", "/locationId"),
            ("businessUnitId", "/businessUnitId"),
            ("jobTypeId", "/jobTypeId"),
            ("campaignId", "/campaignId"),
            ("soldById", "/soldById"),
            ("invoiceId", "/invoiceId"),
        ],
        Resource::Invoices => &[
            ("customerId", "/customer/id"),
            ("jobId", "/job/id"),
            ("businessUnitId", "/businessUnit/id"),
        ],
        _ => &[],
    };
    for (param, pointer) in ints {
        if let Some(v) = q.int(param) {
            out.push(Filter::Int(pointer, v));
        }
    }
    out
}

/// `Some(true)`: active only; `Some(false)`: inactive only; `None`: any.
fn active_filter(r: Resource, q: &mut Query) -> Option<bool> {
    match r {
        // Jobs_GetList has no active filter.
        Resource::Jobs => None,
        // Invoices_GetList spells it `activeState=ActiveOnly|InactiveOnly|All`.
        Resource::Invoices => match q
            .text("activeState")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("activeonly") => Some(true),
            Some("inactiveonly") => Some(false),
            Some("all") => None,
            Some(v) => {
                let v = v.to_string();
                q.error(
                    "activeState",
                    format!(
                        "The value '{v}' is not valid. Values: [ActiveOnly, InactiveOnly, All]"
                    ),
                );
                None
            }
        },
        // `ActiveRequestArg`: True (default), Any, False.
        _ => match q.text("active").map(str::to_ascii_lowercase).as_deref() {
            None | Some("true") => Some(true),
            Some("false") => Some(false),
            Some("any") => None,
            Some(v) => {
                let v = v.to_string();
                q.error(
                    "active",
                    format!("The value '{v}' is not valid. Values: [True, Any, False]"),
                );
                None
            }
        },
    }
}

#[derive(Clone, Copy)]
enum SortKey {
    Id,
    Created,
    Modified,
}

/// `sort=+Field` / `sort=-Field` over Id, CreatedOn, ModifiedOn.
fn sort(q: &mut Query) -> (SortKey, bool) {
    let Some(raw) = q
        .raw("sort")
        .map(str::to_string)
        .filter(|s| !s.trim().is_empty())
    else {
        return (SortKey::Id, false);
    };
    // An unencoded `+` arrives as a space.
    let (desc, field) = match raw.trim_start_matches(' ').chars().next() {
        Some('-') => (true, &raw.trim_start()[1..]),
        Some('+') => (false, &raw.trim_start()[1..]),
        _ => (false, raw.trim()),
    };
    let key = match field.to_ascii_lowercase().as_str() {
        "id" => SortKey::Id,
        "createdon" => SortKey::Created,
        "modifiedon" => SortKey::Modified,
        _ => {
            q.error("sort", format!("Sorting by '{field}' is not supported. Available fields are: Id, ModifiedOn, CreatedOn."));
            SortKey::Id
        }
    };
    (key, desc)
}

pub(super) async fn list(
    r: Resource,
    shared: Shr,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let mut q = Query::parse(raw.as_deref())?;
    let paging = q.paging(50, MAX_PAGE_SIZE);
    let active = active_filter(r, &mut q);
    let ids = q.ids("ids");
    let created_before = q.timestamp("createdBefore");
    let created_from = q.timestamp("createdOnOrAfter");
    let modified_before = q.timestamp("modifiedBefore");
    let modified_from = q.timestamp("modifiedOnOrAfter");
    let (key, desc) = sort(&mut q);
    let filters = filters(r, &mut q);
    q.finish()?;

    let store = lock(&shared.store);
    let mut rows: Vec<&Record> = store
        .table(r)
        .iter()
        .filter(|rec| active.is_none_or(|a| rec.active == a))
        .filter(|rec| ids.as_ref().is_none_or(|ids| ids.contains(&rec.id)))
        .filter(|rec| created_before.is_none_or(|t| rec.created < t))
        .filter(|rec| created_from.is_none_or(|t| rec.created >= t))
        .filter(|rec| modified_before.is_none_or(|t| rec.modified < t))
        .filter(|rec| modified_from.is_none_or(|t| rec.modified >= t))
        .filter(|rec| filters.iter().all(|f| f.accepts(&rec.body)))
        .collect();
    match key {
        SortKey::Id => {}
        SortKey::Created => rows.sort_by_key(|rec| (rec.created, rec.id)),
        SortKey::Modified => rows.sort_by_key(|rec| (rec.modified, rec.id)),
    }
    if desc {
        rows.reverse();
    }
    let total = rows.len();
    let page: Vec<&Value> = rows
        .into_iter()
        .skip(paging.offset())
        .take(paging.page_size)
        .map(|rec| &*rec.body)
        .collect();
    Ok(json_bytes(
        StatusCode::OK,
        paging.envelope_bytes(total, &page),
    ))
}

pub(super) async fn get_one(
    r: Resource,
    shared: Shr,
    Path((_tenant, id)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let id = parse_id("id", &id)?;
    let store = lock(&shared.store);
    match store.table(r).get(id) {
        Some(rec) => Ok(json(StatusCode::OK, &rec.body)),
        None => Err(not_found(r, id)),
    }
}

pub(crate) fn not_found(r: Resource, id: i64) -> Problem {
    let mut p = Problem::not_found(format!("{} not found", r.entity()));
    p.errors.insert(
        "id".into(),
        vec![format!("{} with ID {id} was not found.", r.entity())],
    );
    p
}

/// Where an export request starts.
enum From {
    /// After this change-feed position (0 = the beginning).
    After(u64),
    /// At the first change on or after this time.
    Since(DateTime<Utc>),
}

fn export_start(r: Resource, q: &mut Query, kind: &str) -> From {
    let Some(from) = q.text("from").map(str::to_string) else {
        return From::After(0);
    };
    if let Some((k, pos)) = decode_token(&from) {
        if k == kind {
            return From::After(pos);
        }
        q.error(
            "from",
            format!(
                "The continuation token belongs to another export feed, not {}.",
                r.name()
            ),
        );
        return From::After(0);
    }
    match parse_timestamp(&from) {
        Some(t) => From::Since(t),
        None => {
            q.error(
                "from",
                format!("'{from}' is neither a continuation token nor a date."),
            );
            From::After(0)
        }
    }
}

/// `ExportResponse_Of_*`: `{hasMore, continueFrom, data}`.
///
/// The feed is ordered by change: a row created or updated after the start appears
/// again at the end, and `continueFrom` on the last page (`hasMore: false`) is where
/// later changes will be delivered from, as with ServiceTitan. Inactive rows are
/// included (that is how a feed reports deletions).
pub(super) async fn export(
    r: Resource,
    shared: Shr,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let mut q = Query::parse(raw.as_deref())?;
    // Accepted, no effect: this feed has no lag for "recent changes" to skip.
    let _include_recent_changes = q.bool("includeRecentChanges");
    let synthetic = if r == Resource::Customers {
        shared.config.export_rows
    } else {
        None
    };
    let kind = if synthetic.is_some() {
        "synthetic-customers"
    } else {
        r.name()
    };
    let start = export_start(r, &mut q, kind);
    q.finish()?;
    let page_size = shared.config.export_page_size.max(1);

    if let Some(total) = synthetic {
        // Dates do not order synthetic rows; a date starts from the beginning.
        let first = match start {
            From::After(pos) => pos.min(total),
            From::Since(_) => 0,
        };
        let end = (first + page_size as u64).min(total);
        return Ok(synthetic_page(shared.config.seed, kind, first, end, total));
    }

    let store = lock(&shared.store);
    let table = store.table(r);
    let (after, since) = match start {
        From::After(pos) => (pos, None),
        From::Since(t) => (0, Some(t)),
    };
    let mut rows = table
        .changed_after(after)
        .filter(|rec| since.is_none_or(|t| rec.modified >= t));
    let page: Vec<&Record> = rows.by_ref().take(page_size).collect();
    let has_more = rows.next().is_some();
    let position = match page.last() {
        Some(rec) => rec.seq,
        None if since.is_some() => table
            .changed_after(0)
            .map(|rec| rec.seq)
            .last()
            .unwrap_or(0),
        None => after,
    };
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct ExportPage<'a> {
        has_more: bool,
        continue_from: String,
        data: Vec<Cow<'a, Value>>,
    }
    let data = page.into_iter().map(|rec| export_row(r, rec)).collect();
    let body = ExportPage {
        has_more,
        continue_from: encode_token(kind, position),
        data,
    };
    Ok(json_bytes(
        StatusCode::OK,
        serde_json::to_vec(&body).expect("pages serialise"),
    ))
}

/// Export rows of jobs carry `active`, which list rows of jobs do not.
fn export_row(r: Resource, rec: &Record) -> Cow<'_, Value> {
    let mut body = Cow::Borrowed(&*rec.body);
    if r == Resource::Jobs {
        body.to_mut()["active"] = Value::Bool(rec.active);
    }
    body
}

/// Serialises synthetic rows `first..end` one by one into the response buffer.
fn synthetic_page(seed: u64, kind: &str, first: u64, end: u64, total: u64) -> Response {
    let mut buf = Vec::with_capacity(((end - first) as usize) * 700 + 128);
    buf.extend_from_slice(
        format!(
            "{{\"hasMore\":{},\"continueFrom\":\"{}\",\"data\":[",
            end < total,
            encode_token(kind, end)
        )
        .as_bytes(),
    );
    for i in first..end {
        if i > first {
            buf.push(b',');
        }
        serde_json::to_writer(&mut buf, &synthetic_customer(seed, i)).expect("rows serialise");
    }
    buf.extend_from_slice(b"]}");
    json_bytes(StatusCode::OK, buf)
}
