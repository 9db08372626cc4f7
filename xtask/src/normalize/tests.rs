//! Tests of the normalize stages on small hand-written specs.
//!
//! Each stage is called on its own, on a document holding just what the stage looks at; the
//! refusals are checked for naming the JSON pointer of what they refuse, since that is what a
//! maintainer needs to write a fixup.

use serde_json::{Value, json};

use super::*;
use crate::report::Report;

/// What the stages wrote to GENERATION.md.
fn reported(report: &Report) -> String {
    report.to_markdown("header", "title")
}

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    &doc["components"]["schemas"][name]
}

/// A 3.1 document with `schemas` as its components and no paths.
fn spec31(schemas: Value) -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Test", "version": "1.0"},
        "paths": {},
        "components": {"schemas": schemas}
    })
}

/// A 3.0 document with one path item per `(path, item)` pair, as the stages after `hoist_tenant`
/// see it.
fn spec30(paths: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Test", "version": "1.0"},
        "servers": [{"url": "https://api.servicetitan.io/widgets/v2"}],
        "paths": paths
    })
}

fn error_text(result: Result<impl std::fmt::Debug>) -> String {
    format!("{:#}", result.expect_err("the stage must refuse"))
}

// ---------------------------------------------------------------------------------------------
// downconvert_31

#[test]
fn type_array_with_null_becomes_single_type_marked_nullable() {
    let mut doc = spec31(json!({
        "Widget": {"type": "object", "properties": {
            "name": {"type": ["string", "null"]},
            "count": {"type": ["integer"], "format": "int32"}
        }}
    }));
    downconvert_31(&mut doc, &mut Report::default()).unwrap();
    let props = &schema(&doc, "Widget")["properties"];
    assert_eq!(props["name"], json!({"type": "string", "nullable": true}));
    assert_eq!(
        props["count"],
        json!({"type": "integer", "format": "int32"}),
        "a type array without null is not nullable"
    );
    assert_eq!(doc["openapi"], "3.0.3");
}

#[test]
fn oneof_of_ref_and_null_becomes_the_ref_and_an_optional_field() {
    let mut doc = spec31(json!({
        "Widget": {"type": "object", "required": ["owner", "id"], "properties": {
            "id": {"type": "integer"},
            "owner": {
                "oneOf": [{"$ref": "#/components/schemas/Owner"}, {"type": "null"}],
                "description": "Who owns it"
            }
        }},
        "Owner": {"type": "object", "properties": {"name": {"type": "string"}}}
    }));
    // The three stages that together turn a nullable reference into `Option<Owner>`.
    downconvert_31(&mut doc, &mut Report::default()).unwrap();
    nullable_properties_optional(&mut doc);
    unwrap_single_oneof(&mut doc);
    let widget = schema(&doc, "Widget");
    assert_eq!(
        widget["properties"]["owner"],
        json!({"$ref": "#/components/schemas/Owner"})
    );
    assert_eq!(widget["required"], json!(["id"]));
}

#[test]
fn lone_null_type_means_any_value() {
    // ServiceTitan's conversion artefact: `Reporting.V2.ReportDataParameter.value = {type: null}`.
    let mut doc = spec31(json!({
        "ReportDataParameter": {"type": "object", "properties": {
            "name": {"type": "string"},
            "value": {"type": "null"},
            "described": {"type": "null", "description": "Any JSON value"}
        }}
    }));
    downconvert_31(&mut doc, &mut Report::default()).unwrap();
    let props = &schema(&doc, "ReportDataParameter")["properties"];
    assert_eq!(props["value"], json!({}));
    assert_eq!(props["described"], json!({"description": "Any JSON value"}));
}

#[test]
fn const_becomes_a_one_value_enum() {
    let mut doc = spec31(json!({
        "Kind": {"type": "string", "const": "widget"}
    }));
    downconvert_31(&mut doc, &mut Report::default()).unwrap();
    assert_eq!(
        schema(&doc, "Kind"),
        &json!({"type": "string", "enum": ["widget"]})
    );
}

#[test]
fn examples_arrays_and_schema_keyword_are_dropped_but_properties_of_those_names_survive() {
    let mut doc = spec31(json!({
        "Widget": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "examples": [{"name": "a"}],
            "properties": {
                "examples": {"type": "array", "items": {"type": "string"}},
                "const": {"type": "string"},
                "name": {"type": "string", "examples": ["a", "b"]}
            }
        }
    }));
    downconvert_31(&mut doc, &mut Report::default()).unwrap();
    let widget = schema(&doc, "Widget");
    assert!(widget.get("$schema").is_none());
    assert!(widget.get("examples").is_none());
    assert!(widget["properties"]["name"].get("examples").is_none());
    assert_eq!(
        widget["properties"]["examples"],
        json!({"type": "array", "items": {"type": "string"}}),
        "a property named `examples` is not the keyword"
    );
    assert_eq!(widget["properties"]["const"], json!({"type": "string"}));
    assert!(widget["properties"].get("enum").is_none());
}

#[test]
fn downconversion_is_reported() {
    let mut doc = spec31(json!({}));
    let mut report = Report::default();
    downconvert_31(&mut doc, &mut report).unwrap();
    let text = reported(&report);
    assert!(
        text.contains("downconvert_31") && text.contains("3.1.0"),
        "{text}"
    );
}

#[test]
fn openapi_30_documents_pass_through_unchanged() {
    let mut doc = spec31(json!({
        "Widget": {"type": "object", "properties": {"name": {"type": "string", "nullable": true}}}
    }));
    doc["openapi"] = json!("3.0.1");
    let before = doc.clone();
    let mut report = Report::default();
    downconvert_31(&mut doc, &mut report).unwrap();
    assert_eq!(doc, before);
    assert!(!reported(&report).contains("downconvert_31"));
}

#[test]
fn type_array_with_two_non_null_types_is_refused_naming_the_pointer() {
    let mut doc = spec31(json!({
        "Widget": {"type": "object", "properties": {
            "code": {"type": ["string", "integer", "null"]}
        }}
    }));
    let before = doc.clone();
    let err = error_text(downconvert_31(&mut doc, &mut Report::default()));
    assert!(
        err.contains("/components/schemas/Widget/properties/code/type"),
        "{err}"
    );
    assert!(err.contains(r#"["string","integer","null"]"#), "{err}");
    assert!(err.contains("no 3.0 equivalent"), "{err}");
    assert_eq!(doc, before, "a refused document is not half-converted");
}

#[test]
fn pointer_in_refusal_escapes_slashes_and_tildes() {
    let mut doc = spec31(json!({}));
    doc["paths"] = json!({"/tenant/{tenant}/a~b": {"get": {"parameters": [
        {"name": "x", "in": "query", "schema": {"type": ["number", "boolean"]}}
    ]}}});
    let err = error_text(downconvert_31(&mut doc, &mut Report::default()));
    assert!(
        err.contains("/paths/~1tenant~1{tenant}~1a~0b/get/parameters/0/schema/type"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// The public entry: documents that are not OpenAPI 3.0/3.1 at all

#[test]
fn swagger_2_document_is_refused() {
    let mut doc = json!({"swagger": "2.0", "info": {"title": "T", "version": "1"}, "paths": {}});
    let err = error_text(run(&mut doc, &mut Report::default()));
    assert!(
        err.contains("/swagger") && err.contains("Swagger 2.0"),
        "{err}"
    );
    assert!(err.contains("only OpenAPI 3.0.x and 3.1.x"), "{err}");
}

#[test]
fn unknown_openapi_version_is_refused() {
    for version in ["3.2.0", "2.0", "4.0.0"] {
        let mut doc = spec31(json!({}));
        doc["openapi"] = json!(version);
        let err = error_text(run(&mut doc, &mut Report::default()));
        assert!(
            err.contains("/openapi") && err.contains(&format!("`{version}`")),
            "{err}"
        );
    }
}

#[test]
fn document_without_openapi_field_is_refused() {
    let mut doc = json!({"info": {"title": "T", "version": "1"}, "paths": {}});
    let err = error_text(run(&mut doc, &mut Report::default()));
    assert!(err.contains("/openapi: missing"), "{err}");

    let mut doc = json!({"openapi": 3.1, "paths": {}});
    let err = error_text(run(&mut doc, &mut Report::default()));
    assert!(
        err.contains("/openapi: 3.1 is not a version string"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// nullable_properties_optional

#[test]
fn nullable_required_property_becomes_optional_and_loses_the_flag() {
    let mut doc = spec31(json!({
        "Widget": {"type": "object", "required": ["id", "name"], "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string", "nullable": true}
        }}
    }));
    nullable_properties_optional(&mut doc);
    let widget = schema(&doc, "Widget");
    assert_eq!(widget["required"], json!(["id"]));
    assert_eq!(widget["properties"]["name"], json!({"type": "string"}));
    assert_eq!(widget["properties"]["id"], json!({"type": "integer"}));
}

#[test]
fn required_list_left_empty_is_removed() {
    let mut doc = spec31(json!({
        "Widget": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string", "nullable": true}
        }}
    }));
    nullable_properties_optional(&mut doc);
    assert!(schema(&doc, "Widget").get("required").is_none());
}

#[test]
fn nullable_properties_of_nested_inline_objects_become_optional() {
    let mut doc = spec31(json!({
        "Widget": {"type": "object", "properties": {
            "inner": {"type": "object", "required": ["x"], "properties": {
                "x": {"type": "number", "nullable": true}
            }}
        }}
    }));
    nullable_properties_optional(&mut doc);
    let inner = &schema(&doc, "Widget")["properties"]["inner"];
    assert!(inner.get("required").is_none());
    assert_eq!(inner["properties"]["x"], json!({"type": "number"}));
}

// ---------------------------------------------------------------------------------------------
// unwrap_single_oneof

#[test]
fn single_ref_oneof_with_description_and_type_becomes_the_plain_ref() {
    let mut doc = spec31(json!({
        "Widget": {"type": "object", "properties": {
            "status": {
                "type": "string",
                "description": "The widget's status",
                "oneOf": [{"$ref": "#/components/schemas/Status"}]
            },
            "size": {"allOf": [{"$ref": "#/components/schemas/Size"}]},
            "kind": {"anyOf": [{"$ref": "#/components/schemas/Kind"}]}
        }}
    }));
    unwrap_single_oneof(&mut doc);
    let props = &schema(&doc, "Widget")["properties"];
    assert_eq!(
        props["status"],
        json!({"$ref": "#/components/schemas/Status"})
    );
    assert_eq!(props["size"], json!({"$ref": "#/components/schemas/Size"}));
    assert_eq!(props["kind"], json!({"$ref": "#/components/schemas/Kind"}));
}

#[test]
fn real_unions_and_inline_single_alternatives_are_left_alone() {
    let union = json!({"oneOf": [
        {"$ref": "#/components/schemas/A"},
        {"$ref": "#/components/schemas/B"}
    ]});
    let inline = json!({"oneOf": [{"type": "string"}], "description": "inline"});
    let mut doc = spec31(json!({"Union": union.clone(), "Inline": inline.clone()}));
    unwrap_single_oneof(&mut doc);
    assert_eq!(schema(&doc, "Union"), &union);
    assert_eq!(schema(&doc, "Inline"), &inline);
}

// ---------------------------------------------------------------------------------------------
// drop_additional_properties_false

#[test]
fn additional_properties_false_is_removed_everywhere_but_other_values_stay() {
    let mut doc = spec31(json!({
        "Widget": {"type": "object", "additionalProperties": false, "properties": {
            "inner": {"type": "object", "additionalProperties": false},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "open": {"type": "object", "additionalProperties": true}
        }}
    }));
    drop_additional_properties_false(&mut doc);
    let widget = schema(&doc, "Widget");
    assert!(widget.get("additionalProperties").is_none());
    assert!(
        widget["properties"]["inner"]
            .get("additionalProperties")
            .is_none()
    );
    assert_eq!(
        widget["properties"]["labels"]["additionalProperties"],
        json!({"type": "string"})
    );
    assert_eq!(
        widget["properties"]["open"]["additionalProperties"],
        json!(true)
    );
}

// ---------------------------------------------------------------------------------------------
// hoist_tenant

fn tenant_param() -> Value {
    json!({"name": "tenant", "in": "path", "required": true,
           "schema": {"type": "integer", "format": "int64"}})
}

#[test]
fn tenant_prefix_moves_into_the_service_path() {
    let mut doc = json!({
        "servers": [{"url": "https://api.servicetitan.io/crm/v2"}],
        "paths": {
            "/tenant/{tenant}/customers": {"get": {
                "operationId": "Customers_GetList",
                "parameters": [tenant_param(), {"name": "page", "in": "query", "schema": {"type": "integer"}}]
            }},
            "/tenant/{tenant}/customers/{id}": {
                "parameters": [tenant_param()],
                "get": {"operationId": "Customers_Get", "parameters": [
                    tenant_param(),
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}
                ]},
                "delete": {"operationId": "Customers_Delete", "parameters": [tenant_param()]}
            }
        }
    });
    let mut report = Report::default();
    let layout = hoist_tenant(&mut doc, &mut report).unwrap();
    assert_eq!(layout.service_path, "/crm/v2");
    assert!(layout.overrides.is_empty());
    let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
    assert_eq!(paths, ["/customers", "/customers/{id}"]);

    let list = &doc["paths"]["/customers"]["get"];
    assert_eq!(
        list["parameters"],
        json!([{"name": "page", "in": "query", "schema": {"type": "integer"}}])
    );
    let item = &doc["paths"]["/customers/{id}"];
    assert!(
        item.get("parameters").is_none(),
        "path-item tenant parameter removed (and the emptied list with it)"
    );
    assert_eq!(item["get"]["parameters"].as_array().unwrap().len(), 1);
    assert_eq!(item["get"]["parameters"][0]["name"], "id");
    assert!(item["delete"].get("parameters").is_none());
    assert!(
        !reported(&report).contains("Customers_"),
        "a plain hoist changes no operation's shape"
    );
}

#[test]
fn path_that_is_only_the_tenant_becomes_root() {
    let mut doc = json!({
        "servers": [{"url": "https://api.servicetitan.io/settings/v2/"}],
        "paths": {"/tenant/{tenant}": {"get": {"operationId": "Tenant_Get"}}}
    });
    let layout = hoist_tenant(&mut doc, &mut Report::default()).unwrap();
    assert_eq!(
        layout.service_path, "/settings/v2",
        "trailing slash trimmed"
    );
    assert!(doc["paths"].get("/").is_some());
}

#[test]
fn telecom_like_spec_sends_the_minority_prefix_through_a_marked_override() {
    let mut doc = json!({
        "servers": [{"url": "https://api.servicetitan.io/telecom"}],
        "paths": {
            "/v2/tenant/{tenant}/calls": {"get": {"operationId": "Calls_GetCalls", "parameters": [tenant_param()]}},
            "/v2/tenant/{tenant}/calls/{id}": {"get": {"operationId": "Calls_GetDetails", "parameters": [tenant_param()]}},
            "/v3/tenant/{tenant}/calls": {
                "parameters": [tenant_param()],
                "get": {"operationId": "Calls_Calls", "parameters": [
                    tenant_param(),
                    {"name": "page", "in": "query", "schema": {"type": "integer"}}
                ]}
            }
        }
    });
    let mut report = Report::default();
    let layout = hoist_tenant(&mut doc, &mut report).unwrap();
    assert_eq!(layout.service_path, "/telecom/v2");
    assert_eq!(
        layout.overrides.get("Calls_Calls"),
        Some(&("/v3".to_string(), "/telecom/v3".to_string()))
    );
    assert_eq!(layout.overrides.len(), 1);

    let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
    assert_eq!(
        paths,
        ["/calls", "/calls/{id}", "/v3/calls"],
        "the v3 path keeps its prefix as a marker segment and stays distinct from /calls"
    );
    let v3 = &doc["paths"]["/v3/calls"];
    assert!(v3.get("parameters").is_none());
    assert_eq!(
        v3["get"]["parameters"],
        json!([{"name": "page", "in": "query", "schema": {"type": "integer"}}])
    );
    assert!(doc["paths"]["/calls"]["get"].get("parameters").is_none());

    let text = reported(&report);
    assert!(
        text.contains("`Calls_Calls`") && text.contains("/telecom/v3"),
        "{text}"
    );
}

#[test]
fn path_without_tenant_segment_is_refused_naming_its_pointer() {
    let mut doc = json!({
        "servers": [{"url": "https://api.servicetitan.io/crm/v2"}],
        "paths": {
            "/tenant/{tenant}/customers": {"get": {"operationId": "Customers_GetList"}},
            "/health/status": {"get": {"operationId": "Health_Get"}}
        }
    });
    let err = error_text(hoist_tenant(&mut doc, &mut Report::default()));
    assert!(
        err.contains("/paths/~1health~1status") && err.contains("/tenant/{tenant}"),
        "{err}"
    );
}

#[test]
fn spec_without_servers_is_refused() {
    let mut doc = json!({"paths": {"/tenant/{tenant}/x": {}}});
    let err = error_text(hoist_tenant(&mut doc, &mut Report::default()));
    assert!(err.contains("/servers/0/url"), "{err}");
}

#[test]
fn two_paths_that_collide_once_hoisted_are_refused() {
    // The main prefix is `/v2`; `/v2/tenant/{tenant}/v3/calls` hoists to `/v3/calls`, which is
    // also where the marker puts `/v3/tenant/{tenant}/calls`.
    let mut doc = json!({
        "servers": [{"url": "https://api.servicetitan.io/telecom"}],
        "paths": {
            "/v2/tenant/{tenant}/v3/calls": {"get": {"operationId": "A_Get"}},
            "/v2/tenant/{tenant}/y": {"get": {"operationId": "A_GetY"}},
            "/v3/tenant/{tenant}/calls": {"get": {"operationId": "B_Get"}}
        }
    });
    let err = error_text(hoist_tenant(&mut doc, &mut Report::default()));
    assert!(
        err.contains("/paths/~1v3~1tenant~1{tenant}~1calls") && err.contains("`/v3/calls`"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// keep_json_media

#[test]
fn several_media_types_keep_application_json_and_report_the_rest() {
    let body = |s: &str| json!({"schema": {"$ref": format!("#/components/schemas/{s}")}});
    let mut doc = spec30(json!({
        "/widgets": {"post": {
            "operationId": "Widgets_Create",
            "requestBody": {"content": {
                "application/json-patch+json": body("In"),
                "application/json": body("In"),
                "text/json": body("In"),
                "application/*+json": body("In")
            }},
            "responses": {"200": {"description": "OK", "content": {
                "text/plain": body("Out"),
                "application/json": body("Out"),
                "text/json": body("Out")
            }}}
        }}
    }));
    let mut report = Report::default();
    keep_json_media(&mut doc, &mut report);
    let op = &doc["paths"]["/widgets"]["post"];
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&op["requestBody"]["content"]), ["application/json"]);
    assert_eq!(
        keys(&op["responses"]["200"]["content"]),
        ["application/json"]
    );

    let text = reported(&report);
    assert!(
        text.contains("`Widgets_Create`: request body: kept `application/json`, dropped application/json-patch+json, text/json, application/*+json"),
        "{text}"
    );
    assert!(
        text.contains(
            "`Widgets_Create`: response 200: kept `application/json`, dropped text/plain, text/json"
        ),
        "{text}"
    );
}

#[test]
fn without_application_json_a_json_suffix_type_is_kept() {
    let mut doc = spec30(json!({
        "/widgets": {"post": {
            "operationId": "Widgets_Create",
            "requestBody": {"content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/merge-patch+json": {"schema": {"type": "object"}}
            }},
            "responses": {"204": {"description": "No content"}}
        }}
    }));
    keep_json_media(&mut doc, &mut Report::default());
    let content = doc["paths"]["/widgets"]["post"]["requestBody"]["content"]
        .as_object()
        .unwrap();
    assert_eq!(
        content.keys().collect::<Vec<_>>(),
        ["application/merge-patch+json"]
    );
}

#[test]
fn single_media_type_is_not_reported() {
    let mut doc = spec30(json!({
        "/widgets": {"get": {
            "operationId": "Widgets_Get",
            "responses": {"200": {"description": "OK", "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            }}}
        }}
    }));
    let before = doc.clone();
    let mut report = Report::default();
    keep_json_media(&mut doc, &mut report);
    assert_eq!(doc, before);
    assert!(!reported(&report).contains("Widgets_Get"));
}

// ---------------------------------------------------------------------------------------------
// collapse_response_kinds

fn json_response(schema: &str) -> Value {
    json!({"description": "", "content": {"application/json": {
        "schema": {"$ref": format!("#/components/schemas/{schema}")}
    }}})
}

fn empty_response() -> Value {
    json!({"description": "No content"})
}

#[test]
fn json_200_beside_empty_204_keeps_the_json_success() {
    let mut doc = spec30(json!({
        "/jobs/{id}/notes": {"get": {
            "operationId": "Jobs_GetNotes",
            "responses": {"200": json_response("Notes"), "204": empty_response()}
        }}
    }));
    let mut report = Report::default();
    collapse_response_kinds(&mut doc, &mut report);
    let responses = doc["paths"]["/jobs/{id}/notes"]["get"]["responses"]
        .as_object()
        .unwrap();
    assert_eq!(responses.keys().collect::<Vec<_>>(), ["200"]);
    let text = reported(&report);
    assert!(
        text.contains("`Jobs_GetNotes`: success response 204 (no body) dropped"),
        "{text}"
    );
}

#[test]
fn empty_404_beside_json_400_gets_the_json_error_body() {
    let mut doc = spec30(json!({
        "/jobs/{id}": {"get": {
            "operationId": "Jobs_Get",
            "responses": {
                "200": json_response("Job"),
                "400": json_response("ApiErrorResponse"),
                "404": empty_response()
            }
        }}
    }));
    let mut report = Report::default();
    collapse_response_kinds(&mut doc, &mut report);
    let responses = &doc["paths"]["/jobs/{id}"]["get"]["responses"];
    assert_eq!(
        responses["404"]["content"],
        json_response("ApiErrorResponse")["content"]
    );
    assert_eq!(responses["404"]["description"], "No content");
    assert!(responses.get("200").is_some() && responses.get("400").is_some());
    let text = reported(&report);
    assert!(
        text.contains("`Jobs_Get`: error response 404 declared without a body"),
        "{text}"
    );
}

#[test]
fn two_json_successes_with_different_schemas_keep_the_first() {
    let mut doc = spec30(json!({
        "/attachments": {"post": {
            "operationId": "Attachments_Create",
            "responses": {"200": json_response("Attachment"), "201": json_response("Created")}
        }}
    }));
    let mut report = Report::default();
    collapse_response_kinds(&mut doc, &mut report);
    let responses = doc["paths"]["/attachments"]["post"]["responses"]
        .as_object()
        .unwrap();
    assert_eq!(responses.keys().collect::<Vec<_>>(), ["200"]);
    let text = reported(&report);
    assert!(
        text.contains(
            "`Attachments_Create`: success response 201 has a different body type than 200"
        ),
        "{text}"
    );
}

#[test]
fn successes_of_one_kind_and_schema_are_left_alone() {
    let mut doc = spec30(json!({
        "/a": {"post": {
            "operationId": "A_Create",
            "responses": {
                "200": json_response("A"),
                "201": json_response("A"),
                "302": empty_response(),
                "400": json_response("ApiErrorResponse"),
                "404": json_response("ApiErrorResponse")
            }
        }},
        "/b": {"delete": {
            "operationId": "B_Delete",
            "responses": {"200": empty_response(), "204": empty_response()}
        }}
    }));
    let before = doc.clone();
    let mut report = Report::default();
    collapse_response_kinds(&mut doc, &mut report);
    assert_eq!(doc, before);
    assert!(reported(&report).contains("None: every operation"));
}

// ---------------------------------------------------------------------------------------------
// validate

fn valid_op(id: &str) -> Value {
    json!({"operationId": id, "responses": {"200": json_response("Widget")}})
}

#[test]
fn valid_document_passes_validation() {
    let mut doc = spec30(json!({
        "/widgets": {
            "get": {
                "operationId": "Widgets_GetList",
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer"}},
                    {"name": "ids", "in": "query", "style": "form", "schema": {"type": "string"}},
                    {"name": "X-Trace", "in": "header", "schema": {"type": "string"}}
                ],
                "responses": {"200": json_response("WidgetPage")}
            },
            "post": {
                "operationId": "Widgets_Create",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {"200": json_response("Widget")}
            }
        },
        "/widgets/{id}/file": {"get": {
            "operationId": "Widgets_GetFile",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "", "content": {"application/octet-stream": {}}}}
        }}
    }));
    validate(&mut doc).unwrap();
}

#[test]
fn missing_operation_id_is_refused_naming_the_operation() {
    let mut doc = spec30(json!({"/widgets": {"get": {"responses": {}}}}));
    let err = error_text(validate(&mut doc));
    assert!(
        err.contains("/paths/~1widgets/get: no operationId"),
        "{err}"
    );
    assert!(err.contains("cannot express"), "{err}");
}

#[test]
fn duplicate_operation_id_is_refused_naming_both_operations() {
    let mut doc = spec30(json!({
        "/widgets": {"get": valid_op("Widgets_Get")},
        "/widgets/{id}": {"get": valid_op("Widgets_Get")}
    }));
    let err = error_text(validate(&mut doc));
    assert!(
        err.contains(
            "/paths/~1widgets~1{id}/get: operationId `Widgets_Get` already used at /paths/~1widgets/get"
        ),
        "{err}"
    );
}

#[test]
fn cookie_parameter_is_refused_naming_the_parameter() {
    let mut op = valid_op("Widgets_Get");
    op["parameters"] = json!([
        {"name": "page", "in": "query", "schema": {"type": "integer"}},
        {"name": "session", "in": "cookie", "schema": {"type": "string"}}
    ]);
    let mut doc = spec30(json!({"/widgets": {"get": op}}));
    let err = error_text(validate(&mut doc));
    assert!(
        err.contains(
            "/paths/~1widgets/get/parameters/1: parameters `in: cookie` are not supported"
        ),
        "{err}"
    );
}

#[test]
fn deep_object_query_is_refused_naming_the_parameter() {
    let mut op = valid_op("Widgets_GetList");
    op["parameters"] = json!([{"name": "filter", "in": "query", "style": "deepObject",
        "schema": {"type": "object"}}]);
    let mut doc = spec30(json!({"/widgets": {"get": op}}));
    let err = error_text(validate(&mut doc));
    assert!(
        err.contains(
            "/paths/~1widgets/get/parameters/0: parameter style `deepObject` is not supported"
        ),
        "{err}"
    );
}

#[test]
fn multipart_request_body_is_refused_naming_the_body() {
    let mut op = valid_op("Widgets_Upload");
    op["requestBody"] = json!({"content": {"multipart/form-data": {"schema": {"type": "object"}}}});
    let mut doc = spec30(json!({"/widgets/upload": {"post": op}}));
    let err = error_text(validate(&mut doc));
    assert!(
        err.contains("/paths/~1widgets~1upload/post/requestBody: media type `multipart/form-data` is not supported"),
        "{err}"
    );
}

#[test]
fn request_body_in_several_media_types_is_refused() {
    let mut op = valid_op("Widgets_Create");
    op["requestBody"] = json!({"content": {
        "application/json": {"schema": {"type": "object"}},
        "text/json": {"schema": {"type": "object"}}
    }});
    let mut doc = spec30(json!({"/widgets": {"post": op}}));
    let err = error_text(validate(&mut doc));
    assert!(
        err.contains(
            "/paths/~1widgets/post/requestBody: several media types (application/json, text/json)"
        ),
        "{err}"
    );
}

#[test]
fn unknown_response_media_type_is_refused_naming_the_response() {
    let mut op = valid_op("Widgets_Get");
    op["responses"]["200"] = json!({"description": "", "content": {"application/xml": {}}});
    let mut doc = spec30(json!({"/widgets": {"get": op}}));
    let err = error_text(validate(&mut doc));
    assert!(
        err.contains(
            "/paths/~1widgets/get/responses/200: media type `application/xml` is not supported"
        ),
        "{err}"
    );
}

#[test]
fn duplicate_parameter_names_are_refused_naming_the_second() {
    let mut op = valid_op("Receipts_Cancel");
    op["parameters"] = json!([
        {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
        {"name": "id", "in": "query", "schema": {"type": "integer"}}
    ]);
    let mut doc = spec30(json!({"/receipts/{id}/cancellation": {"patch": op}}));
    let err = error_text(validate(&mut doc));
    assert!(
        err.contains("/paths/~1receipts~1{id}~1cancellation/patch/parameters/1: a second parameter named `id`"),
        "{err}"
    );
}

#[test]
fn every_problem_is_listed_not_just_the_first() {
    let mut cookie = valid_op("B_Get");
    cookie["parameters"] = json!([{"name": "c", "in": "cookie", "schema": {"type": "string"}}]);
    let mut doc = spec30(json!({
        "/a": {"get": {"responses": {}}},
        "/b": {"get": cookie}
    }));
    let err = error_text(validate(&mut doc));
    assert!(err.contains("/paths/~1a/get: no operationId"), "{err}");
    assert!(err.contains("/paths/~1b/get/parameters/0"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// The whole stage

#[test]
fn run_turns_a_31_area_spec_into_a_valid_30_document() {
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "Widgets", "version": "1.0"},
        "servers": [{"url": "https://api.servicetitan.io/widgets/v2"}],
        "paths": {"/tenant/{tenant}/widgets/{id}": {"get": {
            "operationId": "Widgets_Get",
            "parameters": [
                tenant_param(),
                {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}
            ],
            "responses": {
                "200": {"description": "", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Widget"}},
                    "text/json": {"schema": {"$ref": "#/components/schemas/Widget"}}
                }},
                "204": {"description": "No content"}
            }
        }}},
        "components": {"schemas": {"Widget": {
            "type": "object",
            "additionalProperties": false,
            "required": ["id", "name"],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": ["string", "null"]}
            }
        }}}
    });
    let mut report = Report::default();
    let layout = run(&mut doc, &mut report).unwrap();
    validate(&mut doc).unwrap();
    assert_eq!(layout.service_path, "/widgets/v2");
    assert_eq!(doc["openapi"], "3.0.3");
    let op = &doc["paths"]["/widgets/{id}"]["get"];
    assert_eq!(op["parameters"].as_array().unwrap().len(), 1);
    assert_eq!(
        op["responses"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["200"]
    );
    assert_eq!(
        schema(&doc, "Widget"),
        &json!({"type": "object", "required": ["id"], "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}
        }})
    );
    // It parses as the 3.0 model progenitor takes.
    serde_json::from_value::<openapiv3::OpenAPI>(doc).unwrap();
}

#[test]
fn malformed_and_non_openapi_files_are_refused_by_the_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("broken.json", "{\"openapi\": \"3.1.0\", ", "not JSON"),
        (
            "swagger.json",
            r#"{"swagger": "2.0", "info": {"title": "CRM", "version": "1"}, "paths": {}}"#,
            "Swagger 2.0",
        ),
        (
            "future.json",
            r#"{"openapi": "3.2.0", "info": {"title": "CRM", "version": "1"}, "paths": {}}"#,
            "unsupported OpenAPI version `3.2.0`",
        ),
    ];
    for (file, text, expected) in cases {
        std::fs::write(dir.path().join(file), text).unwrap();
        let err = match crate::pipeline::area(dir.path(), "crm", file, None) {
            Ok(_) => panic!("{file}: generated"),
            Err(e) => format!("{e:#}"),
        };
        assert!(err.contains(file), "{file}: names the file: {err}");
        assert!(err.contains(expected), "{file}: {err}");
    }
}
