//! Variance-based sensitivity: first-order and total Sobol indices from a
//! Saltelli design, first order by Saltelli et al.'s estimator and total by
//! Jansen's (Saltelli et al. 2010, doi:10.1016/j.cpc.2009.09.018, Table 2 (b)
//! and (f); Jansen 1999, doi:10.1016/S0010-4655(98)00154-4):
//!
//! ```text
//! V   = Var(f(A) ∪ f(B)),  f̄ its mean
//! Sᵢ  = mean((f(B) − f̄) · (f(A_B⁽ⁱ⁾) − f(A))) / V
//! Sₜᵢ = mean((f(A) − f(A_B⁽ⁱ⁾))²) / (2V)
//! ```
//!
//! An input without effect has f(A_B⁽ⁱ⁾) = f(A) in every row, so both its
//! indices are exactly 0. (Jansen's first-order form, 1 − mean((f(B) −
//! f(A_B⁽ⁱ⁾))²) / 2V, gives every such input the same sampling error: on the
//! 41 inputs of `ukraine` at N = 512 its first-order indices summed to 1.98,
//! with Sᵢ > Sₜᵢ for 39 of them.)
//!
//! Confidence intervals come from replicate designs (randomised quasi-Monte
//! Carlo): the N base rows are split into R blocks with independent scrambles,
//! the indices are estimated on each block, and the 95 % interval is the pooled
//! estimate ± t₀.₉₇₅,R−1 · s / √R, where s is the standard deviation of the block
//! estimates. A bootstrap of the rows would treat quasi-random points as
//! independent and overstate the error 5-17 times.

use crate::error::{Error, Problem, Result};
use crate::sampling::{Dist, Quantile, QuantileFn, SaltelliDesign, Sampler};
use rayon::prelude::*;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};
use std::ops::Range;

/// Replicate designs used when none are named: 8 blocks (t₀.₉₇₅,₇ = 2.36).
pub const DEFAULT_REPLICATES: usize = 8;

/// First-order and total Sobol indices of one output.
#[derive(Clone, Debug, Serialize)]
pub struct SobolIndices {
    /// Output name.
    pub output: String,
    /// Input names (on the site engine the last one is `(site variability)`:
    /// the sites' own draws within a trial, treated as one more input).
    pub inputs: Vec<String>,
    /// First-order indices Sᵢ.
    pub first: Vec<f64>,
    /// 95 % CIs of Sᵢ (from the replicate designs).
    pub first_ci: Vec<[f64; 2]>,
    /// Total indices Sₜᵢ.
    pub total: Vec<f64>,
    /// 95 % CIs of Sₜᵢ (from the replicate designs).
    pub total_ci: Vec<[f64; 2]>,
    /// Variance of the output over A ∪ B.
    pub variance: f64,
    /// Base rows used (rows with a failed run are left out).
    pub n: u64,
    /// Independent replicate designs behind the CIs.
    pub replicates: usize,
    /// Caveats: failed rows left out, a constant output.
    pub notes: Vec<String>,
}

impl SobolIndices {
    /// The inputs' positions, largest total index first (the order tables and charts show them in).
    #[must_use]
    pub fn by_total(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.inputs.len()).collect();
        order.sort_by(|&a, &b| self.total[b].total_cmp(&self.total[a]));
        order
    }
}

type Estimate = (Vec<f64>, Vec<f64>, f64);

fn estimate(rows: &[usize], fa: &[f64], fb: &[f64], fab: &[&[f64]]) -> Estimate {
    let m = rows.len() as f64;
    let mean = rows.iter().map(|&r| fa[r] + fb[r]).sum::<f64>() / (2.0 * m);
    let var = rows.iter().map(|&r| (fa[r] - mean).powi(2) + (fb[r] - mean).powi(2)).sum::<f64>() / (2.0 * m - 1.0);
    let mut first = Vec::with_capacity(fab.len());
    let mut total = Vec::with_capacity(fab.len());
    for f in fab {
        // First order: Saltelli et al. (2010), V_i = E[f(B)·(f(A_B^i) − f(A))], centred. An input
        // without effect has f(A_B^i) = f(A) and so exactly 0, where Jansen's 1 − E[(f(B) −
        // f(A_B^i))²]/2V shares one noise term among all such inputs (41 of them once summed to 1.98).
        let s1 = rows.iter().map(|&r| (fb[r] - mean) * (f[r] - fa[r])).sum::<f64>() / m;
        let st = rows.iter().map(|&r| (fa[r] - f[r]).powi(2)).sum::<f64>() / m;
        first.push(if var > 0.0 { s1 / var } else { 0.0 });
        total.push(if var > 0.0 { st / (2.0 * var) } else { 0.0 });
    }
    (first, total, var)
}

fn check_lengths(inputs: &[String], fa: &[f64], fb: &[f64], fab: &[Vec<f64>], blocks: &[Range<usize>]) -> Result<()> {
    let n = fa.len();
    if fab.is_empty() {
        return Err(Error::InvalidValue(Problem::text(
            "inputs",
            "none",
            "must list at least one input: with no uncertain input there is no variance to apportion",
        )));
    }
    if n == 0 {
        return Err(Error::invalid("n", 0.0, "must be >= 1 base row (fa is empty)"));
    }
    if inputs.len() != fab.len() {
        return Err(Error::InvalidValue(Problem::text(
            "inputs",
            format!("{} names", inputs.len()),
            format!("must name each of the {} A_B columns", fab.len()),
        )));
    }
    if fb.len() != n || fab.iter().any(|f| f.len() != n) {
        return Err(Error::InvalidValue(Problem::text(
            "fb",
            format!("{} values", fb.len()),
            format!("fb and every fab[i] must have the {n} values of fa"),
        )));
    }
    if blocks.len() < 2 {
        return Err(Error::invalid(
            "replicates",
            blocks.len() as f64,
            "must be >= 2: the confidence intervals come from the spread between replicate designs",
        ));
    }
    let mut end = 0;
    for b in blocks {
        if b.start < end || b.end <= b.start || b.end > n {
            return Err(Error::InvalidValue(Problem::text(
                "replicates",
                format!("{}..{}", b.start, b.end),
                format!("blocks must be non-empty, in order, disjoint and within the {n} base rows"),
            )));
        }
        end = b.end;
    }
    Ok(())
}

/// Sobol indices (Saltelli's first order, Jansen's total) from the outputs on A (`fa`), B (`fb`) and each
/// A_B⁽ⁱ⁾ (`fab[i]`), with 95 % CIs from the independently scrambled replicate
/// `blocks` of base rows (see [`SaltelliDesign::replicated`]). Rows where any
/// value is not finite (a failed run) are left out, and a note says how many.
///
/// # Errors
/// [`Error::InvalidValue`] naming the argument: no input, no row, lengths that
/// disagree, fewer than 2 blocks or blocks out of range;
/// [`Error::Infeasible`] when every row failed or fewer than 2 blocks keep 2 rows.
pub fn jansen(
    output: &str,
    inputs: &[String],
    fa: &[f64],
    fb: &[f64],
    fab: &[Vec<f64>],
    blocks: &[Range<usize>],
) -> Result<SobolIndices> {
    check_lengths(inputs, fa, fb, fab, blocks)?;
    let n = fa.len();
    let fabs: Vec<&[f64]> = fab.iter().map(Vec::as_slice).collect();
    let ok = |r: &usize| fa[*r].is_finite() && fb[*r].is_finite() && fab.iter().all(|f| f[*r].is_finite());
    let all: Vec<usize> = (0..n).filter(ok).collect();
    if all.is_empty() {
        return Err(Error::Infeasible(format!(
            "{output}: every one of the {n} base rows of the Sobol design has a failed run (a non-finite output); \
             no index can be estimated"
        )));
    }
    let (first, total, variance) = estimate(&all, fa, fb, &fabs);
    let reps: Vec<Estimate> = blocks
        .iter()
        .map(|b| b.clone().filter(ok).collect::<Vec<usize>>())
        .filter(|rows| rows.len() >= 2)
        .map(|rows| estimate(&rows, fa, fb, &fabs))
        .collect();
    if reps.len() < 2 {
        return Err(Error::Infeasible(format!(
            "{output}: only {} of the {} replicate designs keep 2 or more rows without a failed run; \
             no confidence interval can be given",
            reps.len(),
            blocks.len()
        )));
    }
    let r = reps.len() as f64;
    // r >= 2, so the t distribution has >= 1 degree of freedom and is valid.
    let t = StudentsT::new(0.0, 1.0, r - 1.0).map_or(f64::NAN, |d| d.inverse_cdf(0.975));
    let ci = |point: f64, vals: Vec<f64>| -> [f64; 2] {
        let m = vals.iter().sum::<f64>() / r;
        let sd = (vals.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (r - 1.0)).sqrt();
        let h = t * sd / r.sqrt();
        [point - h, point + h]
    };
    let k = fab.len();
    let first_ci: Vec<[f64; 2]> = (0..k).map(|i| ci(first[i], reps.iter().map(|e| e.0[i]).collect())).collect();
    let total_ci: Vec<[f64; 2]> = (0..k).map(|i| ci(total[i], reps.iter().map(|e| e.1[i]).collect())).collect();
    let mut notes = Vec::new();
    if all.len() < n {
        notes.push(format!("{} of the {n} base rows left out: a run failed (non-finite output)", n - all.len()));
    }
    if variance <= 0.0 {
        notes.push("the output is the same in every run: no input drives it, so every index is shown as 0".to_string());
    } else {
        notes.extend(adequacy_notes(inputs, &first, &total, &first_ci, &total_ci, all.len()));
    }
    Ok(SobolIndices {
        output: output.to_string(),
        inputs: inputs.to_vec(),
        first,
        first_ci,
        total,
        total_ci,
        variance,
        n: all.len() as u64,
        replicates: reps.len(),
        notes,
    })
}

/// Resolution below which indices are not told apart (the tables print them to 2 decimals).
const SOBOL_RESOLUTION: f64 = 0.005;

/// Plain warnings when the indices show sampling noise: a first-order index above its total index
/// (impossible for the true indices) or first-order indices summing above 1 (possible only with
/// noise; their sum is at most 1).
fn adequacy_notes(
    inputs: &[String],
    first: &[f64],
    total: &[f64],
    first_ci: &[[f64; 2]],
    total_ci: &[[f64; 2]],
    n: usize,
) -> Vec<String> {
    let mut notes = Vec::new();
    let over: Vec<&str> =
        (0..first.len()).filter(|&i| first[i] > total[i] + SOBOL_RESOLUTION).map(|i| inputs[i].as_str()).collect();
    if !over.is_empty() {
        let shown: Vec<&str> = over.iter().take(5).copied().collect();
        notes.push(format!(
            "{} input(s) show a first-order index above the total index ({}{}): the true first-order index \
             cannot exceed the total, so the difference is sampling noise at N = {n}; increase --sobol-n to narrow it",
            over.len(),
            shown.join(", "),
            if over.len() > shown.len() { ", ..." } else { "" }
        ));
    }
    let sum: f64 = first.iter().sum();
    let sum_lo: f64 = first_ci.iter().map(|c| c[0]).sum();
    if sum > 1.0 + SOBOL_RESOLUTION {
        notes.push(format!(
            "the first-order indices sum to {sum:.2} (> 1; lower ends of their intervals {sum_lo:.2}): the estimates \
             are not reliable at N = {n}, this is sampling noise; increase --sobol-n"
        ));
    }
    let wide = (0..first.len()).filter(|&i| total_ci[i][1] - total_ci[i][0] > 0.2).count();
    if wide > 0 {
        notes.push(format!(
            "{wide} total index interval(s) are wider than 0.2: too few rows (N = {n}) to rank those inputs; \
             increase --sobol-n"
        ));
    }
    notes
}

/// Sobol indices of any function of independent inputs (evaluated in parallel).
///
/// `f` maps one input vector to one value. `n` is the base sample size, split
/// into `replicates` independently scrambled designs (the CIs come from their
/// spread; [`DEFAULT_REPLICATES`] is a good choice); the function is called
/// `n·(k + 2)` times.
///
/// # Errors
/// [`Error::InvalidValue`] naming the argument: no distribution (`dists`),
/// names that do not match the distributions (`names`), `replicates` < 2,
/// `n` below 8 per replicate or a design too large to hold (the message gives
/// its size and the largest `n`); [`Error::Infeasible`] when `f` is not finite
/// on every row.
///
/// # Example (Ishigami; analytic S₁ = 0.3139, S₂ = 0.4424, S₃ = 0)
/// ```
/// use demine::Dist;
/// use demine::stats::sobol_indices;
/// let pi = std::f64::consts::PI;
/// let u = Dist::uniform(-pi, pi)?;
/// let ishigami = |x: &[f64]| x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin();
/// let s = sobol_indices(&[u.clone(), u.clone(), u], &["x1", "x2", "x3"], ishigami, 4096, 1, 8)?;
/// assert!((s.first[1] - 0.4424).abs() < 0.05);
/// # Ok::<(), demine::Error>(())
/// ```
pub fn sobol_indices<F: Fn(&[f64]) -> f64 + Sync>(
    dists: &[Dist],
    names: &[&str],
    f: F,
    n: u64,
    seed: u64,
    replicates: usize,
) -> Result<SobolIndices> {
    let k = dists.len();
    if k == 0 {
        return Err(Error::InvalidValue(Problem::text(
            "dists",
            "none",
            "must hold at least one input distribution: with no uncertain input there is no variance to apportion",
        )));
    }
    if names.len() != k {
        return Err(Error::InvalidValue(Problem::text(
            "names",
            format!("{} names", names.len()),
            format!("must name each of the {k} distributions"),
        )));
    }
    let q: Vec<QuantileFn> = dists.iter().map(QuantileFn::new).collect();
    let design = SaltelliDesign::replicated(k, n, replicates, seed, Sampler::Sobol)?;
    let x = design.runs(|u, out| out.extend(u.iter().zip(&q).map(|(u, q)| q.quantile(*u))))?;
    let y: Vec<f64> = x.par_chunks(k).map(&f).collect();
    let nn = design.n;
    let fab: Vec<Vec<f64>> = (0..k).map(|i| y[(2 + i) * nn..(3 + i) * nn].to_vec()).collect();
    let (fa, fb) = (&y[..nn], &y[nn..2 * nn]);
    let inputs: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    jansen("f", &inputs, fa, fb, &fab, &design.blocks)
}
