//! `[[regions]]` with their strata, land-release overrides and capacity tables;
//! the one schedule all capacity tables share.

use super::Conv;
use super::capacity::{Table, table};
use super::land_release::level;
use crate::error::Problem;
use crate::io::file::{ScenarioFile, StratumFile};
use crate::model::{Capacity, LandRelease, PerMethod, Priority, Region, ResolvedRelease, Rule, Stratum, StratumArea};
use std::collections::BTreeMap;

/// The regions, their strata, and the capacity (national table first, then regional ones).
pub(crate) fn regions(
    conv: &mut Conv,
    f: &ScenarioFile,
    has_national_area: bool,
    national: Option<Table>,
) -> (Vec<Region>, Vec<Stratum>, Option<Capacity>) {
    if f.regions.is_empty() {
        conv.problems.push(Problem::text("regions", "[]", "must hold at least one region"));
    }
    let has_inventory = f.sites.as_ref().is_some_and(|s| s.inventory.is_some());
    let national_group = national.is_some();
    let mut schedule = Schedule::default();
    let mut groups = Vec::new();
    if let Some(t) = national {
        schedule.first(t.horizon_years, t.priority);
        groups.push(t.group);
    }
    let mut regions = Vec::new();
    let mut strata = Vec::new();
    let mut names = BTreeMap::new();
    for (ri, rf) in f.regions.iter().enumerate() {
        let rp = format!("regions[{ri}]");
        if rf.name.trim().is_empty() {
            conv.problems.push(Problem::text(format!("{rp}.name"), "\"\"", "must not be empty"));
        } else if let Some(prev) = names.insert(rf.name.clone(), ri) {
            conv.problems.push(Problem::text(
                format!("{rp}.name"),
                rf.name.clone(),
                format!("must be unique, but regions[{prev}] has the same name"),
            ));
        }
        if let Some(a) = rf.land_area_km2
            && !(a > 0.0 && a.is_finite())
        {
            conv.problems.push(Problem::new(format!("{rp}.land_area_km2"), a, "must be > 0"));
        }
        if let Some(p) = rf.population_exposed
            && !(p >= 0.0 && p.is_finite())
        {
            conv.problems.push(Problem::new(format!("{rp}.population_exposed"), p, "must be >= 0"));
        }
        if let Some(v) = rf.agricultural_share {
            conv.fixed_fraction(&format!("{rp}.agricultural_share"), v);
        }
        let land_release = rf
            .land_release
            .as_ref()
            .map(|l| level(conv, &format!("{rp}.land_release"), &format!("{}: ", rf.name), l))
            .unwrap_or_default();
        let capacity_group = match &rf.capacity {
            Some(c) => {
                let t = table(conv, &format!("{rp}.capacity"), &rf.name, c);
                if groups.is_empty() {
                    schedule.first(t.horizon_years, t.priority);
                } else {
                    schedule.agree(conv, &rp, t.horizon_years, t.priority);
                }
                groups.push(t.group);
                Some(groups.len() - 1)
            }
            None => national_group.then_some(0),
        };
        let first = strata.len();
        if rf.strata.is_empty() {
            conv.problems.push(Problem::text(format!("{rp}.strata"), "[]", "must hold at least one stratum"));
        }
        let mut kinds = BTreeMap::new();
        for (si, sf) in rf.strata.iter().enumerate() {
            let sp = format!("{rp}.strata[{si}]");
            if let Some(prev) = kinds.insert(sf.hazard, si) {
                conv.problems.push(Problem::text(
                    format!("{sp}.hazard"),
                    sf.hazard.name(),
                    format!("each hazard kind appears once per region, but {rp}.strata[{prev}] has it too"),
                ));
            }
            strata.push(stratum(
                conv,
                &sp,
                &format!("{} / {}: ", rf.name, sf.hazard),
                ri,
                sf,
                has_national_area,
                has_inventory,
            ));
        }
        regions.push(Region {
            name: rf.name.clone(),
            land_area_km2: rf.land_area_km2,
            population_exposed: rf.population_exposed,
            agricultural_share: rf.agricultural_share,
            land_release,
            capacity_group,
            own_capacity: rf.capacity.is_some(),
            strata: first..strata.len(),
        });
    }
    let capacity = (!groups.is_empty()).then(|| {
        let mut horizon_years = schedule.horizon.unwrap_or(100);
        if horizon_years == 0 || horizon_years > 1000 {
            let field = if national_group { "capacity.horizon_years" } else { "regions[].capacity.horizon_years" };
            conv.problems.push(Problem::new(field, f64::from(horizon_years), "must lie in [1, 1000]"));
            horizon_years = horizon_years.clamp(1, 1000);
        }
        Capacity { groups, national: national_group, horizon_years, priority: schedule.priority.unwrap_or_default() }
    });
    (regions, strata, capacity)
}

/// The horizon and work order of the one schedule, set by the first capacity table.
#[derive(Default)]
struct Schedule {
    horizon: Option<u32>,
    priority: Option<Priority>,
}

impl Schedule {
    fn first(&mut self, horizon: Option<u32>, priority: Option<Priority>) {
        self.horizon = horizon;
        self.priority = priority;
    }

    /// A later table may restate the horizon and work order, but not change them.
    fn agree(&mut self, conv: &mut Conv, rp: &str, horizon: Option<u32>, priority: Option<Priority>) {
        let h0 = self.horizon.unwrap_or(100);
        if let Some(h) = horizon
            && h != h0
        {
            conv.problems.push(Problem::new(
                format!("{rp}.capacity.horizon_years"),
                f64::from(h),
                format!("must equal the horizon of the first capacity table ({h0}): one schedule runs for all regions"),
            ));
        }
        let p0 = self.priority.unwrap_or_default();
        if let Some(p) = priority
            && p != p0
        {
            conv.problems.push(Problem::text(
                format!("{rp}.capacity.priority"),
                p.name(),
                format!(
                    "must equal the work order of the first capacity table ({}): one schedule runs for all regions",
                    p0.name()
                ),
            ));
        }
    }
}

fn stratum(
    conv: &mut Conv,
    sp: &str,
    sl: &str,
    region: usize,
    sf: &StratumFile,
    has_national_area: bool,
    has_inventory: bool,
) -> Stratum {
    let mut land_release =
        sf.land_release.as_ref().map(|l| level(conv, &format!("{sp}.land_release"), sl, l)).unwrap_or_default();
    let area = match (&sf.suspected_area_km2, &sf.barrier) {
        (None, None) if sf.added_km2_per_year.is_some() => {
            let rate = sf.added_km2_per_year.as_ref().map(|r| {
                conv.param(
                    &format!("{sp}.added_km2_per_year"),
                    &format!("{sl}new suspected area per year (km²)"),
                    r,
                    Rule::NonNegative,
                )
            });
            let until = match &sf.until_year {
                Some(u) => Some(conv.param(
                    &format!("{sp}.until_year"),
                    &format!("{sl}end of new contamination (year)"),
                    u,
                    Rule::Year,
                )),
                None => {
                    conv.problems.push(Problem::text(
                        format!("{sp}.until_year"),
                        "missing",
                        "added_km2_per_year needs until_year, the year new contamination stops",
                    ));
                    None
                }
            };
            match (rate, until) {
                (Some(rate_km2_per_year), Some(until_year)) => StratumArea::Added { rate_km2_per_year, until_year },
                _ => StratumArea::Inventory(0.0),
            }
        }
        (Some(a), None) => StratumArea::Area(conv.param(
            &format!("{sp}.suspected_area_km2"),
            &format!("{sl}suspected area (km²)"),
            a,
            Rule::NonNegative,
        )),
        (None, Some(b)) => {
            let bp = format!("{sp}.barrier");
            if has_national_area {
                conv.problems.push(Problem::text(
                    bp.clone(),
                    "a barrier",
                    "cannot be combined with a national suspected_area_km2 (which rescales areas)",
                ));
            }
            let mut p = |k: &str, label: &str, spec| {
                conv.param(&format!("{bp}.{k}"), &format!("{sl}{label}"), spec, Rule::NonNegative)
            };
            let length_km = p("length_km", "border length (km)", &b.length_km);
            let width_m = p("width_m", "belt width (m)", &b.width_m);
            let mines_per_km = p("mines_per_km", "mines per km", &b.mines_per_km);
            let mine_unit_cost = p("mine_unit_cost_usd", "purchase cost per mine", &b.mine_unit_cost_usd);
            let share_mined = conv.opt(
                &format!("{bp}.share_mined"),
                &format!("{sl}share of the border mined"),
                &b.share_mined,
                Rule::Fraction,
            );
            let emplacement_cost = conv.opt(
                &format!("{bp}.emplacement_cost_usd_per_mine"),
                &format!("{sl}emplacement cost per mine"),
                &b.emplacement_cost_usd_per_mine,
                Rule::NonNegative,
            );
            StratumArea::Barrier { length_km, share_mined, width_m, mines_per_km, mine_unit_cost, emplacement_cost }
        }
        (None, None) => {
            if !has_inventory {
                conv.problems.push(Problem::text(
                    sp,
                    "no area",
                    "give suspected_area_km2 or barrier (or an inventory in [sites])",
                ));
            }
            StratumArea::Inventory(0.0)
        }
        (Some(_), Some(_)) => {
            conv.problems.push(Problem::text(sp, "both", "give suspected_area_km2 or barrier, not both"));
            StratumArea::Inventory(0.0)
        }
    };
    if matches!(area, StratumArea::Barrier { .. }) {
        barrier_release(conv, sp, sl, &mut land_release);
    }
    if sf.added_km2_per_year.is_some() && (sf.suspected_area_km2.is_some() || sf.barrier.is_some()) {
        conv.problems.push(Problem::text(
            format!("{sp}.added_km2_per_year"),
            "given",
            "give suspected_area_km2, barrier or added_km2_per_year, one of them",
        ));
    }
    if sf.until_year.is_some() && sf.added_km2_per_year.is_none() {
        conv.problems.push(Problem::text(format!("{sp}.until_year"), "given", "only goes with added_km2_per_year"));
    }
    let arrives_year = sf.arrives_year.as_ref().map(|y| {
        conv.param(&format!("{sp}.arrives_year"), &format!("{sl}year it comes into the workload"), y, Rule::Year)
    });
    if let Some(n) = sf.sites
        && (n == 0 || n > super::sites::MAX_SITES)
    {
        let rule = if n == 0 { "must be >= 1".to_string() } else { super::sites::sites_rule() };
        conv.problems.push(Problem::new(format!("{sp}.sites"), n as f64, rule));
    }
    Stratum {
        region,
        hazard: sf.hazard,
        path: sp.to_string(),
        area,
        land_release,
        site_count: sf.sites,
        arrives_year,
        release: unresolved(),
    }
}

/// A barrier is a recorded minefield: confirmed and fully contaminated, whatever the levels above say.
fn barrier_release(conv: &mut Conv, sp: &str, sl: &str, lr: &mut LandRelease) {
    for (slot, name, label) in [
        (&mut lr.confirmed_fraction, "confirmed_fraction", "confirmed (CHA) fraction"),
        (&mut lr.contaminated_fraction, "contaminated_fraction", "contaminated fraction"),
    ] {
        if slot.is_some() {
            conv.problems.push(Problem::text(
                format!("{sp}.land_release.{name}"),
                "given",
                "a barrier minefield is confirmed and fully contaminated: remove this field",
            ));
        }
        *slot = Some(conv.default_param(
            &format!("{sp}.land_release.{name}"),
            &format!("{sl}{label}"),
            1.0,
            Rule::Fraction,
        ));
    }
}

/// Placeholder until the override chain is resolved ([`crate::model::Scenario`] does it).
fn unresolved() -> ResolvedRelease {
    let p = crate::model::Param(0);
    ResolvedRelease {
        cancelled_fraction: p,
        reduced_fraction: p,
        confirmed_fraction: p,
        contaminated_fraction: p,
        items_per_km2: p,
        method_shares: PerMethod::default(),
        residual_fraction: p,
        cancelled_fraction_trend: p,
    }
}
