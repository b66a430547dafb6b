//! Stage 5 of a trial (site engine): the years. What follows from the schedule year by year
//! (releases, casualties, land value, the yearly series) and the programme's bill
//! ([`ProgrammeCost`]), a year at a time.

use super::params::{Globals, GroupCosts};
use super::plan::{PlanTables, YearMoney};
use super::programme::{ProgrammeCost, active};
use super::site_pass::ScheduleScratch;
use crate::model::Pool;
use crate::simulate::compiled::Compiled;
use crate::simulate::series::YearValues;

/// Site engine with capacity: durations, shares, casualties, land value, the
/// programme's bill and the yearly series.
///
/// # Formula
/// Years to 50 % (90 %): the year the cumulative released area crosses half
/// (nine tenths) of the total, interpolated linearly within the year; duration:
/// the last release (the horizon when not all is released). Casualties in year
/// y = rate × Σᵢ eᵢ·aᵢ·(time site i is unreleased within [y, y + 1)), eᵢ the
/// site's exposed-population density relative to the average. Land value =
/// Σ_y value per ha × farmland in use during y (ha) × (1 + ρ)^−(y + ½).
#[allow(clippy::too_many_arguments)] // each stage's result kept apart, so what flows where shows
pub(super) fn site_years(
    c: &Compiled<'_>,
    g: &Globals,
    v: &[f64],
    groups: &[GroupCosts],
    plan: &PlanTables,
    sc: &ScheduleScratch,
    row: &mut [f64],
    series: &mut [YearValues],
) -> ProgrammeCost {
    let cols = &c.cols;
    let s = c.scenario;
    let h = c.horizon;
    let hf = h as f64;
    let total = row[cols.suspected] * 1e6;
    let rate = s.casualty_rate().map_or(0.0, |p| p.get(v));
    let (value_ha, discount) = s.land_value().map_or((0.0, 0.0), |l| (l.agriculture_per_ha_year.get(v), l.discount()));
    let (mut cum, mut expo_before, mut farm_before) = (0.0, 0.0, 0.0);
    let (mut expo_arrived, mut arrived) = (0.0, 0.0);
    let (mut y50, mut y90) = (hf, hf);
    let (mut casualties, mut value) = (0.0, 0.0);
    let mut first_year = 0.0;
    let mut disc = (1.0 + discount).powf(-0.5);
    let finished = !sc.region_unreleased.iter().any(|&u| u);
    let max_t = sc.region_max_t.iter().copied().fold(0.0, f64::max);
    let programme_end = if finished { max_t } else { hf };
    let mut bill = ProgrammeCost::new(s, &g.prices, (1.0 + g.prices.discount).powf(-0.5));
    for (y, (b, out)) in sc.bins.iter().zip(series.iter_mut()).enumerate().take(h) {
        let released = b.released;
        for (target, slot) in [(0.5, &mut y50), (0.9, &mut y90)] {
            // Reached within rounding: the released area is summed site by site, the total stratum by stratum.
            if *slot == hf && released > 0.0 && cum + released >= target * total * (1.0 - 1e-12) {
                *slot = y as f64 + ((target * total - cum) / released).clamp(0.0, 1.0);
            }
        }
        cum += released;
        expo_arrived += b.exposure_arrived;
        arrived += b.arrived;
        // Exposure-weighted area unreleased during the year: what had arrived by
        // its start or arrives in it, less what was released before or in it.
        let area_years =
            expo_arrived - b.exposure_arrival_fraction - expo_before - b.exposure_released + b.exposure_fraction;
        // A difference of sums: what is below their rounding (1e-12 of what has arrived) is none.
        let area_years = if area_years > 1e-12 * expo_arrived { area_years } else { 0.0 };
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
        let base = (b.spending + teams_cost(c, groups, plan, sc, y)) * (1.0 + g.overhead)
            + g.prices.coordination * active(y, programme_end);
        let money = if (y as f64) < programme_end { plan.money[y] } else { YearMoney::default() };
        let year = bill.add_year(&g.prices, y, base, money);
        *out = YearValues {
            area_released_km2: (released / 1e6) as f32,
            spending: year.real as f32,
            spending_nominal: year.nominal as f32,
            funding_unspent: year.unspent as f32,
            funding_shortfall: year.shortfall as f32,
            area_remaining_km2: ((if c.has_arrivals { arrived } else { total } - cum).max(0.0) / 1e6) as f32,
            casualties: cas as f32,
            area_cleared_km2: (b.cleared / 1e6) as f32,
        };
    }
    // Release within a year is taken as even, so the interpolated years never pass the last release.
    (y50, y90) = if total > 0.0 { (y50.min(programme_end), y90.min(programme_end)) } else { (0.0, 0.0) };
    let set = |row: &mut [f64], col: Option<usize>, value: f64| {
        if let Some(col) = col {
            row[col] = value;
        }
    };
    set(row, cols.duration, programme_end);
    set(row, cols.share_released, if finished || total <= 0.0 { 1.0 } else { (cum / total).min(1.0) });
    set(row, cols.years_50, y50);
    set(row, cols.years_90, y90);
    set(row, cols.casualties, casualties);
    set(row, cols.casualties_first_year, first_year);
    set(row, cols.land_value, value);
    set(row, cols.hazard_area_years, sc.area_years / 1e6);
    for (r, rc) in cols.region.iter().enumerate() {
        set(row, rc.duration, if sc.region_unreleased[r] { hf } else { sc.region_max_t[r] });
    }
    bill
}

/// The teams' own cost in year `y` (before escalation and overhead): each
/// pool's fixed cost while it has work (until its last work ends), and the
/// cost of raising the year's new teams of pools that still work.
fn teams_cost(c: &Compiled<'_>, groups: &[GroupCosts], plan: &PlanTables, sc: &ScheduleScratch, y: usize) -> f64 {
    let h = c.horizon;
    let mut cost = 0.0;
    for (gi, gc) in groups.iter().enumerate() {
        for p in 0..Pool::COUNT {
            let pool = &sc.pools[gi * Pool::COUNT + p];
            if !pool.limited {
                continue;
            }
            let end = if pool.t.is_finite() { pool.t } else { h as f64 };
            let share = active(y, end);
            if share > 0.0 {
                let i = gi * Pool::COUNT * h + p * h + y;
                cost += plan.teams[i] * gc.fixed.0[p] * share + plan.mob[i];
            }
        }
    }
    cost
}
