//! Call overhead, paired: the SDK's typed employees call against a plain `reqwest` GET of the
//! same URL with the same headers, alternating in short rounds so that the machine's drifting
//! speed (it is shared) affects every variant alike.
//!
//! ```sh
//! cargo run --release -p servicetitan-benches --bin call-overhead
//! cargo run --release -p servicetitan-benches --bin call-overhead -- --rows 0 --breakdown
//! cargo run --release -p servicetitan-benches --bin call-overhead -- --server mock
//! ```
//!
//! Variants:
//!
//! - `sdk`: `servicetitan_settings::Client::employees_get_list().page(1).page_size(50).send()`,
//!   decoded into `EmployeeResponsePage`;
//! - `reqwest_typed`: the same GET by hand with a default `reqwest::Client`, decoded into the
//!   same type with `serde_json::from_slice` (as progenitor does);
//! - `reqwest_typed_again`: a second, identical plain client (its own connection pool). Its
//!   ratio to `reqwest_typed` is a control: the two do exactly the same work, so how far that
//!   ratio strays from 1 is how much the shared machine's noise can move a ratio in this run;
//! - `reqwest_bytes`: the same GET, body read, not decoded.
//!
//! `sdk / reqwest_typed` is the cost of the SDK's machinery (generated request building, hooks,
//! token cache, headers, limiter, retry bookkeeping, tracing span, per-request timeout);
//! `sdk / reqwest_bytes` adds the cost of decoding the rows. `--breakdown` adds variants that
//! each add one piece of the SDK's work to the plain call, or remove some from the SDK's:
//! `reqwest_timeout` (a per-request timeout), `reqwest_progenitor_url` (the URL built with one
//! `query()` per declared parameter), `sdk_bare` (no rate limiter, default `reqwest::Client`).
//!
//! Options: `--server fixed|mock` (default `fixed`: the fixed-bytes axum server; `mock`:
//! st-mock, which builds each page per request), `--rows N` (fixed server: serve the captured
//! page cut to its first N rows, 0–50; with 0 only the SDK's own cost is left to compare),
//! `--rounds R` (30), `--calls K` sequential calls per variant per round (200),
//! `--concurrency C` (32), `--per-task M` calls per task per round in the concurrent part (10),
//! `--breakdown`, `--count-allocations` (instead of timing: heap allocations and bytes per call
//! of each variant, client threads only; deterministic, so immune to the machine's noise),
//! `--only VARIANT --seconds S [--concurrent]` (one variant alone, sequentially
//! or with `--concurrency` calls in flight, for S seconds: a steady loop to attach `perf` to).
//!
//! The SDK's rate limit is set to 1,000,000 requests/s (the default, 50/s, would set the pace)
//! and every client fetches its token before anything is measured. Besides latency, each
//! variant's client CPU time per call is reported (all threads of this process but the
//! server's, from `/proc/self/task/*/schedstat`): waiting for a core does not count in it, so it
//! moves less than latency when other processes compete for the machine.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use servicetitan_benches::alloc_count::{self, CountingAllocator};
use servicetitan_benches::cli;
use servicetitan_benches::clients::{EMPLOYEE_ROWS, Plain, Sdk, Target, high_rate_limit};
use servicetitan_benches::fixed::FixedServer;
use servicetitan_benches::fixtures::Pages;
use servicetitan_benches::machine::{Machine, threads_context_switches, threads_cpu_ns};
use servicetitan_benches::sim::Simulator;
use servicetitan_benches::stats::{Micros, Summary, quartiles, ratio};
use st_mock::MockServer;

/// Counts allocations only under `--count-allocations`; otherwise one relaxed load each.
#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    Sdk,
    ReqwestTyped,
    ReqwestTypedAgain,
    ReqwestBytes,
    ReqwestTimeout,
    ReqwestProgenitorUrl,
    SdkBare,
}

const MAIN: [Variant; 4] = [
    Variant::Sdk,
    Variant::ReqwestTyped,
    Variant::ReqwestTypedAgain,
    Variant::ReqwestBytes,
];
const BREAKDOWN: [Variant; 3] = [
    Variant::ReqwestTimeout,
    Variant::ReqwestProgenitorUrl,
    Variant::SdkBare,
];

impl Variant {
    fn all() -> impl Iterator<Item = Variant> {
        MAIN.into_iter().chain(BREAKDOWN)
    }

    fn parse(name: &str) -> Option<Variant> {
        Variant::all().find(|v| v.name() == name)
    }

    fn name(self) -> &'static str {
        match self {
            Variant::Sdk => "sdk",
            Variant::ReqwestTyped => "reqwest_typed",
            Variant::ReqwestTypedAgain => "reqwest_typed_again",
            Variant::ReqwestBytes => "reqwest_bytes",
            Variant::ReqwestTimeout => "reqwest_timeout",
            Variant::ReqwestProgenitorUrl => "reqwest_progenitor_url",
            Variant::SdkBare => "sdk_bare",
        }
    }
}

struct Clients {
    sdk: Sdk,
    sdk_bare: Sdk,
    plain: Plain,
    /// A second plain client (its own connection pool) doing exactly what `plain` does.
    plain_again: Plain,
}

impl Clients {
    /// One call; returns something derived from the answer so that nothing is optimised away.
    async fn call(&self, variant: Variant) -> usize {
        match variant {
            Variant::Sdk => self.sdk.employees().await.data.len(),
            Variant::SdkBare => self.sdk_bare.employees().await.data.len(),
            Variant::ReqwestTyped => self.plain.employees_typed().await.data.len(),
            Variant::ReqwestTypedAgain => self.plain_again.employees_typed().await.data.len(),
            Variant::ReqwestBytes => self.plain.employees_bytes().await.len(),
            Variant::ReqwestTimeout => self.plain.employees_typed_with_timeout().await.data.len(),
            Variant::ReqwestProgenitorUrl => self
                .plain
                .employees_typed_built_like_progenitor()
                .await
                .data
                .len(),
        }
    }
}

/// Threads whose CPU time is the server's, not the client's.
const SERVER_THREADS: &[&str] = &["fixed-server", "st-mock"];

/// The client's CPU time and context switches so far.
fn client_counters() -> (u64, u64) {
    (
        threads_cpu_ns(SERVER_THREADS),
        threads_context_switches(SERVER_THREADS),
    )
}

fn since((cpu, switches): (u64, u64)) -> (u64, u64) {
    let (cpu_now, switches_now) = client_counters();
    (
        cpu_now.saturating_sub(cpu),
        switches_now.saturating_sub(switches),
    )
}

/// One variant's per-call latencies, per-round medians and client CPU time.
#[derive(Default)]
struct Series {
    all: Vec<Duration>,
    round_medians: Vec<Duration>,
    cpu_ns: u64,
    switches: u64,
}

impl Series {
    fn add_round(&mut self, latencies: Vec<Duration>, (cpu_ns, switches): (u64, u64)) {
        self.round_medians.push(Summary::of(&latencies).median);
        self.all.extend(latencies);
        self.cpu_ns += cpu_ns;
        self.switches += switches;
    }

    fn switches_per_call(&self) -> f64 {
        self.switches as f64 / self.all.len().max(1) as f64
    }

    fn cpu_per_call(&self) -> Duration {
        Duration::from_nanos(self.cpu_ns / self.all.len().max(1) as u64)
    }
}

struct Samples {
    variants: Vec<Variant>,
    series: Vec<Series>,
}

impl Samples {
    fn new(variants: &[Variant]) -> Samples {
        Samples {
            variants: variants.to_vec(),
            series: variants.iter().map(|_| Series::default()).collect(),
        }
    }

    fn of(&mut self, variant: Variant) -> &mut Series {
        let i = self
            .variants
            .iter()
            .position(|v| *v == variant)
            .expect("measured");
        &mut self.series[i]
    }

    fn report(&mut self) {
        let width = self
            .variants
            .iter()
            .map(|v| v.name().len())
            .max()
            .unwrap_or(0);
        for (v, s) in self.variants.iter().zip(&self.series) {
            println!(
                "  {:<width$}  {}; client CPU {} and {:.2} context switches per call",
                v.name(),
                Summary::of(&s.all),
                Micros(s.cpu_per_call()),
                s.switches_per_call()
            );
        }
        let variants = self.variants.clone();
        let pairs = variants
            .iter()
            .filter(|v| !matches!(v, Variant::Sdk | Variant::ReqwestTypedAgain))
            .map(|base| (Variant::Sdk, *base))
            .chain([(Variant::ReqwestTypedAgain, Variant::ReqwestTyped)]);
        for (subject, base) in pairs {
            let (median, rounds, cpu) = {
                let s = self.of(subject);
                (
                    Summary::of(&s.all).median,
                    s.round_medians.clone(),
                    s.cpu_per_call(),
                )
            };
            let b = self.of(base);
            let mut per_round: Vec<f64> = rounds
                .iter()
                .zip(&b.round_medians)
                .map(|(a, b)| ratio(*a, *b))
                .collect();
            let (q1, mid, q3) = quartiles(&mut per_round);
            let extra_cpu = cpu.as_secs_f64() - b.cpu_per_call().as_secs_f64();
            let label = format!("{} / {}", subject.name(), base.name());
            let note = if subject == Variant::Sdk {
                ""
            } else {
                "  <- control: identical work, the noise floor"
            };
            println!(
                "  {label:<w$}  latency: ratio of medians {:.3}, median of {} per-round ratios {:.3} (quartiles {:.3}–{:.3}); client CPU ratio {:.3} ({:+.1} µs per call){note}",
                ratio(median, Summary::of(&b.all).median),
                per_round.len(),
                mid,
                q1,
                q3,
                ratio(cpu, b.cpu_per_call()),
                extra_cpu * 1e6,
                w = 36,
            );
        }
    }
}

async fn sequential_round(clients: &Clients, variant: Variant, calls: usize) -> Vec<Duration> {
    let mut latencies = Vec::with_capacity(calls);
    for _ in 0..calls {
        let started = Instant::now();
        black_box(clients.call(variant).await);
        latencies.push(started.elapsed());
    }
    latencies
}

/// `concurrency` tasks, each making `per_task` calls back to back: `concurrency` calls are in
/// flight throughout. Returns every call's latency and the round's wall time.
async fn concurrent_round(
    clients: &Arc<Clients>,
    variant: Variant,
    concurrency: usize,
    per_task: usize,
) -> (Vec<Duration>, Duration) {
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let clients = clients.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(per_task);
                for _ in 0..per_task {
                    let t = Instant::now();
                    black_box(clients.call(variant).await);
                    latencies.push(t.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(concurrency * per_task);
    for task in tasks {
        latencies.extend(task.await.expect("task"));
    }
    (latencies, started.elapsed())
}

/// The variants in a different order each round, so that none always runs first or last.
fn order(variants: &[Variant], round: usize) -> Vec<Variant> {
    let mut order = variants.to_vec();
    order.rotate_left(round % variants.len());
    if round % 2 == 1 {
        order.reverse();
    }
    order
}

/// The page with only its first `rows` rows (the whole page when it has no more).
fn cut_page(page: &Bytes, rows: usize) -> Bytes {
    if rows >= EMPLOYEE_ROWS {
        return page.clone();
    }
    let mut value: serde_json::Value = serde_json::from_slice(page).expect("JSON page");
    if let Some(data) = value["data"].as_array_mut() {
        data.truncate(rows);
    }
    Bytes::from(serde_json::to_vec(&value).expect("serialisable"))
}

fn main() {
    let server: String = cli::option("server", "fixed".to_string());
    let rows: usize = cli::option("rows", EMPLOYEE_ROWS);
    let rounds: usize = cli::option("rounds", 30);
    let calls: usize = cli::option("calls", 200);
    let concurrency: usize = cli::option("concurrency", 32);
    let per_task: usize = cli::option("per-task", 10);
    let mut variants = MAIN.to_vec();
    if cli::flag("breakdown") {
        variants.extend(BREAKDOWN);
    }

    println!("# {}", Machine::now());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("client runtime");

    // Keep whichever server is used alive until the end.
    let mut fixed = None;
    let mut simulator = None;
    let target = match server.as_str() {
        "fixed" => {
            let body = cut_page(&runtime.block_on(Pages::capture()).employees, rows);
            println!(
                "# server: fixed bytes (axum on its own thread): {} bytes, {} employees captured from st-mock",
                body.len(),
                rows.min(EMPLOYEE_ROWS)
            );
            Target::fixed(fixed.insert(FixedServer::start(body)))
        }
        "mock" => {
            println!("# server: st-mock (its own runtime thread), default seed, 50 employees");
            let sim = simulator.insert(Simulator::start(
                MockServer::builder().max_recorded_requests(16),
            ));
            Target::mock(sim.mock())
        }
        other => {
            eprintln!("--server must be fixed or mock, not {other}");
            std::process::exit(2);
        }
    };
    println!(
        "# client: Tokio multi-thread runtime, {} workers; SDK rate limit 1,000,000/s; tokens fetched before measuring",
        std::thread::available_parallelism().map_or(1, usize::from)
    );

    let clients = Arc::new(runtime.block_on(async {
        Clients {
            sdk: Sdk::connect(&target, high_rate_limit()).await,
            sdk_bare: Sdk::connect_bare(&target).await,
            plain: Plain::connect(&target).await,
            plain_again: Plain::connect(&target).await,
        }
    }));

    if cli::flag("count-allocations") {
        runtime.block_on(async {
            for &v in &variants {
                sequential_round(&clients, v, calls).await;
            }
            alloc_count::start();
            println!();
            println!("heap allocations per call (client threads only), {calls} sequential calls per variant:");
            for &v in &variants {
                let (count, bytes) = alloc_count::counts();
                sequential_round(&clients, v, calls).await;
                let (count_after, bytes_after) = alloc_count::counts();
                println!(
                    "  {:<22}  {:>7.1} allocations, {:>8.0} bytes",
                    v.name(),
                    (count_after - count) as f64 / calls as f64,
                    (bytes_after - bytes) as f64 / calls as f64
                );
            }
        });
        return;
    }

    let only: String = cli::option("only", String::new());
    if !only.is_empty() {
        let Some(variant) = Variant::parse(&only) else {
            eprintln!("--only: unknown variant {only}");
            std::process::exit(2);
        };
        let seconds: u64 = cli::option("seconds", 10);
        let concurrent = cli::flag("concurrent");
        let (latencies, wall) = runtime.block_on(async {
            let started = Instant::now();
            let deadline = started + Duration::from_secs(seconds);
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                if concurrent {
                    let (l, _) = concurrent_round(&clients, variant, concurrency, per_task).await;
                    latencies.extend(l);
                } else {
                    latencies.extend(sequential_round(&clients, variant, 100).await);
                }
            }
            (latencies, started.elapsed())
        });
        println!(
            "{}: {}; {} calls in {}",
            variant.name(),
            Summary::of(&latencies),
            latencies.len(),
            Micros(wall)
        );
        return;
    }

    runtime.block_on(async {
        // Warm-up: connections open, allocator and caches warm; not counted.
        for &v in &variants {
            sequential_round(&clients, v, calls).await;
            concurrent_round(&clients, v, concurrency, per_task).await;
        }

        println!();
        println!(
            "sequential: one call at a time; {rounds} rounds x {calls} calls per variant, variants alternated"
        );
        let mut samples = Samples::new(&variants);
        for round in 0..rounds {
            for v in order(&variants, round) {
                let before = client_counters();
                let latencies = sequential_round(&clients, v, calls).await;
                samples.of(v).add_round(latencies, since(before));
            }
        }
        samples.report();

        println!();
        println!(
            "concurrent: {concurrency} calls in flight ({concurrency} tasks x {per_task} calls); {rounds} rounds per variant, alternated; per-call latency"
        );
        let mut samples = Samples::new(&variants);
        let mut walls: Vec<Vec<Duration>> = variants.iter().map(|_| Vec::new()).collect();
        for round in 0..rounds {
            for v in order(&variants, round) {
                let before = client_counters();
                let (latencies, wall) = concurrent_round(&clients, v, concurrency, per_task).await;
                samples.of(v).add_round(latencies, since(before));
                let i = variants.iter().position(|x| *x == v).expect("measured");
                walls[i].push(wall);
            }
        }
        samples.report();
        for (v, walls) in variants.iter().zip(&walls) {
            let wall = Summary::of(walls).median;
            let calls = (concurrency * per_task) as f64;
            println!(
                "  {:<22} throughput {:.0} calls/s (median round {} for {calls} calls)",
                v.name(),
                calls / wall.as_secs_f64(),
                Micros(wall),
            );
        }
    });

    drop(clients);
    drop(runtime);
    drop(fixed);
    drop(simulator);
}
