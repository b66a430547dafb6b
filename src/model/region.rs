//! Regions and their hazard strata.

use super::kinds::HazardKind;
use super::land_release::{LandRelease, ResolvedRelease};
use super::param::Param;
use std::ops::Range;

/// A region (oblast, country) and its strata.
#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    /// Name, unique in the scenario.
    pub name: String,
    /// Land area, km².
    pub land_area_km2: Option<f64>,
    /// People exposed (for synthetic sites).
    pub population_exposed: Option<f64>,
    /// Share of suspected land that is farmland (for synthetic sites); `None`: 0.
    pub agricultural_share: Option<f64>,
    /// Land-release overrides for the region.
    pub land_release: LandRelease,
    /// Index of its capacity group (`None` when the scenario has no capacity).
    pub capacity_group: Option<usize>,
    /// True when the region has its own capacity table (its group is its own).
    pub own_capacity: bool,
    /// Its strata (indices into the scenario's strata).
    pub strata: Range<usize>,
}

impl Region {
    /// Share of the suspected land that is farmland (0 when not given).
    #[must_use]
    pub fn farmland_share(&self) -> f64 {
        self.agricultural_share.unwrap_or(0.0)
    }
}

/// Where a stratum's area comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StratumArea {
    /// A suspected area in km² (a weight when the national total is set).
    Area(Param),
    /// The area is the inventory's total for the stratum (no area given).
    Inventory(f64),
    /// New contamination while fighting goes on: `rate` km² a year from the
    /// start to the calendar year `until`, arriving evenly.
    Added {
        /// km² of new suspected area per year.
        rate_km2_per_year: Param,
        /// Calendar year the new contamination stops.
        until_year: Param,
    },
    /// A barrier minefield: length × width, with a known count of mines.
    Barrier {
        /// km of border.
        length_km: Param,
        /// Share of the border mined (`None`: all of it).
        share_mined: Option<Param>,
        /// Belt depth, m.
        width_m: Param,
        /// Mines per km.
        mines_per_km: Param,
        /// Purchase cost of one mine.
        mine_unit_cost: Param,
        /// Cost of emplacing one mine (`None`: 0).
        emplacement_cost: Option<Param>,
    },
}

/// One kind of contamination in one region.
#[derive(Clone, Debug, PartialEq)]
pub struct Stratum {
    /// Index of its region.
    pub region: usize,
    /// Kind of contamination.
    pub hazard: HazardKind,
    /// Field path (`regions[2].strata[0]`).
    pub path: String,
    /// Area model.
    pub area: StratumArea,
    /// Land-release overrides for the stratum.
    pub land_release: LandRelease,
    /// Synthetic sites in this stratum, when set explicitly.
    pub site_count: Option<u64>,
    /// Calendar year the stratum comes into the workload (`None`: from the start).
    pub arrives_year: Option<Param>,
    /// The parameters after the override chain (stratum, region, hazard, national).
    pub release: ResolvedRelease,
}

impl Stratum {
    /// True for a barrier minefield.
    #[must_use]
    pub fn is_barrier(&self) -> bool {
        matches!(self.area, StratumArea::Barrier { .. })
    }
}
