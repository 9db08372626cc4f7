//! What the ServiceTitan SDK benchmarks share: the servers they call, the JSON they decode, the
//! SDK and plain-`reqwest` clients they compare, and the statistics they print.
//!
//! The figures, the commands that produce them and the machine they were measured on are in
//! `BENCHMARKS.md` at the workspace root. Two kinds of programs use this crate:
//!
//! - criterion benches (`cargo bench -p servicetitan-benches`): `call_overhead`, `decode`;
//! - bench binaries, where criterion does not fit (a ratio that must be measured pair by pair on
//!   a shared machine, a count of token requests, a process's peak memory): `call-overhead`,
//!   `decode`, `token-single-flight`, `export-memory`.
//!
//! Nothing here asserts a timing: the tests only check that the set-up is what the benchmarks
//! claim it is (same bytes, same headers, same row counts).

pub mod alloc_count;
pub mod cli;
pub mod clients;
pub mod fixed;
pub mod fixtures;
pub mod machine;
pub mod sim;
pub mod stats;
