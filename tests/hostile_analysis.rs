//! Hostile input to the analyses (issue 10): sensitivity on a deterministic
//! plan, on a plan whose every trial fails, absurd or zero Sobol sizes, and
//! library misuse. Each case expects a clear error naming the argument (or a
//! sensible result), never a panic, an abort or a silent NaN.

mod common;
use demine::analysis::{scenario_sobol_indices, tornado};
use demine::sampling::SaltelliDesign;
use demine::stats::{jansen, sobol_indices, standardized_regression};
use demine::{Dist, Error, ModelLevel, Sampler, Scenario, SimConfig, simulate};
use std::process::Command;

fn demine(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_demine")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn tmp(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("demine-hostile-analysis-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

/// FIXED with one uncertain input whose every value overflows the cost (with a tiny productivity): every trial fails.
fn all_fail() -> String {
    let text = common::edit(
        common::FIXED,
        "cost_usd_per_team_day = 1000",
        r#"cost_usd_per_team_day = { dist = "uniform", min = 1e299, max = 1e300 }"#,
    );
    common::edit(&text, "productivity_m2_per_team_day = 200", "productivity_m2_per_team_day = 1e-10")
}

fn district() -> String {
    format!("{}/tests/data/district.toml", env!("CARGO_MANIFEST_DIR"))
}

/// The error's message, which must start with `start`.
fn err_starts(r: Result<impl std::fmt::Debug, Error>, start: &str) -> Error {
    let e = r.expect_err("an error");
    assert!(e.to_string().starts_with(start), "expected {start:?}, got {:?}", e.to_string());
    e
}

// ---------------------------------------------------------------- CLI cases

/// (arguments after `sensitivity`, exit code, start of stderr's first line or "" for success).
#[test]
fn cli_sensitivity_cases() {
    let fixed = tmp("fixed.toml", common::FIXED);
    let fail = tmp("all-fail.toml", &all_fail());
    let d = district();
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (vec![&fixed, "--trials", "50"], 0, ""),
        (vec![&fixed, "--trials", "50", "--format", "json"], 0, ""),
        (vec![&fail, "--trials", "50"], 1, "error: every trial failed: 50 of 50 trials gave a non-finite output"),
        (
            vec![&d, "--trials", "50", "--sobol-n", "3074457345618258603"],
            2,
            "error: sobol_n: 3074457345618258603 is invalid: the Sobol design needs N·(k + 3) = 21521201419327810221 model runs",
        ),
        (
            vec![&d, "--trials", "50", "--sobol-n", "18446744073709551615"],
            2,
            "error: sobol_n: 18446744073709551615 is invalid",
        ),
        (vec![&d, "--trials", "50", "--sobol-n", "5"], 2, "error: sobol_n: 5 is invalid: must be >= 16"),
        (vec![&d, "--trials", "50", "--sobol-n", "0"], 0, ""),
    ];
    for (args, code, start) in cases {
        let mut all = vec!["sensitivity"];
        all.extend(&args);
        let (c, out, err) = demine(&all);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(c, code, "{args:?}: stdout {out} stderr {err}");
        assert!(err.starts_with(start), "{args:?}: expected {start:?}, got {err:?}");
    }
}

#[test]
fn cli_deterministic_plan_says_there_is_no_uncertain_input() {
    let fixed = tmp("fixed2.toml", common::FIXED);
    let (c, out, err) = demine(&["sensitivity", &fixed, "--trials", "20"]);
    assert_eq!(c, 0, "{err}");
    assert!(out.contains("note: no uncertain input: every value in the scenario is fixed"), "{out}");
    assert!(!out.contains("Sobol indices ("), "{out}");
    let (c, out, _) = demine(&["sensitivity", &fixed, "--trials", "20", "--format", "json"]);
    assert_eq!(c, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["tornado"], serde_json::json!([]));
    assert_eq!(v["sobol"], serde_json::json!([]));
    assert!(v["notes"][0].as_str().unwrap().starts_with("no uncertain input"));
}

#[test]
fn cli_sobol_n_zero_says_the_indices_were_skipped() {
    let (c, out, err) = demine(&["sensitivity", &district(), "--trials", "50", "--sobol-n", "0"]);
    assert_eq!(c, 0, "{err}");
    assert!(out.contains("note: Sobol indices skipped (--sobol-n 0)"), "{out}");
    assert!(!out.contains("Sobol indices ("), "{out}");
}

// ---------------------------------------------------------------- library cases

#[test]
fn sobol_indices_refuses_bad_arguments() {
    let u = [Dist::uniform(0.0, 1.0).unwrap()];
    let f = |x: &[f64]| x[0];
    err_starts(sobol_indices(&[], &[], f, 64, 1, 8), "dists: none is invalid: must hold at least one");
    err_starts(sobol_indices(&u, &["x"], f, 0, 1, 8), "n: 0 is invalid: must be >= 64 (8 replicate designs");
    err_starts(sobol_indices(&u, &["x"], f, 63, 1, 8), "n: 63 is invalid: must be >= 64");
    err_starts(sobol_indices(&u, &["x"], f, 64, 1, 0), "replicates: 0 is invalid: must be >= 2");
    err_starts(sobol_indices(&u, &["x"], f, 64, 1, 1), "replicates: 1 is invalid: must be >= 2");
    err_starts(sobol_indices(&u, &["x", "y"], f, 64, 1, 8), "names: 2 names is invalid: must name each of the 1");
    err_starts(sobol_indices(&u, &["x"], f, u64::MAX, 1, 8), "n: 18446744073709551615 is invalid: must be below");
    err_starts(
        sobol_indices(&u, &["x"], f, 1 << 40, 1, 1024),
        "n: 1099511627776 is invalid: the design needs N·(k + 2) = 3298534883328 model runs",
    );
    // A function that is never finite: every row failed.
    err_starts(
        sobol_indices(&u, &["x"], |_| f64::NAN, 64, 1, 8),
        "f: every one of the 64 base rows of the Sobol design has a failed run",
    );
    // A constant function: indices 0 with a note, never NaN.
    let s = sobol_indices(&u, &["x"], |_| 3.0, 64, 1, 8).unwrap();
    assert_eq!((s.first[0], s.total[0]), (0.0, 0.0));
    assert!(s.first_ci[0].iter().chain(&s.total_ci[0]).all(|v| v.is_finite()));
    assert!(s.notes[0].starts_with("the output is the same in every run"), "{:?}", s.notes);
}

#[test]
fn jansen_refuses_bad_arguments() {
    let x = vec![1.0, 2.0, 3.0, 4.0];
    let xx = [x.clone()];
    let one_block: Vec<std::ops::Range<usize>> = std::iter::once(0..4).collect();
    let names = vec!["a".to_string()];
    let blocks = [0..2, 2..4];
    err_starts(jansen("y", &[], &x, &x, &[], &blocks), "inputs: none is invalid");
    err_starts(jansen("y", &names, &[], &[], &[vec![]], &blocks), "n: 0 is invalid");
    err_starts(jansen("y", &names, &x, &x[..3], &xx, &blocks), "fb: 3 values is invalid");
    err_starts(jansen("y", &names, &x, &x, &xx, &one_block), "replicates: 1 is invalid: must be >= 2");
    err_starts(jansen("y", &names, &x, &x, &xx, &[0..2, 1..5]), "replicates: 1..5 is invalid");
    let nan = vec![f64::NAN; 4];
    err_starts(jansen("y", &names, &nan, &x, &xx, &blocks), "y: every one of the 4 base rows");
    // Rows 0 and 2 failed: each block keeps one row, too few for an interval.
    let part = vec![f64::NAN, 2.0, f64::NAN, 4.0];
    err_starts(jansen("y", &names, &part, &x, &xx, &blocks), "y: only 0 of the 2 replicate designs keep 2");
}

#[test]
fn saltelli_design_refuses_bad_sizes() {
    err_starts(SaltelliDesign::new(0, 64, 1, Sampler::Sobol), "inputs: none is invalid");
    err_starts(SaltelliDesign::new(2, 0, 1, Sampler::Sobol), "n: 0 is invalid: must be >= 8");
    err_starts(SaltelliDesign::replicated(2, 64, 0, 1, Sampler::Sobol), "replicates: 0 is invalid");
    err_starts(SaltelliDesign::new(3, u64::MAX / 4, 1, Sampler::Sobol), "n: 4611686018427387903 is invalid");
    let d = SaltelliDesign::replicated(2, 70, 4, 1, Sampler::Sobol).unwrap();
    assert_eq!(d.blocks, vec![0..18, 18..36, 36..53, 53..70]);
}

#[test]
fn tornado_and_sobol_of_a_deterministic_plan_are_errors_naming_the_inputs() {
    let s = Scenario::from_toml_str(common::FIXED).unwrap();
    let config = SimConfig::default().with_trials(20);
    let o = simulate(&s, &config).unwrap();
    err_starts(tornado(&o, "total_cost"), "inputs: none is invalid: the run has no uncertain input");
    err_starts(
        scenario_sobol_indices(&s, &config, &["total_cost"], 64, 2),
        "inputs: none is invalid: the scenario has no uncertain input",
    );
    let (src, r2) = standardized_regression(&[], &[1.0, 2.0, 3.0]);
    assert!(src.is_empty() && r2.is_nan());
}

#[test]
fn tornado_and_sobol_when_every_trial_fails_are_errors() {
    let s = Scenario::from_toml_str(&all_fail()).unwrap();
    let config = SimConfig::default().with_trials(30).with_model(ModelLevel::Aggregate);
    let o = simulate(&s, &config).unwrap();
    let e = err_starts(tornado(&o, "total_cost"), "total_cost: every one of the 30 trials failed");
    assert!(matches!(e, Error::Infeasible(_)));
    err_starts(
        scenario_sobol_indices(&s, &config, &["total_cost"], 64, 2),
        "total_cost: every one of the 64 base rows of the Sobol design has a failed run",
    );
}

#[test]
fn scenario_sobol_sizes_are_checked_before_anything_big_is_allocated() {
    let s = demine::io::load_scenario(&district()).unwrap();
    let config = SimConfig::default();
    err_starts(scenario_sobol_indices(&s, &config, &["total_cost"], 0, 8), "sobol_n: 0 is invalid: must be >= 16");
    err_starts(
        scenario_sobol_indices(&s, &config, &["total_cost"], u64::MAX, 8),
        "sobol_n: 18446744073709551615 is invalid: the Sobol design needs N·(k + 3) = 129127208515966861305 model runs",
    );
    err_starts(scenario_sobol_indices(&s, &config, &["total_cost"], 64, 0), "replicates: 0 is invalid");
    err_starts(
        scenario_sobol_indices(&s, &config, &["total_cost"], 64, 16),
        "sobol_n: 64 is invalid: must be >= 128 (16 replicate designs",
    );
    let small = config.with_memory_limit_bytes(64 << 20);
    let e = err_starts(scenario_sobol_indices(&s, &small, &["total_cost"], 100_000, 8), "sobol_n: 100000 is invalid");
    assert!(e.to_string().contains("over the limit of 64.0 MiB; use sobol_n <= "), "{e}");
}

#[test]
fn capacity_scaling_refuses_a_bad_factor() {
    let s = demine::io::load_scenario(&district()).unwrap();
    for (f, shown) in [(f64::NAN, "NaN"), (-1.0, "-1"), (0.0, "0"), (f64::INFINITY, "inf")] {
        err_starts(s.with_clearance_capacity_scaled(f), &format!("factor: {shown} is invalid"));
    }
}

/// The district (which has a schedule) with a manual cost that overflows every trial's total.
fn district_all_fail() -> Scenario {
    let text = std::fs::read_to_string(district()).unwrap().replace(
        "cost_usd_per_team_day = 1500\n[methods.mechanical]",
        "cost_usd_per_team_day = { dist = \"uniform\", min = 1e299, max = 1e300 }\n[methods.mechanical]",
    );
    let text = text.replace(
        "productivity_m2_per_team_day = { dist = \"triangular\", min = 100, mode = 200, max = 400 }",
        "productivity_m2_per_team_day = 1e-10",
    );
    assert!(text.contains("1e300") && text.contains("= 1e-10"));
    let dir = std::env::temp_dir().join(format!("demine-hostile-analysis-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        format!("{}/tests/data/district-sites.csv", env!("CARGO_MANIFEST_DIR")),
        dir.join("district-sites.csv"),
    )
    .unwrap();
    let p = dir.join("district-all-fail.toml");
    std::fs::write(&p, text).unwrap();
    demine::io::load_scenario(p.to_str().unwrap()).unwrap()
}

#[test]
fn capacity_and_budget_when_every_trial_fails_are_errors_not_infeasible_deadlines() {
    use demine::analysis::{release_with_budget, required_budget, required_clearance_capacity};
    let s = district_all_fail();
    let config = SimConfig::default().with_trials(40);
    let e = err_starts(
        required_clearance_capacity(&s, &config, 2040, 0.5),
        "duration_years: every one of the 40 trials failed (a non-finite output) at 1× today's clearance teams",
    );
    assert!(matches!(e, Error::Infeasible(_)));
    err_starts(
        required_budget(&s, &config, 2040, 0.5),
        "duration_years: every one of the 40 trials failed (a non-finite output) with a yearly budget of",
    );
    err_starts(
        release_with_budget(&s, &config, 1e6),
        "duration_years: every one of the 40 trials failed (a non-finite output) with a yearly budget of 1.000e6",
    );
}

#[test]
fn capacity_scaling_by_an_extreme_factor_is_an_error_naming_the_factor_or_a_valid_scenario() {
    let s = demine::io::load_scenario(&district()).unwrap();
    for f in [1e308, f64::MAX] {
        // (The value's display is error.rs's; only the field and the rule are pinned here.)
        let e = err_starts(s.with_clearance_capacity_scaled(f), "factor: ");
        assert!(e.to_string().contains(" is invalid: scales capacity.teams.manual.initial (4) out of range"), "{e}");
    }
    // Tiny factors are legal (a thousandth of a team): the run finishes with finite outputs.
    for f in [1e-308, 5e-324] {
        let o = simulate(&s.with_clearance_capacity_scaled(f).unwrap(), &SimConfig::default().with_trials(20)).unwrap();
        assert_eq!(o.failed_trials().1, 0, "factor {f}");
    }
}

#[test]
fn tornado_of_a_constant_output_or_too_few_trials_says_so() {
    let text = common::edit(
        common::FIXED,
        "overhead_fraction = 0.1",
        r#"overhead_fraction = { dist = "uniform", min = 0.05, max = 0.15 }"#,
    );
    let s = Scenario::from_toml_str(&text).unwrap();
    let o = simulate(&s, &SimConfig::default().with_trials(50)).unwrap();
    // The overhead does not change the area: every bar 0, and a warning says why.
    let t = tornado(&o, "suspected_area_km2").unwrap();
    assert!(t.bars.iter().all(|b| b.spearman == 0.0 && b.contribution == 0.0), "{t:?}");
    assert!(t.warnings.iter().any(|w| w.starts_with("the output is the same in every trial")), "{:?}", t.warnings);
    // Two trials cannot fit a line through one input and an intercept.
    let o = simulate(&s, &SimConfig::default().with_trials(2)).unwrap();
    let t = tornado(&o, "total_cost").unwrap();
    assert!(t.src_r2.is_nan());
    assert!(
        t.warnings.iter().any(|w| w.starts_with("2 successful trials are too few for a linear fit")),
        "{:?}",
        t.warnings
    );
}
