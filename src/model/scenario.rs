//! The validated scenario: every rule proven once, here, so the engine never checks again.

use super::kinds::{HazardKind, Method, Pool, Priority};
use crate::error::{Error, Problem, Result};
use crate::io::inventory::{self, Inventory};
use crate::io::scenario::*;
use crate::sampling::{Correlation, Dist, Sampler};
use nalgebra::DMatrix;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

/// One uncertain input: a distribution at a place in the scenario file.
#[derive(Clone, Debug)]
pub struct Input {
    /// Dotted field path (`land_release.cancelled_fraction`), also its name in
    /// correlations and sensitivity reports.
    pub name: String,
    /// What it is, for people (`Kharkiv / mines: suspected area`).
    pub label: String,
    /// Its distribution.
    pub dist: Dist,
}

/// A model parameter: a constant, or the value of uncertain input `i` in the trial.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Param {
    /// Known exactly.
    Const(f64),
    /// Index into the scenario's inputs.
    Input(u32),
}

impl Param {
    /// The parameter's value given the trial's input values.
    #[inline(always)]
    #[must_use]
    pub fn get(self, x: &[f64]) -> f64 {
        match self {
            Param::Const(v) => v,
            Param::Input(i) => x[i as usize],
        }
    }

    /// Its mean, given the scenario's inputs.
    #[must_use]
    pub fn mean(self, inputs: &[Input]) -> f64 {
        match self {
            Param::Const(v) => v,
            Param::Input(i) => inputs[i as usize].dist.mean(),
        }
    }
}

/// A region (oblast, country) and its strata.
#[derive(Clone, Debug)]
pub struct Region {
    /// Name.
    pub name: String,
    /// Land area, km².
    pub land_area_km2: Option<f64>,
    /// People exposed (for synthetic sites).
    pub population_exposed: Option<f64>,
    /// Share of suspected land that is farmland (for synthetic sites).
    pub agricultural_share: f64,
    /// Index of its capacity group (`None` when no capacity is given).
    pub capacity_group: Option<usize>,
    /// Its strata (indices into the scenario's strata).
    pub strata: Range<usize>,
}

/// Where a stratum's area comes from.
#[derive(Clone, Copy, Debug)]
pub enum StratumArea {
    /// A suspected area in km² (a weight when the national total is set).
    Area(Param),
    /// A barrier minefield: length × width, with a known count of mines.
    Barrier {
        /// km of border mined.
        length_km: Param,
        /// Belt depth, m.
        width_m: Param,
        /// Mines per km.
        mines_per_km: Param,
        /// Purchase cost per mine.
        mine_unit_cost_usd: Param,
    },
}

/// One kind of contamination in one region, with its resolved land-release parameters.
#[derive(Clone, Debug)]
pub struct Stratum {
    /// Index of its region.
    pub region: usize,
    /// Kind of contamination.
    pub hazard: HazardKind,
    /// Field path (`regions[2].strata[0]`).
    pub path: String,
    /// Area model.
    pub area: StratumArea,
    /// Share of SHA area cancelled by NTS.
    pub cancelled_fraction: Param,
    /// Share of the remaining area reduced by TS.
    pub reduced_fraction: Param,
    /// Share of the area confirmed (CHA).
    pub confirmed_fraction: Param,
    /// Share of the SHA area to clear that holds EO.
    pub contaminated_fraction: Param,
    /// Items per km² of contaminated land.
    pub items_per_km2: Param,
    /// Shares of the area to clear by method (sum 1).
    pub method_shares: [f64; 4],
    /// Synthetic sites in this stratum, when set explicitly.
    pub site_count: Option<u64>,
}

/// How a method's productivity is given.
#[derive(Clone, Copy, Debug)]
pub enum Productivity {
    /// m² per team-day.
    PerTeamDay(Param),
    /// m² per member-day × members per team.
    PerMemberDay {
        /// m² per member-day.
        rate: Param,
        /// Members per team.
        team_size: Param,
    },
}

/// How a method's cost is given.
#[derive(Clone, Copy, Debug)]
pub enum MethodCost {
    /// Per team-day.
    PerTeamDay(Param),
    /// Per m² cleared.
    PerM2(Param),
}

/// A clearance method's productivity and cost.
#[derive(Clone, Copy, Debug)]
pub struct MethodModel {
    /// Productivity.
    pub productivity: Productivity,
    /// Cost.
    pub cost: MethodCost,
}

/// A survey stage's cost and (optional) productivity.
#[derive(Clone, Copy, Debug)]
pub struct SurveyModel {
    /// Cost per km² (NTS) or per m² (TS).
    pub cost: Param,
    /// km² per team-day.
    pub productivity_km2_per_team_day: Option<Param>,
}

/// One team pool: `min(ceiling, initial·(1+growth)^year)` teams.
#[derive(Clone, Copy, Debug)]
pub struct PoolModel {
    /// Teams in year 0.
    pub initial: Param,
    /// Relative growth per year.
    pub growth_per_year: Param,
    /// Most teams.
    pub ceiling: Param,
}

/// A set of team pools working through its own sites (the nation, or a region with its own capacity).
#[derive(Clone, Debug)]
pub struct CapacityGroup {
    /// `national` or the region's name.
    pub name: String,
    /// Field path of its capacity table.
    pub path: String,
    /// Working days per year.
    pub working_days_per_year: Param,
    /// Yearly budget cap.
    pub budget_usd_per_year: Option<Param>,
    /// Pools, indexed by [`Pool::index`]; `None` = unlimited (survey only).
    pub pools: [Option<PoolModel>; 6],
}

/// Capacity over time.
#[derive(Clone, Debug)]
pub struct Capacity {
    /// Groups: index 0 is national when a national capacity is given.
    pub groups: Vec<CapacityGroup>,
    /// Years simulated.
    pub horizon_years: u32,
    /// Work order.
    pub priority: Priority,
}

/// Value of farmland returned to use.
#[derive(Clone, Copy, Debug)]
pub struct LandValue {
    /// USD per hectare per year.
    pub agriculture_usd_per_ha_year: Param,
    /// Yearly discount rate.
    pub discount_rate: f64,
}

/// Where sites come from.
#[derive(Clone, Debug)]
pub enum SiteSource {
    /// A CSV inventory.
    Inventory(Inventory),
    /// Generated from the strata.
    Synthetic {
        /// Total sites.
        count: u64,
        /// CV of site sizes.
        size_cv: f64,
        /// Fixed seed, or the run's seed.
        seed: Option<u64>,
        /// CV of population density between sites.
        population_cv: f64,
    },
}

/// The site-level model's settings.
#[derive(Clone, Debug)]
pub struct SitesModel {
    /// Inventory or synthetic.
    pub source: SiteSource,
    /// Spread of each site's reduced fraction around the trial's value.
    pub reduction_spread: f64,
    /// CV of each site's clearance team-days.
    pub team_day_cv: f64,
}

/// A validated scenario.
///
/// Build one with [`Scenario::from_toml_str`], [`crate::io::load_scenario`]
/// or `Scenario::try_from(ScenarioFile)`; every rule is checked there and
/// every problem is reported at once.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) currency: String,
    pub(crate) price_year: i32,
    pub(crate) start_year: i32,
    pub(crate) land_area_km2: Option<f64>,
    pub(crate) released_before_start_km2: Option<f64>,
    pub(crate) inputs: Vec<Input>,
    pub(crate) national_area: Option<Param>,
    pub(crate) regions: Vec<Region>,
    pub(crate) strata: Vec<Stratum>,
    pub(crate) methods: [Option<MethodModel>; 4],
    pub(crate) nts: SurveyModel,
    pub(crate) ts: SurveyModel,
    pub(crate) overhead_fraction: Param,
    pub(crate) benchmark_cost_per_item: Option<Param>,
    pub(crate) capacity: Option<Capacity>,
    pub(crate) casualty_rate: Option<Param>,
    pub(crate) land_value: Option<LandValue>,
    pub(crate) sites: Option<SitesModel>,
    pub(crate) correlation: Option<Correlation>,
    pub(crate) sampler: Sampler,
}

/// Rules a parameter must satisfy.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Rule {
    /// >= 0.
    NonNegative,
    /// In [0, 1].
    Fraction,
    /// Fixed: > 0. Distribution: >= 0 over its range (an exact 0 is a failed trial).
    Positive,
    /// In (0, 366].
    WorkingDays,
    /// > -1.
    Growth,
}

struct Conv {
    inputs: Vec<Input>,
    problems: Vec<Problem>,
}

fn dist_from_table(t: &DistTable) -> Result<Dist> {
    match t {
        DistTable::Fixed { value } => Dist::fixed(*value),
        DistTable::Uniform { min, max } => Dist::uniform(*min, *max),
        DistTable::Triangular { min, mode, max } => Dist::triangular(*min, *mode, *max),
        DistTable::Pert { min, mode, max, shape } => Dist::pert_with_shape(*min, *mode, *max, shape.unwrap_or(4.0)),
        DistTable::Normal { mean, sd, min, max } => {
            Dist::truncated_normal(*mean, *sd, min.unwrap_or(f64::NEG_INFINITY), max.unwrap_or(f64::INFINITY))
        }
        DistTable::Lognormal { median, p90, p95, mean, cv } => match (median, p90, p95, mean, cv) {
            (Some(m), Some(q), None, None, None) => Dist::lognormal_median_p90(*m, *q),
            (Some(m), None, Some(q), None, None) => Dist::lognormal_median_p95(*m, *q),
            (None, None, None, Some(m), Some(c)) => Dist::lognormal_mean_cv(*m, *c),
            _ => Err(Error::InvalidValue(Problem::text(
                "",
                "this combination of parameters",
                "a lognormal takes `median` with `p90`, `median` with `p95`, or `mean` with `cv`",
            ))),
        },
        DistTable::Beta { alpha, beta, min, max } => Dist::beta(*alpha, *beta, min.unwrap_or(0.0), max.unwrap_or(1.0)),
        DistTable::Discrete { values, weights } => Dist::discrete(values, weights),
    }
}

/// Converts a distribution table, naming problems under `path`.
pub(crate) fn dist_at(path: &str, spec: &DistSpec) -> std::result::Result<Dist, Vec<Problem>> {
    let r = match spec {
        DistSpec::Fixed(v) => Dist::fixed(*v),
        DistSpec::Table(t) => dist_from_table(t),
    };
    r.map_err(|e| {
        e.problems()
            .into_iter()
            .map(|p| {
                if matches!(spec, DistSpec::Fixed(_)) {
                    Problem { field: path.to_string(), ..p }
                } else {
                    p.within(path)
                }
            })
            .collect()
    })
}

impl Conv {
    fn param(&mut self, path: &str, label: &str, spec: &DistSpec, rule: Rule) -> Param {
        let dist = match dist_at(path, spec) {
            Ok(d) => d,
            Err(ps) => {
                self.problems.extend(ps);
                return Param::Const(f64::NAN);
            }
        };
        let (lo, hi) = dist.support();
        let fixed = dist.fixed_value();
        let bad = |v: f64| -> Option<&'static str> {
            match rule {
                Rule::NonNegative if !(v >= 0.0) => Some("must be >= 0"),
                Rule::Fraction if !(0.0..=1.0).contains(&v) => Some("a fraction must lie in [0, 1]"),
                Rule::Positive if !(v > 0.0) => Some("must be > 0"),
                Rule::WorkingDays if !(v > 0.0 && v <= 366.0) => Some("must lie in (0, 366]"),
                Rule::Growth if !(v > -1.0) => Some("must be > -1 (a yearly change above -100 %)"),
                _ => None,
            }
        };
        if let Some(v) = fixed {
            if let Some(rule) = bad(v) {
                self.problems.push(Problem::new(path, v, rule));
            }
            return Param::Const(v);
        }
        // A distribution: its whole range must obey the rule (a Positive quantity may touch 0).
        let lo_rule = if rule == Rule::Positive { Rule::NonNegative } else { rule };
        let lo_bad = match lo_rule {
            Rule::NonNegative => !(lo >= 0.0),
            Rule::Fraction => !(lo >= 0.0),
            Rule::WorkingDays => !(lo >= 0.0),
            Rule::Growth => !(lo >= -1.0),
            Rule::Positive => false,
        };
        let hi_bad = match rule {
            Rule::Fraction => !(hi <= 1.0),
            Rule::WorkingDays => !(hi <= 366.0),
            _ => false,
        };
        if lo_bad || hi_bad {
            let what = match rule {
                Rule::NonNegative | Rule::Positive => "must be >= 0 over its whole range",
                Rule::Fraction => "a fraction must lie in [0, 1] over its whole range",
                Rule::WorkingDays => "must lie in [0, 366] over its whole range",
                Rule::Growth => "must be >= -1 over its whole range",
            };
            let hint = if lo.is_infinite() || hi.is_infinite() {
                " (truncate it with `min` and `max`, or use a bounded distribution)"
            } else {
                ""
            };
            self.problems.push(Problem::text(path, format!("{dist} with range [{lo}, {hi}]"), format!("{what}{hint}")));
            return Param::Const(f64::NAN);
        }
        let i = self.inputs.len() as u32;
        self.inputs.push(Input { name: path.to_string(), label: label.to_string(), dist });
        Param::Input(i)
    }

    fn opt(&mut self, path: &str, label: &str, spec: &Option<DistSpec>, rule: Rule) -> Option<Param> {
        spec.as_ref().map(|s| self.param(path, label, s, rule))
    }

    fn fixed_fraction(&mut self, path: &str, v: f64) -> f64 {
        if !(0.0..=1.0).contains(&v) {
            self.problems.push(Problem::new(path, v, "a fraction must lie in [0, 1]"));
        }
        v
    }
}

/// Land-release parameters converted at one level (national, hazard, region, stratum).
#[derive(Clone, Copy, Default)]
struct LevelParams {
    cancelled: Option<Param>,
    reduced: Option<Param>,
    confirmed: Option<Param>,
    contaminated: Option<Param>,
    items: Option<Param>,
    shares: Option<[f64; 4]>,
}

fn level(conv: &mut Conv, path: &str, label: &str, f: &LandReleaseFile) -> LevelParams {
    let p = |k: &str| format!("{path}.{k}");
    let l = |k: &str| format!("{label}{k}");
    let shares = f.method_shares.as_ref().map(|s| {
        let arr = [s.manual, s.mechanical, s.mine_detection_dogs, s.battle_area_clearance];
        for (m, v) in Method::ALL.iter().zip(arr) {
            conv.fixed_fraction(&format!("{path}.method_shares.{}", m.name()), v);
        }
        let sum: f64 = arr.iter().sum();
        if arr.iter().all(|v| v.is_finite()) && (sum - 1.0).abs() > 1e-6 {
            conv.problems.push(Problem::new(
                format!("{path}.method_shares"),
                sum,
                "the shares of manual, mechanical, mine_detection_dogs and battle_area_clearance must sum to 1",
            ));
        }
        arr
    });
    LevelParams {
        cancelled: conv.opt(
            &p("cancelled_fraction"),
            &l("NTS cancelled fraction"),
            &f.cancelled_fraction,
            Rule::Fraction,
        ),
        reduced: conv.opt(&p("reduced_fraction"), &l("TS reduced fraction"), &f.reduced_fraction, Rule::Fraction),
        confirmed: conv.opt(
            &p("confirmed_fraction"),
            &l("confirmed (CHA) fraction"),
            &f.confirmed_fraction,
            Rule::Fraction,
        ),
        contaminated: conv.opt(
            &p("contaminated_fraction"),
            &l("contaminated fraction"),
            &f.contaminated_fraction,
            Rule::Fraction,
        ),
        items: conv.opt(&p("items_per_km2"), &l("items per km²"), &f.items_per_km2, Rule::NonNegative),
        shares,
    }
}

fn capacity_group(conv: &mut Conv, path: &str, name: &str, f: &CapacityFile) -> CapacityGroup {
    let lp = if name == "national" { String::new() } else { format!("{name}: ") };
    let working_days_per_year = conv.param(
        &format!("{path}.working_days_per_year"),
        &format!("{lp}working days per year"),
        &f.working_days_per_year,
        Rule::WorkingDays,
    );
    let budget_usd_per_year = f.budget_usd_per_year.as_ref().map(|b| {
        let bp = format!("{path}.budget_usd_per_year");
        let p = conv.param(&bp, &format!("{lp}yearly budget"), b, Rule::Positive);
        if let DistSpec::Fixed(v) = b
            && *v == 0.0
        {
            // Replace the generic rule by the one that says why.
            conv.problems.retain(|q| q.field != bp);
            conv.problems.push(Problem::new(
                bp.clone(),
                *v,
                "a zero budget releases nothing: remove the cap or give a positive amount",
            ));
        }
        p
    });
    let t = &f.teams;
    let files = [
        &t.non_technical_survey,
        &t.technical_survey,
        &t.manual,
        &t.mechanical,
        &t.mine_detection_dogs,
        &t.battle_area_clearance,
    ];
    let mut pools: [Option<PoolModel>; 6] = [None; 6];
    for (pool, file) in Pool::ALL.iter().zip(files) {
        if let Some(pf) = file {
            let pp = format!("{path}.teams.{}", pool.name());
            let initial = conv.param(
                &format!("{pp}.initial"),
                &format!("{lp}{} teams, initial", pool.name()),
                &pf.initial,
                Rule::NonNegative,
            );
            let growth_per_year = match &pf.growth_per_year {
                Some(g) => conv.param(
                    &format!("{pp}.growth_per_year"),
                    &format!("{lp}{} teams, growth", pool.name()),
                    g,
                    Rule::Growth,
                ),
                None => Param::Const(0.0),
            };
            let ceiling = match &pf.ceiling {
                Some(c) => conv.param(
                    &format!("{pp}.ceiling"),
                    &format!("{lp}{} teams, ceiling", pool.name()),
                    c,
                    Rule::NonNegative,
                ),
                None => initial,
            };
            if let (Param::Const(i), Param::Const(c)) = (initial, ceiling)
                && c < i
            {
                conv.problems.push(Problem::new(format!("{pp}.ceiling"), c, format!("must be >= initial ({i})")));
            }
            pools[pool.index()] = Some(PoolModel { initial, growth_per_year, ceiling });
        }
    }
    CapacityGroup { name: name.to_string(), path: path.to_string(), working_days_per_year, budget_usd_per_year, pools }
}

impl Scenario {
    /// Parses and validates a scenario from TOML text (an inventory path is
    /// taken relative to the current directory).
    ///
    /// # Errors
    /// [`Error::Parse`] with line and column for malformed TOML or unknown
    /// fields; [`Error::InvalidScenario`] listing every broken rule.
    pub fn from_toml_str(text: &str) -> Result<Self> {
        let file = crate::io::parse_toml(text, Path::new("<scenario>"))?;
        Scenario::from_file(file, None, "<scenario>")
    }

    /// Validates a parsed file; `base_dir` resolves a relative inventory path.
    ///
    /// # Errors
    /// [`Error::InvalidScenario`] listing every broken rule; inventory errors
    /// name the file, line and column.
    pub fn from_file(f: ScenarioFile, base_dir: Option<&Path>, source_name: &str) -> Result<Self> {
        let mut conv = Conv { inputs: Vec::new(), problems: Vec::new() };
        if f.name.trim().is_empty() {
            conv.problems.push(Problem::text("name", "\"\"", "must not be empty"));
        }
        if f.currency.trim().is_empty() {
            conv.problems.push(Problem::text("currency", "\"\"", "must not be empty"));
        }
        if let Some(a) = f.land_area_km2
            && !(a > 0.0 && a.is_finite())
        {
            conv.problems.push(Problem::new("land_area_km2", a, "must be > 0"));
        }
        if let Some(a) = f.released_before_start_km2
            && !(a >= 0.0 && a.is_finite())
        {
            conv.problems.push(Problem::new("released_before_start_km2", a, "must be >= 0"));
        }
        let sampler = match &f.sampler {
            None => Sampler::default(),
            Some(s) => s.parse().unwrap_or_else(|_| {
                conv.problems.push(Problem::text(
                    "sampler",
                    s.clone(),
                    format!("must be one of {}", Sampler::NAMES.join(", ")),
                ));
                Sampler::default()
            }),
        };
        let national_area =
            conv.opt("suspected_area_km2", "national suspected area (km²)", &f.suspected_area_km2, Rule::NonNegative);

        // Land-release levels: national, per hazard, per region, per stratum.
        let national = level(&mut conv, "land_release", "", &f.land_release);
        let mut per_hazard: BTreeMap<HazardKind, LevelParams> = BTreeMap::new();
        for (k, lf) in &f.hazards {
            let lp = level(&mut conv, &format!("hazards.{}", k.name()), &format!("{}: ", k.name()), lf);
            per_hazard.insert(*k, lp);
        }

        // Methods.
        let mfiles = [
            &f.methods.manual,
            &f.methods.mechanical,
            &f.methods.mine_detection_dogs,
            &f.methods.battle_area_clearance,
        ];
        let mut methods: [Option<MethodModel>; 4] = [None; 4];
        for (m, mf) in Method::ALL.iter().zip(mfiles) {
            let Some(mf) = mf else { continue };
            let mp = format!("methods.{}", m.name());
            let productivity =
                match (&mf.productivity_m2_per_team_day, &mf.productivity_m2_per_member_day, &mf.team_size) {
                    (Some(p), None, None) => Productivity::PerTeamDay(conv.param(
                        &format!("{mp}.productivity_m2_per_team_day"),
                        &format!("{m}: m² per team-day"),
                        p,
                        Rule::Positive,
                    )),
                    (None, Some(r), Some(s)) => Productivity::PerMemberDay {
                        rate: conv.param(
                            &format!("{mp}.productivity_m2_per_member_day"),
                            &format!("{m}: m² per member-day"),
                            r,
                            Rule::Positive,
                        ),
                        team_size: conv.param(
                            &format!("{mp}.team_size"),
                            &format!("{m}: team size"),
                            s,
                            Rule::Positive,
                        ),
                    },
                    _ => {
                        conv.problems.push(Problem::text(
                        mp.clone(),
                        "productivity",
                        "give either productivity_m2_per_team_day, or productivity_m2_per_member_day with team_size",
                    ));
                        Productivity::PerTeamDay(Param::Const(f64::NAN))
                    }
                };
            let cost = match (&mf.cost_usd_per_team_day, &mf.cost_usd_per_m2) {
                (Some(c), None) => MethodCost::PerTeamDay(conv.param(
                    &format!("{mp}.cost_usd_per_team_day"),
                    &format!("{m}: cost per team-day"),
                    c,
                    Rule::NonNegative,
                )),
                (None, Some(c)) => MethodCost::PerM2(conv.param(
                    &format!("{mp}.cost_usd_per_m2"),
                    &format!("{m}: cost per m²"),
                    c,
                    Rule::NonNegative,
                )),
                _ => {
                    conv.problems.push(Problem::text(
                        mp.clone(),
                        "cost",
                        "give exactly one of cost_usd_per_team_day and cost_usd_per_m2",
                    ));
                    MethodCost::PerTeamDay(Param::Const(f64::NAN))
                }
            };
            methods[m.index()] = Some(MethodModel { productivity, cost });
        }

        let nts = SurveyModel {
            cost: conv.param(
                "survey.non_technical.cost_usd_per_km2",
                "NTS cost per km²",
                &f.survey.non_technical.cost_usd_per_km2,
                Rule::NonNegative,
            ),
            productivity_km2_per_team_day: conv.opt(
                "survey.non_technical.productivity_km2_per_team_day",
                "NTS km² per team-day",
                &f.survey.non_technical.productivity_km2_per_team_day,
                Rule::Positive,
            ),
        };
        let ts = SurveyModel {
            cost: conv.param(
                "survey.technical.cost_usd_per_m2",
                "TS cost per m²",
                &f.survey.technical.cost_usd_per_m2,
                Rule::NonNegative,
            ),
            productivity_km2_per_team_day: conv.opt(
                "survey.technical.productivity_km2_per_team_day",
                "TS km² per team-day",
                &f.survey.technical.productivity_km2_per_team_day,
                Rule::Positive,
            ),
        };
        let overhead_fraction =
            conv.param("costs.overhead_fraction", "overhead fraction", &f.costs.overhead_fraction, Rule::NonNegative);
        let benchmark_cost_per_item = conv.opt(
            "costs.benchmark_cost_usd_per_item",
            "benchmark cost per item",
            &f.costs.benchmark_cost_usd_per_item,
            Rule::NonNegative,
        );

        // Capacity: national group first, then regions with their own.
        let mut groups = Vec::new();
        let mut horizon_years = 100;
        let mut priority = Priority::AsGiven;
        let national_group = f.capacity.as_ref().map(|c| {
            if let Some(h) = c.horizon_years {
                horizon_years = h;
            }
            if let Some(p) = &c.priority {
                match Priority::parse(p) {
                    Some(p) => priority = p,
                    None => conv.problems.push(Problem::text(
                        "capacity.priority",
                        p.clone(),
                        format!("must be one of {}", Priority::NAMES.join(", ")),
                    )),
                }
            }
            groups.push(capacity_group(&mut conv, "capacity", "national", c));
            0usize
        });
        // Regions and strata.
        if f.regions.is_empty() {
            conv.problems.push(Problem::text("regions", "[]", "must hold at least one region"));
        }
        let mut regions = Vec::new();
        let mut strata = Vec::new();
        let mut names = BTreeMap::new();
        for (ri, rf) in f.regions.iter().enumerate() {
            let rp = format!("regions[{ri}]");
            if rf.name.trim().is_empty() {
                conv.problems.push(Problem::text(format!("{rp}.name"), "\"\"", "must not be empty"));
            } else if let Some(prev) = names.insert(rf.name.clone(), ri) {
                conv.problems.push(Problem::text(
                    format!("{rp}.name"),
                    rf.name.clone(),
                    format!("must be unique, but regions[{prev}] has the same name"),
                ));
            }
            if let Some(a) = rf.land_area_km2
                && !(a > 0.0 && a.is_finite())
            {
                conv.problems.push(Problem::new(format!("{rp}.land_area_km2"), a, "must be > 0"));
            }
            if let Some(p) = rf.population_exposed
                && !(p >= 0.0 && p.is_finite())
            {
                conv.problems.push(Problem::new(format!("{rp}.population_exposed"), p, "must be >= 0"));
            }
            let agricultural_share =
                rf.agricultural_share.map_or(0.0, |v| conv.fixed_fraction(&format!("{rp}.agricultural_share"), v));
            let region_level = rf
                .land_release
                .as_ref()
                .map(|l| level(&mut conv, &format!("{rp}.land_release"), &format!("{}: ", rf.name), l))
                .unwrap_or_default();
            let capacity_group = match &rf.capacity {
                Some(c) => {
                    // One schedule runs for every region: its horizon and work order are shared.
                    let first_group = groups.is_empty();
                    if let Some(h) = c.horizon_years {
                        if first_group && national_group.is_none() {
                            horizon_years = h;
                        } else if h != horizon_years {
                            conv.problems.push(Problem::new(
                                format!("{rp}.capacity.horizon_years"),
                                f64::from(h),
                                format!("must equal the horizon of the first capacity table ({horizon_years}): one schedule runs for all regions"),
                            ));
                        }
                    }
                    if let Some(p) = &c.priority {
                        match Priority::parse(p) {
                            Some(p) if first_group && national_group.is_none() => priority = p,
                            Some(p) if p == priority => {}
                            Some(_) => conv.problems.push(Problem::text(
                                format!("{rp}.capacity.priority"),
                                p.clone(),
                                format!("must equal the work order of the first capacity table ({}): one schedule runs for all regions", priority.name()),
                            )),
                            None => conv.problems.push(Problem::text(
                                format!("{rp}.capacity.priority"),
                                p.clone(),
                                format!("must be one of {}", Priority::NAMES.join(", ")),
                            )),
                        }
                    }
                    groups.push(capacity_group(&mut conv, &format!("{rp}.capacity"), &rf.name, c));
                    Some(groups.len() - 1)
                }
                None => national_group,
            };
            let first = strata.len();
            if rf.strata.is_empty() {
                conv.problems.push(Problem::text(format!("{rp}.strata"), "[]", "must hold at least one stratum"));
            }
            let mut kinds = BTreeMap::new();
            for (si, sf) in rf.strata.iter().enumerate() {
                let sp = format!("{rp}.strata[{si}]");
                let sl = format!("{} / {}: ", rf.name, sf.hazard);
                if let Some(prev) = kinds.insert(sf.hazard, si) {
                    conv.problems.push(Problem::text(
                        format!("{sp}.hazard"),
                        sf.hazard.name(),
                        format!("each hazard kind appears once per region, but {rp}.strata[{prev}] has it too"),
                    ));
                }
                let lp = sf
                    .land_release
                    .as_ref()
                    .map(|l| level(&mut conv, &format!("{sp}.land_release"), &sl, l))
                    .unwrap_or_default();
                let hz = per_hazard.get(&sf.hazard).copied().unwrap_or_default();
                let chain = [lp, region_level, hz, national];
                macro_rules! resolve {
                    ($field:ident, $default:expr) => {
                        chain.iter().find_map(|l| l.$field).unwrap_or($default)
                    };
                }
                let has_inventory = f.sites.as_ref().is_some_and(|s| s.inventory.is_some());
                let area = match (&sf.suspected_area_km2, &sf.barrier) {
                    (Some(a), None) => StratumArea::Area(conv.param(
                        &format!("{sp}.suspected_area_km2"),
                        &format!("{sl}suspected area (km²)"),
                        a,
                        Rule::NonNegative,
                    )),
                    (None, Some(b)) => {
                        let bp = format!("{sp}.barrier");
                        if national_area.is_some() {
                            conv.problems.push(Problem::text(
                                bp.clone(),
                                "a barrier",
                                "cannot be combined with a national suspected_area_km2 (which rescales areas)",
                            ));
                        }
                        StratumArea::Barrier {
                            length_km: conv.param(
                                &format!("{bp}.length_km"),
                                &format!("{sl}belt length (km)"),
                                &b.length_km,
                                Rule::NonNegative,
                            ),
                            width_m: conv.param(
                                &format!("{bp}.width_m"),
                                &format!("{sl}belt width (m)"),
                                &b.width_m,
                                Rule::NonNegative,
                            ),
                            mines_per_km: conv.param(
                                &format!("{bp}.mines_per_km"),
                                &format!("{sl}mines per km"),
                                &b.mines_per_km,
                                Rule::NonNegative,
                            ),
                            mine_unit_cost_usd: conv.param(
                                &format!("{bp}.mine_unit_cost_usd"),
                                &format!("{sl}cost per mine laid"),
                                &b.mine_unit_cost_usd,
                                Rule::NonNegative,
                            ),
                        }
                    }
                    (None, None) if has_inventory => StratumArea::Area(Param::Const(f64::NAN)),
                    (None, None) => {
                        conv.problems.push(Problem::text(
                            sp.clone(),
                            "no area",
                            "give suspected_area_km2 or barrier (or an inventory in [sites])",
                        ));
                        StratumArea::Area(Param::Const(f64::NAN))
                    }
                    (Some(_), Some(_)) => {
                        conv.problems.push(Problem::text(
                            sp.clone(),
                            "both",
                            "give suspected_area_km2 or barrier, not both",
                        ));
                        StratumArea::Area(Param::Const(f64::NAN))
                    }
                };
                let is_barrier = matches!(area, StratumArea::Barrier { .. });
                let method_shares = chain.iter().find_map(|l| l.shares).unwrap_or_else(|| {
                    conv.problems.push(Problem::text(
                        format!("{sp}.land_release.method_shares"),
                        "missing",
                        "give method_shares in land_release (national), hazards, the region or the stratum",
                    ));
                    [1.0, 0.0, 0.0, 0.0]
                });
                for m in Method::ALL {
                    if method_shares[m.index()] > 0.0 && methods[m.index()].is_none() {
                        conv.problems.push(Problem::text(
                            format!("methods.{}", m.name()),
                            "missing",
                            format!(
                                "{sp} clears {} % of its area by {m}, so [methods.{m}] must describe it",
                                method_shares[m.index()] * 100.0
                            ),
                        ));
                    }
                }
                if let Some(n) = sf.sites
                    && n == 0
                {
                    conv.problems.push(Problem::new(format!("{sp}.sites"), 0.0, "must be >= 1"));
                }
                strata.push(Stratum {
                    region: ri,
                    hazard: sf.hazard,
                    path: sp,
                    area,
                    // A barrier is a recorded minefield: confirmed, fully contaminated.
                    cancelled_fraction: resolve!(cancelled, Param::Const(0.0)),
                    reduced_fraction: resolve!(reduced, Param::Const(0.0)),
                    confirmed_fraction: if is_barrier {
                        Param::Const(1.0)
                    } else {
                        resolve!(confirmed, Param::Const(0.0))
                    },
                    contaminated_fraction: if is_barrier {
                        Param::Const(1.0)
                    } else {
                        resolve!(contaminated, Param::Const(1.0))
                    },
                    items_per_km2: resolve!(items, Param::Const(0.0)),
                    method_shares,
                    site_count: sf.sites,
                });
            }
            regions.push(Region {
                name: rf.name.clone(),
                land_area_km2: rf.land_area_km2,
                population_exposed: rf.population_exposed,
                agricultural_share,
                capacity_group,
                strata: first..strata.len(),
            });
        }

        if horizon_years == 0 || horizon_years > 1000 {
            let field =
                if national_group.is_some() { "capacity.horizon_years" } else { "regions[].capacity.horizon_years" };
            conv.problems.push(Problem::new(field, f64::from(horizon_years), "must lie in [1, 1000]"));
            horizon_years = horizon_years.clamp(1, 1000);
        }

        // Capacity coverage: every region with work needs a group once any capacity is given,
        // and every pool with work needs teams.
        let capacity = if groups.is_empty() {
            None
        } else {
            for (ri, r) in regions.iter().enumerate() {
                let Some(g) = r.capacity_group else {
                    conv.problems.push(Problem::text(
                        format!("regions[{ri}].capacity"),
                        "missing",
                        "other regions have capacity but this one has none: add a national [capacity] or one for this region",
                    ));
                    continue;
                };
                let group = &groups[g];
                for si in r.strata.clone() {
                    let s = &strata[si];
                    for m in Method::ALL {
                        let share = s.method_shares[m.index()];
                        if share <= 0.0 {
                            continue;
                        }
                        let pool = Pool::Clearance(m);
                        let pp = format!("{}.teams.{}", group.path, pool.name());
                        match &group.pools[pool.index()] {
                            None => conv.problems.push(Problem::text(
                                pp,
                                "missing",
                                format!(
                                    "{} clears {} % of its area by {m}, so these teams are needed",
                                    s.path,
                                    share * 100.0
                                ),
                            )),
                            Some(pm) => {
                                let zero = |p: Param| matches!(p, Param::Const(v) if v == 0.0);
                                if zero(pm.initial) || zero(pm.ceiling) {
                                    let (field, v) = if zero(pm.initial) { ("initial", 0.0) } else { ("ceiling", 0.0) };
                                    conv.problems.push(Problem::new(
                                        format!("{pp}.{field}"),
                                        v,
                                        format!("{} clears {} % of its area by {m}, but with zero teams that work never finishes", s.path, share * 100.0),
                                    ));
                                }
                            }
                        }
                    }
                }
                for (pool, survey) in [(Pool::NonTechnicalSurvey, &nts), (Pool::TechnicalSurvey, &ts)] {
                    if let Some(pm) = &group.pools[pool.index()] {
                        if survey.productivity_km2_per_team_day.is_none() {
                            let sp = if pool == Pool::NonTechnicalSurvey { "non_technical" } else { "technical" };
                            conv.problems.push(Problem::text(
                                format!("survey.{sp}.productivity_km2_per_team_day"),
                                "missing",
                                format!(
                                    "{}.teams.{} is given, so the survey's productivity is needed",
                                    group.path,
                                    pool.name()
                                ),
                            ));
                        }
                        if matches!(pm.initial, Param::Const(v) if v == 0.0) {
                            conv.problems.push(Problem::new(
                                format!("{}.teams.{}.initial", group.path, pool.name()),
                                0.0,
                                "with zero survey teams no land is ever released; remove the pool to leave survey unlimited",
                            ));
                        }
                    }
                }
            }
            Some(Capacity { groups, horizon_years, priority })
        };

        let casualty_rate = f.casualties.as_ref().map(|c| {
            conv.param(
                "casualties.rate_per_km2_year",
                "casualties per km² per year",
                &c.rate_per_km2_year,
                Rule::NonNegative,
            )
        });
        let land_value = f.land_value.as_ref().map(|l| {
            let discount_rate = l.discount_rate.unwrap_or(0.0);
            if !(0.0..1.0).contains(&discount_rate) {
                conv.problems.push(Problem::new("land_value.discount_rate", discount_rate, "must lie in [0, 1)"));
            }
            LandValue {
                agriculture_usd_per_ha_year: conv.param(
                    "land_value.agriculture_usd_per_ha_year",
                    "farmland value per ha per year",
                    &l.agriculture_usd_per_ha_year,
                    Rule::NonNegative,
                ),
                discount_rate,
            }
        });

        // Sites.
        let mut inventory_problem: Option<Error> = None;
        let sites = f.sites.as_ref().map(|s| {
            let reduction_spread = s.reduction_spread.unwrap_or(0.5);
            conv.fixed_fraction("sites.reduction_spread", reduction_spread);
            let team_day_cv = s.team_day_cv.unwrap_or(0.3);
            if !(0.0..=5.0).contains(&team_day_cv) {
                conv.problems.push(Problem::new("sites.team_day_cv", team_day_cv, "must lie in [0, 5]"));
            }
            let source = match (&s.inventory, s.count) {
                (Some(path), None) => {
                    let full = match base_dir {
                        Some(b) => b.join(path),
                        None => Path::new(path).to_path_buf(),
                    };
                    match inventory::read_inventory(&full, &regions, &strata) {
                        Ok(inv) => SiteSource::Inventory(inv),
                        Err(e) => {
                            inventory_problem = Some(e);
                            SiteSource::Synthetic { count: 1, size_cv: 1.0, seed: None, population_cv: 1.0 }
                        }
                    }
                }
                (None, Some(count)) => {
                    if count == 0 || count > 10_000_000 {
                        conv.problems.push(Problem::new("sites.count", count as f64, "must lie in [1, 10,000,000]"));
                    }
                    let size_cv = s.size_cv.unwrap_or(1.5);
                    if !(0.0..=10.0).contains(&size_cv) {
                        conv.problems.push(Problem::new("sites.size_cv", size_cv, "must lie in [0, 10]"));
                    }
                    let population_cv = s.population_cv.unwrap_or(1.0);
                    if !(0.0..=10.0).contains(&population_cv) {
                        conv.problems.push(Problem::new("sites.population_cv", population_cv, "must lie in [0, 10]"));
                    }
                    SiteSource::Synthetic { count, size_cv, seed: s.seed, population_cv }
                }
                _ => {
                    conv.problems.push(Problem::text(
                        "sites",
                        "inventory and count",
                        "give exactly one of `inventory` (a CSV file) and `count` (synthetic sites)",
                    ));
                    SiteSource::Synthetic { count: 1, size_cv: 1.0, seed: None, population_cv: 1.0 }
                }
            };
            SitesModel { source, reduction_spread, team_day_cv }
        });
        if let Some(e) = inventory_problem {
            return Err(e);
        }
        if let Some(SitesModel { source: SiteSource::Inventory(inv), .. }) = &sites {
            // Strata without an area take the inventory total; strata with one must agree with it.
            for (si, s) in strata.iter_mut().enumerate() {
                let total_km2 = inv.stratum_area_m2(si) / 1e6;
                match s.area {
                    StratumArea::Area(Param::Const(v)) if v.is_nan() => {
                        s.area = StratumArea::Area(Param::Const(total_km2))
                    }
                    StratumArea::Area(p) => {
                        let (lo, hi) = match p {
                            Param::Const(v) => (v, v),
                            Param::Input(i) => conv.inputs[i as usize].dist.support(),
                        };
                        let tol = 0.005 * hi.abs().max(1e-9);
                        if !(total_km2 >= lo - tol && total_km2 <= hi + tol) {
                            conv.problems.push(Problem::text(
                                format!("{}.suspected_area_km2", s.path),
                                if lo == hi { format!("{lo}") } else { format!("[{lo}, {hi}]") },
                                format!(
                                    "disagrees with the inventory, whose sites in this stratum add up to {total_km2} km² (tolerance 0.5 %)"
                                ),
                            ));
                        }
                    }
                    StratumArea::Barrier { .. } => conv.problems.push(Problem::text(
                        format!("{}.barrier", s.path),
                        "a barrier",
                        "cannot be combined with an inventory; give the belt as inventory rows instead",
                    )),
                }
            }
        }

        // Correlations, named by input path.
        let correlation = match &f.correlation {
            None => None,
            Some(cf) => build_correlation(&mut conv, cf),
        };

        if !conv.problems.is_empty() {
            return Err(Error::InvalidScenario { source_name: source_name.to_string(), problems: conv.problems });
        }
        let correlation = match correlation {
            Some(Ok(c)) => Some(c),
            Some(Err(e)) => return Err(e),
            None => None,
        };
        Ok(Scenario {
            name: f.name,
            description: f.description,
            currency: f.currency,
            price_year: f.price_year,
            start_year: f.start_year,
            land_area_km2: f.land_area_km2,
            released_before_start_km2: f.released_before_start_km2,
            inputs: conv.inputs,
            national_area,
            regions,
            strata,
            methods,
            nts,
            ts,
            overhead_fraction,
            benchmark_cost_per_item,
            capacity,
            casualty_rate,
            land_value,
            sites,
            correlation,
            sampler,
        })
    }

    /// Short name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Description.
    #[must_use]
    pub fn description(&self) -> &str {
        &self.description
    }
    /// Currency of the costs.
    #[must_use]
    pub fn currency(&self) -> &str {
        &self.currency
    }
    /// Price year of the costs.
    #[must_use]
    pub fn price_year(&self) -> i32 {
        self.price_year
    }
    /// First year of work.
    #[must_use]
    pub fn start_year(&self) -> i32 {
        self.start_year
    }
    /// Land area of the territory, km².
    #[must_use]
    pub fn land_area_km2(&self) -> Option<f64> {
        self.land_area_km2
    }
    /// Area released before the start, km².
    #[must_use]
    pub fn released_before_start_km2(&self) -> Option<f64> {
        self.released_before_start_km2
    }
    /// The uncertain inputs, in file order.
    #[must_use]
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }
    /// Regions.
    #[must_use]
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }
    /// Strata, region by region.
    #[must_use]
    pub fn strata(&self) -> &[Stratum] {
        &self.strata
    }
    /// Capacity, when given.
    #[must_use]
    pub fn capacity(&self) -> Option<&Capacity> {
        self.capacity.as_ref()
    }
    /// The site-level settings, when the scenario has sites.
    #[must_use]
    pub fn sites(&self) -> Option<&SitesModel> {
        self.sites.as_ref()
    }
    /// The correlation structure, when given.
    #[must_use]
    pub fn correlation(&self) -> Option<&Correlation> {
        self.correlation.as_ref()
    }
    /// The sampler the scenario asks for.
    #[must_use]
    pub fn sampler(&self) -> Sampler {
        self.sampler
    }
    /// Expected national suspected area, km² (mean of the total, or the sum of the strata means).
    #[must_use]
    pub fn mean_suspected_area_km2(&self) -> f64 {
        if let Some(p) = self.national_area {
            return p.mean(&self.inputs);
        }
        self.strata
            .iter()
            .map(|st| match st.area {
                StratumArea::Area(p) => p.mean(&self.inputs),
                // Length and width are independent inputs, so the mean of the product is the product of means.
                StratumArea::Barrier { length_km, width_m, .. } => {
                    length_km.mean(&self.inputs) * width_m.mean(&self.inputs) / 1000.0
                }
            })
            .sum()
    }

    /// True when any stratum is a barrier minefield.
    #[must_use]
    pub fn has_barriers(&self) -> bool {
        self.strata.iter().any(|s| matches!(s.area, StratumArea::Barrier { .. }))
    }
    /// True when a casualty rate is given.
    #[must_use]
    pub fn has_casualties(&self) -> bool {
        self.casualty_rate.is_some()
    }

    /// A copy with every clearance pool's initial teams and ceiling multiplied by
    /// `factor` (the capacity solver's knob). Survey pools are unchanged.
    ///
    /// An uncertain team count keeps its name, and so its uniform stream: the
    /// scaled plan sees the same random numbers (common random numbers).
    #[must_use]
    pub fn with_clearance_capacity_scaled(&self, factor: f64) -> Scenario {
        let mut s = self.clone();
        let mut scaled_inputs = std::collections::BTreeSet::new();
        if let Some(c) = &mut s.capacity {
            for g in &mut c.groups {
                for m in Method::ALL {
                    if let Some(p) = &mut g.pools[Pool::Clearance(m).index()] {
                        for q in [&mut p.initial, &mut p.ceiling] {
                            match q {
                                Param::Const(v) => *v *= factor,
                                Param::Input(i) => {
                                    scaled_inputs.insert(*i);
                                }
                            }
                        }
                    }
                }
            }
        }
        for i in scaled_inputs {
            let inp = &mut s.inputs[i as usize];
            inp.dist = inp.dist.scaled(factor);
        }
        s
    }

    /// A copy without capacity: the bill (areas, team-days, costs) without the schedule.
    #[must_use]
    pub fn without_capacity(&self) -> Scenario {
        let mut s = self.clone();
        s.capacity = None;
        for r in &mut s.regions {
            r.capacity_group = None;
        }
        s
    }

    /// A copy with a different work order.
    #[must_use]
    pub fn with_priority(&self, priority: Priority) -> Scenario {
        let mut s = self.clone();
        if let Some(c) = &mut s.capacity {
            c.priority = priority;
        }
        s
    }

    /// A copy with a different sampler.
    #[must_use]
    pub fn with_sampler(&self, sampler: Sampler) -> Scenario {
        let mut s = self.clone();
        s.sampler = sampler;
        s
    }
}

fn build_correlation(conv: &mut Conv, cf: &CorrelationFile) -> Option<Result<Correlation>> {
    let index_of = |conv: &mut Conv, field: String, name: &str| -> Option<usize> {
        match conv.inputs.iter().position(|i| i.name == name) {
            Some(i) => Some(i),
            None => {
                conv.problems.push(Problem::text(
                    field,
                    name.to_string(),
                    "is not an uncertain input of this scenario (fixed values cannot be correlated; `demine inputs SCENARIO` lists the names)",
                ));
                None
            }
        }
    };
    let mut names: Vec<String> = Vec::new();
    let mut entries: Vec<(usize, usize, f64, String)> = Vec::new();
    let mut ok = true;
    let pos = |names: &mut Vec<String>, n: &str| -> usize {
        if let Some(p) = names.iter().position(|x| x == n) {
            p
        } else {
            names.push(n.to_string());
            names.len() - 1
        }
    };
    if let (Some(inputs), Some(matrix)) = (&cf.inputs, &cf.matrix) {
        let n = inputs.len();
        if matrix.len() != n || matrix.iter().any(|r| r.len() != n) {
            conv.problems.push(Problem::text(
                "correlation.matrix",
                format!("{}x{}", matrix.len(), matrix.first().map_or(0, Vec::len)),
                format!("must be {n}x{n}, one row and column per name in correlation.inputs"),
            ));
            ok = false;
        }
        for (k, name) in inputs.iter().enumerate() {
            if index_of(conv, format!("correlation.inputs[{k}]"), name).is_none() {
                ok = false;
            }
            pos(&mut names, name);
        }
        if ok {
            for (i, row) in matrix.iter().enumerate() {
                for (j, v) in row.iter().enumerate() {
                    entries.push((i, j, *v, format!("correlation.matrix[{i}][{j}]")));
                }
            }
        }
    } else if cf.inputs.is_some() != cf.matrix.is_some() {
        conv.problems.push(Problem::text(
            "correlation",
            "inputs without matrix",
            "give `inputs` and `matrix` together",
        ));
        ok = false;
    }
    for (k, pair) in cf.pairs.iter().enumerate() {
        let pp = format!("correlation.pairs[{k}]");
        if pair.inputs.len() != 2 {
            conv.problems.push(Problem::text(
                format!("{pp}.inputs"),
                format!("{} names", pair.inputs.len()),
                "must name exactly two inputs",
            ));
            ok = false;
            continue;
        }
        if pair.inputs[0] == pair.inputs[1] {
            conv.problems.push(Problem::text(
                format!("{pp}.inputs"),
                pair.inputs[0].clone(),
                "an input cannot be correlated with itself",
            ));
            ok = false;
            continue;
        }
        let r = pair.rank_correlation;
        if !(r.abs() <= 1.0) {
            conv.problems.push(Problem::new(format!("{pp}.rank_correlation"), r, "a correlation must lie in [-1, 1]"));
            ok = false;
        }
        let a = index_of(conv, format!("{pp}.inputs[0]"), &pair.inputs[0]);
        let b = index_of(conv, format!("{pp}.inputs[1]"), &pair.inputs[1]);
        if a.is_none() || b.is_none() {
            ok = false;
            continue;
        }
        let i = pos(&mut names, &pair.inputs[0]);
        let j = pos(&mut names, &pair.inputs[1]);
        entries.push((i, j, r, format!("{pp}.rank_correlation")));
        entries.push((j, i, r, format!("{pp}.rank_correlation")));
    }
    if !ok || names.is_empty() {
        return None;
    }
    let n = names.len();
    let mut m = DMatrix::<f64>::identity(n, n);
    let mut set = vec![vec![None::<String>; n]; n];
    for (i, j, v, field) in entries {
        if i == j {
            m[(i, j)] = v;
            continue;
        }
        if let Some(prev) = &set[i][j]
            && (m[(i, j)] - v).abs() > 1e-12
            && !field.starts_with(prev.as_str())
        {
            conv.problems.push(Problem::new(field.clone(), v, format!("conflicts with {prev} ({})", m[(i, j)])));
        }
        m[(i, j)] = v;
        set[i][j] = Some(field);
    }
    let idx: Vec<usize> = names.iter().filter_map(|nm| conv.inputs.iter().position(|x| &x.name == nm)).collect();
    Some(Correlation::new("correlation", idx, names, m, cf.repair))
}

impl TryFrom<ScenarioFile> for Scenario {
    type Error = Error;
    fn try_from(f: ScenarioFile) -> Result<Self> {
        let name = f.name.clone();
        Scenario::from_file(f, None, &name)
    }
}
