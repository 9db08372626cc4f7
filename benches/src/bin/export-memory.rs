//! Export memory: stream a customers export of N records through the generated export stream
//! (`servicetitan_crm::Client::export_customers_get_customers().export().from_start().items()`),
//! count them, and report the client process's peak resident memory (`VmHWM`).
//!
//! ```sh
//! cargo run --release -p servicetitan-benches --bin export-memory -- 10000 100000 1000000
//! cargo run --release -p servicetitan-benches --bin export-memory -- --page-size 5000 1000000
//! ```
//!
//! The simulator must not be counted in the client's memory, so this program is two: the parent
//! runs st-mock (its synthetic export feed of N rows, `MockBuilder::export_rows`, computed row
//! by row so the server holds one page at a time) and, for each N, starts itself again as a
//! client (`--client`) in a fresh process, configured through the `ST_*` variables as a user's
//! program would be. The client prints one `result …` line; the parent prints the table.
//!
//! Options: `--page-size P` rows per export page (500, st-mock's default; ServiceTitan does not
//! document its own). The SDK's rate limit is set to 1,000,000/s in the client so the limiter
//! (50 requests/s by default, 2000 pages for 1M rows at 500 a page) does not set the pace;
//! memory does not depend on it.

use std::hint::black_box;
use std::process::{Command, Stdio};
use std::time::Instant;

use futures::TryStreamExt;
use servicetitan_benches::cli;
use servicetitan_benches::clients::high_rate_limit;
use servicetitan_benches::machine::{Machine, peak_rss_kib, rss_kib, status_kib};
use servicetitan_benches::sim::Simulator;
use st_core::CoreBuilder;
use st_mock::MockServer;

/// The client process: stream the export named by the `ST_*` variables and print a result line.
fn client(expected: u64) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let line = runtime.block_on(async {
        let core = CoreBuilder::from_env()
            .and_then(|b| b.rate_limit(high_rate_limit()).build())
            .expect("ST_* variables");
        core.connect().await.expect("token");
        let crm = servicetitan_crm::Client::from_core(&core);
        let rss_before = rss_kib().unwrap_or(0);
        let hwm_before = peak_rss_kib().unwrap_or(0);

        let started = Instant::now();
        let mut items = crm
            .export_customers_get_customers()
            .export()
            .from_start()
            .items();
        let mut count: u64 = 0;
        let mut id_sum: i64 = 0;
        while let Some(customer) = items.try_next().await.expect("export page") {
            count += 1;
            id_sum = id_sum.wrapping_add(customer.id);
        }
        black_box(id_sum);
        let elapsed = started.elapsed();
        format!(
            "result expected={expected} count={count} rss_before_kib={rss_before} hwm_before_kib={hwm_before} hwm_kib={} ms={}",
            peak_rss_kib().unwrap_or(0),
            elapsed.as_millis()
        )
    });
    println!("{line}");
}

fn field(line: &str, name: &str) -> u64 {
    line.split_whitespace()
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn main() {
    let page_size: usize = cli::option("page-size", 500);
    let counts: Vec<u64> = cli::positional(&["page-size", "client"])
        .iter()
        .map(|n| {
            n.replace('_', "")
                .parse()
                .expect("N is a number of records")
        })
        .collect();
    let client_n: u64 = cli::option("client", 0);
    if client_n > 0 {
        return client(client_n);
    }
    let counts = if counts.is_empty() {
        vec![10_000, 100_000, 1_000_000]
    } else {
        counts
    };

    println!("# {}", Machine::now());
    println!(
        "# client: a fresh process per N; st-mock in the parent; {page_size} rows per export page; SDK rate limit 1,000,000/s"
    );
    println!(
        "{:>9} {:>9} {:>15} {:>15} {:>12} {:>11}",
        "N", "counted", "RSS before", "peak RSS", "time", "rows/s"
    );
    let exe = std::env::current_exe().expect("own path");
    for n in counts {
        let simulator = Simulator::start(
            MockServer::builder()
                .export_rows(n)
                .export_page_size(page_size)
                .max_recorded_requests(16),
        );
        let mock = simulator.mock();
        let c = mock.credentials();
        let output = Command::new(&exe)
            .args(["--client", &n.to_string()])
            .env("ST_AUTH_URL", mock.url())
            .env("ST_API_URL", mock.url())
            .env("ST_CLIENT_ID", &c.client_id)
            .env("ST_CLIENT_SECRET", &c.client_secret)
            .env("ST_APP_KEY", &c.app_key)
            .env("ST_TENANT_ID", c.tenant.to_string())
            .stderr(Stdio::inherit())
            .output()
            .expect("start the client process");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let Some(line) = stdout.lines().find(|l| l.starts_with("result ")) else {
            eprintln!("client for N={n} failed ({}): {stdout}", output.status);
            std::process::exit(1);
        };
        let ms = field(line, "ms").max(1);
        println!(
            "{:>9} {:>9} {:>15} {:>15} {:>10.2} s {:>11.0}",
            n,
            field(line, "count"),
            mib(field(line, "rss_before_kib")),
            mib(field(line, "hwm_kib")),
            ms as f64 / 1000.0,
            field(line, "count") as f64 / (ms as f64 / 1000.0)
        );
        drop(simulator);
    }
    println!(
        "# simulator process (parent) peak RSS: {}",
        mib(status_kib("self", "VmHWM:").unwrap_or(0))
    );
}
