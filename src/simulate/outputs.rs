//! The outputs a run produces: which exist for a scenario, their names and units.

use crate::model::{Method, Scenario};
use serde::Serialize;

/// One per-trial output.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutputDef {
    /// Name (`total_cost_usd`), unique within its region (or national).
    pub name: String,
    /// Unit (`km2`, `USD`, `team-days`, `years`, `people`, `items`, `1`).
    pub unit: &'static str,
    /// `None` for national totals; the region's index otherwise.
    pub region: Option<usize>,
}

/// Column indices of the outputs in a trial row; optional ones exist only for some scenarios.
#[derive(Clone, Debug, Default)]
pub(crate) struct Cols {
    pub suspected: usize,
    pub cancelled: usize,
    pub reduced: usize,
    pub cleared: usize,
    pub team_days: [usize; 4],
    pub team_days_nts: Option<usize>,
    pub team_days_ts: Option<usize>,
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
    /// Per region: suspected, cleared, total cost, items, duration (if scheduled), mines laid (if barriers).
    pub region: Vec<RegionCols>,
    pub n: usize,
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

/// Builds the output list for a scenario run at a model level.
pub(crate) fn outputs_for(s: &Scenario, sites: bool) -> (Vec<OutputDef>, Cols) {
    let mut defs = Vec::new();
    let mut add = |name: &str, unit: &'static str, region: Option<usize>| -> usize {
        defs.push(OutputDef { name: name.to_string(), unit, region });
        defs.len() - 1
    };
    let mut c = Cols {
        suspected: add("suspected_area_km2", "km2", None),
        cancelled: add("cancelled_area_km2", "km2", None),
        reduced: add("reduced_area_km2", "km2", None),
        cleared: add("cleared_area_km2", "km2", None),
        ..Cols::default()
    };
    for m in Method::ALL {
        c.team_days[m.index()] = add(&format!("team_days_{}", m.name()), "team-days", None);
    }
    if s.nts.productivity_km2_per_team_day.is_some() {
        c.team_days_nts = Some(add("team_days_non_technical_survey", "team-days", None));
    }
    if s.ts.productivity_km2_per_team_day.is_some() {
        c.team_days_ts = Some(add("team_days_technical_survey", "team-days", None));
    }
    c.cost_nts = add("cost_non_technical_survey_usd", "USD", None);
    c.cost_ts = add("cost_technical_survey_usd", "USD", None);
    c.cost_clear = add("cost_clearance_usd", "USD", None);
    c.cost_overhead = add("cost_overhead_usd", "USD", None);
    c.total_cost = add("total_cost_usd", "USD", None);
    c.items = add("items_found", "items", None);
    if s.benchmark_cost_per_item.is_some() {
        c.item_based_cost = Some(add("item_based_cost_usd", "USD", None));
    }
    let barriers = s.has_barriers();
    if barriers {
        c.mines_laid = Some(add("mines_laid", "items", None));
        c.laying_cost = Some(add("laying_cost_usd", "USD", None));
        c.asymmetry = Some(add("cost_asymmetry", "ratio", None));
    }
    let scheduled = s.capacity.is_some();
    if scheduled {
        c.duration = Some(add("duration_years", "years", None));
        c.share_released = Some(add("share_released_by_horizon", "share", None));
        if sites {
            c.years_50 = Some(add("years_to_50pct_released", "years", None));
            c.years_90 = Some(add("years_to_90pct_released", "years", None));
            if s.casualty_rate.is_some() {
                c.casualties = Some(add("casualties_over_horizon", "people", None));
                c.casualties_first_year = Some(add("casualties_first_year", "people", None));
            }
            if s.land_value.is_some() {
                c.land_value = Some(add("land_value_returned_usd", "USD", None));
            }
        }
    }
    if s.regions.len() > 1 {
        for r in 0..s.regions.len() {
            let rc = RegionCols {
                suspected: add("suspected_area_km2", "km2", Some(r)),
                cleared: add("cleared_area_km2", "km2", Some(r)),
                total_cost: add("total_cost_usd", "USD", Some(r)),
                items: add("items_found", "items", Some(r)),
                duration: scheduled.then(|| add("duration_years", "years", Some(r))),
                mines_laid: barriers.then(|| add("mines_laid", "items", Some(r))),
                laying_cost: barriers.then(|| add("laying_cost_usd", "USD", Some(r))),
            };
            c.region.push(rc);
        }
    }
    c.n = defs.len();
    (defs, c)
}

/// The yearly series of a scheduled site-level run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Series {
    /// Suspected area released in the year, km².
    AreaReleasedKm2,
    /// Spending in the year (stages finished in it, with overhead), USD.
    CostUsd,
    /// Suspected area not yet released at the end of the year, km².
    HazardousAreaRemainingKm2,
    /// Expected casualties in the year.
    Casualties,
    /// Area cleared by clearance teams in the year (after survey), km².
    AreaClearedKm2,
}

impl Series {
    /// All series in storage order.
    pub const ALL: [Series; 5] = [
        Series::AreaReleasedKm2,
        Series::CostUsd,
        Series::HazardousAreaRemainingKm2,
        Series::Casualties,
        Series::AreaClearedKm2,
    ];

    /// Name in reports.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Series::AreaReleasedKm2 => "area_released_km2",
            Series::CostUsd => "cost_usd",
            Series::HazardousAreaRemainingKm2 => "hazardous_area_remaining_km2",
            Series::Casualties => "casualties",
            Series::AreaClearedKm2 => "area_cleared_km2",
        }
    }
}
