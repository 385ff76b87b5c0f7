//! Supervision notices (挂牌督办): replies within 3 working days (督办按时复函), closure by the
//! deadline (督办按期办结), incomplete replies (复函不完整) and the overdue-notice deduction.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::due::{due_indicator, undecidable, with_status, Judged, OVERDUE_OPEN, UNIT};
use crate::calendar::Calendar;
use crate::indicator::Indicator;
use crate::ingest::problem::Problem;
use crate::ingest::schema::field::{NOTICE_NO, PROJECT_NAME, TARGET_UNIT};
use crate::model::frames::{dates, epoch_days, origins, strings};

/// Working days after 下发日期 within which a reply is due.
pub const REPLY_WORKING_DAYS: u32 = 3;
pub const REPLY_DUE: &str = "reply_due";
/// Columns that identify a notice in item lists.
pub const NOTICE_COLUMNS: [&str; 4] = [NOTICE_NO, PROJECT_NAME, "matter", "issued"];

/// The five 落实 items a reply must carry, by frame column (责任单位 is the 督办对象 itself).
const REPLY_ITEMS: [(&str, &str); 4] = [
    ("remedy", "解决办法"),
    ("responsible_leader", "责任领导"),
    ("responsible_person", "责任人"),
    ("promised", "承诺解决时限"),
];

#[derive(Debug)]
pub struct NoticeMetrics {
    /// Every notice issued by D, with its reply deadline.
    pub issued: DataFrame,
    /// 复函 by the 3rd working day, with every notice's reply status.
    pub reply: Judged,
    /// 办结 by 办理时限, with every notice's closure status.
    pub closure: Judged,
    /// Replied by D but missing some 落实 items: unit, notice_no, project_name, replied, missing.
    pub incomplete: DataFrame,
    /// Per unit, notices past 办理时限 and not closed by D (the deduction's items).
    pub overdue_open: BTreeMap<String, u32>,
    pub problems: Vec<Problem>,
}

pub fn notice_metrics(
    notices: &DataFrame,
    calendar: &Calendar,
    as_of: NaiveDate,
) -> PolarsResult<NoticeMetrics> {
    // A notice issued after D does not exist yet for this run.
    let mut existing = notices
        .clone()
        .lazy()
        .filter(col("issued").lt_eq(lit(as_of)))
        .collect()?;
    let (reply_due, problems) = reply_deadlines(&existing, calendar)?;
    existing.with_column(Column::new(REPLY_DUE.into(), reply_due).cast(&DataType::Date)?)?;

    let reply = due_indicator(
        Indicator::Reply,
        existing.clone().lazy(),
        TARGET_UNIT,
        REPLY_DUE,
        "replied",
        as_of,
        &NOTICE_COLUMNS,
    )?;
    let closure = due_indicator(
        Indicator::Closure,
        existing.clone().lazy(),
        TARGET_UNIT,
        "deadline",
        "closed",
        as_of,
        &NOTICE_COLUMNS,
    )?;
    Ok(NoticeMetrics {
        incomplete: incomplete_replies(&existing, as_of)?,
        overdue_open: overdue_open(&closure.items)?,
        issued: existing,
        reply,
        closure,
        problems,
    })
}

/// The 3rd working day after each 下发日期; a date the calendar does not cover leaves the
/// deadline empty and says so (never a guess).
fn reply_deadlines(
    notices: &DataFrame,
    calendar: &Calendar,
) -> PolarsResult<(Vec<Option<i32>>, Vec<Problem>)> {
    let issued = dates(notices, "issued")?;
    let origins = origins(notices, TARGET_UNIT)?;
    let mut problems = Vec::new();
    let due = issued
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let d = (*d)?;
            match calendar.add_working_days(d, REPLY_WORKING_DAYS) {
                Ok(due) => Some(epoch_days(due)),
                Err(e) => {
                    problems.push(undecidable(&origins[i], "下发日期", d, "复函期限", &e));
                    None
                }
            }
        })
        .collect();
    Ok((due, problems))
}

fn incomplete_replies(notices: &DataFrame, as_of: NaiveDate) -> PolarsResult<DataFrame> {
    let replied = notices
        .clone()
        .lazy()
        .filter(col("replied").lt_eq(lit(as_of)))
        .sort([TARGET_UNIT, NOTICE_NO], SortMultipleOptions::default())
        .collect()?;
    let mut missing_per_row: Vec<Vec<&str>> = vec![Vec::new(); replied.height()];
    for (column, label) in REPLY_ITEMS {
        let is_null = replied.column(column)?.is_null();
        for (i, null) in is_null.iter().enumerate() {
            if null == Some(true) {
                missing_per_row[i].push(label);
            }
        }
    }
    let keep: Vec<bool> = missing_per_row.iter().map(|m| !m.is_empty()).collect();
    let missing: Vec<String> = missing_per_row.iter().map(|m| m.join("、")).collect();
    let mut with_missing = replied.select([TARGET_UNIT, NOTICE_NO, PROJECT_NAME, "replied"])?;
    with_missing.with_column(Column::new("missing".into(), missing))?;
    with_missing.rename(TARGET_UNIT, UNIT.into())?;
    with_missing.filter(&BooleanChunked::from_slice("keep".into(), &keep))
}

/// Per 督办对象, the notices past 办理时限 and not closed by D, from the closure statuses.
fn overdue_open(closure: &DataFrame) -> PolarsResult<BTreeMap<String, u32>> {
    let open = with_status(closure, OVERDUE_OPEN)?;
    let mut counts = BTreeMap::new();
    for unit in strings(&open, TARGET_UNIT)?.into_iter().flatten() {
        *counts.entry(unit).or_insert(0) += 1;
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::test_frames::{d, date, frame, provenance, text};

    fn notices() -> DataFrame {
        let mut columns = provenance(5);
        columns.extend([
            text(
                NOTICE_NO,
                &[Some("N1"), Some("N2"), Some("N3"), Some("N4"), Some("N5")],
            ),
            text(PROJECT_NAME, &[Some("甲项目"); 5]),
            text("matter", &[Some("用地"); 5]),
            text(
                TARGET_UNIT,
                &[
                    Some("甲镇"),
                    Some("甲镇"),
                    Some("乙局"),
                    Some("乙局"),
                    Some("甲镇"),
                ],
            ),
            // N1 just before the Spring Festival; N2 on a National Day holiday; N3 on D; N4 after D.
            date(
                "issued",
                &[
                    Some("2026-02-12"),
                    Some("2026-10-07"),
                    Some("2026-11-30"),
                    Some("2026-12-01"),
                    Some("2026-09-01"),
                ],
            ),
            date(
                "deadline",
                &[
                    Some("2026-03-15"),
                    Some("2026-10-30"),
                    Some("2026-12-20"),
                    Some("2026-12-31"),
                    Some("2026-09-30"),
                ],
            ),
            date(
                "replied",
                &[
                    Some("2026-02-24"),
                    Some("2026-10-12"),
                    None,
                    None,
                    Some("2026-09-03"),
                ],
            ),
            text(
                "remedy",
                &[Some("组卷报批"), Some("协调"), None, None, Some("协调")],
            ),
            text(
                "responsible_leader",
                &[Some("马国华"), Some("马国华"), None, None, Some("马国华")],
            ),
            text(
                "responsible_person",
                &[Some("王五"), None, None, None, Some("王五")],
            ),
            date(
                "promised",
                &[
                    Some("2026-03-10"),
                    Some("2026-10-25"),
                    None,
                    None,
                    Some("2026-09-20"),
                ],
            ),
            date(
                "closed",
                &[Some("2026-03-01"), Some("2026-10-20"), None, None, None],
            ),
        ]);
        frame(columns)
    }

    #[test]
    fn replies_follow_the_working_day_calendar() {
        let m = notice_metrics(&notices(), &Calendar::shipped(), d("2026-11-30")).unwrap();
        // N1: Feb 13 (1), Feb 14 make-up Saturday (2), Feb 24 after the festival (3): on time.
        // N2: Oct 8 (1), Oct 9 (2), Oct 10 make-up Saturday (3): the reply on Oct 12 is late.
        // N5: replied on the 2nd working day. N3 is not due yet; N4 does not exist yet.
        let reply = m.reply.outcome.ratios["甲镇"];
        assert_eq!((reply.met, reply.scope), (2.0, 3.0));
        assert_eq!(m.reply.outcome.rate("乙局"), None);
        let late =
            crate::model::frames::dates(&m.reply.outcome.late, super::super::due::T).unwrap();
        assert_eq!(late, vec![Some(d("2026-10-10"))]);
        let closure = m.closure.outcome.ratios["甲镇"];
        assert_eq!((closure.met, closure.scope), (2.0, 3.0));
        assert_eq!(m.closure.outcome.rate("乙局"), None);
        assert_eq!(m.overdue_open.get("甲镇"), Some(&1));
        assert_eq!(m.overdue_open.get("乙局"), None);
    }

    #[test]
    fn a_reply_missing_an_item_is_incomplete() {
        let m = notice_metrics(&notices(), &Calendar::shipped(), d("2026-11-30")).unwrap();
        assert_eq!(m.incomplete.height(), 1);
        assert_eq!(
            strings(&m.incomplete, NOTICE_NO).unwrap(),
            vec![Some("N2".into())]
        );
        assert_eq!(
            strings(&m.incomplete, "missing").unwrap(),
            vec![Some("责任人".into())]
        );
    }
}
