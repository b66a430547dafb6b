//! The validated domain model: regions, hazard strata, land-release stages,
//! clearance methods, team capacity, casualties and land value.
//!
//! For each stratum (or site) of suspected area A, following DOMAIN.md and
//! IMAS 08.10/08.20/09.10:
//!
//! ```text
//! NTS cancels      A_c = A·(1 − conf)·c          c = cancelled_fraction (SHA part only)
//! TS surveys       A_t = A − A_c
//! TS reduces       A_r = A_t·r                   r = reduced_fraction
//! to clear         A_x = A_t − A_r
//! team-days_m      A_x·share_m / productivity_m
//! cost             NTS: A·(1 − conf)·cost_nts_km2   TS: A_t·cost_ts_m2
//!                  clearance: Σ team-days_m·cost_per_team_day_m;  overhead: o·(sum)
//! items found      density·(A_x,CHA + f·A_x,SHA)  f = contaminated_fraction
//! ```
//! The cost and time models share team-days, so a faster method is also cheaper
//! per m² and the schedule is consistent with the bill.

mod kinds;
mod scenario;

pub use kinds::{HazardKind, LandUse, Method, Pool, Priority};
pub use scenario::{
    Capacity, CapacityGroup, Input, LandValue, MethodCost, MethodModel, Param, PoolModel, Productivity, Region,
    Scenario, SiteSource, SitesModel, Stratum, StratumArea, SurveyModel,
};
