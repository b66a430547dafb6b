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
    py.detach(|| in_this_process(f)).map_err(|e| to_py(py, e))
}

/// Runs `f` with the GIL released, in this process's pool (see [`in_this_process`]).
pub(crate) fn released<T: Send>(py: Python<'_>, f: impl FnOnce() -> T + Send) -> T {
    py.detach(|| in_this_process(f))
}

/// The process that imported the module; set at import.
pub(crate) static IMPORTED_IN: std::sync::OnceLock<u32> = std::sync::OnceLock::new();

/// Runs `f` where its parallel work can run. In the process that imported demine that is rayon's
/// global pool. In a child forked after a run (`os.fork`, `ProcessPoolExecutor` with the fork
/// start method) the global pool's threads do not exist (fork copies only the calling thread) and
/// work sent to them would wait forever: the child gets a pool of its own, built once.
fn in_this_process<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    use std::sync::{Arc, Mutex, PoisonError};
    static CHILD_POOL: Mutex<Option<(u32, Arc<rayon::ThreadPool>)>> = Mutex::new(None);
    let pid = std::process::id();
    if IMPORTED_IN.get().is_none_or(|p| *p == pid) {
        return f();
    }
    let pool = {
        let mut slot = CHILD_POOL.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.as_ref() {
            Some((p, pool)) if *p == pid => Some(Arc::clone(pool)),
            _ => {
                let built = rayon::ThreadPoolBuilder::new().build().ok().map(Arc::new);
                *slot = built.as_ref().map(|b| (pid, Arc::clone(b)));
                built
            }
        }
    };
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// Runs `f` on a thread of its own with the GIL released, watching it from this one: every 50 ms
/// this thread checks for signals (Ctrl-C) and calls `progress(stage, done, total)` when the work
/// has moved. A signal's exception (KeyboardInterrupt) or the callback's own exception asks the
/// work to stop through its observer ([`demine::observe`]): it stops within a batch of trials and
/// that exception is raised, about a second or less after Ctrl-C however long the work.
pub(crate) fn watched<T: Send>(
    py: Python<'_>,
    progress: Option<&Py<PyAny>>,
    f: impl FnOnce(demine::observe::Observer) -> demine::Result<T> + Send,
) -> PyResult<T> {
    use demine::observe::{Monitor, Observer};
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    let monitor = Arc::new(Monitor::new());
    let observer = Observer::new(monitor.clone());
    let mut raised: Option<PyErr> = None;
    let outcome = std::thread::scope(|scope| {
        let work = scope.spawn(move || in_this_process(move || f(observer)));
        let mut last = None;
        loop {
            py.detach(|| {
                let t0 = Instant::now();
                while !work.is_finished() && t0.elapsed() < Duration::from_millis(50) {
                    std::thread::sleep(Duration::from_millis(2));
                }
            });
            if work.is_finished() {
                break;
            }
            if raised.is_some() {
                continue;
            }
            if let Err(e) = py.check_signals() {
                monitor.request_stop();
                raised = Some(e);
                continue;
            }
            if let Some(cb) = progress {
                let s = monitor.snapshot();
                let now = (s.stages, s.done, s.total);
                if last != Some(now) {
                    last = Some(now);
                    if let Err(e) = cb.call1(py, (s.stage, s.done, s.total)) {
                        monitor.request_stop();
                        raised = Some(e);
                    }
                }
            }
        }
        work.join()
    });
    if let Some(e) = raised {
        return Err(e);
    }
    match outcome {
        Ok(r) => r.map_err(|e| to_py(py, e)),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}
