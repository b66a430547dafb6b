//! The schedule: team-days available per pool and year, sites worked in order
//! on their group's pools, and what follows from when land is released
//! (durations, casualties, land value, the yearly series).

use super::bill::{drawn_confirmed, pool_work, site_release};
use super::{Globals, Scratch};
use crate::model::{CapacityGroup, PerPool, Pool};
use crate::sampling::stream::mix64;
use crate::simulate::compiled::{Compiled, SiteArrays};
use crate::simulate::outputs::YearValues;

/// Fixed-point scale of release times summed across trials (2^20 per year).
pub(crate) const TIME_FIXED: f64 = 1_048_576.0;

/// The schedule state of one pool of teams.
#[derive(Clone, Copy, Default, Debug)]
struct PoolState {
    /// Time (years since start) when the pool is next free.
    t: f64,
    /// false: the pool never limits (no teams given: unlimited survey).
    limited: bool,
}

/// What one year of a trial's schedule gathers (site engine).
#[derive(Clone, Copy, Default, Debug)]
struct YearBin {
    /// Suspected area released, m².
    released: f64,
    /// Σ exposure × area released.
    exposure_released: f64,
    /// Σ exposure × area × fraction of the year before release.
    exposure_fraction: f64,
    /// Farmland released, m².
    farmland_released: f64,
    /// Σ farmland × fraction of the year before release.
    farmland_fraction: f64,
    /// Spending on stages finished in the year (before overhead).
    spending: f64,
    /// Area cleared by clearance teams, m².
    cleared: f64,
}

/// The schedule's per-batch buffers.
pub(crate) struct ScheduleScratch {
    /// Team-days available per [group][pool][year].
    cap: Vec<f64>,
    /// 1 / capacity, INFINITY when a year has none.
    inv_cap: Vec<f64>,
    pools: Vec<PoolState>,
    bins: Vec<YearBin>,
    region_max_t: Vec<f64>,
    region_unreleased: Vec<bool>,
    /// Region of each stratum.
    region_of_stratum: Vec<usize>,
    /// Σ exposure × area over all sites (m²).
    exposure_total: f64,
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
            exposure_total: 0.0,
        }
    }
}

/// Team-days each pool of a capacity group can work, year after year.
struct YearlyCapacity {
    teams: PerPool<f64>,
    growth: PerPool<f64>,
    ceiling: PerPool<f64>,
    working_days: f64,
    budget: Option<f64>,
}

impl YearlyCapacity {
    fn new(grp: &CapacityGroup, v: &[f64]) -> Self {
        let mut c = YearlyCapacity {
            teams: PerPool::default(),
            growth: PerPool::default(),
            ceiling: PerPool::default(),
            working_days: grp.working_days_per_year.get(v),
            budget: grp.budget_per_year.map(|b| b.get(v)),
        };
        for (p, pm) in grp.pools.iter() {
            if let Some(pm) = pm {
                c.teams[p] = pm.initial.get(v);
                c.growth[p] = pm.growth_per_year.get(v);
                c.ceiling[p] = pm.ceiling_or_initial().get(v);
            }
        }
        c
    }

    /// This year's team-days per pool, then advance to the next year.
    ///
    /// # Formula
    /// teams_p(y) = min(ceiling_p, initial_p·(1 + growth_p)^y); capacity_p(y) =
    /// teams_p(y) × working days; full spend(y) = (1 + overhead) × Σ_p
    /// capacity_p(y) × cost per team-day_p (every pool's teams are paid, with
    /// work or without); with a budget B every pool is scaled by min(1, B / full spend(y)).
    fn next_year(&mut self, g: &Globals) -> PerPool<f64> {
        let mut td = PerPool::default();
        let mut spend = 0.0;
        // Plain positions in the hot loop: every array here is indexed by pool.
        for p in 0..Pool::COUNT {
            td.0[p] = self.teams.0[p].min(self.ceiling.0[p]).max(0.0) * self.working_days;
            spend += td.0[p] * g.cost_per_td.0[p];
            self.teams.0[p] *= 1.0 + self.growth.0[p];
        }
        spend *= 1.0 + g.overhead;
        if let Some(b) = self.budget.filter(|b| spend > *b) {
            let scale = b / spend;
            for v in &mut td.0 {
                *v *= scale;
            }
        }
        td
    }
}

/// Fills the [group][pool][year] capacity tables of the trial.
pub(super) fn capacity_table(c: &Compiled<'_>, v: &[f64], g: &Globals, sc: &mut ScheduleScratch) {
    let Some(capacity) = c.scenario.capacity() else { return };
    let h = c.horizon;
    for (gi, grp) in capacity.groups.iter().enumerate() {
        let base = gi * Pool::COUNT * h;
        for (p, pm) in grp.pools.iter() {
            sc.pools[gi * Pool::COUNT + p.index()] = PoolState { t: 0.0, limited: pm.is_some() };
        }
        let mut years = YearlyCapacity::new(grp, v);
        for y in 0..h {
            for (p, cap) in years.next_year(g).iter() {
                let i = base + p.index() * h + y;
                sc.cap[i] = *cap;
                sc.inv_cap[i] = if *cap > 0.0 { 1.0 / cap } else { f64::INFINITY };
            }
        }
    }
}

/// Pool `p`'s `h` yearly values in a [group][pool][year] table.
#[inline(always)]
fn pool(table: &[f64], p: usize, h: usize) -> &[f64] {
    &table[p * h..(p + 1) * h]
}

/// Advances a pool by `work` team-days starting no earlier than `ready`;
/// returns the finish time (years), or INFINITY past the horizon.
///
/// `inv_cap[y]` is 1/capacity of year `y` (INFINITY when the year has none), so
/// the common case, work that ends within the current year, is one multiply-add.
#[inline(always)]
fn advance(pool: &mut PoolState, cap: &[f64], inv_cap: &[f64], ready: f64, work: f64) -> f64 {
    if !pool.limited {
        return ready;
    }
    let start = if pool.t > ready { pool.t } else { ready };
    if !(work > 0.0) {
        return start;
    }
    let h = cap.len();
    if start < h as f64 {
        let y = start as usize;
        let end = start + work * inv_cap[y];
        if end <= (y + 1) as f64 {
            pool.t = end;
            return end;
        }
    }
    advance_slow(pool, cap, inv_cap, start, work)
}

#[cold]
#[inline(never)]
fn advance_slow(pool: &mut PoolState, cap: &[f64], inv_cap: &[f64], mut start: f64, work: f64) -> f64 {
    let h = cap.len();
    let mut remaining = work;
    loop {
        if !(start < h as f64) {
            pool.t = f64::INFINITY;
            return f64::INFINITY;
        }
        let y = start as usize;
        let rate = cap[y];
        let avail = rate * ((y + 1) as f64 - start);
        if remaining <= avail && rate > 0.0 {
            let t = start + remaining * inv_cap[y];
            pool.t = t;
            return t;
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
pub(super) fn site_pass(c: &Compiled<'_>, sites: &SiteArrays, noise_key: u64, scratch: &mut Scratch) {
    let h = c.horizon;
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
        exposure_total,
    } = sched;
    bins.fill(YearBin::default());
    region_max_t.fill(0.0);
    region_unreleased.fill(false);
    let inventory_status = sites.confirmed.as_deref();
    *exposure_total = 0.0;
    let (nts, ts) = (Pool::NTS.index(), Pool::TS.index());
    for i in 0..sites.weight.len() {
        let s = sites.stratum[i] as usize;
        let st = &strata[s];
        let a = sites.weight[i] * st.area_m2;
        let hsh = mix64(noise_key ^ sites.key[i]);
        let confirmed = match inventory_status {
            Some(v) => v[i],
            None => st.conf >= 1.0 || (st.conf > 0.0 && drawn_confirmed(hsh, st.conf)),
        };
        let site = site_release(sites, st, a, hsh, confirmed, spread_on);
        let (stages, cancelled) = (site.stages, site.cancelled);
        let xd = stages.to_clear * site.difficulty;
        let ac = &mut acc[s];
        ac.stages.add(&stages);
        ac.to_clear_x_difficulty += xd;
        ac.items += stages.contaminated * st.dens_per_m2;
        let cost = st.rates.cost(&stages, xd);
        let gp = st.group * Pool::COUNT;
        let t_nts = if confirmed {
            0.0
        } else {
            let p = gp + nts;
            advance(&mut pools[p], pool(cap, p, h), pool(inv_cap, p, h), 0.0, stages.suspected * st.rates.nts_td_per_m2)
        };
        let (t_ts, t_done) = if cancelled {
            (0.0, t_nts)
        } else {
            let p = gp + ts;
            let t_ts = advance(
                &mut pools[p],
                pool(cap, p, h),
                pool(inv_cap, p, h),
                t_nts,
                stages.surveyed * st.rates.ts_td_per_m2,
            );
            let mut t_done = t_ts;
            for &m in &st.methods[..st.n_methods as usize] {
                let p = gp + Pool::Clearance(m).index();
                let t = advance(&mut pools[p], pool(cap, p, h), pool(inv_cap, p, h), t_ts, xd * st.rates.td_per_m2[m]);
                t_done = t_done.max(t);
            }
            (t_ts, t_done)
        };
        let region = region_of_stratum[s];
        let e = sites.exposure[i] * a;
        *exposure_total += e;
        let farm = sites.agricultural[i] * a;
        let year = |t: f64| t as usize;
        if t_done < h as f64 {
            site_acc.sum_t[i] += (t_done * TIME_FIXED) as u64;
            site_acc.released[i] += 1;
            let y = year(t_done);
            let frac = t_done - y as f64;
            let b = &mut bins[y];
            b.released += a;
            b.exposure_released += e;
            b.exposure_fraction += e * frac;
            b.farmland_released += farm;
            b.farmland_fraction += farm * frac;
            if region_max_t[region] < t_done {
                region_max_t[region] = t_done;
            }
            // Costs fall in the year each stage finishes.
            b.spending += cost.clearance;
            b.cleared += stages.to_clear;
            if !cancelled && t_ts < h as f64 {
                bins[year(t_ts)].spending += cost.ts;
            }
            bins[year(t_nts.min(t_done))].spending += cost.nts;
        } else {
            region_unreleased[region] = true;
            if t_nts < h as f64 {
                bins[year(t_nts)].spending += cost.nts;
            }
            if !cancelled && t_ts < h as f64 {
                bins[year(t_ts)].spending += cost.ts;
            }
        }
    }
}

/// When a group's pools, each working through its total `work` (team-days)
/// from time 0, are all done (aggregate engine: a fluid model without site
/// order). Walks the years once for all pools, with the budget cap; stops as
/// soon as every pool is done. INFINITY past the horizon.
fn group_finish(grp: &CapacityGroup, v: &[f64], g: &Globals, work: &PerPool<f64>, h: usize) -> f64 {
    let mut left = [0.0f64; Pool::COUNT];
    let mut pending = 0;
    for (p, w) in work.iter() {
        if grp.pools[p].is_some() && *w > 0.0 {
            left[p.index()] = *w;
            pending += 1;
        }
    }
    let mut years = YearlyCapacity::new(grp, v);
    let mut finish: f64 = 0.0;
    for y in 0..h {
        if pending == 0 {
            return finish;
        }
        let cap = years.next_year(g);
        for (left, &cap) in left.iter_mut().zip(&cap.0) {
            if *left > 0.0 {
                if cap >= *left {
                    finish = finish.max(y as f64 + *left / cap);
                    *left = 0.0;
                    pending -= 1;
                } else {
                    *left -= cap;
                }
            }
        }
    }
    if pending == 0 { finish } else { f64::INFINITY }
}

/// Aggregate engine with capacity: each pool of each group works through its
/// group's total work from year 0 (a fluid approximation: no site order).
pub(super) fn aggregate_duration(c: &Compiled<'_>, g: &Globals, scratch: &mut Scratch, row: &mut [f64]) {
    let Some(cap_model) = c.scenario.capacity() else { return };
    let cols = &c.cols;
    let h = c.horizon;
    let work = &mut scratch.group_work;
    work.fill(PerPool::default());
    for (t, a) in scratch.strata.iter().zip(&scratch.acc) {
        let w = &mut work[t.group];
        for (p, td) in pool_work(t, a).iter() {
            w[p] += td;
        }
    }
    let mut national: f64 = 0.0;
    for (gi, grp) in cap_model.groups.iter().enumerate() {
        let fin = group_finish(grp, &scratch.v, g, &work[gi], h);
        scratch.group_finish[gi] = fin;
        national = national.max(fin);
    }
    let censor = |t: f64| if t.is_finite() { t } else { h as f64 };
    if let Some(col) = cols.duration {
        row[col] = censor(national);
    }
    if let Some(col) = cols.share_released {
        // Without sites, release is all or nothing at the horizon.
        row[col] = if national.is_finite() { 1.0 } else { 0.0 };
    }
    for (r, region) in c.scenario.regions().iter().enumerate() {
        if let (Some(rc), Some(gi)) = (cols.region.get(r), region.capacity_group)
            && let Some(col) = rc.duration
        {
            row[col] = censor(scratch.group_finish[gi]);
        }
    }
}

/// Site engine with capacity: durations, shares, casualties, land value and the yearly series.
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
    let (mut y50, mut y90) = (hf, hf);
    let (mut casualties, mut value) = (0.0, 0.0);
    let mut first_year = 0.0;
    let mut disc = (1.0 + discount).powf(-0.5);
    for (y, (b, out)) in sc.bins.iter().zip(series.iter_mut()).enumerate().take(h) {
        let released = b.released;
        for (target, slot) in [(0.5, &mut y50), (0.9, &mut y90)] {
            if *slot == hf && released > 0.0 && cum + released >= target * total {
                *slot = y as f64 + ((target * total - cum) / released).clamp(0.0, 1.0);
            }
        }
        cum += released;
        let area_years = (sc.exposure_total - expo_before - b.exposure_released + b.exposure_fraction).max(0.0);
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
        *out = YearValues {
            area_released_km2: (released / 1e6) as f32,
            spending: (b.spending * (1.0 + g.overhead)) as f32,
            area_remaining_km2: ((total - cum).max(0.0) / 1e6) as f32,
            casualties: cas as f32,
            area_cleared_km2: (b.cleared / 1e6) as f32,
        };
    }
    if total <= 0.0 {
        y50 = 0.0;
        y90 = 0.0;
    }
    let finished = !sc.region_unreleased.iter().any(|&u| u);
    let max_t = sc.region_max_t.iter().copied().fold(0.0, f64::max);
    let set = |row: &mut [f64], col: Option<usize>, value: f64| {
        if let Some(col) = col {
            row[col] = value;
        }
    };
    set(row, cols.duration, if finished { max_t } else { hf });
    set(row, cols.share_released, if total > 0.0 { (cum / total).min(1.0) } else { 1.0 });
    set(row, cols.years_50, y50);
    set(row, cols.years_90, y90);
    set(row, cols.casualties, casualties);
    set(row, cols.casualties_first_year, first_year);
    set(row, cols.land_value, value);
    for (r, rc) in cols.region.iter().enumerate() {
        set(row, rc.duration, if sc.region_unreleased[r] { hf } else { sc.region_max_t[r] });
    }
}
