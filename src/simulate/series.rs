//! The yearly series of a scheduled site-level run: what one year of one trial holds.

use super::outputs::Unit;
use serde::Serialize;

/// The yearly series of a scheduled site-level run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Series {
    /// Suspected area released in the year, km².
    AreaReleasedKm2,
    /// Programme spending in the year, price year's money.
    Spending,
    /// Programme spending in the year, that year's money.
    SpendingNominal,
    /// Funding of the year left unspent.
    FundingUnspent,
    /// What the plan would have spent in the year beyond its funding.
    FundingShortfall,
    /// Suspected area not yet released at the end of the year, km².
    HazardousAreaRemainingKm2,
    /// Expected casualties in the year.
    Casualties,
    /// Area cleared by clearance teams in the year (after survey), km².
    AreaClearedKm2,
}

/// One year of one trial's series.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct YearValues {
    /// Suspected area released in the year, km².
    pub area_released_km2: f32,
    /// Programme spending in the year, price year's money.
    pub spending: f32,
    /// Programme spending in the year, that year's money.
    pub spending_nominal: f32,
    /// Funding of the year left unspent.
    pub funding_unspent: f32,
    /// Planned spending of the year beyond its funding.
    pub funding_shortfall: f32,
    /// Suspected area not yet released at the end of the year, km².
    pub area_remaining_km2: f32,
    /// Expected casualties in the year.
    pub casualties: f32,
    /// Area cleared by clearance teams in the year, km².
    pub area_cleared_km2: f32,
}

impl Series {
    /// Every series, in report order.
    pub const ALL: [Series; 5] = [
        Series::AreaReleasedKm2,
        Series::Spending,
        Series::HazardousAreaRemainingKm2,
        Series::Casualties,
        Series::AreaClearedKm2,
    ];

    /// Every series a year holds, in the order of the per-trial series files
    /// (`--series`, the Python package's `series_samples`).
    pub const EVERY: [Series; 8] = [
        Series::AreaReleasedKm2,
        Series::AreaClearedKm2,
        Series::HazardousAreaRemainingKm2,
        Series::Casualties,
        Series::Spending,
        Series::SpendingNominal,
        Series::FundingUnspent,
        Series::FundingShortfall,
    ];

    /// Name in reports.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Series::AreaReleasedKm2 => "area_released_km2",
            Series::Spending => "spending",
            Series::SpendingNominal => "spending_nominal",
            Series::FundingUnspent => "funding_unspent",
            Series::FundingShortfall => "funding_shortfall",
            Series::HazardousAreaRemainingKm2 => "hazardous_area_remaining_km2",
            Series::Casualties => "casualties",
            Series::AreaClearedKm2 => "area_cleared_km2",
        }
    }

    /// The series in people's words, for charts and captions (its unit apart).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Series::AreaReleasedKm2 => "area released",
            Series::Spending => "spending",
            Series::SpendingNominal => "spending in each year's money",
            Series::FundingUnspent => "funding left unspent",
            Series::FundingShortfall => "spending beyond the funding",
            Series::HazardousAreaRemainingKm2 => "hazardous area remaining",
            Series::Casualties => "casualties",
            Series::AreaClearedKm2 => "area cleared",
        }
    }

    /// Its unit.
    #[must_use]
    pub fn unit(self) -> Unit {
        match self {
            Series::AreaReleasedKm2 | Series::HazardousAreaRemainingKm2 | Series::AreaClearedKm2 => Unit::Km2,
            Series::Spending | Series::SpendingNominal | Series::FundingUnspent | Series::FundingShortfall => {
                Unit::Money
            }
            Series::Casualties => Unit::People,
        }
    }

    /// This series' value in one year.
    #[inline]
    #[must_use]
    pub fn get(self, y: &YearValues) -> f32 {
        match self {
            Series::AreaReleasedKm2 => y.area_released_km2,
            Series::Spending => y.spending,
            Series::SpendingNominal => y.spending_nominal,
            Series::FundingUnspent => y.funding_unspent,
            Series::FundingShortfall => y.funding_shortfall,
            Series::HazardousAreaRemainingKm2 => y.area_remaining_km2,
            Series::Casualties => y.casualties,
            Series::AreaClearedKm2 => y.area_cleared_km2,
        }
    }
}
