//! Which inputs drive the spread of an output.
//!
//! - **Tornado** data from an ordinary run: Spearman rank correlation of each
//!   input with the output, standardised regression coefficients (SRC) of a
//!   linear fit on standardised values (with its R², which says how far a linear
//!   reading can be trusted), and each input's contribution to variance as its
//!   share of Σρ² (the Crystal Ball convention). These measures assume
//!   independent inputs: with correlated inputs they mislead, and a warning says so.
//! - **Variance-based Sobol indices**: first-order Sᵢ (the share of variance
//!   explained by input i alone) and total Sₜᵢ (including all its interactions),
//!   from Saltelli's design (matrices A, B and A with column i from B; Saltelli
//!   2002, doi:10.1016/S0010-4655(02)00280-1) and Jansen's estimators (Jansen
//!   1999, doi:10.1016/S0010-4655(98)00154-4; Saltelli et al. 2010,
//!   doi:10.1016/j.cpc.2009.09.018):
//!
//!   ```text
//!   V   = Var(f(A) ∪ f(B))
//!   Sᵢ  = 1 − mean((f(B) − f(A_B⁽ⁱ⁾))²) / (2V)
//!   Sₜᵢ =     mean((f(A) − f(A_B⁽ⁱ⁾))²) / (2V)
//!   ```
//!   with percentile bootstrap confidence intervals (rows resampled). The design
//!   uses scrambled Sobol points (2k dimensions) and costs N·(k + 2) model runs.
//!   Inputs are sampled independently: correlations are ignored (and reported).

use crate::error::{Error, Result};
use crate::model::Scenario;
use crate::sampling::stream::{mix64, trial_key, unit_open};
use crate::sampling::{Dist, Quantile, QuantileFn, Sampler, UniformSource};
use crate::simulate::engine::GivenInputs;
use crate::simulate::engine::run;
use crate::simulate::outputs::national_output;
use crate::simulate::{Builder, Outcome, SimConfig, prepare, with_threads};
use crate::stats::rank::spearman;
use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;
use serde::Serialize;

/// One input's bar in a tornado chart.
#[derive(Clone, Debug, Serialize)]
pub struct TornadoBar {
    /// Input name (field path).
    pub input: String,
    /// Human label.
    pub label: String,
    /// Spearman rank correlation with the output.
    pub spearman: f64,
    /// Standardised regression coefficient.
    pub src: f64,
    /// Share of Σρ² (contribution to variance, rank-based).
    pub contribution: f64,
}

/// Tornado data for one output, bars sorted by |ρ| (largest first).
#[derive(Clone, Debug, Serialize)]
pub struct Tornado {
    /// Output name.
    pub output: String,
    /// R² of the linear fit behind the SRCs.
    pub src_r2: f64,
    /// Bars.
    pub bars: Vec<TornadoBar>,
    /// Caveats (correlated inputs, weak linear fit).
    pub warnings: Vec<String>,
}

/// Tornado data for `output` from a run's per-trial inputs and outputs.
///
/// # Errors
/// [`Error::Unknown`] for an output the run does not have.
pub fn tornado(o: &Outcome, output: &str) -> Result<Tornado> {
    let y = o.values(output).ok_or_else(|| o.unknown_output(output))?;
    let ok: Vec<usize> = (0..y.len()).filter(|&t| y[t].is_finite()).collect();
    let yv: Vec<f64> = ok.iter().map(|&t| y[t]).collect();
    let k = o.input_names().len();
    let xs: Vec<Vec<f64>> =
        (0..k).map(|i| ok.iter().map(|&t| o.input_values(i).map_or(f64::NAN, |c| c[t])).collect()).collect();
    let rho: Vec<f64> = xs.iter().map(|x| spearman(x, &yv)).map(|r| if r.is_nan() { 0.0 } else { r }).collect();
    let (src, r2) = standardized_regression(&xs, &yv);
    let total: f64 = rho.iter().map(|r| r * r).sum();
    let mut bars: Vec<TornadoBar> = (0..k)
        .map(|i| TornadoBar {
            input: o.input_names()[i].clone(),
            label: o.input_labels()[i].clone(),
            spearman: rho[i],
            src: src[i],
            contribution: if total > 0.0 { rho[i] * rho[i] / total } else { 0.0 },
        })
        .collect();
    bars.sort_by(|a, b| b.spearman.abs().total_cmp(&a.spearman.abs()));
    let mut warnings = Vec::new();
    if o.has_correlated_inputs() {
        warnings.push(
            "the scenario correlates some inputs: rank correlations and SRCs then share credit between them and mislead; \
             read the Sobol indices of independent inputs instead"
                .to_string(),
        );
    }
    if r2 < 0.7 {
        warnings.push(format!(
            "the linear fit explains only {:.0} % of the variance (R²): the output is far from linear in its inputs, so SRCs understate interactions",
            100.0 * r2
        ));
    }
    Ok(Tornado { output: output.to_string(), src_r2: r2, bars, warnings })
}

/// Standardised regression coefficients (least squares on z-scores) and R².
fn standardized_regression(xs: &[Vec<f64>], y: &[f64]) -> (Vec<f64>, f64) {
    let n = y.len();
    let k = xs.len();
    let z = |v: &[f64]| -> Vec<f64> {
        let m = v.iter().sum::<f64>() / n as f64;
        let s = (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n.max(2) - 1) as f64).sqrt();
        v.iter().map(|x| if s > 0.0 { (x - m) / s } else { 0.0 }).collect()
    };
    if n <= k + 1 {
        return (vec![f64::NAN; k], f64::NAN);
    }
    let zy = DVector::from_vec(z(y));
    let cols: Vec<Vec<f64>> = xs.iter().map(|x| z(x)).collect();
    let x = DMatrix::from_fn(n, k, |r, c| cols[c][r]);
    let svd = x.clone().svd(true, true);
    match svd.solve(&zy, 1e-10) {
        Ok(beta) => {
            let fit = &x * &beta;
            let ss_res = (&zy - fit).norm_squared();
            let ss_tot = zy.norm_squared();
            (beta.iter().copied().collect(), if ss_tot > 0.0 { 1.0 - ss_res / ss_tot } else { f64::NAN })
        }
        Err(_) => (vec![f64::NAN; k], f64::NAN),
    }
}

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

/// A Saltelli design in probability space: matrices A and B (N × k, row-major),
/// from 2k-dimensional scrambled Sobol points (Monte Carlo beyond 256 dimensions).
#[must_use]
pub fn saltelli_design(k: usize, n: u64, seed: u64, sampler: Sampler) -> (Vec<f64>, Vec<f64>) {
    let names: Vec<String> = (0..2 * k).map(|d| format!("saltelli:{d}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let src = UniformSource::new(sampler, seed, &refs, 0, n);
    let mut a = vec![0.0; n as usize * k];
    let mut b = vec![0.0; n as usize * k];
    let mut u = vec![0.0; 2 * k];
    for t in 0..n {
        src.fill(t, &mut u);
        let r = t as usize * k;
        a[r..r + k].copy_from_slice(&u[..k]);
        b[r..r + k].copy_from_slice(&u[k..]);
    }
    (a, b)
}

/// Jansen estimators with bootstrap CIs from the outputs on A, B and each A_B⁽ⁱ⁾.
fn jansen(
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
        [crate::stats::summary::quantile_sorted(&v, 0.025), crate::stats::summary::quantile_sorted(&v, 0.975)]
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
/// use demine::stats::sensitivity::sobol_indices;
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
    let (a, b) = saltelli_design(k, n, seed, Sampler::Sobol);
    let to_x = |u: &[f64]| -> Vec<f64> { u.iter().zip(&q).map(|(u, q)| q.quantile(*u)).collect() };
    let eval = |m: &[f64]| -> Vec<f64> { m.par_chunks(k).map(|row| f(&to_x(row))).collect() };
    let fa = eval(&a);
    let fb = eval(&b);
    let fab: Vec<Vec<f64>> = (0..k)
        .map(|i| {
            let mut ab = a.clone();
            for r in 0..n as usize {
                ab[r * k + i] = b[r * k + i];
            }
            eval(&ab)
        })
        .collect();
    let inputs: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    jansen("f", &inputs, &fa, &fb, &fab, seed, resamples)
}

/// Sobol indices of a scenario's outputs over its uncertain inputs.
///
/// Runs the scenario's engine on the Saltelli design (`n·(k + 2)` trials); each
/// base row's site-level random numbers are shared by its A, B and A_B⁽ⁱ⁾
/// rows, so only the epistemic inputs differ between them.
///
/// # Errors
/// [`Error::Unknown`] for an unknown output; [`Error::InvalidValue`] for
/// `n < 16`; [`Error::TooManyTrials`] when the design does not fit in memory.
pub fn scenario_sobol_indices(
    scenario: &Scenario,
    config: &SimConfig,
    outputs: &[&str],
    n: u64,
    resamples: usize,
) -> Result<Vec<SobolIndices>> {
    if n < 16 {
        return Err(Error::invalid("sobol_n", n as f64, "must be >= 16"));
    }
    let k = scenario.inputs().len();
    let rows = n * (k as u64 + 2);
    let c = prepare(scenario, &config.clone().with_trials(rows))?;
    crate::simulate::check_memory(&c, rows, config.memory_limit_bytes)?;
    let idx: Vec<usize> = outputs.iter().map(|name| national_output(&c.defs, name, "output")).collect::<Result<_>>()?;
    let (a, b) = saltelli_design(k, n, config.seed, Sampler::Sobol);
    // Rows in x-space: A, B, then A_B(i) for each input i.
    let mut x = Vec::with_capacity(rows as usize * k);
    let nn = n as usize;
    let q = &c.quantiles;
    let push = |x: &mut Vec<f64>, u: &[f64]| x.extend(u.iter().zip(q).map(|(u, q)| q.quantile(*u)));
    for r in 0..nn {
        push(&mut x, &a[r * k..(r + 1) * k]);
    }
    for r in 0..nn {
        push(&mut x, &b[r * k..(r + 1) * k]);
    }
    let mut row = vec![0.0; k];
    for i in 0..k {
        for r in 0..nn {
            row.copy_from_slice(&a[r * k..(r + 1) * k]);
            row[i] = b[r * k + i];
            push(&mut x, &row);
        }
    }
    let keys: Vec<u64> = (0..rows).map(|t| trial_key(config.seed ^ 0x5A17_E111, t % n)).collect();
    let provider = GivenInputs { rows: &x, k, keys: &keys };
    let input_names: Vec<String> = scenario.inputs().iter().map(|i| i.name.clone()).collect();
    with_threads(config.threads, || {
        let mut bld = Builder::new(&c, rows);
        bld.append(run(&c, &provider, 0..rows, None));
        Ok(idx
            .iter()
            .zip(outputs)
            .map(|(&o, name)| {
                let col = bld.column(o);
                let fa = &col[..nn];
                let fb = &col[nn..2 * nn];
                let fab: Vec<Vec<f64>> = (0..k).map(|i| col[(2 + i) * nn..(3 + i) * nn].to_vec()).collect();
                jansen(name, &input_names, fa, fb, &fab, config.seed, resamples)
            })
            .collect())
    })
}
