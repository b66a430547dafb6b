//! Plan comparison on common random numbers, and the capacity solver.

use demine::analysis::{compare, required_clearance_capacity};
use demine::{ModelLevel, SimConfig, io::load_scenario, simulate};

#[test]
fn a_plan_against_itself_differs_by_exactly_zero() {
    let s = load_scenario("ukraine").unwrap();
    let c = compare(&[s.clone(), s], &SimConfig::default().with_trials(30)).unwrap();
    for o in &c.outputs {
        let d = &o.versus_baseline[0];
        assert_eq!(d.mean, 0.0, "{}", o.name);
        assert_eq!(d.se, 0.0, "{}", o.name);
    }
}

#[test]
fn common_random_numbers_make_small_differences_visible() {
    // 10 % more clearance teams: a small change the paired difference resolves
    // with few trials, while the unpaired spread of durations is far wider.
    let a = load_scenario("ukraine").unwrap();
    let b = a.with_clearance_capacity_scaled(1.1).unwrap();
    let c = compare(&[a, b], &SimConfig::default().with_trials(200).with_model(ModelLevel::Aggregate)).unwrap();
    let o = c.output("duration_years").unwrap();
    let d = &o.versus_baseline[0];
    assert!(d.ci95[1] < 0.0, "{d:?}");
    assert!(d.prob_better > 0.8, "{d:?}");
    assert!(d.se < 0.1 * o.plans[0].sd, "paired se {} vs spread {}", d.se, o.plans[0].sd);
    // the bill does not change with capacity
    assert_eq!(c.output("total_cost").unwrap().versus_baseline[0].mean, 0.0);
}

#[test]
fn capacity_solver_finds_the_smallest_sufficient_factor() {
    let s = load_scenario("ukraine").unwrap();
    let config = SimConfig::default().with_trials(200).with_model(ModelLevel::Aggregate);
    let a = required_clearance_capacity(&s, &config, 2045, 0.8).unwrap();
    assert!(a.factor > 1.0 && a.factor < 20.0, "{a:?}");
    assert!(a.probability >= 0.8);
    // the probability at the answer meets the target, and 2 % less capacity does not
    let p = |k: f64| {
        let o = simulate(&s.with_clearance_capacity_scaled(k).unwrap(), &config).unwrap();
        let d = o.values("duration_years").unwrap();
        d.iter().filter(|v| **v <= 21.0).count() as f64 / d.len() as f64
    };
    assert!(p(a.factor) >= 0.8);
    assert!(p(a.factor * 0.98) < 0.8);
    // and the search is monotone: every factor tried above the answer meets it, every one below does not
    for (k, pk) in &a.evaluations {
        assert_eq!(*pk >= 0.8, *k >= a.factor, "{k} {pk}");
    }
}

#[test]
fn capacity_solver_explains_impossible_deadlines_and_bad_input() {
    let s = load_scenario("ukraine").unwrap();
    let config = SimConfig::default().with_trials(50).with_model(ModelLevel::Aggregate);
    let e = required_clearance_capacity(&s, &config, 2025, 0.8).unwrap_err().to_string();
    assert!(
        e.starts_with("even 1024× today's clearance teams release all land by the end of 2025 with probability 0.000"),
        "{e}"
    );
    assert!(e.contains("survey capacity (NTS, TS) or the schedule's horizon limits release"), "{e}");
    let e = required_clearance_capacity(&s, &config, 2040, 1.0).unwrap_err().to_string();
    assert_eq!(e, "confidence: 1 is invalid: must lie in (0, 1)");
    let e = required_clearance_capacity(&s, &config, 2020, 0.8).unwrap_err().to_string();
    assert_eq!(e, "finish_by: 2020 is invalid: must not be before the scenario's start year (2025)");
    let e = required_clearance_capacity(&s.without_capacity(), &config, 2040, 0.8).unwrap_err().to_string();
    assert!(e.starts_with("capacity: missing is invalid"), "{e}");
}
