//! Planning questions: which plan is better, and how much capacity a deadline needs.
//!
//! Both run plans on **common random numbers**: the same seed and trial indices,
//! so every input the plans share takes the same value in the same trial and
//! every site gets the same random draws (see [`crate::sampling::stream`]). The
//! difference between two plans is then measured trial by trial (paired), which
//! removes the shared uncertainty and makes small differences visible with few
//! trials.

use crate::error::{Error, Result};
use crate::model::{Method, Pool, Scenario};
use crate::simulate::{Outcome, SimConfig, simulate};
use crate::stats::summary::{Summary, Z95};
use serde::Serialize;

/// Whether lower or higher values of an output are better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Costs, durations, casualties, work.
    Lower,
    /// Land value returned, share released.
    Higher,
    /// Neither (areas by stage, items found): only the difference is reported.
    Neither,
}

/// The direction of an output.
#[must_use]
pub fn better(name: &str) -> Better {
    match name {
        "land_value_returned_usd" | "share_released_by_horizon" => Better::Higher,
        n if n.ends_with("_usd")
            || n.starts_with("team_days")
            || n.contains("years")
            || n.starts_with("casualties") =>
        {
            Better::Lower
        }
        "cost_asymmetry" => Better::Lower,
        _ => Better::Neither,
    }
}

/// Plan `b` against the baseline `a` for one output, trial by trial.
#[derive(Clone, Debug, Serialize)]
pub struct PairedDifference {
    /// Trials where both plans produced a finite value.
    pub n: u64,
    /// Mean of b − a.
    pub mean: f64,
    /// Standard error of that mean.
    pub se: f64,
    /// 95 % confidence interval of the mean difference.
    pub ci95: [f64; 2],
    /// Median of b − a.
    pub p50: f64,
    /// Share of trials where b < a.
    pub prob_lower: f64,
    /// Share of trials where b is better than a (by [`better`]); NaN when neither direction is better.
    pub prob_better: f64,
}

impl PairedDifference {
    /// Paired statistics of `b − a`.
    #[must_use]
    pub fn new(a: &[f64], b: &[f64], direction: Better) -> Self {
        let d: Vec<f64> = a.iter().zip(b).filter(|(x, y)| x.is_finite() && y.is_finite()).map(|(x, y)| y - x).collect();
        let s = Summary::new(&d);
        let n = d.len().max(1) as f64;
        let lower = d.iter().filter(|v| **v < 0.0).count() as f64 / n;
        let higher = d.iter().filter(|v| **v > 0.0).count() as f64 / n;
        PairedDifference {
            n: d.len() as u64,
            mean: s.mean,
            se: s.se,
            ci95: [s.mean - Z95 * s.se, s.mean + Z95 * s.se],
            p50: s.p50(),
            prob_lower: lower,
            prob_better: match direction {
                Better::Lower => lower,
                Better::Higher => higher,
                Better::Neither => f64::NAN,
            },
        }
    }
}

/// One output across plans.
#[derive(Clone, Debug, Serialize)]
pub struct OutputComparison {
    /// Output name.
    pub name: String,
    /// Unit.
    pub unit: &'static str,
    /// Which direction is better.
    pub better: Better,
    /// Each plan's summary.
    pub plans: Vec<Summary>,
    /// Each plan after the first against the first (baseline).
    pub versus_baseline: Vec<PairedDifference>,
}

/// Plans run on common random numbers, compared output by output.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// Plan (scenario) names; the first is the baseline.
    pub plans: Vec<String>,
    /// Trials per plan.
    pub trials: u64,
    /// Seed shared by all plans.
    pub seed: u64,
    /// National outputs every plan has.
    pub outputs: Vec<OutputComparison>,
}

impl Comparison {
    /// The comparison of one output.
    #[must_use]
    pub fn output(&self, name: &str) -> Option<&OutputComparison> {
        self.outputs.iter().find(|o| o.name == name)
    }
}

/// Runs every plan with the same config (seed, trials) and compares them with the first.
///
/// # Errors
/// [`Error::InvalidValue`] with fewer than two plans; any error of [`simulate`].
///
/// # Example
/// ```
/// use demine::{SimConfig, ModelLevel, io::load_scenario, plan::compare};
/// let today = load_scenario("ukraine")?;
/// let more = today.with_clearance_capacity_scaled(2.0);
/// let c = compare(&[today, more], &SimConfig::default().with_trials(300).with_model(ModelLevel::Aggregate))?;
/// let d = &c.output("duration_years").expect("scheduled").versus_baseline[0];
/// assert!(d.mean < 0.0 && d.prob_better > 0.9);
/// # Ok::<(), demine::Error>(())
/// ```
pub fn compare(plans: &[Scenario], config: &SimConfig) -> Result<Comparison> {
    if plans.len() < 2 {
        return Err(Error::invalid("plans", plans.len() as f64, "compare needs at least two plans"));
    }
    let outcomes = plans.iter().map(|p| simulate(p, config)).collect::<Result<Vec<Outcome>>>()?;
    compare_outcomes(&outcomes)
}

/// Compares outcomes already run on common random numbers (same seed and trials).
///
/// # Errors
/// [`Error::InvalidValue`] with fewer than two outcomes, or outcomes that were
/// not run with the same seed and trial count (their trials would not pair).
pub fn compare_outcomes(outcomes: &[Outcome]) -> Result<Comparison> {
    let [base, rest @ ..] = outcomes else {
        return Err(Error::invalid("plans", 0.0, "compare needs at least two plans"));
    };
    if rest.is_empty() {
        return Err(Error::invalid("plans", 1.0, "compare needs at least two plans"));
    }
    for o in rest {
        if o.trials() != base.trials() || o.seed() != base.seed() {
            return Err(Error::InvalidValue(crate::Problem::text(
                "plans",
                format!("{} ({} trials, seed {})", o.scenario_name(), o.trials(), o.seed()),
                format!(
                    "must be run with the baseline's seed and trials ({}, seed {}) to pair trials",
                    base.trials(),
                    base.seed()
                ),
            )));
        }
    }
    let mut outputs = Vec::new();
    for d in base.outputs().iter().filter(|d| d.region.is_none()) {
        let cols: Option<Vec<&[f64]>> = outcomes.iter().map(|o| o.values(&d.name)).collect();
        let Some(cols) = cols else { continue };
        let dir = better(&d.name);
        outputs.push(OutputComparison {
            name: d.name.clone(),
            unit: d.unit,
            better: dir,
            plans: outcomes.iter().map(|o| o.summary(&d.name).cloned().unwrap_or_else(|| Summary::new(&[]))).collect(),
            versus_baseline: cols[1..].iter().map(|b| PairedDifference::new(cols[0], b, dir)).collect(),
        });
    }
    Ok(Comparison {
        plans: outcomes.iter().map(|o| o.scenario_name().to_string()).collect(),
        trials: base.trials(),
        seed: base.seed(),
        outputs,
    })
}

/// The answer of [`required_clearance_capacity`].
#[derive(Clone, Debug, Serialize)]
pub struct CapacityAnswer {
    /// The smallest factor on today's clearance teams (initial and ceiling of
    /// every clearance pool) that meets the deadline with the confidence asked.
    pub factor: f64,
    /// P(all land released by the deadline) at that factor.
    pub probability: f64,
    /// The deadline: the end of this calendar year.
    pub finish_by: i32,
    /// The confidence asked for.
    pub confidence: f64,
    /// Every factor tried and its probability, in the order tried.
    pub evaluations: Vec<(f64, f64)>,
    /// Clearance teams today and at the factor: (pool, initial, ceiling) as given (means for uncertain counts).
    pub teams: Vec<(String, f64, f64)>,
}

const MAX_FACTOR: f64 = 1024.0;
const MIN_FACTOR: f64 = 1.0 / 1024.0;

/// Finds the smallest scaling of the clearance capacity (teams of every
/// clearance method, initial count and ceiling) that releases all suspected
/// land by the end of `finish_by` with probability at least `confidence`.
///
/// Every factor is evaluated on the same random numbers (common random
/// numbers), so the estimated probability is monotone in the factor; the
/// search doubles (or halves) from today's capacity to bracket the answer,
/// then bisects to 1 % relative precision.
///
/// # Errors
/// [`Error::InvalidValue`] for a confidence outside (0, 1), a deadline before
/// the start year, or a scenario without capacity; [`Error::Infeasible`] when
/// even 1,024 times today's clearance teams do not finish in time (survey
/// capacity or the horizon then binds).
pub fn required_clearance_capacity(
    scenario: &Scenario,
    config: &SimConfig,
    finish_by: i32,
    confidence: f64,
) -> Result<CapacityAnswer> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(Error::invalid("confidence", confidence, "must lie in (0, 1)"));
    }
    if finish_by < scenario.start_year() {
        return Err(Error::invalid(
            "finish_by",
            f64::from(finish_by),
            format!("must not be before the scenario's start year ({})", scenario.start_year()),
        ));
    }
    let Some(capacity) = scenario.capacity() else {
        return Err(Error::InvalidValue(crate::Problem::text(
            "capacity",
            "missing",
            "the scenario has no [capacity]: there is no schedule to meet a deadline",
        )));
    };
    let years = f64::from(finish_by - scenario.start_year() + 1);
    if years > capacity.horizon_years as f64 {
        return Err(Error::invalid(
            "finish_by",
            f64::from(finish_by),
            format!(
                "lies beyond the scenario's horizon ({} years from {})",
                capacity.horizon_years,
                scenario.start_year()
            ),
        ));
    }
    let mut evaluations = Vec::new();
    let mut eval = |k: f64| -> Result<f64> {
        let o = simulate(&scenario.with_clearance_capacity_scaled(k), config)?;
        let (Some(d), Some(s)) = (o.values("duration_years"), o.values("share_released_by_horizon")) else {
            return Err(o.unknown_output("duration_years"));
        };
        // A trial meets the deadline when all land is released and the last release is before it.
        let valid = d.iter().filter(|v| v.is_finite()).count().max(1);
        let ok = d.iter().zip(s).filter(|(d, s)| **s >= 1.0 - 1e-12 && **d <= years).count();
        let p = ok as f64 / valid as f64;
        evaluations.push((k, p));
        Ok(p)
    };
    let (mut lo, mut hi);
    if eval(1.0)? >= confidence {
        hi = 1.0;
        lo = 0.5;
        while eval(lo)? >= confidence {
            hi = lo;
            lo /= 2.0;
            if lo < MIN_FACTOR {
                break;
            }
        }
    } else {
        lo = 1.0;
        hi = 2.0;
        loop {
            let p = eval(hi)?;
            if p >= confidence {
                break;
            }
            lo = hi;
            hi *= 2.0;
            if hi > MAX_FACTOR {
                return Err(Error::Infeasible(format!(
                    "even {MAX_FACTOR}× today's clearance teams release all land by the end of {finish_by} with probability {p:.3}, \
                     below {confidence}: survey capacity (NTS, TS) or the schedule's horizon limits release; \
                     add survey teams or move the deadline"
                )));
            }
        }
    }
    while (hi - lo) / hi > 0.01 {
        let mid = 0.5 * (lo + hi);
        if eval(mid)? >= confidence {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let probability = evaluations.iter().rev().find(|(k, _)| *k == hi).map_or(f64::NAN, |e| e.1);
    let mut teams = Vec::new();
    if let Some(g) = capacity.groups.first() {
        for m in Method::ALL {
            if let Some(p) = &g.pools[Pool::Clearance(m).index()] {
                teams.push((
                    m.name().to_string(),
                    p.initial.mean(scenario.inputs()),
                    p.ceiling.mean(scenario.inputs()),
                ));
            }
        }
    }
    Ok(CapacityAnswer { factor: hi, probability, finish_by, confidence, evaluations, teams })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions() {
        assert_eq!(better("total_cost_usd"), Better::Lower);
        assert_eq!(better("duration_years"), Better::Lower);
        assert_eq!(better("casualties_over_horizon"), Better::Lower);
        assert_eq!(better("land_value_returned_usd"), Better::Higher);
        assert_eq!(better("cleared_area_km2"), Better::Neither);
    }

    #[test]
    fn paired_difference_of_known_values() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [0.0, 2.5, 1.0, 3.0];
        let d = PairedDifference::new(&a, &b, Better::Lower);
        assert!((d.mean - (-0.875)).abs() < 1e-12);
        assert_eq!(d.prob_lower, 0.75);
        assert_eq!(d.prob_better, 0.75);
        assert_eq!(d.n, 4);
    }
}
