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
