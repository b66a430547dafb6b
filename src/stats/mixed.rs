//! A linear model with a random intercept per group and a normal prior on its coefficients, fitted
//! by empirical Bayes: the two variance components maximise the marginal likelihood, and the
//! coefficients and group effects are their posterior given those.
//!
//! # Model
//! ```text
//! y_i = x_i'β + u_g(i) + ε_i,   ε_i ~ N(0, σ²),   u_g ~ N(0, τ²),   β ~ N(β₀, diag(s²))
//! ```
//! With θ = (β, u) and W = [X Z] (Z the group indicators), y ~ N(Wθ₀, σ²I + WΛW'),
//! Λ = diag(s², τ²…). By Woodbury the marginal log-likelihood needs only a (p + G)-square
//! Cholesky factor:
//! ```text
//! log p(y | σ, τ) = −½[n log 2π + n log σ² + log|Λ| + log|A| + r'r/σ² − b'A⁻¹b]
//! A = Λ⁻¹ + W'W/σ²,   b = W'r/σ²,   r = y − Wθ₀
//! ```
//! and the posterior of θ is N(θ₀ + A⁻¹b, A⁻¹). A new observation x in a group seen in the data
//! is predicted N(w'θ̂, σ² + w'A⁻¹w) with w = (x, e_g); in a group not seen, N(x'β̂, σ² + τ² +
//! x'A⁻¹_ββ x): the population's spread of group effects is added (partial pooling).

use nalgebra::{DMatrix, DVector};

/// The data of a fit: one row of covariates per observation, its response and its group.
#[derive(Clone, Debug)]
pub struct MixedData {
    /// Covariates, one row per observation (the same length for all).
    pub x: Vec<Vec<f64>>,
    /// Responses.
    pub y: Vec<f64>,
    /// Group of each observation, in `0..groups`.
    pub group: Vec<usize>,
    /// Number of groups.
    pub groups: usize,
}

/// A normal prior on each coefficient.
#[derive(Clone, Debug, PartialEq)]
pub struct CoefPrior {
    /// Prior means.
    pub mean: Vec<f64>,
    /// Prior standard deviations (> 0).
    pub sd: Vec<f64>,
}

/// The fitted model.
#[derive(Clone, Debug, PartialEq)]
pub struct MixedFit {
    /// Posterior means of the coefficients.
    pub coef: Vec<f64>,
    /// Their posterior standard deviations.
    pub coef_sd: Vec<f64>,
    /// Residual standard deviation σ.
    pub sigma: f64,
    /// Standard deviation of the group effects τ.
    pub tau: f64,
    /// Posterior means of the group effects.
    pub group_effect: Vec<f64>,
    /// Posterior covariance of (β, u), row-major, (p + G)².
    pub cov: Vec<f64>,
    /// The marginal log-likelihood at (σ, τ).
    pub log_marginal: f64,
    /// Observations and groups.
    pub n: usize,
}

/// What goes wrong in a fit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MixedError {
    /// Fewer observations than two, rows of different lengths, a group out of range, a prior
    /// whose length differs from the covariates', or a value that is not finite.
    Shape(String),
    /// The posterior precision is not positive definite at every candidate (σ, τ).
    Singular,
}

impl std::fmt::Display for MixedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MixedError::Shape(s) => write!(f, "{s}"),
            MixedError::Singular => write!(f, "the model's posterior precision is singular for every variance tried"),
        }
    }
}

/// The marginal log-likelihood and, when asked, the posterior of θ at (σ, τ).
struct Evaluation {
    log_marginal: f64,
    mean: DVector<f64>,
    cov: DMatrix<f64>,
}

/// The data as matrices: W = [X Z], r = y − Wθ₀, the prior's θ₀ and log|diag(s²)|.
struct Prepared {
    w: DMatrix<f64>,
    wtw: DMatrix<f64>,
    r: DVector<f64>,
    theta0: DVector<f64>,
    prior_precision: Vec<f64>,
    p: usize,
    n: usize,
}

impl Prepared {
    fn new(data: &MixedData, prior: &CoefPrior) -> Result<Prepared, MixedError> {
        let n = data.y.len();
        let p = prior.mean.len();
        if n < 2 {
            return Err(MixedError::Shape(format!("{n} observations: a fit needs at least 2")));
        }
        if data.x.len() != n || data.group.len() != n {
            return Err(MixedError::Shape("covariates, responses and groups differ in length".into()));
        }
        if prior.sd.len() != p || prior.sd.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
            return Err(MixedError::Shape("the prior needs one finite sd > 0 per coefficient".into()));
        }
        let q = p + data.groups;
        let mut w = DMatrix::zeros(n, q);
        for (i, (row, &g)) in data.x.iter().zip(&data.group).enumerate() {
            if row.len() != p || row.iter().any(|v| !v.is_finite()) || !data.y[i].is_finite() {
                return Err(MixedError::Shape(format!(
                    "observation {i}: {} covariates or a value not finite",
                    row.len()
                )));
            }
            if g >= data.groups {
                return Err(MixedError::Shape(format!("observation {i}: group {g} of {}", data.groups)));
            }
            for (j, v) in row.iter().enumerate() {
                w[(i, j)] = *v;
            }
            w[(i, p + g)] = 1.0;
        }
        let theta0 = DVector::from_iterator(q, prior.mean.iter().copied().chain(std::iter::repeat_n(0.0, data.groups)));
        let r = DVector::from_column_slice(&data.y) - &w * &theta0;
        let wtw = w.transpose() * &w;
        let prior_precision = prior.sd.iter().map(|s| 1.0 / (s * s)).collect();
        Ok(Prepared { w, wtw, r, theta0, prior_precision, p, n })
    }

    /// The marginal log-likelihood (and posterior) at σ, τ; `None` when A is not positive definite.
    fn evaluate(&self, sigma: f64, tau: f64) -> Option<Evaluation> {
        let q = self.w.ncols();
        let (s2, t2) = (sigma * sigma, tau * tau);
        let mut a = &self.wtw / s2;
        let mut log_det_lambda = 0.0;
        for j in 0..q {
            let precision = if j < self.p { self.prior_precision[j] } else { 1.0 / t2 };
            a[(j, j)] += precision;
            log_det_lambda -= precision.ln();
        }
        let chol = nalgebra::Cholesky::new(a)?;
        let b = self.w.transpose() * &self.r / s2;
        let solved = chol.solve(&b);
        let log_det_a: f64 = 2.0 * chol.l_dirty().diagonal().iter().map(|d| d.ln()).sum::<f64>();
        let quad = self.r.dot(&self.r) / s2 - b.dot(&solved);
        let n = self.n as f64;
        let log_marginal =
            -0.5 * (n * (2.0 * std::f64::consts::PI).ln() + n * s2.ln() + log_det_lambda + log_det_a + quad);
        Some(Evaluation { log_marginal, mean: &self.theta0 + solved, cov: chol.inverse() })
    }
}

/// The largest of `f` over [lo, hi] by golden-section search (`f` unimodal there), to `tol`.
fn golden_max(f: &mut impl FnMut(f64) -> f64, mut lo: f64, mut hi: f64, tol: f64) -> f64 {
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = hi - g * (hi - lo);
    let mut d = lo + g * (hi - lo);
    let (mut fc, mut fd) = (f(c), f(d));
    while hi - lo > tol {
        if fc >= fd {
            hi = d;
            d = c;
            fd = fc;
            c = hi - g * (hi - lo);
            fc = f(c);
        } else {
            lo = c;
            c = d;
            fc = fd;
            d = lo + g * (hi - lo);
            fd = f(d);
        }
    }
    0.5 * (lo + hi)
}

/// Range of ln σ and ln τ searched.
const LN_SIGMA: (f64, f64) = (-6.0, 3.0);
const LN_TAU: (f64, f64) = (-7.0, 2.5);

/// Fits the model: (σ, τ) maximise the marginal likelihood (a grid, then golden-section search
/// along each in turn), then the posterior of the coefficients and group effects at them.
/// Deterministic: the same data give the same fit.
///
/// # Errors
/// [`MixedError::Shape`] for inconsistent data; [`MixedError::Singular`] when no candidate
/// variance gives a positive definite posterior precision.
pub fn fit(data: &MixedData, prior: &CoefPrior) -> Result<MixedFit, MixedError> {
    let prep = Prepared::new(data, prior)?;
    let ll = |ls: f64, lt: f64| prep.evaluate(ls.exp(), lt.exp()).map_or(f64::NEG_INFINITY, |e| e.log_marginal);
    // A coarse grid for a start, then coordinate-wise golden sections.
    let mut best = (f64::NEG_INFINITY, 0.0, 0.0);
    for i in 0..=12 {
        for j in 0..=12 {
            let ls = LN_SIGMA.0 + (LN_SIGMA.1 - LN_SIGMA.0) * f64::from(i) / 12.0;
            let lt = LN_TAU.0 + (LN_TAU.1 - LN_TAU.0) * f64::from(j) / 12.0;
            let v = ll(ls, lt);
            if v > best.0 {
                best = (v, ls, lt);
            }
        }
    }
    if !best.0.is_finite() {
        return Err(MixedError::Singular);
    }
    let (mut ls, mut lt) = (best.1, best.2);
    let step_s = (LN_SIGMA.1 - LN_SIGMA.0) / 12.0;
    let step_t = (LN_TAU.1 - LN_TAU.0) / 12.0;
    for _ in 0..4 {
        ls = golden_max(&mut |x| ll(x, lt), (ls - step_s).max(LN_SIGMA.0), (ls + step_s).min(LN_SIGMA.1), 1e-6);
        lt = golden_max(&mut |x| ll(ls, x), (lt - step_t).max(LN_TAU.0), (lt + step_t).min(LN_TAU.1), 1e-6);
    }
    let e = prep.evaluate(ls.exp(), lt.exp()).ok_or(MixedError::Singular)?;
    let p = prep.p;
    let q = e.mean.len();
    Ok(MixedFit {
        coef: e.mean.iter().take(p).copied().collect(),
        coef_sd: (0..p).map(|j| e.cov[(j, j)].sqrt()).collect(),
        sigma: ls.exp(),
        tau: lt.exp(),
        group_effect: e.mean.iter().skip(p).copied().collect(),
        cov: (0..q).flat_map(|i| (0..q).map(move |j| (i, j))).map(|(i, j)| e.cov[(i, j)]).collect(),
        log_marginal: e.log_marginal,
        n: prep.n,
    })
}

impl MixedFit {
    /// The predictive mean and standard deviation of a new observation with covariates `x`, in
    /// group `group` when the data saw it (its effect is then known in part), else in a new one.
    #[must_use]
    pub fn predict(&self, x: &[f64], group: Option<usize>) -> (f64, f64) {
        let p = self.coef.len();
        let q = p + self.group_effect.len();
        let mut w = vec![0.0; q];
        w[..p].copy_from_slice(&x[..p.min(x.len())]);
        let mut var = self.sigma * self.sigma;
        match group.filter(|g| *g < self.group_effect.len()) {
            Some(g) => w[p + g] = 1.0,
            None => var += self.tau * self.tau,
        }
        let mean: f64 = w[..p].iter().zip(&self.coef).map(|(a, b)| a * b).sum::<f64>()
            + group.filter(|g| *g < self.group_effect.len()).map_or(0.0, |g| self.group_effect[g]);
        for i in 0..q {
            if w[i] == 0.0 {
                continue;
            }
            for j in 0..q {
                var += w[i] * self.cov[i * q + j] * w[j];
            }
        }
        (mean, var.max(0.0).sqrt())
    }
}

/// A linear model pooled over every observation (no groups) with a normal prior on its
/// coefficients: σ maximises the marginal likelihood, the coefficients are their posterior.
#[derive(Clone, Debug, PartialEq)]
pub struct PooledFit {
    /// Posterior means of the coefficients.
    pub coef: Vec<f64>,
    /// Their posterior covariance, row-major, p².
    pub cov: Vec<f64>,
    /// Residual standard deviation.
    pub sigma: f64,
    /// The marginal log-likelihood at σ.
    pub log_marginal: f64,
}

impl PooledFit {
    /// The predictive mean and sd of a new observation with covariates `x`, leaving out the
    /// residual's own spread when `residual` is false (the mean's uncertainty only).
    #[must_use]
    pub fn predict(&self, x: &[f64], residual: bool) -> (f64, f64) {
        let p = self.coef.len();
        let mean = x.iter().zip(&self.coef).map(|(a, b)| a * b).sum();
        let mut var = if residual { self.sigma * self.sigma } else { 0.0 };
        for i in 0..p.min(x.len()) {
            for j in 0..p.min(x.len()) {
                var += x[i] * self.cov[i * p + j] * x[j];
            }
        }
        (mean, var.max(0.0).sqrt())
    }
}

/// Fits the pooled model (see [`PooledFit`]): `data`'s groups are ignored.
///
/// # Errors
/// As [`fit`].
pub fn fit_pooled(data: &MixedData, prior: &CoefPrior) -> Result<PooledFit, MixedError> {
    let one = MixedData { x: data.x.clone(), y: data.y.clone(), group: vec![0; data.y.len()], groups: 0 };
    let prep = Prepared::new(&MixedData { groups: 1, ..one.clone() }, prior)?;
    // With τ at the bottom of its range the one group's effect is fixed at 0: a pooled model.
    let tau = LN_TAU.0.exp() * 1e-6;
    let ll = |ls: f64| prep.evaluate(ls.exp(), tau).map_or(f64::NEG_INFINITY, |e| e.log_marginal);
    let mut best = (f64::NEG_INFINITY, 0.0);
    for i in 0..=24 {
        let ls = LN_SIGMA.0 + (LN_SIGMA.1 - LN_SIGMA.0) * f64::from(i) / 24.0;
        let v = ll(ls);
        if v > best.0 {
            best = (v, ls);
        }
    }
    if !best.0.is_finite() {
        return Err(MixedError::Singular);
    }
    let step = (LN_SIGMA.1 - LN_SIGMA.0) / 24.0;
    let ls = golden_max(&mut |x| ll(x), (best.1 - step).max(LN_SIGMA.0), (best.1 + step).min(LN_SIGMA.1), 1e-7);
    let e = prep.evaluate(ls.exp(), tau).ok_or(MixedError::Singular)?;
    let p = prior.mean.len();
    Ok(PooledFit {
        coef: e.mean.iter().take(p).copied().collect(),
        cov: (0..p).flat_map(|i| (0..p).map(move |j| (i, j))).map(|(i, j)| e.cov[(i, j)]).collect(),
        sigma: ls.exp(),
        log_marginal: e.log_marginal,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without groups' spread and with a flat prior, the posterior mean is least squares.
    #[test]
    fn a_flat_prior_gives_least_squares() {
        // y = 1 + 2x exactly plus a small alternating residual.
        let x: Vec<Vec<f64>> = (0..20).map(|i| vec![1.0, f64::from(i)]).collect();
        let y: Vec<f64> = (0..20).map(|i| 1.0 + 2.0 * f64::from(i) + if i % 2 == 0 { 0.1 } else { -0.1 }).collect();
        let data = MixedData { x, y, group: vec![0; 20], groups: 1 };
        let prior = CoefPrior { mean: vec![0.0, 0.0], sd: vec![1e6, 1e6] };
        let f = fit(&data, &prior).unwrap();
        // OLS on this design: slope 2 − 0.2·(cov of alternation with x)/var x; check against the normal equations.
        let (n, sx, sxx) = (20.0, 190.0, 2470.0);
        let sy: f64 = data.y.iter().sum();
        let sxy: f64 = data.y.iter().enumerate().map(|(i, y)| i as f64 * y).sum();
        let slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        let intercept = (sy - slope * sx) / n;
        // The single group's effect and the intercept share the level; their sum is the OLS intercept.
        assert!((f.coef[1] - slope).abs() < 1e-6, "{} vs {slope}", f.coef[1]);
        assert!((f.coef[0] + f.group_effect[0] - intercept).abs() < 1e-4, "{f:?}");
        assert!((f.sigma - 0.1).abs() < 0.02, "σ {}", f.sigma);
    }

    /// Groups far apart: τ is found near their spread, each group's effect near its own mean, and a
    /// new group's prediction is wider than a seen group's.
    #[test]
    fn groups_are_pooled_partially() {
        let means = [-2.0, -1.0, 0.0, 1.0, 2.0, 0.5, -0.5, 1.5];
        let mut x = Vec::new();
        let mut y = Vec::new();
        let mut group = Vec::new();
        for (g, m) in means.iter().enumerate() {
            for k in 0..6 {
                x.push(vec![1.0]);
                y.push(m + 0.05 * (f64::from(k) - 2.5));
                group.push(g);
            }
        }
        let data = MixedData { x, y, group, groups: means.len() };
        let f = fit(&data, &CoefPrior { mean: vec![0.0], sd: vec![10.0] }).unwrap();
        let sd_means = {
            let m = means.iter().sum::<f64>() / 8.0;
            (means.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / 8.0).sqrt()
        };
        assert!((f.tau - sd_means).abs() < 0.3 * sd_means, "τ {} vs {sd_means}", f.tau);
        for (g, m) in means.iter().enumerate() {
            let (mu, _) = f.predict(&[1.0], Some(g));
            assert!((mu - m).abs() < 0.05, "group {g}: {mu} vs {m}");
        }
        let (_, seen) = f.predict(&[1.0], Some(0));
        let (_, new) = f.predict(&[1.0], None);
        assert!(new > 5.0 * seen, "{new} vs {seen}");
    }

    /// The pooled fit with a flat prior is least squares, σ the residuals' ML sd.
    #[test]
    fn the_pooled_fit_is_least_squares() {
        let x: Vec<Vec<f64>> = (0..30).map(|i| vec![1.0, f64::from(i % 7), f64::from(i % 5)]).collect();
        let y: Vec<f64> = x
            .iter()
            .enumerate()
            .map(|(i, r)| 0.5 + 1.5 * r[1] - 0.7 * r[2] + if i % 2 == 0 { 0.2 } else { -0.2 })
            .collect();
        let data = MixedData { x, y, group: vec![0; 30], groups: 1 };
        let f = fit_pooled(&data, &CoefPrior { mean: vec![0.0; 3], sd: vec![1e6; 3] }).unwrap();
        let xm = nalgebra::DMatrix::from_fn(30, 3, |i, j| data.x[i][j]);
        let ym = nalgebra::DVector::from_column_slice(&data.y);
        let ols = (xm.transpose() * &xm).try_inverse().unwrap() * xm.transpose() * &ym;
        for j in 0..3 {
            assert!((f.coef[j] - ols[j]).abs() < 1e-6, "{j}: {} vs {}", f.coef[j], ols[j]);
        }
        let rss: f64 = (0..30).map(|i| (data.y[i] - (xm.row(i) * &ols)[0]).powi(2)).sum();
        // The ML σ with the coefficients integrated out under a flat prior is the REML one: rss / (n − p).
        assert!((f.sigma - (rss / 27.0).sqrt()).abs() < 1e-3, "{} vs {}", f.sigma, (rss / 27.0).sqrt());
    }

    #[test]
    fn bad_shapes_are_errors() {
        let prior = CoefPrior { mean: vec![0.0], sd: vec![1.0] };
        let one = MixedData { x: vec![vec![1.0]], y: vec![1.0], group: vec![0], groups: 1 };
        assert!(matches!(fit(&one, &prior), Err(MixedError::Shape(_))));
        let nan = MixedData { x: vec![vec![1.0], vec![f64::NAN]], y: vec![1.0, 2.0], group: vec![0, 0], groups: 1 };
        assert!(matches!(fit(&nan, &prior), Err(MixedError::Shape(_))));
        let group = MixedData { x: vec![vec![1.0], vec![1.0]], y: vec![1.0, 2.0], group: vec![0, 3], groups: 1 };
        assert!(matches!(fit(&group, &prior), Err(MixedError::Shape(_))));
    }
}
