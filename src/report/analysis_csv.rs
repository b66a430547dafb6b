//! The analyses as CSV: a comparison, the capacity solver's evaluations, a
//! sensitivity analysis (re-exported by [`super::analysis`]).

use crate::analysis::CapacityAnswer;
use crate::analysis::compare::Comparison;
use crate::analysis::sensitivity::Tornado;
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
