//! Checks the command line makes before anything runs, and terminal hygiene.

use demine::Error;
use demine::analysis::PrecisionTarget;
use std::path::{Path, PathBuf};

/// The years a year flag may take.
pub(crate) const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// Checks a year flag against [`YEARS`].
pub(crate) fn check_year(flag: &str, year: i32) -> Result<i32, Error> {
    if YEARS.contains(&year) {
        Ok(year)
    } else {
        Err(Error::invalid(flag, f64::from(year), "must be a calendar year in [1900, 2200]"))
    }
}

/// An error when every trial of a run failed (a summary of nothing is not an answer).
pub(crate) fn some_trial_succeeded(o: &demine::Outcome) -> Result<(), Error> {
    o.check_some_trial_succeeded()
}

/// The input files a scenario argument reads: the file itself (when it is a path), its inventory
/// and the inventory's mapping file.
pub(crate) fn input_files(arg: &str, s: Option<&demine::Scenario>) -> Vec<PathBuf> {
    let mut v = Vec::new();
    if Path::new(arg).is_file() {
        v.push(PathBuf::from(arg));
    }
    if let Some(demine::model::SiteSource::Inventory(inv)) = s.and_then(|s| s.sites()).map(|m| &m.source) {
        v.push(inv.path.clone());
        v.extend(inv.mapping_path.clone());
    }
    v
}

/// The `--precision` target of `demine run`; `--watch` and `--max-trials` without it are errors,
/// as is a `--max-trials` below the first round.
pub(crate) fn precision_target(
    precision: Option<&str>,
    max_trials: Option<u64>,
    watch: Vec<String>,
) -> Result<Option<PrecisionTarget>, Error> {
    let Some(p) = precision else {
        if !watch.is_empty() {
            return Err(Error::InvalidValue(demine::Problem::text(
                "--watch",
                format!("'{}'", watch.join(", ")),
                "needs --precision (the outputs it watches)",
            )));
        }
        if let Some(m) = max_trials {
            return Err(Error::invalid(
                "--max-trials",
                m as f64,
                "needs --precision; without it, --trials sets the trials",
            ));
        }
        return Ok(None);
    };
    let t = PrecisionTarget::parse(p)?.with_outputs(watch);
    let first = t.initial_trials.max(16);
    Ok(Some(match max_trials {
        Some(m) if m < first => {
            return Err(Error::invalid(
                "--max-trials",
                m as f64,
                format!("must be at least the first round of --precision ({first} trials)"),
            ));
        }
        Some(m) => t.with_max_trials(m),
        None => t,
    }))
}

/// Checks `--sites-csv` against the run's inputs (the scenario file and, once loaded, its inventory).
pub(crate) fn check_sites_csv(path: Option<&Path>, scenario: &str, s: Option<&demine::Scenario>) -> Result<(), Error> {
    check_output(path, "--sites-csv", scenario, s)
}

/// As [`check_sites_csv`], for the output file of `flag`.
pub(crate) fn check_output(
    path: Option<&Path>,
    flag: &str,
    scenario: &str,
    s: Option<&demine::Scenario>,
) -> Result<(), Error> {
    let Some(path) = path else { return Ok(()) };
    let inputs = input_files(scenario, s);
    demine::io::check_output_path(path, flag, &inputs.iter().map(PathBuf::as_path).collect::<Vec<_>>())
}

/// Errs when two of a command's outputs (flag, path) are one file: the later would silently
/// replace the earlier. Paths are compared made absolute (`a.csv` and `./a.csv` are one) and, where
/// both exist, by the file they name (a link and its target are one).
pub(crate) fn distinct_outputs(outputs: &[(&str, &Path)]) -> Result<(), Error> {
    let same = |a: &Path, b: &Path| {
        let abs = |p: &Path| std::path::absolute(p).map(|p| p.components().collect::<PathBuf>()).ok();
        abs(a).is_some_and(|x| Some(x) == abs(b))
            || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
    };
    for (i, (flag, path)) in outputs.iter().enumerate() {
        if let Some((first, _)) = outputs[..i].iter().find(|(_, p)| same(p, path)) {
            return Err(Error::InvalidValue(demine::Problem::text(
                *flag,
                path.display().to_string(),
                format!("is also the output of {first}: give each output its own path (one would replace the other)"),
            )));
        }
    }
    Ok(())
}

/// Escapes control characters other than line breaks and tabs (the layout of tables, CSV and
/// completion scripts), so that no text from a file reaches the terminal as a command.
pub(crate) fn printable(text: &str) -> String {
    if !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return text.to_string();
    }
    text.chars()
        .flat_map(|c| if c.is_control() && c != '\n' && c != '\t' { c.escape_debug().collect() } else { vec![c] })
        .collect()
}

/// Escapes control characters (ANSI escapes from a file's content among them) in
/// a message for the terminal, keeping line breaks.
pub(crate) fn terminal_safe(text: &str) -> String {
    text.chars().flat_map(|c| if c.is_control() && c != '\n' { c.escape_debug().collect() } else { vec![c] }).collect()
}

/// Whether standard output was closed when demine started (`demine ... >&-`).
///
/// The Rust runtime reopens a closed standard stream on `/dev/null` before `main`, read-write,
/// exactly as a caller that opens `/dev/null` read-write on purpose (Python's
/// `subprocess.DEVNULL`, systemd's `StandardOutput=null`, `1<>/dev/null`); so the descriptor is
/// read by a constructor that runs before the runtime does. Linux only (elsewhere: false).
pub(crate) fn stdout_was_closed() -> bool {
    STDOUT_CLOSED_AT_START.load(std::sync::atomic::Ordering::Relaxed)
}

static STDOUT_CLOSED_AT_START: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Notes whether descriptor 1 is open, before the runtime's start-up reopens closed ones: a closed
/// descriptor has no `/proc/self/fd/1` (when `/proc` itself is there to ask).
#[cfg(target_os = "linux")]
extern "C" fn note_closed_stdout() {
    let proc_here = std::fs::metadata("/proc/self/fd").is_ok();
    let closed = proc_here && std::fs::symlink_metadata("/proc/self/fd/1").is_err();
    STDOUT_CLOSED_AT_START.store(closed, std::sync::atomic::Ordering::Relaxed);
}

// SAFETY: a function pointer in `.init_array` is called once by the loader before `main`, with no
// arguments, as the ELF ABI specifies; the function only reads /proc and stores an atomic.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static NOTE_CLOSED_STDOUT: extern "C" fn() = note_closed_stdout;
