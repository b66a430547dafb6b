//! SVG charts of a run and of the analyses (feature `charts`, plotters' SVG
//! backend only: no font library, text goes out as `<text>` elements).
//!
//! Every chart has a title, axis labels with units (money in the scenario's
//! currency, scaled to millions or billions), a legend where more than one
//! thing is drawn, and colours from the Okabe-Ito palette, which readers with
//! any common colour-vision deficiency can tell apart. Each function returns
//! the SVG document as a `String`; [`crate::io::write_text_atomic`]-style
//! helpers or the CLI write it.
//!
//! The functions take plain data (values per trial, bands per year, bars), so
//! they draw from any source; the `*_of` helpers take an [`Outcome`].
//!
//! ```
//! use demine::{SimConfig, simulate, io::load_scenario};
//! use demine::report::charts::{Reference, s_curve_of};
//! let s = load_scenario("ukraine-2024")?;
//! let o = simulate(&s, &SimConfig::default().with_trials(200).with_model(demine::ModelLevel::Aggregate))?;
//! let svg = s_curve_of(&o, "total_cost", &[Reference::new("RDNA3", 34.6e9)])?;
//! assert!(svg.starts_with("<svg") && svg.contains("RDNA3"));
//! # Ok::<(), demine::Error>(())
//! ```

mod bars;
mod distribution;
mod yearly;

pub use bars::{Bar, bars, region_bars_of, sobol_bars, tornado};
pub use distribution::{histogram, histogram_of, prior_posterior, s_curve, s_curve_of};
pub use yearly::{FanBand, fan_chart, fan_chart_of};

use plotters::prelude::*;

use crate::error::Error;
use crate::simulate::Unit;

/// The Okabe-Ito palette (black omitted): orange, sky blue, bluish green,
/// blue, vermillion, reddish purple, yellow.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xF0, 0xE4, 0x42),
];

/// Chart size in pixels (SVG user units). 760 × 420 fits an A4 page's text
/// width at 96 dpi with margins.
pub const SIZE: (u32, u32) = (760, 420);

/// A vertical reference line (a budget, a published estimate) on a
/// distribution chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// Shown in the legend (`RDNA3 US$34.6 bn`).
    pub label: String,
    /// Position, in the output's own unit (not scaled).
    pub value: f64,
}

impl Reference {
    /// A reference line at `value` labelled `label`.
    #[must_use]
    pub fn new(label: impl Into<String>, value: f64) -> Self {
        Reference { label: label.into(), value }
    }
}

/// How an axis shows a unit: values are divided by `divisor` and the axis
/// label carries `suffix` (`USD bn`).
#[derive(Clone, Debug, PartialEq)]
pub struct Scale {
    /// What values are divided by before drawing.
    pub divisor: f64,
    /// The unit as the axis label shows it.
    pub suffix: String,
}

impl Scale {
    /// The scale for values up to `max` in `unit` (`unit_text` is the unit's
    /// printed form, the currency for money).
    #[must_use]
    pub fn for_unit(unit: Unit, unit_text: &str, max: f64) -> Self {
        let m = max.abs();
        let (divisor, suffix) = match unit {
            Unit::Money | Unit::SecondMoney if m >= 1e9 => (1e9, format!("{unit_text} bn")),
            Unit::Money | Unit::SecondMoney if m >= 1e6 => (1e6, format!("{unit_text} m")),
            Unit::Share => (0.01, "%".to_string()),
            _ => (1.0, unit_text.to_string()),
        };
        Scale { divisor, suffix }
    }

    /// No scaling: `suffix` as given.
    #[must_use]
    pub fn plain(suffix: &str) -> Self {
        Scale { divisor: 1.0, suffix: suffix.to_string() }
    }
}

/// Turns a plotters error into demine's.
pub(crate) fn draw_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::Output(format!("drawing a chart: {e:?}"))
}

/// A range that has room around `lo..hi` (and is not empty when they are equal).
pub(crate) fn padded(lo: f64, hi: f64, pad: f64) -> std::ops::Range<f64> {
    if !(lo.is_finite() && hi.is_finite()) {
        return 0.0..1.0;
    }
    let w = hi - lo;
    if w <= 0.0 {
        let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        return (lo - d)..(hi + d);
    }
    (lo - w * pad)..(hi + w * pad)
}

/// Tick labels with at most 3 significant decimals and thousands separators.
pub(crate) fn tick(v: f64) -> String {
    let a = v.abs();
    let decimals = if a >= 100.0 || a == 0.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        3
    };
    super::without_trailing_zeros(super::thousands(v, decimals))
}

/// Words broken into lines of at most `width` characters (a word longer than
/// that gets a line of its own, whole): long labels wrap, never cut.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= width => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// The width in pixels of `text` at `size` pixels, estimated for a sans-serif
/// font (0.6 em per character, on the wide side): used to keep labels apart.
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.6
}

/// The x range a distribution chart shows: all values, unless a long tail
/// would squeeze the body into a corner; then from the P0.5 to the P99.5 of
/// the sets (and every reference), with a note saying how many trials lie
/// beyond. `sets` are sorted.
///
/// # Errors
/// [`Error::InvalidValue`] when no set has a value.
pub(crate) fn view_range(sets: &[&[f64]], refs: &[f64]) -> Result<(f64, f64, Option<String>), Error> {
    use crate::stats::summary::quantile_sorted;
    let sets: Vec<&[f64]> = sets.iter().copied().filter(|v| !v.is_empty()).collect();
    let lo = sets.iter().map(|v| v[0]).fold(f64::INFINITY, f64::min);
    let hi = sets.iter().map(|v| v[v.len() - 1]).fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return Err(Error::invalid("values", f64::NAN, "a chart needs at least one finite value"));
    }
    let body_lo = sets.iter().map(|v| quantile_sorted(v, 0.005)).fold(f64::INFINITY, f64::min);
    let body_hi = sets.iter().map(|v| quantile_sorted(v, 0.995)).fold(f64::NEG_INFINITY, f64::max);
    let finite_refs = refs.iter().copied().filter(|r| r.is_finite());
    let (ref_lo, ref_hi) = finite_refs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), r| (a.min(r), b.max(r)));
    let body = body_hi - body_lo;
    // The tails take more than half the axis: cut them.
    if body > 0.0 && (hi - lo) > 2.0 * body {
        let (a, b) = (body_lo.min(ref_lo), body_hi.max(ref_hi));
        let beyond: usize = sets.iter().map(|v| v.iter().filter(|x| **x < a || **x > b).count()).sum();
        let note = (beyond > 0).then(|| format!("axis shows P0.5 to P99.5; {beyond} trials lie beyond"));
        return Ok((a, b, note));
    }
    Ok((lo.min(ref_lo), hi.max(ref_hi), None))
}

/// The finite values of a slice, sorted.
pub(crate) fn sorted_finite(v: &[f64]) -> Vec<f64> {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    s.sort_by(f64::total_cmp);
    s
}

/// A chart drawn on an SVG string with f64 axes (every chart here).
pub(crate) type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// The chart area every chart shares: title, margins, label areas (`y_area`
/// pixels for the y labels), the given ranges.
pub(crate) fn frame<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    title: &str,
    y_area: u32,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Result<Chart<'a, 'b>, Error> {
    root.fill(&WHITE).map_err(draw_err)?;
    ChartBuilder::on(root)
        .caption(title, fonts().0)
        .margin(12)
        // Room for half of the last tick label, centred on the axis's end.
        .margin_right(40)
        .x_label_area_size(46)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x, y)
        .map_err(draw_err)
}

/// The legend every chart shares, at `position`.
pub(crate) fn legend<'a, 'b: 'a>(chart: &mut Chart<'a, 'b>, position: SeriesLabelPosition) -> Result<(), Error> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(fonts().1)
        .draw()
        .map_err(draw_err)
}

/// The caption font and the axis font.
pub(crate) fn fonts() -> (TextStyle<'static>, TextStyle<'static>) {
    (("sans-serif", 20).into_font().into(), ("sans-serif", 14).into_font().into())
}

#[cfg(test)]
mod tests;
