//! Reports of one run: the header, the summary table with the yearly fan chart,
//! JSON and CSV.

use super::{SCHEMA, human, thousands};
use crate::error::{Error, Result};
use crate::model::Scenario;
use crate::simulate::{Outcome, OutputDef, Series, Unit};
use crate::stats::summary::{PERCENTILES, Summary, TOO_FEW_TRIALS};
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

/// A summary as a JSON object with its unit: mean, sd, se, min, max, p5 … p95, ci95, n.
/// An interval that too few trials allow is `null`, and `ci95.note` then says
/// "too few trials".
#[must_use]
pub fn summary_json(s: &Summary, unit: &str) -> Value {
    let mut m = Map::new();
    m.insert("unit".into(), json!(unit));
    m.insert("mean".into(), json!(s.mean));
    m.insert("sd".into(), json!(s.sd));
    m.insert("se".into(), json!(s.se));
    m.insert("min".into(), json!(s.min));
    m.insert("max".into(), json!(s.max));
    let mut ci = Map::new();
    let interval = |c: &[f64; 2]| if c[0].is_nan() || c[1].is_nan() { Value::Null } else { json!(c) };
    ci.insert("mean".into(), interval(&s.mean_ci95));
    for (k, p) in PERCENTILES.iter().enumerate() {
        let key = format!("p{}", (p * 100.0).round() as u32);
        m.insert(key.clone(), json!(s.percentiles[k]));
        ci.insert(key, interval(&s.percentile_ci95[k]));
    }
    if ci.values().any(Value::is_null) {
        ci.insert("note".into(), json!(format!("null: {TOO_FEW_TRIALS} for an exact 95 % interval")));
    }
    m.insert("ci95".into(), Value::Object(ci));
    m.insert("n".into(), json!(s.n));
    Value::Object(m)
}

/// The run as one JSON object:
/// `{"schema", "scenario", "trials", "seed", "sampler", "model", "currency", "start_year",
///   "outputs": {NAME: {unit, label, mean, sd, se, min, max, p5 … p95, ci95: {…}, n}},
///   "regions": {REGION: {NAME: {…}}}, "series": {NAME: {"years", "p10", "p50", "p90"}},
///   "failed_trials": {"count", "examples"}}`.
#[must_use]
pub fn to_json(o: &Outcome) -> Value {
    let mut outputs = Map::new();
    let mut regions: Map<String, Value> = Map::new();
    for (d, s) in o.summaries() {
        // Each summary carries the output's label in words from the catalogue, beside its unit.
        let mut summary = summary_json(s, &d.unit);
        if let Value::Object(m) = &mut summary {
            m.insert("label".into(), json!(d.output.label()));
        }
        match d.region {
            None => {
                outputs.insert(d.name.clone(), summary);
            }
            Some(r) => {
                let entry = regions.entry(o.region_names()[r].clone()).or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(m) = entry {
                    m.insert(d.name.clone(), summary);
                }
            }
        }
    }
    let mut root = Map::new();
    root.insert("schema".into(), json!(SCHEMA));
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
                "unit": s.unit().label(o.currency()),
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
    let push = |rows: &mut Vec<[String; 8]>, name: String, d: &OutputDef, s: &Summary| {
        let ci = s.percentile_ci(0.5);
        let unit = d.unit_kind();
        rows.push([
            name,
            if unit == Unit::Share { "%".into() } else { d.unit.clone() },
            human(s.mean, unit),
            human(s.percentiles[0], unit),
            human(s.percentiles[3], unit),
            human(s.percentiles[5], unit),
            human(s.percentiles[7], unit),
            ci.map_or_else(|| TOO_FEW_TRIALS.to_string(), |c| format!("{} – {}", human(c[0], unit), human(c[1], unit))),
        ]);
    };
    for (d, s) in o.summaries().filter(|(d, _)| d.region.is_none()) {
        push(&mut rows, d.name.clone(), d, s);
    }
    let national = rows.len();
    // One pass over the outputs, grouped by region (a pass per region would be quadratic in regions).
    let mut by_region: Vec<Vec<(&OutputDef, &Summary)>> = vec![Vec::new(); o.region_names().len()];
    for (d, s) in o.summaries() {
        if let Some(r) = d.region {
            by_region[r].push((d, s));
        }
    }
    for (region, outputs) in o.region_names().iter().zip(by_region) {
        for (d, s) in outputs {
            push(&mut rows, format!("{region}: {}", d.name), d, s);
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
        Series::Spending,
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
        for (s, f) in picks.iter().zip(&fans) {
            let b = f[y - 1];
            let unit = s.unit();
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

/// The summary table as CSV: one row per output, full precision, with the
/// unit and the 95 % confidence intervals of the mean and of every percentile.
///
/// # Errors
/// [`Error::Output`] if the CSV writer fails.
pub fn to_csv(o: &Outcome) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> =
        ["output", "region", "unit", "mean", "sd", "se", "min", "max"].map(String::from).to_vec();
    header.extend(PERCENTILES.iter().map(|p| format!("p{}", (p * 100.0).round() as u32)));
    header.extend(["n", "mean_ci_low", "mean_ci_high"].map(String::from));
    for p in PERCENTILES {
        let k = (p * 100.0).round() as u32;
        header.extend([format!("p{k}_ci_low"), format!("p{k}_ci_high")]);
    }
    let bad = |e: csv::Error| Error::Output(format!("CSV: {e}"));
    w.write_record(&header).map_err(bad)?;
    for (d, s) in o.summaries() {
        let region = d.region.map_or(String::new(), |r| o.region_names()[r].clone());
        let mut rec = vec![d.name.clone(), region, d.unit.clone()];
        rec.extend([s.mean, s.sd, s.se, s.min, s.max].iter().map(f64::to_string));
        rec.extend(s.percentiles.iter().map(f64::to_string));
        rec.extend([s.n.to_string(), s.mean_ci95[0].to_string(), s.mean_ci95[1].to_string()]);
        rec.extend(s.percentile_ci95.iter().flat_map(|ci| [ci[0].to_string(), ci[1].to_string()]));
        w.write_record(&rec).map_err(bad)?;
    }
    csv_text(w)
}

/// Per-site release results as CSV (`id, region, mean_release_year, released_share`), fields quoted as needed.
///
/// # Errors
/// [`Error::Output`] when the run has no per-site results (a scheduled site-level run has them).
pub fn sites_csv(o: &Outcome) -> Result<String> {
    let Some(s) = o.sites() else {
        return Err(Error::Output("--sites-csv needs a scheduled site-level run (capacity and sites)".into()));
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    let bad = |e: csv::Error| Error::Output(format!("CSV: {e}"));
    w.write_record(["id", "region", "mean_release_year", "released_share"]).map_err(bad)?;
    let (mean, share) = (s.mean_release_year(), s.released_share());
    for (i, id) in s.ids().enumerate() {
        w.write_record([id.as_ref(), s.region(i), &mean[i].to_string(), &share[i].to_string()]).map_err(bad)?;
    }
    csv_text(w)
}

/// The text a CSV writer holds.
pub(crate) fn csv_text(w: csv::Writer<Vec<u8>>) -> Result<String> {
    let bytes = w.into_inner().map_err(|e| Error::Output(format!("CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Output(format!("CSV: {e}")))
}

/// Three quantiles of a distribution, as people write them.
fn p5_p50_p95(d: &crate::sampling::Dist) -> String {
    let q = |p: f64| super::human(d.quantile(p), crate::simulate::Unit::Ratio);
    format!("{} / {} / {}", q(0.05), q(0.5), q(0.95))
}

/// A posterior scenario's update: what it was updated with, and each updated input's prior beside
/// its posterior (P5 / P50 / P95).
#[must_use]
pub fn update_text(u: &crate::model::update::UpdateRecord) -> String {
    let mut t = format!(
        "updated with {} ({} observations; {})\n",
        crate::io::disk::sanitize(&u.observed),
        u.observations.len(),
        crate::io::disk::sanitize(&u.method)
    );
    let _ = writeln!(t, "  {:<60} {:>28}    {:>28}", "input (P5 / P50 / P95)", "prior", "posterior");
    for (name, prior, posterior) in &u.inputs {
        let _ = writeln!(t, "  {:<60} {:>28} -> {:>28}", name, p5_p50_p95(prior), p5_p50_p95(posterior));
    }
    t
}

/// An update as one JSON object: each updated input's prior and posterior (P5, P50, P95 of the
/// distributions written, and of the weighted draws), the observations used, the rows not used,
/// the effective sample size and whether the draws were moved.
#[must_use]
pub fn update_json(u: &crate::analysis::update::Update) -> Value {
    let q = |d: &crate::Dist| json!([d.quantile(0.05), d.quantile(0.5), d.quantile(0.95)]);
    json!({
        "schema": SCHEMA,
        "scenario": u.posterior.name(),
        "draws": u.draws,
        "ess": u.ess,
        "moved": u.moved,
        "acceptance": if u.moved { json!(u.acceptance) } else { Value::Null },
        "inputs": u.inputs.iter().map(|i| json!({
            "input": i.name,
            "prior": q(&i.prior),
            "posterior": q(&i.posterior),
            "posterior_draws": i.posterior_draws,
        })).collect::<Vec<_>>(),
        "observations": u.observations.iter().map(|o| json!({"description": o.description, "lines": o.lines})).collect::<Vec<_>>(),
        "unused": u.unused,
    })
}

/// The lines above a run's table: what was run, how, and any warning.
#[must_use]
pub fn header(s: &Scenario, o: &Outcome) -> String {
    let mut h = format!("demine — {}: {}\n", s.name(), s.description());
    h.push_str(&format!(
        "{} trials, seed {}, sampler {}, model {}; costs in {} of {}",
        thousands(o.trials() as f64, 0),
        o.seed(),
        o.sampler(),
        o.model().name(),
        s.currency(),
        s.price_year()
    ));
    if let Some(land) = s.land_area_km2()
        && let Some(area) = o.summary("suspected_area_km2")
    {
        let _ = write!(h, "; suspected area P50 = {:.1} % of {} km²", 100.0 * area.p50() / land, thousands(land, 0));
    }
    h.push('\n');
    if o.horizon_years() > 0 {
        h.push_str(&format!("schedule from {} over at most {} years", o.start_year(), o.horizon_years()));
        let nf = o.not_finished_share();
        if nf > 0.0 {
            let share = o.summary("share_released_by_horizon").map_or(f64::NAN, |s| s.min);
            h.push_str(&format!(
                "; NOT FINISHED within the horizon in {:.1} % of trials (lowest share released by then {:.2} %; durations there are censored at {})",
                100.0 * nf,
                100.0 * share,
                o.horizon_years()
            ));
        }
        h.push('\n');
    }
    h.push_str(&repairs_text(o.correlation_repairs()));
    if let Some(u) = s.update() {
        h.push_str(&update_text(u));
    }
    let (examples, count) = o.failed_trials();
    if count > 0 {
        h.push_str(&format!(
            "warning: {count} failed trials excluded (non-finite outputs); first: trial {}\n",
            examples[0].trial
        ));
    }
    h.push('\n');
    h
}

/// The precision a `--precision` run reached, for the table.
#[must_use]
pub fn precision_text(c: &crate::analysis::Converged, target: f64) -> String {
    let mut t = format!(
        "precision target ±{:.2} % (95 % CI of P50 and P90): {} after {} trials in {} rounds\n",
        100.0 * target,
        if c.reached { "reached" } else { "NOT reached (--max-trials)" },
        thousands(c.outcome.trials() as f64, 0),
        c.rounds.len()
    );
    for p in &c.precision {
        let _ = writeln!(t, "  {}: P50 ±{:.2} %, P90 ±{:.2} %", p.output, 100.0 * p.p50, 100.0 * p.p90);
    }
    t.push('\n');
    t
}

/// The one-line summary of a valid scenario (and any correlation repairs).
#[must_use]
pub fn validation_summary(name: &str, s: &Scenario) -> String {
    let warnings: String = s.warnings().iter().map(|w| format!("warning: {w}\n")).collect();
    format!(
        "{}: valid: {} regions, {} strata, {} uncertain inputs, expected suspected area {} km²{}\n{warnings}{}",
        name,
        s.regions().len(),
        s.strata().len(),
        s.inputs().len(),
        thousands(s.mean_suspected_area_km2(), 0),
        if s.capacity().is_some() { ", with capacity (schedule)" } else { "" },
        repairs_text(s.correlation().map_or(&[], |c| c.repairs()))
    )
}

/// The uncertain inputs, one per line: name, label, distribution.
#[must_use]
pub fn inputs_text(s: &Scenario) -> String {
    s.inputs().map(|i| format!("{:<70} {:<45} {}\n", i.name, i.label, i.dist)).collect()
}

/// What `demine update` prints: the observations used and not used, the effective sample size
/// (with a warning when it is small), each updated input's prior and posterior.
#[must_use]
pub fn update_summary(u: &crate::analysis::update::Update, out: &str) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "{} observations used:", u.observations.len());
    for o in &u.observations {
        let _ = writeln!(t, "  {}", crate::io::disk::sanitize(&o.description));
    }
    if !u.unused.is_empty() {
        // One line per reason, with the rows (line and quantity) it applies to.
        let _ = writeln!(t, "{} rows not used:", u.unused.len());
        let mut reasons: Vec<&str> = Vec::new();
        for r in &u.unused {
            if !reasons.contains(&r.reason.as_str()) {
                reasons.push(&r.reason);
            }
        }
        for reason in reasons {
            let rows: Vec<String> = u
                .unused
                .iter()
                .filter(|r| r.reason == reason)
                .map(|r| format!("{} ({})", r.line, r.quantity))
                .collect();
            let _ = writeln!(t, "  {reason}:\n    lines {}", rows.join(", "));
        }
    }
    let _ = writeln!(
        t,
        "effective sample size {} of {} prior draws ({:.1} %)",
        thousands(u.ess, 0),
        thousands(u.draws as f64, 0),
        100.0 * u.ess / u.draws as f64
    );
    if u.moved {
        let _ = writeln!(
            t,
            "warning: the importance weights degenerated (ESS below a tenth of the draws: the observations sit far \
             from the prior); the draws were resampled and moved by Metropolis steps (acceptance {:.2})",
            u.acceptance
        );
    }
    if u.ess < 100.0 {
        let _ = writeln!(
            t,
            "warning: an effective sample size of {:.0} is too small to trust the weights alone; check the observations \
             against the scenario's inputs",
            u.ess
        );
    }
    if let Some(rec) = u.posterior.update() {
        t.push_str(&update_text(rec));
    }
    let _ = writeln!(t, "posterior scenario written to {}", crate::io::disk::sanitize(out));
    t
}
