//! What money a deadline needs, and what a budget buys: the smallest constant
//! real yearly budget that releases all land by a year with a confidence, and
//! the release year a given yearly budget gives.
//!
//! A budget here *buys* capacity: every year the plan's teams of every pool
//! are scaled up or down so that the programme spends the budget (teams'
//! fixed costs, mobilisation, the work at full use, overhead, coordination),
//! keeping the plan's mix of pools. Every budget is evaluated on the same
//! random numbers (common random numbers), so the estimated probability of
//! meeting the deadline does not fall as the budget grows; the search doubles
//! or halves to bracket the answer, then bisects to 1 % relative precision.

use super::solve::{Search, SearchError, smallest_meeting};
use crate::error::{Error, Result};
use crate::model::{Pool, Scenario};
use crate::simulate::{Outcome, SimConfig, plan_at_means, simulate};
use crate::stats::Summary;
use serde::Serialize;

/// The teams a budget buys in one year, per pool (at the inputs' means).
#[derive(Clone, Debug, Serialize)]
pub struct YearTeams {
    /// Calendar year.
    pub year: i32,
    /// (pool, teams) for every pool with teams, all capacity groups together.
    pub teams: Vec<(String, f64)>,
}

/// The answer of [`required_budget`].
#[derive(Clone, Debug, Serialize)]
pub struct BudgetAnswer {
    /// The smallest constant yearly budget (price year's money) found.
    pub budget_per_year: f64,
    /// Its currency.
    pub currency: String,
    /// P(all land released by the deadline) at that budget.
    pub probability: f64,
    /// The deadline: the end of this calendar year.
    pub finish_by: i32,
    /// The confidence asked for.
    pub confidence: f64,
    /// Every budget tried and its probability, in the order tried.
    pub evaluations: Vec<(f64, f64)>,
    /// The teams the budget buys, year by year until the deadline.
    pub teams: Vec<YearTeams>,
    /// The programme cost at that budget (price year's money).
    pub programme_cost: Summary,
    /// Trials behind each probability.
    pub trials: u64,
    /// 95 % Wilson interval of `probability` (its Monte Carlo error with `trials` trials).
    pub probability_ci95: [f64; 2],
    /// The budgets between which the answer lies given the trials' Monte Carlo error: the largest
    /// budget tried whose probability's 95 % interval lies wholly below the confidence, and the
    /// smallest whose interval lies wholly above it (NaN where no budget tried is that clear).
    pub budget_range: [f64; 2],
    /// Whether more trials could change the answer: the probability's interval at the answer
    /// contains the confidence asked for (true almost always near the threshold; `budget_range`
    /// says by how much).
    pub more_trials_could_change_it: bool,
    /// Plain sentences on what the answer assumes (a scenario whose funding caps teams, ...).
    pub notes: Vec<String>,
}

/// The answer of [`release_with_budget`].
#[derive(Clone, Debug, Serialize)]
pub struct ReleaseAnswer {
    /// The yearly budget (price year's money).
    pub budget_per_year: f64,
    /// Its currency.
    pub currency: String,
    /// When all land is released, across trials, in calendar time: 2026.5 is mid-2026, so the
    /// calendar year of the release is `ceil(t) − 1` (2041.0, the first instant of 2041, is the end
    /// of 2040). Never before the start year; censored at the horizon's end.
    pub release_year: Summary,
    /// The scenario's first year.
    pub start_year: i32,
    /// Share of trials that release all land within the horizon.
    pub finished_share: f64,
    /// The last calendar year of the horizon: a release year at or past it means "not released
    /// within the horizon" for that percentile.
    pub horizon_end_year: i32,
    /// The programme cost (price year's money).
    pub programme_cost: Summary,
    /// The teams the budget buys, year by year (first 10 years).
    pub teams: Vec<YearTeams>,
}

fn check_capacity(scenario: &Scenario) -> Result<u32> {
    scenario.capacity().map(|c| c.horizon_years).ok_or_else(|| {
        Error::InvalidValue(crate::Problem::text(
            "capacity",
            "missing",
            "the scenario has no [capacity]: there are no teams for a budget to buy",
        ))
    })
}

/// Release time per trial in calendar time: the start year plus the duration (a duration of
/// exactly 16 years from January 2025 ends at 2041.0, the end of 2040).
fn release_years(o: &Outcome) -> Result<Vec<f64>> {
    let d = o.values("duration_years").ok_or_else(|| o.unknown_output("duration_years"))?;
    Ok(d.iter().map(|d| f64::from(o.start_year()) + d).collect())
}

/// Errs when every trial of `o` failed: no probability or percentile can be read from it.
pub(crate) fn some_trial_succeeded(o: &Outcome, d: &[f64], what: &str) -> Result<()> {
    if d.iter().any(|v| v.is_finite()) {
        return Ok(());
    }
    Err(Error::Infeasible(format!(
        "duration_years: every one of the {} trials failed (a non-finite output) {what}; \
         `demine run` lists the failed trials' inputs",
        o.trials()
    )))
}

/// P(all land released by the end of `finish_by`) in `o`.
///
/// # Errors
/// [`Error::Infeasible`] when every trial failed.
pub(crate) fn probability_by(o: &Outcome, years: f64, what: &str) -> Result<f64> {
    let (Some(d), Some(s)) = (o.values("duration_years"), o.values("share_released_by_horizon")) else {
        return Err(o.unknown_output("duration_years"));
    };
    some_trial_succeeded(o, d, what)?;
    let valid = d.iter().filter(|v| v.is_finite()).count();
    let ok = d.iter().zip(s).filter(|(d, s)| **s >= 1.0 - 1e-12 && **d <= years).count();
    Ok(ok as f64 / valid as f64)
}

/// The teams `budget` buys at the inputs' means, for every pool that has some, until the work is done.
fn teams_bought(scenario: &Scenario, budget: f64, years: usize) -> Result<Vec<YearTeams>> {
    let plan = plan_at_means(&scenario.with_budget(budget)?, years)?;
    let total = |groups: &Vec<crate::model::PerPool<f64>>, p: Pool| -> f64 { groups.iter().map(|g| g[p]).sum() };
    let pools: Vec<Pool> = Pool::ALL.iter().copied().filter(|&p| plan.iter().any(|g| total(g, p) > 0.0)).collect();
    let last = plan.iter().rposition(|g| pools.iter().any(|&p| total(g, p) > 0.0)).map_or(0, |i| i + 1);
    Ok(plan[..last]
        .iter()
        .enumerate()
        .map(|(y, groups)| YearTeams {
            year: scenario.start_year() + y as i32,
            teams: pools.iter().map(|&p| (p.name().to_string(), total(groups, p))).collect(),
        })
        .collect())
}

fn programme_cost(o: &Outcome) -> Summary {
    o.summary("programme_cost").cloned().unwrap_or_else(|| Summary::new(&[]))
}

/// The smallest constant real yearly budget that releases all suspected land
/// by the end of `finish_by` with probability at least `confidence`.
///
/// # Errors
/// [`Error::InvalidValue`] for a confidence outside (0, 1), a deadline before
/// the start year or beyond the horizon, or a scenario without capacity;
/// [`Error::Infeasible`] when no budget up to 1,024 times the first guess (the
/// cost of the work spread evenly over the years available) meets the
/// deadline (survey without teams or the horizon binds).
///
/// The search (the one [`required_clearance_capacity`] uses too) halves or
/// doubles from the first guess, down to 2⁻⁴⁰ times it (the answer if even
/// that meets the deadline), then bisects to 1 % relative precision.
///
/// [`required_clearance_capacity`]: crate::analysis::required_clearance_capacity
pub fn required_budget(
    scenario: &Scenario,
    config: &SimConfig,
    finish_by: i32,
    confidence: f64,
) -> Result<BudgetAnswer> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(Error::invalid("confidence", confidence, "must lie in (0, 1)"));
    }
    let horizon = check_capacity(scenario)?;
    crate::analysis::capacity::check_deadline(scenario, finish_by, horizon)?;
    let years = f64::from(finish_by - scenario.start_year() + 1);
    // First guess: the cost of the work spread evenly over the years available.
    config.observer.stage("the cost of the work", config.trials);
    let base = simulate(scenario, config)?;
    let work = base.summary("total_cost").map_or(f64::NAN, |s| s.mean);
    let first = if work > 0.0 && work.is_finite() { work / years } else { 1e6 };
    // Only the outcome of the last budget meeting the deadline is kept: the answer is the smallest one tried.
    let mut meeting: Option<(f64, Outcome)> = None;
    let mut tried = 0;
    let eval = |b: f64| -> Result<f64> {
        tried += 1;
        config.observer.stage(&format!("budget {tried}: {b:.3e} a year"), config.trials);
        let o = simulate(&scenario.with_budget(b)?, config)?;
        let p = probability_by(&o, years, &format!("with a yearly budget of {b:.3e}"))?;
        if p >= confidence {
            meeting = Some((b, o));
        }
        Ok(p)
    };
    // From 2⁻⁴⁰ to 1,024 times the first guess (1,024 as the capacity solver).
    let (lowest, highest) = (first / 2f64.powi(40), first * 1024.0);
    let Search { scale: hi, probability, evaluations, .. } = match smallest_meeting(
        first, lowest, highest, confidence, eval,
    ) {
        Ok(search) => search,
        Err(SearchError::NotMet { upper_limit, .. }) => {
            return Err(Error::Infeasible(format!(
                "no yearly budget up to {upper_limit:.3e} {} (1,024 times the cost of the work spread over the years) \
                     releases all land by the end of {finish_by} with probability {confidence}: a pool the budget cannot \
                     buy (survey without teams) or the schedule's horizon limits release",
                scenario.currency()
            )));
        }
        Err(e) => return Err(e.into_error()),
    };
    let cost = meeting.filter(|(b, _)| *b == hi).map_or_else(|| Summary::new(&[]), |(_, o)| programme_cost(&o));
    let trials = config.trials;
    let ci = |p: f64| {
        crate::stats::interval::wilson_interval((p * trials as f64).round() as u64, trials, 0.95)
            .unwrap_or([f64::NAN; 2])
    };
    let probability_ci95 = ci(probability);
    let below = evaluations.iter().filter(|&&(_, p)| ci(p)[1] < confidence).map(|e| e.0).fold(f64::NAN, f64::max);
    let above = evaluations.iter().filter(|&&(_, p)| ci(p)[0] > confidence).map(|e| e.0).fold(f64::NAN, f64::min);
    let mut notes = late_land_notes(scenario, finish_by, "budget");
    if scenario.funding().is_some_and(|f| !f.drives_capacity) {
        notes.push(
            "The scenario's [funding] caps its planned teams; here that funding is replaced by the budget, which \
             buys as many teams as it pays for."
                .to_string(),
        );
    }
    Ok(BudgetAnswer {
        budget_per_year: hi,
        currency: scenario.currency().to_string(),
        probability,
        finish_by,
        confidence,
        evaluations,
        teams: teams_bought(scenario, hi, years as usize)?,
        programme_cost: cost,
        trials,
        probability_ci95,
        budget_range: [below, above],
        more_trials_could_change_it: probability_ci95[0] <= confidence,
        notes,
    })
}

/// The release year (P50, P80, P95 …) and programme cost a constant real yearly budget gives.
///
/// # Errors
/// [`Error::InvalidValue`] for a budget that is not finite and > 0, or a scenario without capacity;
/// [`Error::Infeasible`] when every trial failed.
pub fn release_with_budget(scenario: &Scenario, config: &SimConfig, per_year: f64) -> Result<ReleaseAnswer> {
    let horizon = check_capacity(scenario)?;
    let o = simulate(&scenario.with_budget(per_year)?, config)?;
    let years = release_years(&o)?;
    some_trial_succeeded(&o, &years, &format!("with a yearly budget of {per_year:.3e}"))?;
    Ok(ReleaseAnswer {
        budget_per_year: per_year,
        currency: scenario.currency().to_string(),
        release_year: Summary::new(&years),
        start_year: scenario.start_year(),
        finished_share: 1.0 - o.not_finished_share(),
        horizon_end_year: scenario.start_year() + horizon as i32 - 1,
        programme_cost: programme_cost(&o),
        teams: teams_bought(scenario, per_year, 10)?,
    })
}

/// A note when land arrives after the deadline: no `remedy` (a budget, a number of teams) releases
/// land before it arrives, so the confidence the trials can reach is capped. Empty when all land
/// arrives by then.
#[must_use]
pub fn late_land_notes(scenario: &Scenario, finish_by: i32, remedy: &str) -> Vec<String> {
    let late = scenario.land_arriving_after(f64::from(finish_by) + 1.0);
    let Some(worst) = late.iter().map(|(_, p)| *p).reduce(f64::max) else { return Vec::new() };
    let list: Vec<String> = late.iter().map(|(path, p)| format!("{path} in {:.0} % of trials", 100.0 * p)).collect();
    vec![format!(
        "Land arrives after the deadline ({}): no {remedy} releases it before it arrives, so at most {:.0} % of \
         trials can finish by the end of {finish_by}.",
        list.join(", "),
        100.0 * (1.0 - worst)
    )]
}
