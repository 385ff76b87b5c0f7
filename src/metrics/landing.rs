//! 快速落地 (system 2, SPEC §7): the attracted-investment funnel, 签约移交 as a due item on working
//! days, signed-before-evaluated projects, and 落地率.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::due::due_indicator;
use super::{IndicatorOutcome, Ratio};
use crate::calendar::Calendar;
use crate::indicator::Indicator;
use crate::ingest::problem::{Problem, Severity};
use crate::model::frames::{dates, epoch_days, strings, FILE, ROW, SHEET};

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
    let (files, sheets) = (strings(investments, FILE)?, strings(investments, SHEET)?);
    let rows: Vec<Option<u32>> = investments.column(ROW)?.u32()?.iter().collect();

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
        if by_dates > stage_rank(written) {
            problems.push(Problem {
                unit: Some(unit.clone()),
                file: files[i].clone().unwrap_or_default(),
                sheet: sheets[i].clone().unwrap_or_default(),
                row: rows[i],
                column: "阶段".into(),
                value: written.to_string(),
                severity: Severity::Warning,
                reason: format!("所填日期表明项目已到“{proven_stage}”阶段，按“{proven_stage}”统计"),
                fix: "请更新阶段".into(),
            });
        }
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
                    problems.push(Problem {
                        unit: Some(unit.clone()),
                        file: files[i].clone().unwrap_or_default(),
                        sheet: sheets[i].clone().unwrap_or_default(),
                        row: rows[i],
                        column: "签约日期".into(),
                        value: s.format("%Y-%m-%d").to_string(),
                        severity: Severity::Warning,
                        reason: format!("无法计算移交期限：{e}"),
                        fix: "请核实签约日期".into(),
                    });
                    None
                }
            },
            None => None,
        });
        if signed_by_d.is_some_and(|s| s.year() == as_of.year()) {
            let landed = happened(started[i]).is_some();
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
    let handover = due_indicator(
        Indicator::Handover,
        projects.clone().lazy(),
        "unit",
        HANDOVER_DUE,
        "handed_over",
        as_of,
        &["name", "investor", "signed", "receiver"],
    )?;
    let signed_before_evaluated = projects
        .clone()
        .lazy()
        .filter(
            col("signed").lt_eq(lit(as_of)).and(
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
        .collect()?;
    Ok(Landing {
        projects,
        handover,
        funnel,
        signed_before_evaluated,
        landing_rate,
        problems,
    })
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
}
