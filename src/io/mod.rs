//! Reading and writing scenarios; inventories; the bundled scenarios.
//!
//! A file goes through three stages: [`file`] (serde types that mirror the
//! TOML exactly), [`validate`] (every rule checked, into the model's
//! [`Scenario`]) and back through [`write`]. The model never sees a file.
//! Files on disk go through [`disk`]: an input is read only from a regular file
//! within its size limit ([`Limit`]), and every output file is written whole or
//! not at all ([`write_atomic`]).
//!
//! A scenario argument is either a path (`my/plan.toml`, `.json` also read) or
//! the name of a bundled scenario (`ukraine`, `ukraine-2024`, `eastern-flank`).
//! Bundled scenarios are compiled into the binary, so `demine run` works from
//! any directory and `demine show NAME` prints the file to start from.

pub mod completions;
mod csv_table;
pub mod disk;
pub mod field;
pub mod file;
pub mod forecast;
pub mod inventory;
pub mod overrides;
pub mod programmes;
pub mod validate;
pub mod write;

pub use disk::{Limit, check_output_path, remove_unfinished_writes, write_atomic};
pub use overrides::{Override, apply_overrides};

use crate::error::{Error, Result};
use crate::model::Scenario;
use file::ScenarioFile;
use std::path::Path;

/// A scenario shipped with demine.
#[derive(Clone, Copy, Debug)]
pub struct Bundled {
    /// Name to pass on the command line.
    pub name: &'static str,
    /// One line on what it is.
    pub summary: &'static str,
    /// The TOML text.
    pub toml: &'static str,
}

/// The bundled scenarios.
pub const BUNDLED: [Bundled; 4] = [
    Bundled {
        name: "ukraine",
        summary: "Ukraine at the end of 2024: ~139,000 km² suspected (23.0 % of 603,628 km²), 50,000 synthetic sites",
        toml: include_str!("../../scenarios/ukraine.toml"),
    },
    Bundled {
        name: "ukraine-2024",
        summary: "Ukraine at the start of 2024: ~156,000 km² suspected, the state the World Bank RDNA3 priced at US$34.6 bn",
        toml: include_str!("../../scenarios/ukraine-2024.toml"),
    },
    Bundled {
        name: "ukraine-war-continues",
        summary: "Ukraine with a moving workload: new contamination until an uncertain end of hostilities, occupied land returned later (assumptions)",
        toml: include_str!("../../scenarios/ukraine-war-continues.toml"),
    },
    Bundled {
        name: "eastern-flank",
        summary: "Barrier minefields Estonia, Latvia, Lithuania, Poland and Finland may lay after leaving the Ottawa Convention: the bill to clear them",
        toml: include_str!("../../scenarios/eastern-flank.toml"),
    },
];

/// The bundled scenario with this name.
#[must_use]
pub fn bundled(name: &str) -> Option<&'static Bundled> {
    BUNDLED.iter().find(|b| b.name == name)
}

/// Loads and validates a scenario from a path or a bundled name.
///
/// # Errors
/// [`Error::Unknown`] for a name that is neither a file nor bundled;
/// [`Error::Io`], [`Error::Parse`] (with line and column) and
/// [`Error::InvalidScenario`] (every broken rule) otherwise.
///
/// # Example
/// ```
/// let ukraine = demine::io::load_scenario("ukraine")?;
/// assert_eq!(ukraine.name(), "ukraine");
/// # Ok::<(), demine::Error>(())
/// ```
pub fn load_scenario(path_or_name: &str) -> Result<Scenario> {
    let path = Path::new(path_or_name);
    let looks_like_path = path_or_name.contains('/')
        || path_or_name.contains('\\')
        || path_or_name.ends_with(".toml")
        || path_or_name.ends_with(".json");
    if !looks_like_path && !path.exists() {
        return match bundled(path_or_name) {
            Some(b) => {
                let file = parse_toml(b.toml, Path::new(b.name))?;
                validate::scenario(file, None, b.name)
            }
            None => Err(Error::Unknown {
                field: "scenario".into(),
                name: path_or_name.into(),
                known: BUNDLED.iter().map(|b| b.name.to_string()).collect(),
            }),
        };
    }
    let file = read_scenario_file(path)?;
    validate::scenario(file, path.parent(), &path.display().to_string())
}

/// The scenario as TOML text; reading it back gives an equal scenario.
///
/// # Errors
/// [`Error::Output`] if the serialiser fails (it does not for a valid scenario).
pub fn to_toml(s: &Scenario) -> Result<String> {
    toml::to_string(&write::to_file(s)).map_err(|e| Error::Output(format!("scenario as TOML: {e}")))
}

/// The scenario as JSON text (the same fields as the TOML); reading it back gives an equal scenario.
///
/// # Errors
/// [`Error::Output`] if the serialiser fails (it does not for a valid scenario).
pub fn to_json(s: &Scenario) -> Result<String> {
    serde_json::to_string_pretty(&write::to_file(s)).map_err(|e| Error::Output(format!("scenario as JSON: {e}")))
}

impl Scenario {
    /// Parses and validates a scenario from TOML text (an inventory path is
    /// taken relative to the current directory).
    ///
    /// # Errors
    /// [`Error::Parse`] with line and column for malformed TOML or unknown
    /// fields; [`Error::InvalidScenario`] listing every broken rule.
    pub fn from_toml_str(text: &str) -> Result<Self> {
        let file = parse_toml(text, Path::new("<scenario>"))?;
        validate::scenario(file, None, "<scenario>")
    }

    /// The scenario as TOML text (see [`to_toml`]).
    ///
    /// # Errors
    /// As [`to_toml`].
    pub fn to_toml(&self) -> Result<String> {
        to_toml(self)
    }
}

impl TryFrom<ScenarioFile> for Scenario {
    type Error = Error;
    fn try_from(f: ScenarioFile) -> Result<Self> {
        let name = f.name.clone();
        validate::scenario(f, None, &name)
    }
}

/// Reads and parses a scenario file (TOML, or JSON by extension) without validating it.
///
/// The file must be a regular file of at most [`Limit::SCENARIO`] (16 MiB): a FIFO,
/// a device or a larger file is refused before it is read.
///
/// # Errors
/// [`Error::Io`], [`Error::InvalidValue`] (not a regular file, or too large) and
/// [`Error::Parse`] (with the line and column of a byte that is not UTF-8).
pub fn read_scenario_file(path: &Path) -> Result<ScenarioFile> {
    let text = disk::read_text(path, Limit::SCENARIO)?;
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        parse_json(&text, path)
    } else {
        parse_toml(&text, path)
    }
}

/// Parses TOML scenario text.
///
/// # Errors
/// [`Error::Parse`] with the 1-based line and column of the problem; text the
/// message quotes from the file is escaped and cut short ([`disk::sanitize`]).
pub fn parse_toml(text: &str, path: &Path) -> Result<ScenarioFile> {
    if text.trim().is_empty() {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: "the file is empty; `demine show ukraine` prints a complete scenario to start from".into(),
        });
    }
    toml::from_str(text).map_err(|e| {
        // serde stops at the first missing field: name every missing top-level one at once.
        if let Some(missing) = e.message().starts_with("missing field").then(|| missing_top_level(text)).flatten() {
            return Error::InvalidScenario { source_name: path.display().to_string(), problems: missing };
        }
        toml_error(&e, text, path)
    })
}

/// A TOML parse error of `text` (read from `path`) with its line and column.
pub(crate) fn toml_error(e: &toml::de::Error, text: &str, path: &Path) -> Error {
    let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
    Error::Parse { path: path.to_path_buf(), line, column, message: disk::sanitize(e.message().trim()) }
}

/// The keys and tables every scenario file gives, in file order.
const REQUIRED: [(&str, &str); 8] = [
    ("name", "a key"),
    ("currency", "a key"),
    ("price_year", "a key"),
    ("start_year", "a key"),
    ("land_release", "a table, [land_release]"),
    ("survey", "a table, [survey.non_technical] and [survey.technical]"),
    ("costs", "a table, [costs]"),
    ("regions", "a list of tables, [[regions]]"),
];

/// Every required top-level key or table that `text` (valid TOML) lacks, or `None` when it has
/// them all or is not a TOML table at all.
fn missing_top_level(text: &str) -> Option<Vec<crate::Problem>> {
    let table = text.parse::<toml::Table>().ok()?;
    let missing: Vec<crate::Problem> = REQUIRED
        .iter()
        .filter(|(k, _)| !table.contains_key(*k))
        .map(|(k, what)| {
            crate::Problem::text(
                *k,
                "missing",
                format!("a scenario must give it ({what}); `demine show ukraine` prints a complete scenario"),
            )
        })
        .collect();
    (!missing.is_empty()).then_some(missing)
}

/// Parses JSON scenario text.
///
/// # Errors
/// [`Error::Parse`] with the 1-based line and column of the problem.
pub fn parse_json(text: &str, path: &Path) -> Result<ScenarioFile> {
    serde_json::from_str(text).map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: disk::sanitize(&e.to_string()),
    })
}

/// 1-based line and column of a byte offset (clamped to the text).
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[col_start..]).chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }

    #[test]
    fn unknown_field_is_named_with_position() {
        let e = parse_toml("name = \"x\"\nbogus_field_xyz = 1\n", Path::new("s.toml")).unwrap_err().to_string();
        assert!(e.starts_with("s.toml: line 2, column 1: unknown field `bogus_field_xyz`"), "{e}");
    }

    #[test]
    fn empty_file_is_explained() {
        let e = parse_toml("  \n", Path::new("e.toml")).unwrap_err().to_string();
        assert!(e.starts_with("e.toml: line 1, column 1: the file is empty"), "{e}");
    }

    #[test]
    fn unknown_bundled_name_lists_known_ones() {
        let e = load_scenario("atlantis").unwrap_err().to_string();
        assert_eq!(
            e,
            "scenario: 'atlantis' is unknown; known: ukraine, ukraine-2024, ukraine-war-continues, eastern-flank"
        );
    }
}
