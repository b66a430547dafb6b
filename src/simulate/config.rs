//! Run settings: trials, seed, threads, sampler, model level, memory limit.

use crate::model::Priority;
use crate::sampling::Sampler;
use serde::{Deserialize, Serialize};

/// Which engine computes a trial.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelLevel {
    /// Strata as wholes: expected totals given the trial's inputs (fast; no per-site variability).
    Aggregate,
    /// Every site sampled (cancelled or not, reduced by how much, local productivity,
    /// contaminated or not) and scheduled in priority order.
    Sites,
}

impl ModelLevel {
    /// The name used on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            ModelLevel::Aggregate => "aggregate",
            ModelLevel::Sites => "sites",
        }
    }
}

impl std::str::FromStr for ModelLevel {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, crate::Error> {
        match s.to_ascii_lowercase().as_str() {
            "aggregate" | "strata" => Ok(ModelLevel::Aggregate),
            "sites" | "site" => Ok(ModelLevel::Sites),
            _ => Err(crate::Error::Unknown {
                field: "model".into(),
                name: s.into(),
                known: vec!["aggregate".into(), "sites".into()],
            }),
        }
    }
}

/// Which implementation of the model computes a trial.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// The default engine, with its fast paths.
    #[default]
    Fast,
    /// The reference engine: the model of docs/MODEL.md written plainly, a year at a time and a
    /// site or pool at a time. Slow; the fast engine must give its outputs.
    Reference,
}

impl Engine {
    /// The name used on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Engine::Fast => "default",
            Engine::Reference => "reference",
        }
    }
}

impl std::str::FromStr for Engine {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, crate::Error> {
        match s.to_ascii_lowercase().as_str() {
            "default" | "fast" => Ok(Engine::Fast),
            "reference" => Ok(Engine::Reference),
            _ => Err(crate::Error::Unknown {
                field: "engine".into(),
                name: s.into(),
                known: vec!["default".into(), "reference".into()],
            }),
        }
    }
}

/// Settings of a simulation run.
///
/// ```
/// use demine::{SimConfig, Sampler};
/// let c = SimConfig::default().with_trials(20_000).with_seed(7).with_sampler(Sampler::LatinHypercube);
/// assert_eq!(c.trials, 20_000);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SimConfig {
    /// Number of trials (10,000 by default).
    pub trials: u64,
    /// Master seed (42 by default). Same scenario + seed + trials ⇒ bit-identical results.
    pub seed: u64,
    /// Worker threads; `None` uses rayon's default (one per core). Results do not depend on it.
    pub threads: Option<usize>,
    /// Sampler; `None` uses the scenario's (plain Monte Carlo unless it says otherwise).
    pub sampler: Option<Sampler>,
    /// Model level; `None` means sites when the scenario has sites, aggregate otherwise.
    pub model: Option<ModelLevel>,
    /// Work order override; `None` uses the scenario's.
    pub priority: Option<Priority>,
    /// The most memory a run may take, sites and kept per-trial samples
    /// included, as [`crate::simulate::memory_estimate`] counts it (8 GiB by default).
    pub memory_limit_bytes: u64,
    /// The number of the first trial (0 by default): a run of `trials` trials
    /// from `first_trial` gives exactly trials `first_trial..first_trial + trials`
    /// of one longer run, so a large run can be split into parts (on other
    /// processes or machines) and joined with [`crate::Outcome::merge`].
    /// Monte Carlo and Sobol only: a Latin hypercube is stratified over the
    /// whole run, so a part of one is not a run of its own.
    #[serde(default)]
    pub first_trial: u64,
    /// Which implementation computes the trials (the default engine unless asked).
    #[serde(default)]
    pub engine: Engine,
    /// Who is told of progress and may ask the run to stop ([`crate::observe`]); none by default.
    /// It never changes results, and two configs compare equal whatever their observers.
    #[serde(skip)]
    pub observer: crate::observe::Observer,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            trials: 10_000,
            seed: 42,
            threads: None,
            sampler: None,
            model: None,
            priority: None,
            memory_limit_bytes: 8 << 30,
            first_trial: 0,
            engine: Engine::Fast,
            observer: crate::observe::Observer::default(),
        }
    }
}

impl SimConfig {
    /// Sets the number of trials.
    #[must_use]
    pub fn with_trials(mut self, trials: u64) -> Self {
        self.trials = trials;
        self
    }
    /// Sets the master seed.
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Sets the number of worker threads.
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads);
        self
    }
    /// Sets the sampler.
    #[must_use]
    pub fn with_sampler(mut self, sampler: Sampler) -> Self {
        self.sampler = Some(sampler);
        self
    }
    /// Sets the model level.
    #[must_use]
    pub fn with_model(mut self, model: ModelLevel) -> Self {
        self.model = Some(model);
        self
    }
    /// Sets the work order.
    #[must_use]
    pub fn with_priority(mut self, priority: Priority) -> Self {
        self.priority = Some(priority);
        self
    }
    /// Sets the number of the first trial (see [`SimConfig::first_trial`]).
    #[must_use]
    pub fn with_first_trial(mut self, first: u64) -> Self {
        self.first_trial = first;
        self
    }
    /// Sets the observer told of progress, which may ask the run to stop ([`crate::observe`]).
    #[must_use]
    pub fn with_observer(mut self, observer: std::sync::Arc<dyn crate::observe::Observe>) -> Self {
        self.observer = crate::observe::Observer::new(observer);
        self
    }
    /// Sets the engine (see [`Engine`]).
    #[must_use]
    pub fn with_engine(mut self, engine: Engine) -> Self {
        self.engine = engine;
        self
    }
    /// Sets the memory limit of a run (sites and kept samples).
    #[must_use]
    pub fn with_memory_limit_bytes(mut self, bytes: u64) -> Self {
        self.memory_limit_bytes = bytes;
        self
    }
}
