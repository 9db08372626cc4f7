//! The 24 ServiceTitan API areas: area key (crate suffix), module path on the API host, spec title.
//!
//! The area key is the name ServiceTitan gives the spec file, minus `-v2.json` / `.json`
//! (`equipment-systems-v2.json` → `equipment-systems`). It names the crate
//! (`servicetitan-equipment-systems`) and the imported copy (`specs/equipment-systems.json`).
//!
//! A downloaded file's name says nothing reliable (browsers add ` (1)`, people rename), so an
//! import recognises the area from the document itself: first from the module path of its
//! `servers` URLs (`https://api.servicetitan.io/equipmentsystems/v2`), then from `info.title`.
//! Module paths and keys differ for six areas (`equipmentsystems`, `taskmanagement`,
//! `marketingads`, `marketingreputation`, `sales`, `schedulingpro`), and telecom's server has no
//! `/v2` (its paths carry `/v2/tenant/…` and one `/v3/tenant/…`).

use serde_json::Value;

/// One ServiceTitan API area, i.e. one spec file and one generated crate.
#[derive(Debug, PartialEq, Eq)]
pub struct Area {
    /// Area key: `equipment-systems`. Crate suffix and imported file stem.
    pub key: &'static str,
    /// Module path segment on the API host: `equipmentsystems`.
    pub module: &'static str,
    /// Path of the spec's server URL on the API host: `/equipmentsystems/v2`, `/telecom`.
    /// Operation paths are relative to it.
    pub server_path: &'static str,
    /// `info.title` of the spec: `Equipment Systems`.
    pub title: &'static str,
    /// The file name ServiceTitan publishes the spec under: `equipment-systems-v2.json`.
    /// The imported copy is [`Area::imported_file`] instead.
    pub file_name: &'static str,
    /// The generated crate: `servicetitan-equipment-systems`.
    pub crate_name: &'static str,
}

impl Area {
    /// Name of the imported copy inside `specs/`: `<key>.json`.
    pub fn imported_file(&self) -> String {
        format!("{}.json", self.key)
    }
}

macro_rules! area {
    ($key:literal, $module:literal, $server_path:literal, $title:literal, $file:literal) => {
        Area {
            key: $key,
            module: $module,
            server_path: $server_path,
            title: $title,
            file_name: $file,
            crate_name: concat!("servicetitan-", $key),
        }
    };
}

/// Sorted by key, which is also the order of specs.lock and of every report.
static AREAS: [Area; 24] = [
    area!(
        "accounting",
        "accounting",
        "/accounting/v2",
        "Accounting",
        "accounting-v2.json"
    ),
    area!("crm", "crm", "/crm/v2", "CRM", "crm-v2.json"),
    area!(
        "customer-interactions",
        "customer-interactions",
        "/customer-interactions/v2",
        "Customer Interactions",
        "customer-interactions-v2.json"
    ),
    area!(
        "dispatch",
        "dispatch",
        "/dispatch/v2",
        "Dispatch",
        "dispatch-v2.json"
    ),
    area!(
        "equipment-systems",
        "equipmentsystems",
        "/equipmentsystems/v2",
        "Equipment Systems",
        "equipment-systems-v2.json"
    ),
    area!(
        "findings",
        "findings",
        "/findings/v2",
        "Findings",
        "findings-v2.json"
    ),
    area!("forms", "forms", "/forms/v2", "Forms", "forms-v2.json"),
    area!(
        "inventory",
        "inventory",
        "/inventory/v2",
        "Inventory",
        "inventory-v2.json"
    ),
    area!("jbce", "jbce", "/jbce/v2", "Job Booking", "jbce-v2.json"),
    area!(
        "jpm",
        "jpm",
        "/jpm/v2",
        "Job Planning and Management",
        "jpm-v2.json"
    ),
    area!(
        "marketing",
        "marketing",
        "/marketing/v2",
        "Marketing",
        "marketing-v2.json"
    ),
    area!(
        "marketing-ads",
        "marketingads",
        "/marketingads/v2",
        "Marketing Ads",
        "marketing-ads-v2.json"
    ),
    area!(
        "marketing-reputation",
        "marketingreputation",
        "/marketingreputation/v2",
        "Marketing Reputation",
        "marketing-reputation-v2.json"
    ),
    area!(
        "memberships",
        "memberships",
        "/memberships/v2",
        "Memberships",
        "memberships-v2.json"
    ),
    area!(
        "payroll",
        "payroll",
        "/payroll/v2",
        "Payroll",
        "payroll-v2.json"
    ),
    area!(
        "pricebook",
        "pricebook",
        "/pricebook/v2",
        "Pricebook",
        "pricebook-v2.json"
    ),
    area!(
        "reporting",
        "reporting",
        "/reporting/v2",
        "Reporting",
        "reporting-v2.json"
    ),
    area!(
        "salestech",
        "sales",
        "/sales/v2",
        "Sales & Estimates",
        "salestech-v2.json"
    ),
    area!(
        "scheduling-pro",
        "schedulingpro",
        "/schedulingpro/v2",
        "Scheduling Pro",
        "scheduling-pro-v2.json"
    ),
    area!(
        "service-agreements",
        "service-agreements",
        "/service-agreements/v2",
        "Service Agreements",
        "service-agreements-v2.json"
    ),
    area!(
        "settings",
        "settings",
        "/settings/v2",
        "Settings",
        "settings-v2.json"
    ),
    area!(
        "task-management",
        "taskmanagement",
        "/taskmanagement/v2",
        "Task Management",
        "task-management-v2.json"
    ),
    area!("telecom", "telecom", "/telecom", "Telecom", "telecom.json"),
    area!(
        "timesheets",
        "timesheets",
        "/timesheets/v2",
        "Timesheets",
        "timesheets-v2.json"
    ),
];

/// All areas, sorted by key.
#[allow(dead_code, reason = "for the generate stage and tests")]
pub fn all() -> &'static [Area] {
    &AREAS
}

/// The area with this key (`equipment-systems`), if any.
pub fn by_key(key: &str) -> Option<&'static Area> {
    AREAS.iter().find(|a| a.key == key)
}

fn by_module(module: &str) -> Option<&'static Area> {
    AREAS.iter().find(|a| a.module == module)
}

fn by_title(title: &str) -> Option<&'static Area> {
    AREAS.iter().find(|a| a.title == title)
}

/// The module path segment of a server URL: `https://api.servicetitan.io/crm/v2` → `crm`,
/// `https://api.servicetitan.io/telecom` → `telecom`, `/crm/v2/` → `crm`.
/// `None` when the URL has no path below the host.
fn module_of_server_url(url: &str) -> Option<&str> {
    let after_scheme = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => url,
    };
    // Without a scheme the URL may be relative (`/crm/v2`); with one, skip the host.
    let path = if url.contains("://") {
        &after_scheme[after_scheme.find('/')?..]
    } else {
        after_scheme
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    // A trailing API version (`v2`) is not part of the module name.
    if segments.last().is_some_and(|s| {
        s.len() > 1 && s.starts_with('v') && s[1..].bytes().all(|b| b.is_ascii_digit())
    }) {
        segments.pop();
    }
    match segments.as_slice() {
        [module] => Some(module),
        _ => None,
    }
}

/// Recognises the area a ServiceTitan spec describes.
///
/// The module path of the `servers` URLs decides; `info.title` is the fallback for documents
/// without usable servers. When both are recognised and disagree, or several servers point to
/// different areas, the document is refused: it is more likely hand-edited or mixed up than new.
/// The error says what was looked at.
pub fn recognise(doc: &Value) -> Result<&'static Area, String> {
    let urls: Vec<&str> = doc
        .get("servers")
        .and_then(Value::as_array)
        .map(|servers| {
            servers
                .iter()
                .filter_map(|s| s.get("url")?.as_str())
                .collect()
        })
        .unwrap_or_default();
    let title = doc
        .get("info")
        .and_then(|i| i.get("title"))
        .and_then(Value::as_str);

    let mut by_server: Option<&'static Area> = None;
    let mut modules = Vec::new();
    for url in &urls {
        let Some(module) = module_of_server_url(url) else {
            continue;
        };
        modules.push(module);
        if let Some(area) = by_module(module) {
            match by_server {
                Some(seen) if seen.key != area.key => {
                    return Err(format!(
                        "servers point to two areas: `{}` and `{}` (server URLs {urls:?})",
                        seen.key, area.key
                    ));
                }
                _ => by_server = Some(area),
            }
        }
    }
    let by_title = title.and_then(by_title);

    match (by_server, by_title) {
        (Some(server), Some(titled)) if server.key != titled.key => Err(format!(
            "server URLs {urls:?} say area `{}` but info.title {:?} says `{}`",
            server.key,
            title.unwrap_or_default(),
            titled.key
        )),
        (Some(area), _) | (None, Some(area)) => Ok(area),
        (None, None) => {
            let servers = if urls.is_empty() {
                "no server URLs".to_string()
            } else if modules.is_empty() {
                format!("server URLs {urls:?} have no module path")
            } else {
                format!("server URLs {urls:?} have unknown module paths {modules:?}")
            };
            let title = match title {
                Some(t) => format!("info.title {t:?} is not a known area title"),
                None => "no info.title".to_string(),
            };
            Err(format!(
                "not a known ServiceTitan API area: {servers}; {title}"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn table_is_sorted_unique_and_consistent() {
        let keys: Vec<_> = all().iter().map(|a| a.key).collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(keys, sorted, "sorted by key, no duplicates");
        assert_eq!(keys.len(), 24);
        for area in all() {
            assert_eq!(area.crate_name, format!("servicetitan-{}", area.key));
            assert_eq!(module_of_server_url(area.server_path), Some(area.module));
            let stem = area
                .file_name
                .trim_end_matches(".json")
                .trim_end_matches("-v2");
            assert_eq!(
                stem, area.key,
                "key is the published file name minus -v2.json"
            );
            assert_eq!(by_module(area.module).map(|a| a.key), Some(area.key));
            assert_eq!(by_title(area.title).map(|a| a.key), Some(area.key));
        }
    }

    #[test]
    fn module_path_ignores_host_version_and_slashes() {
        assert_eq!(
            module_of_server_url("https://api.servicetitan.io/crm/v2"),
            Some("crm")
        );
        assert_eq!(
            module_of_server_url("https://api-integration.servicetitan.io/telecom"),
            Some("telecom")
        );
        assert_eq!(module_of_server_url("/sales/v2/"), Some("sales"));
        assert_eq!(module_of_server_url("https://api.servicetitan.io"), None);
        assert_eq!(
            module_of_server_url("https://api.servicetitan.io/a/b/v2"),
            None
        );
    }

    #[test]
    fn recognises_by_server_module_even_when_it_differs_from_the_key() {
        let doc = json!({
            "info": {"title": "Sales & Estimates"},
            "servers": [{"url": "https://api.servicetitan.io/sales/v2"},
                        {"url": "https://api-integration.servicetitan.io/sales/v2"}]
        });
        assert_eq!(recognise(&doc).unwrap().key, "salestech");
    }

    #[test]
    fn falls_back_to_title_without_servers() {
        let doc = json!({"info": {"title": "Equipment Systems"}});
        assert_eq!(recognise(&doc).unwrap().key, "equipment-systems");
    }

    #[test]
    fn server_wins_over_unknown_title() {
        let doc = json!({
            "info": {"title": "Sales, Estimates & Proposals"},
            "servers": [{"url": "https://api.servicetitan.io/sales/v2"}]
        });
        assert_eq!(recognise(&doc).unwrap().key, "salestech");
    }

    #[test]
    fn refuses_contradicting_server_and_title() {
        let doc = json!({
            "info": {"title": "CRM"},
            "servers": [{"url": "https://api.servicetitan.io/accounting/v2"}]
        });
        let err = recognise(&doc).unwrap_err();
        assert!(err.contains("accounting") && err.contains("crm"), "{err}");
    }

    #[test]
    fn unknown_area_error_says_what_it_looked_at() {
        let doc = json!({
            "info": {"title": "Fleet"},
            "servers": [{"url": "https://api.servicetitan.io/fleet/v2"}]
        });
        let err = recognise(&doc).unwrap_err();
        assert!(err.contains("\"fleet\""), "{err}");
        assert!(err.contains("\"Fleet\""), "{err}");
        let err = recognise(&json!({})).unwrap_err();
        assert!(
            err.contains("no server URLs") && err.contains("no info.title"),
            "{err}"
        );
    }
}
