//! Stage 4 of a trial (site engine): the schedule's pools. Team-days available per pool and
//! year come from the plan; a pool serves its sites one after another ([`advance`]), booking
//! the variable cost of the work in the years it is done; what is released goes to its year's
//! bin ([`YearBin`]). The site pass ([`super::site_pass`]) drives them.

use crate::model::Pool;

/// Fixed-point scale of release times summed across trials (2^20 per year).
pub(crate) const TIME_FIXED: f64 = 1_048_576.0;

/// log2 of [`TIME_FIXED`]: a fixed-point time shifted right by this is its year.
pub(super) const TIME_FIXED_BITS: u32 = 20;

const _: () = assert!(TIME_FIXED == (1u64 << TIME_FIXED_BITS) as f64);

/// Per-site counters summed over trials (integers: order-independent).
#[derive(Clone, Debug, Default)]
pub(crate) struct SiteAcc {
    /// Σ release time (fixed point) over trials where the site was released, sorted order.
    pub sum_t: Vec<u64>,
    /// Trials in which the site was released within the horizon.
    pub released: Vec<u32>,
}

impl SiteAcc {
    pub(crate) fn new(n: usize) -> Self {
        SiteAcc { sum_t: vec![0; n], released: vec![0; n] }
    }
    pub(crate) fn add(&mut self, o: SiteAcc) {
        if self.sum_t.is_empty() {
            *self = o;
            return;
        }
        for (a, b) in self.sum_t.iter_mut().zip(&o.sum_t) {
            *a += b;
        }
        for (a, b) in self.released.iter_mut().zip(&o.released) {
            *a += b;
        }
    }
}

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
    /// Team-days worked in the cached year whose cost is not yet booked, and the variable
    /// cost of a team-day: the cost of a year's work is booked once, when the pool leaves
    /// the year ([`PoolState::book`]), not job by job.
    worked: f64,
    cost_per_td: f64,
}

impl PoolState {
    /// A pool free at the start; `limited` when it has teams; a team-day's variable cost.
    pub(super) fn new(limited: bool, cost_per_td: f64) -> Self {
        PoolState { limited, cost_per_td, ..PoolState::default() }
    }

    /// Books the cost of the team-days worked in the cached year.
    #[inline]
    pub(super) fn book(&mut self, bins: &mut [YearBin]) {
        if self.worked > 0.0 {
            bins[self.year].spending += self.worked * self.cost_per_td;
            self.worked = 0.0;
        }
    }
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

/// Pool `p`'s `h` yearly values in a [group][pool][year] table.
#[inline(always)]
fn pool_years(table: &[f64], p: usize, h: usize) -> &[f64] {
    &table[p * h..(p + 1) * h]
}

/// Work within this share of a job of the room left in a year ends in that year.
const WORK_ROUNDING: f64 = 1e-12;

/// Books `cost` in the year of time `t` (nothing past the horizon).
#[inline(always)]
fn book(bins: &mut [YearBin], t: f64, cost: f64) {
    if t < bins.len() as f64 {
        bins[t as usize].spending += cost;
    }
}

/// Advances pool `k` of a group (its pools `group`, the first of them pool `gp` of the tables) by
/// `work` team-days for a site ready at `ready`; returns the finish time (years), or INFINITY past
/// the horizon. The variable cost of the work is paid in the years it is done, in proportion to
/// the team-days done in each (the pool keeps its current year's team-days and books them when it
/// leaves the year). The group's pools as an array: a pool's place in it needs no check. Work of
/// no team-days, or on a pool without teams, takes no time and `instant_cost` is paid when the
/// site is ready.
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
    instant_cost: f64,
) -> f64 {
    let pool = &mut group[k];
    if !pool.limited || !(work > 0.0) {
        book(bins, ready, instant_cost);
        return ready;
    }
    let start = if pool.t > ready { pool.t } else { ready };
    let end = start + work * pool.inv;
    if end < pool.year_end {
        pool.t = end;
        pool.worked += work;
        return end;
    }
    let (cap, inv_cap, h) = tables;
    advance_slow(pool, pool_years(cap, gp + k, h), pool_years(inv_cap, gp + k, h), bins, start, work)
}

/// [`advance`] year by year through the pool's tables (`cap[y]` team-days
/// and `inv_cap[y]` = 1/capacity, INFINITY when the year has none); books the
/// cached year's team-days and sets the pool's cached year.
#[cold]
#[inline(never)]
fn advance_slow(
    pool: &mut PoolState,
    cap: &[f64],
    inv_cap: &[f64],
    bins: &mut [YearBin],
    start: f64,
    work: f64,
) -> f64 {
    pool.book(bins);
    let h = cap.len();
    let t = walk(cap, inv_cap, bins, start, work, pool.cost_per_td);
    pool.t = t;
    if t < h as f64 {
        let y = t as usize;
        pool.year_end = (y + 1) as f64;
        pool.year = y;
        pool.inv = inv_cap[y];
    }
    t
}

/// The finish time of `work` team-days from `start`, booking their cost (`cost_per_td` a
/// team-day) year by year (see [`advance_slow`]).
#[inline(always)]
fn walk(cap: &[f64], inv_cap: &[f64], bins: &mut [YearBin], mut start: f64, work: f64, cost_per_td: f64) -> f64 {
    let h = cap.len();
    if start < h as f64 {
        let y = start as usize;
        let end = start + work * inv_cap[y];
        if end <= (y + 1) as f64 {
            bins[y].spending += work * cost_per_td;
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
        // Within rounding of the year's room (1e-12 of the work): a remainder of rounding must
        // not spill into a year that may have no teams (the plan made again gives a pool none
        // from the year its work ended).
        if remaining <= avail + WORK_ROUNDING * work && rate > 0.0 {
            bins[y].spending += remaining * cost_per_td;
            let end = start + remaining * inv_cap[y];
            return if end < (y + 1) as f64 { end } else { (y + 1) as f64 };
        }
        bins[y].spending += avail * cost_per_td;
        remaining -= avail;
        start = (y + 1) as f64;
    }
}
