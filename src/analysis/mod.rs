//! Analyses built on the public run API ([`crate::simulate::Run`]): stop when
//! precise enough, which inputs drive the answer, which plan is better, how
//! much capacity or money a deadline needs. Each is a client of the engine like any
//! user's own analysis could be.

pub mod backtest;
pub mod budget;
pub mod capacity;
pub mod compare;
pub mod completion;
pub mod convergence;
pub mod fit;
pub mod scoring;
pub mod sensitivity;
mod solve;
pub mod update;

pub use backtest::{Backtest, BacktestRow, backtest};
pub use budget::{BudgetAnswer, ReleaseAnswer, release_with_budget, required_budget};
pub use capacity::{CapacityAnswer, required_clearance_capacity};
pub use compare::{Comparison, OutputComparison, Versus, compare, compare_outcomes};
pub use convergence::{Converged, PrecisionReached, PrecisionTarget, simulate_to_precision};
pub use fit::{fit_forecast, observations};
pub use scoring::{ForecastBacktest, Scores, cross_validate, score_forecast};
pub use sensitivity::{Tornado, TornadoBar, scenario_sobol_indices, tornado};
