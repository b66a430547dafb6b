//! The land-release algebra, written once: non-technical survey cancels,
//! technical survey reduces, clearance by method, team-days and cost.
//!
//! Every engine calls these functions: the aggregate engine with the trial's
//! fractions (expected areas), the site engine with one site's outcomes (0 or 1
//! for "confirmed" and "cancelled"), and the schedule with the same per-site
//! values. [`Stages`] is additive, so the sum of sites' stages is the stratum's.
//!
//! ```text
//! suspected (SHA)  A_s = A·(1 − conf)             conf = confirmed (CHA) share
//! NTS cancels      A_c = A_s·c                    c = cancelled fraction
//! TS surveys       A_t = A − A_c
//! to clear         A_x = A_t·(1 − r)              r = reduced fraction
//! TS reduces       A_r = A_t − A_x
//! holds EO         A_e = A_x,CHA + f·(A_x − A_x,CHA),  A_x,CHA = (A − A_s)·(1 − r)
//! found again      A_q = q·(A_c + A_r)             q = residual fraction (cleared later)
//! team-days        NTS A_s/p_NTS; TS A_t/p_TS; method m: A_x·d·share_m/p_m
//! cost             NTS A_s·k_NTS; TS A_t·k_TS; clearance Σ_m team-days_m·k_m
//! ```
//! (d: the site's team-day multiplier, 1 for a stratum as a whole; f: the share
//! of suspected land to clear that really holds explosive ordnance.)

use super::kinds::{Method, PerMethod, PerPool, Pool};
use super::param::Param;

/// Land-release parameters given at one level: national defaults, a hazard
/// kind, a region or a stratum. `None` inherits from the level above.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LandRelease {
    /// Share of suspected (SHA) area cancelled by non-technical survey.
    pub cancelled_fraction: Option<Param>,
    /// Share of the area left after NTS that technical survey reduces.
    pub reduced_fraction: Option<Param>,
    /// Share of the area that is confirmed (CHA): NTS cannot cancel it.
    pub confirmed_fraction: Option<Param>,
    /// Share of suspected land to clear that holds explosive ordnance.
    pub contaminated_fraction: Option<Param>,
    /// Items per km² of contaminated land.
    pub items_per_km2: Option<Param>,
    /// Shares of the area to clear by method (sum 1).
    pub method_shares: Option<PerMethod<f64>>,
    /// Share of cancelled and reduced land later found contaminated (re-enters as clearance).
    pub residual_fraction: Option<Param>,
    /// Fall of the cancelled fraction from the first site worked to the last.
    pub cancelled_fraction_trend: Option<Param>,
}

impl LandRelease {
    /// True when nothing is given at this level.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == LandRelease::default()
    }
}

/// A stratum's land-release parameters after the override chain (stratum,
/// region, hazard kind, national) is resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedRelease {
    /// NTS cancelled fraction.
    pub cancelled_fraction: Param,
    /// TS reduced fraction.
    pub reduced_fraction: Param,
    /// Confirmed (CHA) share.
    pub confirmed_fraction: Param,
    /// Contaminated share of suspected land to clear.
    pub contaminated_fraction: Param,
    /// Items per km² of contaminated land.
    pub items_per_km2: Param,
    /// Shares of the area to clear by method.
    pub method_shares: PerMethod<f64>,
    /// Share of cancelled and reduced land later found contaminated.
    pub residual_fraction: Param,
    /// Fall of the cancelled fraction from the first site worked to the last.
    pub cancelled_fraction_trend: Param,
}

/// Areas through the land-release stages (m² or km², as the area given).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Stages {
    /// Suspected (SHA) area: what NTS surveys.
    pub suspected: f64,
    /// Cancelled by NTS.
    pub cancelled: f64,
    /// Surveyed by TS (everything not cancelled).
    pub surveyed: f64,
    /// Reduced by TS.
    pub reduced: f64,
    /// Left to clear.
    pub to_clear: f64,
    /// The part of `to_clear` that holds explosive ordnance.
    pub contaminated: f64,
}

/// A share of an area: a fraction (a stratum's expected areas) or an
/// indicator (one site's outcome: confirmed or not, cancelled or not, holding
/// explosive ordnance or not).
///
/// [`Stages::release`] is written once, generic over the kind of share. For
/// an indicator every product with a share is a choice between the area and
/// zero, made without a multiplication or a branch; the unit tests check that
/// indicators give exactly the areas the fractions 0 and 1 give.
pub trait Share: Copy {
    /// The part of `x` this share takes.
    fn of(self, x: f64) -> f64;
    /// The rest of `x`.
    fn rest_of(self, x: f64) -> f64;
    /// The area to clear that holds explosive ordnance: all of the confirmed
    /// part, `(1 − reduced)·confirmed·area`, and the share `contaminated` of the rest.
    fn holding_eo(confirmed: Self, contaminated: Self, area: f64, keep: f64, to_clear: f64) -> f64;
}

impl Share for f64 {
    #[inline(always)]
    fn of(self, x: f64) -> f64 {
        x * self
    }
    #[inline(always)]
    fn rest_of(self, x: f64) -> f64 {
        x * (1.0 - self)
    }
    #[inline(always)]
    fn holding_eo(confirmed: f64, contaminated: f64, area: f64, keep: f64, to_clear: f64) -> f64 {
        let to_clear_confirmed = confirmed.of(area) * keep;
        to_clear_confirmed + contaminated.of(to_clear - to_clear_confirmed)
    }
}

/// `x` or `0.0` without a branch: a site's outcomes are random, so a branch
/// would be mispredicted half the time.
#[inline(always)]
fn keep_if(b: bool, x: f64) -> f64 {
    std::hint::select_unpredictable(b, x, 0.0)
}

impl Share for bool {
    #[inline(always)]
    fn of(self, x: f64) -> f64 {
        keep_if(self, x)
    }
    #[inline(always)]
    fn rest_of(self, x: f64) -> f64 {
        keep_if(!self, x)
    }
    /// A confirmed site's whole area to clear holds EO (it is all the
    /// confirmed part); a suspected site's holds EO when it is contaminated.
    #[inline(always)]
    fn holding_eo(confirmed: bool, contaminated: bool, _area: f64, _keep: f64, to_clear: f64) -> f64 {
        keep_if(confirmed | contaminated, to_clear)
    }
}

impl Stages {
    /// Releases `area` with a confirmed share `confirmed`, cancelled fraction
    /// `cancelled`, reduced fraction `reduced` and contaminated share
    /// `contaminated` (see the module formulas). For a stratum the shares are
    /// fractions; for one site they are its outcomes (`true`/`false`).
    #[inline(always)]
    #[must_use]
    pub fn release<S: Share>(area: f64, confirmed: S, cancelled: S, reduced: f64, contaminated: S) -> Stages {
        let suspected = confirmed.rest_of(area);
        let cancelled = cancelled.of(suspected);
        let surveyed = area - cancelled;
        let keep = 1.0 - reduced;
        let to_clear = surveyed * keep;
        Stages {
            suspected,
            cancelled,
            surveyed,
            reduced: surveyed - to_clear,
            to_clear,
            contaminated: S::holding_eo(confirmed, contaminated, area, keep, to_clear),
        }
    }

    /// The area later found contaminated among the land released by survey
    /// (cancelled and reduced), which re-enters the workload to be cleared.
    ///
    /// # Formula
    /// A_residual = q·(A_c + A_r), q = residual fraction
    #[inline(always)]
    #[must_use]
    pub fn residual(&self, fraction: f64) -> f64 {
        fraction.of(self.cancelled + self.reduced)
    }

    /// Adds another area's stages.
    #[inline(always)]
    pub fn add(&mut self, o: &Stages) {
        self.suspected += o.suspected;
        self.cancelled += o.cancelled;
        self.surveyed += o.surveyed;
        self.reduced += o.reduced;
        self.to_clear += o.to_clear;
        self.contaminated += o.contaminated;
    }
}

/// Per-m² rates of one stratum in one trial: what a m² costs and how many
/// team-days it takes at each stage.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StageRates {
    /// NTS cost per m² of suspected area.
    pub nts_cost_per_m2: f64,
    /// TS cost per m² surveyed.
    pub ts_cost_per_m2: f64,
    /// NTS team-days per m² of suspected area (0 without NTS productivity).
    pub nts_td_per_m2: f64,
    /// TS team-days per m² surveyed (0 without TS productivity).
    pub ts_td_per_m2: f64,
    /// Clearance team-days per m² to clear, by method: share_m / productivity_m.
    pub td_per_m2: PerMethod<f64>,
    /// Clearance cost per m² to clear: Σ_m team-days per m²_m × cost per team-day_m.
    pub clear_cost_per_m2: f64,
}

/// The direct cost of an area's stages.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StageCost {
    /// Non-technical survey.
    pub nts: f64,
    /// Technical survey.
    pub ts: f64,
    /// Clearance.
    pub clearance: f64,
}

impl StageCost {
    /// NTS + TS + clearance.
    #[inline(always)]
    #[must_use]
    pub fn total(&self) -> f64 {
        self.nts + self.ts + self.clearance
    }
}

impl StageRates {
    /// The rates from the method shares and the trial's per-method
    /// productivities (m² per team-day) and costs per team-day.
    #[must_use]
    pub fn new(
        shares: &PerMethod<f64>,
        productivity: &PerMethod<f64>,
        cost_per_team_day: &PerMethod<f64>,
        survey: SurveyRates,
    ) -> Self {
        let mut r = StageRates {
            nts_cost_per_m2: survey.nts_cost_per_m2,
            ts_cost_per_m2: survey.ts_cost_per_m2,
            nts_td_per_m2: survey.nts_td_per_m2,
            ts_td_per_m2: survey.ts_td_per_m2,
            ..StageRates::default()
        };
        for m in Method::ALL {
            let share = shares[m];
            r.td_per_m2[m] = if share > 0.0 { share * (1.0 / productivity[m]) } else { 0.0 };
            r.clear_cost_per_m2 += r.td_per_m2[m] * cost_per_team_day[m];
        }
        r
    }

    /// The cost of `s`, whose area to clear takes `to_clear_x_difficulty` m²-equivalents
    /// (the area to clear times the team-day multiplier; the area itself for a stratum).
    #[inline(always)]
    #[must_use]
    pub fn cost(&self, s: &Stages, to_clear_x_difficulty: f64) -> StageCost {
        StageCost {
            nts: s.suspected * self.nts_cost_per_m2,
            ts: s.surveyed * self.ts_cost_per_m2,
            clearance: to_clear_x_difficulty * self.clear_cost_per_m2,
        }
    }

    /// Team-days of every pool for `s` (see [`StageRates::cost`] for the second argument).
    #[inline(always)]
    #[must_use]
    pub fn team_days(&self, s: &Stages, to_clear_x_difficulty: f64) -> PerPool<f64> {
        let mut td = PerPool::default();
        td[Pool::NTS] = s.suspected * self.nts_td_per_m2;
        td[Pool::TS] = s.surveyed * self.ts_td_per_m2;
        for m in Method::ALL {
            td[Pool::Clearance(m)] = to_clear_x_difficulty * self.td_per_m2[m];
        }
        td
    }
}

/// Survey rates shared by every stratum in a trial.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SurveyRates {
    /// NTS cost per m² of suspected area.
    pub nts_cost_per_m2: f64,
    /// TS cost per m² surveyed.
    pub ts_cost_per_m2: f64,
    /// NTS team-days per m².
    pub nts_td_per_m2: f64,
    /// TS team-days per m².
    pub ts_td_per_m2: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_of_a_stratum_match_the_formulas() {
        let s = Stages::release(100.0, 0.2, 0.5, 0.25, 0.1);
        let one = |c: bool, x: bool, e: bool| Stages::release(10.0, c, x, 0.25, e);
        // A site's outcomes as indicators give the same areas as the fractions 0 and 1.
        for (c, x, e) in [(false, false, false), (false, true, true), (true, false, true), (false, false, true)] {
            let f = |b: bool| f64::from(u8::from(b));
            assert_eq!(one(c, x, e), Stages::release(10.0, f(c), f(x), 0.25, f(e)));
        }
        assert_eq!(s.suspected, 80.0);
        assert_eq!(s.cancelled, 40.0);
        assert_eq!(s.surveyed, 60.0);
        assert_eq!(s.to_clear, 45.0);
        assert_eq!(s.reduced, 15.0);
        // CHA to clear 20·0.75 = 15, all contaminated; SHA to clear 30, 10 % contaminated.
        assert!((s.contaminated - 18.0).abs() < 1e-12);
    }

    #[test]
    fn one_site_is_all_or_nothing() {
        let cancelled = Stages::release(7.0, false, true, 0.4, true);
        assert_eq!((cancelled.cancelled, cancelled.surveyed, cancelled.to_clear), (7.0, 0.0, 0.0));
        let confirmed = Stages::release(7.0, true, true, 0.5, false);
        assert_eq!((confirmed.suspected, confirmed.cancelled, confirmed.to_clear), (0.0, 0.0, 3.5));
        assert_eq!(confirmed.contaminated, 3.5);
    }
}
