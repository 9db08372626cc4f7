//! ServiceTitan Equipment Systems API: a typed client generated from ServiceTitan's OpenAPI spec.
//!
//! Build a [`Client`] once per tenant with [`Client::from_env`] or [`Client::from_core`]; every
//! call goes through [`st_core`] (OAuth2 token, `ST-App-Key`, retries, rate limiting, errors).
//! See the crate README for an example; `servicetitan-equipment-systems`'s generated code lives in `src/generated/`.
//!
//! The attachment upload and download, which the generator cannot express, are written by hand
//! in [`extras`]: [`Client::installed_equipment_post_attachment`] (`multipart/form-data`) and
//! [`Client::installed_equipment_get2`] (follows ServiceTitan's redirect to storage, or exposes
//! it).

#[rustfmt::skip]
mod generated;
pub mod extras;

pub use generated::*;
pub use st_core;
