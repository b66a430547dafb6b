//! The analyses as CSV: a comparison, the capacity solver's evaluations, a
//! sensitivity analysis, the budget's answers (re-exported by [`super::analysis`]).

use crate::analysis::compare::Comparison;
use crate::analysis::sensitivity::Tornado;
use crate::analysis::{BudgetAnswer, CapacityAnswer, ReleaseAnswer};
use crate::stats::SobolIndices;

/// A comparison as CSV: one row per output and plan (`output, unit, plan, mean,
/// p5 … p95`), then the paired difference against the baseline
/// (`diff_mean, diff_ci_low, diff_ci_high, prob_better`; empty for the baseline).
///
/// # Errors
/// [`crate::Error::Output`] if the CSV writer fails.
pub fn comparison_csv(c: &Comparison) -> crate::Result<String> {
    let bad = |e: csv::Error| crate::Error::Output(format!("CSV: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = ["output", "unit", "plan", "mean"].map(String::from).to_vec();
    header.extend(crate::stats::PERCENTILES.iter().map(|p| crate::stats::summary::percentile_label(*p)));
    header.extend(["diff_mean", "diff_ci_low", "diff_ci_high", "prob_better"].map(String::from));
    w.write_record(&header).map_err(bad)?;
    for o in &c.outputs {
        for (k, s) in o.plans.iter().enumerate() {
            let mut rec =
                vec![o.name.clone(), o.unit.clone(), c.plans.get(k).cloned().unwrap_or_default(), s.mean.to_string()];
            rec.extend(s.percentiles.iter().map(f64::to_string));
            match k.checked_sub(1).and_then(|i| o.versus_baseline.get(i)) {
                Some(v) => {
                    rec.extend([v.diff.mean, v.diff.ci95[0], v.diff.ci95[1], v.prob_better].map(|x| x.to_string()))
                }
                None => rec.extend([String::new(), String::new(), String::new(), String::new()]),
            }
            w.write_record(&rec).map_err(bad)?;
        }
    }
    super::run::csv_text(w)
}

/// The capacity solver's evaluations as CSV: `factor, probability_of_meeting_the_deadline`.
///
/// # Errors
/// [`crate::Error::Output`] if the CSV writer fails.
pub fn capacity_csv(a: &CapacityAnswer) -> crate::Result<String> {
    let bad = |e: csv::Error| crate::Error::Output(format!("CSV: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["factor", "probability_of_meeting_the_deadline", "chosen"]).map_err(bad)?;
    for (f, p) in &a.evaluations {
        w.write_record([f.to_string(), p.to_string(), (*f == a.factor).to_string()]).map_err(bad)?;
    }
    super::run::csv_text(w)
}

/// A sensitivity analysis as CSV, one row per output and input: `output,
/// input, label, spearman, src, contribution, sobol_first, sobol_first_ci_low,
/// sobol_first_ci_high, sobol_total, sobol_total_ci_low, sobol_total_ci_high`
/// (Sobol columns empty when not computed).
///
/// # Errors
/// [`crate::Error::Output`] if the CSV writer fails.
pub fn sensitivity_csv(tornados: &[Tornado], sobol: &[SobolIndices]) -> crate::Result<String> {
    let bad = |e: csv::Error| crate::Error::Output(format!("CSV: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "output",
        "input",
        "label",
        "spearman",
        "src",
        "contribution",
        "sobol_first",
        "sobol_first_ci_low",
        "sobol_first_ci_high",
        "sobol_total",
        "sobol_total_ci_low",
        "sobol_total_ci_high",
    ])
    .map_err(bad)?;
    for t in tornados {
        let s = sobol.iter().find(|s| s.output == t.output);
        for b in &t.bars {
            let mut rec = vec![
                t.output.clone(),
                b.input.clone(),
                b.label.clone(),
                b.spearman.to_string(),
                b.src.to_string(),
                b.contribution.to_string(),
            ];
            match s.and_then(|s| s.inputs.iter().position(|i| *i == b.input).map(|i| (s, i))) {
                Some((s, i)) => rec.extend(
                    [s.first[i], s.first_ci[i][0], s.first_ci[i][1], s.total[i], s.total_ci[i][0], s.total_ci[i][1]]
                        .map(|x| x.to_string()),
                ),
                None => rec.extend(std::iter::repeat_n(String::new(), 6)),
            }
            w.write_record(&rec).map_err(bad)?;
        }
    }
    super::run::csv_text(w)
}

/// `budget --finish-by` as one long CSV table (`quantity, year, pool, value, unit`): the answer
/// (the yearly budget, its probability and interval, the programme cost) with empty year and pool,
/// then the teams it buys, one row per year and pool.
///
/// # Errors
/// [`crate::Error::Output`] if the CSV cannot be written.
pub fn budget_csv(a: &BudgetAnswer) -> crate::Result<String> {
    let c = a.currency.as_str();
    let rows = [
        ("budget_per_year", a.budget_per_year, c),
        ("budget_per_year_low", a.budget_range[0], c),
        ("budget_per_year_high", a.budget_range[1], c),
        ("finish_by", f64::from(a.finish_by), "year"),
        ("confidence", a.confidence, "share"),
        ("probability", a.probability, "share"),
        ("probability_ci95_low", a.probability_ci95[0], "share"),
        ("probability_ci95_high", a.probability_ci95[1], "share"),
        ("trials", a.trials as f64, "trials"),
        ("programme_cost_p50", a.programme_cost.p50(), c),
        ("programme_cost_p80", a.programme_cost.p80(), c),
    ];
    answer_csv(&rows, &a.teams)
}

/// `budget --per-year` as one long CSV table, as [`budget_csv`]: the budget, the release year's
/// P5/P50/P80/P95, the share finished and the programme cost, then the teams.
///
/// # Errors
/// [`crate::Error::Output`] if the CSV cannot be written.
pub fn release_csv(a: &ReleaseAnswer) -> crate::Result<String> {
    let c = a.currency.as_str();
    let r = &a.release_year.percentiles;
    let rows = [
        ("budget_per_year", a.budget_per_year, c),
        ("release_year_p5", r[0], "year"),
        ("release_year_p50", r[3], "year"),
        ("release_year_p80", r[5], "year"),
        ("release_year_p95", r[7], "year"),
        ("finished_share", a.finished_share, "share"),
        ("horizon_end_year", f64::from(a.horizon_end_year), "year"),
        ("programme_cost_p50", a.programme_cost.p50(), c),
        ("programme_cost_p80", a.programme_cost.p80(), c),
    ];
    answer_csv(&rows, &a.teams)
}

fn answer_csv(rows: &[(&str, f64, &str)], teams: &[crate::analysis::budget::YearTeams]) -> crate::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let bad = |e: csv::Error| crate::Error::Output(format!("CSV: {e}"));
    w.write_record(["quantity", "year", "pool", "value", "unit"]).map_err(bad)?;
    for (q, v, unit) in rows {
        let v = if v.is_finite() { v.to_string() } else { String::new() };
        w.write_record([*q, "", "", v.as_str(), *unit]).map_err(bad)?;
    }
    for y in teams {
        for (pool, n) in &y.teams {
            w.write_record(["teams", &y.year.to_string(), pool, &n.to_string(), "teams"]).map_err(bad)?;
        }
    }
    super::run::csv_text(w)
}
