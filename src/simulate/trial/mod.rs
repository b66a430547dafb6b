//! One trial of the default engine: from the trial's parameter values to its outputs, in
//! stages. Each file takes the previous stages' results and hands on its own; nothing flows
//! back, and [`run_trial`] runs them in order:
//!
//! 1. [`params`]: the trial's values (national rates, each capacity group's money, each
//!    stratum's parameters);
//! 2. [`bill`]: land release of every stratum (aggregate engine) or site, the cost of the
//!    work, and the row's sums;
//! 3. [`plan`]: the yearly team plan (teams, team-days, mobilisation, money);
//! 4. the schedule: [`schedule`] and [`site_pass`] (sites through their pools), or
//!    [`aggregate`] (pools as fluids);
//! 5. the year loop and the programme's bill: [`years`] (site engine) or [`aggregate`];
//! 6. [`outputs`]: the row's programme outputs and release rates.
//!
//! The reference engine (`super::reference`) states the same stages plainly; the fast paths
//! here must give its outputs (`tests/equivalence.rs`). When money caps the teams the site
//! engine runs stages 3-4 twice: the first schedule says when each pool's work ends, and the
//! plan is made again with that money given to the pools still working.
//!
//! Nothing here allocates per trial: all buffers live in [`Scratch`], made once per worker.

mod aggregate;
mod bill;
mod outputs;
mod params;
mod plan;
mod programme;
mod schedule;
mod site_pass;
mod years;

use super::compiled::Compiled;
use super::series::YearValues;
use crate::model::{PerPool, Pool, Scenario};
pub(crate) use params::{GroupCosts, StratumTrial, rates, stratum_trial};
pub(crate) use schedule::{SiteAcc, TIME_FIXED};

/// A worker's buffers, stage by stage.
pub(crate) struct Scratch {
    /// The inputs' uniforms and the copula's normals (filled by the engine).
    pub u: Vec<f64>,
    pub z: Vec<f64>,
    /// Every parameter's value in the trial.
    pub v: Vec<f64>,
    /// Stage 1: the trial's values.
    params: params::ParamsScratch,
    /// Stage 2: each stratum's totals and team-days, each region's sums.
    bill: bill::BillScratch,
    /// Stage 3: the plan, as yearly tables.
    plan: plan::PlanTables,
    /// Stages 4-5, site engine: the pools, the year bins.
    sched: site_pass::ScheduleScratch,
    /// Stages 4-5, aggregate engine: the fluid pools.
    aggregate: aggregate::AggregateScratch,
    /// Per-site release counters over this scratch's trials (sorted order).
    pub site_acc: SiteAcc,
}

impl Scratch {
    pub(crate) fn new(c: &Compiled<'_>) -> Self {
        let s = c.scenario;
        let groups = s.capacity().map_or(0, |c| c.groups.len());
        Scratch {
            u: vec![0.0; c.quantiles.len()],
            z: vec![0.0; c.correlation.map_or(0, |k| k.inputs.len())],
            v: c.base_values.clone(),
            params: params::ParamsScratch::new(c, groups),
            bill: bill::BillScratch::new(c),
            plan: plan::PlanTables::new(c, groups),
            sched: site_pass::ScheduleScratch::new(c, groups),
            aggregate: aggregate::AggregateScratch::new(c, groups),
            site_acc: SiteAcc::new(if s.capacity().is_some() {
                c.sites.as_ref().map_or(0, |a| a.weight.len())
            } else {
                0
            }),
        }
    }

    /// Puts the inputs' values `x` into their places among all parameters.
    #[inline]
    pub(crate) fn scatter_inputs(&mut self, slots: &[u32], x: &[f64]) {
        for (&slot, &x) in slots.iter().zip(x) {
            self.v[slot as usize] = x;
        }
    }
}

/// Runs one trial with every parameter's value already in `scratch.v`; writes
/// the output row and, for a scheduled site run, the yearly `series` (one
/// entry per year of the horizon) and the per-site counters.
pub(crate) fn run_trial(
    c: &Compiled<'_>,
    noise_key: u64,
    scratch: &mut Scratch,
    row: &mut [f64],
    series: &mut [YearValues],
) {
    let Scratch { v, params, bill, plan, sched, aggregate, site_acc, .. } = scratch;
    // 1. The trial's values.
    let g = params.fill(c, v);
    let strata = &params.strata;
    // 2. The bill.
    match &c.sites {
        None => bill.aggregate_pass(strata),
        Some(sites) => match &sites.strata_ranges {
            Some(ranges) => bill.bill_pass(sites, noise_key, ranges, strata),
            None => bill.clear(),
        },
    }
    if c.sites.as_ref().is_some_and(|s| s.strata_ranges.is_none()) {
        // 3-5, site engine: the plan, the schedule (twice when money caps the teams), the years.
        plan.fill(c, v, &g, &params.groups, None);
        if c.reallocates {
            site_pass::site_pass(c, noise_key, false, strata, &g, plan, sched, bill, site_acc);
            plan.fill(c, v, &g, &params.groups, Some(sched.pool_ends(c)));
            bill.clear();
        }
        site_pass::site_pass(c, noise_key, true, strata, &g, plan, sched, bill, site_acc);
    }
    bill.fill_row(c, &g, strata, v, row);
    outputs::release_rates(c, &params.groups, v, row);
    if c.scenario.capacity().is_some() {
        let cost = if c.sites.is_some() {
            years::site_years(c, &g, v, &params.groups, plan, sched, row, series)
        } else {
            aggregate::aggregate_years(c, &g, v, strata, bill, &params.groups, plan, aggregate, row)
        };
        outputs::write_programme(c, &g, &cost, row);
    }
}

/// The plan's effective teams per year and group at every parameter's mean:
/// one trial of the aggregate engine, so that a pool whose work is done has
/// no teams and its money goes to the others, as in a run.
///
/// # Errors
/// What compiling the scenario for the aggregate engine returns.
pub(crate) fn plan_at_means(s: &Scenario, years: usize) -> crate::Result<Vec<Vec<PerPool<f64>>>> {
    use crate::simulate::{ModelLevel, SimConfig};
    let Some(cap) = s.capacity() else { return Ok(Vec::new()) };
    let config = SimConfig::default().with_trials(1).with_model(ModelLevel::Aggregate);
    let c = crate::simulate::compiled::Compiled::new(s, &config, 0)?;
    let mut scratch = Scratch::new(&c);
    scratch.v = s.params().means();
    scratch.plan.record_teams = true;
    let mut row = vec![0.0; c.cols.n];
    let mut series = vec![YearValues::default(); c.series_len];
    run_trial(&c, 0, &mut scratch, &mut row, &mut series);
    let h = c.horizon;
    let teams = &scratch.plan.teams;
    Ok((0..years.min(h))
        .map(|y| {
            (0..cap.groups.len())
                .map(|gi| PerPool(std::array::from_fn(|p| teams[gi * Pool::COUNT * h + p * h + y])))
                .collect()
        })
        .collect())
}
