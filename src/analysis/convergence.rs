//! "How many trials are enough?": run in rounds until the chosen percentiles are
//! known to a relative precision.
//!
//! After each round the 95 % order-statistic confidence intervals of P50 and
//! P90 of the chosen outputs are computed (see [`crate::stats::summary`]); the
//! run stops when every half-width is within `relative` of its percentile, or
//! at `max_trials`. Rounds double the trials done so far, which keeps Sobol
//! points at powers of two; with Latin hypercube every round is its own design
//! (replicated Latin hypercube), so each round is stratified on its own.
//! Results are reproducible: the rounds, and so the stopping point, depend only
//! on the scenario, the seed and the target.

use crate::error::{Error, Problem, Result};
use crate::model::Scenario;
use crate::simulate::{Outcome, Run, SimConfig};
use crate::stats::relative_half_width;
use serde::Serialize;

/// What precision to reach.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PrecisionTarget {
    /// Relative half-width of the 95 % CI of P50 and P90, in (0, 1] (0.01 = 1 %).
    pub relative: f64,
    /// Outputs to watch; empty means `total_cost` and, when scheduled, `duration_years`.
    pub outputs: Vec<String>,
    /// Trials in the first round (1,024 by default).
    pub initial_trials: u64,
    /// Most trials (1,000,000 by default, or fewer if memory does not allow).
    pub max_trials: u64,
}

impl PrecisionTarget {
    /// A target of `relative` precision with the defaults.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] unless `relative` lies in (0, 1].
    pub fn new(relative: f64) -> Result<Self> {
        if !(relative > 0.0 && relative <= 1.0) {
            return Err(Error::InvalidValue(Problem::text(
                "precision",
                format!("{} %", crate::error::fmt_value(relative * 100.0)),
                "must lie in (0 %, 100 %]",
            )));
        }
        Ok(PrecisionTarget { relative, outputs: Vec::new(), initial_trials: 1024, max_trials: 1_000_000 })
    }

    /// A target from text: a percentage (`1%`) or a fraction (`0.01`).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for text that is not a number, or a value outside (0 %, 100 %].
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        let (num, pct) = match t.strip_suffix('%') {
            Some(n) => (n.trim(), true),
            None => (t, false),
        };
        let v: f64 = num.parse().map_err(|_| {
            Error::InvalidValue(Problem::text(
                "--precision",
                text,
                "must be a percentage such as 1% (or a fraction such as 0.01)",
            ))
        })?;
        Self::new(if pct { v / 100.0 } else { v })
    }

    /// Watches these outputs.
    #[must_use]
    pub fn with_outputs(mut self, outputs: Vec<String>) -> Self {
        self.outputs = outputs;
        self
    }

    /// Sets the most trials.
    #[must_use]
    pub fn with_max_trials(mut self, n: u64) -> Self {
        self.max_trials = n;
        self
    }

    /// Sets the first round's trials.
    #[must_use]
    pub fn with_initial_trials(mut self, n: u64) -> Self {
        self.initial_trials = n;
        self
    }
}

/// The precision reached for one output.
#[derive(Clone, Debug, Serialize)]
pub struct PrecisionReached {
    /// Output name.
    pub output: String,
    /// Relative half-width of P50's 95 % CI.
    pub p50: f64,
    /// Relative half-width of P90's 95 % CI.
    pub p90: f64,
}

/// A run stopped by precision.
#[derive(Clone, Debug)]
pub struct Converged {
    /// The run (all rounds).
    pub outcome: Outcome,
    /// Whether the target was met (false: stopped at `max_trials`).
    pub reached: bool,
    /// Precision per watched output at the end.
    pub precision: Vec<PrecisionReached>,
    /// Trials after each round.
    pub rounds: Vec<u64>,
}

/// Runs `scenario` in rounds until P50 and P90 of the watched outputs are known
/// within `target.relative` at 95 % confidence (`config.trials` is ignored).
///
/// # Errors
/// [`Error::Unknown`] for a watched output the run does not have;
/// [`Error::TooManyTrials`] when even the first round does not fit in memory;
/// any error of [`crate::simulate`].
pub fn simulate_to_precision(scenario: &Scenario, config: &SimConfig, target: &PrecisionTarget) -> Result<Converged> {
    let first = target.initial_trials.max(16);
    let mut run = Run::new(scenario, config)?;
    run.ensure_room(first)?;
    let max_trials = target.max_trials.min(run.max_trials()).max(first);
    let watched: Vec<String> = if target.outputs.is_empty() {
        let mut v = vec!["total_cost".to_string()];
        if run.values("duration_years").is_some() {
            v.push("duration_years".into());
        }
        v
    } else {
        target.outputs.clone()
    };
    let idx: Vec<usize> = watched.iter().map(|name| run.output_index(name, "--watch")).collect::<Result<_>>()?;
    let mut rounds = Vec::new();
    let mut next = first;
    loop {
        run.add_trials(next, None)?;
        let done = run.trials();
        rounds.push(done);
        let precision: Vec<PrecisionReached> = idx
            .iter()
            .zip(&watched)
            .map(|(&i, name)| {
                let mut v: Vec<f64> = run.column(i).iter().copied().filter(|x| x.is_finite()).collect();
                v.sort_unstable_by(f64::total_cmp);
                PrecisionReached {
                    output: name.clone(),
                    p50: relative_half_width(&v, 0.5),
                    p90: relative_half_width(&v, 0.9),
                }
            })
            .collect();
        let reached = precision.iter().all(|p| p.p50 <= target.relative && p.p90 <= target.relative);
        if reached || done >= max_trials {
            return Ok(Converged { outcome: run.finish(), reached, precision, rounds });
        }
        next = done.min(max_trials - done);
    }
}
