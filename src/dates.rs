//! Calendar-month arithmetic shared by every layer: month and year bounds, the months of a year
//! complete by D, and the `YYYY-MM` label. Working days are `calendar`'s business.

use chrono::{Datelike, NaiveDate};

/// The first day of `d`'s month.
pub fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The last day of `d`'s month.
pub fn month_end(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|next| next.pred_opt())
        .unwrap_or(d)
}

/// 1 January of `d`'s year.
pub fn year_start(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), 1, 1).unwrap_or(d)
}

/// The last day of the month before `d`'s.
pub fn previous_month_end(d: NaiveDate) -> NaiveDate {
    let start = month_start(d);
    start.pred_opt().unwrap_or(start)
}

/// How many months of `d`'s year are complete at the end of day `d` (0–12): `d`'s month counts
/// only on its last day.
pub fn complete_months(d: NaiveDate) -> u32 {
    if month_end(d) == d {
        d.month()
    } else {
        d.month() - 1
    }
}

/// `YYYY-MM` of a date.
pub fn month_label(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn month_bounds_and_complete_months() {
        assert_eq!(month_start(d(2026, 2, 17)), d(2026, 2, 1));
        assert_eq!(month_end(d(2028, 2, 3)), d(2028, 2, 29));
        assert_eq!(month_end(d(2026, 12, 5)), d(2026, 12, 31));
        assert_eq!(year_start(d(2026, 7, 4)), d(2026, 1, 1));
        assert_eq!(previous_month_end(d(2027, 1, 4)), d(2026, 12, 31));
        assert_eq!(complete_months(d(2026, 1, 30)), 0);
        assert_eq!(complete_months(d(2026, 1, 31)), 1);
        assert_eq!(complete_months(d(2026, 12, 31)), 12);
        assert_eq!(month_label(d(2026, 3, 9)), "2026-03");
    }
}
