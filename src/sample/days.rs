//! Date helpers for the generator: month bounds, approximate working days, and the
//! date spellings county offices use in their workbooks.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

/// A statutory holiday: `from..=to` (month, day) within `year`.
struct Holiday {
    year: i32,
    from: (u32, u32),
    to: (u32, u32),
}

const fn holiday(year: i32, from: (u32, u32), to: (u32, u32)) -> Holiday {
    Holiday { year, from, to }
}

/// Statutory holidays of 2025 and 2026 (State Council notices).
/// The generator only needs plausible office days, so other years fall back to weekends.
const HOLIDAYS: &[Holiday] = &[
    holiday(2025, (1, 1), (1, 1)),
    holiday(2025, (1, 28), (2, 4)),
    holiday(2025, (4, 4), (4, 6)),
    holiday(2025, (5, 1), (5, 5)),
    holiday(2025, (5, 31), (6, 2)),
    holiday(2025, (10, 1), (10, 8)),
    holiday(2026, (1, 1), (1, 3)),
    holiday(2026, (2, 15), (2, 23)),
    holiday(2026, (4, 4), (4, 6)),
    holiday(2026, (5, 1), (5, 5)),
    holiday(2026, (6, 19), (6, 21)),
    holiday(2026, (9, 25), (9, 27)),
    holiday(2026, (10, 1), (10, 7)),
];

/// Weekend days worked in exchange (调休上班) in 2025 and 2026.
const MAKE_UP_DAYS: &[(i32, u32, u32)] = &[
    (2025, 1, 26),
    (2025, 2, 8),
    (2025, 4, 27),
    (2025, 9, 28),
    (2025, 10, 11),
    (2026, 1, 4),
    (2026, 2, 14),
    (2026, 2, 28),
    (2026, 5, 9),
    (2026, 9, 20),
    (2026, 10, 10),
];

/// A date from parts the generator chose itself (always valid by construction).
pub fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("generator builds valid dates")
}

pub fn month_start(year: i32, month: u32) -> NaiveDate {
    ymd(year, month, 1)
}

pub fn month_end(year: i32, month: u32) -> NaiveDate {
    let first_of_next = if month == 12 {
        ymd(year + 1, 1, 1)
    } else {
        ymd(year, month + 1, 1)
    };
    first_of_next.pred_opt().expect("a month end exists")
}

/// The last day of the month `date` falls in.
pub fn end_of_month(date: NaiveDate) -> NaiveDate {
    month_end(date.year(), date.month())
}

pub fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        date + Days::new(days.unsigned_abs())
    } else {
        date - Days::new(days.unsigned_abs())
    }
}

/// `date` moved by whole months, the day clamped to the target month's length.
pub fn add_months(date: NaiveDate, months: i32) -> NaiveDate {
    if months >= 0 {
        date + Months::new(months.unsigned_abs())
    } else {
        date - Months::new(months.unsigned_abs())
    }
}

pub fn is_workday(date: NaiveDate) -> bool {
    let key = (date.year(), date.month(), date.day());
    if MAKE_UP_DAYS.contains(&key) {
        return true;
    }
    let day = (date.month(), date.day());
    let in_holiday = HOLIDAYS
        .iter()
        .any(|h| h.year == date.year() && h.from <= day && day <= h.to);
    !in_holiday && !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The `n`-th working day after `date` (date itself is day 0).
pub fn add_workdays(date: NaiveDate, n: u32) -> NaiveDate {
    let mut day = date;
    let mut counted = 0;
    while counted < n {
        day = add_days(day, 1);
        if is_workday(day) {
            counted += 1;
        }
    }
    day
}

/// The working days in `from..=to`, in order.
pub fn workdays_between(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| is_workday(*d))
        .collect()
}

/// The last working day of a month.
pub fn last_workday(year: i32, month: u32) -> NaiveDate {
    let mut day = month_end(year, month);
    while !is_workday(day) {
        day = day.pred_opt().expect("a previous day exists");
    }
    day
}

/// Excel's serial day number (1900 system) for a date.
pub fn excel_serial(date: NaiveDate) -> f64 {
    (date - ymd(1899, 12, 30)).num_days() as f64
}

/// "2026年4月3日", the way info lines and notes spell a date.
pub fn chinese(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// "2026年6月", a month-only spelling.
pub fn chinese_month(year: i32, month: u32) -> String {
    format!("{year}年{month}月")
}

/// Text spellings of a full date seen in county ledgers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextDate {
    /// 2026-03-15
    Iso,
    /// 2026/3/15
    Slash,
    /// 2026.3.15
    Dot,
    /// 2026年3月15日
    Chinese,
    /// 20260315
    Compact,
}

impl TextDate {
    pub const ALL: [TextDate; 5] = [
        TextDate::Iso,
        TextDate::Slash,
        TextDate::Dot,
        TextDate::Chinese,
        TextDate::Compact,
    ];

    pub fn format(self, date: NaiveDate) -> String {
        let (y, m, d) = (date.year(), date.month(), date.day());
        match self {
            TextDate::Iso => format!("{y:04}-{m:02}-{d:02}"),
            TextDate::Slash => format!("{y}/{m}/{d}"),
            TextDate::Dot => format!("{y}.{m}.{d}"),
            TextDate::Chinese => chinese(date),
            TextDate::Compact => format!("{y:04}{m:02}{d:02}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_follow_the_2026_notice() {
        // Issued on Thursday before the Spring Festival: Fri, make-up Sat, then after the break.
        assert_eq!(add_workdays(ymd(2026, 2, 12), 3), ymd(2026, 2, 24));
        assert!(is_workday(ymd(2026, 10, 10)));
        assert!(!is_workday(ymd(2026, 10, 5)));
        assert_eq!(last_workday(2026, 10), ymd(2026, 10, 30));
        assert_eq!(month_end(2026, 2), ymd(2026, 2, 28));
        assert_eq!(excel_serial(ymd(2026, 3, 15)), 46096.0);
    }

    #[test]
    fn text_dates_are_spelled_like_offices_do() {
        let d = ymd(2026, 3, 5);
        let spelled: Vec<String> = TextDate::ALL.iter().map(|t| t.format(d)).collect();
        assert_eq!(
            spelled,
            [
                "2026-03-05",
                "2026/3/5",
                "2026.3.5",
                "2026年3月5日",
                "20260305"
            ]
        );
    }
}
