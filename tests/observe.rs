//! The progress-and-cancel protocol (`demine::observe`): progress reaches the trials asked for,
//! an observer never changes results, a stop request ends any long operation with `Cancelled`
//! promptly and leaves a `Run` as it was.

use demine::observe::{Monitor, Observe};
use demine::{Error, ModelLevel, SimConfig, io::load_scenario, simulate};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn bits(o: &demine::Outcome, name: &str) -> Vec<u64> {
    o.values(name).unwrap().iter().map(|v| v.to_bits()).collect()
}

#[test]
fn an_observer_sees_every_trial_and_changes_nothing() {
    let s = load_scenario("ukraine-2024").unwrap();
    let plain = SimConfig::default().with_trials(3_000).with_seed(5).with_model(ModelLevel::Aggregate);
    let monitor = Arc::new(Monitor::new());
    let watched = plain.clone().with_observer(monitor.clone());
    assert_eq!(plain, watched, "configs compare equal whatever their observers");
    let (a, b) = (simulate(&s, &plain).unwrap(), simulate(&s, &watched).unwrap());
    for name in ["total_cost", "duration_years", "cleared_area_km2"] {
        assert_eq!(bits(&a, name), bits(&b, name), "{name}");
    }
    let snap = monitor.snapshot();
    assert_eq!((snap.done, snap.total), (3_000, 3_000), "{snap:?}");
}

/// Asks to stop after `after` progress calls.
struct StopAfter {
    calls: AtomicU64,
    after: u64,
}

impl Observe for StopAfter {
    fn progress(&self, _done: u64, _total: u64) {
        self.calls.fetch_add(1, Ordering::SeqCst);
    }
    fn stop_requested(&self) -> bool {
        self.calls.load(Ordering::SeqCst) >= self.after
    }
}

#[test]
fn a_stop_request_cancels_a_run_within_a_batch() {
    let s = load_scenario("ukraine").unwrap();
    // A site-engine run of 200,000 trials takes minutes; it must stop after the first batches.
    let stop = Arc::new(StopAfter { calls: AtomicU64::new(0), after: 3 });
    let config = SimConfig::default().with_trials(200_000).with_seed(1).with_observer(stop.clone());
    let t0 = Instant::now();
    let e = simulate(&s, &config).unwrap_err();
    assert!(matches!(e, Error::Cancelled), "{e}");
    assert!(e.to_string().contains("cancelled"), "{e}");
    assert!(t0.elapsed() < Duration::from_secs(30), "{:?}", t0.elapsed());
    // Only a few batches of 8 trials ran: far from the 200,000 asked for.
    assert!(stop.calls.load(Ordering::SeqCst) < 1_000, "{}", stop.calls.load(Ordering::SeqCst));
}

#[test]
fn a_cancelled_round_leaves_the_run_as_it_was() {
    let s = load_scenario("ukraine-2024").unwrap();
    let monitor = Arc::new(Monitor::new());
    let config = SimConfig::default().with_seed(3).with_model(ModelLevel::Aggregate).with_observer(monitor.clone());
    let mut run = demine::Run::new(&s, &config).unwrap();
    run.add_trials(1_000, None).unwrap();
    monitor.request_stop();
    assert!(matches!(run.add_trials(5_000, None), Err(Error::Cancelled)));
    assert_eq!(run.trials(), 1_000, "the cancelled round is dropped, the earlier one kept");
    let kept = run.finish();
    let whole =
        simulate(&s, &SimConfig::default().with_trials(1_000).with_seed(3).with_model(ModelLevel::Aggregate)).unwrap();
    assert_eq!(bits(&kept, "total_cost"), bits(&whole, "total_cost"));
}

#[test]
fn every_long_analysis_stops_on_request() {
    let s = load_scenario("ukraine-2024").unwrap();
    let monitor = Arc::new(Monitor::new());
    monitor.request_stop();
    let config = SimConfig::default().with_trials(500).with_model(ModelLevel::Aggregate).with_observer(monitor.clone());
    let cancelled = |r: demine::Result<()>| matches!(r, Err(Error::Cancelled));
    assert!(cancelled(demine::analysis::required_budget(&s, &config, 2045, 0.8).map(|_| ())));
    assert!(cancelled(demine::analysis::required_clearance_capacity(&s, &config, 2045, 0.8).map(|_| ())));
    assert!(cancelled(demine::analysis::compare(&[s.clone(), s.clone()], &config).map(|_| ())));
    assert!(cancelled(demine::analysis::sensitivity::analyse(&s, &config, &[], 64).map(|_| ())));
}
