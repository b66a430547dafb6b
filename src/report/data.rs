//! Per-trial data out: every trial's inputs and outputs (`--samples`), the
//! yearly series per trial in long format (`--series`), and the units of both.
//!
//! The files load into pandas (`pd.read_csv(path)`) and R (`read.csv(path)`)
//! with no options: one header row of plain names, one row per trial (or per
//! trial and year), numbers at full precision, `NaN` where a trial failed.

use super::run::csv_text;
use crate::error::{Error, Result};
use crate::simulate::{Outcome, Series};

/// The column name of an output: `total_cost`, or `Kharkiv: total_cost` for a region's.
fn column(o: &Outcome, name: &str, region: Option<usize>) -> String {
    match region {
        Some(r) => format!("{}: {name}", o.region_names()[r]),
        None => name.to_string(),
    }
}

/// The input columns: each input's path, prefixed `input.` where it would
/// repeat an output's name (the national `suspected_area_km2` is both).
fn input_columns(o: &Outcome) -> Vec<String> {
    o.input_names()
        .iter()
        .map(|n| {
            if o.outputs().iter().any(|d| d.region.is_none() && &d.name == n) {
                format!("input.{n}")
            } else {
                n.clone()
            }
        })
        .collect()
}

/// Every trial's inputs and outputs: `trial`, then one column per uncertain
/// input (its path; `input.` in front where an output has the same name),
/// then one per output (regional ones as `Region: name`).
///
/// # Errors
/// [`Error::Output`] if the CSV writer fails.
pub fn samples_csv(o: &Outcome) -> Result<String> {
    let bad = |e: csv::Error| Error::Output(format!("CSV: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    let defs = o.outputs();
    let mut header = vec!["trial".to_string()];
    header.extend(input_columns(o));
    header.extend(defs.iter().map(|d| column(o, &d.name, d.region)));
    w.write_record(&header).map_err(bad)?;
    let inputs: Vec<&[f64]> = (0..o.input_names().len()).filter_map(|i| o.input_values(i)).collect();
    let outputs: Vec<&[f64]> = defs
        .iter()
        .map(|d| match d.region {
            Some(r) => o.region_values(&o.region_names()[r], &d.name).unwrap_or(&[]),
            None => o.values(&d.name).unwrap_or(&[]),
        })
        .collect();
    let mut rec = Vec::with_capacity(header.len());
    for t in 0..o.trials() as usize {
        rec.clear();
        rec.push(t.to_string());
        rec.extend(inputs.iter().chain(&outputs).map(|c| c.get(t).map_or("NaN".to_string(), |v| v.to_string())));
        w.write_record(&rec).map_err(bad)?;
    }
    csv_text(w)
}

/// The units of the `--samples` columns: `column, unit, description`.
///
/// # Errors
/// [`Error::Output`] if the CSV writer fails.
pub fn samples_units_csv(o: &Outcome) -> Result<String> {
    let bad = |e: csv::Error| Error::Output(format!("CSV: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["column", "unit", "description"]).map_err(bad)?;
    w.write_record(["trial", "", "trial index (0-based); with the seed it reproduces the row"]).map_err(bad)?;
    for (name, label) in input_columns(o).iter().zip(o.input_labels()) {
        w.write_record([name.as_str(), "", label.as_str()]).map_err(bad)?;
    }
    for d in o.outputs() {
        let col = column(o, &d.name, d.region);
        w.write_record([col.as_str(), d.unit.as_str(), d.output.description()]).map_err(bad)?;
    }
    csv_text(w)
}

/// The yearly series of every trial in long format: `trial, year`, then one
/// column per series (`area_released_km2`, `spending` ...). Empty (header
/// only) without a schedule.
///
/// # Errors
/// [`Error::Output`] if the CSV writer fails.
pub fn series_csv(o: &Outcome) -> Result<String> {
    const ALL: [Series; 8] = Series::EVERY;
    let bad = |e: csv::Error| Error::Output(format!("CSV: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["trial".to_string(), "year".to_string()];
    header.extend(ALL.iter().map(|s| s.name().to_string()));
    w.write_record(&header).map_err(bad)?;
    let mut rec = Vec::with_capacity(header.len());
    for t in 0..o.trials() as usize {
        for (y, v) in o.trial_series(t).iter().enumerate() {
            rec.clear();
            rec.push(t.to_string());
            rec.push((i64::from(o.start_year()) + y as i64).to_string());
            rec.extend(ALL.iter().map(|s| s.get(v).to_string()));
            w.write_record(&rec).map_err(bad)?;
        }
    }
    csv_text(w)
}
