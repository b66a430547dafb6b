//! HTML reports of the analyses: a plan comparison and a sensitivity analysis.

use std::fmt::Write as _;

use super::{Page, ReportOptions, assumptions_table, content_hash, escape, meta_table, today_utc};
use crate::analysis::compare::{Comparison, TIE_ABSOLUTE, TIE_RELATIVE};
use crate::analysis::sensitivity::Tornado;
use crate::error::Result;
use crate::model::Scenario;
use crate::report::charts::{self, Scale};
use crate::report::{human, output_label};
use crate::simulate::Outcome;
use crate::stats::SobolIndices;

/// The outputs a comparison report charts, when the plans have them.
const CHARTED: [&str; 4] = ["total_cost", "programme_cost", "duration_years", "casualties_over_horizon"];

/// The HTML report of a comparison: a headline in words, what was compared, the table (each plan's
/// P50 with P5-P95, the paired difference against the first plan with its CI and P(better)),
/// overlaid S-curves and the distribution of the paired difference of the charted outputs, the
/// baseline's assumptions and what reproduces it. `scenarios` and `outcomes` are the plans and their
/// runs, in the comparison's order; `opts.command` is the command that reproduces the report.
///
/// # Errors
/// [`crate::Error::Output`] if a chart cannot be drawn; [`crate::Error::InvalidValue`] if
/// `scenarios` and `outcomes` do not match the comparison's plans.
pub fn comparison_report(
    c: &Comparison,
    scenarios: &[Scenario],
    outcomes: &[Outcome],
    opts: &ReportOptions,
) -> Result<String> {
    if scenarios.len() != c.plans.len() || outcomes.len() != c.plans.len() {
        return Err(crate::Error::invalid(
            "scenarios",
            scenarios.len() as f64,
            "a comparison report needs each plan's scenario and outcome, in the comparison's order",
        ));
    }
    let mut p = Page::new(&format!("demine comparison: {}", c.plans.join(" vs ")));
    p.heading(1, &format!("{}: which plan is better", c.plans.join(" vs ")));
    p.raw(&format!("<p class=\"headline\">{}</p>", escape(&comparison_headline(c))));
    p.heading(2, "What was compared");
    let mut list = String::from("<ul>");
    for (k, name) in c.plans.iter().enumerate() {
        let src =
            c.sources.get(k).filter(|s| !s.is_empty()).map_or_else(|| scenarios[k].name().to_string(), Clone::clone);
        let role = if k == 0 { " (the baseline)" } else { "" };
        let _ = write!(list, "<li><b>{}</b>{role}: {}</li>", escape(name), escape(&src));
    }
    list.push_str("</ul>");
    p.raw(&list);
    p.paragraph(&format!(
        "{} trials per plan, seed {}, on common random numbers: every plan sees the same draws of the inputs it \
         shares, so the differences are paired. A difference within {} % of the baseline's value (or {:e} in \
         absolute terms) counts as the same.",
        c.trials,
        c.seed,
        TIE_RELATIVE * 100.0,
        TIE_ABSOLUTE
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
        let label = output_label(name);
        let plans: Vec<(&str, &[f64])> = c.plans.iter().map(String::as_str).zip(values.iter().copied()).collect();
        p.figure(
            &charts::s_curve(&format!("{label}: the plans overlaid"), &label, &scale, &plans, &[])?,
            &format!("{label}: cumulative probability under each plan."),
        );
        for (k, v) in values.iter().enumerate().skip(1) {
            let diff: Vec<f64> = v.iter().zip(values[0]).map(|(b, a)| b - a).collect();
            if oc.versus_baseline.get(k - 1).is_some_and(|vs| vs.same) {
                p.paragraph(&format!(
                    "{label}: {} and {} are the same in every sense that matters here (the paired difference is \
                     within the tolerance), so no chart of it is drawn.",
                    c.plans[k], c.plans[0]
                ));
                continue;
            }
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
    p.heading(2, "Assumptions");
    p.paragraph(&format!(
        "The baseline's uncertain inputs, below; every other plan has the same, changed only as listed under \
         What was compared. Sources are cited by key (docs/SOURCES.md). Baseline: {}.",
        scenarios[0].name()
    ));
    p.raw(&assumptions_table(&scenarios[0], opts.source_text.as_deref()));
    p.heading(2, "Reproduce this report");
    let mut rows = vec![("demine version".to_string(), env!("CARGO_PKG_VERSION").to_string())];
    for (k, s) in scenarios.iter().enumerate() {
        rows.push((format!("content hash of {}", c.plans[k]), content_hash(s)?));
    }
    rows.push(("seed".into(), c.seed.to_string()));
    rows.push(("trials per plan".into(), c.trials.to_string()));
    rows.push(("date".into(), opts.date.as_deref().map_or_else(today_utc, str::to_string)));
    let names: String = c.plans.iter().map(|n| format!(" --name '{}'", n.replace('\'', r"'\''"))).collect();
    let plans: String = c.sources.iter().map(|s| format!(" {}", s.split(" [").next().unwrap_or(s))).collect();
    rows.push((
        "command".into(),
        opts.command.clone().unwrap_or_else(|| {
            format!("demine compare{plans}{names} --trials {} --seed {} --report comparison.html", c.trials, c.seed)
        }),
    ));
    p.raw(&meta_table(&rows));
    Ok(p.finish())
}

/// The comparison in words: each plan against the baseline on duration, programme cost, the cost
/// of the work and casualties, where the plans have them.
fn comparison_headline(c: &Comparison) -> String {
    let mut h = String::new();
    for k in 1..c.plans.len() {
        let _ = write!(h, "{} against {}: ", c.plans[k], c.plans[0]);
        let mut parts = Vec::new();
        for (name, words) in [
            ("duration_years", "all land released"),
            ("programme_cost", "programme cost"),
            ("total_cost", "cost of the work"),
            ("casualties_over_horizon", "casualties"),
        ] {
            let Some(o) = c.output(name) else { continue };
            let (Some(a), Some(b), Some(v)) = (o.plans.first(), o.plans.get(k), o.versus_baseline.get(k - 1)) else {
                continue;
            };
            let u = o.unit_kind;
            let val = |x: f64| match u {
                crate::simulate::Unit::Money => format!("{} {}", o.unit, human(x, u)),
                crate::simulate::Unit::Years => format!("{} years", human(x, u)),
                _ => human(x, u),
            };
            parts.push(if v.same {
                format!("{words} the same ({} at P50)", val(a.p50()))
            } else if v.prob_better.is_nan() {
                format!("{words} {} against {} at P50", val(b.p50()), val(a.p50()))
            } else {
                format!(
                    "{words} {} against {} at P50 (better in {:.0} % of trials)",
                    val(b.p50()),
                    val(a.p50()),
                    100.0 * v.prob_better
                )
            });
        }
        h.push_str(&parts.join("; "));
        h.push_str(". ");
    }
    h.trim_end().to_string()
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
        let unit = if o.unit_kind == crate::simulate::Unit::Share { "%" } else { o.unit.as_str() };
        let _ = write!(
            t,
            "<tr><td title=\"{}\">{}</td><td>{}</td>",
            escape(&o.name),
            escape(&output_label(&o.name)),
            escape(unit)
        );
        for (k, s) in o.plans.iter().enumerate() {
            let pc = s.percentiles;
            let _ = write!(t, "<td>{} [{}, {}]</td>", human(pc[3], u), human(pc[0], u), human(pc[7], u));
            if k > 0
                && let Some(v) = o.versus_baseline.get(k - 1)
            {
                let d = &v.diff;
                let _ = write!(
                    t,
                    "<td>{} [{}, {}]</td><td>{}</td>",
                    human(d.mean, u),
                    human(d.ci95[0], u),
                    human(d.ci95[1], u),
                    escape(&v.better_text())
                );
            }
        }
        t.push_str("</tr>");
    }
    t.push_str("</tbody></table>");
    t
}

/// The HTML report of a sensitivity analysis: a headline in words, per output the tornado (rank
/// correlations, inputs within the noise band of zero left out) and the Sobol first-order and total
/// indices with their intervals, notes and warnings as the analysis gave them, the scenario's
/// assumptions and what reproduces it (`opts.command`).
///
/// # Errors
/// [`crate::Error::Output`] if a chart cannot be drawn.
pub fn sensitivity_report(
    s: &Scenario,
    tornados: &[Tornado],
    sobol: &[SobolIndices],
    opts: &ReportOptions,
) -> Result<String> {
    let scenario = s.name();
    let label = |name: &str| s.param(name).map_or_else(|| name.to_string(), |p| p.label.clone());
    let mut p = Page::new(&format!("demine sensitivity: {scenario}"));
    p.heading(1, &format!("{scenario}: what drives the answer"));
    let mut headline = String::new();
    for t in tornados {
        let top: Vec<String> = t
            .bars
            .iter()
            .filter(|b| b.significant)
            .take(3)
            .map(|b| format!("{} (ρ = {:.2})", b.label, b.spearman))
            .collect();
        if !top.is_empty() {
            let what = output_label(&t.output);
            let _ = write!(headline, "The {what} is driven most by {}. ", top.join(", then "));
        }
    }
    if !headline.is_empty() {
        p.raw(&format!("<p class=\"headline\">{}</p>", escape(headline.trim_end())));
    }
    if tornados.is_empty() {
        p.paragraph("No uncertain input: every value in the scenario is fixed, so nothing drives the spread.");
    }
    for t in tornados {
        let what = output_label(&t.output);
        p.heading(2, &what);
        for w in &t.warnings {
            p.paragraph(&format!("Note: {w}"));
        }
        if t.bars.iter().any(|b| b.significant) {
            p.figure(
                &charts::tornado(t, 12)?,
                &format!("Spearman rank correlation of each input with the {what} (the 12 strongest)."),
            );
        }
        if let Some(s) = sobol.iter().find(|s| s.output == t.output) {
            for n in &s.notes {
                p.paragraph(&format!("Note: {n}"));
            }
            p.figure(
                &charts::sobol_bars(s, &label, 12)?,
                &format!(
                    "Sobol indices of the {what} with 95 % intervals from {} replicate designs: first order (alone) and total (with interactions).",
                    s.replicates
                ),
            );
        }
    }
    p.heading(2, "Assumptions");
    p.paragraph("Every uncertain input, its distribution and the note beside it in the scenario file.");
    p.raw(&assumptions_table(s, opts.source_text.as_deref()));
    p.heading(2, "Reproduce this report");
    let rows = vec![
        ("demine version".to_string(), env!("CARGO_PKG_VERSION").to_string()),
        ("scenario".into(), scenario.to_string()),
        ("scenario content hash".into(), content_hash(s)?),
        ("date".into(), opts.date.as_deref().map_or_else(today_utc, str::to_string)),
        (
            "command".into(),
            opts.command.clone().unwrap_or_else(|| format!("demine sensitivity {scenario} --report sensitivity.html")),
        ),
    ];
    p.raw(&meta_table(&rows));
    Ok(p.finish())
}
