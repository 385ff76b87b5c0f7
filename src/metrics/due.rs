//! Due items (SPEC §3): an item with a deadline T and a completion date C, judged at the end of
//! day D. Pure polars: the frames come in, frames go out.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::{IndicatorOutcome, Ratio};
use crate::calendar::CalendarError;
use crate::indicator::Indicator;
use crate::ingest::problem::{Origin, Problem, Severity};
use crate::model::frames::strings;

/// Column names the due-item frame adds.
pub const T: &str = "due_date";
pub const C: &str = "done_date";
pub const DUE: &str = "is_due";
pub const IN_SCOPE: &str = "in_scope";
pub const ON_TIME: &str = "on_time";
pub const DAYS_LATE: &str = "days_late";
pub const STATUS: &str = "status";
/// Whether the item is still open as of D (no C by D).
pub const OPEN: &str = "open";
/// The credited unit, in every late-item frame.
pub const UNIT: &str = "unit";

/// Item states as the reports name them.
pub const OVERDUE_OPEN: &str = "逾期未完成";
pub const OVERDUE_DONE: &str = "逾期完成";
pub const DONE_ON_TIME: &str = "按时完成";
pub const NOT_DUE: &str = "未到期";
/// No deadline: none was given, or the calendar cannot make it (无法判定). Never in a rate.
pub const NO_DEADLINE: &str = "无期限";

/// An item whose deadline is a working-day count from `start` that the calendar cannot make
/// (SPEC §2): listed as 无法判定 with the fix; its deadline stays empty, so `judge` leaves it
/// out of its rate. Never a guess.
pub fn undecidable(
    origin: &Origin,
    column: &str,
    start: NaiveDate,
    deadline: &str,
    error: &CalendarError,
) -> Problem {
    let year = match error {
        CalendarError::YearNotCovered { date, .. } => date.year(),
        CalendarError::BadYear { year, .. } => *year,
    };
    origin.problem(
        column,
        &start.format("%Y-%m-%d").to_string(),
        Severity::Undecidable,
        format!("工作日历缺少{year}年，无法计算{deadline}，该项暂不计入考核"),
        format!(
            "请在配置文件的 [[calendar]] 中补充{year}年国务院办公厅部分节假日安排（keyproj config 有示例）"
        ),
    )
}

/// Every item of `items`, in order, judged as of the end of D: adds T, C (null when after D),
/// whether the item is due, in scope for D's year, on time, open, its status and how many days
/// late it is. An item without a deadline is `NO_DEADLINE`. This is the one place an item's
/// status is decided; reports only pick and label these columns.
pub fn item_status(items: LazyFrame, deadline: &str, done: &str, as_of: NaiveDate) -> LazyFrame {
    let year_start = crate::dates::year_start(as_of);
    let c_known = col(done).lt_eq(lit(as_of)).fill_null(lit(false));
    let days = |e: Expr| e.cast(DataType::Int32);
    items
        .with_columns([
            col(deadline).alias(T),
            when(c_known)
                .then(col(done))
                .otherwise(lit(NULL).cast(DataType::Date))
                .alias(C),
        ])
        .with_columns([
            col(T).lt_eq(lit(as_of)).alias(DUE),
            col(C).is_null().alias(OPEN),
        ])
        .with_columns([
            col(C)
                .is_not_null()
                .and(col(C).lt_eq(col(T)))
                .alias(ON_TIME),
            col(DUE)
                .and(col(T).gt_eq(lit(year_start)).or(col(C).is_null()))
                .alias(IN_SCOPE),
        ])
        .with_columns([
            when(col(T).is_null())
                .then(lit(NO_DEADLINE))
                .when(col(C).is_null().and(col(DUE)))
                .then(lit(OVERDUE_OPEN))
                .when(col(C).is_not_null().and(col(C).gt(col(T))))
                .then(lit(OVERDUE_DONE))
                .when(col(ON_TIME))
                .then(lit(DONE_ON_TIME))
                .otherwise(lit(NOT_DUE))
                .alias(STATUS),
            when(col(C).is_null())
                .then(lit(crate::model::frames::epoch_days(as_of)) - days(col(T)))
                .otherwise(days(col(C)) - days(col(T)))
                .alias(DAYS_LATE),
        ])
}

/// The rows of a status frame (`item_status`) with `status`, in order.
pub fn with_status(items: &DataFrame, status: &str) -> PolarsResult<DataFrame> {
    items
        .clone()
        .lazy()
        .filter(col(STATUS).eq(lit(status)))
        .collect()
}

/// The items of `items` that have a deadline, judged (`item_status`): the due items of SPEC §3.
pub fn judge(items: LazyFrame, deadline: &str, done: &str, as_of: NaiveDate) -> LazyFrame {
    item_status(items, deadline, done, as_of).filter(col(T).is_not_null())
}

/// Per unit: items on time over items in scope, from a judged frame.
pub fn unit_ratios(judged: LazyFrame, unit: &str) -> PolarsResult<BTreeMap<String, Ratio>> {
    let per_unit = judged
        .filter(col(unit).is_not_null())
        .group_by([col(unit)])
        .agg([
            col(IN_SCOPE).cast(DataType::UInt32).sum().alias("scope"),
            col(IN_SCOPE)
                .and(col(ON_TIME))
                .cast(DataType::UInt32)
                .sum()
                .alias("met"),
        ])
        .collect()?;
    let units = strings(&per_unit, unit)?;
    let scope: Vec<u32> = per_unit
        .column("scope")?
        .u32()?
        .iter()
        .map(|x| x.unwrap_or(0))
        .collect();
    let met: Vec<u32> = per_unit
        .column("met")?
        .u32()?
        .iter()
        .map(|x| x.unwrap_or(0))
        .collect();
    Ok(units
        .into_iter()
        .enumerate()
        .filter_map(|(i, u)| {
            u.map(|u| {
                (
                    u,
                    Ratio {
                        met: f64::from(met[i]),
                        scope: f64::from(scope[i]),
                    },
                )
            })
        })
        .collect())
}

/// One due-item indicator with every item's status.
#[derive(Debug, Clone)]
pub struct Judged {
    pub outcome: IndicatorOutcome,
    /// Every item, in input order, with `item_status`'s columns.
    pub items: DataFrame,
}

/// One due-item indicator: judge `items` by `deadline`/`done` as of D, rate them per `unit`, and
/// keep the late ones with `item_columns`, the unit as `unit`, and the judgement.
pub fn due_indicator(
    indicator: Indicator,
    items: LazyFrame,
    unit: &str,
    deadline: &str,
    done: &str,
    as_of: NaiveDate,
    item_columns: &[&str],
) -> PolarsResult<Judged> {
    let due = due_items(items, unit, deadline, done, as_of, item_columns)?;
    Ok(Judged {
        outcome: IndicatorOutcome {
            indicator,
            ratios: due.ratios,
            late: due.late,
        },
        items: due.items,
    })
}

/// Any due-item measure, scored or not: the ratios per unit, the late items, and every item's
/// status.
pub struct DueItems {
    pub ratios: BTreeMap<String, Ratio>,
    /// In scope and not on time, with the unit as `UNIT`, `item_columns` and the judgement.
    pub late: DataFrame,
    /// Every item, in input order, with `item_status`'s columns.
    pub items: DataFrame,
}

pub fn due_items(
    items: LazyFrame,
    unit: &str,
    deadline: &str,
    done: &str,
    as_of: NaiveDate,
    item_columns: &[&str],
) -> PolarsResult<DueItems> {
    let items = item_status(items, deadline, done, as_of).collect()?;
    let judged = items.clone().lazy().filter(col(T).is_not_null());
    let ratios = unit_ratios(judged.clone(), unit)?;
    let mut columns = vec![col(unit).alias(UNIT)];
    columns.extend(item_columns.iter().map(|c| col(*c)));
    columns.extend([T, C, STATUS, DAYS_LATE].map(col));
    let late = late_items(judged, unit).select(columns).collect()?;
    Ok(DueItems {
        ratios,
        late,
        items,
    })
}

/// The items behind lost points: due and late (open or done late), oldest deadline first.
pub fn late_items(judged: LazyFrame, unit: &str) -> LazyFrame {
    judged.filter(col(IN_SCOPE).and(col(ON_TIME).not())).sort(
        [unit, T],
        SortMultipleOptions::default().with_maintain_order(true),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::frames::{dates, epoch_days};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn frame(rows: &[(&str, Option<NaiveDate>, Option<NaiveDate>)]) -> LazyFrame {
        let unit: Vec<&str> = rows.iter().map(|r| r.0).collect();
        let t: Vec<Option<i32>> = rows.iter().map(|r| r.1.map(epoch_days)).collect();
        let c: Vec<Option<i32>> = rows.iter().map(|r| r.2.map(epoch_days)).collect();
        DataFrame::new(
            rows.len(),
            vec![
                Column::new("unit".into(), unit),
                Column::new("t".into(), t).cast(&DataType::Date).unwrap(),
                Column::new("c".into(), c).cast(&DataType::Date).unwrap(),
            ],
        )
        .unwrap()
        .lazy()
    }

    #[test]
    fn judges_due_items_as_of_d() {
        let as_of = d(2026, 11, 30);
        let items = frame(&[
            ("甲", Some(d(2026, 11, 30)), None), // due exactly on D, open: late
            ("甲", Some(d(2026, 3, 1)), Some(d(2026, 3, 1))), // on time
            ("甲", Some(d(2026, 3, 1)), Some(d(2026, 4, 1))), // done late
            ("甲", Some(d(2025, 6, 30)), None),  // 2025 backlog still open: in scope
            ("甲", Some(d(2025, 6, 30)), Some(d(2025, 9, 1))), // closed late in 2025: out of scope
            ("甲", Some(d(2026, 12, 31)), None), // not yet due
            ("甲", Some(d(2026, 5, 1)), Some(d(2026, 12, 2))), // completion after D: treated as open
            ("乙", Some(d(2026, 12, 31)), None),               // nothing due: N/A
            ("乙", None, None),                                // no deadline: not an item
        ]);
        let judged = judge(items, "t", "c", as_of);
        let ratios = unit_ratios(judged.clone(), "unit").unwrap();
        assert_eq!(
            ratios["甲"],
            Ratio {
                met: 1.0,
                scope: 5.0
            }
        );
        assert_eq!(
            ratios["乙"],
            Ratio {
                met: 0.0,
                scope: 0.0
            }
        );
        assert_eq!(ratios["乙"].rate(), None);
        let late = late_items(judged, "unit").collect().unwrap();
        let due: Vec<_> = dates(&late, T).unwrap();
        assert_eq!(
            due,
            vec![
                Some(d(2025, 6, 30)),
                Some(d(2026, 3, 1)),
                Some(d(2026, 5, 1)),
                Some(d(2026, 11, 30))
            ]
        );
        let days: Vec<Option<i32>> = late
            .column(DAYS_LATE)
            .unwrap()
            .i32()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(days, vec![Some(518), Some(31), Some(213), Some(0)]);
        let status = strings(&late, STATUS).unwrap();
        assert_eq!(status[1].as_deref(), Some(OVERDUE_DONE));
        assert_eq!(status[2].as_deref(), Some(OVERDUE_OPEN));
    }
}
