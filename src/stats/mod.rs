//! Statistics of run results: summaries with confidence intervals, convergence
//! control, sensitivity analysis and paired comparisons.

pub mod convergence;
pub mod rank;
pub mod sensitivity;
pub mod summary;

pub use convergence::{Converged, PrecisionTarget, simulate_to_precision};
pub use rank::{pearson, ranks, spearman};
pub use summary::{PERCENTILES, Summary};
