//! `--samples` and `--series` load back as plain CSV: one header row of unique names, one row per
//! trial (per trial and year for the series), the values the run's summaries were made from.

use std::collections::HashSet;
use std::process::Command;

fn read(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

#[test]
fn samples_and_series_load_back_with_every_trial() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("data-out");
    std::fs::create_dir_all(&dir).unwrap();
    let (samples, series) = (dir.join("samples.csv"), dir.join("series.csv"));
    let out = Command::new(env!("CARGO_BIN_EXE_demine"))
        .args(["run", "ukraine", "--trials", "200", "--format", "json", "--samples"])
        .arg(&samples)
        .arg("--series")
        .arg(&series)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = demine::io::load_scenario("ukraine").unwrap();

    let (header, rows) = read(&samples);
    assert_eq!(rows.len(), 200, "one row per trial");
    assert_eq!(header.iter().collect::<HashSet<_>>().len(), header.len(), "unique column names");
    let outputs = json["outputs"].as_object().unwrap();
    assert_eq!(header[0], "trial");
    assert!(header.contains(&"input.suspected_area_km2".to_string()));
    for name in outputs.keys() {
        assert!(header.contains(name), "no column {name}");
    }
    assert!(header.len() > 1 + s.inputs().len() + outputs.len(), "inputs, national and regional outputs");
    // the column's P50 is the JSON's P50
    let col = header.iter().position(|h| h == "total_cost").unwrap();
    let mut v: Vec<f64> = rows.iter().map(|r| r[col].parse().unwrap()).collect();
    v.sort_by(f64::total_cmp);
    let p50 = demine::stats::summary::quantile_sorted(&v, 0.5);
    assert_eq!(p50, outputs["total_cost"]["p50"].as_f64().unwrap());
    // units sidecar: one row per column
    let mut units = samples.clone().into_os_string();
    units.push(".units.csv");
    let (uh, urows) = read(std::path::Path::new(&units));
    assert_eq!(uh, ["column", "unit", "description"]);
    assert_eq!(urows.iter().map(|r| r[0].clone()).collect::<Vec<_>>(), header);
    assert_eq!(urows[col][1], "USD");

    let (header, rows) = read(&series);
    assert_eq!(&header[..3], ["trial", "year", "area_released_km2"]);
    // every trial has every year of the horizon (100 for Ukraine; the JSON's fan chart shows a selection)
    let years: HashSet<&String> = rows.iter().map(|r| &r[1]).collect();
    assert_eq!(years.len(), 100);
    assert_eq!(rows.len(), 200 * years.len(), "one row per trial and year");
    assert_eq!(rows[0][1], "2025");
}

/// `--format csv` works for every command that prints a table; each loads back with its header.
#[test]
fn every_table_command_prints_csv() {
    let district = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/district.toml");
    let cases: [(Vec<&str>, &[&str]); 4] = [
        (
            vec!["compare", "ukraine", "ukraine-war-continues"],
            &["output", "unit", "plan", "mean", "p5", "p50", "p95", "prob_better"],
        ),
        (
            vec!["capacity", district, "--finish-by", "2040"],
            &["factor", "probability_of_meeting_the_deadline", "chosen"],
        ),
        (
            vec!["sensitivity", district, "--sobol-n", "64"],
            &["output", "input", "label", "spearman", "sobol_first", "sobol_total_ci_high"],
        ),
        (vec!["budget", district, "--finish-by", "2040"], &["year"]),
    ];
    for (args, want) in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_demine"))
            .args(&args)
            .args(["--trials", "200", "--format", "csv"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let mut r = csv::Reader::from_reader(out.stdout.as_slice());
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        for w in want {
            assert!(header.iter().any(|h| h == w), "{args:?}: no column {w} in {header:?}");
        }
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert!(!rows.is_empty(), "{args:?}: no rows");
        assert!(rows.iter().all(|x| x.len() == header.len()), "{args:?}: ragged rows");
    }
}
