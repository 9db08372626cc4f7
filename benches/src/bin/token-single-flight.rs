//! Token single flight: N concurrent calls on a cold client (no token, no open connection)
//! cause one token request. Prints, per run, the token requests st-mock saw and the time until
//! every call had its answer.
//!
//! ```sh
//! cargo run --release -p servicetitan-benches --bin token-single-flight
//! cargo run --release -p servicetitan-benches --bin token-single-flight -- --calls 1000 --runs 5 --token-latency-ms 0,200
//! ```
//!
//! Options: `--calls N` (1000), `--runs R` fresh clients per token latency (5),
//! `--token-latency-ms L,L,…` delays st-mock adds to the token endpoint (`0,200`: ServiceTitan's
//! real endpoint takes tens to hundreds of milliseconds, and a slow fetch is when many callers
//! pile up behind it), `--default-rate-limit` to keep the SDK's 50 requests/s limit (then the
//! limiter sets the pace: N calls take about N/50 s).
//!
//! Each run builds a new `Core` (new connection pool, empty token cache) and spawns N tasks that
//! each call `employees_get_list().page(1).page_size(50)`; the clock runs from before the first
//! spawn to the last answer. For comparison each run is followed by the same N calls on another
//! new `Core` whose token was fetched before the clock started (connections still cold): the
//! difference is what waiting for the one token fetch costs.

use std::time::{Duration, Instant};

use servicetitan_benches::cli;
use servicetitan_benches::clients::{EMPLOYEE_ROWS, Target, high_rate_limit};
use servicetitan_benches::machine::Machine;
use servicetitan_benches::sim::Simulator;
use servicetitan_benches::stats::{Micros, Summary};
use st_core::RateLimit;
use st_mock::{Fault, FaultRule, MockServer};

struct Run {
    token_requests: u64,
    ok: usize,
    failed: usize,
    elapsed: Duration,
}

/// `calls` concurrent calls on a new `Core` (new connection pool, empty token cache); with
/// `token_first`, the token is fetched before the clock starts (the same calls without the cold
/// token, for comparison).
async fn calls_on_new_core(
    target: &Target,
    mock: &MockServer,
    calls: usize,
    limit: RateLimit,
    token_first: bool,
) -> Run {
    let core = target.core(limit);
    if token_first {
        core.connect().await.expect("token");
    }
    let client = servicetitan_settings::Client::from_core(&core);
    let tokens_before = mock.token_requests();
    let started = Instant::now();
    let tasks: Vec<_> = (0..calls)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .employees_get_list()
                    .page(1)
                    .page_size(EMPLOYEE_ROWS as i32)
                    .send()
                    .await
                    .map(|r| r.into_inner().data.len())
            })
        })
        .collect();
    let (mut ok, mut failed) = (0, 0);
    for task in tasks {
        match task.await.expect("task") {
            Ok(rows) if rows == EMPLOYEE_ROWS => ok += 1,
            _ => failed += 1,
        }
    }
    Run {
        token_requests: mock.token_requests() - tokens_before,
        ok,
        failed,
        elapsed: started.elapsed(),
    }
}

fn main() {
    let calls: usize = cli::option("calls", 1000);
    let runs: usize = cli::option("runs", 5);
    let latencies: Vec<u64> = cli::list("token-latency-ms", &[0, 200]);
    let default_limit = cli::flag("default-rate-limit");
    let (limit, limit_text) = if default_limit {
        (RateLimit::default(), "the default 50/s")
    } else {
        (high_rate_limit(), "1,000,000/s")
    };

    println!("# {}", Machine::now());
    println!(
        "# st-mock on its own runtime thread; {calls} concurrent cold calls per run; SDK rate limit {limit_text}"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("client runtime");

    for latency_ms in latencies {
        let mut builder = MockServer::builder().max_recorded_requests(16);
        if latency_ms > 0 {
            builder = builder.fault(
                FaultRule::new(Fault::Latency(Duration::from_millis(latency_ms)))
                    .path(st_mock::TOKEN_PATH)
                    .always(),
            );
        }
        let simulator = Simulator::start(builder);
        let target = Target::mock(simulator.mock());

        println!();
        println!("token endpoint latency {latency_ms} ms:");
        let (mut cold, mut warm) = (Vec::new(), Vec::new());
        for run in 1..=runs {
            let r = runtime.block_on(calls_on_new_core(
                &target,
                simulator.mock(),
                calls,
                limit,
                false,
            ));
            let w = runtime.block_on(calls_on_new_core(
                &target,
                simulator.mock(),
                calls,
                limit,
                true,
            ));
            println!(
                "  run {run}: token requests {}, calls ok {}, failed {}, all done in {} (with the token fetched first: {})",
                r.token_requests,
                r.ok,
                r.failed,
                Micros(r.elapsed),
                Micros(w.elapsed)
            );
            cold.push(r.elapsed);
            warm.push(w.elapsed);
        }
        let (c, w) = (Summary::of(&cold), Summary::of(&warm));
        println!(
            "  time until all {calls} complete: median {} (min {}, max {}); with the token fetched first: median {}",
            Micros(c.median),
            Micros(c.min),
            Micros(c.max),
            Micros(w.median)
        );
        drop(simulator);
    }
}
