//! The backtest against the shipped country-year records, and its input checks.

use demine::SimConfig;
use demine::analysis::backtest::{backtest, default_priors};
use demine::io::programmes::{parse_programmes, read_programmes};
use std::path::Path;

#[test]
fn the_backtest_covers_what_the_readme_states() {
    let records = read_programmes(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data/programmes.csv"))).unwrap();
    let priors = default_priors().unwrap();
    // The CLI's defaults: 400 trials a record, seed 42.
    let b = backtest(&records, &priors, &SimConfig::default().with_trials(400).with_seed(42)).unwrap();
    assert!(b.countries >= 6, "{} countries", b.countries);
    assert!(b.rows.len() >= 15, "{} records compared", b.rows.len());
    assert_eq!(b.rows.len() + b.skipped.len(), records.len());
    // README "Calibration and sources": 15 of 19 inside P5-P95, 5 of 19 within 2x of the P50.
    assert!(b.inside_share >= 0.75, "inside {}", b.inside_share);
    assert!(b.within_2x_share >= 0.25, "within 2x {}", b.within_2x_share);
    for r in &b.rows {
        assert!(r.predicted_km2[0] <= r.predicted_km2[1] && r.predicted_km2[1] <= r.predicted_km2[2], "{r:?}");
        assert_eq!(r.inside, r.observed_km2 >= r.predicted_km2[0] && r.observed_km2 <= r.predicted_km2[2]);
    }
    // Bit-identical on one thread (the first four records).
    let mut one = SimConfig::default().with_trials(400).with_seed(42);
    one.threads = Some(1);
    let b1 = backtest(&records[..4], &priors, &one).unwrap();
    for (x, y) in b.rows.iter().zip(&b1.rows) {
        assert_eq!(x.predicted_km2.map(f64::to_bits), y.predicted_km2.map(f64::to_bits));
    }
}

#[test]
fn a_programme_twice_the_size_releases_more() {
    let text = "country,year,released_km2,cancelled_km2,reduced_km2,cleared_km2,deminers,teams,funding,funding_currency,hazard_mix,source_release\n\
                A,2015,10,,,,,,5000000,USD,mines,K\nB,2015,10,,,,,,10000000,USD,mines,K\n";
    let records = parse_programmes(text, Path::new("t.csv")).unwrap();
    let b = backtest(&records, &default_priors().unwrap(), &SimConfig::default().with_trials(200)).unwrap();
    let (a, b) = (&b.rows[0], &b.rows[1]);
    assert!(b.predicted_km2[1] > 1.5 * a.predicted_km2[1], "{a:?} {b:?}");
}

#[test]
fn bad_records_name_the_cell_and_the_rule() {
    let header = "country,year,released_km2,cancelled_km2,reduced_km2,cleared_km2,deminers,teams,funding,funding_currency,hazard_mix,source_release\n";
    let cases = [
        ("A,2015,-4,,,,,,,,mines,K", "line 2, column 3 (released_km2): -4 is invalid: must be a number >= 0"),
        ("A,2015,4 km2,,,,,,,,mines,K", "column 3 (released_km2): 4 km2 is invalid: is not a number"),
        ("A,215,4,,,,,,,,mines,K", "column 2 (year): 215 is invalid: must be a calendar year"),
        ("A,2015,4,,,,,,,,landmines,K", "column 11 (hazard_mix): landmines is invalid: must be mines, cmr or uxo"),
        ("A,2015,4,,,,,,1000,,mines,K", "column 10 (funding_currency): empty is invalid: funding needs its currency"),
        ("A,2015,NaN,,,,,,,,mines,K", "column 3 (released_km2): NaN is invalid: must be a number >= 0"),
    ];
    for (row, want) in cases {
        let e = parse_programmes(&format!("{header}{row}\n"), Path::new("r.csv")).unwrap_err().to_string();
        assert!(e.contains(want), "{row}: {e}");
    }
    let e = parse_programmes("country,year\nA,2015\n", Path::new("r.csv")).unwrap_err().to_string();
    assert!(e.contains("the column `released_km2` is missing"), "{e}");
    let e = read_programmes(Path::new("no/such/file.csv")).unwrap_err().to_string();
    assert!(e.contains("no/such/file.csv"), "{e}");
}
