//! The per-crate generation report (GENERATION.md): every rewrite that changes what an operation
//! looks like, and notes about document-wide rewrites.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Collected while a spec goes through the pipeline.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// Document-wide rewrites: stage → what it did.
    notes: Vec<(String, String)>,
    /// Per-operation rewrites: operationId → what changed.
    changes: BTreeMap<String, Vec<String>>,
}

impl Report {
    /// A document-wide rewrite.
    pub fn note(&mut self, stage: &str, what: impl Into<String>) {
        self.notes.push((stage.to_string(), what.into()));
    }

    /// A rewrite that changes the shape of one operation.
    pub fn change(&mut self, operation: &str, what: impl Into<String>) {
        self.changes
            .entry(operation.to_string())
            .or_default()
            .push(what.into());
    }

    /// Renders the report as Markdown.
    pub fn to_markdown(&self, header: &str, title: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "<!-- {header} -->\n# {title}\n");
        let _ = writeln!(
            out,
            "What `cargo xtask generate` did to the spec beyond generic, shape-preserving rewrites.\n"
        );
        let _ = writeln!(out, "## Document-wide\n");
        for (stage, what) in &self.notes {
            let _ = writeln!(out, "- `{stage}`: {what}");
        }
        let _ = writeln!(out, "\n## Operations\n");
        if self.changes.is_empty() {
            let _ = writeln!(
                out,
                "None: every operation is generated as the spec declares it."
            );
        }
        for (op, whats) in &self.changes {
            for what in whats {
                let _ = writeln!(out, "- `{op}`: {what}");
            }
        }
        out
    }
}
