//! ServiceTitan Forms API: a typed client generated from ServiceTitan's OpenAPI spec.
//!
//! Build a [`Client`] once per tenant with [`Client::from_env`] or [`Client::from_core`]; every
//! call goes through [`st_core`] (OAuth2 token, `ST-App-Key`, retries, rate limiting, errors).
//! See the crate README for an example; `servicetitan-forms`'s generated code lives in `src/generated/`.
//!
//! Job attachments, which the generator cannot express, are written by hand in [`extras`]:
//! [`Client::jobs_create_attachment`] (`multipart/form-data`), [`Client::jobs_get`] (the file)
//! and [`Client::jobs_get_job_attachments`] (a paged list with `.stream()`).

#[rustfmt::skip]
mod generated;
pub mod extras;

pub use generated::*;
pub use st_core;
