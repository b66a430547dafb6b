//! From a scenario file to the validated model: every field converted, every
//! rule checked, every problem collected (so one `demine validate` lists all).
//!
//! One file per section of the scenario file: [`land_release`], [`methods`],
//! [`capacity`], [`regions`], [`sites`], [`correlation`]. Parameters are
//! registered in file order, which is the order `demine inputs` lists them.

mod capacity;
mod correlation;
mod land_release;
mod methods;
mod regions;
mod sites;

use super::file::{DistSpec, ScenarioFile};
use crate::error::{Error, Problem, Result};
use crate::model::{Param, ParamDef, Params, Rule, Scenario};
use crate::sampling::{Dist, Sampler};
use std::path::Path;

/// The earliest calendar year a scenario may name (`start_year`, `price_year`).
pub const MIN_YEAR: i32 = 1900;
/// The latest calendar year a scenario may name; with horizons of at most
/// 1000 years, no year computed from it comes near `i32`'s range.
pub const MAX_YEAR: i32 = 2200;

/// The conversion's state: the parameter table being built and the problems found.
pub(crate) struct Conv {
    pub params: Params,
    pub problems: Vec<Problem>,
}

/// A problem's field under `path` (a bare field name inside a distribution table).
fn at_path(path: &str, spec: &DistSpec, p: Problem) -> Problem {
    if matches!(spec, DistSpec::Fixed(_)) { Problem { field: path.to_string(), ..p } } else { p.within(path) }
}

/// The distribution a file entry gives, its problems named under `path`.
pub(crate) fn dist_at(path: &str, spec: &DistSpec) -> std::result::Result<Dist, Vec<Problem>> {
    let r = match spec {
        DistSpec::Fixed(v) => Dist::fixed(*v),
        DistSpec::Table(t) => Dist::new(t.clone()),
    };
    r.map_err(|e| e.problems().into_iter().map(|p| at_path(path, spec, p)).collect())
}

/// The record of an update (`[update]`), its distributions checked.
fn update_record(conv: &mut Conv, u: &crate::io::file::UpdateFile) -> Option<crate::model::update::UpdateRecord> {
    let mut inputs = Vec::new();
    for (i, input) in u.inputs.iter().enumerate() {
        let at = format!("update.inputs[{i}]");
        match (dist_at(&format!("{at}.prior"), &input.prior), dist_at(&format!("{at}.posterior"), &input.posterior)) {
            (Ok(a), Ok(b)) => inputs.push((input.name.clone(), a, b)),
            (a, b) => {
                conv.problems.extend(a.err().unwrap_or_default());
                conv.problems.extend(b.err().unwrap_or_default());
            }
        }
    }
    if !(u.ess.is_finite() && u.ess >= 0.0) {
        conv.problems.push(Problem::new("update.ess", u.ess, "must be a finite number >= 0"));
    }
    Some(crate::model::update::UpdateRecord {
        observed: u.observed.clone(),
        fingerprint: u.fingerprint.clone(),
        method: u.method.clone(),
        draws: u.draws,
        ess: u.ess,
        observations: u.observations.clone(),
        inputs,
    })
}

impl Conv {
    fn new() -> Self {
        Conv { params: Params::default(), problems: Vec::new() }
    }

    /// Registers the parameter at `path` (checked against `rule`).
    pub(crate) fn param(&mut self, path: &str, label: &str, spec: &DistSpec, rule: Rule) -> Param {
        let dist = match dist_at(path, spec) {
            Ok(d) => d,
            Err(ps) => {
                self.problems.extend(ps);
                return self.placeholder(path, label, rule);
            }
        };
        if let Some(p) = rule.check(path, &dist) {
            self.problems.push(p);
            return self.placeholder(path, label, rule);
        }
        self.params.push(ParamDef { name: path.to_string(), label: label.to_string(), rule, dist, given: true })
    }

    /// Registers an optional parameter.
    pub(crate) fn opt(&mut self, path: &str, label: &str, spec: &Option<DistSpec>, rule: Rule) -> Option<Param> {
        spec.as_ref().map(|s| self.param(path, label, s, rule))
    }

    /// Registers a parameter the file leaves out, at its default value.
    pub(crate) fn default_param(&mut self, path: &str, label: &str, value: f64, rule: Rule) -> Param {
        let dist = Dist::fixed(value).unwrap_or_else(|_| zero());
        self.params.push(ParamDef { name: path.to_string(), label: label.to_string(), rule, dist, given: false })
    }

    /// A fixed NaN-free stand-in for a parameter that failed (the scenario is rejected anyway).
    fn placeholder(&mut self, path: &str, label: &str, rule: Rule) -> Param {
        self.params.push(ParamDef { name: path.to_string(), label: label.to_string(), rule, dist: zero(), given: true })
    }

    /// Checks a fixed fraction.
    pub(crate) fn fixed_fraction(&mut self, path: &str, v: f64) -> f64 {
        if !(0.0..=1.0).contains(&v) {
            self.problems.push(Problem::new(path, v, "a fraction must lie in [0, 1]"));
        }
        v
    }

    /// Checks an optional fixed number against a closed range.
    pub(crate) fn in_range(&mut self, path: &str, v: Option<f64>, lo: f64, hi: f64, rule: &str) {
        if let Some(v) = v
            && !(lo..=hi).contains(&v)
        {
            self.problems.push(Problem::new(path, v, rule));
        }
    }
}

/// The fixed value 0.
fn zero() -> Dist {
    // 0 is finite, so this cannot fail; fall back to the same value through another constructor.
    Dist::fixed(0.0).unwrap_or_else(|_| zero())
}

/// Validates a parsed file; `base_dir` resolves a relative inventory path.
///
/// # Errors
/// [`Error::InvalidScenario`] listing every broken rule; inventory errors
/// name the file, line and column; [`Error::NotPositiveDefinite`] for a
/// correlation matrix that is not positive definite (and not to be repaired).
pub fn scenario(f: ScenarioFile, base_dir: Option<&Path>, source_name: &str) -> Result<Scenario> {
    let mut conv = Conv::new();
    if f.name.trim().is_empty() {
        conv.problems.push(Problem::text("name", "\"\"", "must not be empty"));
    }
    if f.currency.trim().is_empty() {
        conv.problems.push(Problem::text("currency", "\"\"", "must not be empty"));
    }
    for (field, year) in [("start_year", f.start_year), ("price_year", f.price_year)] {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            conv.problems.push(Problem::new(field, f64::from(year), "a calendar year must lie in [1900, 2200]"));
        }
    }
    if let Some(a) = f.land_area_km2
        && !(a > 0.0 && a.is_finite())
    {
        conv.problems.push(Problem::new("land_area_km2", a, "must be > 0"));
    }
    if let Some(a) = f.released_before_start_km2
        && !(a >= 0.0 && a.is_finite())
    {
        conv.problems.push(Problem::new("released_before_start_km2", a, "must be >= 0"));
    }
    let sampler = f.sampler.as_ref().map(|s| {
        s.parse::<Sampler>().unwrap_or_else(|_| {
            conv.problems.push(Problem::text(
                "sampler",
                s.clone(),
                format!("must be one of {}", Sampler::NAMES.join(", ")),
            ));
            Sampler::default()
        })
    });
    let national_area =
        conv.opt("suspected_area_km2", "national suspected area (km²)", &f.suspected_area_km2, Rule::NonNegative);
    let (land_release, hazards) = land_release::national_and_hazards(&mut conv, &f);
    let (methods, nts, ts, costs) = methods::methods(&mut conv, &f);
    let national_capacity = f.capacity.as_ref().map(|c| capacity::national(&mut conv, c));
    let (regions, strata, capacity) = regions::regions(&mut conv, &f, national_area.is_some(), national_capacity);
    let casualty_rate = f.casualties.as_ref().map(|c| {
        conv.param(
            "casualties.rate_per_km2_year",
            "casualties per km² per year",
            &c.rate_per_km2_year,
            Rule::NonNegative,
        )
    });
    let land_value = capacity::land_value(&mut conv, f.land_value.as_ref());
    let funding = capacity::funding(&mut conv, f.funding.as_ref(), capacity.is_some(), f.start_year);
    let mut s = Scenario {
        name: f.name,
        description: f.description,
        currency: f.currency,
        price_year: f.price_year,
        start_year: f.start_year,
        land_area_km2: f.land_area_km2,
        released_before_start_km2: f.released_before_start_km2,
        sampler,
        params: Params::default(),
        national_area,
        land_release,
        hazards,
        methods,
        nts,
        ts,
        costs,
        capacity,
        casualty_rate,
        land_value,
        sites: None,
        regions,
        strata,
        correlation: None,
        funding,
        update: f.update.as_ref().and_then(|u| update_record(&mut conv, u)),
    };
    if let Err(ps) = s.resolve_strata() {
        conv.problems.extend(ps);
    }
    // The inventory is read against the regions and strata (it names them).
    s.sites = sites::sites(&mut conv, f.sites.as_ref(), base_dir, &mut s)?;
    let correlation = f.correlation.as_ref().map(|c| correlation::correlation(&mut conv, c));
    s.params = std::mem::take(&mut conv.params);
    let mut pending = None;
    match correlation.flatten().map(|c| c.build(&s.params)) {
        Some(Ok(c)) => s.correlation = Some(c),
        Some(Err(Error::InvalidScenario { problems, .. })) => conv.problems.extend(problems),
        Some(Err(e)) => pending = Some(e),
        None => {}
    }
    // Rules across fields; a field already reported is not reported again
    // (its stand-in value would only repeat the problem).
    for p in s.check() {
        if !conv.problems.iter().any(|q| q.field == p.field) {
            conv.problems.push(p);
        }
    }
    if !conv.problems.is_empty() {
        return Err(Error::InvalidScenario { source_name: source_name.to_string(), problems: conv.problems });
    }
    match pending {
        Some(e) => Err(e),
        None => Ok(s),
    }
}
