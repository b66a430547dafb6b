//! Variance-based sensitivity: first-order and total Sobol indices from a
//! Saltelli design, by Jansen's estimators (Jansen 1999,
//! doi:10.1016/S0010-4655(98)00154-4; Saltelli et al. 2010,
//! doi:10.1016/j.cpc.2009.09.018), with percentile bootstrap confidence intervals:
//!
//! ```text
//! V   = Var(f(A) ∪ f(B))
//! Sᵢ  = 1 − mean((f(B) − f(A_B⁽ⁱ⁾))²) / (2V)
//! Sₜᵢ =     mean((f(A) − f(A_B⁽ⁱ⁾))²) / (2V)
//! ```

use crate::sampling::stream::{mix64, unit_open};
use crate::sampling::{Dist, Quantile, QuantileFn, SaltelliDesign, Sampler};
use crate::stats::summary::quantile_sorted;
use rayon::prelude::*;
use serde::Serialize;

/// First-order and total Sobol indices of one output.
#[derive(Clone, Debug, Serialize)]
pub struct SobolIndices {
    /// Output name.
    pub output: String,
    /// Input names.
    pub inputs: Vec<String>,
    /// First-order indices Sᵢ.
    pub first: Vec<f64>,
    /// 95 % bootstrap CIs of Sᵢ.
    pub first_ci: Vec<[f64; 2]>,
    /// Total indices Sₜᵢ.
    pub total: Vec<f64>,
    /// 95 % bootstrap CIs of Sₜᵢ.
    pub total_ci: Vec<[f64; 2]>,
    /// Variance of the output over A ∪ B.
    pub variance: f64,
    /// Base sample size N.
    pub n: u64,
}

/// Jansen estimators with bootstrap CIs from the outputs on A (`fa`), B (`fb`)
/// and each A_B⁽ⁱ⁾ (`fab[i]`); rows where any value is not finite are left out.
pub fn jansen(
    output: &str,
    inputs: &[String],
    fa: &[f64],
    fb: &[f64],
    fab: &[Vec<f64>],
    seed: u64,
    resamples: usize,
) -> SobolIndices {
    let n = fa.len();
    let estimate = |rows: &[usize]| -> (Vec<f64>, Vec<f64>, f64) {
        let m = rows.len() as f64;
        let mean = rows.iter().map(|&r| fa[r] + fb[r]).sum::<f64>() / (2.0 * m);
        let var = rows.iter().map(|&r| (fa[r] - mean).powi(2) + (fb[r] - mean).powi(2)).sum::<f64>() / (2.0 * m - 1.0);
        let mut first = Vec::with_capacity(fab.len());
        let mut total = Vec::with_capacity(fab.len());
        for f in fab {
            let s1 = rows.iter().map(|&r| (fb[r] - f[r]).powi(2)).sum::<f64>() / m;
            let st = rows.iter().map(|&r| (fa[r] - f[r]).powi(2)).sum::<f64>() / m;
            first.push(if var > 0.0 { 1.0 - s1 / (2.0 * var) } else { 0.0 });
            total.push(if var > 0.0 { st / (2.0 * var) } else { 0.0 });
        }
        (first, total, var)
    };
    // Rows where a trial failed (a non-finite output) are left out, not averaged in.
    let all: Vec<usize> =
        (0..n).filter(|&r| fa[r].is_finite() && fb[r].is_finite() && fab.iter().all(|f| f[r].is_finite())).collect();
    let n = all.len().max(1);
    let (first, total, variance) = estimate(&all);
    let boots: Vec<(Vec<f64>, Vec<f64>)> = (0..resamples)
        .into_par_iter()
        .map(|b| {
            let key = mix64(seed ^ 0xB007_5778_u64 ^ (b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let rows: Vec<usize> =
                (0..n).map(|j| all[((unit_open(mix64(key ^ j as u64)) * n as f64) as usize).min(n - 1)]).collect();
            let (f, t, _) = estimate(&rows);
            (f, t)
        })
        .collect();
    let ci = |which: usize, i: usize| -> [f64; 2] {
        let mut v: Vec<f64> = boots.iter().map(|b| if which == 0 { b.0[i] } else { b.1[i] }).collect();
        v.sort_unstable_by(f64::total_cmp);
        [quantile_sorted(&v, 0.025), quantile_sorted(&v, 0.975)]
    };
    SobolIndices {
        output: output.to_string(),
        inputs: inputs.to_vec(),
        first_ci: (0..fab.len()).map(|i| ci(0, i)).collect(),
        total_ci: (0..fab.len()).map(|i| ci(1, i)).collect(),
        first,
        total,
        variance,
        n: all.len() as u64,
    }
}

/// Sobol indices of any function of independent inputs (evaluated in parallel).
///
/// `f` maps one input vector to one value. `n` is the base sample size; the
/// function is called `n·(k + 2)` times. `resamples` bootstrap samples give the CIs.
///
/// # Example (Ishigami; analytic S₁ = 0.3139, S₂ = 0.4424, S₃ = 0)
/// ```
/// use demine::Dist;
/// use demine::stats::sobol_indices;
/// let pi = std::f64::consts::PI;
/// let u = Dist::uniform(-pi, pi)?;
/// let ishigami = |x: &[f64]| x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin();
/// let s = sobol_indices(&[u.clone(), u.clone(), u], &["x1", "x2", "x3"], ishigami, 4096, 1, 100);
/// assert!((s.first[1] - 0.4424).abs() < 0.05);
/// # Ok::<(), demine::Error>(())
/// ```
pub fn sobol_indices<F: Fn(&[f64]) -> f64 + Sync>(
    dists: &[Dist],
    names: &[&str],
    f: F,
    n: u64,
    seed: u64,
    resamples: usize,
) -> SobolIndices {
    let k = dists.len();
    let q: Vec<QuantileFn> = dists.iter().map(QuantileFn::new).collect();
    let design = SaltelliDesign::new(k, n as usize, seed, Sampler::Sobol);
    let x = design.runs(|u, out| out.extend(u.iter().zip(&q).map(|(u, q)| q.quantile(*u))));
    let y: Vec<f64> = x.par_chunks(k.max(1)).map(&f).collect();
    let nn = n as usize;
    let fab: Vec<Vec<f64>> = (0..k).map(|i| y[(2 + i) * nn..(3 + i) * nn].to_vec()).collect();
    let (fa, fb) = (&y[..nn], &y[nn..2 * nn]);
    let inputs: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    jansen("f", &inputs, fa, fb, &fab, seed, resamples)
}
