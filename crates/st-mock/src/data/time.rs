//! ServiceTitan's timestamp style.
//!
//! ServiceTitan is a .NET service: timestamps come out with seven fractional digits
//! (100 ns ticks) and a `Z`, e.g. `2021-07-19T20:35:38.2876004Z`. Seeded data keeps
//! tick precision so that a timestamp read back from a response filters exactly.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};

use super::rng::Rng;

/// Formats like ServiceTitan: `YYYY-MM-DDTHH:MM:SS.fffffffZ`.
pub(crate) fn st_timestamp(t: DateTime<Utc>) -> String {
    format!(
        "{}.{:07}Z",
        t.format("%Y-%m-%dT%H:%M:%S"),
        t.nanosecond() % 1_000_000_000 / 100
    )
}

/// Parses what ServiceTitan accepts in query strings: RFC 3339, a date-time without
/// offset (taken as UTC, as the API documents), or a bare date.
pub(crate) fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S%.f",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(Utc.from_utc_datetime(&t));
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| Utc.from_utc_datetime(&t))
}

/// Seeded records are created inside this window, so that "now" (used for records
/// the tests create or change) is always later than every seeded `modifiedOn`.
pub(crate) fn window_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2019, 1, 7, 14, 0, 0).unwrap()
}

pub(crate) fn window_end() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 30, 23, 0, 0).unwrap()
}

/// A tick-precise instant in `[from, to]`.
pub(crate) fn between(rng: &mut Rng, from: DateTime<Utc>, to: DateTime<Utc>) -> DateTime<Utc> {
    let span_ticks = ((to - from).num_microseconds().unwrap_or(0) * 10).max(1);
    let ticks = rng.below(span_ticks as u64) as i64;
    from + chrono::Duration::microseconds(ticks / 10)
        + chrono::Duration::nanoseconds(ticks % 10 * 100)
}

/// `t` truncated to 100 ns ticks, the precision ServiceTitan prints.
pub(crate) fn to_ticks(t: DateTime<Utc>) -> DateTime<Utc> {
    let nanos = t.nanosecond() % 1_000_000_000;
    t.with_nanosecond(nanos - nanos % 100).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_seven_fraction_digits() {
        let t = Utc.with_ymd_and_hms(2021, 7, 19, 20, 35, 38).unwrap()
            + chrono::Duration::nanoseconds(287_600_400);
        assert_eq!(st_timestamp(t), "2021-07-19T20:35:38.2876004Z");
        assert_eq!(parse_timestamp("2021-07-19T20:35:38.2876004Z"), Some(t));
    }

    #[test]
    fn parses_dates_and_naive_times_as_utc() {
        let d = parse_timestamp("2020-01-01").unwrap();
        assert_eq!(d, Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap());
        assert_eq!(parse_timestamp("2020-01-01T00:00:00"), Some(d));
        assert_eq!(parse_timestamp("nope"), None);
    }
}
