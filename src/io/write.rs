//! From the model back to a scenario file: every parameter at the level it was
//! given, with its distribution as given, so that reading the file back gives
//! an equal scenario (and bit-identical results).

use super::file::*;
use crate::model::{
    CapacityGroup, LandRelease, MethodCost, Param, Productivity, Region, Scenario, SiteSource, Stratum, StratumArea,
};
use crate::sampling::DistParams;
use std::collections::BTreeMap;

/// The scenario as file types (serialise it with TOML or JSON).
#[must_use]
pub fn to_file(s: &Scenario) -> ScenarioFile {
    let w = Writer { s };
    ScenarioFile {
        name: s.name().to_string(),
        description: s.description().to_string(),
        currency: s.currency().to_string(),
        price_year: s.price_year(),
        start_year: s.start_year(),
        land_area_km2: s.land_area_km2(),
        suspected_area_km2: s.national_area().map(|p| w.spec(p)),
        released_before_start_km2: s.released_before_start_km2(),
        sampler: s.sampler_given().map(|x| x.name().to_string()),
        land_release: w.level(s.land_release()),
        hazards: s.hazards().iter().map(|(k, l)| (*k, w.level(l))).collect(),
        survey: SurveyFile {
            non_technical: NonTechnicalSurveyFile {
                cost_usd_per_km2: w.spec(s.non_technical_survey().cost),
                productivity_km2_per_team_day: s
                    .non_technical_survey()
                    .productivity_km2_per_team_day
                    .map(|p| w.spec(p)),
            },
            technical: TechnicalSurveyFile {
                cost_usd_per_m2: w.spec(s.technical_survey().cost),
                productivity_km2_per_team_day: s.technical_survey().productivity_km2_per_team_day.map(|p| w.spec(p)),
            },
        },
        methods: s
            .methods()
            .iter()
            .filter_map(|(m, mm)| {
                let mm = mm.as_ref()?;
                let mut f = MethodFile::default();
                match mm.productivity {
                    Productivity::PerTeamDay(p) => f.productivity_m2_per_team_day = Some(w.spec(p)),
                    Productivity::PerMemberDay { rate, team_size } => {
                        f.productivity_m2_per_member_day = Some(w.spec(rate));
                        f.team_size = Some(w.spec(team_size));
                    }
                }
                match mm.cost {
                    MethodCost::PerTeamDay(p) => f.cost_usd_per_team_day = Some(w.spec(p)),
                    MethodCost::PerM2(p) => f.cost_usd_per_m2 = Some(w.spec(p)),
                }
                f.detection_probability = mm.detection_probability.map(|p| w.spec(p));
                Some((m, f))
            })
            .collect(),
        costs: CostsFile {
            overhead_fraction: w.spec(s.costs().overhead_fraction),
            benchmark_cost_usd_per_item: s.costs().benchmark_cost_per_item.map(|p| w.spec(p)),
            coordination_per_year: s.costs().coordination_per_year.map(|p| w.spec(p)),
            escalation_per_year: s.costs().escalation_per_year.map(|p| w.spec(p)),
            inflation_per_year: s.costs().inflation_per_year.map(|p| w.spec(p)),
            discount_rate: s.costs().discount_rate.map(|p| w.spec(p)),
            second_currency: s
                .costs()
                .second_currency
                .as_ref()
                .map(|(code, p)| SecondCurrencyFile { code: code.clone(), per_unit: w.spec(*p) }),
        },
        capacity: s.capacity().filter(|c| c.national).map(|c| w.capacity(&c.groups[0], true)),
        casualties: s.casualty_rate().map(|p| CasualtiesFile { rate_per_km2_year: w.spec(p) }),
        land_value: s.land_value().map(|l| LandValueFile {
            agriculture_usd_per_ha_year: w.spec(l.agriculture_per_ha_year),
            discount_rate: l.discount_rate,
        }),
        sites: s.sites().map(|m| {
            let mut f =
                SitesFile { reduction_spread: m.reduction_spread, team_day_cv: m.team_day_cv, ..SitesFile::default() };
            match &m.source {
                SiteSource::Inventory(inv) => {
                    f.inventory = Some(inv.given_path.clone());
                    // The mapping as read (from the scenario or its mapping file), written inline.
                    f.columns.clone_from(&inv.mapping.columns);
                    f.values.clone_from(&inv.mapping.values);
                    f.area_unit.clone_from(&inv.mapping.area_unit);
                }
                SiteSource::Synthetic { count, size_cv, seed, population_cv } => {
                    f.count = Some(*count);
                    f.size_cv = *size_cv;
                    f.seed = *seed;
                    f.population_cv = *population_cv;
                }
            }
            f
        }),
        regions: s.regions().iter().map(|r| w.region(r)).collect(),
        correlation: s.correlation_model().map(|c| CorrelationFile {
            repair: c.repair,
            pairs: c
                .pairs
                .iter()
                .map(|p| CorrelationPairFile { inputs: p.inputs.to_vec(), rank_correlation: p.rank_correlation })
                .collect(),
            inputs: c.matrix.as_ref().map(|m| m.inputs.clone()),
            matrix: c.matrix.as_ref().map(|m| m.rows.clone()),
        }),
        funding: s.funding().map(|f| FundingFile {
            per_year: f.per_year.map(|p| w.spec(p)),
            growth_per_year: f.growth_per_year.map(|p| w.spec(p)),
            pledges: f.pledges.iter().map(|(year, p)| PledgeFile { year: *year, amount: w.spec(*p) }).collect(),
            continue_last_pledge: f.continue_last_pledge,
            drives_capacity: f.drives_capacity,
        }),
        // A fitted forecast is read from the priors file by the backtest; the scenario does not carry it.
        forecast: None,
        update: s.update().map(|u| UpdateFile {
            observed: u.observed.clone(),
            fingerprint: u.fingerprint.clone(),
            method: u.method.clone(),
            draws: u.draws,
            ess: u.ess,
            observations: u.observations.clone(),
            inputs: u
                .inputs
                .iter()
                .map(|(name, prior, posterior)| UpdatedInputFile {
                    name: name.clone(),
                    prior: dist_spec(prior),
                    posterior: dist_spec(posterior),
                })
                .collect(),
        }),
    }
}

/// A distribution as the file writes it: a plain number when fixed.
fn dist_spec(d: &crate::sampling::Dist) -> DistSpec {
    match d.params() {
        DistParams::Fixed { value } => DistSpec::Fixed(*value),
        other => DistSpec::Table(other.clone()),
    }
}

struct Writer<'s> {
    s: &'s Scenario,
}

impl Writer<'_> {
    /// A parameter's distribution as the file writes it: a plain number when fixed.
    fn spec(&self, p: Param) -> DistSpec {
        match self.s.params().def(p).dist.params() {
            DistParams::Fixed { value } => DistSpec::Fixed(*value),
            other => DistSpec::Table(other.clone()),
        }
    }

    /// A parameter the file states (defaults are left out until edited).
    fn given(&self, p: Option<Param>) -> Option<DistSpec> {
        p.filter(|&p| self.s.params().def(p).given).map(|p| self.spec(p))
    }

    fn level(&self, l: &LandRelease) -> LandReleaseFile {
        LandReleaseFile {
            cancelled_fraction: self.given(l.cancelled_fraction),
            reduced_fraction: self.given(l.reduced_fraction),
            confirmed_fraction: self.given(l.confirmed_fraction),
            contaminated_fraction: self.given(l.contaminated_fraction),
            items_per_km2: self.given(l.items_per_km2),
            method_shares: l
                .method_shares
                .map(|sh| sh.iter().filter(|(_, v)| **v != 0.0).map(|(m, v)| (m, *v)).collect::<BTreeMap<_, _>>()),
            residual_fraction: self.given(l.residual_fraction),
            cancelled_fraction_trend: self.given(l.cancelled_fraction_trend),
        }
    }

    fn optional_level(&self, l: &LandRelease) -> Option<LandReleaseFile> {
        let f = self.level(l);
        (f != LandReleaseFile::default()).then_some(f)
    }

    fn capacity(&self, g: &CapacityGroup, first: bool) -> CapacityFile {
        let c = self.s.capacity();
        CapacityFile {
            working_days_per_year: self.spec(g.working_days_per_year),
            horizon_years: c.filter(|_| first).map(|c| c.horizon_years),
            budget_usd_per_year: g.budget_per_year.map(|p| self.spec(p)),
            priority: c.filter(|_| first).map(|c| c.priority.name().to_string()),
            teams: g
                .pools
                .iter()
                .filter_map(|(pool, pm)| {
                    let pm = pm.as_ref()?;
                    Some((
                        pool,
                        TeamPoolFile {
                            initial: self.spec(pm.initial),
                            growth_per_year: self.given(Some(pm.growth_per_year)),
                            ceiling: pm.ceiling.map(|p| self.spec(p)),
                            cost_per_team_year: pm.cost_per_team_year.map(|p| self.spec(p)),
                            mobilisation_cost_per_team: pm.mobilisation_cost_per_team.map(|p| self.spec(p)),
                            existing: pm.existing.map(|p| self.spec(p)),
                            staff_per_team: pm.staff_per_team.map(|p| self.spec(p)),
                        },
                    ))
                })
                .collect(),
        }
    }

    fn region(&self, r: &Region) -> RegionFile {
        let cap = self.s.capacity();
        let first_group = cap.is_some_and(|c| !c.national) && r.capacity_group == Some(0);
        RegionFile {
            name: r.name.clone(),
            land_area_km2: r.land_area_km2,
            population_exposed: r.population_exposed,
            agricultural_share: r.agricultural_share,
            land_release: self.optional_level(&r.land_release),
            capacity: match (cap, r.capacity_group) {
                (Some(c), Some(g)) if r.own_capacity => Some(self.capacity(&c.groups[g], first_group)),
                _ => None,
            },
            strata: self.s.strata()[r.strata.clone()].iter().map(|st| self.stratum(st)).collect(),
        }
    }

    fn stratum(&self, st: &Stratum) -> StratumFile {
        let (mut added_km2_per_year, mut until_year) = (None, None);
        let (suspected_area_km2, barrier) = match st.area {
            StratumArea::Area(p) => (Some(self.spec(p)), None),
            StratumArea::Inventory(_) => (None, None),
            StratumArea::Added { rate_km2_per_year, until_year: until } => {
                added_km2_per_year = Some(self.spec(rate_km2_per_year));
                until_year = Some(self.spec(until));
                (None, None)
            }
            StratumArea::Barrier {
                length_km,
                share_mined,
                width_m,
                mines_per_km,
                mine_unit_cost,
                emplacement_cost,
            } => (
                None,
                Some(BarrierFile {
                    length_km: self.spec(length_km),
                    share_mined: share_mined.map(|p| self.spec(p)),
                    width_m: self.spec(width_m),
                    mines_per_km: self.spec(mines_per_km),
                    mine_unit_cost_usd: self.spec(mine_unit_cost),
                    emplacement_cost_usd_per_mine: emplacement_cost.map(|p| self.spec(p)),
                }),
            ),
        };
        StratumFile {
            hazard: st.hazard,
            suspected_area_km2,
            barrier,
            land_release: self.optional_level(&st.land_release),
            sites: st.site_count,
            arrives_year: st.arrives_year.map(|p| self.spec(p)),
            added_km2_per_year,
            until_year,
        }
    }
}
