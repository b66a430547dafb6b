//! `[capacity]` (national or per region) and `[land_value]`.

use super::Conv;
use crate::error::Problem;
use crate::io::file::{CapacityFile, DistSpec, FundingFile, LandValueFile};
use crate::model::{CapacityGroup, Funding, LandValue, PerPool, PoolModel, Priority, Rule};

/// A converted capacity table with the schedule settings it states.
pub(crate) struct Table {
    pub group: CapacityGroup,
    pub horizon_years: Option<u32>,
    pub priority: Option<Priority>,
}

/// Converts one capacity table at `path` for the group `name` (`national` or a region's name).
pub(crate) fn table(conv: &mut Conv, path: &str, name: &str, f: &CapacityFile) -> Table {
    let lp = if name == "national" { String::new() } else { format!("{name}: ") };
    let working_days_per_year = conv.param(
        &format!("{path}.working_days_per_year"),
        &format!("{lp}working days per year"),
        &f.working_days_per_year,
        Rule::WorkingDays,
    );
    let budget_per_year = f.budget_usd_per_year.as_ref().map(|b| {
        let bp = format!("{path}.budget_usd_per_year");
        let p = conv.param(&bp, &format!("{lp}yearly budget"), b, Rule::Positive);
        if let DistSpec::Fixed(v) = b
            && *v == 0.0
        {
            // Replace the generic rule by the one that says why.
            conv.problems.retain(|q| q.field != bp);
            conv.problems.push(Problem::new(
                bp.clone(),
                *v,
                "a zero budget releases nothing: remove the cap or give a positive amount",
            ));
        }
        p
    });
    let mut pools = PerPool::default();
    for (pool, pf) in &f.teams {
        let pp = format!("{path}.teams.{pool}");
        let label = format!("{lp}{} teams", pool.label());
        let initial =
            conv.param(&format!("{pp}.initial"), &format!("{label}, initial"), &pf.initial, Rule::NonNegative);
        let growth_per_year = match &pf.growth_per_year {
            Some(g) => {
                conv.param(&format!("{pp}.growth_per_year"), &format!("{label}, growth per year"), g, Rule::Growth)
            }
            None => conv.default_param(
                &format!("{pp}.growth_per_year"),
                &format!("{label}, growth per year"),
                0.0,
                Rule::Growth,
            ),
        };
        let ceiling = conv.opt(&format!("{pp}.ceiling"), &format!("{label}, ceiling"), &pf.ceiling, Rule::NonNegative);
        let cost_per_team_year = conv.opt(
            &format!("{pp}.cost_per_team_year"),
            &format!("{label}, fixed cost per team-year"),
            &pf.cost_per_team_year,
            Rule::NonNegative,
        );
        let mobilisation_cost_per_team = conv.opt(
            &format!("{pp}.mobilisation_cost_per_team"),
            &format!("{label}, cost of raising a team"),
            &pf.mobilisation_cost_per_team,
            Rule::NonNegative,
        );
        let existing = conv.opt(
            &format!("{pp}.existing"),
            &format!("{label}, in service at the start"),
            &pf.existing,
            Rule::NonNegative,
        );
        let staff_per_team = conv.opt(
            &format!("{pp}.staff_per_team"),
            &format!("{label}, people per team"),
            &pf.staff_per_team,
            Rule::Positive,
        );
        pools[*pool] = Some(PoolModel {
            initial,
            growth_per_year,
            ceiling,
            cost_per_team_year,
            mobilisation_cost_per_team,
            existing,
            staff_per_team,
        });
    }
    let priority = f.priority.as_ref().and_then(|p| {
        let parsed = Priority::parse(p);
        if parsed.is_none() {
            conv.problems.push(Problem::text(
                format!("{path}.priority"),
                p.clone(),
                format!("must be one of {}", Priority::NAMES.join(", ")),
            ));
        }
        parsed
    });
    Table {
        group: CapacityGroup {
            name: name.to_string(),
            path: path.to_string(),
            working_days_per_year,
            budget_per_year,
            pools,
        },
        horizon_years: f.horizon_years,
        priority,
    }
}

/// The national `[capacity]` table.
pub(crate) fn national(conv: &mut Conv, f: &CapacityFile) -> Table {
    table(conv, "capacity", "national", f)
}

/// `[land_value]`.
pub(crate) fn land_value(conv: &mut Conv, f: Option<&LandValueFile>) -> Option<LandValue> {
    f.map(|l| {
        if let Some(d) = l.discount_rate
            && !(0.0..1.0).contains(&d)
        {
            conv.problems.push(Problem::new("land_value.discount_rate", d, "must lie in [0, 1)"));
        }
        LandValue {
            agriculture_per_ha_year: conv.param(
                "land_value.agriculture_usd_per_ha_year",
                "farmland value per ha per year",
                &l.agriculture_usd_per_ha_year,
                Rule::NonNegative,
            ),
            discount_rate: l.discount_rate,
        }
    })
}

/// `[funding]`: money per year (with growth) and pledges by year.
pub(crate) fn funding(
    conv: &mut Conv,
    f: Option<&FundingFile>,
    has_capacity: bool,
    start_year: i32,
) -> Option<Funding> {
    let f = f?;
    if !has_capacity {
        conv.problems.push(Problem::text(
            "funding",
            "given",
            "funding caps what teams can do each year, so the scenario needs a [capacity] (a schedule)",
        ));
    }
    if f.per_year.is_none() && f.pledges.is_empty() {
        conv.problems.push(Problem::text("funding", "empty", "give per_year, pledges, or both"));
    }
    let per_year = conv.opt("funding.per_year", "funding per year", &f.per_year, Rule::NonNegative);
    let growth_per_year =
        conv.opt("funding.growth_per_year", "funding growth per year", &f.growth_per_year, Rule::Growth);
    let mut seen = std::collections::BTreeMap::new();
    let pledges = f
        .pledges
        .iter()
        .enumerate()
        .map(|(k, pl)| {
            let path = format!("funding.pledges[{k}]");
            let (year, start) = (i64::from(pl.year), i64::from(start_year));
            if year < start {
                conv.problems.push(Problem::new(
                    format!("{path}.year"),
                    f64::from(pl.year),
                    format!("must not be before the start year ({start_year})"),
                ));
            } else if year >= start + 1000 {
                conv.problems.push(Problem::new(
                    format!("{path}.year"),
                    f64::from(pl.year),
                    format!("must be within 1000 years of the start year ({start_year})"),
                ));
            }
            if let Some(prev) = seen.insert(pl.year, k) {
                conv.problems.push(Problem::new(
                    format!("{path}.year"),
                    f64::from(pl.year),
                    format!("is pledged twice: funding.pledges[{prev}] has the same year"),
                ));
            }
            (
                pl.year,
                conv.param(
                    &format!("{path}.amount"),
                    &format!("pledge for {}", pl.year),
                    &pl.amount,
                    Rule::NonNegative,
                ),
            )
        })
        .collect();
    Some(Funding {
        per_year,
        growth_per_year,
        pledges,
        continue_last_pledge: f.continue_last_pledge,
        drives_capacity: f.drives_capacity,
    })
}
