//! Call overhead: the SDK's typed call (`servicetitan_settings::Client::employees_get_list`, 50
//! rows) against a plain `reqwest` GET of the same URL with the same headers, both from the
//! fixed-bytes server, one call at a time and 32 at once.
//!
//! ```sh
//! cargo bench -p servicetitan-benches --bench call_overhead
//! ```
//!
//! Criterion measures the variants one after another; on a shared machine their ratio is better
//! read from the `call-overhead` binary, which alternates them (see BENCHMARKS.md).

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures::future::join_all;
use servicetitan_benches::clients::{Plain, Sdk, Target, high_rate_limit};
use servicetitan_benches::fixed::FixedServer;
use servicetitan_benches::fixtures::Pages;

const CONCURRENCY: usize = 32;

fn call_overhead(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let pages = runtime.block_on(Pages::capture());
    let server = FixedServer::start(pages.employees.clone());
    let target = Target::fixed(&server);
    // The token is fetched here, once, before anything is measured; the SDK's rate limiter is
    // set far above what the loop can reach (see `high_rate_limit`).
    let (sdk, plain) = runtime.block_on(async {
        (
            Arc::new(Sdk::connect(&target, high_rate_limit()).await),
            Arc::new(Plain::connect(&target).await),
        )
    });

    let mut group = c.benchmark_group("call_overhead/sequential");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    group.bench_function("sdk", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(sdk.employees().await) })
    });
    group.bench_function("reqwest_typed", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(plain.employees_typed().await) })
    });
    group.bench_function("reqwest_bytes", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(plain.employees_bytes().await) })
    });
    group.finish();

    // One iteration is 32 calls started together on the runtime's workers; the time is until
    // the last one ends.
    let mut group = c.benchmark_group("call_overhead/concurrent_32");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Elements(CONCURRENCY as u64));
    group.bench_function("sdk", |b| {
        b.to_async(&runtime).iter(|| {
            join_all((0..CONCURRENCY).map(|_| {
                let sdk = sdk.clone();
                tokio::spawn(async move { black_box(sdk.employees().await.data.len()) })
            }))
        })
    });
    group.bench_function("reqwest_typed", |b| {
        b.to_async(&runtime).iter(|| {
            join_all((0..CONCURRENCY).map(|_| {
                let plain = plain.clone();
                tokio::spawn(async move { black_box(plain.employees_typed().await.data.len()) })
            }))
        })
    });
    group.bench_function("reqwest_bytes", |b| {
        b.to_async(&runtime).iter(|| {
            join_all((0..CONCURRENCY).map(|_| {
                let plain = plain.clone();
                tokio::spawn(async move { black_box(plain.employees_bytes().await.len()) })
            }))
        })
    });
    group.finish();

    drop((sdk, plain));
    drop(server);
}

criterion_group!(benches, call_overhead);
criterion_main!(benches);
