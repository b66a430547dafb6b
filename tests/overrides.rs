//! `--set PATH=VALUE` overrides (CLI and library): one syntax, validated as the file is.

use demine::io::{Override, apply_overrides, load_scenario};
use demine::{ModelLevel, SimConfig, simulate};
use std::process::Command;

fn demine(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_demine")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = demine(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap()
}

const AGG: [&str; 6] = ["--trials", "400", "--model", "aggregate", "--format", "json"];

fn p50(v: &serde_json::Value, name: &str) -> f64 {
    v["outputs"][name]["p50"].as_f64().unwrap()
}

#[test]
fn set_in_the_cli_equals_set_value_in_the_library_bit_for_bit() {
    let set = ["--set", "capacity.teams.manual.initial=940"];
    let base = json(&[&["run", "ukraine"][..], &AGG].concat());
    let edited = json(&[&["run", "ukraine"][..], &AGG, &set].concat());
    assert!(p50(&edited, "duration_years") < p50(&base, "duration_years"), "more teams finish sooner");
    assert_eq!(p50(&edited, "suspected_area_km2"), p50(&base, "suspected_area_km2"), "common random numbers");
    let mut s = load_scenario("ukraine").unwrap();
    s.set_value("capacity.teams.manual.initial", "940").unwrap();
    let o = simulate(&s, &SimConfig::default().with_trials(400).with_model(ModelLevel::Aggregate)).unwrap();
    for name in ["total_cost", "duration_years", "programme_cost"] {
        assert_eq!(o.summary(name).unwrap().p50(), p50(&edited, name), "{name}");
    }
}

#[test]
fn a_distribution_in_file_syntax_and_its_present_value_change_nothing_else() {
    let s = load_scenario("ukraine").unwrap();
    let config = SimConfig::default().with_trials(300).with_model(ModelLevel::Aggregate);
    let base = simulate(&s, &config).unwrap();
    // The file's own value, written inline: the same scenario, the same numbers.
    let same = apply_overrides(
        &s,
        &[Override::new("land_release.cancelled_fraction", "{dist=\"pert\",min=0.6,mode=0.8,max=0.95}")],
    )
    .unwrap();
    assert_eq!(same, s);
    assert_eq!(simulate(&same, &config).unwrap().values("total_cost"), base.values("total_cost"));
    // A new distribution changes the input and what depends on it, not the other inputs' draws.
    let o: Override = "land_release.cancelled_fraction={dist=\"pert\",min=0.5,mode=0.7,max=0.9}".parse().unwrap();
    let edited = simulate(&apply_overrides(&s, &[o]).unwrap(), &config).unwrap();
    assert_eq!(edited.values("suspected_area_km2"), base.values("suspected_area_km2"));
    assert!(edited.summary("cancelled_area_km2").unwrap().mean < base.summary("cancelled_area_km2").unwrap().mean);
}

#[test]
fn every_input_path_listed_by_inputs_can_be_set() {
    for name in ["ukraine", "eastern-flank", "ukraine-war-continues"] {
        let (code, out, err) = demine(&["inputs", name]);
        assert_eq!(code, 0, "{err}");
        let s = load_scenario(name).unwrap();
        for line in out.lines() {
            let path = line.split_whitespace().next().unwrap();
            // Fixing an input at its mean is valid for every rule the inputs have.
            let mean = s.param(path).unwrap_or_else(|| panic!("{path}")).dist.mean();
            let mut e = s.clone();
            if let Err(err) = e.set_value(path, &format!("{mean:?}")) {
                // Validated as the file is: a correlated input cannot be fixed.
                assert!(err.to_string().contains("fixed values cannot be correlated"), "{name}: {path}: {err}");
                continue;
            }
            assert!(e.param(path).is_none_or(|p| p.dist.mean() == mean), "{path}");
            assert_eq!(e.inputs().len(), s.inputs().len() - 1, "{name}: {path} is now fixed");
        }
    }
}

#[test]
fn bad_overrides_name_the_path_value_and_rule() {
    let cases: [(&str, &str); 10] = [
        (
            "capacity.teams.no_such_pool.initial=1",
            "capacity.teams: 'no_such_pool' is unknown; known: battle_area_clearance, manual",
        ),
        ("capacity.teams.manual.initail=5", "capacity.teams.manual.initail: 5 is invalid: unknown field `initail`"),
        ("capacity.teams.manual.initial=-5", "capacity.teams.manual.initial: -5 is invalid: must be >= 0"),
        (
            "land_release.cancelled_fraction=1.5",
            "land_release.cancelled_fraction: 1.5 is invalid: a fraction must lie in [0, 1]",
        ),
        (
            "land_release.cancelled_fraction={dist=\"pert\",min=0.9,mode=0.7,max=0.5}",
            "land_release.cancelled_fraction.max: 0.5 is invalid: must be > min",
        ),
        ("capacity.teams.manual.initial=nan", "capacity.teams.manual.initial: NaN is invalid: must be a finite number"),
        (
            "costs.overhead_fraction=abc",
            "costs.overhead_fraction: abc is invalid: invalid type: string \"abc\", expected a number",
        ),
        ("regions[99].name=x", "regions: [99] is invalid: must be < 7, the list's length"),
        ("name.x=1", "name: \"ukraine\" is invalid: is a value, not a table"),
        ("capacity.teams.manual.initial", "--set: capacity.teams.manual.initial is invalid: must be PATH=VALUE"),
    ];
    for (set, expected) in cases {
        let (code, out, err) = demine(&["run", "ukraine", "--trials", "20", "--model", "aggregate", "--set", set]);
        assert_eq!(code, 2, "{set}: {err}");
        assert!(out.is_empty(), "{set}");
        assert!(err.contains(expected), "{set}: expected «{expected}» in «{err}»");
    }
    let (code, _, err) = demine(&["run", "ukraine", "--trials", "20", "--set", "1.5.x=={{"]);
    assert_eq!(code, 2);
    assert!(err.contains("must be a value in the scenario file's TOML syntax"), "{err}");
}

#[test]
fn compare_takes_overrides_per_plan() {
    let base = ["--trials", "300", "--model", "aggregate", "--format", "json"];
    let v =
        json(&[&["compare", "ukraine", "ukraine", "--set", "2:capacity.teams.manual.initial=940"][..], &base].concat());
    // Two plans of one scenario are told apart by their letters; what each is, overrides included,
    // is in `sources` (never in a plan's name).
    assert_eq!(v["plans"][0], "ukraine (A)");
    assert_eq!(v["plans"][1], "ukraine (B)");
    assert_eq!(v["sources"][1], "ukraine [capacity.teams.manual.initial=940]");
    let dur = v["outputs"].as_array().unwrap().iter().find(|o| o["name"] == "duration_years").unwrap();
    assert!(dur["versus_baseline"][0]["mean"].as_f64().unwrap() < 0.0, "{dur}");
    // An unnumbered override applies to every plan: nothing differs.
    let v =
        json(&[&["compare", "ukraine", "ukraine", "--set", "capacity.teams.manual.initial=940"][..], &base].concat());
    let dur = v["outputs"].as_array().unwrap().iter().find(|o| o["name"] == "duration_years").unwrap();
    assert_eq!(dur["versus_baseline"][0]["mean"].as_f64().unwrap(), 0.0);
    for (set, msg) in [
        ("3:capacity.teams.manual.initial=1", "the plan number must lie in 1..=2"),
        ("0:capacity.teams.manual.initial=1", "the plan number must lie in 1..=2"),
        ("x:capacity.teams.manual.initial=1", "N in N:PATH=VALUE must be a plan number"),
    ] {
        let (code, _, err) = demine(&[&["compare", "ukraine", "ukraine", "--set", set][..], &base].concat());
        assert_eq!(code, 2, "{set}");
        assert!(err.contains(msg), "{set}: {err}");
    }
    let (code, _, err) = demine(&["run", "ukraine", "--trials", "20", "--set", "2:capacity.teams.manual.initial=1"]);
    assert_eq!(code, 2);
    assert!(err.contains("a plan number N: is only for `compare`"), "{err}");
}

#[test]
fn sensitivity_capacity_budget_and_report_take_overrides() {
    let small = ["--trials", "200", "--model", "aggregate", "--format", "json"];
    // A fixed input has no bar in the tornado.
    let fixed = ["--set", "land_release.cancelled_fraction=0.8", "--sobol-n", "0"];
    let inputs = |v: &serde_json::Value| -> Vec<String> {
        v["tornado"][0]["bars"].as_array().unwrap().iter().map(|b| b["input"].as_str().unwrap().to_string()).collect()
    };
    let with = json(&[&["sensitivity", "ukraine-2024", "--top", "100"][..], &small, &fixed].concat());
    let without = json(&[&["sensitivity", "ukraine-2024", "--top", "100", "--sobol-n", "0"][..], &small].concat());
    assert!(inputs(&without).iter().any(|i| i == "land_release.cancelled_fraction"));
    assert!(!inputs(&with).iter().any(|i| i == "land_release.cancelled_fraction"));
    // More teams to start with need a smaller scaling to finish by the deadline.
    let cap = |extra: &[&str]| {
        let v = json(&[&["capacity", "ukraine", "--finish-by", "2060"][..], &small, extra].concat());
        v["factor"].as_f64().unwrap_or_else(|| panic!("{v}"))
    };
    assert!(cap(&["--set", "capacity.teams.manual.initial=1100"]) < cap(&[]));
    let budget = |extra: &[&str]| {
        let v = json(&[&["budget", "ukraine", "--per-year", "2e9"][..], &small, extra].concat());
        v["release_year"]["p50"].as_f64().unwrap_or_else(|| panic!("{v}"))
    };
    assert!(budget(&["--set", "land_release.cancelled_fraction=0.95"]) < budget(&[]));
    // A bad override stops `report` before anything is written.
    let dir = std::env::temp_dir().join(format!("demine-overrides-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let html = dir.join("r.html");
    let h = html.to_str().unwrap();
    let (code, _, err) =
        demine(&["report", "ukraine", "-o", h, "--trials", "50", "--set", "costs.overhead_fraction=-1"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("costs.overhead_fraction: -1 is invalid: must be >= 0"), "{err}");
    assert!(!html.exists());
    let (code, _, err) = demine(&[
        "report",
        "ukraine",
        "-o",
        h,
        "--trials",
        "50",
        "--model",
        "aggregate",
        "--set",
        "costs.overhead_fraction=0.2",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&html).unwrap().contains("<html"));
    let _ = std::fs::remove_dir_all(&dir);
}
