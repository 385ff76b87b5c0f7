//! 快速落地 (system 2, SPEC §7): the attracted-investment funnel, 签约移交 as a due item on working
//! days, signed-before-evaluated projects, and 落地率.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::due::{due_indicator, undecidable, Judged};
use super::{IndicatorOutcome, Ratio};
use crate::calendar::Calendar;
use crate::indicator::Indicator;
use crate::ingest::problem::{Origin, Problem, Severity};
use crate::model::frames::{dates, epoch_days, origins, strings};

/// Funnel stages in order.
pub const FUNNEL: [&str; 4] = ["前期", "评估", "签约", "落地"];
pub const PROVEN_STAGE: &str = "proven_stage";
pub const HANDOVER_DUE: &str = "handover_due";
/// The whole county, in per-unit tables.
pub const COUNTY: &str = "全县";

#[derive(Debug)]
pub struct Landing {
    /// The attracted-investment projects with the stage their dates prove.
    pub projects: DataFrame,
    pub handover: IndicatorOutcome,
    /// Every project with its 签约移交 status (`due::item_status`).
    pub handover_items: DataFrame,
    /// 签约移交 for the whole county: every 招商单位's items together.
    pub handover_county: Ratio,
    /// (招商单位 or 全县, stage) → (count, 协议投资额 万元).
    pub funnel: BTreeMap<(String, &'static str), (u32, f64)>,
    /// Signed by D with no evaluation, or evaluated after signing.
    pub signed_before_evaluated: DataFrame,
    /// Projects signed in D's year that started by D, over those signed (per unit and 全县).
    pub landing_rate: BTreeMap<String, Ratio>,
    pub problems: Vec<Problem>,
}

fn stage_rank(stage: &str) -> usize {
    FUNNEL.iter().position(|s| *s == stage).unwrap_or(0)
}

pub fn landing(
    investments: &DataFrame,
    calendar: &Calendar,
    handover_working_days: u32,
    as_of: NaiveDate,
) -> PolarsResult<Landing> {
    let happened = |d: Option<NaiveDate>| d.filter(|d| *d <= as_of);
    let stage = strings(investments, "stage")?;
    let units = strings(investments, "unit")?;
    let (evaluated, signed, started) = (
        dates(investments, "evaluated")?,
        dates(investments, "signed")?,
        dates(investments, "started")?,
    );
    let amount: Vec<Option<f64>> = investments.column("amount")?.f64()?.iter().collect();
    let origins = origins(investments, "unit")?;

    let mut proven = Vec::with_capacity(investments.height());
    let mut handover_due = Vec::with_capacity(investments.height());
    let mut funnel: BTreeMap<(String, &'static str), (u32, f64)> = BTreeMap::new();
    let mut landing_rate: BTreeMap<String, Ratio> = BTreeMap::new();
    let mut problems = Vec::new();
    for i in 0..investments.height() {
        let written = stage[i].as_deref().unwrap_or("前期");
        let by_dates = if happened(started[i]).is_some() {
            3
        } else if happened(signed[i]).is_some() {
            2
        } else if happened(evaluated[i]).is_some() {
            1
        } else {
            0
        };
        let rank = stage_rank(written).max(by_dates);
        let proven_stage = FUNNEL[rank];
        proven.push(proven_stage);
        let unit = units[i].clone().unwrap_or_default();
        problems.extend(stage_problems(
            &origins[i],
            written,
            by_dates,
            signed[i].is_none(),
            started[i].is_none(),
        ));
        for key in [unit.clone(), COUNTY.to_string()] {
            let slot = funnel.entry((key, proven_stage)).or_default();
            slot.0 += 1;
            slot.1 += amount[i].unwrap_or(0.0);
        }
        let signed_by_d = happened(signed[i]);
        handover_due.push(match signed_by_d {
            Some(s) => match calendar.add_working_days(s, handover_working_days) {
                Ok(due) => Some(epoch_days(due)),
                Err(e) => {
                    problems.push(undecidable(&origins[i], "签约日期", s, "移交期限", &e));
                    None
                }
            },
            None => None,
        });
        if signed_by_d.is_some_and(|s| s.year() == as_of.year()) {
            // The funnel's stage decides: the two never disagree.
            let landed = proven_stage == "落地";
            for key in [unit.clone(), COUNTY.to_string()] {
                let ratio = landing_rate.entry(key).or_default();
                ratio.scope += 1.0;
                ratio.met += if landed { 1.0 } else { 0.0 };
            }
        }
    }
    let mut projects = investments.clone();
    projects.with_column(Column::new(PROVEN_STAGE.into(), proven))?;
    projects.with_column(Column::new(HANDOVER_DUE.into(), handover_due).cast(&DataType::Date)?)?;
    let Judged {
        outcome: handover,
        items: handover_items,
    } = due_indicator(
        Indicator::Handover,
        projects.clone().lazy(),
        "unit",
        HANDOVER_DUE,
        "handed_over",
        as_of,
        &["name", "investor", "signed", "receiver"],
    )?;
    let signed_before_evaluated = signed_before_evaluated(&projects, as_of)?;
    let handover_county = handover
        .ratios
        .values()
        .fold(Ratio::default(), |sum, r| Ratio {
            met: sum.met + r.met,
            scope: sum.scope + r.scope,
        });
    Ok(Landing {
        projects,
        handover,
        handover_items,
        handover_county,
        funnel,
        signed_before_evaluated,
        landing_rate,
        problems,
    })
}

/// Projects signed in D's year by D with no evaluation by D, or evaluated after signing.
fn signed_before_evaluated(projects: &DataFrame, as_of: NaiveDate) -> PolarsResult<DataFrame> {
    let year_start = crate::dates::year_start(as_of);
    // An evaluation dated after D had not happened by D: the project counts as unevaluated.
    let evaluated_by_d = when(col("evaluated").lt_eq(lit(as_of)))
        .then(col("evaluated"))
        .otherwise(lit(NULL).cast(DataType::Date));
    projects
        .clone()
        .lazy()
        .with_column(evaluated_by_d.alias("evaluated"))
        .filter(
            col("signed")
                .gt_eq(lit(year_start))
                .and(col("signed").lt_eq(lit(as_of)))
                .and(
                    col("evaluated")
                        .is_null()
                        .or(col("evaluated").gt(col("signed"))),
                ),
        )
        .sort(["unit", "signed"], SortMultipleOptions::default())
        .select([
            col("unit"),
            col("name"),
            col("investor"),
            col("evaluated"),
            col("signed"),
        ])
        .collect()
}

/// The warnings on a project's written stage: its dates prove a later stage, or the stage lacks
/// the date that proves it (the written stage stands, SPEC §7).
fn stage_problems(
    origin: &Origin,
    written: &str,
    by_dates: usize,
    no_signing_date: bool,
    no_start_date: bool,
) -> Vec<Problem> {
    let warn = |column: &str, value: &str, reason: String, fix: &str| {
        origin.problem(column, value, Severity::Warning, reason, fix)
    };
    let mut problems = Vec::new();
    if by_dates > stage_rank(written) {
        let proven_stage = FUNNEL[by_dates];
        problems.push(warn(
            "阶段",
            written,
            format!("所填日期表明项目已到“{proven_stage}”阶段，按“{proven_stage}”统计"),
            "请更新阶段",
        ));
    }
    if written == "签约" && no_signing_date {
        problems.push(warn(
            "签约日期",
            "",
            "缺签约日期：按“签约”阶段统计，无法计算移交期限".into(),
            "请补填签约日期",
        ));
    }
    if written == "落地" && no_start_date {
        problems.push(warn(
            "开工日期",
            "",
            "缺开工日期：按“落地”统计".into(),
            "请补填开工日期",
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::test_frames::{d, date, frame, number, provenance, text};

    fn investments() -> DataFrame {
        let mut columns = provenance(4);
        columns.extend([
            text("name", &[Some("甲"), Some("乙"), Some("丙"), Some("丁")]),
            text("unit", &[Some("县招商中心"); 4]),
            text("investor", &[None; 4]),
            text("receiver", &[Some("丹朱镇"); 4]),
            // 丁 says 签约, but it started on 2026-10-20: it counts as 落地, with a warning.
            text(
                "stage",
                &[Some("签约"), Some("签约"), Some("评估"), Some("签约")],
            ),
            // 甲 was signed without evaluation; 乙 evaluated after signing.
            date(
                "evaluated",
                &[
                    None,
                    Some("2026-05-10"),
                    Some("2026-06-01"),
                    Some("2026-03-01"),
                ],
            ),
            // 甲 signed just before National Day: the 10th working day is 2026-10-16.
            date(
                "signed",
                &[
                    Some("2026-09-28"),
                    Some("2026-05-01"),
                    None,
                    Some("2026-04-01"),
                ],
            ),
            number(
                "amount",
                &[Some(5000.0), Some(3000.0), Some(2000.0), Some(8000.0)],
            ),
            date(
                "handed_over",
                &[
                    Some("2026-10-16"),
                    Some("2026-06-30"),
                    None,
                    Some("2026-04-10"),
                ],
            ),
            date("started", &[None, None, None, Some("2026-10-20")]),
        ]);
        frame(columns)
    }

    #[test]
    fn funnel_handover_on_working_days_and_landing_rate() {
        let l = landing(&investments(), &Calendar::shipped(), 10, d("2026-11-30")).unwrap();
        // 甲: 9-29, 9-30, (holiday 10-1..7), 10-8, 10-9, 10-10 (make-up Saturday), 10-12..10-16.
        let due = dates(&l.projects, HANDOVER_DUE).unwrap();
        assert_eq!(due[0], Some(d("2026-10-16")));
        let h = l.handover.ratios["县招商中心"];
        // 甲 on time; 乙 late (due 05-18 after the May Day holiday, handed over 06-30); 丁 on
        // time; 丙 is not signed.
        assert_eq!((h.met, h.scope), (2.0, 3.0));
        assert_eq!(l.funnel[&(COUNTY.to_string(), "落地")], (1, 8000.0));
        assert_eq!(l.funnel[&(COUNTY.to_string(), "签约")], (2, 8000.0));
        assert_eq!(l.funnel[&(COUNTY.to_string(), "评估")], (1, 2000.0));
        assert_eq!(l.problems.len(), 1);
        assert!(l.problems[0].reason.contains("落地"));
        assert_eq!(
            strings(&l.signed_before_evaluated, "name").unwrap(),
            vec![Some("乙".into()), Some("甲".into())]
        );
        let r = l.landing_rate[COUNTY];
        assert_eq!((r.met, r.scope), (1.0, 3.0));
    }

    #[test]
    fn stages_without_their_dates_and_evaluations_after_d() {
        let mut columns = provenance(4);
        columns.extend([
            text("name", &[Some("戊"), Some("己"), Some("庚"), Some("辛")]),
            text("unit", &[Some("县招商中心"); 4]),
            text("investor", &[None; 4]),
            text("receiver", &[None; 4]),
            // 戊 says 落地 without 开工日期; 己 says 签约 without 签约日期.
            text(
                "stage",
                &[Some("落地"), Some("签约"), Some("签约"), Some("签约")],
            ),
            // 庚 was evaluated after D; 辛 was signed last year without evaluation.
            date("evaluated", &[None, None, Some("2026-12-10"), None]),
            date(
                "signed",
                &[
                    Some("2026-03-02"),
                    None,
                    Some("2026-06-01"),
                    Some("2025-12-01"),
                ],
            ),
            number("amount", &[None; 4]),
            date("handed_over", &[None; 4]),
            date("started", &[None; 4]),
        ]);
        let l = landing(&frame(columns), &Calendar::shipped(), 10, d("2026-11-30")).unwrap();
        let reasons: Vec<&str> = l.problems.iter().map(|p| p.reason.as_str()).collect();
        assert!(
            reasons.iter().any(|r| r.starts_with("缺开工日期")),
            "{reasons:?}"
        );
        assert!(
            reasons.iter().any(|r| r.starts_with("缺签约日期")),
            "{reasons:?}"
        );
        // The funnel and 落地率 agree: 戊 landed, of 戊 and 庚 signed in 2026.
        assert_eq!(l.funnel[&(COUNTY.to_string(), "落地")].0, 1);
        let rate = l.landing_rate[COUNTY];
        assert_eq!((rate.met, rate.scope), (1.0, 2.0));
        // 己 has no handover item; 辛 is backlog from 2025; the county row sums the units.
        let h = l.handover.ratios["县招商中心"];
        assert_eq!((h.met, h.scope), (0.0, 3.0));
        assert_eq!(l.handover_county, h);
        // 先评估后签约 lists 2026 signings only; 庚's evaluation after D counts as none.
        assert_eq!(
            strings(&l.signed_before_evaluated, "name").unwrap(),
            vec![Some("戊".into()), Some("庚".into())]
        );
        assert_eq!(
            dates(&l.signed_before_evaluated, "evaluated").unwrap(),
            vec![None, None]
        );
    }
}
