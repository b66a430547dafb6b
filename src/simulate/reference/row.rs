//! The output row (docs/MODEL.md §7): the catalogue's columns, filled from the reference's
//! results.

use super::Totals;
use super::aggregate::Programme;
use super::strata::Trial;
use super::years::{Bill, SiteYears};
use crate::model::{Method, PerPool, Pool};
use crate::simulate::compiled::Compiled;
use crate::simulate::series::YearValues;

/// Sets an optional column.
fn set(row: &mut [f64], col: Option<usize>, value: f64) {
    if let Some(col) = col {
        row[col] = value;
    }
}

/// Areas, team-days, the cost of the work, items and the per-region sums.
pub(super) fn write_bill(c: &Compiled<'_>, t: &Trial, totals: &[Totals], row: &mut [f64]) {
    let cols = &c.cols;
    let s = c.scenario;
    let mut team_days = PerPool::<f64>::default();
    let (mut direct, mut items, mut missed, mut mines, mut laying, mut suspected) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for (k, (st, a)) in t.strata.iter().zip(totals).enumerate() {
        let cost = st.full.cost(&a.stages, a.xd);
        let td = st.full.team_days(&a.stages, a.xd);
        suspected += st.area_m2 / 1e6;
        row[cols.cancelled] += a.stages.cancelled / 1e6;
        row[cols.reduced] += a.stages.reduced / 1e6;
        row[cols.cleared] += a.stages.to_clear / 1e6;
        for p in Pool::ALL {
            team_days[p] += td[p];
        }
        row[cols.cost_nts] += cost.nts;
        row[cols.cost_ts] += cost.ts;
        row[cols.cost_clear] += cost.clearance;
        direct += cost.total();
        items += a.items;
        missed += a.items_missed;
        mines += st.mines;
        laying += st.laying;
        if let Some(col) = cols.residual {
            row[col] += a.residual / 1e6;
        }
        if let Some(rc) = cols.region.get(s.strata()[k].region) {
            row[rc.suspected] += st.area_m2 / 1e6;
            row[rc.cleared] += a.stages.to_clear / 1e6;
            row[rc.total_cost] += cost.total() * (1.0 + t.overhead);
            row[rc.items] += a.items;
            set(row, rc.mines_laid, rc.mines_laid.map_or(0.0, |col| row[col]) + st.mines);
            set(row, rc.laying_cost, rc.laying_cost.map_or(0.0, |col| row[col]) + st.laying);
        }
    }
    row[cols.suspected] = suspected;
    for (p, col) in cols.team_days.iter() {
        set(row, *col, team_days[p]);
    }
    row[cols.items] = items;
    row[cols.cost_overhead] = direct * t.overhead;
    row[cols.total_cost] = direct * (1.0 + t.overhead);
    if let Some(p) = s.costs().benchmark_cost_per_item {
        set(row, cols.item_based_cost, items * p.get(&t.v));
    }
    set(row, cols.mines_laid, mines);
    set(row, cols.laying_cost, laying);
    set(row, cols.asymmetry, row[cols.total_cost] / laying);
    set(row, cols.items_missed, if suspected > 0.0 { missed / suspected } else { 0.0 });
    set(row, cols.total_cost_second, row[cols.total_cost] * t.second_currency);
    release_rates(c, t, row);
}

/// Release per team-year of work by stage, and per person-day of every team (the first
/// capacity group's working days and team sizes).
fn release_rates(c: &Compiled<'_>, t: &Trial, row: &mut [f64]) {
    let cols = &c.cols;
    let (Some(rc), Some(cap)) = (&cols.release_rates, c.scenario.capacity()) else { return };
    let (Some(group), Some(g)) = (cap.groups.first(), t.groups.first()) else { return };
    let days = PerPool::from_fn(|p| cols.team_days[p].map_or(0.0, |col| row[col]));
    let td = |p: Pool| days[p];
    let per_year = |area: f64, days: f64| if days > 0.0 { area / (days / g.working_days) } else { f64::NAN };
    set(row, rc.nts, per_year(row[cols.cancelled], td(Pool::NTS)));
    set(row, rc.ts, per_year(row[cols.reduced], td(Pool::TS)));
    let clearance: f64 = Method::ALL.iter().map(|&m| td(Pool::Clearance(m))).sum();
    row[rc.clearance] = per_year(row[cols.cleared] * 1e6, clearance);
    let mut person_days = 0.0;
    for p in Pool::ALL {
        let staff = group.pools[p].as_ref().and_then(|pm| pm.staff_per_team).map_or(0.0, |x| x.get(&t.v));
        person_days += td(p) * staff;
    }
    let released = (row[cols.cancelled] + row[cols.reduced] + row[cols.cleared]) * 1e6;
    set(row, rc.per_deminer_day, if person_days > 0.0 { released / person_days } else { f64::NAN });
}

/// The programme's bill.
fn write_bill_totals(c: &Compiled<'_>, t: &Trial, bill: &Bill, row: &mut [f64]) {
    let cols = &c.cols;
    set(row, cols.programme_cost, bill.real);
    set(row, cols.programme_cost_nominal, bill.nominal);
    set(row, cols.programme_cost_pv, bill.present_value);
    set(row, cols.programme_cost_10y, bill.first_10_years);
    set(row, cols.funding_unspent, bill.unspent);
    set(row, cols.funding_shortfall, bill.shortfall);
    set(row, cols.programme_cost_second, bill.real * t.second_currency);
}

/// The aggregate engine's durations and bill.
pub(super) fn write_aggregate_schedule(c: &Compiled<'_>, t: &Trial, p: &Programme, row: &mut [f64]) {
    let cols = &c.cols;
    let h = c.horizon as f64;
    set(row, cols.duration, if p.national.is_finite() { p.national } else { h });
    set(row, cols.share_released, if p.national.is_finite() { 1.0 } else { 0.0 });
    for (r, region) in c.scenario.regions().iter().enumerate() {
        if let (Some(rc), Some(g)) = (cols.region.get(r), region.capacity_group) {
            set(row, rc.duration, if p.group_done[g] { p.group_end[g] } else { h });
        }
    }
    write_bill_totals(c, t, &p.bill, row);
}

/// The site engine's schedule outputs and yearly series.
pub(super) fn write_site_schedule(
    c: &Compiled<'_>,
    t: &Trial,
    y: &SiteYears,
    row: &mut [f64],
    series: &mut [YearValues],
) {
    let cols = &c.cols;
    set(row, cols.duration, y.duration);
    set(row, cols.share_released, y.share_released);
    set(row, cols.years_50, y.years_50);
    set(row, cols.years_90, y.years_90);
    set(row, cols.casualties, y.casualties.iter().sum());
    set(row, cols.casualties_first_year, y.casualties.first().copied().unwrap_or(0.0));
    set(row, cols.land_value, y.land_value);
    set(row, cols.hazard_area_years, y.hazard_km2_years);
    for (rc, d) in cols.region.iter().zip(&y.region_duration) {
        set(row, rc.duration, *d);
    }
    write_bill_totals(c, t, &y.bill, row);
    for (year, out) in series.iter_mut().enumerate() {
        let b = y.year_bills[year];
        *out = YearValues {
            area_released_km2: y.released_km2[year] as f32,
            spending: b.real as f32,
            spending_nominal: b.nominal as f32,
            funding_unspent: b.unspent as f32,
            funding_shortfall: b.shortfall as f32,
            area_remaining_km2: y.remaining_km2[year] as f32,
            casualties: y.casualties[year] as f32,
            area_cleared_km2: y.cleared_km2[year] as f32,
        };
    }
}
