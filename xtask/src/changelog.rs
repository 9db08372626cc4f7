//! CHANGELOG.md: when `specs import` replaces specs, the `specs diff` report (what changed for
//! users, breaking or not, and the version bump per crate) is recorded under `## Unreleased`, so
//! the release notes are written from the same classification the versions follow.

use std::path::Path;

use anyhow::Result;

const UNRELEASED: &str = "## Unreleased";

/// Adds `report` to the `Unreleased` section of `<workspace>/CHANGELOG.md`, creating either.
pub fn record(workspace: &Path, report: &str) -> Result<()> {
    let path = workspace.join("CHANGELOG.md");
    let old = std::fs::read_to_string(&path).unwrap_or_else(|_| "# Changelog\n".to_string());
    let entry = format!("### Spec changes\n\n```text\n{}\n```\n", report.trim_end());
    let new = match old.find(UNRELEASED) {
        Some(at) => {
            let body = at + UNRELEASED.len();
            format!("{}\n\n{entry}{}", &old[..body], &old[body..])
        }
        None => match old.find("\n## ") {
            Some(at) => format!("{}\n{UNRELEASED}\n\n{entry}{}", &old[..at], &old[at..]),
            None => format!("{}\n{UNRELEASED}\n\n{entry}", old.trim_end()),
        },
    };
    crate::write::write_atomic(&path, &new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_goes_under_unreleased_above_older_releases() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("CHANGELOG.md"),
            "# Changelog\n\n## 0.1.0\n\nFirst.\n",
        )
        .unwrap();
        record(dir.path(), "crm: ✗ Customers_Delete removed").unwrap();
        let text = std::fs::read_to_string(dir.path().join("CHANGELOG.md")).unwrap();
        let unreleased = text.find("## Unreleased").unwrap();
        assert!(unreleased < text.find("## 0.1.0").unwrap(), "{text}");
        assert!(text.contains("Customers_Delete removed"));
    }

    #[test]
    fn second_report_joins_the_same_unreleased_section() {
        let dir = tempfile::tempdir().unwrap();
        record(dir.path(), "first").unwrap();
        record(dir.path(), "second").unwrap();
        let text = std::fs::read_to_string(dir.path().join("CHANGELOG.md")).unwrap();
        assert_eq!(text.matches("## Unreleased").count(), 1, "{text}");
        assert!(text.find("second").unwrap() < text.find("first").unwrap());
    }
}
