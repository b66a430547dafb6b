//! `demine report` and `demine plot`: the HTML report and single SVG charts.

use std::path::Path;

use clap::ValueEnum;
use demine::io::bundled;
use demine::report::charts::{self, Reference};
use demine::report::html::{ReportOptions, run_report};
use demine::simulate::Series;
use demine::{Error, simulate};

use super::RunArgs;
use super::args::command_line;

/// Which chart `demine plot` draws.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub(crate) enum ChartKind {
    /// Cumulative probability of an output, P5/P50/P80/P95 marked.
    SCurve,
    /// Histogram of an output.
    Histogram,
    /// Yearly fan chart of a series (--series).
    Fan,
    /// Rank correlation of each input with an output.
    Tornado,
    /// An output by region, P50 with P5-P95.
    Regions,
}

/// `LABEL=VALUE` reference lines (`--reference "RDNA3=34.6e9"`).
pub(crate) fn references(specs: &[String]) -> Result<Vec<Reference>, Error> {
    specs
        .iter()
        .map(|s| {
            let (label, value) = s.rsplit_once('=').ok_or_else(|| {
                Error::InvalidValue(demine::Problem::text(
                    "--reference",
                    s,
                    "must be LABEL=VALUE, e.g. \"RDNA3=34.6e9\"",
                ))
            })?;
            let v: f64 = value.trim().parse().map_err(|_| {
                Error::InvalidValue(demine::Problem::text("--reference", s, "the value after `=` must be a number"))
            })?;
            if !v.is_finite() {
                return Err(Error::invalid("--reference", v, "must be a finite number"));
            }
            Ok(Reference::new(label.trim(), v))
        })
        .collect()
}

/// The scenario file's text: the file itself, or the bundled scenario's.
pub(crate) fn source_text(scenario: &str) -> Option<String> {
    if Path::new(scenario).is_file() {
        std::fs::read_to_string(scenario).ok()
    } else {
        bundled(scenario).map(|b| b.toml.to_string())
    }
}

/// Refuses an output path before the run: a directory, a missing or unwritable
/// directory, or one of the run's inputs (the scenario, its inventory).
fn check_out(path: &Path, scenario: &str, s: Option<&demine::Scenario>) -> Result<(), Error> {
    let inputs = super::checks::input_files(scenario, s);
    demine::io::check_output_path(path, "-o", &inputs.iter().map(std::path::PathBuf::as_path).collect::<Vec<_>>())
}

/// Writes `text` to `path` whole or not at all ([`demine::io::write_atomic`]).
fn write_whole(path: &Path, text: &str) -> Result<(), Error> {
    demine::io::write_atomic(path, |w| w.write_all(text.as_bytes()))
}

/// `demine report SCENARIO -o FILE`.
pub(crate) fn report(scenario: &str, out: &Path, refs: &[String], args: &RunArgs) -> Result<String, Error> {
    let references = references(refs)?;
    let config = args.config()?;
    check_out(out, scenario, None)?;
    let s = args.load(scenario)?;
    check_out(out, scenario, Some(&s))?;
    let o = simulate(&s, &config)?;
    let opts = ReportOptions {
        references,
        source_text: source_text(scenario),
        date: None,
        overrides: args.set.clone(),
        command: Some(command_line()),
    };
    let html = run_report(&s, &o, &opts)?;
    write_whole(out, &html)?;
    Ok(format!("wrote {} ({} KiB)\n", out.display(), html.len().div_ceil(1024)))
}

/// `demine plot SCENARIO --chart KIND -o FILE.svg`.
pub(crate) fn plot(
    scenario: &str,
    chart: ChartKind,
    output: &str,
    series: Option<&str>,
    out: &Path,
    refs: &[String],
    args: &RunArgs,
) -> Result<String, Error> {
    let references = references(refs)?;
    let series = match (chart, series) {
        (ChartKind::Fan, Some(name)) => Some(
            Series::ALL.into_iter().chain([Series::SpendingNominal]).find(|s| s.name() == name).ok_or_else(|| {
                let known: Vec<&str> = Series::ALL.iter().map(|s| s.name()).collect();
                Error::InvalidValue(demine::Problem::text(
                    "--series",
                    name,
                    format!("is unknown; known: {}", known.join(", ")),
                ))
            })?,
        ),
        (ChartKind::Fan, None) => None,
        (_, Some(_)) => {
            return Err(Error::InvalidValue(demine::Problem::text("--series", "given", "applies to --chart fan only")));
        }
        _ => None,
    };
    let config = args.config()?;
    check_out(out, scenario, None)?;
    let s = args.load(scenario)?;
    check_out(out, scenario, Some(&s))?;
    let o = simulate(&s, &config)?;
    let svg = match (chart, series) {
        (ChartKind::SCurve, _) => charts::s_curve_of(&o, output, &references)?,
        (ChartKind::Histogram, _) => charts::histogram_of(&o, output)?,
        (ChartKind::Fan, series) => charts::fan_chart_of(&o, series.unwrap_or(Series::AreaReleasedKm2))?,
        (ChartKind::Tornado, _) => charts::tornado(&demine::analysis::sensitivity::tornado(&o, output)?, 12)?,
        (ChartKind::Regions, _) => charts::region_bars_of(&o, output)?,
    };
    write_whole(out, &svg)?;
    Ok(format!("wrote {}\n", out.display()))
}
