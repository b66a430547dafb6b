//! # demine
//!
//! Monte Carlo estimates of how much land contaminated by landmines and
//! explosive remnants of war really needs clearing, how long land release takes
//! and what it costs, with honest uncertainty.
//!
//! ## Map of the crate
//! The modules depend on each other one way (`docs/ARCHITECTURE.md`):
//! `error ← sampling ← stats ← model ← {io, simulate} ← analysis ← report`.
//! - [`io::load_scenario`] reads a scenario (TOML/JSON file or bundled name) and
//!   validates it into a [`Scenario`]; [`io::file`] documents the file format and
//!   [`io::to_toml`] writes a scenario back.
//! - [`Scenario`] is the validated model, a value you can edit: every parameter
//!   has a dotted path ([`Scenario::set`], [`Scenario::scale`]).
//! - [`Dist`] is an uncertain input; [`sampling`] holds the samplers (Monte
//!   Carlo, Latin hypercube, Sobol) and the rank-correlation copula.
//! - [`simulate`] runs trials in parallel with bit-identical results on any
//!   number of threads and returns an [`Outcome`]: per-trial values of typed
//!   outputs ([`Output`]: name, unit, better direction), [`Summary`]
//!   statistics with confidence intervals, yearly fan charts and per-site
//!   release years. [`Run`] adds trials in rounds for analyses of your own.
//! - [`analysis`]: stop at a precision, sensitivity (tornado, Sobol), plans
//!   compared on common random numbers, the capacity a deadline needs.
//! - [`stats`]: summaries, ranks, regression, Sobol estimators on plain slices.
//! - [`report`]: tables, JSON and CSV.
//!
//! ## Quickstart
//! How much will clearing Ukraine cost, and how much land really needs
//! clearing? (`examples/quickstart.rs` is the same code.)
//! ```
//! use demine::{SimConfig, simulate};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let scenario = demine::io::load_scenario("ukraine")?;
//! let config = SimConfig::default().with_trials(1_000).with_seed(42);
//! let outcome = simulate(&scenario, &config)?;
//! let cost = outcome.summary("total_cost").ok_or("total_cost is always reported")?;
//! let cleared = outcome.summary("cleared_area_km2").ok_or("cleared_area_km2 is always reported")?;
//! println!("total cost:    P50 {:.1} bn USD, P80 {:.1} bn USD", cost.p50() / 1e9, cost.p80() / 1e9);
//! println!("area to clear: P50 {:.0} km², P80 {:.0} km²", cleared.p50(), cleared.p80());
//! # Ok(())
//! # }
//! ```
//!
//! ## Editing a scenario
//! Change a plan in code and run it, without touching TOML: twice the manual
//! teams, and NTS cancelling less.
//! ```
//! use demine::{Dist, ModelLevel, SimConfig};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let today = demine::io::load_scenario("ukraine")?;
//! let mut plan = today.with_name("ukraine-2x-manual");
//! plan.scale("capacity.teams.manual.initial", 2.0)?;
//! plan.scale("capacity.teams.manual.ceiling", 2.0)?;
//! plan.set("land_release.cancelled_fraction", Dist::pert(0.5, 0.7, 0.9)?)?;
//! let config = SimConfig::default().with_trials(500).with_model(ModelLevel::Aggregate);
//! let cmp = demine::analysis::compare(&[today, plan.clone()], &config)?;
//! let years = &cmp.output("duration_years").ok_or("scheduled")?.versus_baseline[0];
//! println!("duration: {:+.1} years (95 % CI {:.1} to {:.1})", years.mean, years.ci95[0], years.ci95[1]);
//! let toml = demine::io::to_toml(&plan)?;            // the edited plan as a scenario file
//! assert_eq!(demine::Scenario::from_toml_str(&toml)?, plan);
//! # Ok(())
//! # }
//! ```
//!
//! ## Reproducibility
//! The same scenario, seed and trial count give bit-identical results on any
//! number of threads: every random number is a pure function of (seed, trial,
//! input name or site id) — see [`sampling::stream`] — and totals are summed in
//! trial order. Across operating systems the platform's `libm` may differ in
//! the last bits of `exp`/`ln`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]
// `!(x > 0.0)` is deliberate: unlike `x <= 0.0` it also rejects NaN (as rand_distr's checks do).
#![allow(clippy::neg_cmp_op_on_partial_ord)]
#![doc(test(attr(deny(warnings))))]

pub mod analysis;
pub mod error;
pub mod io;
pub mod model;
pub mod observe;
pub mod report;
pub mod sampling;
pub mod simulate;
pub mod stats;

pub use error::{Error, Problem, Result};
pub use model::Scenario;
pub use sampling::{Dist, Sampler};
pub use simulate::{Engine, ModelLevel, Outcome, Output, Run, SimConfig, simulate, simulate_with_progress};
pub use stats::Summary;
