//! A small table model shared by every report, and its two renderings: an Excel sheet laid out
//! for reading and printing, and a CSV for machines. The only code that writes cells.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

/// A cell of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Empty,
    Text(String),
    Int(i64),
    Number(f64, NumFmt),
}

/// How a number is shown in a workbook (the CSV always writes it plainly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumFmt {
    /// A rate shown as a percentage with two decimals.
    Rate,
    /// Points with two decimals.
    Score,
}

impl NumFmt {
    fn excel(self) -> &'static str {
        match self {
            NumFmt::Rate => "0.00%",
            NumFmt::Score => "0.00",
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

    /// The value as the CSV writes it: numbers plainly, no `%`, no separators.
    fn plain(&self) -> String {
        match self {
            Out::Empty => String::new(),
            Out::Text(s) => neutralize(s),
            Out::Int(i) => i.to_string(),
            Out::Number(x, _) => format!("{x}"),
        }
    }

    /// Display columns the value takes (CJK characters count two).
    fn width(&self) -> usize {
        match self {
            Out::Empty => 0,
            Out::Text(s) => s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0),
            Out::Int(i) => i.to_string().len(),
            Out::Number(_, NumFmt::Rate) => 8,
            Out::Number(x, NumFmt::Score) => format!("{x:.2}").len(),
        }
    }
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

/// Write `grid` to `sheet`: title lines, a bold bordered header, frozen and filtered, columns
/// wide enough for Chinese text, numbers formatted, printed A4 landscape one page wide with the
/// header repeated on every page.
pub fn write_grid(
    sheet: &mut Worksheet,
    grid: &Grid,
    layout: &SheetLayout,
) -> Result<(), XlsxError> {
    let title_format = Format::new().set_bold().set_font_size(14);
    let header_format = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color("#DDEBF7")
        .set_border(FormatBorder::Thin);
    let text_format = Format::new().set_border(FormatBorder::Thin);
    let int_format = Format::new().set_border(FormatBorder::Thin);
    let rate_format = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format(NumFmt::Rate.excel());
    let score_format = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format(NumFmt::Score.excel());

    for (i, line) in layout.title.iter().enumerate() {
        sheet.write_string_with_format(i as u32, 0, line, &title_format)?;
    }
    let header_row = layout.title.len() as u32;
    let columns = grid.headers.len() as u16;
    for (c, header) in grid.headers.iter().enumerate() {
        sheet.write_string_with_format(header_row, c as u16, header, &header_format)?;
    }
    for (r, row) in grid.rows.iter().enumerate() {
        let r = header_row + 1 + r as u32;
        for (c, value) in row.iter().enumerate() {
            let c = c as u16;
            match value {
                Out::Empty => sheet.write_blank(r, c, &text_format)?,
                Out::Text(s) => sheet.write_string_with_format(r, c, s, &text_format)?,
                Out::Int(i) => sheet.write_number_with_format(r, c, *i as f64, &int_format)?,
                Out::Number(x, NumFmt::Rate) => {
                    sheet.write_number_with_format(r, c, *x, &rate_format)?
                }
                Out::Number(x, NumFmt::Score) => {
                    sheet.write_number_with_format(r, c, *x, &score_format)?
                }
            };
        }
    }
    for c in 0..grid.headers.len() {
        let header_width = UnicodeWidthStr::width(grid.headers[c].as_str());
        let widest = grid
            .rows
            .iter()
            .filter_map(|row| row.get(c))
            .map(Out::width)
            .max()
            .unwrap_or(0)
            .max(header_width);
        // Excel's width unit is one '0'; CJK glyphs take two. Margin for the filter button.
        sheet.set_column_width(c as u16, (widest as f64 + 3.0).clamp(6.0, 60.0))?;
    }
    if columns > 0 {
        let last_row = header_row + grid.rows.len() as u32;
        sheet.autofilter(header_row, 0, last_row, columns - 1)?;
    }
    sheet.set_freeze_panes(header_row + 1, 0)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(header_row, header_row)?;
    sheet.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
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
    fn widths_count_cjk_double() {
        assert_eq!(Out::text("县发改局").width(), 8);
        assert_eq!(Out::text("ab").width(), 2);
    }
}
