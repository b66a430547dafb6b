//! Stage 1 of a trial: its values. The national rates (methods' productivity and cost, survey,
//! prices), each capacity group's money values and each stratum's parameters, from every
//! parameter's value in the trial.
//!
//! Strata with the same method shares in the same capacity group have the same
//! rates (cost and team-days per m² at each stage, with and without the teams'
//! fixed costs), detection probability and methods: a trial computes them once
//! per such class ([`RateClasses`]), with the operations it would do for each
//! stratum, so the values are the same.

use crate::model::{CapacityGroup, Method, PerMethod, PerPool, Pool, Scenario, StageRates, StratumArea, SurveyRates};
use crate::simulate::compiled::Compiled;

/// Stage 1's buffers: each stratum's parameters, their rate classes, each group's money.
pub(crate) struct ParamsScratch {
    pub strata: Vec<StratumTrial>,
    classes: RateClasses,
    /// Each capacity group's money values in the trial.
    pub groups: Vec<GroupCosts>,
}

impl ParamsScratch {
    pub(crate) fn new(c: &Compiled<'_>, groups: usize) -> Self {
        ParamsScratch {
            strata: vec![StratumTrial::default(); c.scenario.strata().len()],
            classes: RateClasses::new(c),
            groups: vec![GroupCosts::default(); groups],
        }
    }

    /// The trial's values from every parameter's value `v`: each group's money values and each
    /// stratum's parameters, kept here; the national values, returned.
    pub(crate) fn fill(&mut self, c: &Compiled<'_>, v: &[f64]) -> Globals {
        let (g, m) = rates(c.scenario, v, &mut self.groups);
        let spread = c.sites.as_ref().map_or(0.0, |s| s.reduction_spread);
        strata_params(c, v, &m, &g, &self.groups, spread, &mut self.classes, &mut self.strata);
        g
    }
}

/// A stratum's parameters in one trial.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StratumTrial {
    pub area_m2: f64,
    pub cancel: f64,
    pub reduce: f64,
    /// Per-site reduced fractions are uniform on [r_lo, r_lo + r_width].
    pub r_lo: f64,
    pub r_width: f64,
    pub conf: f64,
    pub contaminated: f64,
    /// Items per m² of contaminated land to clear.
    pub dens_per_m2: f64,
    /// Costs and team-days per m² at each stage: the full cost of the work
    /// (variable rates plus the fixed cost of the team-days worked).
    pub rates: StageRates,
    /// The variable part alone (what the programme pays per unit of work on
    /// top of its teams' fixed costs).
    pub var_rates: StageRates,
    pub group: usize,
    /// Methods with a share, the first `n_methods` entries.
    pub methods: [Method; Method::COUNT],
    pub n_methods: u8,
    pub mines_laid: f64,
    pub laying_cost: f64,
    /// Share of cancelled and reduced land later found contaminated.
    pub residual: f64,
    /// Share of items clearance finds (methods' detection probabilities, weighted by share).
    pub detection: f64,
    /// Fall of the cancelled fraction from the first site worked to the last.
    pub trend: f64,
    /// The stratum comes into the workload from `arrive_lo` over `arrive_span` years.
    pub arrive_lo: f64,
    pub arrive_span: f64,
}

impl Default for StratumTrial {
    fn default() -> Self {
        StratumTrial {
            area_m2: 0.0,
            cancel: 0.0,
            reduce: 0.0,
            r_lo: 0.0,
            r_width: 0.0,
            conf: 0.0,
            contaminated: 0.0,
            dens_per_m2: 0.0,
            rates: StageRates::default(),
            var_rates: StageRates::default(),
            group: 0,
            methods: Method::ALL,
            n_methods: 0,
            mines_laid: 0.0,
            laying_cost: 0.0,
            residual: 0.0,
            detection: 1.0,
            trend: 0.0,
            arrive_lo: 0.0,
            arrive_span: 0.0,
        }
    }
}

/// Per-trial national values.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Globals {
    pub overhead: f64,
    pub survey: SurveyRates,
    /// Variable cost per team-day of each pool.
    pub cost_per_td: PerPool<f64>,
    /// Prices over time, coordination, the second currency.
    pub prices: Prices,
}

/// The trial's per-method productivity and cost per team-day.
pub(crate) struct MethodRates {
    pub productivity: PerMethod<f64>,
    pub cost_per_team_day: PerMethod<f64>,
}

/// Per-trial national rates.
///
/// # Formula
/// productivity_m and cost per team-day_m as [`crate::model::MethodModel`];
/// NTS team-days per m² = 1 / (km² per team-day × 10⁶), likewise TS; a survey
/// pool's cost per team-day = its productivity × its cost per area.
pub(crate) fn rates(s: &Scenario, v: &[f64], groups: &mut [GroupCosts]) -> (Globals, MethodRates) {
    let mut m = MethodRates { productivity: PerMethod::default(), cost_per_team_day: PerMethod::default() };
    for (method, mm) in s.methods().iter() {
        if let Some(mm) = mm {
            let prod = mm.productivity(v);
            m.productivity[method] = prod;
            m.cost_per_team_day[method] = mm.cost_per_team_day(v, prod);
        }
    }
    let (nts, ts) = (s.non_technical_survey(), s.technical_survey());
    let nts_prod = nts.productivity_km2_per_team_day.map(|p| p.get(v));
    let ts_prod = ts.productivity_km2_per_team_day.map(|p| p.get(v));
    let nts_cost_km2 = nts.cost.get(v);
    let ts_cost_m2 = ts.cost.get(v);
    let mut cost_per_td = PerPool::default();
    cost_per_td[Pool::NTS] = nts_prod.map_or(0.0, |p| p * nts_cost_km2);
    cost_per_td[Pool::TS] = ts_prod.map_or(0.0, |p| p * 1e6 * ts_cost_m2);
    for method in Method::ALL {
        cost_per_td[Pool::Clearance(method)] = m.cost_per_team_day[method];
    }
    let g = Globals {
        overhead: s.costs().overhead_fraction.get(v),
        survey: SurveyRates {
            nts_cost_per_m2: nts_cost_km2 / 1e6,
            ts_cost_per_m2: ts_cost_m2,
            nts_td_per_m2: nts.team_days_per_m2(v),
            ts_td_per_m2: ts.team_days_per_m2(v),
        },
        cost_per_td,
        prices: Prices::new(s, v),
    };
    if let Some(c) = s.capacity() {
        for (gc, grp) in groups.iter_mut().zip(&c.groups) {
            *gc = GroupCosts::new(grp, v);
        }
    }
    (g, m)
}

/// True for a stratum that comes into the workload after the start.
#[inline]
pub(crate) fn arrives_later(t: &StratumTrial) -> bool {
    t.arrive_lo > 0.0 || t.arrive_span > 0.0
}

/// A capacity group's money values in one trial.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct GroupCosts {
    /// Working days per year.
    pub working_days: f64,
    /// The group's own yearly budget cap.
    pub budget: Option<f64>,
    /// Fixed cost per team-year, by pool.
    pub fixed: PerPool<f64>,
    /// Cost of raising a team, by pool.
    pub mobilisation: PerPool<f64>,
}

impl GroupCosts {
    /// The group's values given every parameter's value.
    pub(crate) fn new(grp: &CapacityGroup, v: &[f64]) -> Self {
        let mut c = GroupCosts {
            working_days: grp.working_days_per_year.get(v),
            budget: grp.budget_per_year.map(|b| b.get(v)),
            ..GroupCosts::default()
        };
        for (p, pm) in grp.pools.iter() {
            if let Some(pm) = pm {
                c.fixed[p] = pm.cost_per_team_year.map_or(0.0, |x| x.get(v));
                c.mobilisation[p] = pm.mobilisation_cost_per_team.map_or(0.0, |x| x.get(v));
            }
        }
        c
    }

    /// Fixed cost of a team-day of work: the team-year's fixed cost spread over the working days.
    #[inline]
    pub(crate) fn fixed_per_team_day(&self, p: Pool) -> f64 {
        if self.fixed[p] > 0.0 { self.fixed[p] / self.working_days } else { 0.0 }
    }
}

/// National money values of one trial.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Prices {
    pub escalation: f64,
    pub inflation: f64,
    pub discount: f64,
    pub coordination: f64,
    /// Units of the second currency per unit of the scenario's.
    pub second_currency: f64,
}

impl Prices {
    pub(crate) fn new(s: &Scenario, v: &[f64]) -> Self {
        let c = s.costs();
        let get = |p: Option<crate::model::Param>| p.map_or(0.0, |p| p.get(v));
        Prices {
            escalation: get(c.escalation_per_year),
            inflation: get(c.inflation_per_year),
            discount: get(c.discount_rate),
            coordination: get(c.coordination_per_year),
            second_currency: c.second_currency.as_ref().map_or(0.0, |(_, p)| p.get(v)),
        }
    }
}

/// What strata with the same method shares and capacity group share in a trial.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SharedRates {
    rates: StageRates,
    var_rates: StageRates,
    detection: f64,
    /// Methods with a share, the first `n_methods` entries.
    methods: [Method; Method::COUNT],
    n_methods: u8,
}

impl Default for SharedRates {
    fn default() -> Self {
        SharedRates {
            rates: StageRates::default(),
            var_rates: StageRates::default(),
            detection: 1.0,
            methods: Method::ALL,
            n_methods: 0,
        }
    }
}

impl SharedRates {
    /// Stratum `k`'s shared rates in the trial, written in place.
    fn fill(&mut self, c: &Compiled<'_>, v: &[f64], m: &MethodRates, g: &Globals, groups: &[GroupCosts], k: usize) {
        let rel = &c.scenario.strata()[k].release;
        let var_rates = StageRates::new(&rel.method_shares, &m.productivity, &m.cost_per_team_day, g.survey);
        let rates = match groups.get(c.group_of_stratum[k]) {
            // The full cost of a team-day of work: its variable rate and its share of the team-year.
            Some(gc) if gc.fixed.values().any(|f| *f > 0.0) => {
                let full =
                    PerMethod::from_fn(|me| m.cost_per_team_day[me] + gc.fixed_per_team_day(Pool::Clearance(me)));
                let survey = SurveyRates {
                    nts_cost_per_m2: g.survey.nts_cost_per_m2
                        + g.survey.nts_td_per_m2 * gc.fixed_per_team_day(Pool::NTS),
                    ts_cost_per_m2: g.survey.ts_cost_per_m2 + g.survey.ts_td_per_m2 * gc.fixed_per_team_day(Pool::TS),
                    ..g.survey
                };
                StageRates::new(&rel.method_shares, &m.productivity, &full, survey)
            }
            _ => var_rates,
        };
        self.rates = rates;
        self.var_rates = var_rates;
        self.detection = detection(c.scenario, v, &rel.method_shares);
        self.n_methods = 0;
        for (method, share) in rel.method_shares.iter() {
            if *share > 0.0 {
                self.methods[self.n_methods as usize] = method;
                self.n_methods += 1;
            }
        }
    }
}

/// The strata's classes: strata with bit-identical method shares in the same capacity group.
#[derive(Clone, Debug, Default)]
pub(crate) struct RateClasses {
    /// Each stratum's class.
    class: Vec<u32>,
    /// Each class's first stratum.
    first: Vec<usize>,
    /// Each class's rates in the current trial.
    rates: Vec<SharedRates>,
}

impl RateClasses {
    /// The classes of `c`'s strata.
    pub(crate) fn new(c: &Compiled<'_>) -> Self {
        let strata = c.scenario.strata();
        let key = |k: usize| {
            let shares = &strata[k].release.method_shares;
            (c.group_of_stratum[k], Method::ALL.map(|me| shares[me].to_bits()))
        };
        let mut index = std::collections::HashMap::new();
        let mut first = Vec::new();
        let class = (0..strata.len())
            .map(|k| {
                *index.entry(key(k)).or_insert_with(|| {
                    first.push(k);
                    u32::try_from(first.len() - 1).unwrap_or(u32::MAX)
                })
            })
            .collect();
        RateClasses { class, rates: vec![SharedRates::default(); first.len()], first }
    }
}

/// One stratum's parameters in the trial, before any national rescaling of
/// areas, and its area in km².
///
/// # Formula
/// A = suspected area (barrier: length × width / 1000 km²); item density =
/// items per km² / 10⁶ (barrier: mines laid / (A·(1 − r)), so all mines are in
/// the area cleared); per-site reduced fractions are uniform on
/// r ± spread·min(r, 1 − r) (mean r).
#[allow(clippy::too_many_arguments)] // the trial's values, each a different kind; a struct would only rename them
pub(crate) fn stratum_trial(
    c: &Compiled<'_>,
    v: &[f64],
    m: &MethodRates,
    g: &Globals,
    groups: &[GroupCosts],
    spread: f64,
    k: usize,
    t: &mut StratumTrial,
) -> f64 {
    let mut shared = SharedRates::default();
    shared.fill(c, v, m, g, groups, k);
    stratum_own(c, v, spread, k, t, &shared)
}

/// [`stratum_trial`] with the rates of the stratum's class given.
#[inline(always)]
fn stratum_own(c: &Compiled<'_>, v: &[f64], spread: f64, k: usize, t: &mut StratumTrial, shared: &SharedRates) -> f64 {
    let st = &c.scenario.strata()[k];
    let rel = &st.release;
    let start = f64::from(c.scenario.start_year());
    (t.arrive_lo, t.arrive_span) = match (&st.area, st.arrives_year) {
        (StratumArea::Added { until_year, .. }, _) => (0.0, (until_year.get(v) - start).max(0.0)),
        (_, Some(y)) => ((y.get(v) - start).max(0.0), 0.0),
        _ => (0.0, 0.0),
    };
    let (area_km2, mines, laying) = match &st.area {
        StratumArea::Area(p) => (p.get(v), 0.0, 0.0),
        StratumArea::Inventory(km2) => (*km2, 0.0, 0.0),
        StratumArea::Added { rate_km2_per_year, until_year } => {
            let years = (until_year.get(v) - f64::from(c.scenario.start_year())).max(0.0);
            (rate_km2_per_year.get(v) * years, 0.0, 0.0)
        }
        StratumArea::Barrier { length_km, share_mined, width_m, mines_per_km, mine_unit_cost, emplacement_cost } => {
            // Laying = purchase + emplacement, over the mined share of the border.
            let len = length_km.get(v) * share_mined.map_or(1.0, |s| s.get(v));
            let mines = len * mines_per_km.get(v);
            let per_mine = mine_unit_cost.get(v) + emplacement_cost.map_or(0.0, |e| e.get(v));
            (len * width_m.get(v) / 1000.0, mines, mines * per_mine)
        }
    };
    t.area_m2 = area_km2 * 1e6;
    t.mines_laid = mines;
    t.laying_cost = laying;
    t.cancel = rel.cancelled_fraction.get(v);
    t.reduce = rel.reduced_fraction.get(v);
    t.conf = c.confirmed_override[k].unwrap_or_else(|| rel.confirmed_fraction.get(v));
    t.contaminated = rel.contaminated_fraction.get(v);
    t.group = c.group_of_stratum[k];
    t.residual = rel.residual_fraction.get(v);
    t.trend = rel.cancelled_fraction_trend.get(v);
    t.detection = shared.detection;
    t.var_rates = shared.var_rates;
    t.rates = shared.rates;
    let half = spread * t.reduce.min(1.0 - t.reduce);
    t.r_lo = t.reduce - half;
    t.r_width = 2.0 * half;
    t.dens_per_m2 = if mines > 0.0 {
        let to_clear = t.area_m2 * (1.0 - t.reduce);
        if to_clear > 0.0 { mines / to_clear } else { 0.0 }
    } else {
        rel.items_per_km2.get(v) / 1e6
    };
    let n = usize::from(shared.n_methods);
    t.methods[..n].copy_from_slice(&shared.methods[..n]);
    t.n_methods = shared.n_methods;
    area_km2
}

/// The share of items clearance finds: Σ_m share_m · detection probability_m (1 when not given).
fn detection(s: &Scenario, v: &[f64], shares: &PerMethod<f64>) -> f64 {
    let mut p = 0.0;
    let mut total = 0.0;
    for (m, share) in shares.iter() {
        if *share > 0.0 {
            let d = s.methods()[m].and_then(|mm| mm.detection_probability).map_or(1.0, |d| d.get(v));
            p += share * d;
            total += share;
        }
    }
    if total > 0.0 { p / total } else { 1.0 }
}

/// Fills the per-stratum parameters of the trial (the rates once per class);
/// with a national total T every stratum's area is scaled by T / Σ A (the
/// strata's areas are weights).
#[allow(clippy::too_many_arguments)] // the trial's values, each a different kind
pub(crate) fn strata_params(
    c: &Compiled<'_>,
    v: &[f64],
    m: &MethodRates,
    g: &Globals,
    groups: &[GroupCosts],
    spread: f64,
    classes: &mut RateClasses,
    out: &mut [StratumTrial],
) {
    for (shared, &k) in classes.rates.iter_mut().zip(&classes.first) {
        shared.fill(c, v, m, g, groups, k);
    }
    // The national total rescales the land known at the start; land that
    // arrives later (returned or newly contaminated) comes on top of it.
    let mut raw_total = 0.0;
    for (k, (t, &class)) in out.iter_mut().zip(&classes.class).enumerate() {
        let area = stratum_own(c, v, spread, k, t, &classes.rates[class as usize]);
        if !arrives_later(t) {
            raw_total += area;
        }
    }
    if let Some(nat) = c.scenario.national_area() {
        let scale = if raw_total > 0.0 { nat.get(v) / raw_total } else { 0.0 };
        for t in out.iter_mut().filter(|t| !arrives_later(t)) {
            t.area_m2 *= scale;
        }
    }
}
