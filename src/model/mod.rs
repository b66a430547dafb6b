//! The validated domain model: regions, hazard strata, land-release stages,
//! clearance methods, team capacity, casualties and land value.
//!
//! The model knows no file format: the `io` module reads files into it and
//! writes it back. It holds the scenario as the user stated it (parameters at
//! the level they were given, national defaults overridden per hazard kind,
//! region and stratum), every parameter in one table with the rule it obeys
//! ([`param`]), and the rules across fields ([`Scenario::check`]). The
//! land-release algebra every engine uses is in [`land_release`].
//!
//! For each stratum (or site) of suspected area A (IMAS 08.10, 08.20, 09.10):
//!
//! ```text
//! NTS cancels      A_c = A·(1 − conf)·c          c = cancelled_fraction (SHA part only)
//! TS surveys       A_t = A − A_c
//! to clear         A_x = A_t·(1 − r)             r = reduced_fraction
//! TS reduces       A_r = A_t − A_x
//! team-days_m      A_x·share_m / productivity_m
//! cost             NTS: A·(1 − conf)·cost_nts_km2   TS: A_t·cost_ts_m2
//!                  clearance: Σ team-days_m·cost_per_team_day_m;  overhead: o·(sum)
//! items found      density·(A_x,CHA + f·A_x,SHA)  f = contaminated_fraction
//! ```
//! The cost and time models share team-days, so a faster method is also cheaper
//! per m² and the schedule is consistent with the bill.

mod capacity;
mod check;
mod correlation;
pub mod forecast;
mod kinds;
pub mod land_release;
mod methods;
pub mod param;
mod region;
mod scenario;
mod sites;
pub mod update;

pub use capacity::{Capacity, CapacityGroup, Funding, LandValue, MAX_FUNDING_SCALE, PoolModel};
pub use correlation::{CorrelationMatrix, CorrelationModel, CorrelationPair};
pub use kinds::{HazardKind, LandUse, Method, PerMethod, PerPool, Pool, Priority, Survey};
pub use land_release::{LandRelease, ResolvedRelease, StageCost, StageRates, Stages, SurveyRates};
pub use methods::{Costs, MethodCost, MethodModel, Productivity, SurveyModel};
pub use param::{Param, ParamDef, Params, Rule};
pub use region::{Region, Stratum, StratumArea};
pub use scenario::Scenario;
pub use sites::{Inventory, InventoryMapping, SiteRecord, SiteSource, SitesModel};
