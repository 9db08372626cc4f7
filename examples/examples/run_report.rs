//! Runs a ServiceTitan report: find it in the catalog, run it for a date range with the
//! reporting crate's `run_report` (the asynchronous data query: start, poll until done, cancel
//! if abandoned), and read the rows by field name.
//!
//! ```sh
//! cargo run --example run_report                                         # first report of the first category
//! cargo run --example run_report -- accounting 41001 2025-01-01 2025-01-31
//! ```
//!
//! Arguments (all optional, in order): category id, report id, `From` date, `To` date (default:
//! the last 30 days). Report columns belong to the report's owner and may change at any time:
//! read them by name (`row.get("Total")`), never by position.
//!
//! Without `ST_CLIENT_ID` set it runs against the built-in simulator; with the `ST_*` variables
//! set, against that ServiceTitan environment (scopes `tn.rpr.reportcategories:r` and
//! `tn.rpr.reports:r`). Real reports often take more parameters than `From` and `To`; the `400`
//! error names the missing ones. ServiceTitan runs a given report at most once a minute per
//! tenant; the SDK spaces runs (and pages, each a run) accordingly.

use chrono::{Days, Utc};
use serde_json::Value;
use servicetitan::{Decimal, Error};

/// Rows per page, each page being one run of the report: large pages beat many small ones
/// (ServiceTitan allows up to 25,000).
const PAGE_SIZE: u32 = 5000;
const SHOWN: usize = 3;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let today = Utc::now().date_naive();
    let (category, report_id) = (args.first().cloned(), args.get(1).cloned());
    let from = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| (today - Days::new(30)).to_string());
    let to = args.get(3).cloned().unwrap_or_else(|| today.to_string());

    let session = servicetitan_examples::connect().await?;
    let reporting = session.st.reporting();

    // The catalog: categories, then the reports of one category.
    let category = match category {
        Some(category) => category,
        None => {
            let categories = reporting
                .report_categories_get_categories()
                .send()
                .await?
                .into_inner();
            println!("Report categories:");
            for c in &categories.data {
                println!("  {:<16} {}", c.id, c.name);
            }
            categories
                .data
                .first()
                .map(|c| c.id.clone())
                .ok_or_else(|| Error::Other("the tenant has no report categories".into()))?
        }
    };
    let reports = reporting
        .report_category_reports_get_reports()
        .report_category(category.as_str())
        .send()
        .await?
        .into_inner();
    println!("Reports in `{category}`:");
    for r in &reports.data {
        println!(
            "  {:<8} {:<28} {}",
            r.id,
            r.name,
            r.description.as_deref().unwrap_or("")
        );
    }
    let report_id = match report_id {
        Some(id) => id
            .parse::<i64>()
            .map_err(|_| Error::Other(format!("report id `{id}` is not a number")))?,
        None => {
            reports
                .data
                .first()
                .ok_or_else(|| Error::Other(format!("category `{category}` has no reports")))?
                .id
        }
    };

    println!();
    println!("Running report {category}/{report_id} from {from} to {to}…");
    let data = reporting
        .run_report(category.as_str(), report_id)
        .param("From", from.as_str())
        .param("To", to.as_str())
        .page_size(PAGE_SIZE)
        .include_total(true)
        .send_all()
        .await?;

    let columns: Vec<&str> = data.fields.iter().map(|f| f.name.as_str()).collect();
    println!("Columns: {}", columns.join(", "));
    for row in data.rows.iter().take(SHOWN) {
        println!();
        for (field, value) in row.iter() {
            println!("  {:<24} {}", field.label, cell(value));
        }
    }
    if data.rows.len() > SHOWN {
        println!("  …");
    }
    println!();
    match data.total_count {
        Some(total) => println!("Read {} of {total} rows.", data.rows.len()),
        None => println!("Read {} rows.", data.rows.len()),
    }
    // A column read by name, as exact decimals: the sum of `Total`, if the report has one.
    if data.field("Total").is_some() {
        let mut sum = Decimal::default();
        for row in &data.rows {
            if let Some(total) = row.get_as::<Option<Decimal>>("Total")? {
                sum = Decimal(sum.0 + total.0);
            }
        }
        println!("Sum of Total: {sum}");
    }
    Ok(())
}

fn cell(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "-".to_owned(),
        other => other.to_string(),
    }
}
