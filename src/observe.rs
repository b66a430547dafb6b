//! Progress and cancel: one protocol for every long operation.
//!
//! A long operation (a run, a comparison, the budget and capacity solvers, a sensitivity analysis,
//! a simulated backtest, a report) reports to the [`Observer`] in its [`SimConfig`](crate::SimConfig)
//! and asks it, between batches of trials, whether to stop:
//!
//! - [`Observe::stage`] when a part of the work starts (a run of trials, one budget tried, a Sobol
//!   design), with its name and how many trials it has;
//! - [`Observe::progress`] after each batch, with the trials of the stage done so far;
//! - [`Observe::stop_requested`] before each batch: when it answers `true`, the batches not yet
//!   started are skipped and the operation returns [`Error::Cancelled`](crate::Error::Cancelled)
//!   within one batch per worker (a few milliseconds of work on the site engine, far less on the
//!   aggregate one). Nothing is written by an operation that was cancelled.
//!
//! Observing never changes a result: the same scenario, seed and trial count give the same bits
//! with or without an observer, stopped or not (a stopped operation gives no result at all).
//!
//! [`Monitor`] is a ready-made observer for the common case of a program that polls: it keeps the
//! latest stage and progress in atomics and a stop flag another thread can set (the Python
//! bindings set it on Ctrl-C; a GUI on its cancel button).
//!
//! ```
//! use std::sync::Arc;
//! use demine::observe::Monitor;
//! let monitor = Arc::new(Monitor::new());
//! let config = demine::SimConfig::default().with_trials(2_000).with_observer(monitor.clone());
//! let s = demine::io::load_scenario("ukraine-2024")?;
//! demine::simulate(&s, &config)?;
//! assert_eq!(monitor.snapshot().done, 2_000);
//! monitor.request_stop();
//! assert!(matches!(demine::simulate(&s, &config), Err(demine::Error::Cancelled)));
//! # Ok::<(), demine::Error>(())
//! ```

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// What a long operation tells whoever watches it, and how it is asked to stop. Every method has a
/// default that does nothing, so an implementation gives only what it needs.
///
/// The methods are called from worker threads, a few hundred times a second at most (once a
/// batch of trials, never once a trial): they should return quickly and must not block.
pub trait Observe: Send + Sync {
    /// A part of the work starts: its name (`"trials"`, `"budget 3.44e9 (4th tried)"`) and its size
    /// in trials.
    fn stage(&self, _name: &str, _total: u64) {}
    /// `done` of the current stage's `total` trials are finished.
    fn progress(&self, _done: u64, _total: u64) {}
    /// Whether the operation should stop; asked before each batch of trials.
    fn stop_requested(&self) -> bool {
        false
    }
}

/// The observer a [`SimConfig`](crate::SimConfig) carries: none by default. Cloning shares it;
/// two configs compare equal whatever their observers (observing does not change results).
#[derive(Clone, Default)]
pub struct Observer(Option<Arc<dyn Observe>>);

impl Observer {
    /// An observer that forwards to `o`.
    #[must_use]
    pub fn new(o: Arc<dyn Observe>) -> Self {
        Observer(Some(o))
    }

    /// Whether there is anyone to tell.
    #[must_use]
    pub fn is_some(&self) -> bool {
        self.0.is_some()
    }

    /// See [`Observe::stage`].
    pub fn stage(&self, name: &str, total: u64) {
        if let Some(o) = &self.0 {
            o.stage(name, total);
        }
    }

    /// See [`Observe::progress`].
    pub fn progress(&self, done: u64, total: u64) {
        if let Some(o) = &self.0 {
            o.progress(done, total);
        }
    }

    /// See [`Observe::stop_requested`]; false without an observer.
    #[must_use]
    pub fn stop_requested(&self) -> bool {
        self.0.as_ref().is_some_and(|o| o.stop_requested())
    }

    /// `Err(Cancelled)` when a stop was requested: the check between rounds of work.
    ///
    /// # Errors
    /// [`crate::Error::Cancelled`] when the observer asks to stop.
    pub fn check(&self) -> crate::error::Result<()> {
        if self.stop_requested() { Err(crate::error::Error::Cancelled) } else { Ok(()) }
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "Observer(Some(..))" } else { "Observer(None)" })
    }
}

impl PartialEq for Observer {
    /// Always equal: an observer watches a run and does not change what it computes.
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

/// The state a [`Monitor`] holds, as read at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The current stage's name (empty before the first).
    pub stage: String,
    /// Stages started so far.
    pub stages: u64,
    /// Trials of the current stage done.
    pub done: u64,
    /// Trials in the current stage.
    pub total: u64,
    /// Whether a stop was requested.
    pub stop_requested: bool,
}

/// An observer to poll: the latest stage and progress, and a stop flag any thread may set.
#[derive(Debug, Default)]
pub struct Monitor {
    stage: Mutex<String>,
    stages: AtomicU64,
    done: AtomicU64,
    total: AtomicU64,
    stop: AtomicBool,
}

impl Monitor {
    /// A monitor with nothing reported and no stop requested.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the observed operation to stop (it returns [`crate::Error::Cancelled`]).
    pub fn request_stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    /// The latest stage and progress.
    #[must_use]
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            stage: self.stage.lock().unwrap_or_else(PoisonError::into_inner).clone(),
            stages: self.stages.load(Ordering::Relaxed),
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
            stop_requested: self.stop.load(Ordering::SeqCst),
        }
    }
}

impl Observe for Monitor {
    fn stage(&self, name: &str, total: u64) {
        name.clone_into(&mut self.stage.lock().unwrap_or_else(PoisonError::into_inner));
        self.stages.fetch_add(1, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }
    fn progress(&self, done: u64, total: u64) {
        self.done.fetch_max(done, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }
    fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}
