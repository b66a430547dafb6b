//! Random small valid scenarios for property tests (`tests/equivalence.rs`).
//!
//! [`spec()`] is a proptest strategy for a [`Spec`], a plain description of a scenario that
//! [`Spec::to_toml`] writes as a scenario file (docs/SCENARIOS.md). The generator covers every
//! feature of the format the engines compute with: 1-3 regions of 1-3 strata (mines, cluster
//! munitions, UXO), fixed and uncertain inputs (uniform, PERT, triangular), a national suspected area
//! or not, every land-release fraction (0 and 1 included) at every level of the override chain,
//! method shares over 1-4 methods, survey with and without productivity, survey pools present or
//! absent (unlimited), team growth, ceilings, teams in service, fixed and mobilisation costs, the
//! programme's prices, a second currency, funding (per year, growth, pledges, capping or buying
//! teams), regions with their own capacity and budget, land that arrives (at or before the start,
//! within the horizon, far beyond it), new contamination until a year, barrier minefields, synthetic
//! sites, every work order, casualties and land value.
//!
//! Numbers are mostly picked from short lists of *round* values (areas of 1 km², 100 m² a team-day,
//! 10 teams, 200 working days ...), so that work often ends exactly on a year boundary, where
//! boundary bugs hide; the first value of each list is the one proptest shrinks to.
//!
//! Validity is built in, not filtered: the described methods are exactly those with a share
//! somewhere (plus, sometimes, unused ones), every capacity table has a pool with teams for each of
//! them, survey pools only appear with a survey productivity, ceilings are at least the initial
//! teams, a barrier is written as an area when a national total rescales areas, and so on. The
//! `Debug` form of a [`Spec`] is its TOML, so a shrunk failure prints a scenario file.
#![allow(dead_code)]

use proptest::prelude::*;
use proptest::sample::select;
use std::fmt::{self, Write};

/// A number or a distribution, as a scenario file writes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum D {
    Fixed(f64),
    Uniform(f64, f64),
    Triangular(f64, f64, f64),
    Pert(f64, f64, f64),
}

impl D {
    /// An uncertain value around a round centre `c` (kind 0 uniform, 1 triangular, 2 PERT).
    fn around(c: f64, kind: u8) -> D {
        if c == 0.0 {
            return D::Fixed(0.0);
        }
        // Ordered ends whatever the sign of c.
        let (lo, hi) = if c > 0.0 { (0.5 * c, 2.0 * c) } else { (2.0 * c, 0.5 * c) };
        match kind {
            0 => D::Uniform(lo, hi),
            1 => D::Triangular(lo, c, hi),
            _ => D::Pert(lo, c, hi),
        }
    }

    /// Every value times `k` (k > 0): the same quantile of every trial scales by k.
    pub fn scaled(self, k: f64) -> D {
        match self {
            D::Fixed(v) => D::Fixed(v * k),
            D::Uniform(a, b) => D::Uniform(a * k, b * k),
            D::Triangular(a, m, b) => D::Triangular(a * k, m * k, b * k),
            D::Pert(a, m, b) => D::Pert(a * k, m * k, b * k),
        }
    }

    /// The fixed value, or the mode (the middle of a uniform).
    pub fn centre(self) -> f64 {
        match self {
            D::Fixed(v) => v,
            D::Uniform(a, b) => 0.5 * (a + b),
            D::Triangular(_, m, _) | D::Pert(_, m, _) => m,
        }
    }

    /// Its largest value.
    pub fn max(self) -> f64 {
        match self {
            D::Fixed(v) => v,
            D::Uniform(_, b) | D::Triangular(_, _, b) | D::Pert(_, _, b) => b,
        }
    }

    pub fn is_fixed(self) -> bool {
        matches!(self, D::Fixed(_))
    }

    fn render(self) -> String {
        match self {
            D::Fixed(v) => num(v),
            D::Uniform(a, b) => format!("{{ dist = \"uniform\", min = {}, max = {} }}", num(a), num(b)),
            D::Triangular(a, m, b) => {
                format!("{{ dist = \"triangular\", min = {}, mode = {}, max = {} }}", num(a), num(m), num(b))
            }
            D::Pert(a, m, b) => format!("{{ dist = \"pert\", min = {}, mode = {}, max = {} }}", num(a), num(m), num(b)),
        }
    }
}

/// A number as TOML reads it back exactly (Rust prints the shortest round-trip decimal, never
/// an exponent; the generator's numbers stay far below i64's range).
fn num(v: f64) -> String {
    format!("{v}")
}

/// A value picked from round `choices` (the first is what shrinking aims at), sometimes made
/// uncertain around it.
fn amount(choices: &'static [f64]) -> BoxedStrategy<D> {
    prop_oneof![
        3 => select(choices).prop_map(D::Fixed),
        1 => (select(choices), 0..3u8).prop_map(|(c, k)| D::around(c, k)),
    ]
    .boxed()
}

/// A fraction, often exactly 0 or 1.
fn fraction() -> BoxedStrategy<D> {
    prop_oneof![
        4 => select(&[0.0, 1.0, 0.5, 0.25, 0.75, 0.1, 0.9][..]).prop_map(D::Fixed),
        1 => select(
            &[
                D::Uniform(0.2, 0.8),
                D::Triangular(0.0, 0.5, 1.0),
                D::Pert(0.6, 0.8, 0.95),
                D::Uniform(0.0, 1.0),
                D::Pert(0.0, 0.05, 0.2),
            ][..]
        ),
    ]
    .boxed()
}

/// A small fraction (residual contamination, the cancellation trend): often 0, sometimes 1.
fn small_fraction() -> BoxedStrategy<D> {
    prop_oneof![
        4 => select(&[0.0, 0.1, 0.5, 1.0, 0.02][..]).prop_map(D::Fixed),
        1 => select(&[D::Uniform(0.0, 0.2), D::Pert(0.0, 0.05, 0.15)][..]),
    ]
    .boxed()
}

pub const METHODS: [&str; 4] = ["manual", "mechanical", "mine_detection_dogs", "battle_area_clearance"];
pub const HAZARDS: [&str; 3] = ["mines", "cluster_munitions", "uxo"];
pub const PRIORITIES: [&str; 4] = ["as_given", "casualty_risk", "value_per_cost", "smallest_first"];

/// Method shares as (method, weight) pairs; written normalised (weights of one method add up).
#[derive(Clone, Debug, PartialEq)]
pub struct Shares(pub Vec<(u8, u8)>);

impl Shares {
    fn normalised(&self) -> Vec<(usize, f64)> {
        let mut w = [0u32; 4];
        for &(m, k) in &self.0 {
            w[m as usize % 4] += u32::from(k);
        }
        let total: u32 = w.iter().sum();
        (0..4).filter(|&m| w[m] > 0).map(|m| (m, f64::from(w[m]) / f64::from(total))).collect()
    }

    fn render(&self) -> String {
        let parts: Vec<String> =
            self.normalised().iter().map(|(m, s)| format!("{} = {}", METHODS[*m], num(*s))).collect();
        format!("{{ {} }}", parts.join(", "))
    }
}

fn shares() -> impl Strategy<Value = Shares> {
    prop::collection::vec((0..4u8, 1..=3u8), 1..=4).prop_map(Shares)
}

/// One level of land-release parameters (national, a hazard kind, a region or a stratum).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lr {
    pub cancelled: Option<D>,
    pub reduced: Option<D>,
    pub confirmed: Option<D>,
    pub contaminated: Option<D>,
    pub items: Option<D>,
    pub shares: Option<Shares>,
    pub residual: Option<D>,
    pub trend: Option<D>,
}

impl Lr {
    /// `key = value` pairs; a barrier's level leaves out what a barrier may not override.
    fn fields(&self, barrier: bool) -> Vec<String> {
        let mut out = Vec::new();
        let mut put = |k: &str, d: &Option<D>| {
            if let Some(d) = d {
                out.push(format!("{k} = {}", d.render()));
            }
        };
        put("cancelled_fraction", &self.cancelled);
        put("reduced_fraction", &self.reduced);
        if !barrier {
            put("confirmed_fraction", &self.confirmed);
            put("contaminated_fraction", &self.contaminated);
        }
        put("items_per_km2", &self.items);
        put("residual_fraction", &self.residual);
        put("cancelled_fraction_trend", &self.trend);
        if let Some(s) = &self.shares {
            out.push(format!("method_shares = {}", s.render()));
        }
        out
    }

    fn inline(&self, barrier: bool) -> Option<String> {
        let f = self.fields(barrier);
        (!f.is_empty()).then(|| format!("{{ {} }}", f.join(", ")))
    }
}

/// A land-release level whose fields are each present with probability `p` (`shares` decides
/// whether method shares are given).
fn lr(p: f64, shares_p: f64) -> impl Strategy<Value = Lr> {
    use prop::option::weighted as w;
    (
        (w(p, fraction()), w(p, fraction()), w(p * 0.6, fraction()), w(p, fraction())),
        (
            w(p, amount(&[1000.0, 0.0, 100.0, 5000.0])),
            w(shares_p, shares()),
            w(p * 0.6, small_fraction()),
            w(p * 0.6, small_fraction()),
        ),
    )
        .prop_map(|((cancelled, reduced, confirmed, contaminated), (items, shares, residual, trend))| Lr {
            cancelled,
            reduced,
            confirmed,
            contaminated,
            items,
            shares,
            residual,
            trend,
        })
}

/// A clearance method's productivity.
#[derive(Clone, Debug, PartialEq)]
pub enum Prod {
    PerTeamDay(D),
    PerMemberDay { rate: D, team_size: D },
}

/// A clearance method's variable cost.
#[derive(Clone, Debug, PartialEq)]
pub enum Cost {
    PerTeamDay(D),
    PerM2(D),
}

#[derive(Clone, Debug, PartialEq)]
pub struct MethodSpec {
    pub prod: Prod,
    pub cost: Cost,
    pub detection: Option<D>,
}

fn method() -> impl Strategy<Value = MethodSpec> {
    let prod = prop_oneof![
        3 => amount(&[100.0, 200.0, 500.0, 1000.0, 2000.0, 250.0, 5000.0]).prop_map(Prod::PerTeamDay),
        1 => (amount(&[25.0, 50.0, 100.0]), amount(&[4.0, 2.0, 8.0, 10.0, 5.0]))
            .prop_map(|(rate, team_size)| Prod::PerMemberDay { rate, team_size }),
    ];
    let cost = prop_oneof![
        3 => amount(&[1000.0, 0.0, 500.0, 1500.0, 2000.0]).prop_map(Cost::PerTeamDay),
        1 => amount(&[1.0, 0.5, 2.0, 5.0]).prop_map(Cost::PerM2),
    ];
    let detection = prop::option::weighted(
        0.3,
        prop_oneof![select(&[1.0, 0.9, 0.99, 0.5][..]).prop_map(D::Fixed), Just(D::Uniform(0.8, 1.0)),],
    );
    (prod, cost, detection).prop_map(|(prod, cost, detection)| MethodSpec { prod, cost, detection })
}

/// A survey stage: cost (per km² for NTS, per m² for TS) and productivity (km² a team-day).
#[derive(Clone, Debug, PartialEq)]
pub struct SurveySpec {
    pub cost: D,
    pub productivity: Option<D>,
}

/// Outside the stages: overhead and the programme's prices.
#[derive(Clone, Debug, PartialEq)]
pub struct CostsSpec {
    pub overhead: D,
    pub benchmark: Option<D>,
    pub coordination: Option<D>,
    pub escalation: Option<D>,
    pub inflation: Option<D>,
    pub discount: Option<D>,
    pub second_currency: Option<D>,
}

fn costs() -> impl Strategy<Value = CostsSpec> {
    use prop::option::weighted as w;
    (
        amount(&[0.1, 0.0, 0.2, 0.25]),
        w(0.2, amount(&[100.0, 1000.0])),
        w(0.4, amount(&[100_000.0, 0.0, 250_000.0, 1_000_000.0])),
        w(0.4, amount(&[0.01, 0.0, 0.03, -0.02])),
        w(0.4, amount(&[0.02, 0.0, 0.05])),
        w(0.4, amount(&[0.05, 0.0, 0.03])),
        w(0.3, amount(&[0.9, 1.0, 40.0])),
    )
        .prop_map(|(overhead, benchmark, coordination, escalation, inflation, discount, second_currency)| {
            CostsSpec { overhead, benchmark, coordination, escalation, inflation, discount, second_currency }
        })
}

/// One pool of teams. The ceiling and the teams in service are factors of the initial teams'
/// centre (a ceiling of at least 1: a fixed ceiling below fixed initial teams is invalid).
#[derive(Clone, Debug, PartialEq)]
pub struct PoolSpec {
    pub initial: D,
    pub growth: Option<D>,
    pub ceiling: Option<f64>,
    pub fixed_cost: Option<D>,
    pub mobilisation: Option<D>,
    pub existing: Option<f64>,
    pub staff: Option<D>,
}

impl PoolSpec {
    fn render(&self, pool: &str) -> String {
        let mut f = vec![format!("initial = {}", self.initial.render())];
        if let Some(g) = self.growth {
            f.push(format!("growth_per_year = {}", g.render()));
        }
        if let Some(c) = self.ceiling {
            f.push(format!("ceiling = {}", self.initial.scaled(c).render()));
        }
        if let Some(c) = self.fixed_cost {
            f.push(format!("cost_per_team_year = {}", c.render()));
        }
        if let Some(c) = self.mobilisation {
            f.push(format!("mobilisation_cost_per_team = {}", c.render()));
        }
        if let Some(e) = self.existing {
            f.push(format!("existing = {}", num(e * self.initial.centre())));
        }
        if let Some(s) = self.staff {
            f.push(format!("staff_per_team = {}", s.render()));
        }
        format!("teams.{pool} = {{ {} }}\n", f.join(", "))
    }

    /// A plain pool of `n` teams.
    pub fn plain(n: f64) -> PoolSpec {
        PoolSpec {
            initial: D::Fixed(n),
            growth: None,
            ceiling: None,
            fixed_cost: None,
            mobilisation: None,
            existing: None,
            staff: None,
        }
    }
}

fn pool() -> impl Strategy<Value = PoolSpec> {
    use prop::option::weighted as w;
    (
        amount(&[10.0, 1.0, 2.0, 5.0, 20.0, 4.0]),
        w(0.3, amount(&[0.0, 0.1, 0.5, 1.0, -0.1])),
        w(0.3, select(&[1.0, 2.0, 4.0][..])),
        w(0.4, amount(&[100_000.0, 0.0, 50_000.0, 200_000.0])),
        w(0.3, amount(&[50_000.0, 0.0, 100_000.0])),
        w(0.3, select(&[0.0, 0.5, 1.0, 2.0][..])),
        w(0.15, amount(&[10.0, 2.0, 5.0, 8.0])),
    )
        .prop_map(|(initial, growth, ceiling, fixed_cost, mobilisation, existing, staff)| PoolSpec {
            initial,
            growth,
            ceiling,
            fixed_cost,
            mobilisation,
            existing,
            staff,
        })
}

/// A capacity table (national or a region's): working days, a budget, pools. `clearance[m]` is
/// written for each described method m; the survey pools only with a survey productivity.
#[derive(Clone, Debug, PartialEq)]
pub struct TableSpec {
    pub working_days: D,
    pub budget: Option<D>,
    pub clearance: Vec<PoolSpec>,
    pub nts: Option<PoolSpec>,
    pub ts: Option<PoolSpec>,
}

fn table(budget_p: f64) -> impl Strategy<Value = TableSpec> {
    use prop::option::weighted as w;
    let days = prop_oneof![
        4 => select(&[200.0, 100.0, 250.0, 365.0, 210.0][..]).prop_map(D::Fixed),
        1 => select(&[D::Uniform(180.0, 240.0), D::Triangular(100.0, 200.0, 250.0)][..]),
    ];
    (
        days,
        w(budget_p, amount(&[1_000_000.0, 500_000.0, 2_000_000.0, 10_000_000.0])),
        prop::collection::vec(pool(), 4),
        w(0.5, pool()),
        w(0.5, pool()),
    )
        .prop_map(|(working_days, budget, clearance, nts, ts)| TableSpec {
            working_days,
            budget,
            clearance,
            nts,
            ts,
        })
}

/// Money per year. Pledge years are offsets from the start year (duplicates are dropped).
#[derive(Clone, Debug, PartialEq)]
pub struct FundingSpec {
    pub per_year: Option<D>,
    pub growth: Option<D>,
    pub pledges: Vec<(i32, D)>,
    pub continue_last_pledge: bool,
    pub drives_capacity: bool,
}

impl FundingSpec {
    /// The pledges as written: the first of each year, in the order given.
    pub fn pledges(&self) -> Vec<(i32, D)> {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for &(y, a) in &self.pledges {
            if !seen.contains(&y) {
                seen.push(y);
                out.push((y, a));
            }
        }
        out
    }

    /// `per_year`, or 1,000,000 when neither it nor a pledge is given (one is needed).
    pub fn per_year(&self) -> Option<D> {
        if self.per_year.is_none() && self.pledges.is_empty() { Some(D::Fixed(1_000_000.0)) } else { self.per_year }
    }

    /// The funding of year `y` (from the start) when every amount is fixed, as docs/ECONOMICS.md
    /// states it: a pledge in its year; else `per_year` grown; else, after the last pledge, that
    /// pledge (continued) or nothing; `None` (no cap) before any pledge without `per_year`.
    pub fn in_year(&self, y: usize) -> Option<f64> {
        let pledges = self.pledges();
        if let Some((_, a)) = pledges.iter().find(|(py, _)| *py as usize == y && *py >= 0) {
            return Some(a.centre());
        }
        if let Some(base) = self.per_year() {
            let g = self.growth.map_or(0.0, D::centre);
            return Some(base.centre() * (1.0 + g).powi(y as i32));
        }
        let last = pledges.iter().filter(|(py, _)| (*py as usize) < y).max_by_key(|(py, _)| *py);
        match last {
            Some((_, a)) if self.continue_last_pledge => Some(a.centre()),
            Some(_) => Some(0.0),
            None => None,
        }
    }
}

fn funding() -> impl Strategy<Value = FundingSpec> {
    use prop::option::weighted as w;
    let money = || amount(&[1_000_000.0, 500_000.0, 2_000_000.0, 10_000_000.0, 100_000.0]);
    (
        w(0.7, money()),
        w(0.3, amount(&[0.0, 0.05, -0.1, 0.2])),
        prop::collection::vec((select(&[0, 1, 2, 3, 5, 10, 20, 40, 70][..]), money()), 0..=3),
        any::<bool>(),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(per_year, growth, pledges, continue_last_pledge, drives_capacity)| FundingSpec {
            per_year,
            growth,
            pledges,
            continue_last_pledge,
            drives_capacity,
        })
}

/// The schedule: a national table (or, when `national` is false, one table per region: a
/// region without its own gets a copy of `table`), the horizon, the work order and funding.
#[derive(Clone, Debug, PartialEq)]
pub struct CapSpec {
    pub horizon: u32,
    pub priority: Option<usize>,
    pub national: bool,
    pub table: TableSpec,
    pub funding: Option<FundingSpec>,
}

fn capacity() -> impl Strategy<Value = CapSpec> {
    let horizon = prop_oneof![
        2 => select(&[10u32, 5, 20, 25, 50, 60, 30, 40][..]),
        1 => 5..=60u32,
    ];
    (
        horizon,
        prop::option::weighted(0.6, 0..4usize),
        // Shrinks to a national table (the regional-only case is the rarer one).
        prop::bool::weighted(0.2).prop_map(|regional_only| !regional_only),
        table(0.15),
        prop::option::weighted(0.35, funding()),
    )
        .prop_map(|(horizon, priority, national, table, funding)| CapSpec {
            horizon,
            priority,
            national,
            table,
            funding,
        })
}

/// A year relative to the start year (and to the horizon, known when the scenario is written).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum When {
    /// start + offset (negative: before the start).
    Offset(i32),
    /// start + horizon × n / 4.
    Horizon(u8),
    /// start + horizon + offset: beyond the horizon.
    AfterHorizon(i32),
    /// Uniform over [start + a, start + b].
    Uncertain(i32, i32),
}

impl When {
    fn render(self, start: i32, horizon: u32) -> String {
        let h = horizon as i32;
        // Calendar years are valid in [1900, 2200].
        let year = |y: i32| f64::from(y.clamp(1900, 2200));
        match self {
            When::Offset(o) => num(year(start + o)),
            When::Horizon(n) => num(year(start + h * i32::from(n) / 4)),
            When::AfterHorizon(o) => num(year(start + h + o)),
            When::Uncertain(a, b) => D::Uniform(year(start + a), year(start + b)).render(),
        }
    }

    /// True when the land may arrive after the start.
    fn is_late(self, horizon: u32) -> bool {
        match self {
            When::Offset(o) => o > 0,
            When::Horizon(n) => horizon as i32 * i32::from(n) / 4 > 0,
            When::AfterHorizon(_) | When::Uncertain(..) => true,
        }
    }
}

fn when() -> impl Strategy<Value = When> {
    prop_oneof![
        3 => select(&[3, 0, -2, 1, 5, 10][..]).prop_map(When::Offset),
        2 => (0..=4u8).prop_map(When::Horizon),
        1 => select(&[0, 5, 100][..]).prop_map(When::AfterHorizon),
        1 => select(&[(1, 5), (0, 3), (2, 20)][..]).prop_map(|(a, b)| When::Uncertain(a, b)),
    ]
}

/// A stratum's area.
#[derive(Clone, Debug, PartialEq)]
pub enum AreaSpec {
    Area(D),
    /// New contamination per year until a year.
    Added {
        rate: D,
        until: When,
    },
    /// A barrier minefield (written as 1 km² of area when a national total rescales areas).
    Barrier {
        length: D,
        share: Option<D>,
        width: D,
        mines_per_km: D,
        unit_cost: D,
        emplacement: Option<D>,
    },
}

fn area() -> impl Strategy<Value = AreaSpec> {
    use prop::option::weighted as w;
    prop_oneof![
        8 => amount(&[1.0, 0.5, 2.0, 0.1, 4.0, 10.0, 0.2, 0.0]).prop_map(AreaSpec::Area),
        2 => (amount(&[0.5, 0.1, 1.0, 2.0]), when()).prop_map(|(rate, until)| AreaSpec::Added { rate, until }),
        1 => (
            amount(&[10.0, 1.0, 5.0]),
            w(0.5, fraction()),
            amount(&[100.0, 50.0, 200.0]),
            amount(&[1000.0, 100.0, 500.0]),
            amount(&[10.0, 1.0, 100.0]),
            w(0.5, amount(&[5.0, 1.0])),
        )
            .prop_map(|(length, share, width, mines_per_km, unit_cost, emplacement)| AreaSpec::Barrier {
                length,
                share,
                width,
                mines_per_km,
                unit_cost,
                emplacement
            }),
    ]
}

#[derive(Clone, Debug, PartialEq)]
pub struct StratumSpec {
    pub area: AreaSpec,
    pub arrives: Option<When>,
    pub lr: Option<Lr>,
    pub sites: Option<u64>,
}

fn stratum() -> impl Strategy<Value = StratumSpec> {
    use prop::option::weighted as w;
    (area(), w(0.3, when()), w(0.3, lr(0.4, 0.4)), w(0.15, select(&[1u64, 2, 5, 20][..])))
        .prop_map(|(area, arrives, lr, sites)| StratumSpec { area, arrives, lr, sites })
}

#[derive(Clone, Debug, PartialEq)]
pub struct RegionSpec {
    pub population: Option<f64>,
    pub agricultural_share: Option<f64>,
    pub lr: Option<Lr>,
    /// Its own capacity table (a group of its own).
    pub own: Option<TableSpec>,
    /// The strata's hazard kinds are HAZARDS from this offset on (so they differ).
    pub hazard_offset: usize,
    pub strata: Vec<StratumSpec>,
    /// The region added by [`Spec::with_late_region`] (named "Late").
    pub late: bool,
}

impl RegionSpec {
    /// True when some of its land may arrive after the start.
    fn has_late_land(&self, horizon: u32) -> bool {
        self.strata
            .iter()
            .any(|st| matches!(st.area, AreaSpec::Added { .. }) || st.arrives.is_some_and(|w| w.is_late(horizon)))
    }
}

fn region() -> impl Strategy<Value = RegionSpec> {
    use prop::option::weighted as w;
    (
        w(0.4, select(&[100_000.0, 0.0, 1000.0][..])),
        w(0.4, select(&[0.5, 0.0, 1.0][..])),
        w(0.25, lr(0.4, 0.4)),
        w(0.25, table(0.3)),
        0..3usize,
        prop::collection::vec(stratum(), 1..=3),
    )
        .prop_map(|(population, agricultural_share, lr, own, hazard_offset, strata)| RegionSpec {
            population,
            agricultural_share,
            lr,
            own,
            hazard_offset,
            strata,
            late: false,
        })
}

/// Synthetic sites.
#[derive(Clone, Debug, PartialEq)]
pub struct SitesSpec {
    pub count: u64,
    pub team_day_cv: Option<f64>,
    pub reduction_spread: Option<f64>,
    pub size_cv: Option<f64>,
    pub population_cv: Option<f64>,
    pub seed: Option<u64>,
}

fn sites() -> impl Strategy<Value = SitesSpec> {
    use prop::option::weighted as w;
    (
        prop_oneof![2 => select(&[1u64, 2, 3, 5, 10, 20, 60][..]), 1 => 1..=60u64],
        w(0.6, select(&[0.0, 0.3, 1.0][..])),
        w(0.5, select(&[0.0, 0.5, 1.0][..])),
        w(0.3, select(&[0.0, 1.5, 3.0][..])),
        w(0.3, select(&[0.0, 1.0][..])),
        w(0.3, 0..100u64),
    )
        .prop_map(|(count, team_day_cv, reduction_spread, size_cv, population_cv, seed)| SitesSpec {
            count,
            team_day_cv,
            reduction_spread,
            size_cv,
            population_cv,
            seed,
        })
}

/// A whole scenario.
#[derive(Clone, PartialEq)]
pub struct Spec {
    pub start_year: i32,
    /// price_year = start_year − this.
    pub price_lag: i32,
    pub national_area: Option<D>,
    pub lr: Lr,
    /// Overrides per hazard kind (index into HAZARDS; the first of a kind counts).
    pub hazards: Vec<(usize, Lr)>,
    pub nts: SurveySpec,
    pub ts: SurveySpec,
    /// One per method of METHODS; written for the methods with a share somewhere.
    pub methods: Vec<MethodSpec>,
    /// Also describe (and give teams to) the methods with no share anywhere.
    pub describe_unused: bool,
    pub costs: CostsSpec,
    pub capacity: Option<CapSpec>,
    pub casualties: Option<D>,
    pub land_value: Option<(D, Option<f64>)>,
    pub sites: Option<SitesSpec>,
    pub regions: Vec<RegionSpec>,
}

impl fmt::Debug for Spec {
    /// The scenario file: what a failing case should show.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\n{}", self.to_toml())
    }
}

/// A random small valid scenario.
pub fn spec() -> impl Strategy<Value = Spec> {
    use prop::option::weighted as w;
    let head = (
        select(&[2025, 2030, 2000][..]),
        select(&[0, 1, 3][..]),
        w(0.3, amount(&[10.0, 1.0, 5.0, 2.0])),
        lr(0.7, 0.8),
        prop::collection::vec((0..3usize, lr(0.4, 0.8)), 0..=2),
    );
    let survey = (
        amount(&[1000.0, 0.0, 500.0, 2000.0]),
        w(0.6, amount(&[0.5, 0.1, 0.2, 1.0, 0.05])),
        amount(&[0.1, 0.0, 0.05, 0.5]),
        w(0.6, amount(&[0.05, 0.01, 0.02, 0.1])),
    );
    let body = (
        prop::collection::vec(method(), 4),
        prop::bool::weighted(0.2),
        costs(),
        w(0.85, capacity()),
        w(0.3, amount(&[0.01, 0.001])),
        w(0.3, (amount(&[600.0, 300.0]), w(0.5, select(&[0.05, 0.0][..])))),
        w(0.5, sites()),
        prop::collection::vec(region(), 1..=3),
    );
    (head, survey, body).prop_map(
        |(
            (start_year, price_lag, national_area, lr, hazards),
            (nts_cost, nts_prod, ts_cost, ts_prod),
            (methods, describe_unused, costs, capacity, casualties, land_value, sites, regions),
        )| {
            let mut lr = lr;
            // The national level always gives method shares (every stratum needs some).
            lr.shares.get_or_insert_with(|| Shares(vec![(0, 1)]));
            Spec {
                start_year,
                price_lag,
                national_area,
                lr,
                hazards,
                nts: SurveySpec { cost: nts_cost, productivity: nts_prod },
                ts: SurveySpec { cost: ts_cost, productivity: ts_prod },
                methods,
                describe_unused,
                costs,
                capacity,
                casualties,
                land_value,
                sites,
                regions,
            }
        },
    )
}

impl Spec {
    /// The horizon the scenario runs (100, the default, without capacity).
    pub fn horizon(&self) -> u32 {
        self.capacity.as_ref().map_or(100, |c| c.horizon)
    }

    /// The hazard overrides as written: the first of each kind.
    fn hazard_levels(&self) -> Vec<(usize, &Lr)> {
        let mut out: Vec<(usize, &Lr)> = Vec::new();
        for (k, l) in &self.hazards {
            if !out.iter().any(|(j, _)| j == k) {
                out.push((*k, l));
            }
        }
        out
    }

    /// Methods with a share at some level of the override chain.
    fn used_methods(&self) -> [bool; 4] {
        let mut used = [false; 4];
        let mut mark = |l: &Lr| {
            if let Some(s) = &l.shares {
                for (m, _) in s.normalised() {
                    used[m] = true;
                }
            }
        };
        mark(&self.lr);
        for (_, l) in self.hazard_levels() {
            mark(l);
        }
        for r in &self.regions {
            if let Some(l) = &r.lr {
                mark(l);
            }
            for st in &r.strata {
                if let Some(l) = &st.lr {
                    mark(l);
                }
            }
        }
        used
    }

    /// Methods written to the file (each has teams in every capacity table).
    pub fn described_methods(&self) -> Vec<usize> {
        let used = self.used_methods();
        (0..4).filter(|&m| used[m] || self.describe_unused).collect()
    }

    /// Regions rendered with a capacity table of their own (a group each).
    fn own_table<'a>(&'a self, r: &'a RegionSpec) -> Option<&'a TableSpec> {
        let cap = self.capacity.as_ref()?;
        match (&r.own, cap.national) {
            (Some(t), _) => Some(t),
            (None, false) => Some(&cap.table),
            (None, true) => None,
        }
    }

    /// The scenario file.
    pub fn to_toml(&self) -> String {
        let mut s = String::new();
        let h = self.horizon();
        let start = self.start_year;
        let _ = writeln!(s, "name = \"random\"\ncurrency = \"USD\"");
        let _ = writeln!(s, "price_year = {}\nstart_year = {start}", start - self.price_lag);
        if let Some(a) = self.national_area {
            let _ = writeln!(s, "suspected_area_km2 = {}", a.render());
        }
        let _ = writeln!(s, "\n[land_release]");
        for f in self.lr.fields(false) {
            let _ = writeln!(s, "{f}");
        }
        for (k, l) in self.hazard_levels() {
            let _ = writeln!(s, "\n[hazards.{}]", HAZARDS[k]);
            for f in l.fields(false) {
                let _ = writeln!(s, "{f}");
            }
        }
        let _ = writeln!(s, "\n[survey.non_technical]\ncost_usd_per_km2 = {}", self.nts.cost.render());
        if let Some(p) = self.nts.productivity {
            let _ = writeln!(s, "productivity_km2_per_team_day = {}", p.render());
        }
        let _ = writeln!(s, "\n[survey.technical]\ncost_usd_per_m2 = {}", self.ts.cost.render());
        if let Some(p) = self.ts.productivity {
            let _ = writeln!(s, "productivity_km2_per_team_day = {}", p.render());
        }
        for m in self.described_methods() {
            let ms = &self.methods[m];
            let _ = writeln!(s, "\n[methods.{}]", METHODS[m]);
            match &ms.prod {
                Prod::PerTeamDay(p) => {
                    let _ = writeln!(s, "productivity_m2_per_team_day = {}", p.render());
                }
                Prod::PerMemberDay { rate, team_size } => {
                    let _ = writeln!(s, "productivity_m2_per_member_day = {}", rate.render());
                    let _ = writeln!(s, "team_size = {}", team_size.render());
                }
            }
            match &ms.cost {
                Cost::PerTeamDay(c) => {
                    let _ = writeln!(s, "cost_usd_per_team_day = {}", c.render());
                }
                Cost::PerM2(c) => {
                    let _ = writeln!(s, "cost_usd_per_m2 = {}", c.render());
                }
            }
            if let Some(d) = ms.detection {
                let _ = writeln!(s, "detection_probability = {}", d.render());
            }
        }
        let c = &self.costs;
        let _ = writeln!(s, "\n[costs]\noverhead_fraction = {}", c.overhead.render());
        for (k, v) in [
            ("benchmark_cost_usd_per_item", c.benchmark),
            ("coordination_per_year", c.coordination),
            ("escalation_per_year", c.escalation),
            ("inflation_per_year", c.inflation),
            ("discount_rate", c.discount),
        ] {
            if let Some(v) = v {
                let _ = writeln!(s, "{k} = {}", v.render());
            }
        }
        if let Some(p) = c.second_currency {
            let _ = writeln!(s, "second_currency = {{ code = \"EUR\", per_unit = {} }}", p.render());
        }
        if let Some(cap) = &self.capacity {
            if cap.national {
                let _ = writeln!(s, "\n[capacity]");
                s.push_str(&self.table_body(&cap.table, Some(cap)));
            }
            if let Some(f) = &cap.funding {
                let _ = writeln!(s, "\n[funding]");
                if let Some(p) = f.per_year() {
                    let _ = writeln!(s, "per_year = {}", p.render());
                }
                if let Some(g) = f.growth {
                    let _ = writeln!(s, "growth_per_year = {}", g.render());
                }
                let pledges = f.pledges();
                if !pledges.is_empty() {
                    let list: Vec<String> = pledges
                        .iter()
                        .map(|(y, a)| format!("{{ year = {}, amount = {} }}", start + y, a.render()))
                        .collect();
                    let _ = writeln!(s, "pledges = [{}]", list.join(", "));
                }
                if f.continue_last_pledge {
                    let _ = writeln!(s, "continue_last_pledge = true");
                }
                if f.drives_capacity {
                    let _ = writeln!(s, "drives_capacity = true");
                }
            }
        }
        if let Some(rate) = self.casualties {
            let _ = writeln!(s, "\n[casualties]\nrate_per_km2_year = {}", rate.render());
        }
        if let Some((v, d)) = self.land_value {
            let _ = writeln!(s, "\n[land_value]\nagriculture_usd_per_ha_year = {}", v.render());
            if let Some(d) = d {
                let _ = writeln!(s, "discount_rate = {}", num(d));
            }
        }
        if let Some(si) = &self.sites {
            let _ = writeln!(s, "\n[sites]\ncount = {}", si.count);
            for (k, v) in [
                ("team_day_cv", si.team_day_cv),
                ("reduction_spread", si.reduction_spread),
                ("size_cv", si.size_cv),
                ("population_cv", si.population_cv),
            ] {
                if let Some(v) = v {
                    let _ = writeln!(s, "{k} = {}", num(v));
                }
            }
            if let Some(seed) = si.seed {
                let _ = writeln!(s, "seed = {seed}");
            }
        }
        for (ri, r) in self.regions.iter().enumerate() {
            let name = self.region_name(ri);
            let _ = writeln!(s, "\n[[regions]]\nname = \"{name}\"");
            if let Some(p) = r.population {
                let _ = writeln!(s, "population_exposed = {}", num(p));
            }
            if let Some(a) = r.agricultural_share {
                let _ = writeln!(s, "agricultural_share = {}", num(a));
            }
            if let Some(l) = r.lr.as_ref().and_then(|l| l.inline(false)) {
                let _ = writeln!(s, "land_release = {l}");
            }
            let _ = writeln!(s, "strata = [");
            for (si, st) in r.strata.iter().enumerate() {
                let _ = writeln!(s, "  {},", self.stratum_inline(st, HAZARDS[(r.hazard_offset + si) % 3], start, h));
            }
            let _ = writeln!(s, "]");
            if let Some(t) = self.own_table(r) {
                let _ = writeln!(s, "[regions.capacity]");
                s.push_str(&self.table_body(t, self.capacity.as_ref()));
            }
        }
        s
    }

    /// Region `ri`'s name.
    pub fn region_name(&self, ri: usize) -> String {
        if self.regions.get(ri).is_some_and(|r| r.late) { "Late".to_string() } else { format!("R{}", ri + 1) }
    }

    fn stratum_inline(&self, st: &StratumSpec, hazard: &str, start: i32, h: u32) -> String {
        let mut f = vec![format!("hazard = \"{hazard}\"")];
        let mut barrier = false;
        match &st.area {
            AreaSpec::Area(a) => f.push(format!("suspected_area_km2 = {}", a.render())),
            AreaSpec::Added { rate, until } => {
                f.push(format!("added_km2_per_year = {}", rate.render()));
                // New contamination must go on past the start (a scenario rule): an `until` at or
                // before it becomes the year after the start.
                let until = match *until {
                    When::Offset(o) => When::Offset(o.max(1)),
                    When::Horizon(0) => When::Offset(1),
                    When::Uncertain(a, b) => When::Uncertain(a, b.max(1)),
                    other => other,
                };
                f.push(format!("until_year = {}", until.render(start, h)));
            }
            AreaSpec::Barrier { .. } if self.national_area.is_some() => f.push("suspected_area_km2 = 1".to_string()),
            AreaSpec::Barrier { length, share, width, mines_per_km, unit_cost, emplacement } => {
                barrier = true;
                let mut b = vec![
                    format!("length_km = {}", length.render()),
                    format!("width_m = {}", width.render()),
                    format!("mines_per_km = {}", mines_per_km.render()),
                    format!("mine_unit_cost_usd = {}", unit_cost.render()),
                ];
                if let Some(x) = share {
                    b.push(format!("share_mined = {}", x.render()));
                }
                if let Some(x) = emplacement {
                    b.push(format!("emplacement_cost_usd_per_mine = {}", x.render()));
                }
                f.push(format!("barrier = {{ {} }}", b.join(", ")));
            }
        }
        if let Some(w) = st.arrives {
            f.push(format!("arrives_year = {}", w.render(start, h)));
        }
        if let Some(l) = st.lr.as_ref().and_then(|l| l.inline(barrier)) {
            f.push(format!("land_release = {l}"));
        }
        if let (Some(n), Some(_)) = (st.sites, &self.sites) {
            f.push(format!("sites = {n}"));
        }
        format!("{{ {} }}", f.join(", "))
    }

    /// A capacity table's lines (the horizon and work order with it).
    fn table_body(&self, t: &TableSpec, cap: Option<&CapSpec>) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "working_days_per_year = {}", t.working_days.render());
        if let Some(cap) = cap {
            let _ = writeln!(s, "horizon_years = {}", cap.horizon);
            if let Some(p) = cap.priority {
                let _ = writeln!(s, "priority = \"{}\"", PRIORITIES[p]);
            }
        }
        if let Some(b) = t.budget {
            let _ = writeln!(s, "budget_usd_per_year = {}", b.render());
        }
        if let (Some(p), Some(_)) = (&t.nts, self.nts.productivity) {
            s.push_str(&p.render("non_technical_survey"));
        }
        if let (Some(p), Some(_)) = (&t.ts, self.ts.productivity) {
            s.push_str(&p.render("technical_survey"));
        }
        for m in self.described_methods() {
            s.push_str(&t.clearance[m].render(METHODS[m]));
        }
        s
    }
}

// ------------------------------------------------------------------ derived scenarios

impl Spec {
    /// The scenario with a schedule (a national table of 10 teams a pool when it had none).
    pub fn with_capacity(&self) -> Spec {
        let mut s = self.clone();
        if s.capacity.is_none() {
            s.capacity = Some(CapSpec {
                horizon: 20,
                priority: None,
                national: true,
                table: TableSpec {
                    working_days: D::Fixed(200.0),
                    budget: None,
                    clearance: vec![PoolSpec::plain(10.0); 4],
                    nts: None,
                    ts: None,
                },
                funding: None,
            });
        }
        s
    }

    /// Every team count (initial, ceiling, in service) and every amount of money (funding per
    /// year, pledges, budgets) times `k`: a plan at least as strong in every year.
    pub fn scaled_capacity(&self, k: f64) -> Spec {
        let mut s = self.clone();
        let scale_table = |t: &mut TableSpec| {
            for p in t.clearance.iter_mut().chain(t.nts.iter_mut()).chain(t.ts.iter_mut()) {
                // The ceiling and teams in service are factors of the initial teams: they scale with them.
                p.initial = p.initial.scaled(k);
            }
            t.budget = t.budget.map(|b| b.scaled(k));
        };
        if let Some(cap) = &mut s.capacity {
            scale_table(&mut cap.table);
            if let Some(f) = &mut cap.funding {
                if f.per_year.is_none() && f.pledges.is_empty() {
                    f.per_year = f.per_year();
                }
                f.per_year = f.per_year.map(|p| p.scaled(k));
                for (_, a) in &mut f.pledges {
                    *a = a.scaled(k);
                }
            }
        }
        for r in &mut s.regions {
            if let Some(t) = &mut r.own {
                scale_table(t);
            }
        }
        s
    }

    /// Funding that caps the plan (fixed amounts, so the test can compute each year's money),
    /// every pool with work having teams (survey productivities and pools everywhere), and the
    /// coordination and escalation fixed.
    pub fn capped_funding(&self) -> Spec {
        let mut s = self.with_capacity();
        let fix = |d: D| D::Fixed(d.centre());
        s.nts.productivity = Some(s.nts.productivity.map_or(D::Fixed(0.5), fix));
        s.ts.productivity = Some(s.ts.productivity.map_or(D::Fixed(0.05), fix));
        s.costs.coordination = s.costs.coordination.map(fix);
        s.costs.escalation = s.costs.escalation.map(fix);
        let give_survey = |t: &mut TableSpec| {
            t.nts.get_or_insert_with(|| PoolSpec::plain(2.0));
            t.ts.get_or_insert_with(|| PoolSpec::plain(2.0));
        };
        let cap = s.capacity.as_mut().expect("with_capacity");
        give_survey(&mut cap.table);
        let mut f = cap.funding.clone().unwrap_or(FundingSpec {
            per_year: Some(D::Fixed(1_000_000.0)),
            growth: None,
            pledges: Vec::new(),
            continue_last_pledge: false,
            drives_capacity: false,
        });
        f.drives_capacity = false;
        f.per_year = f.per_year().map(fix);
        f.growth = f.growth.map(fix);
        f.pledges = f.pledges().into_iter().map(|(y, a)| (y, fix(a))).collect();
        cap.funding = Some(f);
        for r in &mut s.regions {
            if let Some(t) = &mut r.own {
                give_survey(t);
            }
        }
        s
    }

    /// No funding and no budgets anywhere.
    pub fn without_money(&self) -> Spec {
        let mut s = self.clone();
        if let Some(cap) = &mut s.capacity {
            cap.funding = None;
            cap.table.budget = None;
        }
        for r in &mut s.regions {
            if let Some(t) = &mut r.own {
                t.budget = None;
            }
        }
        s
    }

    /// The scenario (with a schedule, without money) plus a region "Late" holding one stratum of
    /// 1 km² of mines that arrives `offset` years after the start, with its own teams (a copy of
    /// the national table) or, when `shared`, on the national teams.
    pub fn with_late_region(&self, offset: i32, shared: bool) -> Spec {
        let mut s = self.with_capacity().without_money();
        let cap = s.capacity.as_ref().expect("with_capacity");
        let own = (!(shared && cap.national)).then(|| cap.table.clone());
        s.regions.push(RegionSpec {
            population: None,
            agricultural_share: None,
            lr: None,
            own,
            hazard_offset: 0,
            late: true,
            strata: vec![StratumSpec {
                area: AreaSpec::Area(D::Fixed(1.0)),
                arrives: Some(When::Offset(offset)),
                lr: None,
                sites: None,
            }],
        });
        s
    }

    /// True when the late region can share the national teams without touching the others'
    /// release: a national table, and no other land in the national group that arrives late
    /// (land arriving after the late stratum would queue behind it).
    pub fn can_share_late(&self) -> bool {
        let Some(cap) = self.capacity.as_ref().filter(|c| c.national) else { return false };
        !self.regions.iter().any(|r| r.own.is_none() && r.has_late_land(cap.horizon))
    }

    /// The scenario with `count` synthetic sites (its other site settings kept), or none.
    pub fn with_site_count(&self, count: Option<u64>) -> Spec {
        let mut s = self.clone();
        s.sites = count.map(|count| match &self.sites {
            Some(si) => SitesSpec { count, ..si.clone() },
            None => SitesSpec {
                count,
                team_day_cv: None,
                reduction_spread: None,
                size_cv: None,
                population_cv: None,
                seed: None,
            },
        });
        s
    }
}

impl Spec {
    /// The scenario without some features, by name (for the survey, to look past differences
    /// already known): `funding` (funding and budgets), `late` (land arriving after the start:
    /// `arrives_year` dropped, added land becomes 1 km² known at the start), `varcost` (no variable
    /// cost: methods and survey cost nothing per team-day, km² or m²), `varcost_to_fixed` (no
    /// variable cost, and every pool costs at least 100,000 a team-year, so that plans still cost
    /// money), `barrier` (barriers become 1 km² of area), `zero_area` (an area of 0 becomes 1 km²),
    /// `second_currency`.
    pub fn without(&self, features: &[&str]) -> Spec {
        let mut s = self.clone();
        let has = |f: &str| features.contains(&f);
        if has("funding") {
            s = s.without_money();
        }
        for r in &mut s.regions {
            for st in &mut r.strata {
                if has("late") {
                    st.arrives = None;
                    if matches!(st.area, AreaSpec::Added { .. }) {
                        st.area = AreaSpec::Area(D::Fixed(1.0));
                    }
                }
                if has("barrier") && matches!(st.area, AreaSpec::Barrier { .. }) {
                    st.area = AreaSpec::Area(D::Fixed(1.0));
                }
                if has("zero_area") && st.area == AreaSpec::Area(D::Fixed(0.0)) {
                    st.area = AreaSpec::Area(D::Fixed(1.0));
                }
            }
        }
        if has("varcost") || has("varcost_to_fixed") {
            s.nts.cost = D::Fixed(0.0);
            s.ts.cost = D::Fixed(0.0);
            for m in &mut s.methods {
                m.cost = Cost::PerTeamDay(D::Fixed(0.0));
            }
        }
        if has("varcost_to_fixed") {
            // Every team is paid by the year instead, so that plans still cost money.
            let fixed = |t: &mut TableSpec| {
                for p in t.clearance.iter_mut().chain(t.nts.iter_mut()).chain(t.ts.iter_mut()) {
                    p.fixed_cost = Some(p.fixed_cost.filter(|c| c.centre() > 0.0).unwrap_or(D::Fixed(100_000.0)));
                }
            };
            if let Some(cap) = &mut s.capacity {
                fixed(&mut cap.table);
            }
            for r in &mut s.regions {
                if let Some(t) = &mut r.own {
                    fixed(t);
                }
            }
        }
        if has("second_currency") {
            s.costs.second_currency = None;
        }
        s
    }
}
