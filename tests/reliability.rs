//! Reliability, second pass (issue 24): nothing overwritten, nothing silently wrong. Each case
//! names what it reproduces; the messages are pinned.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_demine");

fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("reliability-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn demine(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).args(args).current_dir(cwd).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn small(d: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    std::fs::copy(root.join("district.toml"), d.join("district.toml")).unwrap();
    for f in std::fs::read_dir(&root).unwrap().flatten() {
        if f.file_name().to_string_lossy().starts_with("district") {
            std::fs::copy(f.path(), d.join(f.file_name())).unwrap();
        }
    }
    d.join("district.toml")
}

#[test]
fn outputs_that_are_one_file_or_an_input_are_refused_before_the_run() {
    let d = dir("outputs");
    small(&d);
    let (code, _, err) =
        demine(&d, &["run", "district.toml", "--trials", "10", "--samples", "s.csv", "--series", "s.csv"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--series: s.csv is invalid: is also the output of --samples"), "{err}");
    let (code, _, err) =
        demine(&d, &["run", "district.toml", "--trials", "10", "--series", "s.csv.units.csv", "--samples", "s.csv"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is also the output of --samples (its companion FILE.units.csv)"), "{err}");
    // A scenario named like the companion of --samples is an input: never overwritten.
    std::fs::copy(d.join("district.toml"), d.join("x.csv.units.csv")).unwrap();
    let before = std::fs::read(d.join("x.csv.units.csv")).unwrap();
    let (code, _, err) = demine(&d, &["run", "x.csv.units.csv", "--trials", "10", "--samples", "x.csv"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--samples (its companion FILE.units.csv)") && err.contains("is also an input"), "{err}");
    assert_eq!(std::fs::read(d.join("x.csv.units.csv")).unwrap(), before);
    assert!(!d.join("x.csv").exists());
}

#[test]
fn series_from_the_aggregate_engine_are_refused_not_written_empty() {
    let d = dir("series");
    let (code, _, err) =
        demine(&d, &["run", "ukraine-2024", "--model", "aggregate", "--trials", "10", "--series", "y.csv"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--series: y.csv is invalid: needs yearly series, which only the site engine keeps"), "{err}");
    assert!(!d.join("y.csv").exists());
}

#[test]
fn a_huge_budget_releases_in_the_start_year_and_prints_in_scientific_form() {
    let d = dir("budget");
    let (code, text, err) =
        demine(&d, &["budget", "ukraine-2024", "--per-year", "1e300", "--trials", "50", "--model", "aggregate"]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("with 1.000e300 USD a year"), "{text}");
    assert!(text.contains("released by 2024 (P50)"), "{text}");
    let (_, json, _) = demine(
        &d,
        &[
            "budget",
            "ukraine-2024",
            "--per-year",
            "1e300",
            "--trials",
            "50",
            "--model",
            "aggregate",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["release_year"]["min"].as_f64().unwrap() >= 2024.0, "{}", v["release_year"]);
    assert_eq!(v["finished_share"].as_f64(), Some(1.0));
}

#[test]
fn added_land_that_stops_before_the_start_is_refused() {
    let d = dir("until");
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/ukraine-war-continues.toml"))
            .unwrap();
    let start = text.lines().find_map(|l| l.strip_prefix("start_year = ")).unwrap().trim().to_string();
    let given = r#"until_year = { dist = "pert", min = 2026, mode = 2027, max = 2030 }"#;
    assert!(text.contains(given), "the bundled file changed: update this test");
    let bad = text.replace(given, "until_year = 2020");
    std::fs::write(d.join("w.toml"), bad).unwrap();
    let (code, _, err) = demine(&d, &["validate", "w.toml"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("until_year: 2020 is invalid: must come after the start year ({start})")), "{err}");
}

#[test]
fn a_nan_threshold_is_an_error_not_a_probability_of_zero() {
    let s = demine::io::load_scenario("ukraine-2024").unwrap();
    let o =
        demine::simulate(&s, &demine::SimConfig::default().with_trials(20).with_model(demine::ModelLevel::Aggregate))
            .unwrap();
    let e = o.probability_at_most("total_cost", f64::NAN).unwrap_err().to_string();
    assert!(e.starts_with("threshold: NaN is invalid: must be a number"), "{e}");
    assert!((o.probability_at_most("total_cost", f64::INFINITY).unwrap() - 1.0).abs() < 1e-12);
}

#[test]
fn terminal_escapes_in_a_scenario_name_are_printed_escaped() {
    let d = dir("escapes");
    let path = small(&d);
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "name = \"district\"",
        "name = \"dis\\u001b]0;owned\\u0007trict\"",
        1,
    );
    std::fs::write(&path, text).unwrap();
    for format in ["table", "csv"] {
        let (code, out, err) =
            demine(&d, &["run", "district.toml", "--trials", "10", "--model", "aggregate", "--format", format]);
        assert_eq!(code, 0, "{err}");
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{format}: a raw escape reached stdout");
    }
}

#[test]
fn sigterm_during_a_write_leaves_no_temporary_and_no_partial_file() {
    let d = dir("signal");
    // About 30 MB of samples: the write takes long enough to be caught in the middle.
    let mut child = Command::new(BIN)
        .args(["run", "ukraine-2024", "--trials", "300000", "--model", "aggregate", "--samples", "big.csv"])
        .current_dir(&d)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let tmp =
        |d: &Path| std::fs::read_dir(d).unwrap().flatten().any(|e| e.file_name().to_string_lossy().ends_with(".tmp"));
    let t0 = Instant::now();
    while !tmp(&d) && t0.elapsed() < Duration::from_secs(120) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    if !tmp(&d) {
        // The machine wrote it all before we looked: nothing to interrupt; the file is whole.
        let _ = child.wait();
        assert!(d.join("big.csv").exists());
        return;
    }
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(128 + 15), "exit status after SIGTERM");
    assert!(!tmp(&d), "a temporary file was left behind");
    assert!(!d.join("big.csv").exists(), "a partial file was left behind");
}

#[test]
fn input_rows_outside_an_inputs_support_are_refused() {
    let s = demine::io::load_scenario("ukraine-2024").unwrap();
    let config = demine::SimConfig::default().with_model(demine::ModelLevel::Aggregate);
    let mut run = demine::Run::new(&s, &config).unwrap();
    let k = run.input_quantiles().len();
    let mut row = Vec::new();
    run.quantiles_into(&vec![0.5; k], &mut row);
    let names: Vec<String> = s.inputs().map(|i| i.name.clone()).collect();
    let j = names.iter().position(|n| n.ends_with("fraction")).expect("a fraction among the inputs");
    let mut bad = row.clone();
    bad[j] = 1.5;
    let e = run.add_input_rows(&[row.clone(), bad].concat(), &[1, 2]).unwrap_err().to_string();
    assert!(
        e.starts_with(&format!("rows[1][{j}] ({}): 1.5 is invalid: must lie in the input's support", names[j])),
        "{e}"
    );
    assert_eq!(run.trials(), 0, "nothing is run");
    run.add_input_rows(&row, &[1]).unwrap();
    assert_eq!(run.trials(), 1);
}

#[test]
fn a_programme_larger_than_its_land_is_skipped_not_predicted_as_zero() {
    let d = dir("backtest-large");
    let records = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/programmes.csv")).unwrap();
    let header = records.lines().next().unwrap();
    let row = records.lines().find(|l| l.starts_with("Croatia,2004,")).unwrap();
    assert!(row.contains(",52000000,USD,"), "the shipped record changed: update this test");
    std::fs::write(d.join("big.csv"), format!("{header}\n{}\n", row.replace(",52000000,USD,", ",5000000000,USD,")))
        .unwrap();
    let (code, out, err) = demine(&d, &["backtest", "big.csv", "--simulate", "--trials", "100"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("skipped 1 records:"), "{out}");
    assert!(out.contains("Croatia 2004: at this size the programme releases all the land the priors give it"), "{out}");
}

#[test]
fn a_file_that_shadows_a_bundled_name_says_it_is_read() {
    let d = dir("shadow");
    std::fs::copy(small(&d), d.join("ukraine-2024")).unwrap();
    let (code, _, err) = demine(&d, &["run", "ukraine-2024", "--trials", "10", "--model", "aggregate"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("note: reading the file ./ukraine-2024, not the bundled scenario ukraine-2024"), "{err}");
    let (_, _, err) = demine(&dir("no-shadow"), &["run", "ukraine-2024", "--trials", "10", "--model", "aggregate"]);
    assert!(!err.contains("note: reading the file"), "{err}");
}

#[test]
fn messages_name_the_culprit_and_cut_what_they_quote() {
    let d = dir("messages");
    small(&d);
    // An index with more digits than any list can hold says so.
    let (code, _, err) =
        demine(&d, &["run", "district.toml", "--trials", "10", "--set", "regions[99999999999999999999].name=x"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("an index is larger than the list"), "{err}");
    // Among several --set, only the one the problem is about is named, its value cut to 40 characters.
    let long = format!("name={}", "x".repeat(100));
    let (code, _, err) = demine(
        &d,
        &[
            "run",
            "district.toml",
            "--trials",
            "10",
            "--set",
            &long,
            "--set",
            "capacity.teams.manual.initial=-5",
            "--set",
            "costs.overhead_fraction=0.1",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("district with capacity.teams.manual.initial=-5: 1 problem found"), "{err}");
    assert!(!err.contains("xxxxxxxxxx") && !err.contains("overhead_fraction"), "{err}");
    let (_, _, err) =
        demine(&d, &["run", "district.toml", "--trials", "10", "--set", &format!("start_year={}", "9".repeat(80))]);
    assert!(!err.contains(&"9".repeat(41)), "values quoted in errors are cut: {err}");
    // --watch names itself.
    let (code, _, err) =
        demine(&d, &["run", "district.toml", "--precision", "5%", "--max-trials", "2000", "--watch", "nonsense"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--watch: 'nonsense' is unknown"), "{err}");
    // --sites-csv with the aggregate engine is a flag error, before the run.
    let (code, _, err) =
        demine(&d, &["run", "district.toml", "--trials", "10", "--model", "aggregate", "--sites-csv", "s.csv"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--sites-csv: s.csv is invalid: needs per-site results, which only the site engine keeps"),
        "{err}"
    );
    assert!(!d.join("s.csv").exists());
}

#[test]
fn an_unterminated_quote_in_a_csv_is_named_where_it_opens() {
    let d = dir("quote");
    let scenario = small(&d);
    let csv = d.join("district-sites.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    std::fs::write(&csv, text.replacen("N-2,North", "N-2,\"North", 1)).unwrap();
    let (code, _, err) = demine(&d, &["validate", scenario.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "district-sites.csv: line 3, column 2: '\"' is invalid: opens a quoted field that is never closed"
        ),
        "{err}"
    );
    // Quotes that close, and doubled quotes inside them, are fine.
    std::fs::write(&csv, text.replacen("N-2,North", "\"N-2 \"\"x\"\"\",\"North\"", 1)).unwrap();
    let (code, out, err) = demine(&d, &["validate", scenario.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    // A file read as an inventory is quoted once, cut, with every missing column in one problem.
    std::fs::write(&csv, format!("{}\n", "y".repeat(5000))).unwrap();
    let (_, _, err) = demine(&d, &["validate", scenario.to_str().unwrap()]);
    assert_eq!(err.matches("header [").count(), 1, "{err}");
    assert!(err.contains("the columns `id`, `region`, `status`"), "{err}");
    assert!(!err.contains(&"y".repeat(41)), "{err}");
}

#[test]
fn land_arriving_after_the_deadline_is_said() {
    let (code, out, err) = demine(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["budget", "ukraine-war-continues", "--finish-by", "2030", "--trials", "100"],
    );
    assert_eq!(code, 0, "{err}");
    // The returned land's arrival year is uniform on [2027, 2032]: after the end of 2030 with probability 0.2.
    assert!(
        out.contains(
            "Land arrives after the deadline (regions[7].strata[1].arrives_year in 20 % of trials): no budget releases \
             it before it arrives, so at most 80 % of trials can finish by the end of 2030."
        ),
        "{out}"
    );
    let (_, out, _) = demine(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["budget", "ukraine-war-continues", "--finish-by", "2040", "--trials", "100"],
    );
    assert!(!out.contains("Land arrives after the deadline"), "{out}");
}

#[test]
fn a_driver_given_as_zero_is_named_for_that_record_only() {
    let d = dir("zero-driver");
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/programmes.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let cols: Vec<&str> = header.split(',').collect();
    let col = |name: &str| cols.iter().position(|c| *c == name).unwrap();
    // Two records of the file with their funding removed: one with 0 deminers, one with 500.
    let mut out = vec![header.to_string()];
    for (k, line) in lines.filter(|l| !l.contains('"')).take(2).enumerate() {
        let mut f: Vec<String> = line.split(',').map(str::to_string).collect();
        for c in ["funding", "funding_national", "funding_international", "teams"] {
            f[col(c)].clear();
        }
        f[col("deminers")] = if k == 0 { "0".into() } else { "500".into() };
        out.push(f.join(","));
    }
    std::fs::write(d.join("p.csv"), out.join("\n") + "\n").unwrap();
    let (code, stdout, err) = demine(&d, &["backtest", "p.csv"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(stdout.matches("deminers 0: a driver must be > 0").count(), 1, "{stdout}");
    assert!(!stdout.contains("no funding in US$, deminers or teams reported"), "{stdout}");
}

#[test]
fn every_correlation_problem_at_once_named_by_its_place_in_the_file() {
    let d = dir("correlation");
    let scenario = small(&d);
    let mut text = std::fs::read_to_string(&scenario).unwrap();
    text.push_str(
        r#"
[correlation]
pairs = [
  { inputs = ["land_release.cancelled_fraction", "land_release.reduced_fraction", "x"], rank_correlation = 0.5 },
  { inputs = ["land_release.reduced_fraction", "land_release.reduced_fraction"], rank_correlation = 0.5 },
  { inputs = ["land_release.cancelled_fraction", "nope"], rank_correlation = 1.5 },
]
"#,
    );
    std::fs::write(&scenario, text).unwrap();
    let (code, _, err) = demine(&d, &["validate", "district.toml"]);
    assert_eq!(code, 2, "{err}");
    for want in [
        "4 problems found",
        "correlation.pairs[0].inputs: 3 names is invalid: must name exactly two inputs",
        "correlation.pairs[1].inputs: land_release.reduced_fraction is invalid: an input cannot be correlated with itself",
        "correlation.pairs[2].inputs[1]: nope is invalid: is not an uncertain input",
        "correlation.pairs[2].rank_correlation: 1.5 is invalid: a correlation must lie in [-1, 1]",
    ] {
        assert!(err.contains(want), "no {want:?} in\n{err}");
    }
}
