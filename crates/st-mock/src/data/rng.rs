//! A tiny deterministic generator.
//!
//! The seeded data must be identical for a given seed across platforms and across
//! dependency upgrades (tests assert on it), and any row must be computable from
//! its index alone so that the synthetic export can produce row one million without
//! producing the rows before it. `rand`'s `StdRng` promises neither, so rows are
//! drawn from SplitMix64 streams keyed by `(seed, table, index)`.

/// SplitMix64: one `u64` of state, full period, good enough statistics for fake data.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// The stream for row `index` of table `table` under `seed`.
    pub(crate) fn for_row(seed: u64, table: u64, index: u64) -> Self {
        let mut r = Rng(seed ^ table.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let _ = r.next_u64();
        r.0 ^= index.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let _ = r.next_u64();
        r
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`); the modulo bias is irrelevant for fake data.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `percent`/100.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// Money in cents between `lo` and `hi` dollars, as a number with two decimals.
    pub(crate) fn money(&mut self, lo: i64, hi: i64) -> f64 {
        self.range(lo * 100, hi * 100) as f64 / 100.0
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn streams_are_stable_and_independent() {
        let a: Vec<u64> = (0..3).map(|_| Rng::for_row(7, 1, 5).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::for_row(7, 1, 5).next_u64(),
            Rng::for_row(7, 1, 6).next_u64()
        );
        assert_ne!(
            Rng::for_row(7, 1, 5).next_u64(),
            Rng::for_row(7, 2, 5).next_u64()
        );
        assert_ne!(
            Rng::for_row(7, 1, 5).next_u64(),
            Rng::for_row(8, 1, 5).next_u64()
        );
    }
}
