//! Stage 2 of a trial: the bill. Areas by stage, team-days and the cost of the work, by the
//! aggregate engine (each stratum's expected areas) or by a pass over the sites without a
//! schedule; and the output row's national and regional sums.

use super::params::{Globals, StratumTrial};
use crate::model::{PerPool, StageCost, Stages};
use crate::sampling::stream::mix64;
use crate::simulate::compiled::{Compiled, DIFFICULTY_CELLS, SiteArrays};

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

/// Stage 2's buffers: each stratum's totals and team-days, each region's sums.
pub(crate) struct BillScratch {
    pub acc: Vec<StratumAcc>,
    /// Each stratum's team-days by pool in the trial (written with the row).
    pub team_days: Vec<PerPool<f64>>,
    /// Each region's sums (scenarios with more than one region).
    regions: Vec<RegionSums>,
}

impl BillScratch {
    pub(crate) fn new(c: &Compiled<'_>) -> Self {
        let n = c.scenario.strata().len();
        BillScratch {
            acc: vec![StratumAcc::default(); n],
            team_days: vec![PerPool::default(); n],
            regions: vec![RegionSums::default(); c.cols.region.len()],
        }
    }

    /// Empties the strata's totals (a site pass adds to them).
    pub(crate) fn clear(&mut self) {
        self.acc.fill(StratumAcc::default());
    }

    /// The aggregate engine: each stratum's expected totals given the trial's inputs.
    pub(crate) fn aggregate_pass(&mut self, strata: &[StratumTrial]) {
        aggregate_pass(strata, &mut self.acc);
    }

    /// The bill without a schedule (see [`bill_pass`]).
    pub(crate) fn bill_pass(
        &mut self,
        sites: &SiteArrays,
        noise_key: u64,
        ranges: &[std::ops::Range<usize>],
        strata: &[StratumTrial],
    ) {
        bill_pass(sites, noise_key, ranges, strata, &mut self.acc);
    }

    /// Writes the row's sums (see [`fill_row`]).
    pub(crate) fn fill_row(
        &mut self,
        c: &Compiled<'_>,
        g: &Globals,
        strata: &[StratumTrial],
        v: &[f64],
        row: &mut [f64],
    ) {
        fill_row(c, g, strata, v, self, row);
    }
}

/// The aggregate engine: each stratum's expected totals given the trial's inputs.
fn aggregate_pass(strata: &[StratumTrial], acc: &mut [StratumAcc]) {
    for (t, a) in strata.iter().zip(acc.iter_mut()) {
        // Sites are worked in order, so on average the cancelled fraction falls by half the trend.
        let cancel = if t.trend > 0.0 { t.cancel * (1.0 - 0.5 * t.trend) } else { t.cancel };
        let stages = Stages::release(t.area_m2, t.conf, cancel, t.reduce, t.contaminated);
        *a = StratumAcc::new(stages, stages.to_clear, t.dens_per_m2 * stages.contaminated, t);
    }
}

/// A site's share of its stratum's probability, from `width` random bits; the
/// middle of the cell keeps the value strictly inside (0, 1).
#[inline(always)]
pub(super) fn bits_unit(bits: u64, width: u32) -> f64 {
    (bits as f64 + 0.5) / (1u64 << width) as f64
}

/// The cancelled fraction for a site at position `pos` in (0, 1) of its
/// stratum's work order (diminishing returns of survey).
#[inline(always)]
pub(super) fn cancel_at(st: &StratumTrial, pos: f64) -> f64 {
    st.cancel * (1.0 - st.trend * pos)
}

/// One site's land release in one trial, from its random bits.
///
/// 64 bits: cancel (24) | reduction (16) | contamination (16) | difficulty (8);
/// a drawn status uses a second hash.
#[inline(always)]
pub(super) fn site_release(
    sites: &SiteArrays,
    st: &StratumTrial,
    a: f64,
    hsh: u64,
    confirmed: bool,
    spread: bool,
    cancel: f64,
) -> SiteOutcome {
    let cancelled = site_cancelled(hsh, confirmed, cancel);
    site_stages(sites, st, a, hsh, confirmed, cancelled, spread)
}

/// Whether NTS cancels a site (never a confirmed one): the top 24 bits against the cancelled fraction.
#[inline(always)]
pub(super) fn site_cancelled(hsh: u64, confirmed: bool, cancel: f64) -> bool {
    !confirmed & (bits_unit(hsh >> 40, 24) < cancel)
}

/// A site's stages once whether NTS cancels it is known (see [`site_release`]).
#[inline(always)]
pub(super) fn site_stages(
    sites: &SiteArrays,
    st: &StratumTrial,
    a: f64,
    hsh: u64,
    confirmed: bool,
    cancelled: bool,
    spread: bool,
) -> SiteOutcome {
    let r = if spread { st.r_lo + st.r_width * bits_unit((hsh >> 24) & 0xFFFF, 16) } else { st.reduce };
    let holds_eo = bits_unit((hsh >> 8) & 0xFFFF, 16) < st.contaminated;
    let difficulty = sites.difficulty[(hsh & (DIFFICULTY_CELLS as u64 - 1)) as usize];
    let stages = Stages::release(a, confirmed, cancelled, r, holds_eo);
    SiteOutcome { stages, difficulty }
}

/// One site's outcome in one trial.
pub(super) struct SiteOutcome {
    /// Its areas by stage.
    pub stages: Stages,
    /// Its clearance team-day multiplier (mean 1 over sites).
    pub difficulty: f64,
}

/// Whether a site whose status is drawn is confirmed (CHA).
#[inline(always)]
pub(super) fn drawn_confirmed(hsh: u64, conf: f64) -> bool {
    bits_unit(mix64(hsh ^ 0xC0F1) >> 40, 24) < conf
}

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
fn bill_pass(
    sites: &SiteArrays,
    noise_key: u64,
    ranges: &[std::ops::Range<usize>],
    strata: &[StratumTrial],
    acc: &mut [StratumAcc],
) {
    let spread = sites.reduction_spread > 0.0;
    for (s, range) in ranges.iter().enumerate() {
        // A copy: the loop then keeps the stratum's parameters in registers.
        let st = strata[s];
        let status = match &sites.confirmed {
            Some(_) => Status::Inventory,
            None if st.conf >= 1.0 => Status::AllConfirmed,
            None if st.conf > 0.0 => Status::Drawn,
            None => Status::AllSuspected,
        };
        acc[s] = match (status, spread) {
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
/// For site i of area aᵢ = wᵢ·A: its stages by [`Stages::release`] with its
/// own outcomes (cancelled when SHA and uᵢ < c; reduced by rᵢ; holds EO when
/// CHA or vᵢ < f) and team-day multiplier dᵢ (mean 1). The stratum's sums have
/// the aggregate engine's values as expectations.
#[inline(always)]
fn bill_stratum<const STATUS: u8, const SPREAD: bool>(
    sites: &SiteArrays,
    range: std::ops::Range<usize>,
    st: &StratumTrial,
    noise_key: u64,
) -> StratumAcc {
    let weight = &sites.weight[range.clone()];
    let key = &sites.key[range.clone()];
    let status = sites.confirmed.as_deref().map(|v| &v[range.clone()]);
    let mut sum = Stages::default();
    let mut xd = 0.0;
    let area = st.area_m2;
    let pos = &sites.pos[range.clone()];
    let trend = st.trend > 0.0;
    for (j, (&w, &k)) in weight.iter().zip(key).enumerate() {
        let hsh = mix64(noise_key ^ k);
        let confirmed = match STATUS {
            0 => false,
            1 => true,
            2 => drawn_confirmed(hsh, st.conf),
            _ => status.is_some_and(|v| v[j]),
        };
        let cancel = if trend { cancel_at(st, pos[j]) } else { st.cancel };
        let site = site_release(sites, st, w * area, hsh, confirmed, SPREAD, cancel);
        sum.add(&site.stages);
        xd += site.stages.to_clear * site.difficulty;
    }
    StratumAcc::new(sum, xd, sum.contaminated * st.dens_per_m2, st)
}

/// A trial's national sums over its strata, in stratum order, each from 0 (as a row's cell would be).
#[derive(Default)]
struct Totals {
    suspected: f64,
    cancelled: f64,
    reduced: f64,
    cleared: f64,
    team_days: PerPool<f64>,
    cost: StageCost,
    items: f64,
    items_missed: f64,
    residual: f64,
    mines: f64,
    laying: f64,
    direct: f64,
}

/// A region's sums over its strata, in stratum order (scenarios with more than one region).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RegionSums {
    suspected: f64,
    cleared: f64,
    total_cost: f64,
    items: f64,
    mines: f64,
    laying: f64,
}

/// Writes the output row from the stratum accumulators, and keeps each stratum's team-days
/// (`team_days`, which the aggregate engine's year loop reads). The sums are taken in
/// locals, in stratum order, and written once.
///
/// # Formula
/// costs by [`crate::model::StageRates::cost`]; overhead = o × (sum);
/// total = (1 + o) × (sum); team-days by [`crate::model::StageRates::team_days`];
/// cost asymmetry = total / (mines laid × cost per mine laid).
fn fill_row(c: &Compiled<'_>, g: &Globals, strata: &[StratumTrial], v: &[f64], b: &mut BillScratch, row: &mut [f64]) {
    let cols = &c.cols;
    let s = c.scenario;
    row.fill(0.0);
    let multi_region = !cols.region.is_empty();
    let BillScratch { acc, team_days, regions } = b;
    regions.fill(RegionSums::default());
    let mut n = Totals::default();
    for (((st, t), a), td_out) in s.strata().iter().zip(strata.iter()).zip(acc.iter()).zip(team_days.iter_mut()) {
        let cost = t.rates.cost(&a.stages, a.to_clear_x_difficulty);
        n.suspected += t.area_m2 / 1e6;
        n.cancelled += a.stages.cancelled / 1e6;
        n.reduced += a.stages.reduced / 1e6;
        n.cleared += a.stages.to_clear / 1e6;
        let td = t.rates.team_days(&a.stages, a.to_clear_x_difficulty);
        for (sum, x) in n.team_days.0.iter_mut().zip(td.0) {
            *sum += x;
        }
        *td_out = td;
        n.cost.nts += cost.nts;
        n.cost.ts += cost.ts;
        n.cost.clearance += cost.clearance;
        n.items += a.items;
        n.items_missed += a.items_missed;
        n.residual += a.residual / 1e6;
        n.mines += t.mines_laid;
        n.laying += t.laying_cost;
        let direct = cost.total();
        n.direct += direct;
        if multi_region && let Some(r) = regions.get_mut(st.region) {
            r.suspected += t.area_m2 / 1e6;
            r.cleared += a.stages.to_clear / 1e6;
            r.total_cost += direct * (1.0 + g.overhead);
            r.items += a.items;
            r.mines += t.mines_laid;
            r.laying += t.laying_cost;
        }
    }
    row[cols.suspected] = n.suspected;
    row[cols.cancelled] = n.cancelled;
    row[cols.reduced] = n.reduced;
    row[cols.cleared] = n.cleared;
    for (col, td) in cols.team_days.values().zip(n.team_days.0) {
        if let Some(col) = col {
            row[*col] = td;
        }
    }
    row[cols.cost_nts] = n.cost.nts;
    row[cols.cost_ts] = n.cost.ts;
    row[cols.cost_clear] = n.cost.clearance;
    row[cols.items] = n.items;
    if let Some(col) = cols.residual {
        row[col] = n.residual;
    }
    for (rc, r) in cols.region.iter().zip(regions.iter()) {
        row[rc.suspected] = r.suspected;
        row[rc.cleared] = r.cleared;
        row[rc.total_cost] = r.total_cost;
        row[rc.items] = r.items;
        if let Some(col) = rc.mines_laid {
            row[col] = r.mines;
        }
        if let Some(col) = rc.laying_cost {
            row[col] = r.laying;
        }
    }
    row[cols.cost_overhead] = n.direct * g.overhead;
    row[cols.total_cost] = n.direct * (1.0 + g.overhead);
    if let (Some(col), Some(p)) = (cols.item_based_cost, s.costs().benchmark_cost_per_item) {
        row[col] = n.items * p.get(v);
    }
    if let Some(col) = cols.mines_laid {
        row[col] = n.mines;
    }
    if let Some(col) = cols.laying_cost {
        row[col] = n.laying;
    }
    if let Some(col) = cols.total_cost_second {
        row[col] = row[cols.total_cost] * g.prices.second_currency;
    }
    if let Some(col) = cols.asymmetry {
        row[col] = row[cols.total_cost] / n.laying;
    }
    if let Some(col) = cols.items_missed {
        // Items left behind per km² of suspected land (all of it released in the end).
        row[col] = if n.suspected > 0.0 { n.items_missed / n.suspected } else { 0.0 };
    }
}
