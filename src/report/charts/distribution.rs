//! Distributions of one output: S-curve (empirical CDF) and histogram, for one
//! plan or several overlaid.

use plotters::prelude::*;

use super::{
    PALETTE, Reference, SIZE, Scale, draw_err, fonts, frame, legend, padded, sorted_finite, text_width, tick,
    view_range,
};
use crate::error::{Error, Problem, Result};
use crate::simulate::Outcome;
use crate::stats::summary::quantile_sorted;

/// The percentiles marked on an S-curve.
const MARKS: [(f64, &str); 4] = [(0.05, "P5"), (0.5, "P50"), (0.8, "P80"), (0.95, "P95")];

/// S-curve (empirical CDF) of one output for one or more plans, each a name
/// and its per-trial values (non-finite values are left out), with P5, P50,
/// P80 and P95 marked on each curve and optional vertical reference lines.
///
/// # Errors
/// [`Error::InvalidValue`] when no plan has a finite value; [`Error::Output`]
/// if drawing fails.
pub fn s_curve(
    title: &str,
    x_label: &str,
    scale: &Scale,
    plans: &[(&str, &[f64])],
    refs: &[Reference],
) -> Result<String> {
    let sorted: Vec<(&str, Vec<f64>)> = plans.iter().map(|(n, v)| (*n, sorted_finite(v))).collect();
    let sets: Vec<&[f64]> = sorted.iter().map(|(_, v)| v.as_slice()).collect();
    let ref_values: Vec<f64> = refs.iter().map(|r| r.value).collect();
    let (lo, hi, cut) = view_range(&sets, &ref_values)?;
    let cut = cut.map_or(String::new(), |c| format!("; {c}"));
    let d = scale.divisor;
    let x_range = padded(lo / d, hi / d, 0.03);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        let axis = fonts().1;
        let mut chart = frame(&root, title, 62, x_range.clone(), 0.0..1.0)?;
        chart
            .configure_mesh()
            .x_desc(format!("{x_label} ({}){cut}", scale.suffix))
            .y_desc("probability of at most x")
            .x_label_formatter(&|v| tick(*v))
            .y_label_formatter(&|v| format!("{:.0} %", v * 100.0))
            .axis_desc_style(axis.clone())
            .label_style(axis.clone())
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(draw_err)?;
        // The percentile labels of every plan, placed so that none overlaps another.
        let mut placed: Vec<[f64; 4]> = Vec::new();
        // A mark several plans share (the same value at the same point) is labelled once.
        let mut labelled: Vec<(String, (i32, i32))> = Vec::new();
        for (k, (name, v)) in sorted.iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            let color = PALETTE[k % PALETTE.len()];
            let n = v.len() as f64;
            let step = (v.len() / 2000).max(1);
            let pts: Vec<(f64, f64)> = v
                .iter()
                .enumerate()
                .filter(|(i, _)| i % step == 0 || *i + 1 == v.len())
                .map(|(i, x)| (x / d, (i + 1) as f64 / n))
                .filter(|(x, _)| x_range.contains(x))
                .collect();
            chart
                .draw_series(LineSeries::new(pts, color.stroke_width(2)))
                .map_err(draw_err)?
                .label(*name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
            for (p, label) in MARKS {
                let q = quantile_sorted(v, p) / d;
                chart.draw_series([Circle::new((q, p), 4, color.filled())]).map_err(draw_err)?;
                let text = format!("{label} {}", tick(q));
                let (x, y) = chart.backend_coord(&(q, p));
                if labelled.iter().any(|(t, (a, b))| *t == text && (a - x).abs() <= 2 && (b - y).abs() <= 2) {
                    continue;
                }
                labelled.push((text.clone(), (x, y)));
                let (bx, by) = free_spot(&mut placed, &text, (f64::from(x), f64::from(y)), f64::from(SIZE.0));
                root.draw(&Text::new(text, (bx as i32, by as i32), axis.clone().color(&color.mix(0.95))))
                    .map_err(draw_err)?;
            }
        }
        for (k, r) in refs.iter().enumerate() {
            let color = if k == 0 { BLACK } else { PALETTE[(k + 3) % PALETTE.len()] };
            let x = r.value / d;
            chart
                .draw_series(LineSeries::new([(x, 0.0), (x, 1.0)], color.stroke_width(2)))
                .map_err(draw_err)?
                .label(format!("{} ({} {})", r.label, tick(x), scale.suffix))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// Histogram of one output for one or more plans (semi-transparent bars
/// overlaid), `bins` equal-width bins over the values' range (Sturges' rule
/// when `None`).
///
/// # Errors
/// [`Error::InvalidValue`] when no plan has a finite value or `bins` is 0;
/// [`Error::Output`] if drawing fails.
pub fn histogram(
    title: &str,
    x_label: &str,
    scale: &Scale,
    plans: &[(&str, &[f64])],
    bins: Option<usize>,
) -> Result<String> {
    let sorted: Vec<(&str, Vec<f64>)> = plans.iter().map(|(n, v)| (*n, sorted_finite(v))).collect();
    let sets: Vec<&[f64]> = sorted.iter().map(|(_, v)| v.as_slice()).collect();
    let (lo, hi, cut) = view_range(&sets, &[])?;
    let cut = cut.map_or(String::new(), |c| format!("; {c}"));
    let n_max = sorted.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
    let bins = match bins {
        Some(0) => return Err(Error::invalid("bins", 0.0, "a histogram needs at least one bin")),
        Some(b) => b.min(1000),
        None => (((n_max as f64).log2().ceil() as usize) + 1).clamp(5, 60),
    };
    let d = scale.divisor;
    let width = if hi > lo { (hi - lo) / bins as f64 } else { 1.0 };
    let counts: Vec<Vec<f64>> = sorted
        .iter()
        .map(|(_, v)| {
            let mut c = vec![0.0; bins];
            // Trials beyond a cut axis are not drawn (the axis label counts them).
            for x in v.iter().filter(|x| (lo..=hi).contains(*x)) {
                let b = (((x - lo) / width) as usize).min(bins - 1);
                c[b] += 1.0;
            }
            let n = v.len().max(1) as f64;
            c.iter().map(|k| k / n).collect()
        })
        .collect();
    let top = counts.iter().flatten().copied().fold(0.0, f64::max).max(1e-9);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        let axis = fonts().1;
        // Headroom above the tallest bar for the legend.
        let mut chart = frame(&root, title, 62, padded(lo / d, (lo + width * bins as f64) / d, 0.02), 0.0..top * 1.3)?;
        chart
            .configure_mesh()
            .x_desc(format!("{x_label} ({}){cut}", scale.suffix))
            .y_desc("share of trials")
            .x_label_formatter(&|v| tick(*v))
            .y_label_formatter(&|v| format!("{:.0} %", v * 100.0))
            .axis_desc_style(axis.clone())
            .label_style(axis.clone())
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(draw_err)?;
        let overlaid = sorted.len() > 1;
        for (k, ((name, _), c)) in sorted.iter().zip(&counts).enumerate() {
            let color = PALETTE[k % PALETTE.len()];
            let fill = if overlaid { color.mix(0.45).filled() } else { color.filled() };
            chart
                .draw_series(c.iter().enumerate().map(|(b, h)| {
                    let x0 = (lo + b as f64 * width) / d;
                    Rectangle::new([(x0, 0.0), (x0 + width / d, *h)], fill)
                }))
                .map_err(draw_err)?
                .label(*name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled()));
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// Where a label of `text` near the point `at` (pixels) overlaps none of the
/// `placed` boxes: right of the point, else left, shifted up or down in steps
/// of a line; the chosen box is added to `placed`. Returns the text's top-left.
fn free_spot(placed: &mut Vec<[f64; 4]>, text: &str, at: (f64, f64), width: f64) -> (f64, f64) {
    let (w, h) = (text_width(text, 14.0), 16.0);
    let fits = |b: &[f64; 4]| placed.iter().all(|p| b[2] <= p[0] || b[0] >= p[2] || b[3] <= p[1] || b[1] >= p[3]);
    let mut choice = [at.0 + 6.0, at.1 - h, at.0 + 6.0 + w, at.1];
    'search: for step in 0..12 {
        let dy = if step % 2 == 0 { -(f64::from(step / 2)) * h } else { f64::from(step / 2 + 1) * h };
        for x0 in [at.0 + 6.0, at.0 - 6.0 - w] {
            let b = [x0, at.1 - h + dy, x0 + w, at.1 + dy];
            if b[0] >= 0.0 && b[2] <= width && fits(&b) {
                choice = b;
                break 'search;
            }
        }
    }
    placed.push(choice);
    (choice[0], choice[1])
}

/// The output's values, label and scale in `o`.
fn output_of<'a>(o: &'a Outcome, output: &str) -> Result<(&'a [f64], String, Scale)> {
    let def = o.output_def(output).ok_or_else(|| {
        Error::InvalidValue(Problem::text(
            "--output",
            output,
            "is not an output of this run (see `demine run --format json`)",
        ))
    })?;
    let values = o.values(output).unwrap_or(&[]);
    let max = sorted_finite(values).last().copied().unwrap_or(0.0);
    let scale = Scale::for_unit(def.output.unit(), &def.unit, max);
    Ok((values, def.output.label(), scale))
}

/// [`s_curve`] of one output of a run, titled with the scenario's name.
///
/// # Errors
/// As [`s_curve`]; [`Error::InvalidValue`] for an unknown output.
pub fn s_curve_of(o: &Outcome, output: &str, refs: &[Reference]) -> Result<String> {
    let (values, label, scale) = output_of(o, output)?;
    let title = format!("{}: {label}, cumulative probability", o.scenario_name());
    s_curve(&title, &label, &scale, &[(o.scenario_name(), values)], refs)
}

/// [`histogram`] of one output of a run.
///
/// # Errors
/// As [`histogram`]; [`Error::InvalidValue`] for an unknown output.
pub fn histogram_of(o: &Outcome, output: &str) -> Result<String> {
    let (values, label, scale) = output_of(o, output)?;
    let title = format!("{}: {label}, {} trials", o.scenario_name(), o.trials());
    histogram(&title, &label, &scale, &[(o.scenario_name(), values)], None)
}

/// An updated input's prior and posterior as two S-curves (their exact CDFs, drawn from 999
/// quantiles each), P5, P50, P80 and P95 marked.
///
/// # Errors
/// As [`s_curve`].
pub fn prior_posterior(input: &str, prior: &crate::Dist, posterior: &crate::Dist) -> Result<String> {
    let quantiles = |d: &crate::Dist| -> Vec<f64> { (1..1000).map(|i| d.quantile(f64::from(i) / 1000.0)).collect() };
    let (a, b) = (quantiles(prior), quantiles(posterior));
    let title = format!("{input}: prior and posterior");
    s_curve(
        &title,
        input,
        &Scale::plain("as in the scenario"),
        &[("prior", &a), ("posterior (field results)", &b)],
        &[],
    )
}
