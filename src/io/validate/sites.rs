//! `[sites]`: a CSV inventory (read here, against the scenario's regions and
//! strata) or synthetic sites.

use super::Conv;
use crate::error::{Problem, Result};
use crate::io::file::SitesFile;
use crate::io::inventory;
use crate::model::{InventoryMapping, Scenario, SiteSource, SitesModel, StratumArea};
use std::path::Path;

/// The most synthetic sites a scenario may ask for (`sites.count`, each
/// stratum's `sites`, and their sum).
pub const MAX_SITES: u64 = 10_000_000;

/// The rule on a site count.
pub(crate) fn sites_rule() -> String {
    "must lie in [1, 10,000,000]".to_string()
}

/// Converts `[sites]`; an inventory's strata without an area take its totals.
///
/// # Errors
/// The inventory's own errors (file, line, column), returned at once.
pub(crate) fn sites(
    conv: &mut Conv,
    f: Option<&SitesFile>,
    base_dir: Option<&Path>,
    s: &mut Scenario,
) -> Result<Option<SitesModel>> {
    let Some(f) = f else { return Ok(None) };
    if let Some(v) = f.reduction_spread {
        conv.fixed_fraction("sites.reduction_spread", v);
    }
    conv.in_range("sites.team_day_cv", f.team_day_cv, 0.0, 5.0, "must lie in [0, 5]");
    let has_mapping = f.mapping.is_some() || !f.columns.is_empty() || !f.values.is_empty() || f.area_unit.is_some();
    if has_mapping && f.inventory.is_none() {
        conv.problems.push(Problem::text(
            "sites.mapping",
            "given",
            "maps an inventory's columns and values: it needs `inventory` (a CSV file)",
        ));
    }
    let source = match (&f.inventory, f.count) {
        (Some(given), None) => match mapping(conv, f, base_dir, s)? {
            // A mapping with problems (recorded): the inventory is not read.
            None => stand_in(),
            Some((mapping, mapping_path)) => {
                let mut inv =
                    inventory::read_inventory(&beside(base_dir, given), given, &s.regions, &s.strata, &mapping)?;
                inv.mapping_path = mapping_path;
                for (si, st) in s.strata.iter_mut().enumerate() {
                    if let StratumArea::Inventory(_) = st.area {
                        st.area = StratumArea::Inventory(inv.stratum_area_m2(si) / 1e6);
                    }
                }
                SiteSource::Inventory(inv)
            }
        },
        (None, Some(count)) => {
            if count == 0 || count > MAX_SITES {
                conv.problems.push(Problem::new("sites.count", count as f64, sites_rule()));
            }
            let explicit = s.strata.iter().filter_map(|st| st.site_count).fold(0u64, u64::saturating_add);
            if explicit > MAX_SITES && s.strata.iter().all(|st| st.site_count.is_none_or(|n| n <= MAX_SITES)) {
                conv.problems.push(Problem::new(
                    "regions[].strata[].sites",
                    explicit as f64,
                    "the strata's site counts add up to more than 10,000,000 (at most 10,000,000 sites in all)",
                ));
            }
            conv.in_range("sites.size_cv", f.size_cv, 0.0, 10.0, "must lie in [0, 10]");
            conv.in_range("sites.population_cv", f.population_cv, 0.0, 10.0, "must lie in [0, 10]");
            SiteSource::Synthetic { count, size_cv: f.size_cv, seed: f.seed, population_cv: f.population_cv }
        }
        _ => {
            conv.problems.push(Problem::text(
                "sites",
                "inventory and count",
                "give exactly one of `inventory` (a CSV file) and `count` (synthetic sites)",
            ));
            stand_in()
        }
    };
    Ok(Some(SitesModel { source, reduction_spread: f.reduction_spread, team_day_cv: f.team_day_cv }))
}

/// A path the scenario gives, relative to the scenario file's directory (when it has one).
fn beside(base_dir: Option<&Path>, given: &str) -> std::path::PathBuf {
    base_dir.map_or_else(|| Path::new(given).to_path_buf(), |b| b.join(given))
}

/// The sites of a `[sites]` table with problems (recorded): the scenario is refused, so any will do.
fn stand_in() -> SiteSource {
    SiteSource::Synthetic { count: 1, size_cv: None, seed: None, population_cv: None }
}

/// The inventory's mapping: `[sites.columns]`, `[sites.values.*]` and `sites.area_unit`, or the TOML
/// file `sites.mapping` names (not both), with the path of that file. `None` when it has problems
/// (recorded in `conv`).
///
/// # Errors
/// The mapping file's own errors: unreadable, too large, not TOML of the mapping's keys.
fn mapping(
    conv: &mut Conv,
    f: &SitesFile,
    base_dir: Option<&Path>,
    s: &Scenario,
) -> Result<Option<(InventoryMapping, Option<std::path::PathBuf>)>> {
    let inline =
        InventoryMapping { columns: f.columns.clone(), values: f.values.clone(), area_unit: f.area_unit.clone() };
    let (m, at, path) = match &f.mapping {
        None => (inline, "sites".to_string(), None),
        Some(_) if !inline.is_empty() => {
            conv.problems.push(Problem::text(
                "sites.mapping",
                "given with sites.columns, sites.values or sites.area_unit",
                "give the mapping in one place: the file, or the [sites] table",
            ));
            return Ok(None);
        }
        Some(given) => {
            let full = beside(base_dir, given);
            let text = crate::io::disk::read_text(&full, crate::io::disk::Limit::SCENARIO)?;
            let m = toml::from_str::<InventoryMapping>(&text).map_err(|e| crate::io::toml_error(&e, &text, &full))?;
            (m, full.display().to_string(), Some(full))
        }
    };
    let problems = inventory::check_mapping(&m, &at, &s.regions);
    if problems.is_empty() {
        Ok(Some((m, path)))
    } else {
        conv.problems.extend(problems);
        Ok(None)
    }
}
