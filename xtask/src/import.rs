//! Stage `import`: recognise each spec, copy it to specs/<area>.json, rewrite specs/specs.lock.
use std::path::{Path, PathBuf};

pub fn run(_sources: &[PathBuf], _specs_dir: &Path) -> anyhow::Result<()> {
    anyhow::bail!("specs import is not implemented yet")
}
