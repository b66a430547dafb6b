//! The binary on good and bad input: exit codes and messages.

use std::process::Command;

fn demine(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_demine")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn tmp(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("demine-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn run_json_has_the_contract() {
    let (code, out, _) = demine(&["run", "ukraine", "--trials", "300", "--model", "aggregate", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["scenario"], "ukraine");
    assert_eq!(v["trials"], 300);
    assert_eq!(v["seed"], 42);
    for k in [
        "suspected_area_km2",
        "cancelled_area_km2",
        "reduced_area_km2",
        "cleared_area_km2",
        "total_cost",
        "duration_years",
    ] {
        for s in ["mean", "sd", "se", "min", "max", "p5", "p10", "p25", "p50", "p75", "p80", "p90", "p95"] {
            assert!(v["outputs"][k][s].is_number(), "{k}.{s}");
        }
    }
}

#[test]
fn json_is_identical_on_one_and_two_threads() {
    let a = demine(&["run", "ukraine", "--trials", "30", "--seed", "9", "--threads", "1", "--format", "json"]);
    let b = demine(&["run", "ukraine", "--trials", "30", "--seed", "9", "--threads", "2", "--format", "json"]);
    assert_eq!(a.0, 0);
    assert_eq!(a.1, b.1);
}

#[test]
fn table_and_csv_formats() {
    let (code, out, _) = demine(&["run", "ukraine-2024", "--trials", "200", "--model", "aggregate"]);
    assert_eq!(code, 0);
    assert!(out.contains("total_cost") && out.contains("USD") && out.contains(" bn"), "{out}");
    assert!(out.contains("km²"));
    let (code, out, _) = demine(&["run", "ukraine-2024", "--trials", "200", "--model", "aggregate", "--format", "csv"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("output,region,unit,mean,sd,se,min,max,p5,p10,p25,p50,p75,p80,p90,p95"));
    assert!(out.lines().any(|l| l.starts_with("total_cost,,USD,")));
}

#[test]
fn scenarios_show_and_validate() {
    let (code, out, _) = demine(&["scenarios"]);
    assert_eq!(code, 0);
    for n in ["ukraine ", "ukraine-2024", "eastern-flank"] {
        assert!(out.contains(n), "{out}");
    }
    let (code, toml, _) = demine(&["show", "ukraine"]);
    assert_eq!(code, 0);
    let p = tmp("copy.toml", &toml);
    let (code, out, _) = demine(&["validate", p.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("valid: 7 regions"), "{out}");
}

#[test]
fn validate_lists_every_problem_and_exits_2() {
    let (_, toml, _) = demine(&["show", "ukraine"]);
    let bad = toml.replacen("land_area_km2 = 603628", "land_area_km2 = -603628", 1).replacen(
        "mode = 0.80, max = 0.95",
        "mode = 0.99, max = 0.95",
        1,
    );
    let p = tmp("bad.toml", &bad);
    let (code, _, err) = demine(&["validate", p.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("2 problems found"), "{err}");
    assert!(err.contains("land_area_km2: -603628 is invalid: must be > 0"), "{err}");
    assert!(
        err.contains("land_release.cancelled_fraction.mode: 0.99 is invalid: must lie in [min, max] = [0.6, 0.95]"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
}

#[test]
fn bad_files_and_flags_exit_nonzero_with_a_message() {
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["run".into(), tmp("empty.toml", "").display().to_string()], "the file is empty"),
        (vec!["run".into(), "/nonexistent/x.toml".into()], "/nonexistent/x.toml: No such file"),
        (vec!["run".into(), "atlantis".into()], "scenario: 'atlantis' is unknown"),
        (vec!["run".into(), "--trials".into(), "0".into()], "trials: 0 is invalid: must be >= 1"),
        (vec!["run".into(), "--trials".into(), "100000000000000".into()], "its kept samples would need"),
        (vec!["run".into(), "--sampler".into(), "halton".into()], "sampler: 'halton' is unknown"),
        (vec!["run".into(), "--threads".into(), "0".into()], "threads: 0 is invalid"),
        (vec!["validate".into(), tmp("junk.toml", "this is [not toml").display().to_string()], "line 1, column"),
        (vec!["run".into(), "--precision".into(), "0%".into()], "precision: 0 % is invalid: must lie in (0 %, 100 %]"),
        (vec!["run".into(), "--precision".into(), "101%".into()], "precision: 101 % is invalid"),
        (
            vec![
                "capacity".into(),
                "ukraine".into(),
                "--finish-by".into(),
                "2030".into(),
                "--confidence".into(),
                "1.5".into(),
            ],
            "confidence: 1.5 is invalid: must lie in (0, 1)",
        ),
        (
            vec![
                "sensitivity".into(),
                "ukraine".into(),
                "--output".into(),
                "bogus".into(),
                "--trials".into(),
                "50".into(),
            ],
            "output: 'bogus' is unknown",
        ),
    ];
    for (args, want) in cases {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, _, err) = demine(&a);
        assert_ne!(code, 0, "{a:?}");
        assert!(err.contains(want), "{a:?}: {err}");
        assert!(!err.contains("panicked"), "{a:?}: {err}");
    }
}

#[test]
fn scenario_level_sampler_and_repairs_are_checked_and_reported() {
    let (_, toml, _) = demine(&["show", "eastern-flank"]);
    let p = tmp("bad-sampler.toml", &toml.replacen("sampler = \"monte_carlo\"", "sampler = \"halton\"", 1));
    let (code, _, err) = demine(&["validate", p.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("sampler: halton is invalid: must be one of monte_carlo (mc), latin_hypercube (lhs), sobol"),
        "{err}"
    );
    // An impossible correlation structure with repair = true: validate and run list the changed entries.
    let impossible = toml.replacen("rank_correlation = 0.8 },\n  { inputs = [\"methods.manual.cost_usd_per_m2\", \"methods.mine_detection_dogs.cost_usd_per_m2\"], rank_correlation = 0.8 }", "rank_correlation = 0.9 },\n  { inputs = [\"methods.manual.cost_usd_per_m2\", \"methods.mine_detection_dogs.cost_usd_per_m2\"], rank_correlation = -0.9 }", 1);
    assert_ne!(impossible, toml);
    let p = tmp("impossible.toml", &impossible);
    let (code, _, err) = demine(&["validate", p.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("is not positive definite (smallest eigenvalue -"), "{err}");
    let p = tmp("repaired.toml", &impossible.replacen("[correlation]\n", "[correlation]\nrepair = true\n", 1));
    let (code, out, _) = demine(&["validate", p.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("correlation matrix repaired") && out.contains("given 0.9000, used"), "{out}");
    let (code, out, _) = demine(&["run", p.to_str().unwrap(), "--trials", "20", "--format", "json"]);
    assert_eq!(code, 0);
    assert!(out.contains("\"correlation_repairs\""), "{out}");
}

#[test]
fn sites_csv_lists_every_site() {
    let dir = std::env::temp_dir().join(format!("demine-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("sites-out.csv");
    let scenario = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/district.toml");
    let (code, _, err) =
        demine(&["run", scenario.to_str().unwrap(), "--trials", "50", "--sites-csv", p.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&p).unwrap();
    assert_eq!(text.lines().count(), 9);
    assert!(text.starts_with("id,region,mean_release_year,released_share\nN-1,North,20"), "{text}");
}

#[test]
fn the_documented_scenario_example_validates_and_runs() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/SCENARIOS.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let start =
        readme.find("```toml\nname = \"district\"").expect("docs/SCENARIOS.md has the example") + "```toml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let p = tmp("readme.toml", &readme[start..end]);
    let (code, out, err) = demine(&["validate", p.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("valid: 2 regions, 4 strata"), "{out}");
    let (code, out, err) = demine(&["run", p.to_str().unwrap(), "--trials", "100", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"casualties_over_horizon\""));
}
