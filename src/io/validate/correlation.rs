//! `[correlation]`: pairs and a matrix of rank correlations, by input name.

use super::Conv;
use crate::error::{Problem, Result};
use crate::io::file::CorrelationFile;
use crate::model::{CorrelationMatrix, CorrelationModel, CorrelationPair, Params};

/// The stated correlations, checked for shape; built once the inputs are known.
pub(crate) struct Stated {
    repair: bool,
    pairs: Vec<CorrelationPair>,
    /// The position in the file of each pair kept (malformed ones are left out).
    positions: Vec<usize>,
    matrix: Option<CorrelationMatrix>,
}

impl Stated {
    /// Builds the model over the scenario's inputs; problems name the pairs by their place in the file.
    pub(crate) fn build(self, params: &Params) -> Result<CorrelationModel> {
        let positions = self.positions;
        CorrelationModel::new(self.repair, self.pairs, self.matrix, params).map_err(|e| match e {
            crate::Error::InvalidScenario { source_name, mut problems } => {
                for p in &mut problems {
                    for (k, file_k) in positions.iter().enumerate().filter(|(k, f)| k != *f) {
                        let ours = format!("correlation.pairs[{k}]");
                        if let Some(rest) = p.field.strip_prefix(&ours) {
                            p.field = format!("correlation.pairs[{file_k}]{rest}");
                            break;
                        }
                    }
                }
                crate::Error::InvalidScenario { source_name, problems }
            }
            other => other,
        })
    }
}

/// Reads `[correlation]` (shape problems recorded); `None` when nothing well-formed is left to check.
pub(crate) fn correlation(conv: &mut Conv, cf: &CorrelationFile) -> Option<Stated> {
    let matrix = match (&cf.inputs, &cf.matrix) {
        (Some(inputs), Some(rows)) => Some(CorrelationMatrix { inputs: inputs.clone(), rows: rows.clone() }),
        (None, None) => None,
        _ => {
            conv.problems.push(Problem::text(
                "correlation",
                "inputs without matrix",
                "give `inputs` and `matrix` together",
            ));
            None
        }
    };
    let (mut pairs, mut positions) = (Vec::new(), Vec::new());
    for (k, pair) in cf.pairs.iter().enumerate() {
        match pair.inputs.as_slice() {
            [a, b] => {
                pairs.push(CorrelationPair { inputs: [a.clone(), b.clone()], rank_correlation: pair.rank_correlation });
                positions.push(k);
            }
            other => {
                conv.problems.push(Problem::text(
                    format!("correlation.pairs[{k}].inputs"),
                    format!("{} names", other.len()),
                    "must name exactly two inputs",
                ));
            }
        }
    }
    // The well-formed pairs are checked further even when others are not: every problem at once.
    if pairs.is_empty() && matrix.is_none() {
        return None;
    }
    Some(Stated { repair: cf.repair, pairs, positions, matrix })
}
