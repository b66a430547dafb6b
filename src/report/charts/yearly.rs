//! Yearly fan charts: the P10-P90 and P25-P75 bands across trials and the P50
//! line, year by year.

use plotters::prelude::*;

use super::{PALETTE, SIZE, Scale, draw_err, fonts, frame, legend, tick};
use crate::error::{Error, Result};
use crate::simulate::{Outcome, Series};
use crate::stats::summary::quantile_sorted;

/// One year of a fan chart: the calendar year and P10, P25, P50, P75, P90
/// across trials.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FanBand {
    /// Calendar year.
    pub year: i32,
    /// P10, P25, P50, P75, P90 across trials.
    pub q: [f64; 5],
}

/// The fan-chart percentiles.
const FAN: [f64; 5] = [0.1, 0.25, 0.5, 0.75, 0.9];

/// Fan chart of a yearly series: P10-P90 band, P25-P75 band and the P50 line.
///
/// # Errors
/// [`Error::InvalidValue`] when `bands` is empty; [`Error::Output`] if drawing
/// fails.
pub fn fan_chart(title: &str, y_label: &str, scale: &Scale, bands: &[FanBand]) -> Result<String> {
    let (Some(first), Some(last)) = (bands.first(), bands.last()) else {
        return Err(Error::invalid("years", 0.0, "a fan chart needs at least one year"));
    };
    let d = scale.divisor;
    let top = bands.iter().map(|b| b.q[4]).filter(|v| v.is_finite()).fold(0.0, f64::max) / d;
    let bottom = bands.iter().map(|b| b.q[0]).filter(|v| v.is_finite()).fold(0.0, f64::min) / d;
    let x = |b: &FanBand| f64::from(b.year);
    let color = PALETTE[3];
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        let axis = fonts().1;
        // A quarter of headroom above the P90 for the legend.
        let mut chart =
            frame(&root, title, 62, x(first) - 0.5..x(last) + 0.5, bottom..(top * 1.25).max(bottom + 1e-9))?;
        chart
            .configure_mesh()
            .x_desc("year")
            .y_desc(format!("{y_label} ({})", scale.suffix))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| tick(*v))
            .axis_desc_style(axis.clone())
            .label_style(axis.clone())
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(draw_err)?;
        for ((lo, hi), (alpha, label)) in [((0, 4), (0.25, "P10-P90")), ((1, 3), (0.45, "P25-P75"))] {
            let mut pts: Vec<(f64, f64)> = bands.iter().map(|b| (x(b), b.q[lo] / d)).collect();
            pts.extend(bands.iter().rev().map(|b| (x(b), b.q[hi] / d)));
            chart
                .draw_series([Polygon::new(pts, color.mix(alpha).filled())])
                .map_err(draw_err)?
                .label(label)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.mix(alpha).filled()));
        }
        chart
            .draw_series(LineSeries::new(bands.iter().map(|b| (x(b), b.q[2] / d)), color.stroke_width(2)))
            .map_err(draw_err)?
            .label("P50")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// The fan-chart bands of a yearly series across a run's finished trials, up
/// to the last year in which the P90 is above 1 % of its peak, and a year
/// more (at least 5 years).
#[must_use]
pub fn bands_of(o: &Outcome, series: Series) -> Vec<FanBand> {
    let h = o.horizon_years();
    let trials: Vec<&[crate::simulate::YearValues]> =
        (0..o.trials() as usize).map(|t| o.trial_series(t)).filter(|s| s.len() == h).collect();
    if trials.is_empty() {
        return Vec::new();
    }
    let mut buf = Vec::with_capacity(trials.len());
    let mut bands: Vec<FanBand> = (0..h)
        .map(|y| {
            buf.clear();
            buf.extend(trials.iter().map(|s| f64::from(series.get(&s[y]))).filter(|v| v.is_finite()));
            buf.sort_by(f64::total_cmp);
            let q = if buf.is_empty() { [f64::NAN; 5] } else { FAN.map(|p| quantile_sorted(&buf, p)) };
            FanBand { year: o.start_year() + y as i32, q }
        })
        .collect();
    // The years shown end where the P90 has fallen below 1 % of its peak: a long tail of a few
    // trials would otherwise squeeze the years that matter into the left of the chart.
    let peak = bands.iter().map(|b| b.q[4]).filter(|v| v.is_finite()).fold(0.0, f64::max);
    let keep = bands.iter().rposition(|b| b.q[4] > 0.01 * peak).map_or(0, |i| i + 2).clamp(5.min(h), h);
    bands.truncate(keep);
    bands
}

/// [`fan_chart`] of one of a run's yearly series.
///
/// # Errors
/// [`Error::InvalidValue`] when the run has no yearly series (no schedule);
/// [`Error::Output`] if drawing fails.
pub fn fan_chart_of(o: &Outcome, series: Series) -> Result<String> {
    let bands = bands_of(o, series);
    if bands.is_empty() {
        return Err(Error::invalid(
            "--chart",
            f64::NAN,
            "yearly fan charts need a run with a schedule (a [capacity] section and the site engine)",
        ));
    }
    let unit = series.unit();
    let max = bands.iter().map(|b| b.q[4]).fold(0.0, f64::max);
    let scale = Scale::for_unit(unit, &unit.label(o.currency()), max);
    let label = series.label();
    let title = format!("{}: {label} per year, across trials", o.scenario_name());
    fan_chart(&title, label, &scale, &bands)
}
