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
}
