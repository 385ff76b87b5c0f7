//! Writing workbooks the way an office formats them: a merged bold title, plain info lines,
//! bold bordered headers, bordered data, column widths that fit Chinese text; and a fixed
//! creation time so the bytes depend only on the content.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
};

use super::days;
use super::PlantedProblem;

/// One cell as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A real Excel date: a serial number with the sheet's date format.
    Date(NaiveDate),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    /// The value as a person reads it (an Excel date as YYYY-MM-DD).
    pub fn shown(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(x) => format!("{x}"),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// Display width in character cells: CJK and full-width characters take two.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
        .sum()
}

const FONT: &str = "宋体";

/// A worksheet being filled, remembering how wide each column's content is.
pub struct SheetBuilder {
    sheet: Worksheet,
    widths: Vec<usize>,
    title: Format,
    info: Format,
    header: Format,
    data: Format,
    date: Format,
    note: Format,
}

impl SheetBuilder {
    /// `date_format` is the number format of real date cells (e.g. `yyyy-mm-dd`).
    pub fn new(name: &str, date_format: &str) -> anyhow::Result<SheetBuilder> {
        let mut sheet = Worksheet::new();
        sheet.set_name(name)?;
        let base = Format::new().set_font_name(FONT).set_font_size(11);
        let data = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Ok(SheetBuilder {
            sheet,
            widths: Vec::new(),
            title: base
                .clone()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            info: base.clone(),
            header: data
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xDDEBF7)),
            date: data.clone().set_num_format(date_format),
            data,
            note: base.set_align(FormatAlign::Left),
        })
    }

    /// A title merged across `columns` columns.
    pub fn title(&mut self, row: u32, text: &str, columns: u16) -> anyhow::Result<()> {
        let last = columns.saturating_sub(1).max(1);
        self.sheet
            .merge_range(row, 0, row, last, text, &self.title)?;
        self.sheet.set_row_height(row, 30)?;
        Ok(())
    }

    /// A plain text cell above the table ("填报单位：…").
    pub fn info(&mut self, row: u32, column: u16, text: &str) -> anyhow::Result<()> {
        self.sheet
            .write_string_with_format(row, column, text, &self.info)?;
        Ok(())
    }

    pub fn header(&mut self, row: u32, headers: &[String]) -> anyhow::Result<()> {
        let mut tall = false;
        for (column, text) in headers.iter().enumerate() {
            let column = column_number(column)?;
            self.sheet
                .write_string_with_format(row, column, text, &self.header)?;
            let widest = text.split('\n').map(display_width).max().unwrap_or(0);
            self.widen(column, widest);
            tall |= text.contains('\n');
        }
        self.sheet.set_row_height(row, if tall { 36 } else { 24 })?;
        Ok(())
    }

    pub fn row(&mut self, row: u32, cells: &[Cell]) -> anyhow::Result<()> {
        for (column, cell) in cells.iter().enumerate() {
            let column = column_number(column)?;
            match cell {
                Cell::Empty => {
                    self.sheet.write_blank(row, column, &self.data)?;
                }
                Cell::Text(s) => {
                    self.sheet
                        .write_string_with_format(row, column, s, &self.data)?;
                }
                Cell::Number(x) => {
                    self.sheet
                        .write_number_with_format(row, column, *x, &self.data)?;
                }
                Cell::Date(d) => {
                    self.sheet.write_number_with_format(
                        row,
                        column,
                        days::excel_serial(*d),
                        &self.date,
                    )?;
                }
            }
            let width = match cell {
                Cell::Date(_) => 11,
                other => display_width(&other.shown()),
            };
            self.widen(column, width);
        }
        Ok(())
    }

    /// A note below the table, merged across `columns` columns ("填表说明：…").
    pub fn note(&mut self, row: u32, text: &str, columns: u16) -> anyhow::Result<()> {
        let last = columns.saturating_sub(1).max(1);
        self.sheet
            .merge_range(row, 0, row, last, text, &self.note)?;
        Ok(())
    }

    /// Applies the column widths (and freezes the rows above `first_data_row`).
    pub fn finish(mut self, first_data_row: u32) -> anyhow::Result<Worksheet> {
        for (column, width) in self.widths.iter().enumerate() {
            let chars = (*width + 2).clamp(6, 42);
            self.sheet
                .set_column_width(column_number(column)?, chars as f64)?;
        }
        self.sheet.set_freeze_panes(first_data_row, 0)?;
        Ok(self.sheet)
    }

    fn widen(&mut self, column: u16, width: usize) {
        let column = usize::from(column);
        if self.widths.len() <= column {
            self.widths.resize(column + 1, 0);
        }
        self.widths[column] = self.widths[column].max(width);
    }
}

fn column_number(index: usize) -> anyhow::Result<u16> {
    u16::try_from(index).context("too many columns")
}

/// Sheet row numbers as Excel shows them (1-based) for a 0-based row index.
pub fn excel_row(index: u32) -> u32 {
    index + 1
}

/// Collects what was written under the output folder.
pub struct Output {
    root: PathBuf,
    files: Vec<String>,
    planted: Vec<PlantedProblem>,
}

impl Output {
    pub fn new(root: &Path) -> Output {
        Output {
            root: root.to_path_buf(),
            files: Vec::new(),
            planted: Vec::new(),
        }
    }

    /// Saves a workbook at `relative` ('/'-separated), created "by" `author` on `created`.
    pub fn save(
        &mut self,
        relative: &str,
        sheets: Vec<Worksheet>,
        author: &str,
        created: NaiveDate,
    ) -> anyhow::Result<()> {
        let path = relative
            .split('/')
            .fold(self.root.clone(), |path, part| path.join(part));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        let mut workbook = Workbook::new();
        for sheet in sheets {
            workbook.push_worksheet(sheet);
        }
        let when = ExcelDateTime::from_ymd(
            u16::try_from(created.year()).context("year out of range")?,
            created.month() as u8,
            created.day() as u8,
        )?
        .and_hms(9, 0, 0)?;
        let properties = DocProperties::new()
            .set_author(author)
            .set_company(author)
            .set_creation_datetime(&when);
        workbook.set_properties(&properties);
        // Fast compression: a night of test sets is thousands of workbooks.
        workbook.set_zip_compression_level(1);
        workbook
            .save(&path)
            .with_context(|| format!("writing {}", path.display()))?;
        self.files.push(relative.to_string());
        Ok(())
    }

    pub fn plant(&mut self, problem: PlantedProblem) {
        self.planted.push(problem);
    }

    /// The files written and the problems planted, both sorted.
    pub fn finish(mut self) -> (Vec<String>, Vec<PlantedProblem>) {
        self.files.sort();
        self.planted.sort_by(|a, b| {
            (&a.file, &a.sheet, a.row, &a.column).cmp(&(&b.file, &b.sheet, b.row, &b.column))
        });
        (self.files, self.planted)
    }
}
