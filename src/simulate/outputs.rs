//! The outputs a run produces: one catalogue of names, units, directions and
//! descriptions that every report, comparison and analysis reads.

use crate::model::{Pool, Scenario};
use serde::Serialize;
use std::fmt;

/// What an output is measured in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Square kilometres.
    Km2,
    /// The scenario's currency.
    Money,
    /// The scenario's second reporting currency.
    SecondMoney,
    /// Team-days of work.
    TeamDays,
    /// Explosive items (mines, submunitions, UXO).
    Items,
    /// Years.
    Years,
    /// People (casualties).
    People,
    /// A share in [0, 1].
    Share,
    /// A dimensionless ratio.
    Ratio,
    /// Items per km².
    ItemsPerKm2,
    /// km² × years.
    Km2Years,
}

impl Unit {
    /// The unit as reports print it; money takes the scenario's currency.
    #[must_use]
    pub fn label(self, currency: &str) -> String {
        match self {
            Unit::Km2 => "km²".into(),
            Unit::Money => currency.into(),
            Unit::SecondMoney => "second currency".into(),
            Unit::TeamDays => "team-days".into(),
            Unit::Items => "items".into(),
            Unit::Years => "years".into(),
            Unit::People => "people".into(),
            Unit::Share => "share".into(),
            Unit::Ratio => "ratio".into(),
            Unit::ItemsPerKm2 => "items/km²".into(),
            Unit::Km2Years => "km²·years".into(),
        }
    }
}

/// Whether lower or higher values of an output are better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Costs, durations, casualties, work.
    Lower,
    /// Land value returned, share released.
    Higher,
    /// Neither (areas by stage, items found): only the difference is reported.
    Neither,
}

/// One kind of per-trial output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Output {
    /// Suspected area at the start.
    SuspectedArea,
    /// Area cancelled by non-technical survey.
    CancelledArea,
    /// Area reduced by technical survey.
    ReducedArea,
    /// Area cleared.
    ClearedArea,
    /// Team-days of one pool.
    TeamDays(Pool),
    /// Cost of non-technical survey.
    CostNts,
    /// Cost of technical survey.
    CostTs,
    /// Cost of clearance.
    CostClearance,
    /// Overhead.
    CostOverhead,
    /// Total cost of the work done.
    TotalCost,
    /// Items found.
    ItemsFound,
    /// Items found × a benchmark cost per item.
    ItemBasedCost,
    /// Mines laid in barrier minefields.
    MinesLaid,
    /// Cost of laying the barriers.
    LayingCost,
    /// Clearing cost per unit of laying cost.
    CostAsymmetry,
    /// Years until the last land is released.
    Duration,
    /// Share of suspected land released within the horizon.
    ShareReleased,
    /// Years until half the suspected land is released.
    YearsTo50,
    /// Years until nine tenths are released.
    YearsTo90,
    /// Casualties over the horizon.
    Casualties,
    /// Casualties in the first year.
    CasualtiesFirstYear,
    /// Value of farmland returned to use.
    LandValue,
    /// What the programme costs in the price year's money: teams' fixed
    /// costs while they have work, mobilisation, the work's variable costs,
    /// overhead and national coordination, with real price escalation.
    ProgrammeCost,
    /// The programme cost in each year's money (inflation).
    ProgrammeCostNominal,
    /// The programme cost discounted to the start year.
    ProgrammeCostPv,
    /// The programme cost of the first 10 years.
    ProgrammeCost10y,
    /// Funding left unspent over the programme.
    FundingUnspent,
    /// What the plan would have spent beyond the funding.
    FundingShortfall,
    /// The programme cost in the second reporting currency.
    ProgrammeCostSecond,
    /// The total cost of the work in the second reporting currency.
    TotalCostSecond,
    /// Items left behind per km² of suspected land (detection below 1).
    ItemsMissedPerKm2,
    /// Land released by survey and later found contaminated, cleared later.
    ResidualArea,
    /// Suspected area × years it stays unreleased (the hazard land carries while it waits).
    HazardAreaYears,
}

impl Output {
    /// The output's name in tables, JSON and CSV.
    #[must_use]
    pub fn name(self) -> String {
        match self {
            Output::TeamDays(p) => format!("team_days_{}", p.name()),
            o => o.fixed_name().to_string(),
        }
    }

    fn fixed_name(self) -> &'static str {
        match self {
            Output::SuspectedArea => "suspected_area_km2",
            Output::CancelledArea => "cancelled_area_km2",
            Output::ReducedArea => "reduced_area_km2",
            Output::ClearedArea => "cleared_area_km2",
            Output::TeamDays(_) => "team_days",
            Output::CostNts => "cost_non_technical_survey",
            Output::CostTs => "cost_technical_survey",
            Output::CostClearance => "cost_clearance",
            Output::CostOverhead => "cost_overhead",
            Output::TotalCost => "total_cost",
            Output::ItemsFound => "items_found",
            Output::ItemBasedCost => "item_based_cost",
            Output::MinesLaid => "mines_laid",
            Output::LayingCost => "laying_cost",
            Output::CostAsymmetry => "cost_asymmetry",
            Output::Duration => "duration_years",
            Output::ShareReleased => "share_released_by_horizon",
            Output::YearsTo50 => "years_to_50pct_released",
            Output::YearsTo90 => "years_to_90pct_released",
            Output::Casualties => "casualties_over_horizon",
            Output::CasualtiesFirstYear => "casualties_first_year",
            Output::LandValue => "land_value_returned",
            Output::ProgrammeCost => "programme_cost",
            Output::ProgrammeCostNominal => "programme_cost_nominal",
            Output::ProgrammeCostPv => "programme_cost_present_value",
            Output::ProgrammeCost10y => "programme_cost_first_10_years",
            Output::FundingUnspent => "funding_unspent",
            Output::FundingShortfall => "funding_shortfall",
            Output::ProgrammeCostSecond => "programme_cost_second_currency",
            Output::TotalCostSecond => "total_cost_second_currency",
            Output::ItemsMissedPerKm2 => "items_missed_per_km2",
            Output::ResidualArea => "residual_area_km2",
            Output::HazardAreaYears => "hazard_area_years",
        }
    }

    /// Its unit.
    #[must_use]
    pub fn unit(self) -> Unit {
        match self {
            Output::SuspectedArea | Output::CancelledArea | Output::ReducedArea | Output::ClearedArea => Unit::Km2,
            Output::TeamDays(_) => Unit::TeamDays,
            Output::CostNts
            | Output::CostTs
            | Output::CostClearance
            | Output::CostOverhead
            | Output::TotalCost
            | Output::ItemBasedCost
            | Output::LayingCost
            | Output::LandValue
            | Output::ProgrammeCost
            | Output::ProgrammeCostNominal
            | Output::ProgrammeCostPv
            | Output::ProgrammeCost10y
            | Output::FundingUnspent
            | Output::FundingShortfall => Unit::Money,
            Output::ProgrammeCostSecond | Output::TotalCostSecond => Unit::SecondMoney,
            Output::ItemsMissedPerKm2 => Unit::ItemsPerKm2,
            Output::ResidualArea => Unit::Km2,
            Output::HazardAreaYears => Unit::Km2Years,
            Output::ItemsFound | Output::MinesLaid => Unit::Items,
            Output::CostAsymmetry => Unit::Ratio,
            Output::Duration | Output::YearsTo50 | Output::YearsTo90 => Unit::Years,
            Output::ShareReleased => Unit::Share,
            Output::Casualties | Output::CasualtiesFirstYear => Unit::People,
        }
    }

    /// Which direction is better when plans are compared.
    #[must_use]
    pub fn better(self) -> Better {
        match self {
            Output::LandValue | Output::ShareReleased => Better::Higher,
            Output::TeamDays(_)
            | Output::CostNts
            | Output::CostTs
            | Output::CostClearance
            | Output::CostOverhead
            | Output::TotalCost
            | Output::ItemBasedCost
            | Output::CostAsymmetry
            | Output::Duration
            | Output::YearsTo50
            | Output::YearsTo90
            | Output::Casualties
            | Output::CasualtiesFirstYear
            | Output::ProgrammeCost
            | Output::ProgrammeCostNominal
            | Output::ProgrammeCostPv
            | Output::ProgrammeCost10y
            | Output::FundingShortfall
            | Output::ProgrammeCostSecond
            | Output::TotalCostSecond
            | Output::ItemsMissedPerKm2
            | Output::HazardAreaYears => Better::Lower,
            Output::SuspectedArea
            | Output::CancelledArea
            | Output::ReducedArea
            | Output::ClearedArea
            | Output::ItemsFound
            | Output::MinesLaid
            | Output::LayingCost
            | Output::FundingUnspent
            | Output::ResidualArea => Better::Neither,
        }
    }

    /// A one-line description.
    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            Output::SuspectedArea => "suspected hazardous area at the start",
            Output::CancelledArea => "area cancelled by non-technical survey",
            Output::ReducedArea => "area reduced by technical survey",
            Output::ClearedArea => "area cleared (searched to depth) by clearance teams",
            Output::TeamDays(Pool::Survey(_)) => "team-days of survey work",
            Output::TeamDays(Pool::Clearance(_)) => "team-days of clearance work by this method",
            Output::CostNts => "cost of non-technical survey",
            Output::CostTs => "cost of technical survey",
            Output::CostClearance => "cost of clearance",
            Output::CostOverhead => "overhead (coordination, quality management, logistics)",
            Output::TotalCost => "total cost of the work done: survey, clearance and overhead",
            Output::ItemsFound => "explosive items found and destroyed",
            Output::ItemBasedCost => "items found times a benchmark cost per item",
            Output::MinesLaid => "mines laid in barrier minefields",
            Output::LayingCost => "cost of laying the barrier minefields (purchase and emplacement)",
            Output::CostAsymmetry => "cost of clearing per unit cost of laying",
            Output::Duration => "years until the last suspected land is released (the horizon if never)",
            Output::ShareReleased => "share of suspected land released within the horizon",
            Output::YearsTo50 => "years until half the suspected land is released",
            Output::YearsTo90 => "years until nine tenths of the suspected land are released",
            Output::Casualties => "expected casualties from unreleased land over the horizon",
            Output::CasualtiesFirstYear => "expected casualties in the first year",
            Output::LandValue => "value of farmland returned to use over the horizon",
            Output::ProgrammeCost => {
                "programme cost, price year's money: teams while they have work, mobilisation, the work, overhead, coordination"
            }
            Output::ProgrammeCostNominal => "programme cost in each year's money (with inflation)",
            Output::ProgrammeCostPv => "programme cost discounted to the start year (present value)",
            Output::ProgrammeCost10y => "programme cost of the first 10 years (price year's money)",
            Output::FundingUnspent => "funding left unspent, summed over the years",
            Output::FundingShortfall => "what the plan would spend beyond the funding, summed over the years",
            Output::ProgrammeCostSecond => "programme cost in the second reporting currency",
            Output::TotalCostSecond => "total cost of the work in the second reporting currency",
            Output::ItemsMissedPerKm2 => "items left behind per km² of suspected land (clearance detection below 1)",
            Output::ResidualArea => "land released by survey, later found contaminated and cleared",
            Output::HazardAreaYears => "suspected area times the years it stays unreleased",
        }
    }

    /// A derived output (a ratio of others) can be undefined in a trial
    /// without making the trial fail.
    #[must_use]
    pub fn is_derived(self) -> bool {
        matches!(self, Output::CostAsymmetry)
    }
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// One per-trial output of a run: national or for one region.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutputDef {
    /// Which output.
    #[serde(skip)]
    pub output: Output,
    /// Name (`total_cost`), unique within its region (or national).
    pub name: String,
    /// Unit, with money in the scenario's currency (`km²`, `USD`, `team-days` ...).
    pub unit: String,
    /// `None` for national totals; the region's index otherwise.
    pub region: Option<usize>,
}

impl OutputDef {
    /// The unit kind.
    #[must_use]
    pub fn unit_kind(&self) -> Unit {
        self.output.unit()
    }
    /// Which direction is better.
    #[must_use]
    pub fn better(&self) -> Better {
        self.output.better()
    }
    /// A one-line description.
    #[must_use]
    pub fn description(&self) -> &'static str {
        self.output.description()
    }
}

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

/// The yearly series of a scheduled site-level run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Series {
    /// Suspected area released in the year, km².
    AreaReleasedKm2,
    /// Programme spending in the year, price year's money.
    Spending,
    /// Programme spending in the year, that year's money.
    SpendingNominal,
    /// Funding of the year left unspent.
    FundingUnspent,
    /// What the plan would have spent in the year beyond its funding.
    FundingShortfall,
    /// Suspected area not yet released at the end of the year, km².
    HazardousAreaRemainingKm2,
    /// Expected casualties in the year.
    Casualties,
    /// Area cleared by clearance teams in the year (after survey), km².
    AreaClearedKm2,
}

/// One year of one trial's series.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct YearValues {
    /// Suspected area released in the year, km².
    pub area_released_km2: f32,
    /// Programme spending in the year, price year's money.
    pub spending: f32,
    /// Programme spending in the year, that year's money.
    pub spending_nominal: f32,
    /// Funding of the year left unspent.
    pub funding_unspent: f32,
    /// Planned spending of the year beyond its funding.
    pub funding_shortfall: f32,
    /// Suspected area not yet released at the end of the year, km².
    pub area_remaining_km2: f32,
    /// Expected casualties in the year.
    pub casualties: f32,
    /// Area cleared by clearance teams in the year, km².
    pub area_cleared_km2: f32,
}

impl Series {
    /// Every series, in report order.
    pub const ALL: [Series; 5] = [
        Series::AreaReleasedKm2,
        Series::Spending,
        Series::HazardousAreaRemainingKm2,
        Series::Casualties,
        Series::AreaClearedKm2,
    ];

    /// Name in reports.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Series::AreaReleasedKm2 => "area_released_km2",
            Series::Spending => "spending",
            Series::SpendingNominal => "spending_nominal",
            Series::FundingUnspent => "funding_unspent",
            Series::FundingShortfall => "funding_shortfall",
            Series::HazardousAreaRemainingKm2 => "hazardous_area_remaining_km2",
            Series::Casualties => "casualties",
            Series::AreaClearedKm2 => "area_cleared_km2",
        }
    }

    /// Its unit.
    #[must_use]
    pub fn unit(self) -> Unit {
        match self {
            Series::AreaReleasedKm2 | Series::HazardousAreaRemainingKm2 | Series::AreaClearedKm2 => Unit::Km2,
            Series::Spending | Series::SpendingNominal | Series::FundingUnspent | Series::FundingShortfall => {
                Unit::Money
            }
            Series::Casualties => Unit::People,
        }
    }

    /// This series' value in one year.
    #[inline]
    #[must_use]
    pub fn get(self, y: &YearValues) -> f32 {
        match self {
            Series::AreaReleasedKm2 => y.area_released_km2,
            Series::Spending => y.spending,
            Series::SpendingNominal => y.spending_nominal,
            Series::FundingUnspent => y.funding_unspent,
            Series::FundingShortfall => y.funding_shortfall,
            Series::HazardousAreaRemainingKm2 => y.area_remaining_km2,
            Series::Casualties => y.casualties,
            Series::AreaClearedKm2 => y.area_cleared_km2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Method;

    #[test]
    fn directions_and_units_come_from_the_catalogue() {
        assert_eq!(Output::TotalCost.better(), Better::Lower);
        assert_eq!(Output::Duration.better(), Better::Lower);
        assert_eq!(Output::Casualties.better(), Better::Lower);
        assert_eq!(Output::LandValue.better(), Better::Higher);
        assert_eq!(Output::ClearedArea.better(), Better::Neither);
        assert_eq!(Output::LandValue.name(), "land_value_returned");
        assert_eq!(Output::TeamDays(Pool::Clearance(Method::Manual)).name(), "team_days_manual");
        assert_eq!(Output::TotalCost.unit().label("EUR"), "EUR");
        assert_eq!(Output::ClearedArea.unit().label("EUR"), "km²");
    }
}
