//! Value types that accept what ServiceTitan actually sends, not only what its specs declare.
//!
//! - [`Timestamp`]: RFC 3339 with or without an offset (none means UTC), any fraction length
//!   (ServiceTitan sends 7 digits).
//! - [`Decimal`]: money as a JSON number or a string.
//! - [`open_enum!`](crate::open_enum): enums with an `Unknown(String)` variant, accepting integers
//!   where strings are declared.
//!
//! Their error messages, like the rest of the crate's, never quote the rejected value.

mod decimal;
#[doc(hidden)]
pub mod open_enum;
mod timestamp;

pub use decimal::{Decimal, ParseDecimalError};
pub use timestamp::{ParseTimestampError, Timestamp};
