//! A number or a distribution as a scenario file writes it: a plain number is a fixed value, an
//! inline table with a `dist` tag is a distribution.

use crate::sampling::DistParams;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A number or a distribution, as written in a scenario file.
#[derive(Clone, Debug, PartialEq)]
pub enum DistSpec {
    /// A plain number: a fixed value.
    Fixed(f64),
    /// An inline table with a `dist` tag.
    Table(DistParams),
}

impl DistSpec {
    /// A fixed value.
    #[must_use]
    pub fn fixed(v: f64) -> Self {
        DistSpec::Fixed(v)
    }
    /// PERT(min, mode, max).
    #[must_use]
    pub fn pert(min: f64, mode: f64, max: f64) -> Self {
        DistSpec::Table(DistParams::Pert { min, mode, max, shape: None })
    }
    /// Triangular(min, mode, max).
    #[must_use]
    pub fn triangular(min: f64, mode: f64, max: f64) -> Self {
        DistSpec::Table(DistParams::Triangular { min, mode, max })
    }
    /// Uniform(min, max).
    #[must_use]
    pub fn uniform(min: f64, max: f64) -> Self {
        DistSpec::Table(DistParams::Uniform { min, max })
    }
    /// Lognormal from median and 95th percentile.
    #[must_use]
    pub fn lognormal_median_p95(median: f64, p95: f64) -> Self {
        DistSpec::Table(DistParams::Lognormal { median: Some(median), p90: None, p95: Some(p95), mean: None, cv: None })
    }
}

impl From<f64> for DistSpec {
    fn from(v: f64) -> Self {
        DistSpec::Fixed(v)
    }
}

impl<'de> Deserialize<'de> for DistSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DistSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a number or a distribution table such as { dist = \"pert\", min = 0.6, mode = 0.8, max = 0.95 }",
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DistSpec, E> {
                Ok(DistSpec::Fixed(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DistSpec, E> {
                Ok(DistSpec::Fixed(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DistSpec, E> {
                Ok(DistSpec::Fixed(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DistSpec, A::Error> {
                DistParams::deserialize(de::value::MapAccessDeserializer::new(map)).map(DistSpec::Table)
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for DistSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            DistSpec::Fixed(v) => s.serialize_f64(*v),
            DistSpec::Table(t) => t.serialize(s),
        }
    }
}

impl Default for DistSpec {
    fn default() -> Self {
        DistSpec::Fixed(0.0)
    }
}
