//! `demine report` and `demine plot`: the HTML report and single SVG charts.

use std::path::Path;

use clap::ValueEnum;
use demine::io::{bundled, load_scenario};
use demine::report::charts::{self, Reference};
use demine::report::html::{ReportOptions, run_report};
use demine::simulate::Series;
use demine::{Error, simulate};

use super::RunArgs;

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
fn source_text(scenario: &str) -> Option<String> {
    if Path::new(scenario).is_file() {
        std::fs::read_to_string(scenario).ok()
    } else {
        bundled(scenario).map(|b| b.toml.to_string())
    }
}

/// Writes `text` to `path` whole or not at all: a temporary file beside it, renamed into place.
pub(crate) fn write_whole(path: &Path, text: &str) -> Result<(), Error> {
    use std::io::Write as _;
    let name = path.file_name().ok_or_else(|| {
        Error::InvalidValue(demine::Problem::text("-o", path.display().to_string(), "must name a file"))
    })?;
    let tmp = path.with_file_name(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    let io = |e: std::io::Error| Error::Output(format!("{}: {e}; any previous file is untouched", path.display()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// `demine report SCENARIO -o FILE`.
pub(crate) fn report(scenario: &str, out: &Path, refs: &[String], args: &RunArgs) -> Result<String, Error> {
    let references = references(refs)?;
    let config = args.config()?;
    let s = load_scenario(scenario)?;
    let o = simulate(&s, &config)?;
    let opts = ReportOptions { references, source_text: source_text(scenario), date: None };
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
        (ChartKind::Fan, None) => Some(Series::AreaReleasedKm2),
        (_, Some(_)) => {
            return Err(Error::InvalidValue(demine::Problem::text("--series", "given", "applies to --chart fan only")));
        }
        _ => None,
    };
    let config = args.config()?;
    let s = load_scenario(scenario)?;
    let o = simulate(&s, &config)?;
    let svg = match (chart, series) {
        (ChartKind::SCurve, _) => charts::s_curve_of(&o, output, &references)?,
        (ChartKind::Histogram, _) => charts::histogram_of(&o, output)?,
        (ChartKind::Fan, Some(series)) => charts::fan_chart_of(&o, series)?,
        (ChartKind::Tornado, _) => charts::tornado(&demine::analysis::sensitivity::tornado(&o, output)?, 12)?,
        (ChartKind::Regions, _) => charts::region_bars_of(&o, output)?,
        (ChartKind::Fan, None) => unreachable!("a fan chart always has a series (defaulted above)"),
    };
    write_whole(out, &svg)?;
    Ok(format!("wrote {}\n", out.display()))
}
