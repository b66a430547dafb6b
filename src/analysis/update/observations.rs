//! What the field results say of a scenario: each row of a field-results file turned into an
//! observation of one quantity the scenario's inputs predict (or set aside, with the reason), the
//! prediction of that quantity from the inputs' values, and its likelihood.

use crate::error::{Error, Result};
use crate::io::field::FieldRow;
use crate::model::{Param, Productivity, Scenario};
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
pub(super) enum Target {
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
pub(super) enum Likelihood {
    /// k of n: binomial in the share.
    Binomial { k: f64, n: f64 },
    /// ln(observed) ~ N(ln(predicted), sd²).
    LogNormal { observed: f64, sd: f64 },
}

/// One observation the update uses.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    target: Target,
    pub(super) likelihood: Likelihood,
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
pub(super) fn predict(s: &Scenario, o: &Observation, v: &[f64]) -> f64 {
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
pub(super) fn reads(s: &Scenario, o: &Observation) -> Vec<Param> {
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
pub(super) fn log_likelihood(l: &Likelihood, x: f64) -> f64 {
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
