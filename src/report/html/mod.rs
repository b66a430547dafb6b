//! Self-contained HTML reports (feature `charts`): inline SVG and CSS, no
//! external request and no script, printable to A4 from a browser.
//!
//! A run's report ([`run_report`]) holds the headline answer in words and
//! numbers, the charts, the per-region table, the assumptions (every uncertain
//! input with its distribution and the note beside it in the scenario file)
//! and the metadata that reproduce it (demine version, scenario name and
//! content hash, seed, trials, sampler, model, date).

mod analyses;
mod notes;
mod page;

pub use analyses::{comparison_report, sensitivity_report};

pub use notes::source_notes;
pub use page::{Page, escape};

use std::fmt::Write as _;

use super::charts::{self, Reference};
use super::{dist_in_words, human, output_label};
use crate::error::Result;
use crate::model::Scenario;
use crate::simulate::{Outcome, Series, Unit};

/// What a run's report shows beyond the run itself.
#[derive(Clone, Debug, Default)]
pub struct ReportOptions {
    /// Reference lines on the cost S-curves (a budget, a published estimate).
    pub references: Vec<Reference>,
    /// The scenario file's text, for the notes beside each input (none: no notes).
    pub source_text: Option<String>,
    /// The date printed in the metadata (`YYYY-MM-DD`; none: today, UTC).
    pub date: Option<String>,
    /// The overrides applied to the scenario file (`PATH=VALUE`), shown with the command that reproduces the report.
    pub overrides: Vec<String>,
    /// The command that reproduces the report, as it was run (the CLI passes its own command line);
    /// none: a `demine report` command is built from the run's settings.
    pub command: Option<String>,
}

/// The HTML report of one run of `s`.
///
/// # Errors
/// [`crate::Error::Output`] if a chart cannot be drawn.
pub fn run_report(s: &Scenario, o: &Outcome, opts: &ReportOptions) -> Result<String> {
    let mut p = Page::new(&format!("demine report: {}", s.name()));
    p.heading(1, &format!("{}: what clearing it takes", s.name()));
    p.paragraph(s.description());
    p.heading(2, "The answer");
    p.raw(&format!("<p class=\"headline\">{}</p>", escape(&headline(s, o))));
    p.heading(2, "Key figures");
    p.raw(&key_figures(s, o));
    for note in reading_notes(s, o) {
        p.paragraph(&note);
    }
    p.heading(2, "Charts");
    for (output, refs) in [("total_cost", opts.references.as_slice()), ("programme_cost", &[][..])] {
        if o.summary(output).is_some() {
            p.figure(&charts::s_curve_of(o, output, refs)?, &caption_cdf(output));
        }
    }
    if o.summary("total_cost").is_some() {
        p.figure(&charts::histogram_of(o, "total_cost")?, "Histogram of the cost of the work across trials.");
    }
    if o.horizon_years() > 0 {
        for series in [Series::AreaReleasedKm2, Series::HazardousAreaRemainingKm2, Series::Spending, Series::Casualties]
        {
            if let Ok(svg) = charts::fan_chart_of(o, series) {
                let what = series.label();
                p.figure(&svg, &format!("{what}: P10-P90 and P25-P75 bands and the P50, year by year."));
            }
        }
    }
    if s.inputs().len() > 0
        && let Ok(t) = crate::analysis::sensitivity::tornado(o, "total_cost")
        && t.bars.iter().any(|b| b.significant)
    {
        p.figure(
            &charts::tornado(&t, 12)?,
            "What drives the cost: Spearman rank correlation of each uncertain input with the cost of the work \
             (the 12 strongest).",
        );
    }
    for output in ["cleared_area_km2", "total_cost", "duration_years"] {
        if o.region_names().len() > 1 && o.region_summary(&o.region_names()[0], output).is_some() {
            let what = output_label(output);
            p.figure(&charts::region_bars_of(o, output)?, &format!("{what} by region: P50 with P5-P95."));
        }
    }
    if let Some(u) = s.update() {
        p.heading(2, "Updated with field results");
        p.paragraph(&format!(
            "The uncertain inputs below were conditioned on {} ({} observations; {}). Each chart shows the \
             input before (prior) and after (posterior).",
            u.observed,
            u.observations.len(),
            u.method
        ));
        p.raw(&format!(
            "<ul>{}</ul>",
            u.observations.iter().map(|o| format!("<li>{}</li>", escape(o))).collect::<String>()
        ));
        for (input, prior, posterior) in &u.inputs {
            let label = s.inputs().find(|i| i.name == *input).map_or_else(|| input.clone(), |i| i.label.clone());
            p.figure(
                &charts::prior_posterior(&label, prior, posterior)?,
                &format!("{label}: the prior and the posterior, cumulative probability."),
            );
        }
    }
    p.heading(2, "By region");
    p.raw(&region_table(o));
    p.heading(2, "Assumptions");
    p.paragraph(
        "Every uncertain input, its distribution and the note beside it in the scenario file \
         (sources are cited by key; see docs/SOURCES.md).",
    );
    p.raw(&assumptions_table(s, opts.source_text.as_deref()));
    p.heading(2, "Reproduce this report");
    p.raw(&metadata(s, o, opts)?);
    p.heading(2, "Appendix: every output");
    p.paragraph(
        "Every national output of the run, in words, with the name it has in the JSON, CSV and `demine run` \
         tables below it.",
    );
    p.raw(&all_outputs(o));
    Ok(p.finish())
}

fn caption_cdf(output: &str) -> String {
    format!(
        "{}: probability that it is at most the value on the x axis, with P5, P50, P80 and P95 marked.",
        output_label(output)
    )
}

/// The output's P50 and interval, in words.
fn p50(o: &Outcome, name: &str) -> Option<(f64, f64, f64, Unit)> {
    let s = o.summary(name)?;
    let unit = o.output_def(name)?.output.unit();
    Some((s.p50(), s.percentiles[0], s.percentiles[7], unit))
}

/// The headline in words.
fn headline(s: &Scenario, o: &Outcome) -> String {
    let mut h = String::new();
    let cur = s.currency();
    let money = |v: f64| format!("{cur} {}", human(v, Unit::Money));
    if let (Some((sus, ..)), Some((clr, lo, hi, _))) = (p50(o, "suspected_area_km2"), p50(o, "cleared_area_km2")) {
        let _ = write!(
            h,
            "Of about {} km² suspected, about {} km² really needs clearing (P50; {} to {} km² at P5-P95). ",
            human(sus, Unit::Km2),
            human(clr, Unit::Km2),
            human(lo, Unit::Km2),
            human(hi, Unit::Km2)
        );
    }
    if let (Some(c), Some(p80)) = (o.summary("total_cost"), o.quantile("total_cost", 0.8).ok()) {
        let _ = write!(h, "The work costs {} at P50 and {} at P80", money(c.p50()), money(p80));
        if let Some(pc) = o.summary("programme_cost") {
            let _ = write!(h, "; the programme that does it, {} at P50", money(pc.p50()));
        }
        h.push_str(&format!(" (in {cur} of {}). ", s.price_year()));
    }
    if let (Some((y50, ..)), Some((y90, ..)), Some((d, ..))) =
        (p50(o, "years_to_50pct_released"), p50(o, "years_to_90pct_released"), p50(o, "duration_years"))
    {
        let _ = write!(
            h,
            "Half the suspected land is released in about {y50:.1} years, 90 % in {y90:.1} and all of it in {d:.1} (P50). "
        );
        let nf = o.not_finished_share();
        if nf > 0.0 {
            let _ = write!(
                h,
                "In {:.1} % of trials some land is not released within {} years. ",
                100.0 * nf,
                o.horizon_years()
            );
        }
    }
    if let Some((c, lo, hi, _)) = p50(o, "casualties_over_horizon") {
        let _ = write!(
            h,
            "Casualties while land waits: about {} (P50; {} to {}), {} of them in the first year.",
            human(c, Unit::People),
            human(lo, Unit::People),
            human(hi, Unit::People),
            o.summary("casualties_first_year").map_or("n/a".into(), |f| human(f.p50(), Unit::People))
        );
    }
    h
}

/// The few figures a decision maker asks for, P50 with P80 and the P5-P95 range: land to clear,
/// the cost of the work, the programme's cost in all and per year, the years to 50, 90 and 100 %,
/// casualties.
fn key_figures(s: &Scenario, o: &Outcome) -> String {
    let cur = s.currency();
    let figure = |name: &str| {
        let (sm, d) = (o.summary(name)?, o.output_def(name)?);
        let p = sm.percentiles;
        Some(([p[3], p[5], p[0], p[7]], d.output.unit()))
    };
    let price = format!("{cur} of {}", s.price_year());
    let rows: Vec<(String, [f64; 4], Unit)> = [
        ("land that really needs clearing (km²)".to_string(), figure("cleared_area_km2")),
        (format!("cost of the work ({price})"), figure("total_cost")),
        (format!("programme cost ({price})"), figure("programme_cost")),
        (
            format!("programme cost per year while it runs ({price})"),
            programme_cost_per_year(o).map(|q| (q, Unit::Money)),
        ),
        ("years to release half the suspected land".into(), figure("years_to_50pct_released")),
        ("years to release 90 % of it".into(), figure("years_to_90pct_released")),
        ("years to release all of it".into(), figure("duration_years")),
        (format!("casualties while land waits, over {} years", o.horizon_years()), figure("casualties_over_horizon")),
        ("casualties in the first year".into(), figure("casualties_first_year")),
    ]
    .into_iter()
    .filter_map(|(label, f)| f.map(|(q, u)| (label, q, u)))
    .collect();
    let mut t = String::from(
        "<table class=\"figures key\"><thead><tr><th></th><th>most likely (P50)</th><th>planning figure (P80)</th>\
         <th>range (P5 to P95)</th></tr></thead><tbody>",
    );
    for (label, [p50, p80, p5, p95], u) in rows {
        let _ = write!(
            t,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} to {}</td></tr>",
            escape(&label),
            human(p50, u),
            human(p80, u),
            human(p5, u),
            human(p95, u)
        );
    }
    t.push_str("</tbody></table>");
    t
}

/// The programme's cost divided by the years it runs, trial by trial (at least one year): P50,
/// P80, P5 and P95.
fn programme_cost_per_year(o: &Outcome) -> Option<[f64; 4]> {
    let (cost, years) = (o.values("programme_cost")?, o.values("duration_years")?);
    let mut v: Vec<f64> = cost.iter().zip(years).map(|(c, y)| c / y.max(1.0)).filter(|v| v.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let q = |p| crate::stats::summary::quantile_sorted(&v, p);
    Some([q(0.5), q(0.8), q(0.05), q(0.95)])
}

/// What the reader needs to read the figures right: trials that stop at the horizon, money that
/// caps the teams, and why the programme can cost less than its work.
fn reading_notes(s: &Scenario, o: &Outcome) -> Vec<String> {
    let mut notes = Vec::new();
    let h = o.horizon_years();
    let nf = o.not_finished_share();
    if nf > 0.0 {
        notes.push(format!(
            "Trials stop at the horizon: in {:.1} % of trials some land is still suspected after {h} years. Their \
             years to release the land are counted as {h}, so the upper figures of the years rows can be lower \
             bounds.",
            100.0 * nf
        ));
    }
    let capped =
        o.values("funding_shortfall").map(|v| v.iter().filter(|x| **x > 0.0).count() as f64 / v.len().max(1) as f64);
    if let Some(share) = capped.filter(|c| *c > 0.0) {
        notes.push(format!(
            "Money caps the teams: in {:.1} % of trials the plan would spend more than the funding, so it fields only \
             the teams the money buys and the work takes longer (see spending beyond the funding in the appendix).",
            100.0 * share
        ));
    }
    if let (Some(work), Some(programme)) = (o.summary("total_cost"), o.summary("programme_cost"))
        && programme.p50() < work.p50()
    {
        let mut why = vec![
            "the cost of the work prices every team-day at a full team-day cost, while the programme pays its \
             teams by the year, so teams that work more days a year than the costing assumed cost less per day"
                .to_string(),
        ];
        if nf > 0.0 {
            why.push(format!("the programme pays nothing for the land left after {h} years"));
        }
        if capped.is_some_and(|c| c > 0.0) {
            why.push("the funding caps what it spends".into());
        }
        notes.push(format!(
            "Why the programme can look cheaper than its work (P50 {cur} {} against {cur} {}): {}.",
            human(programme.p50(), Unit::Money),
            human(work.p50(), Unit::Money),
            why.join("; "),
            cur = s.currency()
        ));
    }
    notes
}

/// Every national output in words, its code name beneath: P5, P50, P80, P95.
fn all_outputs(o: &Outcome) -> String {
    let mut t = String::from(
        "<table class=\"figures\"><thead><tr><th>output</th><th>unit</th><th>P5</th><th>P50</th><th>P80</th><th>P95</th></tr></thead><tbody>",
    );
    for (d, s) in o.summaries().filter(|(d, _)| d.region.is_none()) {
        let u = d.output.unit();
        let _ = write!(
            t,
            "<tr><td title=\"{}\">{}<br><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(d.description()),
            escape(&d.output.label()),
            escape(&d.name),
            escape(d.unit_shown()),
            human(s.percentiles[0], u),
            human(s.percentiles[3], u),
            human(s.percentiles[5], u),
            human(s.percentiles[7], u)
        );
    }
    t.push_str("</tbody></table>");
    t
}

/// One row per region: area to clear, cost and years, P50 with P5-P95.
fn region_table(o: &Outcome) -> String {
    let cols = ["suspected_area_km2", "cleared_area_km2", "total_cost", "duration_years"];
    let mut t = String::from("<table class=\"regions\"><thead><tr><th>region</th>");
    for c in cols {
        let unit = o.output_def(c).map_or("", |d| d.unit_shown());
        let _ = write!(t, "<th title=\"{c}\">{} ({}), P50 [P5, P95]</th>", escape(&output_label(c)), escape(unit));
    }
    t.push_str("</tr></thead><tbody>");
    // The columns' summaries by region, found in one pass (a search per region would be quadratic).
    let mut cells: Vec<[Option<&crate::stats::Summary>; 4]> = vec![[None; 4]; o.region_names().len()];
    for (d, s) in o.summaries() {
        if let (Some(r), Some(k)) = (d.region, cols.iter().position(|c| *c == d.name)) {
            cells[r][k] = Some(s);
        }
    }
    for (r, row) in o.region_names().iter().zip(&cells) {
        let _ = write!(t, "<tr><td>{}</td>", escape(r));
        for (c, cell) in cols.iter().zip(row) {
            match (*cell, o.output_def(c)) {
                (Some(s), Some(d)) => {
                    let u = d.output.unit();
                    let p = s.percentiles;
                    let _ = write!(t, "<td>{} [{}, {}]</td>", human(p[3], u), human(p[0], u), human(p[7], u));
                }
                _ => t.push_str("<td>–</td>"),
            }
        }
        t.push_str("</tr>");
    }
    t.push_str("</tbody></table>");
    t
}

/// Every uncertain input: path, label, distribution, the scenario file's note.
pub(super) fn assumptions_table(s: &Scenario, source: Option<&str>) -> String {
    let notes = source.map(|text| source_notes(text, &s.inputs().map(|i| i.name.clone()).collect::<Vec<_>>()));
    let mut t = String::from(
        "<table class=\"assumptions\"><thead><tr><th>input</th><th>distribution</th><th>note in the scenario file</th></tr></thead><tbody>",
    );
    for (k, i) in s.inputs().enumerate() {
        let note = notes.as_ref().and_then(|n| n[k].clone()).unwrap_or_default();
        let _ = write!(
            t,
            "<tr><td>{}<br><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            escape(&i.label),
            escape(&i.name),
            escape(&dist_in_words(&i.dist)),
            escape(&note)
        );
    }
    t.push_str("</tbody></table>");
    t
}

/// The run's metadata: enough to reproduce it.
fn metadata(s: &Scenario, o: &Outcome, opts: &ReportOptions) -> Result<String> {
    let sets: String = opts.overrides.iter().map(|o| format!(" --set '{o}'")).collect();
    let command = opts.command.clone().unwrap_or_else(|| {
        format!(
            "demine report {} --trials {} --seed {} --sampler {}{sets} -o report.html",
            s.name(),
            o.trials(),
            o.seed(),
            o.sampler()
        )
    });
    let rows = vec![
        ("demine version".to_string(), env!("CARGO_PKG_VERSION").to_string()),
        ("scenario".into(), s.name().to_string()),
        ("scenario content hash".into(), content_hash(s)?),
        ("seed".into(), o.seed().to_string()),
        ("trials".into(), o.trials().to_string()),
        ("sampler".into(), o.sampler().to_string()),
        ("model".into(), o.model().name().to_string()),
        ("date".into(), opts.date.as_deref().map_or_else(today_utc, str::to_string)),
        ("command".into(), command),
    ];
    Ok(meta_table(&rows))
}

/// A scenario's content hash as the reports print it.
pub(super) fn content_hash(s: &Scenario) -> Result<String> {
    let canonical = crate::io::to_toml(s)?;
    let hash = crate::sampling::stream::name_key(&canonical);
    Ok(format!("{hash:016x} (FNV-1a 64, mixed, of the scenario as demine reads it)"))
}

/// Rows of (what, value) as the reports' metadata table.
pub(super) fn meta_table(rows: &[(String, String)]) -> String {
    let mut t = String::from("<table class=\"meta\"><tbody>");
    for (k, v) in rows {
        let _ = write!(t, "<tr><th>{}</th><td>{}</td></tr>", escape(k), escape(v));
    }
    t.push_str("</tbody></table>");
    t
}

/// Today's date in UTC, `YYYY-MM-DD` (civil-from-days, proleptic Gregorian).
pub(super) fn today_utc() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests;
