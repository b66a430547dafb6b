//! The search the deadline solvers share ([`required_clearance_capacity`],
//! [`required_budget`]): the smallest scale (a factor on today's teams, a
//! yearly budget) whose probability of meeting a deadline reaches a
//! confidence.
//!
//! The probability is estimated at every scale on the same random numbers
//! (common random numbers), so it does not fall as the scale grows, and a
//! bracket-then-bisect search is sound: from a first guess, double (or halve)
//! until the target is bracketed, never past the limits, then bisect to 1 %
//! relative precision. Every evaluation is recorded, in order.
//!
//! [`required_clearance_capacity`]: super::required_clearance_capacity
//! [`required_budget`]: super::required_budget

use crate::error::{Error, Result};

/// The relative precision of the answer: bisection stops once
/// `(hi - lo) / hi` is at most this, `hi` meeting the target and `lo` not.
pub(crate) const RELATIVE_PRECISION: f64 = 0.01;

/// What [`smallest_meeting`] found.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Search {
    /// The smallest scale evaluated whose probability meets the target. Unless
    /// it is the lower limit, a scale at most [`RELATIVE_PRECISION`] smaller
    /// (relative to it) was evaluated and does not meet the target.
    pub scale: f64,
    /// The probability at `scale` (at least the target).
    pub probability: f64,
    /// `scale` is the lower limit: it meets the target and no smaller scale was tried.
    pub at_lower_limit: bool,
    /// Every scale evaluated and its probability, in the order evaluated.
    pub evaluations: Vec<(f64, f64)>,
}

/// Why [`smallest_meeting`] gave no answer.
#[derive(Debug)]
pub(crate) enum SearchError {
    /// Not even the upper limit meets the target: no scale up to the limit does.
    NotMet {
        /// The upper limit, the largest scale evaluated.
        upper_limit: f64,
        /// The probability at the upper limit (below the target).
        probability: f64,
    },
    /// The evaluation of a scale failed: its error, unchanged. No scale is evaluated after it.
    Eval(Error),
    /// The arguments make no search: a limit or the first guess not finite and
    /// positive, the first guess outside the limits, or a target that is NaN.
    /// Nothing was evaluated.
    Invalid(Error),
}

impl SearchError {
    /// The error as the crate's: an evaluation's or argument's error unchanged;
    /// [`SearchError::NotMet`] as a plain [`Error::Infeasible`] (callers usually
    /// say more: what the scale is, what limits it).
    pub(crate) fn into_error(self) -> Error {
        match self {
            SearchError::NotMet { upper_limit, probability } => Error::Infeasible(format!(
                "not even the upper limit {upper_limit} meets the target (probability {probability})"
            )),
            SearchError::Eval(e) | SearchError::Invalid(e) => e,
        }
    }
}

/// The smallest scale `x` in `[lower_limit, upper_limit]` with
/// `eval(x) >= target`, to [`RELATIVE_PRECISION`], for an `eval` that does
/// not decrease as `x` grows.
///
/// Evaluates `first`; if it meets the target, halves until a scale does not
/// (never going below `lower_limit`: the last step is clamped to it, and if
/// `lower_limit` itself meets the target it is the answer); otherwise doubles
/// until one does (the last step clamped to `upper_limit`; if that does not
/// meet the target either, [`SearchError::NotMet`]). Then bisects the bracket
/// `[lo, hi]` at its midpoint until `(hi - lo) / hi <= RELATIVE_PRECISION`.
/// A probability that is NaN counts as not meeting the target.
///
/// # Errors
/// [`SearchError::NotMet`] when not even `upper_limit` meets the target;
/// [`SearchError::Eval`] with the first error `eval` returns;
/// [`SearchError::Invalid`] for arguments that make no search (see there).
pub(crate) fn smallest_meeting(
    first: f64,
    lower_limit: f64,
    upper_limit: f64,
    target: f64,
    mut eval: impl FnMut(f64) -> Result<f64>,
) -> std::result::Result<Search, SearchError> {
    check_arguments(first, lower_limit, upper_limit, target).map_err(SearchError::Invalid)?;
    let mut evaluations = Vec::new();
    let mut at = |x: f64| -> std::result::Result<f64, SearchError> {
        let p = eval(x).map_err(SearchError::Eval)?;
        evaluations.push((x, p));
        Ok(p)
    };
    let meets = |p: f64| p >= target;
    let p_first = at(first)?;
    let (mut lo, mut hi, mut p_hi) = (first, first, p_first);
    if meets(p_first) {
        // Halve until a scale fails to meet the target.
        loop {
            if hi <= lower_limit {
                return Ok(Search { scale: hi, probability: p_hi, at_lower_limit: true, evaluations });
            }
            lo = (hi / 2.0).max(lower_limit);
            let p = at(lo)?;
            if !meets(p) {
                break;
            }
            (hi, p_hi) = (lo, p);
        }
    } else {
        // Double until a scale meets the target.
        let mut p_lo = p_first;
        loop {
            if lo >= upper_limit {
                return Err(SearchError::NotMet { upper_limit: lo, probability: p_lo });
            }
            hi = (lo * 2.0).min(upper_limit);
            let p = at(hi)?;
            if meets(p) {
                p_hi = p;
                break;
            }
            (lo, p_lo) = (hi, p);
        }
    }
    while (hi - lo) / hi > RELATIVE_PRECISION {
        let mid = 0.5 * (lo + hi);
        let p = at(mid)?;
        if meets(p) {
            (hi, p_hi) = (mid, p);
        } else {
            lo = mid;
        }
    }
    Ok(Search { scale: hi, probability: p_hi, at_lower_limit: false, evaluations })
}

/// The arguments of [`smallest_meeting`] make a search: limits finite and
/// positive, `lower_limit <= first <= upper_limit`, a target that is not NaN.
fn check_arguments(first: f64, lower_limit: f64, upper_limit: f64, target: f64) -> Result<()> {
    for (name, v) in [("lower_limit", lower_limit), ("upper_limit", upper_limit), ("first", first)] {
        if !(v.is_finite() && v > 0.0) {
            return Err(Error::invalid(name, v, "must be finite and > 0"));
        }
    }
    if !(lower_limit <= first && first <= upper_limit) {
        return Err(Error::invalid(
            "first",
            first,
            format!("must lie between the limits ({lower_limit} and {upper_limit})"),
        ));
    }
    if target.is_nan() {
        return Err(Error::invalid("target", target, "must be a number"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A known monotone probability: p(x) = min(1, x/7).
    fn p(x: f64) -> Result<f64> {
        Ok((x / 7.0).min(1.0))
    }

    fn scales(s: &Search) -> Vec<f64> {
        s.evaluations.iter().map(|e| e.0).collect()
    }

    /// The answer is the smallest scale meeting the target, to 1 %: it meets,
    /// and a scale within 1 % below it was evaluated and does not.
    fn assert_answer(s: &Search, target: f64) {
        assert!(s.probability >= target && s.probability == p(s.scale).unwrap(), "{s:?}");
        let below = s.evaluations.iter().filter(|e| e.1 < target).map(|e| e.0).fold(f64::NEG_INFINITY, f64::max);
        assert!(below < s.scale && (s.scale - below) / s.scale <= RELATIVE_PRECISION, "{s:?}");
        // Monotone search: every scale tried at or above the answer meets the target, every one below does not.
        for &(x, px) in &s.evaluations {
            assert_eq!(px >= target, x >= s.scale, "{x} {px}");
        }
    }

    #[test]
    fn brackets_upward_then_bisects_to_one_percent() {
        let s = smallest_meeting(1.0, 1.0 / 1024.0, 1024.0, 0.5, p).unwrap();
        // p = 0.5 at 3.5: 1, 2 fail, 4 meets; then bisection of [2, 4] until (hi - lo) / hi <= 1 %:
        // 3.5 meets, and 3.46875 (0.9 % below it) is the last to fail.
        assert_eq!(scales(&s), [1.0, 2.0, 4.0, 3.0, 3.5, 3.25, 3.375, 3.4375, 3.46875]);
        assert!(!s.at_lower_limit);
        assert!(s.scale >= 3.5 && s.scale <= 3.5 * 1.01, "{s:?}");
        assert_answer(&s, 0.5);
        // Each evaluation is recorded with its own probability, in order, once.
        for &(x, px) in &s.evaluations {
            assert_eq!(px, p(x).unwrap());
        }
    }

    #[test]
    fn brackets_downward_then_bisects() {
        let s = smallest_meeting(16.0, 1.0 / 1024.0, 1024.0, 0.5, p).unwrap();
        assert_eq!(scales(&s)[..4], [16.0, 8.0, 4.0, 2.0]);
        assert_eq!(scales(&s)[4], 3.0);
        assert_answer(&s, 0.5);
        // The same answer from either side: the bisection sees the same bracket [2, 4].
        let up = smallest_meeting(1.0, 1.0 / 1024.0, 1024.0, 0.5, p).unwrap();
        assert_eq!(s.scale, up.scale);
    }

    #[test]
    fn an_answer_on_a_doubling_is_found_exactly() {
        // p(7) = 1: 1, 2, 4 fail, 8 meets; the bisection closes on 7 from above.
        let s = smallest_meeting(1.0, 0.5, 100.0, 1.0, p).unwrap();
        assert_eq!(scales(&s)[..4], [1.0, 2.0, 4.0, 8.0]);
        assert_answer(&s, 1.0);
        assert!(s.scale >= 7.0 && s.scale <= 7.07, "{s:?}");
    }

    #[test]
    fn the_upper_limit_bounds_the_doubling_and_not_meeting_it_is_an_error() {
        // Doubling from 1 is clamped to the limit 5: 1, 2, 4, 5.
        let mut tried = Vec::new();
        let e = smallest_meeting(1.0, 0.5, 5.0, 0.9, |x| {
            tried.push(x);
            p(x)
        });
        let Err(SearchError::NotMet { upper_limit, probability }) = e else { panic!("expected NotMet: {e:?}") };
        assert_eq!((upper_limit, probability), (5.0, 5.0 / 7.0));
        assert_eq!(tried, [1.0, 2.0, 4.0, 5.0]);
        // A clamped last step that meets the target brackets as usual.
        let s = smallest_meeting(1.0, 0.5, 5.0, 0.6, p).unwrap();
        assert_eq!(scales(&s)[..4], [1.0, 2.0, 4.0, 5.0]);
        assert_answer(&s, 0.6);
        // At the upper limit already: one evaluation.
        let mut tried = 0;
        let e = smallest_meeting(4.0, 0.5, 4.0, 0.9, |x| {
            tried += 1;
            p(x)
        })
        .unwrap_err();
        assert!(matches!(e, SearchError::NotMet { upper_limit: 4.0, .. }) && tried == 1, "{e:?}");
        assert!(e.into_error().to_string().contains("not even the upper limit 4 meets the target"));
    }

    #[test]
    fn the_lower_limit_bounds_the_halving_and_meeting_there_is_the_answer() {
        // p(1/8) = 0.018 still meets 0.01: 1, 1/2, 1/4, 1/8 all meet, and 1/8 is the limit.
        let s = smallest_meeting(1.0, 0.125, 1024.0, 0.01, p).unwrap();
        assert_eq!(scales(&s), [1.0, 0.5, 0.25, 0.125]);
        assert!(s.at_lower_limit);
        assert_eq!((s.scale, s.probability), (0.125, 0.125 / 7.0));
        // A limit off the halvings is evaluated itself: 1, 1/2, then 0.3.
        let s = smallest_meeting(1.0, 0.3, 1024.0, 0.01, p).unwrap();
        assert_eq!(scales(&s), [1.0, 0.5, 0.3]);
        assert!(s.at_lower_limit && s.scale == 0.3);
        // A limit off the halvings that fails brackets as usual: [0.3, 0.5] for 0.06 (x = 0.42).
        let s = smallest_meeting(1.0, 0.3, 1024.0, 0.06, p).unwrap();
        assert_eq!(scales(&s)[..3], [1.0, 0.5, 0.3]);
        assert!(!s.at_lower_limit);
        assert_answer(&s, 0.06);
    }

    #[test]
    fn an_evaluation_error_stops_the_search_unchanged() {
        let mut calls = Vec::new();
        let e = smallest_meeting(1.0, 0.5, 100.0, 0.9, |x| {
            calls.push(x);
            if x > 3.0 { Err(Error::Infeasible(format!("at {x}"))) } else { p(x) }
        })
        .unwrap_err();
        assert_eq!(calls, [1.0, 2.0, 4.0]);
        assert!(matches!(&e, SearchError::Eval(Error::Infeasible(m)) if m == "at 4"), "{e:?}");
        assert_eq!(e.into_error().to_string(), Error::Infeasible("at 4".into()).to_string());
    }

    #[test]
    fn a_nan_probability_does_not_meet_the_target() {
        let s = smallest_meeting(1.0, 0.5, 100.0, 0.5, |x| if x < 3.0 { Ok(f64::NAN) } else { p(x) }).unwrap();
        assert_eq!(scales(&s)[..3], [1.0, 2.0, 4.0]);
        assert!(s.scale >= 3.5 && s.scale <= 3.5 * 1.01, "{s:?}");
    }

    #[test]
    fn arguments_that_make_no_search_are_refused_before_any_evaluation() {
        let never = |_: f64| -> Result<f64> { panic!("evaluated") };
        for (first, lo, hi, target) in [
            (0.1, 0.5, 10.0, 0.5),
            (20.0, 0.5, 10.0, 0.5),
            (1.0, 0.0, 10.0, 0.5),
            (1.0, 0.5, f64::INFINITY, 0.5),
            (f64::NAN, 0.5, 10.0, 0.5),
            (1.0, 0.5, 10.0, f64::NAN),
        ] {
            let e = smallest_meeting(first, lo, hi, target, never).unwrap_err();
            assert!(matches!(e, SearchError::Invalid(Error::InvalidValue(_))), "{first} {lo} {hi} {target}: {e:?}");
        }
    }
}
