//! Behaviour tests of the simulator over loopback HTTP, as a client sees it.

mod auth;
mod cli;
mod common;
mod crud;
mod export;
mod faults;
mod paging;
mod reporting;
