//! A run split by trial range and merged is the run: bit for bit, on both engines,
//! through serde (as between processes), and refused when the parts do not join.

use demine::{ModelLevel, Outcome, Sampler, Scenario, SimConfig, simulate};

fn bits(v: Option<&[f64]>) -> Vec<u64> {
    v.unwrap().iter().map(|x| x.to_bits()).collect()
}

/// Every value, input, yearly series, failed trial and per-site result of `a` equals `b`'s.
fn assert_same(a: &Outcome, b: &Outcome) {
    assert_eq!((a.trials(), a.first_trial()), (b.trials(), b.first_trial()));
    for d in a.outputs() {
        let name = &d.name;
        match d.region {
            None => {
                assert_eq!(bits(a.values(name)), bits(b.values(name)), "{name}");
                assert_eq!(a.summary(name), b.summary(name), "{name}");
            }
            Some(r) => {
                let region = &a.region_names()[r];
                assert_eq!(bits(a.region_values(region, name)), bits(b.region_values(region, name)), "{name}");
            }
        }
    }
    for i in 0..a.input_names().len() {
        assert_eq!(bits(a.input_values(i)), bits(b.input_values(i)));
    }
    for t in 0..a.trials() as usize {
        assert_eq!(a.trial_series(t), b.trial_series(t), "series of trial {t}");
    }
    assert_eq!(a.failed_trials().1, b.failed_trials().1);
    assert_eq!(a.sites(), b.sites());
}

/// The run of `n` trials in parts cut at `cuts`, merged in reverse order.
fn in_parts(s: &Scenario, config: &SimConfig, cuts: &[u64], n: u64) -> Outcome {
    let mut edges = vec![0];
    edges.extend_from_slice(cuts);
    edges.push(n);
    let parts: Vec<Outcome> = edges
        .windows(2)
        .rev()
        .map(|w| simulate(s, &config.clone().with_first_trial(w[0]).with_trials(w[1] - w[0])).unwrap())
        .collect();
    Outcome::merge(parts).unwrap()
}

#[test]
fn aggregate_parts_merge_into_the_whole_run_for_mc_and_sobol() {
    let s = demine::io::load_scenario("ukraine").unwrap();
    for sampler in [Sampler::MonteCarlo, Sampler::Sobol] {
        let config = SimConfig::default().with_model(ModelLevel::Aggregate).with_sampler(sampler).with_seed(11);
        let whole = simulate(&s, &config.clone().with_trials(1000)).unwrap();
        let merged = in_parts(&s, &config, &[300, 301, 650], 1000);
        assert_same(&merged, &whole);
    }
}

#[test]
fn site_engine_parts_merge_with_exact_per_site_results() {
    let mut s = demine::io::load_scenario("ukraine").unwrap();
    s.set_value("sites.count", "1500").unwrap();
    let config = SimConfig::default().with_seed(5).with_threads(2);
    let whole = simulate(&s, &config.clone().with_trials(120)).unwrap();
    assert!(whole.sites().is_some());
    let merged = in_parts(&s, &config, &[37, 80], 120);
    assert_same(&merged, &whole);
}

#[test]
fn outcomes_cross_a_process_boundary_through_serde_unchanged() {
    let mut s = demine::io::load_scenario("ukraine").unwrap();
    s.set_value("sites.count", "800").unwrap();
    let config = SimConfig::default().with_seed(9);
    let whole = simulate(&s, &config.clone().with_trials(60)).unwrap();
    let ship = |o: &Outcome| -> Outcome { postcard::from_bytes(&postcard::to_stdvec(o).unwrap()).unwrap() };
    assert_same(&ship(&whole), &whole);
    let a = ship(&simulate(&s, &config.clone().with_trials(25)).unwrap());
    let b = ship(&simulate(&s, &config.clone().with_first_trial(25).with_trials(35)).unwrap());
    assert_same(&Outcome::merge(vec![a, b]).unwrap(), &whole);
}

#[test]
fn parts_that_do_not_join_are_refused() {
    let s = demine::io::load_scenario("ukraine-2024").unwrap();
    let config = SimConfig::default().with_model(ModelLevel::Aggregate);
    let run = |first: u64, n: u64, seed: u64| {
        simulate(&s, &config.clone().with_seed(seed).with_first_trial(first).with_trials(n)).unwrap()
    };
    let msg = |parts: Vec<Outcome>| Outcome::merge(parts).unwrap_err().to_string();
    assert!(msg(vec![run(0, 50, 1), run(60, 10, 1)]).contains("trials 0..50 then 60.. is invalid: must leave no gap"));
    assert!(msg(vec![run(0, 50, 1), run(40, 10, 1)]).contains("must not overlap"));
    assert!(msg(vec![run(0, 50, 1), run(50, 10, 2)]).contains("parts.seed: 1 and 2 is invalid: must be the same"));
    assert!(msg(vec![]).contains("parts: [] is invalid: must hold at least one outcome"));
    let other = demine::io::load_scenario("ukraine").unwrap();
    let o = simulate(&other, &config.clone().with_seed(1).with_first_trial(50).with_trials(10)).unwrap();
    assert!(msg(vec![run(0, 50, 1), o]).contains("parts.scenario"));
    // The same scenario with another parameter is another plan.
    let mut edited = s.clone();
    edited.set_value("capacity.teams.manual.initial", "940").unwrap();
    let o = simulate(&edited, &config.clone().with_seed(1).with_first_trial(50).with_trials(10)).unwrap();
    assert!(msg(vec![run(0, 50, 1), o]).contains("(parameters or sites differ) is invalid: must be the same"));
    // A Latin hypercube is stratified over the whole run: a part of one is refused.
    let lhs = config.clone().with_sampler(Sampler::LatinHypercube).with_first_trial(10).with_trials(10);
    let err = simulate(&s, &lhs).unwrap_err().to_string();
    assert!(err.starts_with("first_trial: 10 is invalid: must be 0 with a Latin hypercube sampler"), "{err}");
}

#[test]
fn a_part_holds_the_same_trials_as_the_whole_run() {
    let s = demine::io::load_scenario("ukraine-2024").unwrap();
    let config = SimConfig::default().with_model(ModelLevel::Aggregate).with_seed(4);
    let whole = simulate(&s, &config.clone().with_trials(120)).unwrap();
    let part = simulate(&s, &config.clone().with_first_trial(100).with_trials(20)).unwrap();
    assert_eq!(part.first_trial(), 100);
    assert_eq!(bits(part.values("total_cost")), bits(Some(&whole.values("total_cost").unwrap()[100..])));
}
