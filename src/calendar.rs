//! Working-day calendar (SPEC §2): weekends off, statutory holidays off, make-up days
//! (调休上班) worked, per the State Council holiday notices. Ships 2020–2026 in
//! `data/holidays.toml`; the config's `[[calendar]]` tables add or replace years. A date in
//! a year without an entry is an error, never a guess.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The shipped holiday notices.
const SHIPPED: &str = include_str!("../data/holidays.toml");

/// Years a calendar entry may name (guards against typos such as `year = 20277`).
const MIN_YEAR: i32 = 2000;
const MAX_YEAR: i32 = 2100;

/// One year's notice, as written in the data file and in the user config's [[calendar]] tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearCalendarConfig {
    pub year: i32,
    #[serde(default)]
    pub notice: Option<String>,
    /// Off days: "YYYY-MM-DD" or inclusive ranges "YYYY-MM-DD..YYYY-MM-DD".
    #[serde(default)]
    pub off: Vec<String>,
    /// Make-up working days (Saturdays or Sundays), same forms as `off`.
    #[serde(default)]
    pub work: Vec<String>,
}

impl YearCalendarConfig {
    /// Checks every entry parses ("YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD", start<=end), lies
    /// in `year`, that work days are Sat/Sun and that off days and work days don't overlap.
    pub fn check(&self) -> Result<(), String> {
        self.dates().map(|_| ())
    }

    /// The checked (off, work) dates, ranges expanded.
    fn dates(&self) -> Result<(Vec<NaiveDate>, Vec<NaiveDate>), String> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&self.year) {
            return Err(format!(
                "年份 {} 不在 {MIN_YEAR}—{MAX_YEAR} 之间",
                self.year
            ));
        }
        let off = self.expand("off", &self.off)?;
        let work = self.expand("work", &self.work)?;
        for (entry, date) in &work {
            let weekday = date.weekday();
            if !is_weekend(weekday) {
                let what = if entry.contains("..") {
                    format!("含 {date}（{}）", weekday_name(weekday))
                } else {
                    format!("是{}", weekday_name(weekday))
                };
                return Err(format!(
                    "work 中的“{entry}”{what}，调休上班日应为周六或周日"
                ));
            }
        }
        for (work_entry, date) in &work {
            if let Some((off_entry, _)) = off.iter().find(|(_, d)| d == date) {
                return Err(format!(
                    "{date} 既在 off 中（“{off_entry}”）又在 work 中（“{work_entry}”）"
                ));
            }
        }
        Ok((
            off.into_iter().map(|(_, d)| d).collect(),
            work.into_iter().map(|(_, d)| d).collect(),
        ))
    }

    /// Expands the entries of one list into (entry, date) pairs.
    fn expand<'a>(
        &self,
        list: &str,
        entries: &'a [String],
    ) -> Result<Vec<(&'a str, NaiveDate)>, String> {
        let mut out = Vec::new();
        for entry in entries {
            let (start, end) = parse_entry(entry).ok_or_else(|| {
                format!(
                    "{list} 中的“{entry}”不是合法日期（应为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD）"
                )
            })?;
            if start > end {
                return Err(format!("{list} 中的“{entry}”起始日期晚于结束日期"));
            }
            if start.year() != self.year || end.year() != self.year {
                return Err(format!("{list} 中的“{entry}”不在 {} 年内", self.year));
            }
            out.extend(
                start
                    .iter_days()
                    .take_while(|d| *d <= end)
                    .map(|d| (entry.as_str(), d)),
            );
        }
        Ok(out)
    }
}

/// "YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD" (spaces around the parts allowed).
fn parse_entry(entry: &str) -> Option<(NaiveDate, NaiveDate)> {
    match entry.split_once("..") {
        Some((a, b)) => Some((parse_date(a)?, parse_date(b)?)),
        None => parse_date(entry).map(|d| (d, d)),
    }
}

/// Strict "YYYY-MM-DD": four, two and two digits.
fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn is_weekend(weekday: Weekday) -> bool {
    matches!(weekday, Weekday::Sat | Weekday::Sun)
}

fn weekday_name(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The date's year has no entry in the calendar.
    #[error(
        "日期 {date} 所在的 {year} 年不在工作日历中（已覆盖 {first}—{last} 年）：请在配置的 [[calendar]] 中补充该年国务院办公厅的节假日安排",
        year = .date.year()
    )]
    YearNotCovered {
        date: NaiveDate,
        first: i32,
        last: i32,
    },
    /// A shipped or configured year entry that fails `check()` (or is listed twice).
    #[error("工作日历 {year} 年：{message}")]
    BadYear { year: i32, message: String },
}

/// The data file: `[[calendar]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DataFile {
    calendar: Vec<YearCalendarConfig>,
}

/// One covered year: `prefix[k]` = working days among the year's first k days.
#[derive(Debug, Clone)]
struct YearDays {
    prefix: Vec<u16>,
}

impl YearDays {
    fn build(config: &YearCalendarConfig) -> Result<YearDays, CalendarError> {
        let bad = |message: String| CalendarError::BadYear {
            year: config.year,
            message,
        };
        let (off, work) = config.dates().map_err(bad)?;
        let first = NaiveDate::from_ymd_opt(config.year, 1, 1)
            .ok_or_else(|| bad("年份超出范围".to_string()))?;
        let mut working: Vec<bool> = first
            .iter_days()
            .take_while(|d| d.year() == config.year)
            .map(|d| !is_weekend(d.weekday()))
            .collect();
        // `dates()` guarantees every date lies in the year, so the index is in range.
        for d in off {
            working[d.ordinal0() as usize] = false;
        }
        for d in work {
            working[d.ordinal0() as usize] = true;
        }
        let mut prefix = Vec::with_capacity(working.len() + 1);
        let mut count = 0u16;
        prefix.push(count);
        for w in working {
            count += u16::from(w);
            prefix.push(count);
        }
        Ok(YearDays { prefix })
    }

    fn is_workday(&self, date: NaiveDate) -> bool {
        let i = date.ordinal0() as usize;
        self.prefix[i + 1] > self.prefix[i]
    }

    /// Working days among the days with ordinal0 in [lo, hi).
    fn count(&self, lo: usize, hi: usize) -> i64 {
        i64::from(self.prefix[hi]) - i64::from(self.prefix[lo])
    }
}

#[derive(Debug, Clone)]
pub struct Calendar {
    years: BTreeMap<i32, YearDays>,
}

impl Calendar {
    /// The shipped data (2020–2026). The data file is checked by a unit test.
    pub fn shipped() -> Calendar {
        Calendar::build(shipped_years().expect("data/holidays.toml is valid (unit-tested)"))
            .expect("data/holidays.toml is valid (unit-tested)")
    }

    /// Shipped data plus config years; a config year replaces the shipped year of the same
    /// number (corrections) or adds a new one. A date is covered iff its year has an entry.
    pub fn with_years(extra: &[YearCalendarConfig]) -> Result<Calendar, CalendarError> {
        let mut years: BTreeMap<i32, YearCalendarConfig> =
            shipped_years()?.into_iter().map(|y| (y.year, y)).collect();
        let mut seen = Vec::new();
        for y in extra {
            if seen.contains(&y.year) {
                return Err(CalendarError::BadYear {
                    year: y.year,
                    message: "在配置的 [[calendar]] 中出现了不止一次".to_string(),
                });
            }
            seen.push(y.year);
            years.insert(y.year, y.clone());
        }
        Calendar::build(years.into_values().collect())
    }

    fn build(configs: Vec<YearCalendarConfig>) -> Result<Calendar, CalendarError> {
        let mut years = BTreeMap::new();
        for config in &configs {
            years.insert(config.year, YearDays::build(config)?);
        }
        Ok(Calendar { years })
    }

    pub fn covers_year(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The years a run as of D needs and this calendar lacks: D's own year, and from 1 December
    /// the next one (its notice comes out in November; SPEC §2).
    pub fn missing_years(&self, as_of: NaiveDate) -> Vec<i32> {
        let mut needed = vec![as_of.year()];
        if as_of.month() == 12 {
            needed.push(as_of.year() + 1);
        }
        needed.retain(|y| !self.covers_year(*y));
        needed
    }

    /// min..=max covered year (used in messages).
    pub fn years(&self) -> std::ops::RangeInclusive<i32> {
        match (self.years.keys().next(), self.years.keys().next_back()) {
            (Some(first), Some(last)) => *first..=*last,
            // Unreachable (every calendar holds the shipped years): an empty range.
            _ => std::ops::RangeInclusive::new(1, 0),
        }
    }

    fn year(&self, date: NaiveDate) -> Result<&YearDays, CalendarError> {
        self.years
            .get(&date.year())
            .ok_or_else(|| self.not_covered(date))
    }

    fn not_covered(&self, date: NaiveDate) -> CalendarError {
        let range = self.years();
        CalendarError::YearNotCovered {
            date,
            first: *range.start(),
            last: *range.end(),
        }
    }

    pub fn is_workday(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.year(date)?.is_workday(date))
    }

    /// The n-th working day after `date` (date itself is day 0, need not be a working day and
    /// is not examined). n = 0 returns date. Err if any day examined lies in an uncovered year.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut day = date;
        let mut left = n;
        while left > 0 {
            // Past NaiveDate::MAX there is no covered year either.
            day = day.succ_opt().ok_or_else(|| self.not_covered(day))?;
            if self.is_workday(day)? {
                left -= 1;
            }
        }
        Ok(day)
    }

    /// Working days in (from, to] (0 when to <= from); Err when a day in it is uncovered.
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64, CalendarError> {
        if to <= from {
            return Ok(0);
        }
        // to > from, so from < NaiveDate::MAX.
        let Some(start) = from.succ_opt() else {
            return Ok(0);
        };
        let mut total = 0;
        for year in start.year()..=to.year() {
            // The part of [start, to] in this year, as ordinal0 bounds [lo, hi).
            let lo_date = if year == start.year() {
                start
            } else {
                NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(start)
            };
            let days = self
                .years
                .get(&year)
                .ok_or_else(|| self.not_covered(lo_date))?;
            let hi = if year == to.year() {
                to.ordinal() as usize
            } else {
                days.prefix.len() - 1
            };
            total += days.count(lo_date.ordinal0() as usize, hi);
        }
        Ok(total)
    }
}

fn shipped_years() -> Result<Vec<YearCalendarConfig>, CalendarError> {
    let data: DataFile = toml::from_str(SHIPPED).map_err(|e| CalendarError::BadYear {
        year: 0,
        message: format!("内置数据 data/holidays.toml 无法解析：{e}"),
    })?;
    Ok(data.calendar)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::test_frames::d;

    fn workday(s: &str) -> bool {
        Calendar::shipped().is_workday(d(s)).expect("covered")
    }

    fn year_2027() -> YearCalendarConfig {
        YearCalendarConfig {
            year: 2027,
            notice: Some("国办发明电〔2026〕×号".to_string()),
            off: vec![
                "2027-01-01".to_string(),
                "2027-02-06..2027-02-14".to_string(),
            ],
            work: vec!["2027-02-20".to_string()],
        }
    }

    fn check_err(off: &[&str], work: &[&str]) -> String {
        let config = YearCalendarConfig {
            year: 2027,
            notice: None,
            off: off.iter().map(|s| s.to_string()).collect(),
            work: work.iter().map(|s| s.to_string()).collect(),
        };
        config.check().expect_err("check must fail")
    }

    #[test]
    fn shipped_data_is_valid_and_covers_2020_to_2026() {
        let years = shipped_years().expect("data file parses");
        let numbers: Vec<i32> = years.iter().map(|y| y.year).collect();
        assert_eq!(numbers, (2020..=2026).collect::<Vec<_>>());
        for y in &years {
            assert_eq!(y.check(), Ok(()), "year {}", y.year);
            assert!(
                y.notice
                    .as_deref()
                    .is_some_and(|n| n.contains("国办发明电")),
                "year {}",
                y.year
            );
        }
        let cal = Calendar::shipped();
        assert_eq!(cal.years(), 2020..=2026);
        assert!(cal.covers_year(2020) && cal.covers_year(2026));
        assert!(!cal.covers_year(2019) && !cal.covers_year(2027));
    }

    #[test]
    fn notice_2026() {
        let years = shipped_years().expect("data file parses");
        let y2026 = years.iter().find(|y| y.year == 2026).expect("2026 shipped");
        assert_eq!(y2026.notice.as_deref(), Some("国办发明电〔2025〕7号"));
    }

    #[test]
    fn days_2026() {
        assert!(workday("2026-02-14"), "make-up Saturday");
        assert!(workday("2026-02-28"), "make-up Saturday");
        for day in 15..=23 {
            assert!(!workday(&format!("2026-02-{day:02}")), "Feb {day}");
        }
        for day in 1..=7 {
            assert!(!workday(&format!("2026-10-{day:02}")), "Oct {day}");
        }
        assert!(workday("2026-10-10"), "make-up Saturday");
        assert!(workday("2026-01-04"), "make-up Sunday");
        assert!(!workday("2026-01-02"), "New Year holiday on a Friday");
        assert!(!workday("2026-03-07"), "ordinary Saturday");
        assert!(!workday("2026-03-08"), "ordinary Sunday");
        assert!(workday("2026-03-11"), "ordinary Wednesday");
        assert!(workday("2026-02-24"), "first day after the Spring Festival");
    }

    #[test]
    fn days_2020_and_2025() {
        assert!(
            !workday("2020-02-01"),
            "make-up day cancelled by the extension"
        );
        assert!(!workday("2020-01-31"), "extended Spring Festival");
        assert!(workday("2020-02-03"));
        assert!(workday("2020-01-19"), "make-up Sunday");
        for s in [
            "2025-01-26",
            "2025-02-08",
            "2025-04-27",
            "2025-09-28",
            "2025-10-11",
        ] {
            assert!(workday(s), "{s}");
        }
        assert!(!workday("2025-10-08"));
    }

    #[test]
    fn working_days_per_year() {
        let cal = Calendar::shipped();
        // Counts from chinesecalendar 1.11.0.
        for (year, expected) in [(2020, 249), (2025, 248), (2026, 248)] {
            let from = d(&format!("{}-12-31", year - 1));
            let to = d(&format!("{year}-12-31"));
            assert_eq!(cal.working_days_between(from, to), Ok(expected), "{year}");
        }
    }

    #[test]
    fn add_working_days_crosses_holidays() {
        let cal = Calendar::shipped();
        assert_eq!(
            cal.add_working_days(d("2026-02-12"), 3),
            Ok(d("2026-02-24"))
        );
        assert_eq!(
            cal.add_working_days(d("2026-10-08"), 2),
            Ok(d("2026-10-10"))
        );
        assert_eq!(
            cal.add_working_days(d("2026-09-30"), 3),
            Ok(d("2026-10-10"))
        );
        assert_eq!(
            cal.add_working_days(d("2026-03-06"), 1),
            Ok(d("2026-03-09"))
        );
        // Day 0 need not be a working day.
        assert_eq!(
            cal.add_working_days(d("2026-02-15"), 1),
            Ok(d("2026-02-24"))
        );
        assert_eq!(
            cal.add_working_days(d("2026-03-07"), 0),
            Ok(d("2026-03-07"))
        );
        // Across a year boundary: 2025-12-31 (Wed) → Jan 4 (Sun, make-up) → Jan 5.
        assert_eq!(
            cal.add_working_days(d("2025-12-31"), 2),
            Ok(d("2026-01-05"))
        );
    }

    #[test]
    fn uncovered_years_are_errors() {
        let cal = Calendar::shipped();
        let err = cal
            .is_workday(d("2027-01-05"))
            .expect_err("2027 not shipped");
        assert_eq!(
            err,
            CalendarError::YearNotCovered {
                date: d("2027-01-05"),
                first: 2020,
                last: 2026
            }
        );
        assert_eq!(
            err.to_string(),
            "日期 2027-01-05 所在的 2027 年不在工作日历中（已覆盖 2020—2026 年）：\
             请在配置的 [[calendar]] 中补充该年国务院办公厅的节假日安排"
        );
        let err = cal
            .is_workday(d("2019-12-30"))
            .expect_err("2019 not shipped");
        assert_eq!(
            err.to_string(),
            "日期 2019-12-30 所在的 2019 年不在工作日历中（已覆盖 2020—2026 年）：\
             请在配置的 [[calendar]] 中补充该年国务院办公厅的节假日安排"
        );
        // Stepping into 2027 fails, naming the first day examined there.
        assert_eq!(
            cal.add_working_days(d("2026-12-30"), 3),
            Err(CalendarError::YearNotCovered {
                date: d("2027-01-01"),
                first: 2020,
                last: 2026
            })
        );
        assert_eq!(
            cal.add_working_days(d("2026-12-30"), 1),
            Ok(d("2026-12-31"))
        );
        // Day 0 is not examined: a 2019 date whose result lies in 2020 is fine.
        assert_eq!(
            cal.add_working_days(d("2019-12-31"), 1),
            Ok(d("2020-01-02"))
        );
        assert_eq!(
            cal.add_working_days(d("2027-03-01"), 0),
            Ok(d("2027-03-01"))
        );
        assert!(matches!(
            cal.add_working_days(d("2019-12-20"), 1),
            Err(CalendarError::YearNotCovered { .. })
        ));
    }

    #[test]
    fn with_years_adds_and_replaces() {
        let cal = Calendar::with_years(&[year_2027()]).expect("valid 2027");
        assert_eq!(cal.years(), 2020..=2027);
        assert!(cal.covers_year(2027));
        assert_eq!(
            cal.is_workday(d("2027-02-08")),
            Ok(false),
            "configured holiday (Mon)"
        );
        assert_eq!(
            cal.is_workday(d("2027-02-20")),
            Ok(true),
            "configured make-up Saturday"
        );
        assert_eq!(cal.is_workday(d("2027-02-15")), Ok(true), "ordinary Monday");
        assert_eq!(
            cal.add_working_days(d("2026-12-30"), 2),
            Ok(d("2027-01-04"))
        );
        // Shipped years stay.
        assert_eq!(cal.is_workday(d("2026-02-14")), Ok(true));
        // A gap year is not covered, though inside years().
        let cal = Calendar::with_years(&[YearCalendarConfig {
            year: 2028,
            ..year_2027()
        }]);
        assert!(cal.is_err(), "2027 dates under year 2028 must fail check");
        let cal = Calendar::with_years(&[YearCalendarConfig {
            year: 2028,
            notice: None,
            off: vec!["2028-01-01".to_string()],
            work: vec![],
        }])
        .expect("valid 2028");
        assert_eq!(cal.years(), 2020..=2028);
        assert!(!cal.covers_year(2027));
        assert!(matches!(
            cal.is_workday(d("2027-06-01")),
            Err(CalendarError::YearNotCovered {
                first: 2020,
                last: 2028,
                ..
            })
        ));
        // A correction replaces the whole shipped year.
        let fix = YearCalendarConfig {
            year: 2026,
            notice: Some("更正".to_string()),
            off: vec!["2026-03-11".to_string()],
            work: vec![],
        };
        let cal = Calendar::with_years(&[fix]).expect("valid correction");
        assert_eq!(cal.is_workday(d("2026-03-11")), Ok(false));
        assert_eq!(
            cal.is_workday(d("2026-02-16")),
            Ok(true),
            "shipped 2026 replaced"
        );
        assert_eq!(
            cal.is_workday(d("2025-10-11")),
            Ok(true),
            "other years kept"
        );
    }

    #[test]
    fn with_years_rejects_bad_and_duplicate_years() {
        let bad = YearCalendarConfig {
            off: vec!["2027-02-30".to_string()],
            ..year_2027()
        };
        let err = Calendar::with_years(&[bad]).expect_err("bad date");
        assert_eq!(
            err.to_string(),
            "工作日历 2027 年：off 中的“2027-02-30”不是合法日期（应为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD）"
        );
        let err = Calendar::with_years(&[year_2027(), year_2027()]).expect_err("duplicate");
        assert!(
            matches!(err, CalendarError::BadYear { year: 2027, .. }),
            "{err}"
        );
    }

    #[test]
    fn check_messages_name_the_entry() {
        assert_eq!(year_2027().check(), Ok(()));
        assert_eq!(
            check_err(&["2027-02-30"], &[]),
            "off 中的“2027-02-30”不是合法日期（应为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD）"
        );
        assert_eq!(
            check_err(&[], &["2027-2-6"]),
            "work 中的“2027-2-6”不是合法日期（应为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD）"
        );
        assert!(
            check_err(&["2027-02-06..2027-02"], &[]).contains("“2027-02-06..2027-02”不是合法日期")
        );
        assert_eq!(
            check_err(&[], &["2027-02-03"]),
            "work 中的“2027-02-03”是星期三，调休上班日应为周六或周日"
        );
        assert_eq!(
            check_err(&[], &["2027-02-06..2027-02-08"]),
            "work 中的“2027-02-06..2027-02-08”含 2027-02-08（星期一），调休上班日应为周六或周日"
        );
        assert_eq!(
            check_err(&["2027-02-14..2027-02-06"], &[]),
            "off 中的“2027-02-14..2027-02-06”起始日期晚于结束日期"
        );
        assert_eq!(
            check_err(&["2026-12-31..2027-01-02"], &[]),
            "off 中的“2026-12-31..2027-01-02”不在 2027 年内"
        );
        assert_eq!(
            check_err(&["2027-02-06..2027-02-14"], &["2027-02-13"]),
            "2027-02-13 既在 off 中（“2027-02-06..2027-02-14”）又在 work 中（“2027-02-13”）"
        );
        let typo = YearCalendarConfig {
            year: 20277,
            notice: None,
            off: vec![],
            work: vec![],
        };
        assert!(typo
            .check()
            .expect_err("year out of range")
            .contains("20277"));
        // Spaces around the parts are tolerated.
        let spaced = YearCalendarConfig {
            off: vec![" 2027-02-06 .. 2027-02-14 ".to_string()],
            ..year_2027()
        };
        assert_eq!(spaced.check(), Ok(()));
    }

    #[test]
    fn config_tables_deserialize_strictly() {
        #[derive(Deserialize)]
        struct Config {
            calendar: Vec<YearCalendarConfig>,
        }
        let ok: Config = toml::from_str("[[calendar]]\nyear = 2027\noff = [\"2027-01-01\"]\n")
            .expect("minimal table");
        assert_eq!(
            ok.calendar,
            vec![YearCalendarConfig {
                year: 2027,
                notice: None,
                off: vec!["2027-01-01".to_string()],
                work: vec![]
            }]
        );
        let unknown = toml::from_str::<Config>("[[calendar]]\nyear = 2027\nholidays = []\n");
        assert!(unknown.is_err(), "unknown field must be rejected");
    }

    #[test]
    fn working_days_between_counts_half_open_interval() {
        let cal = Calendar::shipped();
        assert_eq!(
            cal.working_days_between(d("2026-03-09"), d("2026-03-09")),
            Ok(0)
        );
        assert_eq!(
            cal.working_days_between(d("2026-03-13"), d("2026-03-09")),
            Ok(0)
        );
        // Mon → Fri: Tue..Fri.
        assert_eq!(
            cal.working_days_between(d("2026-03-09"), d("2026-03-13")),
            Ok(4)
        );
        // Fri → next Mon: only Mon.
        assert_eq!(
            cal.working_days_between(d("2026-03-06"), d("2026-03-09")),
            Ok(1)
        );
        // Spring Festival: Feb 14 (make-up) and Feb 24.
        assert_eq!(
            cal.working_days_between(d("2026-02-13"), d("2026-02-24")),
            Ok(2)
        );
        // Across years: Jan 4 (make-up Sunday) and Jan 5.
        assert_eq!(
            cal.working_days_between(d("2025-12-31"), d("2026-01-05")),
            Ok(2)
        );
        // `from` itself is not counted, so 2019-12-31 is not examined.
        assert_eq!(
            cal.working_days_between(d("2019-12-31"), d("2020-01-02")),
            Ok(1)
        );
        assert_eq!(
            cal.working_days_between(d("2019-12-30"), d("2020-01-02")),
            Err(CalendarError::YearNotCovered {
                date: d("2019-12-31"),
                first: 2020,
                last: 2026
            })
        );
        assert_eq!(
            cal.working_days_between(d("2026-12-30"), d("2027-01-02")),
            Err(CalendarError::YearNotCovered {
                date: d("2027-01-01"),
                first: 2020,
                last: 2026
            })
        );
    }

    #[test]
    fn add_and_between_agree() {
        let cal = Calendar::shipped();
        let mut day = d("2020-01-01");
        while day < d("2026-12-01") {
            for n in [0, 1, 3, 10] {
                let end = cal.add_working_days(day, n).expect("covered");
                assert_eq!(
                    cal.working_days_between(day, end),
                    Ok(i64::from(n)),
                    "{day} + {n}"
                );
                assert!(n == 0 || cal.is_workday(end) == Ok(true), "{day} + {n}");
            }
            day = day + chrono::Days::new(1);
        }
    }

    #[test]
    fn missing_years_warn_from_december() {
        let shipped = Calendar::shipped();
        assert!(shipped.missing_years(d("2026-11-30")).is_empty());
        assert_eq!(shipped.missing_years(d("2026-12-01")), vec![2027]);
        assert_eq!(shipped.missing_years(d("2027-01-04")), vec![2027]);
        assert_eq!(shipped.missing_years(d("2027-12-01")), vec![2027, 2028]);
        let extended = Calendar::with_years(&[year_2027()]).expect("2027");
        assert!(extended.missing_years(d("2026-12-01")).is_empty());
    }
}
