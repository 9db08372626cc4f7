//! Stage `fixups`: named, per-area corrections of ServiceTitan spec defects. Each fixup cites the
//! defect it corrects and fails loudly when its target no longer exists, so a fixed upstream spec
//! makes us delete the fixup instead of silently carrying it. Fixups run after the generic
//! `normalize` stages, so paths no longer carry `/tenant/{tenant}`.

use anyhow::{Result, anyhow, bail};
use serde_json::Value;

use crate::report::Report;

/// A correction of one spec defect.
pub struct Fixup {
    /// Area key the fixup applies to.
    pub area: &'static str,
    /// Name, used in errors and in GENERATION.md.
    pub name: &'static str,
    /// The defect, in one sentence.
    pub defect: &'static str,
    /// Applies the correction; errors when the defect is no longer there.
    pub apply: fn(&mut Value) -> Result<()>,
}

/// Every fixup, in the order they run.
pub const FIXUPS: &[Fixup] = &[Fixup {
    area: "inventory",
    name: "receipts_cancel_duplicate_id",
    defect: "`Receipts_CancelReceipts` (PATCH /receipts/{id}/cancellation) declares `id` twice, \
             in the path and again in the query; progenitor cannot name two parameters `id`, and \
             the query copy duplicates the path value",
    apply: receipts_cancel_duplicate_id,
}];

/// Applies the fixups registered for `area`.
pub fn run(area: &str, doc: &mut Value, report: &mut Report) -> Result<()> {
    for fixup in FIXUPS.iter().filter(|f| f.area == area) {
        (fixup.apply)(doc).map_err(|e| {
            anyhow!("fixup `{}` no longer applies ({e}); the spec may be fixed upstream: delete the fixup", fixup.name)
        })?;
        report.note(&format!("fixup {}", fixup.name), fixup.defect);
    }
    Ok(())
}

fn operation<'a>(
    doc: &'a mut Value,
    path: &str,
    method: &str,
) -> Result<&'a mut serde_json::Map<String, Value>> {
    doc.get_mut("paths")
        .and_then(|p| p.get_mut(path))
        .and_then(|p| p.get_mut(method))
        .and_then(Value::as_object_mut)
        .ok_or_else(|| anyhow!("operation {} {path} not found", method.to_uppercase()))
}

fn receipts_cancel_duplicate_id(doc: &mut Value) -> Result<()> {
    let op = operation(doc, "/receipts/{id}/cancellation", "patch")?;
    let params = op
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| anyhow!("no parameters"))?;
    let before = params.len();
    params.retain(|p| !(p["name"] == "id" && p["in"] == "query"));
    if params.len() == before {
        bail!("no query parameter `id` to remove");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fixup_fails_loudly_once_the_defect_is_gone() {
        let mut doc = json!({"paths": {"/receipts/{id}/cancellation": {"patch": {"parameters": [
            {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}
        ]}}}});
        let err = run("inventory", &mut doc, &mut Report::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("receipts_cancel_duplicate_id") && err.contains("no longer applies"),
            "{err}"
        );
    }

    #[test]
    fn fixup_removes_the_query_duplicate() {
        let mut doc = json!({"paths": {"/receipts/{id}/cancellation": {"patch": {"parameters": [
            {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
            {"name": "id", "in": "query", "schema": {"type": "integer"}}
        ]}}}});
        run("inventory", &mut doc, &mut Report::default()).unwrap();
        assert_eq!(
            doc["paths"]["/receipts/{id}/cancellation"]["patch"]["parameters"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
}
