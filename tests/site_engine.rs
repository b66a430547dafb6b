//! The site engine: inventories, agreement with the aggregate engine, the
//! schedule's limits, work orders, and inventory errors.

use demine::model::Priority;
use demine::simulate::Series;
use demine::{ModelLevel, SimConfig, io::load_scenario, simulate};
use std::path::PathBuf;

fn data(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name).display().to_string()
}

#[test]
fn site_totals_agree_with_the_aggregate_engine_on_ukraine() {
    // Same seed ⇒ same epistemic inputs trial by trial; the paired difference is
    // the site-level variability alone, which must average to zero.
    let s = load_scenario("ukraine").unwrap().without_capacity();
    let c = SimConfig::default().with_trials(400).with_seed(17);
    let sites = simulate(&s, &c.clone().with_model(ModelLevel::Sites)).unwrap();
    let agg = simulate(&s, &c.with_model(ModelLevel::Aggregate)).unwrap();
    for name in [
        "suspected_area_km2",
        "cancelled_area_km2",
        "reduced_area_km2",
        "cleared_area_km2",
        "team_days_manual",
        "team_days_mechanical",
        "team_days_battle_area_clearance",
        "cost_technical_survey",
        "cost_clearance",
        "total_cost",
        "items_found",
    ] {
        let a = agg.values(name).unwrap();
        let b = sites.values(name).unwrap();
        let d = demine::stats::PairedDifference::new(a, b);
        let scale = a.iter().sum::<f64>() / a.len() as f64;
        assert!(
            d.mean.abs() < 4.0 * d.se + 1e-9 * scale,
            "{name}: mean difference {} (se {}), mean {scale}",
            d.mean,
            d.se
        );
        // and the variability is real but small next to the epistemic spread
        assert!(
            d.se < 0.05 * agg.summary(name).unwrap().sd,
            "{name}: se {} vs sd {}",
            d.se,
            agg.summary(name).unwrap().sd
        );
    }
}

#[test]
fn an_inventory_is_read_relative_to_its_scenario() {
    let s = load_scenario(&data("district.toml")).unwrap();
    // North's strata take the inventory totals; South's stated 3.5 km² agrees with its rows.
    let o = simulate(&s, &SimConfig::default().with_trials(200)).unwrap();
    let area = o.summary("suspected_area_km2").unwrap();
    assert!((area.mean - 8.25).abs() < 1e-9, "{}", area.mean);
    let sites = o.sites().unwrap();
    assert_eq!(sites.len(), 8);
    assert_eq!(
        sites.ids().collect::<Vec<_>>(),
        ["N-1", "N-2", "N-3", "N-4", "N-5", "S-1", "S-2", "S-3"],
        "rows in file order"
    );
    // Every site is released within the horizon in every trial.
    assert!(sites.released_share().iter().all(|p| *p == 1.0));
    // CHAs are never cancelled by NTS, so on average they are released later than the earliest SHA.
    let year = |status: &str| {
        let rows = ["SHA", "CHA", "SHA", "SHA", "SHA", "SHA", "CHA", "SHA"];
        rows.iter().zip(sites.mean_release_year()).filter(|(s, _)| **s == status).map(|(_, y)| *y).collect::<Vec<_>>()
    };
    let earliest_sha = year("SHA").into_iter().fold(f64::INFINITY, f64::min);
    assert!(year("CHA").iter().all(|y| *y > earliest_sha), "CHAs {:?}, earliest SHA {earliest_sha}", year("CHA"));
    // the hazardous area remaining falls from at most 8.25 km² to nothing
    let remaining = o.fan_chart(Series::HazardousAreaRemainingKm2);
    assert!(remaining[0][2] < 8.25 && remaining[0][2] > 0.0, "{:?}", remaining[0]);
    assert!(remaining.windows(2).all(|w| w[1][1] <= w[0][1]));
    assert_eq!(remaining[remaining.len() - 1], [0.0; 3]);
}

#[test]
fn work_that_cannot_finish_is_reported_not_finished() {
    let mut text = std::fs::read_to_string(data("district.toml")).unwrap();
    text = text.replace("teams.manual = { initial = 4 }", "teams.manual = { initial = 0.01 }");
    text = text.replace("[capacity]\n", "[capacity]\nhorizon_years = 30\n");
    text = text.replace("inventory = \"district-sites.csv\"", &format!("inventory = {:?}", data("district-sites.csv")));
    let s = demine::Scenario::from_toml_str(&text).unwrap();
    let o = simulate(&s, &SimConfig::default().with_trials(50)).unwrap();
    let share = o.summary("share_released_by_horizon").unwrap();
    assert!(share.max < 1.0 && share.mean > 0.3, "{share:?}");
    assert_eq!(o.summary("duration_years").unwrap().min, 30.0);
    assert_eq!(o.not_finished_share(), 1.0);
    assert_eq!(demine::report::to_json(&o)["not_finished"]["share_of_trials"], 1.0);
}

#[test]
fn the_work_order_changes_when_land_is_released_not_the_bill() {
    let s = load_scenario("ukraine").unwrap();
    let c = SimConfig::default().with_trials(60).with_seed(8);
    let risk = simulate(&s, &c.clone().with_priority(Priority::CasualtyRisk)).unwrap();
    let small = simulate(&s, &c.clone().with_priority(Priority::SmallestFirst)).unwrap();
    let value = simulate(&s, &c.with_priority(Priority::ValuePerCost)).unwrap();
    let m = |o: &demine::Outcome, k: &str| o.summary(k).unwrap().mean;
    // the bill is the same whatever the order (same random numbers per site)
    for k in ["total_cost", "cleared_area_km2"] {
        assert!((m(&risk, k) / m(&small, k) - 1.0).abs() < 1e-9, "{k}");
    }
    // highest risk first averts casualties; highest value per cost first returns more farm value
    assert!(m(&risk, "casualties_over_horizon") < m(&small, "casualties_over_horizon"));
    assert!(m(&risk, "casualties_over_horizon") < m(&value, "casualties_over_horizon"));
    assert!(m(&value, "land_value_returned") > m(&risk, "land_value_returned"));
    assert!(m(&value, "land_value_returned") > m(&small, "land_value_returned"));
}

#[test]
fn synthetic_inventory_is_deterministic_and_sized() {
    let s = load_scenario("ukraine").unwrap();
    let c = SimConfig::default().with_trials(4).with_seed(3);
    let a = simulate(&s, &c).unwrap();
    let b = simulate(&s, &c).unwrap();
    let (sa, sb) = (a.sites().unwrap(), b.sites().unwrap());
    assert_eq!(sa.len(), 50_000);
    assert!(sa.ids().eq(sb.ids()));
    assert_eq!(
        sa.mean_release_year().iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        sb.mean_release_year().iter().map(|x| x.to_bits()).collect::<Vec<_>>()
    );
    // sites of each region add up to the regional totals in every trial
    let kharkiv = a.region_values("Kharkiv", "suspected_area_km2").unwrap();
    let total = a.values("suspected_area_km2").unwrap();
    for (k, t) in kharkiv.iter().zip(total) {
        assert!((k / t - 12_000.0 / 142_000.0).abs() < 1e-9);
    }
}

fn inventory_error(csv: &str, extra_toml: &str) -> String {
    let dir = std::env::temp_dir().join(format!("demine-inv-{}-{}", std::process::id(), csv.len()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("sites.csv"), csv).unwrap();
    let toml =
        std::fs::read_to_string(data("district.toml")).unwrap().replace("district-sites.csv", "sites.csv") + extra_toml;
    std::fs::write(dir.join("s.toml"), toml).unwrap();
    load_scenario(&dir.join("s.toml").display().to_string()).unwrap_err().to_string()
}

const HEAD: &str = "id,region,status,hazard,area_m2,land_use,population,priority\n";
const GOOD_SOUTH: &str = "S-1,South,SHA,mines,3500000,agriculture,80,\n";

#[test]
fn inventory_errors_name_file_line_and_column() {
    let e = inventory_error(
        &format!("{HEAD}N-1,North,SHA,mines,-5,agriculture,3,\nN-2,North,SHA,mines,abc,agriculture,3,\n{GOOD_SOUTH}"),
        "",
    );
    assert!(e.contains("sites.csv: line 2, column 5 (area_m2): -5 is invalid: an area must be > 0"), "{e}");
    assert!(
        e.contains("sites.csv: line 3, column 5 (area_m2): 'abc' is invalid: is malformed: must be a number"),
        "{e}"
    );
    let e = inventory_error(
        &format!("{HEAD}N-1,North,SHA,mines,5,agriculture,3,\nN-1,North,SHA,uxo,5,agriculture,3,\n{GOOD_SOUTH}"),
        "",
    );
    assert!(e.contains("sites.csv: line 3, column 1 (id): 'N-1' is invalid: is duplicated: first at line 2"), "{e}");
    let e = inventory_error(&format!("{HEAD}N-1,Narnia,SHA,mines,5,agriculture,3,\n{GOOD_SOUTH}"), "");
    assert!(e.contains("sites.csv: line 2, column 2 (region): 'Narnia' is invalid: is not a region of the scenario (known: North, South)"), "{e}");
    let e = inventory_error(&format!("{HEAD}N-1,North,SHA,minez,5,agriculture,3,\n{GOOD_SOUTH}"), "");
    assert!(
        e.contains(
            "sites.csv: line 2, column 4 (hazard): 'minez' is invalid: must be one of mines, cluster_munitions, uxo"
        ),
        "{e}"
    );
    let e = inventory_error(&format!("{HEAD}N-1,South,SHA,uxo,5,agriculture,3,\n{GOOD_SOUTH}"), "");
    assert!(e.contains("(hazard): 'uxo' is invalid: region 'South' has no uxo stratum in the scenario"), "{e}");
    let e = inventory_error(&format!("{HEAD}N-1,North,SHA,mines,5\n{GOOD_SOUTH}"), "");
    assert!(e.contains("sites.csv: line 2, column 6 (land_use): missing is invalid: every row needs 8 fields as the header has; this one has 5"), "{e}");
    let e = inventory_error(&format!("{HEAD}N-1,North,XYZ,mines,5,agriculture,3,\n{GOOD_SOUTH}"), "");
    assert!(e.contains("(status): 'XYZ' is invalid: must be SHA (suspected) or CHA (confirmed)"), "{e}");
    let e = inventory_error(
        &format!("{HEAD}N-1,North,SHA,mines,5,agriculture,3,\nS-1,South,SHA,mines,1000000,agriculture,80,\n"),
        "",
    );
    assert!(e.contains("regions[1].strata[0].suspected_area_km2: 3.5 is invalid: disagrees with the inventory, whose sites in this stratum add up to 1 km² (tolerance 0.5 %)"), "{e}");
    let e = inventory_error("id,region,hazard\n", "");
    assert!(e.contains("the columns `status`, `area_m2`, `land_use`, `population` are missing"), "{e}");
}

#[test]
fn synthetic_ids_are_numbered_within_their_stratum_and_survive_serde() {
    let s = load_scenario("ukraine").unwrap();
    let o = simulate(&s, &SimConfig::default().with_trials(2).with_seed(5)).unwrap();
    let sites = o.sites().unwrap();
    assert_eq!(sites.len(), 50_000);
    let (mut prefix, mut n) = (String::new(), 0u64);
    for (i, id) in sites.ids().enumerate() {
        let (p, number) = id.rsplit_once('/').unwrap();
        assert!(p.starts_with(&format!("{}/", sites.region(i))), "{id} in {}", sites.region(i));
        assert_eq!(sites.region_names()[sites.region_index(i)], sites.region(i));
        n = if p == prefix { n + 1 } else { 1 };
        prefix = p.to_string();
        assert_eq!(number, n.to_string(), "site {i}");
    }
    let text = serde_json::to_string(sites).unwrap();
    let back: demine::simulate::SiteResults = serde_json::from_str(&text).unwrap();
    assert_eq!(&back, sites);
    assert!(back.ids().eq(sites.ids()));
    // A region index out of range is refused when read.
    let mut bad: serde_json::Value = serde_json::from_str(&text).unwrap();
    bad["region_of"][7] = serde_json::json!(4_000_000_000u32);
    assert!(serde_json::from_value::<demine::simulate::SiteResults>(bad).is_err());
}

/// Where the engines are meant to differ (docs/MODEL.md §6): the aggregate engine's pools work in
/// parallel as fluids, while a site goes through its stages one after another. One site of 1 km²:
/// NTS takes 100 team-days (0.5 years for 1 team of 200 days), TS 200 (1 year), manual clearance
/// 10,000 (5 years for 10 teams): the site engine releases it after 0.5 + 1 + 5 = 6.5 years, the
/// aggregate engine after max(0.5, 1, 5) = 5. Cut into 200 equal sites the stages overlap and the
/// site engine comes within the first site's survey of the aggregate answer.
#[test]
fn one_large_site_works_its_stages_in_turn_and_many_small_ones_approach_the_fluid() {
    let text = |count: u32| {
        format!(
            r#"
name = "stages"
currency = "USD"
price_year = 2025
start_year = 2025
[land_release]
cancelled_fraction = 0
reduced_fraction = 0
contaminated_fraction = 1
items_per_km2 = 0
method_shares = {{ manual = 1 }}
[survey.non_technical]
cost_usd_per_km2 = 0
productivity_km2_per_team_day = 0.01
[survey.technical]
cost_usd_per_m2 = 0
productivity_km2_per_team_day = 0.005
[methods.manual]
productivity_m2_per_team_day = 100
cost_usd_per_team_day = 0
[costs]
overhead_fraction = 0
[capacity]
working_days_per_year = 200
horizon_years = 20
teams.non_technical_survey = {{ initial = 1 }}
teams.technical_survey = {{ initial = 1 }}
teams.manual = {{ initial = 10 }}
[sites]
count = {count}
size_cv = 0
team_day_cv = 0
reduction_spread = 0
[[regions]]
name = "R"
strata = [{{ hazard = "mines", suspected_area_km2 = 1 }}]
"#
        )
    };
    let duration = |count: u32, model: ModelLevel| {
        let s = demine::Scenario::from_toml_str(&text(count)).unwrap();
        simulate(&s, &SimConfig::default().with_trials(2).with_model(model))
            .unwrap()
            .summary("duration_years")
            .unwrap()
            .mean
    };
    assert!((duration(1, ModelLevel::Sites) - 6.5).abs() < 1e-9);
    assert!((duration(1, ModelLevel::Aggregate) - 5.0).abs() < 1e-9);
    // 200 sites: the last one's clearance ends 5 years after the first could start, after the first
    // site's NTS (0.0025 years) and TS (0.005).
    let many = duration(200, ModelLevel::Sites);
    assert!((many - 5.0075).abs() < 1e-9, "{many}");
}
