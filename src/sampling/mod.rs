//! Uncertain inputs and how they are sampled.
//!
//! - [`Dist`]: validated marginal distributions with mean, CDF and quantile.
//! - [`QuantileFn`]: the same quantile, prepared for the hot loop (tables for beta/PERT).
//! - [`UniformSource`] and [`Sampler`]: reproducible uniforms per (seed, trial, input name),
//!   by plain Monte Carlo, Latin hypercube or scrambled Sobol.
//! - [`Correlation`]: rank correlations through a Gaussian copula, validated and repairable.
//! - [`SaltelliDesign`]: the sample design of variance-based sensitivity analysis.

pub mod copula;
pub mod dist;
pub mod quantile;
pub mod saltelli;
pub mod stream;

pub use copula::{Correlation, RepairedEntry};
pub use dist::{Dist, DistParams};
pub use quantile::{Quantile, QuantileFn};
pub use saltelli::SaltelliDesign;
pub use stream::{Sampler, UniformSource};
