//! Stage 4 and 5 of a trial (aggregate engine): every pool of every group works through its
//! group's team-days as a fluid, a year at a time under the plan, and the programme's bill
//! accrues as it does ([`year_loop`]); when all work is there from the start and money caps
//! nothing, each pool works alone in closed form ([`fluid_pools_in_turn`]).

use super::bill::{BillScratch, StratumAcc};
use super::params::{Globals, GroupCosts, StratumTrial, arrives_later};
use super::plan::{FINISH_ROUNDING, FluidPool, PlanTables, YearOut, YearPlanner, fluid_pools};
use super::programme::{Discounts, ProgrammeCost, active};
use crate::model::{PerPool, Pool};
use crate::simulate::compiled::Compiled;

/// The aggregate engine's buffers: its pools, each group's work and end, the closed form's pools.
pub(crate) struct AggregateScratch {
    pools: Vec<PerPool<AggPool>>,
    /// Team-days of work per [group][pool].
    work: Vec<PerPool<f64>>,
    /// When each group ends.
    finish: Vec<f64>,
    /// The closed form's pools, `Pool::COUNT` per group.
    fluid: Vec<FluidPool>,
    /// Their yearly costs: the nation's and one group's, one horizon each.
    fluid_costs: Vec<f64>,
    /// The bill's discount factors.
    discounts: Discounts,
    /// Whether each group's land has all arrived within the horizon.
    arrived: Vec<bool>,
}

impl AggregateScratch {
    pub(crate) fn new(c: &Compiled<'_>, groups: usize) -> Self {
        AggregateScratch {
            pools: vec![PerPool([AggPool::default(); Pool::COUNT]); groups],
            work: vec![PerPool::default(); groups],
            finish: vec![0.0; groups],
            fluid: Vec::with_capacity(groups * Pool::COUNT),
            fluid_costs: Vec::with_capacity(2 * c.horizon),
            discounts: Discounts::default(),
            arrived: vec![true; groups],
        }
    }
}

/// One pool of one group in the aggregate engine's year loop.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct AggPool {
    /// Team-days done so far.
    done: f64,
    /// When its last work arrives (0 when all of it is there from the start).
    arrival_end: f64,
    /// When it finished (0 until it does).
    end: f64,
    finished: bool,
    /// It has teams and work: the year loop schedules it. Any other work is done when it arrives.
    scheduled: bool,
    /// Some of its work arrives after the start.
    waits: bool,
}

/// The share of a stratum that has arrived by time `at` (years from the start).
#[inline]
fn arrived_by(t: &StratumTrial, at: f64) -> f64 {
    if !arrives_later(t) {
        1.0
    } else if t.arrive_span > 0.0 {
        ((at - t.arrive_lo) / t.arrive_span).clamp(0.0, 1.0)
    } else if at > t.arrive_lo {
        1.0
    } else {
        0.0
    }
}

/// The share of a stratum that arrives in year `y` (land known at the start: all in year 0).
#[inline]
fn arriving(t: &StratumTrial, y: usize) -> f64 {
    if arrives_later(t) {
        arrived_by(t, (y + 1) as f64) - arrived_by(t, y as f64)
    } else if y == 0 {
        1.0
    } else {
        0.0
    }
}

/// Aggregate engine with capacity: every pool of every group works through
/// its group's total work (a fluid approximation: no site order), year by
/// year under the same plan and funding as the site engine; the programme's
/// bill accrues as the pools work.
///
/// # Formula
/// A pool with work w left and capacity c in year y finishes at
/// y + w/c (no earlier than its last work arrives) when all its work has arrived and
/// c ≥ w; otherwise it does min(c, work arrived and not done). The group is done when
/// all its pools are; the variable cost of a pool's work is paid as it is done; work
/// without teams (or team-days) is done, and paid, when it arrives.
#[allow(clippy::too_many_arguments)] // each stage's result kept apart, so what flows where shows
pub(super) fn aggregate_years(
    c: &Compiled<'_>,
    g: &Globals,
    v: &[f64],
    strata: &[StratumTrial],
    bill: &BillScratch,
    groups: &[GroupCosts],
    plan: &mut PlanTables,
    scratch: &mut AggregateScratch,
    row: &mut [f64],
) -> ProgrammeCost {
    let s = c.scenario;
    let h = c.horizon;
    let n = groups.len();
    let cols = &c.cols;
    let (acc, team_days) = (&bill.acc[..], &bill.team_days[..]);
    let AggregateScratch { pools, work, finish: group_finish, fluid, fluid_costs, discounts, .. } = scratch;
    // Work per [group][pool].
    work.fill(PerPool::default());
    pools.fill(PerPool([AggPool::default(); Pool::COUNT]));
    for (t, td) in strata.iter().zip(team_days.iter()) {
        for (w, td) in work[t.group].0.iter_mut().zip(td.0) {
            *w += td;
        }
    }
    // Land that arrives later (the scenario has some): when each pool's and the nation's last
    // work arrives, and whether each group's land has all arrived within the horizon.
    let mut arrival_end: f64 = 0.0;
    let arrived_in_horizon = &mut scratch.arrived;
    arrived_in_horizon.fill(true);
    if c.has_arrivals {
        for (t, td) in strata.iter().zip(team_days.iter()).filter(|(t, _)| arrives_later(t)) {
            for (p, td) in td.iter() {
                if *td > 0.0 {
                    let pool = &mut pools[t.group][p];
                    pool.waits = true;
                    pool.arrival_end = pool.arrival_end.max(t.arrive_lo + t.arrive_span);
                }
            }
            if t.area_m2 > 0.0 {
                arrival_end = arrival_end.max(t.arrive_lo + t.arrive_span);
                arrived_in_horizon[t.group] &= arrived_by(t, h as f64) >= 1.0;
            }
        }
    }
    let mut pending = 0;
    let mut unscheduled = false;
    for (gi, grp) in s.capacity().iter().flat_map(|cap| cap.groups.iter()).enumerate() {
        group_finish[gi] = 0.0;
        for (p, pm) in grp.pools.iter() {
            let scheduled = pm.is_some() && work[gi][p] > 0.0;
            pools[gi][p].scheduled = scheduled;
            pending += usize::from(scheduled);
            unscheduled |= !scheduled;
        }
    }
    let mut bill = ProgrammeCost::new(s, &g.prices, discounts.first(&g.prices));
    let years = Years { h, n, pending };
    let (national, pending) = if c.reallocates || plan.record_teams || n > MAX_FLUID_GROUPS || c.has_arrivals {
        let st = YearLoop { strata, acc, team_days, v, groups, work, unscheduled, arrival_end };
        year_loop(c, g, &st, plan, pools, group_finish, years, &mut bill)
    } else {
        fluid.resize(n * Pool::COUNT, FluidPool::default());
        for (w, pools) in work.iter_mut().zip(pools.iter()) {
            for (p, pool) in pools.iter() {
                if !pool.scheduled {
                    w[p] = 0.0;
                }
            }
        }
        fluid_pools(s, v, g, groups, work, fluid);
        let unscheduled_cost = if unscheduled { unscheduled_costs(g, strata, acc, team_days, pools, 0) } else { 0.0 };
        let end =
            fluid_pools_in_turn(g, fluid, fluid_costs, discounts, group_finish, unscheduled_cost, years, &mut bill);
        for (pools, group) in pools.iter_mut().zip(fluid.chunks_exact(Pool::COUNT)) {
            for pool in group {
                pools.0[pool.pool].finished = !(pool.left > 0.0);
            }
        }
        end
    };
    let finished = pending == 0 && arrived_in_horizon.iter().all(|a| *a);
    // A group ends when its pools do and its last land has arrived.
    if c.has_arrivals {
        for t in strata.iter().filter(|t| t.area_m2 > 0.0 && arrives_later(t)) {
            group_finish[t.group] = group_finish[t.group].max(t.arrive_lo + t.arrive_span);
        }
    }
    let national = if finished { group_finish.iter().take(n).copied().fold(national, f64::max) } else { f64::INFINITY };
    let censor = |t: f64| if t.is_finite() { t } else { h as f64 };
    if let Some(col) = cols.duration {
        row[col] = censor(national);
    }
    if let Some(col) = cols.share_released {
        // Without sites, release is all or nothing at the horizon.
        row[col] = if national.is_finite() { 1.0 } else { 0.0 };
    }
    for (r, region) in s.regions().iter().enumerate() {
        if let (Some(rc), Some(gi)) = (cols.region.get(r), region.capacity_group)
            && let Some(col) = rc.duration
        {
            let done = arrived_in_horizon[gi] && pools[gi].values().all(|p| !p.scheduled || p.finished);
            row[col] = if done { group_finish[gi] } else { h as f64 };
        }
    }
    bill
}

/// The variable cost of the work no team schedules that arrives in year `y`: survey without
/// teams or without a productivity, done (and paid) when its land arrives.
fn unscheduled_costs(
    g: &Globals,
    strata: &[StratumTrial],
    acc: &[StratumAcc],
    team_days: &[PerPool<f64>],
    pools: &[PerPool<AggPool>],
    y: usize,
) -> f64 {
    let mut cost = 0.0;
    for ((t, a), td) in strata.iter().zip(acc).zip(team_days) {
        let share = arriving(t, y);
        for p in Pool::ALL {
            if pools[t.group][p].scheduled {
                continue;
            }
            let vc = match p {
                Pool::NTS => a.stages.suspected * t.var_rates.nts_cost_per_m2,
                Pool::TS => a.stages.surveyed * t.var_rates.ts_cost_per_m2,
                Pool::Clearance(_) => td[p] * g.cost_per_td[p],
            };
            cost += vc * share;
        }
    }
    cost
}

/// Capacity groups the closed-form path keeps on the stack (more take the year loop).
const MAX_FLUID_GROUPS: usize = 64;

/// The horizon, the groups and the pools with work, for the year loops.
#[derive(Clone, Copy)]
struct Years {
    h: usize,
    n: usize,
    pending: usize,
}

/// What the year loop reads of the trial.
struct YearLoop<'a> {
    strata: &'a [StratumTrial],
    acc: &'a [StratumAcc],
    team_days: &'a [PerPool<f64>],
    v: &'a [f64],
    groups: &'a [GroupCosts],
    work: &'a [PerPool<f64>],
    /// Some work is not scheduled (a pool without teams or team-days).
    unscheduled: bool,
    /// When the last land arrives.
    arrival_end: f64,
}

/// [`year_loop`]'s check that stratum land with area has all arrived by `at`.
fn all_arrived(strata: &[StratumTrial], at: f64) -> bool {
    strata.iter().all(|t| !(t.area_m2 > 0.0) || arrived_by(t, at) >= 1.0)
}

/// The aggregate engine's years with the planner: every pool with work follows the plan
/// (money caps it, when given, and a finished pool's money goes to the others), until every
/// pool has finished and all land has arrived, or the horizon. Returns (national finish,
/// pools still working).
#[allow(clippy::too_many_arguments)] // the trial's values and each stage's result kept apart
fn year_loop(
    c: &Compiled<'_>,
    g: &Globals,
    st: &YearLoop<'_>,
    plan: &mut PlanTables,
    pools: &mut [PerPool<AggPool>],
    group_finish: &mut [f64],
    Years { h, n, mut pending }: Years,
    bill: &mut ProgrammeCost,
) -> (f64, usize) {
    let s = c.scenario;
    let mut planner = YearPlanner::new(s, st.v);
    for y in 0..h {
        if y > 0 && pending == 0 && all_arrived(st.strata, y as f64) {
            break;
        }
        // A pool whose work is done gets no more money: it goes to the pools still working.
        // (Without money caps a finished pool's teams cost nothing: they are not paid, see below.)
        let done: &[PerPool<f64>] = if c.reallocates {
            for (done, pools) in plan.pool_done.iter_mut().zip(pools.iter()).take(n) {
                for p in Pool::ALL {
                    done[p] = if pools[p].scheduled && !pools[p].finished { f64::INFINITY } else { 0.0 };
                }
            }
            &plan.pool_done[..n]
        } else {
            &[]
        };
        let mut out =
            YearOut { teams: &mut plan.year_teams[..n], cap: &mut plan.year_cap[..n], mob: &mut plan.year_mob[..n] };
        let money = planner.next_year(s, st.v, g, st.groups, done, c.reallocates, &mut out);
        if plan.record_teams {
            for (gi, teams) in plan.year_teams.iter().enumerate().take(n) {
                for p in 0..Pool::COUNT {
                    plan.teams[gi * Pool::COUNT * h + p * h + y] = teams.0[p];
                }
            }
        }
        let mut cost = 0.0;
        for (gi, (gc, finish)) in st.groups.iter().zip(group_finish.iter_mut()).enumerate().take(n) {
            for p in Pool::ALL {
                let pool = &mut pools[gi][p];
                if !pool.scheduled || pool.finished {
                    continue;
                }
                let cap = plan.year_cap[gi][p];
                let left = st.work[gi][p] - pool.done;
                // Whether all its work has arrived by the year's end, and how much has.
                let (all_in, arrived) = if pool.waits {
                    let mut all_in = true;
                    let mut arrived = 0.0;
                    for (t, td) in st.strata.iter().zip(st.team_days) {
                        if t.group == gi && td[p] > 0.0 {
                            let share = arrived_by(t, (y + 1) as f64);
                            all_in &= share >= 1.0;
                            arrived += td[p] * share;
                        }
                    }
                    (all_in, arrived)
                } else {
                    (true, 0.0)
                };
                let (work, share) = if all_in && cap >= left - FINISH_ROUNDING * st.work[gi][p] {
                    let end = (y as f64 + if left > 0.0 { (left / cap).min(1.0) } else { 0.0 }).max(pool.arrival_end);
                    pool.finished = true;
                    pool.end = end;
                    *finish = finish.max(end);
                    pending -= 1;
                    (left, end - y as f64)
                } else if !all_in {
                    // Work still to arrive: the teams do what has arrived and are paid all year.
                    (cap.min((arrived - pool.done).max(0.0)), 1.0)
                } else {
                    (cap, 1.0)
                };
                pool.done += work;
                // Teams paid for the share of the year they work; new teams raised for a pool with work.
                cost += work * g.cost_per_td[p] + plan.year_teams[gi][p] * gc.fixed[p] * share + plan.year_mob[gi][p];
            }
        }
        if st.unscheduled {
            cost += unscheduled_costs(g, st.strata, st.acc, st.team_days, pools, y);
        }
        let ends = pending == 0 && all_arrived(st.strata, (y + 1) as f64);
        let national = pools.iter().take(n).flat_map(|p| p.values()).map(|p| p.end).fold(st.arrival_end, f64::max);
        let coordination = g.prices.coordination * if ends { active(y, national) } else { 1.0 };
        bill.add_year(&g.prices, y, cost * (1.0 + g.overhead) + coordination, money);
    }
    (group_finish.iter().take(n).copied().fold(st.arrival_end, f64::max), pending)
}

/// The aggregate engine when all work is there from the start and money caps nothing: no
/// pool waits for another, so each works alone from year 0 to its end (or the horizon),
/// adding its cost year by year into its group's yearly costs (`costs`, two horizons long:
/// the group's and the nation's) in pool order; then the years are billed, until the year the
/// last pool ends (year 0 at least, which also pays `unscheduled`, the work no team
/// schedules). What [`year_loop`] gives, without going through every pool every year.
/// Returns (national finish, pools still working).
#[allow(clippy::too_many_arguments)] // the trial's scratch, split by the borrow checker
fn fluid_pools_in_turn(
    g: &Globals,
    fluid: &mut [FluidPool],
    costs: &mut Vec<f64>,
    discounts: &mut Discounts,
    group_finish: &mut [f64],
    unscheduled: f64,
    Years { h, n, mut pending }: Years,
    bill: &mut ProgrammeCost,
) -> (f64, usize) {
    // One group adds its pools' costs straight into the national years (0 + x is x); more add
    // each group's years to the nation's.
    let single = n == 1;
    costs.clear();
    costs.resize(if single { h } else { 2 * h }, 0.0);
    let (base, group_cost) = costs.split_at_mut(h);
    // The year after which no pool works (the year loop's end when all end), year 0 at least.
    let mut years = 1;
    for (group, finish) in fluid.chunks_exact_mut(Pool::COUNT).zip(group_finish.iter_mut()).take(n) {
        let into: &mut [f64] = if single {
            base
        } else {
            group_cost.fill(0.0);
            group_cost
        };
        for pool in group.iter_mut() {
            let (worked, ends) = pool.work_years(into);
            if let Some((y, share)) = ends {
                *finish = finish.max(y as f64 + share);
                pending -= 1;
            }
            years = years.max(worked);
        }
        if !single {
            for (b, c) in base.iter_mut().zip(group_cost.iter()) {
                *b += *c;
            }
        }
    }
    if let Some(first) = base.first_mut() {
        *first += unscheduled;
    }
    // Without every pool ending, the years run to the horizon.
    let years = if pending == 0 { years.min(h) } else { h };
    let national = group_finish.iter().take(n).copied().fold(0.0, f64::max);
    // Each year's cost before escalation, overhead and coordination included, in place; when the
    // work ends, its last year pays coordination for the share before the end (c · 1 is c).
    let bases = &mut base[..years];
    let (full, last) = bases.split_at_mut(if pending == 0 { years.saturating_sub(1) } else { years });
    for b in full.iter_mut() {
        *b = *b * (1.0 + g.overhead) + g.prices.coordination;
    }
    for b in last.iter_mut() {
        *b = *b * (1.0 + g.overhead) + g.prices.coordination * active(years - 1, national);
    }
    bill.add_unfunded_years(&g.prices, bases, discounts.factors(&g.prices, h));
    (national, pending)
}
