//! Unit tests of the distributions.

use super::*;
use crate::error::Result;

fn err(r: Result<Dist>) -> String {
    r.err().map(|e| e.to_string()).unwrap_or_default()
}

#[test]
fn constructors_accept_good_parameters() {
    assert!(Dist::fixed(3.0).is_ok());
    assert!(Dist::uniform(180.0, 240.0).is_ok());
    assert!(Dist::triangular(10.0, 25.0, 50.0).is_ok());
    assert!(Dist::pert(0.6, 0.8, 0.95).is_ok());
    assert!(Dist::pert(0.6, 0.6, 0.95).is_ok());
    assert!(Dist::truncated_normal(1.0, 2.0, 0.0, f64::INFINITY).is_ok());
    assert!(Dist::lognormal_median_p90(1.0, 3.0).is_ok());
    assert!(Dist::lognormal_mean_cv(1.0, 0.5).is_ok());
    assert!(Dist::beta(2.0, 5.0, 0.0, 1.0).is_ok());
    assert!(Dist::discrete(&[1.0, 2.0], &[1.0, 3.0]).is_ok());
}

#[test]
fn constructors_name_the_broken_rule() {
    assert_eq!(err(Dist::fixed(f64::NAN)), "value: NaN is invalid: must be a finite number");
    assert_eq!(err(Dist::uniform(2.0, 1.0)), "max: 1 is invalid: must be > min (2)");
    assert_eq!(err(Dist::pert(0.6, 1.2, 0.95)), "mode: 1.2 is invalid: must lie in [min, max] = [0.6, 0.95]");
    assert_eq!(err(Dist::triangular(5.0, 4.0, 1.0)), "max: 1 is invalid: must be > min (5)");
    assert_eq!(err(Dist::pert_with_shape(0.0, 0.5, 1.0, 0.0)), "shape: 0 is invalid: must be > 0 and at most 1e6");
    assert_eq!(err(Dist::normal(0.0, -1.0)), "sd: -1 is invalid: must be > 0");
    assert_eq!(err(Dist::lognormal_median_p90(-1.0, 3.0)), "median: -1 is invalid: must be > 0");
    assert_eq!(err(Dist::lognormal_median_p90(2.0, 1.0)), "p90: 1 is invalid: must be > median (2)");
    assert_eq!(err(Dist::lognormal_mean_cv(1.0, 0.0)), "cv: 0 is invalid: must be > 0");
    assert_eq!(err(Dist::beta(0.0, 1.0, 0.0, 1.0)), "alpha: 0 is invalid: must lie in [0.001, 1e6]");
    assert_eq!(err(Dist::discrete(&[1.0], &[-1.0])), "weights[0]: -1 is invalid: must be >= 0");
    assert_eq!(
        err(Dist::discrete(&[1.0, 2.0], &[1.0])),
        "weights: 1 weights is invalid: must have one weight per value (2 values)"
    );
    assert!(err(Dist::truncated_normal(0.0, 1.0, 50.0, 60.0)).contains("almost no probability"));
}

#[test]
fn means_match_closed_forms() {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12 * (1.0 + b.abs());
    assert!(close(Dist::triangular(10.0, 25.0, 50.0).unwrap().mean(), 85.0 / 3.0));
    assert!(close(Dist::uniform(180.0, 240.0).unwrap().mean(), 210.0));
    let ln = Dist::lognormal_mean_cv(2.0, 0.5).unwrap();
    assert!(close(ln.mean(), 2.0));
    let ln = Dist::lognormal_median_p90(1.0, 3.0).unwrap();
    assert!(close(ln.quantile(0.5), 1.0));
    assert!((ln.quantile(0.9) - 3.0).abs() < 1e-9);
    let d = Dist::discrete(&[1.0, 3.0], &[3.0, 1.0]).unwrap();
    assert!(close(d.mean(), 1.5));
    // a half-normal: mean sqrt(2/pi)
    let hn = Dist::truncated_normal(0.0, 1.0, 0.0, f64::INFINITY).unwrap();
    assert!((hn.mean() - (2.0 / std::f64::consts::PI).sqrt()).abs() < 1e-9);
}

#[test]
fn quantile_never_panics_and_inverts_cdf() {
    let ds = [
        Dist::uniform(1.0, 2.0).unwrap(),
        Dist::triangular(10.0, 25.0, 50.0).unwrap(),
        Dist::pert(0.6, 0.8, 0.95).unwrap(),
        Dist::normal(3.0, 2.0).unwrap(),
        Dist::truncated_normal(3.0, 2.0, 0.0, 4.0).unwrap(),
        Dist::lognormal_median_p95(1.0, 5.0).unwrap(),
        Dist::beta(2.0, 5.0, 0.0, 1.0).unwrap(),
    ];
    for d in &ds {
        for &p in &[-1.0, 0.0, 1e-300, 0.01, 0.3, 0.5, 0.9, 1.0, 2.0] {
            let q = d.quantile(p);
            assert!(q.is_finite(), "{d} at {p}");
        }
        for &p in &[0.01, 0.2, 0.5, 0.77, 0.99] {
            let q = d.quantile(p);
            assert!((d.cdf(q) - p).abs() < 1e-8, "{d}: cdf(q({p})) = {}", d.cdf(q));
        }
    }
    assert!(ds[0].quantile(f64::NAN).is_nan());
}

#[test]
fn discrete_quantile_steps() {
    let d = Dist::discrete(&[3.0, 1.0], &[1.0, 3.0]).unwrap();
    assert_eq!(d.quantile(0.1), 1.0);
    assert_eq!(d.quantile(0.74), 1.0);
    assert_eq!(d.quantile(0.76), 3.0);
    assert_eq!(d.cdf(2.0), 0.75);
}
