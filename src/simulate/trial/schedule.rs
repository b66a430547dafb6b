//! The schedule: team-days available per pool and year, sites worked in order
//! on their group's pools, and what follows from when land is released
//! (durations, casualties, land value, the yearly series).

use super::bill::{cancel_at, drawn_confirmed, site_release};
use super::economics::{GroupCosts, YearMoney, YearOut, YearPlanner};
use super::{Globals, Scratch, StratumAcc, StratumTrial};
use crate::model::{PerPool, Pool, StageCost, Stages};
use crate::sampling::stream::mix64;
use crate::simulate::compiled::{Compiled, SiteArrays};

/// Fixed-point scale of release times summed across trials (2^20 per year).
pub(crate) const TIME_FIXED: f64 = 1_048_576.0;

/// The schedule state of one pool of teams.
#[derive(Clone, Copy, Default, Debug)]
pub(super) struct PoolState {
    /// Time (years since start) when the pool is next free.
    pub(super) t: f64,
    /// false: the pool never limits (no teams given: unlimited survey).
    pub(super) limited: bool,
    /// The end of the year holding `t` (the year's index + 1; 0 when not yet
    /// known) and 1/capacity in that year: work that ends before the year does
    /// is scheduled without a table look-up or a float-to-integer conversion.
    year_end: f64,
    inv: f64,
}

/// What one year of a trial's schedule gathers (site engine).
#[derive(Clone, Copy, Default, Debug)]
pub(super) struct YearBin {
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

/// A stratum's parameters and running sums in a site pass, in one place so
/// that a site finds everything its stratum holds with one look-up.
#[derive(Clone, Copy, Default, Debug)]
pub(super) struct Lane {
    st: StratumTrial,
    /// Σ stages, Σ area to clear × multiplier and Σ items of its sites so far.
    stages: Stages,
    xd: f64,
    items: f64,
    /// Its first pool (group × pools).
    gp: usize,
    /// Whether it arrives after the start ([`super::arrives_later`]).
    later: bool,
    /// The last release time of its sites, and whether some site is not released.
    max_t: f64,
    unreleased: bool,
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
    pub(super) year_spend: Vec<f64>,
    /// Aggregate engine: work per [group][pool] not arrived yet, and when each group's last work arrives.
    pub(super) year_spend_unarrived: Vec<PerPool<f64>>,
    pub(super) year_arrival_end: Vec<f64>,
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
            area_years: 0.0,
            teams: vec![0.0; groups * Pool::COUNT * h],
            mob: vec![0.0; groups * Pool::COUNT * h],
            money: vec![YearMoney::default(); h],
            year_teams: vec![PerPool::default(); groups],
            year_cap: vec![PerPool::default(); groups],
            year_mob: vec![PerPool::default(); groups],
            year_spend: vec![0.0; groups],
            year_spend_unarrived: vec![PerPool::default(); groups],
            year_arrival_end: vec![0.0; groups],
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
        let mut out = YearOut {
            teams: &mut sc.year_teams[..n],
            cap: &mut sc.year_cap[..n],
            mob: &mut sc.year_mob[..n],
            spend: &mut sc.year_spend[..n],
        };
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

/// Advances pool `p` by `work` team-days starting no earlier than `ready`;
/// returns the finish time (years), or INFINITY past the horizon.
///
/// The common case, work that ends within the year the pool stands in, is one
/// multiply-add against the pool's cached year; otherwise [`advance_slow`].
/// Both give exactly what walking the tables year by year gives: the cached
/// year is the one holding the start (the start is at least the pool's time,
/// and an end before the year's end means a start before it too).
#[inline(always)]
fn advance(pools: &mut [PoolState], p: usize, tables: (&[f64], &[f64], usize), ready: f64, work: f64) -> f64 {
    let pool = &mut pools[p];
    if !pool.limited {
        return ready;
    }
    let start = if pool.t > ready { pool.t } else { ready };
    if !(work > 0.0) {
        return start;
    }
    let end = start + work * pool.inv;
    if end < pool.year_end {
        pool.t = end;
        return end;
    }
    let (cap, inv_cap, h) = tables;
    advance_slow(pool, pool_years(cap, p, h), pool_years(inv_cap, p, h), start, work)
}

/// [`advance`] year by year through the pool's tables (`cap[y]` team-days
/// and `inv_cap[y]` = 1/capacity, INFINITY when the year has none); sets the
/// pool's cached year.
#[cold]
#[inline(never)]
fn advance_slow(pool: &mut PoolState, cap: &[f64], inv_cap: &[f64], start: f64, work: f64) -> f64 {
    let h = cap.len();
    let t = walk(cap, inv_cap, start, work);
    pool.t = t;
    if t < h as f64 {
        let y = t as usize;
        pool.year_end = (y + 1) as f64;
        pool.inv = inv_cap[y];
    }
    t
}

/// The finish time of `work` team-days from `start` (see [`advance_slow`]).
#[inline(always)]
fn walk(cap: &[f64], inv_cap: &[f64], mut start: f64, work: f64) -> f64 {
    let h = cap.len();
    if start < h as f64 {
        let y = start as usize;
        let end = start + work * inv_cap[y];
        if end <= (y + 1) as f64 {
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
            return start + remaining * inv_cap[y];
        }
        remaining -= avail;
        start = (y + 1) as f64;
    }
}

/// The site engine with a schedule. Sites are visited in the work order; each
/// site's random numbers come from a hash of (trial key, site key), so they do
/// not depend on the order, the thread, or which other sites exist. A site is
/// surveyed (NTS), then, unless cancelled, technically surveyed and cleared by
/// each of its stratum's methods; it is released when its last stage finishes.
/// `record`: add the sites' release times to the per-site counters (false
/// for a planning pass whose schedule is run again).
pub(super) fn site_pass(c: &Compiled<'_>, sites: &SiteArrays, noise_key: u64, record: bool, scratch: &mut Scratch) {
    // Release times in fixed point fit 32 bits within 4095 years: the cheaper conversion, same value.
    if c.horizon as f64 * TIME_FIXED < 4_294_967_296.0 {
        site_loop::<true>(c, sites, noise_key, record, scratch);
    } else {
        site_loop::<false>(c, sites, noise_key, record, scratch);
    }
}

/// [`site_pass`]; `SMALL_HORIZON`: release times in fixed point fit 32 bits.
#[inline(always)]
fn site_loop<const SMALL_HORIZON: bool>(
    c: &Compiled<'_>,
    sites: &SiteArrays,
    noise_key: u64,
    record: bool,
    scratch: &mut Scratch,
) {
    let h = c.horizon;
    let hf = h as f64;
    let spread_on = sites.reduction_spread > 0.0;
    let Scratch { strata, acc, sched, site_acc, .. } = scratch;
    let ScheduleScratch {
        cap,
        inv_cap,
        pools,
        bins,
        region_max_t,
        region_unreleased,
        region_of_stratum,
        area_years,
        lanes,
        ..
    } = sched;
    bins.fill(YearBin::default());
    for (lane, st) in lanes.iter_mut().zip(strata.iter()) {
        *lane = Lane {
            st: *st,
            gp: st.group * Pool::COUNT,
            later: super::arrives_later(st),
            ..Lane::default()
        };
    }
    let tables = (&cap[..], &inv_cap[..], h);
    let bins = &mut bins[..h];
    // Every per-site slice hoisted to the same length, so indexing them needs no checks.
    let n = sites.weight.len();
    let (weight, stratum, key) = (&sites.weight[..n], &sites.stratum[..n], &sites.key[..n]);
    let (pos, frac, exposure, agricultural) =
        (&sites.pos[..n], &sites.frac[..n], &sites.exposure[..n], &sites.agricultural[..n]);
    let inventory_status = sites.confirmed.as_deref().map(|v| &v[..n]);
    let (sum_t, released) = if record {
        (&mut site_acc.sum_t[..n], &mut site_acc.released[..n])
    } else {
        (&mut [][..], &mut [][..])
    };
    // Years of times known to lie in [0, h): the 32-bit conversion is exact and cheaper than usize's.
    let year = |t: f64| t as u32 as usize;
    let (mut exposure_at_start, mut area_at_start, mut area_years_sum) = (0.0, 0.0, 0.0);
    let (nts, ts) = (Pool::NTS.index(), Pool::TS.index());
    for i in 0..n {
        let lane = &mut lanes[stratum[i] as usize];
        let st = &lane.st;
        let a = weight[i] * st.area_m2;
        let hsh = mix64(noise_key ^ key[i]);
        let confirmed = match inventory_status {
            Some(v) => v[i],
            None => st.conf >= 1.0 || (st.conf > 0.0 && drawn_confirmed(hsh, st.conf)),
        };
        let cancel = if st.trend > 0.0 { cancel_at(st, pos[i]) } else { st.cancel };
        let site = site_release(sites, st, a, hsh, confirmed, spread_on, cancel);
        let (stages, cancelled) = (site.stages, site.cancelled);
        let gp = lane.gp;
        // The site comes into the workload at its arrival (0 for land known at the start).
        let later = lane.later;
        let arrival = if later { st.arrive_lo + st.arrive_span * frac[i] } else { 0.0 };
        let e = exposure[i] * a;
        let farm = agricultural[i] * a;
        if !later {
            // Known at the start: summed in registers, written to year 0 after the loop.
            exposure_at_start += e;
            area_at_start += a;
        } else if arrival < hf {
            let b = &mut bins[year(arrival)];
            b.exposure_arrived += e;
            b.exposure_arrival_fraction += e * (arrival - year(arrival) as f64);
            b.arrived += a;
        }
        // A cancelled site (suspected, so surveyed by NTS) has nothing to survey
        // technically or clear: its other stages, team-days and costs are +0,
        // and adding +0 to sums that are never -0 changes nothing, so they are
        // skipped. The other sites take every stage.
        let (t_nts, t_ts, t_done, cost, xd) = if cancelled {
            let t = advance(pools, gp + nts, tables, arrival, stages.suspected * st.rates.nts_td_per_m2);
            (t, 0.0, t, StageCost { nts: stages.suspected * st.var_rates.nts_cost_per_m2, ..StageCost::default() }, 0.0)
        } else {
            let xd = stages.to_clear * site.difficulty;
            let cost = st.var_rates.cost(&stages, xd);
            let t_nts = if confirmed {
                arrival
            } else {
                advance(pools, gp + nts, tables, arrival, stages.suspected * st.rates.nts_td_per_m2)
            };
            let t_ts = advance(pools, gp + ts, tables, t_nts, stages.surveyed * st.rates.ts_td_per_m2);
            let mut t_done = t_ts;
            for &m in &st.methods[..st.n_methods as usize] {
                let t = advance(pools, gp + Pool::Clearance(m).index(), tables, t_ts, xd * st.rates.td_per_m2[m]);
                t_done = if t > t_done { t } else { t_done };
            }
            (t_nts, t_ts, t_done, cost, xd)
        };
        // Land found contaminated again after release is cleared after it; it does not delay the
        // release. Its work joins each method's queue where the pool stands (ready at once): waiting
        // for the site's last stage would idle the methods that finished first.
        let residual = stages.residual(st.residual);
        if residual > 0.0 {
            let mut t_res = t_done;
            for &m in &st.methods[..st.n_methods as usize] {
                let work = residual * st.rates.td_per_m2[m];
                let t = advance(pools, gp + Pool::Clearance(m).index(), tables, 0.0, work);
                t_res = if t > t_res { t } else { t_res };
            }
            if t_res < hf {
                bins[year(t_res)].spending += residual * st.var_rates.clear_cost_per_m2;
            }
        }
        let unreleased = (if t_done < hf { t_done } else { hf }) - arrival;
        area_years_sum += a * if unreleased > 0.0 { unreleased } else { 0.0 };
        if t_done < hf {
            if record {
                let fixed = t_done * TIME_FIXED;
                sum_t[i] += if SMALL_HORIZON { u64::from(fixed as u32) } else { fixed as u64 };
                released[i] += 1;
            }
            let y = year(t_done);
            let frac = t_done - y as f64;
            let b = &mut bins[y];
            b.released += a;
            b.exposure_released += e;
            b.exposure_fraction += e * frac;
            b.farmland_released += farm;
            b.farmland_fraction += farm * frac;
            if lane.max_t < t_done {
                lane.max_t = t_done;
            }
            // Costs fall in the year each stage finishes.
            if cancelled {
                b.spending += cost.nts;
            } else {
                b.spending += cost.clearance;
                b.cleared += stages.to_clear;
                if t_ts < hf {
                    bins[year(t_ts)].spending += cost.ts;
                }
                bins[year(if t_nts < t_done { t_nts } else { t_done })].spending += cost.nts;
            }
        } else {
            lane.unreleased = true;
            if t_nts < hf {
                bins[year(t_nts)].spending += cost.nts;
            }
            if !cancelled && t_ts < hf {
                bins[year(t_ts)].spending += cost.ts;
            }
        }
        if cancelled {
            lane.stages.suspected += stages.suspected;
            lane.stages.cancelled += stages.cancelled;
        } else {
            lane.stages.add(&stages);
            lane.xd += xd;
            lane.items += stages.contaminated * lane.st.dens_per_m2;
        }
    }
    bins[0].exposure_arrived += exposure_at_start;
    bins[0].arrived += area_at_start;
    *area_years = area_years_sum;
    region_max_t.fill(0.0);
    region_unreleased.fill(false);
    for ((a, lane), &r) in acc.iter_mut().zip(lanes.iter()).zip(region_of_stratum.iter()) {
        *a = StratumAcc::new(lane.stages, lane.xd, lane.items, &lane.st);
        // The largest of the strata's largest: the same whatever the order.
        if region_max_t[r] < lane.max_t {
            region_max_t[r] = lane.max_t;
        }
        region_unreleased[r] |= lane.unreleased;
    }
}
