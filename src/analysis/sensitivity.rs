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
//!   with percentile bootstrap confidence intervals (rows resampled); the
//!   estimators are in [`crate::stats::sobol`], the design in
//!   [`crate::sampling::SaltelliDesign`]. The design uses scrambled Sobol points
//!   (2k dimensions) and costs N·(k + 2) model runs, evaluated through the public
//!   [`Run`] API. Inputs are sampled independently: correlations are ignored (and reported).

use crate::error::{Error, Result};
use crate::model::Scenario;
use crate::sampling::stream::trial_key;
use crate::sampling::{SaltelliDesign, Sampler};
use crate::simulate::{Outcome, Run, SimConfig};
use crate::stats::rank::spearman;
use crate::stats::regression::standardized_regression;
use crate::stats::sobol::{SobolIndices, jansen};
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

/// The outputs analysed when none are named: total cost, and duration and
/// casualties when the run has them.
#[must_use]
pub fn default_outputs(o: &Outcome) -> Vec<String> {
    ["total_cost", "duration_years", "casualties_over_horizon"]
        .into_iter()
        .filter(|n| o.summary(n).is_some())
        .map(String::from)
        .collect()
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
    let mut run = Run::new(scenario, config)?;
    let idx: Vec<usize> = outputs.iter().map(|name| run.output_index(name, "output")).collect::<Result<_>>()?;
    run.ensure_room(rows)?;
    let design = SaltelliDesign::new(k, n as usize, config.seed, Sampler::Sobol);
    // Rows in x-space: A, B, then A_B(i) for each input i; each base row's site draws shared.
    let x = design.runs(|u, out| run.quantiles_into(u, out));
    let keys: Vec<u64> = (0..rows).map(|t| trial_key(config.seed ^ 0x5A17_E111, t % n)).collect();
    run.add_input_rows(&x, &keys)?;
    let input_names: Vec<String> = scenario.inputs().map(|i| i.name.clone()).collect();
    let nn = n as usize;
    Ok(idx
        .iter()
        .zip(outputs)
        .map(|(&o, name)| {
            let col = run.column(o);
            let (fa, fb) = (&col[..nn], &col[nn..2 * nn]);
            let fab: Vec<Vec<f64>> = (0..k).map(|i| col[(2 + i) * nn..(3 + i) * nn].to_vec()).collect();
            jansen(name, &input_names, fa, fb, &fab, config.seed, resamples)
        })
        .collect())
}
