//! Reports of an [`Outcome`]: an aligned text table, JSON and CSV.
//!
//! The JSON object is stable and contains nothing that depends on the machine
//! (no thread count, no timing), so two runs with the same scenario, seed and
//! trials produce byte-identical JSON.

use crate::simulate::{Outcome, Series};
use crate::stats::summary::{PERCENTILES, Summary};
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

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

/// A value in a unit, compact for tables: money in millions or billions, areas and counts whole.
#[must_use]
pub fn human(v: f64, unit: &str) -> String {
    // Sums of many floating-point terms leave dust like 1e-11 where the answer is 0.
    let v = if v.abs() < 5e-3 { 0.0 } else { v };
    match unit {
        "USD" => {
            let a = v.abs();
            if a >= 1e9 {
                format!("{} bn", thousands(v / 1e9, 2))
            } else if a >= 1e6 {
                format!("{} m", thousands(v / 1e6, 1))
            } else {
                thousands(v, 0)
            }
        }
        "years" => thousands(v, 1),
        "share" => format!("{:.1} %", v * 100.0),
        "ratio" => thousands(v, 0),
        "people" => thousands(v, 0),
        _ => {
            if v.abs() >= 100.0 || v == 0.0 {
                thousands(v, 0)
            } else {
                thousands(v, 2)
            }
        }
    }
}

fn unit_label(unit: &str, currency: &str) -> String {
    match unit {
        "km2" => "km²".into(),
        "USD" => currency.into(),
        "share" => "%".into(),
        "ratio" => "×".into(),
        u => u.into(),
    }
}

fn summary_json(s: &Summary) -> Value {
    let mut m = Map::new();
    m.insert("mean".into(), json!(s.mean));
    m.insert("sd".into(), json!(s.sd));
    m.insert("se".into(), json!(s.se));
    m.insert("min".into(), json!(s.min));
    m.insert("max".into(), json!(s.max));
    let mut ci = Map::new();
    ci.insert("mean".into(), json!(s.mean_ci95));
    for (k, p) in PERCENTILES.iter().enumerate() {
        let key = format!("p{}", (p * 100.0).round() as u32);
        m.insert(key.clone(), json!(s.percentiles[k]));
        ci.insert(key, json!(s.percentile_ci95[k]));
    }
    m.insert("ci95".into(), Value::Object(ci));
    m.insert("n".into(), json!(s.n));
    Value::Object(m)
}

/// The run as one JSON object:
/// `{"scenario", "trials", "seed", "sampler", "model", "currency", "start_year",
///   "outputs": {NAME: {mean, sd, se, min, max, p5 … p95, ci95: {…}, n}},
///   "regions": {REGION: {NAME: {…}}}, "series": {NAME: {"years", "p10", "p50", "p90"}},
///   "failed_trials": {"count", "examples"}}`.
#[must_use]
pub fn to_json(o: &Outcome) -> Value {
    let mut outputs = Map::new();
    let mut regions: Map<String, Value> = Map::new();
    for (d, s) in o.summaries() {
        match d.region {
            None => {
                outputs.insert(d.name.clone(), summary_json(s));
            }
            Some(r) => {
                let entry = regions.entry(o.region_names()[r].clone()).or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(m) = entry {
                    m.insert(d.name.clone(), summary_json(s));
                }
            }
        }
    }
    let mut root = Map::new();
    root.insert("scenario".into(), json!(o.scenario_name()));
    root.insert("trials".into(), json!(o.trials()));
    root.insert("seed".into(), json!(o.seed()));
    root.insert("sampler".into(), json!(o.sampler().name()));
    root.insert("model".into(), json!(o.model().name()));
    root.insert("currency".into(), json!(o.currency()));
    root.insert("start_year".into(), json!(o.start_year()));
    root.insert("outputs".into(), Value::Object(outputs));
    if !regions.is_empty() {
        root.insert("regions".into(), Value::Object(regions));
    }
    let mut series = Map::new();
    for s in Series::ALL {
        let fan = o.fan_chart(s);
        if fan.is_empty() {
            continue;
        }
        // Trim the tail where every trial has finished (all bands at zero).
        let keep = fan.iter().rposition(|b| b.iter().any(|v| *v != 0.0)).map_or(0, |p| p + 1).max(1);
        let fan = &fan[..keep.min(fan.len())];
        series.insert(
            s.name().into(),
            json!({
                "years": (0..fan.len()).map(|y| o.start_year() + y as i32).collect::<Vec<_>>(),
                "p10": fan.iter().map(|b| b[0]).collect::<Vec<_>>(),
                "p50": fan.iter().map(|b| b[1]).collect::<Vec<_>>(),
                "p90": fan.iter().map(|b| b[2]).collect::<Vec<_>>(),
            }),
        );
    }
    if !series.is_empty() {
        root.insert("series".into(), Value::Object(series));
    }
    let (examples, count) = o.failed_trials();
    root.insert("failed_trials".into(), json!({ "count": count, "examples": examples }));
    if !o.correlation_repairs().is_empty() {
        root.insert("correlation_repairs".into(), json!(o.correlation_repairs()));
    }
    if o.horizon_years() > 0 {
        root.insert(
            "not_finished".into(),
            json!({ "horizon_years": o.horizon_years(), "share_of_trials": o.not_finished_share() }),
        );
    }
    Value::Object(root)
}

/// One line per correlation entry a repair changed (empty when none).
#[must_use]
pub fn repairs_text(repairs: &[crate::sampling::RepairedEntry]) -> String {
    let mut t = String::new();
    if !repairs.is_empty() {
        t.push_str("correlation matrix repaired (nearest correlation matrix, Higham 2002):\n");
        for r in repairs {
            let _ = writeln!(t, "  {} ~ {}: given {:.4}, used {:.4}", r.a, r.b, r.given, r.used);
        }
    }
    t
}

/// An aligned text table of every output (national, then per region), with units.
#[must_use]
pub fn to_table(o: &Outcome) -> String {
    let mut rows: Vec<[String; 8]> = Vec::new();
    let cur = o.currency();
    let push = |rows: &mut Vec<[String; 8]>, name: String, unit: &str, s: &Summary| {
        let ci = s.percentile_ci(0.5).unwrap_or([f64::NAN; 2]);
        rows.push([
            name,
            unit_label(unit, cur),
            human(s.mean, unit),
            human(s.percentiles[0], unit),
            human(s.percentiles[3], unit),
            human(s.percentiles[5], unit),
            human(s.percentiles[7], unit),
            format!("{} – {}", human(ci[0], unit), human(ci[1], unit)),
        ]);
    };
    for (d, s) in o.summaries().filter(|(d, _)| d.region.is_none()) {
        push(&mut rows, d.name.clone(), d.unit, s);
    }
    let national = rows.len();
    for (r, region) in o.region_names().iter().enumerate() {
        for (d, s) in o.summaries().filter(|(d, _)| d.region == Some(r)) {
            push(&mut rows, format!("{region}: {}", d.name), d.unit, s);
        }
    }
    let header = ["output", "unit", "mean", "P5", "P50", "P80", "P95", "P50 95% CI"];
    let mut width = [0usize; 8];
    for (i, h) in header.iter().enumerate() {
        width[i] = h.chars().count();
    }
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            width[i] = width[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &[String]| {
        for (i, c) in cells.iter().enumerate() {
            let pad = width[i].saturating_sub(c.chars().count());
            if i <= 1 {
                let _ = write!(out, "{c}{}  ", " ".repeat(pad));
            } else {
                let _ = write!(out, "{}{c}  ", " ".repeat(pad));
            }
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('\n');
    };
    line(&mut out, &header.map(String::from));
    for (i, r) in rows.iter().enumerate() {
        if i == national && national < rows.len() {
            out.push('\n');
            out.push_str(&yearly_table(o));
            out.push('\n');
        }
        line(&mut out, r);
    }
    if national == rows.len() {
        out.push('\n');
        out.push_str(&yearly_table(o));
    }
    out
}

/// Fan-chart rows (P10 / P50 / P90 across trials) for a few years of the schedule.
fn yearly_table(o: &Outcome) -> String {
    let picks = [
        Series::AreaClearedKm2,
        Series::AreaReleasedKm2,
        Series::HazardousAreaRemainingKm2,
        Series::Casualties,
        Series::CostUsd,
    ];
    let fans: Vec<Vec<[f64; 3]>> = picks.iter().map(|s| o.fan_chart(*s)).collect();
    if fans[0].is_empty() {
        return String::new();
    }
    let h = fans[0].len();
    let years: Vec<usize> = [1usize, 2, 3, 5, 10, 20, 30, 50, 75, 100].into_iter().filter(|y| *y <= h).collect();
    let mut out = String::from("yearly, P10 / P50 / P90 across trials\n");
    let _ = write!(out, "{:<10}", "year");
    let heads = ["cleared km²", "released km²", "remaining km²", "casualties", "spending"];
    for hd in heads {
        let _ = write!(out, "  {hd:>26}");
    }
    out.push('\n');
    for y in years {
        let _ = write!(out, "{:<10}", o.start_year() + y as i32 - 1);
        for (k, f) in fans.iter().enumerate() {
            let b = f[y - 1];
            let unit = if k == 4 {
                "USD"
            } else if k == 3 {
                "people"
            } else {
                "km2"
            };
            let _ = write!(
                out,
                "  {:>26}",
                format!("{} / {} / {}", human(b[0], unit), human(b[1], unit), human(b[2], unit))
            );
        }
        out.push('\n');
    }
    out
}

/// The summary table as CSV: one row per output, full precision, with the 95 %
/// confidence intervals of the mean and of every percentile.
#[must_use]
pub fn to_csv(o: &Outcome) -> String {
    let mut w = String::from("output,region,unit,mean,sd,se,min,max");
    for p in PERCENTILES {
        let _ = write!(w, ",p{}", (p * 100.0).round() as u32);
    }
    w.push_str(",n,mean_ci_low,mean_ci_high");
    for p in PERCENTILES {
        let k = (p * 100.0).round() as u32;
        let _ = write!(w, ",p{k}_ci_low,p{k}_ci_high");
    }
    w.push('\n');
    let quote = |t: &str| {
        if t.contains(',') || t.contains('"') { format!("\"{}\"", t.replace('"', "\"\"")) } else { t.to_string() }
    };
    for (d, s) in o.summaries() {
        let region = d.region.map_or(String::new(), |r| o.region_names()[r].clone());
        let _ = write!(w, "{},{},{},{},{},{},{},{}", d.name, quote(&region), d.unit, s.mean, s.sd, s.se, s.min, s.max);
        for p in s.percentiles {
            let _ = write!(w, ",{p}");
        }
        let _ = write!(w, ",{},{},{}", s.n, s.mean_ci95[0], s.mean_ci95[1]);
        for ci in s.percentile_ci95 {
            let _ = write!(w, ",{},{}", ci[0], ci[1]);
        }
        w.push('\n');
    }
    w
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
        assert_eq!(human(34.6e9, "USD"), "34.60 bn");
        assert_eq!(human(139_000.4, "km2"), "139,000");
    }
}
