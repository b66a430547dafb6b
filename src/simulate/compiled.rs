//! The scenario compiled for the hot loop: flat arrays, distributions resolved.
//!
//! Sites are stored as one array per field (structure of arrays), sorted once
//! in the work order, so that the trial loop streams through memory in order
//! and the land-release pass and the schedule are one loop.

use super::columns::{Cols, outputs_for};
use super::config::{ModelLevel, SimConfig};
use super::outputs::OutputDef;
use super::memory::Footprint;
use super::trial;
use crate::error::{Error, Result};
use crate::model::{LandUse, Priority, Scenario, SiteSource, Stages};
use crate::sampling::stream::{GOLDEN, mix64, name_key, unit_open};
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
    /// Each site's position in its stratum's list (file or generation order), in (0, 1) (arrival in time).
    pub frac: Vec<f64>,
    pub reduction_spread: f64,
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
}

impl SiteArrays {
    /// The id of the site at file position `k` (synthetic: `region/hazard/n`).
    pub(crate) fn id(&self, k: usize, s: &Scenario) -> String {
        match &self.ids {
            Some(ids) => ids[k].clone(),
            None => {
                let si = self.stratum_of_original[k] as usize;
                let st = &s.strata()[si];
                let first = self.stratum_of_original.partition_point(|&x| (x as usize) < si);
                format!("{}/{}/{}", s.regions()[st.region].name, st.hazard, k - first + 1)
            }
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
        if c.footprint.fixed().max(c.footprint.building()) > u128::from(limit) {
            let what = match s.sites().map(|sm| &sm.source) {
                Some(SiteSource::Inventory(inv)) => format!("sites.inventory: {} sites", inv.sites.len()),
                _ => format!("sites: {} sites", c.footprint.sites),
            };
            let bytes = c.footprint.fixed().max(c.footprint.building());
            return Err(Error::OutOfMemory { what, bytes, limit_bytes: Some(u128::from(limit)) });
        }
        let needed = c.footprint.total(planned_trials);
        if needed > u128::from(limit) {
            return Err(Error::TooManyTrials {
                requested: planned_trials,
                max: c.footprint.max_trials(limit),
                needed_bytes: needed,
                limit_bytes: u128::from(limit),
            });
        }
        if let (ModelLevel::Sites, Some(sm)) = (c.level, s.sites()) {
            c.sites = Some(c.build_sites(sm, config)?);
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
            quantiles: params.inputs().map(|i| QuantileFn::new(&i.dist)).collect(),
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
        };
        let n_sites = match (level, s.sites()) {
            (ModelLevel::Sites, Some(sm)) => site_count(s, &sm.source),
            _ => 0,
        };
        let threads = config.threads.unwrap_or_else(rayon::current_num_threads);
        c.footprint =
            Footprint::new(c.cols.n, c.quantiles.len(), series_len, n_sites, s.capacity().is_some() && n_sites > 0, threads);
        c
    }

    /// Expected cost per km² of suspected area of a stratum, at mean inputs (for
    /// priorities): the trial's own formulas evaluated at every parameter's mean.
    fn expected_cost_per_km2(&self, means: &[f64], si: usize) -> f64 {
        let mut groups =
            vec![trial::economics::GroupCosts::default(); self.scenario.capacity().map_or(0, |c| c.groups.len())];
        let (g, rates) = trial::rates(self.scenario, means, &mut groups);
        let mut t = trial::StratumTrial::default();
        trial::stratum_trial(self, means, &rates, &g, &groups, 0.0, si, &mut t);
        let stages = Stages::release(1e6, t.conf, t.cancel, t.reduce, t.contaminated);
        t.rates.cost(&stages, stages.to_clear).total()
    }

    fn build_sites(&mut self, sites: &crate::model::SitesModel, config: &SimConfig) -> Result<SiteArrays> {
        let s = self.scenario;
        let rows = match &sites.source {
            SiteSource::Inventory(inv) => {
                let rows = Rows::inventory(inv);
                // The inventory's CHA share replaces the stratum's confirmed fraction.
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
                rows
            }
            SiteSource::Synthetic { count, seed, .. } => {
                Rows::synthetic(s, &sites.source, *count, seed.unwrap_or(config.seed))?
            }
        };
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
        let exposure: Vec<f64> = (0..n)
            .map(|i| {
                if total_pop > 0.0 && area_expected_km2[i] > 0.0 {
                    (population[i] / area_expected_km2[i]) / (total_pop / total_area)
                } else {
                    1.0
                }
            })
            .collect();
        // Work order.
        let priority = config.priority.or(s.capacity().map(|c| c.priority)).unwrap_or(Priority::AsGiven);
        let n32 = u32::try_from(n).map_err(|_| {
            Error::invalid("sites", n as f64, format!("a run holds at most {} sites", u32::MAX))
        })?;
        let mut order: Vec<u32> = (0..n32).collect();
        match priority {
            Priority::AsGiven => order.sort_by(|&a, &b| priority_col[a as usize].total_cmp(&priority_col[b as usize])),
            Priority::CasualtyRisk => order.sort_by(|&a, &b| exposure[b as usize].total_cmp(&exposure[a as usize])),
            Priority::SmallestFirst => {
                order.sort_by(|&a, &b| area_expected_km2[a as usize].total_cmp(&area_expected_km2[b as usize]));
            }
            Priority::ValuePerCost => {
                let means = s.params().means();
                let cost: Vec<f64> = (0..s.strata().len()).map(|si| self.expected_cost_per_km2(&means, si)).collect();
                let v = |i: usize| agricultural[i] / cost[stratum[i] as usize].max(1e-12);
                order.sort_by(|&a, &b| v(b as usize).total_cmp(&v(a as usize)));
            }
        }
        // Without a schedule, group sites by stratum (stable) so the bill pass keeps one
        // stratum's parameters and sums in registers.
        let strata_ranges = if s.capacity().is_none() {
            order.sort_by_key(|&i| stratum[i as usize]);
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
        let pick_f = |v: &[f64]| order.iter().map(|&i| v[i as usize]).collect::<Vec<_>>();
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
        // Positions in (0, 1) within each stratum: in the list (file or
        // generation order) for arrivals, in the work order for survey's
        // diminishing returns.
        let n_strata = s.strata().len();
        let mut count = vec![0usize; n_strata];
        for &st in &stratum {
            count[st as usize] += 1;
        }
        let position = |sequence: &mut dyn Iterator<Item = u32>| -> Vec<f64> {
            let mut seen = vec![0usize; n_strata];
            sequence
                .map(|st| {
                    let st = st as usize;
                    seen[st] += 1;
                    (seen[st] as f64 - 0.5) / count[st] as f64
                })
                .collect()
        };
        let frac_file = position(&mut stratum.iter().copied());
        let pos = position(&mut order.iter().map(|&i| stratum[i as usize]));
        Ok(SiteArrays {
            pos,
            frac: pick_f(&frac_file),
            weight: pick_f(&weight),
            stratum: order.iter().map(|&i| stratum[i as usize]).collect(),
            key: order.iter().map(|&i| key[i as usize]).collect(),
            confirmed: confirmed.map(|c| order.iter().map(|&i| c[i as usize]).collect()),
            agricultural: pick_f(&agricultural),
            exposure: pick_f(&exposure),
            original: order,
            strata_ranges,
            ids,
            region_of_original: region_of,
            stratum_of_original: stratum.clone(),
            difficulty,
            reduction_spread: sites.reduction_spread(),
        })
    }

    /// Bytes per trial (outputs, inputs and series kept, and what the summaries copy).
    pub(crate) fn bytes_per_trial(&self) -> u64 {
        self.footprint.per_trial
    }
}

/// Site rows in file (or generation) order, before the work order is applied.
#[derive(Default)]
struct Rows {
    weight: Vec<f64>,
    stratum: Vec<u32>,
    key: Vec<u64>,
    confirmed: Option<Vec<bool>>,
    agricultural: Vec<f64>,
    population: Vec<f64>,
    area_expected_km2: Vec<f64>,
    priority_col: Vec<f64>,
    ids: Option<Vec<String>>,
    region_of: Vec<u32>,
}

impl Rows {
    /// Reserves room for `n` more rows (synthetic: no ids, no status).
    fn reserve(&mut self, n: usize) -> Result<()> {
        let fail = |_| oom("sites", n as u128 * 56);
        self.weight.try_reserve_exact(n).map_err(fail)?;
        self.stratum.try_reserve_exact(n).map_err(fail)?;
        self.key.try_reserve_exact(n).map_err(fail)?;
        self.agricultural.try_reserve_exact(n).map_err(fail)?;
        self.population.try_reserve_exact(n).map_err(fail)?;
        self.area_expected_km2.try_reserve_exact(n).map_err(fail)?;
        self.priority_col.try_reserve_exact(n).map_err(fail)?;
        self.region_of.try_reserve_exact(n).map_err(fail)
    }

    /// An inventory's rows: weights are shares of their stratum's area.
    fn inventory(inv: &crate::model::Inventory) -> Rows {
        let mut r = Rows { confirmed: Some(Vec::with_capacity(inv.sites.len())), ..Rows::default() };
        for (k, site) in inv.sites.iter().enumerate() {
            r.weight.push(site.area_m2 / inv.stratum_area_m2(site.stratum));
            r.stratum.push(site.stratum as u32);
            r.key.push(name_key(&site.id));
            r.confirmed.get_or_insert_with(Vec::new).push(site.confirmed);
            r.agricultural.push(if site.land_use == LandUse::Agriculture { 1.0 } else { 0.0 });
            r.population.push(site.population);
            r.area_expected_km2.push(site.area_m2 / 1e6);
            r.priority_col.push(site.priority.unwrap_or(k as f64));
            r.ids.get_or_insert_with(Vec::new).push(site.id.clone());
            r.region_of.push(site.region as u32);
        }
        r
    }

    /// Synthetic sites, stratum by stratum: `count` split by expected area,
    /// population density by region (relative to the national average).
    fn synthetic(s: &Scenario, source: &SiteSource, count: u64, seed: u64) -> Result<Rows> {
        let gen_key = mix64(seed ^ 0x005E_ED0F_1A7E_5173);
        let (size_cv, population_cv) = (source.size_cv(), source.population_cv());
        let mean_area: Vec<f64> = s.strata().iter().map(|st| s.mean_area_km2(st.area)).collect();
        let counts = split_count(count, &mean_area, s.strata().iter().map(|st| st.site_count).collect());
        let total = usize::try_from(counts.iter().fold(0u64, |a, &b| a.saturating_add(b)))
            .map_err(|_| oom("sites", u128::from(count) * 56))?;
        let size = if size_cv > 0.0 { Some(Dist::lognormal_mean_cv(1.0, size_cv)?) } else { None };
        let noise = if population_cv > 0.0 { Some(Dist::lognormal_mean_cv(1.0, population_cv)?) } else { None };
        let regions = s.regions();
        let region_area: Vec<f64> = regions.iter().map(|r| r.strata.clone().map(|si| mean_area[si]).sum()).collect();
        let all_pop = regions.iter().all(|r| r.population_exposed.is_some());
        let total_pop: f64 = regions.iter().filter_map(|r| r.population_exposed).sum();
        let total_area: f64 = region_area.iter().sum();
        // Each site's values depend only on (seed, stratum, index), so the strata
        // are generated in parallel and concatenated in order.
        let per_stratum: Vec<SyntheticStratum> = s
            .strata()
            .par_iter()
            .enumerate()
            .map(|(si, st)| {
                let region = &regions[st.region];
                let density = if all_pop && total_pop > 0.0 && region_area[st.region] > 0.0 {
                    (region.population_exposed.unwrap_or(0.0) / region_area[st.region]) / (total_pop / total_area)
                } else {
                    1.0
                };
                synthetic_stratum(
                    usize::try_from(counts[si]).map_err(|_| oom("sites", u128::from(counts[si]) * 40))?,
                    name_key(&st.path),
                    gen_key,
                    size.as_ref(),
                    noise.as_ref(),
                    region.farmland_share(),
                    density,
                    mean_area[si],
                )
            })
            .collect::<Result<_>>()?;
        let mut r = Rows::default();
        r.reserve(total)?;
        for (si, (st, g)) in s.strata().iter().zip(per_stratum).enumerate() {
            let n = g.weight.len();
            r.priority_col.extend((0..n).map(|j| (r.weight.len() + j + 1) as f64));
            r.stratum.extend(std::iter::repeat_n(si as u32, n));
            r.region_of.extend(std::iter::repeat_n(st.region as u32, n));
            r.weight.extend(g.weight);
            r.key.extend(g.key);
            r.agricultural.extend(g.agricultural);
            r.population.extend(g.population);
            r.area_expected_km2.extend(g.area_km2);
        }
        Ok(r)
    }
}

/// One stratum's synthetic sites.
struct SyntheticStratum {
    weight: Vec<f64>,
    key: Vec<u64>,
    agricultural: Vec<f64>,
    population: Vec<f64>,
    area_km2: Vec<f64>,
}

/// Generates `n` sites: lognormal sizes normalised to shares of the stratum,
/// farmland with probability `agricultural_share`, and exposed population =
/// region density × lognormal noise × expected area.
#[allow(clippy::too_many_arguments)]
fn synthetic_stratum(
    n: usize,
    skey: u64,
    gen_key: u64,
    size: Option<&Dist>,
    noise: Option<&Dist>,
    agricultural_share: f64,
    density: f64,
    mean_area_km2: f64,
) -> Result<SyntheticStratum> {
    let mut g = SyntheticStratum {
        weight: Vec::new(),
        key: Vec::new(),
        agricultural: Vec::new(),
        population: Vec::new(),
        area_km2: Vec::new(),
    };
    let fail = |_| oom("sites", n as u128 * 40);
    g.weight.try_reserve_exact(n).map_err(fail)?;
    g.key.try_reserve_exact(n).map_err(fail)?;
    g.agricultural.try_reserve_exact(n).map_err(fail)?;
    g.population.try_reserve_exact(n).map_err(fail)?;
    g.area_km2.try_reserve_exact(n).map_err(fail)?;
    for j in 0..n as u64 {
        let h = mix64(gen_key ^ skey ^ j.wrapping_mul(GOLDEN));
        g.weight.push(size.map_or(1.0, |d| d.quantile(unit_open(h))));
        g.key.push(mix64(skey ^ (j + 1).wrapping_mul(GOLDEN)));
        let h2 = mix64(h ^ 0xA61C_0FFE);
        g.agricultural.push(if unit_open(h2) < agricultural_share { 1.0 } else { 0.0 });
        g.population.push(density * noise.map_or(1.0, |d| d.quantile(unit_open(mix64(h2 ^ 0x9E37)))));
    }
    let sum: f64 = g.weight.iter().sum();
    for (w, p) in g.weight.iter_mut().zip(g.population.iter_mut()) {
        *w /= sum;
        let area = *w * mean_area_km2;
        g.area_km2.push(area);
        // population held as density × area so the same formula serves inventories
        *p *= area;
    }
    Ok(g)
}

/// An allocation of `bytes` for `what` that failed.
fn oom(what: &str, bytes: u128) -> Error {
    Error::OutOfMemory { what: what.to_string(), bytes, limit_bytes: None }
}

/// The number of sites a run builds from `source` (saturating: an absurd count is refused by the memory check).
pub(crate) fn site_count(s: &Scenario, source: &SiteSource) -> u64 {
    match source {
        SiteSource::Inventory(inv) => inv.sites.len() as u64,
        SiteSource::Synthetic { count, .. } => {
            let mean_area: Vec<f64> = s.strata().iter().map(|st| s.mean_area_km2(st.area)).collect();
            split_count(*count, &mean_area, s.strata().iter().map(|st| st.site_count).collect())
                .iter()
                .fold(0, |a: u64, &b| a.saturating_add(b))
        }
    }
}

/// Splits `total` sites between strata in proportion to expected area (largest
/// remainders; at least one site per stratum with area); explicit counts win.
/// Areas are taken relative to the largest, so any finite areas (even 1e308
/// km², whose sum overflows) split exactly; a non-finite or negative area counts as 0.
fn split_count(total: u64, area: &[f64], explicit: Vec<Option<u64>>) -> Vec<u64> {
    let fixed: u64 = explicit.iter().flatten().fold(0, |a: u64, &b| a.saturating_add(b));
    let free = total.saturating_sub(fixed);
    let usable = |a: f64| if a.is_finite() && a > 0.0 { a } else { 0.0 };
    let largest = area.iter().map(|&a| usable(a)).fold(0.0, f64::max);
    let rel = |a: f64| if largest > 0.0 { usable(a) / largest } else { 0.0 };
    let free_area: f64 = area.iter().zip(&explicit).filter(|(_, e)| e.is_none()).map(|(a, _)| rel(*a)).sum();
    let mut counts = vec![0u64; area.len()];
    let mut rema = Vec::new();
    let mut given: u64 = 0;
    for (i, (a, e)) in area.iter().zip(&explicit).enumerate() {
        if let Some(n) = e {
            counts[i] = *n;
            continue;
        }
        // A share in [0, 1] of `free`: never above it, so the conversion cannot saturate.
        let exact = if free_area > 0.0 { (free as f64 * (rel(*a) / free_area)).min(free as f64) } else { 0.0 };
        counts[i] = exact.floor() as u64;
        given = given.saturating_add(counts[i]);
        rema.push((exact - exact.floor(), i));
    }
    rema.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let left = usize::try_from(free.saturating_sub(given)).unwrap_or(usize::MAX);
    for (_, i) in rema.iter().take(left) {
        counts[*i] += 1;
    }
    for (i, c) in counts.iter_mut().enumerate() {
        if *c == 0 && usable(area[i]) > 0.0 {
            *c = 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_count_adds_up_and_follows_area() {
        let c = split_count(100, &[1.0, 2.0, 7.0], vec![None, None, None]);
        assert_eq!(c, vec![10, 20, 70]);
        let c = split_count(10, &[1.0, 1.0, 1.0], vec![None, None, None]);
        assert_eq!(c.iter().sum::<u64>(), 10);
        let c = split_count(10, &[1.0, 1.0], vec![Some(3), None]);
        assert_eq!(c, vec![3, 7]);
        let c = split_count(2, &[1.0, 1000.0, 0.0], vec![None, None, None]);
        assert_eq!(c, vec![1, 2, 0]);
        // Areas whose sum overflows still split by their ratio.
        let c = split_count(1000, &[1e308, 1e308, f64::MAX], vec![None, None, None]);
        assert_eq!(c.iter().sum::<u64>(), 1000, "{c:?}");
        assert!(c.iter().all(|&n| n <= 1000), "{c:?}");
        let c = split_count(10, &[f64::INFINITY, f64::NAN, 1.0], vec![None, None, Some(u64::MAX)]);
        assert_eq!(c, vec![0, 0, u64::MAX]);
    }
}
