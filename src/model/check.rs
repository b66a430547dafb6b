//! Rules across fields: what a scenario must satisfy as a whole. They run when
//! a file is read and again after every edit ([`Scenario::set`]).

use super::kinds::{Method, Pool, Survey};
use super::param::Param;
use super::region::StratumArea;
use super::scenario::Scenario;
use super::sites::SiteSource;
use crate::error::Problem;

/// The largest mean suspected area of a stratum, or of the nation: the Earth's land area, km².
pub const MAX_AREA_KM2: f64 = 1.5e8;

impl Scenario {
    /// Every broken rule across fields (empty when the scenario is consistent).
    #[must_use]
    pub fn check(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        self.check_methods(&mut problems);
        self.check_pools(&mut problems);
        self.check_capacity_coverage(&mut problems);
        self.check_inventory_areas(&mut problems);
        self.check_area_sizes(&mut problems);
        self.check_added_land(&mut problems);
        problems
    }

    /// What a scenario allows but its author likely did not mean, in words (empty when nothing):
    /// a region with no site in the scenario's inventory (its strata then have no land to work on).
    /// The CLI prints each as a warning when it reads the scenario, `validate` included.
    #[must_use]
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if let Some(SiteSource::Inventory(inv)) = self.sites.as_ref().map(|s| &s.source) {
            let mut has_sites = vec![false; self.regions.len()];
            for site in &inv.sites {
                if let Some(h) = has_sites.get_mut(site.region) {
                    *h = true;
                }
            }
            for (region, _) in self.regions.iter().zip(&has_sites).filter(|(_, h)| !**h) {
                warnings.push(format!(
                    "region '{}' has no site in the inventory {}: the site engine has none of its land to work on \
                     (add its hazardous areas to the inventory, or remove the region)",
                    region.name, inv.given_path
                ));
            }
        }
        warnings
    }

    /// The land that arrives after calendar time `t` (a deadline's end: `2031.0` for "by the end
    /// of 2030"), with the probability that it does: each stratum whose `arrives_year` can lie
    /// after `t`, and each whose new contamination (`until_year`) can go on after it. No budget
    /// or team releases land before it arrives.
    #[must_use]
    pub fn land_arriving_after(&self, t: f64) -> Vec<(String, f64)> {
        let after = |p: Param| {
            let d = &self.params.def(p).dist;
            1.0 - d.cdf(t)
        };
        let mut late = Vec::new();
        for s in &self.strata {
            if let Some(p) = s.arrives_year {
                late.push((format!("{}.arrives_year", s.path), after(p)));
            }
            if let StratumArea::Added { until_year, .. } = s.area {
                late.push((format!("{}.until_year", s.path), after(until_year)));
            }
        }
        late.retain(|(_, p)| *p > 0.0);
        late
    }

    /// Land added year by year must keep arriving after the start: an `until_year` at or before
    /// the start year (its whole range, for an uncertain one) adds nothing, silently.
    fn check_added_land(&self, problems: &mut Vec<Problem>) {
        for st in &self.strata {
            if let StratumArea::Added { until_year, .. } = st.area {
                let (_, latest) = self.params.support(until_year);
                if latest <= f64::from(self.start_year) {
                    problems.push(Problem::new(
                        format!("{}.until_year", st.path),
                        latest,
                        format!(
                            "must come after the start year ({}): new contamination that stops by then adds no land",
                            self.start_year
                        ),
                    ));
                }
            }
        }
    }

    /// Every stratum's mean suspected area (and the national one) is finite and
    /// at most [`MAX_AREA_KM2`]: a larger one is a typo, and its arithmetic
    /// (shares of sites, costs) would overflow.
    fn check_area_sizes(&self, problems: &mut Vec<Problem>) {
        let rule = "a suspected area must be at most 150,000,000 km² (the Earth's land area) on average";
        let mut check = |field: String, mean: f64| {
            if !(mean <= MAX_AREA_KM2) {
                problems.push(Problem::new(field, mean, rule));
            }
        };
        if let Some(p) = self.national_area {
            check("suspected_area_km2".to_string(), self.params.mean(p));
        }
        for st in &self.strata {
            let field = match st.area {
                StratumArea::Area(_) => format!("{}.suspected_area_km2", st.path),
                StratumArea::Added { .. } => format!("{}.added_km2_per_year", st.path),
                StratumArea::Barrier { .. } => format!("{}.barrier", st.path),
                StratumArea::Inventory(_) => format!("sites.inventory ({})", st.path),
            };
            check(field, self.mean_area_km2(st.area));
        }
    }

    /// A method with a share anywhere must be described.
    fn check_methods(&self, problems: &mut Vec<Problem>) {
        for st in &self.strata {
            for m in Method::ALL {
                let share = st.release.method_shares[m];
                if share > 0.0 && self.methods[m].is_none() {
                    problems.push(Problem::text(
                        format!("methods.{m}"),
                        "missing",
                        format!(
                            "{} clears {} % of its area by {m}, so [methods.{m}] must describe it",
                            st.path,
                            share * 100.0
                        ),
                    ));
                }
            }
        }
    }

    /// A fixed ceiling must not be below a fixed initial count.
    fn check_pools(&self, problems: &mut Vec<Problem>) {
        let Some(c) = &self.capacity else { return };
        for g in &c.groups {
            for (pool, pm) in g.pools.iter() {
                let Some(pm) = pm else { continue };
                let (Some(init), Some(ceil)) =
                    (self.params.fixed(pm.initial), pm.ceiling.and_then(|p| self.params.fixed(p)))
                else {
                    continue;
                };
                if ceil < init {
                    problems.push(Problem::new(
                        format!("{}.teams.{pool}.ceiling", g.path),
                        ceil,
                        format!("must be >= initial ({init})"),
                    ));
                }
            }
        }
    }

    fn is_zero(&self, p: Param) -> bool {
        self.params.fixed(p) == Some(0.0)
    }

    /// Once capacity is given, every region needs a group and every pool with work needs teams.
    fn check_capacity_coverage(&self, problems: &mut Vec<Problem>) {
        let Some(capacity) = &self.capacity else { return };
        for (ri, r) in self.regions.iter().enumerate() {
            let Some(g) = r.capacity_group else {
                problems.push(Problem::text(
                    format!("regions[{ri}].capacity"),
                    "missing",
                    "other regions have capacity but this one has none: add a national [capacity] or one for this region",
                ));
                continue;
            };
            let group = &capacity.groups[g];
            for st in &self.strata[r.strata.clone()] {
                for m in Method::ALL {
                    let share = st.release.method_shares[m];
                    if share <= 0.0 {
                        continue;
                    }
                    let pool = Pool::Clearance(m);
                    let pp = format!("{}.teams.{pool}", group.path);
                    match &group.pools[pool] {
                        None => problems.push(Problem::text(
                            pp,
                            "missing",
                            format!(
                                "{} clears {} % of its area by {m}, so these teams are needed",
                                st.path,
                                share * 100.0
                            ),
                        )),
                        Some(pm) => {
                            let field = if self.is_zero(pm.initial) {
                                Some("initial")
                            } else if pm.ceiling.is_some_and(|c| self.is_zero(c)) {
                                Some("ceiling")
                            } else {
                                None
                            };
                            if let Some(field) = field {
                                problems.push(Problem::new(
                                    format!("{pp}.{field}"),
                                    0.0,
                                    format!(
                                        "{} clears {} % of its area by {m}, but with zero teams that work never finishes",
                                        st.path,
                                        share * 100.0
                                    ),
                                ));
                            }
                        }
                    }
                }
            }
            for (survey, model) in [(Survey::NonTechnical, &self.nts), (Survey::Technical, &self.ts)] {
                let pool = Pool::Survey(survey);
                let Some(pm) = &group.pools[pool] else { continue };
                if model.productivity_km2_per_team_day.is_none() {
                    let sp = if survey == Survey::NonTechnical { "non_technical" } else { "technical" };
                    problems.push(Problem::text(
                        format!("survey.{sp}.productivity_km2_per_team_day"),
                        "missing",
                        format!("{}.teams.{pool} is given, so the survey's productivity is needed", group.path),
                    ));
                }
                if self.is_zero(pm.initial) {
                    problems.push(Problem::new(
                        format!("{}.teams.{pool}.initial", group.path),
                        0.0,
                        "with zero survey teams no land is ever released; remove the pool to leave survey unlimited",
                    ));
                }
            }
        }
    }

    /// Strata with an area must agree with the inventory's sites in them.
    fn check_inventory_areas(&self, problems: &mut Vec<Problem>) {
        let Some(SiteSource::Inventory(inv)) = self.sites.as_ref().map(|s| &s.source) else { return };
        for (si, s) in self.strata.iter().enumerate() {
            let total_km2 = inv.stratum_area_m2(si) / 1e6;
            match s.area {
                StratumArea::Inventory(_) => {}
                StratumArea::Area(p) => {
                    let (lo, hi) = self.params.support(p);
                    let tol = 0.005 * hi.abs().max(1e-9);
                    if !(total_km2 >= lo - tol && total_km2 <= hi + tol) {
                        problems.push(Problem::text(
                            format!("{}.suspected_area_km2", s.path),
                            if lo == hi { format!("{lo}") } else { format!("[{lo}, {hi}]") },
                            format!(
                                "disagrees with the inventory, whose sites in this stratum add up to {total_km2} km² (tolerance 0.5 %)"
                            ),
                        ));
                    }
                }
                StratumArea::Barrier { .. } => problems.push(Problem::text(
                    format!("{}.barrier", s.path),
                    "a barrier",
                    "cannot be combined with an inventory; give the belt as inventory rows instead",
                )),
                StratumArea::Added { .. } => problems.push(Problem::text(
                    format!("{}.added_km2_per_year", s.path),
                    "given",
                    "cannot be combined with an inventory, whose sites are all known",
                )),
            }
        }
    }
}
