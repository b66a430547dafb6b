//! Which plan is better, and by how much: plans run on common random numbers.
//!
//! Plans run on **common random numbers**: the same seed and trial indices,
//! so every input the plans share takes the same value in the same trial and
//! every site gets the same random draws (see [`crate::sampling::stream`]). The
//! difference between two plans is then measured trial by trial (paired), which
//! removes the shared uncertainty and makes small differences visible with few
//! trials.

use crate::error::{Error, Result};
use crate::model::Scenario;
use crate::simulate::{Better, Outcome, SimConfig, simulate};
use crate::stats::{PairedDifference, RatioEstimate, Summary};
use serde::Serialize;

/// A trial's difference is a tie when it is at most this share of the larger of the two values
/// (0.1 %): a plan that changes an output by less is "the same" on it, not "better".
pub const TIE_RELATIVE: f64 = 1e-3;
/// ... or at most this in absolute terms (floating-point dust in an output that is 0 in both).
pub const TIE_ABSOLUTE: f64 = 1e-9;

/// Whether `a` and `b` are equal within the tie tolerance ([`TIE_RELATIVE`], [`TIE_ABSOLUTE`]).
#[must_use]
pub fn is_tie(a: f64, b: f64) -> bool {
    (b - a).abs() <= TIE_ABSOLUTE + TIE_RELATIVE * a.abs().max(b.abs())
}

/// Plan `b` against the baseline for one output: the paired statistics and
/// the probability that `b` is better.
#[derive(Clone, Debug, Serialize)]
pub struct Versus {
    /// Paired statistics of `b − a`.
    #[serde(flatten)]
    pub diff: PairedDifference,
    /// Share of trials where b is better than a (by the output's direction) by more than the tie
    /// tolerance; NaN (`null` in JSON) when neither direction is better.
    pub prob_better: f64,
    /// Share of trials where b and a are equal within the tie tolerance ([`is_tie`]).
    pub prob_same: f64,
    /// Whether the plans are the same on this output: the mean difference and both ends of its
    /// 95 % interval are within the tie tolerance of the baseline's mean. Shown as "same", never as
    /// a share better.
    pub same: bool,
}

impl std::ops::Deref for Versus {
    type Target = PairedDifference;
    fn deref(&self) -> &PairedDifference {
        &self.diff
    }
}

impl Versus {
    /// Paired statistics of `b − a` for an output whose better direction is `better`.
    #[must_use]
    pub fn new(a: &[f64], b: &[f64], better: Better) -> Self {
        let diff = PairedDifference::new(a, b);
        let pairs = || a.iter().zip(b).filter(|(x, y)| x.is_finite() && y.is_finite());
        let n = pairs().count().max(1) as f64;
        let share = |f: &dyn Fn(f64, f64) -> bool| pairs().filter(|&(&x, &y)| f(x, y)).count() as f64 / n;
        let prob_same = share(&|x, y| is_tie(x, y));
        let prob_better = match better {
            Better::Lower => share(&|x, y| y < x && !is_tie(x, y)),
            Better::Higher => share(&|x, y| y > x && !is_tie(x, y)),
            Better::Neither => f64::NAN,
        };
        let base = pairs().map(|(x, _)| *x).sum::<f64>() / n;
        let within = |d: f64| d.abs() <= TIE_ABSOLUTE + TIE_RELATIVE * base.abs();
        let same = within(diff.mean) && (diff.se == 0.0 || diff.ci95.iter().all(|&c| within(c)));
        Versus { diff, prob_better, prob_same, same }
    }

    /// P(better) as people read it: "same" within the tie tolerance, "–" for an output without a
    /// better direction, else the share in % with one decimal, and the share of tied trials when
    /// there are any ("53.0 % (34.8 % same)").
    #[must_use]
    pub fn better_text(&self) -> String {
        if self.same {
            "same".into()
        } else if self.prob_better.is_nan() {
            "–".into()
        } else if self.prob_same >= 0.0005 {
            format!("{:.1} % ({:.1} % same)", 100.0 * self.prob_better, 100.0 * self.prob_same)
        } else {
            format!("{:.1} %", 100.0 * self.prob_better)
        }
    }
}

/// The letter of plan `i` (0-based) in tables: A to Z, then AA, AB, ... (spreadsheet columns).
#[must_use]
pub fn plan_letter(i: usize) -> String {
    let mut n = i + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

/// One output across plans.
#[derive(Clone, Debug, Serialize)]
pub struct OutputComparison {
    /// Output name.
    pub name: String,
    /// Unit (money in the scenario's currency).
    pub unit: String,
    /// The kind of unit (for formatting).
    #[serde(skip)]
    pub unit_kind: crate::simulate::Unit,
    /// Which direction is better.
    pub better: Better,
    /// Each plan's summary.
    pub plans: Vec<Summary>,
    /// Each plan after the first against the first (baseline).
    pub versus_baseline: Vec<Versus>,
}

/// What a plan buys against the baseline: its extra cost (present value) set
/// against casualties averted, land value gained and hazard area-years avoided.
#[derive(Clone, Debug, Serialize)]
pub struct CostOfDelay {
    /// The plan (not the baseline).
    pub plan: String,
    /// Its place in the comparison's plans (1 for the first after the baseline).
    pub plan_index: usize,
    /// Programme cost, present value: plan − baseline.
    pub extra_cost_pv: PairedDifference,
    /// Casualties averted: baseline − plan.
    pub casualties_averted: Option<PairedDifference>,
    /// Land value gained: plan − baseline.
    pub land_value_gained: Option<PairedDifference>,
    /// km²-years of hazard avoided (land released earlier): baseline − plan.
    pub hazard_area_years_avoided: Option<PairedDifference>,
    /// Extra cost per casualty averted.
    pub cost_per_casualty_averted: Option<RatioEstimate>,
    /// Extra cost per km² released a year earlier.
    pub cost_per_km2_year_earlier: Option<RatioEstimate>,
}

/// Plans run on common random numbers, compared output by output.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// Plan names (the scenario's name, or the name the caller gave it); the first is the baseline.
    pub plans: Vec<String>,
    /// What each plan is (its file and the overrides applied), in the order of `plans`; empty
    /// strings when the caller did not say.
    pub sources: Vec<String>,
    /// Trials per plan.
    pub trials: u64,
    /// Seed shared by all plans.
    pub seed: u64,
    /// National outputs every plan has.
    pub outputs: Vec<OutputComparison>,
    /// Each plan after the first against the baseline, in money (when the plans have a programme cost).
    pub cost_of_delay: Vec<CostOfDelay>,
}

impl Comparison {
    /// Names the plans (`names[i]` for plan `i`) and says what each is (`sources`, its file and
    /// overrides), keeping the cost-of-delay rows in step.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when either list's length is not the number of plans, or a name is
    /// empty.
    pub fn with_names(mut self, names: Vec<String>, sources: Vec<String>) -> Result<Self> {
        for (field, len) in [("names", names.len()), ("sources", sources.len())] {
            if len != self.plans.len() {
                return Err(Error::InvalidValue(crate::Problem::text(
                    field,
                    len.to_string(),
                    format!("must give one per plan ({} plans)", self.plans.len()),
                )));
            }
        }
        if let Some(bad) = names.iter().find(|n| n.trim().is_empty()) {
            return Err(Error::InvalidValue(crate::Problem::text(
                "names",
                bad.as_str(),
                "a plan's name must not be empty",
            )));
        }
        for c in &mut self.cost_of_delay {
            c.plan.clone_from(&names[c.plan_index]);
        }
        self.plans = names;
        self.sources = sources;
        Ok(self)
    }

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
/// use demine::{SimConfig, ModelLevel, io::load_scenario, analysis::compare};
/// let today = load_scenario("ukraine")?;
/// let more = today.with_clearance_capacity_scaled(2.0)?;
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
        let dir = d.better();
        outputs.push(OutputComparison {
            name: d.name.clone(),
            unit: d.unit.clone(),
            unit_kind: d.unit_kind(),
            better: dir,
            plans: outcomes.iter().map(|o| o.summary(&d.name).cloned().unwrap_or_else(|| Summary::new(&[]))).collect(),
            versus_baseline: cols[1..].iter().map(|b| Versus::new(cols[0], b, dir)).collect(),
        });
    }
    Ok(Comparison {
        plans: outcomes.iter().map(|o| o.scenario_name().to_string()).collect(),
        sources: vec![String::new(); outcomes.len()],
        trials: base.trials(),
        seed: base.seed(),
        outputs,
        cost_of_delay: rest.iter().enumerate().filter_map(|(k, b)| cost_of_delay(base, b, k + 1)).collect(),
    })
}

/// Plan `b` against the baseline `a` in money, trial by trial.
fn cost_of_delay(a: &Outcome, b: &Outcome, plan_index: usize) -> Option<CostOfDelay> {
    let name = "programme_cost_present_value";
    let (pa, pb) = (a.values(name)?, b.values(name)?);
    let extra: Vec<f64> = pa.iter().zip(pb).map(|(x, y)| y - x).collect();
    // `gain(name, sign)`: per-trial gains of b over a (sign +1: b − a; −1: a − b).
    let gain = |name: &str, sign: f64| -> Option<Vec<f64>> {
        let (va, vb) = (a.values(name)?, b.values(name)?);
        Some(va.iter().zip(vb).map(|(x, y)| sign * (y - x)).collect())
    };
    let zeros = vec![0.0; extra.len()];
    let averted = gain("casualties_over_horizon", -1.0);
    let land = gain("land_value_returned", 1.0);
    let avoided = gain("hazard_area_years", -1.0);
    let diff = |v: &Option<Vec<f64>>| v.as_ref().map(|v| PairedDifference::new(&zeros, v));
    Some(CostOfDelay {
        plan: b.scenario_name().to_string(),
        plan_index,
        extra_cost_pv: PairedDifference::new(pa, pb),
        casualties_averted: diff(&averted),
        land_value_gained: diff(&land),
        hazard_area_years_avoided: diff(&avoided),
        cost_per_casualty_averted: averted.as_ref().map(|v| RatioEstimate::new(&extra, v)),
        cost_per_km2_year_earlier: avoided.as_ref().map(|v| RatioEstimate::new(&extra, v)),
    })
}
