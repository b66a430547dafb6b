//! demine's errors as the package's Python exceptions (`demine/_errors.py`):
//! validation problems keep their field, value and rule.

use demine::Error;
use pyo3::prelude::*;

/// The Python exception for `e`: `ScenarioError` (with every problem) for a
/// scenario, a value or a file that breaks a rule, `UnknownNameError` for a
/// name that does not exist, `InfeasibleError` for a question without an
/// answer, `DemineError` otherwise. The message is the CLI's.
pub(crate) fn to_py(py: Python<'_>, e: Error) -> PyErr {
    match build(py, &e) {
        Ok(err) => err,
        // The exception module is part of the package; if it cannot be imported, say so plainly.
        Err(import) => import,
    }
}

fn build(py: Python<'_>, e: &Error) -> PyResult<PyErr> {
    let errors = py.import("demine._errors")?;
    let message = e.to_string();
    let value = match e {
        Error::InvalidValue(_) | Error::InvalidScenario { .. } | Error::NotPositiveDefinite { .. } => {
            let problems: Vec<(String, String, String)> =
                e.problems().into_iter().map(|p| (p.field, p.value, p.rule)).collect();
            errors.getattr("ScenarioError")?.call1((message, problems))?
        }
        Error::Parse { path, line, column, message: what } => {
            let problem = (format!("line {line}, column {column}"), path.display().to_string(), what.clone());
            errors.getattr("ScenarioError")?.call1((message, vec![problem]))?
        }
        Error::Unknown { field, name, known } => {
            errors.getattr("UnknownNameError")?.call1((message, field.clone(), name.clone(), known.clone()))?
        }
        Error::Infeasible(_) => errors.getattr("InfeasibleError")?.call1((message,))?,
        _ => errors.getattr("DemineError")?.call1((message,))?,
    };
    Ok(PyErr::from_value(value))
}

/// Runs `f` with the GIL released and maps its error.
pub(crate) fn detached<T: Send>(py: Python<'_>, f: impl FnOnce() -> demine::Result<T> + Send) -> PyResult<T> {
    py.detach(f).map_err(|e| to_py(py, e))
}
