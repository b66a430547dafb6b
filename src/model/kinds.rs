//! The small closed vocabularies of mine action (IMAS 07.11, 08.10, 08.20, 09.10),
//! and arrays indexed by them.
//!
//! Each vocabulary is declared once with [`closed_enum!`], which derives its
//! list of variants (`ALL`), their count (`COUNT`, a compile-time constant that
//! sizes every per-variant array), their file names and their serde form. Adding
//! a clearance method is one line in [`Method`]: [`PerMethod`] and [`PerPool`]
//! arrays grow with it, scenario files accept its name in `[methods.NAME]`,
//! `method_shares` and `capacity.teams.NAME`, and the compiler points at every
//! `match` that must handle it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::{Index, IndexMut};

/// Declares a closed vocabulary: a fieldless enum with `ALL`, `COUNT`,
/// `name()`, `index()`, `from_name()`, `Display` and a serde form by name.
macro_rules! closed_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal | $label:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order (the order of per-variant arrays).
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];
            /// The number of variants.
            pub const COUNT: usize = Self::ALL.len();

            /// The name used in files and outputs.
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Position in [`Self::ALL`].
            #[must_use]
            pub const fn index(self) -> usize {
                self as usize
            }

            /// The name in people's words, for reports, charts and captions.
            #[must_use]
            pub const fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// The variant with this file name.
            #[must_use]
            pub fn from_name(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.name() == s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

closed_enum! {
    /// Kind of explosive-ordnance contamination in a hazard stratum.
    pub enum HazardKind {
        /// Anti-personnel and anti-tank mines.
        Mines = "mines" | "mines",
        /// Cluster munition remnants (CMR).
        ClusterMunitions = "cluster_munitions" | "cluster munition remnants",
        /// Unexploded and abandoned ordnance (battle area).
        Uxo = "uxo" | "unexploded ordnance",
    }
}

// closed_enum! derives for every vocabulary alike; only some have a default.
#[allow(clippy::derivable_impls)]
impl Default for HazardKind {
    fn default() -> Self {
        HazardKind::Mines
    }
}

impl HazardKind {
    /// Parses a name (case-insensitive, spaces and hyphens read as `_`), with the
    /// common words of IMSMA exports as aliases (`AP Mine`, `AT Mine`, `CMR`,
    /// `Submunition`, `UXO`, `ERW`, `AXO` ...; docs/SCENARIOS.md lists them).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "mines"
            | "mine"
            | "landmines"
            | "landmine"
            | "ap_mine"
            | "ap_mines"
            | "at_mine"
            | "at_mines"
            | "anti_personnel_mine"
            | "anti_personnel_mines"
            | "anti_tank_mine"
            | "anti_tank_mines"
            | "mixed_mines"
            | "minefield" => Some(HazardKind::Mines),
            "cluster_munitions"
            | "cmr"
            | "cluster"
            | "cluster_munition"
            | "cluster_munition_remnants"
            | "submunition"
            | "submunitions"
            | "cluster_strike" => Some(HazardKind::ClusterMunitions),
            "uxo"
            | "erw"
            | "battle_area"
            | "unexploded_ordnance"
            | "axo"
            | "abandoned_explosive_ordnance"
            | "explosive_remnants_of_war"
            | "battle_area_clearance"
            | "bac" => Some(HazardKind::Uxo),
            _ => None,
        }
    }
}

closed_enum! {
    /// A clearance method.
    pub enum Method {
        /// Deminers with detectors and prodders.
        Manual = "manual" | "manual clearance",
        /// Flails, tillers, armoured machines.
        Mechanical = "mechanical" | "mechanical clearance",
        /// Mine detection dogs (MDD).
        MineDetectionDogs = "mine_detection_dogs" | "mine detection dogs",
        /// Battle area clearance (BAC) for UXO-only land.
        BattleAreaClearance = "battle_area_clearance" | "battle area clearance",
    }
}

closed_enum! {
    /// A survey stage of land release.
    pub enum Survey {
        /// Non-technical survey: cancels land with no evidence of contamination.
        NonTechnical = "non_technical_survey" | "non-technical survey",
        /// Technical survey: reduces land proven clean, confirms the rest.
        Technical = "technical_survey" | "technical survey",
    }
}

/// A pool of teams in the schedule: a survey stage or a clearance method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pool {
    /// Survey teams of one stage.
    Survey(Survey),
    /// Clearance teams of one method.
    Clearance(Method),
}

impl Pool {
    /// The number of pools: every survey stage and every clearance method.
    pub const COUNT: usize = Survey::COUNT + Method::COUNT;

    /// Every pool: survey stages first, then clearance methods (the order of [`PerPool`]).
    pub const ALL: [Pool; Pool::COUNT] = {
        let mut all = [Pool::Survey(Survey::NonTechnical); Pool::COUNT];
        let mut i = 0;
        while i < Survey::COUNT {
            all[i] = Pool::Survey(Survey::ALL[i]);
            i += 1;
        }
        while i < Pool::COUNT {
            all[i] = Pool::Clearance(Method::ALL[i - Survey::COUNT]);
            i += 1;
        }
        all
    };

    /// Non-technical survey teams.
    pub const NTS: Pool = Pool::Survey(Survey::NonTechnical);
    /// Technical survey teams.
    pub const TS: Pool = Pool::Survey(Survey::Technical);

    /// The name used in files (`capacity.teams.<name>`) and outputs (`team_days_<name>`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Pool::Survey(s) => s.name(),
            Pool::Clearance(m) => m.name(),
        }
    }

    /// The pool in people's words (`mine detection dogs`, `technical survey`).
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Pool::Survey(s) => s.label(),
            Pool::Clearance(m) => m.label(),
        }
    }

    /// Position in [`Pool::ALL`].
    #[must_use]
    pub const fn index(self) -> usize {
        match self {
            Pool::Survey(s) => s.index(),
            Pool::Clearance(m) => Survey::COUNT + m.index(),
        }
    }

    /// The pool with this file name.
    #[must_use]
    pub fn from_name(s: &str) -> Option<Self> {
        Pool::ALL.iter().copied().find(|p| p.name() == s)
    }
}

impl fmt::Display for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Pool {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Pool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Pool::from_name(&s).ok_or_else(|| {
            let known: Vec<&str> = Pool::ALL.iter().map(|p| p.name()).collect();
            serde::de::Error::custom(format!("unknown team pool `{s}`, expected one of {}", known.join(", ")))
        })
    }
}

/// Declares an array indexed by a closed vocabulary.
macro_rules! per_variant {
    ($(#[$meta:meta])* $name:ident, $key:ty) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
        pub struct $name<T>(pub [T; <$key>::COUNT]);

        impl<T> $name<T> {
            /// A value for every key, from a function of the key.
            #[must_use]
            pub fn from_fn(mut f: impl FnMut($key) -> T) -> Self {
                $name(std::array::from_fn(|i| f(<$key>::ALL[i])))
            }

            /// (key, value) pairs in key order.
            pub fn iter(&self) -> impl Iterator<Item = ($key, &T)> {
                <$key>::ALL.into_iter().zip(self.0.iter())
            }

            /// (key, value) pairs in key order, mutably.
            pub fn iter_mut(&mut self) -> impl Iterator<Item = ($key, &mut T)> {
                <$key>::ALL.into_iter().zip(self.0.iter_mut())
            }

            /// The values in key order.
            pub fn values(&self) -> impl Iterator<Item = &T> {
                self.0.iter()
            }

            /// A new array of `f(value)`.
            #[must_use]
            pub fn map<U>(&self, mut f: impl FnMut(&T) -> U) -> $name<U> {
                $name(std::array::from_fn(|i| f(&self.0[i])))
            }
        }

        impl<T> Index<$key> for $name<T> {
            type Output = T;
            #[inline(always)]
            fn index(&self, k: $key) -> &T {
                &self.0[k.index()]
            }
        }

        impl<T> IndexMut<$key> for $name<T> {
            #[inline(always)]
            fn index_mut(&mut self, k: $key) -> &mut T {
                &mut self.0[k.index()]
            }
        }
    };
}

per_variant!(
    /// One value per clearance method, indexed by [`Method`].
    PerMethod,
    Method
);
per_variant!(
    /// One value per team pool, indexed by [`Pool`].
    PerPool,
    Pool
);

closed_enum! {
    /// The order in which sites are worked.
    pub enum Priority {
        /// Inventory order (or its `priority` column, lowest first).
        AsGiven = "as_given" | "in the order given",
        /// Highest exposed-population density first (casualty risk per km²).
        CasualtyRisk = "casualty_risk" | "highest casualty risk first",
        /// Highest farmland value per expected dollar of work first.
        ValuePerCost = "value_per_cost" | "most land value per cost first",
        /// Smallest sites first (quick wins).
        SmallestFirst = "smallest_first" | "smallest first",
    }
}

// closed_enum! derives for every vocabulary alike; only some have a default.
#[allow(clippy::derivable_impls)]
impl Default for Priority {
    fn default() -> Self {
        Priority::AsGiven
    }
}

impl Priority {
    /// Names accepted in files and on the command line.
    pub const NAMES: [&'static str; Priority::COUNT] = {
        let mut n = [""; Priority::COUNT];
        let mut i = 0;
        while i < Priority::COUNT {
            n[i] = Priority::ALL[i].name();
            i += 1;
        }
        n
    };

    /// Parses a name (case-insensitive; short aliases such as `risk` accepted).
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
}

impl std::str::FromStr for Priority {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, crate::Error> {
        Priority::parse(s).ok_or_else(|| crate::Error::Unknown {
            field: "priority".into(),
            name: s.into(),
            known: Priority::NAMES.iter().map(|n| n.to_string()).collect(),
        })
    }
}

closed_enum! {
    /// Land use of a hazardous area.
    pub enum LandUse {
        /// Farmland (arable, pasture): has an output value per hectare.
        Agriculture = "agriculture" | "agriculture",
        /// Forest.
        Forest = "forest" | "forest",
        /// Housing and settlements.
        Residential = "residential" | "residential",
        /// Roads, power, water, industry.
        Infrastructure = "infrastructure" | "infrastructure",
        /// Rivers, lakes, coastal water.
        Water = "water" | "water",
        /// Anything else.
        Other = "other" | "other",
    }
}

// closed_enum! derives for every vocabulary alike; only some have a default.
#[allow(clippy::derivable_impls)]
impl Default for LandUse {
    fn default() -> Self {
        LandUse::Other
    }
}

impl LandUse {
    /// Parses a name (case-insensitive, spaces and hyphens read as `_`), with the
    /// common words of IMSMA exports as aliases (`Agricultural`, `Grazing`,
    /// `Woodland`, `Housing`, `Road`, `Water body` ...; docs/SCENARIOS.md lists them).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "agriculture" | "agricultural" | "farmland" | "farm" | "agricultural_land" | "arable" | "arable_land"
            | "cropland" | "grazing" | "grazing_land" | "pasture" | "orchard" => Some(LandUse::Agriculture),
            "forest" | "forestry" | "woodland" | "forest_land" | "woods" => Some(LandUse::Forest),
            "residential" | "settlement" | "housing" | "village" | "urban" | "residential_area" => {
                Some(LandUse::Residential)
            }
            "infrastructure" | "road" | "roads" | "railway" | "industrial" | "power_line" | "utilities" => {
                Some(LandUse::Infrastructure)
            }
            "water" | "water_body" | "river" | "lake" | "waterway" | "canal" => Some(LandUse::Water),
            "other" | "" => Some(LandUse::Other),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_follow_surveys_then_methods() {
        assert_eq!(Pool::COUNT, 6);
        for (i, p) in Pool::ALL.iter().enumerate() {
            assert_eq!(p.index(), i);
            assert_eq!(Pool::from_name(p.name()), Some(*p));
        }
        assert_eq!(Pool::ALL[0], Pool::NTS);
        assert_eq!(Pool::ALL[2], Pool::Clearance(Method::Manual));
    }

    #[test]
    fn hazard_names_and_their_aliases_parse() {
        for (names, kind) in [
            (["mines", "Mine", " landmines "], HazardKind::Mines),
            (["cluster-munitions", "CMR", "cluster"], HazardKind::ClusterMunitions),
            (["uxo", "ERW", "battle-area"], HazardKind::Uxo),
        ] {
            for n in names {
                assert_eq!(HazardKind::parse(n), Some(kind), "{n}");
            }
        }
        assert_eq!(HazardKind::parse("ied"), None);
    }

    #[test]
    fn per_method_arrays_are_indexed_by_method() {
        let mut a = PerMethod::from_fn(|m| m.index() as f64);
        a[Method::Mechanical] += 10.0;
        assert_eq!(a[Method::Mechanical], 11.0);
        assert_eq!(a.iter().count(), Method::COUNT);
        assert_eq!(Priority::NAMES, ["as_given", "casualty_risk", "value_per_cost", "smallest_first"]);
    }
}
