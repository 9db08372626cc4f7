//! The lenient value types, used from outside the crate the way generated code uses them.

use std::collections::BTreeSet;

use st_core::{Decimal, Timestamp};

// Invoked exactly as the generator emits them; no serde in scope here on purpose.
st_core::open_enum! {
    /// Indicates a customer's type.
    pub enum CustomerType : string {
        /// A household.
        Residential = "Residential",
        Commercial = "Commercial",
    }
}

st_core::open_enum! { pub enum Priority : integer { Low = 0, High = 1, Negative = -1 } }

#[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Job {
    customer_type: CustomerType,
    priority: Priority,
    created_on: Timestamp,
    total: Decimal,
}

#[test]
fn decodes_unknown_enum_values() {
    let t: CustomerType = serde_json::from_str(r#""Government""#).unwrap();
    assert_eq!(t, CustomerType::Unknown("Government".into()));
    assert!(t.is_unknown());
    assert_eq!(t.as_str(), "Government");
    assert_eq!(serde_json::to_string(&t).unwrap(), r#""Government""#);
    assert_eq!("Government".parse::<CustomerType>().unwrap(), t);

    let p: Priority = serde_json::from_str("5").unwrap();
    assert_eq!(p, Priority::Unknown("5".into()));
    assert_eq!(serde_json::to_string(&p).unwrap(), "5");
}

#[test]
fn decodes_integer_values_of_string_and_integer_enums() {
    let t: CustomerType = serde_json::from_str("1").unwrap();
    assert_eq!(t, CustomerType::Unknown("1".into()));
    assert_eq!(serde_json::to_string(&t).unwrap(), "1");

    let p: Priority = serde_json::from_str("1").unwrap();
    assert_eq!(p, Priority::High);
    assert_eq!(
        serde_json::from_str::<Priority>("-1").unwrap(),
        Priority::Negative
    );
    assert_eq!(
        serde_json::from_str::<Priority>(r#""High""#).unwrap(),
        Priority::High
    );
    assert_eq!(
        serde_json::from_str::<Priority>(r#""0""#).unwrap(),
        Priority::Low
    );
    assert_eq!(serde_json::to_string(&Priority::High).unwrap(), "1");
    assert_eq!(Priority::High.to_string(), "High");
}

#[test]
fn known_enum_values_round_trip_and_order() {
    let t: CustomerType = serde_json::from_str(r#""Residential""#).unwrap();
    assert_eq!(t, CustomerType::Residential);
    assert_eq!(serde_json::to_string(&t).unwrap(), r#""Residential""#);
    assert_eq!(t.to_string(), "Residential");
    let set: BTreeSet<_> = [
        CustomerType::Unknown("Z".into()),
        CustomerType::Commercial,
        CustomerType::Residential,
    ]
    .into_iter()
    .collect();
    assert_eq!(set.first(), Some(&CustomerType::Residential));
    assert!(serde_json::from_str::<CustomerType>("true").is_err());
}

#[test]
fn decodes_timestamps_without_offset_and_with_seven_digit_fractions() {
    let naive: Timestamp = serde_json::from_str(r#""2024-01-01T00:00:00""#).unwrap();
    assert_eq!(naive.to_string(), "2024-01-01T00:00:00Z");
    let precise: Timestamp = serde_json::from_str(r#""2021-07-19T20:35:38.2876004Z""#).unwrap();
    assert_eq!(precise.0.timestamp_subsec_nanos(), 287_600_400);
    assert_eq!(
        serde_json::to_string(&precise).unwrap(),
        r#""2021-07-19T20:35:38.287600400Z""#
    );
}

#[test]
fn decodes_decimals_from_strings_and_numbers() {
    let from_string: Decimal = serde_json::from_str(r#""12.50""#).unwrap();
    let from_number: Decimal = serde_json::from_str("12.5").unwrap();
    assert_eq!(from_string, from_number);
    assert_eq!(from_string.0, rust_decimal::Decimal::new(1250, 2));
    assert_eq!(serde_json::to_string(&from_string).unwrap(), "12.5");
}

#[test]
fn decodes_a_record_mixing_all_of_them() {
    let job: Job = serde_json::from_str(
        r#"{"customerType": 0, "priority": "High", "createdOn": "2024-03-04T05:06:07.1234567",
            "total": "99.95"}"#,
    )
    .unwrap();
    assert_eq!(job.customer_type, CustomerType::Unknown("0".into()));
    assert_eq!(job.priority, Priority::High);
    assert_eq!(job.total.to_string(), "99.95");
    let again: Job = serde_json::from_str(&serde_json::to_string(&job).unwrap()).unwrap();
    assert_eq!(again, job);
}
