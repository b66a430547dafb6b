//! Saltelli's design for variance-based sensitivity analysis (Saltelli 2002,
//! doi:10.1016/S0010-4655(02)00280-1): two independent N × k matrices A and B
//! in probability space, from 2k-dimensional scrambled Sobol points (Monte
//! Carlo beyond 256 dimensions). The model runs on A, on B and on each
//! A_B⁽ⁱ⁾ (A with column i taken from B): N·(k + 2) runs in all.

use super::stream::{Sampler, UniformSource};

/// The matrices A and B of a Saltelli design (N × k each, row-major, values in (0, 1)).
#[derive(Clone, Debug, PartialEq)]
pub struct SaltelliDesign {
    /// Columns (inputs).
    pub k: usize,
    /// Rows (base sample size N).
    pub n: usize,
    /// Matrix A, row-major.
    pub a: Vec<f64>,
    /// Matrix B, row-major.
    pub b: Vec<f64>,
}

impl SaltelliDesign {
    /// Draws the design: A takes dimensions 0..k of the sampler, B dimensions k..2k.
    #[must_use]
    pub fn new(k: usize, n: usize, seed: u64, sampler: Sampler) -> Self {
        let names: Vec<String> = (0..2 * k).map(|d| format!("saltelli:{d}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let src = UniformSource::positional(sampler, seed, &refs, 0, n as u64);
        let mut a = vec![0.0; n * k];
        let mut b = vec![0.0; n * k];
        let mut u = vec![0.0; 2 * k];
        for t in 0..n {
            src.fill(t as u64, &mut u);
            let r = t * k;
            a[r..r + k].copy_from_slice(&u[..k]);
            b[r..r + k].copy_from_slice(&u[k..]);
        }
        SaltelliDesign { k, n, a, b }
    }

    /// Row `r` of A.
    #[must_use]
    pub fn row_a(&self, r: usize) -> &[f64] {
        &self.a[r * self.k..(r + 1) * self.k]
    }

    /// Row `r` of B.
    #[must_use]
    pub fn row_b(&self, r: usize) -> &[f64] {
        &self.b[r * self.k..(r + 1) * self.k]
    }

    /// Every row the model must run, in the order A, B, A_B⁽⁰⁾, …, A_B⁽ᵏ⁻¹⁾
    /// (N·(k + 2) rows of k values, row-major); `map` turns a row of
    /// probabilities into model inputs (quantile functions).
    #[must_use]
    pub fn runs(&self, mut map: impl FnMut(&[f64], &mut Vec<f64>)) -> Vec<f64> {
        let (n, k) = (self.n, self.k);
        let mut x = Vec::with_capacity(n * (k + 2) * k);
        for r in 0..n {
            map(self.row_a(r), &mut x);
        }
        for r in 0..n {
            map(self.row_b(r), &mut x);
        }
        let mut row = vec![0.0; k];
        for i in 0..k {
            for r in 0..n {
                row.copy_from_slice(self.row_a(r));
                row[i] = self.b[r * k + i];
                map(&row, &mut x);
            }
        }
        x
    }
}
