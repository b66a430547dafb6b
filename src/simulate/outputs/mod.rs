//! The outputs a run produces: one catalogue of names, units, directions and
//! descriptions that every report, comparison and analysis reads.

use crate::model::Pool;
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
    /// km² per team-year (survey's release rates).
    Km2PerTeamYear,
    /// m² per team-year (clearance's release rate).
    M2PerTeamYear,
    /// m² per person-day (release per deminer-day).
    M2PerPersonDay,
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
            Unit::Km2PerTeamYear => "km²/team-year".into(),
            Unit::M2PerTeamYear => "m²/team-year".into(),
            Unit::M2PerPersonDay => "m²/deminer-day".into(),
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
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
    /// Area cancelled per non-technical survey team-year.
    CancelledPerNtsTeamYear,
    /// Area reduced per technical survey team-year.
    ReducedPerTsTeamYear,
    /// Area cleared per clearance team-year (all methods).
    ClearedPerClearanceTeamYear,
    /// Area released (cancelled, reduced, cleared) per person-day of every team.
    ReleasedPerDeminerDay,
}

impl Output {
    /// Every output of the catalogue: team-days once per pool.
    pub fn every() -> impl Iterator<Item = Output> {
        const FIXED: [Output; 36] = [
            Output::SuspectedArea,
            Output::CancelledArea,
            Output::ReducedArea,
            Output::ClearedArea,
            Output::CostNts,
            Output::CostTs,
            Output::CostClearance,
            Output::CostOverhead,
            Output::TotalCost,
            Output::ItemsFound,
            Output::ItemBasedCost,
            Output::MinesLaid,
            Output::LayingCost,
            Output::CostAsymmetry,
            Output::Duration,
            Output::ShareReleased,
            Output::YearsTo50,
            Output::YearsTo90,
            Output::Casualties,
            Output::CasualtiesFirstYear,
            Output::LandValue,
            Output::ProgrammeCost,
            Output::ProgrammeCostNominal,
            Output::ProgrammeCostPv,
            Output::ProgrammeCost10y,
            Output::FundingUnspent,
            Output::FundingShortfall,
            Output::ProgrammeCostSecond,
            Output::TotalCostSecond,
            Output::ItemsMissedPerKm2,
            Output::ResidualArea,
            Output::HazardAreaYears,
            Output::CancelledPerNtsTeamYear,
            Output::ReducedPerTsTeamYear,
            Output::ClearedPerClearanceTeamYear,
            Output::ReleasedPerDeminerDay,
        ];
        FIXED.into_iter().chain(Pool::ALL.into_iter().map(Output::TeamDays))
    }

    /// The output named `name` ([`Output::name`]), if the catalogue has one.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Output> {
        Output::every().find(|o| o.name() == name)
    }

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
            Output::CancelledPerNtsTeamYear => "cancelled_km2_per_nts_team_year",
            Output::ReducedPerTsTeamYear => "reduced_km2_per_ts_team_year",
            Output::ClearedPerClearanceTeamYear => "cleared_m2_per_clearance_team_year",
            Output::ReleasedPerDeminerDay => "released_m2_per_deminer_day",
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
            Output::CancelledPerNtsTeamYear | Output::ReducedPerTsTeamYear => Unit::Km2PerTeamYear,
            Output::ClearedPerClearanceTeamYear => Unit::M2PerTeamYear,
            Output::ReleasedPerDeminerDay => Unit::M2PerPersonDay,
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
            | Output::ResidualArea
            | Output::CancelledPerNtsTeamYear
            | Output::ReducedPerTsTeamYear
            | Output::ClearedPerClearanceTeamYear
            | Output::ReleasedPerDeminerDay => Better::Neither,
        }
    }

    /// The output in people's words, for reports, charts and captions
    /// ("area cleared", "cost of the work"); its [`Output::name`] stays the
    /// key of tables, JSON, CSV and `--output`.
    #[must_use]
    pub fn label(self) -> String {
        let fixed = match self {
            Output::TeamDays(p) => return format!("team-days of {}", p.label()),
            Output::SuspectedArea => "suspected area",
            Output::CancelledArea => "area cancelled by non-technical survey",
            Output::ReducedArea => "area reduced by technical survey",
            Output::ClearedArea => "area cleared",
            Output::CostNts => "cost of non-technical survey",
            Output::CostTs => "cost of technical survey",
            Output::CostClearance => "cost of clearance",
            Output::CostOverhead => "overhead",
            Output::TotalCost => "cost of the work",
            Output::ItemsFound => "items found",
            Output::ItemBasedCost => "items found at a benchmark cost per item",
            Output::MinesLaid => "mines laid",
            Output::LayingCost => "cost of laying the mines",
            Output::CostAsymmetry => "clearing cost per unit of laying cost",
            Output::Duration => "years to release all land",
            Output::ShareReleased => "land released within the horizon",
            Output::YearsTo50 => "years to release half the land",
            Output::YearsTo90 => "years to release 90 % of the land",
            Output::Casualties => "casualties over the horizon",
            Output::CasualtiesFirstYear => "casualties in the first year",
            Output::LandValue => "value of farmland returned",
            Output::ProgrammeCost => "programme cost",
            Output::ProgrammeCostNominal => "programme cost in each year's money",
            Output::ProgrammeCostPv => "programme cost, present value",
            Output::ProgrammeCost10y => "programme cost of the first 10 years",
            Output::FundingUnspent => "funding left unspent",
            Output::FundingShortfall => "spending beyond the funding",
            Output::ProgrammeCostSecond => "programme cost, second currency",
            Output::TotalCostSecond => "cost of the work, second currency",
            Output::ItemsMissedPerKm2 => "items left behind",
            Output::ResidualArea => "land released by survey, cleared later",
            Output::HazardAreaYears => "suspected area × years it waits",
            Output::CancelledPerNtsTeamYear => "area cancelled per non-technical survey team-year",
            Output::ReducedPerTsTeamYear => "area reduced per technical survey team-year",
            Output::ClearedPerClearanceTeamYear => "area cleared per clearance team-year",
            Output::ReleasedPerDeminerDay => "area released per deminer-day",
        };
        fixed.to_string()
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
            Output::CancelledPerNtsTeamYear => "area cancelled per non-technical survey team-year of work",
            Output::ReducedPerTsTeamYear => "area reduced per technical survey team-year of work",
            Output::ClearedPerClearanceTeamYear => "area cleared per clearance team-year of work, all methods",
            Output::ReleasedPerDeminerDay => {
                "area released (cancelled, reduced, cleared) per person-day of work in every team: national statistics' rate"
            }
        }
    }

    /// A derived output (a ratio of others) can be undefined in a trial
    /// without making the trial fail: the cost asymmetry when nothing was
    /// laid, a release rate when its stage had no work (all land confirmed,
    /// say, so no team-year of non-technical survey).
    #[must_use]
    pub fn is_derived(self) -> bool {
        matches!(
            self,
            Output::CostAsymmetry
                | Output::CancelledPerNtsTeamYear
                | Output::ReducedPerTsTeamYear
                | Output::ClearedPerClearanceTeamYear
                | Output::ReleasedPerDeminerDay
        )
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
    /// The unit as printed beside a figure: shares are shown in %, so their unit is `%`.
    #[must_use]
    pub fn unit_shown(&self) -> &str {
        if self.output.unit() == Unit::Share { "%" } else { &self.unit }
    }
    /// The output in people's words with its unit, as charts and reports
    /// label it: `area cleared (km²)`, `cost of the work (USD)`, `land
    /// released within the horizon (%)`.
    #[must_use]
    pub fn label(&self) -> String {
        format!("{} ({})", self.output.label(), self.unit_shown())
    }
}

#[cfg(test)]
mod tests;
