//! The yearly team plan (docs/ECONOMICS.md, "The bill of a programme" and "Funding"):
//! each pool's planned teams, scaled by what the money allows, a year at a time.
//! The largest affordable scale is found by bisection, so the default engine's exact
//! solution is checked against a different method.

use super::strata::Trial;
use crate::model::{PerPool, Pool, Scenario};

/// One year of the plan, per capacity group.
#[derive(Clone, Debug, Default)]
pub(super) struct YearPlan {
    /// Teams working (effective), team-days available and mobilisation cost (before escalation
    /// and overhead), per group and pool.
    pub teams: Vec<PerPool<f64>>,
    pub cap: Vec<PerPool<f64>>,
    pub mob: Vec<PerPool<f64>>,
    /// The year's funding, when given.
    pub funding: Option<f64>,
    /// What the plan would spend at full scale (real money, escalated).
    pub planned: f64,
}

/// The plan, year after year.
pub(super) struct Planner {
    /// Each group's planned teams this year before the ceiling, growth and ceiling.
    plan: Vec<PerPool<f64>>,
    growth: Vec<PerPool<f64>>,
    ceiling: Vec<PerPool<f64>>,
    /// Last year's teams (before the start: those in service).
    last: Vec<PerPool<f64>>,
    y: usize,
}

impl Planner {
    pub(super) fn new(s: &Scenario, t: &Trial) -> Planner {
        let n = t.groups.len();
        let mut p = Planner {
            plan: vec![PerPool::default(); n],
            growth: vec![PerPool::default(); n],
            ceiling: vec![PerPool::default(); n],
            last: vec![PerPool::default(); n],
            y: 0,
        };
        for (g, grp) in s.capacity().iter().flat_map(|c| c.groups.iter()).enumerate() {
            for (pool, pm) in grp.pools.iter() {
                if let Some(pm) = pm {
                    p.plan[g][pool] = pm.initial.get(&t.v);
                    p.growth[g][pool] = pm.growth_per_year.get(&t.v);
                    p.ceiling[g][pool] = pm.ceiling_or_initial().get(&t.v);
                    let first = p.plan[g][pool].min(p.ceiling[g][pool]).max(0.0);
                    p.last[g][pool] = pm.existing.map_or(first, |x| x.get(&t.v));
                }
            }
        }
        p
    }

    /// The next year's plan; `end(g, p)` tells when pool p of group g finishes its work (infinite
    /// when not known). A pool whose work ended by the start of the year gets no teams (its money
    /// goes to the others); one whose work ends during the year needs money for the share of the
    /// year before its end.
    pub(super) fn year(&mut self, s: &Scenario, t: &Trial, end: impl Fn(usize, Pool) -> f64) -> YearPlan {
        let y = self.y;
        self.y += 1;
        let n = t.groups.len();
        let mut planned = vec![PerPool::default(); n];
        let mut active = vec![PerPool::default(); n];
        for g in 0..n {
            for p in Pool::ALL {
                active[g][p] = (end(g, p) - y as f64).clamp(0.0, 1.0);
                if active[g][p] > 0.0 {
                    planned[g][p] = self.plan[g][p].min(self.ceiling[g][p]).max(0.0);
                }
                self.plan[g][p] *= 1.0 + self.growth[g][p];
            }
        }
        let esc = (1.0 + t.escalation).powi(y as i32);
        // What group g spends at scale s (teams at full use, mobilisation, overhead, escalation).
        let spend = |g: usize, scale: f64| -> f64 {
            let grp = &t.groups[g];
            let mut sum = 0.0;
            for p in Pool::ALL {
                let teams = scale * planned[g][p];
                sum += teams * (grp.working_days * t.cost_per_td[p] + grp.fixed[p]) * active[g][p]
                    + grp.mobilisation[p] * (teams - self.last[g][p]).max(0.0);
            }
            sum * (1.0 + t.overhead) * esc
        };
        let funding = s.funding().and_then(|f| f.in_year(&t.v, s.start_year(), y));
        let money = funding.is_some() || t.groups.iter().any(|g| g.budget.is_some());
        let cap: Vec<f64> = (0..n)
            .map(|g| match t.groups[g].budget {
                Some(b) => largest(|x| spend(g, x) <= b),
                None => f64::INFINITY,
            })
            .collect();
        let coordination = t.coordination * esc;
        let k = match funding {
            Some(f) => {
                let k = largest(|k| (0..n).map(|g| spend(g, k.min(cap[g]))).sum::<f64>() + coordination <= f);
                if s.funding().is_some_and(|f| f.drives_capacity) {
                    k.min(crate::model::MAX_FUNDING_SCALE)
                } else {
                    k.min(1.0)
                }
            }
            None => 1.0,
        };
        let mut out = YearPlan {
            teams: vec![PerPool::default(); n],
            cap: vec![PerPool::default(); n],
            mob: vec![PerPool::default(); n],
            funding,
            planned: (0..n).map(|g| spend(g, 1.0)).sum::<f64>() + coordination,
        };
        for g in 0..n {
            let grp = &t.groups[g];
            let scale = if money { k.min(cap[g]) } else { 1.0 };
            // A plan that costs nothing is not scaled; nor is a pool that costs nothing: money can
            // neither cap nor buy it.
            let scale = if scale.is_finite() { scale } else { 1.0 };
            for p in Pool::ALL {
                let free = grp.working_days * t.cost_per_td[p] + grp.fixed[p] == 0.0 && grp.mobilisation[p] == 0.0;
                let teams = if free { planned[g][p] } else { scale * planned[g][p] };
                out.teams[g][p] = teams;
                out.cap[g][p] = teams * grp.working_days;
                out.mob[g][p] = grp.mobilisation[p] * (teams - self.last[g][p]).max(0.0);
                self.last[g][p] = teams;
            }
        }
        out
    }
}

/// The largest x ≥ 0 for which `ok(x)` holds, `ok` being true up to some point and false
/// beyond it (0 when it fails at 0; infinite when it never fails), by doubling and bisection.
fn largest(ok: impl Fn(f64) -> bool) -> f64 {
    if !ok(0.0) {
        return 0.0;
    }
    let mut hi = 1.0;
    while ok(hi) {
        hi *= 2.0;
        if hi > 1e300 {
            return f64::INFINITY;
        }
    }
    let mut lo = if hi > 1.0 { hi / 2.0 } else { 0.0 };
    for _ in 0..2000 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if ok(mid) { lo = mid } else { hi = mid }
    }
    lo
}
