//! Files on disk, read and written so that no input can hang demine and no
//! output is ever lost or half-written.
//!
//! Reading ([`read_limited`]): only a regular file is read (a FIFO would block,
//! `/dev/zero` would never end), and only up to a documented size limit per kind
//! of file ([`Limit`]), checked on the metadata before opening and again while
//! reading, in case the file grows.
//!
//! Writing ([`write_atomic`]): the text goes to a new temporary file in the
//! target's directory, is flushed to disk and renamed over the target only when
//! complete. A full disk, a file-size limit (`ulimit -f`) or a kill leaves the
//! previous file as it was; concurrent writers each rename a complete file, so
//! the last one wins and no file is a splice of two. [`check_output_path`]
//! checks a path before a long run, so that a typo fails at once.

use crate::error::{Error, Problem, Result, fmt_bytes};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A kind of input file and the largest size demine reads of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// What the file is, with its article, for messages (`a scenario`, `an inventory`).
    pub what: &'static str,
    /// The largest size read, bytes.
    pub bytes: u64,
}

impl Limit {
    /// Scenario files (TOML or JSON), the backtest priors included: 16 MiB, a
    /// thousand times the largest bundled scenario.
    pub const SCENARIO: Limit = Limit { what: "a scenario", bytes: 16 << 20 };
    /// Hazardous-area inventories (CSV): 1 GiB, room for ten million rows (the
    /// cap on synthetic sites) at a hundred bytes each.
    pub const INVENTORY: Limit = Limit { what: "an inventory", bytes: 1 << 30 };
    /// Country-year programme records (CSV): 64 MiB.
    pub const PROGRAMMES: Limit = Limit { what: "a programme records file", bytes: 64 << 20 };
}

/// Reads a whole file of at most `limit.bytes` bytes.
///
/// The path must name a regular file (symbolic links are followed): a FIFO,
/// a device such as `/dev/zero` or a directory is refused before it is opened,
/// as is a file whose size is over the limit.
///
/// # Errors
/// [`Error::InvalidValue`] naming the path, what it is, and the rule (a
/// regular file of at most the limit); [`Error::Io`] when it cannot be read.
pub fn read_limited(path: &Path, limit: Limit) -> Result<Vec<u8>> {
    let io_err = |source| Error::Io { path: path.to_path_buf(), source };
    let meta = fs::metadata(path).map_err(io_err)?;
    let rule = format!("{} must be a regular file of at most {}", limit.what, fmt_bytes(u128::from(limit.bytes)));
    if !meta.is_file() {
        return Err(Error::InvalidValue(Problem::text(path.display().to_string(), kind_of(&meta), rule)));
    }
    if meta.len() > limit.bytes {
        return Err(too_big(path, meta.len(), &rule));
    }
    let file = File::open(path).map_err(io_err)?;
    let cap = usize::try_from(meta.len()).unwrap_or(0);
    let mut bytes = Vec::new();
    bytes.try_reserve(cap).map_err(|e| io_err(io::Error::new(io::ErrorKind::OutOfMemory, e.to_string())))?;
    file.take(limit.bytes + 1).read_to_end(&mut bytes).map_err(io_err)?;
    if bytes.len() as u64 > limit.bytes {
        return Err(too_big(path, bytes.len() as u64, &rule));
    }
    Ok(bytes)
}

/// Reads a text file of at most `limit.bytes` bytes (see [`read_limited`]).
///
/// # Errors
/// As [`read_limited`]; [`Error::Parse`] with the line and column of the first
/// byte that is not UTF-8.
pub fn read_text(path: &Path, limit: Limit) -> Result<String> {
    let bytes = read_limited(path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        let bad = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..bad];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
        let byte = e.as_bytes()[bad];
        Error::Parse {
            path: path.to_path_buf(),
            line,
            column,
            message: format!("byte 0x{byte:02x} is not UTF-8; save the file as UTF-8 text"),
        }
    })
}

fn too_big(path: &Path, len: u64, rule: &str) -> Error {
    Error::InvalidValue(Problem::text(
        path.display().to_string(),
        format!("a file of {}", fmt_bytes(u128::from(len))),
        rule,
    ))
}

/// What a path that is not a regular file is, in words.
fn kind_of(meta: &fs::Metadata) -> String {
    let t = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)".into();
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device".into();
        }
        if t.is_socket() {
            return "a socket".into();
        }
    }
    if t.is_dir() { "a directory".into() } else { "not a regular file".into() }
}

/// Escapes `text` for a message: control characters (ANSI escapes included)
/// are shown escaped, and text longer than 40 characters is cut with `…`.
#[must_use]
pub fn excerpt(text: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = text.chars().take(MAX).flat_map(char::escape_debug).collect();
    if text.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

/// Escapes the control characters of a message (keeping line breaks) and cuts
/// every `` `quoted` `` part to a short [`excerpt`]; at most 400 characters are kept.
#[must_use]
pub fn sanitize(message: &str) -> String {
    let mut out = String::new();
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(&excerpt(part));
        } else {
            for c in part.chars() {
                if c.is_control() && c != '\n' {
                    out.extend(c.escape_debug());
                } else {
                    out.push(c);
                }
            }
        }
    }
    if out.chars().count() > 400 {
        out = out.chars().take(400).collect::<String>() + "…";
    }
    out
}

/// Checks, before a run, that `path` can take an output file: it is not a
/// directory, its directory exists and is writable, and it is none of `inputs`
/// (which would be overwritten by the run's output).
///
/// # Errors
/// [`Error::InvalidValue`] naming `flag`, the path and the rule.
pub fn check_output_path(path: &Path, flag: &str, inputs: &[&Path]) -> Result<()> {
    let bad = |rule: String| Err(Error::InvalidValue(Problem::text(flag, format!("'{}'", path.display()), rule)));
    if path.as_os_str().is_empty() {
        return bad("must be a file path".into());
    }
    if path.is_dir() {
        return bad("is a directory; give a file path".into());
    }
    if let Ok(meta) = fs::metadata(path)
        && !meta.is_file()
    {
        return bad(format!("is {}; an output must be a regular file", kind_of(&meta)));
    }
    let dir = parent_dir(path);
    if !dir.is_dir() {
        return bad(format!("its directory '{}' does not exist", dir.display()));
    }
    for input in inputs {
        if same_file(path, input) {
            return bad(format!("is also an input ('{}'); writing it would destroy the input", input.display()));
        }
    }
    // Writable: create and remove a probe file, the way the output will be written.
    match create_temp(path) {
        Ok((probe, file)) => {
            drop(file);
            let _ = fs::remove_file(probe);
            Ok(())
        }
        Err(e) => bad(format!("its directory '{}' is not writable: {e}", dir.display())),
    }
}

/// Whether two paths name the same file (only when the first exists or the
/// second does and both resolve to the same place).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(ma), Ok(mb)) = (fs::metadata(a), fs::metadata(b)) {
            return ma.dev() == mb.dev() && ma.ino() == mb.ino();
        }
    }
    match (resolve(a), fs::canonicalize(b)) {
        (Some(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// The absolute path `p` would have once created (its directory resolved).
fn resolve(p: &Path) -> Option<PathBuf> {
    if let Ok(c) = fs::canonicalize(p) {
        return Some(c);
    }
    Some(fs::canonicalize(parent_dir(p)).ok()?.join(p.file_name()?))
}

/// The directory a path's file lives in (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Temporary files [`write_atomic`] has created and not yet renamed into place or removed.
static UNFINISHED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn unfinished() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    UNFINISHED.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Set by [`remove_unfinished_writes`]: no write renames into place after it.
static ABANDONED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Removes every temporary file a [`write_atomic`] in progress has created, and makes every
/// write still running (or started later) fail instead of renaming into place: for a program
/// about to exit on a signal (SIGINT, SIGTERM), so that an interrupted write leaves neither a
/// partial file nor a hidden temporary one. Returns how many were removed. The previous files
/// are untouched.
pub fn remove_unfinished_writes() -> usize {
    let mut list = unfinished();
    ABANDONED.store(true, Ordering::SeqCst);
    let n = list.iter().filter(|p| fs::remove_file(p).is_ok()).count();
    list.clear();
    n
}

/// A new, uniquely named file next to `target`, listed as unfinished until it is renamed or removed.
fn create_temp(target: &Path) -> io::Result<(PathBuf, File)> {
    let name = target.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let dir = parent_dir(target);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}-{n}-{nanos}.tmp", std::process::id()));
        let mut list = unfinished();
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => {
                list.push(tmp.clone());
                return Ok((tmp, f));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
}

/// Writes a file atomically: `write` fills a temporary file in the same
/// directory, which is flushed to disk (`fsync`) and renamed over `path` only
/// when complete. If anything fails, the temporary file is removed and `path`
/// is left exactly as it was. A symbolic link is followed (its target is
/// replaced); an existing file's permissions are kept.
///
/// A write that would exceed the process's file-size limit (`ulimit -f`, read
/// on Linux from `/proc/self/limits`) fails with an error before the kernel
/// would raise `SIGXFSZ` and kill the process.
///
/// # Errors
/// [`Error::Io`] naming `path`, the cause, and that the previous file (if any)
/// is untouched.
///
/// # Example
/// ```
/// # let dir = std::env::temp_dir().join(format!("demine-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// let path = dir.join("sites.csv");
/// demine::io::write_atomic(&path, |w| w.write_all(b"id,year\n"))?;
/// assert_eq!(std::fs::read_to_string(&path)?, "id,year\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_atomic<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let target = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    };
    let previous = fs::metadata(&target).ok();
    let fail = |source: io::Error| {
        let kept = if previous.is_some() { "the previous file is untouched" } else { "no file was written" };
        Error::Io { path: path.to_path_buf(), source: io::Error::new(source.kind(), format!("{source}; {kept}")) }
    };
    let (tmp, file) = create_temp(&target).map_err(fail)?;
    let result = (|| {
        if let Some(m) = &previous {
            fs::set_permissions(&tmp, m.permissions())?;
        }
        let mut w = io::BufWriter::new(Capped { inner: file, written: 0, cap: file_size_limit() });
        write(&mut w)?;
        let capped = w.into_inner().map_err(io::IntoInnerError::into_error)?;
        capped.inner.sync_all()?;
        drop(capped);
        // Renamed and struck off the list under one lock: a signal's clean-up sees either the
        // temporary file (and removes it) or the finished file (and leaves it).
        let mut list = unfinished();
        if ABANDONED.load(Ordering::SeqCst) {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "stopped by a signal before the file was complete"));
        }
        fs::rename(&tmp, &target)?;
        list.retain(|p| p != &tmp);
        Ok(())
    })();
    if let Err(e) = result {
        let mut list = unfinished();
        let _ = fs::remove_file(&tmp);
        list.retain(|p| p != &tmp);
        return Err(fail(e));
    }
    // Make the rename itself durable (best effort: not every platform can sync a directory).
    if let Ok(d) = File::open(parent_dir(&target)) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A writer that refuses to grow its file past `cap` bytes.
struct Capped {
    inner: File,
    written: u64,
    cap: Option<u64>,
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(cap) = self.cap
            && self.written + buf.len() as u64 > cap
        {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!("the file would exceed the file-size limit of {} (ulimit -f)", fmt_bytes(u128::from(cap))),
            ));
        }
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The soft limit on file size (`RLIMIT_FSIZE`), where the platform tells it.
fn file_size_limit() -> Option<u64> {
    let text = fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max file size"))?;
    line["Max file size".len()..].split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_escape_and_cut() {
        assert_eq!(excerpt("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(excerpt(&"x".repeat(50)), format!("{}…", "x".repeat(40)));
        assert_eq!(sanitize("unknown field `\u{1b}[2J`, expected `a`"), "unknown field `\\u{1b}[2J`, expected `a`");
    }

    #[test]
    fn limits_are_documented_sizes() {
        assert_eq!(fmt_bytes(u128::from(Limit::SCENARIO.bytes)), "16.0 MiB");
        assert_eq!(fmt_bytes(u128::from(Limit::INVENTORY.bytes)), "1.0 GiB");
    }
}
