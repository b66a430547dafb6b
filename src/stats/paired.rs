//! Paired differences of two samples taken on common random numbers.

use super::summary::{Summary, Z95};
use serde::Serialize;

/// `b − a` trial by trial: paired statistics of two outputs run on common random numbers.
#[derive(Clone, Debug, Serialize)]
pub struct PairedDifference {
    /// Trials where both plans produced a finite value.
    pub n: u64,
    /// Mean of b − a.
    pub mean: f64,
    /// Standard error of that mean.
    pub se: f64,
    /// 95 % confidence interval of the mean difference (Student's t, n − 1
    /// degrees of freedom; NaN for fewer than 2 pairs).
    pub ci95: [f64; 2],
    /// Median of b − a.
    pub p50: f64,
    /// Share of trials where b < a.
    pub prob_lower: f64,
    /// Share of trials where b > a.
    pub prob_higher: f64,
}

impl PairedDifference {
    /// Paired statistics of `b − a`.
    #[must_use]
    pub fn new(a: &[f64], b: &[f64]) -> Self {
        let d: Vec<f64> = a.iter().zip(b).filter(|(x, y)| x.is_finite() && y.is_finite()).map(|(x, y)| y - x).collect();
        let s = Summary::new(&d);
        let n = d.len().max(1) as f64;
        let lower = d.iter().filter(|v| **v < 0.0).count() as f64 / n;
        let higher = d.iter().filter(|v| **v > 0.0).count() as f64 / n;
        PairedDifference {
            n: d.len() as u64,
            mean: s.mean,
            se: s.se,
            ci95: s.mean_ci95,
            p50: s.p50(),
            prob_lower: lower,
            prob_higher: higher,
        }
    }
}

/// A ratio of two means estimated from paired samples, with a 95 % interval.
#[derive(Clone, Debug, Serialize)]
pub struct RatioEstimate {
    /// mean(num) / mean(den).
    pub value: f64,
    /// 95 % confidence interval by the delta method (NaN when the denominator's mean is 0).
    pub ci95: [f64; 2],
}

impl RatioEstimate {
    /// The ratio of the means of `num` and `den`, pairs with a non-finite value left out.
    ///
    /// # Formula
    /// R = x̄/ȳ; Var(R) ≈ (s²ₓ − 2R·sₓᵧ + R²·s²ᵧ) / (n·ȳ²) (delta method)
    #[must_use]
    pub fn new(num: &[f64], den: &[f64]) -> Self {
        let pairs: Vec<(f64, f64)> =
            num.iter().zip(den).filter(|(x, y)| x.is_finite() && y.is_finite()).map(|(x, y)| (*x, *y)).collect();
        let n = pairs.len() as f64;
        if n < 2.0 {
            return RatioEstimate { value: f64::NAN, ci95: [f64::NAN; 2] };
        }
        let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n;
        let my = pairs.iter().map(|p| p.1).sum::<f64>() / n;
        let r = mx / my;
        let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
        for (x, y) in &pairs {
            sxx += (x - mx) * (x - mx);
            syy += (y - my) * (y - my);
            sxy += (x - mx) * (y - my);
        }
        let var = ((sxx - 2.0 * r * sxy + r * r * syy) / (n - 1.0)) / (n * my * my);
        let half = Z95 * var.max(0.0).sqrt();
        RatioEstimate { value: r, ci95: [r - half, r + half] }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_difference_of_known_values() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [0.0, 2.5, 1.0, 3.0];
        let d = PairedDifference::new(&a, &b);
        assert!((d.mean - (-0.875)).abs() < 1e-12);
        assert_eq!(d.prob_lower, 0.75);
        assert_eq!(d.prob_higher, 0.25);
        assert_eq!(d.n, 4);
    }

    #[test]
    fn a_ratio_of_proportional_samples_is_exact() {
        let x = [2.0, 4.0, 6.0, 8.0];
        let y = [1.0, 2.0, 3.0, 4.0];
        let r = RatioEstimate::new(&x, &y);
        assert_eq!(r.value, 2.0);
        assert!((r.ci95[1] - r.ci95[0]).abs() < 1e-12, "{r:?}");
    }
}
