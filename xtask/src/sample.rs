//! Drifted sample responses for the generated decoding tests. ServiceTitan's responses drift from
//! the spec: new fields, enum values the spec does not list, integers where string enums are
//! declared, timestamps without an offset or with 7-digit fractions, money as strings. For each
//! area, the response type with the most drift-prone fields gets a sample built from its schema
//! with every one of those drifts applied, and the generated test decodes it.

use heck::ToPascalCase;
use serde_json::{Map, Value, json};

/// Marker of the unknown enum value the sample uses; the test checks it survives a round trip.
pub const UNKNOWN_ENUM: &str = "ValueAddedAfterTheSpec";

struct Drift {
    applied: Vec<String>,
    enum_turn: usize,
    time_turn: usize,
    money_turn: usize,
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> (&'a Value, Option<&'a str>) {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(name) => (
            doc.pointer(&format!("/components/schemas/{name}"))
                .unwrap_or(&Value::Null),
            Some(name),
        ),
        None => (schema, None),
    }
}

fn rust_type(schema: &Value) -> Option<&str> {
    schema.pointer("/x-rust-type/path").and_then(Value::as_str)
}

/// How many drift-prone fields a schema has at its top level.
fn score(doc: &Value, schema: &Value) -> usize {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, p)| {
            let (p, _) = resolve(doc, p);
            p.get("enum").is_some() || rust_type(p).is_some()
        })
        .count()
}

/// Picks the response type with the most drift-prone fields and builds its drifted sample.
pub fn drifted_response(doc: &Value) -> Option<(String, Value, Vec<String>)> {
    let schemas = doc.pointer("/components/schemas")?.as_object()?;
    let mut candidates: Vec<(&String, &Value)> = schemas
        .iter()
        .filter(|(n, s)| s.get("properties").is_some() && !n.ends_with("Request"))
        .collect();
    candidates.sort_by_key(|(n, s)| (std::cmp::Reverse(score(doc, s)), (*n).clone()));
    // The best-scoring type whose required fields can all be sampled (a required string with a
    // pattern and no example cannot be).
    candidates.into_iter().find_map(|(name, schema)| {
        let mut drift = Drift {
            applied: Vec::new(),
            enum_turn: 0,
            time_turn: 0,
            money_turn: 0,
        };
        let value = sample(doc, schema, 0, &mut drift)?;
        drift.applied.sort();
        drift.applied.dedup();
        Some((name.to_pascal_case(), value, drift.applied))
    })
}

fn sample(doc: &Value, schema: &Value, depth: usize, drift: &mut Drift) -> Option<Value> {
    let (schema, _) = resolve(doc, schema);
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let integer = schema.get("type").and_then(Value::as_str) == Some("integer");
        drift.enum_turn += 1;
        return Some(match (integer, drift.enum_turn % 3) {
            (false, 1) => {
                drift.applied.push("unknown string enum value".into());
                json!(UNKNOWN_ENUM)
            }
            (false, 2) => {
                drift.applied.push("integer for a string enum".into());
                json!(2)
            }
            (true, 1) => {
                drift.applied.push("unknown integer enum value".into());
                json!(9999)
            }
            _ => values.first().cloned().unwrap_or(Value::Null),
        });
    }
    match rust_type(schema) {
        Some("st_core::Timestamp") => {
            drift.time_turn += 1;
            return Some(if drift.time_turn % 2 == 1 {
                drift.applied.push("timestamp without offset".into());
                json!("2024-01-01T00:00:00")
            } else {
                drift.applied.push("timestamp with 7-digit fraction".into());
                json!("2021-07-19T20:35:38.2876004Z")
            });
        }
        Some("st_core::Decimal") => {
            drift.money_turn += 1;
            return Some(if drift.money_turn % 2 == 1 {
                drift.applied.push("money as a string".into());
                json!("12.50")
            } else {
                json!(12.5)
            });
        }
        _ => {}
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema
            .get(key)
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            return sample(doc, first, depth + 1, drift);
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") | None if schema.get("properties").is_some() => {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let mut out = Map::new();
            for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
                let needed = required.contains(&name.as_str());
                if depth > 2 && !needed {
                    continue;
                }
                match sample(doc, prop, depth + 1, drift) {
                    Some(v) => {
                        out.insert(name.clone(), v);
                    }
                    None if needed => return None,
                    None => {}
                }
            }
            out.insert(
                "fieldAddedAfterTheSpec".into(),
                json!({"nested": [1, "two"]}),
            );
            drift.applied.push("unknown field".into());
            Some(Value::Object(out))
        }
        Some("object") => Some(json!({})),
        Some("array") => {
            if depth > 3 {
                return Some(json!([]));
            }
            Some(Value::Array(
                sample(doc, schema.get("items")?, depth + 1, drift)
                    .into_iter()
                    .collect(),
            ))
        }
        Some("string") => {
            if schema.get("pattern").is_some() || schema.get("minLength").is_some() {
                return schema.get("example").cloned();
            }
            Some(match schema.get("format").and_then(Value::as_str) {
                Some("date") => json!("2024-01-01"),
                Some("uuid") | Some("guid") => json!("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
                _ => json!("text"),
            })
        }
        Some("integer") => Some(json!(7)),
        Some("number") => Some(json!(1.5)),
        Some("boolean") => Some(json!(true)),
        _ => Some(json!({"any": "value"})),
    }
}
