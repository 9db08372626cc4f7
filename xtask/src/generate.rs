//! Stage `generate`: progenitor settings, the type mapping onto st-core, short type names, open
//! enums, and the paging/export glue. Input is a normalised document; output is token streams
//! per generated file (formatting and writing are the `write` stage's job).

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, anyhow, bail};
use heck::{ToPascalCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value, json};

use crate::normalize::{Layout, METHODS};
use crate::report::Report;

/// The generated Rust for one area, before formatting.
pub struct Generated {
    /// progenitor's top level: `Client`, its `impl`, hooks assertion.
    pub client: syn::File,
    /// progenitor's `types` module body, plus the open enums.
    pub types: syn::File,
    /// progenitor's `builder` module body.
    pub builder: syn::File,
    /// st-core wiring and paging/export glue.
    pub glue: syn::File,
    /// Operations in the spec.
    pub operations: usize,
    /// Paged list operations with stream glue.
    pub paged: Vec<String>,
    /// Export operations with export glue.
    pub exports: Vec<String>,
    /// Operations left to hand-written `extras`: operationId → why.
    pub set_aside: BTreeMap<String, String>,
    /// A drifted sample response for the crate's decoding test: (type, JSON, drift applied).
    pub decode_sample: Option<(String, Value, Vec<String>)>,
}

/// Runs the stage on a normalised document.
pub fn run(mut doc: Value, layout: &Layout, report: &mut Report) -> Result<Generated> {
    short_names(&mut doc, report)?;
    map_lenient_types(&mut doc);
    let enums = collect_enums(&doc)?;
    let operations = count_operations(&doc) + layout.set_aside.len();
    let decode_sample = crate::sample::drifted_response(&doc);
    let (paged, exports) = find_feeds(&doc);

    let spec: openapiv3::OpenAPI = serde_json::from_value(doc.clone())
        .map_err(|e| anyhow!("normalised document does not parse as OpenAPI 3.0: {e}"))?;

    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_inner_type(quote!(::st_core::Core))
        .with_hooks(progenitor::HooksMode::Expected)
        .with_map_type("::std::collections::BTreeMap")
        .with_crate("st-core", progenitor::CrateVers::Any, None);
    for e in &enums {
        settings.with_replacement(
            &e.name,
            format!("crate::generated::types::{}", e.name),
            [progenitor::TypeImpl::Display, progenitor::TypeImpl::FromStr].into_iter(),
        );
    }
    let has_api_error = doc
        .pointer("/components/schemas/ApiErrorResponse")
        .is_some();
    if has_api_error {
        settings.with_replacement(
            "ApiErrorResponse",
            "::st_core::ApiError",
            std::iter::empty(),
        );
    }

    let tokens = run_progenitor(&settings, &spec)?;
    let file: syn::File = syn::parse2(tokens).context("progenitor output does not parse")?;
    let (client, types, builder) = split_modules(file)?;
    let mut types = types;
    types.items.extend(
        enums
            .iter()
            .map(|e| syn::parse2(e.tokens()).expect("open_enum! invocation parses")),
    );

    let builder_names: BTreeSet<String> = builder
        .items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    let glue = glue(layout, &paged, &exports, &builder_names, report)?;

    Ok(Generated {
        client,
        types,
        builder,
        glue,
        operations,
        paged: paged.iter().map(|f| f.operation_id.clone()).collect(),
        exports: exports.iter().map(|f| f.operation_id.clone()).collect(),
        set_aside: layout.set_aside.clone(),
        decode_sample,
    })
}

fn run_progenitor(
    settings: &progenitor::GenerationSettings,
    spec: &openapiv3::OpenAPI,
) -> Result<TokenStream> {
    // Validation should make progenitor's asserts unreachable; if one still fires, it must come
    // out as our error naming the area, not as a panic of the whole pipeline.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut generator = progenitor::Generator::new(settings);
        generator.generate_tokens(spec)
    }));
    std::panic::set_hook(previous);
    match result {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(anyhow!("progenitor refused the normalised spec: {e}")),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(anyhow!(
                "progenitor panicked on the normalised spec (a validation gap): {msg}"
            ))
        }
    }
}

/// Splits progenitor's single file into the top level, `mod types` and `mod builder` bodies.
fn split_modules(file: syn::File) -> Result<(syn::File, syn::File, syn::File)> {
    let mut top = Vec::new();
    let (mut types, mut builder) = (None, None);
    for item in file.items {
        match item {
            syn::Item::Mod(m) if m.ident == "types" => types = m.content.map(|(_, items)| items),
            syn::Item::Mod(m) if m.ident == "builder" => {
                builder = m.content.map(|(_, items)| items)
            }
            other => top.push(other),
        }
    }
    let file = |items| syn::File {
        shebang: None,
        attrs: vec![],
        items,
    };
    Ok((
        file(top),
        file(types.ok_or_else(|| anyhow!("progenitor output has no `mod types`"))?),
        file(builder.ok_or_else(|| anyhow!("progenitor output has no `mod builder`"))?),
    ))
}

fn count_operations(doc: &Value) -> usize {
    doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
        .map(|item| METHODS.iter().filter(|m| item.get(**m).is_some()).count())
        .sum()
}

// ---------------------------------------------------------------------------------------------
// Short type names

/// Candidate Rust name of a component using the last `depth` namespace segments.
fn candidate(name: &str, depth: usize) -> String {
    if let Some((outer, inner)) = name.split_once("_Of_") {
        let suffix = match outer.rsplit('.').next().unwrap_or(outer) {
            "PaginatedResponse" => "Page".to_string(),
            "ExportResponse" => "ExportPage".to_string(),
            other => other.to_pascal_case(),
        };
        return format!("{}{}", candidate(inner, depth), suffix);
    }
    let segments: Vec<&str> = name.split('.').collect();
    let take = depth.min(segments.len());
    segments[segments.len() - take..]
        .iter()
        .map(|s| s.to_pascal_case())
        .collect()
}

/// Stage `short_names`: `Crm.V2.Customers.CustomerResponse` → `CustomerResponse`,
/// `PaginatedResponse_Of_Crm.V2.Customers.CustomerResponse` → `CustomerResponsePage`; where two
/// schemas would share a name, both keep more of their namespace until they differ.
fn short_names(doc: &mut Value, report: &mut Report) -> Result<()> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Ok(());
    };
    let names: Vec<String> = schemas.keys().cloned().collect();
    let mut depth: BTreeMap<&str, usize> = names.iter().map(|n| (n.as_str(), 1)).collect();
    for _ in 0..8 {
        let mut by_candidate: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for n in &names {
            by_candidate
                .entry(candidate(n, depth[n.as_str()]))
                .or_default()
                .push(n);
        }
        let clashes: Vec<&str> = by_candidate
            .values()
            .filter(|v| v.len() > 1)
            .flatten()
            .copied()
            .collect();
        if clashes.is_empty() {
            break;
        }
        for n in clashes {
            *depth.get_mut(n).expect("known name") += 1;
        }
    }
    let renames: BTreeMap<String, String> = names
        .iter()
        .map(|n| (n.clone(), candidate(n, depth[n.as_str()])))
        .collect();
    let unique: BTreeSet<&String> = renames.values().collect();
    if unique.len() != renames.len() {
        bail!("/components/schemas: names stay ambiguous after adding namespace segments");
    }
    let longer = renames
        .iter()
        .filter(|(n, _)| depth[n.as_str()] > 1)
        .count();
    report.note(
        "short_names",
        format!(
            "{} schema names shortened ({} kept extra namespace segments to stay unique)",
            renames.len(),
            longer
        ),
    );

    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("checked above");
    let old = std::mem::take(schemas);
    for (name, schema) in old {
        schemas.insert(renames[&name].clone(), schema);
    }
    rewrite_refs(doc, &|r| {
        r.strip_prefix("#/components/schemas/")
            .and_then(|n| renames.get(n))
            .map(|n| format!("#/components/schemas/{n}"))
    });
    Ok(())
}

fn rewrite_refs(value: &mut Value, f: &dyn Fn(&str) -> Option<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref")
                && let Some(new) = f(r)
            {
                *r = new;
            }
            map.values_mut().for_each(|v| rewrite_refs(v, f));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, f)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Lenient types

fn walk_objects(value: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            map.values_mut().for_each(|v| walk_objects(v, f));
            f(map);
        }
        Value::Array(items) => items.iter_mut().for_each(|v| walk_objects(v, f)),
        _ => {}
    }
}

/// Stage `map_lenient_types`: `date-time` strings become `st_core::Timestamp` (accepts timestamps
/// without an offset and 7-digit fractions) and `decimal` numbers become `st_core::Decimal`
/// (accepts numbers and strings), through typify's `x-rust-type` extension.
fn map_lenient_types(doc: &mut Value) {
    walk_objects(doc, &mut |map| {
        let ty = map.get("type").and_then(Value::as_str);
        let format = map.get("format").and_then(Value::as_str);
        let path = match (ty, format) {
            (Some("string"), Some("date-time")) => "st_core::Timestamp",
            (Some("number"), Some("decimal")) => "st_core::Decimal",
            _ => return,
        };
        map.insert(
            "x-rust-type".into(),
            json!({"crate": "st-core", "version": "*", "path": path}),
        );
    });
}

/// One enum schema, emitted as `st_core::open_enum!`.
struct OpenEnum {
    name: String,
    description: Option<String>,
    integer: bool,
    variants: Vec<(String, Value)>,
}

impl OpenEnum {
    fn tokens(&self) -> TokenStream {
        let name = format_ident!("{}", self.name);
        let doc = self
            .description
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .map(|d| quote!(#[doc = #d]));
        let variants = self.variants.iter().map(|(v, value)| {
            let v = format_ident!("{}", v);
            match value {
                Value::Number(n) => {
                    let n = proc_macro2::Literal::i64_unsuffixed(n.as_i64().unwrap_or_default());
                    quote!(#v = #n)
                }
                other => {
                    let s = other.as_str().unwrap_or_default();
                    quote!(#v = #s)
                }
            }
        });
        let kind = if self.integer {
            quote!(integer)
        } else {
            quote!(string)
        };
        quote! {
            ::st_core::open_enum! {
                #doc
                pub enum #name : #kind { #(#variants),* }
            }
        }
    }
}

fn variant_ident(raw: &str) -> String {
    let mut v = raw.to_pascal_case();
    if v.is_empty() || !v.starts_with(|c: char| c.is_ascii_alphabetic()) {
        v = format!("V{v}");
    }
    // `Unknown(String)` is the open enum's catch-all.
    if v == "Unknown" {
        v = "UnknownValue".into();
    }
    if matches!(v.as_str(), "Self" | "Super" | "Crate") {
        v.push('_');
    }
    v
}

fn collect_enums(doc: &Value) -> Result<Vec<OpenEnum>> {
    let mut out = Vec::new();
    for (name, schema) in doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Some(values) = schema.get("enum").and_then(Value::as_array) else {
            continue;
        };
        let integer = schema.get("type").and_then(Value::as_str) == Some("integer");
        let names = schema.get("x-enumNames").and_then(Value::as_array);
        let mut variants = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, value) in values.iter().enumerate() {
            let label = names
                .and_then(|n| n.get(i))
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| value.as_str().map(str::to_string))
                .unwrap_or_else(|| format!("V{value}"));
            let mut ident = variant_ident(&label);
            while !seen.insert(ident.clone()) {
                ident.push('_');
            }
            if !(value.is_string() || (integer && value.is_i64())) {
                bail!(
                    "/components/schemas/{name}/enum/{i}: value {value} is neither a string nor an integer"
                );
            }
            variants.push((ident, value.clone()));
        }
        out.push(OpenEnum {
            name: name.clone(),
            description: schema
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string),
            integer,
            variants,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Paging and export glue

/// A paged list or export operation and how to read its response.
struct Feed {
    operation_id: String,
    /// How the response carries the page.
    shape: Shape,
    /// Item type of `data`, as a path from the generated module.
    item: TokenStream,
    /// Response fields that are optional in Rust (not `required`).
    optional: BTreeSet<String>,
}

/// How a paged list's response carries its items.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `{page, pageSize, hasMore, totalCount?, data}`.
    Paged,
    /// A bare JSON array of items (the query still takes `page`/`pageSize`).
    BareArray,
    /// `{data}` without paging fields.
    DataOnly,
}

fn schema_for<'a>(doc: &'a Value, schema: &'a Value) -> Option<(&'a Value, Option<String>)> {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/components/schemas/")?;
            Some((
                doc.pointer(&format!(
                    "/components/schemas/{}",
                    crate::normalize::escape_pointer(name)
                ))?,
                Some(name.to_string()),
            ))
        }
        None => Some((schema, None)),
    }
}

fn item_type(items: &Value) -> Option<TokenStream> {
    if let Some(r) = items.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/components/schemas/")?;
        let ident = format_ident!("{}", name.to_pascal_case());
        return Some(quote!(types::#ident));
    }
    if items.get("x-rust-type").is_some() {
        return None;
    }
    match (
        items.get("type").and_then(Value::as_str),
        items.get("format").and_then(Value::as_str),
    ) {
        (Some("integer"), Some("int32")) => Some(quote!(i32)),
        (Some("integer"), _) => Some(quote!(i64)),
        (Some("string"), None) => Some(quote!(::std::string::String)),
        (Some("array"), _) => {
            let inner = item_type(items.get("items")?)?;
            Some(quote!(::std::vec::Vec<#inner>))
        }
        // Report rows: arrays of values of any type.
        (None, None)
            if items
                .as_object()
                .is_some_and(|m| m.keys().all(|k| k == "description")) =>
        {
            Some(quote!(::serde_json::Value))
        }
        _ => None,
    }
}

fn find_feeds(doc: &Value) -> (Vec<Feed>, Vec<Feed>) {
    let (mut paged, mut exports) = (Vec::new(), Vec::new());
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let query: BTreeSet<&str> = op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
                .filter_map(|p| p.get("name").and_then(Value::as_str))
                .collect();
            let Some(body) = op.pointer("/responses/200/content/application~1json/schema") else {
                continue;
            };
            let Some((schema, _)) = schema_for(doc, body) else {
                continue;
            };
            let takes_pages = query.contains("page") && query.contains("pageSize");
            if takes_pages && schema.get("type").and_then(Value::as_str) == Some("array") {
                if let Some(item) = schema.get("items").and_then(item_type) {
                    paged.push(Feed {
                        operation_id: id.to_string(),
                        shape: Shape::BareArray,
                        item,
                        optional: BTreeSet::new(),
                    });
                }
                continue;
            }
            let Some(props) = schema.get("properties").and_then(Value::as_object) else {
                continue;
            };
            let has = |k: &str| props.contains_key(k);
            let Some(item) = props
                .get("data")
                .and_then(|d| d.get("items"))
                .and_then(item_type)
            else {
                continue;
            };
            let required: BTreeSet<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let optional = props
                .keys()
                .filter(|k| !required.contains(k.as_str()))
                .cloned()
                .collect();
            let mut feed = Feed {
                operation_id: id.to_string(),
                shape: Shape::Paged,
                item,
                optional,
            };
            if takes_pages && has("page") && has("pageSize") && has("hasMore") {
                paged.push(feed);
            } else if takes_pages && !has("hasMore") {
                feed.shape = Shape::DataOnly;
                paged.push(feed);
            } else if query.contains("from") && has("hasMore") && has("continueFrom") {
                exports.push(feed);
            }
        }
    }
    (paged, exports)
}

/// Reads a scalar response field into the st-core page type; optional fields fall back to a
/// default (typify makes non-required scalars `Option<T>`; arrays stay `Vec<T>` with `default`).
fn field(
    feed: &Feed,
    json_name: &str,
    rust: &str,
    default: TokenStream,
    widen: bool,
) -> TokenStream {
    let ident = format_ident!("{}", rust);
    match (feed.optional.contains(json_name), widen) {
        (true, true) => quote!(body.#ident.map(i64::from).unwrap_or(#default)),
        (true, false) => quote!(body.#ident.unwrap_or(#default)),
        (false, true) => quote!(i64::from(body.#ident)),
        (false, false) => quote!(body.#ident),
    }
}

fn glue(
    layout: &Layout,
    paged: &[Feed],
    exports: &[Feed],
    builders: &BTreeSet<String>,
    report: &mut Report,
) -> Result<syn::File> {
    let service_path = &layout.service_path;
    let wire = if layout.overrides.is_empty() {
        quote!(::st_core::wire_client!(Client, #service_path);)
    } else {
        let pairs = layout.overrides.iter().map(|(op, (marker, to))| {
            let op = op.to_snake_case();
            quote!(#op => #marker => #to)
        });
        quote!(::st_core::wire_client!(Client, #service_path, overrides { #(#pairs),* });)
    };
    let builder_ident = |id: &str| -> Result<syn::Ident> {
        let name = id.to_pascal_case();
        if !builders.contains(&name) {
            bail!("operation `{id}`: expected progenitor builder `{name}` not found");
        }
        Ok(format_ident!("{}", name))
    };
    let mut impls = Vec::new();
    for feed in paged {
        let b = builder_ident(&feed.operation_id)?;
        let item = &feed.item;
        let fetch = match feed.shape {
            Shape::Paged => {
                let page = field(feed, "page", "page", quote!(0), true);
                let page_size = field(feed, "pageSize", "page_size", quote!(0), true);
                let has_more = field(feed, "hasMore", "has_more", quote!(false), false);
                let total = if feed.optional.contains("totalCount") {
                    quote!(body.total_count.map(i64::from))
                } else {
                    quote!(Some(i64::from(body.total_count)))
                };
                quote! {
                    let body = self.send().await?.into_inner();
                    Ok(::st_core::paging::Page { page: #page, page_size: #page_size, has_more: #has_more, total_count: #total, data: body.data })
                }
            }
            // No paging fields in the response: pages are asked for until one comes back
            // empty (one request more than a `hasMore` flag would need).
            Shape::BareArray | Shape::DataOnly => {
                let data = if feed.shape == Shape::BareArray {
                    quote!(body)
                } else {
                    quote!(body.data)
                };
                quote! {
                    let body = self.send().await?.into_inner();
                    let data = #data;
                    Ok(::st_core::paging::Page { page: 0, page_size: 0, has_more: !data.is_empty(), total_count: None, data })
                }
            }
        };
        impls.push(quote! {
            impl<'a> ::st_core::paging::PagedRequest for builder::#b<'a> {
                type Item = #item;
                fn with_page(self, page: i32) -> Self { self.page(page) }
                async fn fetch_page(self) -> Result<::st_core::paging::Page<#item>, ::st_core::Error> {
                    #fetch
                }
            }
            impl<'a> builder::#b<'a> {
                /// Every item of every page, fetching the next page only when needed.
                pub fn stream(self) -> impl ::futures::Stream<Item = Result<#item, ::st_core::Error>> + Send + Unpin + 'a {
                    ::st_core::paging::items(self)
                }
                /// Whole pages, one request each, lazily.
                pub fn pages(self) -> impl ::futures::Stream<Item = Result<::st_core::paging::Page<#item>, ::st_core::Error>> + Send + Unpin + 'a {
                    ::st_core::paging::pages(self)
                }
            }
        });
    }
    for feed in exports {
        let b = builder_ident(&feed.operation_id)?;
        let item = &feed.item;
        let has_more = field(feed, "hasMore", "has_more", quote!(false), false);
        let continue_from = if feed.optional.contains("continueFrom") {
            quote!(body.continue_from)
        } else {
            quote!(Some(body.continue_from))
        };
        impls.push(quote! {
            impl<'a> ::st_core::paging::ExportRequest for builder::#b<'a> {
                type Item = #item;
                fn with_from(self, from: Option<String>) -> Self {
                    match from { Some(from) => self.from(from), None => self }
                }
                fn with_include_recent_changes(self, include: bool) -> Self { self.include_recent_changes(include) }
                async fn fetch_page(self) -> Result<::st_core::paging::ExportPage<#item>, ::st_core::Error> {
                    let body = self.send().await?.into_inner();
                    Ok(::st_core::paging::ExportPage { has_more: #has_more, continue_from: #continue_from, data: body.data })
                }
            }
            impl<'a> builder::#b<'a> {
                /// The export as a resumable feed: start point, checkpoints, follow mode.
                pub fn export(self) -> ::st_core::paging::Export<Self> {
                    ::st_core::paging::Export::new(self)
                }
            }
        });
    }
    report.note("glue", format!("{} paged list operations get `stream()`/`pages()`; {} export operations get `export()`", paged.len(), exports.len()));
    let tokens = quote! {
        use super::{builder, types, Client};
        #wire
        #(#impls)*
    };
    syn::parse2(tokens).context("glue does not parse")
}

#[cfg(test)]
mod tests;
