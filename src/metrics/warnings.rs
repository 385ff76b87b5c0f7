//! 预警: every open item that falls due within the next `warn_working_days` working days after D,
//! from the items' statuses (`metrics::Statuses`). Items already overdue are not warnings: they
//! are late items. Nothing here changes a score.

use chrono::NaiveDate;
use polars::prelude::*;

use super::due::{OPEN, T, UNIT};
use super::{ItemKind, Statuses};
use crate::calendar::Calendar;
use crate::model::frames::{dates, epoch_days, strings};

/// Columns of the warnings frame besides `UNIT` and `T`.
pub const WHAT: &str = "what";
pub const ITEM: &str = "item";
pub const WORKING_DAYS_LEFT: &str = "working_days_left";
pub const ACTION: &str = "action";

/// The warnings as of D, sorted by unit, due date and kind: unit, what, item, T, working days
/// left, action. Empty when the calendar cannot make the window's last day.
pub fn upcoming(
    statuses: &Statuses,
    calendar: &Calendar,
    working_days: u32,
    as_of: NaiveDate,
) -> PolarsResult<DataFrame> {
    let Ok(window_end) = calendar.add_working_days(as_of, working_days) else {
        return frame(Vec::new());
    };
    let kinds = statuses.kinds();
    let mut rows = Vec::new();
    for (order, kind) in kinds.iter().enumerate() {
        for (unit, item, due) in due_in_window(kind, as_of, window_end)? {
            // The window's days are all covered (its end was made), so this cannot fail.
            let left = calendar.working_days_between(as_of, due).unwrap_or(0);
            rows.push(Row {
                unit,
                order,
                what: kind.label,
                item,
                due,
                left,
                action: kind.action,
            });
        }
    }
    rows.sort_by(|a, b| {
        (&a.unit, a.due, a.order, &a.item).cmp(&(&b.unit, b.due, b.order, &b.item))
    });
    frame(rows)
}

struct Row {
    unit: String,
    order: usize,
    what: &'static str,
    item: String,
    due: NaiveDate,
    left: i64,
    action: &'static str,
}

/// (unit, item name, T) of each open item of `kind` due after D and by `window_end`.
fn due_in_window(
    kind: &ItemKind,
    as_of: NaiveDate,
    window_end: NaiveDate,
) -> PolarsResult<Vec<(String, String, NaiveDate)>> {
    if kind.items.height() == 0 {
        return Ok(Vec::new());
    }
    // Only the items in the window are named: a province has tens of thousands of items.
    let open = kind.items.column(OPEN)?.bool()?;
    let in_window: BooleanChunked = dates(kind.items, T)?
        .into_iter()
        .zip(open.iter())
        .map(|(t, open)| open == Some(true) && t.is_some_and(|t| t > as_of && t <= window_end))
        .collect();
    let items = kind.items.filter(&in_window)?;
    let window = ItemKind {
        items: &items,
        ..*kind
    };
    let (units, due) = (strings(&items, kind.unit)?, dates(&items, T)?);
    Ok(units
        .into_iter()
        .zip(due)
        .zip(window.names()?)
        .filter_map(|((unit, t), name)| Some((unit?, name, t?)))
        .collect())
}

fn frame(rows: Vec<Row>) -> PolarsResult<DataFrame> {
    let due: Vec<i32> = rows.iter().map(|r| epoch_days(r.due)).collect();
    DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                UNIT.into(),
                rows.iter().map(|r| r.unit.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(WHAT.into(), rows.iter().map(|r| r.what).collect::<Vec<_>>()),
            Column::new(
                ITEM.into(),
                rows.iter().map(|r| r.item.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(T.into(), due).cast(&DataType::Date)?,
            Column::new(
                WORKING_DAYS_LEFT.into(),
                rows.iter().map(|r| r.left).collect::<Vec<_>>(),
            ),
            Column::new(
                ACTION.into(),
                rows.iter().map(|r| r.action).collect::<Vec<_>>(),
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::schema::field::{NOTICE_NO, PROJECT_NAME, TARGET_UNIT, TASK_NO};
    use crate::metrics::due::item_status;
    use crate::metrics::notices::notice_metrics;
    use crate::metrics::test_frames::{d, date, frame, provenance, text};

    fn judged(items: DataFrame, deadline: &str, done: &str, as_of: NaiveDate) -> DataFrame {
        item_status(items.lazy(), deadline, done, as_of)
            .collect()
            .unwrap()
    }

    fn statuses(tasks: DataFrame, reply: DataFrame) -> Statuses {
        Statuses {
            start: DataFrame::empty(),
            completion: DataFrame::empty(),
            prelim: DataFrame::empty(),
            reply,
            closure: DataFrame::empty(),
            tasks,
            handover: DataFrame::empty(),
            reports: DataFrame::empty(),
        }
    }

    fn listed(warnings: &DataFrame) -> Vec<(String, NaiveDate, i64)> {
        let items = strings(warnings, ITEM).unwrap();
        let due = dates(warnings, T).unwrap();
        let left: Vec<Option<i64>> = warnings
            .column(WORKING_DAYS_LEFT)
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .collect();
        (0..warnings.height())
            .map(|i| {
                (
                    items[i].clone().unwrap_or_default(),
                    due[i].unwrap(),
                    left[i].unwrap(),
                )
            })
            .collect()
    }

    /// D = 2026-09-29, National Day 10-01..10-07 off, Saturday 10-10 a working day: five
    /// working days reach 10-12. Overdue and done items are never warnings.
    #[test]
    fn the_window_follows_the_working_day_calendar() {
        let as_of = d("2026-09-29");
        let due = [
            "2026-09-29",
            "2026-09-30",
            "2026-10-03",
            "2026-10-09",
            "2026-10-10",
            "2026-10-12",
            "2026-10-13",
            "2026-10-09",
            "2026-09-20",
        ];
        let nos = [
            "D", "9/30", "10/3", "10/9", "10/10", "10/12", "10/13", "done", "overdue",
        ];
        let mut done = vec![None; 9];
        done[7] = Some("2026-09-28");
        let tasks = frame(vec![
            text("unit", &[Some("丹朱镇"); 9]),
            text(TASK_NO, &nos.map(Some)),
            text("content", &[None; 9]),
            date("deadline", &due.map(Some)),
            date("done", &done),
        ]);
        let warnings = upcoming(
            &statuses(judged(tasks, "deadline", "done", as_of), DataFrame::empty()),
            &Calendar::shipped(),
            5,
            as_of,
        )
        .unwrap();
        assert_eq!(
            listed(&warnings),
            [
                ("9/30".to_string(), d("2026-09-30"), 1),
                ("10/3".to_string(), d("2026-10-03"), 1),
                ("10/9".to_string(), d("2026-10-09"), 3),
                ("10/10".to_string(), d("2026-10-10"), 4),
                ("10/12".to_string(), d("2026-10-12"), 5),
            ]
        );
        assert_eq!(
            strings(&warnings, WHAT).unwrap()[0].as_deref(),
            Some("调度任务")
        );
    }

    /// A notice issued on D: its reply is due on the 3rd working day after D.
    #[test]
    fn a_notice_issued_on_d_warns_of_its_reply() {
        let as_of = d("2026-09-29");
        let mut columns = provenance(1);
        columns.extend([
            text(NOTICE_NO, &[Some("长重督〔2026〕30号")]),
            text(PROJECT_NAME, &[Some("甲项目")]),
            text("matter", &[Some("用地")]),
            text(TARGET_UNIT, &[Some("丹朱镇")]),
            date("issued", &[Some("2026-09-29")]),
            date("deadline", &[Some("2026-10-30")]),
            date("replied", &[None]),
            text("remedy", &[None]),
            text("responsible_leader", &[None]),
            text("responsible_person", &[None]),
            date("promised", &[None]),
            date("closed", &[None]),
        ]);
        let calendar = Calendar::shipped();
        let notices = notice_metrics(&frame(columns), &calendar, as_of).unwrap();
        let warnings = upcoming(
            &statuses(DataFrame::empty(), notices.reply.items),
            &calendar,
            5,
            as_of,
        )
        .unwrap();
        assert_eq!(
            listed(&warnings),
            [(
                "长重督〔2026〕30号（甲项目）".to_string(),
                d("2026-10-09"),
                3
            )]
        );
        assert_eq!(
            strings(&warnings, UNIT).unwrap(),
            [Some("丹朱镇".to_string())]
        );
    }
}
