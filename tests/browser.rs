//! The bundled Ukraine report in a real browser: headless Chromium (installed by `.ci/run` from
//! Debian's packages by tests/browser/setup.sh, which this test also runs) loads it with no console error, every chart is visible with a non-zero size
//! and its labels, the page fits an A4 width, and a screenshot is not blank
//! (`tests/browser/check_report.py` drives Chromium through ChromeDriver).
//!
//! `DEMINE_UPDATE_SCREENSHOT=1 cargo test --release --test browser` also copies the screenshot to
//! `docs/report.png` (the README shows it).
#![cfg(feature = "charts")]

use demine::report::charts::Reference;
use demine::report::html::{ReportOptions, run_report};
use demine::{SimConfig, io::load_scenario, simulate};
use std::path::PathBuf;
use std::process::Command;

#[test]
fn the_ukraine_report_renders_in_headless_chromium() {
    let setup = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/setup.sh");
    let installed = Command::new("bash").arg(setup).status().expect("bash runs");
    assert!(installed.success(), "{setup} could not install Chromium and ChromeDriver");
    let s = load_scenario("ukraine").unwrap();
    let o = simulate(&s, &SimConfig::default().with_trials(2_000).with_seed(42)).unwrap();
    let opts = ReportOptions {
        references: vec![Reference::new("World Bank RDNA3", 34.6e9)],
        source_text: demine::io::bundled("ukraine").map(|b| b.toml.to_string()),
        date: None,
        overrides: Vec::new(),
        command: None,
    };
    let html = run_report(&s, &o, &opts).unwrap();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    let (page, shot) = (dir.join("ukraine.html"), dir.join("ukraine.png"));
    std::fs::write(&page, html).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/check_report.py");
    let out = Command::new("python3")
        .args([script, page.to_str().unwrap(), shot.to_str().unwrap()])
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the browser check failed (is Chromium installed? .ci/run installs it):\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("with no console error") && stdout.contains("fits an A4 width"), "{stdout}");
    if std::env::var_os("DEMINE_UPDATE_SCREENSHOT").is_some() {
        std::fs::copy(&shot, concat!(env!("CARGO_MANIFEST_DIR"), "/docs/report.png")).unwrap();
    }
}

/// The comparison and sensitivity reports pass the same browser checks (the comparison's wide table
/// once pushed the page past an A4 width).
#[test]
fn comparison_and_sensitivity_reports_render_in_headless_chromium() {
    let setup = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/setup.sh");
    assert!(Command::new("bash").arg(setup).status().expect("bash runs").success());
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-analyses");
    std::fs::create_dir_all(&dir).unwrap();
    let district = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/district.toml");
    let runs: [(&str, Vec<&str>); 2] = [
        ("compare.html", vec!["compare", "ukraine", "ukraine-war-continues", "--trials", "300"]),
        ("sensitivity.html", vec!["sensitivity", district, "--trials", "300", "--sobol-n", "128"]),
    ];
    for (name, args) in runs {
        let page = dir.join(name);
        let out = Command::new(env!("CARGO_BIN_EXE_demine")).args(&args).arg("--report").arg(&page).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/check_report.py");
        let check = Command::new("python3")
            .args([script, page.to_str().unwrap(), dir.join(format!("{name}.png")).to_str().unwrap()])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&check.stdout);
        assert!(check.status.success(), "{name}:\n{stdout}\n{}", String::from_utf8_lossy(&check.stderr));
        let html = std::fs::read_to_string(&page).unwrap();
        if name == "compare.html" {
            assert!(html.contains("the plans overlaid") && html.contains("minus ukraine, trial by trial"));
            assert!(html.contains("P(ukraine-war-continues better)"));
        } else {
            assert!(
                html.contains("What drives the cost of the work")
                    && html.contains("Sobol indices of the cost of the work")
            );
            assert!(!html.contains("total_cost&lt;") && !html.contains(">total cost<"), "outputs in words");
        }
    }
}
