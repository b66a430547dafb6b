//! The crate-wide error type.
//!
//! Every error names *where* (a dotted field path such as
//! `regions[3].strata[0].suspected_area_km2`, or a file with line and column),
//! *what* (the offending value) and *why* (the rule it breaks), so that a
//! mine-action analyst can fix a scenario file without reading the code.
//! Validation collects every problem it finds ([`Error::InvalidScenario`]),
//! so one `demine validate` run lists all of them.

use std::fmt;
use std::path::PathBuf;

/// One broken rule: the field, the value found and the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Dotted path of the field, as written in the scenario file
    /// (`methods.manual.productivity_m2_per_team_day.mode`).
    pub field: String,
    /// The offending value, formatted for display.
    pub value: String,
    /// The rule the value breaks, e.g. `must be > 0`.
    pub rule: String,
}

impl Problem {
    /// A problem with a numeric value.
    #[must_use]
    pub fn new(field: impl Into<String>, value: f64, rule: impl Into<String>) -> Self {
        Problem { field: field.into(), value: fmt_value(value), rule: rule.into() }
    }

    /// A problem with a value that is not a number (a name, a list ...).
    #[must_use]
    pub fn text(field: impl Into<String>, value: impl Into<String>, rule: impl Into<String>) -> Self {
        Problem { field: field.into(), value: value.into(), rule: rule.into() }
    }

    /// The same problem with `prefix.` put in front of its field path.
    #[must_use]
    pub fn within(mut self, prefix: &str) -> Self {
        if !prefix.is_empty() {
            self.field = if self.field.is_empty() {
                prefix.to_string()
            } else if self.field.starts_with('[') {
                format!("{prefix}{}", self.field)
            } else {
                format!("{prefix}.{}", self.field)
            };
        }
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} is invalid: {}", printable(&self.field), printable(&self.value), printable(&self.rule))
    }
}

/// `text` with its control characters (ANSI escapes, NUL, BEL ...) shown
/// escaped, so that no byte of a user's file reaches the terminal raw.
#[must_use]
pub(crate) fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(char::is_control) {
        std::borrow::Cow::Owned(text.chars().flat_map(char::escape_debug).collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Formats a number the way a user would write it (`-5`, `0.25`, `NaN`, and
/// `1e300` rather than 301 digits: at most 1e15 and at least 1e-6 in plain notation).
#[must_use]
pub(crate) fn fmt_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_string()
    } else if v.is_infinite() {
        if v > 0.0 { "inf" } else { "-inf" }.to_string()
    } else if v.abs() >= 1e15 || (v != 0.0 && v.abs() < 1e-6) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Everything that can go wrong in demine.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// One value breaks one rule (library calls such as `Dist::pert`).
    #[error("{0}")]
    InvalidValue(Problem),

    /// A scenario (file or in-memory) breaks one or more rules; every problem found is listed.
    #[error("{}: {} problem{} found:\n{}", printable(source_name), problems.len(), if problems.len() == 1 { "" } else { "s" }, list(problems))]
    InvalidScenario {
        /// The scenario's file path or name.
        source_name: String,
        /// Every broken rule, in file order.
        problems: Vec<Problem>,
    },

    /// A correlation matrix is symmetric with a unit diagonal but not positive definite.
    #[error(
        "{field}: correlation matrix over [{}] is not positive definite (smallest eigenvalue {min_eigenvalue:.3e}); \
         set `repair = true` to use the nearest correlation matrix (Higham 2002)",
        inputs.join(", ")
    )]
    NotPositiveDefinite {
        /// Where the matrix was given.
        field: String,
        /// The inputs involved (the rows of the matrix).
        inputs: Vec<String>,
        /// The smallest eigenvalue of the matrix.
        min_eigenvalue: f64,
    },

    /// A file could not be parsed: line and column are 1-based.
    #[error("{}: line {line}, column {column}: {}", printable(&path.display().to_string()), printable(message))]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },

    /// A file could not be read.
    #[error("{}: {source}", printable(&path.display().to_string()))]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// The trial count is zero or its kept samples would not fit in the memory limit.
    #[error(
        "trials: {requested} is invalid: its kept samples would need {} (the run's estimate, sites included) \
         but the limit is {}; \
         run at most {max} trials, or use `--precision` to stop when the answer is precise enough, \
         or raise the limit (SimConfig::with_memory_limit_bytes / --max-memory-gb)",
        fmt_bytes(*needed_bytes), fmt_bytes(*limit_bytes)
    )]
    TooManyTrials {
        /// Trials asked for.
        requested: u64,
        /// The largest count that fits.
        max: u64,
        /// Bytes the run would keep.
        needed_bytes: u128,
        /// The limit in bytes.
        limit_bytes: u128,
    },

    /// The operation was stopped by its observer ([`crate::observe`]) before it finished; it gives
    /// no result and wrote nothing.
    #[error("cancelled: stopped on request before the work was finished; nothing was written")]
    Cancelled,

    /// A run that does not fit in memory: its sites alone would exceed the
    /// memory limit (`limit_bytes`), or an allocation failed (`limit_bytes` is `None`).
    #[error("{}", out_of_memory(what, *bytes, *limit_bytes))]
    OutOfMemory {
        /// What needs the memory (`sites.count: 10000000 sites`, `outputs`, ...).
        what: String,
        /// Bytes needed.
        bytes: u128,
        /// The memory limit, when the estimate exceeds it.
        limit_bytes: Option<u128>,
    },

    /// A name that does not exist (bundled scenario, output, input, sampler ...).
    #[error("{}: '{}' is unknown; known: {}", printable(field), printable(name), printable(&known.join(", ")))]
    Unknown {
        /// What kind of name, as a field path (`scenario`, `--output`).
        field: String,
        /// The name given.
        name: String,
        /// The valid names.
        known: Vec<String>,
    },

    /// A question that has no answer with the given inputs (e.g. no capacity can
    /// finish by the requested year because survey capacity alone is too slow).
    #[error("{0}")]
    Infeasible(String),

    /// Writing output failed.
    #[error("writing output: {0}")]
    Output(String),
}

fn list(problems: &[Problem]) -> String {
    problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n")
}

/// Human-readable bytes (binary units).
#[must_use]
pub(crate) fn fmt_bytes(b: u128) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 { format!("{b} B") } else { format!("{v:.1} {}", UNITS[u]) }
}

/// The message of [`Error::OutOfMemory`].
fn out_of_memory(what: &str, bytes: u128, limit: Option<u128>) -> String {
    match limit {
        Some(l) => format!(
            "{what} would need {} of memory before any trial, but the limit is {}; use fewer sites, \
             or raise the limit (SimConfig::with_memory_limit_bytes / --max-memory-gb)",
            fmt_bytes(bytes),
            fmt_bytes(l)
        ),
        None => format!(
            "{what}: allocating {} failed (out of memory); run fewer trials or sites, or free memory",
            fmt_bytes(bytes)
        ),
    }
}

impl Error {
    /// One invalid value.
    #[must_use]
    pub fn invalid(field: impl Into<String>, value: f64, rule: impl Into<String>) -> Self {
        Error::InvalidValue(Problem::new(field, value, rule))
    }

    /// The problems this error carries, if it is a validation error.
    #[must_use]
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            Error::InvalidValue(p) => vec![p.clone()],
            Error::InvalidScenario { problems, .. } => problems.clone(),
            _ => Vec::new(),
        }
    }
}

/// `Result` with demine's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    const fn assert_send_sync<T: Send + Sync + 'static>() {}
    const _: () = assert_send_sync::<Error>();

    #[test]
    fn problem_message_names_field_value_rule() {
        let p = Problem::new("regions[0].strata[1].suspected_area_km2", -5.0, "must be >= 0");
        assert_eq!(p.to_string(), "regions[0].strata[1].suspected_area_km2: -5 is invalid: must be >= 0");
        assert_eq!(Problem::new("x", f64::NAN, "must be a number").to_string(), "x: NaN is invalid: must be a number");
        assert_eq!(fmt_value(1e300), "1e300");
        assert_eq!(fmt_value(-2.5e-300), "-2.5e-300");
        assert_eq!(fmt_value(1e14), "100000000000000");
    }

    #[test]
    fn within_prefixes_paths() {
        let p = Problem::new("mode", 2.0, "r").within("defaults.cancelled_fraction");
        assert_eq!(p.field, "defaults.cancelled_fraction.mode");
        let p = Problem::new("[2]", 2.0, "r").within("values");
        assert_eq!(p.field, "values[2]");
    }

    #[test]
    fn bytes_are_readable() {
        assert_eq!(fmt_bytes(512), "512 B");
        assert_eq!(fmt_bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }
}
