//! Overrides: any scenario field set by its dotted path, with a value in the
//! scenario file's own syntax (`demine run ukraine --set capacity.teams.manual.initial=940`).
//!
//! An override edits the scenario *as a file*: the scenario is written out
//! ([`super::write::to_file`]), the field at the path is replaced, and the
//! result goes through the same parser and validation as a file on disk, so a
//! value is checked exactly as if it had been typed into the file. Reading a
//! scenario back gives an equal scenario, so an override that sets a field to
//! its present value changes nothing, and an uncertain parameter keeps its
//! name, hence its random stream (common random numbers in `compare`).
//!
//! Paths are those of the file and of `demine inputs`: table keys joined by
//! dots, array elements by `[index]` (`regions[0].strata[1].barrier.share_mined`).
//! Every table on the way must exist; only the last key may be new (an optional
//! field the file left out), and then the parser checks that the field exists.
//!
//! ```
//! use demine::io::Override;
//! let mut s = demine::io::load_scenario("ukraine")?;
//! s.set_value("capacity.teams.manual.initial", "940")?;
//! s.set_value("land_release.cancelled_fraction", r#"{dist="pert",min=0.5,mode=0.7,max=0.9}"#)?;
//! let o: Override = "capacity.working_days_per_year=210".parse()?;
//! let s = demine::io::apply_overrides(&s, &[o])?;
//! assert!(s.to_toml()?.contains("working_days_per_year = 210"));
//! // An unknown path is an error naming it, with the known keys.
//! let err = s.clone().set_value("capacity.teams.no_such_pool.initial", "1").unwrap_err();
//! assert!(err.to_string().starts_with("capacity.teams: 'no_such_pool' is unknown"));
//! # Ok::<(), demine::Error>(())
//! ```

use super::file::ScenarioFile;
use super::{validate, write};
use crate::error::{Error, Problem, Result};
use crate::model::{Scenario, SiteSource};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// One override: a field path and a value in TOML syntax (`path=value`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    /// The field's dotted path (`capacity.teams.manual.initial`).
    pub path: String,
    /// The value as TOML text (`940`, `{dist="pert",min=0.5,mode=0.7,max=0.9}`, `"sobol"`).
    pub value: String,
}

impl Override {
    /// An override of `path` with `value` (TOML text; a bare word is taken as a string).
    #[must_use]
    pub fn new(path: impl Into<String>, value: impl Into<String>) -> Self {
        Override { path: path.into(), value: value.into() }
    }
}

impl FromStr for Override {
    type Err = Error;

    /// Parses `path=value` (split at the first `=`; the value may hold more).
    fn from_str(text: &str) -> Result<Self> {
        match text.split_once('=') {
            Some((path, value)) if !path.trim().is_empty() && !value.trim().is_empty() => {
                Ok(Override::new(path.trim(), value.trim()))
            }
            _ => Err(Error::InvalidValue(Problem::text(
                "--set",
                super::disk::excerpt(text),
                "must be PATH=VALUE, e.g. capacity.teams.manual.initial=940 (the paths are listed by `demine inputs`)",
            ))),
        }
    }
}

/// A copy of `scenario` with every override applied in order (each validated
/// as the file would be).
///
/// # Errors
/// As [`Scenario::set_value`], for the first override that fails.
pub fn apply_overrides(scenario: &Scenario, overrides: &[Override]) -> Result<Scenario> {
    if overrides.is_empty() {
        return Ok(scenario.clone());
    }
    let original = document(scenario)?;
    let mut doc = original.clone();
    for o in overrides {
        set_in(&mut doc, &o.path, parse_value(&o.path, &o.value)?)?;
    }
    let file = match parse_file(doc) {
        Ok(f) => f,
        Err(message) => {
            // Name the override the parser refuses: the first that fails on its own.
            let culprit = overrides
                .iter()
                .find_map(|o| {
                    let mut one = original.clone();
                    set_in(&mut one, &o.path, parse_value(&o.path, &o.value).ok()?).ok()?;
                    parse_file(one).err().map(|m| (o, m))
                })
                .map_or_else(|| (&overrides[0], message), |(o, m)| (o, m));
            let value = super::disk::excerpt(&culprit.0.value);
            return Err(Error::InvalidValue(Problem::text(&culprit.0.path, value, culprit.1)));
        }
    };
    let shown = |os: &[&Override]| -> String {
        let list: Vec<String> = os.iter().map(|o| format!("{}={}", o.path, super::disk::excerpt(&o.value))).collect();
        format!("{} with {}", scenario.name(), list.join(" "))
    };
    let all: Vec<&Override> = overrides.iter().collect();
    validate::scenario(file, inventory_base(scenario).as_deref(), &shown(&all)).map_err(|e| match e {
        // Among many overrides, name the ones the problems are about (all of them when none is).
        Error::InvalidScenario { problems, source_name } => {
            let touches = |o: &&Override| {
                problems.iter().any(|p| {
                    let field = p.field.as_str();
                    field == o.path
                        || field.starts_with(&format!("{}.", o.path))
                        || o.path.starts_with(&format!("{field}."))
                })
            };
            let culprits: Vec<&Override> = all.iter().copied().filter(touches).collect();
            let source_name = if culprits.is_empty() { source_name } else { shown(&culprits) };
            Error::InvalidScenario { source_name, problems }
        }
        other => other,
    })
}

/// The document as a scenario file, or the parser's message.
fn parse_file(doc: toml::Table) -> std::result::Result<ScenarioFile, String> {
    toml::Value::Table(doc).try_into().map_err(|e: toml::de::Error| e.message().trim().to_string())
}

impl Scenario {
    /// Sets the field at `path` to `value`, given in the scenario file's TOML
    /// syntax (`940`, `0.7`, `{dist="pert",min=0.5,mode=0.7,max=0.9}`,
    /// `"as_given"`; a bare word such as `sobol` is taken as a string), and
    /// validates the result exactly as a file. On error the scenario is unchanged.
    ///
    /// A scenario with a site inventory reads the inventory again.
    ///
    /// # Errors
    /// [`Error::Unknown`] for a path through a table or array that does not
    /// exist (naming the path so far and the known keys);
    /// [`Error::InvalidValue`] for a value that is not TOML, an index out of
    /// range, or a field the file format does not have;
    /// [`Error::InvalidScenario`] for a value that breaks a rule.
    pub fn set_value(&mut self, path: &str, value: &str) -> Result<()> {
        *self = apply_overrides(self, &[Override::new(path, value)])?;
        Ok(())
    }
}

/// The scenario as a TOML document.
fn document(s: &Scenario) -> Result<toml::Table> {
    toml::Table::try_from(write::to_file(s)).map_err(|e| Error::Output(format!("scenario as TOML: {e}")))
}

/// Parses `text` as one TOML value; a bare word (not `true`, `false`, `inf`, `nan`) is a string.
fn parse_value(path: &str, text: &str) -> Result<toml::Value> {
    let wrapped = format!("v = {text}");
    if let Ok(mut t) = toml::from_str::<toml::Table>(&wrapped)
        && let Some(v) = t.remove("v")
    {
        return Ok(v);
    }
    let bare = !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare && !text.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        return Ok(toml::Value::String(text.to_string()));
    }
    Err(Error::InvalidValue(Problem::text(
        path,
        super::disk::excerpt(text),
        "must be a value in the scenario file's TOML syntax (a number, \"text\", [list] or {inline table})",
    )))
}

/// One step of a path: a key, then any number of array indices.
struct Step<'a> {
    key: &'a str,
    indices: Vec<usize>,
}

/// Splits `regions[0].strata[1].barrier` into steps.
fn steps(path: &str) -> Result<Vec<Step<'_>>> {
    let bad = |rule: &str| Error::InvalidValue(Problem::text("path", super::disk::excerpt(path), rule));
    if path.is_empty() {
        return Err(bad("must not be empty"));
    }
    path.split('.')
        .map(|part| {
            let (key, rest) = part.split_at(part.find('[').unwrap_or(part.len()));
            if key.is_empty() {
                return Err(bad("must be keys joined by '.', each with optional [index]"));
            }
            let mut indices = Vec::new();
            let mut rest = rest;
            while let Some(r) = rest.strip_prefix('[') {
                let (num, tail) = r.split_once(']').ok_or_else(|| bad("has a '[' without its ']'"))?;
                let all_digits = !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit());
                indices.push(num.parse::<usize>().map_err(|_| {
                    // Digits too many for any index: the list cannot be that long.
                    bad(if all_digits {
                        "an index is larger than the list (and than any list demine reads)"
                    } else {
                        "an index must be a whole number >= 0"
                    })
                })?);
                rest = tail;
            }
            if rest.is_empty() { Ok(Step { key, indices }) } else { Err(bad("has text after an index")) }
        })
        .collect()
}

/// Sets `value` at `path` in `doc`; every table and element on the way must exist.
fn set_in(doc: &mut toml::Table, path: &str, value: toml::Value) -> Result<()> {
    *slot(doc, path)? = value;
    Ok(())
}

/// The value at `path` in `doc` (a new key is made only at the end of the path).
fn slot<'d>(doc: &'d mut toml::Table, path: &str) -> Result<&'d mut toml::Value> {
    let steps = steps(path)?;
    let mut table = doc;
    let mut so_far = String::new();
    let mut steps = steps.iter().peekable();
    while let Some(step) = steps.next() {
        let here = if so_far.is_empty() { "scenario".to_string() } else { so_far.clone() };
        if !so_far.is_empty() {
            so_far.push('.');
        }
        so_far.push_str(step.key);
        let last = steps.peek().is_none();
        if last && step.indices.is_empty() {
            // A field the file left out: the parser checks that it exists.
            return Ok(table.entry(step.key.to_string()).or_insert(toml::Value::Boolean(false)));
        }
        let known: Vec<String> =
            if table.contains_key(step.key) { Vec::new() } else { table.keys().cloned().collect() };
        // Looked up twice for the borrow checker: the error lists the keys found above.
        let mut node =
            table.get_mut(step.key).ok_or_else(|| Error::Unknown { field: here, name: step.key.to_string(), known })?;
        for &ix in &step.indices {
            let toml::Value::Array(items) = node else {
                return Err(Error::InvalidValue(Problem::text(&so_far, format!("[{ix}]"), "is not a list")));
            };
            let len = items.len();
            node = items.get_mut(ix).ok_or_else(|| {
                Error::InvalidValue(Problem::text(
                    &so_far,
                    format!("[{ix}]"),
                    format!("must be < {len}, the list's length"),
                ))
            })?;
            so_far.push_str(&format!("[{ix}]"));
        }
        match (last, node) {
            (true, node) => return Ok(node),
            (false, toml::Value::Table(t)) => table = t,
            (false, node) => {
                let below = steps.peek().map_or("", |s| s.key);
                return Err(Error::InvalidValue(Problem::text(
                    &so_far,
                    node.to_string(),
                    format!("is a value, not a table: `{below}` cannot go below it"),
                )));
            }
        }
    }
    Err(Error::InvalidValue(Problem::text("path", path, "must not be empty")))
}

/// The directory an inventory path was taken relative to.
fn inventory_base(s: &Scenario) -> Option<PathBuf> {
    let SiteSource::Inventory(inv) = &s.sites()?.source else { return None };
    let given = Path::new(&inv.given_path);
    if given.is_absolute() {
        return None;
    }
    let mut base = inv.path.clone();
    for _ in given.components() {
        base.pop();
    }
    Some(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_keys_and_indices() {
        let s = steps("regions[0].strata[12].barrier").unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!((s[0].key, s[0].indices.as_slice()), ("regions", &[0][..]));
        assert_eq!((s[1].key, s[1].indices.as_slice()), ("strata", &[12][..]));
        assert!(steps("a..b").is_err());
        assert!(steps("a[x]").is_err());
        assert!(steps("a[1").is_err());
    }

    #[test]
    fn values_parse_as_toml_and_bare_words_as_text() {
        assert_eq!(parse_value("p", "940").unwrap(), toml::Value::Integer(940));
        assert_eq!(parse_value("p", "sobol").unwrap(), toml::Value::String("sobol".into()));
        assert!(matches!(parse_value("p", "{dist=\"pert\",min=0.5,mode=0.7,max=0.9}").unwrap(), toml::Value::Table(_)));
        assert!(parse_value("p", "1.2.3").is_err());
        assert!(parse_value("p", "{unclosed").is_err());
    }

    #[test]
    fn override_syntax_needs_path_and_value() {
        assert_eq!("a.b=1".parse::<Override>().unwrap(), Override::new("a.b", "1"));
        assert_eq!("a={x=1}".parse::<Override>().unwrap().value, "{x=1}");
        assert!("a.b".parse::<Override>().is_err());
        assert!("=1".parse::<Override>().is_err());
        assert!("a=".parse::<Override>().is_err());
    }
}
