//! Workspace-level behaviour tests: the generated area crates, through the `servicetitan`
//! umbrella, against the `st-mock` simulator over loopback HTTP, asserting what a user would
//! observe (values returned, error kinds) and what ServiceTitan would have seen (the requests).
//!
//! One test binary (modules below) so the generated crates are linked once.

mod support;

mod drift;
mod export;
mod faults;
mod guide;
mod paging;
mod writes;
