//! Runs the stages for every imported area: read → normalize → fixups → generate → render.
//! Everything happens in memory; only `write` touches the crates.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, anyhow};
use serde_json::Value;

use crate::report::Report;
use crate::write::{CrateFiles, CrateMeta};
use crate::{fixups, generate, normalize};

/// One area's output plus what `stats` reports about it.
pub struct AreaOutput {
    /// Rendered files.
    pub files: CrateFiles,
    /// Operations in the spec.
    pub operations: usize,
    /// Paged list operations with stream glue.
    pub paged: usize,
    /// Export operations with export glue.
    pub exports: usize,
    /// Operations left to hand-written extras: operationId → why.
    pub set_aside: std::collections::BTreeMap<String, String>,
}

/// The areas listed in specs/specs.lock, after checking that each imported file matches its hash:
/// (area key, imported file name, spec date when known).
pub fn spec_files(specs_dir: &Path) -> Result<Vec<(String, String, Option<String>)>> {
    let lock_path = specs_dir.join(crate::lock::FILE_NAME);
    if !lock_path.exists() {
        return Err(anyhow!(
            "{} is missing: run `cargo xtask specs import <folder>` first",
            lock_path.display()
        ));
    }
    let lock = crate::lock::SpecsLock::read(&lock_path)?;
    lock.verify_files(specs_dir)?;
    Ok(lock
        .entries()
        .iter()
        .map(|e| (e.area.clone(), e.file.clone(), e.source_date.clone()))
        .collect())
}

/// Generates one area from `specs/<file>`.
pub fn area(specs_dir: &Path, area: &str, file: &str, date: Option<&str>) -> Result<AreaOutput> {
    let path = specs_dir.join(file);
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let sha = crate::lock::sha256_hex(&bytes);
    let mut doc: Value =
        serde_json::from_slice(&bytes).with_context(|| format!("{}: not JSON", path.display()))?;
    let title = doc
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or(area)
        .to_string();
    let description = doc
        .pointer("/info/description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();

    let mut report = Report::default();
    let layout = normalize::run(&mut doc, &mut report)
        .with_context(|| format!("specs/{file}: normalize"))?;
    fixups::run(area, &mut doc, &mut report).with_context(|| format!("specs/{file}: fixups"))?;
    normalize::validate(&mut doc).with_context(|| format!("specs/{file}: validate"))?;
    let generated = generate::run(doc, &layout, &mut report)
        .with_context(|| format!("specs/{file}: generate"))?;
    // Build metadata records which spec a release was generated from: its date when the import
    // folder was dated, its hash otherwise.
    let version = format!(
        "{}+{}",
        crate::write::BASE_VERSION,
        date.map(str::to_string)
            .unwrap_or_else(|| format!("sha.{}", &sha[..8]))
    );
    let meta = CrateMeta {
        area,
        spec_file: file,
        sha256: &sha,
        title: &title,
        description: &description,
        service_path: &layout.service_path,
        version: &version,
    };
    let files = crate::write::render(&meta, &generated, &report);
    Ok(AreaOutput {
        files,
        operations: generated.operations,
        paged: generated.paged.len(),
        exports: generated.exports.len(),
        set_aside: generated.set_aside,
    })
}

/// Generates the selected areas (all when `only` is None) on all cores; fails if any area fails,
/// naming every failure.
pub fn all(specs_dir: &Path, only: Option<&str>) -> Result<(Vec<AreaOutput>, std::time::Duration)> {
    let start = Instant::now();
    let mut areas = spec_files(specs_dir)?;
    if let Some(only) = only {
        areas.retain(|(a, _, _)| a == only);
        if areas.is_empty() {
            return Err(anyhow!(
                "no spec for area `{only}` in {}",
                specs_dir.display()
            ));
        }
    }
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let chunks: Vec<Vec<(String, String, Option<String>)>> = (0..threads)
        .map(|i| areas.iter().skip(i).step_by(threads).cloned().collect())
        .collect();
    let results: Vec<(String, Result<AreaOutput>)> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|(a, f, d)| {
                            let r = area(specs_dir, &a, &f, d.as_deref());
                            (a, r)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("generation thread"))
            .collect()
    });
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for (a, r) in results {
        match r {
            Ok(o) => ok.push(o),
            Err(e) => errors.push(format!("{a}: {e:#}")),
        }
    }
    if !errors.is_empty() {
        errors.sort();
        return Err(anyhow!(
            "generation failed, nothing written:\n{}",
            errors.join("\n")
        ));
    }
    ok.sort_by(|a, b| a.files.area.cmp(&b.files.area));
    Ok((ok, start.elapsed()))
}
