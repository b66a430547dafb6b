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
    /// 95 % confidence interval of the mean difference.
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
            ci95: [s.mean - Z95 * s.se, s.mean + Z95 * s.se],
            p50: s.p50(),
            prob_lower: lower,
            prob_higher: higher,
        }
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
}
