//! A small table model shared by every report, and its two renderings: an Excel sheet laid out
//! for reading and printing, and a CSV for machines. The only code that writes cells.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    ConditionalFormatText, ConditionalFormatTextRule, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

/// A cell of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Empty,
    Text(String),
    Int(i64),
    Number(f64, NumFmt),
    Date(NaiveDate),
}

/// How a number is shown in a workbook (the CSV always writes it plainly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumFmt {
    /// A rate shown as a percentage with two decimals.
    Rate,
    /// Points with two decimals.
    Score,
    /// 万元 with thousands separators and two decimals.
    Money,
}

impl NumFmt {
    fn excel(self) -> &'static str {
        match self {
            NumFmt::Rate => "0.00%",
            NumFmt::Score => "0.00",
            NumFmt::Money => "#,##0.00",
        }
    }
}

impl Out {
    pub fn text(s: impl Into<String>) -> Out {
        Out::Text(s.into())
    }

    pub fn opt_number(x: Option<f64>, fmt: NumFmt) -> Out {
        x.map_or(Out::Empty, |x| Out::Number(x, fmt))
    }

    pub fn opt_int(x: Option<i64>) -> Out {
        x.map_or(Out::Empty, Out::Int)
    }

    pub fn opt_date(d: Option<NaiveDate>) -> Out {
        d.map_or(Out::Empty, Out::Date)
    }

    pub fn opt_text(s: Option<String>) -> Out {
        s.map_or(Out::Empty, Out::Text)
    }

    /// The value as the CSV writes it: numbers plainly, no `%`, no separators.
    fn plain(&self) -> String {
        match self {
            Out::Empty => String::new(),
            Out::Text(s) => neutralize(s),
            Out::Int(i) => i.to_string(),
            Out::Number(x, _) => format!("{x}"),
            Out::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// The value as a workbook shows it, for documents that print it as text.
    pub fn shown(&self) -> String {
        match self {
            Out::Empty => String::new(),
            Out::Text(s) => s.clone(),
            Out::Int(i) => i.to_string(),
            Out::Number(x, NumFmt::Rate) => format!("{:.2}%", x * 100.0),
            Out::Number(x, NumFmt::Score) => format!("{x:.2}"),
            Out::Number(x, NumFmt::Money) => thousands(*x),
            Out::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// Display columns the value takes (CJK characters count two).
    pub fn width(&self) -> usize {
        match self {
            Out::Empty => 0,
            Out::Text(s) => s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0),
            Out::Int(i) => i.to_string().len(),
            Out::Number(_, NumFmt::Rate) => 8,
            Out::Number(x, NumFmt::Score) => format!("{x:.2}").len(),
            Out::Number(x, NumFmt::Money) => format!("{x:.2}").len() + format!("{x:.0}").len() / 3,
            Out::Date(_) => 10,
        }
    }
}

/// `#,##0.00`: two decimals, a comma every three digits.
fn thousands(x: f64) -> String {
    let fixed = format!("{:.2}", x.abs());
    let (whole, cents) = fixed.split_once('.').unwrap_or((&fixed, "00"));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if x < 0.0 && fixed != "0.00" { "-" } else { "" };
    format!("{sign}{grouped}.{cents}")
}

/// Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection).
fn neutralize(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// A header and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Out>>,
}

impl Grid {
    /// CSV text, UTF-8 with a BOM (what Excel in China needs to read Chinese), CRLF-free.
    pub fn to_csv(&self) -> Result<Vec<u8>, csv::Error> {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(b"\xEF\xBB\xBF".to_vec());
        writer.write_record(&self.headers)?;
        for row in &self.rows {
            writer.write_record(row.iter().map(Out::plain))?;
        }
        writer.into_inner().map_err(|e| e.into_error().into())
    }
}

/// How a sheet is laid out above and around its grid.
#[derive(Debug, Clone, Default)]
pub struct SheetLayout {
    /// Title lines above the header (county, month, as-of date); none for machine-read sheets.
    pub title: Vec<String>,
    /// A column holding 红灯/黄灯/绿灯, coloured by conditional formatting.
    pub light_column: Option<usize>,
    /// Widest a column may be before its text wraps (default `MAX_COLUMN_WIDTH`).
    pub max_width: Option<f64>,
}

impl SheetLayout {
    pub fn titled(title: Vec<String>) -> SheetLayout {
        SheetLayout {
            title,
            light_column: None,
            max_width: None,
        }
    }
}

/// A workbook whose bytes depend only on its content (fixed creation time).
pub fn new_workbook(created: NaiveDate) -> Result<Workbook, XlsxError> {
    let mut workbook = Workbook::new();
    let datetime = ExcelDateTime::from_ymd(
        created.year().clamp(1900, 9999) as u16,
        created.month() as u8,
        created.day() as u8,
    )?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&datetime));
    Ok(workbook)
}

/// The cell formats every report uses.
pub struct Formats {
    pub title: Format,
    pub section: Format,
    pub header: Format,
    body: CellFormats,
    /// The same, bold, for a table's 合计 or 全县 row.
    total: CellFormats,
}

/// The formats of a table's cells, by kind of value.
struct CellFormats {
    text: Format,
    int: Format,
    rate: Format,
    score: Format,
    money: Format,
    date: Format,
}

impl CellFormats {
    fn new(cell: Format) -> CellFormats {
        CellFormats {
            text: cell.clone().set_text_wrap(),
            int: cell.clone(),
            rate: cell.clone().set_num_format(NumFmt::Rate.excel()),
            score: cell.clone().set_num_format(NumFmt::Score.excel()),
            money: cell.clone().set_num_format(NumFmt::Money.excel()),
            date: cell.set_num_format("yyyy-mm-dd"),
        }
    }
}

/// First cells that mark a table's total row, printed bold.
const TOTAL_LABELS: [&str; 2] = ["合计", "全县"];

impl Default for Formats {
    fn default() -> Self {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            section: Format::new().set_bold().set_font_size(12),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color("#DDEBF7")
                .set_border(FormatBorder::Thin),
            body: CellFormats::new(cell.clone()),
            total: CellFormats::new(cell.set_bold().set_background_color("#F2F2F2")),
        }
    }
}

/// Write a header and rows from `first_row`; returns the row after the table.
pub fn write_table(
    sheet: &mut Worksheet,
    first_row: u32,
    grid: &Grid,
    formats: &Formats,
) -> Result<u32, XlsxError> {
    write_fitted_table(sheet, first_row, grid, formats, &[])
}

/// `write_table`, each row made tall enough for its text wrapped in columns of `widths`
/// (spreadsheet programs do not do it on open). A row's height is set before its cells are
/// written, so the table can go to a constant-memory sheet, which writes rows out in order.
fn write_fitted_table(
    sheet: &mut Worksheet,
    first_row: u32,
    grid: &Grid,
    formats: &Formats,
    widths: &[f64],
) -> Result<u32, XlsxError> {
    for (c, header) in grid.headers.iter().enumerate() {
        sheet.write_string_with_format(first_row, c as u16, header, &formats.header)?;
    }
    for (r, row) in grid.rows.iter().enumerate() {
        let r = first_row + 1 + r as u32;
        let lines = wrapped_lines(row, widths);
        if lines > 1.0 {
            sheet.set_row_height(r, lines * LINE_HEIGHT)?;
        }
        let is_total =
            matches!(row.first(), Some(Out::Text(label)) if TOTAL_LABELS.contains(&label.as_str()));
        let cells = if is_total {
            &formats.total
        } else {
            &formats.body
        };
        for (c, value) in row.iter().enumerate() {
            let c = c as u16;
            match value {
                Out::Empty => sheet.write_blank(r, c, &cells.text)?,
                Out::Text(s) => sheet.write_string_with_format(r, c, fit_cell(s), &cells.text)?,
                Out::Int(i) => sheet.write_number_with_format(r, c, *i as f64, &cells.int)?,
                Out::Number(x, fmt) => {
                    let format = match fmt {
                        NumFmt::Rate => &cells.rate,
                        NumFmt::Score => &cells.score,
                        NumFmt::Money => &cells.money,
                    };
                    sheet.write_number_with_format(r, c, *x, format)?
                }
                Out::Date(d) => {
                    let date = ExcelDateTime::from_ymd(
                        d.year().clamp(1900, 9999) as u16,
                        d.month() as u8,
                        d.day() as u8,
                    )?;
                    sheet.write_datetime_with_format(r, c, &date, &cells.date)?
                }
            };
        }
    }
    Ok(first_row + 1 + grid.rows.len() as u32)
}

/// Excel's limit on the characters of one cell.
const MAX_CELL_CHARS: usize = 32_767;
const CUT_MARK: &str = "…（超出单元格长度，全文见原表）";

/// Text as a cell can hold it: longer text is cut, and says so.
fn fit_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().count() <= MAX_CELL_CHARS {
        return std::borrow::Cow::Borrowed(s);
    }
    let keep = MAX_CELL_CHARS - CUT_MARK.chars().count();
    std::borrow::Cow::Owned(s.chars().take(keep).chain(CUT_MARK.chars()).collect())
}

/// Set column widths to fit the widest cell of any of `grids` (CJK characters count two);
/// returns the widths, for the rows' heights.
pub fn fit_columns(
    sheet: &mut Worksheet,
    grids: &[&Grid],
    max_width: f64,
) -> Result<Vec<f64>, XlsxError> {
    let columns = grids.iter().map(|g| g.headers.len()).max().unwrap_or(0);
    let mut widths = Vec::with_capacity(columns);
    for c in 0..columns {
        let widest = grids
            .iter()
            .flat_map(|g| {
                let header = g
                    .headers
                    .get(c)
                    .map_or(0, |h| UnicodeWidthStr::width(h.as_str()));
                g.rows
                    .iter()
                    .filter_map(|row| row.get(c))
                    .map(Out::width)
                    .chain(std::iter::once(header))
            })
            .max()
            .unwrap_or(0);
        // Excel's width unit is one '0'; margin for the filter button.
        let width = (widest as f64 + 3.0).clamp(6.0, max_width);
        sheet.set_column_width(c as u16, width)?;
        widths.push(width);
    }
    Ok(widths)
}

/// Columns wider than this wrap their text.
pub const MAX_COLUMN_WIDTH: f64 = 60.0;
/// Points per line of text at the default font size.
const LINE_HEIGHT: f64 = 15.0;

/// The lines the tallest cell of `row` takes, wrapped in columns of `widths` (1 without widths).
fn wrapped_lines(row: &[Out], widths: &[f64]) -> f64 {
    row.iter()
        .zip(widths)
        .map(|(cell, width)| match cell {
            Out::Text(s) => s
                .lines()
                .map(|l| {
                    (UnicodeWidthStr::width(l) as f64 / (width - 1.0).max(1.0))
                        .ceil()
                        .max(1.0)
                })
                .sum::<f64>(),
            _ => 1.0,
        })
        .fold(1.0, f64::max)
}

/// A4 landscape, one page wide, the header row repeated on every page, page numbers below.
pub fn print_setup(sheet: &mut Worksheet, header_row: Option<u32>) -> Result<(), XlsxError> {
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    if let Some(row) = header_row {
        sheet.set_repeat_rows(row, row)?;
    }
    sheet.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// Colour 红灯/黄灯/绿灯 cells of `column` in rows `first..=last`.
pub fn colour_lights(
    sheet: &mut Worksheet,
    first: u32,
    last: u32,
    column: u16,
) -> Result<(), XlsxError> {
    for (label, fill, font) in [
        ("红灯", "#FFC7CE", "#9C0006"),
        ("黄灯", "#FFEB9C", "#9C5700"),
        ("绿灯", "#C6EFCE", "#006100"),
    ] {
        let rule = ConditionalFormatText::new()
            .set_rule(ConditionalFormatTextRule::Contains(label.to_string()))
            .set_format(
                Format::new()
                    .set_background_color(fill)
                    .set_font_color(font),
            );
        sheet.add_conditional_format(first, column, last, column, &rule)?;
    }
    Ok(())
}

/// A sheet's title lines from the top: the first large, the rest as section headings.
pub fn write_title(
    sheet: &mut Worksheet,
    title: &[String],
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (i, line) in title.iter().enumerate() {
        let format = if i == 0 {
            &formats.title
        } else {
            &formats.section
        };
        sheet.write_string_with_format(i as u32, 0, line, format)?;
    }
    Ok(())
}

/// A whole sheet of one table: title lines, a frozen and filtered header, fitted columns,
/// lights coloured, printed A4 landscape with the header on every page. Cells are written in
/// row order, so `sheet` may be a constant-memory sheet.
pub fn write_grid(
    sheet: &mut Worksheet,
    grid: &Grid,
    layout: &SheetLayout,
) -> Result<(), XlsxError> {
    let formats = Formats::default();
    write_title(sheet, &layout.title, &formats)?;
    let header_row = layout.title.len() as u32;
    let widths = fit_columns(sheet, &[grid], layout.max_width.unwrap_or(MAX_COLUMN_WIDTH))?;
    let end = write_fitted_table(sheet, header_row, grid, &formats, &widths)?;
    let columns = grid.headers.len() as u16;
    if columns > 0 {
        sheet.autofilter(
            header_row,
            0,
            end.saturating_sub(1).max(header_row),
            columns - 1,
        )?;
    }
    if let (Some(column), true) = (layout.light_column, end > header_row + 1) {
        colour_lights(sheet, header_row + 1, end - 1, column as u16)?;
    }
    sheet.set_freeze_panes(header_row + 1, 0)?;
    print_setup(sheet, Some(header_row))
}

/// A sheet of several titled tables one above the other (for sheets a reader takes in as a
/// whole): the title lines, then each section's heading and table, columns fitted over all of
/// them, printed A4 landscape (no header to repeat: the tables differ).
pub fn write_sections(
    sheet: &mut Worksheet,
    title: &[String],
    sections: &[(String, Grid)],
) -> Result<(), XlsxError> {
    let formats = Formats::default();
    write_title(sheet, title, &formats)?;
    let grids: Vec<&Grid> = sections.iter().map(|(_, g)| g).collect();
    let widths = fit_columns(sheet, &grids, MAX_COLUMN_WIDTH)?;
    let mut row = title.len() as u32;
    for (heading, grid) in sections {
        sheet.write_string_with_format(row, 0, heading, &formats.section)?;
        row = write_fitted_table(sheet, row + 1, grid, &formats, &widths)? + 1;
    }
    print_setup(sheet, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_bom_plain_numbers_and_neutralized_formulas() {
        let grid = Grid {
            headers: vec!["单位".into(), "率".into(), "排名".into()],
            rows: vec![vec![
                Out::text("=HYPERLINK(\"x\")"),
                Out::Number(0.8333333333333334, NumFmt::Rate),
                Out::Int(2),
            ]],
        };
        let csv = String::from_utf8(grid.to_csv().unwrap()).unwrap();
        assert_eq!(
            csv,
            "\u{feff}单位,率,排名\n\"'=HYPERLINK(\"\"x\"\")\",0.8333333333333334,2\n"
        );
    }

    #[test]
    fn overlong_text_is_cut_to_what_a_cell_holds() {
        let long = "问".repeat(40_000);
        let cut = fit_cell(&long);
        assert_eq!(cut.chars().count(), MAX_CELL_CHARS);
        assert!(cut.ends_with(CUT_MARK));
        assert_eq!(fit_cell("短"), "短");
    }

    #[test]
    fn values_are_shown_as_the_workbook_formats_them() {
        assert_eq!(
            Out::Number(1234567.891, NumFmt::Money).shown(),
            "1,234,567.89"
        );
        assert_eq!(Out::Number(-950.0, NumFmt::Money).shown(), "-950.00");
        assert_eq!(Out::Number(0.125, NumFmt::Rate).shown(), "12.50%");
        assert_eq!(Out::Number(88.4, NumFmt::Score).shown(), "88.40");
        assert_eq!(Out::Empty.shown(), "");
    }

    #[test]
    fn widths_count_cjk_double() {
        assert_eq!(Out::text("县发改局").width(), 8);
        assert_eq!(Out::text("ab").width(), 2);
    }
}
