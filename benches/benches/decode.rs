//! Decoding: a 5000-row page of customers (`servicetitan_crm::types::CustomerResponsePage`) and
//! of jobs (`servicetitan_jpm::types::JobResponsePage`), captured from st-mock's seeded data,
//! decoded into the generated types and into `serde_json::Value`.
//!
//! ```sh
//! cargo bench -p servicetitan-benches --bench decode
//! ```
//!
//! Each iteration decodes the whole body and drops the result (both sides pay for their drop:
//! a `Value` is many more allocations to free). Throughput is in bytes of JSON; rows per second
//! are bytes per second divided by the bytes per row that the `decode` binary prints.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::de::DeserializeOwned;
use servicetitan_benches::fixtures::Pages;

fn page<T: DeserializeOwned>(c: &mut Criterion, name: &str, body: &[u8]) {
    let mut group = c.benchmark_group(format!("decode/{name}"));
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::BytesDecimal(body.len() as u64));
    group.bench_function("typed", |b| {
        b.iter(|| black_box(serde_json::from_slice::<T>(black_box(body)).expect("typed page")))
    });
    group.bench_function("value", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_slice::<serde_json::Value>(black_box(body)).expect("JSON page"),
            )
        })
    });
    group.finish();
}

fn decode(c: &mut Criterion) {
    let pages = Pages::capture_blocking();
    page::<servicetitan_crm::types::CustomerResponsePage>(c, "customers_5000", &pages.customers);
    page::<servicetitan_jpm::types::JobResponsePage>(c, "jobs_5000", &pages.jobs);
}

criterion_group!(benches, decode);
criterion_main!(benches);
