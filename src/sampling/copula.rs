//! Rank correlation between uncertain inputs, induced by a Gaussian copula.
//!
//! The user states Spearman rank correlations (what analysts estimate from
//! data or elicit from experts). For a Gaussian copula the Pearson correlation
//! of the underlying normals that yields Spearman ρₛ is ρ = 2·sin(π·ρₛ/6)
//! (Pearson 1907), so the achieved rank correlation equals the target in
//! expectation and every marginal stays exactly as specified: only the
//! *pairing* of the uniforms changes (z = L·Φ⁻¹(u), u' = Φ(z)).
//!
//! nalgebra's Cholesky reads only the lower triangle and returns `None`
//! without a reason, so the matrix is checked first: square, finite, unit
//! diagonal, |ρ| ≤ 1, symmetric, and positive definite (smallest eigenvalue
//! reported). A matrix that is not positive definite can be repaired with
//! Higham's alternating projections with Dykstra's correction (Higham 2002,
//! "Computing the nearest correlation matrix", IMA J. Numer. Anal. 22:329-343,
//! doi:10.1093/imanum/22.3.329); each changed entry is reported.

use super::dist::{std_normal_cdf, std_normal_quantile};
use crate::error::{Error, Problem, Result};
use nalgebra::{DMatrix, SymmetricEigen};

/// One entry the repair changed.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RepairedEntry {
    /// First input.
    pub a: String,
    /// Second input.
    pub b: String,
    /// Rank correlation the user gave.
    pub given: f64,
    /// Rank correlation used.
    pub used: f64,
}

/// A validated rank-correlation structure over some of a scenario's inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Correlation {
    /// Indices of the correlated inputs in the scenario's input list.
    pub(crate) inputs: Vec<usize>,
    /// Their names.
    pub(crate) names: Vec<String>,
    /// The Spearman matrix actually used (after any repair).
    pub(crate) spearman: DMatrix<f64>,
    /// Lower Cholesky factor of the normal-scores (Pearson) matrix.
    pub(crate) chol: DMatrix<f64>,
    /// Entries changed by a repair.
    pub(crate) repairs: Vec<RepairedEntry>,
}

impl Correlation {
    /// Validates a Spearman matrix over `names` (which index `inputs`) and
    /// prepares its Cholesky factor.
    ///
    /// # Errors
    /// [`Error::InvalidScenario`] for a wrong shape, non-finite entries, a
    /// diagonal other than 1, |ρ| > 1 or asymmetry; [`Error::NotPositiveDefinite`]
    /// when the matrix is not positive definite and `repair` is false.
    pub fn new(
        field: &str,
        inputs: Vec<usize>,
        names: Vec<String>,
        matrix: DMatrix<f64>,
        repair: bool,
    ) -> Result<Self> {
        let problems = check_shape(field, &names, &matrix);
        if !problems.is_empty() {
            return Err(Error::InvalidScenario { source_name: field.to_string(), problems });
        }
        let given = matrix.clone();
        let mut spearman = matrix;
        let min_eig = min_eigenvalue(&spearman);
        let mut repairs = Vec::new();
        if !(min_eig > 1e-10) {
            if !repair {
                return Err(Error::NotPositiveDefinite {
                    field: field.to_string(),
                    inputs: names,
                    min_eigenvalue: min_eig,
                });
            }
            spearman = nearest_correlation(&spearman, 1e-8);
        }
        let n = names.len();
        let mut pearson = spearman.map(|r| 2.0 * (std::f64::consts::PI * r / 6.0).sin());
        for i in 0..n {
            pearson[(i, i)] = 1.0;
        }
        if !(min_eigenvalue(&pearson) > 1e-10) {
            // The conversion can push a barely-PD matrix over the edge.
            pearson = nearest_correlation(&pearson, 1e-8);
            spearman = pearson.map(|r| 6.0 / std::f64::consts::PI * (r / 2.0).asin());
        }
        for i in 0..n {
            for j in 0..i {
                if (spearman[(i, j)] - given[(i, j)]).abs() > 1e-9 {
                    repairs.push(RepairedEntry {
                        a: names[j].clone(),
                        b: names[i].clone(),
                        given: given[(i, j)],
                        used: spearman[(i, j)],
                    });
                }
            }
        }
        let chol = nalgebra::Cholesky::new(pearson)
            .ok_or_else(|| Error::NotPositiveDefinite {
                field: field.to_string(),
                inputs: names.clone(),
                min_eigenvalue: min_eig,
            })?
            .l();
        Ok(Correlation { inputs, names, spearman, chol, repairs })
    }

    /// The names of the correlated inputs.
    #[must_use]
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The Spearman matrix in use.
    #[must_use]
    pub fn matrix(&self) -> &DMatrix<f64> {
        &self.spearman
    }

    /// The lower Cholesky factor L of the normal-scores (Pearson) matrix R in use,
    /// R = 2·sin(π·ρₛ/6) entrywise over [`matrix`](Self::matrix): L·Lᵀ = R.
    #[must_use]
    pub fn cholesky_factor(&self) -> &DMatrix<f64> {
        &self.chol
    }

    /// The entries a repair changed (empty when none was needed).
    #[must_use]
    pub fn repairs(&self) -> &[RepairedEntry] {
        &self.repairs
    }

    /// Re-pairs the uniforms of the correlated inputs in place; `z` is scratch
    /// of at least `names().len()` elements.
    #[inline]
    pub(crate) fn apply(&self, u: &mut [f64], z: &mut [f64]) {
        let n = self.inputs.len();
        for (k, &i) in self.inputs.iter().enumerate() {
            z[k] = std_normal_quantile(u[i]);
        }
        // z ← L·z in place, from the bottom row up (L is lower triangular).
        for r in (0..n).rev() {
            z[r] = z[..=r].iter().enumerate().map(|(c, zc)| self.chol[(r, c)] * zc).sum();
        }
        for (k, &i) in self.inputs.iter().enumerate() {
            u[i] = std_normal_cdf(z[k]).clamp(super::dist::P_EPS, 1.0 - super::dist::P_EPS);
        }
    }
}

fn check_shape(field: &str, names: &[String], m: &DMatrix<f64>) -> Vec<Problem> {
    let mut p = Vec::new();
    let n = names.len();
    if m.nrows() != n || m.ncols() != n {
        p.push(Problem::text(
            format!("{field}.matrix"),
            format!("{}x{}", m.nrows(), m.ncols()),
            format!("must be {n}x{n}, one row and column per input in `inputs`"),
        ));
        return p;
    }
    for i in 0..n {
        for j in 0..n {
            let v = m[(i, j)];
            let f = format!("{field}.matrix[{i}][{j}]");
            if !v.is_finite() {
                p.push(Problem::new(f, v, "must be a finite number"));
            } else if i == j && v != 1.0 {
                p.push(Problem::new(f, v, "the diagonal must be 1"));
            } else if !(v.abs() <= 1.0) {
                p.push(Problem::new(f, v, "a correlation must lie in [-1, 1]"));
            } else if j < i && (v - m[(j, i)]).abs() > 1e-12 {
                p.push(Problem::new(f, v, format!("the matrix must be symmetric, but [{j}][{i}] is {}", m[(j, i)])));
            }
        }
    }
    p
}

/// The smallest eigenvalue of a symmetric matrix.
#[must_use]
pub fn min_eigenvalue(m: &DMatrix<f64>) -> f64 {
    SymmetricEigen::new(m.clone()).eigenvalues.iter().copied().fold(f64::INFINITY, f64::min)
}

/// The nearest correlation matrix in the Frobenius norm (Higham 2002,
/// alternating projections with Dykstra's correction), with eigenvalues at least `min_eig`.
#[must_use]
pub fn nearest_correlation(a: &DMatrix<f64>, min_eig: f64) -> DMatrix<f64> {
    let n = a.nrows();
    let mut y = a.clone();
    let mut ds = DMatrix::<f64>::zeros(n, n);
    for _ in 0..1000 {
        let r = &y - &ds;
        // Projection onto the positive semidefinite cone (eigenvalues ≥ min_eig).
        let eig = SymmetricEigen::new(r.clone());
        let vals = eig.eigenvalues.map(|v| v.max(min_eig));
        let x = &eig.eigenvectors * DMatrix::from_diagonal(&vals) * eig.eigenvectors.transpose();
        ds = &x - &r;
        // Projection onto unit-diagonal symmetric matrices.
        let mut y_new = x.clone();
        for i in 0..n {
            y_new[(i, i)] = 1.0;
        }
        let y_new = (&y_new + y_new.transpose()) * 0.5;
        let change = (&y_new - &y).norm() / y.norm().max(1e-300);
        y = y_new;
        if change < 1e-12 {
            break;
        }
    }
    // Final guarantee of a unit diagonal and positive definiteness.
    let eig = SymmetricEigen::new(y.clone());
    let vals = eig.eigenvalues.map(|v| v.max(min_eig));
    let x = &eig.eigenvectors * DMatrix::from_diagonal(&vals) * eig.eigenvectors.transpose();
    let d = x.diagonal().map(|v| 1.0 / v.sqrt());
    let mut out = DMatrix::from_fn(n, n, |i, j| x[(i, j)] * d[i] * d[j]);
    for i in 0..n {
        out[(i, i)] = 1.0;
    }
    (&out + out.transpose()) * 0.5
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("x{i}")).collect()
    }

    #[test]
    fn not_positive_definite_is_named() {
        // Pairwise plausible, jointly impossible.
        let m = DMatrix::from_row_slice(3, 3, &[1.0, 0.9, -0.9, 0.9, 1.0, 0.9, -0.9, 0.9, 1.0]);
        let e = Correlation::new("correlation", vec![0, 1, 2], names(3), m.clone(), false).unwrap_err().to_string();
        assert!(
            e.starts_with(
                "correlation: correlation matrix over [x0, x1, x2] is not positive definite (smallest eigenvalue -"
            ),
            "{e}"
        );
        let c = Correlation::new("correlation", vec![0, 1, 2], names(3), m, true).unwrap();
        assert_eq!(c.repairs().len(), 3);
        assert!(min_eigenvalue(c.matrix()) > 0.0);
    }

    #[test]
    fn shape_rules() {
        let m = DMatrix::from_row_slice(2, 2, &[1.0, 0.5, 0.4, 1.0]);
        let e = Correlation::new("c", vec![0, 1], names(2), m, false).unwrap_err().to_string();
        assert!(e.contains("c.matrix[1][0]: 0.4 is invalid: the matrix must be symmetric, but [0][1] is 0.5"), "{e}");
        let m = DMatrix::from_row_slice(2, 2, &[1.0, 1.5, 1.5, 1.0]);
        let e = Correlation::new("c", vec![0, 1], names(2), m, false).unwrap_err().to_string();
        assert!(e.contains("c.matrix[0][1]: 1.5 is invalid: a correlation must lie in [-1, 1]"), "{e}");
        let m = DMatrix::from_row_slice(1, 1, &[1.0]);
        let e = Correlation::new("c", vec![0, 1], names(2), m, false).unwrap_err().to_string();
        assert!(e.contains("c.matrix: 1x1 is invalid: must be 2x2"), "{e}");
    }

    #[test]
    fn nearest_correlation_leaves_valid_matrices_alone() {
        let m = DMatrix::from_row_slice(2, 2, &[1.0, 0.3, 0.3, 1.0]);
        let n = nearest_correlation(&m, 1e-8);
        assert!((n - m).norm() < 1e-9);
    }

    #[test]
    fn higham_example_matches_published_answer() {
        // Higham (2002), section 4: A = [[1,1,0],[1,1,1],[0,1,1]]; nearest
        // correlation matrix has off-diagonals 0.7607, 0.1573.
        let a = DMatrix::from_row_slice(3, 3, &[1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0]);
        let x = nearest_correlation(&a, 0.0);
        assert!((x[(0, 1)] - 0.7607).abs() < 1e-3, "{x}");
        assert!((x[(0, 2)] - 0.1573).abs() < 1e-3, "{x}");
        assert!((x[(1, 2)] - 0.7607).abs() < 1e-3, "{x}");
    }
}
