//! The rows of the site model before the work order is applied: an
//! inventory's, or synthetic sites generated stratum by stratum; and the
//! split of a site count between strata. Every size is checked: counts
//! saturate, and the arrays are reserved with `try_reserve` (an allocation
//! that fails is an [`Error::OutOfMemory`] with its size).

use crate::error::{Error, Result};
use crate::model::{LandUse, Scenario, SiteSource};
use crate::sampling::Dist;
use crate::sampling::stream::{GOLDEN, mix64, name_key, unit_open};
use rayon::prelude::*;

/// Site rows in file (or generation) order, before the work order is applied.
#[derive(Default)]
pub(super) struct Rows {
    pub weight: Vec<f64>,
    pub stratum: Vec<u32>,
    pub key: Vec<u64>,
    pub confirmed: Option<Vec<bool>>,
    pub agricultural: Vec<f64>,
    pub population: Vec<f64>,
    pub area_expected_km2: Vec<f64>,
    /// An inventory's priorities (its `priority` column, else the row number); `None` for
    /// synthetic sites, whose order as given is the generation order.
    pub priority_col: Option<Vec<f64>>,
    pub ids: Option<Vec<String>>,
    pub region_of: Vec<u32>,
}

impl Rows {
    /// Reserves room for `n` more rows (all but the ids and statuses).
    fn reserve(&mut self, n: usize) -> Result<()> {
        let fail = |_| oom("sites", n as u128 * 48);
        self.weight.try_reserve_exact(n).map_err(fail)?;
        self.stratum.try_reserve_exact(n).map_err(fail)?;
        self.key.try_reserve_exact(n).map_err(fail)?;
        self.agricultural.try_reserve_exact(n).map_err(fail)?;
        self.population.try_reserve_exact(n).map_err(fail)?;
        self.area_expected_km2.try_reserve_exact(n).map_err(fail)?;
        self.region_of.try_reserve_exact(n).map_err(fail)
    }

    /// An inventory's rows: weights are shares of their stratum's area.
    pub(super) fn inventory(inv: &crate::model::Inventory) -> Result<Rows> {
        let n = inv.sites.len();
        let mut r = Rows::default();
        r.reserve(n)?;
        r.confirmed = Some(try_collect(n, inv.sites.iter().map(|site| site.confirmed))?);
        r.ids = Some(try_collect(n, inv.sites.iter().map(|site| site.id.clone()))?);
        r.priority_col =
            Some(try_collect(n, inv.sites.iter().enumerate().map(|(k, site)| site.priority.unwrap_or(k as f64)))?);
        for site in &inv.sites {
            r.weight.push(site.area_m2 / inv.stratum_area_m2(site.stratum));
            r.stratum.push(site.stratum as u32);
            r.key.push(name_key(&site.id));
            r.agricultural.push(if site.land_use == LandUse::Agriculture { 1.0 } else { 0.0 });
            r.population.push(site.population);
            r.area_expected_km2.push(site.area_m2 / 1e6);
            r.region_of.push(site.region as u32);
        }
        Ok(r)
    }

    /// Synthetic sites, stratum by stratum: `count` split by expected area,
    /// population density by region (relative to the national average).
    pub(super) fn synthetic(s: &Scenario, source: &SiteSource, count: u64, seed: u64) -> Result<Rows> {
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
        // Each site's values depend only on (seed, stratum, index), so they are drawn in parallel
        // straight into the rows (no per-stratum copies), and each stratum is then normalised.
        let mut r = Rows::default();
        r.reserve(total)?;
        for (si, st) in s.strata().iter().enumerate() {
            let n = usize::try_from(counts[si]).map_err(|_| oom("sites", u128::from(counts[si]) * 48))?;
            r.stratum.extend(std::iter::repeat_n(si as u32, n));
            r.region_of.extend(std::iter::repeat_n(st.region as u32, n));
        }
        r.weight.resize(total, 0.0);
        r.key.resize(total, 0);
        r.agricultural.resize(total, 0.0);
        r.population.resize(total, 0.0);
        r.area_expected_km2.resize(total, 0.0);
        let mut parts = Vec::with_capacity(counts.len());
        let mut rest = StratumRows {
            weight: &mut r.weight,
            key: &mut r.key,
            agricultural: &mut r.agricultural,
            population: &mut r.population,
            area_km2: &mut r.area_expected_km2,
        };
        for &c in &counts {
            // The counts add up to `total`, the rows' length, so each split is in range.
            let (head, tail) = rest.split_at(c as usize);
            parts.push(head);
            rest = tail;
        }
        parts.into_par_iter().zip(s.strata().par_iter()).enumerate().for_each(|(si, (rows, st))| {
            let region = &regions[st.region];
            let density = if all_pop && total_pop > 0.0 && region_area[st.region] > 0.0 {
                (region.population_exposed.unwrap_or(0.0) / region_area[st.region]) / (total_pop / total_area)
            } else {
                1.0
            };
            let draw = Draw {
                skey: name_key(&st.path),
                gen_key,
                size: size.as_ref(),
                noise: noise.as_ref(),
                agricultural_share: region.farmland_share(),
                density,
            };
            synthetic_stratum(rows, &draw, mean_area[si]);
        });
        Ok(r)
    }
}

/// One stratum's rows (or what is left of the rows while they are split).
struct StratumRows<'a> {
    weight: &'a mut [f64],
    key: &'a mut [u64],
    agricultural: &'a mut [f64],
    population: &'a mut [f64],
    area_km2: &'a mut [f64],
}

impl<'a> StratumRows<'a> {
    /// The first `n` rows and the rest (`n` ≤ the length).
    fn split_at(self, n: usize) -> (StratumRows<'a>, StratumRows<'a>) {
        let (w0, w1) = self.weight.split_at_mut(n);
        let (k0, k1) = self.key.split_at_mut(n);
        let (a0, a1) = self.agricultural.split_at_mut(n);
        let (p0, p1) = self.population.split_at_mut(n);
        let (r0, r1) = self.area_km2.split_at_mut(n);
        (
            StratumRows { weight: w0, key: k0, agricultural: a0, population: p0, area_km2: r0 },
            StratumRows { weight: w1, key: k1, agricultural: a1, population: p1, area_km2: r1 },
        )
    }
}

/// How a stratum's synthetic sites are drawn.
struct Draw<'d> {
    /// The stratum's key (hash of its path) and the generator's (from the seed).
    skey: u64,
    gen_key: u64,
    /// Relative sizes and population noise (lognormal, mean 1), `None` when constant.
    size: Option<&'d Dist>,
    noise: Option<&'d Dist>,
    agricultural_share: f64,
    /// The region's exposed-population density relative to the national average.
    density: f64,
}

/// Sites drawn per parallel task (a stratum may hold most of the sites).
const DRAW_CHUNK: usize = 1 << 14;

/// Draws a stratum's sites into `rows`: lognormal sizes normalised to shares of the stratum,
/// farmland with probability `agricultural_share`, and exposed population = region density ×
/// lognormal noise × expected area. Site `j`'s values depend only on (seed, stratum, `j`), so the
/// chunks are drawn in parallel; the shares are normalised by their sum taken in site order.
fn synthetic_stratum(rows: StratumRows<'_>, d: &Draw<'_>, mean_area_km2: f64) {
    let StratumRows { weight, key, agricultural, population, area_km2 } = rows;
    weight
        .par_chunks_mut(DRAW_CHUNK)
        .zip(key.par_chunks_mut(DRAW_CHUNK))
        .zip(agricultural.par_chunks_mut(DRAW_CHUNK))
        .zip(population.par_chunks_mut(DRAW_CHUNK))
        .enumerate()
        .for_each(|(c, (((w, k), a), p))| {
            let first = (c * DRAW_CHUNK) as u64;
            for (jj, (((w, k), a), p)) in w.iter_mut().zip(k).zip(a).zip(p).enumerate() {
                let j = first + jj as u64;
                let h = mix64(d.gen_key ^ d.skey ^ j.wrapping_mul(GOLDEN));
                *w = d.size.map_or(1.0, |q| q.quantile(unit_open(h)));
                *k = mix64(d.skey ^ (j + 1).wrapping_mul(GOLDEN));
                let h2 = mix64(h ^ 0xA61C_0FFE);
                *a = if unit_open(h2) < d.agricultural_share { 1.0 } else { 0.0 };
                *p = d.density * d.noise.map_or(1.0, |q| q.quantile(unit_open(mix64(h2 ^ 0x9E37))));
            }
        });
    let sum: f64 = weight.iter().sum();
    for ((w, p), ar) in weight.iter_mut().zip(population.iter_mut()).zip(area_km2.iter_mut()) {
        *w /= sum;
        let area = *w * mean_area_km2;
        *ar = area;
        // population held as density × area so the same formula serves inventories
        *p *= area;
    }
}

/// The items of `it` (`len` of them), in a vector reserved with `try_reserve_exact`.
///
/// # Errors
/// [`Error::OutOfMemory`] with the size, when the allocation fails.
pub(super) fn try_collect<T>(len: usize, it: impl Iterator<Item = T>) -> Result<Vec<T>> {
    let mut v = reserved(len)?;
    v.extend(it.take(len));
    Ok(v)
}

/// An empty vector with room for `len` items, reserved with `try_reserve_exact`.
///
/// # Errors
/// [`Error::OutOfMemory`] with the size, when the allocation fails.
pub(super) fn reserved<T>(len: usize) -> Result<Vec<T>> {
    let mut v = Vec::new();
    let bytes = len as u128 * std::mem::size_of::<T>() as u128;
    v.try_reserve_exact(len).map_err(|_| oom("sites", bytes))?;
    Ok(v)
}

/// [`try_collect`] for an indexed parallel iterator of `len` items: the vector is reserved
/// first, then filled in parallel in place (the items' order is the iterator's).
///
/// # Errors
/// [`Error::OutOfMemory`] with the size, when the allocation fails.
pub(super) fn par_collect<T: Send>(len: usize, it: impl IndexedParallelIterator<Item = T>) -> Result<Vec<T>> {
    let mut v = reserved(len)?;
    v.par_extend(it);
    Ok(v)
}

/// An allocation error: `bytes` for `what`.
pub(super) fn oom(what: &str, bytes: u128) -> Error {
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
