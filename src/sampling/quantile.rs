//! Fast quantile functions for the simulation's hot path.
//!
//! [`Dist::quantile`] is exact but, for beta and PERT, solves for the root of
//! the regularised incomplete beta (a few µs). [`QuantileFn`] resolves the kind of
//! distribution once, before the loop, into an enum whose `match` the compiler
//! turns into a jump: closed forms stay closed forms, and beta/PERT become a
//! 4,096-cell table with linear interpolation in the body and exact evaluation
//! in the outer 32 cells at each end, where the beta quantile bends sharply.
//! The unit test below checks the table against the exact quantile.

use super::dist::{BetaQuantile, Dist, clamp_p};

/// Something with a quantile function (inverse CDF).
pub trait Quantile {
    /// The value below which a share `p` of the probability lies; `p` is
    /// clamped into (0, 1), so the result is finite.
    fn quantile(&self, p: f64) -> f64;
}

impl Quantile for Dist {
    fn quantile(&self, p: f64) -> f64 {
        Dist::quantile(self, p)
    }
}

/// Cells in a beta/PERT quantile table.
pub const TABLE_CELLS: usize = 4096;
/// Cells at each end of the table evaluated exactly instead of interpolated.
const EXACT_TAIL_CELLS: usize = 32;

/// A distribution's quantile function, prepared for millions of calls.
#[derive(Clone, Debug)]
pub struct QuantileFn {
    kind: QKind,
}

#[derive(Clone, Debug)]
enum QKind {
    /// Closed forms are evaluated as [`Dist::quantile`] does.
    Exact(Dist),
    /// Beta and PERT: a table inside, exact evaluation in the tails (as
    /// [`Dist::quantile`] does: `min + (max − min) · Beta(α, β) quantile`).
    Table { table: Box<[f64]>, exact: BetaQuantile, min: f64, max: f64 },
}

impl QuantileFn {
    /// Prepares `dist`'s quantile function (builds the table for beta and PERT: 10-20 ms, cached per shape pair).
    #[must_use]
    pub fn new(dist: &Dist) -> Self {
        let kind = if let Some((alpha, beta, min, max)) = dist.beta_params() {
            let exact = BetaQuantile::new(alpha, beta);
            let unit = beta_table(alpha, beta, &exact);
            let table: Box<[f64]> = unit.iter().map(|q| min + (max - min) * q).collect();
            QKind::Table { table, exact, min, max }
        } else {
            QKind::Exact(dist.clone())
        };
        QuantileFn { kind }
    }

    /// The quantile functions of `dists`, in order, the tables built in
    /// parallel (on the current rayon pool); the same as mapping [`QuantileFn::new`].
    #[must_use]
    pub fn many(dists: &[&Dist]) -> Vec<Self> {
        use rayon::prelude::*;
        dists.par_iter().map(|d| QuantileFn::new(d)).collect()
    }
}

impl Quantile for QuantileFn {
    #[inline]
    fn quantile(&self, p: f64) -> f64 {
        match &self.kind {
            QKind::Exact(d) => d.quantile(p),
            QKind::Table { table, exact, min, max } => {
                if p.is_nan() {
                    return f64::NAN;
                }
                let p = clamp_p(p);
                let x = p * TABLE_CELLS as f64;
                // p is in (0, 1), so x is in (0, TABLE_CELLS) and the cast is in range.
                let k = x as usize;
                if !(EXACT_TAIL_CELLS..TABLE_CELLS - EXACT_TAIL_CELLS).contains(&k) {
                    min + (max - min) * exact.quantile_near(p, None)
                } else {
                    let f = x - k as f64;
                    table[k] + f * (table[k + 1] - table[k])
                }
            }
        }
    }
}

/// The standard Beta(α, β) quantile at k/TABLE_CELLS, k = 0..=TABLE_CELLS.
/// Building one costs ~4,097 exact quantiles (10-20 ms for PERTs), and the capacity solver, plan
/// comparisons and sensitivity runs rebuild the same inputs many times, so
/// tables are kept for the life of the process, keyed by (α, β) bits.
fn beta_table(alpha: f64, beta: f64, exact: &BetaQuantile) -> std::sync::Arc<[f64]> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    type Cache = Mutex<HashMap<(u64, u64), Arc<[f64]>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let key = (alpha.to_bits(), beta.to_bits());
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Ok(map) = cache.lock()
        && let Some(t) = map.get(&key)
    {
        return Arc::clone(t);
    }
    // In order of p, each cell's root starts from the previous one (a few Halley steps away).
    let mut previous = None;
    let t: Arc<[f64]> = (0..=TABLE_CELLS)
        .map(|k| {
            let q = exact.quantile_near(k as f64 / TABLE_CELLS as f64, previous);
            previous = Some(q);
            q
        })
        .collect();
    if let Ok(mut map) = cache.lock() {
        map.insert(key, Arc::clone(&t));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_the_exact_quantile_within_2e_minus_5_of_the_range() {
        for d in [
            Dist::pert(0.6, 0.8, 0.95).unwrap(),
            Dist::pert(129_000.0, 139_000.0, 145_000.0).unwrap(),
            Dist::pert(0.0, 0.0, 1.0).unwrap(),
            Dist::beta(0.5, 0.5, 0.0, 1.0).unwrap(),
            Dist::beta(2.0, 5.0, 0.0, 1.0).unwrap(),
        ] {
            let q = QuantileFn::new(&d);
            let (lo, hi) = d.support();
            let mut worst: f64 = 0.0;
            for i in 1..20_000 {
                let p = i as f64 / 20_000.0;
                worst = worst.max((q.quantile(p) - d.quantile(p)).abs() / (hi - lo));
            }
            assert!(worst < 2e-5, "{d}: worst relative error {worst:e}");
        }
    }

    #[test]
    fn closed_forms_are_exact() {
        for d in [
            Dist::uniform(1.0, 3.0).unwrap(),
            Dist::triangular(10.0, 25.0, 50.0).unwrap(),
            Dist::normal(5.0, 2.0).unwrap(),
            Dist::truncated_normal(5.0, 2.0, 0.0, 6.0).unwrap(),
            Dist::lognormal_median_p90(1.0, 2.0).unwrap(),
            Dist::discrete(&[1.0, 2.0], &[1.0, 1.0]).unwrap(),
        ] {
            let q = QuantileFn::new(&d);
            for i in 0..=100 {
                let p = i as f64 / 100.0;
                assert_eq!(q.quantile(p).to_bits(), d.quantile(p).to_bits(), "{d} at {p}");
            }
        }
    }
}
