//! `Timestamp`: a UTC instant that reads ServiceTitan's date-time variants.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// A UTC instant (`date-time` in the specs).
///
/// Reads RFC 3339 with an offset (`2021-07-19T20:35:38.2876004Z`, `…+02:00`) and without one
/// (`2024-01-01T00:00:00`, taken as UTC: ServiceTitan stores UTC but drops the `Z` in places),
/// with any number of fraction digits, a space instead of `T`, and a bare date (midnight UTC).
/// Writes RFC 3339 in UTC with `Z`, keeping the fraction digits that are not zero.
///
/// ```
/// use st_core::Timestamp;
///
/// let t: Timestamp = serde_json::from_str(r#""2021-07-19T20:35:38.2876004Z""#).unwrap();
/// assert_eq!(t.to_string(), "2021-07-19T20:35:38.287600400Z");
/// let naive: Timestamp = "2024-01-01T00:00:00".parse().unwrap();
/// assert_eq!(serde_json::to_string(&naive).unwrap(), r#""2024-01-01T00:00:00Z""#);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    /// The current time.
    pub fn now() -> Self {
        Self(Utc::now())
    }

    /// The `chrono` value.
    pub fn into_inner(self) -> DateTime<Utc> {
        self.0
    }
}

/// A string that is not a timestamp in any accepted form. Does not repeat the string.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid timestamp: expected RFC 3339, e.g. 2024-01-31T12:00:00Z")]
pub struct ParseTimestampError(());

impl FromStr for Timestamp {
    type Err = ParseTimestampError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Ok(Self(t.with_timezone(&Utc)));
        }
        // Offsets without a colon (`+0000`) and a space separator.
        for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
            if let Ok(t) = DateTime::parse_from_str(s, format) {
                return Ok(Self(t.with_timezone(&Utc)));
            }
        }
        for format in [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
        ] {
            if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
                return Ok(Self(t.and_utc()));
            }
        }
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Ok(Self(d.and_time(chrono::NaiveTime::MIN).and_utc()));
        }
        Err(ParseTimestampError(()))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(t: DateTime<Utc>) -> Self {
        Self(t)
    }
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(t: Timestamp) -> Self {
        t.0
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Timestamp;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp")
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<Timestamp, E> {
                s.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn ts(s: &str) -> Timestamp {
        serde_json::from_value(serde_json::Value::String(s.into())).unwrap()
    }

    #[test]
    fn accepts_offsets_missing_offsets_and_long_fractions() {
        let midnight = Timestamp(Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap());
        assert_eq!(ts("2024-01-01T00:00:00"), midnight);
        assert_eq!(ts("2024-01-01T00:00:00Z"), midnight);
        assert_eq!(ts("2024-01-01T02:00:00+02:00"), midnight);
        assert_eq!(ts("2024-01-01T02:00:00+0200"), midnight);
        assert_eq!(ts("2024-01-01 00:00:00"), midnight);
        assert_eq!(ts("2024-01-01"), midnight);

        let t = ts("2021-07-19T20:35:38.2876004Z");
        assert_eq!(t.0.timestamp_subsec_nanos(), 287_600_400);
        assert_eq!(ts("2021-07-19T20:35:38.2876004"), t);
    }

    #[test]
    fn rejects_garbage_without_quoting_it() {
        let err = serde_json::from_str::<Timestamp>(r#""Jane Doe""#).unwrap_err();
        assert!(!err.to_string().contains("Jane"), "{err}");
        assert!(serde_json::from_str::<Timestamp>("12").is_err());
    }

    #[test]
    fn writes_utc_rfc3339() {
        let t = ts("2024-05-06T07:08:09.5+01:00");
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#""2024-05-06T06:08:09.500Z""#
        );
        assert_eq!(t.to_string().parse::<Timestamp>().unwrap(), t);
    }
}
