//! The data files `demine run` writes beside its table (`--sites-csv`, `--samples` with its units
//! companion, `--series`): checked against the run's inputs and each other before the run, and
//! written whole or not at all after it.

use super::checks::{self, check_sites_csv};
use demine::{Error, report};
use std::path::{Path, PathBuf};

/// The data files a `run` writes beside its table.
pub(crate) struct DataFiles {
    pub(crate) sites_csv: Option<PathBuf>,
    pub(crate) samples: Option<PathBuf>,
    pub(crate) series: Option<PathBuf>,
}

impl DataFiles {
    /// The companion file `--samples FILE` also writes: `FILE.units.csv`.
    fn units_path(samples: &Path) -> PathBuf {
        let mut units = samples.as_os_str().to_owned();
        units.push(".units.csv");
        PathBuf::from(units)
    }

    /// Each path can take an output file and is none of the run's inputs (the `--samples`
    /// companion included), and no two outputs are one file.
    pub(crate) fn check(&self, scenario: &str, s: Option<&demine::Scenario>) -> Result<(), Error> {
        check_sites_csv(self.sites_csv.as_deref(), scenario, s)?;
        checks::check_output(self.samples.as_deref(), "--samples", scenario, s)?;
        let units = self.samples.as_deref().map(Self::units_path);
        checks::check_output(units.as_deref(), "--samples (its companion FILE.units.csv)", scenario, s)?;
        checks::check_output(self.series.as_deref(), "--series", scenario, s)?;
        let outputs: Vec<(&str, &Path)> = [
            ("--sites-csv", self.sites_csv.as_deref()),
            ("--samples", self.samples.as_deref()),
            ("--samples (its companion FILE.units.csv)", units.as_deref()),
            ("--series", self.series.as_deref()),
        ]
        .into_iter()
        .filter_map(|(flag, p)| p.map(|p| (flag, p)))
        .collect();
        checks::distinct_outputs(&outputs)
    }

    /// `--series` needs yearly series and `--sites-csv` per-site results: a site-level run with a
    /// schedule (capacity and sites). The aggregate engine keeps neither, and an empty file would
    /// pass for an answer: refused before the run, as a flag error.
    pub(crate) fn check_needs_schedule(
        &self,
        s: &demine::Scenario,
        model: Option<demine::ModelLevel>,
    ) -> Result<(), Error> {
        let sites = s.sites().is_some() && model != Some(demine::ModelLevel::Aggregate);
        if sites && s.capacity().is_some() {
            return Ok(());
        }
        let wanted =
            [("--series", &self.series, "yearly series"), ("--sites-csv", &self.sites_csv, "per-site results")];
        let Some((flag, p, what)) = wanted.into_iter().find_map(|(f, p, w)| p.as_ref().map(|p| (f, p, w))) else {
            return Ok(());
        };
        Err(Error::InvalidValue(demine::Problem::text(
            flag,
            p.display().to_string(),
            if sites {
                format!("needs {what}, which only a run with capacity (a schedule) has; this scenario has none")
            } else {
                format!(
                    "needs {what}, which only the site engine keeps (a scenario with sites, without --model aggregate)"
                )
            },
        )))
    }

    /// Writes each file whole or not at all.
    pub(crate) fn write(&self, o: &demine::Outcome) -> Result<(), Error> {
        let put = |path: &std::path::Path, text: String| {
            demine::io::write_atomic(path, |w| w.write_all(text.as_bytes())).map_err(|e| Error::Output(e.to_string()))
        };
        if let Some(p) = &self.sites_csv {
            put(p, report::sites_csv(o)?)?;
        }
        if let Some(p) = &self.samples {
            put(p, report::samples_csv(o)?)?;
            put(&Self::units_path(p), report::samples_units_csv(o)?)?;
        }
        if let Some(p) = &self.series {
            put(p, report::series_csv(o)?)?;
        }
        Ok(())
    }
}
