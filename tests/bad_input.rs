//! Every kind of bad input gets its own clear message naming the field, the
//! value and the rule, never a panic. The messages are pinned.

mod common;
use common::{FIXED, edit};
use demine::{Scenario, SimConfig, simulate};

fn err(text: &str) -> String {
    match Scenario::from_toml_str(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn has(msg: &str, want: &str) {
    assert!(msg.contains(want), "expected {want:?} in:\n{msg}");
}

#[test]
fn malformed_toml_names_line_and_column() {
    let e = err("name = \"x\"\ncurrency = \n");
    assert!(e.starts_with("<scenario>: line 2, column "), "{e}");
}

#[test]
fn unknown_fields_are_rejected_by_name() {
    let e = err(&edit(FIXED, "[land_release]\n", "[land_release]\ncancelled_fractoin = 0.5\n"));
    has(&e, "line 9, column 1: unknown field `cancelled_fractoin`");
    let e = err(&edit(
        FIXED,
        "suspected_area_km2 = 100",
        r#"suspected_area_km2 = { dist = "pert", min = 1, mode = 2, max = 3, mdoe = 2 }"#,
    ));
    has(&e, "unknown field `mdoe`");
}

#[test]
fn negative_and_nan_areas() {
    let e = err(&edit(FIXED, "suspected_area_km2 = 100", "suspected_area_km2 = -5"));
    has(&e, "regions[0].strata[0].suspected_area_km2: -5 is invalid: must be >= 0");
    let e = err(&edit(FIXED, "suspected_area_km2 = 100", "suspected_area_km2 = nan"));
    has(&e, "regions[0].strata[0].suspected_area_km2: NaN is invalid: must be a finite number");
    let e = err(&edit(FIXED, "land_area_km2 = 1000", "land_area_km2 = -1000"));
    has(&e, "land_area_km2: -1000 is invalid: must be > 0");
}

#[test]
fn fractions_outside_0_1() {
    let e = err(&edit(FIXED, "cancelled_fraction = 0.5", "cancelled_fraction = 1.2"));
    has(&e, "land_release.cancelled_fraction: 1.2 is invalid: a fraction must lie in [0, 1]");
    let e = err(&edit(
        FIXED,
        "cancelled_fraction = 0.5",
        r#"cancelled_fraction = { dist = "normal", mean = 0.5, sd = 0.1 }"#,
    ));
    has(
        &e,
        "land_release.cancelled_fraction: Normal(0.5, 0.1) with range [-inf, inf] is invalid: a fraction must lie in [0, 1] over its whole range (truncate it with `min` and `max`, or use a bounded distribution)",
    );
    let e =
        err(&edit(FIXED, "reduced_fraction = 0.5", r#"reduced_fraction = { dist = "uniform", min = 0.5, max = 1.5 }"#));
    has(
        &e,
        "land_release.reduced_fraction: Uniform(0.5, 1.5) with range [0.5, 1.5] is invalid: a fraction must lie in [0, 1] over its whole range",
    );
}

#[test]
fn min_above_max_and_mode_outside_range() {
    let e = err(&edit(
        FIXED,
        "cancelled_fraction = 0.5",
        r#"cancelled_fraction = { dist = "triangular", min = 0.9, mode = 0.5, max = 0.1 }"#,
    ));
    has(&e, "land_release.cancelled_fraction.max: 0.1 is invalid: must be > min (0.9)");
    let e = err(&edit(
        FIXED,
        "cancelled_fraction = 0.5",
        r#"cancelled_fraction = { dist = "pert", min = 0.6, mode = 0.99, max = 0.95 }"#,
    ));
    has(&e, "land_release.cancelled_fraction.mode: 0.99 is invalid: must lie in [min, max] = [0.6, 0.95]");
}

#[test]
fn zero_or_negative_productivity() {
    let e = err(&edit(FIXED, "productivity_m2_per_team_day = 200", "productivity_m2_per_team_day = 0"));
    has(&e, "methods.manual.productivity_m2_per_team_day: 0 is invalid: must be > 0");
    let e = err(&edit(FIXED, "productivity_m2_per_team_day = 200", "productivity_m2_per_team_day = -10"));
    has(&e, "methods.manual.productivity_m2_per_team_day: -10 is invalid: must be > 0");
}

#[test]
fn shares_that_do_not_sum_to_one() {
    let e = err(&edit(
        FIXED,
        "method_shares = { manual = 0.5, mechanical = 0.5 }",
        "method_shares = { manual = 0.5, mechanical = 0.4 }",
    ));
    has(
        &e,
        "land_release.method_shares: 0.9 is invalid: the shares of manual, mechanical, mine_detection_dogs and battle_area_clearance must sum to 1",
    );
    let e = err(&edit(
        FIXED,
        "method_shares = { manual = 0.5, mechanical = 0.5 }",
        "method_shares = { manual = 0.5, mine_detection_dogs = 0.5 }",
    ));
    has(
        &e,
        "methods.mine_detection_dogs: missing is invalid: regions[0].strata[0] clears 50 % of its area by mine_detection_dogs, so [methods.mine_detection_dogs] must describe it",
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = edit(FIXED, "cancelled_fraction = 0.5", "cancelled_fraction = 1.5");
    let text = edit(&text, "suspected_area_km2 = 100", "suspected_area_km2 = -1");
    let e = err(&text);
    has(&e, "<scenario>: 2 problems found:");
    has(&e, "land_release.cancelled_fraction: 1.5");
    has(&e, "regions[0].strata[0].suspected_area_km2: -1");
}

#[test]
fn correlation_matrix_errors() {
    let base =
        edit(FIXED, "cancelled_fraction = 0.5", r#"cancelled_fraction = { dist = "uniform", min = 0.4, max = 0.6 }"#);
    let base =
        edit(&base, "reduced_fraction = 0.5", r#"reduced_fraction = { dist = "uniform", min = 0.4, max = 0.6 }"#);
    let base =
        edit(&base, "overhead_fraction = 0.1", r#"overhead_fraction = { dist = "uniform", min = 0.0, max = 0.2 }"#);
    let names =
        r#"inputs = ["land_release.cancelled_fraction", "land_release.reduced_fraction", "costs.overhead_fraction"]"#;
    let not_pd = format!("{base}\n[correlation]\n{names}\nmatrix = [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]\n");
    let e = err(&not_pd);
    has(
        &e,
        "correlation: correlation matrix over [land_release.cancelled_fraction, land_release.reduced_fraction, costs.overhead_fraction] is not positive definite (smallest eigenvalue -",
    );
    has(&e, "set `repair = true`");
    let repaired = not_pd.replace("[correlation]\n", "[correlation]\nrepair = true\n");
    let s = Scenario::from_toml_str(&repaired).unwrap();
    assert_eq!(s.correlation().unwrap().repairs().len(), 3);
    let e = err(&format!("{base}\n[correlation]\n{names}\nmatrix = [[1, 0.5], [0.5, 1]]\n"));
    has(&e, "correlation.matrix: 2x2 is invalid: must be 3x3, one row and column per name in correlation.inputs");
    let e = err(&format!(
        "{base}\n[correlation]\npairs = [{{ inputs = [\"land_release.cancelled_fraction\", \"costs.nothing\"], rank_correlation = 0.5 }}]\n"
    ));
    has(&e, "correlation.pairs[0].inputs[1]: costs.nothing is invalid: is not an uncertain input of this scenario");
    let e = err(&format!("{base}\n[correlation]\n{names}\nmatrix = [[1, 0.5, 0], [0.4, 1, 0], [0, 0, 1]]\n"));
    has(&e, "correlation.matrix[1][0]: 0.4 is invalid: the matrix must be symmetric, but [0][1] is 0.5");
}

#[test]
fn zero_teams_and_zero_budget() {
    let cap = "\n[capacity]\nworking_days_per_year = 200\n[capacity.teams]\nmanual = { initial = 0 }\nmechanical = { initial = 10 }\n";
    let e = err(&format!("{FIXED}{cap}"));
    has(
        &e,
        "capacity.teams.manual.initial: 0 is invalid: regions[0].strata[0] clears 50 % of its area by manual, but with zero teams that work never finishes",
    );
    let cap = "\n[capacity]\nworking_days_per_year = 200\nbudget_usd_per_year = 0\n[capacity.teams]\nmanual = { initial = 5 }\nmechanical = { initial = 10 }\n";
    let e = err(&format!("{FIXED}{cap}"));
    has(
        &e,
        "capacity.budget_usd_per_year: 0 is invalid: a zero budget releases nothing: remove the cap or give a positive amount",
    );
    let cap = "\n[capacity]\nworking_days_per_year = 200\n[capacity.teams]\nmechanical = { initial = 10 }\n";
    let e = err(&format!("{FIXED}{cap}"));
    has(
        &e,
        "capacity.teams.manual: missing is invalid: regions[0].strata[0] clears 50 % of its area by manual, so these teams are needed",
    );
}

#[test]
fn trial_counts() {
    let s = Scenario::from_toml_str(FIXED).unwrap();
    let e = simulate(&s, &SimConfig::default().with_trials(0)).unwrap_err().to_string();
    assert_eq!(e, "trials: 0 is invalid: must be >= 1");
    let e = simulate(&s, &SimConfig::default().with_trials(100_000_000_000_000)).unwrap_err().to_string();
    assert!(e.starts_with("trials: 100000000000000 is invalid: its kept samples would need "), "{e}");
    has(&e, "but the limit is 8.0 GiB; run at most ");
    let e = simulate(&s, &SimConfig::default().with_threads(0)).unwrap_err().to_string();
    assert_eq!(e, "threads: 0 is invalid: must be >= 1");
    let e = simulate(&s, &SimConfig::default().with_threads(100_000)).unwrap_err().to_string();
    assert_eq!(e, "threads: 100000 is invalid: must be at most 1024");
}

#[test]
fn lognormal_parameter_combinations() {
    let e = err(&edit(FIXED, "cost_usd_per_km2 = 1000", r#"cost_usd_per_km2 = { dist = "lognormal", median = 1000 }"#));
    has(
        &e,
        "survey.non_technical.cost_usd_per_km2: this combination of parameters is invalid: a lognormal takes `median` with `p90`, `median` with `p95`, or `mean` with `cv`",
    );
}

#[test]
fn regional_capacity_tables_share_one_horizon_and_order() {
    let (base, _) = FIXED.split_once("[[regions]]").unwrap();
    let region = |name: &str, extra: &str| {
        format!(
            "[[regions]]\nname = \"{name}\"\nstrata = [{{ hazard = \"mines\", suspected_area_km2 = 10 }}]\n[regions.capacity]\nworking_days_per_year = 200\n{extra}teams.manual = {{ initial = 5 }}\nteams.mechanical = {{ initial = 5 }}\n"
        )
    };
    let ok = format!("{base}{}{}", region("A", "horizon_years = 40\n"), region("B", ""));
    let s = Scenario::from_toml_str(&ok).unwrap();
    assert_eq!(s.capacity().unwrap().horizon_years, 40);
    let bad = format!(
        "{base}{}{}",
        region("A", "horizon_years = 40\n"),
        region("B", "horizon_years = 50\npriority = \"smallest_first\"\n")
    );
    let e = err(&bad);
    has(
        &e,
        "regions[1].capacity.horizon_years: 50 is invalid: must equal the horizon of the first capacity table (40): one schedule runs for all regions",
    );
    has(
        &e,
        "regions[1].capacity.priority: smallest_first is invalid: must equal the work order of the first capacity table (as_given)",
    );
}
