//! Hostile input about files, input reading and the command line (issue 10):
//! no file lost or half-written, no hang on a FIFO or a device, no raw control
//! character from a file on the terminal, no flag silently ignored. CLI cases
//! run the built binary; library cases call `demine::io` directly.
//!
//! Each case checks the exit status and the start of the message.

mod common;
use common::{FIXED, edit};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_demine");

fn out(o: &Output) -> (i32, String, String) {
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

fn demine(args: &[&str]) -> (i32, String, String) {
    out(&Command::new(BIN).args(args).output().unwrap())
}

/// Runs `demine` under `sh -c` with a shell prefix (`ulimit -f 1;`) and a redirection suffix.
fn demine_sh(prefix: &str, args: &[&str], suffix: &str) -> (i32, String, String) {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let script = format!("{prefix} exec '{BIN}' {} {suffix}", quoted.join(" "));
    out(&Command::new("sh").arg("-c").arg(script).output().unwrap())
}

/// A fresh directory for one test, with the district scenario and its inventory.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("demine-hostile-files-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    fs::copy(data.join("district.toml"), d.join("district.toml")).unwrap();
    fs::copy(data.join("district-sites.csv"), d.join("district-sites.csv")).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn starts(text: &str, want: &str) {
    assert!(text.starts_with(want), "expected a message starting {want:?}, got:\n{text}");
}

fn has(text: &str, want: &str) {
    assert!(text.contains(want), "expected {want:?} in:\n{text}");
}

/// No temporary file is left next to the output.
fn no_leftovers(d: &Path) {
    let left: Vec<_> = fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

fn mkfifo(p: &Path) {
    assert!(Command::new("mkfifo").arg(p).status().unwrap().success());
}

// ---------------------------------------------------------------- item 1: atomic writes

#[test]
fn full_disk_ulimit_keeps_the_previous_file_and_says_so() {
    let d = dir("ulimit");
    let csv = d.join("sites.csv");
    fs::write(&csv, "previous contents\n").unwrap();
    let args = ["run", "ukraine", "--model", "sites", "--trials", "10", "--sites-csv", s(&csv)];
    let (code, stdout, err) = demine_sh("ulimit -f 1;", &args, ">/dev/null");
    assert_eq!(code, 1, "{stdout}{err}");
    starts(&err, &format!("error: writing output: {}: ", csv.display()));
    has(&err, "file-size limit");
    has(&err, "the previous file is untouched");
    assert_eq!(fs::read_to_string(&csv).unwrap(), "previous contents\n");
    no_leftovers(&d);
}

#[test]
fn full_disk_ulimit_without_a_previous_file_writes_nothing() {
    let d = dir("ulimit-new");
    let csv = d.join("sites.csv");
    let args = ["run", "ukraine", "--model", "sites", "--trials", "10", "--sites-csv", s(&csv)];
    let (code, _, err) = demine_sh("ulimit -f 1;", &args, ">/dev/null");
    assert_eq!(code, 1, "{err}");
    has(&err, "no file was written");
    assert!(!csv.exists());
    no_leftovers(&d);
}

#[test]
fn a_writer_failing_midway_leaves_the_previous_file() {
    let d = dir("lib-fail");
    let p = d.join("out.csv");
    fs::write(&p, "old").unwrap();
    let e = demine::io::write_atomic(&p, |w| {
        w.write_all(&[b'x'; 100_000])?;
        Err(std::io::Error::other("disk on fire"))
    })
    .unwrap_err()
    .to_string();
    starts(&e, &format!("{}: disk on fire; the previous file is untouched", p.display()));
    assert_eq!(fs::read_to_string(&p).unwrap(), "old");
    no_leftovers(&d);
    demine::io::write_atomic(&p, |w| w.write_all(b"new")).unwrap();
    assert_eq!(fs::read_to_string(&p).unwrap(), "new");
    no_leftovers(&d);
}

#[test]
fn write_atomic_follows_a_symlink_and_keeps_it() {
    let d = dir("symlink");
    let real = d.join("real.csv");
    let link = d.join("link.csv");
    fs::write(&real, "old").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    demine::io::write_atomic(&link, |w| w.write_all(b"new")).unwrap();
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(fs::read_to_string(&real).unwrap(), "new");
}

#[test]
fn a_killed_run_leaves_the_previous_file_or_a_complete_one() {
    let d = dir("kill");
    let csv = d.join("sites.csv");
    let args = ["run", "ukraine", "--model", "sites", "--trials", "8", "--sites-csv", s(&csv)];
    assert!(Command::new(BIN).args(args).stdout(Stdio::null()).status().unwrap().success());
    let complete = fs::read_to_string(&csv).unwrap();
    // Killed at different moments (before, during or after the write): whatever the timing,
    // the file is the previous one or the complete new one, never a part.
    for delay_ms in [0, 40, 80, 120, 160, 200, 300] {
        fs::write(&csv, "previous\n").unwrap();
        let mut child = Command::new(BIN).args(args).stdout(Stdio::null()).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let got = fs::read_to_string(&csv).unwrap();
        assert!(
            got == "previous\n" || got == complete,
            "killed after {delay_ms} ms: a partial file ({} bytes)",
            got.len()
        );
        for e in fs::read_dir(&d).unwrap().flatten() {
            if e.file_name().to_string_lossy().ends_with(".tmp") {
                fs::remove_file(e.path()).unwrap(); // a killed writer may leave its temporary file
            }
        }
    }
}

// ---------------------------------------------------------------- item 2: output paths checked first

#[test]
fn output_path_equal_to_an_input_is_refused_before_the_run() {
    let d = dir("same-input");
    let scen = d.join("district.toml");
    let inv = d.join("district-sites.csv");
    let before = (fs::read(&scen).unwrap(), fs::read(&inv).unwrap());
    for (out_path, input) in [(scen.clone(), "district.toml"), (inv.clone(), "district-sites.csv")] {
        let (code, _, err) = demine(&["run", s(&scen), "--trials", "20", "--sites-csv", s(&out_path)]);
        assert_eq!(code, 2, "{err}");
        starts(&err, &format!("error: --sites-csv: '{}' is invalid: is also an input", out_path.display()));
        has(&err, input);
    }
    // Another spelling of the same file is the same file.
    let other = d.join(".").join("district-sites.csv");
    let (code, _, err) = demine(&["run", s(&scen), "--trials", "20", "--sites-csv", s(&other)]);
    assert_eq!(code, 2, "{err}");
    has(&err, "is also an input");
    assert_eq!((fs::read(&scen).unwrap(), fs::read(&inv).unwrap()), before);
}

/// A scenario whose every trial overflows: the output check must come first.
fn overflowing(d: &Path) -> PathBuf {
    let text = edit(FIXED, "cost_usd_per_m2 = 0.1", "cost_usd_per_m2 = 1e302");
    let p = d.join("overflow.toml");
    fs::write(&p, text).unwrap();
    p
}

#[test]
fn bad_output_paths_are_refused_before_the_run() {
    let d = dir("bad-out");
    let scen = overflowing(&d);
    let missing = d.join("no-such-dir").join("x.csv");
    let cases: [(&Path, &str); 3] = [
        (&missing, "is invalid: its directory"),
        (&d, "is invalid: is a directory"),
        (Path::new("/dev/null"), "is invalid: is a device"),
    ];
    for (path, want) in cases {
        let (code, _, err) = demine(&["run", s(&scen), "--trials", "20", "--sites-csv", s(path)]);
        assert_eq!(code, 2, "{err}");
        starts(&err, &format!("error: --sites-csv: '{}' {want}", path.display()));
    }
}

// ---------------------------------------------------------------- item 3: concurrent writers

#[test]
fn four_concurrent_runs_leave_one_complete_file() {
    let d = dir("concurrent");
    let shared = d.join("shared.csv");
    let seeds = ["1", "2", "3", "4"];
    let args = |seed: &str, path: &Path| -> Vec<String> {
        ["run", "ukraine", "--model", "sites", "--trials", "8", "--seed", seed, "--sites-csv", s(path)]
            .iter()
            .map(|a| (*a).to_string())
            .collect()
    };
    let expected: Vec<String> = seeds
        .iter()
        .map(|seed| {
            let p = d.join(format!("alone-{seed}.csv"));
            let o = Command::new(BIN).args(args(seed, &p)).stdout(Stdio::null()).status().unwrap();
            assert!(o.success());
            fs::read_to_string(&p).unwrap()
        })
        .collect();
    assert!(expected.windows(2).all(|w| w[0] != w[1]), "seeds must give different files");
    assert!(expected[0].len() > 1_000_000, "a large file makes a splice likely without atomic writes");
    for _ in 0..3 {
        let children: Vec<_> = seeds
            .iter()
            .map(|seed| Command::new(BIN).args(args(seed, &shared)).stdout(Stdio::null()).spawn().unwrap())
            .collect();
        for mut c in children {
            assert!(c.wait().unwrap().success());
        }
        let got = fs::read_to_string(&shared).unwrap();
        assert!(expected.contains(&got), "the shared file is not one run's output ({} bytes)", got.len());
        no_leftovers(&d);
    }
}

// ---------------------------------------------------------------- item 4: closed or broken stdout

#[test]
fn a_broken_pipe_exits_141_quietly() {
    let mut child = Command::new(BIN)
        .args(["run", "ukraine", "--model", "aggregate", "--trials", "2000", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before demine writes
    let o = child.wait_with_output().unwrap();
    let (code, _, err) = out(&o);
    assert_eq!(code, 141, "{err}");
    assert_eq!(err, "", "no noise on a broken pipe");
}

#[test]
fn a_pipe_closed_by_head_exits_141_without_noise() {
    // `head -c 1` reads one byte and exits; the JSON (130 kB) is over twice a pipe's buffer (64 kB).
    let script =
        format!("'{BIN}' run ukraine --trials 50 --format json | head -c 1 >/dev/null; exit ${{PIPESTATUS[0]}}");
    let (code, _, err) = out(&Command::new("bash").arg("-c").arg(script).output().unwrap());
    assert_eq!(code, 141, "{err}");
    assert_eq!(err, "", "no Broken pipe noise, no panic");
}

#[test]
fn a_closed_stdout_is_refused_before_the_run() {
    let (code, _, err) = demine_sh("", &["scenarios"], ">&-");
    assert_eq!(code, 1, "{err}");
    starts(&err, "error: standard output is closed");
    // `>/dev/null` is a choice, not a mistake; so is /dev/null opened read-write (Python's
    // subprocess.DEVNULL, systemd's StandardOutput=null), which looks like what the runtime opens
    // on a closed descriptor.
    let (code, _, err) = demine_sh("", &["scenarios"], ">/dev/null");
    assert_eq!((code, err.as_str()), (0, ""));
    let (code, _, err) = demine_sh("", &["scenarios"], "1<>/dev/null");
    assert_eq!((code, err.as_str()), (0, ""));
}

// ---------------------------------------------------------------- item 5: FIFOs, devices, size limits

#[test]
fn scenario_that_is_a_fifo_device_directory_or_too_big_is_refused() {
    let d = dir("special");
    let fifo = d.join("fifo.toml");
    mkfifo(&fifo);
    let big = d.join("big.toml");
    fs::File::create(&big).unwrap().set_len((16 << 20) + 1).unwrap();
    let cases: [(&str, String); 5] = [
        (s(&fifo), format!("error: {}: a FIFO (named pipe) is invalid: a scenario must be a regular file", s(&fifo))),
        ("/dev/zero", "error: /dev/zero: a device is invalid: a scenario must be a regular file".into()),
        ("/dev/urandom", "error: /dev/urandom: a device is invalid: a scenario must be a regular file".into()),
        (s(&d), format!("error: {}: a directory is invalid", s(&d))),
        (
            s(&big),
            format!(
                "error: {}: a file of 16.0 MiB is invalid: a scenario must be a regular file of at most 16.0 MiB",
                s(&big)
            ),
        ),
    ];
    for (path, want) in cases {
        for cmd in ["validate", "run"] {
            let (code, _, err) = demine(&[cmd, path]);
            assert_eq!(code, 2, "{cmd} {path}: {err}");
            starts(&err, &want);
        }
    }
}

#[test]
fn inventory_that_is_a_fifo_or_a_device_is_refused() {
    let d = dir("inv-special");
    let fifo = d.join("fifo.csv");
    mkfifo(&fifo);
    let text = fs::read_to_string(d.join("district.toml")).unwrap();
    for (inv, what) in [(s(&fifo).to_string(), "a FIFO (named pipe)"), ("/dev/zero".to_string(), "a device")] {
        let p = d.join("inv.toml");
        fs::write(&p, text.replace("\"district-sites.csv\"", &format!("\"{inv}\""))).unwrap();
        let (code, _, err) = demine(&["validate", s(&p)]);
        assert_eq!(code, 2, "{err}");
        starts(
            &err,
            &format!("error: {inv}: {what} is invalid: an inventory must be a regular file of at most 1.0 GiB"),
        );
    }
}

#[test]
fn programmes_and_priors_that_are_devices_are_refused() {
    let (code, _, err) = demine(&["backtest", "/dev/zero"]);
    assert_eq!(code, 2, "{err}");
    starts(
        &err,
        "error: /dev/zero: a device is invalid: a programme records file must be a regular file of at most 64.0 MiB",
    );
    let records = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/programmes.csv");
    let (code, _, err) = demine(&["backtest", s(&records), "--priors", "/dev/urandom"]);
    assert_eq!(code, 2, "{err}");
    starts(&err, "error: /dev/urandom: a device is invalid: a scenario must be a regular file");
}

#[test]
fn a_file_that_grows_past_its_size_is_cut_at_the_limit() {
    // /proc files report size 0 and then yield text: the limit holds while reading.
    let limit = demine::io::Limit { what: "a scenario", bytes: 10 };
    let e = demine::io::disk::read_limited(Path::new("/proc/self/status"), limit).unwrap_err().to_string();
    starts(&e, "/proc/self/status: a file of 11 B is invalid: a scenario must be a regular file of at most 10 B");
}

// ---------------------------------------------------------------- item 6: headers, lines, excerpts

/// Writes an inventory with `csv` next to a copy of the district scenario; returns `validate`'s result.
fn validate_inventory(name: &str, csv: &[u8]) -> (i32, String, String) {
    let d = dir(name);
    fs::write(d.join("district-sites.csv"), csv).unwrap();
    demine(&["validate", s(&d.join("district.toml"))])
}

const HEADER: &str = "id,region,status,hazard,area_m2,land_use,population";

#[test]
fn a_repeated_inventory_column_names_both_positions() {
    let csv = "id,region,status,hazard,area_m2,land_use,population,Region\nA,North,SHA,mines,1,other,0,South\n";
    let (code, _, err) = validate_inventory("dup-header", csv.as_bytes());
    assert_eq!(code, 2, "{err}");
    has(&err, "district-sites.csv: line 1, column 8 (Region): 'Region' is invalid: repeats the column at position 2");
}

#[test]
fn crlf_inventory_reports_the_right_line() {
    let csv = format!(
        "{HEADER}\r\nA,North,SHA,mines,1,other,0\r\nB,North,SHA,mines,1,other,0\r\nC,North,SHA,mines,-1,other,0\r\n"
    );
    let (code, _, err) = validate_inventory("crlf", csv.as_bytes());
    assert_eq!(code, 2, "{err}");
    has(&err, "district-sites.csv: line 4, column 5 (area_m2): -1 is invalid");
}

#[test]
fn lone_cr_and_blank_lines_keep_line_numbers_right() {
    let csv = format!(
        "{HEADER}\rA,North,SHA,mines,1,other,0\r\r\nB,North,SHA,mines,1,other,0\n\nC,North,SHA,mines,-1,other,0\n"
    );
    let (code, _, err) = validate_inventory("lone-cr", csv.as_bytes());
    assert_eq!(code, 2, "{err}");
    has(&err, "district-sites.csv: line 6, column 5 (area_m2): -1 is invalid");
}

#[test]
fn invalid_utf8_in_an_inventory_reports_its_line() {
    let mut csv = format!("{HEADER}\nA,North,SHA,mines,1,other,0\nB,No").into_bytes();
    csv.extend_from_slice(b"\xffrth,SHA,mines,1,other,0\n");
    let (code, _, err) = validate_inventory("utf8", &csv);
    assert_eq!(code, 2, "{err}");
    has(&err, "district-sites.csv: line 3, column 5: byte 0xff is not UTF-8");
}

#[test]
fn inventory_cells_are_echoed_short_and_escaped() {
    let long = "N".repeat(500);
    let csv = format!("{HEADER}\nA,\u{1b}[31mNorth\u{7},SHA,mines,1,other,0\nB,{long},SHA,mines,1,other,0\n");
    let (code, _, err) = validate_inventory("ansi", csv.as_bytes());
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "raw control characters reach the terminal:\n{err:?}");
    has(&err, "'\\u{1b}[31mNorth\\u{7}' is invalid: is not a region");
    has(&err, &format!("'{}…' is invalid", "N".repeat(40)));
    assert!(!err.contains(&"N".repeat(41)), "{err}");
}

#[test]
fn programme_records_repeated_column_and_escapes() {
    let header = "country,year,released_km2,cancelled_km2,reduced_km2,cleared_km2,deminers,teams,funding,\
                  funding_currency,hazard_mix,source_release";
    let text = format!("{header},year\nX,2015,1,,,,,,,,mines,K,2016\n");
    let e = demine::io::programmes::parse_programmes(&text, Path::new("p.csv")).unwrap_err().to_string();
    has(&e, "p.csv: line 1, column 13 (year): 'year' is invalid: repeats the column at position 2");
    let text = format!("{header}\nX,20\u{1b}[2J15,1,,,,,,,,mines\u{1b}]0;pwn\u{7},K\n");
    let e = demine::io::programmes::parse_programmes(&text, Path::new("p.csv")).unwrap_err().to_string();
    assert!(!e.contains('\u{1b}') && !e.contains('\u{7}'), "{e:?}");
    has(&e, "(year): 20\\u{1b}[2J15 is invalid");
}

#[test]
fn toml_errors_echo_keys_short_and_escaped() {
    let d = dir("toml-ansi");
    let base = fs::read_to_string(d.join("district.toml")).unwrap();
    let p = d.join("evil.toml");
    let key = format!("\\u001b[31m{}", "k".repeat(200));
    fs::write(&p, base.replace("[land_release]\n", &format!("[land_release]\n\"{key}\" = 1\n"))).unwrap();
    let (code, _, err) = demine(&["validate", s(&p)]);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
    starts(&err, &format!("error: {}: line 9, column 1: unknown field `\\u{{1b}}[31m", p.display()));
    assert!(!err.contains(&"k".repeat(41)), "{err}");
}

// ---------------------------------------------------------------- item 7: flags

#[test]
fn flags_that_would_be_ignored_or_cannot_apply_are_errors() {
    let cases: &[(&[&str], i32, &str)] = &[
        (&["run", "--watch", "total_cost"], 2, "error: --watch: 'total_cost' is invalid: needs --precision"),
        (&["run", "--max-trials", "5000"], 2, "error: --max-trials: 5000 is invalid: needs --precision"),
        (
            &["run", "--precision", "5%", "--max-trials", "100"],
            2,
            "error: --max-trials: 100 is invalid: must be at least the first round of --precision (1024 trials)",
        ),
        (
            &["budget", "ukraine", "--finish-by", "99999"],
            2,
            "error: --finish-by: 99999 is invalid: must be a calendar year in [1900, 2200]",
        ),
        (
            &["budget", "ukraine", "--finish-by=-2147483648"],
            2,
            "error: --finish-by: -2147483648 is invalid: must be a calendar year in [1900, 2200]",
        ),
        (
            &["capacity", "ukraine", "--finish-by", "1899"],
            2,
            "error: --finish-by: 1899 is invalid: must be a calendar year in [1900, 2200]",
        ),
        (
            &["capacity", "ukraine", "--finish-by", "2147483647"],
            2,
            "error: --finish-by: 2147483647 is invalid: must be a calendar year in [1900, 2200]",
        ),
    ];
    for (args, code, want) in cases {
        let (c, stdout, err) = demine(args);
        assert_eq!(c, *code, "{args:?}: {err}");
        assert_eq!(stdout, "", "{args:?}: nothing on stdout");
        starts(&err, want);
    }
}

#[test]
fn a_run_whose_every_trial_fails_exits_non_zero() {
    let d = dir("all-fail");
    let scen = overflowing(&d);
    // Technical survey at 1e302 USD/m² is valid, and every trial's cost overflows to infinity.
    // (Should validation come to bound such magnitudes, pick another overflow.)
    assert!(demine::Scenario::from_toml_str(&fs::read_to_string(&scen).unwrap()).is_ok());
    for args in [
        &["run", s(&scen), "--trials", "20"][..],
        &["compare", s(&scen), s(&scen), "--trials", "20"],
        &["sensitivity", s(&scen), "--trials", "20", "--sobol-n", "0"],
    ] {
        let (code, stdout, err) = demine(args);
        assert_eq!(code, 1, "{args:?}: {stdout}{err}");
        starts(&err, "error: every trial failed: 20 of 20 trials gave a non-finite output");
        assert_eq!(stdout, "");
    }
}
