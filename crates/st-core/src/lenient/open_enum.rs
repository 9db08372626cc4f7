//! Support for [`open_enum!`](crate::open_enum): the trait each expansion implements and the
//! shared (de)serialisation code, so that each of the ~200 expansions is a few short functions.

use std::fmt;
use std::marker::PhantomData;

use serde::{Deserializer, Serializer, de};

/// Implemented by [`open_enum!`](crate::open_enum); not meant to be implemented by hand.
pub trait OpenEnum: Sized {
    /// The known variant with this wire text (string enums: the value; integer enums: the
    /// variant name).
    fn from_known_str(s: &str) -> Option<Self>;
    /// The known variant with this wire number (integer enums only).
    fn from_known_int(n: i64) -> Option<Self>;
    /// The `Unknown` variant.
    fn unknown(raw: String) -> Self;
    /// The wire text of a string enum's variant, an integer enum's variant name, or the raw
    /// text of `Unknown`.
    fn text(&self) -> &str;
    /// The wire number of an integer enum's known variant.
    fn number(&self) -> Option<i64>;
}

/// Parses wire text: a known value, an integer enum's number in text, or `Unknown`.
pub fn parse<T: OpenEnum>(s: &str) -> T {
    T::from_known_str(s)
        .or_else(|| s.trim().parse().ok().and_then(T::from_known_int))
        .unwrap_or_else(|| T::unknown(s.to_owned()))
}

fn from_int<T: OpenEnum>(n: i64) -> T {
    T::from_known_int(n).unwrap_or_else(|| T::unknown(n.to_string()))
}

/// Serialises a known string value as a string, a known integer value as a number, and
/// `Unknown` as what it was read from: a number if its text is an integer, else a string.
pub fn serialize<T: OpenEnum, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    match value.number() {
        Some(n) => serializer.serialize_i64(n),
        None => serializer.serialize_str(value.text()),
    }
}

/// Deserialises a string or an integer (also where the spec declares strings: ServiceTitan
/// sends enum ordinals in places); anything not known becomes `Unknown`.
pub fn deserialize<'de, T: OpenEnum, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    struct Visitor<T>(PhantomData<T>);
    impl<T: OpenEnum> de::Visitor<'_> for Visitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an enum value as a string or an integer")
        }

        fn visit_str<E: de::Error>(self, s: &str) -> Result<T, E> {
            Ok(parse(s))
        }

        fn visit_i64<E: de::Error>(self, n: i64) -> Result<T, E> {
            Ok(from_int(n))
        }

        fn visit_u64<E: de::Error>(self, n: u64) -> Result<T, E> {
            Ok(match i64::try_from(n) {
                Ok(n) => from_int(n),
                Err(_) => T::unknown(n.to_string()),
            })
        }
    }
    deserializer.deserialize_any(Visitor(PhantomData))
}

/// Declares an open enum: the known variants plus `Unknown(String)`, so that values added to the
/// API after this crate was generated do not break decoding.
///
/// String enums (the wire form is the string; integers are accepted too and kept as
/// `Unknown("<n>")`):
///
/// ```
/// st_core::open_enum! {
///     /// The kind of customer.
///     pub enum CustomerType : string { Residential = "Residential", Commercial = "Commercial" }
/// }
///
/// let t: CustomerType = serde_json::from_str(r#""Commercial""#).unwrap();
/// assert_eq!(t, CustomerType::Commercial);
/// let new: CustomerType = serde_json::from_str(r#""Government""#).unwrap();
/// assert_eq!(new, CustomerType::Unknown("Government".into()));
/// assert!(new.is_unknown());
/// assert_eq!(serde_json::to_string(&new).unwrap(), r#""Government""#);
/// let ordinal: CustomerType = serde_json::from_str("2").unwrap();
/// assert_eq!(ordinal.as_str(), "2");
/// assert_eq!("Residential".parse::<CustomerType>().unwrap(), CustomerType::Residential);
/// ```
///
/// Integer enums (the wire form is the number; `as_str` and `Display` give the variant name):
///
/// ```
/// st_core::open_enum! { pub enum Priority : integer { Low = 0, High = 1 } }
///
/// let p: Priority = serde_json::from_str("1").unwrap();
/// assert_eq!((p.clone(), p.as_str()), (Priority::High, "High"));
/// assert_eq!(serde_json::to_string(&p).unwrap(), "1");
/// let other: Priority = serde_json::from_str("7").unwrap();
/// assert_eq!(serde_json::to_string(&other).unwrap(), "7");
/// ```
///
/// The type derives `Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord` and implements
/// `Serialize`, `Deserialize`, `Display` and `FromStr` (which never fails). It needs nothing in
/// scope but `st_core`.
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : string {
            $($(#[$vmeta:meta])* $variant:ident = $value:literal),* $(,)?
        }
    ) => {
        $crate::__open_enum_common! { $(#[$meta])* $vis $name { $($(#[$vmeta])* $variant)* } }
        impl $crate::__private::OpenEnum for $name {
            fn from_known_str(s: &str) -> ::core::option::Option<Self> {
                match s {
                    $($value => ::core::option::Option::Some(Self::$variant),)*
                    _ => ::core::option::Option::None,
                }
            }
            fn from_known_int(_: i64) -> ::core::option::Option<Self> {
                ::core::option::Option::None
            }
            fn unknown(raw: ::std::string::String) -> Self {
                Self::Unknown(raw)
            }
            fn text(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(raw) => raw,
                }
            }
            fn number(&self) -> ::core::option::Option<i64> {
                match self {
                    Self::Unknown(raw) => raw.parse().ok(),
                    _ => ::core::option::Option::None,
                }
            }
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : integer {
            $($(#[$vmeta:meta])* $variant:ident = $value:literal),* $(,)?
        }
    ) => {
        $crate::__open_enum_common! { $(#[$meta])* $vis $name { $($(#[$vmeta])* $variant)* } }
        impl $crate::__private::OpenEnum for $name {
            fn from_known_str(s: &str) -> ::core::option::Option<Self> {
                match s {
                    $(::core::stringify!($variant) => ::core::option::Option::Some(Self::$variant),)*
                    _ => ::core::option::Option::None,
                }
            }
            fn from_known_int(n: i64) -> ::core::option::Option<Self> {
                match n {
                    $($value => ::core::option::Option::Some(Self::$variant),)*
                    _ => ::core::option::Option::None,
                }
            }
            fn unknown(raw: ::std::string::String) -> Self {
                Self::Unknown(raw)
            }
            fn text(&self) -> &str {
                match self {
                    $(Self::$variant => ::core::stringify!($variant),)*
                    Self::Unknown(raw) => raw,
                }
            }
            fn number(&self) -> ::core::option::Option<i64> {
                match self {
                    $(Self::$variant => ::core::option::Option::Some($value),)*
                    Self::Unknown(raw) => raw.parse().ok(),
                }
            }
        }
    };
}

/// The part of [`open_enum!`] shared by string and integer enums.
#[doc(hidden)]
#[macro_export]
macro_rules! __open_enum_common {
    ($(#[$meta:meta])* $vis:vis $name:ident { $($(#[$vmeta:meta])* $variant:ident)* }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version of the SDK does not know, kept as received.
            Unknown(::std::string::String),
        }

        impl $name {
            /// The wire text (string enums) or variant name (integer enums); the raw value for
            /// `Unknown`.
            pub fn as_str(&self) -> &str {
                $crate::__private::OpenEnum::text(self)
            }

            /// Whether this is a value the SDK does not know.
            pub fn is_unknown(&self) -> bool {
                ::core::matches!(self, Self::Unknown(_))
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;
            fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok($crate::__private::open_enum::parse(s))
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error>
            where
                S: $crate::__private::serde::Serializer,
            {
                $crate::__private::open_enum::serialize(self, serializer)
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::core::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                $crate::__private::open_enum::deserialize(deserializer)
            }
        }
    };
}
