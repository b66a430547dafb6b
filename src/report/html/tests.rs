//! The run report holds every part the issue asks for and nothing that reaches outside the file.

use super::*;
use crate::io::load_scenario;
use crate::simulate::{SimConfig, simulate};

#[test]
fn the_ukraine_report_has_every_part_and_no_external_request() {
    let s = load_scenario("ukraine").unwrap();
    let o = simulate(&s, &SimConfig::default().with_trials(200).with_seed(1)).unwrap();
    let source = crate::io::bundled("ukraine").map(|b| b.toml.to_string());
    let opts = ReportOptions {
        references: vec![Reference::new("World Bank RDNA3", 34.6e9)],
        source_text: source,
        date: Some("2026-11-28".into()),
        overrides: vec!["capacity.teams.manual.initial=940".into()],
        command: None,
    };
    let html = run_report(&s, &o, &opts).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for part in [
        "The answer",
        "really needs clearing",
        "at P80",
        "Key figures",
        "Charts",
        "By region",
        "Assumptions",
        "Reproduce this report",
        "Appendix: every output",
    ] {
        assert!(html.contains(part), "no {part:?}");
    }
    // S-curves of the work and the programme, the histogram, four fan charts, the tornado, three region bars
    let figures = html.matches("<figure").count();
    assert_eq!(figures, 2 + 1 + 4 + 1 + 3, "{figures} figures");
    assert_eq!(html.matches("<svg").count(), figures);
    assert!(html.contains("World Bank RDNA3"));
    // Nine key figures for decision makers; every national output in the appendix, in words with
    // its code name beneath.
    let key = html.split("<table class=\"figures key\">").nth(1).and_then(|t| t.split("</table>").next()).unwrap();
    assert_eq!(key.matches("<tr><td>").count(), 9, "{key}");
    for words in
        ["land that really needs clearing (km²)", "programme cost per year while it runs", "years to release all of it"]
    {
        assert!(key.contains(words), "no {words:?} in {key}");
    }
    let national = o.summaries().filter(|(d, _)| d.region.is_none()).count();
    assert_eq!(html.matches("<tr><td title=").count(), national);
    assert!(html.contains("area cleared<br><code>cleared_area_km2</code>"));
    assert!(!html.contains("cleared area km2"), "no code name in words");
    // every uncertain input is listed, with the file's notes where it has one, its distribution in words
    assert_eq!(html.matches("<tr><td>").count() - o.region_names().len() - 9, s.inputs().len());
    assert!(html.contains("lognormal, median 600, P5-P95 180 to 2,000"));
    assert!(html.contains("PERT, most likely 139,000, from 129,000 to 145,000"));
    assert!(html.contains("[MOD-UA-2024-OUTCOMES]") || html.contains("ASSUMPTION"), "notes from the file");
    // metadata
    for m in [
        "2026-11-28",
        "seed",
        "trials",
        env!("CARGO_PKG_VERSION"),
        "content hash",
        "--set &#39;capacity.teams.manual.initial=940&#39;",
    ] {
        assert!(html.contains(m), "no {m:?}");
    }
    // self-contained: no script, no external resource
    assert!(!html.contains("<script"));
    for bad in ["src=", "href=", "url(", "@import", "<link"] {
        assert!(!html.contains(bad), "{bad}");
    }
}

#[test]
fn text_is_escaped() {
    assert_eq!(escape("<b>&\"'\u{1b}"), "&lt;b&gt;&amp;&quot;&#39;\u{FFFD}");
    let mut p = Page::new("a <title>");
    p.paragraph("x < y");
    let html = p.finish();
    assert!(html.contains("<title>a &lt;title&gt;</title>") && html.contains("<p>x &lt; y</p>"));
}

#[test]
fn dates_are_civil() {
    let d = today_utc();
    assert_eq!(d.len(), 10);
    assert!(d.starts_with("20"), "{d}");
}

#[test]
fn an_updated_scenario_shows_each_inputs_prior_and_posterior() {
    let record = crate::model::update::UpdateRecord {
        observed: "field.csv".into(),
        fingerprint: "0".into(),
        method: "importance weighting".into(),
        draws: 1000,
        ess: 500.0,
        observations: vec!["national 2024: 2 of 10 <areas> cancelled".into()],
        inputs: vec![(
            "land_release.cancelled_fraction".into(),
            crate::Dist::pert(0.6, 0.8, 0.95).unwrap(),
            crate::Dist::beta(3.0, 6.0, 0.6, 0.95).unwrap(),
        )],
    };
    let s = load_scenario("ukraine").unwrap().with_update(record);
    let o = simulate(&s, &SimConfig::default().with_trials(100).with_seed(1)).unwrap();
    let plain = run_report(&load_scenario("ukraine").unwrap(), &o, &ReportOptions::default()).unwrap();
    let html = run_report(&s, &o, &ReportOptions::default()).unwrap();
    assert!(!plain.contains("Updated with field results"));
    assert!(html.contains("Updated with field results") && html.contains("field.csv"));
    assert!(html.contains("2 of 10 &lt;areas&gt; cancelled"), "observations are listed, escaped");
    assert_eq!(html.matches("<figure").count(), plain.matches("<figure").count() + 1);
    assert!(html.contains("NTS cancelled fraction: prior and posterior"));
    assert!(html.contains("posterior (field results)"));
}
