//! 联席会议 (system 5, SPEC §7): months without a meeting, minutes issued on time (working days),
//! and each member unit's attendance.

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::due::{due_items, undecidable, DueItems};
use super::Ratio;
use crate::calendar::Calendar;
use crate::config::Config;
use crate::ingest::problem::Problem;
use crate::ingest::schema::field::SUBMITTER;
use crate::model::frames::{dates, epoch_days, origins, strings};

pub const MINUTES_DUE: &str = "minutes_due";
/// The one "unit" the minutes are judged for.
pub const OFFICE: &str = "联席会议办公室";

#[derive(Debug)]
pub struct Meetings {
    /// The meetings listed: those held in D's year up to D, and earlier ones whose minutes were
    /// still not issued by D (backlog, SPEC §3), by date, with their minutes deadline and the
    /// minutes' status (`due::item_status`).
    pub held: DataFrame,
    /// Meetings held in D's year up to D (cadence and attendance count these).
    pub held_this_year: usize,
    /// Months of the year up to M (M only when D is its last day) with no meeting, as 2026年7月.
    pub months_without: Vec<String>,
    /// 纪要及时: minutes issued on time over minutes due.
    pub minutes: Ratio,
    /// Minutes issued late or not yet issued.
    pub minutes_late: DataFrame,
    /// Each configured member unit: meetings attended over meetings held.
    pub attendance: Vec<(String, Ratio)>,
    /// Meetings whose minutes deadline the calendar cannot make (无法判定).
    pub problems: Vec<Problem>,
}

pub fn meetings(
    meetings: &DataFrame,
    config: &Config,
    calendar: &Calendar,
    as_of: NaiveDate,
) -> PolarsResult<Meetings> {
    let year_start = crate::dates::year_start(as_of);
    let this_year = col("meeting_date").gt_eq(lit(year_start));
    let minutes_open = col("minutes").is_null().or(col("minutes").gt(lit(as_of)));
    let mut held = meetings
        .clone()
        .lazy()
        .filter(
            col("meeting_date")
                .lt_eq(lit(as_of))
                .and(this_year.clone().or(minutes_open)),
        )
        .sort(["meeting_date", "session"], SortMultipleOptions::default())
        .collect()?;
    let days = dates(&held, "meeting_date")?;
    let origins = origins(&held, SUBMITTER)?;
    let mut problems = Vec::new();
    let mut due: Vec<Option<i32>> = Vec::with_capacity(held.height());
    for (i, day) in days.iter().enumerate() {
        let Some(day) = *day else {
            due.push(None);
            continue;
        };
        match calendar.add_working_days(day, config.minutes_working_days) {
            Ok(t) => due.push(Some(epoch_days(t))),
            Err(e) => {
                problems.push(undecidable(
                    &origins[i],
                    "会议日期",
                    day,
                    "纪要印发期限",
                    &e,
                ));
                due.push(None);
            }
        }
    }
    held.with_column(Column::new(MINUTES_DUE.into(), due).cast(&DataType::Date)?)?;
    held.with_column(Column::new("office".into(), vec![OFFICE; held.height()]))?;

    let in_year = |d: &&Option<NaiveDate>| d.is_some_and(|d| d >= year_start);
    let months_without = months_without(&days, as_of);
    let DueItems {
        ratios,
        late: minutes_late,
        items: held,
    } = due_items(
        held.clone().lazy(),
        "office",
        MINUTES_DUE,
        "minutes",
        as_of,
        &["session", "meeting_date"],
    )?;
    let attendees: Vec<Option<String>> = strings(&held, "attendees")?
        .into_iter()
        .zip(&days)
        .filter(|(_, d)| in_year(d))
        .map(|(a, _)| a)
        .collect();
    let held_this_year = attendees.len();
    let attendance = attendance(&attendees, &config.joint_meeting_members);
    let minutes = ratios.get(OFFICE).copied().unwrap_or_default();
    Ok(Meetings {
        held,
        held_this_year,
        months_without,
        minutes,
        minutes_late,
        attendance,
        problems,
    })
}

/// The months of D's year up to M (M only when D is its last day) without a meeting, as
/// 2026年7月.
fn months_without(days: &[Option<NaiveDate>], as_of: NaiveDate) -> Vec<String> {
    let year_start = crate::dates::year_start(as_of);
    (1..=crate::dates::complete_months(as_of))
        .filter(|m| {
            !days
                .iter()
                .flatten()
                .any(|d| *d >= year_start && d.month() == *m)
        })
        .map(|m| format!("{}年{m}月", as_of.year()))
        .collect()
}

/// Each member unit: meetings it attended (named in 参会单位) over the meetings held.
fn attendance(attendees: &[Option<String>], members: &[String]) -> Vec<(String, Ratio)> {
    members
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
                    scope: attendees.len() as f64,
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::test_frames::{d, date, frame, provenance, text};

    #[test]
    fn cadence_minutes_and_attendance() {
        let config = Config::embedded().unwrap();
        let mut columns = provenance(5);
        columns.push(text(SUBMITTER, &[Some("县发改局"); 5]));
        columns.extend(vec![
            // January has none; the March minutes are late (due 03-26 after 03-23).
            date(
                "meeting_date",
                &[
                    Some("2026-02-24"),
                    Some("2026-03-23"),
                    Some("2026-04-22"),
                    Some("2026-05-25"),
                    // Last year's meeting whose minutes were never issued: backlog.
                    Some("2025-12-26"),
                ],
            ),
            text(
                "session",
                &[
                    Some("第1次"),
                    Some("第2次"),
                    Some("第3次"),
                    Some("第4次"),
                    Some("2025年第12次"),
                ],
            ),
            text(
                "attendees",
                &[
                    Some("县发改局、县住建局"),
                    Some("县发改局"),
                    Some("县发改局、开发区"),
                    Some("县发改局"),
                    Some("县发改局、开发区"),
                ],
            ),
            date(
                "minutes",
                &[
                    Some("2026-02-26"),
                    Some("2026-03-30"),
                    Some("2026-04-24"),
                    None,
                    None,
                ],
            ),
        ]);
        let m = frame(columns);
        // As of 2026-05-20: May is not complete, and its meeting is after D.
        let out = meetings(&m, &config, &Calendar::shipped(), d("2026-05-20")).unwrap();
        assert_eq!(out.months_without, vec!["2026年1月".to_string()]);
        // The three meetings of 2026 up to D, and last year's without minutes: listed first,
        // in scope for 纪要及时, but not in cadence or attendance.
        assert_eq!(out.held.height(), 4);
        assert_eq!(out.held_this_year, 3);
        let r = out.minutes;
        assert_eq!((r.met, r.scope), (2.0, 4.0));
        let of = |u: &str| out.attendance.iter().find(|(m, _)| m == u).unwrap().1;
        assert_eq!((of("县发改局").met, of("县发改局").scope), (3.0, 3.0));
        assert_eq!(of("开发区").met, 1.0);
        // A member unit that attended none.
        assert_eq!(of("县统计局").rate(), Some(0.0));
    }
}
