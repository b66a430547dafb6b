//! Each stratum's values in one trial, and the trial's national and group values
//! (docs/MODEL.md §2), computed for every stratum on its own.

use crate::model::{Method, PerMethod, PerPool, Pool, Scenario, StageRates, Stages, StratumArea, SurveyRates};
use crate::simulate::compiled::Compiled;

/// A stratum in one trial.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Stratum {
    /// Area, m² (after the national scaling), and km² before it.
    pub area_m2: f64,
    pub area_km2: f64,
    /// True when it comes into the workload after the start.
    pub later: bool,
    /// It arrives over [lo, lo + span] (years from the start).
    pub arrive_lo: f64,
    pub arrive_span: f64,
    pub cancel: f64,
    pub reduce: f64,
    pub conf: f64,
    pub contaminated: f64,
    pub residual: f64,
    pub trend: f64,
    /// Share of items clearance finds.
    pub detection: f64,
    /// Items per m² of contaminated land to clear.
    pub dens_per_m2: f64,
    /// Full rates (variable + the teams' fixed cost per team-day) and variable rates.
    pub full: StageRates,
    pub var: StageRates,
    pub group: usize,
    pub region: usize,
    pub mines: f64,
    pub laying: f64,
}

impl Stratum {
    /// Share of the stratum that has arrived by time `t` (years from the start).
    pub(super) fn arrived_by(&self, t: f64) -> f64 {
        if !self.later {
            1.0
        } else if self.arrive_span > 0.0 {
            ((t - self.arrive_lo) / self.arrive_span).clamp(0.0, 1.0)
        } else if t > self.arrive_lo {
            1.0
        } else {
            0.0
        }
    }

    /// When its last land arrives (0 for land known at the start).
    pub(super) fn arrival_end(&self) -> f64 {
        if self.later { self.arrive_lo + self.arrive_span } else { 0.0 }
    }
}

/// A capacity group's money values in the trial.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Group {
    pub working_days: f64,
    pub budget: Option<f64>,
    /// Fixed cost per team-year and mobilisation per team raised, by pool.
    pub fixed: PerPool<f64>,
    pub mobilisation: PerPool<f64>,
    /// Whether the pool has teams (otherwise it is unlimited).
    pub limited: PerPool<bool>,
}

/// The trial's values: strata, groups, national rates and prices.
pub(super) struct Trial {
    pub strata: Vec<Stratum>,
    pub groups: Vec<Group>,
    pub overhead: f64,
    /// Variable cost of a team-day of each pool.
    pub cost_per_td: PerPool<f64>,
    pub escalation: f64,
    pub inflation: f64,
    pub discount: f64,
    pub coordination: f64,
    pub second_currency: f64,
    /// Every parameter's value.
    pub v: Vec<f64>,
}

impl Trial {
    /// The trial's values from every parameter's value `v`.
    pub(super) fn new(c: &Compiled<'_>, v: &[f64]) -> Trial {
        let s = c.scenario;
        let opt = |p: Option<crate::model::Param>| p.map_or(0.0, |p| p.get(v));
        let mut groups = Vec::new();
        if let Some(cap) = s.capacity() {
            for grp in &cap.groups {
                let mut g = Group {
                    working_days: grp.working_days_per_year.get(v),
                    budget: grp.budget_per_year.map(|b| b.get(v)),
                    ..Group::default()
                };
                for (p, pm) in grp.pools.iter() {
                    if let Some(pm) = pm {
                        g.limited[p] = true;
                        g.fixed[p] = opt(pm.cost_per_team_year);
                        g.mobilisation[p] = opt(pm.mobilisation_cost_per_team);
                    }
                }
                groups.push(g);
            }
        }
        let (productivity, cost_per_team_day) = method_rates(s, v);
        let (nts, ts) = (s.non_technical_survey(), s.technical_survey());
        let nts_cost_km2 = nts.cost.get(v);
        let ts_cost_m2 = ts.cost.get(v);
        let mut cost_per_td = PerPool::default();
        cost_per_td[Pool::NTS] = nts.productivity_km2_per_team_day.map_or(0.0, |p| p.get(v) * nts_cost_km2);
        cost_per_td[Pool::TS] = ts.productivity_km2_per_team_day.map_or(0.0, |p| p.get(v) * 1e6 * ts_cost_m2);
        for m in Method::ALL {
            cost_per_td[Pool::Clearance(m)] = cost_per_team_day[m];
        }
        let survey = SurveyRates {
            nts_cost_per_m2: nts_cost_km2 / 1e6,
            ts_cost_per_m2: ts_cost_m2,
            nts_td_per_m2: nts.team_days_per_m2(v),
            ts_td_per_m2: ts.team_days_per_m2(v),
        };
        let costs = s.costs();
        let mut t = Trial {
            strata: Vec::with_capacity(s.strata().len()),
            groups,
            overhead: costs.overhead_fraction.get(v),
            cost_per_td,
            escalation: opt(costs.escalation_per_year),
            inflation: opt(costs.inflation_per_year),
            discount: opt(costs.discount_rate),
            coordination: opt(costs.coordination_per_year),
            second_currency: costs.second_currency.as_ref().map_or(0.0, |(_, p)| p.get(v)),
            v: v.to_vec(),
        };
        for k in 0..s.strata().len() {
            let st = stratum(c, &t, k, &productivity, &cost_per_team_day, survey);
            t.strata.push(st);
        }
        // The national total rescales the land known at the start (areas are weights).
        if let Some(nat) = s.national_area() {
            let known: f64 = t.strata.iter().filter(|st| !st.later).map(|st| st.area_km2).sum();
            let scale = if known > 0.0 { nat.get(v) / known } else { 0.0 };
            for st in t.strata.iter_mut().filter(|st| !st.later) {
                st.area_m2 *= scale;
            }
        }
        t
    }
}

/// Each method's productivity (m² per team-day) and variable cost per team-day.
fn method_rates(s: &Scenario, v: &[f64]) -> (PerMethod<f64>, PerMethod<f64>) {
    let mut productivity = PerMethod::default();
    let mut cost = PerMethod::default();
    for (m, mm) in s.methods().iter() {
        if let Some(mm) = mm {
            productivity[m] = mm.productivity(v);
            cost[m] = mm.cost_per_team_day(v, productivity[m]);
        }
    }
    (productivity, cost)
}

/// Stratum `k` in the trial, before the national scaling.
fn stratum(
    c: &Compiled<'_>,
    t: &Trial,
    k: usize,
    productivity: &PerMethod<f64>,
    cost_per_team_day: &PerMethod<f64>,
    survey: SurveyRates,
) -> Stratum {
    let s = c.scenario;
    let v = &t.v;
    let st = &s.strata()[k];
    let rel = &st.release;
    let start = f64::from(s.start_year());
    let region = &s.regions()[st.region];
    let group = region.capacity_group.unwrap_or(0);
    let (arrive_lo, arrive_span) = match (&st.area, st.arrives_year) {
        (StratumArea::Added { until_year, .. }, _) => (0.0, (until_year.get(v) - start).max(0.0)),
        (_, Some(year)) => ((year.get(v) - start).max(0.0), 0.0),
        _ => (0.0, 0.0),
    };
    let (area_km2, mines, laying) = match &st.area {
        StratumArea::Area(p) => (p.get(v), 0.0, 0.0),
        StratumArea::Inventory(km2) => (*km2, 0.0, 0.0),
        StratumArea::Added { rate_km2_per_year, until_year } => {
            (rate_km2_per_year.get(v) * (until_year.get(v) - start).max(0.0), 0.0, 0.0)
        }
        StratumArea::Barrier { length_km, share_mined, width_m, mines_per_km, mine_unit_cost, emplacement_cost } => {
            let length = length_km.get(v) * share_mined.map_or(1.0, |p| p.get(v));
            let mines = length * mines_per_km.get(v);
            let per_mine = mine_unit_cost.get(v) + emplacement_cost.map_or(0.0, |p| p.get(v));
            (length * width_m.get(v) / 1000.0, mines, mines * per_mine)
        }
    };
    let reduce = rel.reduced_fraction.get(v);
    let area_m2 = area_km2 * 1e6;
    // Barrier mines all lie in the area to clear; other strata give a density.
    let dens_per_m2 = if mines > 0.0 {
        let to_clear = area_m2 * (1.0 - reduce);
        if to_clear > 0.0 { mines / to_clear } else { 0.0 }
    } else {
        rel.items_per_km2.get(v) / 1e6
    };
    // The full cost of a team-day adds the team-year's fixed cost over the working days.
    let g = t.groups.get(group).copied().unwrap_or_default();
    let fixed_per_td = |p: Pool| if g.fixed[p] > 0.0 { g.fixed[p] / g.working_days } else { 0.0 };
    let full_cost = PerMethod::from_fn(|m| cost_per_team_day[m] + fixed_per_td(Pool::Clearance(m)));
    let full_survey = SurveyRates {
        nts_cost_per_m2: survey.nts_cost_per_m2 + survey.nts_td_per_m2 * fixed_per_td(Pool::NTS),
        ts_cost_per_m2: survey.ts_cost_per_m2 + survey.ts_td_per_m2 * fixed_per_td(Pool::TS),
        ..survey
    };
    // Detection: the methods' probabilities weighted by their shares.
    let (mut found, mut total) = (0.0, 0.0);
    for (m, share) in rel.method_shares.iter() {
        if *share > 0.0 {
            let d = s.methods()[m].and_then(|mm| mm.detection_probability).map_or(1.0, |p| p.get(v));
            found += share * d;
            total += share;
        }
    }
    Stratum {
        area_m2,
        area_km2,
        later: arrive_lo > 0.0 || arrive_span > 0.0,
        arrive_lo,
        arrive_span,
        cancel: rel.cancelled_fraction.get(v),
        reduce,
        conf: c.confirmed_override[k].unwrap_or_else(|| rel.confirmed_fraction.get(v)),
        contaminated: rel.contaminated_fraction.get(v),
        residual: rel.residual_fraction.get(v),
        trend: rel.cancelled_fraction_trend.get(v),
        detection: if total > 0.0 { found / total } else { 1.0 },
        dens_per_m2,
        full: StageRates::new(&rel.method_shares, productivity, &full_cost, full_survey),
        var: StageRates::new(&rel.method_shares, productivity, cost_per_team_day, survey),
        group,
        region: st.region,
        mines,
        laying,
    }
}

/// Each stratum's expected cost of the work per km² of suspected area at every parameter's
/// mean, with the full rates (the `value_per_cost` work order).
pub(super) fn cost_per_km2_at_means(c: &Compiled<'_>) -> Vec<f64> {
    let t = Trial::new(c, &c.scenario.params().means());
    t.strata
        .iter()
        .map(|st| {
            let stages = Stages::release(1e6, st.conf, st.cancel, st.reduce, st.contaminated);
            st.full.cost(&stages, stages.to_clear).total()
        })
        .collect()
}
