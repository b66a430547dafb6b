//! Land release (docs/MODEL.md §3): a stratum's expected areas, or each site's own
//! outcome from its random numbers, and the totals they add up to.

use super::strata::{Stratum, Trial};
use super::{RefSites, Totals};
use crate::model::Stages;
use crate::sampling::stream::mix64;

/// One site's outcome in one trial.
#[derive(Clone, Copy, Debug)]
pub(super) struct SiteOutcome {
    /// Its area, m².
    pub a: f64,
    pub stages: Stages,
    /// Its area to clear × its team-day multiplier.
    pub xd: f64,
    pub confirmed: bool,
    pub cancelled: bool,
    /// When it comes into the workload (years from the start; 0 for land known at the start).
    pub arrival: f64,
    /// True when its stratum arrives after the start.
    pub later: bool,
}

/// A value in (0, 1) from `width` random bits: the middle of its cell.
fn unit(bits: u64, width: u32) -> f64 {
    (bits as f64 + 0.5) / (1u64 << width) as f64
}

/// Every site's outcome, in file order. A site's random numbers are one 64-bit hash of
/// (trial, site): the top 24 bits decide whether NTS cancels it, the next 16 its reduced
/// fraction, the next 16 whether it holds EO, the lowest 8 its team-day multiplier; a second
/// hash decides a drawn status.
pub(super) fn site_outcomes(t: &Trial, sites: &RefSites, noise_key: u64) -> Vec<SiteOutcome> {
    (0..sites.weight.len())
        .map(|i| {
            let st = &t.strata[sites.stratum[i] as usize];
            let h = mix64(noise_key ^ sites.key[i]);
            let confirmed = match &sites.confirmed {
                Some(status) => status[i],
                None => unit(mix64(h ^ 0xC0F1) >> 40, 24) < st.conf,
            };
            let p = sites.position[i];
            let cancelled = !confirmed && unit(h >> 40, 24) < st.cancel * (1.0 - st.trend * p);
            let reduce = if sites.spread > 0.0 {
                let half = sites.spread * st.reduce.min(1.0 - st.reduce);
                (st.reduce - half) + (2.0 * half) * unit((h >> 24) & 0xFFFF, 16)
            } else {
                st.reduce
            };
            let holds_eo = unit((h >> 8) & 0xFFFF, 16) < st.contaminated;
            let a = sites.weight[i] * st.area_m2;
            let stages = Stages::release(a, confirmed, cancelled, reduce, holds_eo);
            let d = sites.difficulty[(h & 0xFF) as usize];
            SiteOutcome {
                a,
                stages,
                xd: stages.to_clear * d,
                confirmed,
                cancelled,
                arrival: if st.later { st.arrive_lo + st.arrive_span * p } else { 0.0 },
                later: st.later,
            }
        })
        .collect()
}

/// A stratum's totals from its stages, its area to clear × multipliers and its items: the
/// residual (land found contaminated again, cleared later at average difficulty, all of it
/// holding items) is added, and the items are split into found and missed.
fn totals(st: &Stratum, stages: Stages, xd: f64, items: f64) -> Totals {
    let residual = st.residual * (stages.cancelled + stages.reduced);
    let items = items + residual * st.dens_per_m2;
    Totals {
        stages,
        xd: xd + residual,
        items: items * st.detection,
        items_missed: items * (1.0 - st.detection),
        residual,
    }
}

/// The aggregate engine's totals of a stratum: its expected areas, with the cancelled
/// fraction lowered by half its trend (sites are worked in order).
pub(super) fn stratum_totals(st: &Stratum) -> Totals {
    let cancel = st.cancel * (1.0 - 0.5 * st.trend);
    let stages = Stages::release(st.area_m2, st.conf, cancel, st.reduce, st.contaminated);
    totals(st, stages, stages.to_clear, st.dens_per_m2 * stages.contaminated)
}

/// The site engine's totals of every stratum: its sites' sums, in the work order.
pub(super) fn site_totals(t: &Trial, sites: &RefSites, outcomes: &[SiteOutcome]) -> Vec<Totals> {
    let mut order: Vec<usize> = (0..outcomes.len()).collect();
    order.sort_by_key(|&i| sites.rank[i]);
    let mut sums = vec![(Stages::default(), 0.0); t.strata.len()];
    for i in order {
        let (stages, xd) = &mut sums[sites.stratum[i] as usize];
        stages.add(&outcomes[i].stages);
        *xd += outcomes[i].xd;
    }
    t.strata
        .iter()
        .zip(sums)
        .map(|(st, (stages, xd))| totals(st, stages, xd, stages.contaminated * st.dens_per_m2))
        .collect()
}
