//! Country-year records of national mine action programmes (`data/programmes.csv`), for the backtest.
//!
//! One row per country and year, header required, columns in any order (`data/README.md` documents
//! them). An empty cell means "not reported". Every problem names the file, the line and the column;
//! all are reported at once. A column may appear only once in the header; text quoted from the file
//! is escaped and cut to 40 characters. The file must be a regular file of at most
//! [`Limit::PROGRAMMES`] (64 MiB) of UTF-8 text.

use super::csv_table::{Lines, csv_reader, header_columns};
use super::disk::{Limit, excerpt, read_text, sanitize};
use crate::error::{Error, Problem, Result};
use crate::model::HazardKind;
use std::collections::HashMap;
use std::path::Path;

const REQUIRED: [&str; 12] = [
    "country",
    "year",
    "released_km2",
    "cancelled_km2",
    "reduced_km2",
    "cleared_km2",
    "deminers",
    "teams",
    "funding",
    "funding_currency",
    "hazard_mix",
    "source_release",
];

/// One programme in one year, as reported.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgrammeRecord {
    /// Line in the file (for messages).
    pub line: usize,
    /// Country, as Landmine Monitor names it.
    pub country: String,
    /// Calendar year the figures describe.
    pub year: i32,
    /// Area released in the year (cancelled + reduced + cleared), km².
    pub released_km2: Option<f64>,
    /// Area cancelled by non-technical survey, km².
    pub cancelled_km2: Option<f64>,
    /// Area reduced by technical survey, km².
    pub reduced_km2: Option<f64>,
    /// Area cleared, km².
    pub cleared_km2: Option<f64>,
    /// Deminers or operational staff.
    pub deminers: Option<f64>,
    /// Teams.
    pub teams: Option<f64>,
    /// Support for mine action in the year.
    pub funding: Option<f64>,
    /// Its currency (ISO 4217).
    pub funding_currency: Option<String>,
    /// The kinds of contamination.
    pub hazards: Vec<HazardKind>,
    /// Source keys of the area figures (docs/SOURCES.md).
    pub source_release: String,
    /// Suspected hazardous area at the start of the year, km² (optional column).
    pub suspected_start_km2: Option<f64>,
    /// Confirmed hazardous area at the start of the year, km² (optional column).
    pub confirmed_start_km2: Option<f64>,
    /// The national and international parts of the funding (optional columns).
    pub funding_national: Option<f64>,
    /// See `funding_national`.
    pub funding_international: Option<f64>,
    /// The funding is international support only: no national part given and the international
    /// part is all of it.
    pub international_only: bool,
}

/// Reads and validates the records.
///
/// # Errors
/// [`Error::Io`] if the file cannot be read; [`Error::InvalidValue`] if it is not a regular file
/// or is over [`Limit::PROGRAMMES`]; [`Error::Parse`] with the line of a byte that is not UTF-8;
/// [`Error::InvalidScenario`] with one problem per bad cell ("file: line L, column C (name)").
pub fn read_programmes(path: &Path) -> Result<Vec<ProgrammeRecord>> {
    let text = read_text(path, Limit::PROGRAMMES)?;
    parse_programmes(&text, path)
}

/// Parses record CSV text (see [`read_programmes`]).
///
/// # Errors
/// As [`read_programmes`].
pub fn parse_programmes(text: &str, path: &Path) -> Result<Vec<ProgrammeRecord>> {
    let file = path.display().to_string();
    let mut problems = Vec::new();
    let mut rdr = csv_reader(text, &file)?;
    let header = rdr
        .headers()
        .map_err(|e| Error::Parse { path: path.to_path_buf(), line: 1, column: 1, message: sanitize(&e.to_string()) })?
        .clone();
    let col = header_columns(&file, &header, &REQUIRED, &mut problems);
    if !problems.is_empty() {
        return Err(Error::InvalidScenario { source_name: file, problems });
    }
    let mut records = Vec::new();
    let mut lines = Lines::new(text);
    for rec in rdr.records() {
        match rec {
            Ok(r) => {
                let line = r.position().map_or(0, |p| lines.line_of(p.byte()) as usize);
                if let Some(r) = row(&file, &col, &r, line, &mut problems) {
                    records.push(r);
                }
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_of(p.byte()));
                problems.push(Problem::text(
                    format!("{file}: line {line}"),
                    "row",
                    format!("is not valid CSV: {}", sanitize(&e.to_string())),
                ));
            }
        }
    }
    let mut seen: HashMap<(String, i32), usize> = HashMap::new();
    for r in &records {
        if let Some(first) = seen.insert((r.country.clone(), r.year), r.line) {
            problems.push(Problem::text(
                format!("{file}: line {}, column {} (year)", r.line, col["year"] + 1),
                format!("{} {}", excerpt(&r.country), r.year),
                format!("is a second record of the same country and year (first at line {first}): counted twice it would weigh double"),
            ));
        }
    }
    if records.is_empty() && problems.is_empty() {
        problems.push(Problem::text(file.clone(), "no rows", "the backtest needs at least one country-year record"));
    }
    if !problems.is_empty() {
        return Err(Error::InvalidScenario { source_name: file, problems });
    }
    Ok(records)
}

/// One row, or `None` with its problems recorded.
fn row(
    file: &str,
    col: &HashMap<String, usize>,
    rec: &csv::StringRecord,
    line: usize,
    problems: &mut Vec<Problem>,
) -> Option<ProgrammeRecord> {
    let at = |name: &str| format!("{file}: line {line}, column {} ({name})", col.get(name).map_or(0, |c| c + 1));
    let get = |name: &str| col.get(name).and_then(|&c| rec.get(c)).unwrap_or("");
    let before = problems.len();
    let mut number = |name: &str| -> Option<f64> {
        let s = get(name);
        if s.is_empty() {
            return None;
        }
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Some(v),
            Ok(v) => {
                problems.push(Problem::new(at(name), v, "must be a number >= 0 (empty when not reported)"));
                None
            }
            Err(_) => {
                problems.push(Problem::text(
                    at(name),
                    excerpt(s),
                    "is not a number (plain decimals, no units or separators)",
                ));
                None
            }
        }
    };
    let released_km2 = number("released_km2");
    let cancelled_km2 = number("cancelled_km2");
    let reduced_km2 = number("reduced_km2");
    let cleared_km2 = number("cleared_km2");
    let deminers = number("deminers");
    let teams = number("teams");
    let funding = number("funding");
    let suspected_start_km2 = number("suspected_start_km2");
    let confirmed_start_km2 = number("confirmed_start_km2");
    let funding_national = number("funding_national");
    let funding_international = number("funding_international");
    let year = match get("year").parse::<i32>() {
        Ok(y) if (1900..=2200).contains(&y) => y,
        _ => {
            problems.push(Problem::text(at("year"), excerpt(get("year")), "must be a calendar year in [1900, 2200]"));
            0
        }
    };
    let country = get("country").to_string();
    if country.is_empty() {
        problems.push(Problem::text(at("country"), "empty", "every record names its country"));
    }
    let mut hazards = Vec::new();
    for part in get("hazard_mix").split('+').map(str::trim).filter(|p| !p.is_empty()) {
        match part {
            "mines" => hazards.push(HazardKind::Mines),
            "cmr" => hazards.push(HazardKind::ClusterMunitions),
            "uxo" => hazards.push(HazardKind::Uxo),
            other => {
                problems.push(Problem::text(at("hazard_mix"), excerpt(other), "must be mines, cmr or uxo, joined by +"))
            }
        }
    }
    if hazards.is_empty() && get("hazard_mix").is_empty() {
        problems.push(Problem::text(
            at("hazard_mix"),
            "empty",
            "every record gives its contamination (mines, cmr, uxo)",
        ));
    }
    let currency = get("funding_currency");
    if funding.is_some() && currency.is_empty() {
        problems.push(Problem::text(at("funding_currency"), "empty", "funding needs its currency"));
    }
    contradictions(
        &at,
        [released_km2, cancelled_km2, reduced_km2, cleared_km2],
        funding,
        [funding_national, funding_international],
        problems,
    );
    let international_only = match (funding, funding_national, funding_international) {
        (Some(f), None, Some(i)) => (i - f).abs() <= 1e-9 * f,
        _ => false,
    };
    (problems.len() == before).then(|| ProgrammeRecord {
        line,
        country,
        year,
        released_km2,
        cancelled_km2,
        reduced_km2,
        cleared_km2,
        deminers,
        teams,
        funding,
        funding_currency: (!currency.is_empty()).then(|| currency.to_string()),
        hazards,
        source_release: get("source_release").to_string(),
        suspected_start_km2,
        confirmed_start_km2,
        funding_national,
        funding_international,
        international_only,
    })
}

/// Figures of one record that cannot all be true: parts larger than their whole (released
/// below what was cleared, or below cancelled + reduced + cleared; funding below its national and
/// international parts, or their sum far from it). Rounding of 1 % is allowed.
fn contradictions(
    at: &impl Fn(&str) -> String,
    [released, cancelled, reduced, cleared]: [Option<f64>; 4],
    funding: Option<f64>,
    [national, international]: [Option<f64>; 2],
    problems: &mut Vec<Problem>,
) {
    let over = |part: f64, whole: f64| part > whole * 1.01 + 1e-9;
    if let Some(rel) = released {
        let parts: f64 = [cancelled, reduced, cleared].iter().flatten().sum();
        if over(parts, rel) {
            problems.push(Problem::new(
                at("released_km2"),
                rel,
                format!("is less than the cancelled, reduced and cleared areas the record gives ({parts} km² in all)"),
            ));
        }
    }
    if let Some(f) = funding {
        let parts: f64 = [national, international].iter().flatten().sum();
        let both = national.is_some() && international.is_some();
        if over(parts, f) || (both && over(f, parts)) {
            problems.push(Problem::new(
                at("funding"),
                f,
                format!("disagrees with its national and international parts ({parts} in all)"),
            ));
        }
    }
}
