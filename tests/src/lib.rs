//! No library API: this package holds the workspace-level behaviour tests of the ServiceTitan
//! SDK, in `tests/sdk/` (one test binary, so the generated area crates are linked once).
//! Run them with `cargo test -p servicetitan-tests`.
