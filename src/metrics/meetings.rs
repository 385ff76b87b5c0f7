//! 联席会议 (system 5, SPEC §7): months without a meeting, minutes issued on time (working days),
//! and each member unit's attendance.

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::due::due_items;
use super::Ratio;
use crate::calendar::Calendar;
use crate::config::Config;
use crate::ingest::cell::last_day_of_month;
use crate::model::frames::{dates, epoch_days, strings};

pub const MINUTES_DUE: &str = "minutes_due";
/// The one "unit" the minutes are judged for.
pub const OFFICE: &str = "联席会议办公室";

#[derive(Debug)]
pub struct Meetings {
    /// Meetings held in D's year up to D, with their minutes deadline.
    pub held: DataFrame,
    /// Months of the year up to M (M only when D is its last day) with no meeting, as 2026年7月.
    pub months_without: Vec<String>,
    /// 纪要及时: minutes issued on time over minutes due.
    pub minutes: Ratio,
    /// Minutes issued late or not yet issued.
    pub minutes_late: DataFrame,
    /// Each configured member unit: meetings attended over meetings held.
    pub attendance: Vec<(String, Ratio)>,
}

pub fn meetings(
    meetings: &DataFrame,
    config: &Config,
    calendar: &Calendar,
    as_of: NaiveDate,
) -> PolarsResult<Meetings> {
    let year_start = NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of);
    let mut held = meetings
        .clone()
        .lazy()
        .filter(
            col("meeting_date")
                .gt_eq(lit(year_start))
                .and(col("meeting_date").lt_eq(lit(as_of))),
        )
        .sort(["meeting_date"], SortMultipleOptions::default())
        .collect()?;
    let days = dates(&held, "meeting_date")?;
    let due: Vec<Option<i32>> = days
        .iter()
        .map(|d| {
            d.and_then(|d| {
                calendar
                    .add_working_days(d, config.minutes_working_days)
                    .ok()
            })
            .map(epoch_days)
        })
        .collect();
    held.with_column(Column::new(MINUTES_DUE.into(), due).cast(&DataType::Date)?)?;
    held.with_column(Column::new("office".into(), vec![OFFICE; held.height()]))?;

    let last_month = if last_day_of_month(as_of) == as_of {
        as_of.month()
    } else {
        as_of.month() - 1
    };
    let months_without = (1..=last_month)
        .filter(|m| !days.iter().flatten().any(|d| d.month() == *m))
        .map(|m| format!("{}年{m}月", as_of.year()))
        .collect();

    let (ratios, minutes_late) = due_items(
        held.clone().lazy(),
        "office",
        MINUTES_DUE,
        "minutes",
        as_of,
        &["session", "meeting_date"],
    )?;
    let attendees = strings(&held, "attendees")?;
    let attendance = config
        .joint_meeting_members
        .iter()
        .map(|member| {
            let attended = attendees
                .iter()
                .filter(|a| {
                    a.as_deref()
                        .is_some_and(|a| a.split('、').any(|u| u == member))
                })
                .count();
            (
                member.clone(),
                Ratio {
                    met: attended as f64,
                    scope: held.height() as f64,
                },
            )
        })
        .collect();
    let minutes = ratios.get(OFFICE).copied().unwrap_or_default();
    Ok(Meetings {
        held,
        months_without,
        minutes,
        minutes_late,
        attendance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::test_frames::{d, date, frame, text};

    #[test]
    fn cadence_minutes_and_attendance() {
        let config = Config::embedded().unwrap();
        let m = frame(vec![
            // January has none; the March minutes are late (due 03-26 after 03-23).
            date(
                "meeting_date",
                &[
                    Some("2026-02-24"),
                    Some("2026-03-23"),
                    Some("2026-04-22"),
                    Some("2026-05-25"),
                ],
            ),
            text(
                "session",
                &[Some("第1次"), Some("第2次"), Some("第3次"), Some("第4次")],
            ),
            text(
                "attendees",
                &[
                    Some("县发改局、县住建局"),
                    Some("县发改局"),
                    Some("县发改局、开发区"),
                    Some("县发改局"),
                ],
            ),
            date(
                "minutes",
                &[
                    Some("2026-02-26"),
                    Some("2026-03-30"),
                    Some("2026-04-24"),
                    None,
                ],
            ),
        ]);
        // As of 2026-05-20: May is not complete, and its meeting is after D.
        let out = meetings(&m, &config, &Calendar::shipped(), d("2026-05-20")).unwrap();
        assert_eq!(out.months_without, vec!["2026年1月".to_string()]);
        let r = out.minutes;
        assert_eq!((r.met, r.scope), (2.0, 3.0));
        let of = |u: &str| out.attendance.iter().find(|(m, _)| m == u).unwrap().1;
        assert_eq!((of("县发改局").met, of("县发改局").scope), (3.0, 3.0));
        assert_eq!(of("开发区").met, 1.0);
        // A member unit that attended none.
        assert_eq!(of("县统计局").rate(), Some(0.0));
    }
}
