//! Each chart is well-formed XML with its title, axis labels, legend and series.

use super::*;

/// Parses `svg` and returns the text of every `<text>` element and the count of each element name.
fn parse(svg: &str) -> (Vec<String>, std::collections::HashMap<String, usize>) {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let mut texts = Vec::new();
    let mut count = std::collections::HashMap::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        *count.entry(n.tag_name().name().to_string()).or_insert(0) += 1;
        if n.tag_name().name() == "text" {
            texts.push(n.text().unwrap_or("").to_string());
        }
    }
    (texts, count)
}

fn has(texts: &[String], want: &str) {
    assert!(texts.iter().any(|t| t.contains(want)), "no text {want:?} in {texts:?}");
}

#[test]
fn s_curve_has_title_axes_marks_legend_and_reference() {
    let a: Vec<f64> = (0..1000).map(|i| 30e9 + f64::from(i) * 1e7).collect();
    let b: Vec<f64> = a.iter().map(|x| x * 1.1).collect();
    let scale = Scale::for_unit(crate::simulate::Unit::Money, "USD", 44e9);
    let svg = s_curve(
        "Total cost",
        "total cost",
        &scale,
        &[("plan A", &a), ("plan B", &b)],
        &[Reference::new("RDNA3", 34.6e9)],
    )
    .unwrap();
    let (texts, count) = parse(&svg);
    has(&texts, "Total cost");
    has(&texts, "total cost (USD bn)");
    has(&texts, "probability of at most x");
    for m in ["P5 ", "P50 ", "P80 ", "P95 ", "plan A", "plan B", "RDNA3 (34.6 USD bn)"] {
        has(&texts, m);
    }
    // two curves and the reference line are polylines; eight percentile marks are circles
    assert!(count.get("polyline").copied().unwrap_or(0) >= 3, "{count:?}");
    assert_eq!(count.get("circle").copied().unwrap_or(0), 8, "{count:?}");
}

#[test]
fn histogram_bins_sum_to_one() {
    let v: Vec<f64> = (0..500).map(f64::from).collect();
    let svg = histogram("H", "casualties", &Scale::plain("people"), &[("x", &v)], Some(10)).unwrap();
    let (texts, count) = parse(&svg);
    has(&texts, "share of trials");
    has(&texts, "casualties (people)");
    // 10 bars + the legend swatch (+ the background rectangles)
    assert!(count.get("rect").copied().unwrap_or(0) >= 11, "{count:?}");
    assert!(histogram("H", "x", &Scale::plain("u"), &[("x", &v)], Some(0)).unwrap_err().to_string().contains("bins"));
    let e = histogram("H", "x", &Scale::plain("u"), &[("x", &[f64::NAN])], None).unwrap_err().to_string();
    assert!(e.contains("at least one finite value"), "{e}");
}

#[test]
fn fan_chart_has_both_bands_and_the_median() {
    let bands: Vec<FanBand> = (0..20)
        .map(|y| {
            let m = 100.0 * f64::from(y);
            FanBand { year: 2025 + y, q: [m * 0.5, m * 0.8, m, m * 1.2, m * 1.6] }
        })
        .collect();
    let svg = fan_chart("Released", "area released", &Scale::plain("km²"), &bands).unwrap();
    let (texts, count) = parse(&svg);
    for m in ["Released", "year", "area released (km²)", "P10-P90", "P25-P75", "P50", "2030"] {
        has(&texts, m);
    }
    assert!(count.get("polygon").copied().unwrap_or(0) >= 2, "{count:?}");
    assert!(fan_chart("x", "y", &Scale::plain("u"), &[]).is_err());
}

#[test]
fn bars_label_every_row_and_draw_whiskers() {
    let rows: Vec<Bar> = ["manual productivity", "cancelled fraction", "cost per m²"]
        .iter()
        .enumerate()
        .map(|(i, l)| Bar {
            label: (*l).to_string(),
            values: vec![0.1 * i as f64, 0.2 * i as f64],
            intervals: vec![Some([0.0, 0.15 * i as f64]), None],
        })
        .collect();
    let svg = bars("Sobol", "share of variance", &Scale::plain("0 to 1"), &["first", "total"], &rows).unwrap();
    let (texts, count) = parse(&svg);
    for m in ["Sobol", "manual productivity", "cancelled fraction", "cost per m²", "first", "total"] {
        has(&texts, m);
    }
    // 3 rows × 2 bars + 2 legend swatches; 3 whiskers + the zero line
    assert!(count.get("rect").copied().unwrap_or(0) >= 8, "{count:?}");
    assert!(count.get("polyline").copied().unwrap_or(0) >= 4, "{count:?}");
    let bad = [Bar { label: "x".into(), values: vec![1.0], intervals: vec![None] }];
    assert!(
        bars("t", "x", &Scale::plain("u"), &["a", "b"], &bad).unwrap_err().to_string().contains("every bar needs 2")
    );
}

#[test]
fn money_scales_to_millions_and_billions() {
    use crate::simulate::Unit;
    assert_eq!(Scale::for_unit(Unit::Money, "EUR", 3e9).suffix, "EUR bn");
    assert_eq!(Scale::for_unit(Unit::Money, "EUR", 3e6).divisor, 1e6);
    assert_eq!(Scale::for_unit(Unit::Km2, "km²", 3e9).divisor, 1.0);
}

/// The boxes (x, y, width) of every `<text>` of `svg`, with its content.
fn text_boxes(svg: &str) -> Vec<(String, f64, f64)> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed");
    doc.descendants()
        .filter(|n| n.tag_name().name() == "text")
        .map(|n| {
            let num = |a: &str| n.attribute(a).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
            (n.text().unwrap_or("").trim().to_string(), num("x"), num("y"))
        })
        .collect()
}

#[test]
fn long_bar_labels_wrap_whole() {
    let long = "manual clearance teams, fixed cost per team-year while the team exists";
    let rows = vec![
        Bar { label: long.into(), values: vec![0.4], intervals: vec![None] },
        Bar { label: "short".into(), values: vec![-0.2], intervals: vec![None] },
    ];
    let svg = bars("t", "ρ", &Scale::plain("-1 to 1"), &["ρ"], &rows).unwrap();
    let (texts, _) = parse(&svg);
    // Every word of the label is drawn, none cut with an ellipsis.
    let drawn: String = texts.join(" ");
    for w in long.split_whitespace() {
        assert!(drawn.contains(w), "{w} missing in {texts:?}");
    }
    assert!(!drawn.contains('…'), "{texts:?}");
    assert_eq!(wrap(long, 32), ["manual clearance teams, fixed", "cost per team-year while the", "team exists"]);
    assert_eq!(wrap("", 10), [""]);
}

#[test]
fn percentile_labels_of_several_plans_do_not_overlap() {
    // Three plans whose percentiles lie close together: their labels would sit on each other.
    let plans: Vec<Vec<f64>> =
        (0..3).map(|k| (0..1000).map(|i| 30e9 + f64::from(i) * 1e7 + f64::from(k) * 5e7).collect()).collect();
    let named: Vec<(&str, &[f64])> = ["A", "B", "C"].iter().copied().zip(plans.iter().map(Vec::as_slice)).collect();
    let scale = Scale::for_unit(crate::simulate::Unit::Money, "USD", 45e9);
    let svg = s_curve("t", "cost", &scale, &named, &[]).unwrap();
    let marks: Vec<(String, f64, f64)> =
        text_boxes(&svg).into_iter().filter(|(t, ..)| t.starts_with('P') && t.contains(' ')).collect();
    assert_eq!(marks.len(), 12, "{marks:?}");
    for (i, a) in marks.iter().enumerate() {
        for b in &marks[i + 1..] {
            let (wa, wb) = (text_width(&a.0, 14.0), text_width(&b.0, 14.0));
            let apart = a.1 + wa <= b.1 || b.1 + wb <= a.1 || (a.2 - b.2).abs() >= 16.0;
            assert!(apart, "{a:?} overlaps {b:?}");
        }
    }
    // A mark the plans share is labelled once.
    let same = s_curve("t", "cost", &scale, &[("A", &plans[0]), ("B", &plans[0])], &[]).unwrap();
    assert_eq!(text_boxes(&same).iter().filter(|(t, ..)| t.starts_with("P50 ")).count(), 1);
}

#[test]
fn a_long_tail_does_not_squeeze_the_axis() {
    // 997 trials between 10 and 20, three at 1,000: the axis shows the body and says what it left out.
    let mut v: Vec<f64> = (0..997).map(|i| 10.0 + f64::from(i) / 99.6).collect();
    v.extend([1000.0; 3]);
    let (lo, hi, note) = view_range(&[&v], &[]).unwrap();
    assert!(lo >= 10.0 && hi < 21.0, "{lo} {hi}");
    // The note counts every trial outside the axis: the three far ones and the few beyond the body's quantiles.
    let beyond = v.iter().filter(|x| **x < lo || **x > hi).count();
    assert!((3..=12).contains(&beyond), "{beyond}");
    assert_eq!(note, Some(format!("axis shows P0.5 to P99.5; {beyond} trials lie beyond")));
    // A reference outside the body is kept in view.
    let (_, hi, _) = view_range(&[&v], &[50.0]).unwrap();
    assert_eq!(hi, 50.0);
    // Without a long tail, everything.
    let w: Vec<f64> = (0..100).map(f64::from).collect();
    assert_eq!(view_range(&[&w], &[]).unwrap(), (0.0, 99.0, None));
    let svg = s_curve("t", "x", &Scale::plain("u"), &[("a", &v)], &[]).unwrap();
    let (texts, _) = parse(&svg);
    has(&texts, &format!("{beyond} trials lie beyond"));
    assert!(!texts.iter().any(|t| t.contains("NaN")), "{texts:?}");
}

#[test]
fn the_last_tick_label_stays_inside_the_figure() {
    let v: Vec<f64> = (0..1000).map(|i| f64::from(i) * 1e8).collect();
    let scale = Scale::for_unit(crate::simulate::Unit::Money, "USD", 1e11);
    for svg in [
        s_curve("t", "cost", &scale, &[("a", &v)], &[]).unwrap(),
        histogram("t", "cost", &scale, &[("a", &v)], None).unwrap(),
    ] {
        for (t, x, _) in text_boxes(&svg) {
            // Tick labels are centred on x: half their width must fit.
            assert!(x + text_width(&t, 14.0) / 2.0 <= f64::from(SIZE.0), "{t} at {x}");
        }
    }
}
