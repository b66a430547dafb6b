//! What follows from the schedule: durations, shares released, casualties,
//! land value, the programme's bill year by year and the yearly series.

use super::economics::{
    Discounts, FluidPool, GroupCosts, ProgrammeCost, YearMoney, YearOut, YearPlanner, active, fluid_pools,
    write_programme,
};
use super::schedule::ScheduleScratch;
use super::{Globals, Scratch, StratumTrial};
use crate::model::{PerPool, Pool};
use crate::simulate::compiled::Compiled;
use crate::simulate::series::YearValues;

/// Aggregate engine with capacity: every pool of every group works through
/// its group's total work from year 0 (a fluid approximation: no site
/// order), year by year under the same plan and funding as the site engine;
/// the programme's bill accrues as the pools work.
///
/// # Formula
/// A pool with work w left and capacity c in year y finishes at
/// y + w/c when c ≥ w, else carries w − c over; the group is done when all
/// its pools are; the variable cost of a pool's work is paid as it is done.
pub(super) fn aggregate_duration(c: &Compiled<'_>, g: &Globals, scratch: &mut Scratch, row: &mut [f64]) {
    let s = c.scenario;
    let Some(cap_model) = s.capacity() else { return };
    let cols = &c.cols;
    let h = c.horizon;
    let n = cap_model.groups.len();
    let Scratch {
        strata,
        team_days,
        v,
        groups,
        group_work: work,
        group_finish,
        sched,
        fluid,
        fluid_costs,
        discounts,
        ..
    } = scratch;
    // Work per [group][pool]: all of it (`work`), and what has not arrived yet.
    work.fill(PerPool::default());
    let unarrived = &mut sched.year_spend_unarrived;
    unarrived.fill(PerPool::default());
    let arrival_end = &mut sched.year_arrival_end;
    arrival_end.fill(0.0);
    for (t, td) in strata.iter().zip(team_days.iter()) {
        let later = super::arrives_later(t);
        for (p, td) in td.iter() {
            work[t.group][p] += td;
            if later {
                unarrived[t.group][p] += td;
            }
        }
        if later {
            arrival_end[t.group] = arrival_end[t.group].max(t.arrive_lo + t.arrive_span);
        }
    }
    // A pool without teams never limits (unlimited survey).
    let mut pending = 0;
    for (gi, grp) in cap_model.groups.iter().enumerate() {
        group_finish[gi] = 0.0;
        for (p, pm) in grp.pools.iter() {
            if pm.is_none() || !(work[gi][p] > 0.0) {
                work[gi][p] = 0.0;
                unarrived[gi][p] = 0.0;
            } else {
                pending += 1;
            }
        }
    }
    let mut bill = ProgrammeCost::new(s, &g.prices, discounts.first(&g.prices));
    let years = Years { h, n, pending };
    let (national, pending) = if c.reallocates || sched.record_teams || n > MAX_FLUID_GROUPS {
        planned_years(c, g, strata, team_days, v, groups, sched, work, group_finish, years, &mut bill)
    } else {
        fluid.resize(n * Pool::COUNT, FluidPool::default());
        fluid_pools(s, v, g, groups, work, fluid);
        let end = if c.has_arrivals {
            fluid_years(c, g, strata, team_days, fluid, sched, group_finish, years, &mut bill)
        } else {
            fluid_pools_in_turn(g, fluid, fluid_costs, discounts, group_finish, years, &mut bill)
        };
        for (w, group) in work.iter_mut().zip(fluid.chunks_exact(Pool::COUNT)) {
            for pool in group {
                w.0[pool.pool] = pool.left;
            }
        }
        end
    };
    let finished = pending == 0;
    let national = if finished { national } else { f64::INFINITY };
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
            let done = work[gi].values().all(|w| *w == 0.0);
            row[col] = if done { group_finish[gi] } else { h as f64 };
        }
    }
    write_programme(c, g, &bill, row);
}

/// Capacity groups the fluid year loop keeps on the stack (more take the planner's loop).
const MAX_FLUID_GROUPS: usize = 64;

/// The horizon, the groups and the pools with work, for the year loops.
#[derive(Clone, Copy)]
struct Years {
    h: usize,
    n: usize,
    pending: usize,
}

/// Work arriving in year `y` (when some arrives later): what has not arrived yet, per group and pool.
fn arrivals(
    c: &Compiled<'_>,
    strata: &[StratumTrial],
    team_days: &[PerPool<f64>],
    sched: &mut ScheduleScratch,
    y: usize,
    n: usize,
) {
    if !c.has_arrivals {
        return;
    }
    let unarrived = &mut sched.year_spend_unarrived;
    arrive(strata, team_days, y, unarrived);
    for (u, end) in unarrived.iter_mut().zip(sched.year_arrival_end.iter()).take(n) {
        if *end < y as f64 + 1.0 {
            // Everything has arrived: no rounding dust may hold the pools back.
            *u = PerPool::default();
        }
    }
}

/// The aggregate engine's years when money caps nothing and the teams are not
/// recorded: each pool with work follows its own plan ([`FluidPool`]), and a
/// pool whose work is done drops out (its teams cost nothing more). The same
/// operations in the same order as [`planned_years`], without the planner's
/// bookkeeping for pools that no longer count: each group's pools with work
/// are kept at the front of its `Pool::COUNT` entries, in pool order.
/// Returns (national finish, pools still working).
#[allow(clippy::too_many_arguments)] // the trial's scratch, split by the borrow checker
fn fluid_years(
    c: &Compiled<'_>,
    g: &Globals,
    strata: &[StratumTrial],
    team_days: &[PerPool<f64>],
    fluid: &mut [FluidPool],
    sched: &mut ScheduleScratch,
    group_finish: &mut [f64],
    Years { h, n, mut pending }: Years,
    bill: &mut ProgrammeCost,
) -> (f64, usize) {
    let mut live = [0usize; MAX_FLUID_GROUPS];
    for (group, live) in fluid.chunks_exact_mut(Pool::COUNT).zip(live.iter_mut()) {
        // A stable partition: pools with work first, in pool order.
        group.sort_by_key(|pool| !(pool.left > 0.0));
        *live = group.iter().take_while(|pool| pool.left > 0.0).count();
    }
    let mut national: f64 = 0.0;
    let mut y = 0;
    while y < h && pending > 0 {
        arrivals(c, strata, team_days, sched, y, n);
        let mut base = 0.0;
        for (gi, (group, live)) in fluid.chunks_exact_mut(Pool::COUNT).zip(live.iter_mut()).enumerate().take(n) {
            let mut group_cost = 0.0;
            let mut i = 0;
            while i < *live {
                let pool = &mut group[i];
                let (cost, ends) = pool.work_year(sched.year_spend_unarrived[gi].0[pool.pool]);
                if let Some(share) = ends {
                    group_finish[gi] = group_finish[gi].max((y as f64 + share).max(sched.year_arrival_end[gi]));
                    pending -= 1;
                }
                group_cost += cost;
                if pool.left > 0.0 {
                    i += 1;
                } else {
                    // Done: out of the pools with work, the others keep their order.
                    group[i..*live].rotate_left(1);
                    *live -= 1;
                }
            }
            base += group_cost;
        }
        national = group_finish.iter().take(n).copied().fold(national, f64::max);
        let coordination = g.prices.coordination * if pending == 0 { active(y, national) } else { 1.0 };
        bill.add_year(&g.prices, y, base * (1.0 + g.overhead) + coordination, YearMoney::default());
        y += 1;
    }
    (national, pending)
}

/// [`fluid_years`] when all work is there from the start: no pool waits for
/// another, so each works alone from year 0 to its end (or the horizon),
/// adding its cost year by year into its group's yearly costs (`costs`, two
/// horizons long: the group's and the nation's) in pool order, the order in
/// which [`fluid_years`] adds them; then the years are billed, until the
/// year the last pool ends. The same values, without going through every pool
/// every year. Returns (national finish, pools still working).
fn fluid_pools_in_turn(
    g: &Globals,
    fluid: &mut [FluidPool],
    costs: &mut Vec<f64>,
    discounts: &mut Discounts,
    group_finish: &mut [f64],
    Years { h, n, mut pending }: Years,
    bill: &mut ProgrammeCost,
) -> (f64, usize) {
    // One group adds its pools' costs straight into the national years (0 + x is x); more add
    // each group's years to the nation's, as the planner does.
    let single = n == 1;
    costs.clear();
    costs.resize(if single { h } else { 2 * h }, 0.0);
    let (base, group_cost) = costs.split_at_mut(h);
    // The year after which no pool works (the year loop's end when all end).
    let mut years = 0;
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
                // No work arrives later: the group's arrival end is 0.
                *finish = finish.max((y as f64 + share).max(0.0));
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
    // Without every pool ending, the years run to the horizon.
    let years = if pending == 0 { years } else { h };
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

/// The aggregate engine's years with the full planner: money caps the teams
/// (a finished pool's money goes to the others), or the teams are recorded.
/// Returns (national finish, pools still working).
#[allow(clippy::too_many_arguments)] // the trial's scratch, split by the borrow checker
fn planned_years(
    c: &Compiled<'_>,
    g: &Globals,
    strata: &[StratumTrial],
    team_days: &[PerPool<f64>],
    v: &[f64],
    groups: &[GroupCosts],
    sched: &mut ScheduleScratch,
    work: &mut [PerPool<f64>],
    group_finish: &mut [f64],
    Years { h, n, mut pending }: Years,
    bill: &mut ProgrammeCost,
) -> (f64, usize) {
    let s = c.scenario;
    let mut planner = YearPlanner::new(s, v);
    let mut national: f64 = 0.0;
    let mut y = 0;
    while y < h && pending > 0 {
        arrivals(c, strata, team_days, sched, y, n);
        // A pool whose work is done gets no more money: it goes to the pools still working.
        // (Without money caps a finished pool's teams cost nothing: they are not paid, see below.)
        let done: &[PerPool<f64>] = if c.reallocates {
            for (done, left) in sched.pool_done.iter_mut().zip(work.iter()).take(n) {
                for p in 0..Pool::COUNT {
                    done.0[p] = if left.0[p] > 0.0 { f64::INFINITY } else { 0.0 };
                }
            }
            &sched.pool_done[..n]
        } else {
            &[]
        };
        let mut out = YearOut {
            teams: &mut sched.year_teams[..n],
            cap: &mut sched.year_cap[..n],
            mob: &mut sched.year_mob[..n],
            spend: &mut sched.year_spend[..n],
        };
        let money = planner.next_year(s, v, g, groups, done, c.reallocates, &mut out);
        if sched.record_teams {
            for (gi, teams) in sched.year_teams.iter().enumerate().take(n) {
                for p in 0..Pool::COUNT {
                    sched.teams[gi * Pool::COUNT * h + p * h + y] = teams.0[p];
                }
            }
        }
        let mut base = 0.0;
        for gi in 0..n {
            let (left, gc) = (&mut work[gi], &groups[gi]);
            let mut group_cost = 0.0;
            for p in 0..Pool::COUNT {
                if !(left.0[p] > 0.0) {
                    continue;
                }
                let cap = sched.year_cap[gi].0[p];
                let waiting = sched.year_spend_unarrived[gi].0[p];
                let (done, share) = if waiting <= 0.0 && cap >= left.0[p] {
                    let share = left.0[p] / cap;
                    group_finish[gi] = group_finish[gi].max((y as f64 + share).max(sched.year_arrival_end[gi]));
                    pending -= 1;
                    (left.0[p], share)
                } else if waiting > 0.0 {
                    // Work still to arrive: the teams do what has arrived and are paid all year.
                    (cap.min(left.0[p] - waiting).max(0.0), 1.0)
                } else {
                    (cap, 1.0)
                };
                left.0[p] -= done;
                // Teams paid for the share of the year they work; new teams raised for a pool with work.
                group_cost += done * g.cost_per_td.0[p]
                    + sched.year_teams[gi].0[p] * gc.fixed.0[p] * share
                    + sched.year_mob[gi].0[p];
            }
            base += group_cost;
        }
        national = group_finish.iter().take(n).copied().fold(national, f64::max);
        let coordination = g.prices.coordination * if pending == 0 { active(y, national) } else { 1.0 };
        bill.add_year(&g.prices, y, base * (1.0 + g.overhead) + coordination, money);
        y += 1;
    }
    (national, pending)
}

/// Site engine with capacity: durations, shares, casualties, land value, the
/// programme's bill and the yearly series.
///
/// # Formula
/// Years to 50 % (90 %): the year the cumulative released area crosses half
/// (nine tenths) of the total, interpolated linearly within the year; duration:
/// the last release (the horizon when not all is released). Casualties in year
/// y = rate × Σᵢ eᵢ·aᵢ·(time site i is unreleased within [y, y + 1)), eᵢ the
/// site's exposed-population density relative to the average. Land value =
/// Σ_y value per ha × farmland in use during y (ha) × (1 + ρ)^−(y + ½).
pub(super) fn site_schedule_outputs(
    c: &Compiled<'_>,
    g: &Globals,
    scratch: &Scratch,
    row: &mut [f64],
    series: &mut [YearValues],
) {
    let cols = &c.cols;
    let s = c.scenario;
    let v = &scratch.v;
    let sc = &scratch.sched;
    let h = c.horizon;
    let hf = h as f64;
    let total = row[cols.suspected] * 1e6;
    let rate = s.casualty_rate().map_or(0.0, |p| p.get(v));
    let (value_ha, discount) = s.land_value().map_or((0.0, 0.0), |l| (l.agriculture_per_ha_year.get(v), l.discount()));
    let (mut cum, mut expo_before, mut farm_before) = (0.0, 0.0, 0.0);
    let (mut expo_arrived, mut arrived) = (0.0, 0.0);
    let (mut y50, mut y90) = (hf, hf);
    let (mut casualties, mut value) = (0.0, 0.0);
    let mut first_year = 0.0;
    let mut disc = (1.0 + discount).powf(-0.5);
    let finished = !sc.region_unreleased.iter().any(|&u| u);
    let max_t = sc.region_max_t.iter().copied().fold(0.0, f64::max);
    let programme_end = if finished { max_t } else { hf };
    let mut bill = ProgrammeCost::new(s, &g.prices, (1.0 + g.prices.discount).powf(-0.5));
    for (y, (b, out)) in sc.bins.iter().zip(series.iter_mut()).enumerate().take(h) {
        let released = b.released;
        for (target, slot) in [(0.5, &mut y50), (0.9, &mut y90)] {
            if *slot == hf && released > 0.0 && cum + released >= target * total {
                *slot = y as f64 + ((target * total - cum) / released).clamp(0.0, 1.0);
            }
        }
        cum += released;
        expo_arrived += b.exposure_arrived;
        arrived += b.arrived;
        // Exposure-weighted area unreleased during the year: what had arrived by
        // its start or arrives in it, less what was released before or in it.
        let area_years = (expo_arrived - b.exposure_arrival_fraction - expo_before - b.exposure_released
            + b.exposure_fraction)
            .max(0.0);
        expo_before += b.exposure_released;
        let cas = rate * area_years / 1e6;
        casualties += cas;
        if y == 0 {
            first_year = cas;
        }
        let farm_in_use = farm_before + b.farmland_released - b.farmland_fraction;
        farm_before += b.farmland_released;
        value += value_ha * farm_in_use / 1e4 * disc;
        disc /= 1.0 + discount;
        let base = (b.spending + teams_cost(c, scratch, y)) * (1.0 + g.overhead)
            + g.prices.coordination * active(y, programme_end);
        let money = if (y as f64) < programme_end { sc.money[y] } else { YearMoney::default() };
        let year = bill.add_year(&g.prices, y, base, money);
        *out = YearValues {
            area_released_km2: (released / 1e6) as f32,
            spending: year.real as f32,
            spending_nominal: year.nominal as f32,
            funding_unspent: year.unspent as f32,
            funding_shortfall: year.shortfall as f32,
            area_remaining_km2: ((if c.has_arrivals { arrived } else { total } - cum).max(0.0) / 1e6) as f32,
            casualties: cas as f32,
            area_cleared_km2: (b.cleared / 1e6) as f32,
        };
    }
    if total <= 0.0 {
        y50 = 0.0;
        y90 = 0.0;
    }
    let set = |row: &mut [f64], col: Option<usize>, value: f64| {
        if let Some(col) = col {
            row[col] = value;
        }
    };
    set(row, cols.duration, programme_end);
    set(row, cols.share_released, if total > 0.0 { (cum / total).min(1.0) } else { 1.0 });
    set(row, cols.years_50, y50);
    set(row, cols.years_90, y90);
    set(row, cols.casualties, casualties);
    set(row, cols.casualties_first_year, first_year);
    set(row, cols.land_value, value);
    set(row, cols.hazard_area_years, sc.area_years / 1e6);
    for (r, rc) in cols.region.iter().enumerate() {
        set(row, rc.duration, if sc.region_unreleased[r] { hf } else { sc.region_max_t[r] });
    }
    write_programme(c, g, &bill, row);
}

/// The teams' own cost in year `y` (before escalation and overhead): each
/// pool's fixed cost while it has work (until its last work ends), and the
/// cost of raising the year's new teams of pools that still work.
fn teams_cost(c: &Compiled<'_>, scratch: &Scratch, y: usize) -> f64 {
    let sc = &scratch.sched;
    let h = c.horizon;
    let mut cost = 0.0;
    for (gi, gc) in scratch.groups.iter().enumerate() {
        for p in 0..Pool::COUNT {
            let pool = &sc.pools[gi * Pool::COUNT + p];
            if !pool.limited {
                continue;
            }
            let end = if pool.t.is_finite() { pool.t } else { h as f64 };
            let share = active(y, end);
            if share > 0.0 {
                let i = gi * Pool::COUNT * h + p * h + y;
                cost += sc.teams[i] * gc.fixed.0[p] * share + sc.mob[i];
            }
        }
    }
    cost
}

/// Work arriving in year `y` leaves the not-yet-arrived pile: a stratum
/// arriving over [lo, lo + span] brings the share of its work that falls in
/// the year (all of it in the year of `lo` when the span is 0).
fn arrive(strata: &[StratumTrial], team_days: &[PerPool<f64>], y: usize, unarrived: &mut [PerPool<f64>]) {
    let cum = |t: &StratumTrial, at: f64| -> f64 {
        if t.arrive_span > 0.0 {
            ((at - t.arrive_lo) / t.arrive_span).clamp(0.0, 1.0)
        } else if at > t.arrive_lo {
            1.0
        } else {
            0.0
        }
    };
    for (t, td) in strata.iter().zip(team_days) {
        if !super::arrives_later(t) {
            continue;
        }
        let share = cum(t, y as f64 + 1.0) - cum(t, y as f64);
        if share > 0.0 {
            for (p, td) in td.iter() {
                let u = &mut unarrived[t.group][p];
                *u = (*u - td * share).max(0.0);
            }
        }
    }
}
