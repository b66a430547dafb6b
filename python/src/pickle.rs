//! Outcomes as bytes, for pickling: postcard (compact, not self-describing;
//! both ends are this same build, so the layout always matches).

use demine::Outcome;

/// The outcome as postcard bytes.
pub(crate) fn to_bytes(o: &Outcome) -> demine::Result<Vec<u8>> {
    postcard::to_stdvec(o).map_err(|e| demine::Error::Output(format!("outcome as bytes: {e}")))
}

/// The outcome from [`to_bytes`]' bytes.
pub(crate) fn from_bytes(b: &[u8]) -> demine::Result<Outcome> {
    postcard::from_bytes(b).map_err(|e| {
        demine::Error::InvalidValue(demine::Problem::text(
            "outcome",
            format!("{} bytes", b.len()),
            format!("not an outcome pickled by this version of demine: {e}"),
        ))
    })
}
