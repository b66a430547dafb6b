//! The completion backtest (`demine backtest --completion`): programmes that finished their
//! known mined areas, forecast from their state some years before. The shipped completions are
//! scored; the end-game pace has a closed form; the forecast never sees a programme's future;
//! bad rows name their line and column.

use demine::analysis::completion::{Pace, completion_backtest};
use demine::analysis::fit::PROGRAMMES_CSV;
use demine::io::completions::{CompletionRecord, parse_completions, read_completions};
use demine::io::programmes::{ProgrammeRecord, parse_programmes};
use demine::model::HazardKind;
use demine::sampling::dist::std_normal_quantile;
use std::path::Path;

fn evidence() -> Vec<ProgrammeRecord> {
    parse_programmes(PROGRAMMES_CSV, Path::new("data/programmes.csv")).unwrap()
}

fn record(
    country: &str,
    state_year: i32,
    completion_year: i32,
    remaining_km2: f64,
    funding_usd: f64,
) -> CompletionRecord {
    CompletionRecord {
        line: 2,
        country: country.into(),
        completion_year,
        state_year,
        remaining_km2,
        funding_usd: Some(funding_usd),
        deminers: None,
        hazards: vec![HazardKind::Mines],
    }
}

#[test]
fn shipped_completions_fall_inside_their_p5_p95() {
    let records = read_completions(Path::new("data/completions.csv")).unwrap();
    let b = completion_backtest(&records, &evidence(), 4_000, 42).unwrap();
    assert!(b.rows.len() >= 10, "{} programmes scored", b.rows.len());
    assert!(b.inside_share >= 0.8, "{:.2} of completion years inside P5-P95", b.inside_share);
    let croatia: Vec<_> = b.rows.iter().filter(|r| r.country == "Croatia").collect();
    assert!(!croatia.is_empty());
    for r in &croatia {
        assert!(r.inside, "Croatia {}: P5 {:.1} P95 {:.1}", r.state_year, r.predicted[0], r.predicted[2]);
    }
    for r in &b.rows {
        assert!(r.predicted[0] <= r.predicted[1] && r.predicted[1] <= r.predicted[2], "{r:?}");
        assert!(r.predicted[0] >= f64::from(r.state_year), "finishes before its state year: {r:?}");
        assert!(r.crps.is_finite() && r.crps >= 0.0);
    }
}

#[test]
fn a_programme_is_forecast_without_its_own_future() {
    // Albania's records in data/programmes.csv are from 2005, 2006 and 2008: none was known in
    // its 2002 state. Each programme's fit holds only its country's records before its state year.
    let ev = evidence();
    let records = read_completions(Path::new("data/completions.csv")).unwrap();
    let b = completion_backtest(&records, &ev, 400, 1).unwrap();
    for r in &b.rows {
        let usable_before = ev.iter().filter(|e| e.country == r.country && e.year < r.state_year).count();
        assert!(
            r.country_records <= usable_before,
            "{} {}: {} records in the fit, {} before the state year",
            r.country,
            r.state_year,
            r.country_records,
            usable_before
        );
        assert_eq!(r.country_in_fit, r.country_records > 0, "{r:?}");
    }
    let albania_2002 = b.rows.iter().find(|r| r.country == "Albania" && r.state_year == 2002).unwrap();
    assert_eq!(albania_2002.country_records, 0);
    // Its later evidence, moved before 2002, would be used: the filter is what keeps it out.
    let moved: Vec<ProgrammeRecord> = ev
        .iter()
        .cloned()
        .map(|mut e| {
            if e.country == "Albania" {
                e.year -= 10;
            }
            e
        })
        .collect();
    let b2 = completion_backtest(&records, &moved, 400, 1).unwrap();
    let a2 = b2.rows.iter().find(|r| r.country == "Albania" && r.state_year == 2002).unwrap();
    assert!(a2.country_records > 0 && a2.country_in_fit);
}

#[test]
fn the_pace_is_the_lognormal_of_the_other_programmes_shares() {
    let records = [
        record("A", 2000, 2004, 10.0, 1e6),
        record("B", 2000, 2002, 10.0, 1e6),
        record("C", 2010, 2019, 10.0, 1e6),
        record("D", 2010, 2011, 10.0, 1e6),
    ];
    let p = Pace::fit(&records, "D").unwrap();
    let logs = [-(4.5f64).ln(), -(2.5f64).ln(), -(9.5f64).ln()];
    let mu = logs.iter().sum::<f64>() / 3.0;
    let var = logs.iter().map(|l| (l - mu).powi(2)).sum::<f64>() / 2.0;
    assert_eq!(p.n, 3);
    assert!((p.mu - mu).abs() < 1e-12);
    assert!((p.sd - (var * (1.0 + 1.0 / 3.0)).sqrt()).abs() < 1e-12);
    let err = Pace::fit(&records[..3], "A").unwrap_err().to_string();
    assert!(err.contains("at least 3 other programmes") && err.contains("2 left without A"), "{err}");
}

#[test]
fn with_capacity_to_spare_the_finish_is_the_pace_closed_form() {
    // Funding so large the capacity never binds: a path releases s·S0 a year and finishes 1/s
    // years after the state year, s lognormal(mu, sd): 1/s has quantiles exp(-mu + sd·z_p).
    let mut records = vec![
        record("A", 2000, 2004, 10.0, 1e6),
        record("B", 2000, 2002, 10.0, 1e6),
        record("C", 2010, 2019, 10.0, 1e6),
        record("E", 2010, 2016, 10.0, 1e6),
    ];
    records.push(record("Rich", 2020, 2025, 5.0, 1e18));
    let paths = 20_000;
    let b = completion_backtest(&records, &evidence(), paths, 7).unwrap();
    let rich = b.rows.iter().find(|r| r.country == "Rich").unwrap();
    let pace = Pace::fit(&records, "Rich").unwrap();
    for (k, p) in [(4, 0.05), (49, 0.5), (94, 0.95)] {
        let z = std_normal_quantile(p);
        let want = (-pace.mu + pace.sd * z).exp();
        let got = rich.quantiles[k] - 2020.0;
        // The sample quantile's standard error in log space: sd·sqrt(p(1-p)/n)/φ(z).
        let phi = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
        let se = pace.sd * (p * (1.0 - p) / paths as f64).sqrt() / phi;
        assert!(
            (got.ln() - want.ln()).abs() < 4.0 * se + 1e-3,
            "P{}: {got:.4} years against {want:.4} (se {se:.4})",
            (p * 100.0) as u32
        );
    }
}

#[test]
fn bad_completion_rows_name_line_and_column() {
    let head = "country,completion_year,state_year,remaining_km2,hazard_mix,remaining_source,funding_usd,deminers\n";
    let text = format!(
        "{head}Ok,2010,2005,3,mines,S,1e6,\nLate,2005,2009,3,mines,S,,\nNoArea,2010,2005,,mines,S,,\nBad,2010,2005,-1,mines+ied,S,x,\n"
    );
    let err = parse_completions(&text, Path::new("c.csv")).unwrap_err().to_string();
    for want in [
        "line 3, column 3 (state_year)",
        "must be before the completion year (2005)",
        "line 4, column 4 (remaining_km2)",
        "every record gives the known mined area left",
        "line 5, column 4 (remaining_km2)",
        "must be a number >= 0",
        "line 5, column 5 (hazard_mix)",
        "must be mines, cmr or uxo",
        "line 5, column 7 (funding_usd)",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    let few = completion_backtest(&[record("A", 2000, 2004, 1.0, 1e6)], &evidence(), 99, 1).unwrap_err().to_string();
    assert!(few.contains("at least 100 paths"), "{few}");
    let alone = completion_backtest(&[record("A", 2000, 2004, 1.0, 1e6)], &evidence(), 400, 1).unwrap_err().to_string();
    assert!(alone.contains("at least 3 other programmes"), "{alone}");
}
