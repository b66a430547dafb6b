//! Rank correlations between uncertain inputs, as a scenario states them.

use super::param::Params;
use crate::error::{Error, Problem, Result};
use crate::sampling::Correlation;
use nalgebra::DMatrix;

/// One stated rank correlation between two inputs, by name.
#[derive(Clone, Debug, PartialEq)]
pub struct CorrelationPair {
    /// The two inputs' names.
    pub inputs: [String; 2],
    /// Spearman rank correlation in [-1, 1].
    pub rank_correlation: f64,
}

/// A stated Spearman matrix over named inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct CorrelationMatrix {
    /// Row and column names.
    pub inputs: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<f64>>,
}

/// The correlations as stated (pairs and/or a matrix) and the validated
/// structure built from them over the scenario's inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct CorrelationModel {
    /// Replace a matrix that is not positive definite by the nearest correlation matrix.
    pub repair: bool,
    /// Pairwise correlations.
    pub pairs: Vec<CorrelationPair>,
    /// A matrix over some inputs.
    pub matrix: Option<CorrelationMatrix>,
    /// The combined, validated structure.
    pub built: Correlation,
}

impl CorrelationModel {
    /// Combines the pairs and the matrix over the scenario's inputs and validates the result.
    ///
    /// # Errors
    /// [`Error::InvalidScenario`] listing every misnamed input, bad or
    /// conflicting value (fields `correlation.pairs[k]...`, `correlation.matrix...`);
    /// [`Error::NotPositiveDefinite`] when the matrix is not positive definite and `repair` is off.
    pub fn new(
        repair: bool,
        pairs: Vec<CorrelationPair>,
        matrix: Option<CorrelationMatrix>,
        params: &Params,
    ) -> Result<Self> {
        let built = build(repair, &pairs, matrix.as_ref(), params)?;
        Ok(CorrelationModel { repair, pairs, matrix, built })
    }

    /// Rebuilds the structure after the scenario's inputs changed.
    ///
    /// # Errors
    /// As [`CorrelationModel::new`] (a correlated input made fixed is no longer an input).
    pub(crate) fn rebuild(&mut self, params: &Params) -> Result<()> {
        self.built = build(self.repair, &self.pairs, self.matrix.as_ref(), params)?;
        Ok(())
    }
}

fn build(
    repair: bool,
    pairs: &[CorrelationPair],
    matrix: Option<&CorrelationMatrix>,
    params: &Params,
) -> Result<Correlation> {
    let mut problems = Vec::new();
    let mut check_input = |field: String, name: &str| -> bool {
        if params.input_position(name).is_some() {
            return true;
        }
        problems.push(Problem::text(
            field,
            name.to_string(),
            "is not an uncertain input of this scenario (fixed values cannot be correlated; `demine inputs SCENARIO` lists the names)",
        ));
        false
    };
    let mut names: Vec<String> = Vec::new();
    let mut entries: Vec<(usize, usize, f64, String)> = Vec::new();
    let mut ok = true;
    let pos = |names: &mut Vec<String>, n: &str| -> usize {
        if let Some(p) = names.iter().position(|x| x == n) {
            p
        } else {
            names.push(n.to_string());
            names.len() - 1
        }
    };
    let mut shape_problems = Vec::new();
    if let Some(m) = matrix {
        let n = m.inputs.len();
        if m.rows.len() != n || m.rows.iter().any(|r| r.len() != n) {
            shape_problems.push(Problem::text(
                "correlation.matrix",
                format!("{}x{}", m.rows.len(), m.rows.first().map_or(0, Vec::len)),
                format!("must be {n}x{n}, one row and column per name in correlation.inputs"),
            ));
            ok = false;
        }
        for (k, name) in m.inputs.iter().enumerate() {
            if !check_input(format!("correlation.inputs[{k}]"), name) {
                ok = false;
            }
            pos(&mut names, name);
        }
        if ok {
            for (i, row) in m.rows.iter().enumerate() {
                for (j, v) in row.iter().enumerate() {
                    entries.push((i, j, *v, format!("correlation.matrix[{i}][{j}]")));
                }
            }
        }
    }
    let mut pair_problems = Vec::new();
    for (k, pair) in pairs.iter().enumerate() {
        let pp = format!("correlation.pairs[{k}]");
        let [a, b] = &pair.inputs;
        if a == b {
            pair_problems.push(Problem::text(
                format!("{pp}.inputs"),
                a.clone(),
                "an input cannot be correlated with itself",
            ));
            ok = false;
            continue;
        }
        let r = pair.rank_correlation;
        if !(r.abs() <= 1.0) {
            pair_problems.push(Problem::new(format!("{pp}.rank_correlation"), r, "a correlation must lie in [-1, 1]"));
            ok = false;
        }
        let known_a = check_input(format!("{pp}.inputs[0]"), a);
        let known_b = check_input(format!("{pp}.inputs[1]"), b);
        if !(known_a && known_b) {
            ok = false;
            continue;
        }
        let i = pos(&mut names, a);
        let j = pos(&mut names, b);
        entries.push((i, j, r, format!("{pp}.rank_correlation")));
        entries.push((j, i, r, format!("{pp}.rank_correlation")));
    }
    problems.extend(shape_problems);
    problems.extend(pair_problems);
    let n = names.len();
    let mut m = DMatrix::<f64>::identity(n, n);
    if ok {
        let mut set = vec![vec![None::<String>; n]; n];
        for (i, j, v, field) in entries {
            if i == j {
                m[(i, j)] = v;
                continue;
            }
            if let Some(prev) = &set[i][j]
                && (m[(i, j)] - v).abs() > 1e-12
                && !field.starts_with(prev.as_str())
            {
                problems.push(Problem::new(field.clone(), v, format!("conflicts with {prev} ({})", m[(i, j)])));
            }
            m[(i, j)] = v;
            set[i][j] = Some(field);
        }
    }
    if !problems.is_empty() {
        return Err(Error::InvalidScenario { source_name: "correlation".into(), problems });
    }
    let idx: Vec<usize> = names.iter().filter_map(|nm| params.input_position(nm)).collect();
    Correlation::new("correlation", idx, names, m, repair)
}
