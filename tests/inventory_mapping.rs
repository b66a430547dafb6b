//! A country's own data (issue 23): an IMSMA-style export read through a column and value mapping
//! gives the same answer as the same areas in demine's own columns; every bad mapping gets its own
//! message; a region without a site in the inventory gets a warning.

use std::path::{Path, PathBuf};
use std::process::Command;

use demine::io::{load_scenario, to_toml};
use demine::{SimConfig, simulate};

const BIN: &str = env!("CARGO_BIN_EXE_demine");

fn root(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A directory holding the IMSMA example (scenario, export, mapping) for a test to edit.
fn example_dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("mapping-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    for f in ["imsma.toml", "imsma-export.csv", "imsma-mapping.toml"] {
        std::fs::copy(root("docs/examples").join(f), d.join(f)).unwrap();
    }
    d
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn error_of(path: &Path) -> String {
    load_scenario(path.to_str().unwrap()).map(|_| ()).unwrap_err().to_string()
}

#[test]
fn an_imsma_export_through_its_mapping_gives_the_same_answer() {
    let mapped = load_scenario(root("docs/examples/imsma.toml").to_str().unwrap()).unwrap();
    let plain = load_scenario(root("tests/data/district.toml").to_str().unwrap()).unwrap();
    let config = SimConfig::default().with_trials(400).with_seed(7);
    let (a, b) = (simulate(&mapped, &config).unwrap(), simulate(&plain, &config).unwrap());
    assert_eq!(a.outputs().len(), b.outputs().len());
    for d in b.outputs() {
        let (x, y) = (a.values(&d.name).unwrap(), b.values(&d.name).unwrap());
        assert!(x.iter().zip(y).all(|(x, y)| x.to_bits() == y.to_bits()), "{} differs", d.name);
    }
    // The mapping is kept with the scenario: written back inline, it reads the export again.
    let text = to_toml(&mapped).unwrap();
    for part in ["[sites.columns]", "area_m2 = \"Area (ha)\"", "[sites.values.region]", "area_unit = \"ha\""] {
        assert!(text.contains(part), "no {part:?} in\n{text}");
    }
    let d = example_dir("round-trip");
    std::fs::write(d.join("again.toml"), &text).unwrap();
    let again = load_scenario(d.join("again.toml").to_str().unwrap()).unwrap();
    assert_eq!(to_toml(&again).unwrap(), text);
}

#[test]
fn imsma_words_are_accepted_without_a_mapping() {
    use demine::model::{HazardKind, LandUse};
    for (word, kind) in [
        ("AP Mine", HazardKind::Mines),
        ("Anti-tank mine", HazardKind::Mines),
        ("Cluster Munition", HazardKind::ClusterMunitions),
        ("Submunitions", HazardKind::ClusterMunitions),
        ("Unexploded Ordnance", HazardKind::Uxo),
        ("AXO", HazardKind::Uxo),
    ] {
        assert_eq!(HazardKind::parse(word), Some(kind), "{word}");
    }
    for (word, land) in
        [("Agricultural", LandUse::Agriculture), ("Grazing land", LandUse::Agriculture), ("Woodland", LandUse::Forest)]
    {
        assert_eq!(LandUse::parse(word), Some(land), "{word}");
    }
    assert_eq!(HazardKind::parse("Improvised mine"), None, "an IED is the mapping's call, not demine's");
}

#[test]
fn every_bad_mapping_has_its_own_message() {
    let d = example_dir("bad");
    let (scenario, mapping) = (d.join("imsma.toml"), d.join("imsma-mapping.toml"));
    edit(&mapping, "population = \"Beneficiaries\"", "population = \"Beneficiaries\"\npeople = \"Beneficiaries\"");
    edit(&mapping, "\"Southern Province\" = \"South\"", "\"Southern Province\" = \"Narnia\"");
    edit(&mapping, "\"Improvised mine\" = \"mines\"", "\"Improvised mine\" = \"IED\"");
    edit(&mapping, "area_unit = \"ha\"", "area_unit = \"acre\"");
    let e = error_of(&scenario);
    let m = mapping.display();
    for want in [
        format!(
            "{m}.columns.people: 'people' is invalid: is not a column demine reads (id, region, status, hazard, area_m2, land_use, population, priority)"
        ),
        format!(
            "{m}.values.region.\"Southern Province\": 'Narnia' is invalid: must map onto a region of the scenario (known: North, South)"
        ),
        format!(
            "{m}.values.hazard.\"Improvised mine\": 'IED' is invalid: must map onto mines, cluster_munitions or uxo"
        ),
        format!("{m}.area_unit: 'acre' is invalid: must be m2, ha or km2"),
    ] {
        assert!(e.contains(&want), "no {want:?} in\n{e}");
    }

    // A column the mapping names that the export lacks.
    let d = example_dir("missing-column");
    edit(&d.join("imsma-mapping.toml"), "land_use = \"Land Use\"", "land_use = \"Land Cover\"");
    let e = error_of(&d.join("imsma.toml"));
    assert!(e.contains("has no column 'Land Cover', which sites.columns.land_use names"), "{e}");

    // A value neither demine nor the mapping knows names the export's column.
    let d = example_dir("unknown-value");
    edit(&d.join("imsma-export.csv"), "Road", "Ski slope");
    let e = error_of(&d.join("imsma.toml"));
    assert!(
        e.contains("line 6, column 7 (Land Use as land_use): 'Ski slope' is invalid: must be one of agriculture"),
        "{e}"
    );

    // The mapping in two places, or without an inventory.
    let d = example_dir("twice");
    edit(
        &d.join("imsma.toml"),
        "mapping = \"imsma-mapping.toml\"",
        "mapping = \"imsma-mapping.toml\"\narea_unit = \"ha\"",
    );
    let e = error_of(&d.join("imsma.toml"));
    assert!(e.contains("give the mapping in one place: the file, or the [sites] table"), "{e}");
    let d = example_dir("no-inventory");
    edit(&d.join("imsma.toml"), "inventory = \"imsma-export.csv\"", "count = 10");
    let e = error_of(&d.join("imsma.toml"));
    assert!(
        e.contains("sites.mapping: given is invalid: maps an inventory's columns and values: it needs `inventory`"),
        "{e}"
    );

    // A mapping file that is not the mapping's TOML names its line.
    let d = example_dir("not-toml");
    std::fs::write(d.join("imsma-mapping.toml"), "[columns]\nid = \"Hazard ID\"\n[colours]\nred = 1\n").unwrap();
    let e = error_of(&d.join("imsma.toml"));
    assert!(e.contains("imsma-mapping.toml") && e.contains("line 3") && e.contains("unknown field `colours`"), "{e}");
}

#[test]
fn a_region_without_sites_gets_a_warning() {
    let d = example_dir("no-sites");
    let scenario = d.join("imsma.toml");
    edit(
        &scenario,
        "strata = [{ hazard = \"mines\", suspected_area_km2 = 3.5 }]",
        "strata = [{ hazard = \"mines\", suspected_area_km2 = 3.5 }]\n\n[[regions]]\nname = \"East\"\nstrata = [{ hazard = \"mines\" }]",
    );
    let s = load_scenario(scenario.to_str().unwrap()).unwrap();
    let w = s.warnings();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].starts_with("region 'East' has no site in the inventory imsma-export.csv"), "{w:?}");
    let out = Command::new(BIN).args(["validate", "imsma.toml"]).current_dir(&d).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("warning: region 'East' has no site"), "{stdout}");
    let out = Command::new(BIN).args(["run", "imsma.toml", "--trials", "50"]).current_dir(&d).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.contains("warning: region 'East' has no site"), "{stderr}");
    // The example itself has a site in every region: no warning.
    assert!(load_scenario(root("docs/examples/imsma.toml").to_str().unwrap()).unwrap().warnings().is_empty());
}

#[test]
fn the_mapping_file_is_an_input_no_output_overwrites() {
    let d = example_dir("overwrite");
    let before = std::fs::read(d.join("imsma-mapping.toml")).unwrap();
    for flag in ["--samples", "--series", "--sites-csv"] {
        let out = Command::new(BIN)
            .args(["run", "imsma.toml", "--trials", "10", flag, "imsma-mapping.toml"])
            .current_dir(&d)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag}: {err}");
        assert!(err.contains(&format!("{flag}: ")) && err.contains("is also an input"), "{flag}: {err}");
        assert_eq!(std::fs::read(d.join("imsma-mapping.toml")).unwrap(), before, "{flag}");
    }
}
