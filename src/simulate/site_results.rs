//! Per-site results of a scheduled site-level run, kept compact: synthetic
//! ids as one prefix per run of sites (`region/hazard/`) and numbered on
//! demand, regions as indices into the region names.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Site ids: an inventory's as given, or synthetic ones made on demand.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum SiteIds {
    /// An inventory's ids, in file order.
    Given(Vec<String>),
    /// Synthetic ids: `(prefix, first)` for each run of sites sharing a
    /// prefix, starting at site `first` (ascending, the first at 0); site `k`
    /// of the run starting at `first` is `prefix` followed by `k - first + 1`.
    Synthetic { runs: Vec<(String, u64)>, len: u64 },
}

impl SiteIds {
    /// Number of sites.
    fn len(&self) -> usize {
        match self {
            SiteIds::Given(ids) => ids.len(),
            SiteIds::Synthetic { len, .. } => usize::try_from(*len).unwrap_or(usize::MAX),
        }
    }

    /// Whether the runs are well formed (ascending, the first at 0, within `len`).
    fn valid(&self) -> bool {
        match self {
            SiteIds::Given(_) => true,
            SiteIds::Synthetic { runs, len } => {
                runs.first().is_some_and(|r| r.1 == 0) == (*len > 0)
                    && runs.windows(2).all(|w| w[0].1 < w[1].1)
                    && runs.last().is_none_or(|r| r.1 < *len)
            }
        }
    }
}

/// Per-site results aggregated over trials (file order).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SiteWire", into = "SiteWire")]
pub struct SiteResults {
    ids: SiteIds,
    region_names: Vec<String>,
    region_of: Vec<u32>,
    mean_release_year: Vec<f64>,
    released_share: Vec<f64>,
}

/// The serde form of [`SiteResults`], checked when read.
#[derive(Serialize, Deserialize)]
struct SiteWire {
    ids: SiteIds,
    region_names: Vec<String>,
    region_of: Vec<u32>,
    mean_release_year: Vec<f64>,
    released_share: Vec<f64>,
}

impl From<SiteResults> for SiteWire {
    fn from(s: SiteResults) -> Self {
        SiteWire {
            ids: s.ids,
            region_names: s.region_names,
            region_of: s.region_of,
            mean_release_year: s.mean_release_year,
            released_share: s.released_share,
        }
    }
}

impl TryFrom<SiteWire> for SiteResults {
    type Error = String;
    fn try_from(w: SiteWire) -> std::result::Result<Self, String> {
        let n = w.region_of.len();
        if !SiteLabels::check(&w.ids, &w.region_names, &w.region_of)
            || w.mean_release_year.len() != n
            || w.released_share.len() != n
        {
            return Err("per-site results must hold one id, region, year and share per site".into());
        }
        Ok(SiteResults {
            ids: w.ids,
            region_names: w.region_names,
            region_of: w.region_of,
            mean_release_year: w.mean_release_year,
            released_share: w.released_share,
        })
    }
}

/// The ids and regions of the sites, without their results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct SiteLabels {
    pub ids: SiteIds,
    pub region_names: Vec<String>,
    pub region_of: Vec<u32>,
}

impl SiteLabels {
    /// Whether ids and regions are consistent: one per site, indices in range.
    pub(crate) fn check(ids: &SiteIds, region_names: &[String], region_of: &[u32]) -> bool {
        ids.valid() && ids.len() == region_of.len() && region_of.iter().all(|&r| (r as usize) < region_names.len())
    }

    /// Number of sites.
    pub(crate) fn len(&self) -> usize {
        self.region_of.len()
    }
}

impl SiteResults {
    /// Results from labels and per-site values (one per site each).
    pub(crate) fn new(labels: SiteLabels, mean_release_year: Vec<f64>, released_share: Vec<f64>) -> SiteResults {
        let SiteLabels { ids, region_names, region_of } = labels;
        SiteResults { ids, region_names, region_of, mean_release_year, released_share }
    }

    /// The ids and regions, to build results again.
    pub(crate) fn into_labels(self) -> SiteLabels {
        SiteLabels { ids: self.ids, region_names: self.region_names, region_of: self.region_of }
    }

    /// The ids and regions (a copy), for serialisation.
    pub(crate) fn labels(&self) -> SiteLabels {
        SiteLabels { ids: self.ids.clone(), region_names: self.region_names.clone(), region_of: self.region_of.clone() }
    }

    /// Number of sites.
    #[must_use]
    pub fn len(&self) -> usize {
        self.region_of.len()
    }

    /// True when there are no sites.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.region_of.is_empty()
    }

    /// The id of site `i` (file order): an inventory's as given, a synthetic
    /// one (`region/hazard/n`, n counting from 1 within the stratum) made now.
    ///
    /// # Panics
    /// When `i >= self.len()`.
    #[must_use]
    pub fn id(&self, i: usize) -> Cow<'_, str> {
        assert!(i < self.len(), "site {i} of {}", self.len());
        match &self.ids {
            SiteIds::Given(ids) => Cow::Borrowed(ids[i].as_str()),
            SiteIds::Synthetic { runs, .. } => {
                // Runs are ascending from 0 (checked when made or read), so one starts at or before i.
                let r = runs.partition_point(|&(_, first)| first <= i as u64) - 1;
                let (prefix, first) = &runs[r];
                let mut id = String::with_capacity(prefix.len() + 10);
                id.push_str(prefix);
                push_number(&mut id, i as u64 - first + 1);
                Cow::Owned(id)
            }
        }
    }

    /// Every site's id in file order.
    pub fn ids(&self) -> impl ExactSizeIterator<Item = Cow<'_, str>> + '_ {
        (0..self.len()).map(|i| self.id(i))
    }

    /// The region name of site `i`.
    ///
    /// # Panics
    /// When `i >= self.len()`.
    #[must_use]
    pub fn region(&self, i: usize) -> &str {
        &self.region_names[self.region_of[i] as usize]
    }

    /// The region of site `i` as an index into [`SiteResults::region_names`].
    ///
    /// # Panics
    /// When `i >= self.len()`.
    #[must_use]
    pub fn region_index(&self, i: usize) -> usize {
        self.region_of[i] as usize
    }

    /// The scenario's region names, in scenario order.
    #[must_use]
    pub fn region_names(&self) -> &[String] {
        &self.region_names
    }

    /// Mean calendar year of release of each site, over the trials that released it within the horizon (NaN if none).
    #[must_use]
    pub fn mean_release_year(&self) -> &[f64] {
        &self.mean_release_year
    }

    /// Share of trials releasing each site within the horizon.
    #[must_use]
    pub fn released_share(&self) -> &[f64] {
        &self.released_share
    }
}

/// Appends `n` in decimal.
pub(crate) fn push_number(s: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    s.extend(digits[i..].iter().map(|&d| char::from(d)));
}
