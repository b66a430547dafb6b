//! HTML reports of the analyses: a plan comparison and a sensitivity analysis.

use std::fmt::Write as _;

use super::{Page, escape};
use crate::analysis::compare::Comparison;
use crate::analysis::sensitivity::Tornado;
use crate::error::Result;
use crate::report::charts::{self, Scale};
use crate::report::human;
use crate::simulate::Outcome;
use crate::stats::SobolIndices;

/// The outputs a comparison report charts, when the plans have them.
const CHARTED: [&str; 4] = ["total_cost", "programme_cost", "duration_years", "casualties_over_horizon"];

/// The HTML report of a comparison: the table (each plan's P50 with P5-P95,
/// the paired difference against the first plan with its CI and P(better)),
/// overlaid S-curves and the distribution of the paired difference of the
/// charted outputs. `outcomes` are the plans' runs, in the comparison's order.
///
/// # Errors
/// [`crate::Error::Output`] if a chart cannot be drawn.
pub fn comparison_report(c: &Comparison, outcomes: &[Outcome]) -> Result<String> {
    let mut p = Page::new(&format!("demine comparison: {}", c.plans.join(" vs ")));
    p.heading(1, &format!("{}: which plan is better", c.plans.join(" vs ")));
    p.paragraph(&format!(
        "{} trials per plan, seed {}, on common random numbers: every plan sees the same draws of the inputs it \
         shares, so the differences are paired. The first plan, {}, is the baseline.",
        c.trials, c.seed, c.plans[0]
    ));
    p.heading(2, "The comparison");
    p.raw(&comparison_table(c));
    p.heading(2, "Charts");
    for name in CHARTED {
        let Some(oc) = c.outputs.iter().find(|o| o.name == name) else { continue };
        let values: Vec<&[f64]> = outcomes.iter().filter_map(|o| o.values(name)).collect();
        if values.len() != outcomes.len() {
            continue;
        }
        let max = values.iter().flat_map(|v| v.iter()).copied().filter(|v| v.is_finite()).fold(0.0, f64::max);
        let scale = Scale::for_unit(oc.unit_kind, &oc.unit, max);
        let label = name.replace('_', " ");
        let plans: Vec<(&str, &[f64])> = c.plans.iter().map(String::as_str).zip(values.iter().copied()).collect();
        p.figure(
            &charts::s_curve(&format!("{label}: the plans overlaid"), &label, &scale, &plans, &[])?,
            &format!("{label}: cumulative probability under each plan."),
        );
        for (k, v) in values.iter().enumerate().skip(1) {
            let diff: Vec<f64> = v.iter().zip(values[0]).map(|(b, a)| b - a).collect();
            let title = format!("{label}: {} minus {}, trial by trial", c.plans[k], c.plans[0]);
            let dmax = diff.iter().copied().filter(|v| v.is_finite()).fold(0.0, |m: f64, v| m.max(v.abs()));
            let dscale = Scale::for_unit(oc.unit_kind, &oc.unit, dmax);
            if let Ok(svg) = charts::histogram(
                &title,
                &format!("difference in {label}"),
                &dscale,
                &[("paired difference", &diff)],
                None,
            ) {
                p.figure(
                    &svg,
                    &format!("Distribution of the paired difference in {label} ({} − {}).", c.plans[k], c.plans[0]),
                );
            }
        }
    }
    Ok(p.finish())
}

fn comparison_table(c: &Comparison) -> String {
    let mut t = String::from("<table class=\"compare\"><thead><tr><th>output</th><th>unit</th>");
    for (k, plan) in c.plans.iter().enumerate() {
        let _ = write!(t, "<th>{} P50 [P5, P95]</th>", escape(plan));
        if k > 0 {
            let _ = write!(
                t,
                "<th>{} − {} mean [95 % CI]</th><th>P({} better)</th>",
                escape(plan),
                escape(&c.plans[0]),
                escape(plan)
            );
        }
    }
    t.push_str("</tr></thead><tbody>");
    for o in &c.outputs {
        let u = o.unit_kind;
        let _ = write!(t, "<tr><td>{}</td><td>{}</td>", escape(&o.name), escape(&o.unit));
        for (k, s) in o.plans.iter().enumerate() {
            let pc = s.percentiles;
            let _ = write!(t, "<td>{} [{}, {}]</td>", human(pc[3], u), human(pc[0], u), human(pc[7], u));
            if k > 0
                && let Some(v) = o.versus_baseline.get(k - 1)
            {
                let d = &v.diff;
                let _ = write!(
                    t,
                    "<td>{} [{}, {}]</td><td>{:.0} %</td>",
                    human(d.mean, u),
                    human(d.ci95[0], u),
                    human(d.ci95[1], u),
                    100.0 * v.prob_better
                );
            }
        }
        t.push_str("</tr>");
    }
    t.push_str("</tbody></table>");
    t
}

/// The HTML report of a sensitivity analysis: per output, the tornado (rank
/// correlations) and the Sobol first-order and total indices with their
/// intervals; notes and warnings as the analysis gave them. `label` maps an
/// input's path to its readable label.
///
/// # Errors
/// [`crate::Error::Output`] if a chart cannot be drawn.
pub fn sensitivity_report(
    scenario: &str,
    tornados: &[Tornado],
    sobol: &[SobolIndices],
    label: &dyn Fn(&str) -> String,
) -> Result<String> {
    let mut p = Page::new(&format!("demine sensitivity: {scenario}"));
    p.heading(1, &format!("{scenario}: what drives the answer"));
    if tornados.is_empty() {
        p.paragraph("No uncertain input: every value in the scenario is fixed, so nothing drives the spread.");
    }
    for t in tornados {
        p.heading(2, &t.output.replace('_', " "));
        for w in &t.warnings {
            p.paragraph(&format!("Note: {w}"));
        }
        if !t.bars.is_empty() {
            p.figure(
                &charts::tornado(t, 12)?,
                &format!("Spearman rank correlation of each input with {} (the 12 strongest).", t.output),
            );
        }
        if let Some(s) = sobol.iter().find(|s| s.output == t.output) {
            for n in &s.notes {
                p.paragraph(&format!("Note: {n}"));
            }
            p.figure(
                &charts::sobol_bars(s, label, 12)?,
                &format!(
                    "Sobol indices of {} with 95 % intervals from {} replicate designs: first order (alone) and total (with interactions).",
                    s.output, s.replicates
                ),
            );
        }
    }
    Ok(p.finish())
}
