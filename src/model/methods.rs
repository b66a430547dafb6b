//! Survey stages and clearance methods: productivity and unit costs.

use super::param::Param;

/// How a method's productivity is given.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Productivity {
    /// m² per team-day.
    PerTeamDay(Param),
    /// m² per member-day × members per team.
    PerMemberDay {
        /// m² per member-day.
        rate: Param,
        /// Members per team.
        team_size: Param,
    },
}

/// How a method's cost is given.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MethodCost {
    /// Per team-day worked.
    PerTeamDay(Param),
    /// Per m² cleared.
    PerM2(Param),
}

/// A clearance method's productivity, cost and detection probability.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MethodModel {
    /// Productivity.
    pub productivity: Productivity,
    /// Variable cost of the work (per team-day worked, or per m²).
    pub cost: MethodCost,
    /// Probability of finding an item in the land cleared (`None`: 1).
    pub detection_probability: Option<Param>,
}

impl MethodModel {
    /// m² one team clears per working day, given every parameter's value.
    ///
    /// # Formula
    /// given per team-day, or m² per member-day × team size
    #[inline]
    #[must_use]
    pub fn productivity(&self, v: &[f64]) -> f64 {
        match self.productivity {
            Productivity::PerTeamDay(p) => p.get(v),
            Productivity::PerMemberDay { rate, team_size } => rate.get(v) * team_size.get(v),
        }
    }

    /// Cost of one team-day of work, given the productivity.
    ///
    /// # Formula
    /// given per team-day, or cost per m² × productivity
    #[inline]
    #[must_use]
    pub fn cost_per_team_day(&self, v: &[f64], productivity: f64) -> f64 {
        match self.cost {
            MethodCost::PerTeamDay(p) => p.get(v),
            MethodCost::PerM2(p) => p.get(v) * productivity,
        }
    }
}

/// A survey stage's cost and (optional) productivity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SurveyModel {
    /// Cost per km² (NTS) or per m² (TS), as the file's field says.
    pub cost: Param,
    /// km² per team-day (needed when the stage's teams are scheduled).
    pub productivity_km2_per_team_day: Option<Param>,
}

impl SurveyModel {
    /// Team-days per m² (0 without a productivity: the stage is not scheduled).
    ///
    /// # Formula
    /// 1 / (km² per team-day × 10⁶)
    #[inline]
    #[must_use]
    pub fn team_days_per_m2(&self, v: &[f64]) -> f64 {
        self.productivity_km2_per_team_day.map_or(0.0, |p| 1.0 / (p.get(v) * 1e6))
    }
}

/// Cost items outside the stages, and prices over time.
#[derive(Clone, Debug, PartialEq)]
pub struct Costs {
    /// Operators' overhead (headquarters, logistics) as a fraction of the direct costs.
    pub overhead_fraction: Param,
    /// Optional benchmark cost per item found (gives `item_based_cost`).
    pub benchmark_cost_per_item: Option<Param>,
    /// National coordination, quality and information management per year while the programme runs.
    pub coordination_per_year: Option<Param>,
    /// Real price escalation per year.
    pub escalation_per_year: Option<Param>,
    /// General inflation per year (nominal amounts).
    pub inflation_per_year: Option<Param>,
    /// Real discount rate per year (present values).
    pub discount_rate: Option<Param>,
    /// A second reporting currency: its code and units per unit of the scenario's currency.
    pub second_currency: Option<(String, Param)>,
}
