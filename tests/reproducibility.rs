//! Same scenario, seed and trials ⇒ bit-identical results on 1, 2 and 4 threads,
//! for every sampler and both engines; a different seed gives different results.

use demine::{ModelLevel, Outcome, Sampler, SimConfig, io::load_scenario, simulate};

fn bits(o: &Outcome) -> Vec<u64> {
    let mut v = Vec::new();
    for d in o.outputs().iter().filter(|d| d.region.is_none()) {
        v.extend(o.values(&d.name).unwrap().iter().map(|x| x.to_bits()));
    }
    v
}

fn run(name: &str, model: ModelLevel, sampler: Sampler, threads: usize, seed: u64, trials: u64) -> Outcome {
    let s = load_scenario(name).unwrap();
    let c = SimConfig::default()
        .with_trials(trials)
        .with_seed(seed)
        .with_threads(threads)
        .with_model(model)
        .with_sampler(sampler);
    simulate(&s, &c).unwrap()
}

#[test]
fn aggregate_is_bit_identical_across_thread_counts() {
    for sampler in [Sampler::MonteCarlo, Sampler::LatinHypercube, Sampler::Sobol] {
        let one = bits(&run("ukraine", ModelLevel::Aggregate, sampler, 1, 11, 3000));
        for t in [2, 4] {
            assert_eq!(
                one,
                bits(&run("ukraine", ModelLevel::Aggregate, sampler, t, 11, 3000)),
                "{sampler} on {t} threads"
            );
        }
    }
}

#[test]
fn site_engine_is_bit_identical_across_thread_counts() {
    let a = run("ukraine", ModelLevel::Sites, Sampler::MonteCarlo, 1, 5, 40);
    let b = run("ukraine", ModelLevel::Sites, Sampler::MonteCarlo, 2, 5, 40);
    let c = run("ukraine", ModelLevel::Sites, Sampler::MonteCarlo, 4, 5, 40);
    assert_eq!(bits(&a), bits(&b));
    assert_eq!(bits(&a), bits(&c));
    // Per-site aggregates (integer sums) and the yearly fan charts too.
    let (sa, sb) = (a.sites().unwrap(), c.sites().unwrap());
    assert_eq!(
        sa.mean_release_year().iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        sb.mean_release_year().iter().map(|x| x.to_bits()).collect::<Vec<_>>()
    );
    assert_eq!(a.fan_chart(demine::simulate::Series::Casualties), c.fan_chart(demine::simulate::Series::Casualties));
}

#[test]
fn a_different_seed_gives_different_results() {
    let a = bits(&run("ukraine", ModelLevel::Aggregate, Sampler::MonteCarlo, 2, 1, 500));
    let b = bits(&run("ukraine", ModelLevel::Aggregate, Sampler::MonteCarlo, 2, 2, 500));
    assert_ne!(a, b);
}

#[test]
fn the_same_seed_gives_the_same_results_twice() {
    let a = bits(&run("eastern-flank", ModelLevel::Sites, Sampler::LatinHypercube, 2, 3, 64));
    let b = bits(&run("eastern-flank", ModelLevel::Sites, Sampler::LatinHypercube, 2, 3, 64));
    assert_eq!(a, b);
}

#[test]
fn site_set_up_is_bit_identical_across_thread_counts() {
    // 300,000 sites: the largest strata are drawn in several parallel chunks and the work order is
    // a parallel sort, so this checks that neither depends on the threads.
    let text = demine::io::bundled("ukraine").unwrap().toml.replace("count = 50000", "count = 300000");
    assert!(text.contains("count = 300000"));
    let s = demine::Scenario::from_toml_str(&text).unwrap();
    let run = |threads| {
        let c = SimConfig::default().with_trials(2).with_seed(3).with_threads(threads).with_model(ModelLevel::Sites);
        simulate(&s, &c).unwrap()
    };
    let (a, b) = (run(1), run(2));
    assert_eq!(bits(&a), bits(&b));
    let (sa, sb) = (a.sites().unwrap(), b.sites().unwrap());
    assert_eq!(sa.len(), 300_000);
    let release =
        |r: &demine::simulate::SiteResults| r.mean_release_year().iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(release(sa), release(sb));
    assert!(sa.ids().zip(sb.ids()).all(|(x, y)| x == y));
}
