//! Summaries of per-trial values: moments, percentiles, and their confidence intervals.
//!
//! Percentiles use linear interpolation between order statistics (Hyndman &
//! Fan 1996, type 7; numpy's and R's default). Their 95 % confidence intervals
//! are exact distribution-free order-statistic intervals (ranks from the
//! binomial distribution, see [`super::interval`]), so they cover at least
//! 95 % for any continuous output; with too few trials for any such interval
//! (P5 or P95 with fewer than 59 trials, P50 with fewer than 6) the interval is
//! `[NaN, NaN]`, which reports show as "too few trials" (JSON `null`). The
//! mean's interval uses Student's t with n − 1 degrees of freedom. For Latin
//! hypercube and Sobol runs they are conservative (those samplers are more
//! precise than the formulas assume).

use super::interval::{order_statistic_ranks, student_t_quantile};
use serde::Serialize;

/// The percentiles reported for every output.
pub const PERCENTILES: [f64; 8] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.80, 0.90, 0.95];

/// z for a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The confidence level of every interval in a [`Summary`].
pub const LEVEL: f64 = 0.95;

/// What reports show for an interval that needs more trials than were run.
pub const TOO_FEW_TRIALS: &str = "too few trials";

/// Summary of one output over the trials.
///
/// As JSON (schema `demine/3`) every percentile is labelled: `n, mean, sd, se,
/// min, max, p5 … p95, ci95: {mean: [low, high], p5: [low, high] …}`, with
/// `null` where a value is not a number or an interval needs more trials.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Trials summarised (failed trials excluded).
    pub n: u64,
    /// Mean.
    pub mean: f64,
    /// Standard deviation (n − 1 denominator).
    pub sd: f64,
    /// Standard error of the mean, sd/√n.
    pub se: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// P5, P10, P25, P50, P75, P80, P90, P95, in the order of [`PERCENTILES`].
    pub percentiles: [f64; 8],
    /// 95 % CI of the mean, mean ± t(0.975; n − 1)·se; `[NaN, NaN]` for n < 2.
    pub mean_ci95: [f64; 2],
    /// Exact 95 % order-statistic CIs of the percentiles, in the order of
    /// [`PERCENTILES`]; `[NaN, NaN]` where too few trials allow none.
    pub percentile_ci95: [[f64; 2]; 8],
}

impl Summary {
    /// Summarises `values` (NaN and infinite values are skipped).
    #[must_use]
    pub fn new(values: &[f64]) -> Self {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_unstable_by(f64::total_cmp);
        Self::from_sorted(&v)
    }

    /// Summarises already sorted finite values.
    #[must_use]
    pub fn from_sorted(v: &[f64]) -> Self {
        let n = v.len();
        if n == 0 {
            return Summary {
                n: 0,
                mean: f64::NAN,
                sd: f64::NAN,
                se: f64::NAN,
                min: f64::NAN,
                max: f64::NAN,
                percentiles: [f64::NAN; 8],
                mean_ci95: [f64::NAN; 2],
                percentile_ci95: [[f64::NAN; 2]; 8],
            };
        }
        // Two-pass mean and variance, summed in order (reproducible). Values near
        // f64::MAX can overflow the plain sums although the mean and sd are finite:
        // then both are computed again on values scaled by the largest magnitude.
        let mut mean = v.iter().sum::<f64>() / n as f64;
        let var = if n > 1 { v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64 } else { 0.0 };
        let mut sd = var.sqrt();
        if !(mean.is_finite() && sd.is_finite()) {
            let scale = v[0].abs().max(v[n - 1].abs());
            let m = v.iter().map(|x| x / scale).sum::<f64>() / n as f64;
            let d = if n > 1 { v.iter().map(|x| (x / scale - m).powi(2)).sum::<f64>() / (n - 1) as f64 } else { 0.0 };
            mean = m * scale;
            sd = d.sqrt() * scale;
        }
        let se = sd / (n as f64).sqrt();
        let mut percentiles = [0.0; 8];
        let mut percentile_ci95 = [[0.0; 2]; 8];
        for (k, &p) in PERCENTILES.iter().enumerate() {
            percentiles[k] = quantile_sorted(v, p);
            percentile_ci95[k] = quantile_ci_sorted(v, p, LEVEL).unwrap_or([f64::NAN; 2]);
        }
        let t = if n > 1 { student_t_quantile((n - 1) as f64, 0.5 + 0.5 * LEVEL) } else { f64::NAN };
        Summary {
            n: n as u64,
            mean,
            sd,
            se,
            min: v[0],
            max: v[n - 1],
            percentiles,
            mean_ci95: [mean - t * se, mean + t * se],
            percentile_ci95,
        }
    }

    /// A reported percentile (`p` one of [`PERCENTILES`]), else `None`.
    #[must_use]
    pub fn percentile(&self, p: f64) -> Option<f64> {
        PERCENTILES.iter().position(|q| (q - p).abs() < 1e-12).map(|k| self.percentiles[k])
    }

    /// The 95 % CI of a reported percentile; `None` when `p` is not one of
    /// [`PERCENTILES`] or too few trials allow an interval.
    #[must_use]
    pub fn percentile_ci(&self, p: f64) -> Option<[f64; 2]> {
        PERCENTILES
            .iter()
            .position(|q| (q - p).abs() < 1e-12)
            .map(|k| self.percentile_ci95[k])
            .filter(|ci| !ci[0].is_nan())
    }

    /// P50.
    #[must_use]
    pub fn p50(&self) -> f64 {
        self.percentiles[3]
    }

    /// P80.
    #[must_use]
    pub fn p80(&self) -> f64 {
        self.percentiles[5]
    }

    /// P90.
    #[must_use]
    pub fn p90(&self) -> f64 {
        self.percentiles[6]
    }
}

/// Type-7 quantile of sorted values, `p` clamped into [0, 1]; NaN for no values.
#[must_use]
pub fn quantile_sorted(v: &[f64], p: f64) -> f64 {
    let n = v.len();
    if n == 0 || p.is_nan() {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

/// Exact distribution-free confidence interval, at `level`, of the `p`
/// quantile from sorted values: the order statistics at the ranks of
/// [`order_statistic_ranks`]; `None` when there are too few values.
#[must_use]
pub fn quantile_ci_sorted(v: &[f64], p: f64, level: f64) -> Option<[f64; 2]> {
    let (l, u) = order_statistic_ranks(v.len() as u64, p, level)?;
    // 1 ≤ l ≤ u ≤ n by construction.
    Some([v[(l - 1) as usize], v[(u - 1) as usize]])
}

/// Relative half-width of the 95 % CI of the `p` quantile of sorted values
/// (infinite when too few values allow an interval).
#[must_use]
pub fn relative_half_width(sorted: &[f64], p: f64) -> f64 {
    let q = quantile_sorted(sorted, p);
    let Some([lo, hi]) = quantile_ci_sorted(sorted, p, LEVEL) else {
        return f64::INFINITY;
    };
    let half = 0.5 * (hi - lo);
    if half == 0.0 { 0.0 } else { half / q.abs() }
}

/// The label of a reported percentile (`p5`, `p50` ...).
#[must_use]
pub fn percentile_label(p: f64) -> String {
    format!("p{}", (p * 100.0).round() as u32)
}

impl Serialize for Summary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let num = |v: f64| if v.is_finite() { Some(v) } else { None };
        let mut m = serializer.serialize_map(Some(6 + PERCENTILES.len() + 1))?;
        m.serialize_entry("n", &self.n)?;
        m.serialize_entry("mean", &num(self.mean))?;
        m.serialize_entry("sd", &num(self.sd))?;
        m.serialize_entry("se", &num(self.se))?;
        m.serialize_entry("min", &num(self.min))?;
        m.serialize_entry("max", &num(self.max))?;
        for (p, v) in PERCENTILES.iter().zip(self.percentiles) {
            m.serialize_entry(&percentile_label(*p), &num(v))?;
        }
        // The intervals as the run's JSON gives them: `ci95: {mean: [low, high], p5: …}`, null where none.
        let interval = |c: [f64; 2]| if c[0].is_finite() && c[1].is_finite() { Some(c) } else { None };
        let mut cis: std::collections::BTreeMap<String, Option<[f64; 2]>> =
            PERCENTILES.iter().zip(self.percentile_ci95).map(|(p, ci)| (percentile_label(*p), interval(ci))).collect();
        cis.insert("mean".into(), interval(self.mean_ci95));
        m.serialize_entry("ci95", &cis)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_quantiles_match_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        // numpy.percentile([1,2,3,4], [5, 50, 90]) = 1.15, 2.5, 3.7
        assert!((quantile_sorted(&v, 0.05) - 1.15).abs() < 1e-12);
        assert!((quantile_sorted(&v, 0.5) - 2.5).abs() < 1e-12);
        assert!((quantile_sorted(&v, 0.9) - 3.7).abs() < 1e-12);
    }

    #[test]
    fn summary_of_known_values() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        let s = Summary::new(&v);
        assert_eq!(s.n, 100);
        assert!((s.mean - 50.5).abs() < 1e-12);
        assert!((s.sd - 29.011_491_975_882_016).abs() < 1e-9);
        assert_eq!(s.min, 1.0);
        assert_eq!(s.max, 100.0);
        assert!((s.p50() - 50.5).abs() < 1e-12);
        let [lo, hi] = s.percentile_ci(0.5).unwrap();
        assert!(lo < 50.5 && hi > 50.5 && lo >= 40.0 && hi <= 61.0, "{lo} {hi}");
    }

    #[test]
    fn nan_values_are_skipped() {
        let s = Summary::new(&[1.0, f64::NAN, 3.0, f64::INFINITY]);
        assert_eq!(s.n, 2);
        assert_eq!(s.mean, 2.0);
    }

    #[test]
    fn mean_and_sd_of_values_near_the_largest_double_are_finite() {
        let v = [1.5e308, 1.6e308, 1.7e308];
        let s = Summary::from_sorted(&v);
        assert!((s.mean / 1.6e308 - 1.0).abs() < 1e-15, "{}", s.mean);
        assert!((s.sd / 1e307 - 1.0).abs() < 1e-12, "{}", s.sd);
    }
}
