//! Statistics of run results: summaries with confidence intervals, convergence
//! control, sensitivity analysis and paired comparisons.

pub mod rank;
pub mod summary;

pub use rank::{pearson, ranks, spearman};
pub use summary::{PERCENTILES, Summary};
