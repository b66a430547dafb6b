//! The backtest as a table, JSON and CSV.

use super::{SCHEMA, human, thousands};
use crate::analysis::backtest::{Backtest, Driver, Measure};
use crate::simulate::Unit;
use serde_json::{Value, json};
use std::fmt::Write as _;

fn driver_text(d: Driver) -> String {
    match d {
        Driver::Funding(f) => format!("US$ {}", human(f, Unit::Money)),
        Driver::Deminers(n) => format!("{} deminers", thousands(n, 0)),
        Driver::Teams(n) => format!("{} teams", thousands(n, 0)),
    }
}

fn measure_text(m: Measure) -> &'static str {
    match m {
        Measure::Released => "released",
        Measure::Cleared => "cleared",
    }
}

/// Observed against predicted, one line per record, then the coverage.
#[must_use]
pub fn backtest_table(b: &Backtest) -> String {
    let mut t = format!(
        "backtest: {} records from {} countries against one set of global priors ({} trials each, seed {})\n\
         predicted: the third year of a programme of that size; km² in the year\n\n",
        b.rows.len(),
        b.countries,
        thousands(b.trials as f64, 0),
        b.seed
    );
    let _ = writeln!(
        t,
        "{:<24} {:>4}  {:<17} {:<8} {:>9} {:>9} {:>9} {:>9} {:>8}  {:<7} {:<6}  {:>12} {:>12}",
        "country",
        "year",
        "driver",
        "measure",
        "observed",
        "P5",
        "P50",
        "P95",
        "obs/P50",
        "in P5-95",
        "in 2x",
        "$/km² obs",
        "$/km² P50"
    );
    let km2 = |v: f64| human(v, Unit::Km2);
    for r in &b.rows {
        let _ = writeln!(
            t,
            "{:<24} {:>4}  {:<17} {:<8} {:>9} {:>9} {:>9} {:>9} {:>8.2}  {:<8} {:<6}  {:>12} {:>12}",
            r.country,
            r.year,
            driver_text(r.driver),
            measure_text(r.measure),
            km2(r.observed_km2),
            km2(r.predicted_km2[0]),
            km2(r.predicted_km2[1]),
            km2(r.predicted_km2[2]),
            r.ratio,
            if r.inside { "yes" } else { "no" },
            if r.within_2x { "yes" } else { "no" },
            r.observed_cost_per_km2.map_or_else(|| "–".into(), |c| human(c, Unit::Money)),
            human(r.predicted_cost_per_km2[1], Unit::Money),
        );
    }
    let n = b.rows.len();
    let _ = writeln!(
        t,
        "\ninside the P5-P95 interval: {} of {n} ({:.0} %); within 2x of the P50: {} of {n} ({:.0} %)",
        b.rows.iter().filter(|r| r.inside).count(),
        100.0 * b.inside_share,
        b.rows.iter().filter(|r| r.within_2x).count(),
        100.0 * b.within_2x_share,
    );
    if !b.skipped.is_empty() {
        let _ = writeln!(t, "skipped {} records:", b.skipped.len());
        for s in &b.skipped {
            let _ = writeln!(t, "  {} {}: {}", s.country, s.year, s.reason);
        }
    }
    t
}

/// The backtest as one JSON object.
#[must_use]
pub fn backtest_json(b: &Backtest) -> Value {
    let mut v = json!(b);
    if let Value::Object(m) = &mut v {
        m.insert("schema".into(), json!(SCHEMA));
    }
    v
}

/// One CSV row per compared record.
///
/// # Errors
/// [`crate::Error::Output`] if the CSV writer fails.
pub fn backtest_csv(b: &Backtest) -> crate::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let out = |e: csv::Error| crate::Error::Output(format!("backtest CSV: {e}"));
    w.write_record([
        "country",
        "year",
        "driver",
        "driver_value",
        "measure",
        "observed_km2",
        "p5_km2",
        "p50_km2",
        "p95_km2",
        "ratio",
        "inside_p5_p95",
        "within_2x",
        "observed_cost_per_km2",
        "p50_cost_per_km2",
    ])
    .map_err(out)?;
    for r in &b.rows {
        let (kind, value) = match r.driver {
            Driver::Funding(v) => ("funding", v),
            Driver::Deminers(v) => ("deminers", v),
            Driver::Teams(v) => ("teams", v),
        };
        w.write_record([
            r.country.clone(),
            r.year.to_string(),
            kind.into(),
            value.to_string(),
            measure_text(r.measure).into(),
            r.observed_km2.to_string(),
            r.predicted_km2[0].to_string(),
            r.predicted_km2[1].to_string(),
            r.predicted_km2[2].to_string(),
            r.ratio.to_string(),
            r.inside.to_string(),
            r.within_2x.to_string(),
            r.observed_cost_per_km2.map_or_else(String::new, |c| c.to_string()),
            r.predicted_cost_per_km2[1].to_string(),
        ])
        .map_err(out)?;
    }
    let bytes = w.into_inner().map_err(|e| crate::Error::Output(format!("backtest CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| crate::Error::Output(format!("backtest CSV: {e}")))
}
