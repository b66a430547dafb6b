//! `demine._demine.Scenario`: a validated scenario, editable by dotted path.

use crate::errors::to_py;
use pyo3::prelude::*;

/// A validated scenario (the native half of `demine.Scenario`).
#[pyclass(module = "demine._demine")]
#[derive(Clone)]
pub(crate) struct Scenario {
    pub(crate) inner: demine::Scenario,
}

#[pymethods]
impl Scenario {
    /// Loads a bundled scenario by name, or a scenario file (TOML or JSON) by path.
    #[staticmethod]
    fn load(py: Python<'_>, source: &str) -> PyResult<Self> {
        let source = source.to_string();
        crate::errors::detached(py, move || demine::io::load_scenario(&source)).map(|inner| Scenario { inner })
    }

    /// Parses and validates a scenario from TOML text.
    #[staticmethod]
    fn from_toml(py: Python<'_>, text: &str) -> PyResult<Self> {
        let text = text.to_string();
        crate::errors::detached(py, move || demine::Scenario::from_toml_str(&text)).map(|inner| Scenario { inner })
    }

    /// Sets a field by its dotted path to a value written in the scenario file's TOML syntax.
    fn set_value(&mut self, py: Python<'_>, path: &str, value: &str) -> PyResult<()> {
        self.inner.set_value(path, value).map_err(|e| to_py(py, e))
    }

    /// The scenario as TOML text.
    fn to_toml(&self, py: Python<'_>) -> PyResult<String> {
        self.inner.to_toml().map_err(|e| to_py(py, e))
    }

    /// The scenario's name.
    #[getter]
    fn name(&self) -> String {
        self.inner.name().to_string()
    }

    /// Sets the scenario's name.
    #[setter]
    fn set_name(&mut self, name: &str) {
        self.inner = self.inner.with_name(name);
    }

    /// Its description.
    #[getter]
    fn description(&self) -> String {
        self.inner.description().to_string()
    }

    /// The currency of its costs.
    #[getter]
    fn currency(&self) -> String {
        self.inner.currency().to_string()
    }

    /// The first year of work.
    #[getter]
    fn start_year(&self) -> i32 {
        self.inner.start_year()
    }

    /// The uncertain inputs: `(path, label, distribution)`.
    fn inputs(&self) -> Vec<(String, String, String)> {
        self.inner.inputs().map(|i| (i.name.clone(), i.label.clone(), i.dist.to_string())).collect()
    }

    /// An independent copy.
    fn copy(&self) -> Self {
        self.clone()
    }

    fn __eq__(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}
