//! `demine._demine.Outcome` and `run`: per-trial values as NumPy arrays,
//! summaries as plain tuples, pickling as postcard bytes, merging of trial ranges.

use crate::errors::{detached, released, to_py, watched};
use crate::scenario::Scenario;
use demine::simulate::Series;
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// Every yearly series, by its report name.
const SERIES: [Series; 8] = Series::EVERY;

/// One output's summary: `(name, region, unit, n, mean, sd, se, min, max,
/// percentiles, mean_ci95, percentile_ci95)`.
type SummaryRow = (String, Option<String>, String, u64, f64, f64, f64, f64, f64, Vec<f64>, [f64; 2], Vec<[f64; 2]>);

/// The result of a run (the native half of `demine.Outcome`).
#[pyclass(module = "demine._demine", frozen)]
pub(crate) struct Outcome {
    pub(crate) inner: demine::Outcome,
}

/// A copy of `values` moved into a NumPy array (one bulk copy, no per-value conversion).
fn array<'py>(py: Python<'py>, values: &[f64]) -> Bound<'py, PyArray1<f64>> {
    PyArray1::from_vec(py, values.to_vec())
}

/// The output column `name` (national, or of `region`), or `UnknownNameError`.
fn column<'a>(py: Python<'_>, o: &'a demine::Outcome, name: &str, region: Option<&str>) -> PyResult<&'a [f64]> {
    let found = match region {
        None => o.values(name),
        Some(r) => o.region_values(r, name),
    };
    found.ok_or_else(|| {
        let known = o
            .outputs()
            .iter()
            .filter(|d| d.region.map(|r| o.region_names()[r].as_str()) == region)
            .map(|d| d.name.clone())
            .collect();
        let field = region.map_or_else(|| "output".to_string(), |r| format!("regions.{r}.output"));
        to_py(py, demine::Error::Unknown { field, name: name.to_string(), known })
    })
}

#[pymethods]
impl Outcome {
    /// Trials in this outcome.
    #[getter]
    fn trials(&self) -> u64 {
        self.inner.trials()
    }
    /// The master seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.inner.seed()
    }
    /// The first trial's index (0 unless the run covered a later range).
    #[getter]
    fn first_trial(&self) -> u64 {
        self.inner.first_trial()
    }
    /// The sampler's name.
    #[getter]
    fn sampler(&self) -> &'static str {
        self.inner.sampler().name()
    }
    /// The model level's name.
    #[getter]
    fn model(&self) -> &'static str {
        self.inner.model().name()
    }
    /// The scenario's name.
    #[getter]
    fn scenario_name(&self) -> String {
        self.inner.scenario_name().to_string()
    }
    /// The currency of costs.
    #[getter]
    fn currency(&self) -> String {
        self.inner.currency().to_string()
    }
    /// The first year of work.
    #[getter]
    fn start_year(&self) -> i32 {
        self.inner.start_year()
    }
    /// Years the schedule simulates (0 without capacity).
    #[getter]
    fn horizon_years(&self) -> usize {
        self.inner.horizon_years()
    }
    /// Trials whose outputs were not finite (excluded from summaries).
    #[getter]
    fn failed_trials(&self) -> u64 {
        self.inner.failed_trials().1
    }
    /// Every output: `(name, unit, region or None)`, national ones first.
    fn outputs(&self) -> Vec<(String, String, Option<String>)> {
        let o = &self.inner;
        o.outputs()
            .iter()
            .map(|d| (d.name.clone(), d.unit.clone(), d.region.map(|r| o.region_names()[r].clone())))
            .collect()
    }
    /// The regions' names.
    fn region_names(&self) -> Vec<String> {
        self.inner.region_names().to_vec()
    }
    /// The reported percentiles, as probabilities.
    #[staticmethod]
    fn percentiles() -> Vec<f64> {
        demine::stats::PERCENTILES.to_vec()
    }
    /// Every output's summary (computed once, with the GIL released).
    fn summaries(&self, py: Python<'_>) -> Vec<SummaryRow> {
        let o = &self.inner;
        // Computed and read with the GIL released, on this process's pool (a forked child's own).
        released(py, || {
            o.summaries()
                .map(|(d, s)| {
                    (
                        d.name.clone(),
                        d.region.map(|r| o.region_names()[r].clone()),
                        d.unit.clone(),
                        s.n,
                        s.mean,
                        s.sd,
                        s.se,
                        s.min,
                        s.max,
                        s.percentiles.to_vec(),
                        s.mean_ci95,
                        s.percentile_ci95.to_vec(),
                    )
                })
                .collect()
        })
    }
    /// Per-trial values of an output (NaN for failed trials), national or of `region`.
    #[pyo3(signature = (name, region=None))]
    fn values<'py>(&self, py: Python<'py>, name: &str, region: Option<&str>) -> PyResult<Bound<'py, PyArray1<f64>>> {
        Ok(array(py, column(py, &self.inner, name, region)?))
    }
    /// The uncertain inputs: `(path, label)`.
    fn inputs(&self) -> Vec<(String, String)> {
        self.inner.input_names().iter().cloned().zip(self.inner.input_labels().iter().cloned()).collect()
    }
    /// Per-trial values of uncertain input `i`.
    fn input_values<'py>(&self, py: Python<'py>, i: usize) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let v = self.inner.input_values(i).ok_or_else(|| {
            to_py(
                py,
                demine::Error::invalid(
                    "input",
                    i as f64,
                    format!("there are {} inputs", self.inner.input_names().len()),
                ),
            )
        })?;
        Ok(array(py, v))
    }
    /// The names of the yearly series.
    #[staticmethod]
    fn series_names() -> Vec<&'static str> {
        SERIES.iter().map(|s| s.name()).collect()
    }
    /// A yearly series' fan chart: `(years, p10, p50, p90)` over the whole horizon
    /// (empty without a site-level schedule).
    #[allow(clippy::type_complexity)]
    fn fan_chart<'py>(
        &self,
        py: Python<'py>,
        series: &str,
    ) -> PyResult<(Vec<i32>, Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>)> {
        let Some(s) = SERIES.iter().copied().find(|s| s.name() == series) else {
            let known = SERIES.iter().map(|s| s.name().to_string()).collect();
            return Err(to_py(py, demine::Error::Unknown { field: "series".into(), name: series.into(), known }));
        };
        let o = &self.inner;
        let fan = released(py, || o.fan_chart(s));
        let years = (0..fan.len()).map(|y| o.start_year() + y as i32).collect();
        let band = |k: usize| PyArray1::from_vec(py, fan.iter().map(|b| b[k]).collect());
        Ok((years, band(0), band(1), band(2)))
    }
    /// Every trial's yearly series in long format: `(trial, year, {series: values})`
    /// with one entry per trial and year (empty without a site-level schedule).
    #[allow(clippy::type_complexity)]
    fn series_samples<'py>(
        &self,
        py: Python<'py>,
    ) -> (Bound<'py, PyArray1<u64>>, Bound<'py, PyArray1<i64>>, Vec<(&'static str, Bound<'py, PyArray1<f32>>)>) {
        let o = &self.inner;
        let first = o.first_trial();
        let (mut trial, mut year) = (Vec::new(), Vec::new());
        let mut cols: Vec<Vec<f32>> = vec![Vec::new(); SERIES.len()];
        for t in 0..o.trials() as usize {
            for (y, v) in o.trial_series(t).iter().enumerate() {
                trial.push(first + t as u64);
                year.push(i64::from(o.start_year()) + y as i64);
                for (c, s) in cols.iter_mut().zip(SERIES) {
                    c.push(s.get(v));
                }
            }
        }
        let named = SERIES.iter().zip(cols).map(|(s, c)| (s.name(), PyArray1::from_vec(py, c))).collect();
        (PyArray1::from_vec(py, trial), PyArray1::from_vec(py, year), named)
    }
    /// Any quantile (type 7) of a national output, failed trials excluded.
    fn quantile(&self, py: Python<'_>, name: &str, p: f64) -> PyResult<f64> {
        self.inner.quantile(name, p).map_err(|e| to_py(py, e))
    }
    /// The probability that a national output is at most `threshold`.
    fn probability_at_most(&self, py: Python<'_>, name: &str, threshold: f64) -> PyResult<f64> {
        self.inner.probability_at_most(name, threshold).map_err(|e| to_py(py, e))
    }
    /// The run as the CLI's JSON text (`demine run --format json`).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let o = &self.inner;
        let v = released(py, || demine::report::to_json(o));
        serde_json::to_string(&v).map_err(|e| to_py(py, demine::Error::Output(e.to_string())))
    }
    /// The outcome as bytes (for pickling).
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let o = &self.inner;
        let bytes = detached(py, || crate::pickle::to_bytes(o))?;
        Ok(PyBytes::new(py, &bytes))
    }
    /// An outcome from [`Outcome::to_bytes`]'s bytes.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        detached(py, || crate::pickle::from_bytes(data)).map(|inner| Outcome { inner })
    }
    /// Merges outcomes of consecutive trial ranges of one scenario, seed and
    /// sampler into the outcome one run of all their trials gives.
    #[staticmethod]
    fn merge(py: Python<'_>, parts: Vec<PyRef<'_, Outcome>>) -> PyResult<Self> {
        let owned: Vec<demine::Outcome> = parts.iter().map(|p| p.inner.clone()).collect();
        detached(py, move || demine::Outcome::merge(owned)).map(|inner| Outcome { inner })
    }
}

/// Runs `config_args`' trials of `scenario`, with the GIL released; `progress(stage, done, total)`
/// is called as trials finish, and Ctrl-C stops the run (see [`crate::errors::watched`]).
#[pyfunction]
#[pyo3(signature = (scenario, config_args, progress = None))]
pub(crate) fn run(
    py: Python<'_>,
    scenario: PyRef<'_, Scenario>,
    config_args: crate::analysis::ConfigArgs,
    progress: Option<Py<PyAny>>,
) -> PyResult<Outcome> {
    let mut config = crate::analysis::config(py, config_args)?;
    let s = &scenario.inner;
    watched(py, progress.as_ref(), move |observer| {
        config.observer = observer;
        demine::simulate(s, &config)
    })
    .map(|inner| Outcome { inner })
}
