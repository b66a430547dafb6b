//! Every command's JSON follows one schema (docs/SCHEMA.md): a `"schema"` version at the top; every
//! summarised distribution labels its percentiles `p5` … `p95` and has a unit (its own or its
//! parent's); no unlabelled percentile array (`"percentiles"`) and no unlabelled tuple (an array of
//! arrays) anywhere, except `[low, high]` intervals.

use serde_json::Value;
use std::process::Command;

const LABELS: [&str; 8] = ["p5", "p10", "p25", "p50", "p75", "p80", "p90", "p95"];

fn json(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_demine")).args(args).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: not JSON: {e}"))
}

/// Walks `v`, checking every rule; `path` names where a failure is.
fn check(v: &Value, parent_has_unit: bool, path: &str, problems: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if m.contains_key("percentiles") {
                problems.push(format!("{path}: unlabelled \"percentiles\""));
            }
            if m.contains_key("p5") || m.contains_key("p95") {
                for l in LABELS {
                    if !m.contains_key(l) {
                        problems.push(format!("{path}: a summary without {l}"));
                    }
                }
                if !(m.contains_key("unit") || parent_has_unit) {
                    problems.push(format!("{path}: a summary without a unit"));
                }
            }
            let has_unit = m.contains_key("unit") || parent_has_unit;
            for (k, x) in m {
                check(x, has_unit, &format!("{path}.{k}"), problems);
            }
        }
        Value::Array(a) => {
            if a.len() == 8 && a.iter().all(Value::is_number) {
                problems.push(format!("{path}: an array of 8 numbers (unlabelled percentiles?)"));
            }
            let is_interval = |x: &Value| {
                x.as_array().is_some_and(|p| p.len() == 2 && p.iter().all(|y| y.is_number() || y.is_null()))
            };
            for (i, x) in a.iter().enumerate() {
                // arrays inside arrays are allowed only as `[low, high]` intervals
                if x.is_array() && !is_interval(x) {
                    problems.push(format!("{path}[{i}]: an unlabelled tuple"));
                }
                check(x, parent_has_unit, &format!("{path}[{i}]"), problems);
            }
        }
        _ => {}
    }
}

#[test]
fn every_command_s_json_follows_the_schema() {
    let district = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/district.toml");
    let fixed = ["--trials", "200"];
    let commands: Vec<Vec<&str>> = vec![
        [&["run", "ukraine", "--model", "aggregate"][..], &fixed].concat(),
        [&["run", district][..], &fixed].concat(),
        [&["compare", "ukraine", "ukraine-war-continues"][..], &fixed].concat(),
        [&["capacity", district, "--finish-by", "2040"][..], &fixed].concat(),
        [&["budget", district, "--finish-by", "2040"][..], &fixed].concat(),
        [&["budget", district, "--per-year", "5e6"][..], &fixed].concat(),
        [&["sensitivity", district, "--sobol-n", "64"][..], &fixed].concat(),
        vec!["backtest", concat!(env!("CARGO_MANIFEST_DIR"), "/data/programmes.csv"), "--trials", "40"],
    ];
    let mut problems = Vec::new();
    let mut summaries = 0;
    for args in &commands {
        let v = json(args);
        assert_eq!(v["schema"], demine::report::SCHEMA, "{args:?}");
        check(&v, false, args[0], &mut problems);
        summaries += v.to_string().matches("\"p95\"").count();
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(summaries > 50, "{summaries} summaries checked");
}

#[test]
fn every_run_summary_carries_its_label_in_words() {
    let v = json(&["run", "ukraine", "--trials", "50"]);
    let outputs = v["outputs"].as_object().unwrap();
    for (name, s) in outputs {
        let want = demine::simulate::Output::from_name(name).map(demine::simulate::Output::label);
        assert_eq!(s["label"].as_str(), want.as_deref(), "{name}");
    }
    assert_eq!(v["outputs"]["total_cost"]["label"], "cost of the work");
    assert_eq!(v["regions"]["Kharkiv"]["cleared_area_km2"]["label"], "area cleared");
}
