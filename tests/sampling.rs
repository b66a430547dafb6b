//! Marginals against statrs CDFs (Kolmogorov-Smirnov), quantile properties
//! (proptest), Latin hypercube strata, and the copula's achieved rank correlation.

use demine::sampling::stream::{mix64, unit_open};
use demine::sampling::{Dist, Quantile, QuantileFn, Sampler, UniformSource};
use demine::{ModelLevel, Scenario, SimConfig, simulate};
use proptest::prelude::*;
use statrs::distribution::{Beta, ContinuousCDF, LogNormal, Normal, Triangular, Uniform};

/// KS statistic of `x` against `cdf`.
fn ks(mut x: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
    x.sort_by(f64::total_cmp);
    let n = x.len() as f64;
    x.iter()
        .enumerate()
        .map(|(i, v)| {
            let f = cdf(*v);
            (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
        })
        .fold(0.0, f64::max)
}

fn draws(d: &Dist, n: usize, seed: u64) -> Vec<f64> {
    let q = QuantileFn::new(d);
    (0..n as u64).map(|i| q.quantile(unit_open(mix64(seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15))))).collect()
}

/// Critical KS value at alpha = 0.001.
fn ks_crit(n: usize) -> f64 {
    1.95 / (n as f64).sqrt()
}

#[test]
fn marginals_pass_ks_against_statrs() {
    let n = 20_000;
    type Case = (Dist, Box<dyn Fn(f64) -> f64>);
    let cases: Vec<Case> = vec![
        (Dist::uniform(180.0, 240.0).unwrap(), {
            let r = Uniform::new(180.0, 240.0).unwrap();
            Box::new(move |x| r.cdf(x))
        }),
        (Dist::triangular(10.0, 25.0, 50.0).unwrap(), {
            let r = Triangular::new(10.0, 50.0, 25.0).unwrap();
            Box::new(move |x| r.cdf(x))
        }),
        (Dist::pert(0.60, 0.80, 0.95).unwrap(), {
            // PERT(a, m, b) = a + (b − a)·Beta(1 + 4(m − a)/(b − a), 1 + 4(b − m)/(b − a)).
            let r = Beta::new(1.0 + 4.0 * 0.2 / 0.35, 1.0 + 4.0 * 0.15 / 0.35).unwrap();
            Box::new(move |x| r.cdf((x - 0.60) / 0.35))
        }),
        (Dist::normal(5.0, 2.0).unwrap(), {
            let r = Normal::new(5.0, 2.0).unwrap();
            Box::new(move |x| r.cdf(x))
        }),
        (Dist::lognormal_median_p95(1.0, 5.0).unwrap(), {
            let r = LogNormal::new(0.0, 5f64.ln() / 1.644_853_626_951_472_2).unwrap();
            Box::new(move |x| r.cdf(x))
        }),
        (Dist::beta(2.0, 5.0, 0.0, 1.0).unwrap(), {
            let r = Beta::new(2.0, 5.0).unwrap();
            Box::new(move |x| r.cdf(x))
        }),
    ];
    for (k, (d, cdf)) in cases.into_iter().enumerate() {
        let stat = ks(draws(&d, n, k as u64 + 1), cdf);
        assert!(stat < ks_crit(n), "{d}: KS {stat} >= {}", ks_crit(n));
    }
}

#[test]
fn a_wrong_marginal_fails_the_ks_test() {
    // The test above could fail: Triangular(10, 25, 50) is not Triangular(10, 30, 50).
    let d = Dist::triangular(10.0, 25.0, 50.0).unwrap();
    let r = Triangular::new(10.0, 50.0, 30.0).unwrap();
    assert!(ks(draws(&d, 20_000, 1), |x| r.cdf(x)) > ks_crit(20_000));
}

proptest! {
    #[test]
    fn quantiles_are_monotone_and_invert_the_cdf(a in -100.0f64..100.0, w in 0.01f64..100.0, m in 0.0f64..1.0, p in 0.001f64..0.999, dp in 0.0f64..0.1) {
        for d in [Dist::pert(a, a + m * w, a + w).unwrap(), Dist::triangular(a, a + m * w, a + w).unwrap(), Dist::truncated_normal(a, w, a - w, a + 2.0 * w).unwrap()] {
            let q = QuantileFn::new(&d);
            let p2 = (p + dp).min(0.999);
            prop_assert!(q.quantile(p) <= q.quantile(p2));
            prop_assert!((d.cdf(q.quantile(p)) - p).abs() < 2e-4, "{}: cdf(q({})) = {}", d, p, d.cdf(q.quantile(p)));
        }
    }

    #[test]
    fn lhs_puts_one_point_in_each_stratum(n in 1u64..400, seed in any::<u64>()) {
        let src = UniformSource::new(Sampler::LatinHypercube, seed, &["a", "b"], 0, n);
        let mut seen = vec![[false; 2]; n as usize];
        let mut u = [0.0; 2];
        for t in 0..n {
            src.fill(t, &mut u);
            for d in 0..2 {
                let k = (u[d] * n as f64) as usize;
                prop_assert!(!seen[k][d]);
                seen[k][d] = true;
            }
        }
    }

    #[test]
    fn cholesky_factor_reproduces_the_matrix(r01 in -0.9f64..0.9, r02 in -0.9f64..0.9, r12 in -0.9f64..0.9) {
        let m = nalgebra::DMatrix::from_row_slice(3, 3, &[1.0, r01, r02, r01, 1.0, r12, r02, r12, 1.0]);
        let names: Vec<String> = (0..3).map(|i| format!("x{i}")).collect();
        match demine::sampling::Correlation::new("c", vec![0, 1, 2], names, m.clone(), true) {
            Ok(c) => {
                let used = c.matrix();
                prop_assert!(demine::sampling::copula::min_eigenvalue(used) > 0.0);
                for i in 0..3 { prop_assert!((used[(i, i)] - 1.0).abs() < 1e-12); }
                if c.repairs().is_empty() {
                    prop_assert!((used - &m).norm() < 1e-9);
                }
                // L is lower triangular and L·Lᵀ is the normal-scores matrix 2·sin(π·ρₛ/6)
                let l = c.cholesky_factor();
                let pearson = used.map(|r| 2.0 * (std::f64::consts::PI * r / 6.0).sin());
                for i in 0..3 { for j in (i + 1)..3 { prop_assert_eq!(l[(i, j)], 0.0); } }
                prop_assert!((l * l.transpose() - &pearson).norm() < 1e-12, "{}", (l * l.transpose() - &pearson).norm());
            }
            Err(e) => prop_assert!(false, "{e}"),
        }
    }
}

const CORR: &str = r#"
name = "corr"
currency = "USD"
price_year = 2024
start_year = 2025
[land_release]
cancelled_fraction = { dist = "pert", min = 0.6, mode = 0.8, max = 0.95 }
reduced_fraction = { dist = "uniform", min = 0.3, max = 0.7 }
method_shares = { manual = 1.0 }
[survey.non_technical]
cost_usd_per_km2 = 1000
[survey.technical]
cost_usd_per_m2 = { dist = "lognormal", median = 0.07, p95 = 0.3 }
[methods.manual]
productivity_m2_per_team_day = { dist = "triangular", min = 100, mode = 200, max = 400 }
cost_usd_per_team_day = { dist = "triangular", min = 1000, mode = 1500, max = 2500 }
[costs]
overhead_fraction = 0.1
[correlation]
pairs = [
  { inputs = ["methods.manual.productivity_m2_per_team_day", "methods.manual.cost_usd_per_team_day"], rank_correlation = 0.6 },
  { inputs = ["land_release.cancelled_fraction", "survey.technical.cost_usd_per_m2"], rank_correlation = -0.4 },
]
[[regions]]
name = "A"
strata = [{ hazard = "mines", suspected_area_km2 = 100 }]
"#;

#[test]
fn copula_hits_the_target_rank_correlation_and_keeps_marginals() {
    let s = Scenario::from_toml_str(CORR).unwrap();
    for sampler in [Sampler::MonteCarlo, Sampler::LatinHypercube, Sampler::Sobol] {
        let n = 16_384;
        let o =
            simulate(&s, &SimConfig::default().with_trials(n).with_model(ModelLevel::Aggregate).with_sampler(sampler))
                .unwrap();
        let col = |name: &str| {
            let i = o.input_names().iter().position(|x| x == name).unwrap();
            o.input_values(i).unwrap().to_vec()
        };
        let prod = col("methods.manual.productivity_m2_per_team_day");
        let cost = col("methods.manual.cost_usd_per_team_day");
        let canc = col("land_release.cancelled_fraction");
        let ts = col("survey.technical.cost_usd_per_m2");
        let unc = col("land_release.reduced_fraction");
        for (a, b, target) in [(&prod, &cost, 0.6), (&canc, &ts, -0.4), (&prod, &unc, 0.0)] {
            let r = demine::stats::spearman(a, b);
            // Standard error of Spearman's rho: (1 − ρ²)/√(n − 1) (normal approximation).
            let se = (1.0 - target * target) / ((n - 1) as f64).sqrt();
            assert!((r - target).abs() < 4.0 * se, "{sampler}: rho {r} vs {target} (4 se = {})", 4.0 * se);
        }
        // Marginals unchanged: KS against the specified distributions.
        let tri = Triangular::new(100.0, 400.0, 200.0).unwrap();
        assert!(ks(prod, |x| tri.cdf(x)) < ks_crit(n as usize), "{sampler}");
        let ln = LogNormal::new(0.07f64.ln(), (0.3f64 / 0.07).ln() / 1.644_853_626_951_472_2).unwrap();
        assert!(ks(ts, |x| ln.cdf(x)) < ks_crit(n as usize), "{sampler}");
    }
}
