//! Medians, spreads and paired ratios.
//!
//! The machine these figures come from is shared with other builds, so its speed drifts during
//! a run. The bench binaries therefore alternate the two things they compare in short rounds
//! (A B, B A, A B, …) and report, besides each side's median, the median of the per-round
//! ratios: a drift slows both halves of a round alike and cancels out of that round's ratio.

use std::fmt;
use std::time::Duration;

/// Order statistics of a set of durations.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Number of samples.
    pub n: usize,
    /// Fastest.
    pub min: Duration,
    /// 10th percentile.
    pub p10: Duration,
    /// Median.
    pub median: Duration,
    /// 90th percentile.
    pub p90: Duration,
    /// Slowest.
    pub max: Duration,
}

impl Summary {
    /// Summarises `samples` (which must not be empty).
    pub fn of(samples: &[Duration]) -> Summary {
        assert!(!samples.is_empty(), "no samples");
        let mut sorted = samples.to_vec();
        sorted.sort_unstable();
        let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
        Summary {
            n: sorted.len(),
            min: sorted[0],
            p10: at(0.10),
            median: at(0.50),
            p90: at(0.90),
            max: sorted[sorted.len() - 1],
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "median {} (p10 {}, p90 {}, min {}, max {}, n {})",
            Micros(self.median),
            Micros(self.p10),
            Micros(self.p90),
            Micros(self.min),
            Micros(self.max),
            self.n
        )
    }
}

/// A duration printed in µs (below 10 ms) or ms.
#[derive(Clone, Copy, Debug)]
pub struct Micros(pub Duration);

impl fmt::Display for Micros {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let us = self.0.as_secs_f64() * 1e6;
        if us < 10_000.0 {
            write!(f, "{us:.1} µs")
        } else {
            write!(f, "{:.2} ms", us / 1000.0)
        }
    }
}

/// Median of `values` (which must not be empty); sorts them.
pub fn median(values: &mut [f64]) -> f64 {
    assert!(!values.is_empty(), "no values");
    values.sort_unstable_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// Quartiles (25th, 50th, 75th percentile) of `values` (which must not be empty); sorts them.
pub fn quartiles(values: &mut [f64]) -> (f64, f64, f64) {
    assert!(!values.is_empty(), "no values");
    let mid = median(values);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    (at(0.25), mid, at(0.75))
}

/// `a / b` of two durations.
pub fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_order_statistics() {
        let samples: Vec<Duration> = (1..=11).rev().map(Duration::from_micros).collect();
        let s = Summary::of(&samples);
        assert_eq!(s.n, 11);
        assert_eq!(s.min, Duration::from_micros(1));
        assert_eq!(s.median, Duration::from_micros(6));
        assert_eq!(s.p10, Duration::from_micros(2));
        assert_eq!(s.p90, Duration::from_micros(10));
        assert_eq!(s.max, Duration::from_micros(11));
    }

    #[test]
    fn medians_and_quartiles_of_ratios() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(quartiles(&mut [5.0, 1.0, 4.0, 2.0, 3.0]), (2.0, 3.0, 4.0));
        assert_eq!(
            ratio(Duration::from_millis(3), Duration::from_millis(2)),
            1.5
        );
    }
}
