//! The validated scenario: a value to inspect, edit and run.

use super::capacity::{Capacity, Funding, LandValue};
use super::correlation::CorrelationModel;
use super::kinds::{HazardKind, Method, PerMethod, Pool, Priority};
use super::land_release::{LandRelease, ResolvedRelease};
use super::methods::{Costs, MethodModel, SurveyModel};
use super::param::{Param, ParamDef, Params};
use super::region::{Region, Stratum, StratumArea};
use super::sites::SitesModel;
use crate::error::{Error, Problem, Result};
use crate::sampling::{Correlation, Dist, Sampler};
use std::collections::BTreeMap;

/// A validated scenario.
///
/// Load one with `demine::io::load_scenario` (a file or a bundled name) or
/// [`Scenario::from_toml_str`]; every rule is checked there and every problem
/// reported at once. A scenario is a value: change any parameter by its path
/// with [`Scenario::set`] (checked like the file), run it, and write it back
/// with `demine::io::to_toml`.
///
/// ```
/// use demine::{SimConfig, ModelLevel, simulate};
/// let mut plan = demine::io::load_scenario("ukraine")?;
/// let today = plan.param("capacity.teams.manual.initial").expect("Ukraine has manual teams").dist.clone();
/// plan.set("capacity.teams.manual.initial", today.scaled(2.0)?)?;   // twice the manual teams
/// let config = SimConfig::default().with_trials(200).with_model(ModelLevel::Aggregate);
/// let years = simulate(&plan, &config)?.summary("duration_years").expect("scheduled").p50();
/// assert!(years > 0.0);
/// let text = demine::io::to_toml(&plan)?;                               // the edited plan as a file
/// assert_eq!(demine::Scenario::from_toml_str(&text)?, plan);
/// # Ok::<(), demine::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) currency: String,
    pub(crate) price_year: i32,
    pub(crate) start_year: i32,
    pub(crate) land_area_km2: Option<f64>,
    pub(crate) released_before_start_km2: Option<f64>,
    pub(crate) sampler: Option<Sampler>,
    pub(crate) params: Params,
    pub(crate) national_area: Option<Param>,
    pub(crate) land_release: LandRelease,
    pub(crate) hazards: BTreeMap<HazardKind, LandRelease>,
    pub(crate) methods: PerMethod<Option<MethodModel>>,
    pub(crate) nts: SurveyModel,
    pub(crate) ts: SurveyModel,
    pub(crate) costs: Costs,
    pub(crate) capacity: Option<Capacity>,
    pub(crate) casualty_rate: Option<Param>,
    pub(crate) land_value: Option<LandValue>,
    pub(crate) sites: Option<SitesModel>,
    pub(crate) regions: Vec<Region>,
    pub(crate) strata: Vec<Stratum>,
    pub(crate) correlation: Option<CorrelationModel>,
    pub(crate) funding: Option<Funding>,
    pub(crate) update: Option<super::update::UpdateRecord>,
}

impl Scenario {
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
    /// Currency of every money amount (ISO code, e.g. `USD`).
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
    /// Every parameter, fixed or uncertain.
    #[must_use]
    pub fn params(&self) -> &Params {
        &self.params
    }
    /// The uncertain inputs, in file order.
    pub fn inputs(&self) -> impl ExactSizeIterator<Item = &ParamDef> {
        self.params.inputs()
    }
    /// The parameter at a dotted path (`capacity.teams.manual.initial`).
    #[must_use]
    pub fn param(&self, path: &str) -> Option<&ParamDef> {
        self.params.find(path).map(|p| self.params.def(p))
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
    /// Clearance methods described by the scenario.
    #[must_use]
    pub fn methods(&self) -> &PerMethod<Option<MethodModel>> {
        &self.methods
    }
    /// Non-technical survey.
    #[must_use]
    pub fn non_technical_survey(&self) -> &SurveyModel {
        &self.nts
    }
    /// Technical survey.
    #[must_use]
    pub fn technical_survey(&self) -> &SurveyModel {
        &self.ts
    }
    /// Overhead and benchmark costs.
    #[must_use]
    pub fn costs(&self) -> &Costs {
        &self.costs
    }
    /// National suspected area, when the strata's areas are weights of it.
    #[must_use]
    pub fn national_area(&self) -> Option<Param> {
        self.national_area
    }
    /// Capacity, when given.
    #[must_use]
    pub fn capacity(&self) -> Option<&Capacity> {
        self.capacity.as_ref()
    }
    /// Casualties per km² of unreleased suspected land per year, when given.
    #[must_use]
    pub fn casualty_rate(&self) -> Option<Param> {
        self.casualty_rate
    }
    /// Value of farmland returned to use, when given.
    #[must_use]
    pub fn land_value(&self) -> Option<&LandValue> {
        self.land_value.as_ref()
    }
    /// The site-level settings, when the scenario has sites.
    #[must_use]
    pub fn sites(&self) -> Option<&SitesModel> {
        self.sites.as_ref()
    }
    /// The correlation structure, when given.
    #[must_use]
    pub fn correlation(&self) -> Option<&Correlation> {
        self.correlation.as_ref().map(|c| &c.built)
    }
    /// What the scenario was updated with (`demine update`), when it was.
    #[must_use]
    pub fn update(&self) -> Option<&super::update::UpdateRecord> {
        self.update.as_ref()
    }

    /// The scenario with another description.
    #[must_use]
    pub fn with_description(mut self, description: &str) -> Scenario {
        self.description = description.to_string();
        self
    }

    /// The scenario with its update's record.
    #[must_use]
    pub fn with_update(mut self, record: super::update::UpdateRecord) -> Scenario {
        self.update = Some(record);
        self
    }

    /// Money available per year, when given.
    #[must_use]
    pub fn funding(&self) -> Option<&Funding> {
        self.funding.as_ref()
    }
    /// The correlations as the scenario states them.
    #[must_use]
    pub fn correlation_model(&self) -> Option<&CorrelationModel> {
        self.correlation.as_ref()
    }
    /// The sampler the scenario asks for (Monte Carlo unless it says otherwise).
    #[must_use]
    pub fn sampler(&self) -> Sampler {
        self.sampler.unwrap_or_default()
    }
    /// The sampler as the scenario states it.
    #[must_use]
    pub fn sampler_given(&self) -> Option<Sampler> {
        self.sampler
    }
    /// National land-release defaults.
    #[must_use]
    pub fn land_release(&self) -> &LandRelease {
        &self.land_release
    }
    /// Land-release overrides per hazard kind.
    #[must_use]
    pub fn hazards(&self) -> &BTreeMap<HazardKind, LandRelease> {
        &self.hazards
    }

    /// Expected national suspected area, km² (mean of the total, or the sum of
    /// the strata means), including land that arrives after the start.
    #[must_use]
    pub fn mean_suspected_area_km2(&self) -> f64 {
        let later = |st: &Stratum| {
            matches!(st.area, StratumArea::Added { .. })
                || st.arrives_year.is_some_and(|y| self.params.mean(y) > f64::from(self.start_year))
        };
        let arriving: f64 = self.strata.iter().filter(|st| later(st)).map(|st| self.mean_area_km2(st.area)).sum();
        match self.national_area {
            // The national total covers the land known at the start; later land comes on top.
            Some(p) => self.params.mean(p) + arriving,
            None => self.strata.iter().map(|st| self.mean_area_km2(st.area)).sum(),
        }
    }

    /// Mean suspected area of a stratum, km² (barriers: mean length × mean width,
    /// independent inputs).
    #[must_use]
    pub fn mean_area_km2(&self, area: StratumArea) -> f64 {
        match area {
            StratumArea::Area(p) => self.params.mean(p),
            StratumArea::Inventory(km2) => km2,
            StratumArea::Added { rate_km2_per_year, until_year } => {
                self.params.mean(rate_km2_per_year)
                    * (self.params.mean(until_year) - f64::from(self.start_year)).max(0.0)
            }
            StratumArea::Barrier { length_km, share_mined, width_m, .. } => {
                self.params.mean(length_km)
                    * share_mined.map_or(1.0, |s| self.params.mean(s))
                    * self.params.mean(width_m)
                    / 1000.0
            }
        }
    }

    /// True when any stratum is a barrier minefield.
    #[must_use]
    pub fn has_barriers(&self) -> bool {
        self.strata.iter().any(Stratum::is_barrier)
    }
    /// True when a casualty rate is given.
    #[must_use]
    pub fn has_casualties(&self) -> bool {
        self.casualty_rate.is_some()
    }

    /// Sets the distribution of the parameter at `path` (fixed or uncertain),
    /// checked as the scenario file would be: the parameter's own rule and
    /// every rule across fields. On error the scenario is unchanged.
    ///
    /// An uncertain parameter keeps its name, and so its random stream: the
    /// edited plan sees the same random numbers for everything else (common
    /// random numbers, see [`crate::analysis::compare`]).
    ///
    /// # Errors
    /// [`Error::Unknown`] for a path that is not a parameter of this scenario
    /// (the known paths are listed by [`Scenario::params`]);
    /// [`Error::InvalidScenario`] for a value that breaks a rule.
    pub fn set(&mut self, path: &str, dist: Dist) -> Result<()> {
        let Some(p) = self.params.find(path) else {
            return Err(self.unknown_param(path));
        };
        let mut edited = self.clone();
        let invalid = |problems: Vec<Problem>| Error::InvalidScenario { source_name: path.to_string(), problems };
        edited.params.set(p, dist).map_err(|e| invalid(vec![e]))?;
        edited.rebuild_correlation()?;
        let problems = edited.check();
        if !problems.is_empty() {
            return Err(invalid(problems));
        }
        *self = edited;
        Ok(())
    }

    /// Multiplies the parameter at `path` by `factor` (its whole distribution).
    ///
    /// # Errors
    /// As [`Scenario::set`], and [`Error::InvalidValue`] for a factor that is not finite and > 0.
    pub fn scale(&mut self, path: &str, factor: f64) -> Result<()> {
        let Some(def) = self.param(path) else {
            return Err(self.unknown_param(path));
        };
        let dist = def.dist.scaled(factor)?;
        self.set(path, dist)
    }

    fn unknown_param(&self, path: &str) -> Error {
        Error::Unknown {
            field: "parameter".into(),
            name: path.into(),
            known: self.params.all().iter().map(|d| d.name.clone()).collect(),
        }
    }

    /// A copy with every clearance pool's initial teams and ceiling multiplied by
    /// `factor` (the capacity solver's knob). Survey pools are unchanged; an
    /// uncertain team count keeps its name and random stream.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] unless `factor` is finite and > 0.
    pub fn with_clearance_capacity_scaled(&self, factor: f64) -> Result<Scenario> {
        if !(factor > 0.0 && factor.is_finite()) {
            return Err(Error::invalid("factor", factor, "a capacity factor must be finite and > 0"));
        }
        let mut s = self.clone();
        let mut scaled = std::collections::BTreeSet::new();
        if let Some(c) = &self.capacity {
            for g in &c.groups {
                for m in Method::ALL {
                    if let Some(pm) = &g.pools[Pool::Clearance(m)] {
                        scaled.insert(pm.initial);
                        scaled.extend(pm.ceiling);
                    }
                }
            }
        }
        for p in scaled {
            let def = self.params.def(p);
            let d = def.dist.scaled(factor).map_err(|e| {
                Error::invalid(
                    "factor",
                    factor,
                    format!("scales {} ({}) out of range: {e}", def.name, crate::error::fmt_value(def.dist.mean())),
                )
            })?;
            s.params.set(p, d).map_err(Error::InvalidValue)?;
        }
        Ok(s)
    }

    /// A copy without capacity: the bill (areas, team-days, costs) without the schedule.
    #[must_use]
    pub fn without_capacity(&self) -> Scenario {
        let mut s = self.clone();
        s.capacity = None;
        for r in &mut s.regions {
            r.capacity_group = None;
            r.own_capacity = false;
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
        s.sampler = Some(sampler);
        s
    }

    /// A copy whose yearly funding is a constant `per_year` that buys capacity:
    /// every year the planned teams of every pool are scaled so that the
    /// programme spends exactly that amount (the budget solver's knob).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] unless `per_year` is finite and > 0.
    pub fn with_budget(&self, per_year: f64) -> Result<Scenario> {
        if !(per_year > 0.0 && per_year.is_finite()) {
            return Err(Error::invalid("budget", per_year, "a yearly budget must be finite and > 0"));
        }
        let mut s = self.clone();
        let p = s.params.push(ParamDef {
            name: "funding.per_year".into(),
            label: "yearly budget".into(),
            rule: super::param::Rule::Positive,
            dist: Dist::fixed(per_year)?,
            given: true,
        });
        s.funding = Some(Funding {
            per_year: Some(p),
            growth_per_year: None,
            pledges: Vec::new(),
            continue_last_pledge: false,
            drives_capacity: true,
        });
        Ok(s)
    }

    /// A copy with another name (plans compared side by side need their own).
    #[must_use]
    pub fn with_name(&self, name: &str) -> Scenario {
        let mut s = self.clone();
        s.name = name.to_string();
        s
    }

    /// Resolves every stratum's land-release parameters through the override
    /// chain: stratum, region, hazard kind, national. The national level holds
    /// every parameter (defaults included), so the chain always ends.
    pub(crate) fn resolve_strata(&mut self) -> std::result::Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        for st in &mut self.strata {
            let none = LandRelease::default();
            let chain = [
                &st.land_release,
                &self.regions[st.region].land_release,
                self.hazards.get(&st.hazard).unwrap_or(&none),
                &self.land_release,
            ];
            let pick = |f: fn(&LandRelease) -> Option<Param>| chain.iter().find_map(|l| f(l));
            let shares = chain.iter().find_map(|l| l.method_shares);
            if shares.is_none() {
                problems.push(Problem::text(
                    format!("{}.land_release.method_shares", st.path),
                    "missing",
                    "give method_shares in land_release (national), hazards, the region or the stratum",
                ));
            }
            let (Some(cancelled_fraction), Some(reduced_fraction), Some(confirmed_fraction)) =
                (pick(|l| l.cancelled_fraction), pick(|l| l.reduced_fraction), pick(|l| l.confirmed_fraction))
            else {
                continue;
            };
            let (Some(contaminated_fraction), Some(items_per_km2)) =
                (pick(|l| l.contaminated_fraction), pick(|l| l.items_per_km2))
            else {
                continue;
            };
            let (Some(residual_fraction), Some(cancelled_fraction_trend)) =
                (pick(|l| l.residual_fraction), pick(|l| l.cancelled_fraction_trend))
            else {
                continue;
            };
            st.release = ResolvedRelease {
                cancelled_fraction,
                reduced_fraction,
                confirmed_fraction,
                contaminated_fraction,
                items_per_km2,
                method_shares: shares.unwrap_or_else(|| PerMethod::from_fn(|m| f64::from(m == Method::Manual))),
                residual_fraction,
                cancelled_fraction_trend,
            };
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// Rebuilds the correlation's positions among the inputs (after an edit
    /// changed which parameters are uncertain).
    fn rebuild_correlation(&mut self) -> Result<()> {
        if let Some(c) = &mut self.correlation {
            c.rebuild(&self.params)?;
        }
        Ok(())
    }
}
