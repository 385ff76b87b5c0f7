//! The month cycle (SPEC §2): which months a run assesses, and as of which day. What units
//! report about month M arrives during M+1 (ledgers by day `due_day`), so until day
//! `final_day` of M the nightly run also reassesses M−1 as of its last day; after that M−1 is
//! final. Pure: "today" comes in as a value; `china_today` turns an instant into it.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Utc};

use crate::dates::previous_month_end;

/// China Standard Time, UTC+8, with no daylight saving.
const CHINA_OFFSET_SECONDS: i32 = 8 * 3600;

/// The calendar date in China at `now`, whatever the server's time zone: a server on UTC that
/// runs at 00:30 Beijing time is already on the next day.
pub fn china_today(now: DateTime<Utc>) -> NaiveDate {
    china_time(now).date()
}

/// The wall-clock time in China at `now`.
pub fn china_time(now: DateTime<Utc>) -> NaiveDateTime {
    match FixedOffset::east_opt(CHINA_OFFSET_SECONDS) {
        Some(china) => now.with_timezone(&china).naive_local(),
        None => now.naive_utc(),
    }
}

/// What a run assesses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The as-of dates, in the order they are assessed: the previous month's last day first
    /// (its ranks feed the current month's 上月排名), then D.
    pub dates: Vec<NaiveDate>,
    /// For a nightly run, whether the previous month is final (left alone); `None` for a run
    /// with an explicit date, which assesses that date alone.
    pub previous_final: Option<bool>,
}

/// The plan for a run: `explicit` from `--as-of`/`--month`, else the nightly cycle from
/// `today` (China's date).
pub fn plan(explicit: Option<NaiveDate>, today: NaiveDate, final_day: u32) -> Plan {
    if let Some(as_of) = explicit {
        return Plan {
            dates: vec![as_of],
            previous_final: None,
        };
    }
    if today.day() <= final_day {
        Plan {
            dates: vec![previous_month_end(today), today],
            previous_final: Some(false),
        }
    } else {
        Plan {
            dates: vec![today],
            previous_final: Some(true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::test_frames::d;
    use chrono::TimeZone;

    #[test]
    fn today_is_the_date_in_china() {
        let utc = |h, m| Utc.with_ymd_and_hms(2026, 11, 30, h, m, 0).unwrap();
        // 00:30 Beijing time on 1 December is 16:30 UTC on 30 November.
        assert_eq!(china_today(utc(16, 30)), d("2026-12-01"));
        assert_eq!(china_today(utc(15, 59)), d("2026-11-30"));
        assert_eq!(china_today(utc(0, 0)), d("2026-11-30"));
    }

    #[test]
    fn nightly_runs_reassess_the_previous_month_until_final_day() {
        assert_eq!(
            plan(None, d("2026-11-03"), 10),
            Plan {
                dates: vec![d("2026-10-31"), d("2026-11-03")],
                previous_final: Some(false),
            }
        );
        assert_eq!(
            plan(None, d("2026-11-10"), 10).dates,
            vec![d("2026-10-31"), d("2026-11-10")]
        );
        assert_eq!(
            plan(None, d("2026-11-11"), 10),
            Plan {
                dates: vec![d("2026-11-11")],
                previous_final: Some(true),
            }
        );
        // January reassesses December of the year before.
        assert_eq!(
            plan(None, d("2027-01-04"), 10).dates,
            vec![d("2026-12-31"), d("2027-01-04")]
        );
    }

    #[test]
    fn an_explicit_date_is_assessed_alone() {
        assert_eq!(
            plan(Some(d("2026-10-31")), d("2026-11-11"), 10),
            Plan {
                dates: vec![d("2026-10-31")],
                previous_final: None,
            }
        );
    }

    #[test]
    fn previous_month_end_crosses_years() {
        assert_eq!(previous_month_end(d("2027-01-15")), d("2026-12-31"));
        assert_eq!(previous_month_end(d("2026-03-01")), d("2026-02-28"));
    }
}
