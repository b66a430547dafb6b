//! `[capacity]` (national or per region) and `[land_value]`.

use super::Conv;
use crate::error::Problem;
use crate::io::file::{CapacityFile, DistSpec, LandValueFile};
use crate::model::{CapacityGroup, LandValue, PerPool, PoolModel, Priority, Rule};

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
        let label = format!("{lp}{pool} teams");
        let initial =
            conv.param(&format!("{pp}.initial"), &format!("{label}, initial"), &pf.initial, Rule::NonNegative);
        let growth_per_year = match &pf.growth_per_year {
            Some(g) => conv.param(&format!("{pp}.growth_per_year"), &format!("{label}, growth"), g, Rule::Growth),
            None => {
                conv.default_param(&format!("{pp}.growth_per_year"), &format!("{label}, growth"), 0.0, Rule::Growth)
            }
        };
        let ceiling = conv.opt(&format!("{pp}.ceiling"), &format!("{label}, ceiling"), &pf.ceiling, Rule::NonNegative);
        pools[*pool] = Some(PoolModel { initial, growth_per_year, ceiling });
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
