//! Statistics of run results: summaries with confidence intervals, convergence
//! control, sensitivity analysis and paired comparisons.

pub mod summary;

pub use summary::{PERCENTILES, Summary};
