//! Behaviour of the st-core runtime over real loopback HTTP (wiremock), seen the way a user of a
//! generated crate sees it: through a client shaped like progenitor's output, wired with
//! `st_core::wire_client!`.
//!
//! One test binary (modules below) keeps link time down.

mod support;

mod config;
mod errors;
mod headers;
mod lenient;
mod redaction;
mod retries;
mod token;
