//! JPM job notes: `Jobs_GetNotes` and `Jobs_CreateNote`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::resources::not_found;
use super::{Shr, json, parse_body, parse_id};
use crate::data::Resource;
use crate::data::time::st_timestamp;
use crate::fault::lock;
use crate::problem::Problem;
use crate::query::{MAX_PAGE_SIZE, Query};

/// `GET /jpm/v2/tenant/{tenant}/jobs/{id}/notes` → `PaginatedResponse_Of_Jpm.V2.NoteResponse`.
pub(super) async fn list_notes(
    shared: Shr,
    Path((_tenant, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let id = parse_id("id", &id)?;
    let mut q = Query::parse(raw.as_deref())?;
    let paging = q.paging(50, MAX_PAGE_SIZE);
    q.finish()?;
    let store = lock(&shared.store);
    if store.table(Resource::Jobs).get(id).is_none() {
        return Err(not_found(Resource::Jobs, id));
    }
    let notes = store
        .job_notes
        .get(&id)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let page: Vec<Value> = notes
        .iter()
        .skip(paging.offset())
        .take(paging.page_size)
        .cloned()
        .collect();
    Ok(json(StatusCode::OK, &paging.envelope(notes.len(), page)))
}

/// `POST /jpm/v2/tenant/{tenant}/jobs/{id}/notes` (`{text, pinToTop}`) → `NoteResponse`.
pub(super) async fn create_note(
    shared: Shr,
    Path((_tenant, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Problem> {
    let id = parse_id("id", &id)?;
    if lock(&shared.store).table(Resource::Jobs).get(id).is_none() {
        return Err(not_found(Resource::Jobs, id));
    }
    let body = parse_body(&body)?;
    let text = body
        .get("text")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or_default();
    if text.is_empty() {
        return Err(Problem::field("text", "The Text field is required."));
    }
    let pin = match body.get("pinToTop") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(Problem::field(
                "pinToTop",
                "The JSON value could not be converted to System.Boolean. Path: $.pinToTop",
            ));
        }
    };
    let mut store = lock(&shared.store);
    let now = st_timestamp(store.table(Resource::Jobs).now());
    let note = json!({
        "text": text,
        "isPinned": pin,
        "createdById": Resource::Employees.id_of(0),
        "createdOn": now,
        "modifiedOn": now,
    });
    let notes = store.job_notes.entry(id).or_default();
    if pin {
        notes.insert(0, note.clone())
    } else {
        notes.push(note.clone())
    }
    Ok(json(StatusCode::OK, &note))
}
