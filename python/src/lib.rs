//! The compiled half of the `demine` Python package (`demine._demine`).
//!
//! Thin bindings over the demine library: scenarios, runs, outcomes and the
//! analyses. Every long computation releases the GIL (`Python::detach`) and
//! runs on demine's own worker threads. Pandas frames, dataclasses and
//! exceptions are built by the pure-Python layer (`demine/__init__.py`); this
//! module hands it NumPy arrays, plain tuples and the CLI's JSON text.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod analysis;
mod errors;
mod outcome;
mod pickle;
mod scenario;

use pyo3::prelude::*;

/// A [`demine::SimConfig`] from the keyword arguments every run takes.
///
/// # Errors
/// An unknown sampler or model name (`UnknownNameError`).
pub(crate) fn sim_config(
    trials: u64,
    first_trial: u64,
    seed: u64,
    sampler: Option<&str>,
    threads: Option<usize>,
    model: Option<&str>,
) -> demine::Result<demine::SimConfig> {
    let mut c = demine::SimConfig::default().with_trials(trials).with_seed(seed).with_first_trial(first_trial);
    c.threads = threads;
    c.sampler = sampler.map(str::parse).transpose()?;
    c.model = model.map(str::parse).transpose()?;
    Ok(c)
}

/// The bundled scenarios: `(name, one-line summary)`.
#[pyfunction]
fn bundled() -> Vec<(&'static str, &'static str)> {
    demine::io::BUNDLED.iter().map(|b| (b.name, b.summary)).collect()
}

/// The native module `demine._demine`.
#[pymodule]
fn _demine(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let _ = errors::IMPORTED_IN.set(std::process::id());
    m.add_class::<scenario::Scenario>()?;
    m.add_class::<outcome::Outcome>()?;
    m.add_function(wrap_pyfunction!(bundled, m)?)?;
    m.add_function(wrap_pyfunction!(outcome::run, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::compare, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::compare_outcomes, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::capacity, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::budget, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::update, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
