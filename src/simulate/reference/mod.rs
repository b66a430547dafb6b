//! The reference engine: the model of docs/MODEL.md and docs/ECONOMICS.md written
//! plainly, a year at a time and a site or pool at a time, with no fast path and no
//! closed form. It is slow on purpose: every fast path of [`super::trial`] must give
//! its outputs (`tests/equivalence.rs`), so a rule is checked by being stated twice in
//! different ways, once here for people to read beside the docs.
//!
//! Its stages, one file each, each taking the previous one's result:
//! [`strata`] (each stratum's values in the trial) → [`release`] (land release of
//! strata or sites, the cost of the work) → [`schedule`] (sites through their pools,
//! site engine) or [`aggregate`] (pools as fluids) → [`years`] (the yearly plan and
//! bill) → the output row ([`row`]).
//!
//! What it shares with the default engine is what is not a fast path: the trial's input
//! values (drawn by the engine), the model's own algebra (`crate::model`), the synthetic
//! sites (generated once per run) and the output catalogue.

// Years, groups and pools are indexed as the docs write them (y, g, p), not iterated.
#![allow(clippy::needless_range_loop)]

mod aggregate;
mod plan;
mod release;
mod row;
mod schedule;
mod strata;
mod years;

use super::compiled::Compiled;
use super::engine::SiteAcc;
use super::series::YearValues;
use super::site_rows::Rows;
use crate::error::Result;
use crate::model::{Priority, Scenario, Stages};
use crate::sampling::Dist;

/// The sites in file (or generation) order, with what the reference needs of each.
pub(crate) struct RefSites {
    /// Share of its stratum's area.
    weight: Vec<f64>,
    stratum: Vec<u32>,
    /// Key of its random numbers.
    key: Vec<u64>,
    /// Inventory status (CHA), `None` for synthetic sites.
    confirmed: Option<Vec<bool>>,
    /// 1 for farmland.
    agricultural: Vec<f64>,
    /// Exposed-population density relative to the average.
    exposure: Vec<f64>,
    /// Its rank in the work order (0 first).
    rank: Vec<usize>,
    /// Its position in (0, 1) in its stratum's work order.
    position: Vec<f64>,
    /// Its place in the default engine's arrays (for the per-site counters).
    sorted: Vec<u32>,
    /// Clearance team-day multipliers by cell.
    difficulty: Vec<f64>,
    /// Spread of the reduced fraction between sites.
    spread: f64,
}

impl RefSites {
    /// The sites of `s`, ordered by the scenario's (or `priority`'s) work order; `original`
    /// maps the default engine's places to file order.
    pub(in crate::simulate) fn new(
        s: &Scenario,
        c: &Compiled<'_>,
        rows: Rows,
        priority: Priority,
        original: &[u32],
    ) -> Result<RefSites> {
        let sm = s.sites().ok_or_else(|| crate::Error::invalid("sites", 0.0, "the reference needs sites"))?;
        let n = rows.weight.len();
        let total_area: f64 = rows.area_expected_km2.iter().sum();
        let total_pop: f64 = rows.population.iter().sum();
        let exposure: Vec<f64> = (0..n)
            .map(|i| {
                let (pop, area) = (rows.population[i], rows.area_expected_km2[i]);
                if total_pop > 0.0 && area > 0.0 { (pop / area) / (total_pop / total_area) } else { 1.0 }
            })
            .collect();
        // The work order: a stable sort by the priority's key, ties in file order.
        let mut order: Vec<usize> = (0..n).collect();
        match priority {
            Priority::AsGiven => {
                // Synthetic sites as generated; an inventory by its priorities.
                if let Some(p) = &rows.priority_col {
                    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
                }
            }
            Priority::CasualtyRisk => order.sort_by(|&a, &b| exposure[b].total_cmp(&exposure[a])),
            Priority::SmallestFirst => {
                let area = &rows.area_expected_km2;
                order.sort_by(|&a, &b| area[a].total_cmp(&area[b]));
            }
            Priority::ValuePerCost => {
                let cost = strata::cost_per_km2_at_means(c);
                let value = |i: usize| rows.agricultural[i] / cost[rows.stratum[i] as usize].max(1e-12);
                order.sort_by(|&a, &b| value(b).total_cmp(&value(a)));
            }
        }
        let mut rank = vec![0; n];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r;
        }
        let n_strata = s.strata().len();
        let mut count = vec![0usize; n_strata];
        for &st in &rows.stratum {
            count[st as usize] += 1;
        }
        let mut seen = vec![0usize; n_strata];
        let mut position = vec![0.0; n];
        for &i in &order {
            let st = rows.stratum[i] as usize;
            seen[st] += 1;
            position[i] = (seen[st] as f64 - 0.5) / count[st] as f64;
        }
        let mut sorted = vec![0u32; n];
        for (place, &i) in original.iter().enumerate() {
            sorted[i as usize] = place as u32;
        }
        let mut difficulty = vec![1.0; super::compiled::DIFFICULTY_CELLS];
        if sm.team_day_cv() > 0.0 {
            // Stratified quantiles of a lognormal of mean 1, rescaled to mean exactly 1.
            let d = Dist::lognormal_mean_cv(1.0, sm.team_day_cv())?;
            let cells = difficulty.len() as f64;
            for (k, x) in difficulty.iter_mut().enumerate() {
                *x = d.quantile((k as f64 + 0.5) / cells);
            }
            let mean = difficulty.iter().sum::<f64>() / cells;
            for x in &mut difficulty {
                *x /= mean;
            }
        }
        Ok(RefSites {
            weight: rows.weight,
            stratum: rows.stratum,
            key: rows.key,
            confirmed: rows.confirmed,
            agricultural: rows.agricultural,
            exposure,
            rank,
            position,
            sorted,
            difficulty,
            spread: sm.reduction_spread(),
        })
    }
}

/// A stratum's totals in the trial: its areas by stage, its area to clear times the
/// team-day multipliers, the items found and missed, the residual.
#[derive(Clone, Copy, Debug, Default)]
struct Totals {
    stages: Stages,
    /// Area to clear × team-day multiplier, the residual included (m²-equivalents).
    xd: f64,
    items: f64,
    items_missed: f64,
    residual: f64,
}

/// Runs one trial with every parameter's value in `v`: writes its output row, its yearly
/// series (site engine with a schedule) and adds its release times to `site_acc`.
pub(crate) fn run_trial(
    c: &Compiled<'_>,
    sites: Option<&RefSites>,
    v: &[f64],
    noise_key: u64,
    site_acc: &mut SiteAcc,
    row: &mut [f64],
    series: &mut [YearValues],
) {
    let trial = strata::Trial::new(c, v);
    row.fill(0.0);
    match sites {
        None => {
            let totals: Vec<Totals> = trial.strata.iter().map(release::stratum_totals).collect();
            row::write_bill(c, &trial, &totals, row);
            if c.scenario.capacity().is_some() {
                let programme = aggregate::run(c, &trial, &totals);
                row::write_aggregate_schedule(c, &trial, &programme, row);
            }
        }
        Some(sites) => {
            let outcomes = release::site_outcomes(&trial, sites, noise_key);
            let totals = release::site_totals(&trial, sites, &outcomes);
            row::write_bill(c, &trial, &totals, row);
            if c.scenario.capacity().is_some() {
                let done = schedule::run(c, &trial, sites, &outcomes);
                for (i, t) in done.release.iter().enumerate() {
                    if *t < c.horizon as f64 {
                        let place = sites.sorted[i] as usize;
                        site_acc.sum_t[place] += (t * super::trial::TIME_FIXED) as u64;
                        site_acc.released[place] += 1;
                    }
                }
                let y = years::site_years(c, &trial, sites, &outcomes, &done);
                row::write_site_schedule(c, &trial, &y, row, series);
            }
        }
    }
}
