//! ServiceTitan Settings API: a typed client generated from ServiceTitan's OpenAPI spec.
//!
//! Build a [`Client`] once per tenant with [`Client::from_env`] or [`Client::from_core`]; every
//! call goes through [`st_core`] (OAuth2 token, `ST-App-Key`, retries, rate limiting, errors).
//! See the crate README for an example; `servicetitan-settings`'s generated code lives in `src/generated/`.

#[rustfmt::skip]
mod generated;
pub mod extras;

pub use generated::*;
pub use st_core;
