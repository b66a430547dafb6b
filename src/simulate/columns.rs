//! Which outputs a run has and where each sits in a trial's row.

use super::outputs::{Output, OutputDef, Unit};
use crate::model::{Pool, Scenario};

/// Column indices of the outputs in a trial row; optional ones exist only for some scenarios.
#[derive(Clone, Debug, Default)]
pub(crate) struct Cols {
    pub suspected: usize,
    pub cancelled: usize,
    pub reduced: usize,
    pub cleared: usize,
    pub team_days: crate::model::PerPool<Option<usize>>,
    pub cost_nts: usize,
    pub cost_ts: usize,
    pub cost_clear: usize,
    pub cost_overhead: usize,
    pub total_cost: usize,
    pub items: usize,
    pub item_based_cost: Option<usize>,
    pub mines_laid: Option<usize>,
    pub laying_cost: Option<usize>,
    pub asymmetry: Option<usize>,
    pub duration: Option<usize>,
    pub share_released: Option<usize>,
    pub years_50: Option<usize>,
    pub years_90: Option<usize>,
    pub casualties: Option<usize>,
    pub casualties_first_year: Option<usize>,
    pub land_value: Option<usize>,
    pub programme_cost: Option<usize>,
    pub programme_cost_nominal: Option<usize>,
    pub programme_cost_pv: Option<usize>,
    pub programme_cost_10y: Option<usize>,
    pub funding_unspent: Option<usize>,
    pub funding_shortfall: Option<usize>,
    pub programme_cost_second: Option<usize>,
    pub total_cost_second: Option<usize>,
    pub items_missed: Option<usize>,
    pub residual: Option<usize>,
    pub hazard_area_years: Option<usize>,
    /// Release rates per team-year of work (NTS, TS, clearance) and per deminer-day.
    pub release_rates: Option<ReleaseRateCols>,
    /// Per region: suspected, cleared, total cost, items, duration (if scheduled), mines laid (if barriers).
    pub region: Vec<RegionCols>,
    pub n: usize,
}

/// Columns of the release rates (a scenario with capacity: working days define a team-year).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ReleaseRateCols {
    pub nts: Option<usize>,
    pub ts: Option<usize>,
    pub clearance: usize,
    /// Only when every pool with work gives its staff per team.
    pub per_deminer_day: Option<usize>,
}

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RegionCols {
    pub suspected: usize,
    pub cleared: usize,
    pub total_cost: usize,
    pub items: usize,
    pub duration: Option<usize>,
    pub mines_laid: Option<usize>,
    pub laying_cost: Option<usize>,
}

/// The index of a national output, or an error listing the known ones under `field`.
pub(crate) fn national_output(defs: &[OutputDef], name: &str, field: &str) -> crate::Result<usize> {
    defs.iter().position(|d| d.region.is_none() && d.name == name).ok_or_else(|| unknown_output(defs, name, field))
}

/// The error for an output name a run does not have.
pub(crate) fn unknown_output(defs: &[OutputDef], name: &str, field: &str) -> crate::Error {
    crate::Error::Unknown {
        field: field.into(),
        name: name.into(),
        known: defs.iter().filter(|d| d.region.is_none()).map(|d| d.name.clone()).collect(),
    }
}

/// Whether every pool of teams that reports team-days gives its people per team, in every
/// capacity group (a pool without teams counts no people).
fn staff_everywhere(s: &Scenario, c: &Cols) -> bool {
    let Some(cap) = s.capacity() else { return false };
    let mut any = false;
    let all = c.team_days.iter().filter(|(_, col)| col.is_some()).all(|(p, _)| {
        cap.groups.iter().all(|g| match &g.pools[p] {
            Some(pm) => {
                any = true;
                pm.staff_per_team.is_some()
            }
            None => true,
        })
    });
    all && any
}

/// Builds the output list for a scenario run at a model level.
pub(crate) fn outputs_for(s: &Scenario, sites: bool) -> (Vec<OutputDef>, Cols) {
    let mut defs = Vec::new();
    let currency = s.currency();
    let second = s.costs().second_currency.as_ref().map_or("", |(code, _)| code.as_str());
    let mut add = |output: Output, region: Option<usize>| -> usize {
        let unit = if output.unit() == Unit::SecondMoney { second.to_string() } else { output.unit().label(currency) };
        defs.push(OutputDef { output, name: output.name(), unit, region });
        defs.len() - 1
    };
    let mut c = Cols {
        suspected: add(Output::SuspectedArea, None),
        cancelled: add(Output::CancelledArea, None),
        reduced: add(Output::ReducedArea, None),
        cleared: add(Output::ClearedArea, None),
        ..Cols::default()
    };
    for m in crate::model::Method::ALL {
        let p = Pool::Clearance(m);
        c.team_days[p] = Some(add(Output::TeamDays(p), None));
    }
    if s.non_technical_survey().productivity_km2_per_team_day.is_some() {
        c.team_days[Pool::NTS] = Some(add(Output::TeamDays(Pool::NTS), None));
    }
    if s.technical_survey().productivity_km2_per_team_day.is_some() {
        c.team_days[Pool::TS] = Some(add(Output::TeamDays(Pool::TS), None));
    }
    c.cost_nts = add(Output::CostNts, None);
    c.cost_ts = add(Output::CostTs, None);
    c.cost_clear = add(Output::CostClearance, None);
    c.cost_overhead = add(Output::CostOverhead, None);
    c.total_cost = add(Output::TotalCost, None);
    c.items = add(Output::ItemsFound, None);
    let lr = s.land_release();
    let given = |p: Option<crate::model::Param>| p.is_some_and(|p| s.params().def(p).given);
    if s.methods().values().flatten().any(|m| m.detection_probability.is_some()) {
        c.items_missed = Some(add(Output::ItemsMissedPerKm2, None));
    }
    let residual_anywhere = given(lr.residual_fraction)
        || s.hazards().values().any(|l| l.residual_fraction.is_some())
        || s.regions().iter().any(|r| r.land_release.residual_fraction.is_some())
        || s.strata().iter().any(|st| st.land_release.residual_fraction.is_some());
    if residual_anywhere {
        c.residual = Some(add(Output::ResidualArea, None));
    }
    if s.costs().benchmark_cost_per_item.is_some() {
        c.item_based_cost = Some(add(Output::ItemBasedCost, None));
    }
    let barriers = s.has_barriers();
    if barriers {
        c.mines_laid = Some(add(Output::MinesLaid, None));
        c.laying_cost = Some(add(Output::LayingCost, None));
        c.asymmetry = Some(add(Output::CostAsymmetry, None));
    }
    let scheduled = s.capacity().is_some();
    if scheduled {
        c.duration = Some(add(Output::Duration, None));
        c.share_released = Some(add(Output::ShareReleased, None));
        if sites {
            c.years_50 = Some(add(Output::YearsTo50, None));
            c.years_90 = Some(add(Output::YearsTo90, None));
            if s.has_casualties() {
                c.casualties = Some(add(Output::Casualties, None));
                c.casualties_first_year = Some(add(Output::CasualtiesFirstYear, None));
            }
            if s.land_value().is_some() {
                c.land_value = Some(add(Output::LandValue, None));
            }
            c.hazard_area_years = Some(add(Output::HazardAreaYears, None));
        }
        c.programme_cost = Some(add(Output::ProgrammeCost, None));
        c.programme_cost_nominal = Some(add(Output::ProgrammeCostNominal, None));
        c.programme_cost_pv = Some(add(Output::ProgrammeCostPv, None));
        c.programme_cost_10y = Some(add(Output::ProgrammeCost10y, None));
        if s.funding().is_some() {
            c.funding_unspent = Some(add(Output::FundingUnspent, None));
            c.funding_shortfall = Some(add(Output::FundingShortfall, None));
        }
        if s.costs().second_currency.is_some() {
            c.programme_cost_second = Some(add(Output::ProgrammeCostSecond, None));
        }
        c.release_rates = Some(ReleaseRateCols {
            nts: c.team_days[Pool::NTS].map(|_| add(Output::CancelledPerNtsTeamYear, None)),
            ts: c.team_days[Pool::TS].map(|_| add(Output::ReducedPerTsTeamYear, None)),
            clearance: add(Output::ClearedPerClearanceTeamYear, None),
            per_deminer_day: staff_everywhere(s, &c).then(|| add(Output::ReleasedPerDeminerDay, None)),
        });
    }
    if s.costs().second_currency.is_some() {
        c.total_cost_second = Some(add(Output::TotalCostSecond, None));
    }
    if s.regions().len() > 1 {
        for r in 0..s.regions().len() {
            let rc = RegionCols {
                suspected: add(Output::SuspectedArea, Some(r)),
                cleared: add(Output::ClearedArea, Some(r)),
                total_cost: add(Output::TotalCost, Some(r)),
                items: add(Output::ItemsFound, Some(r)),
                duration: scheduled.then(|| add(Output::Duration, Some(r))),
                mines_laid: barriers.then(|| add(Output::MinesLaid, Some(r))),
                laying_cost: barriers.then(|| add(Output::LayingCost, Some(r))),
            };
            c.region.push(rc);
        }
    }
    c.n = defs.len();
    (defs, c)
}
