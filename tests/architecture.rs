//! A scenario is a value: read, edit, write back, read again, with the same
//! results; plans keep common random numbers under every sampler; outputs are
//! typed (units in the scenario's currency); an undefined derived output is
//! undefined for itself alone.

mod common;
use demine::analysis::compare;
use demine::io::{BUNDLED, load_scenario, to_json, to_toml};
use demine::{Dist, ModelLevel, Outcome, Sampler, Scenario, SimConfig, simulate};

fn all_bits(o: &Outcome) -> Vec<u64> {
    let mut v = Vec::new();
    for d in o.outputs().iter().filter(|d| d.region.is_none()) {
        v.extend(o.values(&d.name).unwrap().iter().map(|x| x.to_bits()));
    }
    v
}

#[test]
fn every_bundled_scenario_survives_a_round_trip_through_toml_and_json() {
    for b in BUNDLED {
        let s = load_scenario(b.name).unwrap();
        let toml = to_toml(&s).unwrap();
        let back = Scenario::from_toml_str(&toml).unwrap();
        assert_eq!(back, s, "{} through TOML", b.name);
        let dir = std::env::temp_dir().join(format!("demine-rt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(format!("{}.json", b.name));
        std::fs::write(&p, to_json(&s).unwrap()).unwrap();
        let from_json = load_scenario(p.to_str().unwrap()).unwrap();
        assert_eq!(from_json.params(), s.params(), "{} through JSON", b.name);
        assert_eq!(from_json.strata(), s.strata(), "{} through JSON", b.name);
        for model in [ModelLevel::Aggregate, ModelLevel::Sites] {
            let c = SimConfig::default().with_trials(40).with_seed(9).with_model(model);
            let (a, z, j) =
                (simulate(&s, &c).unwrap(), simulate(&back, &c).unwrap(), simulate(&from_json, &c).unwrap());
            assert_eq!(all_bits(&a), all_bits(&z), "{} {model:?}: results after TOML", b.name);
            assert_eq!(all_bits(&a), all_bits(&j), "{} {model:?}: results after JSON", b.name);
        }
    }
}

#[test]
fn a_parameter_is_edited_in_code_and_checked_like_the_file() {
    let mut s = load_scenario("ukraine").unwrap();
    let before = s.param("capacity.teams.manual.initial").unwrap().dist.fixed_value().unwrap();
    s.scale("capacity.teams.manual.initial", 2.0).unwrap();
    assert_eq!(s.param("capacity.teams.manual.initial").unwrap().dist.fixed_value(), Some(2.0 * before));
    // The edit is written back and read again.
    assert_eq!(Scenario::from_toml_str(&to_toml(&s).unwrap()).unwrap(), s);
    let e = s.set("land_release.cancelled_fraction", Dist::fixed(1.5).unwrap()).unwrap_err().to_string();
    assert!(e.contains("land_release.cancelled_fraction: 1.5 is invalid: a fraction must lie in [0, 1]"), "{e}");
    let e = s.set("capacity.teams.manual.initial", Dist::fixed(0.0).unwrap()).unwrap_err().to_string();
    assert!(e.contains("with zero teams that work never finishes"), "{e}");
    let e = s.set("capacity.teams.no_such_pool.initial", Dist::fixed(1.0).unwrap()).unwrap_err().to_string();
    assert!(e.starts_with("parameter: 'capacity.teams.no_such_pool.initial' is unknown"), "{e}");
    // A failed edit leaves the scenario as it was.
    assert_eq!(s.param("capacity.teams.manual.initial").unwrap().dist.fixed_value(), Some(2.0 * before));
    // A default the file left out can be set, and is then written.
    s.set("land_release.confirmed_fraction", Dist::uniform(0.0, 0.1).unwrap()).unwrap();
    assert!(to_toml(&s).unwrap().contains("confirmed_fraction"));
}

/// Plan B describes a method no stratum uses, with uncertain parameters: new
/// inputs early in the file that change nothing. Every output of A and B must
/// agree trial by trial under every sampler (common random numbers by name).
#[test]
fn an_extra_input_keeps_common_random_numbers_under_every_sampler() {
    let a = common::edit(
        common::FIXED,
        "overhead_fraction = 0.1",
        r#"overhead_fraction = { dist = "pert", min = 0.05, mode = 0.1, max = 0.2 }"#,
    );
    let a = common::edit(
        &a,
        "cancelled_fraction = 0.5",
        r#"cancelled_fraction = { dist = "pert", min = 0.3, mode = 0.5, max = 0.8 }"#,
    );
    let a = common::edit(
        &a,
        "cost_usd_per_km2 = 1000",
        r#"cost_usd_per_km2 = { dist = "uniform", min = 500, max = 5000 }"#,
    );
    let b = common::edit(
        &a,
        "[costs]",
        "[methods.mine_detection_dogs]\nproductivity_m2_per_member_day = { dist = \"triangular\", min = 250, mode = 425, max = 600 }\nteam_size = 2\ncost_usd_per_team_day = { dist = \"uniform\", min = 500, max = 1500 }\n\n[costs]",
    );
    let (a, b) = (Scenario::from_toml_str(&a).unwrap(), Scenario::from_toml_str(&b).unwrap());
    assert_eq!(b.inputs().len(), a.inputs().len() + 2);
    for sampler in [Sampler::MonteCarlo, Sampler::LatinHypercube, Sampler::Sobol] {
        let c =
            SimConfig::default().with_trials(512).with_seed(5).with_sampler(sampler).with_model(ModelLevel::Aggregate);
        let cmp = compare(&[a.clone(), b.clone()], &c).unwrap();
        let d = &cmp.output("total_cost").unwrap().versus_baseline[0];
        assert_eq!(d.se, 0.0, "{sampler}: paired standard error {}", d.se);
        assert_eq!(d.mean, 0.0, "{sampler}");
        assert!(cmp.output("total_cost").unwrap().plans[0].sd > 0.0, "{sampler}: the output does vary");
    }
}

#[test]
fn an_undefined_ratio_is_undefined_for_itself_alone() {
    let mut s = load_scenario("eastern-flank").unwrap();
    for path in s
        .params()
        .all()
        .iter()
        .map(|d| d.name.clone())
        .filter(|n| n.ends_with("mine_unit_cost_usd") || n.ends_with("emplacement_cost_usd_per_mine"))
        .collect::<Vec<_>>()
    {
        s.set(&path, Dist::fixed(0.0).unwrap()).unwrap();
    }
    let o = simulate(&s, &SimConfig::default().with_trials(50).with_model(ModelLevel::Aggregate)).unwrap();
    assert_eq!(o.failed_trials().1, 0, "no trial fails");
    assert!(o.summary("total_cost").unwrap().p50() > 0.0);
    assert!(o.values("cost_asymmetry").unwrap().iter().all(|v| !v.is_finite()));
    assert_eq!(o.summary("laying_cost").unwrap().max, 0.0);
}

#[test]
fn money_outputs_carry_the_scenario_currency_and_every_output_a_unit() {
    let eur = common::FIXED.replace("currency = \"USD\"", "currency = \"EUR\"");
    let s = Scenario::from_toml_str(&eur).unwrap();
    let o = simulate(&s, &SimConfig::default().with_trials(5).with_model(ModelLevel::Aggregate)).unwrap();
    let j = demine::report::to_json(&o);
    assert_eq!(j["schema"], demine::report::SCHEMA);
    assert_eq!(j["outputs"]["total_cost"]["unit"], "EUR");
    assert_eq!(j["outputs"]["cleared_area_km2"]["unit"], "km²");
    for (name, v) in j["outputs"].as_object().unwrap() {
        assert!(v["unit"].is_string(), "{name} has no unit");
        assert!(!name.ends_with("_usd"), "{name}");
    }
    let d = o.outputs().iter().find(|d| d.name == "total_cost").unwrap();
    assert_eq!(d.better(), demine::simulate::Better::Lower);
    assert!(!d.description().is_empty());
}

#[test]
fn per_site_results_are_written_as_proper_csv() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let dir = std::env::temp_dir().join(format!("demine-sites-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = std::fs::read_to_string(data.join("district-sites.csv")).unwrap();
    let tricky = "\"N-1, the \"\"old\"\" field\"";
    std::fs::write(dir.join("district-sites.csv"), csv.replacen("N-1,", &format!("{tricky},"), 1)).unwrap();
    std::fs::copy(data.join("district.toml"), dir.join("district.toml")).unwrap();
    let s = load_scenario(dir.join("district.toml").to_str().unwrap()).unwrap();
    let o = simulate(&s, &SimConfig::default().with_trials(20)).unwrap();
    let text = demine::report::sites_csv(&o).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 8);
    assert!(rows.iter().all(|row| row.len() == 4));
    assert_eq!(&rows[0][0], "N-1, the \"old\" field");
}
