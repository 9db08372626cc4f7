//! Behaviour tests of the simulator over loopback HTTP, as a client sees it.

mod auth;
#[cfg(feature = "cli")]
mod cli;
mod common;
mod crud;
mod export;
mod faults;
mod paging;
mod reporting;
