//! The schedule: team-days available per pool and year, sites worked in order
//! on their group's pools, and what follows from when land is released
//! (durations, casualties, land value, the yearly series).

use super::Globals;
use super::economics::{GroupCosts, YearMoney, YearOut, YearPlanner};
use super::site_pass::Lane;
use crate::model::{PerPool, Pool};
use crate::simulate::compiled::Compiled;

/// Fixed-point scale of release times summed across trials (2^20 per year).
pub(crate) const TIME_FIXED: f64 = 1_048_576.0;
/// log2 of [`TIME_FIXED`]: a fixed-point time shifted right by this is its year.
pub(super) const TIME_FIXED_BITS: u32 = 20;
const _: () = assert!(TIME_FIXED == (1u64 << TIME_FIXED_BITS) as f64);

/// The schedule state of one pool of teams.
#[derive(Clone, Copy, Default, Debug)]
pub(super) struct PoolState {
    /// Time (years since start) when the pool is next free.
    pub(super) t: f64,
    /// false: the pool never limits (no teams given: unlimited survey).
    pub(super) limited: bool,
    /// The end of the year holding `t` (the year's index + 1; 0 when not yet
    /// known), that year's index and 1/capacity in it: work that ends before the
    /// year does is scheduled without a table look-up or a float-to-integer conversion.
    year_end: f64,
    year: usize,
    inv: f64,
}

/// What one year of a trial's schedule gathers (site engine).
#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct YearBin {
    /// Suspected area released, m².
    pub(super) released: f64,
    /// Σ exposure × area released.
    pub(super) exposure_released: f64,
    /// Σ exposure × area × fraction of the year before release.
    pub(super) exposure_fraction: f64,
    /// Farmland released, m².
    pub(super) farmland_released: f64,
    /// Σ farmland × fraction of the year before release.
    pub(super) farmland_fraction: f64,
    /// Variable cost of the stages finished in the year (before overhead).
    pub(super) spending: f64,
    /// Area cleared by clearance teams, m².
    pub(super) cleared: f64,
    /// Σ exposure × area of the sites arriving in the year (all at year 0 for land known at the start).
    pub(super) exposure_arrived: f64,
    /// Σ exposure × area × fraction of the year before arrival.
    pub(super) exposure_arrival_fraction: f64,
    /// Suspected area arriving in the year, m².
    pub(super) arrived: f64,
}

/// The schedule's per-batch buffers.
pub(crate) struct ScheduleScratch {
    /// Team-days available per [group][pool][year].
    pub(super) cap: Vec<f64>,
    /// 1 / capacity, INFINITY when a year has none.
    pub(super) inv_cap: Vec<f64>,
    pub(super) pools: Vec<PoolState>,
    pub(super) bins: Vec<YearBin>,
    pub(super) region_max_t: Vec<f64>,
    pub(super) region_unreleased: Vec<bool>,
    /// Region of each stratum.
    pub(super) region_of_stratum: Vec<usize>,
    /// Each stratum's lane in a site pass.
    pub(super) lanes: Vec<Lane>,
    /// The lanes of land arriving later, merged by arrival: (stratum, next, end) into the
    /// sites grouped by stratum.
    pub(super) heads: Vec<(usize, usize, usize)>,
    /// Σ area × years unreleased over all sites (m²·years).
    pub(super) area_years: f64,
    /// Effective teams per [group][pool][year].
    pub(super) teams: Vec<f64>,
    /// Mobilisation cost per [group][pool][year] (before escalation and overhead).
    pub(super) mob: Vec<f64>,
    /// Funding and planned spend per year.
    pub(super) money: Vec<YearMoney>,
    /// One year of the plan, per group.
    pub(super) year_teams: Vec<PerPool<f64>>,
    pub(super) year_cap: Vec<PerPool<f64>>,
    pub(super) year_mob: Vec<PerPool<f64>>,
    /// Aggregate engine: each group's pools in the year loop.
    pub(super) agg: Vec<PerPool<super::outcomes::AggPool>>,
    /// Per [group][pool], when its work ends (INFINITY: not known), for the funding's re-allocation.
    pub(super) pool_done: Vec<PerPool<f64>>,
    /// Aggregate engine: keep each year's teams in `teams` (for [`super::economics::plan_at_means`]).
    pub(super) record_teams: bool,
}

impl ScheduleScratch {
    pub(crate) fn new(c: &Compiled<'_>, groups: usize) -> Self {
        let h = c.horizon.max(1);
        let s = c.scenario;
        ScheduleScratch {
            cap: vec![0.0; groups * Pool::COUNT * h],
            inv_cap: vec![0.0; groups * Pool::COUNT * h],
            pools: vec![PoolState::default(); groups * Pool::COUNT],
            bins: vec![YearBin::default(); h],
            region_max_t: vec![0.0; s.regions().len()],
            region_unreleased: vec![false; s.regions().len()],
            region_of_stratum: s.strata().iter().map(|st| st.region).collect(),
            lanes: vec![Lane::default(); s.strata().len()],
            heads: Vec::with_capacity(s.strata().len()),
            area_years: 0.0,
            teams: vec![0.0; groups * Pool::COUNT * h],
            mob: vec![0.0; groups * Pool::COUNT * h],
            money: vec![YearMoney::default(); h],
            year_teams: vec![PerPool::default(); groups],
            year_cap: vec![PerPool::default(); groups],
            year_mob: vec![PerPool::default(); groups],
            agg: vec![PerPool([super::outcomes::AggPool::default(); Pool::COUNT]); groups],
            pool_done: vec![PerPool([f64::INFINITY; Pool::COUNT]); groups],
            record_teams: false,
        }
    }
}

/// Fills the [group][pool][year] capacity tables of the trial (team-days
/// after funding and budget caps), with each year's teams, mobilisation cost
/// and funding for the programme's bill.
pub(super) fn capacity_table(
    c: &Compiled<'_>,
    v: &[f64],
    g: &Globals,
    groups: &[GroupCosts],
    sc: &mut ScheduleScratch,
) {
    let s = c.scenario;
    if s.capacity().is_none() {
        return;
    }
    let h = c.horizon;
    let n = groups.len();
    let mut planner = YearPlanner::new(s, v);
    for (gi, grp) in s.capacity().iter().flat_map(|cap| cap.groups.iter()).enumerate() {
        for (p, pm) in grp.pools.iter() {
            sc.pools[gi * Pool::COUNT + p.index()] = PoolState { limited: pm.is_some(), ..PoolState::default() };
        }
    }
    for y in 0..h {
        let mut out =
            YearOut { teams: &mut sc.year_teams[..n], cap: &mut sc.year_cap[..n], mob: &mut sc.year_mob[..n] };
        sc.money[y] = planner.next_year(s, v, g, groups, &sc.pool_done[..n], c.reallocates, &mut out);
        for gi in 0..n {
            let base = gi * Pool::COUNT * h;
            for p in 0..Pool::COUNT {
                let cap = sc.year_cap[gi].0[p];
                let i = base + p * h + y;
                sc.cap[i] = cap;
                sc.inv_cap[i] = if cap > 0.0 { 1.0 / cap } else { f64::INFINITY };
                sc.teams[i] = sc.year_teams[gi].0[p];
                sc.mob[i] = sc.year_mob[gi].0[p];
            }
        }
    }
}

/// Fills the capacity tables again after a planning pass: each pool's work
/// ends when that pass found, and its money goes to the pools still working.
///
/// With more money the others finish no later (sites keep their order and
/// every pool has at least the capacity it had), so no pool runs out of
/// teams before its work ends.
pub(super) fn plan_again(c: &Compiled<'_>, v: &[f64], g: &Globals, groups: &[GroupCosts], sc: &mut ScheduleScratch) {
    let h = c.horizon as f64;
    for (gi, done) in sc.pool_done.iter_mut().enumerate().take(groups.len()) {
        for p in 0..Pool::COUNT {
            let pool = &sc.pools[gi * Pool::COUNT + p];
            done.0[p] = if pool.limited && pool.t < h { pool.t } else { f64::INFINITY };
        }
    }
    capacity_table(c, v, g, groups, sc);
}

/// Pool `p`'s `h` yearly values in a [group][pool][year] table.
#[inline(always)]
fn pool_years(table: &[f64], p: usize, h: usize) -> &[f64] {
    &table[p * h..(p + 1) * h]
}

/// Books `cost` in the year of time `t` (nothing past the horizon).
#[inline(always)]
fn book(bins: &mut [YearBin], t: f64, cost: f64) {
    if t < bins.len() as f64 {
        bins[t as usize].spending += cost;
    }
}

/// Advances pool `k` of a group (its pools `group`, the first of them pool `gp` of the tables) by
/// `work` team-days costing `cost` for a site ready at `ready`; returns the finish time (years),
/// or INFINITY past the horizon, and books the cost in the years the work is done, in
/// proportion to the team-days done in each. The group's pools as an array: a pool's place in
/// it needs no check. Work of no team-days, or on a pool without teams, takes no time and is
/// paid when the site is ready.
///
/// The common case, work that ends within the year the pool stands in, is one
/// multiply-add against the pool's cached year; otherwise [`advance_slow`].
/// Both give exactly what walking the tables year by year gives: the cached
/// year is the one holding the start (the start is at least the pool's time,
/// and an end before the year's end means a start before it too).
#[inline(always)]
#[allow(clippy::too_many_arguments)] // a pool, its tables, the bins and the work: each a different thing
pub(super) fn advance(
    group: &mut [PoolState; Pool::COUNT],
    gp: usize,
    k: usize,
    tables: (&[f64], &[f64], usize),
    bins: &mut [YearBin],
    ready: f64,
    work: f64,
    cost: f64,
) -> f64 {
    let pool = &mut group[k];
    if !pool.limited || !(work > 0.0) {
        book(bins, ready, cost);
        return ready;
    }
    let start = if pool.t > ready { pool.t } else { ready };
    let end = start + work * pool.inv;
    if end < pool.year_end {
        pool.t = end;
        bins[pool.year].spending += cost;
        return end;
    }
    let (cap, inv_cap, h) = tables;
    advance_slow(pool, pool_years(cap, gp + k, h), pool_years(inv_cap, gp + k, h), bins, start, work, cost)
}

/// [`advance`] year by year through the pool's tables (`cap[y]` team-days
/// and `inv_cap[y]` = 1/capacity, INFINITY when the year has none); sets the
/// pool's cached year.
#[cold]
#[inline(never)]
fn advance_slow(
    pool: &mut PoolState,
    cap: &[f64],
    inv_cap: &[f64],
    bins: &mut [YearBin],
    start: f64,
    work: f64,
    cost: f64,
) -> f64 {
    let h = cap.len();
    let t = walk(cap, inv_cap, bins, start, work, cost);
    pool.t = t;
    if t < h as f64 {
        let y = t as usize;
        pool.year_end = (y + 1) as f64;
        pool.year = y;
        pool.inv = inv_cap[y];
    }
    t
}

/// The finish time of `work` team-days costing `cost` from `start`, booking the cost year by
/// year (see [`advance_slow`]).
#[inline(always)]
fn walk(cap: &[f64], inv_cap: &[f64], bins: &mut [YearBin], mut start: f64, work: f64, cost: f64) -> f64 {
    let h = cap.len();
    if start < h as f64 {
        let y = start as usize;
        let end = start + work * inv_cap[y];
        if end <= (y + 1) as f64 {
            bins[y].spending += cost;
            return end;
        }
    }
    let mut remaining = work;
    loop {
        if !(start < h as f64) {
            return f64::INFINITY;
        }
        let y = start as usize;
        let rate = cap[y];
        let avail = rate * ((y + 1) as f64 - start);
        if remaining <= avail && rate > 0.0 {
            bins[y].spending += cost * (remaining / work);
            return start + remaining * inv_cap[y];
        }
        bins[y].spending += cost * (avail / work);
        remaining -= avail;
        start = (y + 1) as f64;
    }
}
