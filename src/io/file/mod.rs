//! The scenario file format: serde types that mirror the TOML (or JSON) exactly.
//!
//! These types hold what the user wrote, unvalidated; the engine never sees
//! them. [`super::validate`] checks every rule and turns them into the
//! validated model, and [`super::write`] turns a model back into them. Unknown fields are rejected everywhere, so a typo such as
//! `cancelled_fractoin` is an error naming the field, not a silent default.
//!
//! Units are in the field names (`_km2`, `_m2`, `_usd`, `_per_team_day`).
//! Wherever a number is expected, an inline table gives a distribution instead:
//!
//! ```toml
//! cancelled_fraction = { dist = "pert", min = 0.60, mode = 0.80, max = 0.95 }
//! working_days_per_year = { dist = "uniform", min = 180, max = 240 }
//! cost_usd_per_m2 = { dist = "lognormal", median = 0.07, p95 = 0.3 }
//! overhead_fraction = 0.1            # a plain number is a fixed value
//! ```

use crate::model::{HazardKind, Method, Pool};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod dist_spec;
pub use dist_spec::DistSpec;

/// A whole scenario file.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Short name (`ukraine`).
    pub name: String,
    /// One or two sentences on what the scenario represents.
    #[serde(default)]
    pub description: String,
    /// Currency of every cost (ISO code, e.g. `USD`).
    pub currency: String,
    /// Price year of the costs.
    pub price_year: i32,
    /// First calendar year of work (years are counted from 1 January of it).
    pub start_year: i32,
    /// Land area of the whole territory (for shares), km².
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub land_area_km2: Option<f64>,
    /// National suspected area, km². When given, the strata's areas are weights
    /// rescaled in every trial so that they add up to this total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspected_area_km2: Option<DistSpec>,
    /// Area already released before `start_year`, km² (reported, not simulated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub released_before_start_km2: Option<f64>,
    /// Default sampler: `monte_carlo`, `latin_hypercube` or `sobol`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampler: Option<String>,
    /// National land-release parameters (defaults for every stratum).
    pub land_release: LandReleaseFile,
    /// Overrides per kind of hazard (`mines`, `cluster_munitions`, `uxo`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hazards: BTreeMap<HazardKind, LandReleaseFile>,
    /// Non-technical and technical survey.
    pub survey: SurveyFile,
    /// Clearance methods (`[methods.manual]`, ...); a method with a share anywhere must be described.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub methods: BTreeMap<Method, MethodFile>,
    /// Overhead and benchmark costs.
    pub costs: CostsFile,
    /// Teams over time (enables the schedule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<CapacityFile>,
    /// Casualty model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub casualties: Option<CasualtiesFile>,
    /// Value of agricultural land returned to use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub land_value: Option<LandValueFile>,
    /// Site-level inventory (a CSV file or a synthetic one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sites: Option<SitesFile>,
    /// Regions (oblasts, countries ...), each with hazard strata.
    pub regions: Vec<RegionFile>,
    /// Rank correlations between uncertain inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation: Option<CorrelationFile>,
    /// Money available per year (caps spending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<FundingFile>,
    /// A forecast fitted to programme records (`demine fit`); read by `demine backtest`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forecast: Option<super::forecast::ForecastFile>,
    /// What the scenario was updated with (`demine update`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<UpdateFile>,
}

/// The `[update]` table of a posterior scenario (`demine update`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateFile {
    /// The field results file and the FNV-1a fingerprint of its bytes.
    pub observed: String,
    /// See `observed`.
    pub fingerprint: String,
    /// How the inputs were conditioned.
    pub method: String,
    /// Prior draws and the effective sample size of their weights.
    pub draws: usize,
    /// See `draws`.
    pub ess: f64,
    /// The observations used.
    #[serde(default)]
    pub observations: Vec<String>,
    /// Each updated input's prior and posterior.
    #[serde(default)]
    pub inputs: Vec<UpdatedInputFile>,
}

/// One updated input in `[update]`.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UpdatedInputFile {
    /// Its path.
    pub name: String,
    /// Its distribution before the update, and after (the one the scenario now gives it).
    pub prior: DistSpec,
    /// See `prior`.
    pub posterior: DistSpec,
}

/// Land-release parameters; every field is optional so that the same table
/// overrides the national defaults per hazard kind, region or stratum.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LandReleaseFile {
    /// Share of suspected (SHA) area cancelled by non-technical survey, in [0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_fraction: Option<DistSpec>,
    /// Share of the area left after NTS that technical survey reduces, in [0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduced_fraction: Option<DistSpec>,
    /// Share of the area that is confirmed (CHA): NTS cannot cancel it, in [0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_fraction: Option<DistSpec>,
    /// Share of the area to clear in SHAs that really holds explosive ordnance, in [0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contaminated_fraction: Option<DistSpec>,
    /// Items (mines, submunitions, UXO) per km² of contaminated land.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items_per_km2: Option<DistSpec>,
    /// How the area to clear splits between methods (must sum to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method_shares: Option<BTreeMap<Method, f64>>,
    /// Share of cancelled and reduced land later found contaminated: it
    /// re-enters the workload and is cleared, in [0, 1] (0 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residual_fraction: Option<DistSpec>,
    /// Diminishing returns of survey: the cancelled fraction falls by this
    /// share from the first site worked to the last (easier land first), in [0, 1] (0 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_fraction_trend: Option<DistSpec>,
}

/// Survey stages.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyFile {
    /// Non-technical survey.
    pub non_technical: NonTechnicalSurveyFile,
    /// Technical survey.
    pub technical: TechnicalSurveyFile,
}

/// Non-technical survey costs and productivity.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NonTechnicalSurveyFile {
    /// Cost per km² of suspected area surveyed.
    pub cost_usd_per_km2: DistSpec,
    /// km² one NTS team covers per working day (needed for the schedule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productivity_km2_per_team_day: Option<DistSpec>,
}

/// Technical survey costs and productivity.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TechnicalSurveyFile {
    /// Cost per m² of the area surveyed (all area not cancelled by NTS).
    pub cost_usd_per_m2: DistSpec,
    /// km² one TS team processes per working day (needed for the schedule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productivity_km2_per_team_day: Option<DistSpec>,
}

/// Productivity and cost of one clearance method. Give productivity either per
/// team-day, or per member-day (deminer, dog) with `team_size`; give cost either
/// per team-day or per m².
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MethodFile {
    /// m² cleared per team per working day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productivity_m2_per_team_day: Option<DistSpec>,
    /// m² cleared per team member (deminer, dog) per working day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productivity_m2_per_member_day: Option<DistSpec>,
    /// Members per team (with `productivity_m2_per_member_day`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_size: Option<DistSpec>,
    /// Full cost of one team-day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_usd_per_team_day: Option<DistSpec>,
    /// Cost per m² cleared (the team-day cost is then this times productivity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_usd_per_m2: Option<DistSpec>,
    /// Probability that the method finds an item in the land it clears, in
    /// [0, 1] (1 by default); the rest are left behind (residual risk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection_probability: Option<DistSpec>,
}

/// Cost items outside the stages.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CostsFile {
    /// Overhead (coordination, quality management, logistics) as a fraction of the direct costs.
    pub overhead_fraction: DistSpec,
    /// Optional per-item benchmark cost; gives the output `item_based_cost`
    /// (items found × this) beside the area-based bill.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benchmark_cost_usd_per_item: Option<DistSpec>,
    /// National coordination, quality management and information management:
    /// a fixed amount per year while the programme runs (0 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordination_per_year: Option<DistSpec>,
    /// Real price escalation per year (0.01 = prices rise 1 % a year faster
    /// than general inflation); 0 by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation_per_year: Option<DistSpec>,
    /// General inflation per year, for nominal amounts; 0 by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inflation_per_year: Option<DistSpec>,
    /// Real discount rate per year for present values; 0 by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_rate: Option<DistSpec>,
    /// A second currency to report the programme's cost in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_currency: Option<SecondCurrencyFile>,
}

/// A second reporting currency and its exchange rate.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SecondCurrencyFile {
    /// ISO code (`EUR`, `UAH`).
    pub code: String,
    /// Units of this currency per unit of the scenario's currency (uncertain allowed).
    pub per_unit: DistSpec,
}

/// Money available per year: it caps spending, so unfunded years slow the schedule.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FundingFile {
    /// Funding in the first year, in the price year's money.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_year: Option<DistSpec>,
    /// Real growth of `per_year` per year (0 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub growth_per_year: Option<DistSpec>,
    /// Pledged amounts for given calendar years; they replace `per_year` in those years.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pledges: Vec<PledgeFile>,
    /// After the last pledge, without `per_year`: funding continues at the last pledge (true)
    /// or stops (false, the default).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub continue_last_pledge: bool,
    /// True: each year's funding buys capacity (every pool's planned teams
    /// scaled up or down to spend it); false (default): funding only caps the plan.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drives_capacity: bool,
}

/// One year's pledged funding.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PledgeFile {
    /// Calendar year.
    pub year: i32,
    /// Amount, in the price year's money (uncertain allowed).
    pub amount: DistSpec,
}

/// Teams over time.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityFile {
    /// Working days per year (winter and heat stop work).
    pub working_days_per_year: DistSpec,
    /// Years simulated before a run is declared "not finished" (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon_years: Option<u32>,
    /// Optional cap on yearly spending (all stages and overhead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_usd_per_year: Option<DistSpec>,
    /// Work order: `as_given`, `casualty_risk`, `value_per_cost`, `smallest_first`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// Team pools by name (`non_technical_survey`, `technical_survey`, then one
    /// per clearance method); survey pools are optional (a missing one never limits the schedule).
    #[serde(default)]
    pub teams: BTreeMap<Pool, TeamPoolFile>,
}

/// One pool of teams: `min(ceiling, initial · (1 + growth_per_year)^year)`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TeamPoolFile {
    /// Teams in the first year.
    pub initial: DistSpec,
    /// Relative growth per year (0.2 = +20 % a year); 0 by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub growth_per_year: Option<DistSpec>,
    /// Most teams ever; `initial` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling: Option<DistSpec>,
    /// Fixed cost of one team for one year while it exists, working or idle
    /// (salaries, insurance, equipment upkeep); 0 by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_team_year: Option<DistSpec>,
    /// Cost of raising one new team (recruitment, training, equipment); 0 by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobilisation_cost_per_team: Option<DistSpec>,
    /// Teams in service at the start (`initial` by default); first-year teams above it are raised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing: Option<DistSpec>,
    /// People in one team (deminers, surveyors, handlers, operators), for the release per
    /// deminer-day that national statistics report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_per_team: Option<DistSpec>,
}

/// Casualties per year from unreleased suspected area.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CasualtiesFile {
    /// Expected casualties per km² of unreleased suspected area per year, at the
    /// inventory's average exposed-population density.
    pub rate_per_km2_year: DistSpec,
}

/// Value of agricultural land returned to use.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LandValueFile {
    /// Output value of one hectare of farmland per year.
    pub agriculture_usd_per_ha_year: DistSpec,
    /// Yearly discount rate (0 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_rate: Option<f64>,
}

/// The site-level inventory: a CSV file, or synthetic sites generated from the strata.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SitesFile {
    /// CSV inventory, relative to the scenario file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<String>,
    /// A TOML file (relative to the scenario file) mapping the inventory's columns and values onto
    /// demine's: `[columns]`, `[values.COLUMN]`, `area_unit`; or give them here, below.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<String>,
    /// demine's column → the inventory's column name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub columns: BTreeMap<String, String>,
    /// For a column: the inventory's value → demine's.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// The unit of the inventory's area column: `m2` (default), `ha` or `km2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_unit: Option<String>,
    /// Number of synthetic sites, split between strata by expected area.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Coefficient of variation of synthetic site sizes (lognormal), 1.5 by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_cv: Option<f64>,
    /// Seed of the synthetic inventory; by default the run's seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Spread of each site's TS-reduced fraction around the trial's value, in [0, 1] (0.5 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduction_spread: Option<f64>,
    /// Coefficient of variation of a site's clearance team-days from local conditions (0.3 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_day_cv: Option<f64>,
    /// Coefficient of variation of exposed population density between synthetic sites (1.0 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population_cv: Option<f64>,
}

/// A region (oblast, country ...).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RegionFile {
    /// Name, unique in the scenario.
    pub name: String,
    /// Land area of the region, km².
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub land_area_km2: Option<f64>,
    /// People living in or next to the region's hazardous areas (synthetic sites).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population_exposed: Option<f64>,
    /// Share of the region's suspected area that is farmland (synthetic sites).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agricultural_share: Option<f64>,
    /// Overrides of the land-release parameters for this region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub land_release: Option<LandReleaseFile>,
    /// The region's own team pools; without it the region shares the national pools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<CapacityFile>,
    /// Hazard strata.
    pub strata: Vec<StratumFile>,
}

/// A hazard stratum: one kind of contamination in one region.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StratumFile {
    /// `mines`, `cluster_munitions` or `uxo`.
    pub hazard: HazardKind,
    /// Suspected area, km² (or a weight, when the national total is given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspected_area_km2: Option<DistSpec>,
    /// A barrier minefield instead of an area: the area is length × width.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barrier: Option<BarrierFile>,
    /// Overrides of the land-release parameters for this stratum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub land_release: Option<LandReleaseFile>,
    /// Number of synthetic sites in this stratum (overrides the split of `sites.count`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sites: Option<u64>,
    /// Calendar year the stratum comes into the workload (land returned to
    /// government control, say); before it, it is neither worked nor counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrives_year: Option<DistSpec>,
    /// New suspected area per year while fighting goes on (instead of
    /// `suspected_area_km2`): the stratum's area is this rate times the years
    /// from the start to `until_year`, arriving evenly over them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_km2_per_year: Option<DistSpec>,
    /// Calendar year the new contamination stops (end of hostilities), with `added_km2_per_year`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_year: Option<DistSpec>,
}

/// A barrier minefield along a border.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BarrierFile {
    /// Length of the border, km (the mined length is this times `share_mined`).
    pub length_km: DistSpec,
    /// Share of `length_km` that is mined, in [0, 1] (1 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_mined: Option<DistSpec>,
    /// Depth of the belt, m.
    pub width_m: DistSpec,
    /// Mines laid per km of belt.
    pub mines_per_km: DistSpec,
    /// Purchase cost of one mine.
    pub mine_unit_cost_usd: DistSpec,
    /// Cost of emplacing one mine (engineers, minelaying systems, marking, records); 0 by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emplacement_cost_usd_per_mine: Option<DistSpec>,
}

/// Rank correlations: pairs, or one matrix, or both (over disjoint pairs).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CorrelationFile {
    /// Replace a matrix that is not positive definite by the nearest correlation matrix.
    #[serde(default)]
    pub repair: bool,
    /// Pairwise Spearman correlations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pairs: Vec<CorrelationPairFile>,
    /// Inputs of the matrix (rows and columns, in order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Vec<String>>,
    /// Spearman matrix over `inputs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matrix: Option<Vec<Vec<f64>>>,
}

/// One rank correlation between two named inputs.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CorrelationPairFile {
    /// The two inputs, by their field path (as `demine inputs` lists them).
    pub inputs: Vec<String>,
    /// Spearman rank correlation in [-1, 1].
    pub rank_correlation: f64,
}
