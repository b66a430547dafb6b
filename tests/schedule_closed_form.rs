//! The scheduled site engine against a hand computation: one clearance pool of fixed teams working
//! three confirmed areas of known size in the order given, every input fixed and no site variability.
//! Release times, the 50 % / 90 % interpolation, the casualty integral and the discounted land value
//! are worked out below by hand and must be met to rounding.

use demine::{Scenario, SimConfig, simulate, simulate::Series};

/// 10 manual teams × 200 days × 100 m² = 200,000 m² a year. Survey pools are not limited (no teams
/// given), and CHAs skip non-technical survey, so the manual pool alone sets the pace.
fn scenario() -> Scenario {
    let csv = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/schedule-sites.csv");
    let text = format!(
        r#"
name = "three sites"
currency = "USD"
price_year = 2024
start_year = 2025

[land_release]
cancelled_fraction = 0
reduced_fraction = 0
contaminated_fraction = 1
items_per_km2 = 0
method_shares = {{ manual = 1.0 }}

[survey.non_technical]
cost_usd_per_km2 = 1000
productivity_km2_per_team_day = 0.5

[survey.technical]
cost_usd_per_m2 = 0.1
productivity_km2_per_team_day = 0.05

[methods.manual]
productivity_m2_per_team_day = 100
cost_usd_per_team_day = 1000

[costs]
overhead_fraction = 0

[capacity]
working_days_per_year = 200
horizon_years = 10
priority = "as_given"
teams.manual = {{ initial = 10 }}

[casualties]
rate_per_km2_year = 0.004

[land_value]
agriculture_usd_per_ha_year = 600
discount_rate = 0.05

[sites]
inventory = {csv:?}
reduction_spread = 0
team_day_cv = 0

[[regions]]
name = "R"
strata = [{{ hazard = "mines" }}]
"#
    );
    Scenario::from_toml_str(&text).unwrap()
}

fn close(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() <= 1e-9 * want.abs().max(1.0), "{what}: {got} vs {want} by hand");
}

#[test]
fn release_years_interpolation_casualties_and_land_value_match_the_hand_computation() {
    let o = simulate(&scenario(), &SimConfig::default().with_trials(3)).unwrap();
    let mean = |k: &str| o.summary(k).unwrap().mean;
    // A (150,000 m²) is done at 0.75 years; B (230,000) 1.15 years later, at 1.9; C (300,000) at 3.4.
    let t = [0.75, 1.9, 3.4];
    let sites = o.sites().unwrap();
    for (i, want) in t.iter().enumerate() {
        close(sites.mean_release_year()[i], 2025.0 + want, &format!("release year of {}", sites.id(i)));
    }
    assert_eq!(o.failed_trials().1, 0, "{:?}", o.failed_trials().0);
    close(mean("duration_years"), 3.4, "duration");
    // 50 % of 680,000 m² = 340,000: 150,000 released in year 0, 230,000 in year 1, so the line crosses
    // it (340,000 - 150,000) / 230,000 of the way through year 1. 90 % = 612,000: in year 3, where C's
    // 300,000 arrive on top of 380,000; spread evenly over the year that would be 3.773, after the
    // last release (3.4), so it is the last release: no land is released after the duration.
    close(mean("years_to_50pct_released"), 1.0 + 190_000.0 / 230_000.0, "years to 50 %");
    close(mean("years_to_90pct_released"), 3.4, "years to 90 %");
    // Casualties: rate × Σ eᵢ·aᵢ·tᵢ, eᵢ = (popᵢ / aᵢ) / (Σpop / Σa), so eᵢ·aᵢ = popᵢ · Σa / Σpop
    // (0.68 km² over 1,000 people).
    let pop = [300.0, 100.0, 600.0];
    let per_person_km2 = 0.68 / 1000.0;
    let total: f64 = pop.iter().zip(&t).map(|(p, t)| p * per_person_km2 * t).sum();
    close(mean("casualties_over_horizon"), 0.004 * total, "casualties over the horizon");
    let first: f64 = pop.iter().zip(&t).map(|(p, t)| p * per_person_km2 * t.min(1.0)).sum();
    close(mean("casualties_first_year"), 0.004 * first, "casualties in the first year");
    // Land value: A's 15 ha are in use for the last quarter of year 0, then every year; C's 30 ha for
    // the last 0.6 of year 3, then every year; each year's value discounted to its middle.
    let in_use = |y: usize| -> f64 {
        let a = match y {
            0 => 15.0 * 0.25,
            _ => 15.0,
        };
        let c = match y {
            0..=2 => 0.0,
            3 => 30.0 * 0.6,
            _ => 30.0,
        };
        a + c
    };
    let value: f64 = (0..10).map(|y| 600.0 * in_use(y) * 1.05f64.powf(-(y as f64 + 0.5))).sum();
    close(mean("land_value_returned"), value, "discounted land value");
    // Release rates: 6,800 manual team-days are 34 team-years for 680,000 m²; with every area confirmed
    // there is no non-technical survey, so its rate is undefined in every trial (which does not fail).
    close(mean("cleared_m2_per_clearance_team_year"), 20_000.0, "cleared per team-year");
    assert!(o.values("cancelled_km2_per_nts_team_year").unwrap().iter().all(|v| v.is_nan()));
    // The yearly series: released km² by year and what remains.
    let released = o.fan_chart(Series::AreaReleasedKm2);
    let want = [0.15, 0.23, 0.0, 0.30, 0.0];
    for (y, w) in want.iter().enumerate() {
        assert!((f64::from(released[y][1] as f32) - w).abs() < 1e-6, "year {y}: {:?} vs {w}", released[y]);
    }
    let remaining = o.fan_chart(Series::HazardousAreaRemainingKm2);
    for (y, w) in [0.53, 0.30, 0.30, 0.0].iter().enumerate() {
        assert!((remaining[y][1] - w).abs() < 1e-6, "remaining after year {y}: {:?} vs {w}", remaining[y]);
    }
}

#[test]
fn twice_the_teams_halve_every_release_time() {
    let mut s = scenario();
    s.set("capacity.teams.manual.initial", demine::Dist::fixed(20.0).unwrap()).unwrap();
    let o = simulate(&s, &SimConfig::default().with_trials(2)).unwrap();
    close(o.summary("duration_years").unwrap().mean, 1.7, "duration with 20 teams");
    let sites = o.sites().unwrap();
    for (i, t) in [0.375, 0.95, 1.7].iter().enumerate() {
        close(sites.mean_release_year()[i], 2025.0 + t, "release year with 20 teams");
    }
}
