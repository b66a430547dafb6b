//! The site engine with a schedule: sites worked in order on their group's
//! pools, each release written to its year's bin.

use super::bill::{BillScratch, StratumAcc, bits_unit, cancel_at, drawn_confirmed, site_cancelled, site_stages};
use super::params::{Globals, StratumTrial, arrives_later};
use super::plan::PlanTables;
use super::schedule::{PoolState, SiteAcc, TIME_FIXED, TIME_FIXED_BITS, YearBin, advance};
use crate::model::{PerPool, Pool, Stages};
use crate::sampling::stream::mix64;
use crate::simulate::compiled::{Compiled, SiteArrays};

/// The schedule's per-batch buffers.
pub(crate) struct ScheduleScratch {
    /// Each group's pools (`Pool::COUNT` in a row).
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
    /// When each group's pools end their work, for the plan made again.
    ends: Vec<PerPool<f64>>,
}

impl ScheduleScratch {
    pub(crate) fn new(c: &Compiled<'_>, groups: usize) -> Self {
        let h = c.horizon.max(1);
        let s = c.scenario;
        ScheduleScratch {
            pools: vec![PoolState::default(); groups * Pool::COUNT],
            bins: vec![YearBin::default(); h],
            region_max_t: vec![0.0; s.regions().len()],
            region_unreleased: vec![false; s.regions().len()],
            region_of_stratum: s.strata().iter().map(|st| st.region).collect(),
            lanes: vec![Lane::default(); s.strata().len()],
            heads: Vec::with_capacity(s.strata().len()),
            area_years: 0.0,
            ends: vec![PerPool::default(); groups],
        }
    }

    /// Every pool free at the start, limited when its group gives it teams.
    pub(super) fn reset_pools(&mut self, c: &Compiled<'_>, cost_per_td: &PerPool<f64>) {
        for (gi, grp) in c.scenario.capacity().iter().flat_map(|cap| cap.groups.iter()).enumerate() {
            for (p, pm) in grp.pools.iter() {
                self.pools[gi * Pool::COUNT + p.index()] = PoolState::new(pm.is_some(), cost_per_td[p]);
            }
        }
    }

    /// When each group's pools end their work in the schedule just run (INFINITY for a pool
    /// without teams or past the horizon).
    pub(super) fn pool_ends(&mut self, c: &Compiled<'_>) -> &[PerPool<f64>] {
        let h = c.horizon as f64;
        for (gi, ends) in self.ends.iter_mut().enumerate() {
            for p in 0..Pool::COUNT {
                let pool = &self.pools[gi * Pool::COUNT + p];
                ends.0[p] = if pool.limited && pool.t < h { pool.t } else { f64::INFINITY };
            }
        }
        &self.ends
    }
}

/// A stratum's parameters and running sums in a site pass, in one place so
/// that a site finds everything its stratum holds with one look-up.
#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct Lane {
    st: StratumTrial,
    /// Σ stages, Σ area to clear × multiplier and Σ items of its sites so far.
    stages: Stages,
    xd: f64,
    items: f64,
    /// Its first pool (group × pools).
    gp: usize,
    /// Whether it arrives after the start ([`arrives_later`]).
    later: bool,
    /// The last release time of its sites, and whether some site is not released.
    max_t: f64,
    unreleased: bool,
    /// True when its sites' status is not drawn nor read (none confirmed) and its
    /// cancelled fraction has no trend: a site is then cancelled exactly when the
    /// top 24 bits of its hash are below `cancel_below`.
    simple: bool,
    cancel_below: u64,
    /// `simple`, known at the start and with a residual fraction of 0: the common case, whose
    /// sites skip those tests.
    fast: bool,
}

impl Lane {
    /// Whether NTS cancels a site with hash `hsh` in a `simple` lane: the top 24 bits of the hash
    /// (those [`site_cancelled`] reads) below `cancel_below`.
    #[inline(always)]
    fn cancels(&self, hsh: u64) -> bool {
        (hsh >> 40) < self.cancel_below
    }
}

/// How many 24-bit values `u` pass `bits_unit(u, 24) < cancel` ([`site_cancelled`]'s test):
/// the test holds for small `u` and fails from some `u` on, so a site is cancelled exactly when
/// its 24 bits are below this count. Found by bisection with that very test.
fn cancel_below(cancel: f64) -> u64 {
    // Every u < lo passes, every u ≥ hi fails.
    let (mut lo, mut hi) = (0u64, 1u64 << 24);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if bits_unit(mid, 24) < cancel {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The year of a time known to lie in [0, h), h ≤ 1000 or so: the 32-bit
/// conversion is exact there and cheaper than a saturating one to usize.
#[inline(always)]
fn year(t: f64) -> usize {
    t as u32 as usize
}

/// What a site released in the year of `b`, at `frac` of the year, adds to it
/// (its area `a`, exposure-weighted area `e`, farmland `farm`).
#[inline(always)]
fn release_into(b: &mut YearBin, a: f64, e: f64, farm: f64, frac: f64) {
    b.released += a;
    b.exposure_released += e;
    b.exposure_fraction += e * frac;
    b.farmland_released += farm;
    b.farmland_fraction += farm * frac;
}

/// Land found contaminated again after release is cleared after it; it does not delay the
/// release. Its work joins each method's queue where the pool stands, ready when the site
/// arrived: waiting for the site's last stage would idle the methods that finished first.
#[inline(always)]
fn residual_clearance(pass: &mut Pass<'_>, st: &StratumTrial, gp: usize, residual: f64, arrival: f64) {
    if residual > 0.0 {
        let pools = &mut pass.pools[st.group];
        for &m in &st.methods[..st.n_methods as usize] {
            let p = Pool::Clearance(m);
            let work = residual * st.rates.td_per_m2[m];
            advance(pools, gp, p.index(), pass.tables, pass.bins, arrival, work, work * pass.cost_per_td[p]);
        }
    }
}

/// The site engine with a schedule. Sites are visited in the work order; each
/// site's random numbers come from a hash of (trial key, site key), so they do
/// not depend on the order, the thread, or which other sites exist. A site is
/// surveyed (NTS), then, unless cancelled, technically surveyed and cleared by
/// each of its stratum's methods; it is released when its last stage finishes.
/// Land known at the start is visited first; land that arrives later after it,
/// in the order it arrives (ties in the work order), so it never holds up land
/// that is already there.
/// `record`: add the sites' release times to the per-site counters (false
/// for a planning pass whose schedule is run again).
#[allow(clippy::too_many_arguments)] // each stage's result kept apart, so what flows where shows
pub(super) fn site_pass(
    c: &Compiled<'_>,
    noise_key: u64,
    record: bool,
    strata: &[StratumTrial],
    g: &Globals,
    plan: &PlanTables,
    sched: &mut ScheduleScratch,
    bill: &mut BillScratch,
    site_acc: &mut SiteAcc,
) {
    let Some(sites) = &c.sites else { return };
    let pass = PassIn { c, sites, noise_key, strata, cost_per_td: g.cost_per_td, plan };
    // Release times in fixed point fit 32 bits within 4095 years: the cheaper conversion, same value.
    // `record` as a constant: the per-site counters cost no test when they are not kept.
    match (c.horizon as f64 * TIME_FIXED < 4_294_967_296.0, record) {
        (true, true) => site_loop::<true, true>(&pass, sched, &mut bill.acc, site_acc),
        (true, false) => site_loop::<true, false>(&pass, sched, &mut bill.acc, site_acc),
        (false, true) => site_loop::<false, true>(&pass, sched, &mut bill.acc, site_acc),
        (false, false) => site_loop::<false, false>(&pass, sched, &mut bill.acc, site_acc),
    }
}

/// What a site pass reads: the sites, the trial's strata and costs, the plan's capacity tables.
struct PassIn<'a> {
    c: &'a Compiled<'a>,
    sites: &'a SiteArrays,
    noise_key: u64,
    strata: &'a [StratumTrial],
    cost_per_td: PerPool<f64>,
    plan: &'a PlanTables,
}

/// What a site pass works on besides the lanes: the pools and their capacity tables, the year
/// bins, the per-site counters, the sites, the horizon.
struct Pass<'a> {
    /// Each group's pools (`Pool::COUNT` in a row).
    pools: &'a mut [[PoolState; Pool::COUNT]],
    tables: (&'a [f64], &'a [f64], usize),
    bins: &'a mut [YearBin],
    sum_t: &'a mut [u64],
    released: &'a mut [u32],
    sites: &'a SiteArrays,
    /// The variable cost of a team-day of each pool.
    cost_per_td: PerPool<f64>,
    hf: f64,
    spread_on: bool,
}

/// One site in a pass: its place `i` in the work order, area `a`, exposure-weighted area `e`,
/// farmland `farm`, arrival and hash.
#[derive(Clone, Copy)]
struct Site {
    i: usize,
    a: f64,
    e: f64,
    farm: f64,
    arrival: f64,
    hsh: u64,
}

impl Pass<'_> {
    /// The year of a release time `t` in [0, h) and, when recording, `t` added to site `i`'s
    /// counters: with a small horizon t·2^20 is exact and its integer part shifted right by 20
    /// is t's integer part, so one conversion gives both.
    #[inline(always)]
    fn release_year<const SMALL_HORIZON: bool, const RECORD: bool>(&mut self, i: usize, t: f64) -> usize {
        if SMALL_HORIZON {
            let fixed = (t * TIME_FIXED) as u32;
            if RECORD {
                self.sum_t[i] += u64::from(fixed);
                self.released[i] += 1;
            }
            (fixed >> TIME_FIXED_BITS) as usize
        } else {
            if RECORD {
                self.sum_t[i] += (t * TIME_FIXED) as u64;
                self.released[i] += 1;
            }
            year(t)
        }
    }

    /// A site NTS cancels: suspected and cancelled whole (what [`Stages::release`] gives a
    /// cancelled site); its other stages, costs and team-days are +0, and adding +0 to sums that
    /// are never -0 changes nothing, so they are skipped. `RESIDUAL`: false when the lane's
    /// residual fraction is 0 (then no land is found contaminated again). Returns its area × years
    /// unreleased.
    #[inline(always)]
    fn cancelled<const SMALL_HORIZON: bool, const RECORD: bool, const RESIDUAL: bool>(
        &mut self,
        lane: &mut Lane,
        s: Site,
    ) -> f64 {
        let (st, gp, hf, a) = (&lane.st, lane.gp, self.hf, s.a);
        let pools = &mut self.pools[st.group];
        let cost = a * st.var_rates.nts_cost_per_m2;
        let t =
            advance(pools, gp, Pool::NTS.index(), self.tables, self.bins, s.arrival, a * st.rates.nts_td_per_m2, cost);
        if RESIDUAL {
            // Its residual, (a + 0)·q, differs from a·q only for a = -0, where both are zeros (not > 0).
            residual_clearance(self, st, gp, a * st.residual, s.arrival);
        }
        let unreleased = (if t < hf { t } else { hf }) - s.arrival;
        if t < hf {
            let y = self.release_year::<SMALL_HORIZON, RECORD>(s.i, t);
            release_into(&mut self.bins[y], a, s.e, s.farm, t - y as f64);
            if lane.max_t < t {
                lane.max_t = t;
            }
        } else {
            lane.unreleased = true;
        }
        lane.stages.suspected += a;
        lane.stages.cancelled += a;
        a * if unreleased > 0.0 { unreleased } else { 0.0 }
    }

    /// A site NTS does not cancel: surveyed (unless `confirmed`), technically surveyed and
    /// cleared by each of its stratum's methods; released when its last stage finishes.
    /// `RESIDUAL`: as [`Pass::cancelled`]. Returns its area × years unreleased.
    #[inline(always)]
    fn worked<const SMALL_HORIZON: bool, const RECORD: bool, const RESIDUAL: bool>(
        &mut self,
        lane: &mut Lane,
        s: Site,
        confirmed: bool,
    ) -> f64 {
        let (st, gp, hf, a, arrival) = (&lane.st, lane.gp, self.hf, s.a, s.arrival);
        let pools = &mut self.pools[st.group];
        let tables = self.tables;
        let site = site_stages(self.sites, st, a, s.hsh, confirmed, false, self.spread_on);
        let stages = site.stages;
        let xd = stages.to_clear * site.difficulty;
        let t_nts = if confirmed {
            arrival
        } else {
            let (work, cost) =
                (stages.suspected * st.rates.nts_td_per_m2, stages.suspected * st.var_rates.nts_cost_per_m2);
            advance(pools, gp, Pool::NTS.index(), tables, self.bins, arrival, work, cost)
        };
        let (work, cost) = (stages.surveyed * st.rates.ts_td_per_m2, stages.surveyed * st.var_rates.ts_cost_per_m2);
        let t_ts = advance(pools, gp, Pool::TS.index(), tables, self.bins, t_nts, work, cost);
        let mut t_done = t_ts;
        for &m in &st.methods[..st.n_methods as usize] {
            let p = Pool::Clearance(m);
            let work = xd * st.rates.td_per_m2[m];
            let t = advance(pools, gp, p.index(), tables, self.bins, t_ts, work, work * self.cost_per_td[p]);
            t_done = if t > t_done { t } else { t_done };
        }
        if RESIDUAL {
            residual_clearance(self, st, gp, stages.residual(st.residual), arrival);
        }
        let unreleased = (if t_done < hf { t_done } else { hf }) - arrival;
        if t_done < hf {
            let y = self.release_year::<SMALL_HORIZON, RECORD>(s.i, t_done);
            let b = &mut self.bins[y];
            release_into(b, a, s.e, s.farm, t_done - y as f64);
            b.cleared += stages.to_clear;
            if lane.max_t < t_done {
                lane.max_t = t_done;
            }
        } else {
            lane.unreleased = true;
        }
        lane.stages.add(&stages);
        lane.xd += xd;
        lane.items += stages.contaminated * lane.st.dens_per_m2;
        a * if unreleased > 0.0 { unreleased } else { 0.0 }
    }

    /// A site outside the fast lane, arriving at `arrival`: its status (drawn, read or none),
    /// whether NTS cancels it, then [`Pass::cancelled`] or [`Pass::worked`].
    #[inline(always)]
    fn general<const SMALL_HORIZON: bool, const RECORD: bool>(&mut self, lane: &mut Lane, s: Site) -> f64 {
        let st = &lane.st;
        let (confirmed, cancelled) = if lane.simple {
            (false, lane.cancels(s.hsh))
        } else {
            let confirmed = match self.sites.confirmed.as_deref() {
                Some(v) => v[s.i],
                None => st.conf >= 1.0 || (st.conf > 0.0 && drawn_confirmed(s.hsh, st.conf)),
            };
            let cancel = if st.trend > 0.0 { cancel_at(st, self.sites.pos[s.i]) } else { st.cancel };
            (confirmed, site_cancelled(s.hsh, confirmed, cancel))
        };
        if cancelled {
            self.cancelled::<SMALL_HORIZON, RECORD, true>(lane, s)
        } else {
            self.worked::<SMALL_HORIZON, RECORD, true>(lane, s, confirmed)
        }
    }
}

/// The next site of the land that arrives later: the head of the lane whose head arrives first
/// (ties: the one first in the work order). `heads` holds (stratum, next, end) positions into
/// `by_stratum`; returns the site's place in the work order and its arrival.
#[inline]
fn next_arrival(
    heads: &mut [(usize, usize, usize)],
    lanes: &[Lane],
    by_stratum: &[u32],
    pos: &[f64],
) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64, usize)> = None;
    for (h, &(k, next, end)) in heads.iter().enumerate() {
        if next < end {
            let i = by_stratum[next] as usize;
            let st = &lanes[k].st;
            let arrival = st.arrive_lo + st.arrive_span * pos[i];
            if best.is_none_or(|(bi, ba, _)| arrival < ba || (arrival == ba && i < bi)) {
                best = Some((i, arrival, h));
            }
        }
    }
    let (i, arrival, h) = best?;
    heads[h].1 += 1;
    Some((i, arrival))
}

/// [`site_pass`]; `SMALL_HORIZON`: release times in fixed point fit 32 bits; `RECORD`: see `record`.
#[inline(always)]
fn site_loop<const SMALL_HORIZON: bool, const RECORD: bool>(
    input: &PassIn<'_>,
    sched: &mut ScheduleScratch,
    acc: &mut [StratumAcc],
    site_acc: &mut SiteAcc,
) {
    let PassIn { c, sites, noise_key, strata, cost_per_td, plan } = *input;
    let h = c.horizon;
    let hf = h as f64;
    sched.reset_pools(c, &cost_per_td);
    let ScheduleScratch {
        pools,
        bins,
        region_max_t,
        region_unreleased,
        region_of_stratum,
        area_years,
        lanes,
        heads,
        ..
    } = sched;
    bins.fill(YearBin::default());
    let drawn_status = sites.confirmed.is_none();
    let mut any_later = false;
    for (lane, st) in lanes.iter_mut().zip(strata.iter()) {
        let later = arrives_later(st);
        any_later |= later;
        // `!(x > 0)`: what the general path does with a confirmed share or trend of 0 (or NaN).
        let simple = drawn_status && !(st.conf > 0.0) && !(st.trend > 0.0);
        *lane = Lane {
            st: *st,
            gp: st.group * Pool::COUNT,
            later,
            simple,
            fast: simple && !later && st.residual == 0.0,
            // Found only where it is used (a bisection of 24 steps per stratum and trial).
            cancel_below: if simple { cancel_below(st.cancel) } else { 0 },
            ..Lane::default()
        };
    }
    // Every per-site slice hoisted to the same length, so indexing them needs no checks.
    let n = sites.weight.len();
    let (weight, stratum, key) = (&sites.weight[..n], &sites.stratum[..n], &sites.key[..n]);
    let (exposure, agricultural) = (&sites.exposure[..n], &sites.agricultural[..n]);
    let (sum_t, released): (&mut [u64], &mut [u32]) =
        if RECORD { (&mut site_acc.sum_t[..n], &mut site_acc.released[..n]) } else { (&mut [], &mut []) };
    let mut pass = Pass {
        pools: pools.as_chunks_mut::<{ Pool::COUNT }>().0,
        tables: (&plan.cap[..], &plan.inv_cap[..], h),
        bins: &mut bins[..h],
        sum_t,
        released,
        sites,
        cost_per_td,
        hf,
        spread_on: sites.reduction_spread > 0.0,
    };
    let (mut exposure_at_start, mut area_at_start, mut area_years_sum) = (0.0, 0.0, 0.0);
    // Land known at the start, in the work order.
    for i in 0..n {
        let lane = &mut lanes[stratum[i] as usize];
        if lane.fast {
            // None confirmed, no trend, no residual: the common case, with those tests made once.
            let a = weight[i] * lane.st.area_m2;
            let hsh = mix64(noise_key ^ key[i]);
            let (e, farm) = (exposure[i] * a, agricultural[i] * a);
            // Summed in registers, written to year 0 after the loop.
            exposure_at_start += e;
            area_at_start += a;
            let s = Site { i, a, e, farm, arrival: 0.0, hsh };
            area_years_sum += if lane.cancels(hsh) {
                pass.cancelled::<SMALL_HORIZON, RECORD, false>(lane, s)
            } else {
                pass.worked::<SMALL_HORIZON, RECORD, false>(lane, s, false)
            };
            continue;
        }
        if lane.later {
            continue;
        }
        let a = weight[i] * lane.st.area_m2;
        let (e, farm) = (exposure[i] * a, agricultural[i] * a);
        exposure_at_start += e;
        area_at_start += a;
        let s = Site { i, a, e, farm, arrival: 0.0, hsh: mix64(noise_key ^ key[i]) };
        area_years_sum += pass.general::<SMALL_HORIZON, RECORD>(lane, s);
    }
    // Land that arrives later, in the order it arrives.
    if any_later && let Some(lists) = &sites.by_stratum {
        heads.clear();
        for (k, lane) in lanes.iter().enumerate() {
            if lane.later {
                heads.push((k, lists.start[k], lists.start[k + 1]));
            }
        }
        while let Some((i, arrival)) = next_arrival(heads, lanes, &lists.sites, &sites.pos) {
            let lane = &mut lanes[stratum[i] as usize];
            let a = weight[i] * lane.st.area_m2;
            let (e, farm) = (exposure[i] * a, agricultural[i] * a);
            if arrival < hf {
                let b = &mut pass.bins[year(arrival)];
                b.exposure_arrived += e;
                b.exposure_arrival_fraction += e * (arrival - year(arrival) as f64);
                b.arrived += a;
            }
            let s = Site { i, a, e, farm, arrival, hsh: mix64(noise_key ^ key[i]) };
            area_years_sum += pass.general::<SMALL_HORIZON, RECORD>(lane, s);
        }
    }
    let bins = pass.bins;
    // The cost of each pool's last year of work.
    for pool in pass.pools.iter_mut().flatten() {
        pool.book(bins);
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

#[cfg(test)]
mod tests {
    use super::{bits_unit, cancel_below};

    #[test]
    fn cancel_below_counts_exactly_the_values_the_cancel_test_passes() {
        let cell = |u: f64| (u + 0.5) / 16_777_216.0;
        let mut fractions = vec![0.0, -0.25, 1e-300, 0.3, 0.5, 0.81, 1.0, 2.0, f64::NAN, f64::INFINITY];
        // A cell's middle itself and its neighbours: the test is strict, so the middle does not pass.
        for u in [0.0, 100.0, 8_388_607.0, 16_777_215.0] {
            fractions.extend([cell(u).next_down(), cell(u), cell(u).next_up()]);
        }
        for c in fractions {
            let passing = (0..1u64 << 24).filter(|&u| bits_unit(u, 24) < c).count() as u64;
            assert_eq!(cancel_below(c), passing, "cancelled fraction {c}");
        }
    }
}
