//! How much clearance capacity a deadline needs: the smallest scaling of
//! today's clearance teams that releases all land in time with a confidence,
//! found on common random numbers.

use super::solve::{Search, SearchError, smallest_meeting};
use crate::error::{Error, Result};
use crate::model::{Method, Pool, Scenario};
use crate::simulate::{SimConfig, simulate};
use serde::Serialize;

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

/// The largest factor on today's clearance teams the search tries.
const MAX_FACTOR: f64 = 1024.0;
/// The smallest factor on today's clearance teams the search tries.
const MIN_FACTOR: f64 = 1.0 / 1024.0;

/// Finds the smallest scaling of the clearance capacity (teams of every
/// clearance method, initial count and ceiling) that releases all suspected
/// land by the end of `finish_by` with probability at least `confidence`.
///
/// Every factor is evaluated on the same random numbers (common random
/// numbers), so the estimated probability is monotone in the factor; the
/// search (the one [`required_budget`] uses too) doubles (or halves) from
/// today's capacity to bracket the answer, then bisects to 1 % relative
/// precision. Factors from 1/1,024 to 1,024 are tried: when even 1/1,024 of
/// today's teams meets the deadline, that is the answer.
///
/// # Errors
/// [`Error::InvalidValue`] for a confidence outside (0, 1), a deadline before
/// the start year, or a scenario without capacity; [`Error::Infeasible`] when
/// even 1,024 times today's clearance teams do not finish in time (survey
/// capacity or the horizon then binds) or when every trial fails.
///
/// [`required_budget`]: crate::analysis::required_budget
pub fn required_clearance_capacity(
    scenario: &Scenario,
    config: &SimConfig,
    finish_by: i32,
    confidence: f64,
) -> Result<CapacityAnswer> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(Error::invalid("confidence", confidence, "must lie in (0, 1)"));
    }
    let Some(capacity) = scenario.capacity() else {
        return Err(Error::InvalidValue(crate::Problem::text(
            "capacity",
            "missing",
            "the scenario has no [capacity]: there is no schedule to meet a deadline",
        )));
    };
    check_deadline(scenario, finish_by, capacity.horizon_years)?;
    let years = f64::from(finish_by - scenario.start_year() + 1);
    let mut tried = 0;
    let eval = |k: f64| -> Result<f64> {
        tried += 1;
        config.observer.stage(&format!("capacity {tried}: {k:.2}x the teams"), config.trials);
        let o = simulate(&scenario.with_clearance_capacity_scaled(k)?, config)?;
        // A trial meets the deadline when all land is released and the last release is before it.
        crate::analysis::budget::probability_by(&o, years, &format!("at {k}× today's clearance teams"))
    };
    let search = match smallest_meeting(1.0, MIN_FACTOR, MAX_FACTOR, confidence, eval) {
        Ok(search) => search,
        Err(SearchError::NotMet { probability: p, .. }) => {
            return Err(Error::Infeasible(format!(
                "even {MAX_FACTOR}× today's clearance teams release all land by the end of {finish_by} with probability {p:.3}, \
                 below {confidence}: survey capacity (NTS, TS) or the schedule's horizon limits release; \
                 add survey teams or move the deadline"
            )));
        }
        Err(e) => return Err(e.into_error()),
    };
    let mut teams = Vec::new();
    if let Some(g) = capacity.groups.first() {
        let params = scenario.params();
        for m in Method::ALL {
            if let Some(p) = &g.pools[Pool::Clearance(m)] {
                teams.push((m.name().to_string(), params.mean(p.initial), params.mean(p.ceiling_or_initial())));
            }
        }
    }
    let Search { scale: factor, probability, evaluations, .. } = search;
    Ok(CapacityAnswer { factor, probability, finish_by, confidence, evaluations, teams })
}

/// A deadline must lie between the start year and the end of the horizon.
///
/// # Errors
/// [`Error::InvalidValue`] naming `finish_by`.
pub(crate) fn check_deadline(scenario: &Scenario, finish_by: i32, horizon_years: u32) -> Result<()> {
    if finish_by < scenario.start_year() {
        return Err(Error::invalid(
            "finish_by",
            f64::from(finish_by),
            format!("must not be before the scenario's start year ({})", scenario.start_year()),
        ));
    }
    if i64::from(finish_by) - i64::from(scenario.start_year()) + 1 > i64::from(horizon_years) {
        return Err(Error::invalid(
            "finish_by",
            f64::from(finish_by),
            format!("lies beyond the scenario's horizon ({horizon_years} years from {})", scenario.start_year()),
        ));
    }
    Ok(())
}
