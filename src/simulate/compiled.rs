//! The scenario compiled for the hot loop: flat arrays, distributions resolved.
//!
//! Sites are stored as one array per field (structure of arrays), sorted once
//! in the work order, so that the trial loop streams through memory in order
//! and the land-release pass and the schedule are one loop.

use super::columns::{Cols, outputs_for};
use super::config::{ModelLevel, SimConfig};
use super::memory::Footprint;
use super::outputs::OutputDef;
use super::site_results::{SiteIds, SiteLabels};
use super::site_rows::{Rows, par_collect, reserved, site_count, try_collect};
use super::trial;
use crate::error::{Error, Result};
use crate::model::{Priority, Scenario, SiteSource, Stages};
use crate::sampling::{Correlation, Dist, QuantileFn, Sampler};
use rayon::prelude::*;

/// Entries in the per-site team-day multiplier table (8 random bits pick one).
pub(crate) const DIFFICULTY_CELLS: usize = 256;

pub(crate) struct SiteArrays {
    /// Site area as a share of its stratum's area (shares of a stratum sum to 1).
    pub weight: Vec<f64>,
    pub stratum: Vec<u32>,
    /// Key of the site's random stream (hash of its id): plans share it.
    pub key: Vec<u64>,
    /// Inventory status (CHA = true); `None` for synthetic sites, whose status is drawn.
    pub confirmed: Option<Vec<bool>>,
    /// 1 for farmland, 0 otherwise.
    pub agricultural: Vec<f64>,
    /// Exposed-population density relative to the inventory's average (area-weighted mean 1).
    pub exposure: Vec<f64>,
    /// Position of each site in the inventory (file order).
    pub original: Vec<u32>,
    /// Ids in file order: read from the inventory, or `None` for synthetic
    /// sites, whose ids (`region/hazard/n`) are made only when reported.
    pub ids: Option<Vec<String>>,
    /// Regions in file order.
    pub region_of_original: Vec<u32>,
    /// Strata in file order (synthetic sites are generated stratum by stratum).
    pub stratum_of_original: Vec<u32>,
    /// Without a schedule the order does not matter: sites are grouped by stratum
    /// and these are the ranges; with a schedule, `None` (work order).
    pub strata_ranges: Option<Vec<std::ops::Range<usize>>>,
    /// Per-site clearance team-day multipliers, mean exactly 1.
    pub difficulty: [f64; DIFFICULTY_CELLS],
    /// Each site's position in its stratum's work order, in (0, 1) (diminishing returns of survey).
    pub pos: Vec<f64>,
    /// With land that arrives later: the sites grouped by stratum, each stratum's in the work
    /// order (a stratum arriving over a window brings its sites in that order).
    pub by_stratum: Option<StrataLists>,
    pub reduction_spread: f64,
}

/// Sites grouped by stratum: stratum k's are `sites[start[k]..start[k + 1]]` (places in the work order).
pub(crate) struct StrataLists {
    pub sites: Vec<u32>,
    pub start: Vec<usize>,
}

impl StrataLists {
    /// The places of the sites of `stratum` (each site's stratum, in the work order) grouped by
    /// stratum, keeping the order: a counting sort.
    fn new(stratum: &[u32], n_strata: usize) -> Result<Self> {
        let mut start = vec![0usize; n_strata + 1];
        for &st in stratum {
            start[st as usize + 1] += 1;
        }
        for k in 1..=n_strata {
            start[k] += start[k - 1];
        }
        let mut next = start.clone();
        let mut sites: Vec<u32> = try_collect(stratum.len(), std::iter::repeat_n(0, stratum.len()))?;
        for (place, &st) in stratum.iter().enumerate() {
            sites[next[st as usize]] = place as u32;
            next[st as usize] += 1;
        }
        Ok(StrataLists { sites, start })
    }
}

pub(crate) struct Compiled<'s> {
    pub scenario: &'s Scenario,
    pub level: ModelLevel,
    pub sampler: Sampler,
    pub seed: u64,
    /// Quantile functions of the uncertain inputs.
    pub quantiles: Vec<QuantileFn>,
    /// Position of each input in the parameter table.
    pub input_slots: Vec<u32>,
    /// Every parameter's value, fixed ones exact (input slots are overwritten each trial).
    pub base_values: Vec<f64>,
    pub correlation: Option<&'s Correlation>,
    pub defs: Vec<OutputDef>,
    pub cols: Cols,
    /// Group index of each stratum's region (capacity), if any.
    pub group_of_stratum: Vec<usize>,
    /// Horizon in years when scheduled, 0 otherwise.
    pub horizon: usize,
    /// Years of yearly series kept per trial (the horizon for a scheduled site run, else 0).
    pub series_len: usize,
    pub sites: Option<SiteArrays>,
    /// Inventory CHA share per stratum (replaces `confirmed_fraction` for inventories).
    pub confirmed_override: Vec<Option<f64>>,
    /// True when some land comes into the workload after the start.
    pub has_arrivals: bool,
    /// True when money caps or buys the teams (funding, or a group's budget): then the money of a
    /// pool whose work is done goes to the pools still working, and the site schedule runs twice.
    pub reallocates: bool,
    /// What the run's memory depends on.
    pub footprint: Footprint,
    /// The reference engine's sites, when it computes the trials (site engine).
    pub reference: Option<super::reference::RefSites>,
    /// Which implementation computes the trials.
    pub engine: super::config::Engine,
}

impl SiteArrays {
    /// Every site's id (an inventory's, or synthetic: `region/hazard/n`, n counting
    /// from 1 within the stratum, kept as one prefix per stratum) and region, in file order.
    pub(crate) fn labels(&self, s: &Scenario) -> SiteLabels {
        let ids = if let Some(ids) = &self.ids {
            SiteIds::Given(ids.clone())
        } else {
            let mut runs = Vec::new();
            let mut current = u32::MAX;
            for (k, &si) in self.stratum_of_original.iter().enumerate() {
                if si != current {
                    let st = &s.strata()[si as usize];
                    runs.push((format!("{}/{}/", s.regions()[st.region].name, st.hazard), k as u64));
                    current = si;
                }
            }
            SiteIds::Synthetic { runs, len: self.stratum_of_original.len() as u64 }
        };
        SiteLabels {
            ids,
            region_names: s.regions().iter().map(|r| r.name.clone()).collect(),
            region_of: self.region_of_original.clone(),
        }
    }
}

impl<'s> Compiled<'s> {
    /// Compiles `scenario` for a run; `planned_trials` (0 when unknown) are
    /// checked against the memory limit with the sites before they are built.
    ///
    /// # Errors
    /// [`Error::OutOfMemory`] when the sites alone exceed the memory limit;
    /// [`Error::TooManyTrials`] when the planned trials do not fit with them;
    /// set-up errors (a synthetic inventory's parameters).
    pub(crate) fn new(s: &'s Scenario, config: &SimConfig, planned_trials: u64) -> Result<Self> {
        let mut c = Self::prepare(s, config);
        let limit = config.memory_limit_bytes;
        if c.footprint.sites > 0 && c.footprint.fixed().max(c.footprint.building()) > u128::from(limit) {
            let what = match s.sites().map(|sm| &sm.source) {
                Some(SiteSource::Inventory(inv)) => format!("sites.inventory: {} sites", inv.sites.len()),
                _ => format!("sites: {} sites", c.footprint.sites),
            };
            let bytes = c.footprint.fixed().max(c.footprint.building());
            return Err(Error::OutOfMemory { what, bytes, limit_bytes: Some(u128::from(limit)) });
        }
        let needed = c.footprint.total(planned_trials);
        if planned_trials > 0 && needed > u128::from(limit) {
            return Err(Error::TooManyTrials {
                requested: planned_trials,
                max: c.footprint.max_trials(limit),
                needed_bytes: needed,
                limit_bytes: u128::from(limit),
            });
        }
        if let (ModelLevel::Sites, Some(sm)) = (c.level, s.sites()) {
            c.sites = Some(c.build_sites(sm, config)?);
            if config.engine == super::config::Engine::Reference {
                let rows = Self::rows(s, sm, config)?;
                let priority = config.priority.or(s.capacity().map(|c| c.priority)).unwrap_or(Priority::AsGiven);
                let original = c.sites.as_ref().map_or(&[][..], |a| &a.original[..]);
                c.reference = Some(super::reference::RefSites::new(s, &c, rows, priority, original)?);
            }
        }
        Ok(c)
    }

    /// Everything but the site arrays (their count is in the footprint).
    pub(crate) fn prepare(s: &'s Scenario, config: &SimConfig) -> Self {
        let level = match config.model {
            Some(m) => m,
            None if s.sites().is_some() => ModelLevel::Sites,
            None => ModelLevel::Aggregate,
        };
        let level = if s.sites().is_none() { ModelLevel::Aggregate } else { level };
        let (defs, cols) = outputs_for(s, level == ModelLevel::Sites);
        let horizon = s.capacity().map_or(0, |c| c.horizon_years as usize);
        let series_len = if level == ModelLevel::Sites { horizon } else { 0 };
        let group_of_stratum = s.strata().iter().map(|st| s.regions()[st.region].capacity_group.unwrap_or(0)).collect();
        let params = s.params();
        let mut c = Compiled {
            scenario: s,
            level,
            sampler: config.sampler.unwrap_or(s.sampler()),
            seed: config.seed,
            quantiles: QuantileFn::many(&params.inputs().map(|i| &i.dist).collect::<Vec<_>>()),
            input_slots: params.input_indices().to_vec(),
            base_values: params.all().iter().map(|d| d.dist.fixed_value().unwrap_or(f64::NAN)).collect(),
            correlation: s.correlation(),
            defs,
            cols,
            group_of_stratum,
            horizon,
            series_len,
            sites: None,
            confirmed_override: vec![None; s.strata().len()],
            has_arrivals: s
                .strata()
                .iter()
                .any(|st| st.arrives_year.is_some() || matches!(st.area, crate::model::StratumArea::Added { .. })),
            reallocates: s.funding().is_some()
                || s.capacity().is_some_and(|c| c.groups.iter().any(|g| g.budget_per_year.is_some())),
            footprint: Footprint::new(0, 0, 0, 0, false, 1),
            reference: None,
            engine: config.engine,
        };
        let n_sites = match (level, s.sites()) {
            (ModelLevel::Sites, Some(sm)) => site_count(s, &sm.source),
            _ => 0,
        };
        let threads = config.threads.unwrap_or_else(rayon::current_num_threads);
        c.footprint = Footprint::new(
            c.cols.n,
            c.quantiles.len(),
            series_len,
            n_sites,
            s.capacity().is_some() && n_sites > 0,
            threads,
        );
        if let Some(SiteSource::Inventory(inv)) = s.sites().map(|sm| &sm.source) {
            let ids = inv.sites.iter().map(|r| r.id.as_str());
            c.footprint = c.footprint.with_inventory(ids, level == ModelLevel::Sites);
        }
        c
    }

    /// Expected cost per km² of suspected area of a stratum, at mean inputs (for
    /// priorities): the trial's own formulas evaluated at every parameter's mean.
    fn expected_cost_per_km2(&self, means: &[f64], si: usize) -> f64 {
        let mut groups = vec![trial::GroupCosts::default(); self.scenario.capacity().map_or(0, |c| c.groups.len())];
        let (g, rates) = trial::rates(self.scenario, means, &mut groups);
        let mut t = trial::StratumTrial::default();
        trial::stratum_trial(self, means, &rates, &g, &groups, 0.0, si, &mut t);
        let stages = Stages::release(1e6, t.conf, t.cancel, t.reduce, t.contaminated);
        t.rates.cost(&stages, stages.to_clear).total()
    }

    /// The site rows in file (or generation) order.
    fn rows(s: &Scenario, sites: &crate::model::SitesModel, config: &SimConfig) -> Result<Rows> {
        match &sites.source {
            SiteSource::Inventory(inv) => Rows::inventory(inv),
            SiteSource::Synthetic { count, seed, .. } => {
                Rows::synthetic(s, &sites.source, *count, seed.unwrap_or(config.seed))
            }
        }
    }

    fn build_sites(&mut self, sites: &crate::model::SitesModel, config: &SimConfig) -> Result<SiteArrays> {
        let s = self.scenario;
        let rows = Self::rows(s, sites, config)?;
        if let SiteSource::Inventory(inv) = &sites.source {
            // The inventory's CHA share replaces the stratum's confirmed fraction.
            {
                let mut cha = vec![0.0; s.strata().len()];
                for r in &inv.sites {
                    if r.confirmed {
                        cha[r.stratum] += r.area_m2;
                    }
                }
                for (si, c) in cha.iter().enumerate() {
                    let total = inv.stratum_area_m2(si);
                    if total > 0.0 {
                        self.confirmed_override[si] = Some(c / total);
                    }
                }
            }
        }
        let Rows {
            weight,
            stratum,
            key,
            confirmed,
            agricultural,
            population,
            area_expected_km2,
            priority_col,
            ids,
            region_of,
        } = rows;
        let n = weight.len();
        // Exposure: population density relative to the area-weighted average.
        let total_area: f64 = area_expected_km2.iter().sum();
        let total_pop: f64 = population.iter().sum();
        let exposure: Vec<f64> = par_collect(
            n,
            (0..n).into_par_iter().map(|i| {
                if total_pop > 0.0 && area_expected_km2[i] > 0.0 {
                    (population[i] / area_expected_km2[i]) / (total_pop / total_area)
                } else {
                    1.0
                }
            }),
        )?;
        // Work order.
        let priority = config.priority.or(s.capacity().map(|c| c.priority)).unwrap_or(Priority::AsGiven);
        let n32 = u32::try_from(n)
            .map_err(|_| Error::invalid("sites", n as f64, format!("a run holds at most {} sites", u32::MAX)))?;
        // Sorted on direct keys (the priority's order as an integer, then the position: the order
        // a stable sort gives) with an unstable sort: no comparisons through the arrays. The keys
        // are distinct, so any correct sort (parallel or not) gives the one order whatever the threads.
        let order = {
            let mut keys = match priority {
                Priority::AsGiven => match &priority_col {
                    Some(p) => sort_keys(n32, |i| ascending(p[i]))?,
                    // Synthetic sites as generated: the row number from 1, as an inventory without priorities.
                    None => sort_keys(n32, |i| ascending((i + 1) as f64))?,
                },
                Priority::CasualtyRisk => sort_keys(n32, |i| !ascending(exposure[i]))?,
                Priority::SmallestFirst => sort_keys(n32, |i| ascending(area_expected_km2[i]))?,
                Priority::ValuePerCost => {
                    let means = s.params().means();
                    let cost: Vec<f64> =
                        (0..s.strata().len()).map(|si| self.expected_cost_per_km2(&means, si)).collect();
                    sort_keys(n32, |i| !ascending(agricultural[i] / cost[stratum[i] as usize].max(1e-12)))?
                }
            };
            // The standard library's sort is the faster one on a single thread.
            if rayon::current_num_threads() > 1 {
                keys.par_sort_unstable();
            } else {
                keys.sort_unstable();
            }
            // Without a schedule, sites are grouped by stratum (keeping the order within each) so
            // the bill pass keeps one stratum's parameters and sums in registers.
            if s.capacity().is_none() {
                group_by_stratum(&keys, &stratum, s.strata().len())?
            } else {
                par_collect(n, keys.par_iter().map(|&(_, i)| i))?
            }
        };
        drop((population, area_expected_km2, priority_col));
        let strata_ranges = if s.capacity().is_none() {
            let mut ranges = vec![0..0; s.strata().len()];
            let mut start = 0;
            for (si, range) in ranges.iter_mut().enumerate() {
                let end = start + order[start..].iter().take_while(|&&i| stratum[i as usize] as usize == si).count();
                *range = start..end;
                start = end;
            }
            Some(ranges)
        } else {
            None
        };
        // Difficulty table: stratified quantiles of LogNormal(mean 1, cv), rescaled to mean exactly 1.
        let mut difficulty = [1.0; DIFFICULTY_CELLS];
        if sites.team_day_cv() > 0.0 {
            let d = Dist::lognormal_mean_cv(1.0, sites.team_day_cv())?;
            for (k, x) in difficulty.iter_mut().enumerate() {
                *x = d.quantile((k as f64 + 0.5) / DIFFICULTY_CELLS as f64);
            }
            let mean = difficulty.iter().sum::<f64>() / DIFFICULTY_CELLS as f64;
            for x in &mut difficulty {
                *x /= mean;
            }
        }
        // Positions in (0, 1) within each stratum's work order: survey's diminishing returns,
        // and when a stratum arriving over a window brings each site.
        let n_strata = s.strata().len();
        let mut count = vec![0usize; n_strata];
        for &st in &stratum {
            count[st as usize] += 1;
        }
        let position = |sequence: &mut dyn Iterator<Item = u32>, into: &mut Vec<f64>| {
            let mut seen = vec![0usize; n_strata];
            into.clear();
            into.extend(sequence.take(n).map(|st| {
                let st = st as usize;
                seen[st] += 1;
                (seen[st] as f64 - 0.5) / count[st] as f64
            }));
        };
        // The columns are put in work order through one spare column: each gathered column's old
        // storage becomes the next one's, so fresh memory is touched once, not once per column.
        let mut spare = reserved::<f64>(n)?;
        let weight = gather(weight, &order, &mut spare);
        let agricultural = gather(agricultural, &order, &mut spare);
        let exposure = gather(exposure, &order, &mut spare);
        let stratum_sorted = par_collect(n, order.par_iter().map(|&i| stratum[i as usize]))?;
        let mut pos = spare;
        position(&mut stratum_sorted.iter().copied(), &mut pos);
        let by_stratum = if self.has_arrivals { Some(StrataLists::new(&stratum_sorted, n_strata)?) } else { None };
        Ok(SiteArrays {
            pos,
            by_stratum,
            weight,
            stratum: stratum_sorted,
            key: par_collect(n, order.par_iter().map(|&i| key[i as usize]))?,
            confirmed: confirmed.map(|c| par_collect(n, order.par_iter().map(|&i| c[i as usize]))).transpose()?,
            agricultural,
            exposure,
            original: order,
            strata_ranges,
            ids,
            region_of_original: region_of,
            stratum_of_original: stratum,
            difficulty,
            reduction_spread: sites.reduction_spread(),
        })
    }

    /// Bytes per trial (outputs, inputs and series kept, and what the summaries copy).
    pub(crate) fn bytes_per_trial(&self) -> u64 {
        self.footprint.per_trial
    }
}

/// `values` in the order `order` (positions into `values`), written into `spare`'s storage;
/// `values`' storage becomes the new spare.
fn gather(values: Vec<f64>, order: &[u32], spare: &mut Vec<f64>) -> Vec<f64> {
    let mut out = std::mem::replace(spare, values);
    out.clear();
    // `out` holds room for every site (each column has one value per site): no allocation.
    out.par_extend(order.par_iter().map(|&i| spare[i as usize]));
    out
}

/// (key of site `i`, `i`) for every site, to be sorted.
fn sort_keys(n: u32, key: impl Fn(usize) -> u64 + Sync) -> Result<Vec<(u64, u32)>> {
    par_collect(n as usize, (0..n).into_par_iter().map(|i| (key(i as usize), i)))
}

/// An integer whose unsigned order is [`f64::total_cmp`]'s order of `x`.
fn ascending(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// The sites of `keys` (sorted) grouped by stratum, each stratum's in their
/// sorted order: a counting sort, stable, as a stable sort by stratum gives.
fn group_by_stratum(keys: &[(u64, u32)], stratum: &[u32], n_strata: usize) -> Result<Vec<u32>> {
    let mut start = vec![0usize; n_strata + 1];
    for &st in stratum {
        start[st as usize + 1] += 1;
    }
    for k in 1..=n_strata {
        start[k] += start[k - 1];
    }
    let mut order: Vec<u32> = try_collect(keys.len(), std::iter::repeat_n(0, keys.len()))?;
    for &(_, i) in keys {
        let slot = &mut start[stratum[i as usize] as usize];
        order[*slot] = i;
        *slot += 1;
    }
    Ok(order)
}
