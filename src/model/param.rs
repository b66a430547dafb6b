//! Model parameters: every number of a scenario, fixed or uncertain, with the
//! rule it must obey.
//!
//! A scenario keeps its parameters in one table ([`Params`]); the domain types
//! refer to them by [`Param`] (an index). A parameter's name is its dotted path
//! in the scenario file (`methods.manual.cost_per_team_day`), which is also its
//! name in correlations, sensitivity reports and `--set` overrides. A
//! parameter with a non-degenerate distribution is an *uncertain input*: the
//! samplers draw it, keyed by its name.

use crate::error::Problem;
use crate::sampling::Dist;

/// A model parameter: an index into the scenario's parameter table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Param(pub(crate) u32);

impl Param {
    /// The parameter's value in a trial, given every parameter's value.
    #[inline(always)]
    #[must_use]
    pub fn get(self, values: &[f64]) -> f64 {
        values[self.0 as usize]
    }

    /// Position in the parameter table.
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The rule a parameter obeys over its whole range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// Any finite number.
    Any,
    /// >= 0.
    NonNegative,
    /// In [0, 1].
    Fraction,
    /// Fixed: > 0. Uncertain: >= 0 over its range (an exact 0 draw is a failed trial).
    Positive,
    /// In (0, 366].
    WorkingDays,
    /// > −1 (a yearly change above −100 %).
    Growth,
    /// A calendar year in [1900, 2200].
    Year,
}

impl Rule {
    /// The problem, if `dist` breaks the rule somewhere in its range; `path` names the field.
    #[must_use]
    pub fn check(self, path: &str, dist: &Dist) -> Option<Problem> {
        if let Some(v) = dist.fixed_value() {
            let broken = match self {
                Rule::Any => None,
                Rule::NonNegative if !(v >= 0.0) => Some("must be >= 0"),
                Rule::Fraction if !(0.0..=1.0).contains(&v) => Some("a fraction must lie in [0, 1]"),
                Rule::Positive if !(v > 0.0) => Some("must be > 0"),
                Rule::WorkingDays if !(v > 0.0 && v <= 366.0) => Some("must lie in (0, 366]"),
                Rule::Growth if !(v > -1.0) => Some("must be > -1 (a yearly change above -100 %)"),
                Rule::Year if !(1900.0..=2200.0).contains(&v) => Some("a calendar year must lie in [1900, 2200]"),
                _ => None,
            };
            return broken.map(|rule| Problem::new(path, v, rule));
        }
        // A distribution: its whole range must obey the rule (a Positive quantity may touch 0).
        let (lo, hi) = dist.support();
        let lo_bad = match self {
            Rule::Any => false,
            Rule::NonNegative | Rule::Positive | Rule::Fraction | Rule::WorkingDays => !(lo >= 0.0),
            Rule::Growth => !(lo >= -1.0),
            Rule::Year => !(lo >= 1900.0),
        };
        let hi_bad = match self {
            Rule::Fraction => !(hi <= 1.0),
            Rule::WorkingDays => !(hi <= 366.0),
            Rule::Year => !(hi <= 2200.0),
            _ => false,
        };
        if !(lo_bad || hi_bad) {
            return None;
        }
        let what = match self {
            Rule::Any | Rule::NonNegative | Rule::Positive => "must be >= 0 over its whole range",
            Rule::Fraction => "a fraction must lie in [0, 1] over its whole range",
            Rule::WorkingDays => "must lie in [0, 366] over its whole range",
            Rule::Growth => "must be >= -1 over its whole range",
            Rule::Year => "a calendar year must lie in [1900, 2200] over its whole range",
        };
        let hint = if lo.is_infinite() || hi.is_infinite() {
            " (truncate it with `min` and `max`, or use a bounded distribution)"
        } else {
            ""
        };
        Some(Problem::text(path, format!("{dist} with range [{lo}, {hi}]"), format!("{what}{hint}")))
    }
}

/// One parameter: where it is, what it means, the rule it obeys and its distribution.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamDef {
    /// Dotted field path (`land_release.cancelled_fraction`): its name everywhere.
    pub name: String,
    /// What it is, for people (`Kharkiv / mines: suspected area (km²)`).
    pub label: String,
    /// The rule it obeys.
    pub rule: Rule,
    /// Its distribution (fixed for a known value).
    pub dist: Dist,
    /// False for a default the scenario did not state (written back only once edited).
    pub given: bool,
}

/// The parameter table of a scenario.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    defs: Vec<ParamDef>,
    /// Indices of the uncertain ones, in table order.
    inputs: Vec<u32>,
}

impl Params {
    /// Adds a parameter (the caller checks its rule) and returns its handle.
    pub fn push(&mut self, def: ParamDef) -> Param {
        let i = self.defs.len() as u32;
        if !def.dist.is_fixed() {
            self.inputs.push(i);
        }
        self.defs.push(def);
        Param(i)
    }

    /// Every parameter.
    #[must_use]
    pub fn all(&self) -> &[ParamDef] {
        &self.defs
    }

    /// One parameter.
    #[must_use]
    pub fn def(&self, p: Param) -> &ParamDef {
        &self.defs[p.index()]
    }

    /// The parameter named `name`.
    #[must_use]
    pub fn find(&self, name: &str) -> Option<Param> {
        self.defs.iter().position(|d| d.name == name).map(|i| Param(i as u32))
    }

    /// The mean of a parameter.
    #[must_use]
    pub fn mean(&self, p: Param) -> f64 {
        self.defs[p.index()].dist.mean()
    }

    /// The support of a parameter.
    #[must_use]
    pub fn support(&self, p: Param) -> (f64, f64) {
        self.defs[p.index()].dist.support()
    }

    /// The fixed value of a parameter, if it is known exactly.
    #[must_use]
    pub fn fixed(&self, p: Param) -> Option<f64> {
        self.defs[p.index()].dist.fixed_value()
    }

    /// The uncertain parameters (inputs), in table order.
    pub fn inputs(&self) -> impl ExactSizeIterator<Item = &ParamDef> {
        self.inputs.iter().map(|&i| &self.defs[i as usize])
    }

    /// The table positions of the uncertain parameters.
    #[must_use]
    pub fn input_indices(&self) -> &[u32] {
        &self.inputs
    }

    /// The position of parameter `name` among the inputs, if it is uncertain.
    #[must_use]
    pub fn input_position(&self, name: &str) -> Option<usize> {
        self.inputs.iter().position(|&i| self.defs[i as usize].name == name)
    }

    /// Replaces a parameter's distribution after checking its rule.
    ///
    /// # Errors
    /// The broken rule, named by the parameter's path.
    pub fn set(&mut self, p: Param, dist: Dist) -> Result<(), Problem> {
        let def = &mut self.defs[p.index()];
        if let Some(problem) = def.rule.check(&def.name, &dist) {
            return Err(problem);
        }
        def.dist = dist;
        def.given = true;
        self.inputs = (0..self.defs.len() as u32).filter(|&i| !self.defs[i as usize].dist.is_fixed()).collect();
        Ok(())
    }

    /// Every parameter's value at its mean (a trial's value vector at the centre).
    #[must_use]
    pub fn means(&self) -> Vec<f64> {
        self.defs.iter().map(|d| d.dist.mean()).collect()
    }
}
