//! Stage `check` and the commands around the pipeline: `generate` (write or `--check`) and
//! `stats`.

use std::path::Path;

use anyhow::{Result, bail};

use crate::pipeline;

/// `cargo xtask generate [--area X] [--check] [-v]`.
pub fn generate(root: &Path, area: Option<&str>, check: bool, verbose: bool) -> Result<()> {
    let (outputs, took) = pipeline::all(&root.join("specs"), area)?;
    let crates_dir = root.join("crates");
    let lines: usize = outputs.iter().map(|o| o.files.rust_lines).sum();
    if !check {
        let files: Vec<_> = outputs.into_iter().map(|o| o.files).collect();
        crate::write::write_all(&crates_dir, &files)?;
        println!(
            "generated {} crates, {lines} lines of Rust in {:.2?}",
            files.len(),
            took
        );
        return Ok(());
    }
    let mut drifted = 0;
    for o in &outputs {
        let drift = crate::write::drift(&crates_dir, &o.files);
        if drift.is_empty() {
            println!("✓ {}", o.files.crate_name);
            continue;
        }
        drifted += 1;
        println!("✗ {} ({} files differ)", o.files.crate_name, drift.len());
        for (path, expected, found) in drift {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .display()
                .to_string();
            match &found {
                None => println!("    missing {rel}"),
                Some(_) => println!("    differs {rel}"),
            }
            if verbose {
                let found = found.unwrap_or_default();
                let diff = similar::TextDiff::from_lines(&found, &expected);
                print!(
                    "{}",
                    diff.unified_diff()
                        .context_radius(2)
                        .header(&format!("{rel} (on disk)"), &format!("{rel} (generated)"))
                );
            }
        }
    }
    println!(
        "checked {} crates, {lines} lines of Rust in {:.2?}",
        outputs.len(),
        took
    );
    if drifted > 0 {
        bail!(
            "{drifted} crate(s) differ from the specs: run `cargo xtask generate` and commit the result"
        );
    }
    Ok(())
}

/// `cargo xtask stats`.
pub fn stats(root: &Path) -> Result<()> {
    let (outputs, _) = pipeline::all(&root.join("specs"), None)?;
    println!(
        "{:<24} {:>6} {:>9} {:>6} {:>6} {:>7} {:>8}",
        "area", "spec", "generated", "extras", "paged", "exports", "lines"
    );
    let mut totals = (0, 0, 0, 0, 0);
    for o in &outputs {
        println!(
            "{:<24} {:>6} {:>9} {:>6} {:>6} {:>7} {:>8}",
            o.files.area, o.operations, o.operations, 0, o.paged, o.exports, o.files.rust_lines
        );
        totals = (
            totals.0 + o.operations,
            totals.1 + o.operations,
            totals.2 + o.paged,
            totals.3 + o.exports,
            totals.4 + o.files.rust_lines,
        );
    }
    println!(
        "{:<24} {:>6} {:>9} {:>6} {:>6} {:>7} {:>8}",
        "total", totals.0, totals.1, 0, totals.2, totals.3, totals.4
    );
    Ok(())
}
