//! A workload that moves (land arriving later, new contamination while fighting
//! goes on), land found contaminated again, items missed, survey's diminishing
//! returns: closed forms on one pool of teams (see tests/economics.rs).

use demine::{ModelLevel, Outcome, Scenario, SimConfig, simulate};

const ONE_POOL: &str = r#"
name = "one-pool"
currency = "USD"
price_year = 2025
start_year = 2025

[land_release]
method_shares = { manual = 1.0 }

[survey.non_technical]
cost_usd_per_km2 = 0

[survey.technical]
cost_usd_per_m2 = 0

[methods.manual]
productivity_m2_per_team_day = 100
cost_usd_per_team_day = 0

[costs]
overhead_fraction = 0

[capacity]
working_days_per_year = 200
teams.manual = { initial = 10, cost_per_team_year = 100000 }

[sites]
count = 1
team_day_cv = 0

[[regions]]
name = "A"
strata = [{ hazard = "mines", suspected_area_km2 = 1 }]
"#;

fn scenario(from: &str, to: &str) -> Scenario {
    assert!(ONE_POOL.contains(from), "{from}");
    Scenario::from_toml_str(&ONE_POOL.replacen(from, to, 1)).unwrap()
}

fn run(s: &Scenario, model: ModelLevel) -> Outcome {
    simulate(s, &SimConfig::default().with_trials(3).with_model(model)).unwrap()
}

fn mean(o: &Outcome, name: &str) -> f64 {
    o.summary(name).unwrap_or_else(|| panic!("{name}")).mean
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn land_arriving_later_is_worked_after_it_arrives_and_the_idle_teams_are_paid() {
    let s = scenario("suspected_area_km2 = 1 }", "suspected_area_km2 = 1, arrives_year = 2027 }");
    for model in [ModelLevel::Aggregate, ModelLevel::Sites] {
        let o = run(&s, model);
        // Two idle years, then the 5 years of work.
        assert!(close(mean(&o, "duration_years"), 7.0), "{model:?}: {}", mean(&o, "duration_years"));
        assert!(close(mean(&o, "programme_cost"), 7.0 * 10.0 * 1e5), "{model:?}: {}", mean(&o, "programme_cost"));
    }
    // Before it arrives the land carries no risk: area-years count from arrival to release.
    let o = run(&s, ModelLevel::Sites);
    assert!(close(mean(&o, "hazard_area_years"), 5.0), "{}", mean(&o, "hazard_area_years"));
}

#[test]
fn new_contamination_while_fighting_goes_on_arrives_evenly_until_it_stops() {
    // 0.2 km² a year for five years (2025-2030) is 1 km²; ten teams clear exactly 0.2 km² a year.
    let s = scenario("suspected_area_km2 = 1 }", "added_km2_per_year = 0.2, until_year = 2030 }");
    let o = run(&s, ModelLevel::Aggregate);
    assert!(close(mean(&o, "suspected_area_km2"), 1.0));
    assert!(close(mean(&o, "duration_years"), 5.0), "{}", mean(&o, "duration_years"));
    // One site arriving halfway through (2.5 years) takes five years of work.
    let o = run(&s, ModelLevel::Sites);
    assert!(close(mean(&o, "duration_years"), 7.5), "{}", mean(&o, "duration_years"));
}

#[test]
fn land_found_contaminated_again_is_cleared_and_counted() {
    // NTS cancels half; half of that is later found contaminated: 0.25 km² more to clear.
    let s = scenario(
        "method_shares = { manual = 1.0 }",
        "method_shares = { manual = 1.0 }\ncancelled_fraction = 0.5\nresidual_fraction = 0.5",
    );
    let o = run(&s, ModelLevel::Aggregate);
    assert!(close(mean(&o, "residual_area_km2"), 0.25));
    assert!(close(mean(&o, "team_days_manual"), 7500.0));
    assert!(close(mean(&o, "duration_years"), 3.75), "{}", mean(&o, "duration_years"));
}

#[test]
fn detection_below_one_leaves_items_behind() {
    let s = scenario("method_shares = { manual = 1.0 }", "method_shares = { manual = 1.0 }\nitems_per_km2 = 1000");
    let s = Scenario::from_toml_str(
        &demine::io::to_toml(&s)
            .unwrap()
            .replace("cost_usd_per_team_day = 0.0", "cost_usd_per_team_day = 0.0\ndetection_probability = 0.9"),
    )
    .unwrap();
    for model in [ModelLevel::Aggregate, ModelLevel::Sites] {
        let o = run(&s, model);
        assert!(close(mean(&o, "items_found"), 900.0), "{model:?}: {}", mean(&o, "items_found"));
        assert!(close(mean(&o, "items_missed_per_km2"), 100.0), "{model:?}");
    }
}

#[test]
fn survey_returns_diminish_along_the_work_order() {
    // The cancelled fraction falls from 0.5 to 0.5·(1 − 0.4) along the order: 0.4 on average.
    let s = scenario(
        "method_shares = { manual = 1.0 }",
        "method_shares = { manual = 1.0 }\ncancelled_fraction = 0.5\ncancelled_fraction_trend = 0.4",
    );
    let o = run(&s, ModelLevel::Aggregate);
    assert!(close(mean(&o, "cancelled_area_km2"), 0.4));
    // With many sites the site engine's share of cancelled land tends to the same value.
    let many =
        Scenario::from_toml_str(&demine::io::to_toml(&s).unwrap().replace("count = 1", "count = 20000")).unwrap();
    let o = simulate(&many, &SimConfig::default().with_trials(20).with_model(ModelLevel::Sites)).unwrap();
    let c = o.summary("cancelled_area_km2").unwrap();
    // 20,000 Bernoulli sites of size ~5e-5 km² (CV 1.5): the trial-to-trial sd gives the tolerance.
    assert!((c.mean - 0.4).abs() < 4.0 * c.sd.max(1e-3), "{c:?}");
}
