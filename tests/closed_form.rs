//! Exact answers from all-fixed inputs, and means of single uncertain inputs
//! against their closed forms within 4 standard errors.

mod common;
use demine::{ModelLevel, Scenario, SimConfig, simulate};

fn run(text: &str, trials: u64, model: ModelLevel) -> demine::Outcome {
    let s = Scenario::from_toml_str(text).unwrap();
    simulate(&s, &SimConfig::default().with_trials(trials).with_model(model)).unwrap()
}

#[test]
fn fixed_inputs_give_the_formulas_exactly() {
    let o = run(common::FIXED, 3, ModelLevel::Aggregate);
    // A = 100 km²; NTS cancels 50; TS surveys 50, reduces 25; 25 km² to clear.
    let exact = [
        ("suspected_area_km2", 100.0),
        ("cancelled_area_km2", 50.0),
        ("reduced_area_km2", 25.0),
        ("cleared_area_km2", 25.0),
        // 12.5e6 m² / 200 and 12.5e6 m² / 5000
        ("team_days_manual", 62_500.0),
        ("team_days_mechanical", 2_500.0),
        ("team_days_non_technical_survey", 200.0),
        ("team_days_technical_survey", 1_000.0),
        ("cost_non_technical_survey", 100_000.0),
        ("cost_technical_survey", 5_000_000.0),
        ("cost_clearance", 62_500.0 * 1000.0 + 2_500.0 * 5000.0),
        ("cost_overhead", 0.1 * (100_000.0 + 5_000_000.0 + 75_000_000.0)),
        ("total_cost", 1.1 * (100_000.0 + 5_000_000.0 + 75_000_000.0)),
        // 25 km² × 10 % contaminated × 1000 per km²
        ("items_found", 2_500.0),
    ];
    for (name, want) in exact {
        let s = o.summary(name).unwrap();
        assert!((s.mean - want).abs() <= 1e-9 * want.abs(), "{name}: {} != {want}", s.mean);
        assert_eq!(s.sd, 0.0, "{name} should not vary");
    }
}

#[test]
fn site_engine_is_exact_when_sites_cannot_vary() {
    // Cancellation 0 or 1 and no per-site spread: every site's share is deterministic.
    let text = common::edit(common::FIXED, "cancelled_fraction = 0.5", "cancelled_fraction = 0.0");
    let text = common::edit(&text, "contaminated_fraction = 0.1", "contaminated_fraction = 1.0");
    let text = format!("{text}\n[sites]\ncount = 500\nreduction_spread = 0.0\nteam_day_cv = 0.0\n");
    let o = run(&text, 4, ModelLevel::Sites);
    let a = run(&text, 4, ModelLevel::Aggregate);
    for name in ["cancelled_area_km2", "cleared_area_km2", "total_cost", "items_found", "team_days_manual"] {
        let (x, y) = (o.summary(name).unwrap().mean, a.summary(name).unwrap().mean);
        assert!((x - y).abs() <= 1e-9 * y.abs().max(1.0), "{name}: sites {x} vs aggregate {y}");
    }
}

#[test]
fn triangular_area_mean_is_within_4_se() {
    let text = common::edit(
        common::FIXED,
        "suspected_area_km2 = 100",
        r#"suspected_area_km2 = { dist = "triangular", min = 50, mode = 80, max = 200 }"#,
    );
    let o = run(&text, 20_000, ModelLevel::Aggregate);
    let s = o.summary("suspected_area_km2").unwrap();
    let mu = (50.0 + 80.0 + 200.0) / 3.0;
    assert!((s.mean - mu).abs() < 4.0 * s.se, "mean {} vs {mu}, se {}", s.mean, s.se);
    // Everything downstream is linear in A: cost mean = cost(100)·mu/100.
    let c = o.summary("total_cost").unwrap();
    let want = 1.1 * (100_000.0 + 5_000_000.0 + 75_000_000.0) * mu / 100.0;
    assert!((c.mean - want).abs() < 4.0 * c.se, "cost mean {} vs {want} (se {})", c.mean, c.se);
}

#[test]
fn pert_cancellation_mean_is_within_4_se() {
    let text = common::edit(
        common::FIXED,
        "cancelled_fraction = 0.5",
        r#"cancelled_fraction = { dist = "pert", min = 0.6, mode = 0.8, max = 0.95 }"#,
    );
    let o = run(&text, 20_000, ModelLevel::Aggregate);
    let s = o.summary("cancelled_area_km2").unwrap();
    let mu = 100.0 * (0.6 + 4.0 * 0.8 + 0.95) / 6.0;
    assert!((s.mean - mu).abs() < 4.0 * s.se, "mean {} vs {mu}, se {}", s.mean, s.se);
}

#[test]
fn lognormal_cost_mean_is_within_4_se() {
    // E[team-days · cost] with a lognormal cost of mean 1000 (cv 0.5).
    let text = common::edit(
        common::FIXED,
        "cost_usd_per_team_day = 1000",
        r#"cost_usd_per_team_day = { dist = "lognormal", mean = 1000, cv = 0.5 }"#,
    );
    let o = run(&text, 20_000, ModelLevel::Aggregate);
    let s = o.summary("cost_clearance").unwrap();
    let want = 62_500.0 * 1000.0 + 2_500.0 * 5000.0;
    assert!((s.mean - want).abs() < 4.0 * s.se, "mean {} vs {want}, se {}", s.mean, s.se);
}

#[test]
fn schedule_duration_matches_hand_computation() {
    // 200 NTS team-days, 1,000 TS team-days, 62,500 manual and 2,500 mechanical team-days;
    // with 100 teams of each at 200 days a year: manual needs 62,500 / 20,000 = 3.125 years.
    let text = format!(
        "{}\n[capacity]\nworking_days_per_year = 200\n[capacity.teams]\nmanual = {{ initial = 100 }}\nmechanical = {{ initial = 100 }}\n",
        common::FIXED
    );
    let o = run(&text, 2, ModelLevel::Aggregate);
    let d = o.summary("duration_years").unwrap().mean;
    assert!((d - 3.125).abs() < 1e-12, "{d}");
    // Growth: 50 teams growing 100 % a year: 10,000 + 20,000 + 40,000 team-days; 62,500 ends at 2 + 32,500/40,000.
    let text =
        text.replace("manual = { initial = 100 }", "manual = { initial = 50, growth_per_year = 1.0, ceiling = 1000 }");
    let o = run(&text, 2, ModelLevel::Aggregate);
    let d = o.summary("duration_years").unwrap().mean;
    assert!((d - (2.0 + 32_500.0 / 40_000.0)).abs() < 1e-12, "{d}");
}

#[test]
fn a_budget_cap_scales_capacity_down() {
    // Full spend: (100 manual × 200 days × $1,000 + 100 mechanical × 200 × $5,000) × 1.1 = $132 M a year.
    // A $66 M cap halves every pool in year 0: 50 manual teams do 10,000 of their 62,500 team-days and
    // 50 mechanical teams their 2,500 in a quarter of the year. From year 1 the money goes to the pool
    // still working, up to its plan: 100 manual teams ($22 M) do the other 52,500 in 2.625 years.
    let cap = "\n[capacity]\nworking_days_per_year = 200\nbudget_usd_per_year = 66000000\n[capacity.teams]\nmanual = { initial = 100 }\nmechanical = { initial = 100 }\n";
    let o = run(&format!("{}{cap}", common::FIXED), 2, ModelLevel::Aggregate);
    let d = o.summary("duration_years").unwrap().mean;
    assert!((d - 3.625).abs() < 1e-9, "{d}");
    // A $11 M cap buys 11/132 of the plan: mechanical's 2,500 team-days take 1.5 years (8.33 teams),
    // then manual alone gets the $11 M, half its plan.
    let o = run(&format!("{}{}", common::FIXED, cap.replace("66000000", "11000000")), 2, ModelLevel::Aggregate);
    let d = o.summary("duration_years").unwrap().mean;
    let (k0, y1) = (11.0 / 132.0, 2500.0 / (100.0 * 200.0 * 11.0 / 132.0));
    assert!(y1 > 1.0 && y1 < 2.0, "{y1}");
    // Years 0 and 1 at k0 for both pools; from year 2 manual alone at 11 / 22 = one half.
    let manual_done_by_2 = 2.0 * 100.0 * 200.0 * k0;
    let want = 2.0 + (62_500.0 - manual_done_by_2) / (100.0 * 200.0 * 0.5);
    assert!((d - want).abs() < 1e-9, "{d} vs {want}");
    // A cap above the full spend changes nothing.
    let o = run(&format!("{}{}", common::FIXED, cap.replace("66000000", "200000000")), 2, ModelLevel::Aggregate);
    assert!((o.summary("duration_years").unwrap().mean - 3.125).abs() < 1e-9);
}

#[test]
fn json_scenarios_read_like_toml() {
    let file = demine::io::parse_toml(common::FIXED, std::path::Path::new("f")).unwrap();
    let dir = std::env::temp_dir().join(format!("demine-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("fixed.json");
    std::fs::write(&p, serde_json::to_string_pretty(&file).unwrap()).unwrap();
    let s = demine::io::load_scenario(p.to_str().unwrap()).unwrap();
    let o = simulate(&s, &SimConfig::default().with_trials(2).with_model(ModelLevel::Aggregate)).unwrap();
    assert_eq!(o.summary("cleared_area_km2").unwrap().mean, 25.0);
    // and JSON syntax errors carry line and column
    std::fs::write(&p, "{\n  \"name\": \"x\",\n  oops\n}").unwrap();
    let e = demine::io::load_scenario(p.to_str().unwrap()).unwrap_err().to_string();
    assert!(e.contains("line 3, column 3"), "{e}");
}
