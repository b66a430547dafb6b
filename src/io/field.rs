//! Field results for `demine update` (data/README.md, "field/"): what survey and clearance
//! found in a period, one observation a row, each with its source. Every bad cell is reported
//! with its line and column; all at once.

use super::csv_table::{Lines, csv_reader, header_columns};
use super::disk::{Limit, excerpt, read_text, sanitize};
use crate::error::{Error, Problem, Result};
use std::path::Path;

const REQUIRED: [&str; 7] = ["scope", "period", "quantity", "value", "n", "unit", "source"];

/// The quantities a row may report (data/README.md, field/); the update uses some, lists the others.
pub const QUANTITIES: [&str; 25] = [
    "surveyed_km2",
    "cancelled_km2",
    "ts_surveyed_km2",
    "reduced_km2",
    "cleared_km2",
    "clearance_team_months",
    "deminers",
    "released_km2",
    "items_destroyed",
    "items_per_ha",
    "spending_usd",
    "suspected_km2_end",
    "confirmed_km2_end",
    "hazardous_areas_surveyed",
    "hazardous_areas_cancelled",
    "suspected_km2_start",
    "inspected_km2",
    "hazardous_areas_identified",
    "hazardous_km2_identified",
    "teams_active",
    "machines",
    "spending_uah",
    "needs_usd",
    "intl_support_share",
    "casualties",
];

/// One observation.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldRow {
    /// Line in the file.
    pub line: usize,
    /// `national` or a region's name.
    pub scope: String,
    /// The period (`2024`, `2024-H1`).
    pub period: String,
    /// One of [`QUANTITIES`].
    pub quantity: String,
    /// The value reported (>= 0).
    pub value: f64,
    /// An effective sample size (areas surveyed), when given.
    pub n: Option<f64>,
    /// Its unit as written.
    pub unit: String,
    /// Its source key (docs/SOURCES.md).
    pub source: String,
}

/// Reads field results.
///
/// # Errors
/// [`Error::Io`] if the file cannot be read; [`Error::InvalidValue`] if it is not a regular file or
/// is over [`Limit::PROGRAMMES`]; [`Error::InvalidScenario`] with one problem per bad cell
/// ("file: line L, column C (name)").
pub fn read_field(path: &Path) -> Result<Vec<FieldRow>> {
    let text = read_text(path, Limit::PROGRAMMES)?;
    parse_field(&text, path)
}

/// Parses field results (see [`read_field`]).
///
/// # Errors
/// As [`read_field`].
pub fn parse_field(text: &str, path: &Path) -> Result<Vec<FieldRow>> {
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
    let mut rows = Vec::new();
    let mut lines = Lines::new(text);
    for rec in rdr.records() {
        let r = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_of(p.byte()));
                problems.push(Problem::text(
                    format!("{file}: line {line}"),
                    "row",
                    format!("is not valid CSV: {}", sanitize(&e.to_string())),
                ));
                continue;
            }
        };
        let line = r.position().map_or(0, |p| lines.line_of(p.byte()) as usize);
        let at = |name: &str| format!("{file}: line {line}, column {} ({name})", col[name] + 1);
        let get = |name: &str| r.get(col[name]).unwrap_or("");
        let before = problems.len();
        let mut number = |name: &str, required: bool| -> Option<f64> {
            let s = get(name);
            if s.is_empty() {
                if required {
                    problems.push(Problem::text(at(name), "empty", "every observation gives its value"));
                }
                return None;
            }
            match s.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Some(v),
                Ok(v) => {
                    problems.push(Problem::new(at(name), v, "must be a finite number >= 0"));
                    None
                }
                Err(_) => {
                    problems.push(Problem::text(at(name), excerpt(s), "is not a number (plain decimals, no units)"));
                    None
                }
            }
        };
        let value = number("value", true);
        let n = number("n", false);
        let quantity = get("quantity").to_string();
        if !QUANTITIES.contains(&quantity.as_str()) {
            problems.push(Problem::text(
                at("quantity"),
                excerpt(&quantity),
                format!("must be one of {}", QUANTITIES.join(", ")),
            ));
        }
        for name in ["scope", "period", "source"] {
            if get(name).is_empty() {
                problems.push(Problem::text(at(name), "empty", format!("every observation gives its {name}")));
            }
        }
        if problems.len() == before
            && let Some(value) = value
        {
            rows.push(FieldRow {
                line,
                scope: get("scope").to_string(),
                period: get("period").to_string(),
                quantity,
                value,
                n,
                unit: get("unit").to_string(),
                source: get("source").to_string(),
            });
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(Problem::text(file.clone(), "no rows", "an update needs at least one observation"));
    }
    if !problems.is_empty() {
        return Err(Error::InvalidScenario { source_name: file, problems });
    }
    Ok(rows)
}
