//! The programme's bill against hand computations: one pool of teams whose
//! work takes a known number of years, so that every amount is a closed form.

use demine::analysis::{compare, release_with_budget, required_budget};
use demine::{ModelLevel, Outcome, Scenario, SimConfig, simulate};
use proptest::prelude::*;

/// 1 km² to clear by manual teams at 100 m² a team-day: 10,000 team-days.
/// 10 teams × 200 days = 2,000 team-days a year: exactly 5 years.
const ONE_POOL: &str = r#"
name = "one-pool"
currency = "USD"
price_year = 2023
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

fn scenario(extra: &[(&str, &str)]) -> Scenario {
    let mut text = ONE_POOL.to_string();
    for (from, to) in extra {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    Scenario::from_toml_str(&text).unwrap()
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
fn fixed_teams_for_known_years_cost_teams_times_years_times_cost() {
    for model in [ModelLevel::Aggregate, ModelLevel::Sites] {
        let o = run(&scenario(&[]), model);
        assert!(close(mean(&o, "duration_years"), 5.0), "{model:?}");
        // 10 teams × 5 years × 100,000 a team-year.
        assert!(close(mean(&o, "programme_cost"), 5e6), "{model:?}: {}", mean(&o, "programme_cost"));
        // Always busy: the work's own cost (its team-days at the team-year's share) is the same.
        assert!(close(mean(&o, "total_cost"), 5e6), "{model:?}");
        assert!(close(mean(&o, "programme_cost_first_10_years"), 5e6));
    }
    // Two teams: 25 years; the first ten cost 2 × 10 × 100,000.
    let o = run(&scenario(&[("initial = 10", "initial = 2")]), ModelLevel::Aggregate);
    assert!(close(mean(&o, "duration_years"), 25.0));
    assert!(close(mean(&o, "programme_cost_first_10_years"), 2e6));
    assert!(close(mean(&o, "programme_cost"), 5e6));
}

#[test]
fn present_value_nominal_and_escalation_follow_the_hand_computed_annuity() {
    let s = scenario(&[(
        "overhead_fraction = 0",
        "overhead_fraction = 0\ndiscount_rate = 0.05\ninflation_per_year = 0.03\nescalation_per_year = 0.02",
    )]);
    for model in [ModelLevel::Aggregate, ModelLevel::Sites] {
        let o = run(&s, model);
        // 1,000,000 a year for five years, escalated 2 % a year in real terms.
        let real: Vec<f64> = (0..5).map(|y| 1e6 * 1.02f64.powi(y)).collect();
        let pv: f64 = real.iter().enumerate().map(|(y, c)| c / 1.05f64.powf(y as f64 + 0.5)).sum();
        // Price year 2023, start 2025: year y is 2 + y years of inflation away.
        let nominal: f64 = real.iter().enumerate().map(|(y, c)| c * 1.03f64.powi(2 + y as i32)).sum();
        assert!(close(mean(&o, "programme_cost"), real.iter().sum()), "{model:?}");
        assert!(close(mean(&o, "programme_cost_present_value"), pv), "{model:?}");
        assert!(close(mean(&o, "programme_cost_nominal"), nominal), "{model:?}");
    }
}

#[test]
fn mobilisation_and_coordination_are_paid_as_stated() {
    // 10, 20, 40 teams: 2,000 + 4,000 + 8,000 team-days; the last 4,000 take half of year 3.
    let s = scenario(&[
        (
            "teams.manual = { initial = 10, cost_per_team_year = 100000 }",
            "teams.manual = { initial = 10, growth_per_year = 1.0, ceiling = 40, cost_per_team_year = 100000, mobilisation_cost_per_team = 50000 }",
        ),
        ("overhead_fraction = 0", "overhead_fraction = 0\ncoordination_per_year = 100000"),
    ]);
    for model in [ModelLevel::Aggregate, ModelLevel::Sites] {
        let o = run(&s, model);
        assert!(close(mean(&o, "duration_years"), 2.5), "{model:?}");
        let fixed = 10.0 * 1e5 + 20.0 * 1e5 + 40.0 * 1e5 * 0.5;
        let mobilisation = 10.0 * 5e4 + 20.0 * 5e4;
        let coordination = 2.5 * 1e5;
        let want = fixed + mobilisation + coordination;
        assert!(close(mean(&o, "programme_cost"), want), "{model:?}: {} vs {want}", mean(&o, "programme_cost"));
    }
}

#[test]
fn teams_above_those_in_service_are_raised_in_the_first_year() {
    let s = scenario(&[(
        "teams.manual = { initial = 10, cost_per_team_year = 100000 }",
        "teams.manual = { initial = 10, existing = 4, cost_per_team_year = 100000, mobilisation_cost_per_team = 50000 }",
    )]);
    for model in [ModelLevel::Aggregate, ModelLevel::Sites] {
        let o = run(&s, model);
        assert!(close(mean(&o, "programme_cost"), 5e6 + 6.0 * 5e4), "{model:?}: {}", mean(&o, "programme_cost"));
    }
}

#[test]
fn a_budget_that_is_exactly_enough_finishes_exactly_on_time() {
    // Bought teams cost 100,000 a year each; 1,000,000 a year buys 10: 5 years.
    let s = scenario(&[]).with_budget(1e6).unwrap();
    for model in [ModelLevel::Aggregate, ModelLevel::Sites] {
        let o = run(&s, model);
        assert!(close(mean(&o, "duration_years"), 5.0), "{model:?}: {}", mean(&o, "duration_years"));
        assert!(close(mean(&o, "programme_cost"), 5e6), "{model:?}");
    }
    // Half the budget buys half the teams: twice the years, the same bill.
    let o = run(&scenario(&[]).with_budget(5e5).unwrap(), ModelLevel::Aggregate);
    assert!(close(mean(&o, "duration_years"), 10.0));
    // The solver finds that budget for a 5-year deadline (2025-2029), to 1 %.
    let config = SimConfig::default().with_trials(4).with_model(ModelLevel::Aggregate);
    let a = required_budget(&scenario(&[]), &config, 2029, 0.8).unwrap();
    assert!((a.budget_per_year / 1e6 - 1.0).abs() < 0.011, "{}", a.budget_per_year);
    assert_eq!(a.teams[0].teams[0].0, "manual");
    assert!((a.teams[0].teams[0].1 - 10.0).abs() < 0.11, "{:?}", a.teams[0]);
    // And the converse: that budget releases the land at the end of 2029 (calendar time 2030.0),
    // the deadline's year.
    let r = release_with_budget(&scenario(&[]), &config, 1e6).unwrap();
    assert!(close(r.release_year.p50(), 2030.0), "{:?}", r.release_year);
    assert_eq!(r.start_year, 2025);
    assert_eq!(r.horizon_end_year, 2025 + 100 - 1);
}

#[test]
fn funding_caps_the_plan_and_reports_what_is_missing() {
    let s = scenario(&[("[[regions]]", "[funding]\nper_year = 500000\n\n[[regions]]")]);
    let o = run(&s, ModelLevel::Aggregate);
    // Half the plan is funded: 5 teams, 10 years; each year 500,000 of the plan's 1,000,000 is missing.
    assert!(close(mean(&o, "duration_years"), 10.0));
    assert!(close(mean(&o, "funding_shortfall"), 10.0 * 5e5));
    assert!(close(mean(&o, "funding_unspent"), 0.0));
}

#[test]
fn twice_the_manual_teams_changes_the_bill_with_a_confidence_interval() {
    let a = demine::io::load_scenario("ukraine").unwrap();
    let mut b = a.with_name("ukraine-2x-manual");
    b.scale("capacity.teams.manual.initial", 2.0).unwrap();
    b.scale("capacity.teams.manual.ceiling", 2.0).unwrap();
    let c = compare(&[a, b], &SimConfig::default().with_trials(200).with_model(ModelLevel::Aggregate)).unwrap();
    let d = &c.output("programme_cost").unwrap().versus_baseline[0];
    assert!(d.mean != 0.0 && (d.ci95[0] > 0.0 || d.ci95[1] < 0.0), "{d:?}");
    assert_eq!(c.cost_of_delay.len(), 1);
}

#[test]
fn no_budget_meets_a_deadline_before_the_land_arrives() {
    // The land comes into scope in 2031: no money releases it by the end of 2029.
    let s = scenario(&[("suspected_area_km2 = 1", "suspected_area_km2 = 1, arrives_year = 2031")]);
    let config = SimConfig::default().with_trials(4).with_model(ModelLevel::Aggregate);
    let e = required_budget(&s, &config, 2029, 0.8).unwrap_err().to_string();
    assert!(e.contains("no yearly budget up to") && e.contains("by the end of 2029"), "{e}");
}

/// Half manual (5,000 team-days), half mechanical at 1,000 m² a team-day (500 team-days), 10 teams each.
fn two_pools(extra: &[(&str, &str)]) -> Scenario {
    let mut edits = vec![
        ("method_shares = { manual = 1.0 }", "method_shares = { manual = 0.5, mechanical = 0.5 }"),
        (
            "cost_usd_per_team_day = 0",
            "cost_usd_per_team_day = 0\n\n[methods.mechanical]\nproductivity_m2_per_team_day = 1000\ncost_usd_per_team_day = 0",
        ),
        (
            "teams.manual = { initial = 10, cost_per_team_year = 100000 }",
            "teams.manual = { initial = 10, cost_per_team_year = 100000 }\nteams.mechanical = { initial = 10, cost_per_team_year = 100000 }",
        ),
    ];
    edits.extend_from_slice(extra);
    scenario(&edits)
}

#[test]
fn money_of_a_finished_pool_goes_to_the_pools_still_working() {
    // The plan costs 2,000,000 a year; 1,000,000 buys half of every pool in year 0.
    let s = two_pools(&[("[[regions]]", "[funding]\nper_year = 1000000\n\n[[regions]]")]);
    // Aggregate engine, which learns a year at a time which pools are done: in year 0, 5 mechanical
    // teams end their 500 team-days at mid-year and 5 manual teams do 1,000 of their 5,000. From
    // year 1 the money buys the manual plan in full (1,000,000): 10 teams do the other 4,000 in 2
    // years. Paid: 5 + 5 × ½ teams in year 0, 10 in years 1-2; only year 0 misses money (the full
    // plan of both pools, 2,000,000 against 1,000,000).
    let o = run(&s, ModelLevel::Aggregate);
    assert!(close(mean(&o, "duration_years"), 3.0), "{}", mean(&o, "duration_years"));
    assert!(close(mean(&o, "programme_cost"), 2.75e6), "{}", mean(&o, "programme_cost"));
    assert!(close(mean(&o, "funding_unspent"), 0.25e6), "{}", mean(&o, "funding_unspent"));
    assert!(close(mean(&o, "funding_shortfall"), 1e6), "{}", mean(&o, "funding_shortfall"));
    // Site engine, whose planning pass says the mechanical work ends at mid-year 0: that pool asks
    // money for half of year 0 only, so 1,000,000 buys k = 1 / 1.5 of both plans: 6⅔ manual teams
    // do 1,333⅓ team-days and the mechanical ones end at 0.375. From year 1, 10 manual teams do the
    // other 3,666⅔ in 1.8333 years: done at 2.8333. Paid: 666,667 + 250,000 in year 0, 1,000,000 in
    // year 1, 833,333 in year 2: 2,750,000 again, 250,000 unspent; the plan misses 500,000 in year 0.
    let o = run(&s, ModelLevel::Sites);
    assert!(close(mean(&o, "duration_years"), 2.0 + 5.0 / 6.0), "{}", mean(&o, "duration_years"));
    assert!(close(mean(&o, "programme_cost"), 2.75e6), "{}", mean(&o, "programme_cost"));
    assert!(close(mean(&o, "funding_unspent"), 0.25e6), "{}", mean(&o, "funding_unspent"));
    assert!(close(mean(&o, "funding_shortfall"), 0.5e6), "{}", mean(&o, "funding_shortfall"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    /// On common random numbers, more money never finishes later, trial by trial.
    #[test]
    /// Two pools, so that the money of the one that finishes first moves to the other; both engines.
    #[test]
    fn more_budget_never_finishes_later(b1 in 2e5f64..2e6, extra in 0.0f64..2e6, sites in proptest::bool::ANY) {
        let s = two_pools(&[
            ("productivity_m2_per_team_day = 100", r#"productivity_m2_per_team_day = { dist = "triangular", min = 50, mode = 100, max = 200 }"#),
            ("suspected_area_km2 = 1", r#"suspected_area_km2 = { dist = "uniform", min = 0.5, max = 2 }"#),
            ("count = 1", "count = 20"),
        ]);
        let model = if sites { ModelLevel::Sites } else { ModelLevel::Aggregate };
        let config = SimConfig::default().with_trials(64).with_seed(3).with_model(model);
        let lo = simulate(&s.with_budget(b1).unwrap(), &config).unwrap();
        let hi = simulate(&s.with_budget(b1 + extra).unwrap(), &config).unwrap();
        for (a, b) in lo.values("duration_years").unwrap().iter().zip(hi.values("duration_years").unwrap()) {
            prop_assert!(*b <= *a + 1e-9, "{b} > {a}");
        }
    }
}

#[test]
fn release_rates_match_the_inputs_and_the_totals() {
    // 100 m² a team-day × 200 working days = 20,000 m² cleared per team-year of work, exactly; and
    // released land per person-day is the released area over team-days × the 10 people of a team.
    let s = scenario(&[(
        "teams.manual = { initial = 10, cost_per_team_year = 100000 }",
        "teams.manual = { initial = 10, cost_per_team_year = 100000, staff_per_team = 10 }",
    )]);
    for model in [ModelLevel::Aggregate, ModelLevel::Sites] {
        let o = run(&s, model);
        assert!(close(mean(&o, "cleared_m2_per_clearance_team_year"), 20_000.0), "{model:?}");
        let released = mean(&o, "cancelled_area_km2") + mean(&o, "reduced_area_km2") + mean(&o, "cleared_area_km2");
        let want = released * 1e6 / (mean(&o, "team_days_manual") * 10.0);
        assert!(close(mean(&o, "released_m2_per_deminer_day"), want), "{model:?}");
    }
    // Without staff counts the per-person rate is not reported.
    assert!(run(&scenario(&[]), ModelLevel::Aggregate).summary("released_m2_per_deminer_day").is_none());
    // All the land cancelled by a survey without teams (no productivity given): land released
    // with no person-days of work, so released per person-day has no denominator. It is NaN (no
    // value), never infinite.
    let s = scenario(&[
        ("method_shares = { manual = 1.0 }", "method_shares = { manual = 1.0 }\ncancelled_fraction = 1"),
        (
            "teams.manual = { initial = 10, cost_per_team_year = 100000 }",
            "teams.manual = { initial = 10, cost_per_team_year = 100000, staff_per_team = 10 }",
        ),
    ]);
    for model in [ModelLevel::Aggregate, ModelLevel::Sites] {
        let o = run(&s, model);
        assert!(close(mean(&o, "cancelled_area_km2"), 1.0), "{model:?}");
        let v = o.values("released_m2_per_deminer_day").unwrap();
        assert!(v.iter().all(|x| x.is_nan()), "{model:?}: {v:?}");
    }
}
