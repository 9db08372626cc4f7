//! Stage `import`: recognise each spec, copy it to specs/<area>.json, rewrite specs/specs.lock.
//!
//! `cargo xtask specs import <folder-or-file>...` takes ServiceTitan downloads as they come (any
//! file names; folders contribute every `*.json` directly inside them) and:
//!
//! 1. loads and checks every input, collecting every problem before giving up: malformed JSON,
//!    Swagger 2.0, an OpenAPI version other than 3.0.x / 3.1.x, an area that cannot be recognised
//!    from the document, two inputs for one area;
//! 2. only when all inputs are good, writes each changed spec to a temporary file in specs/, the
//!    new lock likewise, and renames them into place (the lock last), so an error leaves specs/
//!    as it was;
//! 3. reports what changed against the previous lock and, for replaced specs whose previous copy
//!    is still in specs/, the `specs diff` of old against new.
//!
//! Imports merge: areas not among the inputs keep their lock entries, so one updated spec can be
//! imported alone. An area leaves the lock only when it leaves [`crate::areas`].

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde_json::Value;

use crate::areas::{self, Area};
use crate::diff::{self, Known, SpecSet};
use crate::lock::{self, LockEntry, SpecsLock};

/// A spec file that passed the import checks.
#[derive(Debug, Clone)]
pub struct Spec {
    pub path: PathBuf,
    pub area: &'static Area,
    pub bytes: Vec<u8>,
    pub doc: Value,
    pub sha256: String,
    pub openapi: String,
    pub info_version: String,
    pub operations: usize,
}

/// Expands folders into their `*.json` files (sorted by name, not recursive).
pub fn expand_sources(sources: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for source in sources {
        let meta = std::fs::metadata(source)
            .with_context(|| format!("{}: cannot read", source.display()))?;
        if meta.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(source)
                .with_context(|| format!("{}: cannot list folder", source.display()))?
                .map(|e| e.map(|e| e.path()))
                .collect::<Result<_, _>>()
                .with_context(|| format!("{}: cannot list folder", source.display()))?;
            found.retain(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"));
            found.sort();
            if found.is_empty() {
                bail!("{}: folder has no *.json files", source.display());
            }
            files.extend(found);
        } else {
            files.push(source.clone());
        }
    }
    Ok(files)
}

/// Reads one file and checks that it is an OpenAPI 3.0/3.1 spec of a known area.
/// The error is the reason only; callers prefix the path.
pub fn load_spec(path: &Path) -> Result<Spec, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    check_spec(path, bytes)
}

/// [`load_spec`] for bytes already read.
pub fn check_spec(path: &Path, bytes: Vec<u8>) -> Result<Spec, String> {
    let doc: Value = serde_json::from_slice(&bytes).map_err(|e| format!("malformed JSON: {e}"))?;
    let Some(obj) = doc.as_object() else {
        return Err("not an OpenAPI document: the top level is not a JSON object".into());
    };
    if let Some(swagger) = obj.get("swagger") {
        return Err(format!(
            "Swagger {} document (`swagger: {swagger}`); only OpenAPI 3.0.x and 3.1.x are supported",
            swagger.as_str().unwrap_or("2.0")
        ));
    }
    let openapi = match obj.get("openapi") {
        None => return Err("not an OpenAPI document: no `openapi` field".into()),
        Some(Value::String(v)) if is_supported_openapi(v) => v.clone(),
        Some(other) => {
            return Err(format!(
                "unsupported OpenAPI version {other} (supported: 3.0.x and 3.1.x)"
            ));
        }
    };
    let info_version = doc
        .get("info")
        .and_then(|i| i.get("version"))
        .and_then(Value::as_str)
        .ok_or("no `info.version` (required by OpenAPI)")?
        .to_string();
    let area = areas::recognise(&doc).map_err(|e| format!("cannot tell which API area: {e}"))?;
    Ok(Spec {
        path: path.to_path_buf(),
        area,
        sha256: lock::sha256_hex(&bytes),
        operations: lock::count_operations(&doc),
        bytes,
        doc,
        openapi,
        info_version,
    })
}

fn is_supported_openapi(version: &str) -> bool {
    let mut parts = version.split('.');
    let (Some(major), Some(minor), Some(patch), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    major == "3"
        && matches!(minor, "0" | "1")
        && !patch.is_empty()
        && patch.bytes().all(|b| b.is_ascii_digit())
}

/// Loads every file, recognising areas; all problems are collected into one error, one line
/// per file. Two files for one area are refused: which one is meant is the user's call.
pub fn load_specs(files: &[PathBuf]) -> anyhow::Result<BTreeMap<&'static str, Spec>> {
    let mut problems = Vec::new();
    let mut specs: BTreeMap<&'static str, Spec> = BTreeMap::new();
    for file in files {
        match load_spec(file) {
            Err(reason) => problems.push(format!("{}: {reason}", file.display())),
            Ok(spec) => {
                if let Some(first) = specs.get(spec.area.key) {
                    problems.push(format!(
                        "{}: second input for area `{}` (already given by {})",
                        file.display(),
                        spec.area.key,
                        first.path.display()
                    ));
                } else {
                    specs.insert(spec.area.key, spec);
                }
            }
        }
    }
    if !problems.is_empty() {
        bail!(
            "{} of {} inputs refused:\n  {}",
            problems.len(),
            files.len(),
            problems.join("\n  ")
        );
    }
    Ok(specs)
}

/// The folder name of `path` when it is a `YYYY-MM-DD` date.
fn source_date(path: &Path) -> Option<String> {
    let full = std::fs::canonicalize(path).ok()?;
    let name = full.parent()?.file_name()?.to_str()?;
    let b = name.as_bytes();
    let is_date = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
    is_date.then(|| name.to_string())
}

/// What an import did, for the caller to print.
#[derive(Debug)]
pub struct Outcome {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
    /// Whether specs.lock was rewritten.
    pub lock_written: bool,
    pub report: String,
    /// The `specs diff` report when specs were replaced, for CHANGELOG.md.
    pub spec_changes: Option<String>,
}

/// `cargo xtask specs import`: the import, then the spec changes recorded in the workspace's
/// CHANGELOG.md (only here, so that imports into scratch or test folders never touch it).
pub fn run(sources: &[PathBuf], specs_dir: &Path, workspace: &Path) -> anyhow::Result<()> {
    let outcome = import(sources, specs_dir)?;
    print!("{}", outcome.report);
    if let Some(changes) = &outcome.spec_changes {
        crate::changelog::record(workspace, changes)?;
        println!("CHANGELOG.md: the report above is recorded under `Unreleased`");
    }
    Ok(())
}

/// The import itself; see the module docs.
pub fn import(sources: &[PathBuf], specs_dir: &Path) -> anyhow::Result<Outcome> {
    let files = expand_sources(sources)?;
    let specs = load_specs(&files)?;
    let lock_path = specs_dir.join(lock::FILE_NAME);
    let previous = SpecsLock::read_or_empty(&lock_path)
        .context("the previous lock is unreadable; fix or delete it, then import again")?;

    // The new lock: previous entries of known areas, overlaid with the imports.
    let mut entries: BTreeMap<String, LockEntry> = previous
        .entries()
        .iter()
        .filter(|e| areas::by_key(&e.area).is_some())
        .map(|e| (e.area.clone(), e.clone()))
        .collect();
    for spec in specs.values() {
        let entry = LockEntry {
            area: spec.area.key.to_string(),
            file: spec.area.imported_file(),
            source: spec
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            source_date: source_date(&spec.path),
            sha256: spec.sha256.clone(),
            openapi: spec.openapi.clone(),
            info_version: spec.info_version.clone(),
            operations: spec.operations,
        };
        entries.insert(entry.area.clone(), entry);
    }
    let lock = SpecsLock::new(entries.into_values().collect())?;

    // Old copies, read before anything is replaced, for the diff report.
    let mut old_set = SpecSet::new(format!("{} (previous)", specs_dir.display()));
    let mut new_set = SpecSet::new(format!("{} (imported)", specs_dir.display()));

    let mut out = String::new();
    let mut outcome = Outcome {
        added: Vec::new(),
        changed: Vec::new(),
        removed: Vec::new(),
        unchanged: 0,
        lock_written: false,
        report: String::new(),
        spec_changes: None,
    };
    for old in previous.entries() {
        if areas::by_key(&old.area).is_none() {
            outcome.removed.push(old.area.clone());
        }
    }
    let mut writes: Vec<(PathBuf, &[u8])> = Vec::new();
    for spec in specs.values() {
        let key = spec.area.key;
        let target = specs_dir.join(spec.area.imported_file());
        let on_disk = std::fs::read(&target).ok();
        if on_disk.as_deref() != Some(spec.bytes.as_slice()) {
            writes.push((target.clone(), &spec.bytes));
        }
        match previous.entry(key) {
            None => outcome.added.push(key.to_string()),
            Some(old) if old.sha256 == spec.sha256 => outcome.unchanged += 1,
            Some(old) => {
                outcome.changed.push(key.to_string());
                let known_old = match on_disk {
                    Some(bytes) if lock::sha256_hex(&bytes) == old.sha256 => {
                        match check_spec(&target, bytes) {
                            Ok(old_spec) => Known::Full(Box::new(old_spec)),
                            Err(_) => Known::from_lock(old),
                        }
                    }
                    _ => Known::from_lock(old),
                };
                old_set.insert(key, known_old);
                new_set.insert(key, Known::Full(Box::new(spec.clone())));
            }
        }
    }
    let kept = previous
        .entries()
        .iter()
        .filter(|e| areas::by_key(&e.area).is_some() && !specs.contains_key(e.area.as_str()))
        .count();

    let lock_text = lock.to_text();
    let lock_changed = std::fs::read_to_string(&lock_path).ok().as_deref() != Some(&lock_text);
    if lock_changed {
        writes.push((lock_path.clone(), lock_text.as_bytes()));
    }
    if !writes.is_empty() {
        std::fs::create_dir_all(specs_dir)
            .with_context(|| format!("cannot create {}", specs_dir.display()))?;
        write_all_or_nothing(specs_dir, &writes)?;
    }
    outcome.lock_written = lock_changed;

    // The report.
    let total_ops: usize = specs.values().map(|s| s.operations).sum();
    let _ = writeln!(
        out,
        "Imported {} specs ({} operations) into {}",
        specs.len(),
        total_ops,
        specs_dir.display()
    );
    for spec in specs.values() {
        let key = spec.area.key;
        let source = spec.path.file_name().unwrap_or_default().to_string_lossy();
        let status = match previous.entry(key) {
            None => "new".to_string(),
            Some(old) if old.sha256 == spec.sha256 => "unchanged".to_string(),
            Some(old) => format!(
                "changed: sha256 {} → {}, {} → {} operations, OpenAPI {} → {}",
                &old.sha256[..12],
                &spec.sha256[..12],
                old.operations,
                spec.operations,
                old.openapi,
                spec.openapi
            ),
        };
        let mark = match status.as_str() {
            "new" => '+',
            "unchanged" => '=',
            _ => '~',
        };
        let _ = writeln!(
            out,
            "  {mark} {key:<22} {source:<30} {:>3} ops  OpenAPI {}  {status}",
            spec.operations, spec.openapi
        );
        if source != spec.area.file_name {
            let _ = writeln!(
                out,
                "      (recognised from the document; ServiceTitan publishes it as {})",
                spec.area.file_name
            );
        }
    }
    for area in &outcome.removed {
        let _ = writeln!(
            out,
            "  - {area:<22} removed: no longer a known area (xtask/src/areas.rs)"
        );
    }
    let _ = writeln!(
        out,
        "specs.lock: {} added, {} changed, {} removed, {} unchanged{}{}",
        outcome.added.len(),
        outcome.changed.len(),
        outcome.removed.len(),
        outcome.unchanged,
        if kept > 0 {
            format!(", {kept} kept (not in this import)")
        } else {
            String::new()
        },
        if lock_changed {
            ""
        } else {
            "; nothing to write"
        }
    );
    if !outcome.changed.is_empty() {
        let mut report = diff::compare(&old_set, &new_set);
        if let Some(workspace) = specs_dir.parent() {
            report.add_versions(workspace);
        }
        let _ = writeln!(out);
        let text = report.to_text();
        out.push_str(&text);
        outcome.spec_changes = Some(text);
    }
    outcome.report = out;
    Ok(outcome)
}

/// Writes every file to a temporary sibling first, then renames them all into place in order
/// (specs before the lock). A failure while writing removes the temporaries and leaves the
/// targets untouched.
fn write_all_or_nothing(dir: &Path, writes: &[(PathBuf, &[u8])]) -> anyhow::Result<()> {
    let pid = std::process::id();
    let mut temps: Vec<(PathBuf, &Path)> = Vec::new();
    let cleanup = |temps: &[(PathBuf, &Path)]| {
        for (temp, _) in temps {
            let _ = std::fs::remove_file(temp);
        }
    };
    for (target, bytes) in writes {
        let name = target.file_name().unwrap_or_default().to_string_lossy();
        // `.import-*.json` stays git-ignored like the specs, should a crash leave one behind.
        let temp = dir.join(format!(".import-{pid}-{name}"));
        if let Err(e) = std::fs::write(&temp, bytes) {
            cleanup(&temps);
            let _ = std::fs::remove_file(&temp);
            bail!("cannot write {}: {e}; nothing was changed", temp.display());
        }
        temps.push((temp, target));
    }
    for (i, (temp, target)) in temps.iter().enumerate() {
        if let Err(e) = std::fs::rename(temp, target) {
            cleanup(&temps[i..]);
            bail!(
                "cannot rename {} to {}: {e}; specs/ is partly updated, import again",
                temp.display(),
                target.display()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn data(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/import")
            .join(name)
    }

    /// Every file in a folder with its bytes: "untouched" means this does not change.
    fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    }

    /// A specs/ folder that already holds an import of crm.
    fn specs_dir_with_crm() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        import(&[data("good/crm.json")], dir.path()).unwrap();
        dir
    }

    fn refused(inputs: &[PathBuf]) -> String {
        let dir = specs_dir_with_crm();
        let before = snapshot(dir.path());
        let err = format!("{:#}", import(inputs, dir.path()).unwrap_err());
        assert_eq!(
            snapshot(dir.path()),
            before,
            "specs/ must be untouched on error"
        );
        err
    }

    #[test]
    fn imports_copies_bytes_and_writes_a_sorted_lock() {
        let dir = tempfile::tempdir().unwrap();
        let outcome = import(&[data("good")], dir.path()).unwrap();
        assert_eq!(outcome.added, ["crm", "salestech"]);
        assert!(outcome.lock_written);
        assert_eq!(
            std::fs::read(dir.path().join("salestech.json")).unwrap(),
            std::fs::read(data("good/sales-download (1).json")).unwrap()
        );
        let lock = SpecsLock::read(&dir.path().join("specs.lock")).unwrap();
        let areas: Vec<_> = lock.entries().iter().map(|e| e.area.as_str()).collect();
        assert_eq!(areas, ["crm", "salestech"]);
        let crm = lock.entry("crm").unwrap();
        assert_eq!(crm.file, "crm.json");
        assert_eq!(crm.source, "crm.json");
        assert_eq!(crm.openapi, "3.1.0");
        assert_eq!(crm.operations, 3);
        assert_eq!(
            crm.sha256,
            lock::sha256_hex(&std::fs::read(data("good/crm.json")).unwrap())
        );
        assert!(
            outcome
                .report
                .contains("ServiceTitan publishes it as salestech-v2.json")
        );
        lock.verify_files(dir.path()).unwrap();
    }

    #[test]
    fn reimporting_the_same_files_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        import(&[data("good")], dir.path()).unwrap();
        let before = snapshot(dir.path());
        let outcome = import(&[data("good")], dir.path()).unwrap();
        assert!(!outcome.lock_written);
        assert_eq!(outcome.unchanged, 2);
        assert!(outcome.added.is_empty() && outcome.changed.is_empty());
        assert!(
            outcome
                .report
                .contains("0 added, 0 changed, 0 removed, 2 unchanged")
        );
        assert_eq!(snapshot(dir.path()), before);
    }

    #[test]
    fn importing_one_area_keeps_the_others() {
        let dir = tempfile::tempdir().unwrap();
        import(&[data("good")], dir.path()).unwrap();
        let outcome = import(&[data("crm-v2-changed.json")], dir.path()).unwrap();
        assert_eq!(outcome.changed, ["crm"]);
        let lock = SpecsLock::read(&dir.path().join("specs.lock")).unwrap();
        assert_eq!(lock.entries().len(), 2);
        assert_eq!(lock.entry("crm").unwrap().source, "crm-v2-changed.json");
        assert!(
            outcome.report.contains("1 kept (not in this import)"),
            "{}",
            outcome.report
        );
    }

    #[test]
    fn replacing_a_spec_prints_the_diff_against_the_old_copy() {
        let dir = specs_dir_with_crm();
        let outcome = import(&[data("crm-v2-changed.json")], dir.path()).unwrap();
        assert_eq!(outcome.changed, ["crm"]);
        let report = &outcome.report;
        assert!(report.contains("✗ Customers_Delete"), "{report}");
        assert!(report.contains("+ Customers_Export"), "{report}");
        assert!(report.contains("minor"), "{report}");
    }

    #[test]
    fn replacing_a_spec_without_its_old_copy_reports_hashes_only() {
        let dir = specs_dir_with_crm();
        std::fs::remove_file(dir.path().join("crm.json")).unwrap();
        let outcome = import(&[data("crm-v2-changed.json")], dir.path()).unwrap();
        assert!(outcome.report.contains("only hashes"), "{}", outcome.report);
    }

    #[test]
    fn refuses_malformed_json_with_line_and_column() {
        let err = refused(&[data("bad/malformed.json")]);
        assert!(err.contains("malformed.json: malformed JSON"), "{err}");
        assert!(err.contains("line 4 column"), "{err}");
    }

    #[test]
    fn refuses_swagger_2() {
        let err = refused(&[data("bad/swagger2.json")]);
        assert!(err.contains("swagger2.json: Swagger 2.0 document"), "{err}");
    }

    #[test]
    fn refuses_openapi_4() {
        let err = refused(&[data("bad/openapi4.json")]);
        assert!(
            err.contains("openapi4.json: unsupported OpenAPI version \"4.0.0\""),
            "{err}"
        );
    }

    #[test]
    fn refuses_an_unknown_area() {
        let err = refused(&[data("bad/unknown-area.json")]);
        assert!(
            err.contains("unknown-area.json: cannot tell which API area"),
            "{err}"
        );
        assert!(
            err.contains("\"fleet\"") && err.contains("\"Fleet Management\""),
            "{err}"
        );
    }

    #[test]
    fn refuses_two_inputs_for_one_area() {
        let err = refused(&[data("good"), data("crm-v2-changed.json")]);
        assert!(
            err.contains("crm-v2-changed.json: second input for area `crm` (already given by"),
            "{err}"
        );
    }

    #[test]
    fn one_bad_input_refuses_the_whole_import_and_all_problems_are_listed() {
        let err = refused(&[data("good"), data("bad")]);
        assert!(err.starts_with("4 of 6 inputs refused"), "{err}");
        for name in [
            "malformed.json",
            "swagger2.json",
            "openapi4.json",
            "unknown-area.json",
        ] {
            assert!(err.contains(name), "{err}");
        }
    }

    #[test]
    fn accepts_only_openapi_3_0_and_3_1() {
        for ok in ["3.0.0", "3.0.1", "3.0.3", "3.1.0", "3.1.1"] {
            assert!(is_supported_openapi(ok), "{ok}");
        }
        for bad in ["2.0", "3.2.0", "4.0.0", "3.0", "3", "3.1.x", "3.1.0.1", ""] {
            assert!(!is_supported_openapi(bad), "{bad}");
        }
    }

    #[test]
    fn source_date_comes_from_a_dated_folder_only() {
        let dir = tempfile::tempdir().unwrap();
        let dated = dir.path().join("2026-05-21");
        std::fs::create_dir(&dated).unwrap();
        std::fs::write(dated.join("crm-v2.json"), "{}").unwrap();
        std::fs::write(dir.path().join("crm-v2.json"), "{}").unwrap();
        assert_eq!(
            source_date(&dated.join("crm-v2.json")).as_deref(),
            Some("2026-05-21")
        );
        assert_eq!(source_date(&dir.path().join("crm-v2.json")), None);
    }
}
