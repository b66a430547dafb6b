//! One trial: from the trial's input values to its outputs.
//!
//! Two engines share the per-trial set-up (strata parameters, capacity per year):
//! - the **aggregate** engine computes each stratum's expected totals given the
//!   trial's (epistemic) inputs, in closed form (the formulas of [`crate::model`]);
//! - the **site** engine samples every site's variability (cancelled or not,
//!   reduced fraction, local team-day multiplier, status and contamination),
//!   and, when capacity is given, schedules it in the work order on its
//!   group's team pools. Its totals equal the aggregate engine's in expectation
//!   (`tests/site_engine.rs`).
//!
//! Nothing here allocates: all buffers live in [`Scratch`], made once per batch.

use super::compiled::{Compiled, DIFFICULTY_CELLS};
use super::outputs::Series;
use crate::model::{Method, MethodCost, Pool, Productivity, StratumArea};
use crate::sampling::stream::mix64;

/// Fixed-point scale of release times summed across trials (2^20 per year).
pub(crate) const TIME_FIXED: f64 = 1_048_576.0;

#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct StratumTrial {
    pub area_m2: f64,
    pub cancel: f64,
    pub reduce: f64,
    pub r_lo: f64,
    pub r_width: f64,
    pub conf: f64,
    pub contaminated: f64,
    /// Items per m² of contaminated land to clear.
    pub dens_per_m2: f64,
    pub nts_cost_m2: f64,
    pub ts_cost_m2: f64,
    /// Σ_m team-days per m² × cost per team-day (clearance cost per m² at multiplier 1).
    pub clear_cost_per_m2: f64,
    /// share_m / productivity_m: team-days per m² to clear, by method.
    pub td_per_m2: [f64; 4],
    pub group: usize,
    /// Methods with a share (indices 0..4), the first `n_methods` entries.
    pub methods: [u8; 4],
    pub n_methods: u8,
    pub mines_laid: f64,
    pub laying_cost: f64,
}

#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct StratumAcc {
    pub sha: f64,
    pub cancelled: f64,
    pub surveyed: f64,
    pub reduced: f64,
    pub cleared: f64,
    /// Σ area to clear × team-day multiplier.
    pub cleared_x_difficulty: f64,
    pub items: f64,
}

/// The schedule state of one pool of teams.
#[derive(Clone, Copy, Default, Debug)]
struct PoolState {
    /// Time (years since start) when the pool is next free.
    t: f64,
    /// false: the pool never limits (no teams given: unlimited survey).
    limited: bool,
}

/// Per-batch buffers.
pub(crate) struct Scratch {
    pub u: Vec<f64>,
    pub x: Vec<f64>,
    pub z: Vec<f64>,
    pub strata: Vec<StratumTrial>,
    pub acc: Vec<StratumAcc>,
    /// Team-days available per [group][pool][year].
    cap: Vec<f64>,
    inv_cap: Vec<f64>,
    pools: Vec<PoolState>,
    /// Per-year bins (site engine): released area, exposure released, exposure fraction, farmland released,
    /// its fraction, cost, area cleared.
    bins: Vec<f64>,
    region_max_t: Vec<f64>,
    region_unreleased: Vec<bool>,
    /// Per-site release counters over this scratch's trials (sorted order).
    pub site_acc: super::engine::SiteAcc,
    /// Region of each stratum.
    region_of_stratum: Vec<usize>,
    /// Σ exposure × area over all sites (m²).
    exposure_total: f64,
    group_work: Vec<f64>,
    group_finish: Vec<f64>,
}

const BINS: usize = 7;

impl Scratch {
    pub(crate) fn new(c: &Compiled<'_>) -> Self {
        let s = c.scenario;
        let groups = s.capacity.as_ref().map_or(0, |c| c.groups.len());
        let h = c.horizon.max(1);
        let nz = c.correlation.map_or(0, |k| k.inputs.len());
        Scratch {
            u: vec![0.0; s.inputs.len()],
            x: vec![0.0; s.inputs.len()],
            z: vec![0.0; nz],
            strata: vec![StratumTrial::default(); s.strata.len()],
            acc: vec![StratumAcc::default(); s.strata.len()],
            cap: vec![0.0; groups * 6 * h],
            inv_cap: vec![0.0; groups * 6 * h],
            pools: vec![PoolState::default(); groups * 6],
            bins: vec![0.0; BINS * h],
            region_max_t: vec![0.0; s.regions.len()],
            region_unreleased: vec![false; s.regions.len()],
            site_acc: super::engine::SiteAcc::new(if c.scenario.capacity.is_some() {
                c.sites.as_ref().map_or(0, |a| a.weight.len())
            } else {
                0
            }),
            region_of_stratum: s.strata.iter().map(|st| st.region).collect(),
            exposure_total: 0.0,
            group_work: vec![0.0; groups * 6],
            group_finish: vec![0.0; groups],
        }
    }
}

/// Per-trial national parameters.
///
/// # Formula
/// productivity_m = m² per team-day (or m² per member-day × team size);
/// cost per team-day_m = given, or cost per m² × productivity_m;
/// NTS team-days per m² = 1 / (km² per team-day × 10⁶), likewise TS.
struct Globals {
    overhead: f64,
    nts_td_per_m2: f64,
    ts_td_per_m2: f64,
    /// Cost per team-day of each pool (for the budget cap).
    cost_per_td: [f64; 6],
}

fn globals(c: &Compiled<'_>, x: &[f64]) -> (Globals, [f64; 4], [f64; 4]) {
    let s = c.scenario;
    let mut inv_prod = [0.0; 4];
    let mut cost_td = [0.0; 4];
    for m in Method::ALL {
        if let Some(mm) = &s.methods[m.index()] {
            let prod = match mm.productivity {
                Productivity::PerTeamDay(p) => p.get(x),
                Productivity::PerMemberDay { rate, team_size } => rate.get(x) * team_size.get(x),
            };
            inv_prod[m.index()] = 1.0 / prod;
            cost_td[m.index()] = match mm.cost {
                MethodCost::PerTeamDay(p) => p.get(x),
                MethodCost::PerM2(p) => p.get(x) * prod,
            };
        }
    }
    let nts_prod = s.nts.productivity_km2_per_team_day.map(|p| p.get(x));
    let ts_prod = s.ts.productivity_km2_per_team_day.map(|p| p.get(x));
    let nts_cost_km2 = s.nts.cost.get(x);
    let ts_cost_m2 = s.ts.cost.get(x);
    let mut cost_per_td = [0.0; 6];
    cost_per_td[Pool::NonTechnicalSurvey.index()] = nts_prod.map_or(0.0, |p| p * nts_cost_km2);
    cost_per_td[Pool::TechnicalSurvey.index()] = ts_prod.map_or(0.0, |p| p * 1e6 * ts_cost_m2);
    for m in Method::ALL {
        cost_per_td[Pool::Clearance(m).index()] = cost_td[m.index()];
    }
    (
        Globals {
            overhead: s.overhead_fraction.get(x),
            nts_td_per_m2: nts_prod.map_or(0.0, |p| 1.0 / (p * 1e6)),
            ts_td_per_m2: ts_prod.map_or(0.0, |p| 1.0 / (p * 1e6)),
            cost_per_td,
        },
        inv_prod,
        cost_td,
    )
}

/// Fills the per-stratum parameters of the trial.
///
/// # Formula
/// A = suspected area (barrier: length × width / 1000 km²; with a national
/// total T every stratum is scaled by T / Σ A); team-days per m²_m = share_m /
/// productivity_m; clearance cost per m² = Σ_m team-days per m²_m × cost per
/// team-day_m; item density = items per km² / 10⁶ (barrier: mines laid /
/// (A·(1 − r)), so all mines are in the area cleared); per-site reduced
/// fractions are uniform on r ± spread·min(r, 1 − r) (mean r).
fn strata_params(
    c: &Compiled<'_>,
    x: &[f64],
    inv_prod: &[f64; 4],
    cost_td: &[f64; 4],
    spread: f64,
    out: &mut [StratumTrial],
) {
    let s = c.scenario;
    let nts_cost_m2 = s.nts.cost.get(x) / 1e6;
    let ts_cost_m2 = s.ts.cost.get(x);
    let mut raw_total = 0.0;
    for (k, st) in s.strata.iter().enumerate() {
        let t = &mut out[k];
        let (area_km2, mines, laying) = match st.area {
            StratumArea::Area(p) => (p.get(x), 0.0, 0.0),
            StratumArea::Barrier { length_km, width_m, mines_per_km, mine_unit_cost_usd } => {
                let len = length_km.get(x);
                let mines = len * mines_per_km.get(x);
                (len * width_m.get(x) / 1000.0, mines, mines * mine_unit_cost_usd.get(x))
            }
        };
        raw_total += area_km2;
        t.area_m2 = area_km2 * 1e6;
        t.mines_laid = mines;
        t.laying_cost = laying;
        t.cancel = st.cancelled_fraction.get(x);
        t.reduce = st.reduced_fraction.get(x);
        let half = spread * t.reduce.min(1.0 - t.reduce);
        t.r_lo = t.reduce - half;
        t.r_width = 2.0 * half;
        t.conf = c.confirmed_override[k].unwrap_or_else(|| st.confirmed_fraction.get(x));
        t.contaminated = st.contaminated_fraction.get(x);
        t.dens_per_m2 = if mines > 0.0 {
            let to_clear = t.area_m2 * (1.0 - t.reduce);
            if to_clear > 0.0 { mines / to_clear } else { 0.0 }
        } else {
            st.items_per_km2.get(x) / 1e6
        };
        t.nts_cost_m2 = nts_cost_m2;
        t.ts_cost_m2 = ts_cost_m2;
        let mut cc = 0.0;
        t.n_methods = 0;
        for m in 0..4 {
            let share = st.method_shares[m];
            t.td_per_m2[m] = if share > 0.0 { share * inv_prod[m] } else { 0.0 };
            cc += t.td_per_m2[m] * cost_td[m];
            if share > 0.0 {
                t.methods[t.n_methods as usize] = m as u8;
                t.n_methods += 1;
            }
        }
        t.clear_cost_per_m2 = cc;
        t.group = c.group_of_stratum[k];
    }
    if let Some(nat) = s.national_area {
        // Strata areas are weights of the national total.
        let scale = if raw_total > 0.0 { nat.get(x) / raw_total } else { 0.0 };
        for t in out.iter_mut() {
            t.area_m2 *= scale;
        }
    }
}

/// Team-days available per group, pool and year (after the budget cap).
///
/// # Formula
/// teams_p(y) = min(ceiling_p, initial_p·(1 + growth_p)^y); capacity_p(y) =
/// teams_p(y) × working days; full spend(y) = (1 + overhead) × Σ_p capacity_p(y)
/// × cost per team-day_p; with a budget B every pool is scaled by
/// min(1, B / full spend(y)).
fn capacity_table(
    c: &Compiled<'_>,
    x: &[f64],
    g: &Globals,
    cap: &mut [f64],
    inv_cap: &mut [f64],
    pools: &mut [PoolState],
) {
    let Some(capacity) = &c.scenario.capacity else { return };
    let h = c.horizon;
    for (gi, grp) in capacity.groups.iter().enumerate() {
        let base = gi * 6 * h;
        for p in 0..6 {
            pools[gi * 6 + p] = PoolState { t: 0.0, limited: grp.pools[p].is_some() };
        }
        let mut years = YearlyCapacity::new(grp, x);
        for y in 0..h {
            for (p, v) in years.next_year(g).into_iter().enumerate() {
                cap[base + p * h + y] = v;
                inv_cap[base + p * h + y] = if v > 0.0 { 1.0 / v } else { f64::INFINITY };
            }
        }
    }
}

/// Team-days each pool of a capacity group can work, year after year.
struct YearlyCapacity {
    teams: [f64; 6],
    growth: [f64; 6],
    ceiling: [f64; 6],
    working_days: f64,
    budget: Option<f64>,
}

impl YearlyCapacity {
    fn new(grp: &crate::model::CapacityGroup, x: &[f64]) -> Self {
        let mut c = YearlyCapacity {
            teams: [0.0; 6],
            growth: [0.0; 6],
            ceiling: [0.0; 6],
            working_days: grp.working_days_per_year.get(x),
            budget: grp.budget_usd_per_year.map(|b| b.get(x)),
        };
        for (p, pm) in grp.pools.iter().enumerate() {
            if let Some(pm) = pm {
                c.teams[p] = pm.initial.get(x);
                c.growth[p] = pm.growth_per_year.get(x);
                c.ceiling[p] = pm.ceiling.get(x);
            }
        }
        c
    }

    /// This year's team-days per pool, then advance to the next year. Every
    /// pool's teams are paid whether or not they have work, so all count
    /// toward the budget cap.
    fn next_year(&mut self, g: &Globals) -> [f64; 6] {
        let mut td = [0.0; 6];
        let mut spend = 0.0;
        for (p, v) in td.iter_mut().enumerate() {
            *v = self.teams[p].min(self.ceiling[p]).max(0.0) * self.working_days;
            spend += *v * g.cost_per_td[p];
            self.teams[p] *= 1.0 + self.growth[p];
        }
        spend *= 1.0 + g.overhead;
        if let Some(b) = self.budget.filter(|b| spend > *b) {
            let scale = b / spend;
            for v in &mut td {
                *v *= scale;
            }
        }
        td
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

/// When a group's pools, each working through its total `work` (team-days)
/// from time 0, are all done (aggregate engine: a fluid model without site
/// order). Walks the years once for all six pools, with the budget cap; stops
/// as soon as every pool is done. INFINITY past the horizon.
fn group_finish(grp: &crate::model::CapacityGroup, x: &[f64], g: &Globals, work: &[f64], h: usize) -> f64 {
    let mut left = [0.0f64; 6];
    let mut pending = 0;
    for p in 0..6 {
        if grp.pools[p].is_some() && work[p] > 0.0 {
            left[p] = work[p];
            pending += 1;
        }
    }
    let mut years = YearlyCapacity::new(grp, x);
    let mut finish: f64 = 0.0;
    for y in 0..h {
        if pending == 0 {
            return finish;
        }
        for (p, cap) in years.next_year(g).into_iter().enumerate() {
            if left[p] > 0.0 {
                if cap >= left[p] {
                    finish = finish.max(y as f64 + left[p] / cap);
                    left[p] = 0.0;
                    pending -= 1;
                } else {
                    left[p] -= cap;
                }
            }
        }
    }
    if pending == 0 { finish } else { f64::INFINITY }
}

/// Runs one trial with input values already in `scratch.x`; writes the output
/// row and, for a scheduled site run, the yearly `series` (length `series_len`)
/// and the per-site counters.
pub(crate) fn run_trial(c: &Compiled<'_>, noise_key: u64, scratch: &mut Scratch, row: &mut [f64], series: &mut [f32]) {
    let x = &scratch.x;
    let (g, inv_prod, cost_td) = globals(c, x);
    let spread = c.sites.as_ref().map_or(0.0, |s| s.reduction_spread);
    strata_params(c, x, &inv_prod, &cost_td, spread, &mut scratch.strata);
    if c.sites.is_some() {
        // The site schedule looks capacity up year by year; the aggregate engine walks it once (below).
        capacity_table(c, x, &g, &mut scratch.cap, &mut scratch.inv_cap, &mut scratch.pools);
    }
    for a in scratch.acc.iter_mut() {
        *a = StratumAcc::default();
    }
    match &c.sites {
        None => aggregate_pass(scratch),
        Some(_) => site_pass(c, noise_key, &g, scratch),
    }
    fill_row(c, &g, scratch, row);
    if c.scenario.capacity.is_some() {
        if c.sites.is_some() {
            site_schedule_outputs(c, &g, scratch, row, series);
        } else {
            aggregate_duration(c, &g, scratch, row);
        }
    }
}

/// The aggregate engine: each stratum's expected totals given the trial's inputs.
///
/// # Formula
/// SHA = A·(1 − conf); cancelled = SHA·c; surveyed = A − cancelled;
/// reduced = surveyed·r; cleared = surveyed − reduced;
/// items = density·(A·conf·(1 − r) + f·(cleared − A·conf·(1 − r))).
fn aggregate_pass(scratch: &mut Scratch) {
    for (t, a) in scratch.strata.iter().zip(scratch.acc.iter_mut()) {
        let area = t.area_m2;
        let sha = area * (1.0 - t.conf);
        let cancelled = sha * t.cancel;
        let surveyed = area - cancelled;
        let reduced = surveyed * t.reduce;
        let cleared = surveyed - reduced;
        let cleared_cha = area * t.conf * (1.0 - t.reduce);
        let cleared_sha = cleared - cleared_cha;
        *a = StratumAcc {
            sha,
            cancelled,
            surveyed,
            reduced,
            cleared,
            cleared_x_difficulty: cleared,
            items: t.dens_per_m2 * (cleared_cha + t.contaminated * cleared_sha),
        };
    }
}

#[inline(always)]
fn bits_unit(bits: u64, width: u32) -> f64 {
    // The middle of the cell keeps the value strictly inside (0, 1).
    (bits as f64 + 0.5) / (1u64 << width) as f64
}

/// The site engine. Sites are visited in the work order; each site's random
/// numbers come from a hash of (trial key, site key), so they do not depend on
/// the order, the thread, or which other sites exist.
/// How a site's status (SHA or CHA) is decided, resolved per stratum before the loop.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Every site suspected (confirmed fraction 0).
    AllSuspected,
    /// Every site confirmed (fraction 1, e.g. barrier minefields).
    AllConfirmed,
    /// Drawn per site and trial with the stratum's confirmed fraction.
    Drawn,
    /// Read from the inventory.
    Inventory,
}

/// The bill without a schedule: sites grouped by stratum, one tight loop per
/// stratum with the sums in registers and no data-dependent branches.
fn bill_pass(c: &Compiled<'_>, noise_key: u64, ranges: &[std::ops::Range<usize>], scratch: &mut Scratch) {
    let Some(sites) = &c.sites else { return };
    let spread = sites.reduction_spread > 0.0;
    for (s, range) in ranges.iter().enumerate() {
        let st = scratch.strata[s];
        let status = match &sites.confirmed {
            Some(_) => Status::Inventory,
            None if st.conf >= 1.0 => Status::AllConfirmed,
            None if st.conf > 0.0 => Status::Drawn,
            None => Status::AllSuspected,
        };
        scratch.acc[s] = match (status, spread) {
            (Status::AllSuspected, true) => bill_stratum::<0, true>(sites, range.clone(), &st, noise_key),
            (Status::AllSuspected, false) => bill_stratum::<0, false>(sites, range.clone(), &st, noise_key),
            (Status::AllConfirmed, true) => bill_stratum::<1, true>(sites, range.clone(), &st, noise_key),
            (Status::AllConfirmed, false) => bill_stratum::<1, false>(sites, range.clone(), &st, noise_key),
            (Status::Drawn, true) => bill_stratum::<2, true>(sites, range.clone(), &st, noise_key),
            (Status::Drawn, false) => bill_stratum::<2, false>(sites, range.clone(), &st, noise_key),
            (Status::Inventory, true) => bill_stratum::<3, true>(sites, range.clone(), &st, noise_key),
            (Status::Inventory, false) => bill_stratum::<3, false>(sites, range.clone(), &st, noise_key),
        };
    }
}

/// One stratum's sites; `STATUS` is a [`Status`] as 0..=3, `SPREAD` whether reduction varies by site.
///
/// # Formula
/// For site i of area aᵢ = wᵢ·A: cancelled when SHA and uᵢ < c; otherwise
/// surveyed, reduced by rᵢ, to clear xᵢ = aᵢ·(1 − rᵢ) with team-day multiplier
/// dᵢ (mean 1); holds EO when CHA or vᵢ < f. The stratum sums Σ aᵢ (SHA),
/// Σ cancelled, Σ surveyed, Σ reduced, Σ xᵢ, Σ xᵢ·dᵢ and Σ xᵢ (holding EO)
/// have the aggregate engine's values as expectations.
#[inline(always)]
fn bill_stratum<const STATUS: u8, const SPREAD: bool>(
    sites: &super::compiled::SiteArrays,
    range: std::ops::Range<usize>,
    st: &StratumTrial,
    noise_key: u64,
) -> StratumAcc {
    let weight = &sites.weight[range.clone()];
    let key = &sites.key[range.clone()];
    let status = sites.confirmed.as_deref().map(|v| &v[range.clone()]);
    let (mut sha, mut cancelled, mut surveyed, mut reduced, mut cleared, mut xd, mut contaminated) =
        (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    let area = st.area_m2;
    for (j, (&w, &k)) in weight.iter().zip(key).enumerate() {
        let a = w * area;
        let hsh = mix64(noise_key ^ k);
        let confirmed = match STATUS {
            0 => false,
            1 => true,
            2 => bits_unit(mix64(hsh ^ 0xC0F1) >> 40, 24) < st.conf,
            _ => status.is_some_and(|v| v[j]),
        };
        let suspected = if confirmed { 0.0 } else { a };
        let cancel = !confirmed & (bits_unit(hsh >> 40, 24) < st.cancel);
        let a_cancelled = if cancel { a } else { 0.0 };
        let a_surveyed = a - a_cancelled;
        let r = if SPREAD { st.r_lo + st.r_width * bits_unit((hsh >> 24) & 0xFFFF, 16) } else { st.reduce };
        let ax = a_surveyed * (1.0 - r);
        let d = sites.difficulty[(hsh & (DIFFICULTY_CELLS as u64 - 1)) as usize];
        let holds_eo = confirmed | (bits_unit((hsh >> 8) & 0xFFFF, 16) < st.contaminated);
        sha += suspected;
        cancelled += a_cancelled;
        surveyed += a_surveyed;
        reduced += a_surveyed - ax;
        cleared += ax;
        xd += ax * d;
        contaminated += if holds_eo { ax } else { 0.0 };
    }
    StratumAcc {
        sha,
        cancelled,
        surveyed,
        reduced,
        cleared,
        cleared_x_difficulty: xd,
        items: contaminated * st.dens_per_m2,
    }
}

fn site_pass(c: &Compiled<'_>, noise_key: u64, g: &Globals, scratch: &mut Scratch) {
    let Some(sites) = &c.sites else { return };
    if let Some(ranges) = &sites.strata_ranges {
        bill_pass(c, noise_key, ranges, scratch);
        return;
    }
    // Without strata ranges the scenario has capacity: this is the scheduled pass.
    let h = c.horizon;
    let spread_on = sites.reduction_spread > 0.0;
    let Scratch {
        strata,
        acc,
        cap,
        inv_cap,
        pools,
        bins,
        region_max_t,
        region_unreleased,
        site_acc,
        exposure_total,
        region_of_stratum,
        ..
    } = scratch;
    for b in bins.iter_mut() {
        *b = 0.0;
    }
    for r in region_max_t.iter_mut() {
        *r = 0.0;
    }
    for r in region_unreleased.iter_mut() {
        *r = false;
    }
    let n = sites.weight.len();
    let inventory_status = sites.confirmed.as_deref();
    *exposure_total = 0.0;
    for i in 0..n {
        let s = sites.stratum[i] as usize;
        let st = &strata[s];
        let a = sites.weight[i] * st.area_m2;
        let hsh = mix64(noise_key ^ sites.key[i]);
        // 64 bits: cancel (24) | reduction (16) | contamination (16) | difficulty (8).
        let u_cancel = bits_unit(hsh >> 40, 24);
        let confirmed = match inventory_status {
            Some(v) => v[i],
            None => st.conf >= 1.0 || (st.conf > 0.0 && bits_unit(mix64(hsh ^ 0xC0F1) >> 40, 24) < st.conf),
        };
        let ac = &mut acc[s];
        let mut t_done: f64;
        let mut t_nts = 0.0;
        let mut t_ts = 0.0;
        let mut site_cost_nts = 0.0;
        let mut site_cost_ts = 0.0;
        let mut site_cost_clear = 0.0;
        let mut site_cleared = 0.0;
        let g6 = st.group * 6;
        if !confirmed {
            ac.sha += a;
            site_cost_nts = a * st.nts_cost_m2;
            t_nts = advance(&mut pools[g6], pool(cap, g6, h), pool(inv_cap, g6, h), 0.0, a * g.nts_td_per_m2);
        }
        if !confirmed && u_cancel < st.cancel {
            ac.cancelled += a;
            t_done = t_nts;
        } else {
            ac.surveyed += a;
            site_cost_ts = a * st.ts_cost_m2;
            let r = if spread_on { st.r_lo + st.r_width * bits_unit((hsh >> 24) & 0xFFFF, 16) } else { st.reduce };
            let ax = a * (1.0 - r);
            site_cleared = ax;
            ac.reduced += a - ax;
            ac.cleared += ax;
            let d = sites.difficulty[(hsh & (DIFFICULTY_CELLS as u64 - 1)) as usize];
            let axd = ax * d;
            ac.cleared_x_difficulty += axd;
            site_cost_clear = axd * st.clear_cost_per_m2;
            if confirmed || bits_unit((hsh >> 8) & 0xFFFF, 16) < st.contaminated {
                ac.items += ax * st.dens_per_m2;
            }
            let p = g6 + 1;
            t_ts = advance(&mut pools[p], pool(cap, p, h), pool(inv_cap, p, h), t_nts, a * g.ts_td_per_m2);
            t_done = t_ts;
            for &m in &st.methods[..st.n_methods as usize] {
                let p = g6 + 2 + m as usize;
                let t =
                    advance(&mut pools[p], pool(cap, p, h), pool(inv_cap, p, h), t_ts, axd * st.td_per_m2[m as usize]);
                t_done = t_done.max(t);
            }
        }
        {
            let region = region_of_stratum[s];
            let e = sites.exposure[i] * a;
            *exposure_total += e;
            let farm = sites.agricultural[i] * a;
            if t_done < h as f64 {
                site_acc.sum_t[i] += (t_done * TIME_FIXED) as u64;
                site_acc.released[i] += 1;
                let y = t_done as usize;
                let frac = t_done - y as f64;
                let b = &mut bins[y * BINS..(y + 1) * BINS];
                b[0] += a;
                b[1] += e;
                b[2] += e * frac;
                b[3] += farm;
                b[4] += farm * frac;
                if region_max_t[region] < t_done {
                    region_max_t[region] = t_done;
                }
                // Costs fall in the year each stage finishes.
                bins[y * BINS + 5] += site_cost_clear;
                bins[y * BINS + 6] += site_cleared;
                if t_ts < h as f64 {
                    bins[(t_ts as usize) * BINS + 5] += site_cost_ts;
                }
                bins[(t_nts.min(t_done) as usize) * BINS + 5] += site_cost_nts;
            } else {
                region_unreleased[region] = true;
                if t_nts < h as f64 {
                    bins[(t_nts as usize) * BINS + 5] += site_cost_nts;
                }
                if t_ts < h as f64 {
                    bins[(t_ts as usize) * BINS + 5] += site_cost_ts;
                }
            }
        }
    }
}

/// Writes the output row from the stratum accumulators.
///
/// # Formula
/// cost_NTS = SHA·cost per m²; cost_TS = surveyed·TS cost per m²;
/// cost_clearance = Σ xᵢ·dᵢ × clearance cost per m²; overhead = o × (sum);
/// total = (1 + o) × (sum); team-days_m = Σ xᵢ·dᵢ × share_m / productivity_m;
/// cost asymmetry = total / (mines laid × price per mine).
fn fill_row(c: &Compiled<'_>, g: &Globals, scratch: &mut Scratch, row: &mut [f64]) {
    let cols = &c.cols;
    let s = c.scenario;
    let x = &scratch.x;
    for v in row.iter_mut() {
        *v = 0.0;
    }
    let mut td_nts = 0.0;
    let mut td_ts = 0.0;
    let mut mines = 0.0;
    let mut laying = 0.0;
    let multi_region = !cols.region.is_empty();
    let mut total_direct = 0.0;
    for (k, (t, a)) in scratch.strata.iter().zip(&scratch.acc).enumerate() {
        let cost_nts = a.sha * t.nts_cost_m2;
        let cost_ts = a.surveyed * t.ts_cost_m2;
        let cost_clear = a.cleared_x_difficulty * t.clear_cost_per_m2;
        row[cols.suspected] += t.area_m2 / 1e6;
        row[cols.cancelled] += a.cancelled / 1e6;
        row[cols.reduced] += a.reduced / 1e6;
        row[cols.cleared] += a.cleared / 1e6;
        for m in 0..4 {
            row[cols.team_days[m]] += a.cleared_x_difficulty * t.td_per_m2[m];
        }
        td_nts += a.sha * g.nts_td_per_m2;
        td_ts += a.surveyed * g.ts_td_per_m2;
        row[cols.cost_nts] += cost_nts;
        row[cols.cost_ts] += cost_ts;
        row[cols.cost_clear] += cost_clear;
        row[cols.items] += a.items;
        mines += t.mines_laid;
        laying += t.laying_cost;
        let direct = cost_nts + cost_ts + cost_clear;
        total_direct += direct;
        if multi_region {
            let rc = &cols.region[s.strata[k].region];
            row[rc.suspected] += t.area_m2 / 1e6;
            row[rc.cleared] += a.cleared / 1e6;
            row[rc.total_cost] += direct * (1.0 + g.overhead);
            row[rc.items] += a.items;
            if let Some(col) = rc.mines_laid {
                row[col] += t.mines_laid;
            }
            if let Some(col) = rc.laying_cost {
                row[col] += t.laying_cost;
            }
        }
    }
    row[cols.cost_overhead] = total_direct * g.overhead;
    row[cols.total_cost] = total_direct * (1.0 + g.overhead);
    if let Some(col) = cols.team_days_nts {
        row[col] = td_nts;
    }
    if let Some(col) = cols.team_days_ts {
        row[col] = td_ts;
    }
    if let (Some(col), Some(p)) = (cols.item_based_cost, s.benchmark_cost_per_item) {
        row[col] = row[cols.items] * p.get(x);
    }
    if let Some(col) = cols.mines_laid {
        row[col] = mines;
    }
    if let Some(col) = cols.laying_cost {
        row[col] = laying;
    }
    if let Some(col) = cols.asymmetry {
        row[col] = row[cols.total_cost] / laying;
    }
}

/// Aggregate engine with capacity: each pool of each group works through its
/// group's total work from year 0 (a fluid approximation: no site order).
fn aggregate_duration(c: &Compiled<'_>, g: &Globals, scratch: &mut Scratch, row: &mut [f64]) {
    let Some(cap_model) = &c.scenario.capacity else { return };
    let cols = &c.cols;
    let h = c.horizon;
    let work = &mut scratch.group_work;
    for w in work.iter_mut() {
        *w = 0.0;
    }
    for (t, a) in scratch.strata.iter().zip(&scratch.acc) {
        let w = &mut work[t.group * 6..t.group * 6 + 6];
        w[0] += a.sha * g.nts_td_per_m2;
        w[1] += a.surveyed * g.ts_td_per_m2;
        for m in 0..4 {
            w[2 + m] += a.cleared_x_difficulty * t.td_per_m2[m];
        }
    }
    let x = &scratch.x;
    let mut national: f64 = 0.0;
    for (gi, grp) in cap_model.groups.iter().enumerate() {
        let fin = group_finish(grp, x, g, &work[gi * 6..gi * 6 + 6], h);
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
    for (r, region) in c.scenario.regions.iter().enumerate() {
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
fn site_schedule_outputs(c: &Compiled<'_>, g: &Globals, scratch: &Scratch, row: &mut [f64], series: &mut [f32]) {
    let cols = &c.cols;
    let s = c.scenario;
    let x = &scratch.x;
    let h = c.horizon;
    let hf = h as f64;
    let total = row[cols.suspected] * 1e6;
    let rate = s.casualty_rate.map_or(0.0, |p| p.get(x));
    let (value_ha, discount) =
        s.land_value.map_or((0.0, 0.0), |l| (l.agriculture_usd_per_ha_year.get(x), l.discount_rate));
    let ns = Series::ALL.len();
    let (mut cum, mut expo_before, mut farm_before) = (0.0, 0.0, 0.0);
    let (mut y50, mut y90) = (hf, hf);
    let (mut casualties, mut value) = (0.0, 0.0);
    let mut first_year = 0.0;
    let mut disc = (1.0 + discount).powf(-0.5);
    for y in 0..h {
        let b = &scratch.bins[y * BINS..(y + 1) * BINS];
        let released = b[0];
        for (target, slot) in [(0.5, &mut y50), (0.9, &mut y90)] {
            if *slot == hf && released > 0.0 && cum + released >= target * total {
                *slot = y as f64 + ((target * total - cum) / released).clamp(0.0, 1.0);
            }
        }
        cum += released;
        let area_years = (scratch.exposure_total - expo_before - b[1] + b[2]).max(0.0);
        expo_before += b[1];
        let cas = rate * area_years / 1e6;
        casualties += cas;
        if y == 0 {
            first_year = cas;
        }
        let farm_in_use = farm_before + b[3] - b[4];
        farm_before += b[3];
        value += value_ha * farm_in_use / 1e4 * disc;
        disc /= 1.0 + discount;
        let out = &mut series[y * ns..(y + 1) * ns];
        out[0] = (released / 1e6) as f32;
        out[1] = (b[5] * (1.0 + g.overhead)) as f32;
        out[2] = ((total - cum).max(0.0) / 1e6) as f32;
        out[3] = cas as f32;
        out[4] = (b[6] / 1e6) as f32;
    }
    if total <= 0.0 {
        y50 = 0.0;
        y90 = 0.0;
    }
    let finished = !scratch.region_unreleased.iter().any(|&u| u);
    let max_t = scratch.region_max_t.iter().copied().fold(0.0, f64::max);
    if let Some(col) = cols.duration {
        row[col] = if finished { max_t } else { hf };
    }
    if let Some(col) = cols.share_released {
        row[col] = if total > 0.0 { (cum / total).min(1.0) } else { 1.0 };
    }
    if let Some(col) = cols.years_50 {
        row[col] = y50;
    }
    if let Some(col) = cols.years_90 {
        row[col] = y90;
    }
    if let Some(col) = cols.casualties {
        row[col] = casualties;
    }
    if let Some(col) = cols.casualties_first_year {
        row[col] = first_year;
    }
    if let Some(col) = cols.land_value {
        row[col] = value;
    }
    for (r, rc) in cols.region.iter().enumerate() {
        if let Some(col) = rc.duration {
            row[col] = if scratch.region_unreleased[r] { hf } else { scratch.region_max_t[r] };
        }
    }
}
