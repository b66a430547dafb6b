//! The aggregate engine's schedule and bill (docs/MODEL.md §6): every pool works through its
//! group's team-days as a fluid, a year at a time, as the work arrives.

use super::Totals;
use super::plan::Planner;
use super::strata::Trial;
use super::years::{Bill, share_before};
use crate::model::{PerPool, Pool};
use crate::simulate::compiled::Compiled;

/// The aggregate engine's schedule.
pub(super) struct Programme {
    /// When the last land is released (infinite when not within the horizon).
    pub national: f64,
    /// Each group's end, and whether it ended within the horizon.
    pub group_end: Vec<f64>,
    pub group_done: Vec<bool>,
    pub bill: Bill,
}

/// One pool of one group as a fluid.
#[derive(Clone, Copy, Default)]
struct Fluid {
    /// Team-days of all its work, and done so far.
    work: f64,
    done: f64,
    /// When its last work arrives.
    arrival_end: f64,
    finished: bool,
    end: f64,
}

/// Share of stratum `st` that arrives in year `y`.
fn arriving(st: &super::strata::Stratum, y: usize) -> f64 {
    if st.later {
        st.arrived_by((y + 1) as f64) - st.arrived_by(y as f64)
    } else if y == 0 {
        1.0
    } else {
        0.0
    }
}

/// Runs the pools year by year until every one has finished and all land has arrived, or the
/// horizon; bills each year.
pub(super) fn run(c: &Compiled<'_>, t: &Trial, totals: &[Totals]) -> Programme {
    let s = c.scenario;
    let h = c.horizon;
    let n = t.groups.len();
    // Each stratum's team-days and variable cost by pool.
    let td: Vec<PerPool<f64>> = t.strata.iter().zip(totals).map(|(st, a)| st.full.team_days(&a.stages, a.xd)).collect();
    let vc: Vec<PerPool<f64>> = t
        .strata
        .iter()
        .zip(totals)
        .zip(&td)
        .map(|((st, a), td)| {
            PerPool::from_fn(|p| match p {
                Pool::NTS => a.stages.suspected * st.var.nts_cost_per_m2,
                Pool::TS => a.stages.surveyed * st.var.ts_cost_per_m2,
                Pool::Clearance(_) => td[p] * t.cost_per_td[p],
            })
        })
        .collect();
    let mut fluid = vec![PerPool([Fluid::default(); Pool::COUNT]); n];
    for (k, st) in t.strata.iter().enumerate() {
        for p in Pool::ALL {
            let f = &mut fluid[st.group][p];
            f.work += td[k][p];
            if td[k][p] > 0.0 {
                f.arrival_end = f.arrival_end.max(st.arrival_end());
            }
        }
    }
    // A pool with teams and work is scheduled; any other work is done when it arrives.
    let scheduled = |g: usize, p: Pool| t.groups[g].limited[p] && fluid[g][p].work > 0.0;
    let scheduled: Vec<PerPool<bool>> = (0..n).map(|g| PerPool::from_fn(|p| scheduled(g, p))).collect();
    let mut pending = scheduled.iter().map(|g| g.values().filter(|x| **x).count()).sum::<usize>();
    let with_land = |st: &&super::strata::Stratum| st.area_m2 > 0.0;
    let all_arrived_by = |y: f64| t.strata.iter().filter(with_land).all(|st| st.arrived_by(y) >= 1.0);
    let arrival_end = t.strata.iter().filter(with_land).map(|st| st.arrival_end()).fold(0.0, f64::max);
    let money = s.funding().is_some() || t.groups.iter().any(|g| g.budget.is_some());
    let mut planner = Planner::new(s, t);
    let mut bill = Bill::default();
    for y in 0..h {
        if y > 0 && pending == 0 && all_arrived_by(y as f64) {
            break;
        }
        // With money, a pool whose work is done gets no teams: its money goes to the others.
        let plan = planner
            .year(s, t, |g, p| if money && (!scheduled[g][p] || fluid[g][p].finished) { 0.0 } else { f64::INFINITY });
        let mut cost = 0.0;
        for g in 0..n {
            for p in Pool::ALL {
                let f = &mut fluid[g][p];
                if !scheduled[g][p] || f.finished {
                    continue;
                }
                let cap = plan.cap[g][p];
                let left = f.work - f.done;
                let mine = t.strata.iter().enumerate().filter(|(k, st)| st.group == g && td[*k][p] > 0.0);
                let all_in = mine.clone().all(|(_, st)| st.arrived_by((y + 1) as f64) >= 1.0);
                // Within rounding (1e-12 of its work): what is left is a difference of sums.
                let (done, share) = if all_in && cap >= left - 1e-12 * f.work {
                    let end = (y as f64 + if left > 0.0 { (left / cap).min(1.0) } else { 0.0 }).max(f.arrival_end);
                    f.finished = true;
                    f.end = end;
                    pending -= 1;
                    (left, end - y as f64)
                } else if !all_in {
                    // Work still to arrive: the teams do what has arrived and are paid all year.
                    let arrived: f64 = mine.map(|(k, st)| td[k][p] * st.arrived_by((y + 1) as f64)).sum();
                    (cap.min((arrived - f.done).max(0.0)), 1.0)
                } else {
                    (cap, 1.0)
                };
                f.done += done;
                cost += done * t.cost_per_td[p] + plan.teams[g][p] * t.groups[g].fixed[p] * share + plan.mob[g][p];
            }
        }
        // Work no team schedules is done, and paid, as it arrives.
        for (k, st) in t.strata.iter().enumerate() {
            for p in Pool::ALL {
                if !scheduled[st.group][p] {
                    cost += vc[k][p] * arriving(st, y);
                }
            }
        }
        let ends = pending == 0 && all_arrived_by((y + 1) as f64);
        let national = fluid.iter().flat_map(|g| g.values()).map(|f| f.end).fold(arrival_end, f64::max);
        let coordination = t.coordination * if ends { share_before(y, national) } else { 1.0 };
        bill.add(c, t, y, cost * (1.0 + t.overhead) + coordination, plan.funding.map(|f| (f, plan.planned)));
    }
    let finished = pending == 0 && all_arrived_by(h as f64);
    let mut group_end = vec![0.0; n];
    let mut group_done = vec![true; n];
    for (g, pools) in fluid.iter().enumerate() {
        group_done[g] = pools.iter().all(|(p, f)| !scheduled[g][p] || f.finished);
        group_end[g] = pools.values().map(|f| f.end).fold(0.0, f64::max);
    }
    for st in t.strata.iter().filter(with_land) {
        group_end[st.group] = group_end[st.group].max(st.arrival_end());
        group_done[st.group] &= st.arrived_by(h as f64) >= 1.0;
    }
    let national = if finished { group_end.iter().copied().fold(0.0, f64::max) } else { f64::INFINITY };
    Programme { national, group_end, group_done, bill }
}
