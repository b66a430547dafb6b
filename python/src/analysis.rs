//! The analyses: plans compared, the capacity or budget a deadline needs,
//! sensitivity. Each answers with the CLI's JSON text (schema `demine/3`),
//! which the Python layer turns into frames and small result objects.

use crate::errors::{detached, to_py, watched};
use crate::outcome::Outcome;
use crate::scenario::Scenario;
use demine::{Sampler, analysis, report};
use pyo3::prelude::*;

/// `(trials, first_trial, seed, sampler, threads, model)` as the Python layer passes them.
pub(crate) type ConfigArgs = (u64, u64, u64, Option<String>, Option<usize>, Option<String>);

/// The [`demine::SimConfig`] of `args`.
pub(crate) fn config(py: Python<'_>, args: ConfigArgs) -> PyResult<demine::SimConfig> {
    let (trials, first, seed, sampler, threads, model) = args;
    crate::sim_config(trials, first, seed, sampler.as_deref(), threads, model.as_deref()).map_err(|e| to_py(py, e))
}

fn text(py: Python<'_>, v: &serde_json::Value) -> PyResult<String> {
    serde_json::to_string(v).map_err(|e| to_py(py, demine::Error::Output(e.to_string())))
}

/// Runs every plan on common random numbers and compares them with the first:
/// `(comparison JSON, outcomes)`.
#[pyfunction]
#[pyo3(signature = (plans, names, config_args, progress = None))]
pub(crate) fn compare(
    py: Python<'_>,
    plans: Vec<PyRef<'_, Scenario>>,
    names: Vec<String>,
    config_args: ConfigArgs,
    progress: Option<Py<PyAny>>,
) -> PyResult<(String, Vec<Outcome>)> {
    let mut config = config(py, config_args)?;
    let scenarios: Vec<&demine::Scenario> = plans.iter().map(|p| &p.inner).collect();
    let (json, outcomes) = watched(py, progress.as_ref(), move |observer| {
        config.observer = observer;
        let n = scenarios.len();
        let mut outcomes = Vec::with_capacity(n);
        for (i, s) in scenarios.iter().enumerate() {
            config.observer.stage(&format!("plan {} of {n}", i + 1), config.trials);
            outcomes.push(demine::simulate(s, &config)?);
        }
        let sources = vec![String::new(); n];
        let c = analysis::compare_outcomes(&outcomes)?.with_names(names, sources)?;
        Ok((report::analysis::comparison_json(&c), outcomes))
    })?;
    Ok((text(py, &json)?, outcomes.into_iter().map(|inner| Outcome { inner }).collect()))
}

/// Compares outcomes already run with the same seed and trials (the first is the baseline).
#[pyfunction]
pub(crate) fn compare_outcomes(
    py: Python<'_>,
    outcomes: Vec<PyRef<'_, Outcome>>,
    names: Vec<String>,
) -> PyResult<String> {
    let parts: Vec<demine::Outcome> = outcomes.iter().map(|o| o.inner.clone()).collect();
    let json = detached(py, || {
        let sources = vec![String::new(); parts.len()];
        let c = analysis::compare_outcomes(&parts)?.with_names(names, sources)?;
        Ok(report::analysis::comparison_json(&c))
    })?;
    text(py, &json)
}

/// The smallest scaling of clearance teams that releases all land by the end
/// of `finish_by` with probability `confidence` (JSON).
#[pyfunction]
#[pyo3(signature = (scenario, finish_by, confidence, config_args, progress = None))]
pub(crate) fn capacity(
    py: Python<'_>,
    scenario: PyRef<'_, Scenario>,
    finish_by: i32,
    confidence: f64,
    config_args: ConfigArgs,
    progress: Option<Py<PyAny>>,
) -> PyResult<String> {
    let mut config = config(py, config_args)?;
    let s = &scenario.inner;
    let json = watched(py, progress.as_ref(), move |observer| {
        config.observer = observer;
        let a = analysis::required_clearance_capacity(s, &config, finish_by, confidence)?;
        Ok(report::analysis::capacity_json(&a))
    })?;
    text(py, &json)
}

/// The yearly budget a deadline needs (`finish_by`), or what a yearly budget gives (`per_year`) (JSON).
#[pyfunction]
#[pyo3(signature = (scenario, finish_by, per_year, confidence, config_args, progress = None))]
pub(crate) fn budget(
    py: Python<'_>,
    scenario: PyRef<'_, Scenario>,
    finish_by: Option<i32>,
    per_year: Option<f64>,
    confidence: f64,
    config_args: ConfigArgs,
    progress: Option<Py<PyAny>>,
) -> PyResult<String> {
    let mut config = config(py, config_args)?;
    let s = &scenario.inner;
    let json = watched(py, progress.as_ref(), move |observer| {
        config.observer = observer;
        match (finish_by, per_year) {
            (Some(year), None) => {
                analysis::required_budget(s, &config, year, confidence).map(|a| report::analysis::budget_json(&a))
            }
            (None, Some(b)) => analysis::release_with_budget(s, &config, b).map(|a| report::analysis::release_json(&a)),
            _ => Err(demine::Error::InvalidValue(demine::Problem::text(
                "finish_by/per_year",
                "both or neither",
                "give exactly one: a deadline year (finish_by) or a yearly budget (per_year)",
            ))),
        }
    })?;
    text(py, &json)
}

/// Tornado data and Sobol indices, as the CLI's `sensitivity` computes them:
/// `(JSON, the main run's outcome)`. The main run uses Latin hypercube unless a sampler is given.
#[pyfunction]
#[pyo3(signature = (scenario, outputs, sobol_n, config_args, progress = None))]
pub(crate) fn sensitivity(
    py: Python<'_>,
    scenario: PyRef<'_, Scenario>,
    outputs: Vec<String>,
    sobol_n: u64,
    config_args: ConfigArgs,
    progress: Option<Py<PyAny>>,
) -> PyResult<(String, Outcome)> {
    let mut config = config(py, config_args)?;
    config.sampler = config.sampler.or(Some(Sampler::LatinHypercube));
    let s = &scenario.inner;
    let (json, outcome) = watched(py, progress.as_ref(), move |observer| {
        config.observer = observer;
        let a = analysis::sensitivity::analyse(s, &config, &outputs, sobol_n)?;
        let mut v = report::analysis::sensitivity_json(s, &config, sobol_n, &a.tornados, &a.sobol);
        if let (Some(note), serde_json::Value::Object(m)) = (&a.note, &mut v) {
            m.insert("note".into(), serde_json::json!(note));
        }
        Ok((v, a.outcome))
    })?;
    Ok((text(py, &json)?, Outcome { inner: outcome }))
}

/// Conditions `scenario`'s uncertain inputs on the field results in the CSV file `observed`
/// (as `demine update`): `(update JSON, the posterior scenario)`.
#[pyfunction]
pub(crate) fn update(
    py: Python<'_>,
    scenario: PyRef<'_, Scenario>,
    observed: String,
    draws: usize,
    seed: u64,
) -> PyResult<(String, Scenario)> {
    let s = &scenario.inner;
    let (json, posterior) = detached(py, || {
        let path = std::path::Path::new(&observed);
        let bytes = demine::io::disk::read_text(path, demine::io::Limit::PROGRAMMES)?;
        let rows = demine::io::field::parse_field(&bytes, path)?;
        let fingerprint = analysis::fit::fingerprint(bytes.as_bytes());
        let u = analysis::update::update(s, &rows, &observed, &fingerprint, draws, seed)?;
        Ok((report::run::update_json(&u), u.posterior))
    })?;
    Ok((text(py, &json)?, Scenario { inner: posterior }))
}
