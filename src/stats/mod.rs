//! Statistics of samples: slices in, numbers out. Summaries with confidence
//! intervals, ranks and rank correlation, standardised regression, Sobol-index
//! estimators and paired differences. Nothing here knows the engine;
//! the `analysis` module applies these to runs.

pub mod interval;
pub mod mixed;
pub mod paired;
pub mod rank;
pub mod regression;
pub mod scores;
pub mod sobol;
pub mod summary;

pub use interval::{order_statistic_ranks, student_t_quantile};
pub use paired::{PairedDifference, RatioEstimate};
pub use rank::{pearson, ranks, spearman};
pub use regression::standardized_regression;
pub use sobol::{SobolIndices, jansen, sobol_indices};
pub use summary::{PERCENTILES, Summary, relative_half_width};
