//! 月报按时报送: for each unit leading a current project and each month m of year Y, the ledger
//! with 报告期 m is due on day `due_day` of month m+1; it is done on its earliest 填报日期.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::due::{due_indicator, Judged};
use crate::indicator::Indicator;
use crate::ingest::schema::field::{FILL_DATE, LEAD_UNIT, REPORT_MONTH, SUBMITTER};
use crate::model::frames::{dates, epoch_days, strings};

pub const REPORT_MONTH_LABEL: &str = "report_month_label";

/// `staged` holds every staged ledger row (all months); `current` the current ledger.
pub fn monthly_report_indicator(
    staged: &DataFrame,
    current: &DataFrame,
    due_day: u32,
    as_of: NaiveDate,
) -> PolarsResult<Judged> {
    let year = as_of.year();
    let leads: BTreeSet<String> = strings(current, LEAD_UNIT)?.into_iter().flatten().collect();
    // Every ledger row of every month is read here, once per as-of date: borrowed keys.
    let submitters = staged.column(SUBMITTER)?.str()?;
    let months = dates(staged, REPORT_MONTH)?;
    let filled = dates(staged, FILL_DATE)?;
    let mut earliest: PlHashMap<(&str, NaiveDate), NaiveDate> = PlHashMap::new();
    for ((unit, month), fill) in submitters.iter().zip(months).zip(filled) {
        if let (Some(unit), Some(month), Some(fill)) = (unit, month, fill) {
            let slot = earliest.entry((unit, month)).or_insert(fill);
            *slot = (*slot).min(fill);
        }
    }
    let (mut unit_col, mut label, mut due, mut done) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for unit in &leads {
        for m in 1..=12u32 {
            let Some(month) = NaiveDate::from_ymd_opt(year, m, 1) else {
                continue;
            };
            let (due_year, due_month) = if m == 12 {
                (year + 1, 1)
            } else {
                (year, m + 1)
            };
            let Some(deadline) = NaiveDate::from_ymd_opt(due_year, due_month, due_day) else {
                continue;
            };
            unit_col.push(unit.clone());
            label.push(format!("{year}年{m}月"));
            due.push(Some(epoch_days(deadline)));
            done.push(
                earliest
                    .get(&(unit.as_str(), month))
                    .map(|d| epoch_days(*d)),
            );
        }
    }
    let height = unit_col.len();
    let items = DataFrame::new(
        height,
        vec![
            Column::new("unit".into(), unit_col),
            Column::new(REPORT_MONTH_LABEL.into(), label),
            Column::new("report_due".into(), due).cast(&DataType::Date)?,
            Column::new("report_filled".into(), done).cast(&DataType::Date)?,
        ],
    )?;
    due_indicator(
        Indicator::MonthlyReport,
        items.lazy(),
        "unit",
        "report_due",
        "report_filled",
        as_of,
        &[REPORT_MONTH_LABEL],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::test_frames::{d, date, frame, text};

    #[test]
    fn monthly_reports_are_due_on_due_day_of_the_next_month() {
        let staged = frame(vec![
            text(
                SUBMITTER,
                &[Some("甲镇"), Some("甲镇"), Some("甲镇"), Some("乙局")],
            ),
            date(
                REPORT_MONTH,
                &[
                    Some("2026-01-01"),
                    Some("2026-01-01"),
                    Some("2026-02-01"),
                    Some("2026-02-01"),
                ],
            ),
            // January filled twice: the earliest counts (on time); February late.
            date(
                FILL_DATE,
                &[
                    Some("2026-02-09"),
                    Some("2026-02-05"),
                    Some("2026-03-06"),
                    Some("2026-03-02"),
                ],
            ),
        ]);
        let current = frame(vec![text(LEAD_UNIT, &[Some("甲镇")])]);
        let outcome = monthly_report_indicator(&staged, &current, 5, d("2026-03-31"))
            .unwrap()
            .outcome;
        // Due so far: January (02-05) and February (03-05); March's is due 04-05.
        let r = outcome.ratios["甲镇"];
        assert_eq!((r.met, r.scope), (1.0, 2.0));
        // 乙局 leads no current project: not assessed.
        assert!(!outcome.ratios.contains_key("乙局"));
        assert_eq!(
            strings(&outcome.late, REPORT_MONTH_LABEL).unwrap(),
            vec![Some("2026年2月".into())]
        );
    }
}
