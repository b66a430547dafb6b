//! Saltelli's design for variance-based sensitivity analysis (Saltelli 2002,
//! doi:10.1016/S0010-4655(02)00280-1): two independent N × k matrices A and B
//! in probability space, from 2k-dimensional scrambled Sobol points (Monte
//! Carlo beyond 256 dimensions). The model runs on A, on B and on each
//! A_B⁽ⁱ⁾ (A with column i taken from B): N·(k + 2) runs in all.
//!
//! A *replicated* design splits the N base rows into R blocks, each drawn with
//! its own independent scramble (randomised quasi-Monte Carlo, Owen 1997):
//! the spread of an estimator between blocks is an honest measure of its
//! error, which no bootstrap of quasi-random rows can give (the rows are not
//! independent, so resampling them overstates the error many times over).

use super::stream::{GOLDEN, Sampler, UniformSource, mix64};
use crate::error::{Error, Problem, Result};
use std::ops::Range;

/// The most values (N·(k + 2 + extra)·k) one design's run matrix may hold: 2^30
/// doubles, 8 GiB. A larger design is refused with its size instead of aborting
/// on allocation.
pub const MAX_DESIGN_VALUES: u64 = 1 << 30;

/// The fewest base rows per replicate block.
pub const MIN_ROWS_PER_REPLICATE: u64 = 8;

/// The matrices A and B of a Saltelli design (N × k each, row-major, values in (0, 1)).
#[derive(Clone, Debug, PartialEq)]
pub struct SaltelliDesign {
    /// Columns (inputs).
    pub k: usize,
    /// Rows (base sample size N).
    pub n: usize,
    /// Matrix A, row-major.
    pub a: Vec<f64>,
    /// Matrix B, row-major.
    pub b: Vec<f64>,
    /// The independently scrambled blocks of base rows (one block, `0..n`, unless replicated).
    pub blocks: Vec<Range<usize>>,
}

/// Model runs of a design of `n` base rows, `k` inputs and `extra` more blocks
/// of N rows, as u128 (never overflows for u64 `n` and any realistic `k`).
#[must_use]
pub fn design_runs(n: u64, k: usize, extra: usize) -> u128 {
    u128::from(n).saturating_mul(k as u128 + 2 + extra as u128)
}

impl SaltelliDesign {
    /// Draws one design: A takes dimensions 0..k of the sampler, B dimensions k..2k.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for no input, `n = 0`, or a design over
    /// [`MAX_DESIGN_VALUES`] (the message gives its size and the largest `n` allowed).
    pub fn new(k: usize, n: u64, seed: u64, sampler: Sampler) -> Result<Self> {
        Self::check(k, n, 1, 0)?;
        Self::build(k, n, 1, seed, sampler)
    }

    /// Draws a design of `n` base rows split into `replicates` blocks of
    /// (nearly) equal size, each with its own scramble derived from `seed`.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for no input, fewer than 2 replicates, fewer than
    /// [`MIN_ROWS_PER_REPLICATE`] rows per block, more than 2^32 rows per block
    /// (the Sobol sequence's length) or a design over [`MAX_DESIGN_VALUES`].
    pub fn replicated(k: usize, n: u64, replicates: usize, seed: u64, sampler: Sampler) -> Result<Self> {
        if replicates < 2 {
            return Err(Error::invalid(
                "replicates",
                replicates as f64,
                "must be >= 2: the confidence intervals come from the spread between independently scrambled replicate designs",
            ));
        }
        Self::check(k, n, replicates, 0)?;
        Self::build(k, n, replicates, seed, sampler)
    }

    /// Checks the sizes of a design of `n` rows in `replicates` blocks with `extra` more blocks of runs.
    ///
    /// # Errors
    /// As [`SaltelliDesign::replicated`].
    pub fn check(k: usize, n: u64, replicates: usize, extra: usize) -> Result<()> {
        if k == 0 {
            return Err(Error::InvalidValue(Problem::text(
                "inputs",
                "none",
                "a Saltelli design needs at least one uncertain input (with none, no input drives any spread)",
            )));
        }
        let r = replicates.max(1) as u64;
        let min = MIN_ROWS_PER_REPLICATE * r;
        if n < min {
            let rule = if r > 1 {
                format!("must be >= {min} ({r} replicate designs of at least {MIN_ROWS_PER_REPLICATE} base rows)")
            } else {
                format!("must be >= {MIN_ROWS_PER_REPLICATE}")
            };
            return Err(bad_n("n", n, rule));
        }
        if n / r >= 1 << 32 {
            return Err(bad_n(
                "n",
                n,
                format!("must be below {} (2^32 Sobol points per replicate design)", (1u128 << 32) * u128::from(r)),
            ));
        }
        let values = design_runs(n, k, extra).saturating_mul(k as u128);
        if values > u128::from(MAX_DESIGN_VALUES) {
            let per_n = (k as u128 + 2 + extra as u128) * k as u128;
            return Err(bad_n(
                "n",
                n,
                format!(
                    "the design needs N·(k + {}) = {} model runs of {k} inputs ({values} values), over the limit of {MAX_DESIGN_VALUES} values; use n <= {}",
                    2 + extra,
                    design_runs(n, k, extra),
                    u128::from(MAX_DESIGN_VALUES) / per_n
                ),
            ));
        }
        Ok(())
    }

    fn build(k: usize, n: u64, replicates: usize, seed: u64, sampler: Sampler) -> Result<Self> {
        // Sizes checked: n·(k + 2)·k <= MAX_DESIGN_VALUES fits in usize.
        let n = usize::try_from(n).map_err(|_| bad_n("n", n, "does not fit in memory"))?;
        let names: Vec<String> = (0..2 * k).map(|d| format!("saltelli:{d}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut a = try_zeros(n * k)?;
        let mut b = try_zeros(n * k)?;
        let mut u = vec![0.0; 2 * k];
        let mut blocks = Vec::with_capacity(replicates);
        let mut start = 0;
        for j in 0..replicates {
            let len = n / replicates + usize::from(j < n % replicates);
            let rseed = if replicates == 1 { seed } else { mix64(seed ^ (j as u64 + 1).wrapping_mul(GOLDEN)) };
            let src = UniformSource::positional(sampler, rseed, &refs, 0, len as u64);
            for t in 0..len {
                src.fill(t as u64, &mut u);
                let r = (start + t) * k;
                a[r..r + k].copy_from_slice(&u[..k]);
                b[r..r + k].copy_from_slice(&u[k..]);
            }
            blocks.push(start..start + len);
            start += len;
        }
        Ok(SaltelliDesign { k, n, a, b, blocks })
    }

    /// Row `r` of A.
    #[must_use]
    pub fn row_a(&self, r: usize) -> &[f64] {
        &self.a[r * self.k..(r + 1) * self.k]
    }

    /// Row `r` of B.
    #[must_use]
    pub fn row_b(&self, r: usize) -> &[f64] {
        &self.b[r * self.k..(r + 1) * self.k]
    }

    /// Every row the model must run, in the order A, B, A_B⁽⁰⁾, …, A_B⁽ᵏ⁻¹⁾
    /// (N·(k + 2) rows of k values, row-major); `map` turns a row of
    /// probabilities into model inputs (quantile functions).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when the matrix cannot be allocated.
    pub fn runs(&self, map: impl FnMut(&[f64], &mut Vec<f64>)) -> Result<Vec<f64>> {
        self.runs_with_a_again(0, map)
    }

    /// As [`SaltelliDesign::runs`], followed by `again` more copies of A (the
    /// rows on which something outside the inputs, such as site-level draws,
    /// is taken from B's runs).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when the matrix cannot be allocated.
    pub fn runs_with_a_again(&self, again: usize, mut map: impl FnMut(&[f64], &mut Vec<f64>)) -> Result<Vec<f64>> {
        let (n, k) = (self.n, self.k);
        let len = n
            .checked_mul(k + 2 + again)
            .and_then(|r| r.checked_mul(k))
            .ok_or_else(|| bad_n("n", n as u64, "the design's run matrix overflows"))?;
        let mut x = Vec::new();
        x.try_reserve_exact(len)
            .map_err(|_| bad_n("n", n as u64, format!("the design's run matrix ({len} values) cannot be allocated")))?;
        for r in 0..n {
            map(self.row_a(r), &mut x);
        }
        for r in 0..n {
            map(self.row_b(r), &mut x);
        }
        let mut row = vec![0.0; k];
        for i in 0..k {
            for r in 0..n {
                row.copy_from_slice(self.row_a(r));
                row[i] = self.b[r * k + i];
                map(&row, &mut x);
            }
        }
        for _ in 0..again {
            for r in 0..n {
                map(self.row_a(r), &mut x);
            }
        }
        Ok(x)
    }
}

/// An invalid size `n`, shown as the exact integer.
pub(crate) fn bad_n(field: &str, n: u64, rule: impl Into<String>) -> Error {
    Error::InvalidValue(Problem::text(field, n.to_string(), rule))
}

fn try_zeros(len: usize) -> Result<Vec<f64>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| Error::invalid("n", len as f64, "the design's matrices cannot be allocated"))?;
    v.resize(len, 0.0);
    Ok(v)
}
