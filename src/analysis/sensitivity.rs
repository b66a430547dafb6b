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
//!   with 95 % confidence intervals from independently scrambled replicate
//!   designs; the estimators are in [`crate::stats::sobol`], the design in
//!   [`crate::sampling::SaltelliDesign`]. The design uses scrambled Sobol points
//!   (2k dimensions) and costs N·(k + 2) model runs, evaluated through the public
//!   [`Run`] API. Inputs are sampled independently: correlations are ignored (and reported).
//!
//!   On the site engine each trial also draws every site (cancelled or not,
//!   local productivity ...): variability that no input carries. Those draws
//!   are treated as one more input, `(site variability)`: rows A and A_B⁽ⁱ⁾ of a
//!   base row share A's site draws, rows B share B's, and N more runs (A's
//!   inputs with B's site draws) give that row's indices. Every index is then a
//!   share of the whole variance (Σ Sᵢ ≤ 1, Sᵢ ≤ Sₜᵢ); sharing one set of site
//!   draws between A and B instead would add the site share to every Sᵢ.

use crate::error::fmt_bytes;
use crate::error::{Error, Problem, Result};
use crate::model::Scenario;
use crate::sampling::saltelli::{bad_n, design_runs};
use crate::sampling::stream::trial_key;
use crate::sampling::{SaltelliDesign, Sampler};
use crate::simulate::{ModelLevel, Outcome, Run, SimConfig};
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
    /// Whether ρ is distinguishable from zero: |ρ| > 1.96/√(n − 1), the 95 % band of a rank
    /// correlation with `n` trials when the input has no effect (its null distribution is close
    /// to normal with that sd). An input inside the band is not shown as a driver.
    pub significant: bool,
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
/// [`Error::Unknown`] for an output the run does not have;
/// [`Error::InvalidValue`] (`inputs`) when the run has no uncertain input (a
/// deterministic plan: nothing to apportion); [`Error::Infeasible`] when every
/// trial failed.
pub fn tornado(o: &Outcome, output: &str) -> Result<Tornado> {
    let y = o.values(output).ok_or_else(|| o.unknown_output(output))?;
    let k = o.input_names().len();
    if k == 0 {
        return Err(Error::InvalidValue(Problem::text(
            "inputs",
            "none",
            "the run has no uncertain input (every value is fixed): a deterministic plan has no spread to apportion",
        )));
    }
    let ok: Vec<usize> = (0..y.len()).filter(|&t| y[t].is_finite()).collect();
    if ok.is_empty() {
        return Err(Error::Infeasible(format!(
            "{output}: every one of the {} trials failed (a non-finite output): there is nothing to analyse",
            y.len()
        )));
    }
    let yv: Vec<f64> = ok.iter().map(|&t| y[t]).collect();
    let xs: Vec<Vec<f64>> =
        (0..k).map(|i| ok.iter().map(|&t| o.input_values(i).map_or(f64::NAN, |c| c[t])).collect()).collect();
    let rho: Vec<f64> = xs.iter().map(|x| spearman(x, &yv)).map(|r| if r.is_nan() { 0.0 } else { r }).collect();
    let (src, r2) = standardized_regression(&xs, &yv);
    let total: f64 = rho.iter().map(|r| r * r).sum();
    let band = noise_band(yv.len());
    let mut bars: Vec<TornadoBar> = (0..k)
        .map(|i| TornadoBar {
            input: o.input_names()[i].clone(),
            label: o.input_labels()[i].clone(),
            spearman: rho[i],
            src: src[i],
            contribution: if total > 0.0 { rho[i] * rho[i] / total } else { 0.0 },
            significant: rho[i].abs() > band,
        })
        .collect();
    bars.sort_by(|a, b| b.spearman.abs().total_cmp(&a.spearman.abs()));
    Ok(Tornado { output: output.to_string(), src_r2: r2, bars, warnings: tornado_warnings(o, &yv, y.len(), r2) })
}

/// The 95 % band of a Spearman correlation with `n` pairs under no association: 1.96/√(n − 1).
#[must_use]
pub fn noise_band(n: usize) -> f64 {
    if n < 3 { f64::INFINITY } else { 1.959_964 / ((n - 1) as f64).sqrt() }
}

fn tornado_warnings(o: &Outcome, yv: &[f64], trials: usize, r2: f64) -> Vec<String> {
    let k = o.input_names().len();
    let mut warnings = Vec::new();
    if yv.len() < trials {
        warnings
            .push(format!("{} of the {trials} trials failed (non-finite output) and are left out", trials - yv.len()));
    }
    if yv.iter().all(|v| *v == yv[0]) {
        warnings.push("the output is the same in every trial: no input drives it (every bar is 0)".to_string());
    } else if r2.is_nan() {
        warnings.push(format!(
            "{} successful trials are too few for a linear fit of {k} inputs: SRCs and R² are undefined (NaN)",
            yv.len()
        ));
    }
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
    warnings
}

/// Name of the extra row that carries the site engine's within-trial draws.
pub const SITE_VARIABILITY: &str = "(site variability)";

/// Replicate designs for a base sample size `n`: one per 64 base rows, between 2 and 16.
#[must_use]
pub fn replicates_for(n: u64) -> usize {
    (n / 64).clamp(2, 16) as usize
}

/// Errs unless the design (`n` base rows, `runs` model runs of `k` inputs) fits in the memory limit.
fn check_design_memory(run: &Run<'_>, config: &SimConfig, n: u64, k: usize, blocks: usize) -> Result<()> {
    let runs = design_runs(n, k, blocks - k - 2);
    // Kept per run: the run's outputs and inputs, the design row (k values) and its site key.
    let per_run = u128::from(run.bytes_per_trial()) + 8 * k as u128 + 8;
    let needed = runs.saturating_mul(per_run).saturating_add(u128::from(n).saturating_mul(16 * k as u128));
    let limit = u128::from(config.memory_limit_bytes);
    if needed > limit {
        let per_n = per_run * blocks as u128 + 16 * k as u128;
        return Err(bad_n(
            "sobol_n",
            n,
            format!(
                "the Sobol design needs N·(k + {}) = {runs} model runs and about {} of memory, over the limit of {}; \
                 use sobol_n <= {} or raise the limit (SimConfig::with_memory_limit_bytes / --max-memory-gb)",
                blocks - k,
                fmt_bytes(needed),
                fmt_bytes(limit),
                limit / per_n.max(1)
            ),
        ));
    }
    Ok(())
}

/// Sobol indices of a scenario's outputs over its uncertain inputs.
///
/// Runs the scenario's engine on a Saltelli design of `n` base rows in
/// `replicates` independently scrambled blocks ([`replicates_for`] gives a good
/// number): `n·(k + 2)` runs, plus `n` on the site engine, whose within-trial
/// site draws get their own row, [`SITE_VARIABILITY`] (see the module notes).
///
/// # Errors
/// [`Error::Unknown`] for an unknown output; [`Error::InvalidValue`] for a
/// scenario without uncertain input, `n < 16`, `replicates` < 2, fewer than 8
/// base rows per replicate, or a design that does not fit in the memory limit
/// (the message gives the runs, the memory and the largest `n`).
pub fn scenario_sobol_indices(
    scenario: &Scenario,
    config: &SimConfig,
    outputs: &[&str],
    n: u64,
    replicates: usize,
) -> Result<Vec<SobolIndices>> {
    let mut run = Run::new(scenario, config)?;
    let idx: Vec<usize> = outputs.iter().map(|name| run.output_index(name, "output")).collect::<Result<_>>()?;
    let (k, sites) = check_design(scenario, config, &run, n, replicates)?;
    let blocks = k + 2 + usize::from(sites);
    let design = SaltelliDesign::replicated(k, n, replicates, config.seed, Sampler::Sobol)?;
    let nn = design.n;
    // Rows in x-space: A, B, A_B(i) for each input i, then (site engine) A again.
    let x = design.runs_with_a_again(usize::from(sites), |u, out| run.quantiles_into(u, out))?;
    // Site draws: A and every A_B(i) share row r's A key; B (and the last block) use its B key.
    let key_a = |r: usize| trial_key(config.seed ^ 0x5A17_E111, r as u64);
    let key_b = |r: usize| trial_key(config.seed ^ 0x5A17_E112, r as u64);
    let keys: Vec<u64> =
        (0..blocks * nn).map(|t| if t / nn == 1 || t / nn == k + 2 { key_b(t % nn) } else { key_a(t % nn) }).collect();
    config.observer.stage(&format!("Sobol design ({} runs)", keys.len()), keys.len() as u64);
    run.add_input_rows(&x, &keys)?;
    let mut input_names: Vec<String> = scenario.inputs().map(|i| i.name.clone()).collect();
    if sites {
        input_names.push(SITE_VARIABILITY.to_string());
    }
    idx.iter()
        .zip(outputs)
        .map(|(&o, name)| {
            let col = run.column(o);
            let (fa, fb) = (&col[..nn], &col[nn..2 * nn]);
            let fab: Vec<Vec<f64>> = (2..blocks).map(|b| col[b * nn..(b + 1) * nn].to_vec()).collect();
            let mut s = jansen(name, &input_names, fa, fb, &fab, &design.blocks)?;
            if sites {
                s.notes.push(format!(
                    "{SITE_VARIABILITY}: the sites' own draws within a trial (cancelled or not, local productivity ...), \
                     which no input carries, treated as one more input"
                ));
            }
            Ok(s)
        })
        .collect()
}

/// Checks a Sobol design of `n` base rows in `replicates` blocks for
/// `scenario` without running it (the CLI calls this before its main run).
///
/// # Errors
/// As [`scenario_sobol_indices`].
pub fn check_sobol_design(scenario: &Scenario, config: &SimConfig, n: u64, replicates: usize) -> Result<()> {
    check_design(scenario, config, &Run::new(scenario, config)?, n, replicates).map(|_| ())
}

/// The input count and whether site draws get their own row, once the design is known to fit.
fn check_design(
    scenario: &Scenario,
    config: &SimConfig,
    run: &Run<'_>,
    n: u64,
    replicates: usize,
) -> Result<(usize, bool)> {
    let k = scenario.inputs().len();
    if k == 0 {
        return Err(Error::InvalidValue(Problem::text(
            "inputs",
            "none",
            "the scenario has no uncertain input (every value is fixed): a deterministic plan has no Sobol indices",
        )));
    }
    if n < 16 {
        return Err(bad_n("sobol_n", n, "must be >= 16"));
    }
    let sites = scenario.sites().is_some() && config.model != Some(ModelLevel::Aggregate);
    check_design_memory(run, config, n, k, k + 2 + usize::from(sites))?;
    SaltelliDesign::check(k, n, replicates, usize::from(sites)).map_err(rename_n)?;
    Ok((k, sites))
}

/// Names the CLI's `sobol_n` in a design-size error about `n`.
fn rename_n(e: Error) -> Error {
    match e {
        Error::InvalidValue(mut p) if p.field == "n" => {
            p.field = "sobol_n".into();
            Error::InvalidValue(p)
        }
        e => e,
    }
}

/// A whole sensitivity analysis: the run, tornado data and Sobol indices of each output.
#[derive(Clone, Debug)]
pub struct Sensitivity {
    /// The run the tornado data come from (Latin hypercube unless the config names a sampler).
    pub outcome: Outcome,
    /// The outputs analysed.
    pub outputs: Vec<String>,
    /// Tornado data, one per output (empty for a deterministic plan).
    pub tornados: Vec<Tornado>,
    /// Sobol indices, one per output (empty when `sobol_n` is 0 or the plan is deterministic).
    pub sobol: Vec<SobolIndices>,
    /// Why there is nothing to analyse, when so (a plan without uncertain inputs).
    pub note: Option<String>,
}

/// Runs the scenario (with a Latin hypercube unless `config` names a sampler)
/// and computes tornado data and, when `sobol_n > 0`, Sobol indices of
/// `outputs` (by default [`default_outputs`]); what `demine sensitivity` prints.
/// A plan without uncertain inputs gets a note instead of an error. The Sobol
/// design is checked against the memory limit before the main run.
///
/// # Errors
/// As [`tornado`] and [`scenario_sobol_indices`]; [`Error::InvalidValue`] when every trial failed.
pub fn analyse(scenario: &Scenario, config: &SimConfig, outputs: &[String], sobol_n: u64) -> Result<Sensitivity> {
    let mut config = config.clone();
    config.sampler = config.sampler.or(Some(Sampler::LatinHypercube));
    let uncertain = scenario.inputs().len() > 0;
    let replicates = replicates_for(sobol_n);
    if uncertain && sobol_n > 0 {
        check_sobol_design(scenario, &config, sobol_n, replicates)?;
    }
    config.observer.stage("trials for the tornado", config.trials);
    let outcome = crate::simulate(scenario, &config)?;
    outcome.check_some_trial_succeeded()?;
    let outputs = if outputs.is_empty() { default_outputs(&outcome) } else { outputs.to_vec() };
    if !uncertain {
        let note = "every input is fixed: a deterministic plan has no spread to attribute".to_string();
        return Ok(Sensitivity { outcome, outputs, tornados: Vec::new(), sobol: Vec::new(), note: Some(note) });
    }
    let tornados = outputs.iter().map(|name| tornado(&outcome, name)).collect::<Result<Vec<_>>>()?;
    let sobol = if sobol_n > 0 {
        let refs: Vec<&str> = outputs.iter().map(String::as_str).collect();
        scenario_sobol_indices(scenario, &config, &refs, sobol_n, replicates)?
    } else {
        Vec::new()
    };
    Ok(Sensitivity { outcome, outputs, tornados, sobol, note: None })
}
