//! Learning from the field: a scenario's uncertain inputs conditioned on what survey and
//! clearance found (`demine update`, docs/UPDATE.md).
//!
//! The prior is the scenario's joint distribution of its uncertain inputs (with its rank
//! correlations). Each observation has a likelihood given the inputs' values: a count of
//! hazardous areas cancelled out of those surveyed is binomial in the cancelled fraction; a
//! share of area (cancelled of surveyed, reduced of worked) is binomial with an effective number
//! of areas; a rate (m² cleared per team-day, items found per hectare worked, the suspected area
//! at the scenario's start) is lognormal around the scenario's value. The posterior is found by importance
//! weighting of prior draws, with the effective sample size (ESS) reported; when weighting
//! degenerates (ESS below a tenth of the draws) the draws are resampled and moved by Metropolis
//! steps in the space of the inputs' uniforms (resample-move), where the prior is flat. Each
//! updated input's posterior is written as a distribution of the scenario's kinds (a beta on its
//! bounds, a lognormal, or a normal) fitted to the weighted draws by moments.

use crate::error::{Error, Result};
use crate::io::field::FieldRow;
use crate::model::{Param, Productivity, Scenario};
use crate::sampling::stream::{mix64, trial_key, unit_open};
use crate::sampling::{Dist, DistParams};
use std::collections::{BTreeMap, BTreeSet};

/// The independent areas a share of area is worth when the row gives no `n` (ASSUMPTION: one
/// programme's year covers tens of hazardous areas, but of different sizes, worked by the same
/// teams with the same method, so its share varies like that of about five independent areas).
pub const DEFAULT_AREAS: f64 = 5.0;
/// Scatter of a reported rate around the programme's typical rate, sd of its logarithm
/// (ASSUMPTION: field conditions and reporting move a year's rate by about ±30 %).
pub const RATE_SD: f64 = 0.3;
/// Scatter of a reported suspected area around the true one (sd of its logarithm): 2024's
/// statements of Ukraine's suspected area ranged ±5 % (docs/SOURCES.md, [UNN-MOD-2024-09]).
pub const STOCK_SD: f64 = 0.05;

/// What an observation measures in the scenario.
#[derive(Clone, Debug, PartialEq)]
enum Target {
    /// The cancelled fraction of the scope's strata (area-weighted).
    Cancelled,
    /// The reduced fraction.
    Reduced,
    /// m² a clearance team clears per day, over the scope's method mix.
    Productivity,
    /// Items found per hectare of land worked: items per km² of contaminated land × the share of
    /// the land worked that holds them, / 100.
    Density,
    /// The suspected area, km².
    Suspected,
}

/// How the observation is distributed given the scenario's value.
#[derive(Clone, Debug, PartialEq)]
enum Likelihood {
    /// k of n: binomial in the share.
    Binomial { k: f64, n: f64 },
    /// ln(observed) ~ N(ln(predicted), sd²).
    LogNormal { observed: f64, sd: f64 },
}

/// One observation the update uses.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    target: Target,
    likelihood: Likelihood,
    /// The strata of its scope.
    strata: Vec<usize>,
    /// What it is, for people: "national 2024: 17,000 of 18,500 km² surveyed cancelled (binomial, n 50)".
    pub description: String,
    /// Lines of its rows.
    pub lines: Vec<usize>,
}

/// A row the update does not use, and why.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct UnusedRow {
    /// Line.
    pub line: usize,
    /// Quantity.
    pub quantity: String,
    /// Why.
    pub reason: String,
}

/// The observations of `rows` for `s`, and the rows not used.
///
/// # Errors
/// [`Error::InvalidScenario`] naming a row whose scope is not `national` nor a region of `s`.
pub fn observations(s: &Scenario, rows: &[FieldRow]) -> Result<(Vec<Observation>, Vec<UnusedRow>)> {
    let mut problems = Vec::new();
    let mut groups: BTreeMap<(String, String), Vec<&FieldRow>> = BTreeMap::new();
    for r in rows {
        if r.scope != "national" && !s.regions().iter().any(|g| g.name == r.scope) {
            problems.push(crate::Problem::text(
                format!("line {} (scope)", r.line),
                crate::io::disk::excerpt(&r.scope),
                format!(
                    "is not `national` nor a region of {} (known: {})",
                    s.name(),
                    s.regions().iter().map(|g| g.name.as_str()).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        groups.entry((r.scope.clone(), r.period.clone())).or_default().push(r);
    }
    if !problems.is_empty() {
        return Err(Error::InvalidScenario { source_name: "field results".into(), problems });
    }
    let working_days =
        s.capacity().and_then(|c| c.groups.first()).map_or(200.0, |g| s.params().mean(g.working_days_per_year));
    let mut out = Vec::new();
    let mut used = BTreeSet::new();
    for ((scope, period), rs) in &groups {
        let strata: Vec<usize> = s
            .strata()
            .iter()
            .enumerate()
            .filter(|(_, st)| scope == "national" || s.regions()[st.region].name == *scope)
            .map(|(k, _)| k)
            .collect();
        let find = |q: &str| rs.iter().find(|r| r.quantity == q).copied();
        let mut push = |target: Target, likelihood: Likelihood, parts: &[&FieldRow], what: String| {
            for p in parts {
                used.insert(p.line);
            }
            out.push(Observation {
                target,
                likelihood,
                strata: strata.clone(),
                description: format!("{scope} {period}: {what}"),
                lines: parts.iter().map(|p| p.line).collect(),
            });
        };
        if let (Some(k), Some(n)) = (find("hazardous_areas_cancelled"), find("hazardous_areas_surveyed"))
            && n.value > 0.0
            && k.value <= n.value
        {
            let what = format!("{} of {} hazardous areas surveyed cancelled (binomial)", k.value, n.value);
            push(Target::Cancelled, Likelihood::Binomial { k: k.value, n: n.value }, &[k, n], what);
        }
        for (target, part, whole, name) in [
            (Target::Cancelled, "cancelled_km2", "surveyed_km2", "surveyed cancelled"),
            (Target::Reduced, "reduced_km2", "ts_surveyed_km2", "worked by technical survey reduced"),
        ] {
            if let (Some(a), Some(b)) = (find(part), find(whole))
                && b.value > 0.0
                && a.value <= b.value
            {
                let n = a.n.or(b.n).unwrap_or(DEFAULT_AREAS);
                let share = a.value / b.value;
                let what = format!("{} of {} km² {name} (binomial, {n} areas)", a.value, b.value);
                push(target, Likelihood::Binomial { k: share * n, n }, &[a, b], what);
            }
        }
        if let (Some(a), Some(t)) = (find("cleared_km2"), find("clearance_team_months"))
            && a.value > 0.0
            && t.value > 0.0
        {
            let per_day = a.value * 1e6 / (t.value * working_days / 12.0);
            let what = format!("{:.0} m² cleared per team-day ({} km² by {} team-months)", per_day, a.value, t.value);
            push(Target::Productivity, Likelihood::LogNormal { observed: per_day, sd: RATE_SD }, &[a, t], what);
        }
        // Each report of items per hectare is a measurement of the density (several actors may
        // report one each).
        for d in rs.iter().filter(|r| r.quantity == "items_per_ha" && r.value > 0.0) {
            let what = format!("{} items per ha (line {})", d.value, d.line);
            push(Target::Density, Likelihood::LogNormal { observed: d.value, sd: RATE_SD }, &[d], what);
        }
        // The suspected area is the stock at the scenario's start: a national figure at the end of
        // the year before it, or at the start of its first year.
        // A stock is dated by a whole year only (a part of a year ends elsewhere).
        let year: Option<i32> = (period.len() == 4).then(|| period.parse().ok()).flatten();
        for (quantity, offset) in [("suspected_km2_end", 1), ("suspected_km2_start", 0)] {
            if let Some(a) = find(quantity)
                && a.value > 0.0
                && scope == "national"
                && year.is_some_and(|y| y + offset == s.start_year())
            {
                let what = format!("{} km² suspected at the scenario's start", a.value);
                push(Target::Suspected, Likelihood::LogNormal { observed: a.value, sd: STOCK_SD }, &[a], what);
            }
        }
    }
    let unused = rows
        .iter()
        .filter(|r| !used.contains(&r.line))
        .map(|r| UnusedRow {
            line: r.line,
            quantity: r.quantity.clone(),
            reason: match r.quantity.as_str() {
                "released_km2" | "items_destroyed" | "spending_usd" | "deminers" | "confirmed_km2_end"
                | "inspected_km2" | "hazardous_areas_identified" | "hazardous_km2_identified" | "teams_active"
                | "machines" | "spending_uah" | "needs_usd" | "intl_support_share" | "casualties" => {
                    "a flow or stock the scenario's inputs do not state directly (it would need the simulated year as its likelihood; not used)".into()
                }
                "suspected_km2_end" | "suspected_km2_start" => format!(
                    "the suspected area is the national stock at the scenario's start ({}): only a national row for a \
                     whole year, at the end of the year before or the start of that year, informs it",
                    s.start_year()
                ),
                _ => "its pair is missing (cancelled with surveyed, reduced with ts_surveyed, cleared with clearance_team_months, areas cancelled with areas surveyed) or inconsistent (a part above its whole)".into(),
            },
        })
        .collect();
    Ok((out, unused))
}

/// A parameter's value in a draw.
fn value(p: Param, v: &[f64]) -> f64 {
    p.get(v)
}

/// The scenario's value of an observation's target given every parameter's value `v`.
fn predict(s: &Scenario, o: &Observation, v: &[f64]) -> f64 {
    let weights: Vec<(usize, f64)> = o.strata.iter().map(|&k| (k, s.mean_area_km2(s.strata()[k].area))).collect();
    let total: f64 = weights.iter().map(|w| w.1).sum::<f64>().max(f64::MIN_POSITIVE);
    let mean = |f: &dyn Fn(usize) -> f64| weights.iter().map(|(k, w)| w * f(*k)).sum::<f64>() / total;
    match o.target {
        Target::Cancelled => mean(&|k| value(s.strata()[k].release.cancelled_fraction, v)),
        Target::Reduced => mean(&|k| value(s.strata()[k].release.reduced_fraction, v)),
        Target::Density => mean(&|k| {
            let rel = &s.strata()[k].release;
            value(rel.items_per_km2, v) * value(rel.contaminated_fraction, v) / 100.0
        }),
        Target::Productivity => {
            // Team-days per m² over the scope's method mix, averaged by area; its inverse.
            let td = mean(&|k| {
                s.strata()[k]
                    .release
                    .method_shares
                    .iter()
                    .filter(|(_, share)| **share > 0.0)
                    .map(|(m, share)| s.methods()[m].map_or(0.0, |mm| share / mm.productivity(v)))
                    .sum()
            });
            if td > 0.0 { 1.0 / td } else { f64::NAN }
        }
        Target::Suspected => match s.national_area() {
            Some(p) => value(p, v),
            None => weights.iter().map(|(k, _)| stratum_area(s, *k, v)).sum(),
        },
    }
}

/// A stratum's area in km² given every parameter's value (before any national rescaling).
fn stratum_area(s: &Scenario, k: usize, v: &[f64]) -> f64 {
    use crate::model::StratumArea;
    match s.strata()[k].area {
        StratumArea::Area(p) => p.get(v),
        StratumArea::Inventory(km2) => km2,
        StratumArea::Added { rate_km2_per_year, until_year } => {
            rate_km2_per_year.get(v) * (until_year.get(v) - f64::from(s.start_year())).max(0.0)
        }
        StratumArea::Barrier { length_km, share_mined, width_m, .. } => {
            length_km.get(v) * share_mined.map_or(1.0, |p| p.get(v)) * width_m.get(v) / 1000.0
        }
    }
}

/// The parameters an observation's prediction reads.
fn reads(s: &Scenario, o: &Observation) -> Vec<Param> {
    let mut out = Vec::new();
    for &k in &o.strata {
        let rel = &s.strata()[k].release;
        match o.target {
            Target::Cancelled => out.push(rel.cancelled_fraction),
            Target::Reduced => out.push(rel.reduced_fraction),
            Target::Density => out.extend([rel.items_per_km2, rel.contaminated_fraction]),
            Target::Productivity => {
                for (m, share) in rel.method_shares.iter() {
                    if *share > 0.0
                        && let Some(mm) = s.methods()[m]
                    {
                        match mm.productivity {
                            Productivity::PerTeamDay(p) => out.push(p),
                            Productivity::PerMemberDay { rate, team_size } => out.extend([rate, team_size]),
                        }
                    }
                }
            }
            Target::Suspected => {}
        }
    }
    if o.target == Target::Suspected
        && let Some(p) = s.national_area()
    {
        out.push(p);
    }
    out
}

/// ln L of an observation given the scenario's value `x` of its target.
fn log_likelihood(l: &Likelihood, x: f64) -> f64 {
    if !x.is_finite() {
        return f64::NEG_INFINITY;
    }
    match *l {
        Likelihood::Binomial { k, n } => {
            let p = x.clamp(1e-12, 1.0 - 1e-12);
            k * p.ln() + (n - k) * (1.0 - p).ln()
        }
        Likelihood::LogNormal { observed, sd } => {
            if !(x > 0.0) {
                return f64::NEG_INFINITY;
            }
            let z = (observed.ln() - x.ln()) / sd;
            -0.5 * z * z
        }
    }
}

/// One updated input: its prior and the distribution fitted to its posterior draws.
#[derive(Clone, Debug, PartialEq)]
pub struct UpdatedInput {
    /// Its path.
    pub name: String,
    /// Its distribution in the scenario.
    pub prior: Dist,
    /// The distribution written for it.
    pub posterior: Dist,
    /// Weighted P5, P50, P95 of the posterior draws.
    pub posterior_draws: [f64; 3],
}

/// What an update found.
#[derive(Clone, Debug)]
pub struct Update {
    /// The scenario with every updated input's posterior.
    pub posterior: Scenario,
    /// The updated inputs.
    pub inputs: Vec<UpdatedInput>,
    /// The observations used and the rows not used.
    pub observations: Vec<Observation>,
    /// See `observations`.
    pub unused: Vec<UnusedRow>,
    /// Prior draws.
    pub draws: usize,
    /// Effective sample size of the importance weights.
    pub ess: f64,
    /// Whether the draws were resampled and moved (weighting degenerated).
    pub moved: bool,
    /// Acceptance rate of the Metropolis moves, when moved.
    pub acceptance: f64,
}

/// A draw: the inputs' uniforms (before the copula) and every parameter's value.
struct Draws<'s> {
    s: &'s Scenario,
    slots: Vec<usize>,
    dists: Vec<Dist>,
    base: Vec<f64>,
    z: Vec<f64>,
}

impl Draws<'_> {
    /// Every parameter's value for the inputs' independent uniforms `u` (the copula applied).
    fn values(&mut self, u: &[f64]) -> Vec<f64> {
        let mut c = u.to_vec();
        if let Some(cor) = self.s.correlation() {
            cor.apply(&mut c, &mut self.z);
        }
        let mut v = self.base.clone();
        for ((slot, dist), u) in self.slots.iter().zip(&self.dists).zip(&c) {
            v[*slot] = dist.quantile(*u);
        }
        v
    }
}

/// Metropolis steps per draw after each tempering step.
const MOVES: usize = 10;

/// Systematic resampling: `n` indices drawn in proportion to `w` (summing to 1).
fn systematic(w: &[f64], n: usize) -> Vec<usize> {
    let mut out = Vec::with_capacity(n);
    let mut cum = 0.0;
    for (i, wi) in w.iter().enumerate() {
        cum += wi;
        while out.len() < n && (out.len() as f64 + 0.5) / n as f64 <= cum {
            out.push(i);
        }
    }
    while out.len() < n {
        out.push(w.len() - 1);
    }
    out
}

/// Weighted quantile of `x` at `p` (weights summing to 1).
fn weighted_quantile(x: &[f64], w: &[f64], p: f64) -> f64 {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut cum = 0.0;
    for &i in &idx {
        cum += w[i];
        if cum >= p {
            return x[i];
        }
    }
    idx.last().map_or(f64::NAN, |&i| x[i])
}

/// A distribution of the scenario's kinds fitted by moments to weighted draws: a beta on the
/// prior's bounds when both are finite, a lognormal (by the moments of the logarithm) when the
/// prior is positive, else a normal.
fn fit_posterior(prior: &Dist, x: &[f64], w: &[f64]) -> Result<Dist> {
    let mean: f64 = x.iter().zip(w).map(|(a, b)| a * b).sum();
    let var: f64 = x.iter().zip(w).map(|(a, b)| b * (a - mean) * (a - mean)).sum();
    let (lo, hi) = prior.support();
    if lo.is_finite() && hi.is_finite() && hi > lo {
        let m = ((mean - lo) / (hi - lo)).clamp(1e-9, 1.0 - 1e-9);
        let v = (var / ((hi - lo) * (hi - lo))).clamp(1e-18, m * (1.0 - m) * (1.0 - 1e-9));
        let k = m * (1.0 - m) / v - 1.0;
        return Dist::beta((m * k).clamp(0.001, 1e6), ((1.0 - m) * k).clamp(0.001, 1e6), lo, hi);
    }
    if lo >= 0.0 && x.iter().all(|v| *v > 0.0) {
        let lm: f64 = x.iter().zip(w).map(|(a, b)| b * a.ln()).sum();
        let lv: f64 = x.iter().zip(w).map(|(a, b)| b * (a.ln() - lm) * (a.ln() - lm)).sum();
        let sd = lv.sqrt().max(1e-9);
        return Dist::new(DistParams::Lognormal {
            median: Some(lm.exp()),
            p90: None,
            p95: Some((lm + 1.644_853_626_951_472_2 * sd).exp()),
            mean: None,
            cv: None,
        });
    }
    Dist::normal(mean, var.sqrt().max(1e-12 * mean.abs().max(1.0)))
}

/// Conditions `s`'s uncertain inputs on `rows` (read from the file `source`, whose bytes give
/// `fingerprint`) with `draws` prior draws (seed `seed`); the posterior scenario keeps a record of
/// the update (its `[update]` table).
///
/// # Errors
/// [`Error::InvalidScenario`] for a row's unknown scope; [`Error::Infeasible`] when no row gives an
/// observation the scenario can use, when the scenario has no uncertain input that the
/// observations read, or when every draw is impossible under them.
#[allow(clippy::too_many_lines)] // one procedure, step by step as docs/UPDATE.md states it
pub fn update(
    s: &Scenario,
    rows: &[FieldRow],
    source: &str,
    fingerprint: &str,
    draws: usize,
    seed: u64,
) -> Result<Update> {
    if !(100..=10_000_000).contains(&draws) {
        return Err(Error::invalid("draws", draws as f64, "must lie in [100, 10,000,000]"));
    }
    let (observations, unused) = observations(s, rows)?;
    if observations.is_empty() {
        return Err(Error::Infeasible(format!(
            "none of the {} rows gives an observation this scenario can use (see data/README.md, field/: pairs such as cancelled_km2 with surveyed_km2)",
            rows.len()
        )));
    }
    let params = s.params();
    let inputs: Vec<&crate::model::ParamDef> = params.inputs().collect();
    let mut read: BTreeSet<usize> = BTreeSet::new();
    for o in &observations {
        for p in reads(s, o) {
            if let Some(i) = params.input_position(&params.def(p).name) {
                read.insert(i);
            }
        }
    }
    if read.is_empty() {
        return Err(Error::Infeasible(
            "the observations read no uncertain input of the scenario: there is nothing to update".into(),
        ));
    }
    let k = inputs.len();
    let mut d = Draws {
        s,
        slots: params.input_indices().iter().map(|&i| i as usize).collect(),
        dists: inputs.iter().map(|i| i.dist.clone()).collect(),
        base: params.all().iter().map(|p| p.dist.fixed_value().unwrap_or_else(|| p.dist.mean())).collect(),
        z: vec![0.0; s.correlation().map_or(0, |c| c.inputs.len())],
    };
    let loglik = |v: &[f64]| observations.iter().map(|o| log_likelihood(&o.likelihood, predict(s, o, v))).sum::<f64>();
    // Prior draws: counter-based uniforms, the same for the same seed.
    let mut u: Vec<Vec<f64>> = (0..draws)
        .map(|t| {
            let key = trial_key(seed ^ 0x0DA7_A0F1_E1D5, t as u64);
            (0..k).map(|i| unit_open(mix64(key ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)))).collect()
        })
        .collect();
    let mut ll: Vec<f64> = u.iter().map(|ui| loglik(&d.values(ui))).collect();
    let top = ll.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !top.is_finite() {
        return Err(Error::Infeasible("every prior draw is impossible under the observations".into()));
    }
    let raw: Vec<f64> = ll.iter().map(|l| (l - top).exp()).collect();
    let sum: f64 = raw.iter().sum();
    let mut w: Vec<f64> = raw.iter().map(|x| x / sum).collect();
    let ess = 1.0 / w.iter().map(|x| x * x).sum::<f64>();
    let (mut moved, mut acceptance) = (false, 0.0);
    if ess < draws as f64 / 10.0 {
        // Weighting degenerates: tempered resample-move. The likelihood is brought in by powers
        // φ from 0 to 1, each step as large as keeps half the draws effective; after each, the
        // draws are resampled and moved by Metropolis steps in the uniforms of the inputs the
        // observations read (the prior is flat there, so a step is accepted with the ratio of
        // the tempered likelihoods).
        moved = true;
        let dims: Vec<usize> = read.iter().copied().collect();
        let (mut phi, mut tries, mut accepted) = (0.0, 0usize, 0usize);
        let mut round = 0u64;
        while phi < 1.0 && round < 500 {
            let ess_at = |next: f64| {
                let top = ll.iter().map(|l| (next - phi) * l).fold(f64::NEG_INFINITY, f64::max);
                let w: Vec<f64> = ll.iter().map(|l| ((next - phi) * l - top).exp()).collect();
                let sum: f64 = w.iter().sum();
                sum * sum / w.iter().map(|x| x * x).sum::<f64>()
            };
            let next = if ess_at(1.0) >= draws as f64 / 2.0 {
                1.0
            } else {
                let (mut lo, mut hi) = (phi, 1.0);
                for _ in 0..60 {
                    let mid = 0.5 * (lo + hi);
                    if ess_at(mid) >= draws as f64 / 2.0 { lo = mid } else { hi = mid }
                }
                lo.max(phi + 1e-9)
            };
            let top = ll.iter().map(|l| (next - phi) * l).fold(f64::NEG_INFINITY, f64::max);
            let wts: Vec<f64> = ll.iter().map(|l| ((next - phi) * l - top).exp()).collect();
            let sum: f64 = wts.iter().sum();
            let picks = systematic(&wts.iter().map(|x| x / sum).collect::<Vec<_>>(), draws);
            u = picks.iter().map(|&i| u[i].clone()).collect();
            ll = picks.iter().map(|&i| ll[i]).collect();
            phi = next;
            let step: Vec<f64> = dims
                .iter()
                .map(|&i| {
                    let m = u.iter().map(|x| x[i]).sum::<f64>() / draws as f64;
                    let sd = (u.iter().map(|x| (x[i] - m) * (x[i] - m)).sum::<f64>() / draws as f64).sqrt();
                    (2.38 / (dims.len() as f64).sqrt() * sd).max(1e-9)
                })
                .collect();
            for (t, (ut, lt)) in u.iter_mut().zip(ll.iter_mut()).enumerate() {
                for m in 0..MOVES {
                    let key = trial_key(seed ^ 0x3C3C_5A5A ^ (round << 32), (t * MOVES + m) as u64);
                    let mut prop = ut.clone();
                    let mut inside = true;
                    for (j, (&i, sd)) in dims.iter().zip(&step).enumerate() {
                        let g = crate::sampling::dist::std_normal_quantile(unit_open(mix64(key ^ (j as u64 + 7))));
                        prop[i] += sd * g;
                        inside &= prop[i] > 0.0 && prop[i] < 1.0;
                    }
                    tries += 1;
                    if !inside {
                        continue;
                    }
                    let lp = loglik(&d.values(&prop));
                    if phi * (lp - *lt) >= unit_open(mix64(key ^ 0xACCE)).ln() {
                        *ut = prop;
                        *lt = lp;
                        accepted += 1;
                    }
                }
            }
            round += 1;
        }
        acceptance = accepted as f64 / tries.max(1) as f64;
        w = vec![1.0 / draws as f64; draws];
        if phi < 1.0 {
            return Err(Error::Infeasible(format!(
                "the observations lie too far from the scenario's inputs: 500 tempering steps reached only {:.3} of \
                 their likelihood (ESS of plain weighting {ess:.1} of {draws}); check the rows against the scenario",
                phi
            )));
        }
    }
    let mut posterior = s.clone();
    let mut updated = Vec::new();
    let values: Vec<Vec<f64>> = u.iter().map(|ui| d.values(ui)).collect();
    for &i in &read {
        let slot = d.slots[i];
        let x: Vec<f64> = values.iter().map(|v| v[slot]).collect();
        let dist = fit_posterior(&d.dists[i], &x, &w)?;
        let name = inputs[i].name.clone();
        posterior.set(&name, dist.clone())?;
        updated.push(UpdatedInput {
            posterior_draws: [
                weighted_quantile(&x, &w, 0.05),
                weighted_quantile(&x, &w, 0.5),
                weighted_quantile(&x, &w, 0.95),
            ],
            prior: d.dists[i].clone(),
            posterior: dist,
            name,
        });
    }
    let method = if moved {
        format!(
            "importance weighting of {draws} prior draws, ESS {ess:.0}: degenerate, so tempered resample-move (Metropolis steps in the inputs' uniforms, acceptance {acceptance:.2})"
        )
    } else {
        format!("importance weighting of {draws} prior draws, ESS {ess:.0}")
    };
    let record = crate::model::update::UpdateRecord {
        observed: source.to_string(),
        fingerprint: fingerprint.to_string(),
        method,
        draws,
        ess,
        observations: observations.iter().map(|o| o.description.clone()).collect(),
        inputs: updated.iter().map(|u| (u.name.clone(), u.prior.clone(), u.posterior.clone())).collect(),
    };
    let posterior = posterior
        .with_name(&format!("{}-updated", s.name()))
        .with_description(&format!("{} Updated with the field results of {source}.", s.description()))
        .with_update(record);
    Ok(Update { posterior, inputs: updated, observations, unused, draws, ess, moved, acceptance })
}
