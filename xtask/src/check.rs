//! Stage `check` and the commands around the pipeline: `generate` (write or `--check`) and
//! `stats`.

use std::path::Path;

use anyhow::{Result, bail};

use crate::pipeline::{self, AreaOutput};

/// Set-aside operations of an area and whether its hand-written `src/extras.rs` covers each (a
/// method that names the operationId as a string literal, as it passes it to st-core).
fn extras_coverage(root: &Path, o: &AreaOutput) -> Vec<(String, bool)> {
    let extras = std::fs::read_to_string(
        root.join("crates")
            .join(&o.files.crate_name)
            .join("src/extras.rs"),
    )
    .unwrap_or_default();
    o.set_aside
        .keys()
        .map(|op| (op.clone(), extras.contains(&format!("\"{op}\""))))
        .collect()
}

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
    let missing: Vec<String> = outputs
        .iter()
        .flat_map(|o| {
            extras_coverage(root, o)
                .into_iter()
                .filter(|(_, ok)| !ok)
                .map(|(op, _)| format!("{}: {op}", o.files.crate_name))
        })
        .collect();
    if !missing.is_empty() {
        bail!(
            "operations set aside for hand-written extras have no method in src/extras.rs:\n  {}",
            missing.join("\n  ")
        );
    }
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
    let row = |a: &str, n: [usize; 6]| {
        println!(
            "{a:<24} {:>6} {:>9} {:>6} {:>6} {:>7} {:>8}",
            n[0], n[1], n[2], n[3], n[4], n[5]
        )
    };
    println!(
        "{:<24} {:>6} {:>9} {:>6} {:>6} {:>7} {:>8}",
        "area", "spec", "generated", "extras", "paged", "exports", "lines"
    );
    let mut total = [0usize; 6];
    let mut missing = Vec::new();
    for o in &outputs {
        let coverage = extras_coverage(root, o);
        let extras = coverage.iter().filter(|(_, ok)| *ok).count();
        missing.extend(
            coverage
                .iter()
                .filter(|(_, ok)| !ok)
                .map(|(op, _)| format!("{}: {op}", o.files.area)),
        );
        let n = [
            o.operations,
            o.operations - o.set_aside.len(),
            extras,
            o.paged,
            o.exports,
            o.files.rust_lines,
        ];
        row(&o.files.area, n);
        total.iter_mut().zip(n).for_each(|(t, n)| *t += n);
    }
    row("total", total);
    let callable = total[1] + total[2];
    println!(
        "{callable} of {} operations callable ({} generated, {} hand-written extras)",
        total[0], total[1], total[2]
    );
    if !missing.is_empty() {
        println!(
            "not yet callable (set aside, no extras method):\n  {}",
            missing.join("\n  ")
        );
    }
    Ok(())
}
