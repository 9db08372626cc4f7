//! Query string handling with ASP.NET's habits: parameter names are
//! case-insensitive, bad values are 400s listing every offending field.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::data::time::parse_timestamp;
use crate::problem::Problem;

/// ServiceTitan's page size limit (its validation message names the range).
pub(crate) const MAX_PAGE_SIZE: i64 = 5000;

pub(crate) struct Query {
    pairs: Vec<(String, String)>,
    errors: BTreeMap<String, Vec<String>>,
}

impl Query {
    pub(crate) fn parse(raw: Option<&str>) -> Result<Self, Problem> {
        let pairs = match raw {
            None | Some("") => Vec::new(),
            Some(q) => serde_urlencoded::from_str(q).map_err(|e| {
                Problem::field("query", format!("The query string is malformed: {e}"))
            })?,
        };
        Ok(Query {
            pairs,
            errors: BTreeMap::new(),
        })
    }

    pub(crate) fn raw(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value, if present and not blank.
    pub(crate) fn text(&self, name: &str) -> Option<&str> {
        self.raw(name).map(str::trim).filter(|v| !v.is_empty())
    }

    pub(crate) fn error(&mut self, name: &str, message: impl Into<String>) {
        self.errors
            .entry(name.to_string())
            .or_default()
            .push(message.into());
    }

    fn invalid(&mut self, name: &str, value: &str) {
        self.error(name, format!("The value '{value}' is not valid."));
    }

    pub(crate) fn bool(&mut self, name: &str) -> Option<bool> {
        let v = self.text(name)?.to_string();
        match v.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                self.invalid(name, &v);
                None
            }
        }
    }

    pub(crate) fn int(&mut self, name: &str) -> Option<i64> {
        let v = self.text(name)?.to_string();
        v.parse().map_err(|_| self.invalid(name, &v)).ok()
    }

    pub(crate) fn timestamp(&mut self, name: &str) -> Option<DateTime<Utc>> {
        let v = self.text(name)?.to_string();
        parse_timestamp(&v).or_else(|| {
            self.invalid(name, &v);
            None
        })
    }

    /// A comma-separated id list (`ids=1,2,3`), at most 50 like the API.
    pub(crate) fn ids(&mut self, name: &str) -> Option<Vec<i64>> {
        let v = self.text(name)?.to_string();
        let ids: Result<Vec<i64>, _> = v
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::parse)
            .collect();
        match ids {
            Ok(ids) if ids.len() > 50 => {
                self.error(name, "The maximum number of IDs is 50.");
                None
            }
            Ok(ids) => Some(ids),
            Err(_) => {
                self.invalid(name, &v);
                None
            }
        }
    }

    /// Ends validation: a 400 listing every bad parameter, if any.
    pub(crate) fn finish(&mut self) -> Result<(), Problem> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Problem::validation(std::mem::take(&mut self.errors)))
        }
    }

    /// `page`, `pageSize`, `includeTotal`.
    pub(crate) fn paging(&mut self, default_size: i64, max_size: i64) -> Paging {
        let page = self.int("page").unwrap_or(1);
        if page < 1 {
            self.error("page", "The field page must be between 1 and 2147483647.");
        }
        let page_size = self.int("pageSize").unwrap_or(default_size);
        if !(1..=max_size).contains(&page_size) {
            self.error(
                "pageSize",
                format!("The field pageSize must be between 1 and {max_size}."),
            );
        }
        let include_total = self.bool("includeTotal").unwrap_or(false);
        Paging {
            page: page.max(1) as usize,
            page_size: page_size.clamp(1, max_size) as usize,
            include_total,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    pub page: usize,
    pub page_size: usize,
    pub include_total: bool,
}

impl Paging {
    /// The `PaginatedResponse_Of_*` envelope for `total` matching items, of which
    /// `data` is this page. `totalCount` is null unless `includeTotal=true`.
    pub(crate) fn envelope(&self, total: usize, data: Vec<serde_json::Value>) -> serde_json::Value {
        serde_json::json!({
            "page": self.page,
            "pageSize": self.page_size,
            "hasMore": self.page.saturating_mul(self.page_size) < total,
            "totalCount": if self.include_total { Some(total) } else { None },
            "data": data,
        })
    }

    /// The same envelope serialised straight from borrowed rows (no copies of them).
    pub(crate) fn envelope_bytes<T: serde::Serialize>(&self, total: usize, data: &[T]) -> Vec<u8> {
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Envelope<'a, T> {
            page: usize,
            page_size: usize,
            has_more: bool,
            total_count: Option<usize>,
            data: &'a [T],
        }
        let envelope = Envelope {
            page: self.page,
            page_size: self.page_size,
            has_more: self.page.saturating_mul(self.page_size) < total,
            total_count: self.include_total.then_some(total),
            data,
        };
        serde_json::to_vec(&envelope).expect("pages serialise")
    }

    pub(crate) fn offset(&self) -> usize {
        (self.page - 1).saturating_mul(self.page_size)
    }
}
