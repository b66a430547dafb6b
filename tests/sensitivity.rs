//! Sobol indices against the Ishigami function's analytic values; tornado data
//! on a scenario whose driver is known.

mod common;
use demine::analysis::{scenario_sobol_indices, tornado};
use demine::stats::sobol_indices;
use demine::{Dist, ModelLevel, Sampler, Scenario, SimConfig, simulate};

/// Ishigami & Homma (1990), a = 7, b = 0.1: analytic indices (Sobol & Levitan 1999).
const S1: [f64; 3] = [0.313_905, 0.442_411, 0.0];
const ST: [f64; 3] = [0.557_589, 0.442_411, 0.243_684];

#[test]
fn ishigami_indices_match_the_analytic_values() {
    let pi = std::f64::consts::PI;
    let u = Dist::uniform(-pi, pi).unwrap();
    let f = |x: &[f64]| x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin();
    let s = sobol_indices(&[u.clone(), u.clone(), u], &["x1", "x2", "x3"], f, 16_384, 7, 16).unwrap();
    // analytic variance: a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2
    let v = 49.0 / 8.0 + 0.1 * pi.powi(4) / 5.0 + 0.01 * pi.powi(8) / 18.0 + 0.5;
    println!("Ishigami N = 16384: S = {:?} CI {:?}; ST = {:?} CI {:?}", s.first, s.first_ci, s.total, s.total_ci);
    assert!((s.variance / v - 1.0).abs() < 0.03, "variance {} vs {v}", s.variance);
    for i in 0..3 {
        // Tolerance from the bootstrap: twice the 95 % half-width (about 4 standard errors).
        let tol1 = (s.first_ci[i][1] - s.first_ci[i][0]).max(0.005);
        let tolt = (s.total_ci[i][1] - s.total_ci[i][0]).max(0.005);
        assert!((s.first[i] - S1[i]).abs() < tol1, "S{} = {} vs {} (CI {:?})", i + 1, s.first[i], S1[i], s.first_ci[i]);
        assert!(
            (s.total[i] - ST[i]).abs() < tolt,
            "ST{} = {} vs {} (CI {:?})",
            i + 1,
            s.total[i],
            ST[i],
            s.total_ci[i]
        );
        assert!(s.first_ci[i][0] <= s.first[i] && s.first[i] <= s.first_ci[i][1]);
    }
}

#[test]
fn the_known_driver_of_a_scenario_leads_the_tornado_and_the_sobol_ranking() {
    // Cost = A·(linear in team-day cost) with a wide manual cost and a narrow overhead.
    let text = common::edit(
        common::FIXED,
        "cost_usd_per_team_day = 1000",
        r#"cost_usd_per_team_day = { dist = "uniform", min = 500, max = 5000 }"#,
    );
    let text = common::edit(
        &text,
        "overhead_fraction = 0.1",
        r#"overhead_fraction = { dist = "uniform", min = 0.09, max = 0.11 }"#,
    );
    let s = Scenario::from_toml_str(&text).unwrap();
    let config =
        SimConfig::default().with_trials(4_000).with_model(ModelLevel::Aggregate).with_sampler(Sampler::LatinHypercube);
    let o = simulate(&s, &config).unwrap();
    let t = tornado(&o, "total_cost").unwrap();
    assert_eq!(t.bars[0].input, "methods.manual.cost_usd_per_team_day");
    assert!(t.bars[0].spearman > 0.95 && t.bars[0].contribution > 0.9, "{:?}", t.bars[0]);
    assert!(t.src_r2 > 0.99);
    assert!(t.warnings.is_empty());
    let sob = scenario_sobol_indices(&s, &config, &["total_cost"], 1024, 16).unwrap();
    let i = sob[0].inputs.iter().position(|n| n == "methods.manual.cost_usd_per_team_day").unwrap();
    assert!(sob[0].first[i] > 0.95 && sob[0].total[i] > 0.95, "{:?}", sob[0]);
    assert!(sob[0].first[1 - i] < 0.05);
}

#[test]
fn correlated_inputs_come_with_a_warning() {
    let o = simulate(
        &demine::io::load_scenario("eastern-flank").unwrap(),
        &SimConfig::default().with_trials(300).with_model(ModelLevel::Aggregate),
    )
    .unwrap();
    let t = tornado(&o, "total_cost").unwrap();
    assert!(t.warnings.iter().any(|w| w.contains("correlates some inputs")));
}
