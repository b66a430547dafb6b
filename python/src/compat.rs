//! The library calls this package needs from demine's newest API, in one place.

use demine::{Outcome, Scenario, SimConfig};

/// `config` covering trials `first..first + config.trials`.
pub(crate) fn with_first_trial(config: SimConfig, first: u64) -> demine::Result<SimConfig> {
    if first == 0 { Ok(config) } else { Err(demine::Error::Output("trial ranges need a newer demine".into())) }
}

/// The first trial an outcome covers.
pub(crate) fn first_trial(_o: &Outcome) -> u64 {
    0
}

/// Sets any field by its dotted path to a value in the scenario file's TOML syntax.
pub(crate) fn set_value(_s: &mut Scenario, path: &str, _value: &str) -> demine::Result<()> {
    Err(demine::Error::Output(format!("{path}: set needs a newer demine")))
}

/// Merges outcomes of consecutive trial ranges.
pub(crate) fn merge(_parts: Vec<Outcome>) -> demine::Result<Outcome> {
    Err(demine::Error::Output("merge needs a newer demine".into()))
}

/// The outcome as bytes (postcard).
pub(crate) fn to_bytes(_o: &Outcome) -> demine::Result<Vec<u8>> {
    Err(demine::Error::Output("pickling needs a newer demine".into()))
}

/// The outcome from [`to_bytes`]'s bytes.
pub(crate) fn from_bytes(_b: &[u8]) -> demine::Result<Outcome> {
    Err(demine::Error::Output("pickling needs a newer demine".into()))
}

/// What a sensitivity analysis gives (as `demine::analysis::sensitivity::Sensitivity`).
pub(crate) struct Sensitivity {
    /// The main run.
    pub(crate) outcome: Outcome,
    /// Tornado data per output.
    pub(crate) tornados: Vec<demine::analysis::Tornado>,
    /// Sobol indices per output.
    pub(crate) sobol: Vec<demine::stats::SobolIndices>,
    /// Why there is nothing to analyse, if so.
    pub(crate) note: Option<String>,
}

/// Tornado data and Sobol indices, composed as the CLI's `sensitivity` does.
pub(crate) fn sensitivity(
    s: &Scenario,
    config: &SimConfig,
    outputs: &[String],
    sobol_n: u64,
) -> demine::Result<Sensitivity> {
    use demine::analysis;
    let uncertain = s.inputs().len() > 0;
    let replicates = analysis::sensitivity::replicates_for(sobol_n);
    if uncertain && sobol_n > 0 {
        analysis::sensitivity::check_sobol_design(s, config, sobol_n, replicates)?;
    }
    let o = demine::simulate(s, config)?;
    let outputs = if outputs.is_empty() { analysis::sensitivity::default_outputs(&o) } else { outputs.to_vec() };
    let refs: Vec<&str> = outputs.iter().map(String::as_str).collect();
    if !uncertain {
        return Ok(Sensitivity {
            outcome: o,
            tornados: Vec::new(),
            sobol: Vec::new(),
            note: Some("no uncertain input".into()),
        });
    }
    let tornados = outputs.iter().map(|n| analysis::tornado(&o, n)).collect::<demine::Result<Vec<_>>>()?;
    let sobol =
        if sobol_n > 0 { analysis::scenario_sobol_indices(s, config, &refs, sobol_n, replicates)? } else { Vec::new() };
    Ok(Sensitivity { outcome: o, tornados, sobol, note: None })
}
