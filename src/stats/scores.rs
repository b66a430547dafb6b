//! Proper scores of probabilistic forecasts against what happened: the continuous ranked
//! probability score (CRPS), the interval score, coverage and the probability integral
//! transform (PIT). Lower CRPS and interval scores are better.

use statrs::distribution::{ContinuousCDF, Normal};

/// The probability levels of the 99 predictive quantiles: 1 %, 2 %, ..., 99 %.
#[must_use]
pub fn quantile_levels() -> [f64; 99] {
    std::array::from_fn(|k| (k + 1) as f64 / 100.0)
}

/// The 99 quantiles (1 %, ..., 99 %) of a normal distribution.
#[must_use]
pub fn normal_quantiles(mean: f64, sd: f64) -> [f64; 99] {
    let levels = quantile_levels();
    std::array::from_fn(|k| mean + sd * crate::sampling::dist::std_normal_quantile(levels[k]))
}

/// The CRPS of a forecast given by its quantiles at `levels` against the outcome `y`: twice the
/// mean quantile (pinball) score, which approximates the CRPS integral over the levels.
///
/// # Formula
/// CRPS ≈ (2 / K) Σ_k (1{y < q_k} − τ_k)(q_k − y)
#[must_use]
pub fn crps_quantiles(quantiles: &[f64], levels: &[f64], y: f64) -> f64 {
    let k = quantiles.len().min(levels.len()).max(1) as f64;
    2.0 / k * quantiles.iter().zip(levels).map(|(q, t)| (if y < *q { 1.0 } else { 0.0 } - t) * (q - y)).sum::<f64>()
}

/// The exact CRPS of a normal forecast N(mean, sd²) against `y`.
///
/// # Formula
/// CRPS = sd·[z(2Φ(z) − 1) + 2φ(z) − 1/√π],  z = (y − mean)/sd
#[must_use]
pub fn crps_normal(mean: f64, sd: f64, y: f64) -> f64 {
    let z = (y - mean) / sd;
    let std = Normal::standard();
    let pdf = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    sd * (z * (2.0 * std.cdf(z) - 1.0) + 2.0 * pdf - 1.0 / std::f64::consts::PI.sqrt())
}

/// The interval score of a central (1 − α) interval [lo, hi] against `y` (Gneiting and Raftery):
/// its width plus 2/α times how far `y` falls outside.
#[must_use]
pub fn interval_score(lo: f64, hi: f64, alpha: f64, y: f64) -> f64 {
    (hi - lo) + 2.0 / alpha * ((lo - y).max(0.0) + (y - hi).max(0.0))
}

/// The PIT of `y` under a forecast given by its quantiles at `levels` (linear between them,
/// 0 and 1 beyond the ends).
#[must_use]
pub fn pit_quantiles(quantiles: &[f64], levels: &[f64], y: f64) -> f64 {
    let n = quantiles.len().min(levels.len());
    if n == 0 {
        return f64::NAN;
    }
    if y <= quantiles[0] {
        return levels[0] * if y < quantiles[0] { 0.5 } else { 1.0 };
    }
    for k in 1..n {
        if y <= quantiles[k] {
            let (q0, q1) = (quantiles[k - 1], quantiles[k]);
            let f = if q1 > q0 { (y - q0) / (q1 - q0) } else { 1.0 };
            return levels[k - 1] + f * (levels[k] - levels[k - 1]);
        }
    }
    levels[n - 1] + 0.5 * (1.0 - levels[n - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quantile_crps_approaches_the_normal_closed_form() {
        for (mean, sd, y) in [(0.0, 1.0, 0.0), (1.0, 2.0, 4.0), (-3.0, 0.5, -3.7)] {
            let q = normal_quantiles(mean, sd);
            let approx = crps_quantiles(&q, &quantile_levels(), y);
            let exact = crps_normal(mean, sd, y);
            // 99 levels leave out the tails' share: a few per cent of the score.
            assert!((approx - exact).abs() < 0.05 * exact + 0.01 * sd, "{approx} vs {exact}");
        }
        // At the mean of a standard normal: (√2 − 1)/√π.
        assert!((crps_normal(0.0, 1.0, 0.0) - (2f64.sqrt() - 1.0) / std::f64::consts::PI.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn interval_score_and_pit() {
        assert_eq!(interval_score(1.0, 3.0, 0.1, 2.0), 2.0);
        assert_eq!(interval_score(1.0, 3.0, 0.1, 4.0), 2.0 + 20.0);
        let q = normal_quantiles(0.0, 1.0);
        assert!((pit_quantiles(&q, &quantile_levels(), 0.0) - 0.5).abs() < 1e-9);
        assert!(pit_quantiles(&q, &quantile_levels(), 10.0) > 0.99);
    }
}
