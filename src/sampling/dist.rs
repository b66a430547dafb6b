//! Marginal distributions of uncertain inputs.
//!
//! Every uncertain quantity in a scenario (an area, a fraction, a productivity,
//! a unit cost) is a [`Dist`]. demine samples all of them by *inverse
//! transform*: a uniform number `u` in (0, 1) from the sampler (plain Monte
//! Carlo, Latin hypercube or scrambled Sobol) goes through the quantile
//! function `Q(u)`. One mechanism then serves every sampler and the Gaussian
//! copula, and plans compared on common random numbers see the same `u`.
//!
//! Constructors validate their parameters (NaN-safe, as rand_distr does) and
//! return [`Result`]; after that, [`Dist::quantile`] never panics: `p` is
//! clamped into the open interval (0, 1) first, which statrs' inverse CDFs need.

use crate::error::{Error, Problem, Result};
use statrs::distribution::{Beta as StatrsBeta, ContinuousCDF};
use statrs::function::erf::{erfc, erfc_inv};
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

/// A validated probability distribution over the real line.
///
/// Build it with one of the constructors ([`Dist::fixed`], [`Dist::pert`], ...);
/// each checks its parameters and names the one that is wrong.
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
    kind: Kind,
}

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Fixed(f64),
    Uniform {
        min: f64,
        max: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// PERT is min + (max − min) · Beta(alpha, beta).
    Pert {
        min: f64,
        mode: f64,
        max: f64,
        shape: f64,
        alpha: f64,
        beta: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
        lo: f64,
        hi: f64,
        /// Φ((lo − mean)/sd) and Φ((hi − mean)/sd): the truncation in probability space.
        p_lo: f64,
        p_hi: f64,
    },
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    Beta {
        alpha: f64,
        beta: f64,
        min: f64,
        max: f64,
    },
    Discrete {
        /// Values sorted ascending.
        values: Vec<f64>,
        /// Cumulative normalised weights, last = 1.
        cum: Vec<f64>,
    },
}

fn finite(field: &str, v: f64, problems: &mut Vec<Problem>) -> bool {
    if v.is_finite() {
        true
    } else {
        problems.push(Problem::new(field, v, "must be a finite number"));
        false
    }
}

fn done(d: Dist, problems: Vec<Problem>) -> Result<Dist> {
    match problems.len() {
        0 => Ok(d),
        1 => Err(Error::InvalidValue(problems.into_iter().next().unwrap_or_else(
            // unreachable: len == 1
            || Problem::text("", "", ""),
        ))),
        _ => Err(Error::InvalidScenario { source_name: "distribution".into(), problems }),
    }
}

impl Dist {
    /// A value known exactly.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] if `value` is NaN or infinite.
    pub fn fixed(value: f64) -> Result<Self> {
        let mut p = Vec::new();
        finite("value", value, &mut p);
        done(Dist { kind: Kind::Fixed(value) }, p)
    }

    /// Uniform on [min, max].
    ///
    /// # Errors
    /// If a bound is not finite or `max <= min`.
    pub fn uniform(min: f64, max: f64) -> Result<Self> {
        let mut p = Vec::new();
        if finite("min", min, &mut p) & finite("max", max, &mut p) && !(max > min) {
            p.push(Problem::new("max", max, format!("must be > min ({min})")));
        }
        done(Dist { kind: Kind::Uniform { min, max } }, p)
    }

    /// Triangular on [min, max] with its peak at `mode`.
    ///
    /// # Errors
    /// If a parameter is not finite, `max <= min`, or `mode` is outside [min, max].
    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Self> {
        let mut p = Vec::new();
        check_min_mode_max(min, mode, max, &mut p);
        done(Dist { kind: Kind::Triangular { min, mode, max } }, p)
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
        Self::pert_with_shape(min, mode, max, 4.0)
    }

    /// PERT with shape λ (λ = 4 is the classic PERT; larger λ concentrates near the mode).
    ///
    /// # Errors
    /// As [`Dist::triangular`], and if `shape` is not finite and > 0.
    pub fn pert_with_shape(min: f64, mode: f64, max: f64, shape: f64) -> Result<Self> {
        let mut p = Vec::new();
        let ok = check_min_mode_max(min, mode, max, &mut p);
        if finite("shape", shape, &mut p) && !(shape > 0.0) {
            p.push(Problem::new("shape", shape, "must be > 0"));
        }
        let (alpha, beta) = if ok && shape > 0.0 {
            let r = max - min;
            (1.0 + shape * (mode - min) / r, 1.0 + shape * (max - mode) / r)
        } else {
            (1.0, 1.0)
        };
        done(Dist { kind: Kind::Pert { min, mode, max, shape, alpha, beta } }, p)
    }

    /// Normal with mean and standard deviation, unbounded.
    ///
    /// # Errors
    /// If a parameter is not finite or `sd <= 0`.
    pub fn normal(mean: f64, sd: f64) -> Result<Self> {
        Self::truncated_normal(mean, sd, f64::NEG_INFINITY, f64::INFINITY)
    }

    /// Normal with mean and standard deviation, truncated to [min, max]
    /// (either bound may be infinite). `mean` and `sd` are those of the
    /// untruncated normal.
    ///
    /// # Errors
    /// If `mean`/`sd` are not finite, `sd <= 0`, a bound is NaN, `max <= min`,
    /// or the interval holds almost no probability (< 1e-12).
    pub fn truncated_normal(mean: f64, sd: f64, min: f64, max: f64) -> Result<Self> {
        let mut p = Vec::new();
        let ok = finite("mean", mean, &mut p) & finite("sd", sd, &mut p);
        if ok && !(sd > 0.0) {
            p.push(Problem::new("sd", sd, "must be > 0"));
        }
        if min.is_nan() {
            p.push(Problem::new("min", min, "must be a number"));
        }
        if max.is_nan() {
            p.push(Problem::new("max", max, "must be a number"));
        }
        let (mut p_lo, mut p_hi) = (0.0, 1.0);
        if p.is_empty() {
            if !(max > min) {
                p.push(Problem::new("max", max, format!("must be > min ({min})")));
            } else {
                p_lo = std_normal_cdf((min - mean) / sd);
                p_hi = std_normal_cdf((max - mean) / sd);
                if !(p_hi - p_lo > 1e-12) {
                    p.push(Problem::text(
                        "min",
                        format!("[{min}, {max}]"),
                        format!("the truncation interval holds almost no probability of Normal({mean}, {sd})"),
                    ));
                }
            }
        }
        done(Dist { kind: Kind::Normal { mean, sd, lo: min, hi: max, p_lo, p_hi } }, p)
    }

    /// Lognormal from its median and 90th percentile.
    ///
    /// # Formula
    /// μ = ln(median), σ = ln(p90/median)/Φ⁻¹(0.9)
    ///
    /// # Errors
    /// If `median <= 0` or `p90 <= median`.
    pub fn lognormal_median_p90(median: f64, p90: f64) -> Result<Self> {
        Self::lognormal_median_quantile(median, "p90", p90, 0.9)
    }

    /// Lognormal from its median and 95th percentile (the upper end of a 90%
    /// interval, as cost ranges are often quoted).
    ///
    /// # Errors
    /// If `median <= 0` or `p95 <= median`.
    pub fn lognormal_median_p95(median: f64, p95: f64) -> Result<Self> {
        Self::lognormal_median_quantile(median, "p95", p95, 0.95)
    }

    fn lognormal_median_quantile(median: f64, name: &str, q: f64, p_q: f64) -> Result<Self> {
        let mut p = Vec::new();
        let ok = finite("median", median, &mut p) & finite(name, q, &mut p);
        if ok && !(median > 0.0) {
            p.push(Problem::new("median", median, "must be > 0"));
        } else if ok && !(q > median) {
            p.push(Problem::new(name, q, format!("must be > median ({median})")));
        }
        let (mu, sigma) =
            if p.is_empty() { (median.ln(), (q / median).ln() / std_normal_quantile(p_q)) } else { (0.0, 1.0) };
        done(Dist { kind: Kind::LogNormal { mu, sigma } }, p)
    }

    /// Lognormal from its (linear-space) mean and coefficient of variation.
    ///
    /// # Formula
    /// σ² = ln(1 + cv²), μ = ln(mean) − σ²/2
    ///
    /// # Errors
    /// If `mean <= 0` or `cv <= 0`.
    pub fn lognormal_mean_cv(mean: f64, cv: f64) -> Result<Self> {
        let mut p = Vec::new();
        let ok = finite("mean", mean, &mut p) & finite("cv", cv, &mut p);
        if ok && !(mean > 0.0) {
            p.push(Problem::new("mean", mean, "must be > 0"));
        }
        if ok && !(cv > 0.0) {
            p.push(Problem::new("cv", cv, "must be > 0"));
        }
        let (mu, sigma) = if p.is_empty() {
            let s2 = (1.0 + cv * cv).ln();
            (mean.ln() - s2 / 2.0, s2.sqrt())
        } else {
            (0.0, 1.0)
        };
        done(Dist { kind: Kind::LogNormal { mu, sigma } }, p)
    }

    /// Beta(alpha, beta) scaled to [min, max] (use 0 and 1 for the standard beta).
    ///
    /// # Errors
    /// If `alpha` or `beta` is not > 0, or `max <= min`.
    pub fn beta(alpha: f64, beta: f64, min: f64, max: f64) -> Result<Self> {
        let mut p = Vec::new();
        if finite("alpha", alpha, &mut p) && !(alpha > 0.0) {
            p.push(Problem::new("alpha", alpha, "must be > 0"));
        }
        if finite("beta", beta, &mut p) && !(beta > 0.0) {
            p.push(Problem::new("beta", beta, "must be > 0"));
        }
        if finite("min", min, &mut p) & finite("max", max, &mut p) && !(max > min) {
            p.push(Problem::new("max", max, format!("must be > min ({min})")));
        }
        done(Dist { kind: Kind::Beta { alpha, beta, min, max } }, p)
    }

    /// A discrete distribution: `values[i]` with probability `weights[i] / sum(weights)`.
    ///
    /// # Errors
    /// If the lists are empty or differ in length, a value is not finite, a
    /// weight is negative or not finite, or the weights sum to zero.
    pub fn discrete(values: &[f64], weights: &[f64]) -> Result<Self> {
        let mut p = Vec::new();
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
            finite(&format!("values[{i}]"), *v, &mut p);
        }
        for (i, w) in weights.iter().enumerate() {
            if finite(&format!("weights[{i}]"), *w, &mut p) && !(*w >= 0.0) {
                p.push(Problem::new(format!("weights[{i}]"), *w, "must be >= 0"));
            }
        }
        let total: f64 = weights.iter().sum();
        if p.is_empty() && !(total > 0.0) {
            p.push(Problem::new("weights", total, "must sum to more than 0"));
        }
        let mut pairs: Vec<(f64, f64)> = values.iter().copied().zip(weights.iter().copied()).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut acc = 0.0;
        let mut cum = Vec::with_capacity(pairs.len());
        for (_, w) in &pairs {
            acc += w / total;
            cum.push(acc);
        }
        if let Some(last) = cum.last_mut() {
            *last = 1.0;
        }
        done(Dist { kind: Kind::Discrete { values: pairs.iter().map(|x| x.0).collect(), cum } }, p)
    }

    /// True when the value is known exactly.
    #[must_use]
    pub fn is_fixed(&self) -> bool {
        matches!(self.kind, Kind::Fixed(_))
    }

    /// The exact value of a fixed distribution.
    #[must_use]
    pub fn fixed_value(&self) -> Option<f64> {
        match self.kind {
            Kind::Fixed(v) => Some(v),
            _ => None,
        }
    }

    /// The smallest and largest values the distribution can take (may be infinite).
    #[must_use]
    pub fn support(&self) -> (f64, f64) {
        match &self.kind {
            Kind::Fixed(v) => (*v, *v),
            Kind::Uniform { min, max }
            | Kind::Triangular { min, max, .. }
            | Kind::Pert { min, max, .. }
            | Kind::Beta { min, max, .. } => (*min, *max),
            Kind::Normal { lo, hi, .. } => (*lo, *hi),
            Kind::LogNormal { .. } => (0.0, f64::INFINITY),
            Kind::Discrete { values, .. } => (values[0], values[values.len() - 1]),
        }
    }

    /// The expected value.
    ///
    /// # Formula
    /// uniform (a+b)/2; triangular (a+c+b)/3; PERT (a+λc+b)/(λ+2);
    /// truncated normal μ + σ(φ(α)−φ(β))/(Φ(β)−Φ(α)); lognormal exp(μ+σ²/2);
    /// beta min + (max−min)·α/(α+β); discrete Σ vᵢwᵢ.
    #[must_use]
    pub fn mean(&self) -> f64 {
        match &self.kind {
            Kind::Fixed(v) => *v,
            Kind::Uniform { min, max } => 0.5 * (min + max),
            Kind::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Kind::Pert { min, mode, max, shape, .. } => (min + shape * mode + max) / (shape + 2.0),
            Kind::Normal { mean, sd, lo, hi, p_lo, p_hi } => {
                let pdf = |z: f64| {
                    if z.is_finite() { (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt() } else { 0.0 }
                };
                let a = (lo - mean) / sd;
                let b = (hi - mean) / sd;
                mean + sd * (pdf(a) - pdf(b)) / (p_hi - p_lo)
            }
            Kind::LogNormal { mu, sigma } => (mu + 0.5 * sigma * sigma).exp(),
            Kind::Beta { alpha, beta, min, max } => min + (max - min) * alpha / (alpha + beta),
            Kind::Discrete { values, cum } => {
                let mut prev = 0.0;
                let mut m = 0.0;
                for (v, c) in values.iter().zip(cum) {
                    m += v * (c - prev);
                    prev = *c;
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
        match &self.kind {
            Kind::Fixed(v) => *v,
            Kind::Uniform { min, max } => min + p * (max - min),
            Kind::Triangular { min, mode, max } => triangular_quantile(*min, *mode, *max, p),
            Kind::Pert { min, max, alpha, beta, .. } => min + (max - min) * beta_quantile(*alpha, *beta, p),
            Kind::Normal { mean, sd, lo, hi, p_lo, p_hi } => {
                let q = mean + sd * std_normal_quantile(p_lo + p * (p_hi - p_lo));
                q.clamp(*lo, *hi)
            }
            Kind::LogNormal { mu, sigma } => (mu + sigma * std_normal_quantile(p)).exp(),
            Kind::Beta { alpha, beta, min, max } => min + (max - min) * beta_quantile(*alpha, *beta, p),
            Kind::Discrete { values, cum } => {
                let i = cum.partition_point(|c| *c < p);
                values[i.min(values.len() - 1)]
            }
        }
    }

    /// The cumulative distribution function at `x`.
    #[must_use]
    pub fn cdf(&self, x: f64) -> f64 {
        let (lo, hi) = self.support();
        if x < lo {
            return 0.0;
        }
        if x >= hi {
            return 1.0;
        }
        match &self.kind {
            Kind::Fixed(_) => 1.0,
            Kind::Uniform { min, max } => (x - min) / (max - min),
            Kind::Triangular { min, mode, max } => {
                if x <= *mode {
                    (x - min).powi(2) / ((max - min) * (mode - min))
                } else {
                    1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
                }
            }
            Kind::Pert { min, max, alpha, beta, .. } | Kind::Beta { alpha, beta, min, max } => {
                match StatrsBeta::new(*alpha, *beta) {
                    Ok(b) => b.cdf((x - min) / (max - min)),
                    Err(_) => f64::NAN,
                }
            }
            Kind::Normal { mean, sd, p_lo, p_hi, .. } => (std_normal_cdf((x - mean) / sd) - p_lo) / (p_hi - p_lo),
            Kind::LogNormal { mu, sigma } => std_normal_cdf((x.ln() - mu) / sigma),
            Kind::Discrete { values, cum } => {
                let i = values.partition_point(|v| *v <= x);
                if i == 0 { 0.0 } else { cum[i - 1] }
            }
        }
    }

    /// The distribution of `factor · X` (`factor > 0`): same shape, scaled values.
    /// Its quantile at `p` is `factor` times this one's, so a scaled input keeps
    /// its random stream.
    #[must_use]
    pub fn scaled(&self, factor: f64) -> Dist {
        let f = factor;
        let kind = match &self.kind {
            Kind::Fixed(v) => Kind::Fixed(v * f),
            Kind::Uniform { min, max } => Kind::Uniform { min: min * f, max: max * f },
            Kind::Triangular { min, mode, max } => Kind::Triangular { min: min * f, mode: mode * f, max: max * f },
            Kind::Pert { min, mode, max, shape, alpha, beta } => {
                Kind::Pert { min: min * f, mode: mode * f, max: max * f, shape: *shape, alpha: *alpha, beta: *beta }
            }
            Kind::Normal { mean, sd, lo, hi, p_lo, p_hi } => {
                Kind::Normal { mean: mean * f, sd: sd * f, lo: lo * f, hi: hi * f, p_lo: *p_lo, p_hi: *p_hi }
            }
            Kind::LogNormal { mu, sigma } => Kind::LogNormal { mu: mu + f.ln(), sigma: *sigma },
            Kind::Beta { alpha, beta, min, max } => {
                Kind::Beta { alpha: *alpha, beta: *beta, min: min * f, max: max * f }
            }
            Kind::Discrete { values, cum } => {
                Kind::Discrete { values: values.iter().map(|v| v * f).collect(), cum: cum.clone() }
            }
        };
        Dist { kind }
    }

    /// The closed-form parameters, for [`crate::sampling::QuantileFn`].
    pub(crate) fn closed_form(&self) -> Option<crate::sampling::quantile::ClosedForm> {
        use crate::sampling::quantile::ClosedForm as C;
        match self.kind {
            Kind::Uniform { min, max } => Some(C::Uniform { min, max }),
            Kind::Triangular { min, mode, max } => Some(C::Triangular { min, mode, max }),
            Kind::Normal { mean, sd, lo, hi, p_lo, p_hi } => Some(C::Normal { mean, sd, lo, hi, p_lo, p_hi }),
            Kind::LogNormal { mu, sigma } => Some(C::LogNormal { mu, sigma }),
            _ => None,
        }
    }

    /// Beta parameters `(alpha, beta, min, max)` for beta and PERT, whose quantile has no closed form.
    #[must_use]
    pub(crate) fn beta_params(&self) -> Option<(f64, f64, f64, f64)> {
        match self.kind {
            Kind::Pert { min, max, alpha, beta, .. } | Kind::Beta { alpha, beta, min, max } => {
                Some((alpha, beta, min, max))
            }
            _ => None,
        }
    }
}

impl fmt::Display for Dist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Fixed(v) => write!(f, "{v}"),
            Kind::Uniform { min, max } => write!(f, "Uniform({min}, {max})"),
            Kind::Triangular { min, mode, max } => write!(f, "Triangular({min}, {mode}, {max})"),
            Kind::Pert { min, mode, max, shape, .. } => {
                if (*shape - 4.0).abs() < 1e-12 {
                    write!(f, "PERT({min}, {mode}, {max})")
                } else {
                    write!(f, "PERT({min}, {mode}, {max}, shape {shape})")
                }
            }
            Kind::Normal { mean, sd, lo, hi, .. } => {
                if lo.is_infinite() && hi.is_infinite() {
                    write!(f, "Normal({mean}, {sd})")
                } else {
                    write!(f, "Normal({mean}, {sd}) truncated to [{lo}, {hi}]")
                }
            }
            Kind::LogNormal { mu, sigma } => {
                write!(f, "LogNormal(median {:.4}, sigma {:.4})", mu.exp(), sigma)
            }
            Kind::Beta { alpha, beta, min, max } => write!(f, "Beta({alpha}, {beta}) on [{min}, {max}]"),
            Kind::Discrete { values, .. } => write!(f, "Discrete({} values)", values.len()),
        }
    }
}

/// Direct samplers from rand_distr for a [`Dist`] (rejection and transformation
/// methods, not inverse transform). The engine does not use them: they exist to
/// sample a `Dist` with any `rand` generator, and as the speed floor the
/// benchmarks compare the engine against.
#[derive(Clone, Debug)]
pub struct DirectSampler(Direct);

#[derive(Clone, Debug)]
enum Direct {
    Fixed(f64),
    Uniform(rand::distr::Uniform<f64>),
    Triangular(rand_distr::Triangular<f64>),
    Pert(rand_distr::Pert<f64>),
    Beta(rand_distr::Beta<f64>, f64, f64),
    Normal(rand_distr::Normal<f64>),
    /// Truncated normals: inverse transform (rejection can take forever on far tails).
    Inverse(Dist),
    LogNormal(rand_distr::LogNormal<f64>),
}

impl Dist {
    /// A rand_distr sampler with this distribution.
    ///
    /// # Errors
    /// Never for a validated `Dist`; rand_distr's own checks are mapped to [`Error::InvalidValue`].
    pub fn direct_sampler(&self) -> Result<DirectSampler> {
        let bad = |e: String| Error::InvalidValue(Problem::text("distribution", format!("{self}"), e));
        let d = match &self.kind {
            Kind::Fixed(v) => Direct::Fixed(*v),
            Kind::Uniform { min, max } => {
                Direct::Uniform(rand::distr::Uniform::new(*min, *max).map_err(|e| bad(e.to_string()))?)
            }
            Kind::Triangular { min, mode, max } => {
                Direct::Triangular(rand_distr::Triangular::new(*min, *max, *mode).map_err(|e| bad(e.to_string()))?)
            }
            Kind::Pert { min, mode, max, shape, .. } => Direct::Pert(
                rand_distr::Pert::new(*min, *max)
                    .with_shape(*shape)
                    .with_mode(*mode)
                    .map_err(|e| bad(e.to_string()))?,
            ),
            Kind::Beta { alpha, beta, min, max } => {
                Direct::Beta(rand_distr::Beta::new(*alpha, *beta).map_err(|e| bad(e.to_string()))?, *min, *max)
            }
            Kind::Normal { mean, sd, lo, hi, .. } if lo.is_infinite() && hi.is_infinite() => {
                Direct::Normal(rand_distr::Normal::new(*mean, *sd).map_err(|e| bad(e.to_string()))?)
            }
            Kind::LogNormal { mu, sigma } => {
                Direct::LogNormal(rand_distr::LogNormal::new(*mu, *sigma).map_err(|e| bad(e.to_string()))?)
            }
            Kind::Normal { .. } | Kind::Discrete { .. } => Direct::Inverse(self.clone()),
        };
        Ok(DirectSampler(d))
    }
}

impl rand::distr::Distribution<f64> for DirectSampler {
    fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.0 {
            Direct::Fixed(v) => *v,
            Direct::Uniform(d) => d.sample(rng),
            Direct::Triangular(d) => d.sample(rng),
            Direct::Pert(d) => d.sample(rng),
            Direct::Beta(d, min, max) => min + (max - min) * d.sample(rng),
            Direct::Normal(d) => d.sample(rng),
            Direct::LogNormal(d) => d.sample(rng),
            Direct::Inverse(d) => {
                let u: f64 = rand::distr::StandardUniform.sample(rng);
                d.quantile(u)
            }
        }
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
