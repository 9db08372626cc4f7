//! Decoding, paired: 5000-row pages of customers (`CustomerResponsePage`) and jobs
//! (`JobResponsePage`) from st-mock's seeded data, decoded into the generated types and into
//! `serde_json::Value`, alternating in rounds.
//!
//! ```sh
//! cargo run --release -p servicetitan-benches --bin decode
//! ```
//!
//! Options: `--rounds R` (15), `--reps K` decodes per variant per round (4). Each decode is
//! `serde_json::from_slice` of the whole body plus dropping the result. MB are 10^6 bytes.

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use servicetitan_benches::cli;
use servicetitan_benches::fixtures::{Pages, rows};
use servicetitan_benches::machine::Machine;
use servicetitan_benches::stats::{Micros, Summary, quartiles, ratio};

fn time<T: DeserializeOwned>(body: &[u8], reps: usize) -> Vec<Duration> {
    (0..reps)
        .map(|_| {
            let started = Instant::now();
            let decoded: T = serde_json::from_slice(black_box(body)).expect("decodes");
            drop(black_box(decoded));
            started.elapsed()
        })
        .collect()
}

fn page<T: DeserializeOwned>(name: &str, body: &[u8], rounds: usize, reps: usize) {
    let rows = rows(body);
    let (mut typed, mut value, mut per_round) = (Vec::new(), Vec::new(), Vec::new());
    // Warm-up, not counted.
    time::<T>(body, reps);
    time::<serde_json::Value>(body, reps);
    for round in 0..rounds {
        let (t, v) = if round % 2 == 0 {
            let t = time::<T>(body, reps);
            (t, time::<serde_json::Value>(body, reps))
        } else {
            let v = time::<serde_json::Value>(body, reps);
            (time::<T>(body, reps), v)
        };
        per_round.push(ratio(Summary::of(&t).median, Summary::of(&v).median));
        typed.extend(t);
        value.extend(v);
    }

    println!();
    println!(
        "{name}: {} bytes, {rows} rows, {} bytes/row",
        body.len(),
        body.len() / rows
    );
    for (label, samples) in [("typed", &typed), ("value", &value)] {
        let s = Summary::of(samples);
        let secs = s.median.as_secs_f64();
        println!(
            "  {label:<6} median {} -> {:.0} MB/s, {:.0} rows/s (p10 {}, p90 {}, n {})",
            Micros(s.median),
            body.len() as f64 / secs / 1e6,
            rows as f64 / secs,
            Micros(s.p10),
            Micros(s.p90),
            s.n
        );
    }
    let (q1, mid, q3) = quartiles(&mut per_round);
    println!(
        "  typed / value time: ratio of medians {:.3}; median of {} per-round ratios {:.3} (quartiles {:.3}–{:.3}); typed is {:.2}x as fast",
        ratio(Summary::of(&typed).median, Summary::of(&value).median),
        per_round.len(),
        mid,
        q1,
        q3,
        1.0 / mid
    );
}

fn main() {
    let rounds: usize = cli::option("rounds", 15);
    let reps: usize = cli::option("reps", 4);
    println!("# {}", Machine::now());
    let pages = Pages::capture_blocking();
    println!(
        "# pages captured from st-mock (default seed); {rounds} rounds x {reps} decodes per variant, alternated"
    );
    page::<servicetitan_crm::types::CustomerResponsePage>(
        "customers (crm CustomerResponsePage)",
        &pages.customers,
        rounds,
        reps,
    );
    page::<servicetitan_jpm::types::JobResponsePage>(
        "jobs (jpm JobResponsePage)",
        &pages.jobs,
        rounds,
        reps,
    );
}
