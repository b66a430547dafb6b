//! Stage 3 of a trial: the yearly team plan. Each pool's planned teams year by year, scaled by
//! what the money allows (funding, a group's own budget), with mobilisation; the same plan for
//! both engines. The site engine reads it as tables ([`PlanTables`]); the aggregate engine asks
//! for it a year at a time ([`YearPlanner`]); [`FluidPool`] is the plan without money in closed
//! form for the aggregate engine's fastest path.
//!
//! # Formula
//! ```text
//! planned teams   P_p(y) = min(ceiling, initial·(1 + growth)^y)
//! spend at scale k S_g(k) = (1 + o)·e(y)·Σ_p [k·P_p·(F_p + D·v_p) + M_p·max(0, k·P_p − E_p(y−1))],  e(y) = (1 + escalation)^y
//! teams           E_p(y) = min(k, k_g)·P_p(y):  k_g the largest with S_g(k_g) ≤ the group's budget B_g,
//!                 k the largest with Σ_g S_g(min(k, k_g)) + e·C ≤ funding f (at most 1 unless it drives capacity)
//! mobilisation    M_p·max(0, E_p(y) − E_p(y−1)),  E_p(−1) = the teams in service at the start
//! ```

use super::params::{Globals, GroupCosts};
use crate::model::{CapacityGroup, PerPool, Pool, Scenario};
use crate::simulate::compiled::Compiled;

/// The plan of one group's pools, year after year.
#[derive(Clone, Copy, Debug, Default)]
struct PoolPlan {
    teams: PerPool<f64>,
    growth: PerPool<f64>,
    ceiling: PerPool<f64>,
    /// Last year's effective teams (what is raised and paid), the teams in service before the start.
    effective: PerPool<f64>,
}

impl PoolPlan {
    /// The plan of `grp`'s pools before the first year.
    fn new(grp: &CapacityGroup, v: &[f64]) -> Self {
        let mut p = PoolPlan::default();
        for (pool, pm) in grp.pools.iter() {
            if let Some(pm) = pm {
                p.teams[pool] = pm.initial.get(v);
                p.growth[pool] = pm.growth_per_year.get(v);
                p.ceiling[pool] = pm.ceiling_or_initial().get(v);
                let start = p.teams[pool].min(p.ceiling[pool]).max(0.0);
                p.effective[pool] = pm.existing.map_or(start, |x| x.get(v));
            }
        }
        p
    }
}

/// One pool's plan and work in [`fluid_years`]: the plan of [`YearPlanner::next_year`]
/// without money caps, where each pool's teams follow their own plan.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FluidPool {
    /// Team-days of work left (the pool takes part while this is > 0), and all of it.
    pub left: f64,
    work: f64,
    /// The pool (its index in [`PerPool`]).
    pub pool: usize,
    teams: f64,
    growth: f64,
    ceiling: f64,
    effective: f64,
    working_days: f64,
    mobilisation: f64,
    fixed: f64,
    cost_per_td: f64,
}

/// The pools of every group (`Pool::COUNT` entries per group) with their work
/// `work[g]` and plans: what [`YearPlanner`] would give them year by year when
/// money caps nothing.
pub(crate) fn fluid_pools(
    s: &Scenario,
    v: &[f64],
    g: &Globals,
    groups: &[GroupCosts],
    work: &[PerPool<f64>],
    out: &mut [FluidPool],
) {
    let Some(cap) = s.capacity() else { return };
    for ((grp, (gc, w)), pools) in cap.groups.iter().zip(groups.iter().zip(work)).zip(out.chunks_exact_mut(Pool::COUNT))
    {
        let plan = PoolPlan::new(grp, v);
        for (p, fp) in pools.iter_mut().enumerate() {
            *fp = FluidPool {
                left: w.0[p],
                work: w.0[p],
                pool: p,
                teams: plan.teams.0[p],
                growth: plan.growth.0[p],
                ceiling: plan.ceiling.0[p],
                effective: plan.effective.0[p],
                working_days: gc.working_days,
                mobilisation: gc.mobilisation.0[p],
                fixed: gc.fixed.0[p],
                cost_per_td: g.cost_per_td.0[p],
            };
        }
    }
}

impl FluidPool {
    /// One year of a pool with work left (`left` > 0): the plan's teams work (the operations of
    /// [`YearPlanner::next_year`] without money caps, then of the aggregate engine's year, in
    /// their order); returns the year's cost and `Some(share of the year worked)` when the work
    /// ends in it (its capacity covers what is left, within [`FINISH_ROUNDING`] of its work).
    #[inline(always)]
    pub(crate) fn work_year(&mut self) -> (f64, Option<f64>) {
        let teams = self.teams.min(self.ceiling).max(0.0);
        let cap = teams * self.working_days;
        let mob = self.mobilisation * (teams - self.effective).max(0.0);
        self.effective = teams;
        self.teams *= 1.0 + self.growth;
        let left = self.left;
        let (done, share, ends) = if cap >= left - FINISH_ROUNDING * self.work {
            (left, (left / cap).min(1.0), true)
        } else {
            (cap, 1.0, false)
        };
        self.left -= done;
        // Teams paid for the share of the year they work; new teams raised for a pool with work.
        let cost = done * self.cost_per_td + teams * self.fixed * share + mob;
        (cost, ends.then_some(share))
    }

    /// True when every later year is the same as the last: the teams are at
    /// their (positive) ceiling, were there last year, and the plan cannot
    /// fall below it again (no negative growth).
    #[inline(always)]
    fn steady(&self) -> bool {
        self.ceiling > 0.0 && self.teams >= self.ceiling && self.growth >= 0.0 && self.effective == self.ceiling
    }

    /// Works the pool alone from year 0 (all its work there from the start)
    /// until its work ends or the horizon (`costs.len()` years), adding each
    /// year's cost to `costs[y]`: [`FluidPool::work_year`] year after year,
    /// and once the plan is [steady](FluidPool::steady) the same operations on
    /// the same values with the year's constant cost computed once. Returns the
    /// years worked and, when the work ends, (that year, the share of it worked).
    pub(crate) fn work_years(&mut self, costs: &mut [f64]) -> (usize, Option<(usize, f64)>) {
        let h = costs.len();
        let mut y = 0;
        while y < h && self.left > 0.0 {
            let (cost, ends) = self.work_year();
            costs[y] += cost;
            if let Some(share) = ends {
                return (y + 1, Some((y, share)));
            }
            y += 1;
            if self.steady() {
                break;
            }
        }
        // Steady: this year's teams, capacity, mobilisation (none) and full-year cost, as work_year computes them.
        let teams = self.effective;
        let cap = teams * self.working_days;
        let mob = self.mobilisation * (teams - self.effective).max(0.0);
        let full_year = cap * self.cost_per_td + teams * self.fixed * 1.0 + mob;
        for (y, cost) in costs.iter_mut().enumerate().skip(y) {
            let left = self.left;
            if !(left > 0.0) {
                return (y, None);
            }
            if cap >= left - FINISH_ROUNDING * self.work {
                let share = (left / cap).min(1.0);
                self.left -= left;
                *cost += left * self.cost_per_td + teams * self.fixed * share + mob;
                return (y + 1, Some((y, share)));
            }
            self.left -= cap;
            *cost += full_year;
        }
        (h, None)
    }
}

/// A pool's work is done in the year its capacity covers what is left within this share of all
/// its work: what is left is a difference of sums, and the plan's capacity comes from a solved
/// funding scale, so an exact comparison would let rounding move the end across a year.
pub(crate) const FINISH_ROUNDING: f64 = 1e-12;

/// What one year of the plan holds, for every group.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct YearMoney {
    /// Funding of the year, when given.
    pub funding: Option<f64>,
    /// The plan's full spend at full utilisation (real, escalated).
    pub planned: f64,
}

/// What a group spends in a year at a scale x of its planned teams:
/// factor·[unit·x + Σ_j slope_j·max(0, x − knee_j)], flat beyond `cap` (its own budget's
/// largest scale). Each hinge is a pool raising teams: x·P above the E teams it had costs
/// M·(x·P − E) = M·P·(x − E/P).
#[derive(Clone, Copy, Debug, Default)]
struct Spend {
    factor: f64,
    unit: f64,
    hinges: [(f64, f64); Pool::COUNT],
    n: usize,
    cap: f64,
}

impl Spend {
    /// The spend at scale `x`.
    fn at(&self, x: f64) -> f64 {
        let x = x.min(self.cap);
        let mut sum = self.unit * x;
        for &(slope, knee) in &self.hinges[..self.n] {
            sum += slope * (x - knee).max(0.0);
        }
        self.factor * sum
    }

    /// The slope of [`Spend::at`] just above `x`.
    fn slope_above(&self, x: f64) -> f64 {
        if x >= self.cap {
            return 0.0;
        }
        let mut slope = self.unit;
        for &(s, knee) in &self.hinges[..self.n] {
            if knee <= x {
                slope += s;
            }
        }
        self.factor * slope
    }
}

/// The largest x ≥ 0 with Σ spends(x) + fixed ≤ budget (0 when not even x = 0 fits; infinite
/// when the spend stops growing below the budget): exact, walking the breakpoints of the
/// piecewise-linear total in order. `knots` is working space.
fn largest_scale(spends: &[Spend], fixed: f64, budget: f64, knots: &mut Vec<f64>) -> f64 {
    let total = |x: f64| spends.iter().map(|sp| sp.at(x)).sum::<f64>() + fixed;
    if !(total(0.0) <= budget) {
        return 0.0;
    }
    knots.clear();
    for sp in spends {
        knots.extend(sp.hinges[..sp.n].iter().map(|h| h.1).filter(|&k| k > 0.0 && k < sp.cap));
        if sp.cap.is_finite() {
            knots.push(sp.cap);
        }
    }
    knots.sort_by(f64::total_cmp);
    let mut x0 = 0.0;
    for &x1 in knots.iter() {
        if total(x1) > budget {
            break;
        }
        x0 = x1;
    }
    let slope: f64 = spends.iter().map(|sp| sp.slope_above(x0)).sum();
    if slope > 0.0 { x0 + (budget - total(x0)) / slope } else { f64::INFINITY }
}

/// Teams and team-days year by year for every capacity group, with the
/// funding and budget caps applied (the same plan for both engines).
pub(crate) struct YearPlanner {
    plans: Vec<PoolPlan>,
    pub(crate) y: usize,
    /// (1 + escalation)^y, carried from year to year.
    esc: f64,
    /// Working space: each group's spend, the breakpoints of the total, each pool's active share.
    spends: Vec<Spend>,
    active: Vec<PerPool<f64>>,
    knots: Vec<f64>,
}

impl YearPlanner {
    pub(crate) fn new(s: &Scenario, v: &[f64]) -> Self {
        let plans: Vec<PoolPlan> =
            s.capacity().map(|c| c.groups.iter().map(|grp| PoolPlan::new(grp, v)).collect()).unwrap_or_default();
        let n = plans.len();
        YearPlanner {
            plans,
            y: 0,
            esc: 1.0,
            spends: vec![Spend::default(); n],
            active: vec![PerPool([1.0; Pool::COUNT]); n],
            knots: Vec::new(),
        }
    }

    /// This year's effective teams (`teams[g]`), team-days (`cap[g]`) and
    /// mobilisation cost per pool before escalation and overhead (`mob[g]`);
    /// then advances to the next year.
    ///
    /// `done[g]` holds, per pool, the time its work ends (INFINITY when not
    /// known; an empty slice: all pools work): a pool whose work ended by the
    /// start of the year gets no teams, so funding goes to the pools still working,
    /// and one whose work ends in the year asks money for the share of it before the end.
    /// `money_caps`: the scenario has funding or a group budget (otherwise the
    /// plan's own spend is not needed and the year is a few multiplications).
    ///
    /// With money, the planned teams of every group are scaled by the largest k the money
    /// allows: a group spends (1 + o)·e·Σ_p [k·P_p·(working days·v_p + F_p)·a_p + M_p·max(0, k·P_p −
    /// E_p(y − 1))] (a_p the pool's share of the year before its work ends), its own budget caps its k, and all groups with coordination e·C must fit in
    /// the year's funding (k at most 1 unless funding drives capacity). A pool that costs
    /// nothing (no fixed, variable or mobilisation cost) is not scaled.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn next_year(
        &mut self,
        s: &Scenario,
        v: &[f64],
        g: &Globals,
        groups: &[GroupCosts],
        done: &[PerPool<f64>],
        money_caps: bool,
        out: &mut YearOut<'_>,
    ) -> YearMoney {
        let y = self.y;
        self.y += 1;
        let esc = self.esc;
        self.esc *= 1.0 + g.prices.escalation;
        for (gi, plan) in self.plans.iter_mut().enumerate() {
            let d = done.get(gi);
            for p in 0..Pool::COUNT {
                // The share of the year before the pool's work ends (1 when not known).
                let active = d.map_or(1.0, |d| (d.0[p] - y as f64).clamp(0.0, 1.0));
                self.active[gi].0[p] = active;
                out.teams[gi].0[p] = if active > 0.0 { plan.teams.0[p].min(plan.ceiling.0[p]).max(0.0) } else { 0.0 };
                plan.teams.0[p] *= 1.0 + plan.growth.0[p];
            }
        }
        if !money_caps {
            for ((plan, gc), gi) in self.plans.iter_mut().zip(groups).zip(0..) {
                for p in 0..Pool::COUNT {
                    let teams = out.teams[gi].0[p];
                    out.cap[gi].0[p] = teams * gc.working_days;
                    out.mob[gi].0[p] = gc.mobilisation.0[p] * (teams - plan.effective.0[p]).max(0.0);
                    plan.effective.0[p] = teams;
                }
            }
            return YearMoney { funding: None, planned: 0.0 };
        }
        let factor = (1.0 + g.overhead) * esc;
        for (gi, ((plan, gc), sp)) in self.plans.iter().zip(groups).zip(self.spends.iter_mut()).enumerate() {
            *sp = Spend { factor, cap: f64::INFINITY, ..Spend::default() };
            for p in 0..Pool::COUNT {
                let teams = out.teams[gi].0[p];
                // A pool whose work ends in the year needs its money for the share before the end.
                sp.unit += teams * (gc.working_days * g.cost_per_td.0[p] + gc.fixed.0[p]) * self.active[gi].0[p];
                if gc.mobilisation.0[p] > 0.0 && teams > 0.0 {
                    sp.hinges[sp.n] = (gc.mobilisation.0[p] * teams, plan.effective.0[p] / teams);
                    sp.n += 1;
                }
            }
        }
        let coordination = g.prices.coordination * esc;
        let planned = self.spends.iter().map(|sp| sp.at(1.0)).sum::<f64>() + coordination;
        // A group's own budget caps its scale (its spend escalated, overhead included).
        for (sp, gc) in self.spends.iter_mut().zip(groups) {
            if let Some(b) = gc.budget {
                sp.cap = largest_scale(std::slice::from_ref(sp), 0.0, b, &mut self.knots);
            }
        }
        let funding = s.funding().and_then(|f| f.in_year(v, s.start_year(), y));
        let k = match funding {
            Some(f) if s.funding().is_some_and(|f| f.drives_capacity) => {
                largest_scale(&self.spends, coordination, f, &mut self.knots).min(crate::model::MAX_FUNDING_SCALE)
            }
            Some(f) => {
                let at_one = self.spends.iter().map(|sp| sp.at(1.0)).sum::<f64>() + coordination;
                if at_one <= f { 1.0 } else { largest_scale(&self.spends, coordination, f, &mut self.knots).min(1.0) }
            }
            None => 1.0,
        };
        for (gi, ((gc, plan), sp)) in groups.iter().zip(self.plans.iter_mut()).zip(&self.spends).enumerate() {
            let scale = k.min(sp.cap);
            let scale = if scale.is_finite() { scale } else { 1.0 };
            // What is raised: the effective teams above last year's (or those in service at the start).
            for p in 0..Pool::COUNT {
                // A pool that costs nothing is not scaled: money can neither cap nor buy it.
                let free = gc.working_days * g.cost_per_td.0[p] + gc.fixed.0[p] == 0.0 && gc.mobilisation.0[p] == 0.0;
                if !free {
                    out.teams[gi].0[p] *= scale;
                }
                out.cap[gi].0[p] = out.teams[gi].0[p] * gc.working_days;
                out.mob[gi].0[p] = gc.mobilisation.0[p] * (out.teams[gi].0[p] - plan.effective.0[p]).max(0.0);
                plan.effective.0[p] = out.teams[gi].0[p];
            }
        }
        YearMoney { funding, planned }
    }
}

/// Where [`YearPlanner::next_year`] writes, one entry per group.
pub(crate) struct YearOut<'a> {
    pub teams: &'a mut [PerPool<f64>],
    pub cap: &'a mut [PerPool<f64>],
    /// Mobilisation cost per pool (before escalation and overhead).
    pub mob: &'a mut [PerPool<f64>],
}

/// The plan as tables, per [group][pool][year] (the site engine looks capacity up year by
/// year), and the aggregate engine's one year of it.
pub(crate) struct PlanTables {
    /// Team-days available, and 1 / that (INFINITY when a year has none).
    pub cap: Vec<f64>,
    pub inv_cap: Vec<f64>,
    /// Effective teams.
    pub teams: Vec<f64>,
    /// Mobilisation cost (before escalation and overhead).
    pub mob: Vec<f64>,
    /// Funding and planned spend per year.
    pub money: Vec<YearMoney>,
    /// One year of the plan, per group.
    pub year_teams: Vec<PerPool<f64>>,
    pub year_cap: Vec<PerPool<f64>>,
    pub year_mob: Vec<PerPool<f64>>,
    /// Per [group][pool], when its work ends (INFINITY: not known), for the funding's re-allocation.
    pub pool_done: Vec<PerPool<f64>>,
    /// Aggregate engine: keep each year's teams in `teams` (for [`super::plan_at_means`]).
    pub record_teams: bool,
}

impl PlanTables {
    pub(crate) fn new(c: &Compiled<'_>, groups: usize) -> Self {
        let h = c.horizon.max(1);
        PlanTables {
            cap: vec![0.0; groups * Pool::COUNT * h],
            inv_cap: vec![0.0; groups * Pool::COUNT * h],
            teams: vec![0.0; groups * Pool::COUNT * h],
            mob: vec![0.0; groups * Pool::COUNT * h],
            money: vec![YearMoney::default(); h],
            year_teams: vec![PerPool::default(); groups],
            year_cap: vec![PerPool::default(); groups],
            year_mob: vec![PerPool::default(); groups],
            pool_done: vec![PerPool([f64::INFINITY; Pool::COUNT]); groups],
            record_teams: false,
        }
    }

    /// Fills the tables for the whole horizon: team-days after funding and budget caps, with
    /// each year's teams, mobilisation cost and funding for the programme's bill. `ends`, when
    /// known (a first schedule ran), holds when each pool's work ends: from then on it gets no
    /// teams and its money goes to the pools still working. With more money the others finish
    /// no later (sites keep their order and every pool has at least the capacity it had), so
    /// no pool runs out of teams before its work ends.
    pub(crate) fn fill(
        &mut self,
        c: &Compiled<'_>,
        v: &[f64],
        g: &Globals,
        groups: &[GroupCosts],
        ends: Option<&[PerPool<f64>]>,
    ) {
        let s = c.scenario;
        let h = c.horizon;
        let n = groups.len();
        match ends {
            Some(ends) => self.pool_done[..n].copy_from_slice(&ends[..n]),
            None => self.pool_done.fill(PerPool([f64::INFINITY; Pool::COUNT])),
        }
        let mut planner = YearPlanner::new(s, v);
        for y in 0..h {
            let mut out = YearOut {
                teams: &mut self.year_teams[..n],
                cap: &mut self.year_cap[..n],
                mob: &mut self.year_mob[..n],
            };
            self.money[y] = planner.next_year(s, v, g, groups, &self.pool_done[..n], c.reallocates, &mut out);
            for gi in 0..n {
                let base = gi * Pool::COUNT * h;
                for p in 0..Pool::COUNT {
                    let cap = self.year_cap[gi].0[p];
                    let i = base + p * h + y;
                    self.cap[i] = cap;
                    self.inv_cap[i] = if cap > 0.0 { 1.0 / cap } else { f64::INFINITY };
                    self.teams[i] = self.year_teams[gi].0[p];
                    self.mob[i] = self.year_mob[gi].0[p];
                }
            }
        }
    }
}
