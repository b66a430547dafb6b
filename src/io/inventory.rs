//! Hazardous-area inventories from CSV.
//!
//! One row per hazardous area (a polygon in the national database). Columns,
//! in any order, header required:
//!
//! | column | meaning |
//! |---|---|
//! | `id` | unique identifier |
//! | `region` | a region name of the scenario |
//! | `status` | `SHA` (suspected) or `CHA` (confirmed) |
//! | `hazard` | `mines`, `cluster_munitions` or `uxo` |
//! | `area_m2` | area in m², > 0 |
//! | `land_use` | `agriculture`, `forest`, `residential`, `infrastructure`, `water` or `other` |
//! | `population` | people living nearby, >= 0 |
//! | `priority` | optional: lower is worked first under the `as_given` policy |
//!
//! An export with other column names or values (IMSMA's "Hazard Type",
//! "Suspected Hazardous Area", "AP Mine", "Agricultural") is read through an
//! [`InventoryMapping`]: demine's column → the export's, and per column the
//! export's value → demine's; common IMSMA values are accepted without one
//! (docs/SCENARIOS.md lists them).
//!
//! Every problem names the file, the line and the column; all are reported at once.
//! A column may appear only once in the header. Text quoted from the file in a
//! message is escaped and cut to 40 characters ([`excerpt`]). The file must be a
//! regular file of at most [`Limit::INVENTORY`] (1 GiB) of UTF-8 text.

use super::csv_table::{Lines, csv_reader, header_columns};
use super::disk::{Limit, excerpt, read_text};
use crate::error::{Error, Problem, Result};
use crate::model::{HazardKind, Inventory, InventoryMapping, LandUse, Region, SiteRecord, Stratum};
use std::collections::HashMap;
use std::path::Path;

const REQUIRED: [&str; 7] = ["id", "region", "status", "hazard", "area_m2", "land_use", "population"];

/// The columns demine reads: the required ones and `priority`.
const COLUMNS: [&str; 8] = ["id", "region", "status", "hazard", "area_m2", "land_use", "population", "priority"];

/// The columns whose values a mapping may translate.
const MAPPED_VALUES: [&str; 4] = ["region", "status", "hazard", "land_use"];

/// Reads and validates an inventory against the scenario's regions and strata,
/// its columns and values mapped by `mapping` (empty: demine's own).
///
/// # Errors
/// [`Error::Io`] if the file cannot be read; [`Error::InvalidValue`] if it is
/// not a regular file or is over [`Limit::INVENTORY`]; [`Error::Parse`] with the
/// line of a byte that is not UTF-8; [`Error::InvalidScenario`] with one
/// problem per bad cell ("file: line L, column C (name)") or per bad entry of
/// the mapping.
pub fn read_inventory(
    path: &Path,
    given: &str,
    regions: &[Region],
    strata: &[Stratum],
    mapping: &InventoryMapping,
) -> Result<Inventory> {
    let text = read_text(path, Limit::INVENTORY)?;
    let mut inv = parse_inventory(&text, path, regions, strata, mapping)?;
    inv.given_path = given.to_string();
    Ok(inv)
}

/// Every problem of a mapping (`at` names where it was given: `sites`, or its
/// file): a column demine does not read, a value mapped onto something demine
/// does not accept, an unknown area unit.
#[must_use]
pub fn check_mapping(m: &InventoryMapping, at: &str, regions: &[Region]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for key in m.columns.keys().filter(|k| !COLUMNS.contains(&k.as_str())) {
        problems.push(Problem::text(
            format!("{at}.columns.{}", excerpt(key)),
            format!("'{}'", excerpt(key)),
            format!("is not a column demine reads ({})", COLUMNS.join(", ")),
        ));
    }
    for (column, values) in &m.values {
        if !MAPPED_VALUES.contains(&column.as_str()) {
            problems.push(Problem::text(
                format!("{at}.values.{}", excerpt(column)),
                format!("'{}'", excerpt(column)),
                format!("is not a column whose values can be mapped ({})", MAPPED_VALUES.join(", ")),
            ));
            continue;
        }
        for (from, to) in values {
            // What the column accepts, and the rule to say when `to` is not that.
            let (ok, rule) = match column.as_str() {
                "status" => (parse_status(to).is_some(), "must map onto SHA or CHA".to_string()),
                "hazard" => {
                    (HazardKind::parse(to).is_some(), "must map onto mines, cluster_munitions or uxo".to_string())
                }
                "land_use" => (
                    LandUse::parse(to).is_some(),
                    format!("must map onto one of {}", LandUse::ALL.map(LandUse::name).join(", ")),
                ),
                _ => (
                    regions.iter().any(|r| r.name == *to),
                    format!(
                        "must map onto a region of the scenario (known: {})",
                        regions.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                ),
            };
            if !ok {
                problems.push(Problem::text(
                    format!("{at}.values.{column}.\"{}\"", excerpt(from)),
                    format!("'{}'", excerpt(to)),
                    rule,
                ));
            }
        }
    }
    if let Some(u) = &m.area_unit
        && area_factor(u).is_none()
    {
        problems.push(Problem::text(format!("{at}.area_unit"), format!("'{}'", excerpt(u)), "must be m2, ha or km2"));
    }
    problems
}

/// m² per unit of the area column.
fn area_factor(unit: &str) -> Option<f64> {
    match unit.trim().to_ascii_lowercase().as_str() {
        "m2" | "m²" | "sqm" => Some(1.0),
        "ha" | "hectare" | "hectares" => Some(1e4),
        "km2" | "km²" => Some(1e6),
        _ => None,
    }
}

/// A status as demine reads it: `SHA`/`CHA` and IMSMA's words for them; `Some(true)` when confirmed.
fn parse_status(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
        "sha" | "suspected" | "suspected_hazardous_area" | "suspected_area" => Some(false),
        "cha" | "confirmed" | "confirmed_hazardous_area" | "confirmed_area" => Some(true),
        _ => None,
    }
}

/// Parses inventory CSV text (see [`read_inventory`]).
///
/// # Errors
/// As [`read_inventory`].
pub fn parse_inventory(
    text: &str,
    path: &Path,
    regions: &[Region],
    strata: &[Stratum],
    mapping: &InventoryMapping,
) -> Result<Inventory> {
    let file = path.display().to_string();
    let mut problems = Vec::new();
    let mut rdr = csv_reader(text, &file)?;
    let header = match rdr.headers() {
        Ok(h) => mapped_header(h, mapping, &file, &mut problems),
        Err(e) => {
            return Err(Error::Parse {
                path: path.to_path_buf(),
                line: 1,
                column: 1,
                message: super::disk::sanitize(&e.to_string()),
            });
        }
    };
    let col = header_columns(&file, &header, &REQUIRED, &mut problems);
    if !problems.is_empty() {
        return Err(Error::InvalidScenario { source_name: file, problems });
    }
    let values: HashMap<&str, HashMap<String, &str>> = mapping
        .values
        .iter()
        .map(|(c, m)| (c.as_str(), m.iter().map(|(from, to)| (from.trim().to_lowercase(), to.as_str())).collect()))
        .collect();
    let ctx = Rows {
        file: &file,
        col: &col,
        shown: COLUMNS
            .iter()
            .map(|c| {
                (*c, mapping.columns.get(*c).map_or_else(|| (*c).to_string(), |e| format!("{} as {c}", excerpt(e))))
            })
            .collect(),
        values,
        area_factor: mapping.area_unit.as_deref().and_then(area_factor).unwrap_or(1.0),
        width: header.len(),
        prio_col: col.get("priority").copied(),
        regions,
        strata,
        region_index: regions.iter().enumerate().map(|(i, r)| (r.name.as_str(), i)).collect(),
    };
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut sites = Vec::new();
    let mut totals = vec![0.0; strata.len()];
    let mut lines = Lines::new(text);
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_of(p.byte()));
                problems.push(Problem::text(
                    format!("{file}: line {line}"),
                    "row",
                    format!("is not valid CSV: {}", super::disk::sanitize(&e.to_string())),
                ));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| lines.line_of(p.byte()));
        if let Some(site) = ctx.row(&rec, line, &mut seen, &mut problems) {
            totals[site.stratum] += site.area_m2;
            sites.push(site);
        }
    }
    if sites.is_empty() && problems.is_empty() {
        problems.push(Problem::text(file.clone(), "no rows", "an inventory needs at least one hazardous area"));
    }
    if !problems.is_empty() {
        return Err(Error::InvalidScenario { source_name: file, problems });
    }
    Ok(Inventory {
        given_path: path.display().to_string(),
        path: path.to_path_buf(),
        sites,
        stratum_totals_m2: totals,
        mapping: mapping.clone(),
        mapping_path: None,
    })
}

/// The header with the export's column names replaced by demine's as `mapping` says; a column of
/// demine's name that the mapping takes from another column is set aside (renamed). A mapped
/// column the header lacks is a problem.
fn mapped_header(
    header: &csv::StringRecord,
    mapping: &InventoryMapping,
    file: &str,
    problems: &mut Vec<Problem>,
) -> csv::StringRecord {
    let mut names: Vec<String> = header.iter().map(str::to_string).collect();
    for (ours, theirs) in &mapping.columns {
        let found = names.iter().position(|h| h.eq_ignore_ascii_case(theirs.trim()));
        if let Some(k) = found {
            for (i, h) in names.iter_mut().enumerate() {
                if i != k && h.eq_ignore_ascii_case(ours) {
                    *h = format!("{h} (set aside: sites.columns.{ours} names another column)");
                }
            }
            names[k] = ours.clone();
        } else {
            problems.push(Problem::text(
                format!("{file}: line 1"),
                format!("header [{}]", excerpt(&header.iter().collect::<Vec<_>>().join(", "))),
                format!("has no column '{}', which sites.columns.{ours} names", excerpt(theirs)),
            ));
        }
    }
    csv::StringRecord::from(names)
}

/// What reading one row needs to know.
struct Rows<'a> {
    file: &'a str,
    col: &'a HashMap<String, usize>,
    /// How messages name each column: its own name, or the export's `Hazard Type as status`.
    shown: HashMap<&'static str, String>,
    /// Per column, the export's value (lower case, trimmed) → demine's.
    values: HashMap<&'a str, HashMap<String, &'a str>>,
    /// m² per unit of the area column.
    area_factor: f64,
    width: usize,
    prio_col: Option<usize>,
    regions: &'a [Region],
    strata: &'a [Stratum],
    region_index: HashMap<&'a str, usize>,
}

impl Rows<'_> {
    /// One row as a site, or `None` with its problems recorded.
    fn row(
        &self,
        rec: &csv::StringRecord,
        line: u64,
        seen: &mut HashMap<String, u64>,
        problems: &mut Vec<Problem>,
    ) -> Option<SiteRecord> {
        let at = |name: &str| {
            let k = self.col[name];
            format!(
                "{}: line {line}, column {} ({})",
                self.file,
                k + 1,
                self.shown.get(name).map_or(name, |s| s.as_str())
            )
        };
        let get = |name: &str| rec.get(self.col[name]);
        // A missing field (short row).
        let mut short = false;
        for name in REQUIRED {
            if get(name).is_none() {
                problems.push(Problem::text(
                    at(name),
                    "missing",
                    format!("every row needs {} fields as the header has; this one has {}", self.width, rec.len()),
                ));
                short = true;
            }
        }
        if short {
            return None;
        }
        // A value the mapping translates is read as its translation.
        let field = |name: &str| {
            let raw = get(name).unwrap_or("");
            self.values.get(name).and_then(|m| m.get(&raw.trim().to_lowercase()).copied()).unwrap_or(raw)
        };
        let id = field("id").to_string();
        if id.is_empty() {
            problems.push(Problem::text(at("id"), "\"\"", "must not be empty"));
        } else if let Some(first) = seen.insert(id.clone(), line) {
            problems.push(Problem::text(
                at("id"),
                format!("'{}'", excerpt(&id)),
                format!("is duplicated: first at line {first}"),
            ));
        }
        let region = match self.region_index.get(field("region")) {
            Some(r) => Some(*r),
            None => {
                problems.push(Problem::text(
                    at("region"),
                    format!("'{}'", excerpt(field("region"))),
                    format!(
                        "is not a region of the scenario (known: {})",
                        self.regions.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                ));
                None
            }
        };
        let confirmed = parse_status(field("status"));
        if confirmed.is_none() {
            problems.push(Problem::text(
                at("status"),
                format!("'{}'", excerpt(field("status"))),
                "must be SHA (suspected) or CHA (confirmed), or be mapped onto one in [sites.values.status]",
            ));
        }
        let hazard = match HazardKind::parse(field("hazard")) {
            Some(h) => Some(h),
            None => {
                problems.push(Problem::text(
                    at("hazard"),
                    format!("'{}'", excerpt(field("hazard"))),
                    "must be one of mines, cluster_munitions, uxo, or be mapped onto one in [sites.values.hazard]",
                ));
                None
            }
        };
        let stratum = match (region, hazard) {
            (Some(r), Some(h)) => {
                let found = self.regions[r].strata.clone().find(|&s| self.strata[s].hazard == h);
                if found.is_none() {
                    problems.push(Problem::text(
                        at("hazard"),
                        format!("'{h}'"),
                        format!("region '{}' has no {h} stratum in the scenario", self.regions[r].name),
                    ));
                }
                found
            }
            _ => None,
        };
        let number = |name: &str, problems: &mut Vec<Problem>| -> Option<f64> {
            let s = field(name);
            match s.parse::<f64>() {
                Ok(v) if v.is_finite() => Some(v),
                _ => {
                    problems.push(Problem::text(
                        at(name),
                        format!("'{}'", excerpt(s)),
                        "is malformed: must be a number",
                    ));
                    None
                }
            }
        };
        let area_m2 = number("area_m2", problems);
        if let Some(a) = area_m2
            && !(a > 0.0)
        {
            problems.push(Problem::new(at("area_m2"), a, "an area must be > 0"));
        }
        let area_m2 = area_m2.map(|a| a * self.area_factor);
        let population = number("population", problems);
        if let Some(p) = population
            && !(p >= 0.0)
        {
            problems.push(Problem::new(at("population"), p, "must be >= 0"));
        }
        let land_use = LandUse::parse(field("land_use"));
        if land_use.is_none() {
            problems.push(Problem::text(
                at("land_use"),
                format!("'{}'", excerpt(field("land_use"))),
                format!(
                    "must be one of {}, or be mapped onto one in [sites.values.land_use]",
                    LandUse::ALL.map(LandUse::name).join(", ")
                ),
            ));
        }
        let priority = match self.prio_col.and_then(|k| rec.get(k)) {
            None | Some("") => None,
            Some(s) => match s.parse::<f64>() {
                Ok(v) if v.is_finite() => Some(v),
                _ => {
                    problems.push(Problem::text(
                        format!("{}: line {line}, column {} (priority)", self.file, self.prio_col.unwrap_or(0) + 1),
                        format!("'{}'", excerpt(s)),
                        "is malformed: must be a number or empty",
                    ));
                    None
                }
            },
        };
        if let (Some(region), Some(stratum), Some(confirmed), Some(area_m2), Some(population), Some(land_use)) =
            (region, stratum, confirmed, area_m2, population, land_use)
            && area_m2 > 0.0
            && population >= 0.0
        {
            return Some(SiteRecord { id, region, stratum, confirmed, area_m2, land_use, population, priority });
        }
        None
    }
}
