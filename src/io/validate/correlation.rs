//! `[correlation]`: pairs and a matrix of rank correlations, by input name.

use super::Conv;
use crate::error::{Problem, Result};
use crate::io::file::CorrelationFile;
use crate::model::{CorrelationMatrix, CorrelationModel, CorrelationPair, Params};

/// The stated correlations, checked for shape; built once the inputs are known.
pub(crate) struct Stated {
    repair: bool,
    pairs: Vec<CorrelationPair>,
    matrix: Option<CorrelationMatrix>,
}

impl Stated {
    /// Builds the model over the scenario's inputs.
    pub(crate) fn build(self, params: &Params) -> Result<CorrelationModel> {
        CorrelationModel::new(self.repair, self.pairs, self.matrix, params)
    }
}

/// Reads `[correlation]`; `None` when its shape is already wrong (problems recorded).
pub(crate) fn correlation(conv: &mut Conv, cf: &CorrelationFile) -> Option<Stated> {
    let mut ok = true;
    let matrix = match (&cf.inputs, &cf.matrix) {
        (Some(inputs), Some(rows)) => Some(CorrelationMatrix { inputs: inputs.clone(), rows: rows.clone() }),
        (None, None) => None,
        _ => {
            conv.problems.push(Problem::text(
                "correlation",
                "inputs without matrix",
                "give `inputs` and `matrix` together",
            ));
            ok = false;
            None
        }
    };
    let mut pairs = Vec::new();
    for (k, pair) in cf.pairs.iter().enumerate() {
        match pair.inputs.as_slice() {
            [a, b] => {
                pairs.push(CorrelationPair { inputs: [a.clone(), b.clone()], rank_correlation: pair.rank_correlation })
            }
            other => {
                conv.problems.push(Problem::text(
                    format!("correlation.pairs[{k}].inputs"),
                    format!("{} names", other.len()),
                    "must name exactly two inputs",
                ));
                ok = false;
            }
        }
    }
    if !ok || (pairs.is_empty() && matrix.is_none()) {
        return None;
    }
    Some(Stated { repair: cf.repair, pairs, matrix })
}
