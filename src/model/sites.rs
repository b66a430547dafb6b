//! The site-level model: an inventory of hazardous areas, or synthetic sites.

use super::kinds::LandUse;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// How an inventory export (IMSMA or a national database) maps onto demine's
/// columns and values: `[sites.columns]`, `[sites.values.COLUMN]` and
/// `sites.area_unit` in a scenario, or the same keys at the top of the TOML
/// file `sites.mapping` names (docs/SCENARIOS.md "Inventories").
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct InventoryMapping {
    /// demine's column → the export's column name (`area_m2 = "Calculated Area"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub columns: BTreeMap<String, String>,
    /// For a column (`hazard`): the export's value → demine's (`"AP Mine" = "mines"`), matched
    /// whole, ignoring case and surrounding spaces.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// The unit of the area column: `m2` (the default), `ha` or `km2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_unit: Option<String>,
}

impl InventoryMapping {
    /// True when it maps nothing (demine's own columns and values).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty() && self.values.is_empty() && self.area_unit.is_none()
    }
}

/// One hazardous area of an inventory.
#[derive(Clone, Debug, PartialEq)]
pub struct SiteRecord {
    /// Identifier, unique in the inventory.
    pub id: String,
    /// Index of its region in the scenario.
    pub region: usize,
    /// Index of its stratum (region × hazard) in the scenario.
    pub stratum: usize,
    /// Confirmed hazardous area (CHA) rather than suspected (SHA).
    pub confirmed: bool,
    /// Area, m².
    pub area_m2: f64,
    /// Land use.
    pub land_use: LandUse,
    /// People living nearby.
    pub population: f64,
    /// Optional work order (lower first).
    pub priority: Option<f64>,
}

/// A validated inventory.
#[derive(Clone, Debug, PartialEq)]
pub struct Inventory {
    /// The path as the scenario gives it (relative to the scenario file).
    pub given_path: String,
    /// The file read.
    pub path: PathBuf,
    /// Its rows, in file order.
    pub sites: Vec<SiteRecord>,
    /// Total area per stratum, m².
    pub stratum_totals_m2: Vec<f64>,
    /// How the file's columns and values were mapped onto demine's (empty: none).
    pub mapping: InventoryMapping,
    /// The mapping file read (`sites.mapping`), when the mapping came from one: an input, like
    /// the inventory, that no output may overwrite.
    pub mapping_path: Option<PathBuf>,
}

impl Inventory {
    /// Total area of the inventory's sites in stratum `s`, m².
    #[must_use]
    pub fn stratum_area_m2(&self, s: usize) -> f64 {
        self.stratum_totals_m2.get(s).copied().unwrap_or(0.0)
    }
}

/// Where sites come from.
#[derive(Clone, Debug, PartialEq)]
pub enum SiteSource {
    /// A CSV inventory.
    Inventory(Inventory),
    /// Generated from the strata.
    Synthetic {
        /// Total sites.
        count: u64,
        /// CV of site sizes (`None`: 1.5).
        size_cv: Option<f64>,
        /// Fixed seed, or the run's seed.
        seed: Option<u64>,
        /// CV of population density between sites (`None`: 1.0).
        population_cv: Option<f64>,
    },
}

/// The site-level model's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct SitesModel {
    /// Inventory or synthetic.
    pub source: SiteSource,
    /// Spread of each site's reduced fraction around the trial's value (`None`: 0.5).
    pub reduction_spread: Option<f64>,
    /// CV of each site's clearance team-days (`None`: 0.3).
    pub team_day_cv: Option<f64>,
}

impl SitesModel {
    /// Spread of each site's reduced fraction (0.5 by default).
    #[must_use]
    pub fn reduction_spread(&self) -> f64 {
        self.reduction_spread.unwrap_or(0.5)
    }

    /// CV of each site's clearance team-days (0.3 by default).
    #[must_use]
    pub fn team_day_cv(&self) -> f64 {
        self.team_day_cv.unwrap_or(0.3)
    }
}

impl SiteSource {
    /// CV of synthetic site sizes (1.5 by default).
    #[must_use]
    pub fn size_cv(&self) -> f64 {
        match self {
            SiteSource::Synthetic { size_cv, .. } => size_cv.unwrap_or(1.5),
            SiteSource::Inventory(_) => 0.0,
        }
    }

    /// CV of synthetic population density (1.0 by default).
    #[must_use]
    pub fn population_cv(&self) -> f64 {
        match self {
            SiteSource::Synthetic { population_cv, .. } => population_cv.unwrap_or(1.0),
            SiteSource::Inventory(_) => 0.0,
        }
    }
}
