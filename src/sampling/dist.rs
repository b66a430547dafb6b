//! Marginal distributions of uncertain inputs.
//!
//! Every uncertain quantity in a scenario (an area, a fraction, a productivity,
//! a unit cost) is a [`Dist`]. demine samples all of them by *inverse
//! transform*: a uniform number `u` in (0, 1) from the sampler (plain Monte
//! Carlo, Latin hypercube or scrambled Sobol) goes through the quantile
//! function `Q(u)`. One mechanism then serves every sampler and the Gaussian
//! copula, and plans compared on common random numbers see the same `u`.
//!
//! [`DistParams`] is the one list of distribution kinds: the parameters as a
//! scenario file writes them (`{ dist = "pert", min, mode, max }`), which
//! [`Dist::new`] validates (NaN-safe, as rand_distr does) and prepares. A
//! `Dist` keeps its parameters as given, so a scenario written back to a file
//! is the one that was read. After construction [`Dist::quantile`] never
//! panics: `p` is clamped into the open interval (0, 1) first.
//!
//! `Dist` composes with the ecosystem: it implements rand's
//! [`Distribution<f64>`](rand::distr::Distribution) (inverse transform) and
//! statrs' [`ContinuousCDF`] (`cdf`, `sf`, `inverse_cdf`) with [`Min`]/[`Max`].

use crate::error::{Error, Problem, Result};
use serde::{Deserialize, Serialize};
use statrs::distribution::{Beta as StatrsBeta, ContinuousCDF};
use statrs::function::erf::{erfc, erfc_inv};
use statrs::statistics::{Max, Min};
use std::f64::consts::SQRT_2;
use std::fmt;

/// The smallest probability passed to a quantile function; `1 - P_EPS` is the largest.
///
/// Quantiles of unbounded distributions are infinite at 0 and 1, and statrs
/// panics outside [0, 1]; clamping keeps every draw finite. 1e-12 is far
/// below the resolution of any run demine can do (2^40 trials).
pub const P_EPS: f64 = 1e-12;

/// The standard normal quantile, Φ⁻¹(p), for p in (0, 1) (clamped).
///
/// # Formula
/// Φ⁻¹(p) = −√2 · erfc⁻¹(2p)
#[must_use]
#[inline]
pub fn std_normal_quantile(p: f64) -> f64 {
    let p = clamp_p(p);
    -SQRT_2 * erfc_inv(2.0 * p)
}

/// The standard normal CDF, Φ(x).
///
/// # Formula
/// Φ(x) = erfc(−x/√2) / 2
#[must_use]
#[inline]
pub fn std_normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / SQRT_2)
}

/// Clamps a probability into [P_EPS, 1 − P_EPS]; NaN stays NaN.
#[inline]
#[must_use]
pub(crate) fn clamp_p(p: f64) -> f64 {
    p.clamp(P_EPS, 1.0 - P_EPS)
}

/// The kinds of distribution and their parameters, exactly as a scenario file
/// writes them (`dist = "..."` and the fields of the inline table). Optional
/// fields take their documented defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum DistParams {
    /// `{ dist = "fixed", value }`: known exactly (a plain number in a file means the same).
    Fixed {
        /// The value.
        value: f64,
    },
    /// `{ dist = "uniform", min, max }`
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// `{ dist = "triangular", min, mode, max }`
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// `{ dist = "pert", min, mode, max, shape = 4 }`: min + (max − min)·Beta(α, β).
    Pert {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
        /// λ, 4 when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        shape: Option<f64>,
    },
    /// `{ dist = "normal", mean, sd, min?, max? }`, truncated to [min, max] when a bound is given.
    Normal {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Standard deviation of the untruncated normal.
        sd: f64,
        /// Lower truncation (none when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Upper truncation (none when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// `{ dist = "lognormal", median, p90 }`, `{ median, p95 }` or `{ mean, cv }`.
    Lognormal {
        /// Median.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        median: Option<f64>,
        /// 90th percentile (with `median`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p90: Option<f64>,
        /// 95th percentile (with `median`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p95: Option<f64>,
        /// Mean (with `cv`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mean: Option<f64>,
        /// Coefficient of variation (with `mean`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cv: Option<f64>,
    },
    /// `{ dist = "beta", alpha, beta, min = 0, max = 1 }`
    Beta {
        /// Shape α.
        alpha: f64,
        /// Shape β.
        beta: f64,
        /// Lower end (0 when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Upper end (1 when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// `{ dist = "discrete", values = [...], weights = [...] }`: `values[i]` with
    /// probability `weights[i] / Σ weights`.
    Discrete {
        /// The values.
        values: Vec<f64>,
        /// Their weights (normalised).
        weights: Vec<f64>,
    },
}

/// A validated probability distribution over the real line.
///
/// Build it with [`Dist::new`] or one of the named constructors
/// ([`Dist::fixed`], [`Dist::pert`], ...); each checks its parameters and names
/// the one that is wrong.
///
/// # Example
/// ```
/// use demine::Dist;
/// let d = Dist::pert(0.60, 0.80, 0.95)?;
/// assert!((d.mean() - (0.60 + 4.0 * 0.80 + 0.95) / 6.0).abs() < 1e-12);
/// assert!(d.quantile(0.5) > 0.79 && d.quantile(0.5) < 0.81);
/// # Ok::<(), demine::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Dist {
    params: DistParams,
    c: Derived,
}

/// Values derived from the parameters once, at construction.
#[derive(Clone, Debug, PartialEq, Default)]
struct Derived {
    /// Support (may be infinite).
    lo: f64,
    hi: f64,
    /// Beta shapes (PERT and beta).
    alpha: f64,
    beta: f64,
    /// Log-space location and scale (lognormal).
    mu: f64,
    sigma: f64,
    /// Φ at the truncation bounds (normal).
    p_lo: f64,
    p_hi: f64,
    /// Values sorted ascending and their cumulative normalised weights, last = 1 (discrete).
    sorted: Vec<f64>,
    cum: Vec<f64>,
}

fn finite(field: &str, v: f64, problems: &mut Vec<Problem>) -> bool {
    if v.is_finite() {
        true
    } else {
        problems.push(Problem::new(field, v, "must be a finite number"));
        false
    }
}

fn check_min_mode_max(min: f64, mode: f64, max: f64, p: &mut Vec<Problem>) -> bool {
    let ok = finite("min", min, p) & finite("mode", mode, p) & finite("max", max, p);
    if !ok {
        return false;
    }
    if !(max > min) {
        p.push(Problem::new("max", max, format!("must be > min ({min})")));
        return false;
    }
    if !(mode >= min && mode <= max) {
        p.push(Problem::new("mode", mode, format!("must lie in [min, max] = [{min}, {max}]")));
        return false;
    }
    true
}

impl Dist {
    /// Validates `params` and prepares the distribution.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the parameter and the rule it breaks
    /// (or [`Error::InvalidScenario`] listing several); field names are the
    /// table's (`mode`, `p95`, `weights[2]`).
    pub fn new(params: DistParams) -> Result<Self> {
        let mut p = Vec::new();
        let mut c = Derived::default();
        match &params {
            DistParams::Fixed { value } => {
                finite("value", *value, &mut p);
                (c.lo, c.hi) = (*value, *value);
            }
            DistParams::Uniform { min, max } => {
                if finite("min", *min, &mut p) & finite("max", *max, &mut p) && !(max > min) {
                    p.push(Problem::new("max", *max, format!("must be > min ({min})")));
                }
                (c.lo, c.hi) = (*min, *max);
            }
            DistParams::Triangular { min, mode, max } => {
                check_min_mode_max(*min, *mode, *max, &mut p);
                (c.lo, c.hi) = (*min, *max);
            }
            DistParams::Pert { min, mode, max, shape } => {
                let shape = shape.unwrap_or(4.0);
                let ok = check_min_mode_max(*min, *mode, *max, &mut p);
                if finite("shape", shape, &mut p) && !(shape > 0.0) {
                    p.push(Problem::new("shape", shape, "must be > 0"));
                }
                (c.alpha, c.beta) = if ok && shape > 0.0 {
                    let r = max - min;
                    (1.0 + shape * (mode - min) / r, 1.0 + shape * (max - mode) / r)
                } else {
                    (1.0, 1.0)
                };
                (c.lo, c.hi) = (*min, *max);
            }
            DistParams::Normal { mean, sd, min, max } => {
                let (lo, hi) = (min.unwrap_or(f64::NEG_INFINITY), max.unwrap_or(f64::INFINITY));
                let ok = finite("mean", *mean, &mut p) & finite("sd", *sd, &mut p);
                if ok && !(*sd > 0.0) {
                    p.push(Problem::new("sd", *sd, "must be > 0"));
                }
                if lo.is_nan() {
                    p.push(Problem::new("min", lo, "must be a number"));
                }
                if hi.is_nan() {
                    p.push(Problem::new("max", hi, "must be a number"));
                }
                (c.p_lo, c.p_hi) = (0.0, 1.0);
                if p.is_empty() {
                    if !(hi > lo) {
                        p.push(Problem::new("max", hi, format!("must be > min ({lo})")));
                    } else {
                        c.p_lo = std_normal_cdf((lo - mean) / sd);
                        c.p_hi = std_normal_cdf((hi - mean) / sd);
                        if !(c.p_hi - c.p_lo > 1e-12) {
                            p.push(Problem::text(
                                "min",
                                format!("[{lo}, {hi}]"),
                                format!("the truncation interval holds almost no probability of Normal({mean}, {sd})"),
                            ));
                        }
                    }
                }
                (c.lo, c.hi) = (lo, hi);
            }
            DistParams::Lognormal { median, p90, p95, mean, cv } => {
                (c.mu, c.sigma) = match (*median, *p90, *p95, *mean, *cv) {
                    (Some(m), Some(q), None, None, None) => lognormal_median_quantile(m, "p90", q, 0.9, &mut p),
                    (Some(m), None, Some(q), None, None) => lognormal_median_quantile(m, "p95", q, 0.95, &mut p),
                    (None, None, None, Some(m), Some(v)) => lognormal_mean_cv(m, v, &mut p),
                    _ => {
                        p.push(Problem::text(
                            "",
                            "this combination of parameters",
                            "a lognormal takes `median` with `p90`, `median` with `p95`, or `mean` with `cv`",
                        ));
                        (0.0, 1.0)
                    }
                };
                (c.lo, c.hi) = (0.0, f64::INFINITY);
            }
            DistParams::Beta { alpha, beta, min, max } => {
                let (lo, hi) = (min.unwrap_or(0.0), max.unwrap_or(1.0));
                if finite("alpha", *alpha, &mut p) && !(*alpha > 0.0) {
                    p.push(Problem::new("alpha", *alpha, "must be > 0"));
                }
                if finite("beta", *beta, &mut p) && !(*beta > 0.0) {
                    p.push(Problem::new("beta", *beta, "must be > 0"));
                }
                if finite("min", lo, &mut p) & finite("max", hi, &mut p) && !(hi > lo) {
                    p.push(Problem::new("max", hi, format!("must be > min ({lo})")));
                }
                (c.alpha, c.beta, c.lo, c.hi) = (*alpha, *beta, lo, hi);
            }
            DistParams::Discrete { values, weights } => {
                discrete(values, weights, &mut c, &mut p);
            }
        }
        match p.len() {
            0 => Ok(Dist { params, c }),
            1 => Err(Error::InvalidValue(p.swap_remove(0))),
            _ => Err(Error::InvalidScenario { source_name: "distribution".into(), problems: p }),
        }
    }

    /// A value known exactly.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] if `value` is NaN or infinite.
    pub fn fixed(value: f64) -> Result<Self> {
        Self::new(DistParams::Fixed { value })
    }

    /// Uniform on [min, max].
    ///
    /// # Errors
    /// If a bound is not finite or `max <= min`.
    pub fn uniform(min: f64, max: f64) -> Result<Self> {
        Self::new(DistParams::Uniform { min, max })
    }

    /// Triangular on [min, max] with its peak at `mode`.
    ///
    /// # Errors
    /// If a parameter is not finite, `max <= min`, or `mode` is outside [min, max].
    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Self> {
        Self::new(DistParams::Triangular { min, mode, max })
    }

    /// PERT (beta-PERT) on [min, max] with the usual shape λ = 4.
    ///
    /// # Formula
    /// min + (max − min)·Beta(α, β), α = 1 + λ(mode − min)/(max − min),
    /// β = 1 + λ(max − mode)/(max − min); mean = (min + λ·mode + max)/(λ + 2).
    ///
    /// # Errors
    /// As [`Dist::triangular`].
    pub fn pert(min: f64, mode: f64, max: f64) -> Result<Self> {
        Self::new(DistParams::Pert { min, mode, max, shape: None })
    }

    /// PERT with shape λ (λ = 4 is the classic PERT; larger λ concentrates near the mode).
    ///
    /// # Errors
    /// As [`Dist::triangular`], and if `shape` is not finite and > 0.
    pub fn pert_with_shape(min: f64, mode: f64, max: f64, shape: f64) -> Result<Self> {
        Self::new(DistParams::Pert { min, mode, max, shape: Some(shape) })
    }

    /// Normal with mean and standard deviation, unbounded.
    ///
    /// # Errors
    /// If a parameter is not finite or `sd <= 0`.
    pub fn normal(mean: f64, sd: f64) -> Result<Self> {
        Self::new(DistParams::Normal { mean, sd, min: None, max: None })
    }

    /// Normal with mean and standard deviation, truncated to [min, max]
    /// (either bound may be infinite). `mean` and `sd` are those of the
    /// untruncated normal.
    ///
    /// # Errors
    /// If `mean`/`sd` are not finite, `sd <= 0`, a bound is NaN, `max <= min`,
    /// or the interval holds almost no probability (< 1e-12).
    pub fn truncated_normal(mean: f64, sd: f64, min: f64, max: f64) -> Result<Self> {
        let bound = |b: f64| if b.is_infinite() { None } else { Some(b) };
        Self::new(DistParams::Normal { mean, sd, min: bound(min), max: bound(max) })
    }

    /// Lognormal from its median and 90th percentile.
    ///
    /// # Formula
    /// μ = ln(median), σ = ln(p90/median)/Φ⁻¹(0.9)
    ///
    /// # Errors
    /// If `median <= 0` or `p90 <= median`.
    pub fn lognormal_median_p90(median: f64, p90: f64) -> Result<Self> {
        Self::new(DistParams::Lognormal { median: Some(median), p90: Some(p90), p95: None, mean: None, cv: None })
    }

    /// Lognormal from its median and 95th percentile (the upper end of a 90%
    /// interval, as cost ranges are often quoted).
    ///
    /// # Errors
    /// If `median <= 0` or `p95 <= median`.
    pub fn lognormal_median_p95(median: f64, p95: f64) -> Result<Self> {
        Self::new(DistParams::Lognormal { median: Some(median), p90: None, p95: Some(p95), mean: None, cv: None })
    }

    /// Lognormal from its (linear-space) mean and coefficient of variation.
    ///
    /// # Formula
    /// σ² = ln(1 + cv²), μ = ln(mean) − σ²/2
    ///
    /// # Errors
    /// If `mean <= 0` or `cv <= 0`.
    pub fn lognormal_mean_cv(mean: f64, cv: f64) -> Result<Self> {
        Self::new(DistParams::Lognormal { median: None, p90: None, p95: None, mean: Some(mean), cv: Some(cv) })
    }

    /// Beta(alpha, beta) scaled to [min, max] (use 0 and 1 for the standard beta).
    ///
    /// # Errors
    /// If `alpha` or `beta` is not > 0, or `max <= min`.
    pub fn beta(alpha: f64, beta: f64, min: f64, max: f64) -> Result<Self> {
        Self::new(DistParams::Beta { alpha, beta, min: Some(min), max: Some(max) })
    }

    /// A discrete distribution: `values[i]` with probability `weights[i] / sum(weights)`.
    ///
    /// # Errors
    /// If the lists are empty or differ in length, a value is not finite, a
    /// weight is negative or not finite, or the weights sum to zero.
    pub fn discrete(values: &[f64], weights: &[f64]) -> Result<Self> {
        Self::new(DistParams::Discrete { values: values.to_vec(), weights: weights.to_vec() })
    }

    /// The parameters as given.
    #[must_use]
    pub fn params(&self) -> &DistParams {
        &self.params
    }

    /// True when the value is known exactly.
    #[must_use]
    pub fn is_fixed(&self) -> bool {
        matches!(self.params, DistParams::Fixed { .. })
    }

    /// The exact value of a fixed distribution.
    #[must_use]
    pub fn fixed_value(&self) -> Option<f64> {
        match self.params {
            DistParams::Fixed { value } => Some(value),
            _ => None,
        }
    }

    /// The smallest and largest values the distribution can take (may be infinite).
    #[must_use]
    pub fn support(&self) -> (f64, f64) {
        (self.c.lo, self.c.hi)
    }

    /// The expected value.
    ///
    /// # Formula
    /// uniform (a+b)/2; triangular (a+c+b)/3; PERT (a+λc+b)/(λ+2);
    /// truncated normal μ + σ(φ(α)−φ(β))/(Φ(β)−Φ(α)); lognormal exp(μ+σ²/2);
    /// beta min + (max−min)·α/(α+β); discrete Σ vᵢwᵢ.
    #[must_use]
    pub fn mean(&self) -> f64 {
        let c = &self.c;
        match &self.params {
            DistParams::Fixed { value } => *value,
            DistParams::Uniform { min, max } => 0.5 * (min + max),
            DistParams::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            DistParams::Pert { min, mode, max, shape } => {
                let shape = shape.unwrap_or(4.0);
                (min + shape * mode + max) / (shape + 2.0)
            }
            DistParams::Normal { mean, sd, .. } => {
                let pdf = |z: f64| {
                    if z.is_finite() { (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt() } else { 0.0 }
                };
                let a = (c.lo - mean) / sd;
                let b = (c.hi - mean) / sd;
                mean + sd * (pdf(a) - pdf(b)) / (c.p_hi - c.p_lo)
            }
            DistParams::Lognormal { .. } => (c.mu + 0.5 * c.sigma * c.sigma).exp(),
            DistParams::Beta { .. } => c.lo + (c.hi - c.lo) * c.alpha / (c.alpha + c.beta),
            DistParams::Discrete { .. } => {
                let mut prev = 0.0;
                let mut m = 0.0;
                for (v, cu) in c.sorted.iter().zip(&c.cum) {
                    m += v * (cu - prev);
                    prev = *cu;
                }
                m
            }
        }
    }

    /// The quantile function (inverse CDF) at probability `p`.
    ///
    /// `p` is clamped into [1e-12, 1 − 1e-12], so the result is always finite;
    /// NaN gives NaN. Closed forms for all kinds except beta and PERT, which use
    /// statrs' inverse regularised incomplete beta (about 1 µs a call; the
    /// simulation engine uses a precomputed table instead, see
    /// [`crate::sampling::QuantileFn`]).
    #[must_use]
    pub fn quantile(&self, p: f64) -> f64 {
        if p.is_nan() {
            return f64::NAN;
        }
        let p = clamp_p(p);
        let c = &self.c;
        match &self.params {
            DistParams::Fixed { value } => *value,
            DistParams::Uniform { min, max } => min + p * (max - min),
            DistParams::Triangular { min, mode, max } => triangular_quantile(*min, *mode, *max, p),
            DistParams::Pert { .. } | DistParams::Beta { .. } => {
                c.lo + (c.hi - c.lo) * beta_quantile(c.alpha, c.beta, p)
            }
            DistParams::Normal { mean, sd, .. } => {
                let q = mean + sd * std_normal_quantile(c.p_lo + p * (c.p_hi - c.p_lo));
                q.clamp(c.lo, c.hi)
            }
            DistParams::Lognormal { .. } => (c.mu + c.sigma * std_normal_quantile(p)).exp(),
            DistParams::Discrete { .. } => {
                let i = c.cum.partition_point(|cu| *cu < p);
                c.sorted[i.min(c.sorted.len() - 1)]
            }
        }
    }

    /// The cumulative distribution function at `x`.
    #[must_use]
    pub fn cdf(&self, x: f64) -> f64 {
        let c = &self.c;
        if x < c.lo {
            return 0.0;
        }
        if x >= c.hi {
            return 1.0;
        }
        match &self.params {
            DistParams::Fixed { .. } => 1.0,
            DistParams::Uniform { min, max } => (x - min) / (max - min),
            DistParams::Triangular { min, mode, max } => {
                if x <= *mode {
                    (x - min).powi(2) / ((max - min) * (mode - min))
                } else {
                    1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
                }
            }
            DistParams::Pert { .. } | DistParams::Beta { .. } => match StatrsBeta::new(c.alpha, c.beta) {
                Ok(b) => b.cdf((x - c.lo) / (c.hi - c.lo)),
                Err(_) => f64::NAN,
            },
            DistParams::Normal { mean, sd, .. } => (std_normal_cdf((x - mean) / sd) - c.p_lo) / (c.p_hi - c.p_lo),
            DistParams::Lognormal { .. } => std_normal_cdf((x.ln() - c.mu) / c.sigma),
            DistParams::Discrete { .. } => {
                let i = c.sorted.partition_point(|v| *v <= x);
                if i == 0 { 0.0 } else { c.cum[i - 1] }
            }
        }
    }

    /// The distribution of `factor · X` (`factor > 0`): same shape, scaled values.
    /// Its quantile at `p` is `factor` times this one's (up to rounding), so a
    /// scaled input keeps its random stream.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] unless `factor` is finite and > 0.
    pub fn scaled(&self, factor: f64) -> Result<Dist> {
        if !(factor > 0.0 && factor.is_finite()) {
            return Err(Error::invalid("factor", factor, "a scale factor must be finite and > 0"));
        }
        let f = factor;
        let s = |v: &Option<f64>| v.map(|v| v * f);
        let params = match &self.params {
            DistParams::Fixed { value } => DistParams::Fixed { value: value * f },
            DistParams::Uniform { min, max } => DistParams::Uniform { min: min * f, max: max * f },
            DistParams::Triangular { min, mode, max } => {
                DistParams::Triangular { min: min * f, mode: mode * f, max: max * f }
            }
            DistParams::Pert { min, mode, max, shape } => {
                DistParams::Pert { min: min * f, mode: mode * f, max: max * f, shape: *shape }
            }
            DistParams::Normal { mean, sd, min, max } => {
                DistParams::Normal { mean: mean * f, sd: sd * f, min: s(min), max: s(max) }
            }
            DistParams::Lognormal { median, p90, p95, mean, cv } => {
                DistParams::Lognormal { median: s(median), p90: s(p90), p95: s(p95), mean: s(mean), cv: *cv }
            }
            DistParams::Beta { alpha, beta, min, max } => DistParams::Beta {
                alpha: *alpha,
                beta: *beta,
                min: Some(min.unwrap_or(0.0) * f),
                max: Some(max.unwrap_or(1.0) * f),
            },
            DistParams::Discrete { values, weights } => {
                DistParams::Discrete { values: values.iter().map(|v| v * f).collect(), weights: weights.clone() }
            }
        };
        Dist::new(params)
    }

    /// Beta parameters `(alpha, beta, min, max)` for beta and PERT, whose quantile has no closed form.
    #[must_use]
    pub(crate) fn beta_params(&self) -> Option<(f64, f64, f64, f64)> {
        match self.params {
            DistParams::Pert { .. } | DistParams::Beta { .. } => {
                Some((self.c.alpha, self.c.beta, self.c.lo, self.c.hi))
            }
            _ => None,
        }
    }
}

fn lognormal_median_quantile(median: f64, name: &str, q: f64, p_q: f64, p: &mut Vec<Problem>) -> (f64, f64) {
    let before = p.len();
    let ok = finite("median", median, p) & finite(name, q, p);
    if ok && !(median > 0.0) {
        p.push(Problem::new("median", median, "must be > 0"));
    } else if ok && !(q > median) {
        p.push(Problem::new(name, q, format!("must be > median ({median})")));
    }
    if p.len() == before { (median.ln(), (q / median).ln() / std_normal_quantile(p_q)) } else { (0.0, 1.0) }
}

fn lognormal_mean_cv(mean: f64, cv: f64, p: &mut Vec<Problem>) -> (f64, f64) {
    let before = p.len();
    let ok = finite("mean", mean, p) & finite("cv", cv, p);
    if ok && !(mean > 0.0) {
        p.push(Problem::new("mean", mean, "must be > 0"));
    }
    if ok && !(cv > 0.0) {
        p.push(Problem::new("cv", cv, "must be > 0"));
    }
    if p.len() == before {
        let s2 = (1.0 + cv * cv).ln();
        (mean.ln() - s2 / 2.0, s2.sqrt())
    } else {
        (0.0, 1.0)
    }
}

fn discrete(values: &[f64], weights: &[f64], c: &mut Derived, p: &mut Vec<Problem>) {
    if values.is_empty() {
        p.push(Problem::text("values", "[]", "must hold at least one value"));
    }
    if values.len() != weights.len() {
        p.push(Problem::text(
            "weights",
            format!("{} weights", weights.len()),
            format!("must have one weight per value ({} values)", values.len()),
        ));
    }
    for (i, v) in values.iter().enumerate() {
        finite(&format!("values[{i}]"), *v, p);
    }
    for (i, w) in weights.iter().enumerate() {
        if finite(&format!("weights[{i}]"), *w, p) && !(*w >= 0.0) {
            p.push(Problem::new(format!("weights[{i}]"), *w, "must be >= 0"));
        }
    }
    let total: f64 = weights.iter().sum();
    if p.is_empty() && !(total > 0.0) {
        p.push(Problem::new("weights", total, "must sum to more than 0"));
    }
    if !p.is_empty() {
        return;
    }
    let mut pairs: Vec<(f64, f64)> = values.iter().copied().zip(weights.iter().copied()).collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut acc = 0.0;
    for (_, w) in &pairs {
        acc += w / total;
        c.cum.push(acc);
    }
    if let Some(last) = c.cum.last_mut() {
        *last = 1.0;
    }
    c.sorted = pairs.iter().map(|x| x.0).collect();
    (c.lo, c.hi) = (c.sorted[0], c.sorted[c.sorted.len() - 1]);
}

impl fmt::Display for Dist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.params {
            DistParams::Fixed { value } => write!(f, "{value}"),
            DistParams::Uniform { min, max } => write!(f, "Uniform({min}, {max})"),
            DistParams::Triangular { min, mode, max } => write!(f, "Triangular({min}, {mode}, {max})"),
            DistParams::Pert { min, mode, max, shape } => match shape {
                Some(s) if (*s - 4.0).abs() >= 1e-12 => write!(f, "PERT({min}, {mode}, {max}, shape {s})"),
                _ => write!(f, "PERT({min}, {mode}, {max})"),
            },
            DistParams::Normal { mean, sd, .. } => {
                let (lo, hi) = self.support();
                if lo.is_infinite() && hi.is_infinite() {
                    write!(f, "Normal({mean}, {sd})")
                } else {
                    write!(f, "Normal({mean}, {sd}) truncated to [{lo}, {hi}]")
                }
            }
            DistParams::Lognormal { .. } => {
                write!(f, "LogNormal(median {:.4}, sigma {:.4})", self.c.mu.exp(), self.c.sigma)
            }
            DistParams::Beta { alpha, beta, .. } => {
                write!(f, "Beta({alpha}, {beta}) on [{}, {}]", self.c.lo, self.c.hi)
            }
            DistParams::Discrete { values, .. } => write!(f, "Discrete({} values)", values.len()),
        }
    }
}

/// Sampling by inverse transform: `quantile(U)` with `U` uniform on (0, 1), so a
/// `Dist` can be drawn with any `rand` generator.
impl rand::distr::Distribution<f64> for Dist {
    fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let u: f64 = rand::distr::StandardUniform.sample(rng);
        self.quantile(u)
    }
}

impl Min<f64> for Dist {
    fn min(&self) -> f64 {
        self.c.lo
    }
}

impl Max<f64> for Dist {
    fn max(&self) -> f64 {
        self.c.hi
    }
}

/// statrs' CDF interface, so a `Dist` can go wherever statrs distributions go.
impl ContinuousCDF<f64, f64> for Dist {
    fn cdf(&self, x: f64) -> f64 {
        Dist::cdf(self, x)
    }
    fn inverse_cdf(&self, p: f64) -> f64 {
        self.quantile(p)
    }
}

/// Closed-form triangular quantile.
#[inline]
#[must_use]
pub(crate) fn triangular_quantile(min: f64, mode: f64, max: f64, p: f64) -> f64 {
    let r = max - min;
    let fc = (mode - min) / r;
    if p < fc { min + (p * r * (mode - min)).sqrt() } else { max - ((1.0 - p) * r * (max - mode)).sqrt() }
}

/// The standard beta quantile from statrs, with p already clamped into (0, 1).
#[must_use]
pub(crate) fn beta_quantile(alpha: f64, beta: f64, p: f64) -> f64 {
    match StatrsBeta::new(alpha, beta) {
        Ok(b) => b.inverse_cdf(clamp_p(p)),
        // Parameters were validated at construction; keep the "never panics" promise anyway.
        Err(_) => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(err(Dist::pert_with_shape(0.0, 0.5, 1.0, 0.0)), "shape: 0 is invalid: must be > 0");
        assert_eq!(err(Dist::normal(0.0, -1.0)), "sd: -1 is invalid: must be > 0");
        assert_eq!(err(Dist::lognormal_median_p90(-1.0, 3.0)), "median: -1 is invalid: must be > 0");
        assert_eq!(err(Dist::lognormal_median_p90(2.0, 1.0)), "p90: 1 is invalid: must be > median (2)");
        assert_eq!(err(Dist::lognormal_mean_cv(1.0, 0.0)), "cv: 0 is invalid: must be > 0");
        assert_eq!(err(Dist::beta(0.0, 1.0, 0.0, 1.0)), "alpha: 0 is invalid: must be > 0");
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
}
