//! Response bodies captured from st-mock's seeded data, as it serves them: realistic rows with
//! every field of the spec's schema (addresses, custom fields, tags, ServiceTitan-style
//! timestamps, money as numbers).

use bytes::Bytes;
use st_mock::{MockServer, Resource};

use crate::clients::{EMPLOYEE_ROWS, Target};

/// Rows per page in the decoding benchmarks: ServiceTitan's maximum `pageSize`.
pub const DECODE_ROWS: usize = 5000;

/// The bodies the benchmarks use.
#[derive(Clone, Debug)]
pub struct Pages {
    /// `GET settings/…/employees?page=1&pageSize=50`.
    pub employees: Bytes,
    /// `GET crm/…/customers?page=1&pageSize=5000&active=Any` (a `CustomerResponsePage`).
    pub customers: Bytes,
    /// `GET jpm/…/jobs?page=1&pageSize=5000` (a `JobResponsePage`).
    pub jobs: Bytes,
}

impl Pages {
    /// Starts a simulator seeded with 5000 customers and 5000 jobs and captures the three pages.
    pub async fn capture() -> Pages {
        let mock = MockServer::builder()
            .size(Resource::Customers, DECODE_ROWS)
            .size(Resource::Jobs, DECODE_ROWS)
            .start()
            .await;
        let http = reqwest::Client::new();
        let target = Target::mock(&mock);
        let bearer = format!("Bearer {}", target.fetch_token(&http).await);
        let get = |module: &'static str, rest: String| {
            let http = http.clone();
            let url = format!("{}{rest}", mock.api_url(module));
            let bearer = bearer.clone();
            let app_key = target.app_key.clone();
            async move {
                http.get(url)
                    .header("authorization", bearer)
                    .header("st-app-key", app_key)
                    .send()
                    .await
                    .and_then(|r| r.error_for_status())
                    .expect("st-mock GET")
                    .bytes()
                    .await
                    .expect("st-mock body")
            }
        };
        Pages {
            employees: get(
                "settings",
                format!("/employees?page=1&pageSize={EMPLOYEE_ROWS}"),
            )
            .await,
            customers: get(
                "crm",
                format!("/customers?page=1&pageSize={DECODE_ROWS}&active=Any"),
            )
            .await,
            jobs: get("jpm", format!("/jobs?page=1&pageSize={DECODE_ROWS}")).await,
        }
    }

    /// [`Pages::capture`] from synchronous code (its own short-lived runtime).
    pub fn capture_blocking() -> Pages {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(Pages::capture())
    }
}

/// Rows in a page body's `data` array.
pub fn rows(body: &[u8]) -> usize {
    let page: serde_json::Value = serde_json::from_slice(body).expect("JSON page");
    page["data"].as_array().map_or(0, Vec::len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn captured_pages_hold_the_rows_the_benchmarks_report() {
        let pages = Pages::capture().await;
        assert_eq!(rows(&pages.employees), EMPLOYEE_ROWS);
        assert_eq!(rows(&pages.customers), DECODE_ROWS);
        assert_eq!(rows(&pages.jobs), DECODE_ROWS);

        let customers: servicetitan_crm::types::CustomerResponsePage =
            serde_json::from_slice(&pages.customers).expect("typed customers");
        assert_eq!(customers.data.len(), DECODE_ROWS);
        let jobs: servicetitan_jpm::types::JobResponsePage =
            serde_json::from_slice(&pages.jobs).expect("typed jobs");
        assert_eq!(jobs.data.len(), DECODE_ROWS);
    }
}
