//! One trial: from the trial's parameter values to its outputs.
//!
//! Two engines share the per-trial set-up (strata parameters, capacity per year)
//! and the land-release algebra of [`crate::model::land_release`]:
//! - the **aggregate** engine computes each stratum's expected totals given the
//!   trial's (epistemic) inputs, in closed form;
//! - the **site** engine samples every site's variability (cancelled or not,
//!   reduced fraction, local team-day multiplier, status and contamination),
//!   and, when capacity is given, schedules it in the work order on its
//!   group's team pools ([`schedule`]). Its totals equal the aggregate engine's
//!   in expectation (`tests/site_engine.rs`).
//!
//! Nothing here allocates: all buffers live in [`Scratch`], made once per batch.

mod bill;
pub(crate) mod economics;
mod outcomes;
mod schedule;
mod site_pass;
mod strata;

use super::compiled::Compiled;
use super::engine::SiteAcc;
use super::series::YearValues;
use crate::model::{Method, PerMethod, PerPool, Pool, Scenario, StageRates, Stages, SurveyRates};
pub(crate) use schedule::TIME_FIXED;
pub(crate) use strata::stratum_trial;
use strata::{RateClasses, strata_params};

/// A stratum's parameters in one trial.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StratumTrial {
    pub area_m2: f64,
    pub cancel: f64,
    pub reduce: f64,
    /// Per-site reduced fractions are uniform on [r_lo, r_lo + r_width].
    pub r_lo: f64,
    pub r_width: f64,
    pub conf: f64,
    pub contaminated: f64,
    /// Items per m² of contaminated land to clear.
    pub dens_per_m2: f64,
    /// Costs and team-days per m² at each stage: the full cost of the work
    /// (variable rates plus the fixed cost of the team-days worked).
    pub rates: StageRates,
    /// The variable part alone (what the programme pays per unit of work on
    /// top of its teams' fixed costs).
    pub var_rates: StageRates,
    pub group: usize,
    /// Methods with a share, the first `n_methods` entries.
    pub methods: [Method; Method::COUNT],
    pub n_methods: u8,
    pub mines_laid: f64,
    pub laying_cost: f64,
    /// Share of cancelled and reduced land later found contaminated.
    pub residual: f64,
    /// Share of items clearance finds (methods' detection probabilities, weighted by share).
    pub detection: f64,
    /// Fall of the cancelled fraction from the first site worked to the last.
    pub trend: f64,
    /// The stratum comes into the workload from `arrive_lo` over `arrive_span` years.
    pub arrive_lo: f64,
    pub arrive_span: f64,
}

impl Default for StratumTrial {
    fn default() -> Self {
        StratumTrial {
            area_m2: 0.0,
            cancel: 0.0,
            reduce: 0.0,
            r_lo: 0.0,
            r_width: 0.0,
            conf: 0.0,
            contaminated: 0.0,
            dens_per_m2: 0.0,
            rates: StageRates::default(),
            var_rates: StageRates::default(),
            group: 0,
            methods: Method::ALL,
            n_methods: 0,
            mines_laid: 0.0,
            laying_cost: 0.0,
            residual: 0.0,
            detection: 1.0,
            trend: 0.0,
            arrive_lo: 0.0,
            arrive_span: 0.0,
        }
    }
}

/// A stratum's totals in one trial.
#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct StratumAcc {
    /// Areas by stage, m².
    pub stages: Stages,
    /// Σ area to clear × team-day multiplier.
    pub to_clear_x_difficulty: f64,
    /// Items found.
    pub items: f64,
    /// Items left behind (not detected).
    pub items_missed: f64,
    /// Land released by survey and later found contaminated (cleared later), m².
    pub residual: f64,
}

impl StratumAcc {
    /// A stratum's totals from its stages, their area to clear × team-day
    /// multipliers and the items in the land cleared: the residual land
    /// (found contaminated again, cleared later at average difficulty, all of
    /// it holding items) is added, and the items are split into found and
    /// missed by the detection probability.
    #[inline(always)]
    pub(crate) fn new(stages: Stages, to_clear_x_difficulty: f64, items: f64, t: &StratumTrial) -> Self {
        let residual = stages.residual(t.residual);
        let items = items + residual * t.dens_per_m2;
        StratumAcc {
            stages,
            to_clear_x_difficulty: to_clear_x_difficulty + residual,
            items: items * t.detection,
            items_missed: items * (1.0 - t.detection),
            residual,
        }
    }
}

/// Per-batch buffers.
pub(crate) struct Scratch {
    pub u: Vec<f64>,
    pub z: Vec<f64>,
    /// Every parameter's value in the trial.
    pub v: Vec<f64>,
    pub strata: Vec<StratumTrial>,
    pub acc: Vec<StratumAcc>,
    /// Each stratum's team-days by pool in the trial (written with the row).
    pub team_days: Vec<PerPool<f64>>,
    /// Each region's sums (scenarios with more than one region).
    regions: Vec<bill::RegionSums>,
    pub sched: schedule::ScheduleScratch,
    /// Per-site release counters over this scratch's trials (sorted order).
    pub site_acc: SiteAcc,
    group_work: Vec<PerPool<f64>>,
    group_finish: Vec<f64>,
    /// Each capacity group's money values in the trial.
    pub groups: Vec<economics::GroupCosts>,
    /// The aggregate engine's pools, `Pool::COUNT` per group, when money caps nothing.
    fluid: Vec<economics::FluidPool>,
    /// Their yearly costs: the nation's and one group's, one horizon each.
    fluid_costs: Vec<f64>,
    /// Their bill's discount factors.
    discounts: economics::Discounts,
    /// The strata's rate classes and their rates in the trial.
    classes: RateClasses,
    /// The trial's variable cost of a team-day, by pool.
    pub cost_per_td: PerPool<f64>,
}

impl Scratch {
    pub(crate) fn new(c: &Compiled<'_>) -> Self {
        let s = c.scenario;
        let groups = s.capacity().map_or(0, |c| c.groups.len());
        let k = c.quantiles.len();
        let nz = c.correlation.map_or(0, |k| k.inputs.len());
        Scratch {
            u: vec![0.0; k],
            z: vec![0.0; nz],
            v: c.base_values.clone(),
            strata: vec![StratumTrial::default(); s.strata().len()],
            acc: vec![StratumAcc::default(); s.strata().len()],
            team_days: vec![PerPool::default(); s.strata().len()],
            regions: vec![bill::RegionSums::default(); c.cols.region.len()],
            sched: schedule::ScheduleScratch::new(c, groups),
            site_acc: SiteAcc::new(if s.capacity().is_some() {
                c.sites.as_ref().map_or(0, |a| a.weight.len())
            } else {
                0
            }),
            group_work: vec![PerPool::default(); groups],
            group_finish: vec![0.0; groups],
            groups: vec![economics::GroupCosts::default(); groups],
            fluid: Vec::with_capacity(groups * Pool::COUNT),
            fluid_costs: Vec::with_capacity(2 * c.horizon),
            discounts: economics::Discounts::default(),
            classes: RateClasses::new(c),
            cost_per_td: PerPool::default(),
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

/// Per-trial national values.
pub(crate) struct Globals {
    pub overhead: f64,
    pub survey: SurveyRates,
    /// Variable cost per team-day of each pool.
    pub cost_per_td: PerPool<f64>,
    /// Prices over time, coordination, the second currency.
    pub prices: economics::Prices,
}

/// The trial's per-method productivity and cost per team-day.
pub(crate) struct MethodRates {
    pub productivity: PerMethod<f64>,
    pub cost_per_team_day: PerMethod<f64>,
}

/// Per-trial national rates.
///
/// # Formula
/// productivity_m and cost per team-day_m as [`crate::model::MethodModel`];
/// NTS team-days per m² = 1 / (km² per team-day × 10⁶), likewise TS; a survey
/// pool's cost per team-day = its productivity × its cost per area.
pub(crate) fn rates(s: &Scenario, v: &[f64], groups: &mut [economics::GroupCosts]) -> (Globals, MethodRates) {
    let mut m = MethodRates { productivity: PerMethod::default(), cost_per_team_day: PerMethod::default() };
    for (method, mm) in s.methods().iter() {
        if let Some(mm) = mm {
            let prod = mm.productivity(v);
            m.productivity[method] = prod;
            m.cost_per_team_day[method] = mm.cost_per_team_day(v, prod);
        }
    }
    let (nts, ts) = (s.non_technical_survey(), s.technical_survey());
    let nts_prod = nts.productivity_km2_per_team_day.map(|p| p.get(v));
    let ts_prod = ts.productivity_km2_per_team_day.map(|p| p.get(v));
    let nts_cost_km2 = nts.cost.get(v);
    let ts_cost_m2 = ts.cost.get(v);
    let mut cost_per_td = PerPool::default();
    cost_per_td[Pool::NTS] = nts_prod.map_or(0.0, |p| p * nts_cost_km2);
    cost_per_td[Pool::TS] = ts_prod.map_or(0.0, |p| p * 1e6 * ts_cost_m2);
    for method in Method::ALL {
        cost_per_td[Pool::Clearance(method)] = m.cost_per_team_day[method];
    }
    let g = Globals {
        overhead: s.costs().overhead_fraction.get(v),
        survey: SurveyRates {
            nts_cost_per_m2: nts_cost_km2 / 1e6,
            ts_cost_per_m2: ts_cost_m2,
            nts_td_per_m2: nts.team_days_per_m2(v),
            ts_td_per_m2: ts.team_days_per_m2(v),
        },
        cost_per_td,
        prices: economics::Prices::new(s, v),
    };
    if let Some(c) = s.capacity() {
        for (gc, grp) in groups.iter_mut().zip(&c.groups) {
            *gc = economics::GroupCosts::new(grp, v);
        }
    }
    (g, m)
}

/// True for a stratum that comes into the workload after the start.
#[inline]
pub(crate) fn arrives_later(t: &StratumTrial) -> bool {
    t.arrive_lo > 0.0 || t.arrive_span > 0.0
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
    let (g, m) = rates(c.scenario, &scratch.v, &mut scratch.groups);
    let spread = c.sites.as_ref().map_or(0.0, |s| s.reduction_spread);
    strata_params(c, &scratch.v, &m, &g, &scratch.groups, spread, &mut scratch.classes, &mut scratch.strata);
    scratch.cost_per_td = g.cost_per_td;
    scratch.sched.pool_done.fill(PerPool([f64::INFINITY; Pool::COUNT]));
    if c.sites.is_some() {
        // The site schedule looks capacity up year by year; the aggregate engine walks it once.
        schedule::capacity_table(c, &scratch.v, &g, &scratch.groups, &mut scratch.sched);
    }
    if c.sites.is_some() {
        // The site passes add to the totals (the aggregate pass writes every stratum's).
        for a in scratch.acc.iter_mut() {
            *a = StratumAcc::default();
        }
    }
    match &c.sites {
        None => bill::aggregate_pass(scratch),
        Some(sites) => match &sites.strata_ranges {
            Some(ranges) => bill::bill_pass(sites, noise_key, ranges, scratch),
            None if c.reallocates => {
                // Money caps the teams: a planning pass finds when each pool's work ends, and
                // the schedule runs again with the money of finished pools given to the others.
                site_pass::site_pass(c, sites, noise_key, false, scratch);
                schedule::plan_again(c, &scratch.v, &g, &scratch.groups, &mut scratch.sched);
                for a in scratch.acc.iter_mut() {
                    *a = StratumAcc::default();
                }
                site_pass::site_pass(c, sites, noise_key, true, scratch);
            }
            None => site_pass::site_pass(c, sites, noise_key, true, scratch),
        },
    }
    bill::fill_row(c, &g, scratch, row);
    if let Some(rc) = &c.cols.release_rates {
        release_rates(c, rc, scratch, row);
    }
    if c.scenario.capacity().is_some() {
        if c.sites.is_some() {
            outcomes::site_schedule_outputs(c, &g, scratch, row, series);
        } else {
            outcomes::aggregate_duration(c, &g, scratch, row);
        }
    }
}

/// Release per team-year of work by stage, and per person-day of every team,
/// from the trial's totals: what national statistics report. A team-year is
/// the first capacity group's working days; people per team come from the
/// first group's pools.
fn release_rates(c: &Compiled<'_>, rc: &crate::simulate::columns::ReleaseRateCols, scratch: &Scratch, row: &mut [f64]) {
    let cols = &c.cols;
    let Some(cap) = c.scenario.capacity() else { return };
    let (Some(group), Some(gc)) = (cap.groups.first(), scratch.groups.first()) else { return };
    let wd = gc.working_days;
    let td = PerPool::from_fn(|p| cols.team_days[p].map_or(0.0, |col| row[col]));
    let per_year = |area_km2: f64, team_days: f64| if team_days > 0.0 { area_km2 / (team_days / wd) } else { f64::NAN };
    if let Some(col) = rc.nts {
        row[col] = per_year(row[cols.cancelled], td[Pool::NTS]);
    }
    if let Some(col) = rc.ts {
        row[col] = per_year(row[cols.reduced], td[Pool::TS]);
    }
    let clearance_td: f64 = Method::ALL.iter().map(|&m| td[Pool::Clearance(m)]).sum();
    row[rc.clearance] = per_year(row[cols.cleared] * 1e6, clearance_td);
    if let Some(col) = rc.per_deminer_day {
        let mut person_days = 0.0;
        for (p, tcol) in cols.team_days.iter() {
            let staff = group.pools[p].as_ref().and_then(|pm| pm.staff_per_team).map_or(0.0, |s| s.get(&scratch.v));
            person_days += tcol.map_or(0.0, |t| row[t]) * staff;
        }
        let released_m2 = (row[cols.cancelled] + row[cols.reduced] + row[cols.cleared]) * 1e6;
        row[col] = if person_days > 0.0 { released_m2 / person_days } else { f64::NAN };
    }
}
