//! `specs diff`: per-area operation and type changes between two spec sets, with semver impact.
use std::path::Path;

pub fn run(_old: &Path, _new: &Path, _json: bool) -> anyhow::Result<()> {
    anyhow::bail!("specs diff is not implemented yet")
}
