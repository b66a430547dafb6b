//! The bill: areas by stage, team-days and costs, by the aggregate engine or
//! by a pass over the sites without a schedule; and the output row.

use super::{Globals, Scratch, StratumAcc, StratumTrial};
use crate::model::Stages;
use crate::sampling::stream::mix64;
use crate::simulate::compiled::{Compiled, DIFFICULTY_CELLS, SiteArrays};

/// The aggregate engine: each stratum's expected totals given the trial's inputs.
pub(super) fn aggregate_pass(scratch: &mut Scratch) {
    for (t, a) in scratch.strata.iter().zip(scratch.acc.iter_mut()) {
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
pub(super) fn bill_pass(sites: &SiteArrays, noise_key: u64, ranges: &[std::ops::Range<usize>], scratch: &mut Scratch) {
    let spread = sites.reduction_spread > 0.0;
    for (s, range) in ranges.iter().enumerate() {
        // A copy: the loop then keeps the stratum's parameters in registers.
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

/// Writes the output row from the stratum accumulators.
///
/// # Formula
/// costs by [`crate::model::StageRates::cost`]; overhead = o × (sum);
/// total = (1 + o) × (sum); team-days by [`crate::model::StageRates::team_days`];
/// cost asymmetry = total / (mines laid × cost per mine laid).
pub(super) fn fill_row(c: &Compiled<'_>, g: &Globals, scratch: &mut Scratch, row: &mut [f64]) {
    let cols = &c.cols;
    let s = c.scenario;
    row.fill(0.0);
    let mut mines = 0.0;
    let mut laying = 0.0;
    let multi_region = !cols.region.is_empty();
    let mut total_direct = 0.0;
    for (k, (t, a)) in scratch.strata.iter().zip(&scratch.acc).enumerate() {
        let cost = t.rates.cost(&a.stages, a.to_clear_x_difficulty);
        row[cols.suspected] += t.area_m2 / 1e6;
        row[cols.cancelled] += a.stages.cancelled / 1e6;
        row[cols.reduced] += a.stages.reduced / 1e6;
        row[cols.cleared] += a.stages.to_clear / 1e6;
        let td = t.rates.team_days(&a.stages, a.to_clear_x_difficulty);
        for (pool, col) in cols.team_days.iter() {
            if let Some(col) = col {
                row[*col] += td[pool];
            }
        }
        row[cols.cost_nts] += cost.nts;
        row[cols.cost_ts] += cost.ts;
        row[cols.cost_clear] += cost.clearance;
        row[cols.items] += a.items;
        if let Some(col) = cols.items_missed {
            row[col] += a.items_missed;
        }
        if let Some(col) = cols.residual {
            row[col] += a.residual / 1e6;
        }
        mines += t.mines_laid;
        laying += t.laying_cost;
        let direct = cost.total();
        total_direct += direct;
        if multi_region {
            let rc = &cols.region[s.strata()[k].region];
            row[rc.suspected] += t.area_m2 / 1e6;
            row[rc.cleared] += a.stages.to_clear / 1e6;
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
    if let (Some(col), Some(p)) = (cols.item_based_cost, s.costs().benchmark_cost_per_item) {
        row[col] = row[cols.items] * p.get(&scratch.v);
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
    if let Some(col) = cols.items_missed {
        // Items left behind per km² of suspected land (all of it released in the end).
        let area = row[cols.suspected];
        row[col] = if area > 0.0 { row[col] / area } else { 0.0 };
    }
}

/// Team-days of every pool for a stratum's totals.
#[inline(always)]
pub(super) fn pool_work(t: &StratumTrial, a: &StratumAcc) -> crate::model::PerPool<f64> {
    t.rates.team_days(&a.stages, a.to_clear_x_difficulty)
}
