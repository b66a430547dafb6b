//! Auto-stop by precision, and failed trials.

mod common;
use demine::analysis::{PrecisionTarget, simulate_to_precision};
use demine::{ModelLevel, Scenario, SimConfig, simulate};

fn uncertain() -> Scenario {
    let text = common::edit(
        common::FIXED,
        "suspected_area_km2 = 100",
        r#"suspected_area_km2 = { dist = "triangular", min = 50, mode = 80, max = 200 }"#,
    );
    Scenario::from_toml_str(&text).unwrap()
}

#[test]
fn stops_when_the_target_precision_is_reached() {
    let s = uncertain();
    let config = SimConfig::default().with_model(ModelLevel::Aggregate);
    let target = PrecisionTarget::new(0.02).unwrap();
    let c = simulate_to_precision(&s, &config, &target).unwrap();
    assert!(c.reached);
    assert_eq!(c.rounds[0], 1024);
    assert!(c.rounds.windows(2).all(|w| w[1] == 2 * w[0]), "{:?}", c.rounds);
    for p in &c.precision {
        assert!(p.p50 <= 0.02 && p.p90 <= 0.02, "{p:?}");
    }
    // The round before did not reach it (else the run would have stopped there).
    if c.rounds.len() > 1 {
        let prev = c.rounds[c.rounds.len() - 2];
        let v = &c.outcome.values("total_cost").unwrap()[..prev as usize];
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        let r = demine::stats::relative_half_width(&v, 0.5).max(demine::stats::relative_half_width(&v, 0.9));
        assert!(r > 0.02, "{r}");
    }
    // Reproducible: the same call stops at the same point with the same numbers.
    let again = simulate_to_precision(&s, &config, &target).unwrap();
    assert_eq!(again.outcome.trials(), c.outcome.trials());
    assert_eq!(again.outcome.values("total_cost").unwrap(), c.outcome.values("total_cost").unwrap());
}

#[test]
fn stops_at_the_maximum_and_says_so() {
    let s = uncertain();
    let target =
        PrecisionTarget::new(0.0001).unwrap().with_max_trials(4096).with_outputs(vec!["cleared_area_km2".into()]);
    let c = simulate_to_precision(&s, &SimConfig::default().with_model(ModelLevel::Aggregate), &target).unwrap();
    assert!(!c.reached);
    assert_eq!(c.outcome.trials(), 4096);
    assert_eq!(c.precision[0].output, "cleared_area_km2");
}

#[test]
fn precision_and_output_names_are_validated() {
    assert_eq!(
        PrecisionTarget::new(0.0).unwrap_err().to_string(),
        "precision: 0 % is invalid: must lie in (0 %, 100 %]"
    );
    assert_eq!(
        PrecisionTarget::new(1.5).unwrap_err().to_string(),
        "precision: 150 % is invalid: must lie in (0 %, 100 %]"
    );
    assert!(PrecisionTarget::new(f64::NAN).is_err());
    let t = PrecisionTarget::new(0.1).unwrap().with_outputs(vec!["bogus".into()]);
    let e = simulate_to_precision(&uncertain(), &SimConfig::default(), &t).unwrap_err().to_string();
    assert!(e.starts_with("--watch: 'bogus' is unknown; known: suspected_area_km2"), "{e}");
}

#[test]
fn failed_trials_are_counted_reported_and_excluded() {
    // A productivity of 0 m² a day in 1 % of trials (a Positive quantity may touch 0):
    // those trials need infinite team-days and fail. (A lognormal so wide that its low
    // tail underflows to 0, median 200 and p95 1e200, is now refused: its mean and upper
    // tail overflow.)
    let text = common::edit(
        common::FIXED,
        "productivity_m2_per_team_day = 200",
        r#"productivity_m2_per_team_day = { dist = "discrete", values = [0, 200], weights = [1, 99] }"#,
    );
    let s = Scenario::from_toml_str(&text).unwrap();
    let o = simulate(&s, &SimConfig::default().with_trials(4000).with_model(ModelLevel::Aggregate)).unwrap();
    let (examples, count) = o.failed_trials();
    // A trial fails when the manual team-days (12.5 km² / productivity) or their cost overflow, i.e. when
    // the productivity falls below ~1e-298 m² a day: z < (ln 1e-298 - ln 200) / σ, σ = ln(1e200 / 200) / z95.
    // σ is so wide that the exact threshold hardly matters (a factor 1,000 moves p by 0.0004). Expect
    // 4,000·p failures within 4 binomial standard errors.
    let sigma = (1e200f64 / 200.0).ln() / 1.644_853_626_951_472_2;
    let p = statrs::function::erf::erfc(-((1e-298f64).ln() - 200f64.ln()) / sigma / std::f64::consts::SQRT_2) / 2.0;
    let (mean, se) = (4000.0 * p, (4000.0 * p * (1.0 - p)).sqrt());
    assert!((count as f64 - mean).abs() < 4.0 * se, "{count} failures, expected {mean:.1} ± {se:.1}");
    let f = &examples[0];
    assert!(f.outputs.contains(&"total_cost".to_string()), "{f:?}");
    let prod = f.inputs.iter().find(|(n, _)| n == "methods.manual.productivity_m2_per_team_day").unwrap().1;
    assert_eq!(prod, 0.0);
    let cost = o.summary("total_cost").unwrap();
    assert_eq!(cost.n, 4000 - count);
    assert!(cost.mean.is_finite());
    // a failed trial is excluded from every output, not only the non-finite ones
    assert_eq!(o.summary("suspected_area_km2").unwrap().n, 4000 - count);
    assert!(o.values("suspected_area_km2").unwrap()[f.trial as usize].is_nan());
    // and the JSON report carries them
    let j = demine::report::to_json(&o);
    assert_eq!(j["failed_trials"]["count"], count);
}
