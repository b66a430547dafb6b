//! The site engine's schedule (docs/MODEL.md §4): sites visited in order, each pool serving
//! them one after another, a pool at a time and a year at a time.

use super::RefSites;
use super::plan::{Planner, YearPlan};
use super::release::SiteOutcome;
use super::strata::Trial;
use crate::model::{Method, PerPool, Pool};
use crate::simulate::compiled::Compiled;

/// What the schedule gives.
pub(super) struct Done {
    /// Each site's release time (years from the start), file order; infinite when not released
    /// within the horizon.
    pub release: Vec<f64>,
    /// Each group's pools: when their last work ends (0 without work, infinite past the horizon).
    pub pool_end: Vec<PerPool<f64>>,
    /// The variable cost of the work done in each year (before overhead and escalation).
    pub spend: Vec<f64>,
    /// The plan of each year.
    pub plans: Vec<YearPlan>,
}

/// The plan of every year of the horizon, given when each pool's work ends.
fn plan_years(c: &Compiled<'_>, t: &Trial, ends: Option<&[PerPool<f64>]>) -> Vec<YearPlan> {
    let mut planner = Planner::new(c.scenario, t);
    (0..c.horizon).map(|_| planner.year(c.scenario, t, |g, p| ends.map_or(f64::INFINITY, |e| e[g][p]))).collect()
}

/// Schedules the sites. When money caps or buys the teams, the schedule runs twice: once to
/// find when each pool's work ends, then with the money of finished pools given to the others.
pub(super) fn run(c: &Compiled<'_>, t: &Trial, sites: &RefSites, outcomes: &[SiteOutcome]) -> Done {
    let s = c.scenario;
    let money = s.funding().is_some() || t.groups.iter().any(|g| g.budget.is_some());
    let first = schedule(c, t, sites, outcomes, plan_years(c, t, None));
    if !money {
        return first;
    }
    let h = c.horizon as f64;
    let ends: Vec<PerPool<f64>> = first
        .pool_end
        .iter()
        .enumerate()
        .map(|(g, e)| PerPool::from_fn(|p| if t.groups[g].limited[p] && e[p] < h { e[p] } else { f64::INFINITY }))
        .collect();
    schedule(c, t, sites, outcomes, plan_years(c, t, Some(&ends)))
}

/// Work within this share of a job of the room left in a year ends in that year.
const ROUNDING: f64 = 1e-12;

/// One pool of teams: when it is next free.
struct Server {
    /// Team-days available in each year of the horizon (`None`: unlimited).
    cap: Option<Vec<f64>>,
    free: f64,
}

impl Server {
    /// Does `work` team-days costing `cost` for a site ready at `ready`; returns when it ends
    /// (infinite past the horizon). The work starts when the pool is free and the site ready,
    /// and takes the pool's team-days year by year; its cost is paid year by year as it is
    /// done. Work of no team-days (or on a pool without teams) takes no time.
    fn serve(&mut self, spend: &mut [f64], ready: f64, work: f64, cost: f64) -> f64 {
        let h = spend.len();
        let cap = match &self.cap {
            Some(cap) if work > 0.0 => cap,
            _ => {
                if ready < h as f64 {
                    spend[ready as usize] += cost;
                }
                return ready;
            }
        };
        let mut t = if self.free > ready { self.free } else { ready };
        let mut left = work;
        loop {
            if !(t < h as f64) {
                self.free = f64::INFINITY;
                return f64::INFINITY;
            }
            let y = t as usize;
            let room = cap[y] * ((y + 1) as f64 - t);
            // Work within rounding of the year's room (1e-12 of the work) ends in the year: a
            // remainder of rounding must not spill into a year that may have no teams.
            if cap[y] > 0.0 && left <= room + ROUNDING * work {
                let end = (t + left * (1.0 / cap[y])).min((y + 1) as f64);
                spend[y] += cost * (left / work);
                self.free = end;
                return end;
            }
            spend[y] += cost * (room / work);
            left -= room;
            t = (y + 1) as f64;
        }
    }
}

/// The visit order: land known at the start in the work order, then land that arrives
/// later in the order it arrives (ties in the work order).
fn visit_order(sites: &RefSites, outcomes: &[SiteOutcome]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..outcomes.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&outcomes[a], &outcomes[b]);
        x.later.cmp(&y.later).then(x.arrival.total_cmp(&y.arrival)).then(sites.rank[a].cmp(&sites.rank[b]))
    });
    order
}

/// One schedule of every site under the plans `plans`.
fn schedule(c: &Compiled<'_>, t: &Trial, sites: &RefSites, outcomes: &[SiteOutcome], plans: Vec<YearPlan>) -> Done {
    let h = c.horizon;
    let n = outcomes.len();
    let order = visit_order(sites, outcomes);
    let group_of = |i: usize| t.strata[sites.stratum[i] as usize].group;
    let mut spend = vec![0.0; h];
    let mut pool_end = vec![PerPool::default(); t.groups.len()];
    let mut t_nts = vec![0.0; n];
    let mut t_ts = vec![0.0; n];
    let mut release = vec![0.0; n];
    // A pool at a time, in the order of the stages; each group's pools serve its own sites.
    for (g, grp) in t.groups.iter().enumerate() {
        let server = |p: Pool| Server {
            cap: grp.limited[p].then(|| plans.iter().map(|plan| plan.cap[g][p]).collect()),
            free: 0.0,
        };
        let mine: Vec<usize> = order.iter().copied().filter(|&i| group_of(i) == g).collect();
        let mut nts = server(Pool::NTS);
        for &i in &mine {
            let (o, st) = (&outcomes[i], &t.strata[sites.stratum[i] as usize]);
            t_nts[i] = if o.confirmed {
                o.arrival
            } else {
                let area = o.stages.suspected;
                nts.serve(&mut spend, o.arrival, area * st.full.nts_td_per_m2, area * st.var.nts_cost_per_m2)
            };
            release[i] = t_nts[i];
        }
        pool_end[g][Pool::NTS] = nts.free;
        let mut ts = server(Pool::TS);
        for &i in mine.iter().filter(|&&i| !outcomes[i].cancelled) {
            let (o, st) = (&outcomes[i], &t.strata[sites.stratum[i] as usize]);
            let area = o.stages.surveyed;
            t_ts[i] = ts.serve(&mut spend, t_nts[i], area * st.full.ts_td_per_m2, area * st.var.ts_cost_per_m2);
            release[i] = t_ts[i];
        }
        pool_end[g][Pool::TS] = ts.free;
        for m in Method::ALL {
            let p = Pool::Clearance(m);
            let mut clear = server(p);
            for &i in &mine {
                let (o, st) = (&outcomes[i], &t.strata[sites.stratum[i] as usize]);
                let per_m2 = st.full.td_per_m2[m];
                if !(per_m2 > 0.0) {
                    continue;
                }
                if !o.cancelled {
                    let work = o.xd * per_m2;
                    let end = clear.serve(&mut spend, t_ts[i], work, work * t.cost_per_td[p]);
                    release[i] = release[i].max(end);
                }
                // Land found contaminated again joins the queue, ready when the site arrived.
                let residual = st.residual * (o.stages.cancelled + o.stages.reduced);
                if residual > 0.0 {
                    let work = residual * per_m2;
                    clear.serve(&mut spend, o.arrival, work, work * t.cost_per_td[p]);
                }
            }
            pool_end[g][p] = clear.free;
        }
    }
    for r in &mut release {
        if !(*r < h as f64) {
            *r = f64::INFINITY;
        }
    }
    Done { release, pool_end, spend, plans }
}
