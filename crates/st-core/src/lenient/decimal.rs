//! `Decimal`: money and quantities, from JSON numbers or strings.

use std::fmt;
use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// An exact decimal (`number` with `format: decimal` in the specs: prices, totals, quantities).
///
/// Reads JSON numbers (`12.5`) and strings (`"12.50"`, `"1e3"`). A JSON number is converted
/// through its shortest decimal text, so `0.1` becomes exactly `0.1`. Writes a JSON number: an
/// integer when the value has no fraction, otherwise the nearest `f64`, which is exact for the
/// 15 significant digits money needs.
///
/// ```
/// use st_core::Decimal;
///
/// let a: Decimal = serde_json::from_str(r#""12.50""#).unwrap();
/// let b: Decimal = serde_json::from_str("12.5").unwrap();
/// assert_eq!(a, b);
/// assert_eq!(a.to_string(), "12.50");
/// assert_eq!(serde_json::to_string(&a).unwrap(), "12.5");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Decimal(pub rust_decimal::Decimal);

impl Decimal {
    /// The `rust_decimal` value.
    pub fn into_inner(self) -> rust_decimal::Decimal {
        self.0
    }
}

/// A string that is not a decimal number. Does not repeat the string.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid decimal: expected a number such as 12.50")]
pub struct ParseDecimalError(());

impl FromStr for Decimal {
    type Err = ParseDecimalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        rust_decimal::Decimal::from_str(s)
            .or_else(|_| rust_decimal::Decimal::from_scientific(s))
            .map(Self)
            .map_err(|_| ParseDecimalError(()))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<rust_decimal::Decimal> for Decimal {
    fn from(d: rust_decimal::Decimal) -> Self {
        Self(d)
    }
}

impl From<Decimal> for rust_decimal::Decimal {
    fn from(d: Decimal) -> Self {
        d.0
    }
}

impl From<i64> for Decimal {
    fn from(n: i64) -> Self {
        Self(n.into())
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.fract().is_zero()
            && let Some(n) = self.0.to_i64()
        {
            return serializer.serialize_i64(n);
        }
        match self.0.to_f64() {
            Some(f) => serializer.serialize_f64(f),
            None => serializer.collect_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Decimal;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal number or a string holding one")
            }

            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Decimal, E> {
                Ok(Decimal(n.into()))
            }

            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Decimal, E> {
                Ok(Decimal(n.into()))
            }

            fn visit_f64<E: de::Error>(self, f: f64) -> Result<Decimal, E> {
                // `Display` of an f64 is its shortest round-tripping text: 0.1 → "0.1".
                if !f.is_finite() {
                    return Err(E::custom("invalid decimal: not a finite number"));
                }
                f.to_string()
                    .parse()
                    .map_err(|_| E::custom("invalid decimal: out of range"))
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<Decimal, E> {
                s.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(json: &str) -> Decimal {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn reads_numbers_and_strings_exactly() {
        assert_eq!(dec("12.5"), dec(r#""12.50""#));
        assert_eq!(dec("0.1").to_string(), "0.1");
        assert_eq!(dec("-3").to_string(), "-3");
        assert_eq!(dec(r#"" 7.25 ""#).to_string(), "7.25");
        assert_eq!(dec(r#""1e3""#).to_string(), "1000");
        assert_eq!(
            dec("18446744073709551615").to_string(),
            "18446744073709551615"
        );
    }

    #[test]
    fn rejects_non_numbers_without_quoting_them() {
        let err = serde_json::from_str::<Decimal>(r#""Jane""#).unwrap_err();
        assert!(!err.to_string().contains("Jane"), "{err}");
        assert!(serde_json::from_str::<Decimal>("true").is_err());
    }

    #[test]
    fn writes_json_numbers() {
        assert_eq!(serde_json::to_string(&dec(r#""12.50""#)).unwrap(), "12.5");
        assert_eq!(serde_json::to_string(&dec(r#""100.00""#)).unwrap(), "100");
        assert_eq!(serde_json::to_string(&dec("0.1")).unwrap(), "0.1");
    }
}
