//! Tests of the generate stage on small hand-written specs.
//!
//! The helpers (short names, enums, lenient types, feed detection) are tested on documents holding
//! only what they look at; `generate::run` and the whole pipeline are tested end to end on a tiny
//! three-operation "widgets" area, with the paging glue compared to a snapshot in
//! `xtask/tests/data/stages/` (rewrite it with `UPDATE_SNAPSHOTS=1 cargo test -p xtask`).

use std::path::PathBuf;

use serde_json::{Value, json};

use super::*;
use crate::report::Report;

fn schemas(names: &[&str]) -> Value {
    let schemas: Map<String, Value> = names
        .iter()
        .map(|n| (n.to_string(), json!({"type": "object"})))
        .collect();
    json!({"components": {"schemas": schemas}})
}

fn schema_names(doc: &Value) -> Vec<String> {
    doc["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

/// Token streams print with spaces between every token; this is that form with runs of
/// whitespace collapsed, for `contains` assertions.
fn flat(tokens: &TokenStream) -> String {
    tokens
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------------
// short_names

#[test]
fn namespaced_name_keeps_only_its_last_segment() {
    let mut doc = schemas(&["Crm.V2.Customers.CustomerResponse", "A.B.Job"]);
    short_names(&mut doc, &mut Report::default()).unwrap();
    assert_eq!(schema_names(&doc), ["CustomerResponse", "Job"]);
}

#[test]
fn paginated_and_export_wrappers_become_page_suffixes() {
    let mut doc = schemas(&[
        "A.B.X",
        "PaginatedResponse_Of_A.B.X",
        "ExportResponse_Of_A.B.X",
        "CollectionResult_Of_A.B.X",
    ]);
    short_names(&mut doc, &mut Report::default()).unwrap();
    assert_eq!(
        schema_names(&doc),
        ["X", "XPage", "XExportPage", "XCollectionResult"]
    );
}

#[test]
fn clashing_short_names_keep_more_namespace_on_both_sides() {
    let mut doc = schemas(&[
        "A.X.Item",
        "B.Y.Item",
        "PaginatedResponse_Of_A.X.Item",
        "PaginatedResponse_Of_B.Y.Item",
        "A.X.Unique",
    ]);
    let mut report = Report::default();
    short_names(&mut doc, &mut report).unwrap();
    assert_eq!(
        schema_names(&doc),
        ["XItem", "YItem", "XItemPage", "YItemPage", "Unique"]
    );
    let text = report.to_markdown("h", "t");
    assert!(
        text.contains("5 schema names shortened (4 kept extra namespace segments"),
        "{text}"
    );
}

#[test]
fn references_follow_the_renamed_schemas() {
    let mut doc = json!({
        "paths": {"/items": {"get": {"responses": {"200": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/PaginatedResponse_Of_A.X.Item"}
        }}}}}}},
        "components": {"schemas": {
            "A.X.Item": {"type": "object", "properties": {
                "owner": {"$ref": "#/components/schemas/A.X.Owner"}
            }},
            "A.X.Owner": {"type": "object"},
            "PaginatedResponse_Of_A.X.Item": {"type": "object", "properties": {
                "data": {"type": "array", "items": {"$ref": "#/components/schemas/A.X.Item"}}
            }}
        }}
    });
    short_names(&mut doc, &mut Report::default()).unwrap();
    assert_eq!(
        doc.pointer("/paths/~1items/get/responses/200/content/application~1json/schema/$ref"),
        Some(&json!("#/components/schemas/ItemPage"))
    );
    let s = &doc["components"]["schemas"];
    assert_eq!(
        s["Item"]["properties"]["owner"]["$ref"],
        "#/components/schemas/Owner"
    );
    assert_eq!(
        s["ItemPage"]["properties"]["data"]["items"]["$ref"],
        "#/components/schemas/Item"
    );
}

#[test]
fn names_that_stay_ambiguous_are_refused() {
    // Same segments up to case: PascalCase makes them identical at every depth.
    let mut doc = schemas(&["A.b.Item", "A.B.Item"]);
    let err = short_names(&mut doc, &mut Report::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("/components/schemas") && err.contains("ambiguous"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Open enums

fn enums_of(schemas: Value) -> Vec<OpenEnum> {
    collect_enums(&json!({"components": {"schemas": schemas}})).unwrap()
}

#[test]
fn string_enum_becomes_an_open_enum_named_by_its_labels() {
    let enums = enums_of(json!({
        "JobStatus": {
            "type": "string",
            "description": "Where a job is",
            "enum": ["Scheduled", "InProgress", "Unknown"],
            "x-enumNames": ["Scheduled", "In Progress", "Unknown"]
        },
        "Widget": {"type": "object"}
    }));
    assert_eq!(enums.len(), 1, "only schemas with `enum`");
    let tokens = flat(&enums[0].tokens());
    assert_eq!(
        tokens,
        r#":: st_core :: open_enum ! { # [doc = "Where a job is"] pub enum JobStatus : string { Scheduled = "Scheduled" , InProgress = "InProgress" , UnknownValue = "Unknown" } }"#
    );
}

#[test]
fn value_named_unknown_becomes_unknown_value_because_unknown_is_the_catch_all() {
    assert_eq!(variant_ident("Unknown"), "UnknownValue");
    assert_eq!(variant_ident("unknown"), "UnknownValue");
    assert_eq!(variant_ident("UnknownCustomer"), "UnknownCustomer");
}

#[test]
fn integer_enum_becomes_an_open_integer_enum() {
    let enums = enums_of(json!({
        "Priority": {"type": "integer", "format": "int32", "enum": [1, 2, 3],
                     "x-enumNames": ["Low", "Normal", "High"]}
    }));
    assert!(enums[0].integer);
    assert_eq!(
        flat(&enums[0].tokens()),
        ":: st_core :: open_enum ! { pub enum Priority : integer { Low = 1 , Normal = 2 , High = 3 } }"
    );
}

#[test]
fn integer_enum_without_names_gets_v_prefixed_variants() {
    let enums = enums_of(json!({"Level": {"type": "integer", "enum": [0, 10]}}));
    let names: Vec<&str> = enums[0].variants.iter().map(|(v, _)| v.as_str()).collect();
    assert_eq!(names, ["V0", "V10"]);
}

#[test]
fn variant_names_are_made_valid_and_unique() {
    let enums = enums_of(json!({
        "Odd": {"type": "string", "enum": ["1st", "self", "a-b", "A B", ""]}
    }));
    let names: Vec<&str> = enums[0].variants.iter().map(|(v, _)| v.as_str()).collect();
    assert_eq!(names, ["V1st", "Self_", "AB", "AB_", "V"]);
}

#[test]
fn enum_value_of_another_type_is_refused_naming_its_pointer() {
    let err = collect_enums(&json!({"components": {"schemas": {
        "Mixed": {"type": "string", "enum": ["a", 2.5]}
    }}}))
    .err()
    .expect("refused")
    .to_string();
    assert!(err.contains("/components/schemas/Mixed/enum/1"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Lenient types

#[test]
fn date_time_and_decimal_map_to_st_core_lenient_types() {
    let mut doc = json!({"components": {"schemas": {"Invoice": {"type": "object", "properties": {
        "createdOn": {"type": "string", "format": "date-time"},
        "total": {"type": "number", "format": "decimal"},
        "day": {"type": "string", "format": "date"},
        "ratio": {"type": "number", "format": "double"},
        "id": {"type": "string", "format": "guid"}
    }}}}});
    map_lenient_types(&mut doc);
    let props = &doc["components"]["schemas"]["Invoice"]["properties"];
    assert_eq!(
        props["createdOn"]["x-rust-type"],
        json!({"crate": "st-core", "version": "*", "path": "st_core::Timestamp"})
    );
    assert_eq!(
        props["total"]["x-rust-type"],
        json!({"crate": "st-core", "version": "*", "path": "st_core::Decimal"})
    );
    for plain in ["day", "ratio", "id"] {
        assert!(props[plain].get("x-rust-type").is_none(), "{plain}");
    }
}

#[test]
fn lenient_types_apply_in_parameters_and_array_items_too() {
    let mut doc = json!({"paths": {"/x": {"get": {"parameters": [
        {"name": "modifiedOnOrAfter", "in": "query", "schema": {"type": "string", "format": "date-time"}}
    ]}}}, "components": {"schemas": {"Prices": {"type": "array", "items": {"type": "number", "format": "decimal"}}}}});
    map_lenient_types(&mut doc);
    assert_eq!(
        doc.pointer("/paths/~1x/get/parameters/0/schema/x-rust-type/path"),
        Some(&json!("st_core::Timestamp"))
    );
    assert_eq!(
        doc.pointer("/components/schemas/Prices/items/x-rust-type/path"),
        Some(&json!("st_core::Decimal"))
    );
}

// ---------------------------------------------------------------------------------------------
// Paged and export feeds

fn query(name: &str, ty: &str) -> Value {
    json!({"name": name, "in": "query", "schema": {"type": ty}})
}

fn ok(schema: Value) -> Value {
    json!({"200": {"description": "", "content": {"application/json": {"schema": schema}}}})
}

/// A normalised document (after `short_names`) with one op of each kind feed detection knows.
fn feeds_doc() -> Value {
    json!({
        "paths": {
            "/widgets": {"get": {
                "operationId": "Widgets_GetList",
                "parameters": [query("page", "integer"), query("pageSize", "integer"), query("name", "string")],
                "responses": ok(json!({"$ref": "#/components/schemas/WidgetPage"}))
            }},
            "/widgets/{id}": {"get": {
                "operationId": "Widgets_Get",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": ok(json!({"$ref": "#/components/schemas/Widget"}))
            }},
            "/export/widgets": {"get": {
                "operationId": "Export_Widgets",
                "parameters": [query("from", "string"), query("includeRecentChanges", "boolean")],
                "responses": ok(json!({"$ref": "#/components/schemas/WidgetExportPage"}))
            }},
            "/widgets/ids": {"get": {
                "operationId": "Widgets_GetIds",
                "parameters": [query("page", "integer"), query("pageSize", "integer")],
                "responses": ok(json!({"type": "object", "properties": {
                    "page": {"type": "integer"}, "pageSize": {"type": "integer"},
                    "hasMore": {"type": "boolean"},
                    "data": {"type": "array", "items": {"type": "integer", "format": "int64"}}
                }}))
            }},
            "/widgets/unpaged": {"get": {
                "operationId": "Widgets_GetUnpaged",
                "parameters": [query("name", "string")],
                "responses": ok(json!({"$ref": "#/components/schemas/WidgetPage"}))
            }}
        },
        "components": {"schemas": {
            "Widget": {"type": "object", "properties": {"id": {"type": "integer"}}},
            "WidgetPage": {"type": "object", "required": ["page", "pageSize", "hasMore", "data"], "properties": {
                "page": {"type": "integer", "format": "int32"},
                "pageSize": {"type": "integer", "format": "int32"},
                "hasMore": {"type": "boolean"},
                "totalCount": {"type": "integer", "format": "int32"},
                "data": {"type": "array", "items": {"$ref": "#/components/schemas/Widget"}}
            }},
            "WidgetExportPage": {"type": "object", "required": ["hasMore", "data"], "properties": {
                "hasMore": {"type": "boolean"},
                "continueFrom": {"type": "string"},
                "data": {"type": "array", "items": {"$ref": "#/components/schemas/Widget"}}
            }}
        }}
    })
}

#[test]
fn list_with_page_query_and_page_shaped_response_is_a_paged_feed() {
    let (paged, _) = find_feeds(&feeds_doc());
    let ids: Vec<&str> = paged.iter().map(|f| f.operation_id.as_str()).collect();
    assert_eq!(
        ids,
        ["Widgets_GetList", "Widgets_GetIds"],
        "a page-shaped body without page/pageSize query parameters is not paged"
    );
    assert_eq!(flat(&paged[0].item), "types :: Widget");
    assert_eq!(flat(&paged[1].item), "i64", "inline scalar items");
    assert_eq!(
        paged[0].optional.iter().collect::<Vec<_>>(),
        ["totalCount"],
        "fields outside `required` are optional in Rust"
    );
}

#[test]
fn op_with_from_query_and_continue_from_response_is_an_export_feed() {
    let (_, exports) = find_feeds(&feeds_doc());
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0].operation_id, "Export_Widgets");
    assert_eq!(flat(&exports[0].item), "types :: Widget");
    assert!(exports[0].optional.contains("continueFrom"));
    assert!(!exports[0].optional.contains("hasMore"));
}

#[test]
fn operations_without_a_page_shaped_json_200_are_no_feed() {
    let (paged, exports) = find_feeds(&feeds_doc());
    let all: Vec<&str> = paged
        .iter()
        .chain(&exports)
        .map(|f| f.operation_id.as_str())
        .collect();
    assert!(!all.contains(&"Widgets_Get"));
    assert!(!all.contains(&"Widgets_GetUnpaged"));
}

// ---------------------------------------------------------------------------------------------
// End to end: a tiny ServiceTitan-like area, as written by ServiceTitan (3.1, namespaced names,
// tenant prefix, nullable unions, `additionalProperties: false`, several media types).

fn widgets_spec() -> Value {
    let tenant = json!({"name": "tenant", "in": "path", "required": true,
                        "schema": {"type": "integer", "format": "int64"}});
    let json_body = |name: &str| {
        let schema = json!({"$ref": format!("#/components/schemas/{name}")});
        json!({"application/json": {"schema": schema.clone()}, "text/json": {"schema": schema}})
    };
    let error = json!({"description": "Bad request", "content": json_body("ApiErrorResponse")});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Widgets", "version": "1.0", "description": "Widgets for tests"},
        "servers": [{"url": "https://api.servicetitan.io/widgets/v2"}],
        "paths": {
            "/tenant/{tenant}/widgets": {"get": {
                "tags": ["Widgets"],
                "operationId": "Widgets_GetList",
                "summary": "Lists widgets",
                "parameters": [
                    tenant,
                    {"name": "page", "in": "query", "schema": {"type": ["integer", "null"], "format": "int32"}},
                    {"name": "pageSize", "in": "query", "schema": {"type": ["integer", "null"], "format": "int32"}},
                    {"name": "includeTotal", "in": "query", "schema": {"type": ["boolean", "null"]}},
                    {"name": "modifiedOnOrAfter", "in": "query", "schema": {"type": ["string", "null"], "format": "date-time"}}
                ],
                "responses": {
                    "200": {"description": "OK", "content": json_body("PaginatedResponse_Of_Shop.V2.WidgetResponse")},
                    "400": error
                }
            }},
            "/tenant/{tenant}/widgets/{id}": {"get": {
                "tags": ["Widgets"],
                "operationId": "Widgets_Get",
                "parameters": [
                    tenant,
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64"}}
                ],
                "responses": {
                    "200": {"description": "OK", "content": json_body("Shop.V2.WidgetResponse")},
                    "404": {"description": "Not found"}
                }
            }},
            "/tenant/{tenant}/export/widgets": {"get": {
                "tags": ["Export"],
                "operationId": "Export_Widgets",
                "parameters": [
                    tenant,
                    {"name": "from", "in": "query", "schema": {"type": ["string", "null"]}},
                    {"name": "includeRecentChanges", "in": "query", "schema": {"type": ["boolean", "null"]}}
                ],
                "responses": {
                    "200": {"description": "OK", "content": json_body("ExportResponse_Of_Shop.V2.ExportWidgetResponse")}
                }
            }}
        },
        "components": {"schemas": {
            "ApiErrorResponse": {"type": "object", "additionalProperties": false, "properties": {
                "type": {"type": ["string", "null"]},
                "title": {"type": ["string", "null"]},
                "status": {"type": "integer", "format": "int32"},
                "traceId": {"type": ["string", "null"]}
            }},
            "Shop.V2.WidgetStatus": {
                "type": "string",
                "description": "Lifecycle of a widget",
                "enum": ["Active", "Retired", "Unknown"],
                "x-enumNames": ["Active", "Retired", "Unknown"]
            },
            "Shop.V2.Priority": {
                "type": "integer", "format": "int32",
                "enum": [1, 2], "x-enumNames": ["Low", "High"]
            },
            "Shop.V2.WidgetResponse": {
                "type": "object", "additionalProperties": false,
                "required": ["id", "name", "status", "createdOn", "price", "notes"],
                "properties": {
                    "id": {"type": "integer", "format": "int64"},
                    "name": {"type": "string"},
                    "status": {"description": "Where the widget is", "oneOf": [{"$ref": "#/components/schemas/Shop.V2.WidgetStatus"}]},
                    "priority": {"oneOf": [{"$ref": "#/components/schemas/Shop.V2.Priority"}, {"type": "null"}]},
                    "createdOn": {"type": "string", "format": "date-time"},
                    "price": {"type": "number", "format": "decimal"},
                    "notes": {"type": ["string", "null"]}
                }
            },
            "Shop.V2.ExportWidgetResponse": {
                "type": "object", "additionalProperties": false,
                "required": ["id", "active"],
                "properties": {
                    "id": {"type": "integer", "format": "int64"},
                    "active": {"type": "boolean"},
                    "modifiedOn": {"type": "string", "format": "date-time"}
                }
            },
            "PaginatedResponse_Of_Shop.V2.WidgetResponse": {
                "type": "object", "additionalProperties": false,
                "required": ["page", "pageSize", "hasMore", "data"],
                "properties": {
                    "page": {"type": "integer", "format": "int32"},
                    "pageSize": {"type": "integer", "format": "int32"},
                    "hasMore": {"type": "boolean"},
                    "totalCount": {"type": ["integer", "null"], "format": "int32"},
                    "data": {"type": "array", "items": {"$ref": "#/components/schemas/Shop.V2.WidgetResponse"}}
                }
            },
            "ExportResponse_Of_Shop.V2.ExportWidgetResponse": {
                "type": "object", "additionalProperties": false,
                "required": ["hasMore", "continueFrom", "data"],
                "properties": {
                    "hasMore": {"type": "boolean"},
                    "continueFrom": {"type": ["string", "null"]},
                    "data": {"type": "array", "items": {"$ref": "#/components/schemas/Shop.V2.ExportWidgetResponse"}}
                }
            }
        }}
    })
}

/// The widgets spec through `normalize` and `validate`, then `generate::run`.
fn generate_widgets() -> (Generated, Report) {
    let mut doc = widgets_spec();
    let mut report = Report::default();
    let layout = crate::normalize::run(&mut doc, &mut report).unwrap();
    crate::normalize::validate(&mut doc).unwrap();
    let generated = run(doc, &layout, &mut report).unwrap();
    (generated, report)
}

#[test]
fn generates_a_tiny_area_with_paging_glue_st_core_types_and_open_enums() {
    let (generated, report) = generate_widgets();
    assert_eq!(generated.operations, 3);
    assert_eq!(generated.paged, ["Widgets_GetList"]);
    assert_eq!(generated.exports, ["Export_Widgets"]);

    let glue = prettyplease::unparse(&generated.glue);
    assert!(
        glue.contains(r#"::st_core::wire_client!(Client, "/widgets/v2");"#),
        "{glue}"
    );
    assert!(
        glue.contains("impl<'a> ::st_core::paging::PagedRequest for builder::WidgetsGetList<'a>"),
        "{glue}"
    );
    assert!(
        glue.contains("type Item = types::WidgetResponse;"),
        "{glue}"
    );
    assert!(
        glue.contains("impl<'a> ::st_core::paging::ExportRequest for builder::ExportWidgets<'a>"),
        "{glue}"
    );

    let types = prettyplease::unparse(&generated.types);
    // prettyplease wraps macro bodies where it likes; compare with whitespace collapsed.
    let types_flat = types.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "pub struct WidgetResponse {",
        "pub struct WidgetResponsePage {",
        "pub struct ExportWidgetResponseExportPage {",
        "::st_core::open_enum! { #[doc = \"Lifecycle of a widget\"] pub enum WidgetStatus : string { \
         Active = \"Active\", Retired = \"Retired\", UnknownValue = \"Unknown\" } }",
        "::st_core::open_enum! { pub enum Priority : integer { Low = 1, High = 2 } }",
        "pub created_on: ::st_core::Timestamp,",
        "pub price: ::st_core::Decimal,",
        "pub status: crate::generated::types::WidgetStatus,",
        // Nullable (and therefore optional) in the 3.1 spec.
        "pub notes: ::std::option::Option<::std::string::String>,",
        "pub priority: ::std::option::Option<crate::generated::types::Priority>,",
        "pub total_count: ::std::option::Option<i32>,",
        "pub continue_from: ::std::option::Option<::std::string::String>,",
    ] {
        assert!(types_flat.contains(expected), "types.rs lacks `{expected}`");
    }
    assert!(
        !types.contains("deny_unknown_fields"),
        "`additionalProperties: false` must not reach typify"
    );
    assert!(
        !types.contains("pub struct ApiErrorResponse"),
        "the error body is st-core's ApiError"
    );
    for namespaced in ["ShopV2", "PaginatedResponseOf", "ExportResponseOf"] {
        assert!(
            !types.contains(namespaced),
            "a long name is left: {namespaced}"
        );
    }

    let client = prettyplease::unparse(&generated.client);
    assert!(
        client.contains("pub fn widgets_get_list(&self)"),
        "{client}"
    );
    assert!(client.contains("pub fn widgets_get(&self)"), "{client}");
    assert!(client.contains("pub fn export_widgets(&self)"), "{client}");
    assert!(
        client.contains("::st_core::Core"),
        "st-core's Core is the inner type"
    );
    assert!(!client.contains("tenant"), "no call takes a tenant");

    let builder = prettyplease::unparse(&generated.builder);
    assert!(builder.contains("pub struct WidgetsGetList<'a>"));
    assert!(
        builder.contains(r#"format!("{}/widgets", client.baseurl,)"#),
        "the path lost its tenant prefix"
    );
    assert!(!builder.contains("tenant"), "no builder takes a tenant");

    let text = report.to_markdown("h", "t");
    assert!(
        text.contains("`Widgets_GetList`: response 200: kept `application/json`"),
        "{text}"
    );
    assert!(text.contains("1 paged list operations"), "{text}");
}

fn snapshot_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/stages")
        .join(name)
}

/// Compares `actual` with the stored snapshot, or rewrites it when `UPDATE_SNAPSHOTS=1`.
fn assert_snapshot(name: &str, actual: &str) {
    let path = snapshot_path(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; create it with UPDATE_SNAPSHOTS=1 cargo test -p xtask",
            path.display()
        )
    });
    if expected != actual {
        let diff = similar::TextDiff::from_lines(expected.as_str(), actual);
        panic!(
            "{} differs from the generated output (UPDATE_SNAPSHOTS=1 cargo test -p xtask rewrites it):\n{}",
            path.display(),
            diff.unified_diff()
                .context_radius(3)
                .header("snapshot", "generated")
        );
    }
}

#[test]
fn widgets_glue_file_matches_snapshot() {
    // Through the pipeline's public entry, so the snapshot is the file `write` would put at
    // crates/servicetitan-widgets/src/generated/glue.rs, header included.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("widgets.json"),
        serde_json::to_vec_pretty(&widgets_spec()).unwrap(),
    )
    .unwrap();
    let output =
        crate::pipeline::area(dir.path(), "widgets", "widgets.json", Some("2026-01-01")).unwrap();
    assert_eq!(output.files.crate_name, "servicetitan-widgets");
    assert_eq!((output.operations, output.paged, output.exports), (3, 1, 1));
    let glue = &output.files.files[&PathBuf::from("src/generated/glue.rs")];
    assert_snapshot("widgets_glue.rs.snap", glue);
}

#[test]
fn generation_is_deterministic() {
    let (a, _) = generate_widgets();
    let (b, _) = generate_widgets();
    for (x, y) in [
        (&a.client, &b.client),
        (&a.types, &b.types),
        (&a.builder, &b.builder),
        (&a.glue, &b.glue),
    ] {
        assert_eq!(prettyplease::unparse(x), prettyplease::unparse(y));
    }
}

#[test]
fn lists_without_paging_fields_are_streamed_until_an_empty_page() {
    let doc = json!({
        "paths": {
            "/bills": {"get": {
                "operationId": "Bills_GetList",
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer"}},
                    {"name": "pageSize", "in": "query", "schema": {"type": "integer"}}
                ],
                "responses": {"200": {"content": {"application/json": {"schema":
                    {"type": "array", "items": {"$ref": "#/components/schemas/Bill"}}}}}}
            }},
            "/segments": {"get": {
                "operationId": "Segments_GetList",
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer"}},
                    {"name": "pageSize", "in": "query", "schema": {"type": "integer"}}
                ],
                "responses": {"200": {"content": {"application/json": {"schema":
                    {"$ref": "#/components/schemas/Segments"}}}}}
            }}
        },
        "components": {"schemas": {
            "Bill": {"type": "object", "properties": {"id": {"type": "integer"}}},
            "Segments": {"type": "object", "required": ["data"], "properties": {
                "data": {"type": "array", "items": {"$ref": "#/components/schemas/Bill"}}}}
        }}
    });
    let (paged, _) = find_feeds(&doc);
    let shapes: Vec<(&str, bool)> = paged
        .iter()
        .map(|f| (f.operation_id.as_str(), f.shape == Shape::BareArray))
        .collect();
    assert_eq!(
        shapes,
        [("Bills_GetList", true), ("Segments_GetList", false)]
    );
    assert!(paged.iter().all(|f| f.shape != Shape::Paged));
    assert_eq!(flat(&paged[0].item), "types :: Bill");
}
