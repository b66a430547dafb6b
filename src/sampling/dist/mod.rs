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

mod beta;
mod build;
mod params;
#[cfg(test)]
mod tests;

pub(crate) use beta::{BetaQuantile, beta_quantile, ibeta};
pub use beta::{SHAPE_MAX, SHAPE_MIN};
pub use build::MIN_NORMAL_MASS;
pub use params::DistParams;

use crate::error::{Error, Result};
use statrs::distribution::ContinuousCDF;
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

/// Φ⁻¹(t) for t in (0, 1) without clamping, accurate for t down to the
/// smallest normal double (statrs' `erfc_inv` keeps its relative accuracy in
/// the tail); a truncated normal's mapped probabilities can be far below
/// [`P_EPS`].
#[must_use]
#[inline]
pub(crate) fn std_normal_quantile_unclamped(t: f64) -> f64 {
    -SQRT_2 * erfc_inv(2.0 * t)
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
pub(super) struct Derived {
    /// Support (may be infinite).
    lo: f64,
    hi: f64,
    /// Beta shapes (PERT and beta).
    alpha: f64,
    beta: f64,
    /// Log-space location and scale (lognormal).
    mu: f64,
    sigma: f64,
    /// Φ at the truncation bounds (normal), or, when `upper_tail`, the upper
    /// tail probabilities 1 − Φ at the bounds (accurate far in the tail, where
    /// Φ rounds to 1).
    p_lo: f64,
    p_hi: f64,
    /// True when the truncation interval lies above the mean (normal).
    upper_tail: bool,
    /// Values sorted ascending and their cumulative normalised weights, last = 1 (discrete).
    sorted: Vec<f64>,
    cum: Vec<f64>,
}

impl Derived {
    /// The probability a normal's truncation interval holds under the untruncated normal.
    fn normal_mass(&self) -> f64 {
        if self.upper_tail { self.p_lo - self.p_hi } else { self.p_hi - self.p_lo }
    }
}

impl Dist {
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
            // Weighted sums of the bounds, each term scaled first, so that bounds near
            // ±f64::MAX do not overflow a mean that is itself finite.
            DistParams::Uniform { min, max } => 0.5 * min + 0.5 * max,
            DistParams::Triangular { min, mode, max } => min / 3.0 + mode / 3.0 + max / 3.0,
            DistParams::Pert { min, mode, max, shape } => {
                let shape = shape.unwrap_or(4.0);
                let w = shape + 2.0;
                min / w + mode * (shape / w) + max / w
            }
            DistParams::Normal { mean, sd, .. } => {
                let pdf = |z: f64| {
                    if z.is_finite() { (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt() } else { 0.0 }
                };
                let a = (c.lo - mean) / sd;
                let b = (c.hi - mean) / sd;
                mean + sd * (pdf(a) - pdf(b)) / c.normal_mass()
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
    /// NaN gives NaN. Closed forms for all kinds except beta and PERT, which
    /// solve Iₓ(α, β) = p with bounded work (at most 120 CDF evaluations,
    /// monotone in `p`, correct in probability also for α < 1; the simulation
    /// engine uses a precomputed table instead, see
    /// [`crate::sampling::QuantileFn`]). A truncated normal above its mean works
    /// with upper-tail probabilities, so tails 20 σ out are sampled correctly.
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
                // Lower-tail probabilities when the interval reaches below the mean,
                // upper-tail ones when it lies above it: Φ(7) rounds to 1 − 1.3e-12.
                let z = if c.upper_tail {
                    // The upper tail left above the quantile, from the nearer end
                    // (1 − p is exact for p > ½; p·mass would round away 1 − p).
                    let mass = c.p_lo - c.p_hi;
                    let t = if p > 0.5 { c.p_hi + (1.0 - p) * mass } else { c.p_lo - p * mass };
                    -std_normal_quantile_unclamped(t)
                } else {
                    std_normal_quantile_unclamped(c.p_lo + p * (c.p_hi - c.p_lo))
                };
                (mean + sd * z).clamp(c.lo, c.hi)
            }
            DistParams::Lognormal { .. } => (c.mu + c.sigma * std_normal_quantile(p)).exp(),
            DistParams::Discrete { .. } => {
                let i = c.cum.partition_point(|cu| *cu < p);
                c.sorted[i.min(c.sorted.len() - 1)]
            }
        }
    }

    /// The cumulative distribution function at `x`: 0 below the support, 1 at
    /// and above its upper end, in [0, 1] everywhere (also at a mode on a
    /// bound); NaN for NaN.
    #[must_use]
    pub fn cdf(&self, x: f64) -> f64 {
        let c = &self.c;
        if x.is_nan() {
            return f64::NAN;
        }
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
                // Strictly below the mode, so a mode at min (0/0 there) takes the right branch.
                if x < *mode {
                    (x - min).powi(2) / ((max - min) * (mode - min))
                } else {
                    1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
                }
            }
            DistParams::Pert { .. } | DistParams::Beta { .. } => ibeta(c.alpha, c.beta, (x - c.lo) / (c.hi - c.lo)),
            DistParams::Normal { mean, sd, .. } => {
                let z = (x - mean) / sd;
                if c.upper_tail {
                    (c.p_lo - std_normal_cdf(-z)) / c.normal_mass()
                } else {
                    (std_normal_cdf(z) - c.p_lo) / c.normal_mass()
                }
            }
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
