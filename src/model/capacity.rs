//! Teams over time: pools of teams per capacity group, working days, budget caps.

use super::kinds::{PerPool, Priority};
use super::param::Param;

/// One team pool: `min(ceiling, initial·(1 + growth)^year)` teams.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PoolModel {
    /// Teams in year 0.
    pub initial: Param,
    /// Relative growth per year.
    pub growth_per_year: Param,
    /// Most teams; `None` means `initial`.
    pub ceiling: Option<Param>,
    /// Fixed cost of one team for one year while it exists, working or idle.
    pub cost_per_team_year: Option<Param>,
    /// Cost of raising one new team.
    pub mobilisation_cost_per_team: Option<Param>,
    /// Teams in service at the start (`None`: as many as the plan's first year);
    /// the first year's teams above it are raised.
    pub existing: Option<Param>,
    /// People in one team (for the release per deminer-day).
    pub staff_per_team: Option<Param>,
}

impl PoolModel {
    /// The ceiling, or the initial count when none is given.
    #[must_use]
    pub fn ceiling_or_initial(&self) -> Param {
        self.ceiling.unwrap_or(self.initial)
    }
}

/// A set of team pools working through its own sites (the nation, or a region with its own capacity).
#[derive(Clone, Debug, PartialEq)]
pub struct CapacityGroup {
    /// `national` or the region's name.
    pub name: String,
    /// Field path of its capacity table (`capacity`, `regions[2].capacity`).
    pub path: String,
    /// Working days per year.
    pub working_days_per_year: Param,
    /// Yearly budget cap.
    pub budget_per_year: Option<Param>,
    /// Pools; `None` = not given (unlimited for a survey stage).
    pub pools: PerPool<Option<PoolModel>>,
}

/// Capacity over time.
#[derive(Clone, Debug, PartialEq)]
pub struct Capacity {
    /// Groups: the national one first when a national capacity is given.
    pub groups: Vec<CapacityGroup>,
    /// Whether group 0 is the national `[capacity]` table.
    pub national: bool,
    /// Years simulated.
    pub horizon_years: u32,
    /// Work order.
    pub priority: Priority,
}

/// Value of farmland returned to use.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LandValue {
    /// Output value per hectare per year.
    pub agriculture_per_ha_year: Param,
    /// Yearly discount rate (`None`: 0).
    pub discount_rate: Option<f64>,
}

impl LandValue {
    /// The discount rate (0 when not given).
    #[must_use]
    pub fn discount(&self) -> f64 {
        self.discount_rate.unwrap_or(0.0)
    }
}

/// The most funding that drives capacity can scale the planned teams by: a billion times. Beyond
/// it more money changes nothing a plan can show (the work ends within the first days), and
/// larger scales would overflow the cost sums (`budget --per-year 1e300`).
pub const MAX_FUNDING_SCALE: f64 = 1e9;

/// Money available per year for the whole programme.
#[derive(Clone, Debug, PartialEq)]
pub struct Funding {
    /// Funding in the first year (price year's money).
    pub per_year: Option<Param>,
    /// Real growth of `per_year` per year.
    pub growth_per_year: Option<Param>,
    /// Pledges by calendar year; they replace `per_year` in those years.
    pub pledges: Vec<(i32, Param)>,
    /// Without `per_year`, funding after the last pledge continues at its level.
    pub continue_last_pledge: bool,
    /// True: every year's funding buys capacity (teams scaled up or down to
    /// spend it); false: funding only caps the planned teams.
    pub drives_capacity: bool,
}

impl Funding {
    /// Funding of year `y` (0 = the start year, calendar year `start + y`),
    /// given every parameter's value; `None` when nothing is stated for it
    /// (unlimited).
    #[must_use]
    pub fn in_year(&self, v: &[f64], start: i32, y: usize) -> Option<f64> {
        // Years are validated to [1900, 2200] and horizons to 1000 years; past i32, no pledge matches.
        let year = i32::try_from(y).ok().and_then(|y| start.checked_add(y)).unwrap_or(i32::MAX);
        if let Some((_, p)) = self.pledges.iter().find(|(py, _)| *py == year) {
            return Some(p.get(v));
        }
        if let Some(base) = self.per_year {
            let g = self.growth_per_year.map_or(0.0, |g| g.get(v));
            return Some(base.get(v) * (1.0 + g).powi(i32::try_from(y).unwrap_or(i32::MAX)));
        }
        let last = self.pledges.iter().filter(|(py, _)| *py < year).max_by_key(|(py, _)| *py);
        match last {
            Some((_, p)) if self.continue_last_pledge => Some(p.get(v)),
            Some(_) => Some(0.0),
            None => None,
        }
    }
}
