//! Horizontal bar charts: tornado (rank correlations), Sobol first-order and
//! total indices with their intervals, per-region bars with intervals.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{PALETTE, SIZE, Scale, draw_err, fonts, frame, legend, padded, tick, wrap};
use crate::analysis::sensitivity::Tornado;
use crate::error::{Error, Result};
use crate::report::output_label;
use crate::simulate::Outcome;
use crate::stats::SobolIndices;

/// One category of a bar chart: a label and one value per series (with an
/// optional interval each).
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Category label (an input, a region).
    pub label: String,
    /// One value per series, in the chart's unit (not scaled).
    pub values: Vec<f64>,
    /// One optional interval per series.
    pub intervals: Vec<Option<[f64; 2]>>,
}

/// Horizontal bars, one row per category, one bar per series within a row
/// (`series` names them in the legend), with interval whiskers where given.
///
/// # Errors
/// [`Error::InvalidValue`] when there is no bar or a bar's values do not
/// match `series`; [`Error::Output`] if drawing fails.
pub fn bars(title: &str, x_label: &str, scale: &Scale, series: &[&str], rows: &[Bar]) -> Result<String> {
    if rows.is_empty() || series.is_empty() {
        return Err(Error::invalid("bars", 0.0, "a bar chart needs at least one bar"));
    }
    if let Some(b) = rows.iter().find(|b| b.values.len() != series.len()) {
        return Err(Error::invalid("bars", b.values.len() as f64, format!("every bar needs {} values", series.len())));
    }
    let d = scale.divisor;
    let all = rows
        .iter()
        .flat_map(|b| b.values.iter().copied().chain(b.intervals.iter().flatten().flat_map(|i| i.iter().copied())));
    let (lo, hi) = all.filter(|v| v.is_finite()).fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let n = rows.len();
    let k = series.len() as f64;
    // Long labels wrap onto lines of 32 characters (240 pixels at 14 px); a row is tall enough for
    // its bars and for the longest label's lines.
    let labels: Vec<Vec<String>> = rows.iter().map(|b| wrap(&b.label, 32)).collect();
    let lines = labels.iter().map(Vec::len).max().unwrap_or(1) as u32;
    let row_px = (26 * series.len() as u32).max(16 * lines + 8);
    // Below the last row, room for the legend (one line per series) so that it covers no bar.
    let legend_px = if series.len() > 1 { 24 * series.len() as u32 + 12 } else { 0 };
    let height = SIZE.1.max(110 + row_px * n as u32 + legend_px);
    let below = f64::from(legend_px) / f64::from(row_px);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (SIZE.0, height)).into_drawing_area();
        let axis = fonts().1;
        let mut chart = frame(&root, title, 250, padded(lo / d, hi / d, 0.05), -below..n as f64)?;
        chart
            .configure_mesh()
            .x_desc(format!("{x_label} ({})", scale.suffix))
            .x_label_formatter(&|v| tick(*v))
            .y_labels(0)
            .disable_y_mesh()
            .axis_desc_style(axis.clone())
            .label_style(axis.clone())
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(draw_err)?;
        for (s, name) in series.iter().enumerate() {
            let color = PALETTE[(s + 3) % PALETTE.len()];
            // Row i from the top: y runs up, so the first row sits at n - 1.
            let slot = |i: usize| {
                let base = (n - 1 - i) as f64 + 0.1;
                let w = 0.8 / k;
                (base + w * (k - 1.0 - s as f64), base + w * (k - s as f64))
            };
            chart
                .draw_series(rows.iter().enumerate().map(|(i, b)| {
                    let (y0, y1) = slot(i);
                    Rectangle::new([(0.0, y0), (b.values[s] / d, y1)], color.filled())
                }))
                .map_err(draw_err)?
                .label(*name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled()));
            let whiskers = rows.iter().enumerate().filter_map(|(i, b)| {
                let [a, c] = b.intervals.get(s).copied().flatten()?;
                let (y0, y1) = slot(i);
                let y = (y0 + y1) / 2.0;
                Some(PathElement::new(vec![(a / d, y), (c / d, y)], BLACK.stroke_width(2)))
            });
            chart.draw_series(whiskers).map_err(draw_err)?;
        }
        chart
            .draw_series([PathElement::new(vec![(0.0, 0.0), (0.0, n as f64)], BLACK.stroke_width(1))])
            .map_err(draw_err)?;
        let label_style = axis.clone().pos(Pos::new(HPos::Right, VPos::Center));
        for (i, l) in labels.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(padded(lo / d, hi / d, 0.05).start, (n - 1 - i) as f64 + 0.5));
            let top = y - 8 * (l.len() as i32 - 1);
            for (j, line) in l.iter().enumerate() {
                root.draw(&Text::new(line.clone(), (x - 8, top + 16 * j as i32), label_style.clone()))
                    .map_err(draw_err)?;
            }
        }
        if series.len() > 1 {
            legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// Tornado chart: each input's Spearman rank correlation with the output,
/// largest first (at most `max_bars`).
///
/// # Errors
/// As [`bars`]; [`Error::InvalidValue`] when the tornado has no bar (no
/// uncertain input).
pub fn tornado(t: &Tornado, max_bars: usize) -> Result<String> {
    // Inputs whose correlation is within the noise band of zero are not drivers: left out.
    let rows: Vec<Bar> = t
        .bars
        .iter()
        .filter(|b| b.significant)
        .take(max_bars.max(1))
        .map(|b| Bar { label: b.label.clone(), values: vec![b.spearman], intervals: vec![None] })
        .collect();
    let title = format!("What drives the {}: rank correlation with each input", output_label(&t.output));
    bars(&title, "Spearman ρ", &Scale::plain("-1 to 1"), &["Spearman ρ"], &rows)
}

/// Sobol first-order and total indices with their 95 % intervals, inputs in
/// order of total index (at most `max_bars`). `labels` maps input names to
/// readable labels (the name itself when absent).
///
/// # Errors
/// As [`bars`].
pub fn sobol_bars(s: &SobolIndices, labels: &dyn Fn(&str) -> String, max_bars: usize) -> Result<String> {
    let rows: Vec<Bar> = s
        .by_total()
        .into_iter()
        .take(max_bars.max(1))
        .map(|i| Bar {
            label: labels(&s.inputs[i]),
            values: vec![s.first[i], s.total[i]],
            intervals: vec![s.first_ci.get(i).copied(), s.total_ci.get(i).copied()],
        })
        .collect();
    let title = format!("Sobol indices of the {} (N = {})", output_label(&s.output), s.n);
    bars(&title, "share of variance", &Scale::plain("0 to 1"), &["first order Sᵢ", "total Sₜᵢ"], &rows)
}

/// Per-region bars of one output: P50 with the P5-P95 interval.
///
/// # Errors
/// [`Error::InvalidValue`] for an output the run's regions do not have;
/// [`Error::Output`] if drawing fails.
pub fn region_bars_of(o: &Outcome, output: &str) -> Result<String> {
    let rows: Vec<Bar> = o
        .region_names()
        .iter()
        .filter_map(|r| {
            let s = o.region_summary(r, output)?;
            let p = s.percentiles;
            Some(Bar { label: r.clone(), values: vec![s.p50()], intervals: vec![Some([p[0], p[7]])] })
        })
        .collect();
    let (Some(d), false) = (o.output_def(output), rows.is_empty()) else {
        return Err(Error::invalid("--output", f64::NAN, format!("'{output}' is not a regional output of this run")));
    };
    let (unit, text, label) = (d.output.unit(), &d.unit, d.output.label());
    let max = rows.iter().filter_map(|b| b.intervals[0]).map(|i| i[1]).fold(0.0, f64::max);
    let scale = Scale::for_unit(unit, text, max);
    bars(&format!("{}: {label} by region, P50 and P5-P95", o.scenario_name()), &label, &scale, &["P50"], &rows)
}
