//! Each stratum's parameters in a trial.
//!
//! Strata with the same method shares in the same capacity group have the same
//! rates (cost and team-days per m² at each stage, with and without the teams'
//! fixed costs), detection probability and methods: a trial computes them once
//! per such class ([`RateClasses`]), with the operations it would do for each
//! stratum, so the values are the same.

use super::economics::GroupCosts;
use super::{Globals, MethodRates, StratumTrial, arrives_later};
use crate::model::{Method, PerMethod, Pool, Scenario, StageRates, StratumArea, SurveyRates};
use crate::simulate::compiled::Compiled;

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
