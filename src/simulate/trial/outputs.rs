//! Stage 6 of a trial: the output row's programme outputs and release rates.

use super::params::{Globals, GroupCosts};
use super::programme::ProgrammeCost;
use crate::model::{Method, PerPool, Pool};
use crate::simulate::compiled::Compiled;

/// Writes the programme outputs of a trial into its row.
pub(crate) fn write_programme(
    c: &crate::simulate::compiled::Compiled<'_>,
    g: &Globals,
    cost: &ProgrammeCost,
    row: &mut [f64],
) {
    let cols = &c.cols;
    let set = |row: &mut [f64], col: Option<usize>, v: f64| {
        if let Some(col) = col {
            row[col] = v;
        }
    };
    set(row, cols.programme_cost, cost.real);
    set(row, cols.programme_cost_nominal, cost.nominal);
    set(row, cols.programme_cost_pv, cost.present_value);
    set(row, cols.programme_cost_10y, cost.first_10_years);
    set(row, cols.funding_unspent, cost.unspent);
    set(row, cols.funding_shortfall, cost.shortfall);
    set(row, cols.programme_cost_second, cost.real * g.prices.second_currency);
}

/// Release per team-year of work by stage, and per person-day of every team,
/// from the trial's totals: what national statistics report. A team-year is
/// the first capacity group's working days; people per team come from the
/// first group's pools.
pub(super) fn release_rates(c: &Compiled<'_>, groups: &[GroupCosts], v: &[f64], row: &mut [f64]) {
    let cols = &c.cols;
    let Some(rc) = &cols.release_rates else { return };
    let Some(cap) = c.scenario.capacity() else { return };
    let (Some(group), Some(gc)) = (cap.groups.first(), groups.first()) else { return };
    let wd = gc.working_days;
    let td = PerPool::from_fn(|p| cols.team_days[p].map_or(0.0, |col| row[col]));
    let per_year = |area_km2: f64, team_days: f64| if team_days > 0.0 { area_km2 / (team_days / wd) } else { f64::NAN };
    if let Some(col) = rc.nts {
        row[col] = per_year(row[cols.cancelled], td[Pool::NTS]);
    }
    if let Some(col) = rc.ts {
        row[col] = per_year(row[cols.reduced], td[Pool::TS]);
    }
    let clearance_td: f64 = Method::ALL.iter().map(|&m| td[Pool::Clearance(m)]).sum();
    row[rc.clearance] = per_year(row[cols.cleared] * 1e6, clearance_td);
    if let Some(col) = rc.per_deminer_day {
        let mut person_days = 0.0;
        for (p, tcol) in cols.team_days.iter() {
            let staff = group.pools[p].as_ref().and_then(|pm| pm.staff_per_team).map_or(0.0, |s| s.get(v));
            person_days += tcol.map_or(0.0, |t| row[t]) * staff;
        }
        let released_m2 = (row[cols.cancelled] + row[cols.reduced] + row[cols.cleared]) * 1e6;
        row[col] = if person_days > 0.0 { released_m2 / person_days } else { f64::NAN };
    }
}
