//! Reports a minister can read (issue 23): named plans, ties shown as "same", the budget's CSV
//! carries the answer, Sobol indices that do not mislead, shell completion and a manual page.

use demine::Dist;
use demine::stats::sobol_indices;
use std::process::Command;

fn demine(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_demine"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn compare_names_plans_everywhere_and_shows_ties_as_same() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("decision-reports");
    std::fs::create_dir_all(&dir).unwrap();
    let html = dir.join("c.html");
    let common = [
        "compare",
        "ukraine-2024",
        "ukraine-2024",
        "--set",
        "2:capacity.teams.manual.initial=940",
        "--name",
        "Today",
        "--name",
        "Double manual teams",
        "--trials",
        "300",
        "--model",
        "aggregate",
    ];
    let (ok, text, err) = demine(&[&common[..], &["--report", html.to_str().unwrap()]].concat());
    assert!(ok, "{err}");
    assert!(text.contains("plan A = Today (ukraine-2024)"), "{text}");
    assert!(text.contains("plan B = Double manual teams (ukraine-2024 [capacity.teams.manual.initial=940])"), "{text}");
    // The suspected area does not depend on the teams: the same in every trial, so "same".
    let row = text.lines().skip_while(|l| !l.starts_with("suspected_area_km2")).nth(1).unwrap();
    assert!(row.trim_end().ends_with("same"), "{row}");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("Double manual teams against Today"), "no headline in words");
    assert!(page.contains("What was compared") && page.contains("Reproduce this report"));
    assert!(page.contains("--name &#39;Double manual teams&#39;") || page.contains("--name 'Double manual teams'"));
    assert!(!page.contains("NaN"), "NaN in the comparison report");
    assert!(!page.contains(">ukraine-2024 [capacity"), "a raw override string as a plan's name");
    let (ok, json, _) = demine(&[&common[..], &["--format", "json"]].concat());
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["plans"], serde_json::json!(["Today", "Double manual teams"]));
    let (ok, csv, _) = demine(&[&common[..], &["--format", "csv"]].concat());
    assert!(ok && csv.contains(",Double manual teams,"), "{csv}");
    // More names than plans: a flag error naming --name.
    let (ok, _, err) =
        demine(&["compare", "ukraine-2024", "ukraine-2024", "--name", "a", "--name", "b", "--name", "c"]);
    assert!(!ok && err.contains("--name: c is invalid: 3 names for 2 plans"), "{err}");
}

#[test]
fn a_plan_after_the_26th_gets_two_letters() {
    assert_eq!(demine::analysis::compare::plan_letter(0), "A");
    assert_eq!(demine::analysis::compare::plan_letter(25), "Z");
    assert_eq!(demine::analysis::compare::plan_letter(26), "AA");
    assert_eq!(demine::analysis::compare::plan_letter(27), "AB");
    assert_eq!(demine::analysis::compare::plan_letter(26 + 26 * 26), "AAA");
}

#[test]
fn ties_are_within_the_stated_tolerance() {
    use demine::analysis::compare::{Versus, is_tie};
    use demine::simulate::Better;
    assert!(is_tie(100.0, 100.05) && !is_tie(100.0, 100.2) && is_tie(0.0, 1e-12));
    let a: Vec<f64> = (0..100).map(|i| 1_000.0 + f64::from(i)).collect();
    let same: Vec<f64> = a.iter().map(|x| x * (1.0 + 1e-5)).collect();
    let v = Versus::new(&a, &same, Better::Lower);
    assert!(v.same && v.prob_same == 1.0 && v.prob_better == 0.0 && v.better_text() == "same", "{v:?}");
    let lower: Vec<f64> = a.iter().map(|x| x * 0.9).collect();
    let v = Versus::new(&a, &lower, Better::Lower);
    assert!(!v.same && v.prob_better == 1.0 && v.better_text() == "100.0 %", "{v:?}");
    let v = Versus::new(&a, &lower, Better::Neither);
    assert_eq!(v.better_text(), "–");
}

#[test]
fn budget_csv_carries_the_answer_and_its_uncertainty() {
    let (ok, csv, err) = demine(&[
        "budget",
        "ukraine-2024",
        "--finish-by",
        "2045",
        "--trials",
        "300",
        "--model",
        "aggregate",
        "--format",
        "csv",
    ]);
    assert!(ok, "{err}");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("quantity,year,pool,value,unit"));
    let value = |q: &str| -> f64 {
        let row = csv.lines().find(|l| l.starts_with(&format!("{q},"))).unwrap_or_else(|| panic!("no {q} in {csv}"));
        row.split(',').nth(3).unwrap().parse().unwrap()
    };
    let (b, lo, hi) = (value("budget_per_year"), value("budget_per_year_low"), value("budget_per_year_high"));
    assert!(b > 1e8 && lo < b && b <= hi, "{lo} {b} {hi}");
    let (p, plo, phi) = (value("probability"), value("probability_ci95_low"), value("probability_ci95_high"));
    assert!(p >= 0.8 && plo < p && p < phi, "{plo} {p} {phi}");
    assert!(value("programme_cost_p50") > 0.0);
    assert!(csv.lines().any(|l| l.starts_with("teams,2025,manual,")), "{csv}");
}

#[test]
fn an_input_without_effect_has_first_order_index_exactly_zero() {
    // f depends on x1 only; x2..x6 have no effect. Jansen's first-order estimator gave each of them
    // the same noise (their sum could exceed 1); Saltelli's gives exactly 0.
    let u = Dist::uniform(0.0, 1.0).unwrap();
    let dists = vec![u; 6];
    let s = sobol_indices(&dists, &["x1", "x2", "x3", "x4", "x5", "x6"], |x| x[0] * x[0], 256, 7, 8).unwrap();
    for i in 1..6 {
        assert_eq!((s.first[i], s.total[i]), (0.0, 0.0), "x{}", i + 1);
    }
    assert!((s.first[0] - 1.0).abs() < 0.05 && (s.total[0] - 1.0).abs() < 0.05, "{:?}", s.first);
    // x1's own estimate scatters around 1 (here 1.02): a sum above 1 is said to be noise.
    assert!(s.first.iter().sum::<f64>() <= 1.005 || s.notes.iter().any(|n| n.contains("noise")), "{:?}", s.notes);
}

#[test]
fn sobol_noise_is_said_plainly() {
    // Two inputs of equal effect at a tiny N: the estimates scatter; whatever they are, a first
    // order above the total or a sum above 1 comes with a note that says it is noise.
    let u = Dist::uniform(-1.0, 1.0).unwrap();
    for seed in 0..20 {
        let s =
            sobol_indices(&[u.clone(), u.clone()], &["a", "b"], |x| x[0] + x[1] + x[0] * x[1], 16, seed, 2).unwrap();
        let over = (0..2).any(|i| s.first[i] > s.total[i] + 0.005) || s.first.iter().sum::<f64>() > 1.005;
        if over {
            assert!(
                s.notes.iter().any(|n| n.contains("noise")),
                "seed {seed}: {:?} {:?} {:?}",
                s.first,
                s.total,
                s.notes
            );
        }
    }
}

#[test]
fn shell_completion_and_a_manual_page() {
    let (ok, bash, _) = demine(&["completions", "bash"]);
    assert!(ok && bash.contains("complete -F _demine"), "{bash}");
    let (ok, zsh, _) = demine(&["completions", "zsh"]);
    assert!(ok && zsh.contains("#compdef demine"));
    let (ok, man, _) = demine(&["manpage"]);
    assert!(ok && man.contains(".TH demine 1") && man.contains("compare"), "{man}");
}

#[test]
fn every_missing_section_is_named_at_once() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("missing-sections");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.toml");
    std::fs::write(&path, "name = \"x\"\ncurrency = \"USD\"\n").unwrap();
    let (ok, _, err) = demine(&["validate", path.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("6 problems found"), "{err}");
    for key in ["price_year", "start_year", "land_release", "survey", "costs", "regions"] {
        assert!(err.contains(&format!("  - {key}: missing is invalid: a scenario must give it")), "{key}: {err}");
    }
}
