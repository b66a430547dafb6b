//! The programme's bill a year at a time (docs/ECONOMICS.md), and what follows from the site
//! schedule year by year (docs/MODEL.md §5): releases, casualties, land value.

use super::RefSites;
use super::release::SiteOutcome;
use super::schedule::Done;
use super::strata::Trial;
use crate::model::Pool;
use crate::simulate::compiled::Compiled;

/// One year of the bill.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct YearBill {
    pub real: f64,
    pub nominal: f64,
    pub unspent: f64,
    pub shortfall: f64,
}

/// The programme's bill, summed year by year.
#[derive(Clone, Debug, Default)]
pub(super) struct Bill {
    pub real: f64,
    pub nominal: f64,
    pub present_value: f64,
    pub first_10_years: f64,
    pub unspent: f64,
    pub shortfall: f64,
}

impl Bill {
    /// Adds year `y`, whose cost before escalation is `base` (overhead and coordination
    /// included), with its funding and planned spend when the year has funding.
    pub(super) fn add(
        &mut self,
        c: &Compiled<'_>,
        t: &Trial,
        y: usize,
        base: f64,
        money: Option<(f64, f64)>,
    ) -> YearBill {
        let s = c.scenario;
        let y_i = y as i32;
        let real = base * (1.0 + t.escalation).powi(y_i);
        let nominal = real * (1.0 + t.inflation).powi(s.start_year() - s.price_year() + y_i);
        self.real += real;
        self.nominal += nominal;
        self.present_value += real * (1.0 + t.discount).powf(-(y as f64 + 0.5));
        if y < 10 {
            self.first_10_years += real;
        }
        let (unspent, shortfall) = match money {
            Some((funding, planned)) => ((funding - real).max(0.0), (planned - funding).max(0.0)),
            None => (0.0, 0.0),
        };
        self.unspent += unspent;
        self.shortfall += shortfall;
        YearBill { real, nominal, unspent, shortfall }
    }
}

/// The share of year `y` before time `end`.
pub(super) fn share_before(y: usize, end: f64) -> f64 {
    (end - y as f64).clamp(0.0, 1.0)
}

/// The time in year `y` within [from, to).
fn overlap(y: usize, from: f64, to: f64) -> f64 {
    let (lo, hi) = (from.max(y as f64), to.min((y + 1) as f64));
    (hi - lo).max(0.0)
}

/// The site engine's years.
pub(super) struct SiteYears {
    pub duration: f64,
    pub released_km2: Vec<f64>,
    pub cleared_km2: Vec<f64>,
    pub remaining_km2: Vec<f64>,
    pub casualties: Vec<f64>,
    pub land_value: f64,
    pub hazard_km2_years: f64,
    pub years_50: f64,
    pub years_90: f64,
    pub share_released: f64,
    pub region_duration: Vec<f64>,
    pub bill: Bill,
    pub year_bills: Vec<YearBill>,
}

/// Everything that follows from the site schedule `done`.
pub(super) fn site_years(
    c: &Compiled<'_>,
    t: &Trial,
    sites: &RefSites,
    outcomes: &[SiteOutcome],
    done: &Done,
) -> SiteYears {
    let s = c.scenario;
    let h = c.horizon;
    let hf = h as f64;
    let rate = s.casualty_rate().map_or(0.0, |p| p.get(&t.v));
    let (value_ha, rho) = s.land_value().map_or((0.0, 0.0), |l| (l.agriculture_per_ha_year.get(&t.v), l.discount()));
    let finished = done.release.iter().all(|r| r.is_finite());
    let last = done.release.iter().copied().filter(|r| r.is_finite()).fold(0.0, f64::max);
    let duration = if finished { last } else { hf };
    let total: f64 = t.strata.iter().map(|st| st.area_m2).sum();
    let mut y = SiteYears {
        duration,
        released_km2: vec![0.0; h],
        cleared_km2: vec![0.0; h],
        remaining_km2: vec![0.0; h],
        casualties: vec![0.0; h],
        land_value: 0.0,
        hazard_km2_years: 0.0,
        years_50: 0.0,
        years_90: 0.0,
        share_released: 1.0,
        region_duration: vec![0.0; s.regions().len()],
        bill: Bill::default(),
        year_bills: Vec::with_capacity(h),
    };
    let mut arrived = vec![0.0; h];
    let mut exposure_years = vec![0.0; h];
    let mut farm_in_use = vec![0.0; h];
    for (i, o) in outcomes.iter().enumerate() {
        let r = done.release[i];
        let region = t.strata[sites.stratum[i] as usize].region;
        if r.is_finite() {
            y.released_km2[r as usize] += o.a / 1e6;
            y.cleared_km2[r as usize] += o.stages.to_clear / 1e6;
            y.region_duration[region] = y.region_duration[region].max(r);
        } else {
            y.region_duration[region] = f64::INFINITY;
        }
        if o.arrival < hf {
            arrived[o.arrival as usize] += o.a / 1e6;
        }
        y.hazard_km2_years += o.a * (r.min(hf) - o.arrival).max(0.0) / 1e6;
        let (e, farm) = (sites.exposure[i] * o.a, sites.agricultural[i] * o.a);
        for year in 0..h {
            exposure_years[year] += e * overlap(year, o.arrival, r.min(hf));
            farm_in_use[year] += farm * overlap(year, r, f64::INFINITY);
        }
    }
    for year in 0..h {
        y.casualties[year] = rate * exposure_years[year] / 1e6;
        y.land_value += value_ha * farm_in_use[year] / 1e4 * (1.0 + rho).powf(-(year as f64 + 0.5));
    }
    for d in &mut y.region_duration {
        if d.is_infinite() {
            *d = hf;
        }
    }
    // Cumulative release: the years to 50 % and 90 %, interpolated within the year.
    let total_km2 = total / 1e6;
    let (mut cum, mut arrived_cum) = (0.0, 0.0);
    let (mut y50, mut y90) = (hf, hf);
    for year in 0..h {
        let released = y.released_km2[year];
        for (target, slot) in [(0.5, &mut y50), (0.9, &mut y90)] {
            if *slot == hf && released > 0.0 && cum + released >= target * total_km2 * (1.0 - 1e-12) {
                *slot = year as f64 + ((target * total_km2 - cum) / released).clamp(0.0, 1.0);
            }
        }
        cum += released;
        arrived_cum += arrived[year];
        y.remaining_km2[year] = (arrived_cum - cum).max(0.0);
    }
    (y.years_50, y.years_90) = if total > 0.0 { (y50.min(duration), y90.min(duration)) } else { (0.0, 0.0) };
    y.share_released = if finished || total <= 0.0 { 1.0 } else { (cum / total_km2).min(1.0) };
    // The bill: teams paid while their pool has work, the work as it is done, coordination
    // while the programme runs; funding counts in the programme's years.
    for year in 0..h {
        let plan = &done.plans[year];
        let mut teams = 0.0;
        for (g, grp) in t.groups.iter().enumerate() {
            for p in Pool::ALL {
                if !grp.limited[p] {
                    continue;
                }
                let end = done.pool_end[g][p];
                let active = share_before(year, if end.is_finite() { end } else { hf });
                if active > 0.0 {
                    teams += plan.teams[g][p] * grp.fixed[p] * active + plan.mob[g][p];
                }
            }
        }
        let base = (done.spend[year] + teams) * (1.0 + t.overhead) + t.coordination * share_before(year, duration);
        let money = if (year as f64) < duration { plan.funding.map(|f| (f, plan.planned)) } else { None };
        let b = y.bill.add(c, t, year, base, money);
        y.year_bills.push(b);
    }
    y
}
