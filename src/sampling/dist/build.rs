//! Building a [`Dist`]: every kind's parameters validated (NaN-safe) and the
//! derived values prepared once.

use super::{Derived, Dist, DistParams, P_EPS, SHAPE_MAX, SHAPE_MIN, std_normal_cdf, std_normal_quantile};
use crate::error::{Error, Problem, Result};

/// The least probability a normal's truncation interval may hold (about 37
/// standard deviations out): tails are computed in complementary space, so
/// anything a double can hold is sampled correctly.
pub const MIN_NORMAL_MASS: f64 = 1e-300;

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
                if finite("min", *min, &mut p) & finite("max", *max, &mut p) {
                    if !(max > min) {
                        p.push(Problem::new("max", *max, format!("must be > min ({min})")));
                    } else {
                        width_fits("max", *min, *max, &mut p);
                    }
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
                let shape_ok = finite("shape", shape, &mut p) && shape > 0.0 && shape <= SHAPE_MAX;
                if shape.is_finite() && !shape_ok {
                    p.push(Problem::new("shape", shape, format!("must be > 0 and at most {SHAPE_MAX:e}")));
                }
                (c.alpha, c.beta) = if ok && shape_ok {
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
                        let (a, b) = ((lo - mean) / sd, (hi - mean) / sd);
                        // Far above the mean Φ rounds to 1: keep upper-tail probabilities there.
                        c.upper_tail = a > 0.0;
                        (c.p_lo, c.p_hi) = if c.upper_tail {
                            (std_normal_cdf(-a), std_normal_cdf(-b))
                        } else {
                            (std_normal_cdf(a), std_normal_cdf(b))
                        };
                        if !(c.normal_mass() >= MIN_NORMAL_MASS) {
                            p.push(Problem::text(
                                "min",
                                format!("[{lo}, {hi}]"),
                                format!(
                                    "the truncation interval holds almost no probability of Normal({mean}, {sd}) \
                                     (below {MIN_NORMAL_MASS:e}; more than about 37 sd from the mean)"
                                ),
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
                shape_in_range("alpha", *alpha, &mut p);
                shape_in_range("beta", *beta, &mut p);
                if finite("min", lo, &mut p) & finite("max", hi, &mut p) {
                    if !(hi > lo) {
                        p.push(Problem::new("max", hi, format!("must be > min ({lo})")));
                    } else {
                        width_fits("max", lo, hi, &mut p);
                    }
                }
                (c.alpha, c.beta, c.lo, c.hi) = (*alpha, *beta, lo, hi);
            }
            DistParams::Discrete { values, weights } => {
                discrete(values, weights, &mut c, &mut p);
            }
        }
        if p.is_empty() {
            let d = Dist { params, c };
            if let Some(problem) = overflow(&d) {
                return Err(Error::InvalidValue(problem));
            }
            return Ok(d);
        }
        match p.len() {
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
    /// If a bound is not finite, `max <= min`, or `max − min` overflows
    /// (`uniform(-f64::MAX, f64::MAX)`).
    pub fn uniform(min: f64, max: f64) -> Result<Self> {
        Self::new(DistParams::Uniform { min, max })
    }

    /// Triangular on [min, max] with its peak at `mode`.
    ///
    /// # Errors
    /// If a parameter is not finite, `max <= min`, `max − min` overflows, or
    /// `mode` is outside [min, max].
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
    /// λ lies in (0, [`SHAPE_MAX`]] = (0, 1e6]: the beta shapes are then at most
    /// 1 + λ, where the quantile is computed with bounded work and full accuracy
    /// (a PERT with λ = 1e6 is as good as fixed at its mode).
    ///
    /// # Errors
    /// As [`Dist::triangular`], and if `shape` is not finite, ≤ 0 or > 1e6.
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
    /// or the interval holds almost no probability (< [`MIN_NORMAL_MASS`],
    /// about 37 standard deviations out). Tails are sampled in complementary
    /// space, so a normal truncated to [μ + 20σ, ∞) is sampled correctly.
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
    /// `alpha` and `beta` lie in [[`SHAPE_MIN`], [`SHAPE_MAX`]] = [0.001, 1e6]:
    /// Beta(0.001, 0.001) is already a coin toss between the ends, and a beta
    /// with α + β = 1e6 is as good as fixed; within that range the quantile
    /// takes bounded work and is correct in probability.
    ///
    /// # Errors
    /// If `alpha` or `beta` is outside [0.001, 1e6], a bound is not finite,
    /// `max <= min`, or `max − min` overflows.
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
}

/// Checks a beta shape against [`SHAPE_MIN`, `SHAPE_MAX`].
fn shape_in_range(field: &str, v: f64, p: &mut Vec<Problem>) {
    if finite(field, v, p) && !(SHAPE_MIN..=SHAPE_MAX).contains(&v) {
        p.push(Problem::new(field, v, format!("must lie in [{SHAPE_MIN}, {SHAPE_MAX:e}]")));
    }
}

/// The largest magnitude of a distribution's bounds: beyond it the quantile
/// tables' arithmetic (scaling by the width) overflows.
pub const MAX_BOUND: f64 = 1e300;

/// Checks that `max − min` is a finite number (it overflows for bounds beyond ±f64::MAX/2).
fn width_fits(field: &str, min: f64, max: f64, p: &mut Vec<Problem>) -> bool {
    if min.is_finite() && max.is_finite() && (min.abs() > MAX_BOUND || max.abs() > MAX_BOUND) {
        let v = if max.abs() > MAX_BOUND { max } else { min };
        p.push(Problem::new(
            field,
            v,
            format!("bounds must lie within ±{MAX_BOUND:e} (no quantity demine models comes near)"),
        ));
        return false;
    }
    let fits = (max - min).is_finite();
    if !fits {
        p.push(Problem::new(
            field,
            max,
            format!(
                "the width max − min ({} − {}) overflows a 64-bit float",
                crate::error::fmt_value(max),
                crate::error::fmt_value(min)
            ),
        ));
    }
    fits
}

/// A problem when the mean or the extreme quantiles (at 1e-12 and 1 − 1e-12)
/// of an otherwise valid distribution overflow, naming the parameter that sets the spread.
fn overflow(d: &Dist) -> Option<Problem> {
    let (lo, hi) = (d.quantile(P_EPS), d.quantile(1.0 - P_EPS));
    if d.mean().is_finite() && lo.is_finite() && hi.is_finite() {
        return None;
    }
    let (field, value) = match d.params() {
        DistParams::Fixed { value } => ("value", *value),
        DistParams::Uniform { max, .. }
        | DistParams::Triangular { max, .. }
        | DistParams::Pert { max, .. }
        | DistParams::Beta { max: Some(max), .. } => ("max", *max),
        DistParams::Normal { sd, .. } => ("sd", *sd),
        DistParams::Lognormal { p90: Some(v), .. } => ("p90", *v),
        DistParams::Lognormal { p95: Some(v), .. } => ("p95", *v),
        DistParams::Lognormal { cv: Some(v), .. } => ("cv", *v),
        _ => ("values", f64::NAN),
    };
    Some(Problem::new(
        field,
        value,
        format!(
            "the distribution's mean or range overflows a 64-bit float (mean {}, P(1e-12) {}, P(1 − 1e-12) {})",
            crate::error::fmt_value(d.mean()),
            crate::error::fmt_value(lo),
            crate::error::fmt_value(hi)
        ),
    ))
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
    if !width_fits("max", min, max, p) {
        return false;
    }
    if !(mode >= min && mode <= max) {
        p.push(Problem::new("mode", mode, format!("must lie in [min, max] = [{min}, {max}]")));
        return false;
    }
    true
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
    if p.is_empty() && !total.is_finite() {
        p.push(Problem::new("weights", total, "must sum to a finite number (the sum overflows)"));
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
