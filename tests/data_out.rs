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
