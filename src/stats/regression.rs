//! Linear regression on standardised values (the SRCs of a tornado chart).

use nalgebra::{DMatrix, DVector};

/// Standardised regression coefficients (least squares on z-scores) and R².
///
/// `xs` holds one column per regressor; NaN coefficients (and R²) when there
/// are not more observations than regressors + 1, or no regressor at all, or
/// a regressor column whose length differs from `y`'s.
#[must_use]
pub fn standardized_regression(xs: &[Vec<f64>], y: &[f64]) -> (Vec<f64>, f64) {
    let n = y.len();
    let k = xs.len();
    if k == 0 || xs.iter().any(|x| x.len() != n) {
        return (vec![f64::NAN; k], f64::NAN);
    }
    let z = |v: &[f64]| -> Vec<f64> {
        let m = v.iter().sum::<f64>() / n as f64;
        let s = (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n.max(2) - 1) as f64).sqrt();
        v.iter().map(|x| if s > 0.0 { (x - m) / s } else { 0.0 }).collect()
    };
    if n <= k + 1 {
        return (vec![f64::NAN; k], f64::NAN);
    }
    let zy = DVector::from_vec(z(y));
    let cols: Vec<Vec<f64>> = xs.iter().map(|x| z(x)).collect();
    let x = DMatrix::from_fn(n, k, |r, c| cols[c][r]);
    let svd = x.clone().svd(true, true);
    match svd.solve(&zy, 1e-10) {
        Ok(beta) => {
            let fit = &x * &beta;
            let ss_res = (&zy - fit).norm_squared();
            let ss_tot = zy.norm_squared();
            (beta.iter().copied().collect(), if ss_tot > 0.0 { 1.0 - ss_res / ss_tot } else { f64::NAN })
        }
        Err(_) => (vec![f64::NAN; k], f64::NAN),
    }
}
