//! `demine update`: field results condition a scenario's uncertain inputs. A conjugate case has
//! its posterior in closed form; an update that degenerates says so and still finds it; bad rows
//! name their line and column.

use demine::analysis::update::update;
use demine::io::field::parse_field;
use demine::{Dist, Scenario};
use std::path::Path;

/// One region, NTS's cancelled fraction Beta(α, β): nothing else is uncertain.
fn scenario(alpha: f64, beta: f64) -> Scenario {
    Scenario::from_toml_str(&format!(
        r#"
name = "beta"
currency = "USD"
price_year = 2024
start_year = 2025
[land_release]
cancelled_fraction = {{ dist = "beta", alpha = {alpha}, beta = {beta} }}
reduced_fraction = 0.5
method_shares = {{ manual = 1 }}
[survey.non_technical]
cost_usd_per_km2 = 1000
[survey.technical]
cost_usd_per_m2 = 0.1
[methods.manual]
productivity_m2_per_team_day = 100
cost_usd_per_team_day = 1000
[costs]
overhead_fraction = 0.1
[[regions]]
name = "North"
strata = [{{ hazard = "mines", suspected_area_km2 = 10 }}]
"#
    ))
    .unwrap()
}

fn rows(text: &str) -> Vec<demine::io::field::FieldRow> {
    parse_field(&format!("scope,period,quantity,value,n,unit,source,notes\n{text}"), Path::new("f.csv")).unwrap()
}

fn beta_moments(d: &Dist) -> (f64, f64) {
    match d.params() {
        demine::sampling::DistParams::Beta { alpha, beta, .. } => {
            let (a, b) = (*alpha, *beta);
            (a / (a + b), (a * b / ((a + b) * (a + b) * (a + b + 1.0))).sqrt())
        }
        other => panic!("not a beta: {other:?}"),
    }
}

/// Beta(2, 3) and 30 of 50 hazardous areas cancelled: the posterior is Beta(32, 23), mean
/// 0.5818 and sd 0.0659. With the effective sample size the update reports, the weighted mean's
/// standard error is sd/√ESS; the fitted posterior's mean must lie within 4 of them and its sd
/// within 4 of the sd's (sd/√(2·ESS)).
#[test]
fn a_beta_binomial_update_gives_the_conjugate_posterior() {
    let s = scenario(2.0, 3.0);
    let r = rows(
        "national,2024,hazardous_areas_surveyed,50,,count,T,\nnational,2024,hazardous_areas_cancelled,30,,count,T,\n",
    );
    let u = update(&s, &r, "f.csv", "x", 20_000, 42).unwrap();
    assert!(!u.moved, "ESS {}", u.ess);
    assert_eq!(u.inputs.len(), 1);
    let (mean, sd) = beta_moments(&u.inputs[0].posterior);
    let (a, b): (f64, f64) = (32.0, 23.0);
    let (want_mean, want_sd) = (a / (a + b), (a * b / ((a + b) * (a + b) * (a + b + 1.0))).sqrt());
    let se = want_sd / u.ess.sqrt();
    assert!((mean - want_mean).abs() < 4.0 * se, "mean {mean} vs {want_mean} (se {se}, ESS {})", u.ess);
    assert!((sd - want_sd).abs() < 4.0 * want_sd / (2.0 * u.ess).sqrt(), "sd {sd} vs {want_sd}");
    // The posterior scenario holds the posterior and records the prior beside it.
    let p = u.posterior.param("land_release.cancelled_fraction").unwrap();
    assert_eq!(&p.dist, &u.inputs[0].posterior);
    let rec = u.posterior.update().unwrap();
    assert_eq!(beta_moments(&rec.inputs[0].1), beta_moments(&Dist::beta(2.0, 3.0, 0.0, 1.0).unwrap()));
    // Written and read back, it is the same scenario with the same record.
    let back = Scenario::from_toml_str(&demine::io::to_toml(&u.posterior).unwrap()).unwrap();
    assert_eq!(back.update(), u.posterior.update());
}

/// 800 of 1,000 areas cancelled against a prior Beta(20, 20) (mean 0.5, sd 0.08): the observation
/// lies 4 prior sds away and its posterior is 6 times narrower, so few prior draws explain it, the
/// weights degenerate and the update tempers, resamples and moves the draws. Its posterior is
/// still the conjugate Beta(820, 220), mean 0.788, within a few of its sds.
#[test]
fn a_collapsed_update_says_so_and_moves_its_draws() {
    let s = scenario(20.0, 20.0);
    let r = rows(
        "national,2024,hazardous_areas_surveyed,1000,,count,T,\nnational,2024,hazardous_areas_cancelled,800,,count,T,\n",
    );
    let u = update(&s, &r, "f.csv", "x", 5_000, 7).unwrap();
    assert!(u.moved && u.ess < 500.0, "ESS {}", u.ess);
    assert!(u.acceptance > 0.05, "acceptance {}", u.acceptance);
    let (mean, sd) = beta_moments(&u.inputs[0].posterior);
    let (a, b): (f64, f64) = (820.0, 220.0);
    let want_sd = (a * b / ((a + b) * (a + b) * (a + b + 1.0))).sqrt();
    // The moved draws are correlated: a loose bound of a fifth of the posterior sd on the mean, a
    // quarter on the sd.
    assert!((mean - a / (a + b)).abs() < 0.2 * want_sd, "mean {mean} vs {}", a / (a + b));
    assert!((sd - want_sd).abs() < 0.25 * want_sd, "sd {sd} vs {want_sd}");
    let text = demine::report::run::update_summary(&u, "post.toml");
    assert!(text.contains("warning: the importance weights degenerated"), "{text}");
}

/// Rows that cannot be read name their line and column; a scope that is no region is refused; a
/// file of flows alone gives nothing to update.
#[test]
fn bad_field_results_are_named() {
    let header = "scope,period,quantity,value,n,unit,source,notes\n";
    for (row, want) in [
        (
            "national,2024,cancelled_km2,-3,,km2,T,",
            "line 2, column 4 (value): -3 is invalid: must be a finite number >= 0",
        ),
        ("national,2024,cleared,3,,km2,T,", "line 2, column 3 (quantity): cleared is invalid: must be one of"),
        (
            "national,2024,cleared_km2,,,km2,T,",
            "line 2, column 4 (value): empty is invalid: every observation gives its value",
        ),
        ("national,2024,cleared_km2,3,,km2,,", "line 2, column 7 (source): empty is invalid"),
    ] {
        let e = parse_field(&format!("{header}{row}\n"), Path::new("f.csv")).unwrap_err().to_string();
        assert!(e.contains(want), "{row}: {e}");
    }
    let s = scenario(2.0, 3.0);
    let e = update(&s, &rows("Atlantis,2024,surveyed_km2,5,,km2,T,\n"), "f.csv", "x", 1000, 1).unwrap_err().to_string();
    assert!(e.contains("Atlantis") && e.contains("is not `national` nor a region"), "{e}");
    let e = update(&s, &rows("national,2024,released_km2,5,,km2,T,\n"), "f.csv", "x", 1000, 1).unwrap_err().to_string();
    assert!(e.contains("none of the 1 rows gives an observation"), "{e}");
}
