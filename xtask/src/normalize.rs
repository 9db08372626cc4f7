//! Stage `normalize`: generic rewrites that every ServiceTitan spec goes through before progenitor
//! sees it. Each rewrite is a named stage operating on the raw JSON document; rewrites that change
//! what an operation looks like to a user are written to the area's report (GENERATION.md).
//!
//! Order matters: 3.1 → 3.0 first (so later stages see one dialect), then wrappers, then paths,
//! media types and response kinds, and validation last (it checks what progenitor will be given).

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Map, Value, json};

use crate::report::Report;

/// What normalisation learned about the document that later stages need.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// Path on the API host up to (not including) `/tenant/{tenant}`, e.g. `/crm/v2`.
    pub service_path: String,
    /// Operations whose own prefix differs from `service_path` (telecom's one v3 call):
    /// operationId → (marker segment kept at the start of its path, e.g. `/v3`; the service path
    /// the request must go to instead, e.g. `/telecom/v3`).
    pub overrides: BTreeMap<String, (String, String)>,
    /// Operations progenitor cannot express, removed from the document: operationId → why. Each
    /// must have a hand-written method in the area crate's `extras` module (`check` verifies it).
    pub set_aside: BTreeMap<String, String>,
}

/// Runs every generic stage in order. `validate` runs separately, after the fixups.
pub fn run(doc: &mut Value, report: &mut Report) -> Result<Layout> {
    downconvert_31(doc, report)?;
    let n = nullable_properties_optional(doc);
    report.note(
        "nullable_properties_optional",
        format!(
            "{n} nullable properties made optional (`Option<T>`: `null` and absent both decode)"
        ),
    );
    let n = unwrap_single_oneof(doc);
    report.note(
        "unwrap_single_oneof",
        format!("{n} one-element `oneOf` wrappers replaced by their reference"),
    );
    let n = drop_additional_properties_false(doc);
    report.note("drop_additional_properties_false", format!("{n} `additionalProperties: false` removed (new response fields must not break decoding)"));
    let layout = hoist_tenant(doc, report)?;
    report.note("hoist_tenant", format!("`/tenant/{{tenant}}` moved into the base URL `{}/tenant/<tenant>`; no call takes a tenant argument", layout.service_path));
    keep_json_media(doc, report);
    let mut layout = layout;
    layout.set_aside = set_aside_unexpressible(doc, report);
    collapse_response_kinds(doc, report);
    Ok(layout)
}

/// The HTTP methods OpenAPI allows under a path item.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn operations_mut(
    doc: &mut Value,
) -> impl Iterator<Item = (String, String, &mut Map<String, Value>)> {
    doc.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.iter_mut())
        .flat_map(|(path, item)| {
            let path = path.clone();
            item.as_object_mut().into_iter().flat_map(move |item| {
                let path = path.clone();
                item.iter_mut()
                    .filter(|(m, _)| METHODS.contains(&m.as_str()))
                    .filter_map(move |(m, op)| {
                        op.as_object_mut().map(|op| (path.clone(), m.clone(), op))
                    })
            })
        })
}

fn op_label(path: &str, method: &str, op: &Map<String, Value>) -> String {
    match op.get("operationId").and_then(Value::as_str) {
        Some(id) => id.to_string(),
        None => format!("{} {}", method.to_uppercase(), path),
    }
}

/// Visits every JSON object in the document, depth first, children before parents.
fn walk_objects(value: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            for child in map.values_mut() {
                walk_objects(child, f);
            }
            f(map);
        }
        Value::Array(items) => items.iter_mut().for_each(|v| walk_objects(v, f)),
        _ => {}
    }
}

/// Visits every JSON object with its JSON pointer, parents before children.
fn find_pointers(value: &Value, at: &mut String, f: &mut dyn FnMut(&str, &Map<String, Value>)) {
    let len = at.len();
    match value {
        Value::Object(map) => {
            f(at, map);
            for (key, child) in map {
                at.push('/');
                at.push_str(&escape_pointer(key));
                find_pointers(child, at, f);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push_str(&format!("/{i}"));
                find_pointers(child, at, f);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

fn is_null_schema(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("null")
        && v.as_object().is_some_and(|m| m.len() == 1)
}

/// Stage `downconvert_31`: OpenAPI 3.1 → 3.0, because progenitor accepts only 3.0.x.
///
/// - `type: [T, "null"]` → `type: T, nullable: true`;
/// - `oneOf: [X, {type: null}]` → `oneOf: [X], nullable: true` (unwrapped later when X is a `$ref`);
/// - a lone `{type: null}` (ServiceTitan's conversion artefact for "any value",
///   e.g. `Reporting.V2.ReportDataParameter.value`) → `{}`;
/// - `examples` arrays (3.1) → dropped; `const` → one-value `enum`; `$schema` → dropped.
fn downconvert_31(doc: &mut Value, report: &mut Report) -> Result<()> {
    let version = match (doc.get("openapi"), doc.get("swagger")) {
        (_, Some(swagger)) => bail!(
            "/swagger: a Swagger {} document; only OpenAPI 3.0.x and 3.1.x are supported",
            swagger.as_str().unwrap_or("2.0")
        ),
        (Some(Value::String(v)), None) => v.clone(),
        (None, None) => bail!("/openapi: missing; not an OpenAPI document"),
        (Some(other), None) => bail!("/openapi: {other} is not a version string"),
    };
    if version.starts_with("3.0.") {
        return Ok(());
    }
    if !version.starts_with("3.1.") {
        bail!("/openapi: unsupported OpenAPI version `{version}` (expected 3.0.x or 3.1.x)");
    }
    // Refused before anything is rewritten: a type array with two non-null types is a union,
    // which 3.0 can only say with `oneOf` and progenitor would turn into an untagged enum.
    let mut unions = Vec::new();
    find_pointers(doc, &mut String::new(), &mut |at, map| {
        if let Some(Value::Array(types)) = map.get("type")
            && types.iter().filter(|t| t.as_str() != Some("null")).count() > 1
        {
            unions.push(format!(
                "{at}/type: {} has several non-null types",
                Value::Array(types.clone())
            ));
        }
    });
    if !unions.is_empty() {
        bail!(
            "OpenAPI 3.1 type arrays with no 3.0 equivalent (add a fixup choosing one type):\n{}",
            unions.join("\n")
        );
    }
    doc["openapi"] = json!("3.0.3");
    walk_objects(doc, &mut |map| {
        if let Some(Value::Array(types)) = map.get("type").cloned() {
            let non_null: Vec<&Value> = types
                .iter()
                .filter(|t| t.as_str() != Some("null"))
                .collect();
            match non_null.as_slice() {
                [] => {
                    map.remove("type");
                }
                [one] => {
                    map.insert("type".into(), (*one).clone());
                    if non_null.len() < types.len() {
                        map.insert("nullable".into(), json!(true));
                    }
                }
                _ => {}
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(alts)) = map.get_mut(key) {
                let before = alts.len();
                alts.retain(|a| !is_null_schema(a));
                if alts.len() < before {
                    map.insert("nullable".into(), json!(true));
                }
            }
        }
        // Keywords only, not properties that happen to carry these names (a property's schema
        // is an object; these keywords' values are not, and 3.0's own `examples` maps stay).
        if matches!(map.get("examples"), Some(Value::Array(_))) {
            map.remove("examples");
        }
        if matches!(map.get("$schema"), Some(Value::String(_))) {
            map.remove("$schema");
        }
        if map.get("const").is_some_and(|c| !c.is_object())
            && let Some(c) = map.remove("const")
        {
            map.insert("enum".into(), json!([c]));
        }
    });
    // Only now, once null alternatives of unions are gone: a lone `{type: null}` means any value.
    walk_objects(doc, &mut |map| {
        if map.get("type").and_then(Value::as_str) == Some("null") {
            map.remove("type");
        }
    });
    report.note(
        "downconvert_31",
        format!(
            "OpenAPI {version} rewritten as 3.0.3 (type arrays and null alternatives → nullable)"
        ),
    );
    Ok(())
}

/// A property schema that admits `null`.
fn is_nullable(schema: &Value) -> bool {
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
}

/// Stage `nullable_properties_optional`: a property that may be `null` becomes optional and
/// loses its `nullable` flag, so the Rust field is `Option<T>` whether the server omits it or
/// sends `null`. Without this, typify would make `required` + `nullable` fields non-optional and
/// `null` would fail to decode.
fn nullable_properties_optional(doc: &mut Value) -> usize {
    let mut count = 0;
    walk_objects(doc, &mut |map| {
        let Some(Value::Object(props)) = map.get_mut("properties") else {
            return;
        };
        let mut nullable = BTreeSet::new();
        for (name, schema) in props.iter_mut() {
            if is_nullable(schema) {
                nullable.insert(name.clone());
                schema.as_object_mut().map(|s| s.remove("nullable"));
                count += 1;
            }
        }
        if let Some(Value::Array(required)) = map.get_mut("required") {
            required.retain(|r| r.as_str().is_none_or(|r| !nullable.contains(r)));
            if required.is_empty() {
                map.remove("required");
            }
        }
    });
    count
}

/// Stage `unwrap_single_oneof`: `oneOf: [{$ref}]` with sibling `description`/`type`/`nullable`
/// is how the specs attach a description to a reference; it is not a union. The reference alone
/// gives the same Rust type without a wrapper enum.
fn unwrap_single_oneof(doc: &mut Value) -> usize {
    let mut count = 0;
    walk_objects(doc, &mut |map| {
        for key in ["oneOf", "anyOf", "allOf"] {
            let single_ref = match map.get(key) {
                Some(Value::Array(alts)) if alts.len() == 1 && alts[0].get("$ref").is_some() => {
                    alts[0]["$ref"].clone()
                }
                _ => continue,
            };
            map.clear();
            map.insert("$ref".into(), single_ref);
            count += 1;
            return;
        }
    });
    count
}

/// Stage `drop_additional_properties_false`: every ServiceTitan object carries
/// `additionalProperties: false`, which typify turns into `deny_unknown_fields`; ServiceTitan adds
/// response fields without notice, so one new field would break decoding.
fn drop_additional_properties_false(doc: &mut Value) -> usize {
    let mut count = 0;
    walk_objects(doc, &mut |map| {
        if map.get("additionalProperties") == Some(&Value::Bool(false)) {
            map.remove("additionalProperties");
            count += 1;
        }
    });
    count
}

/// Stage `hoist_tenant`: every path starts with `[/vN]/tenant/{tenant}`; the tenant belongs to the
/// client (one `Core` per tenant), so the prefix moves into the base URL and no call takes a
/// tenant argument. Telecom's server has no `/v2` and its paths carry `/v2/tenant` and one
/// `/v3/tenant`: the most common prefix becomes the service path and the others are recorded as
/// per-operation overrides.
fn hoist_tenant(doc: &mut Value, report: &mut Report) -> Result<Layout> {
    let server_path = doc
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("/servers/0/url: missing; cannot tell the service path"))?;
    let server_path = server_path
        .split_once("://")
        .map(|(_, rest)| rest.find('/').map(|i| &rest[i..]).unwrap_or(""))
        .unwrap_or(server_path)
        .trim_end_matches('/')
        .to_string();

    let paths = doc
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| anyhow!("/paths: missing"))?;
    let mut prefix_count: BTreeMap<String, usize> = BTreeMap::new();
    let mut split = Vec::new();
    for path in paths.keys() {
        let Some(at) = path.find("/tenant/{tenant}") else {
            bail!(
                "/paths/{}: does not contain /tenant/{{tenant}}",
                escape_pointer(path)
            );
        };
        let (prefix, rest) = (&path[..at], &path[at + "/tenant/{tenant}".len()..]);
        *prefix_count.entry(prefix.to_string()).or_default() += 1;
        split.push((path.clone(), prefix.to_string(), rest.to_string()));
    }
    let main_prefix = prefix_count
        .iter()
        .max_by_key(|(p, n)| (**n, std::cmp::Reverse((*p).clone())))
        .map(|(p, _)| p.clone())
        .unwrap_or_default();

    let mut layout = Layout {
        service_path: format!("{server_path}{main_prefix}"),
        overrides: BTreeMap::new(),
        set_aside: BTreeMap::new(),
    };
    let old = std::mem::take(paths);
    let mut old: Vec<(String, Value)> = old.into_iter().collect();
    for ((_, prefix, rest), (path, mut item)) in split.into_iter().zip(old.drain(..)) {
        // An operation sent elsewhere keeps its own prefix as a marker segment (`/v3/calls`):
        // it keeps the path unique (telecom has `/v2/…/calls` and `/v3/…/calls`) and tells the
        // request hook which part of the URL to rewrite.
        let rest = if prefix == main_prefix {
            rest
        } else {
            format!("{prefix}{rest}")
        };
        let new_path = if rest.is_empty() {
            "/".to_string()
        } else {
            rest
        };
        if let Some(item) = item.as_object_mut() {
            remove_tenant_param(item);
            for method in METHODS {
                if let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) {
                    remove_tenant_param(op);
                    if prefix != main_prefix {
                        let id = op_label(&path, method, op);
                        let to = format!("{server_path}{prefix}");
                        report.change(&id, format!("path prefix `{prefix}/tenant/{{tenant}}` differs from the crate's `{main_prefix}`: sent to `{to}` by a per-operation override"));
                        layout.overrides.insert(id, (prefix.clone(), to));
                    }
                }
            }
        }
        if paths.contains_key(&new_path) {
            bail!(
                "/paths/{}: two paths become `{new_path}` once the tenant prefix is removed",
                escape_pointer(&path)
            );
        }
        paths.insert(new_path, item);
    }
    Ok(layout)
}

fn remove_tenant_param(map: &mut Map<String, Value>) {
    if let Some(Value::Array(params)) = map.get_mut("parameters") {
        params.retain(|p| {
            !(p.get("name").and_then(Value::as_str) == Some("tenant")
                && p.get("in").and_then(Value::as_str) == Some("path"))
        });
        if params.is_empty() {
            map.remove("parameters");
        }
    }
}

/// JSON pointer escaping (RFC 6901) for error messages.
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn is_json_media(media: &str) -> bool {
    let base = media.split(';').next().unwrap_or("").trim();
    base == "application/json" || base.ends_with("+json")
}

/// Stage `keep_json_media`: progenitor panics on a body offered in several media types; the specs
/// list `application/json` beside `text/json`, `application/*+json` and `text/plain` variants.
/// Only `application/json` is kept (reported per operation).
fn keep_json_media(doc: &mut Value, report: &mut Report) {
    let mut changes = Vec::new();
    for (path, method, op) in operations_mut(doc) {
        let id = op_label(&path, &method, op);
        let mut keep_one = |what: String, content: &mut Map<String, Value>| {
            if content.len() > 1 {
                let keep = content
                    .keys()
                    .find(|k| k.as_str() == "application/json")
                    .or_else(|| content.keys().find(|k| is_json_media(k)))
                    .cloned();
                if let Some(keep) = keep {
                    let dropped: Vec<String> =
                        content.keys().filter(|k| **k != keep).cloned().collect();
                    content.retain(|k, _| *k == keep);
                    changes.push((
                        id.clone(),
                        format!("{what}: kept `{keep}`, dropped {}", dropped.join(", ")),
                    ));
                }
            }
        };
        if let Some(body) = op
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content"))
            .and_then(Value::as_object_mut)
        {
            keep_one("request body".into(), body);
        }
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            for (status, resp) in responses.iter_mut() {
                if let Some(c) = resp.get_mut("content").and_then(Value::as_object_mut) {
                    keep_one(format!("response {status}"), c);
                }
            }
        }
    }
    for (id, what) in changes {
        report.change(&id, what);
    }
}

/// Stage `set_aside_unexpressible`: operations whose declared shape would give a wrong or useless
/// generated method are removed and left to hand-written `extras`:
/// - uploads declared as a JSON body with a `format: binary` property (ServiceTitan takes the
///   file as multipart form data; a JSON string would be rejected);
/// - downloads answered with a `302` redirect to the file;
/// - `GET`s whose `200` is declared without any body (the file, or an undocumented JSON list).
fn set_aside_unexpressible(doc: &mut Value, report: &mut Report) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut remove = Vec::new();
    for (path, method, op) in operations_mut(doc) {
        let id = op_label(&path, &method, op);
        let responses = op.get("responses").and_then(Value::as_object);
        let success: Vec<(&String, &Value)> = responses
            .into_iter()
            .flatten()
            .filter(|(c, _)| c.starts_with('2'))
            .collect();
        let body = op
            .get("requestBody")
            .and_then(|b| b.get("content"))
            .map(Value::to_string)
            .unwrap_or_default();
        let reason = if body.contains("\"format\":\"binary\"") {
            Some(
                "upload: the spec declares a JSON body with a binary field; ServiceTitan takes multipart form data",
            )
        } else if responses.is_some_and(|r| r.contains_key("302"))
            && success.iter().all(|(_, r)| response_kind(r) == Kind::Empty)
        {
            Some("download: answered with a 302 redirect to the file")
        } else if method == "get"
            && !success.is_empty()
            && success.iter().all(|(_, r)| response_kind(r) == Kind::Empty)
        {
            Some("GET whose 200 is declared without a body: the response is not described")
        } else {
            None
        };
        if let Some(reason) = reason {
            report.change(
                &id,
                format!("set aside for a hand-written method in `extras` ({reason})"),
            );
            out.insert(id, reason.to_string());
            remove.push((path, method));
        }
    }
    let paths = doc
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .expect("paths checked by hoist_tenant");
    for (path, method) in remove {
        if let Some(item) = paths.get_mut(&path).and_then(Value::as_object_mut) {
            item.remove(&method);
            if !item.keys().any(|k| METHODS.contains(&k.as_str())) {
                paths.remove(&path);
            }
        }
    }
    out
}

/// What progenitor makes of a response: a typed JSON body, no body, or raw bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Json,
    Empty,
    Bytes,
}

fn response_kind(resp: &Value) -> Kind {
    match resp.get("content").and_then(Value::as_object) {
        None => Kind::Empty,
        Some(c) if c.is_empty() => Kind::Empty,
        Some(c) if c.keys().any(|k| is_json_media(k)) => Kind::Json,
        Some(_) => Kind::Bytes,
    }
}

/// Stage `collapse_response_kinds`: progenitor asserts that an operation's success responses (and,
/// separately, its error responses) are all of one kind, and panics otherwise. Mixed kinds seen in
/// the specs: a JSON 200 beside an empty 204 (the 204 is dropped: progenitor then reports it as an
/// unexpected response carrying the status), two JSON successes with different schemas (the first
/// is kept), and a JSON 400 beside an empty 404 (the 404 is declared with the JSON error body
/// ServiceTitan actually sends).
fn collapse_response_kinds(doc: &mut Value, report: &mut Report) {
    let mut changes = Vec::new();
    for (path, method, op) in operations_mut(doc) {
        let id = op_label(&path, &method, op);
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        for success in [true, false] {
            let codes: Vec<String> = responses
                .keys()
                .filter(|c| {
                    c.starts_with('2') == success && c.as_str() != "default" && !c.starts_with('3')
                })
                .cloned()
                .collect();
            let kinds: BTreeSet<Kind> =
                codes.iter().map(|c| response_kind(&responses[c])).collect();
            if kinds.len() > 1 {
                if success {
                    // Keep the data-bearing kind; drop empty alternatives.
                    let keep = *kinds.iter().next().expect("non-empty");
                    for code in &codes {
                        if response_kind(&responses[code]) != keep {
                            responses.remove(code);
                            changes.push((id.clone(), format!("success response {code} (no body) dropped beside a {keep:?} body: it arrives as `Error::UnexpectedResponse` with that status")));
                        }
                    }
                } else {
                    let json_schema = codes
                        .iter()
                        .find(|c| response_kind(&responses[*c]) == Kind::Json)
                        .and_then(|c| responses[c].get("content").cloned());
                    for code in &codes {
                        if response_kind(&responses[code]) != Kind::Json
                            && let (Some(content), Some(resp)) = (
                                json_schema.clone(),
                                responses.get_mut(code).and_then(Value::as_object_mut),
                            )
                        {
                            resp.insert("content".into(), content);
                            changes.push((id.clone(), format!("error response {code} declared without a body: given the JSON error body of the other errors")));
                        }
                    }
                }
            }
            // Two JSON successes with different schemas: progenitor wants one type.
            if success {
                let json_codes: Vec<String> = codes
                    .iter()
                    .filter(|c| {
                        responses
                            .get(*c)
                            .is_some_and(|r| response_kind(r) == Kind::Json)
                    })
                    .cloned()
                    .collect();
                if json_codes.len() > 1 {
                    let schemas: BTreeSet<String> = json_codes
                        .iter()
                        .map(|c| responses[c]["content"].to_string())
                        .collect();
                    if schemas.len() > 1 {
                        for code in &json_codes[1..] {
                            responses.remove(code);
                            changes.push((id.clone(), format!("success response {code} has a different body type than {}: dropped", json_codes[0])));
                        }
                    }
                }
            }
        }
    }
    for (id, what) in changes {
        report.change(&id, what);
    }
}

/// Stage `validate`: everything progenitor would reject or panic on, as our own error naming the
/// JSON pointer: missing or duplicate operationIds, cookie parameters, `deepObject` or other
/// unsupported parameter styles, multipart or unknown media types.
pub fn validate(doc: &mut Value) -> Result<()> {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut problems = Vec::new();
    for (path, method, op) in operations_mut(doc) {
        let at = format!("/paths/{}/{method}", escape_pointer(&path));
        match op.get("operationId").and_then(Value::as_str) {
            None => problems.push(format!("{at}: no operationId")),
            Some(id) => {
                if let Some(first) = seen.insert(id.to_string(), at.clone()) {
                    problems.push(format!("{at}: operationId `{id}` already used at {first}"));
                }
            }
        }
        let mut names = BTreeSet::new();
        for (i, p) in op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("");
            if !names.insert(name.to_string()) {
                problems.push(format!("{at}/parameters/{i}: a second parameter named `{name}` (progenitor needs unique names)"));
            }
            let location = p.get("in").and_then(Value::as_str).unwrap_or("");
            if !["path", "query", "header"].contains(&location) {
                problems.push(format!(
                    "{at}/parameters/{i}: parameters `in: {location}` are not supported"
                ));
            }
            if let Some(style) = p.get("style").and_then(Value::as_str)
                && !["form", "simple"].contains(&style)
            {
                problems.push(format!(
                    "{at}/parameters/{i}: parameter style `{style}` is not supported"
                ));
            }
        }
        let mut media = Vec::new();
        if let Some(c) = op
            .get("requestBody")
            .and_then(|b| b.get("content"))
            .and_then(Value::as_object)
        {
            if c.len() > 1 {
                problems.push(format!(
                    "{at}/requestBody: several media types ({})",
                    c.keys().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
            media.extend(c.keys().map(|k| (format!("{at}/requestBody"), k.clone())));
        }
        for (code, r) in op
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for k in r
                .get("content")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(k, _)| k)
            {
                media.push((format!("{at}/responses/{code}"), k.clone()));
            }
        }
        for (where_, m) in media {
            let known = is_json_media(&m)
                || m == "application/octet-stream"
                || m.starts_with("text/")
                || m.starts_with("image/");
            if !known || m.starts_with("multipart/") {
                problems.push(format!("{where_}: media type `{m}` is not supported"));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(anyhow!(problems.join("\n")))
            .context("the spec has constructs the generator cannot express")
    }
}

#[cfg(test)]
mod tests;
