//! Programmes that finished clearing their known mined areas (`data/completions.csv`,
//! data/README.md): the year they finished and their state some years before, for the
//! completion backtest. Every bad cell is named with its line and column; all at once.

use super::csv_table::{Lines, csv_reader, header_columns};
use super::disk::{Limit, excerpt, read_text, sanitize};
use crate::error::{Error, Problem, Result};
use crate::model::HazardKind;
use std::path::Path;

const REQUIRED: [&str; 6] =
    ["country", "completion_year", "state_year", "remaining_km2", "hazard_mix", "remaining_source"];

/// One programme's completion and its state in an earlier year.
#[derive(Clone, Debug, PartialEq)]
pub struct CompletionRecord {
    /// Line in the file.
    pub line: usize,
    /// Country.
    pub country: String,
    /// The calendar year it finished its known mined areas.
    pub completion_year: i32,
    /// The year of the state: the known mined area at its start.
    pub state_year: i32,
    /// Known mined area left at the start of `state_year`, km².
    pub remaining_km2: f64,
    /// Funding in US$ near the state year, when given.
    pub funding_usd: Option<f64>,
    /// Deminers near the state year, when given.
    pub deminers: Option<f64>,
    /// The contamination.
    pub hazards: Vec<HazardKind>,
}

/// Reads completion records.
///
/// # Errors
/// As [`super::programmes::read_programmes`]: unreadable file, or one problem per bad cell.
pub fn read_completions(path: &Path) -> Result<Vec<CompletionRecord>> {
    let text = read_text(path, Limit::PROGRAMMES)?;
    parse_completions(&text, path)
}

/// Parses completion records (see [`read_completions`]).
///
/// # Errors
/// As [`read_completions`].
pub fn parse_completions(text: &str, path: &Path) -> Result<Vec<CompletionRecord>> {
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
    let mut out = Vec::new();
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
        let at = |name: &str| format!("{file}: line {line}, column {} ({name})", col.get(name).map_or(0, |c| c + 1));
        let get = |name: &str| col.get(name).and_then(|&c| r.get(c)).unwrap_or("");
        let before = problems.len();
        let mut number = |name: &str| -> Option<f64> {
            let s = get(name);
            if s.is_empty() {
                return None;
            }
            match s.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Some(v),
                _ => {
                    problems.push(Problem::text(
                        at(name),
                        excerpt(s),
                        "must be a number >= 0 (empty when not reported)",
                    ));
                    None
                }
            }
        };
        let remaining = number("remaining_km2");
        let funding_usd = number("funding_usd");
        let deminers = number("deminers");
        let mut year = |name: &str| match get(name).parse::<i32>() {
            Ok(y) if (1900..=2200).contains(&y) => y,
            _ => {
                problems.push(Problem::text(at(name), excerpt(get(name)), "must be a calendar year in [1900, 2200]"));
                0
            }
        };
        let completion_year = year("completion_year");
        let state_year = year("state_year");
        if completion_year > 0 && state_year > 0 && state_year >= completion_year {
            problems.push(Problem::new(
                at("state_year"),
                f64::from(state_year),
                format!("must be before the completion year ({completion_year})"),
            ));
        }
        if remaining.is_none() {
            problems.push(Problem::text(
                at("remaining_km2"),
                "empty",
                "every record gives the known mined area left in its state year",
            ));
        }
        let mut hazards = Vec::new();
        for part in get("hazard_mix").split('+').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "mines" => hazards.push(HazardKind::Mines),
                "cmr" => hazards.push(HazardKind::ClusterMunitions),
                "uxo" => hazards.push(HazardKind::Uxo),
                other => problems.push(Problem::text(
                    at("hazard_mix"),
                    excerpt(other),
                    "must be mines, cmr or uxo, joined by +",
                )),
            }
        }
        if get("country").is_empty() {
            problems.push(Problem::text(at("country"), "empty", "every record names its country"));
        }
        if problems.len() == before
            && let Some(remaining_km2) = remaining
        {
            out.push(CompletionRecord {
                line,
                country: get("country").to_string(),
                completion_year,
                state_year,
                remaining_km2,
                funding_usd,
                deminers,
                hazards,
            });
        }
    }
    if out.is_empty() && problems.is_empty() {
        problems.push(Problem::text(file.clone(), "no rows", "the completion backtest needs at least one programme"));
    }
    if !problems.is_empty() {
        return Err(Error::InvalidScenario { source_name: file, problems });
    }
    Ok(out)
}
