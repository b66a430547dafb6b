//! `[land_release]`, `[hazards.KIND]` and the `land_release` tables of regions
//! and strata: one level of the override chain each.

use super::Conv;
use crate::error::Problem;
use crate::io::file::{LandReleaseFile, ScenarioFile};
use crate::model::{HazardKind, LandRelease, Method, PerMethod, Rule};
use std::collections::BTreeMap;

/// Converts one level; `label` prefixes the parameters' labels (`Kharkiv: `).
pub(crate) fn level(conv: &mut Conv, path: &str, label: &str, f: &LandReleaseFile) -> LandRelease {
    let p = |k: &str| format!("{path}.{k}");
    let l = |k: &str| format!("{label}{k}");
    let method_shares = f.method_shares.as_ref().map(|given| {
        let shares = PerMethod::from_fn(|m| given.get(&m).copied().unwrap_or(0.0));
        for (m, v) in given {
            conv.fixed_fraction(&format!("{path}.method_shares.{m}"), *v);
        }
        let sum: f64 = shares.values().sum();
        if shares.values().all(|v| v.is_finite()) && (sum - 1.0).abs() > 1e-6 {
            let names: Vec<&str> = Method::ALL.iter().map(|m| m.name()).collect();
            let list = match names.split_last() {
                Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
                None => String::new(),
            };
            conv.problems.push(Problem::new(
                format!("{path}.method_shares"),
                sum,
                format!("the shares of {list} must sum to 1"),
            ));
        }
        shares
    });
    LandRelease {
        cancelled_fraction: conv.opt(
            &p("cancelled_fraction"),
            &l("NTS cancelled fraction"),
            &f.cancelled_fraction,
            Rule::Fraction,
        ),
        reduced_fraction: conv.opt(
            &p("reduced_fraction"),
            &l("TS reduced fraction"),
            &f.reduced_fraction,
            Rule::Fraction,
        ),
        confirmed_fraction: conv.opt(
            &p("confirmed_fraction"),
            &l("confirmed (CHA) fraction"),
            &f.confirmed_fraction,
            Rule::Fraction,
        ),
        contaminated_fraction: conv.opt(
            &p("contaminated_fraction"),
            &l("contaminated fraction"),
            &f.contaminated_fraction,
            Rule::Fraction,
        ),
        items_per_km2: conv.opt(&p("items_per_km2"), &l("items per km²"), &f.items_per_km2, Rule::NonNegative),
        method_shares,
        residual_fraction: conv.opt(
            &p("residual_fraction"),
            &l("residual contamination fraction"),
            &f.residual_fraction,
            Rule::Fraction,
        ),
        cancelled_fraction_trend: conv.opt(
            &p("cancelled_fraction_trend"),
            &l("fall of the NTS cancelled fraction"),
            &f.cancelled_fraction_trend,
            Rule::Fraction,
        ),
    }
}

/// The national level, completed with the defaults every stratum falls back
/// to (nothing cancelled, reduced or confirmed; all contaminated; no items),
/// and the per-hazard levels.
pub(crate) fn national_and_hazards(
    conv: &mut Conv,
    f: &ScenarioFile,
) -> (LandRelease, BTreeMap<HazardKind, LandRelease>) {
    let mut national = level(conv, "land_release", "", &f.land_release);
    let mut default = |slot: &mut Option<_>, name: &str, label: &str, value: f64, rule: Rule| {
        if slot.is_none() {
            *slot = Some(conv.default_param(&format!("land_release.{name}"), label, value, rule));
        }
    };
    default(&mut national.cancelled_fraction, "cancelled_fraction", "NTS cancelled fraction", 0.0, Rule::Fraction);
    default(&mut national.reduced_fraction, "reduced_fraction", "TS reduced fraction", 0.0, Rule::Fraction);
    default(&mut national.confirmed_fraction, "confirmed_fraction", "confirmed (CHA) fraction", 0.0, Rule::Fraction);
    default(&mut national.contaminated_fraction, "contaminated_fraction", "contaminated fraction", 1.0, Rule::Fraction);
    default(&mut national.items_per_km2, "items_per_km2", "items per km²", 0.0, Rule::NonNegative);
    default(
        &mut national.residual_fraction,
        "residual_fraction",
        "residual contamination fraction",
        0.0,
        Rule::Fraction,
    );
    default(
        &mut national.cancelled_fraction_trend,
        "cancelled_fraction_trend",
        "fall of the NTS cancelled fraction",
        0.0,
        Rule::Fraction,
    );
    let hazards = f
        .hazards
        .iter()
        .map(|(k, lf)| (*k, level(conv, &format!("hazards.{k}"), &format!("{}: ", k.label()), lf)))
        .collect();
    (national, hazards)
}
