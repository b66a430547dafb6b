//! The backtest against the shipped country-year records, and its input checks.

use demine::SimConfig;
use demine::analysis::backtest::{backtest, default_priors};
use demine::analysis::fit::{default_fitted_priors, fingerprint};
use demine::analysis::{cross_validate, fit_forecast};
use demine::io::programmes::{parse_programmes, read_programmes};
use demine::model::HazardKind;
use demine::model::forecast::{Covariates, Driver};
use std::path::Path;

/// The simulation backtest (`--simulate`) runs every usable record and is bit-identical on one
/// thread. Its coverage on the grown records (61 % inside P5-P95, README) is why the fitted
/// forecast exists; it is not pinned here, the forecast's is (below).
#[test]
fn the_simulation_backtest_runs_every_record() {
    let records = read_programmes(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data/programmes.csv"))).unwrap();
    let priors = default_priors().unwrap();
    let config = SimConfig::default().with_trials(100).with_seed(42);
    let b = backtest(&records[..12], &priors, &config).unwrap();
    assert_eq!(b.rows.len() + b.skipped.len(), 12);
    for r in &b.rows {
        assert!(r.predicted_km2[0] <= r.predicted_km2[1] && r.predicted_km2[1] <= r.predicted_km2[2], "{r:?}");
        assert_eq!(r.inside, r.observed_km2 >= r.predicted_km2[0] && r.observed_km2 <= r.predicted_km2[2]);
    }
    let mut one = config.clone();
    one.threads = Some(1);
    let b1 = backtest(&records[..4], &priors, &one).unwrap();
    for (x, y) in b.rows.iter().zip(&b1.rows) {
        assert_eq!(x.predicted_km2.map(f64::to_bits), y.predicted_km2.map(f64::to_bits));
    }
}

/// The bar, out of sample: leave-one-country-out, the fitted forecast's mean CRPS on
/// ln(km²) is below the ratio benchmark's fitted on the same folds, and at least 80 % of the
/// observations lie inside their P5-P95 interval; the same holds for each measure's CRPS but
/// survey release, whose benchmark is within a few per cent (pinned: not more than 5 % better).
#[test]
fn the_fitted_forecast_beats_the_ratio_benchmark_across_countries() {
    let records = read_programmes(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data/programmes.csv"))).unwrap();
    let cv = cross_validate(&records).unwrap();
    assert!(cv.model.n >= 100 && cv.countries >= 20, "{} observations, {} countries", cv.model.n, cv.countries);
    assert!(cv.model.crps_ln < cv.benchmark.crps_ln, "CRPS {} vs benchmark {}", cv.model.crps_ln, cv.benchmark.crps_ln);
    assert!(cv.model.coverage_90 >= 0.8, "inside P5-P95: {}", cv.model.coverage_90);
    for m in &cv.by_measure {
        assert!(
            m.model.crps_ln < 1.05 * m.benchmark.crps_ln,
            "{}: {} vs {}",
            m.measure,
            m.model.crps_ln,
            m.benchmark.crps_ln
        );
    }
    for r in &cv.rows {
        assert_eq!(r.quantiles.len(), 99);
        assert!(r.quantiles.windows(2).all(|w| w[0] <= w[1]), "{r:?}");
    }
}

/// Fitting is deterministic, the shipped fitted priors are the fit of the shipped records (their
/// fingerprint matches the file), and a record of a country in the fit is predicted with its own
/// effect while a new country's prediction is wider.
#[test]
fn the_shipped_fit_is_the_fit_of_the_shipped_records() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/programmes.csv");
    let bytes = std::fs::read(path).unwrap();
    let records = read_programmes(Path::new(path)).unwrap();
    let fp = fingerprint(&bytes);
    let (a, _) = fit_forecast(&records, "data/programmes.csv", &fp).unwrap();
    let (b, _) = fit_forecast(&records, "data/programmes.csv", &fp).unwrap();
    assert_eq!(a, b);
    let shipped = default_fitted_priors().unwrap();
    let (f, _) = shipped.forecast.as_ref().unwrap().to_model("data/fitted-priors.toml").unwrap();
    assert_eq!(
        f.fingerprint, fp,
        "data/fitted-priors.toml is stale: run `demine fit data/programmes.csv -o data/fitted-priors.toml`"
    );
    let m = &f.measures[0];
    let x = demine::model::forecast::features(&Covariates {
        driver: Driver::Funding(1e7),
        hazards: vec![HazardKind::Mines],
        international_only: false,
        year: 2015,
        suspected_km2: None,
    });
    let (_, seen) = m.predict(&x, &m.countries[0]);
    let (_, new) = m.predict(&x, "Atlantis");
    assert!(new > seen, "{new} vs {seen}");
}

/// Predictions rise with capacity: the median forecast grows with funding from US$0.1 M to
/// US$10 bn and with deminers from 10 to 10⁶, for every measure, whatever else the record says.
#[test]
fn predictions_rise_with_capacity() {
    let shipped = default_fitted_priors().unwrap();
    let (f, _) = shipped.forecast.as_ref().unwrap().to_model("data/fitted-priors.toml").unwrap();
    let hazards = [vec![HazardKind::Mines], vec![HazardKind::ClusterMunitions, HazardKind::Uxo]];
    for m in &f.measures {
        for international_only in [false, true] {
            for hz in &hazards {
                for (make, lo, hi) in [(Driver::Funding as fn(f64) -> Driver, 1e5, 1e10), (Driver::Deminers, 10.0, 1e6)]
                {
                    let mut previous = f64::NEG_INFINITY;
                    let mut size = lo;
                    while size <= hi {
                        let c = Covariates {
                            driver: make(size),
                            hazards: hz.clone(),
                            international_only,
                            year: 2020,
                            suspected_km2: None,
                        };
                        let (median, _) = f.predict(m.measure, "Atlantis", &c).unwrap();
                        assert!(median > previous, "{:?} at {size}: {median} after {previous}", m.measure);
                        previous = median;
                        size *= 1.5;
                    }
                }
            }
        }
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
    // Contradictions: parts above their whole, the same country-year twice.
    let more = "country,year,released_km2,cancelled_km2,reduced_km2,cleared_km2,deminers,teams,funding,funding_currency,hazard_mix,source_release,funding_national,funding_international\n";
    let cases = [
        (
            "A,2015,4,1,1,5,,,,,mines,K,,",
            "line 2, column 3 (released_km2): 4 is invalid: is less than the cancelled, reduced and cleared areas",
        ),
        (
            "A,2015,4,,,,,,100,USD,mines,K,80,40",
            "line 2, column 9 (funding): 100 is invalid: disagrees with its national and international parts",
        ),
    ];
    for (row, want) in cases {
        let e = parse_programmes(&format!("{more}{row}\n"), Path::new("r.csv")).unwrap_err().to_string();
        assert!(e.contains(want), "{row}: {e}");
    }
    let e = parse_programmes(
        &format!("{header}A,2015,4,,,,,,,,mines,K\nB,2015,4,,,,,,,,mines,K\nA,2015,5,,,,,,,,mines,K\n"),
        Path::new("r.csv"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("line 4, column 2 (year)") && e.contains("first at line 2"), "{e}");
    let e = parse_programmes("country,year\nA,2015\n", Path::new("r.csv")).unwrap_err().to_string();
    assert!(e.contains("the columns `released_km2`, `cancelled_km2`") && e.contains("are missing"), "{e}");
    let e = read_programmes(Path::new("no/such/file.csv")).unwrap_err().to_string();
    assert!(e.contains("no/such/file.csv"), "{e}");
}
