//! The small closed vocabularies of mine action (IMAS 07.11, 08.10, 08.20, 09.10).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Kind of explosive-ordnance contamination in a hazard stratum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HazardKind {
    /// Anti-personnel and anti-tank mines.
    #[default]
    Mines,
    /// Cluster munition remnants (CMR).
    ClusterMunitions,
    /// Unexploded and abandoned ordnance (battle area).
    Uxo,
}

impl HazardKind {
    /// All kinds, in a fixed order.
    pub const ALL: [HazardKind; 3] = [HazardKind::Mines, HazardKind::ClusterMunitions, HazardKind::Uxo];

    /// The name used in files.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            HazardKind::Mines => "mines",
            HazardKind::ClusterMunitions => "cluster_munitions",
            HazardKind::Uxo => "uxo",
        }
    }

    /// Parses a file name (case-insensitive; `cmr` and `erw` are accepted aliases).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "mines" | "mine" | "landmines" => Some(HazardKind::Mines),
            "cluster_munitions" | "cmr" | "cluster" => Some(HazardKind::ClusterMunitions),
            "uxo" | "erw" | "battle_area" => Some(HazardKind::Uxo),
            _ => None,
        }
    }
}

impl fmt::Display for HazardKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A clearance method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Deminers with detectors and prodders.
    Manual,
    /// Flails, tillers, armoured machines.
    Mechanical,
    /// Mine detection dogs (MDD).
    MineDetectionDogs,
    /// Battle area clearance (BAC) for UXO-only land.
    BattleAreaClearance,
}

impl Method {
    /// All methods, in the order of every `[_; 4]` array in the crate.
    pub const ALL: [Method; 4] =
        [Method::Manual, Method::Mechanical, Method::MineDetectionDogs, Method::BattleAreaClearance];

    /// The name used in files and outputs.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Method::Manual => "manual",
            Method::Mechanical => "mechanical",
            Method::MineDetectionDogs => "mine_detection_dogs",
            Method::BattleAreaClearance => "battle_area_clearance",
        }
    }

    /// Index into `[_; 4]` arrays.
    #[must_use]
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A pool of teams in the schedule: the two survey stages and the four clearance methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pool {
    /// Non-technical survey teams.
    NonTechnicalSurvey,
    /// Technical survey teams.
    TechnicalSurvey,
    /// Clearance teams of one method.
    Clearance(Method),
}

impl Pool {
    /// All pools, in the order of every `[_; 6]` array in the crate.
    pub const ALL: [Pool; 6] = [
        Pool::NonTechnicalSurvey,
        Pool::TechnicalSurvey,
        Pool::Clearance(Method::Manual),
        Pool::Clearance(Method::Mechanical),
        Pool::Clearance(Method::MineDetectionDogs),
        Pool::Clearance(Method::BattleAreaClearance),
    ];

    /// The name used in files (`capacity.teams.<name>`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Pool::NonTechnicalSurvey => "non_technical_survey",
            Pool::TechnicalSurvey => "technical_survey",
            Pool::Clearance(m) => m.name(),
        }
    }

    /// Index into `[_; 6]` arrays.
    #[must_use]
    pub fn index(self) -> usize {
        match self {
            Pool::NonTechnicalSurvey => 0,
            Pool::TechnicalSurvey => 1,
            Pool::Clearance(m) => 2 + m.index(),
        }
    }
}

/// The order in which sites are worked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Inventory order (or its `priority` column, lowest first).
    #[default]
    AsGiven,
    /// Highest exposed-population density first (casualty risk per km²).
    CasualtyRisk,
    /// Highest farmland value per expected dollar of work first.
    ValuePerCost,
    /// Smallest sites first (quick wins).
    SmallestFirst,
}

impl Priority {
    /// Names accepted in files and on the command line.
    pub const NAMES: [&'static str; 4] = ["as_given", "casualty_risk", "value_per_cost", "smallest_first"];

    /// Parses a name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "as_given" | "given" | "inventory" => Some(Priority::AsGiven),
            "casualty_risk" | "risk" => Some(Priority::CasualtyRisk),
            "value_per_cost" | "value" => Some(Priority::ValuePerCost),
            "smallest_first" | "smallest" => Some(Priority::SmallestFirst),
            _ => None,
        }
    }

    /// The canonical name.
    #[must_use]
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// Land use of a hazardous area.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LandUse {
    /// Farmland (arable, pasture): has an output value per hectare.
    Agriculture,
    /// Forest.
    Forest,
    /// Housing and settlements.
    Residential,
    /// Roads, power, water, industry.
    Infrastructure,
    /// Rivers, lakes, coastal water.
    Water,
    /// Anything else.
    #[default]
    Other,
}

impl LandUse {
    /// Names accepted in inventories.
    pub const NAMES: [&'static str; 6] = ["agriculture", "forest", "residential", "infrastructure", "water", "other"];

    /// Parses a name (case-insensitive; `farmland`, `agricultural` accepted).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "agriculture" | "agricultural" | "farmland" | "farm" => Some(LandUse::Agriculture),
            "forest" => Some(LandUse::Forest),
            "residential" | "settlement" => Some(LandUse::Residential),
            "infrastructure" => Some(LandUse::Infrastructure),
            "water" => Some(LandUse::Water),
            "other" | "" => Some(LandUse::Other),
            _ => None,
        }
    }
}
