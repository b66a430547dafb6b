//! What a scenario was updated with (`demine update`): the field results, the method, the
//! effective sample size, and each updated input's prior beside the posterior it now holds.

use crate::sampling::Dist;

/// The record a posterior scenario keeps of its update.
#[derive(Clone, Debug, PartialEq)]
pub struct UpdateRecord {
    /// The field results file, and the FNV-1a fingerprint of its bytes.
    pub observed: String,
    /// See `observed`.
    pub fingerprint: String,
    /// How: importance weighting, or resample-move when it degenerated.
    pub method: String,
    /// Prior draws and the effective sample size of their weights.
    pub draws: usize,
    /// See `draws`.
    pub ess: f64,
    /// The observations used, for people.
    pub observations: Vec<String>,
    /// Each updated input: (path, prior, posterior).
    pub inputs: Vec<(String, Dist, Dist)>,
}
