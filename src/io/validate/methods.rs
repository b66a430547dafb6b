//! `[methods.NAME]`, `[survey.*]` and `[costs]`.

use super::Conv;
use crate::error::Problem;
use crate::io::file::ScenarioFile;
use crate::model::{Costs, MethodCost, MethodModel, PerMethod, Productivity, Rule, SurveyModel};

/// Clearance methods, the two survey stages and the costs outside the stages.
pub(crate) fn methods(
    conv: &mut Conv,
    f: &ScenarioFile,
) -> (PerMethod<Option<MethodModel>>, SurveyModel, SurveyModel, Costs) {
    let mut methods = PerMethod::default();
    for (m, mf) in &f.methods {
        let mp = format!("methods.{m}");
        let ml = m.label();
        let productivity = match (&mf.productivity_m2_per_team_day, &mf.productivity_m2_per_member_day, &mf.team_size) {
            (Some(p), None, None) => Productivity::PerTeamDay(conv.param(
                &format!("{mp}.productivity_m2_per_team_day"),
                &format!("{ml}: m² per team-day"),
                p,
                Rule::Positive,
            )),
            (None, Some(r), Some(s)) => Productivity::PerMemberDay {
                rate: conv.param(
                    &format!("{mp}.productivity_m2_per_member_day"),
                    &format!("{ml}: m² per member-day"),
                    r,
                    Rule::Positive,
                ),
                team_size: conv.param(&format!("{mp}.team_size"), &format!("{ml}: team size"), s, Rule::Positive),
            },
            _ => {
                conv.problems.push(Problem::text(
                    mp.clone(),
                    "productivity",
                    "give either productivity_m2_per_team_day, or productivity_m2_per_member_day with team_size",
                ));
                Productivity::PerTeamDay(conv.default_param(
                    &format!("{mp}.productivity_m2_per_team_day"),
                    "",
                    1.0,
                    Rule::Positive,
                ))
            }
        };
        let cost = match (&mf.cost_usd_per_team_day, &mf.cost_usd_per_m2) {
            (Some(c), None) => MethodCost::PerTeamDay(conv.param(
                &format!("{mp}.cost_usd_per_team_day"),
                &format!("{ml}: cost per team-day"),
                c,
                Rule::NonNegative,
            )),
            (None, Some(c)) => MethodCost::PerM2(conv.param(
                &format!("{mp}.cost_usd_per_m2"),
                &format!("{ml}: cost per m²"),
                c,
                Rule::NonNegative,
            )),
            _ => {
                conv.problems.push(Problem::text(
                    mp.clone(),
                    "cost",
                    "give exactly one of cost_usd_per_team_day and cost_usd_per_m2",
                ));
                MethodCost::PerTeamDay(conv.default_param(
                    &format!("{mp}.cost_usd_per_team_day"),
                    "",
                    0.0,
                    Rule::NonNegative,
                ))
            }
        };
        let detection_probability = conv.opt(
            &format!("{mp}.detection_probability"),
            &format!("{ml}: detection probability"),
            &mf.detection_probability,
            Rule::Fraction,
        );
        methods[*m] = Some(MethodModel { productivity, cost, detection_probability });
    }
    let s = &f.survey;
    let nts = SurveyModel {
        cost: conv.param(
            "survey.non_technical.cost_usd_per_km2",
            "NTS cost per km²",
            &s.non_technical.cost_usd_per_km2,
            Rule::NonNegative,
        ),
        productivity_km2_per_team_day: conv.opt(
            "survey.non_technical.productivity_km2_per_team_day",
            "NTS km² per team-day",
            &s.non_technical.productivity_km2_per_team_day,
            Rule::Positive,
        ),
    };
    let ts = SurveyModel {
        cost: conv.param(
            "survey.technical.cost_usd_per_m2",
            "TS cost per m²",
            &s.technical.cost_usd_per_m2,
            Rule::NonNegative,
        ),
        productivity_km2_per_team_day: conv.opt(
            "survey.technical.productivity_km2_per_team_day",
            "TS km² per team-day",
            &s.technical.productivity_km2_per_team_day,
            Rule::Positive,
        ),
    };
    let c = &f.costs;
    let second_currency = c.second_currency.as_ref().map(|sc| {
        if sc.code.trim().is_empty() {
            conv.problems.push(Problem::text("costs.second_currency.code", "\"\"", "must not be empty"));
        }
        let label = format!("{} per {}", sc.code, f.currency);
        (sc.code.clone(), conv.param("costs.second_currency.per_unit", &label, &sc.per_unit, Rule::Positive))
    });
    let costs = Costs {
        overhead_fraction: conv.param(
            "costs.overhead_fraction",
            "overhead fraction",
            &c.overhead_fraction,
            Rule::NonNegative,
        ),
        benchmark_cost_per_item: conv.opt(
            "costs.benchmark_cost_usd_per_item",
            "benchmark cost per item",
            &c.benchmark_cost_usd_per_item,
            Rule::NonNegative,
        ),
        coordination_per_year: conv.opt(
            "costs.coordination_per_year",
            "coordination, quality and information management per year",
            &c.coordination_per_year,
            Rule::NonNegative,
        ),
        escalation_per_year: conv.opt(
            "costs.escalation_per_year",
            "real price escalation per year",
            &c.escalation_per_year,
            Rule::Growth,
        ),
        inflation_per_year: conv.opt(
            "costs.inflation_per_year",
            "inflation per year",
            &c.inflation_per_year,
            Rule::Growth,
        ),
        discount_rate: conv.opt("costs.discount_rate", "discount rate", &c.discount_rate, Rule::Growth),
        second_currency,
    };
    (methods, nts, ts, costs)
}
