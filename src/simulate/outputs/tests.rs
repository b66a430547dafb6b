//! The catalogue is whole and says the same thing everywhere: directions, units, labels.

use super::*;
use crate::model::Method;

#[test]
fn directions_and_units_come_from_the_catalogue() {
    assert_eq!(Output::TotalCost.better(), Better::Lower);
    assert_eq!(Output::Duration.better(), Better::Lower);
    assert_eq!(Output::Casualties.better(), Better::Lower);
    assert_eq!(Output::LandValue.better(), Better::Higher);
    assert_eq!(Output::ClearedArea.better(), Better::Neither);
    assert_eq!(Output::LandValue.name(), "land_value_returned");
    assert_eq!(Output::TeamDays(Pool::Clearance(Method::Manual)).name(), "team_days_manual");
    assert_eq!(Output::TotalCost.unit().label("EUR"), "EUR");
    assert_eq!(Output::ClearedArea.unit().label("EUR"), "km²");
}

#[test]
fn labels_are_words_with_one_unit() {
    // The list is complete: a new variant missing from it fails here.
    let complete = |o: Output| match o {
        Output::SuspectedArea
        | Output::CancelledArea
        | Output::ReducedArea
        | Output::ClearedArea
        | Output::TeamDays(_)
        | Output::CostNts
        | Output::CostTs
        | Output::CostClearance
        | Output::CostOverhead
        | Output::TotalCost
        | Output::ItemsFound
        | Output::ItemBasedCost
        | Output::MinesLaid
        | Output::LayingCost
        | Output::CostAsymmetry
        | Output::Duration
        | Output::ShareReleased
        | Output::YearsTo50
        | Output::YearsTo90
        | Output::Casualties
        | Output::CasualtiesFirstYear
        | Output::LandValue
        | Output::ProgrammeCost
        | Output::ProgrammeCostNominal
        | Output::ProgrammeCostPv
        | Output::ProgrammeCost10y
        | Output::FundingUnspent
        | Output::FundingShortfall
        | Output::ProgrammeCostSecond
        | Output::TotalCostSecond
        | Output::ItemsMissedPerKm2
        | Output::ResidualArea
        | Output::HazardAreaYears
        | Output::CancelledPerNtsTeamYear
        | Output::ReducedPerTsTeamYear
        | Output::ClearedPerClearanceTeamYear
        | Output::ReleasedPerDeminerDay => 1,
    };
    assert_eq!(Output::every().map(complete).sum::<usize>(), 36 + Pool::COUNT);
    let mut names: Vec<String> = Output::every().map(Output::name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 36 + Pool::COUNT, "names are unique");
    let every: Vec<Output> = Output::every().collect();
    for o in every {
        assert_eq!(Output::from_name(&o.name()), Some(o));
        let l = o.label();
        // No code names: no underscores, no unit spelt into the words ("km2", "pct").
        assert!(!l.contains('_') && !l.contains("km2") && !l.contains("pct"), "{o}: {l}");
    }
    assert_eq!(
        Output::TeamDays(Pool::Clearance(Method::MineDetectionDogs)).label(),
        "team-days of mine detection dogs"
    );
    let def = |output, unit: &str| OutputDef { output, name: output.name(), unit: unit.into(), region: None };
    assert_eq!(def(Output::ClearedArea, "km²").label(), "area cleared (km²)");
    assert_eq!(def(Output::ShareReleased, "share").label(), "land released within the horizon (%)");
    assert_eq!(def(Output::TotalCost, "USD").label(), "cost of the work (USD)");
}
