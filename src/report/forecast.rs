//! The forecast backtest (`demine backtest`, `--cv country`) as a table, JSON and CSV, and the
//! summary `demine fit` prints.

use super::{SCHEMA, human, thousands};
use crate::analysis::scoring::{ForecastBacktest, Scores};
use crate::model::forecast::Forecast;
use crate::simulate::Unit;
use serde_json::{Value, json};
use std::fmt::Write as _;

fn driver_text(kind: &str, value: f64) -> String {
    match kind {
        "funding" => format!("US$ {}", human(value, Unit::Money)),
        k => format!("{} {k}", thousands(value, 0)),
    }
}

fn scores_line(t: &mut String, what: &str, m: &Scores, b: &Scores) {
    let _ = writeln!(
        t,
        "{:<16} {:>5}  {:>7.3} {:>9.3}  {:>7.2} {:>9.2}  {:>5.0} % {:>7.0} %  {:>5.0} % {:>5.0} % {:>5.0} %  {:>+7.2}",
        what,
        m.n,
        m.crps_ln,
        b.crps_ln,
        m.interval_score_90,
        b.interval_score_90,
        100.0 * m.coverage_90,
        100.0 * b.coverage_90,
        100.0 * m.coverage_50,
        100.0 * m.coverage_80,
        100.0 * m.coverage_90,
        m.bias_ln,
    );
}

/// The scores of the forecast and the benchmark by measure, then every observation.
#[must_use]
pub fn forecast_table(b: &ForecastBacktest) -> String {
    let mut t = format!(
        "backtest ({}): {} observations from {} countries; scores on ln(km²), lower is better\n\
         forecast: hierarchical log-linear model with country effects (docs/FORECAST.md); benchmark: km² per \
         unit of driver, lognormal, fitted on the same records\n\n",
        b.mode,
        b.rows.len(),
        b.countries
    );
    let _ = writeln!(
        t,
        "{:<16} {:>5}  {:>7} {:>9}  {:>7} {:>9}  {:>7} {:>9}  {:>7} {:>7} {:>7}  {:>7}",
        "measure",
        "n",
        "CRPS",
        "(bench)",
        "IS 90%",
        "(bench)",
        "P5-P95",
        "(bench)",
        "in 50%",
        "in 80%",
        "in 90%",
        "bias"
    );
    scores_line(&mut t, "all", &b.model, &b.benchmark);
    for m in &b.by_measure {
        scores_line(&mut t, m.measure, &m.model, &m.benchmark);
    }
    let pit: Vec<String> = b.model.pit_histogram.iter().map(ToString::to_string).collect();
    let _ = writeln!(t, "\nPIT histogram (ten bins of 0.1; flat when calibrated): {}\n", pit.join(" "));
    let _ = writeln!(
        t,
        "{:<24} {:>4}  {:<16} {:<17} {:>9} {:>9} {:>9} {:>9} {:>8}  {:<8}",
        "country", "year", "measure", "driver", "observed", "P5", "P50", "P95", "obs/P50", "in P5-95"
    );
    let km2 = |v: f64| human(v, Unit::Km2);
    for r in &b.rows {
        let _ = writeln!(
            t,
            "{:<24} {:>4}  {:<16} {:<17} {:>9} {:>9} {:>9} {:>9} {:>8.2}  {:<8}",
            crate::io::disk::sanitize(&r.country),
            r.year,
            r.measure,
            driver_text(r.driver.kind, r.driver.value),
            km2(r.observed_km2),
            km2(r.predicted_km2[0]),
            km2(r.predicted_km2[1]),
            km2(r.predicted_km2[2]),
            r.ratio,
            if r.inside { "yes" } else { "no" },
        );
    }
    if !b.unused.is_empty() {
        let _ = writeln!(t, "\n{} records give no observation:", b.unused.len());
        for u in &b.unused {
            let _ = writeln!(t, "  {} {}: {}", crate::io::disk::sanitize(&u.country), u.year, u.reason);
        }
    }
    t
}

/// The backtest as one JSON object: every observation with its 99 quantiles, the scores.
#[must_use]
pub fn forecast_json(b: &ForecastBacktest) -> Value {
    let mut v = json!(b);
    if let Value::Object(m) = &mut v {
        m.insert("schema".into(), json!(SCHEMA));
    }
    v
}

/// One CSV row per observation, with its P5, P50 and P95 and the benchmark's.
///
/// # Errors
/// [`crate::Error::Output`] if the CSV writer fails.
pub fn forecast_csv(b: &ForecastBacktest) -> crate::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let out = |e: csv::Error| crate::Error::Output(format!("backtest CSV: {e}"));
    w.write_record([
        "country",
        "year",
        "measure",
        "driver",
        "driver_value",
        "observed_km2",
        "p5_km2",
        "p50_km2",
        "p95_km2",
        "inside_p5_p95",
        "pit",
        "crps_ln",
        "benchmark_p50_km2",
        "benchmark_crps_ln",
    ])
    .map_err(out)?;
    let opt = |v: Option<f64>| v.map_or_else(String::new, |v| v.to_string());
    for r in &b.rows {
        w.write_record([
            r.country.clone(),
            r.year.to_string(),
            r.measure.into(),
            r.driver.kind.into(),
            r.driver.value.to_string(),
            r.observed_km2.to_string(),
            r.predicted_km2[0].to_string(),
            r.predicted_km2[1].to_string(),
            r.predicted_km2[2].to_string(),
            r.inside.to_string(),
            r.pit.to_string(),
            r.crps_ln.to_string(),
            opt(r.benchmark_km2.map(|b| b[1])),
            opt(r.benchmark_crps_ln),
        ])
        .map_err(out)?;
    }
    let bytes = w.into_inner().map_err(|e| crate::Error::Output(format!("backtest CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| crate::Error::Output(format!("backtest CSV: {e}")))
}

/// What `demine fit` prints: the records, each measure's spread and country spread, the
/// coefficients with their sds, and the out-of-sample scores.
#[must_use]
pub fn fit_summary(f: &Forecast, out: &str) -> String {
    let mut t = format!(
        "fitted to {} records from {} countries ({}, fingerprint {}); written to {out}\n",
        f.n_records,
        f.n_countries,
        crate::io::disk::sanitize(&f.records),
        f.fingerprint
    );
    for m in &f.measures {
        let _ = writeln!(
            t,
            "\n{} ({} observations, {} countries): residual sd {:.2}; within a country {:.2}, between countries {:.2} \
             (on ln km²)",
            m.measure.name(),
            m.n,
            m.countries.len(),
            m.pooled.sigma,
            m.sigma_within,
            m.tau
        );
        let p = m.pooled.coef.len();
        for (j, name) in crate::model::forecast::FEATURES.iter().enumerate().take(p) {
            let _ = writeln!(t, "  {name:<20} {:>+8.3} ± {:.3}", m.pooled.coef[j], m.pooled.cov[j * p + j].sqrt());
        }
        // Funding F_int buys what F_int / s buys: δ = −b·ln s (b the slope, δ the international-only level).
        if let (Some(b), Some(d)) = (m.pooled.coef.get(1), m.pooled.coef.get(4))
            && *b > 0.0
        {
            let _ = writeln!(
                t,
                "  national share of the funding international-only records leave out: {:.0} %",
                100.0 * (1.0 - (-d / b).exp())
            );
        }
    }
    if !f.diagnostics.is_empty() {
        let _ = writeln!(t, "\nleave-one-country-out:");
        for (k, v) in &f.diagnostics {
            let _ = writeln!(t, "  {k:<32} {v:.3}");
        }
    }
    t
}

/// The completion backtest as a table: each programme's forecast finish against the year it did.
#[must_use]
pub fn completion_table(b: &crate::analysis::completion::CompletionBacktest) -> String {
    let mut t = format!(
        "completion backtest: {} forecasts of {} programmes that finished their known mined areas ({} paths each)\n\
         each forecast from the programme's state some years before: a year's release is the fitted forecast's capacity,\n\
         at most the end-game pace (share of the stock released a year) of the other programmes that finished\n\n",
        b.rows.len(),
        b.programmes,
        thousands(b.paths as f64, 0)
    );
    let _ = writeln!(
        t,
        "{:<34} {:>5} {:>10}  {:<17} {:>6} {:>8} {:>8} {:>8} {:>8}  {:<8} {:>6}",
        "programme", "state", "left km²", "driver", "pace", "finished", "P5", "P50", "P95", "in P5-95", "CRPS"
    );
    for r in &b.rows {
        let _ = writeln!(
            t,
            "{:<34} {:>5} {:>10}  {:<17} {:>5.0}% {:>8} {:>8.1} {:>8.1} {:>8.1}  {:<8} {:>6.2}",
            crate::io::disk::sanitize(&r.country),
            r.state_year,
            stock_km2(r.remaining_km2),
            driver_text(r.driver.kind, r.driver.value),
            100.0 * r.pace.mu.exp(),
            r.observed_year,
            r.predicted[0],
            r.predicted[1],
            r.predicted[2],
            if r.inside { "yes" } else { "no" },
            r.crps,
        );
    }
    let _ = writeln!(
        t,
        "\ncompletion years inside P5-P95: {} of {} ({:.0} %); mean CRPS {:.2} years, 90 % interval score {:.1}",
        b.rows.iter().filter(|r| r.inside).count(),
        b.rows.len(),
        100.0 * b.inside_share,
        b.crps,
        b.interval_score_90
    );
    for s in &b.skipped {
        let _ = writeln!(t, "skipped {} {}: {}", crate::io::disk::sanitize(&s.country), s.year, s.reason);
    }
    t
}

/// A recorded stock in km²: [`human`] rounds sums' dust below 0.005 to 0, but a stock this small is
/// a recorded value (Suriname's last minefield, 0.00375 km²) and shows its first figures.
fn stock_km2(v: f64) -> String {
    if v > 0.0 && v < 5e-3 { format!("{v:.4}") } else { human(v, Unit::Km2) }
}

/// The completion backtest as one JSON object (every row's 99 quantiles).
#[must_use]
pub fn completion_json(b: &crate::analysis::completion::CompletionBacktest) -> Value {
    let mut v = json!(b);
    if let Value::Object(m) = &mut v {
        m.insert("schema".into(), json!(SCHEMA));
    }
    v
}

/// One CSV row per forecast.
///
/// # Errors
/// [`crate::Error::Output`] if the CSV writer fails.
pub fn completion_csv(b: &crate::analysis::completion::CompletionBacktest) -> crate::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let out = |e: csv::Error| crate::Error::Output(format!("completion CSV: {e}"));
    w.write_record([
        "country",
        "state_year",
        "remaining_km2",
        "driver",
        "driver_value",
        "pace_p50",
        "finished",
        "p5",
        "p50",
        "p95",
        "inside_p5_p95",
        "crps",
    ])
    .map_err(out)?;
    for r in &b.rows {
        w.write_record([
            r.country.clone(),
            r.state_year.to_string(),
            r.remaining_km2.to_string(),
            r.driver.kind.into(),
            r.driver.value.to_string(),
            r.pace.mu.exp().to_string(),
            r.observed_year.to_string(),
            r.predicted[0].to_string(),
            r.predicted[1].to_string(),
            r.predicted[2].to_string(),
            r.inside.to_string(),
            r.crps.to_string(),
        ])
        .map_err(out)?;
    }
    let bytes = w.into_inner().map_err(|e| crate::Error::Output(format!("completion CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| crate::Error::Output(format!("completion CSV: {e}")))
}
