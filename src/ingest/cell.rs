//! Cell values as read from any workbook, and their parsing into typed values (SPEC §1 "Cell
//! values"). Pure: every function takes a cell and returns a value or a reason in Chinese.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use crate::text::{fold, folded, to_half_width, trim};

/// One cell, independent of the file format it came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    /// Shared: a workbook's shared string, or a merged region's value, is one allocation for
    /// every cell that shows it.
    Text(Arc<str>),
    Number(f64),
    /// A cell the workbook itself marks as a date (date number format, epoch already applied).
    Date(NaiveDate),
    Bool(bool),
    /// A formula error such as `#REF!`.
    Error(String),
}

impl Cell {
    /// True for an empty cell or one holding only whitespace.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => trim(s).is_empty(),
            _ => false,
        }
    }

    /// The value as a person would read it in a message.
    pub fn shown(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.to_string(),
            Cell::Number(x) => format_number(*x),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::Error(e) => e.clone(),
        }
    }

    /// The value as Excel would show it, for a message: numbers in Excel's General format
    /// (1E+308, not 309 digits), text cut to `MESSAGE_CHARS` characters.
    pub fn shown_in_message(&self) -> String {
        match self {
            Cell::Number(x) => excel_general(*x),
            Cell::Text(s) if s.chars().count() > MESSAGE_CHARS => {
                let head: String = s.chars().take(MESSAGE_CHARS).collect();
                format!("{head}…（共{}字）", s.chars().count())
            }
            other => other.shown(),
        }
    }

    /// Trimmed text of a text-like cell; `None` when blank or an empty marker.
    pub fn text(&self) -> Option<String> {
        self.trimmed().map(Cow::into_owned)
    }

    /// `text`, borrowed from a text cell: for values only looked up, never kept.
    pub fn trimmed(&self) -> Option<Cow<'_, str>> {
        let text = match self {
            Cell::Text(s) => Cow::Borrowed(trim(s)),
            other => Cow::Owned(trim(&other.shown()).to_string()),
        };
        (!is_empty_marker(&text)).then_some(text)
    }
}

/// Characters of a text value a message quotes.
pub const MESSAGE_CHARS: usize = 60;

/// A number as Excel's General format shows it: at most 10 significant digits, in scientific
/// notation with 6 significant digits from 1E+11 up and below 1E-9.
pub fn excel_general(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if x == 0.0 {
        return "0".into();
    }
    let abs = x.abs();
    if !(1e-9..1e11).contains(&abs) {
        let formatted = format!("{x:.5E}");
        let (mantissa, exponent) = formatted.split_once('E').unwrap_or((&formatted, "0"));
        let mantissa = trim_decimal_zeros(mantissa);
        let exponent: i32 = exponent.parse().unwrap_or(0);
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{mantissa}E{sign}{:02}", exponent.abs());
    }
    let integer_digits = abs.log10().floor() as i32 + 1;
    let decimals = (10 - integer_digits).clamp(0, 10) as usize;
    trim_decimal_zeros(&format!("{x:.decimals$}")).to_string()
}

fn trim_decimal_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// A number without a trailing `.0`, as Excel shows it.
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Values that mean "no value" in county tables.
pub fn is_empty_marker(s: &str) -> bool {
    // Markers are short; longer text needs no folding to tell.
    if s.chars().nth(4).is_some() {
        return false;
    }
    matches!(
        folded(s).as_ref(),
        "" | "-" | "--" | "—" | "——" | "/" | "无" | "暂无" | "\\"
    )
}

/// Whether a date is a deadline (month-only → last day) or an actual date (→ first day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRole {
    Planned,
    Actual,
}

/// A parsed value, possibly with a warning to report while keeping it.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    pub value: T,
    pub warning: Option<String>,
}

impl<T> Parsed<T> {
    fn clean(value: T) -> Self {
        Parsed {
            value,
            warning: None,
        }
    }
}

/// What a failed parse says it expected.
pub const DATE_EXPECTED: &str =
    "应为日期，如 2026-03-15、2026/3/15、2026.3.15、2026年3月15日 或 20260315";

/// Years a project date may fall in. Earlier dates are Excel's empty date (serial 0, shown as
/// 1900-01-00 or 1899-12-31), its phantom 1900-02-29 (serial 60) or a slip; later ones are
/// kept with a warning.
const FIRST_PLAUSIBLE_YEAR: i32 = 1990;
const LAST_PLAUSIBLE_YEAR: i32 = 2100;

/// Parse a date cell. `Ok(None)` for a blank cell or an empty marker; a date before 1990 is a
/// bad value.
pub fn parse_date(cell: &Cell, role: DateRole) -> Result<Option<Parsed<NaiveDate>>, String> {
    match parse_any_date(cell, role)? {
        Some(parsed) => plausible(parsed).map(Some),
        None => Ok(None),
    }
}

fn plausible(mut parsed: Parsed<NaiveDate>) -> Result<Parsed<NaiveDate>, String> {
    let year = parsed.value.year();
    if year < FIRST_PLAUSIBLE_YEAR {
        return Err(format!(
            "{} 不是有效的项目日期（早于{FIRST_PLAUSIBLE_YEAR}年，多为 Excel 的空日期或公式结果为 0）；{DATE_EXPECTED}",
            parsed.value.format("%Y-%m-%d")
        ));
    }
    if year > LAST_PLAUSIBLE_YEAR {
        let late = format!("年份{year}晚于{LAST_PLAUSIBLE_YEAR}年，请核实");
        parsed.warning = Some(match parsed.warning {
            Some(w) => format!("{w}；{late}"),
            None => late,
        });
    }
    Ok(parsed)
}

fn parse_any_date(cell: &Cell, role: DateRole) -> Result<Option<Parsed<NaiveDate>>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(d) => Ok(Some(Parsed::clean(*d))),
        Cell::Number(x) => number_as_date(*x)
            .map(|d| Some(Parsed::clean(d)))
            .ok_or_else(|| DATE_EXPECTED.to_string()),
        Cell::Text(s) => {
            let t = trim(s);
            if is_empty_marker(t) {
                return Ok(None);
            }
            text_as_date(t, role).map(Some)
        }
        Cell::Bool(_) | Cell::Error(_) => Err(DATE_EXPECTED.to_string()),
    }
}

/// A number in a date column: `20260315`, or an Excel serial without a date format (1900 system).
fn number_as_date(x: f64) -> Option<NaiveDate> {
    if x.fract() != 0.0 && x.fract() > 0.999 {
        return None;
    }
    let whole = x.trunc();
    if (19_000_101.0..=21_001_231.0).contains(&whole) {
        let n = whole as i64;
        return NaiveDate::from_ymd_opt(
            (n / 10_000) as i32,
            (n / 100 % 100) as u32,
            (n % 100) as u32,
        );
    }
    excel_serial_date(whole)
        .filter(|d| (FIRST_PLAUSIBLE_YEAR..=LAST_PLAUSIBLE_YEAR).contains(&d.year()))
}

/// Days of the 1900 date system, with Excel's phantom 1900-02-29 (serial 60) folded away.
pub fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial as i64;
    let base = if days >= 61 {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    };
    base.checked_add_signed(chrono::Duration::days(days))
}

fn text_as_date(t: &str, role: DateRole) -> Result<Parsed<NaiveDate>, String> {
    let half: String = t.chars().map(to_half_width).collect();
    // A time part written after the date ("2026-03-15 00:00:00") carries no meaning here.
    let date_part = match half.split_once(|c: char| c.is_whitespace() || c == 'T') {
        Some((date, time)) if time.contains(':') => date,
        _ => half.as_str(),
    };
    let s: String = date_part.chars().filter(|c| !c.is_whitespace()).collect();
    let s = s.trim_end_matches(['日', '号']);
    let digits_only = s.chars().all(|c| c.is_ascii_digit());
    if digits_only && s.len() == 8 {
        let ymd = (&s[0..4], &s[4..6], &s[6..8]);
        return ymd_date(ymd.0, ymd.1, ymd.2).map(Parsed::clean);
    }
    let parts: Vec<&str> = s
        .split(['-', '/', '.', '年', '月'])
        .filter(|p| !p.is_empty())
        .collect();
    if !parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        || parts.first().is_none_or(|year| year.len() != 4)
    {
        return Err(DATE_EXPECTED.to_string());
    }
    match parts.as_slice() {
        [y, m, d] => ymd_date(y, m, d).map(Parsed::clean),
        [y, m] => {
            let first = ymd_date(y, m, "1")?;
            let (value, which) = match role {
                DateRole::Planned => (crate::dates::month_end(first), "月末"),
                DateRole::Actual => (first, "月初"),
            };
            Ok(Parsed {
                value,
                warning: Some(format!(
                    "只填了年月“{t}”，按{which} {} 计；请填写具体日期",
                    value.format("%Y-%m-%d")
                )),
            })
        }
        _ => Err(DATE_EXPECTED.to_string()),
    }
}

fn ymd_date(y: &str, m: &str, d: &str) -> Result<NaiveDate, String> {
    let parse = |s: &str| s.parse::<u32>().ok();
    match (y.parse::<i32>().ok(), parse(m), parse(d)) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y, m, d)
            .ok_or_else(|| format!("{y}年{m}月{d}日不存在；{DATE_EXPECTED}")),
        _ => Err(DATE_EXPECTED.to_string()),
    }
}

/// Parse a reporting month (报告期): `2026年3月`, `2026-03`, `2026.3`, `202603`, or a date.
/// Returns the first day of the month.
pub fn parse_month(cell: &Cell) -> Result<Option<NaiveDate>, String> {
    const EXPECTED: &str = "应为年月，如 2026年3月 或 2026-03";
    let first_of = crate::dates::month_start;
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(d) => Ok(Some(first_of(*d))),
        Cell::Number(x) if (190_001.0..=210_012.0).contains(x) && x.fract() == 0.0 => {
            let n = *x as i64;
            NaiveDate::from_ymd_opt((n / 100) as i32, (n % 100) as u32, 1)
                .map(Some)
                .ok_or_else(|| EXPECTED.to_string())
        }
        Cell::Number(x) => number_as_date(*x)
            .map(|d| Some(first_of(d)))
            .ok_or_else(|| EXPECTED.to_string()),
        Cell::Text(s) => {
            let t = trim(s);
            if is_empty_marker(t) {
                return Ok(None);
            }
            let folded: String = t.chars().map(to_half_width).collect();
            if folded.len() == 6 && folded.chars().all(|c| c.is_ascii_digit()) {
                return ymd_date(&folded[0..4], &folded[4..6], "1")
                    .map(Some)
                    .map_err(|_| EXPECTED.to_string());
            }
            text_as_date(t, DateRole::Actual)
                .map(|p| Some(first_of(p.value)))
                .map_err(|_| EXPECTED.to_string())
        }
        Cell::Bool(_) | Cell::Error(_) => Err(EXPECTED.to_string()),
    }
}

/// The unit a money header or cell is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyUnit {
    /// 万元, the unit of record.
    Wan,
    /// 亿元 = 10,000 万元.
    Yi,
}

impl MoneyUnit {
    fn factor(self) -> f64 {
        match self {
            MoneyUnit::Wan => 1.0,
            MoneyUnit::Yi => 10_000.0,
        }
    }
}

/// 10 万亿元 in 万元: more than any county project, so a sign of a unit or typing error.
const MAX_MONEY: f64 = 1e9;

pub const MONEY_EXPECTED: &str = "应为金额（万元），如 1234.5、1,234.5、1234.5万元 或 1.2亿元";

/// Parse an amount into 万元. `header_unit` is the unit named in the column header.
pub fn parse_money(cell: &Cell, header_unit: MoneyUnit) -> Result<Option<f64>, String> {
    let value = match cell {
        Cell::Empty => return Ok(None),
        Cell::Number(x) => *x * header_unit.factor(),
        Cell::Text(s) => {
            let t = trim(s);
            if is_empty_marker(t) {
                return Ok(None);
            }
            money_text(t, header_unit)?
        }
        Cell::Date(_) | Cell::Bool(_) | Cell::Error(_) => return Err(MONEY_EXPECTED.to_string()),
    };
    if !value.is_finite() {
        Err(MONEY_EXPECTED.to_string())
    } else if value.abs() > MAX_MONEY {
        Err("金额大得不合理（超过 10 万亿元）；请核实金额及单位（万元）".to_string())
    } else {
        Ok(Some(value))
    }
}

fn money_text(t: &str, header_unit: MoneyUnit) -> Result<f64, String> {
    let s: String = t
        .chars()
        .map(to_half_width)
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect();
    let s = s.strip_prefix('约').unwrap_or(&s);
    let s = s.strip_suffix("左右").unwrap_or(s);
    let (number, unit) = if let Some(n) = s.strip_suffix("亿元").or_else(|| s.strip_suffix('亿'))
    {
        (n, MoneyUnit::Yi)
    } else if let Some(n) = s.strip_suffix("万元").or_else(|| s.strip_suffix('万')) {
        (n, MoneyUnit::Wan)
    } else {
        (s, header_unit)
    };
    let looks_numeric = !number.is_empty()
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    match number.parse::<f64>() {
        Ok(x) if looks_numeric => Ok(x * unit.factor()),
        _ => Err(MONEY_EXPECTED.to_string()),
    }
}

pub const YES_NO_EXPECTED: &str = "应为 是/否（也可写 Y/N、√/×、1/0）";

/// Parse 是/否 and its usual spellings.
pub fn parse_yes_no(cell: &Cell) -> Result<Option<bool>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Bool(b) => Ok(Some(*b)),
        Cell::Number(x) if *x == 1.0 => Ok(Some(true)),
        Cell::Number(x) if *x == 0.0 => Ok(Some(false)),
        Cell::Text(s) => {
            let t = fold(s);
            match t.as_str() {
                "是" | "y" | "yes" | "√" | "✓" | "✔" | "1" | "true" => Ok(Some(true)),
                "否" | "n" | "no" | "×" | "✗" | "✘" | "x" | "0" | "false" => Ok(Some(false)),
                _ if is_empty_marker(&t) => Ok(None),
                _ => Err(YES_NO_EXPECTED.to_string()),
            }
        }
        _ => Err(YES_NO_EXPECTED.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn text_dates_in_every_form() {
        for s in [
            "2026-03-15",
            "2026/3/15",
            "2026.3.15",
            "2026年3月15日",
            "20260315",
            "２０２６年３月１５日",
            " 2026-03-15 00:00:00 ",
        ] {
            let parsed = parse_date(&text(s), DateRole::Actual).unwrap().unwrap();
            assert_eq!(parsed.value, date(2026, 3, 15), "{s}");
            assert_eq!(parsed.warning, None, "{s}");
        }
    }

    #[test]
    fn month_only_dates_follow_their_role() {
        let planned = parse_date(&text("2026年2月"), DateRole::Planned)
            .unwrap()
            .unwrap();
        assert_eq!(planned.value, date(2026, 2, 28));
        assert!(planned.warning.unwrap().contains("月末"));
        let actual = parse_date(&text("2026.3"), DateRole::Actual)
            .unwrap()
            .unwrap();
        assert_eq!(actual.value, date(2026, 3, 1));
        assert!(actual.warning.unwrap().contains("月初"));
    }

    #[test]
    fn numbers_as_dates() {
        let d = |x| {
            parse_date(&Cell::Number(x), DateRole::Actual)
                .unwrap()
                .unwrap()
                .value
        };
        assert_eq!(d(46096.0), date(2026, 3, 15));
        assert_eq!(d(20260315.0), date(2026, 3, 15));
        assert!(parse_date(&Cell::Number(12.5), DateRole::Actual).is_err());
    }

    #[test]
    fn bad_and_empty_dates() {
        assert!(parse_date(&text("2026-13-45"), DateRole::Planned).is_err());
        assert!(parse_date(&text("下月"), DateRole::Planned).is_err());
        assert!(parse_date(&text("年月"), DateRole::Planned).is_err());
        assert!(parse_date(&text("填报日期：2026年4月3日"), DateRole::Actual).is_err());
        assert!(parse_date(&text("报告期:12:30"), DateRole::Actual).is_err());
        assert_eq!(parse_date(&text("—"), DateRole::Planned), Ok(None));
        assert_eq!(parse_date(&Cell::Empty, DateRole::Planned), Ok(None));
    }

    #[test]
    fn money_forms() {
        let wan = |c: Cell| parse_money(&c, MoneyUnit::Wan).unwrap().unwrap();
        assert_eq!(wan(text("1,234.5")), 1234.5);
        assert_eq!(wan(text("1234.5万元")), 1234.5);
        assert_eq!(wan(text("1.2亿元")), 12000.0);
        assert_eq!(wan(text("约500")), 500.0);
        assert_eq!(wan(text("１２３")), 123.0);
        assert_eq!(wan(Cell::Number(90.0)), 90.0);
        let yi = parse_money(&Cell::Number(1.25), MoneyUnit::Yi)
            .unwrap()
            .unwrap();
        assert_eq!(yi, 12500.0);
        let yi_text_wan = parse_money(&text("300万元"), MoneyUnit::Yi)
            .unwrap()
            .unwrap();
        assert_eq!(yi_text_wan, 300.0);
        for empty in ["", "—", "-", "/", "无", "暂无"] {
            assert_eq!(
                parse_money(&text(empty), MoneyUnit::Wan),
                Ok(None),
                "{empty}"
            );
        }
        assert!(parse_money(&text("待定"), MoneyUnit::Wan).is_err());
        assert!(parse_money(&text("1e400"), MoneyUnit::Wan).is_err());
        assert!(parse_money(&Cell::Number(1e308), MoneyUnit::Wan)
            .unwrap_err()
            .contains("不合理"));
        assert!(parse_money(&text("NaN"), MoneyUnit::Wan).is_err());
        assert_eq!(
            parse_money(&Cell::Number(-5.0), MoneyUnit::Wan),
            Ok(Some(-5.0))
        );
    }

    #[test]
    fn months() {
        let m = |c: Cell| parse_month(&c).unwrap().unwrap();
        assert_eq!(m(text("2026年3月")), date(2026, 3, 1));
        assert_eq!(m(text("2026-03")), date(2026, 3, 1));
        assert_eq!(m(text("202603")), date(2026, 3, 1));
        assert_eq!(m(Cell::Number(202603.0)), date(2026, 3, 1));
        assert_eq!(m(Cell::Date(date(2026, 3, 31))), date(2026, 3, 1));
        assert!(parse_month(&text("三月")).is_err());
    }

    #[test]
    fn yes_no() {
        assert_eq!(parse_yes_no(&text("是")), Ok(Some(true)));
        assert_eq!(parse_yes_no(&text("×")), Ok(Some(false)));
        assert_eq!(parse_yes_no(&Cell::Number(1.0)), Ok(Some(true)));
        assert_eq!(parse_yes_no(&text("")), Ok(None));
        assert!(parse_yes_no(&text("也许")).is_err());
    }

    #[test]
    fn implausible_dates_are_bad_values() {
        let actual = |c: Cell| parse_date(&c, DateRole::Actual);
        // Excel's empty date and its phantom leap day, as date cells, serials and text.
        assert!(actual(Cell::Date(date(1899, 12, 31))).is_err());
        assert!(actual(Cell::Date(date(1900, 1, 1))).is_err());
        assert!(actual(Cell::Number(0.0)).is_err());
        assert!(actual(Cell::Number(60.0)).is_err());
        assert!(actual(text("1899-12-31"))
            .unwrap_err()
            .contains("不是有效的项目日期"));
        assert!(actual(text("1900-02-29")).is_err());
        assert!(actual(text("1900-01-00")).is_err());
        assert!(actual(text("1989-12-31")).is_err());
        assert_eq!(
            actual(text("1990-01-01")).unwrap().unwrap().value,
            date(1990, 1, 1)
        );
        // Far in the future: kept, with a warning.
        let far = actual(text("2150-06-30")).unwrap().unwrap();
        assert_eq!(far.value, date(2150, 6, 30));
        assert!(far.warning.unwrap().contains("晚于2100年"));
    }

    #[test]
    fn messages_show_values_as_excel_does() {
        assert_eq!(excel_general(1e308), "1E+308");
        assert_eq!(excel_general(-1.5e-12), "-1.5E-12");
        assert_eq!(excel_general(123456789012.0), "1.23457E+11");
        assert_eq!(excel_general(0.1 + 0.2), "0.3");
        assert_eq!(excel_general(1200.0), "1200");
        assert_eq!(excel_general(-3.25), "-3.25");
        assert_eq!(Cell::Number(1e308).shown_in_message(), "1E+308");
        let long = "问".repeat(200);
        let shown = Cell::Text(long.into()).shown_in_message();
        assert!(shown.starts_with(&"问".repeat(MESSAGE_CHARS)));
        assert!(shown.ends_with("…（共200字）"), "{shown}");
    }
}
