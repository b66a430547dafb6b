//! A custom scenario built in code, with no file: a small post-conflict district
//! with a minefield and a battle area. What will it cost, and how long will it take
//! with 10 manual teams and 2 machines?
//!
//! Run: `cargo run --release --example custom_scenario`
use demine::io::file::*;
use demine::model::{HazardKind, Method, Pool};
use demine::{ModelLevel, Scenario, SimConfig, simulate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = ScenarioFile {
        name: "district".into(),
        description: "A district with 40 km² suspected of mines and 60 km² of battle area".into(),
        currency: "USD".into(),
        price_year: 2025,
        start_year: 2026,
        land_release: LandReleaseFile {
            // As the bundled ukraine scenario: NTS cancels 60-95 % (docs/SOURCES.md [BACH-GICHD][DOWNS-2009]),
            // TS reduces 30-70 % of the rest ([LM2023-IMPACT][LM2016-KHM]); for this district an ASSUMPTION.
            cancelled_fraction: Some(DistSpec::pert(0.60, 0.80, 0.95)),
            reduced_fraction: Some(DistSpec::pert(0.30, 0.50, 0.70)),
            method_shares: Some([(Method::Manual, 0.4), (Method::Mechanical, 0.6)].into()),
            ..Default::default()
        },
        hazards: [(
            HazardKind::Uxo,
            LandReleaseFile { method_shares: Some([(Method::BattleAreaClearance, 1.0)].into()), ..Default::default() },
        )]
        .into(),
        survey: SurveyFile {
            non_technical: NonTechnicalSurveyFile {
                cost_usd_per_km2: DistSpec::uniform(500.0, 5000.0),
                ..Default::default()
            },
            technical: TechnicalSurveyFile {
                cost_usd_per_m2: DistSpec::lognormal_median_p95(0.07, 0.3),
                ..Default::default()
            },
        },
        methods: [
            (
                Method::Manual,
                MethodFile {
                    productivity_m2_per_member_day: Some(DistSpec::triangular(10.0, 25.0, 50.0)),
                    team_size: Some(DistSpec::triangular(6.0, 8.5, 12.0)),
                    cost_usd_per_team_day: Some(DistSpec::triangular(985.0, 1478.0, 2462.0)),
                    ..Default::default()
                },
            ),
            (
                Method::Mechanical,
                MethodFile {
                    productivity_m2_per_team_day: Some(DistSpec::triangular(2500.0, 6000.0, 12000.0)),
                    cost_usd_per_team_day: Some(DistSpec::triangular(2955.0, 4925.0, 7880.0)),
                    ..Default::default()
                },
            ),
            (
                Method::BattleAreaClearance,
                MethodFile {
                    productivity_m2_per_team_day: Some(DistSpec::triangular(1000.0, 2500.0, 5000.0)),
                    cost_usd_per_team_day: Some(DistSpec::triangular(788.0, 1478.0, 2462.0)),
                    ..Default::default()
                },
            ),
        ]
        .into(),
        costs: CostsFile { overhead_fraction: DistSpec::pert(0.05, 0.10, 0.20), ..Default::default() },
        capacity: Some(CapacityFile {
            working_days_per_year: DistSpec::uniform(180.0, 240.0),
            teams: [
                (Pool::Clearance(Method::Manual), TeamPoolFile { initial: 10.0.into(), ..Default::default() }),
                (Pool::Clearance(Method::Mechanical), TeamPoolFile { initial: 2.0.into(), ..Default::default() }),
                (
                    Pool::Clearance(Method::BattleAreaClearance),
                    TeamPoolFile { initial: 4.0.into(), ..Default::default() },
                ),
            ]
            .into(),
            ..Default::default()
        }),
        regions: vec![RegionFile {
            name: "District".into(),
            strata: vec![
                StratumFile { hazard: HazardKind::Mines, suspected_area_km2: Some(40.0.into()), ..Default::default() },
                StratumFile { hazard: HazardKind::Uxo, suspected_area_km2: Some(60.0.into()), ..Default::default() },
            ],
            ..Default::default()
        }],
        ..Default::default()
    };
    let scenario = Scenario::try_from(file)?;
    let outcome = simulate(&scenario, &SimConfig::default().with_trials(20_000).with_model(ModelLevel::Aggregate))?;
    for name in ["cleared_area_km2", "total_cost", "duration_years"] {
        let s = outcome.summary(name).ok_or("always reported")?;
        println!(
            "{name:<18} mean {:>14.1}   P50 {:>14.1}   P80 {:>14.1}   P95 {:>14.1}",
            s.mean,
            s.p50(),
            s.p80(),
            s.percentiles[7]
        );
    }
    let p = outcome.probability_at_most("total_cost", 20e6)?;
    println!("probability the bill stays within US$20 million: {:.0} %", 100.0 * p);
    Ok(())
}
