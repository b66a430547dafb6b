//! Running a scenario: [`simulate`] for one run, [`Run`] to add trials in
//! rounds (or evaluate given input vectors) and finish into an [`Outcome`].
//!
//! ```
//! use demine::{SimConfig, ModelLevel, simulate::Run};
//! let s = demine::io::load_scenario("ukraine-2024")?;
//! let mut run = Run::new(&s, &SimConfig::default().with_model(ModelLevel::Aggregate))?;
//! while run.trials() < 4096 {
//!     run.add_trials(1024, None)?;                   // a round: trials 0..1024, 1024..2048, ...
//!     let cost = run.values("total_cost").expect("always reported");
//!     assert_eq!(cost.len() as u64, run.trials());
//! }
//! let outcome = run.finish();
//! assert_eq!(outcome.trials(), 4096);
//! # Ok::<(), demine::Error>(())
//! ```

mod builder;
pub(crate) mod columns;
pub(crate) mod compiled;
pub mod config;
pub(crate) mod engine;
mod memory;
mod merge;
mod outcome;
pub mod outputs;
mod reference;
pub mod series;
mod site_results;
mod site_rows;
pub(crate) mod trial;

use crate::error::{Error, Result};
use crate::model::Scenario;
use crate::sampling::{Quantile, QuantileFn, Sampler, UniformSource};
use builder::Builder;
use compiled::Compiled;
pub use config::{Engine, ModelLevel, SimConfig};
pub use engine::ProgressFn;
use engine::{GivenInputs, SampledInputs};
pub use outcome::{FailedTrial, Outcome};
pub use outputs::{Better, Output, OutputDef, Unit};
pub use series::{Series, YearValues};
pub use site_results::SiteResults;

/// The plan's teams per capacity group and pool, year by year for `years`
/// years (at most the horizon), at every parameter's mean, as the aggregate
/// engine runs it: funding and budget caps applied, and no teams for a pool
/// whose work is done. What a plan buys, for people to read.
///
/// # Errors
/// [`crate::Error`] if the scenario cannot be compiled for the aggregate engine.
pub fn plan_at_means(scenario: &Scenario, years: usize) -> Result<Vec<Vec<crate::model::PerPool<f64>>>> {
    trial::plan_at_means(scenario, years)
}

/// The thread pool of `n` workers, built once per process and thread count and kept: a solver
/// that runs many simulations with `--threads 1000` starts its threads once, not once a step.
/// Keyed by process id too, so a forked child builds its own (its parent's threads are not there).
fn pool_of(n: usize) -> Result<std::sync::Arc<rayon::ThreadPool>> {
    use std::sync::{Arc, Mutex, PoisonError};
    static POOLS: Mutex<Vec<(u32, usize, Arc<rayon::ThreadPool>)>> = Mutex::new(Vec::new());
    let pid = std::process::id();
    let mut pools = POOLS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, _, p)) = pools.iter().find(|(id, k, _)| *id == pid && *k == n) {
        return Ok(Arc::clone(p));
    }
    let pool = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| Error::Output(format!("cannot start {n} threads: {e}")))?,
    );
    pools.retain(|(id, ..)| *id == pid);
    pools.push((pid, n, Arc::clone(&pool)));
    Ok(pool)
}

/// Runs `f` on `pool`, or on rayon's global pool.
fn install<T: Send>(pool: Option<&rayon::ThreadPool>, f: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(p) => p.install(f),
        None => f(),
    }
}

/// Grows the columns by `n` trials and runs them in place, in rounds of
/// at most 1024 batches (so the batches' slices take little memory).
fn write_trials<P: engine::InputProvider>(
    c: &Compiled<'_>,
    b: &mut Builder,
    pool: Option<&rayon::ThreadPool>,
    provider: &P,
    n: u64,
    progress: Option<ProgressFn<'_>>,
    observer: &crate::observe::Observer,
) -> Result<()> {
    observer.check()?;
    let m = b.grow(c, n)?;
    let start = usize::try_from(b.trials()).unwrap_or(usize::MAX); // the first new row
    let per = usize::try_from(engine::batch_size(c)).unwrap_or(1);
    let round = per.saturating_mul(1024);
    let mut acc = engine::SiteAcc::default();
    let mut all_finite = true;
    let mut done = 0;
    while done < m {
        let len = round.min(m - done);
        let batches = b.batches(c.series_len, start + done, len, per);
        let report = engine::Progress { f: progress, observer, before: done as u64, total: n };
        let (round_acc, finite) = install(pool, || engine::run(c, provider, batches, &report));
        if observer.stop_requested() {
            // Some batches of the round were skipped: the round is not whole, so none of it is kept.
            b.rollback(c.series_len);
            return Err(Error::Cancelled);
        }
        acc.add(round_acc);
        all_finite &= finite;
        done += len;
    }
    b.commit(n, acc, all_finite);
    Ok(())
}

/// The most worker threads a run may ask for (each is an OS thread).
pub const MAX_THREADS: usize = 1024;

/// Runs `config.trials` trials of `scenario`.
///
/// The same scenario, seed and trial count give bit-identical results on any
/// number of threads (see [`crate::sampling::stream`] and the engine notes).
///
/// # Errors
/// [`Error::InvalidValue`] for zero trials or zero threads;
/// [`Error::TooManyTrials`] when the run's estimated memory ([`memory_estimate`])
/// would not fit in `config.memory_limit_bytes` (checked before anything big
/// is allocated, sites included); [`Error::OutOfMemory`] when the sites alone
/// do not fit, or an allocation fails.
///
/// # Example
/// ```
/// let scenario = demine::io::load_scenario("ukraine-2024")?;
/// let config = demine::SimConfig::default().with_trials(200).with_model(demine::ModelLevel::Aggregate);
/// let outcome = demine::simulate(&scenario, &config)?;
/// let cost = outcome.summary("total_cost").expect("always reported");
/// assert!(cost.p50() > 1e10);
/// # Ok::<(), demine::Error>(())
/// ```
pub fn simulate(scenario: &Scenario, config: &SimConfig) -> Result<Outcome> {
    simulate_with_progress(scenario, config, None)
}

/// [`simulate`], calling `progress(done, total)` after each batch of trials.
///
/// # Errors
/// As [`simulate`].
pub fn simulate_with_progress(
    scenario: &Scenario,
    config: &SimConfig,
    progress: Option<ProgressFn<'_>>,
) -> Result<Outcome> {
    if config.trials == 0 {
        return Err(Error::invalid("trials", 0.0, "must be >= 1"));
    }
    // The trials are checked against the memory limit with the sites, before the sites are built.
    let mut run = Run::planned(scenario, config, config.trials)?;
    run.add_trials(config.trials, progress)?;
    Ok(run.finish())
}

/// The estimated peak memory, in bytes, of [`simulate`] with `config`
/// (`config.trials` trials): the program, the sites while they are built or
/// kept, every trial's outputs, inputs and yearly series, and what the
/// summaries copy. Nothing is built; this is the figure checked against
/// `config.memory_limit_bytes`. Setting `DEMINE_REPORT_PEAK_MEMORY=1` makes
/// `demine run` print it and the measured peak on stderr.
///
/// ```
/// let s = demine::io::load_scenario("ukraine-2024")?;
/// let config = demine::SimConfig::default().with_trials(100_000).with_model(demine::ModelLevel::Aggregate);
/// let bytes = demine::simulate::memory_estimate(&s, &config);
/// assert!(bytes > 100_000 * 8 && bytes < 1 << 30);
/// # Ok::<(), demine::Error>(())
/// ```
#[must_use]
pub fn memory_estimate(scenario: &Scenario, config: &SimConfig) -> u64 {
    let c = Compiled::prepare(scenario, config);
    u64::try_from(c.footprint.total(config.trials)).unwrap_or(u64::MAX)
}

/// The peak resident memory of this process so far, in bytes (`VmHWM` of
/// `/proc/self/status`); `None` where that file does not exist (not Linux).
#[must_use]
pub fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    kib.checked_mul(1024)
}

/// A run in progress: create it, add trials in rounds (each round one sample
/// design, for Latin hypercube), look at the values so far, finish into an
/// [`Outcome`]. Convergence control, sensitivity analysis, plan comparison and
/// the capacity solver are built on it ([`crate::analysis`]), and so can a
/// user's own analysis.
///
/// Trials are numbered from [`SimConfig::first_trial`] (0 by default) in the order they are added; trial `t`'s
/// random numbers depend only on (seed, `t`), so rounds of any size give the
/// same values as one run of the same total (for Monte Carlo and Sobol; a
/// Latin hypercube round is stratified on its own).
pub struct Run<'s> {
    c: Compiled<'s>,
    b: Builder,
    pool: Option<std::sync::Arc<rayon::ThreadPool>>,
    memory_limit: u64,
    observer: crate::observe::Observer,
}

impl<'s> Run<'s> {
    /// Prepares a run of `scenario` with `config`'s seed, sampler, model level,
    /// work order, threads and memory limit (`config.trials` is not used).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for zero threads or more than [`MAX_THREADS`];
    /// [`Error::OutOfMemory`] when the sites alone would exceed the memory
    /// limit (checked before they are built) or cannot be allocated;
    /// set-up errors (a synthetic inventory's parameters).
    pub fn new(scenario: &'s Scenario, config: &SimConfig) -> Result<Self> {
        Self::planned(scenario, config, 0)
    }

    /// [`Run::new`] for `trials` trials, checked against the memory limit before the sites are built.
    fn planned(scenario: &'s Scenario, config: &SimConfig, trials: u64) -> Result<Self> {
        let pool = match config.threads {
            None => None,
            Some(0) => return Err(Error::invalid("threads", 0.0, "must be >= 1")),
            Some(t) if t > MAX_THREADS => {
                return Err(Error::invalid("threads", t as f64, format!("must be at most {MAX_THREADS}")));
            }
            Some(n) => Some(pool_of(n)?),
        };
        let sampler = config.sampler.unwrap_or(scenario.sampler());
        if config.first_trial > 0 && sampler == Sampler::LatinHypercube {
            return Err(Error::InvalidValue(crate::Problem::text(
                "first_trial",
                config.first_trial.to_string(),
                "must be 0 with a Latin hypercube sampler (its design is stratified over the whole run, so a \
                 part of it is not a run of its own); split runs with sampler mc or sobol",
            )));
        }
        if config.first_trial.checked_add(trials).is_none() {
            return Err(Error::invalid(
                "first_trial",
                config.first_trial as f64,
                "first_trial + trials must fit in 64 bits",
            ));
        }
        // Set-up (the quantile tables are built in parallel) on the run's threads.
        let c = install(pool.as_deref(), || Compiled::new(scenario, config, trials))?;
        let b = Builder::new(&c, 0, config.first_trial);
        Ok(Run { c, b, pool, memory_limit: config.memory_limit_bytes, observer: config.observer.clone() })
    }

    /// Every output's definition, national ones first.
    #[must_use]
    pub fn outputs(&self) -> &[OutputDef] {
        &self.c.defs
    }

    /// The uncertain inputs' quantile functions, in the scenario's input order
    /// (map a probability to the input's value, as the samplers do).
    #[must_use]
    pub fn input_quantiles(&self) -> &[QuantileFn] {
        &self.c.quantiles
    }

    /// Trials added so far.
    #[must_use]
    pub fn trials(&self) -> u64 {
        self.b.trials()
    }

    /// The number of the next trial to be added ([`SimConfig::first_trial`] plus the trials so far).
    fn next_trial(&self) -> Result<u64> {
        self.b
            .first()
            .checked_add(self.trials())
            .ok_or_else(|| Error::invalid("trials", self.trials() as f64, "too many"))
    }

    /// Bytes per trial (outputs, inputs and yearly series kept, and what the summaries copy).
    #[must_use]
    pub fn bytes_per_trial(&self) -> u64 {
        self.c.bytes_per_trial()
    }

    /// The most trials the memory limit allows in all (with the sites).
    #[must_use]
    pub fn max_trials(&self) -> u64 {
        self.c.footprint.max_trials(self.memory_limit)
    }

    /// The estimated peak memory, in bytes, of this run with `trials` trials in all.
    #[must_use]
    pub fn estimated_bytes(&self, trials: u64) -> u128 {
        self.c.footprint.total(trials)
    }

    /// Errs unless `more` trials still fit in the memory limit (check before
    /// building a large design).
    ///
    /// # Errors
    /// [`Error::TooManyTrials`] with the estimate (sites included) and the limit.
    pub fn ensure_room(&self, more: u64) -> Result<()> {
        let total = self.trials().saturating_add(more);
        let needed = self.c.footprint.total(total);
        if needed > u128::from(self.memory_limit) {
            return Err(Error::TooManyTrials {
                requested: total,
                max: self.max_trials(),
                needed_bytes: needed,
                limit_bytes: u128::from(self.memory_limit),
            });
        }
        Ok(())
    }

    /// Adds the next `n` trials, sampled by the run's sampler as one design;
    /// `progress(done, n)` is called after each batch.
    ///
    /// # Errors
    /// [`Error::TooManyTrials`] when they would not fit in the memory limit (nothing is run);
    /// [`Error::OutOfMemory`] when their columns cannot be allocated (nothing is run);
    /// [`Error::Cancelled`] when the config's observer asked to stop (see [`crate::observe`]; the
    /// trials of the cancelled round are dropped, those of earlier calls kept).
    pub fn add_trials(&mut self, n: u64, progress: Option<ProgressFn<'_>>) -> Result<()> {
        self.ensure_room(n)?;
        let start = self.next_trial()?;
        start
            .checked_add(n)
            .ok_or_else(|| Error::invalid("trials", n as f64, "the last trial's number must fit in 64 bits"))?;
        let c = &self.c;
        let names: Vec<&str> = c.scenario.inputs().map(|i| i.name.as_str()).collect();
        let provider = SampledInputs {
            source: UniformSource::new(c.sampler, c.seed, &names, start, n),
            quantiles: &c.quantiles,
            correlation: c.correlation,
            seed: c.seed,
        };
        write_trials(c, &mut self.b, self.pool.as_deref(), &provider, n, progress, &self.observer)
    }

    /// Evaluates given input vectors (`rows`: one value per uncertain input,
    /// row after row); row `r`'s site-level random numbers are keyed by
    /// `site_keys[r]`, so rows that share a key share every site's draws (the
    /// Saltelli design's A, B and A_B rows of one base sample do).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when `rows` is not a whole number of rows of
    /// the input count or `site_keys` has another length, or a value lies outside its input's
    /// support (a negative productivity, a fraction above 1, a NaN: nothing is run);
    /// [`Error::TooManyTrials`] when they would not fit in memory; [`Error::Cancelled`] when the
    /// config's observer asked to stop (the rows of the cancelled round are dropped).
    pub fn add_input_rows(&mut self, rows: &[f64], site_keys: &[u64]) -> Result<()> {
        let k = self.c.quantiles.len().max(1);
        let defs: Vec<_> = self.c.scenario.inputs().collect();
        for (j, (x, def)) in rows.iter().zip(defs.iter().cycle()).enumerate() {
            let (lo, hi) = def.dist.support();
            // A design's quantiles may round a hair past a bounded support's ends.
            let slack = 1e-9 * (lo.abs().max(hi.abs()).min(f64::MAX) + 1.0);
            if !(*x >= lo - slack && *x <= hi + slack) {
                return Err(Error::InvalidValue(crate::Problem::text(
                    format!("rows[{}][{}] ({})", j / k, j % k, def.name),
                    x.to_string(),
                    format!("must lie in the input's support [{lo}, {hi}] ({})", def.dist),
                )));
            }
        }
        self.add_input_rows_unchecked(rows, site_keys)
    }

    /// [`Run::add_input_rows`] without the support check (tests feed values no input can take).
    pub(crate) fn add_input_rows_unchecked(&mut self, rows: &[f64], site_keys: &[u64]) -> Result<()> {
        let k = self.c.quantiles.len();
        let n = rows.len().checked_div(k).unwrap_or(site_keys.len());
        if !rows.len().is_multiple_of(k.max(1)) || site_keys.len() != n {
            return Err(Error::InvalidValue(crate::Problem::text(
                "rows",
                format!("{} values and {} keys", rows.len(), site_keys.len()),
                format!("must be whole rows of {k} inputs, one site key per row"),
            )));
        }
        self.ensure_room(n as u64)?;
        let provider = GivenInputs { rows, k, keys: site_keys, first: self.next_trial()? };
        write_trials(&self.c, &mut self.b, self.pool.as_deref(), &provider, n as u64, None, &self.observer)
    }

    /// Maps a row of probabilities (one per input) to the inputs' values.
    pub fn quantiles_into(&self, u: &[f64], out: &mut Vec<f64>) {
        out.extend(u.iter().zip(&self.c.quantiles).map(|(u, q)| q.quantile(*u)));
    }

    /// Values so far of the national output `name` (non-finite for failed trials).
    #[must_use]
    pub fn values(&self, name: &str) -> Option<&[f64]> {
        columns::national_output(&self.c.defs, name, "output").ok().map(|i| self.b.column(i))
    }

    /// Values so far of output column `i` (in [`Run::outputs`] order).
    #[must_use]
    pub fn column(&self, i: usize) -> &[f64] {
        self.b.column(i)
    }

    /// The index of national output `name`, or an error naming the known ones under `field`.
    ///
    /// # Errors
    /// [`Error::Unknown`].
    pub fn output_index(&self, name: &str, field: &str) -> Result<usize> {
        columns::national_output(&self.c.defs, name, field)
    }

    /// The outcome of every trial added (put together on the run's threads).
    #[must_use]
    pub fn finish(self) -> Outcome {
        let Run { c, b, pool, .. } = self;
        install(pool.as_deref(), || b.finish(&c))
    }
}
