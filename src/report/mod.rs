//! Reports: aligned text tables, JSON and CSV of a run ([`run`]) and of the
//! analyses ([`analysis`]). The binary only chooses which to print.
//!
//! Every JSON object starts with `"schema"` ([`SCHEMA`]) and gives every output
//! its unit (money in the scenario's currency). The JSON contains nothing that
//! depends on the machine (no thread count, no timing), so two runs with the
//! same scenario, seed and trials produce byte-identical JSON.

pub mod analysis;
mod analysis_csv;
pub mod backtest;
#[cfg(feature = "charts")]
pub mod charts;
pub mod data;
pub mod forecast;
#[cfg(feature = "charts")]
pub mod html;
pub mod run;

use crate::simulate::Unit;

pub use data::{samples_csv, samples_units_csv, series_csv};
pub use run::{repairs_text, sites_csv, to_csv, to_json, to_table};

/// The version of the JSON and CSV layout; it changes when a field is renamed or removed.
///
/// Version 2 (demine 0.2): money outputs lost their `_usd` suffix (`total_cost`)
/// and carry the scenario's currency as their unit; every output has a `"unit"`.
/// Version 3: one layout for every command: percentiles labelled `p5` … `p95`
/// wherever a distribution is summarised (compare's plans included), the
/// capacity solver's evaluations and teams as labelled objects (docs/SCHEMA.md).
pub const SCHEMA: &str = "demine/3";

/// Formats a number with thousands separators and `decimals` decimals (`1,234,567.8`).
#[must_use]
pub fn thousands(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return if v.is_nan() {
            "n/a".into()
        } else if v > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    // Beyond a quadrillion, digits stop meaning anything to a reader: scientific form.
    if v.abs() >= 1e15 {
        return format!("{v:.3e}");
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(a, b)| (a, b));
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    if v < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.insert(0, '-');
    }
    out
}

/// An output's name (`cleared_area_km2`) in people's words (`area cleared`), from
/// the output catalogue ([`crate::simulate::Output::label`]); a name the
/// catalogue does not know is shown with spaces for underscores.
#[must_use]
pub fn output_label(name: &str) -> String {
    let words = |n: &str| {
        crate::simulate::Output::from_name(n).map_or_else(|| n.replace('_', " "), crate::simulate::Output::label)
    };
    // A region's output is named `Region: name`; the region's own name is kept as written.
    match name.rsplit_once(": ") {
        Some((region, n)) => format!("{region}: {}", words(n)),
        None => words(name),
    }
}

/// A number with at most `digits` significant digits and thousands separators
/// (`180.2` → `180`, `0.07` → `0.07`, `139000` → `139,000`).
#[must_use]
pub fn significant(v: f64, digits: i32) -> String {
    if v == 0.0 || !v.is_finite() || v.abs() >= 1e15 {
        return thousands(v, 0);
    }
    let magnitude = v.abs().log10().floor() as i32;
    let decimals = digits - 1 - magnitude;
    if decimals <= 0 {
        let unit = 10f64.powi(-decimals);
        return thousands((v / unit).round() * unit, 0);
    }
    without_trailing_zeros(thousands(v, decimals as usize))
}

/// `12.50` → `12.5`, `3.00` → `3`; a number without decimals as it is.
pub(crate) fn without_trailing_zeros(s: String) -> String {
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

/// A distribution as people write it: `lognormal, median 600, P5-P95 180 to
/// 2,000`; `PERT, most likely 139,000, from 129,000 to 145,000`; `fixed at 0.5`.
/// Numbers given in the file keep up to 6 significant digits; derived ones
/// (a lognormal's P5 and P95) are rounded to 3.
#[must_use]
pub fn dist_in_words(d: &crate::Dist) -> String {
    use crate::sampling::dist::DistParams as P;
    let g = |v: f64| significant(v, 6);
    let r = |v: f64| significant(v, 3);
    match d.params() {
        P::Fixed { value } => format!("fixed at {}", g(*value)),
        P::Uniform { min, max } => format!("uniform, from {} to {}", g(*min), g(*max)),
        P::Triangular { min, mode, max } => {
            format!("triangular, most likely {}, from {} to {}", g(*mode), g(*min), g(*max))
        }
        P::Pert { min, mode, max, shape } => {
            let shape =
                shape.filter(|s| (s - 4.0).abs() >= 1e-12).map_or(String::new(), |s| format!(", shape {}", g(s)));
            format!("PERT, most likely {}, from {} to {}{shape}", g(*mode), g(*min), g(*max))
        }
        P::Normal { mean, sd, .. } => {
            let (lo, hi) = d.support();
            let cut = if lo.is_infinite() && hi.is_infinite() {
                String::new()
            } else {
                format!(", kept within {} to {}", r(lo), r(hi))
            };
            format!("normal, mean {}, standard deviation {}{cut}", g(*mean), g(*sd))
        }
        P::Lognormal { .. } => format!(
            "lognormal, median {}, P5-P95 {} to {}",
            r(d.quantile(0.5)),
            r(d.quantile(0.05)),
            r(d.quantile(0.95))
        ),
        P::Beta { .. } | P::Discrete { .. } => {
            let kind = if matches!(d.params(), P::Beta { .. }) { "beta" } else { "empirical" };
            format!("{kind}, median {}, P5-P95 {} to {}", r(d.quantile(0.5)), r(d.quantile(0.05)), r(d.quantile(0.95)))
        }
    }
}

/// A value in a unit, compact for tables: money in millions or billions, areas
/// and counts whole, small values with two decimals (0.3 casualties is not "0").
#[must_use]
pub fn human(v: f64, unit: Unit) -> String {
    // Sums of many floating-point terms leave dust like 1e-11 where the answer is 0.
    let v = if v.abs() < 5e-3 { 0.0 } else { v };
    let small = |v: f64| if v.abs() >= 100.0 || v == 0.0 { thousands(v, 0) } else { thousands(v, 2) };
    match unit {
        Unit::Money | Unit::SecondMoney => {
            let a = v.abs();
            if a >= 1e15 {
                format!("{v:.3e}")
            } else if a >= 1e9 {
                format!("{} bn", thousands(v / 1e9, 2))
            } else if a >= 1e6 {
                format!("{} m", thousands(v / 1e6, 1))
            } else {
                thousands(v, 0)
            }
        }
        Unit::Years => thousands(v, 1),
        Unit::Share => format!("{:.1} %", v * 100.0),
        Unit::Ratio => small(v),
        Unit::People
        | Unit::Km2
        | Unit::TeamDays
        | Unit::Items
        | Unit::ItemsPerKm2
        | Unit::Km2Years
        | Unit::Km2PerTeamYear
        | Unit::M2PerTeamYear
        | Unit::M2PerPersonDay => small(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(1234567.891, 1), "1,234,567.9");
        assert_eq!(thousands(-1234.0, 0), "-1,234");
        assert_eq!(thousands(999.0, 0), "999");
        assert_eq!(thousands(0.0, 2), "0.00");
        assert_eq!(human(34.6e9, Unit::Money), "34.60 bn");
        assert_eq!(human(139_000.4, Unit::Km2), "139,000");
        assert_eq!(human(0.3, Unit::People), "0.30");
    }

    #[test]
    fn significant_digits() {
        assert_eq!(significant(180.234, 3), "180");
        assert_eq!(significant(1_996.7, 3), "2,000");
        assert_eq!(significant(0.0026, 3), "0.0026");
        assert_eq!(significant(0.07, 6), "0.07");
        assert_eq!(significant(139_000.0, 6), "139,000");
        assert_eq!(significant(-12_345.0, 2), "-12,000");
    }

    #[test]
    fn distributions_in_words() {
        use crate::sampling::dist::DistParams as P;
        let words = |p: P| dist_in_words(&crate::Dist::new(p).unwrap());
        assert_eq!(
            words(P::Pert { min: 129_000.0, mode: 139_000.0, max: 145_000.0, shape: None }),
            "PERT, most likely 139,000, from 129,000 to 145,000"
        );
        assert_eq!(words(P::Uniform { min: 180.0, max: 240.0 }), "uniform, from 180 to 240");
        assert_eq!(words(P::Fixed { value: 0.5 }), "fixed at 0.5");
        // Median 600 and P95 2,000 (the Ukraine scenario's mine density): P5 = 600²/2,000 = 180.
        let l = words(P::Lognormal { median: Some(600.0), p90: None, p95: Some(2000.0), mean: None, cv: None });
        assert_eq!(l, "lognormal, median 600, P5-P95 180 to 2,000");
        assert_eq!(output_label("cleared_area_km2"), "area cleared");
        assert_eq!(output_label("team_days_mine_detection_dogs"), "team-days of mine detection dogs");
        assert_eq!(output_label("not_an_output"), "not an output");
        assert_eq!(output_label("Other_oblasts: total_cost"), "Other_oblasts: cost of the work");
    }
}
