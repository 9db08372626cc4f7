//! Realistic drift: responses that still mean the same thing but no longer match
//! the published spec, as real ServiceTitan responses sometimes don't.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};

/// One kind of deviation from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DriftKind {
    /// Fields the spec does not declare, on rows (a nested object `integrationFlags`)
    /// and on the page envelope (`dataSource`). Every schema in the spec says
    /// `additionalProperties: false`; a strict decoder fails here.
    UnknownFields,
    /// Enum values the spec does not list (a customer `type` of `Government`,
    /// a technician `status` of `OnBreak`, …).
    UnknownEnumValues,
    /// String enums serialised as their integer index (`"type": 1` for `Commercial`),
    /// as .NET does when a serializer setting is missed.
    IntegerEnums,
    /// Timestamps without an offset: `2021-07-19T20:35:38.2876004` (no `Z`).
    NaiveTimestamps,
    /// Decimal money fields as JSON strings: `"balance": "125.5"`.
    MoneyAsStrings,
}

impl DriftKind {
    /// Every kind.
    pub const ALL: [DriftKind; 5] = [
        DriftKind::UnknownFields,
        DriftKind::UnknownEnumValues,
        DriftKind::IntegerEnums,
        DriftKind::NaiveTimestamps,
        DriftKind::MoneyAsStrings,
    ];

    /// The kebab-case name used on the command line (`unknown-fields`, …).
    pub fn name(self) -> &'static str {
        match self {
            DriftKind::UnknownFields => "unknown-fields",
            DriftKind::UnknownEnumValues => "unknown-enums",
            DriftKind::IntegerEnums => "integer-enums",
            DriftKind::NaiveTimestamps => "naive-timestamps",
            DriftKind::MoneyAsStrings => "string-money",
        }
    }

    const fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A set of [`DriftKind`]s. Parses from a comma-separated list of kind names, `all`
/// or `none`: `"unknown-fields,naive-timestamps".parse::<Drift>()`.
///
/// When both enum kinds are on, even rows of a page get unknown values and odd rows
/// integers, so one page exercises both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Drift(u8);

impl Drift {
    /// No drift.
    pub const NONE: Drift = Drift(0);

    /// Every kind of drift.
    pub const fn all() -> Drift {
        let mut bits = 0;
        let mut i = 0;
        while i < DriftKind::ALL.len() {
            bits |= DriftKind::ALL[i].bit();
            i += 1;
        }
        Drift(bits)
    }

    /// Just one kind.
    pub const fn only(kind: DriftKind) -> Drift {
        Drift(kind.bit())
    }

    /// This set plus `kind`.
    pub const fn with(self, kind: DriftKind) -> Drift {
        Drift(self.0 | kind.bit())
    }

    /// Both sets.
    pub const fn union(self, other: Drift) -> Drift {
        Drift(self.0 | other.0)
    }

    /// Whether `kind` is in the set.
    pub const fn contains(self, kind: DriftKind) -> bool {
        self.0 & kind.bit() != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The kinds in the set.
    pub fn kinds(self) -> impl Iterator<Item = DriftKind> {
        DriftKind::ALL
            .into_iter()
            .filter(move |k| self.contains(*k))
    }
}

impl From<DriftKind> for Drift {
    fn from(kind: DriftKind) -> Self {
        Drift::only(kind)
    }
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        let names: Vec<&str> = self.kinds().map(DriftKind::name).collect();
        f.write_str(&names.join(","))
    }
}

impl FromStr for Drift {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut drift = Drift::NONE;
        for part in s.split([',', '+']).map(str::trim).filter(|p| !p.is_empty()) {
            drift = match part {
                "all" => Drift::all(),
                "none" => drift,
                _ => {
                    let kind = DriftKind::ALL
                        .into_iter()
                        .find(|k| k.name() == part)
                        .ok_or_else(|| {
                            let known: Vec<&str> =
                                DriftKind::ALL.iter().map(|k| k.name()).collect();
                            format!(
                                "unknown drift kind `{part}` (known: all, none, {})",
                                known.join(", ")
                            )
                        })?;
                    drift.with(kind)
                }
            };
        }
        Ok(drift)
    }
}

/// (top-level field, the spec's variants in declaration order, an undeclared value)
const ENUM_FIELDS: &[(&str, &[&str], &str)] = &[
    ("type", &["Residential", "Commercial"], "Government"),
    (
        "role",
        &[
            "Unspecified",
            "Technician",
            "Dispatch",
            "Accounting",
            "FieldManager",
            "DisplayUser",
            "DisplayUserWithBillingAccess",
            "SalesManager",
            "CSR",
            "GeneralOffice",
            "TechnicianHelper",
            "TechnicianMaintenance",
            "TechnicianInstaller",
            "Admin",
            "TechnicianService",
            "TechnicianSales",
            "Owner",
            "EmptyEmployee",
            "EmptyTechnician",
        ],
        "Estimator",
    ),
    (
        "status",
        &["Idle", "Dispatched", "Working", "Meal"],
        "OnBreak",
    ),
    (
        "licenseType",
        &["NonManagedTech", "ManagedTech", "ManagedInstaller"],
        "Apprentice",
    ),
    ("sentStatus", &["NotSent", "Sent", "Opened"], "Bounced"),
    (
        "reviewStatus",
        &[
            "NeedsReview",
            "OnHold",
            "Reviewed",
            "PendingApproval",
            "Rejected",
            "ReadyForBilling",
            "Invoiced",
        ],
        "Escalated",
    ),
    (
        "invoiceConfiguration",
        &[
            "JobInvoice",
            "ProjectInvoice",
            "CounterSales",
            "MembershipInvoice",
            "InterestChargeInvoice",
            "ARImportInvoice",
        ],
        "ServiceAgreementInvoice",
    ),
];

/// Top-level fields declared `number` + `format: decimal`.
const MONEY_FIELDS: &[&str] = &[
    "balance",
    "creditLimit",
    "creditLimitBalance",
    "hourlyRate",
    "dailyGoal",
    "burdenRate",
    "commissionRate",
    "soldByRate",
    "currentValue",
    "total",
];

/// Applies `drift` to a JSON response body: every object row of a `data` array, or
/// the body itself when it is a single object.
pub(crate) fn apply(drift: Drift, body: &mut Value) {
    if drift.is_empty() {
        return;
    }
    let Some(obj) = body.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(rows)) = obj.get_mut("data") {
        for (i, row) in rows.iter_mut().enumerate() {
            if let Value::Object(row) = row {
                apply_row(drift, row, i);
            }
        }
        if drift.contains(DriftKind::UnknownFields) {
            obj.insert("dataSource".into(), Value::String("replica-2".into()));
        }
    } else {
        apply_row(drift, obj, 0);
    }
}

fn apply_row(drift: Drift, row: &mut Map<String, Value>, index: usize) {
    let unknown = drift.contains(DriftKind::UnknownEnumValues);
    let integer = drift.contains(DriftKind::IntegerEnums);
    if unknown || integer {
        for (field, variants, undeclared) in ENUM_FIELDS {
            let Some(Value::String(s)) = row.get(*field) else {
                continue;
            };
            let Some(pos) = variants.iter().position(|v| v == s) else {
                continue;
            };
            let as_integer = integer && (!unknown || index % 2 == 1);
            let new = if as_integer {
                Value::from(pos)
            } else {
                Value::String((*undeclared).into())
            };
            row.insert((*field).into(), new);
        }
    }
    if drift.contains(DriftKind::MoneyAsStrings) {
        for field in MONEY_FIELDS {
            if let Some(v @ Value::Number(_)) = row.get_mut(*field) {
                *v = Value::String(v.to_string());
            }
        }
    }
    if drift.contains(DriftKind::NaiveTimestamps) {
        for v in row.values_mut() {
            strip_offsets(v);
        }
    }
    if drift.contains(DriftKind::UnknownFields) {
        let mut flags = Map::new();
        flags.insert("qbSynced".into(), Value::Bool(index.is_multiple_of(3)));
        flags.insert("revision".into(), Value::from(3));
        row.insert("integrationFlags".into(), Value::Object(flags));
    }
}

fn looks_like_utc_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && s.ends_with('Z')
}

fn strip_offsets(v: &mut Value) {
    match v {
        Value::String(s) if looks_like_utc_timestamp(s) => {
            s.pop();
        }
        Value::Array(items) => items.iter_mut().for_each(strip_offsets),
        Value::Object(map) => map.values_mut().for_each(strip_offsets),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_and_prints_kind_lists() {
        let d: Drift = "unknown-fields, naive-timestamps".parse().unwrap();
        assert!(d.contains(DriftKind::UnknownFields) && d.contains(DriftKind::NaiveTimestamps));
        assert!(!d.contains(DriftKind::IntegerEnums));
        assert_eq!(d.to_string(), "unknown-fields,naive-timestamps");
        assert_eq!("all".parse::<Drift>().unwrap(), Drift::all());
        assert!("bogus".parse::<Drift>().is_err());
    }

    #[test]
    fn rewrites_rows() {
        let mut body = json!({ "data": [
            { "type": "Commercial", "balance": 12.5, "createdOn": "2021-07-19T20:35:38.2876004Z", "address": { "street": "1 Main St" } },
            { "type": "Commercial", "balance": 0.0, "createdOn": "2021-07-19T20:35:38.2876004Z" },
        ]});
        apply(Drift::all(), &mut body);
        assert_eq!(body["data"][0]["type"], "Government");
        assert_eq!(body["data"][1]["type"], 1);
        assert_eq!(body["data"][0]["balance"], "12.5");
        assert_eq!(body["data"][0]["createdOn"], "2021-07-19T20:35:38.2876004");
        assert!(body["data"][0]["integrationFlags"].is_object());
        assert_eq!(body["dataSource"], "replica-2");
    }
}
