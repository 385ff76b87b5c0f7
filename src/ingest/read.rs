//! Turning file bytes into sheets of [`Cell`]s: the only place that knows file formats.
//!
//! A file that cannot be read gives a reason in Chinese, never a panic: calamine runs inside
//! `catch_unwind`, because malformed files have panicked it before. Memory follows the cells a
//! sheet really holds, not the range it declares: xlsx/xlsm are streamed cell by cell and only
//! non-blank cells kept; xls and ods, which calamine only gives as a dense range, are checked
//! against the cell budget before they are copied.

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use calamine::{Data, Dimensions, Ods, Reader, Xls, Xlsx};

use super::cell::Cell;
use super::{merges, xlsx};

/// One sheet's cells; `rows[0]` is Excel row `first_row + 1`, `rows[i][0]` column `first_col`.
/// Rows may differ in length: a row ends at its last non-blank cell.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawSheet {
    pub name: String,
    pub first_row: u32,
    pub first_col: u32,
    pub rows: Vec<Vec<Cell>>,
    /// Merged regions, 0-based absolute (row, column) corners, inclusive.
    pub merges: Vec<Merge>,
    /// Why the sheet's cells were not read (over the cell budget); `rows` is then empty.
    pub refused: Option<String>,
}

/// A merged region: only its top-left cell holds the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub start: (u32, u32),
    pub end: (u32, u32),
}

impl From<&Dimensions> for Merge {
    fn from(d: &Dimensions) -> Merge {
        Merge {
            start: d.start,
            end: d.end,
        }
    }
}

impl RawSheet {
    /// The row number Excel shows for `rows[index]`.
    pub fn excel_row(&self, index: usize) -> u32 {
        self.first_row + index as u32 + 1
    }

    /// The sheet with every merged region that starts below `rows[header]` and spans more than
    /// one row filled down its first column with its top-left value, over the rows the sheet has
    /// and the first `width` columns (offices merge 牵头责任单位, 填报单位, 报告期 or 所属板块 over
    /// a block of data rows). Across columns a merge is one value, not one per column: a note
    /// block or a 合计 label merged over the table's width stays a single cell per row.
    pub fn with_data_merges_filled(&self, header: usize, width: usize) -> Option<RawSheet> {
        let header_row = self.first_row as usize + header;
        let regions: Vec<&Merge> = self
            .merges
            .iter()
            .filter(|m| m.start.0 as usize > header_row && m.end.0 > m.start.0)
            .collect();
        if regions.is_empty() {
            return None;
        }
        let mut filled = self.clone();
        for merge in regions {
            let top = merge.start.0 as usize - self.first_row as usize;
            let Some(left) = (merge.start.1 as usize).checked_sub(self.first_col as usize) else {
                continue;
            };
            let value = match filled.rows.get(top).and_then(|r| r.get(left)) {
                Some(cell) if !cell.is_blank() => cell.clone(),
                _ => continue,
            };
            let bottom =
                (merge.end.0 as usize - self.first_row as usize).min(filled.rows.len() - 1);
            if left >= width {
                continue;
            }
            for row in &mut filled.rows[top..=bottom] {
                if row.len() <= left {
                    row.resize(left + 1, Cell::Empty);
                }
                if row[left].is_blank() {
                    row[left] = value.clone();
                }
            }
        }
        Some(filled)
    }
}

/// What reading a file may cost: bytes unpacked, and cells kept per sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A file whose content would unpack to more is refused before it is parsed.
    pub max_bytes: u64,
    /// A sheet whose cells (for xls/ods its declared range) number more is refused.
    pub max_cells: u64,
}

impl Limits {
    pub const NONE: Limits = Limits {
        max_bytes: u64::MAX,
        max_cells: u64::MAX,
    };
}

/// What the bytes of a file really are, whatever its extension says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Xlsx,
    Ods,
    Xls,
    Csv,
}

/// Read every sheet of a file. `extension` is the lower-cased extension without the dot; a file
/// whose content would unpack to more than `limits.max_bytes` is refused before it is parsed,
/// and a sheet over `limits.max_cells` comes back `refused`.
pub fn read_sheets(bytes: &[u8], extension: &str, limits: Limits) -> Result<Vec<RawSheet>, String> {
    let max_bytes = limits.max_bytes;
    let format = sniff(bytes, extension)?;
    // The package's directory, read once: for its unpacked size, then for merged regions.
    let package = match format {
        Format::Xlsx | Format::Ods => zip::ZipArchive::new(Cursor::new(bytes)).ok(),
        Format::Xls | Format::Csv => None,
    };
    let unpacked = package
        .as_ref()
        .and_then(|z| z.decompressed_size())
        .map_or(bytes.len() as u64, |n| u64::try_from(n).unwrap_or(u64::MAX));
    if unpacked > max_bytes {
        return Err(format!(
            "文件解压后约 {} MB，超过上限 {} MB（配置项 max_uncompressed_mb）；请删除多余的空行、图片或拆分文件后再报送",
            unpacked.div_ceil(1 << 20),
            max_bytes >> 20
        ));
    }
    if format == Format::Csv {
        return read_csv(bytes, extension).map(|sheet| vec![sheet]);
    }
    catch_unwind(AssertUnwindSafe(|| {
        read_workbook(bytes, package, format, limits)
    }))
    .unwrap_or_else(|_| {
        Err("文件内容损坏，读取时出错；请用 Excel 打开后另存为 .xlsx 再报送".into())
    })
}

fn sniff(bytes: &[u8], extension: &str) -> Result<Format, String> {
    if bytes.is_empty() {
        return Err("文件是空的（0 字节）；请重新导出后报送".into());
    }
    if extension == "csv" || extension == "txt" {
        return Ok(Format::Csv);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let is_ods = bytes
            .windows(39)
            .take(200)
            .any(|w| w == b"application/vnd.oasis.opendocument.spre");
        return Ok(if is_ods || extension == "ods" {
            Format::Ods
        } else {
            Format::Xlsx
        });
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // A password-protected .xlsx is an OLE container holding an "EncryptedPackage" stream.
        let encrypted: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        if bytes.windows(encrypted.len()).any(|w| w == encrypted) {
            return Err(PASSWORD.into());
        }
        return Ok(Format::Xls);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_lowercase();
    if head
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
    {
        return Err(format!(
            "文件扩展名为 .{extension}，但内容是网页或 XML 格式，不是真正的 Excel 工作簿；请在 Excel 中打开后“另存为” .xlsx 再报送"
        ));
    }
    Err(format!(
        "文件扩展名为 .{extension}，但内容不是 Excel/WPS/LibreOffice 工作簿；请确认文件无误后另存为 .xlsx 再报送"
    ))
}

/// A zip package over a file's bytes.
type Package<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

fn read_workbook(
    bytes: &[u8],
    mut package: Option<Package>,
    format: Format,
    limits: Limits,
) -> Result<Vec<RawSheet>, String> {
    let cursor = Cursor::new(bytes);
    let open = |e: &dyn std::fmt::Display| open_error(&e.to_string());
    match format {
        Format::Xlsx => {
            if let Some(Ok(sheets)) = package.as_mut().map(|p| xlsx::read_sheets(p, limits)) {
                return Ok(sheets);
            }
            streamed_sheets(package, Xlsx::new(cursor).map_err(|e| open(&e))?, limits)
        }
        Format::Ods => dense_sheets(Ods::new(cursor).map_err(|e| open(&e))?, limits, |_, _| {
            Vec::new()
        }),
        Format::Xls => dense_sheets(
            Xls::new(cursor).map_err(|e| open(&e))?,
            limits,
            |xls, name| {
                xls.merge_cells_by_sheet_name(name)
                    .map(|m| m.iter().map(Merge::from).collect())
                    .unwrap_or_default()
            },
        ),
        Format::Csv => Err("CSV 文件不是工作簿".into()),
    }
}

/// The message for a sheet over the cell budget.
fn over_budget(cells: u64, limits: Limits) -> String {
    format!(
        "工作表含约 {cells} 个单元格，超过上限 {}（配置项 max_cells_per_sheet），多为整列设置了格式或末尾留有空格；请删除多余的空行空列后另存再报送",
        limits.max_cells
    )
}

/// xlsx/xlsm, streamed: only non-blank cells are kept, so a sheet formatted down to row
/// 1,048,576 costs what its real cells cost.
pub(super) fn streamed_sheets<RS>(
    mut package: Option<Package>,
    mut workbook: Xlsx<RS>,
    limits: Limits,
) -> Result<Vec<RawSheet>, String>
where
    RS: std::io::Read + std::io::Seek,
{
    let names = workbook.sheet_names();
    let parts = package
        .as_mut()
        .and_then(xlsx::sheet_parts)
        .unwrap_or_default();
    let mut buffer = Vec::new();
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let unreadable = |e: &dyn std::fmt::Display| format!("工作表“{name}”无法读取（{e}）");
        let part = parts.iter().find(|(part_of, _)| *part_of == name);
        let found = package
            .as_mut()
            .zip(part)
            .and_then(|(package, (_, part))| merges::sheet_merges(package, part, &mut buffer));
        // A sheet whose merge list cannot be read is still read, without merges.
        let merges = found.unwrap_or_else(|| {
            workbook
                .merge_cells_by_sheet_name(&name)
                .map(|m| m.iter().map(Merge::from).collect())
                .unwrap_or_default()
        });
        let mut reader = workbook
            .worksheet_cells_reader(&name)
            .map_err(|e| unreadable(&e))?;
        let mut cells = SparseCells::new(limits);
        while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
            let (row, col) = cell.get_position();
            if !cells.keep(row, col, to_cell(Data::from(cell.get_value().clone()))) {
                break;
            }
        }
        drop(reader);
        sheets.push(cells.into_sheet(name, merges));
    }
    Ok(sheets)
}

/// The non-blank cells of a streamed sheet, in reading order, up to the cell budget.
#[derive(Debug)]
pub(super) struct SparseCells {
    cells: Vec<(u32, u32, Cell)>,
    limits: Limits,
    over_budget: bool,
}

impl SparseCells {
    pub(super) fn new(limits: Limits) -> SparseCells {
        SparseCells {
            cells: Vec::new(),
            limits,
            over_budget: false,
        }
    }

    /// Keeps a non-blank cell; false once the sheet is over the cell budget (it will be
    /// refused, so its other cells need not be read).
    pub(super) fn keep(&mut self, row: u32, col: u32, value: Cell) -> bool {
        if !value.is_blank() {
            self.cells.push((row, col, value));
            self.over_budget = self.cells.len() as u64 > self.limits.max_cells;
        }
        !self.over_budget
    }

    /// Rows from the first to the last non-blank row, each up to its last non-blank cell; a
    /// sheet over the budget, or whose shape would still hold more cells than the budget (one
    /// far-right cell in every row), is refused.
    pub(super) fn into_sheet(mut self, name: String, merges: Vec<Merge>) -> RawSheet {
        let limits = self.limits;
        if self.over_budget {
            return RawSheet {
                name,
                refused: Some(over_budget(self.cells.len() as u64, limits)),
                ..RawSheet::default()
            };
        }
        let (Some(first_row), Some(last_row), Some(first_col)) = (
            self.cells.iter().map(|c| c.0).min(),
            self.cells.iter().map(|c| c.0).max(),
            self.cells.iter().map(|c| c.1).min(),
        ) else {
            return RawSheet {
                name,
                merges,
                ..RawSheet::default()
            };
        };
        self.cells.sort_by_key(|c| (c.0, c.1));
        let height = (last_row - first_row) as usize + 1;
        let mut widths = vec![0usize; height];
        for (row, col, _) in &self.cells {
            let width = &mut widths[(row - first_row) as usize];
            *width = (*width).max((col - first_col) as usize + 1);
        }
        let stored = widths.iter().sum::<usize>() as u64 + height as u64;
        if stored > limits.max_cells {
            return RawSheet {
                name,
                refused: Some(over_budget(stored, limits)),
                ..RawSheet::default()
            };
        }
        let mut rows: Vec<Vec<Cell>> = widths.iter().map(|w| Vec::with_capacity(*w)).collect();
        for (row, col, value) in self.cells {
            let cells = &mut rows[(row - first_row) as usize];
            let at = (col - first_col) as usize;
            if cells.len() < at {
                cells.resize(at, Cell::Empty);
            }
            // A cell written twice at one position keeps its last value.
            if cells.len() > at {
                cells[at] = value;
            } else {
                cells.push(value);
            }
        }
        RawSheet {
            name,
            first_row,
            first_col,
            rows,
            merges,
            refused: None,
        }
    }
}

const PASSWORD: &str = "工作簿设置了打开密码，无法读取；请取消密码后再报送";

fn open_error(detail: &str) -> String {
    if detail.to_lowercase().contains("password") || detail.contains("encrypt") {
        PASSWORD.into()
    } else {
        format!("无法打开工作簿（{detail}）；请用 Excel 打开确认无误后另存为 .xlsx 再报送")
    }
}

/// xls and ods: calamine has already parsed each sheet into a dense range, whose declared size
/// is checked against the budget before its cells are copied.
fn dense_sheets<R, RS>(
    mut workbook: R,
    limits: Limits,
    merges_of: impl Fn(&R, &str) -> Vec<Merge>,
) -> Result<Vec<RawSheet>, String>
where
    R: Reader<RS>,
    RS: std::io::Read + std::io::Seek,
    R::Error: std::fmt::Display,
{
    let names = workbook.sheet_names();
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| format!("工作表“{name}”无法读取（{e}）"))?;
        let (height, width) = range.get_size();
        let declared = height as u64 * width as u64;
        if declared > limits.max_cells {
            sheets.push(RawSheet {
                name,
                refused: Some(over_budget(declared, limits)),
                ..RawSheet::default()
            });
            continue;
        }
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let rows = range
            .rows()
            .map(|row| row.iter().map(|data| to_cell(data.clone())).collect())
            .collect();
        let merges = merges_of(&workbook, &name);
        sheets.push(RawSheet {
            name,
            first_row,
            first_col,
            rows,
            merges,
            refused: None,
        });
    }
    Ok(sheets)
}

/// A calamine value as a cell; owned, so a text value moves without a copy.
pub(super) fn to_cell(data: Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.into()),
        Data::Float(x) => Cell::Number(x),
        Data::Int(i) => Cell::Number(i as f64),
        Data::Bool(b) => Cell::Bool(b),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(value) => Cell::Date(value.date()),
            None => Cell::Number(dt.as_f64()),
        },
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}

/// A CSV in UTF-8 (with or without BOM) or GB18030, as Excel in China saves it; or Excel's
/// "Unicode 文本" export, UTF-16 with a byte-order mark and tab-separated, saved as .csv or
/// .txt (a .txt file is always read as tab-separated).
fn read_csv(bytes: &[u8], extension: &str) -> Result<RawSheet, String> {
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    let text = decode_text(bytes);
    let delimiter = if tab_separated(&text, utf16 || extension == "txt") {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("CSV 格式有误（{e}）"))?;
        rows.push(
            record
                .iter()
                .map(|s| {
                    if s.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(s.into())
                    }
                })
                .collect(),
        );
    }
    Ok(RawSheet {
        name: "CSV".into(),
        rows,
        ..RawSheet::default()
    })
}

/// Whether a text table is tab-separated, by its first line: tabs and no commas, or tabs at
/// all in an export that is usually tab-separated (UTF-16 "Unicode 文本", .txt).
fn tab_separated(text: &str, usually_tabs: bool) -> bool {
    let first = text.lines().next().unwrap_or_default();
    let (tabs, commas) = (first.contains('\t'), first.contains(','));
    (tabs && (!commas || usually_tabs)) || (usually_tabs && !commas)
}

fn decode_text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8_lossy(rest).into_owned();
    }
    // "Unicode text" from some tools is UTF-16 with a byte-order mark.
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return encoding_rs::UTF_16LE
            .decode_without_bom_handling(rest)
            .0
            .into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return encoding_rs::UTF_16BE
            .decode_without_bom_handling(rest)
            .0
            .into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_utf8_bom_and_gb18030() {
        let utf8 = "\u{feff}项目名称,总投资\n道路工程,1200\n";
        let sheets = read_sheets(utf8.as_bytes(), "csv", Limits::NONE).unwrap();
        assert_eq!(sheets[0].rows[1][0], Cell::Text("道路工程".into()));
        let (gb, _, _) = encoding_rs::GB18030.encode("项目名称,总投资\n道路工程,1200\n");
        let sheets = read_sheets(&gb, "csv", Limits::NONE).unwrap();
        assert_eq!(sheets[0].rows[0][0], Cell::Text("项目名称".into()));
        assert_eq!(sheets[0].rows[1][1], Cell::Text("1200".into()));
    }

    #[test]
    fn content_over_the_cap_is_refused_before_parsing() {
        let mut buffer = Vec::new();
        {
            let mut zip = zip::ZipWriter::new(Cursor::new(&mut buffer));
            zip.start_file(
                "xl/worksheets/sheet1.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            std::io::Write::write_all(&mut zip, &vec![b' '; 3 << 20]).unwrap();
            zip.finish().unwrap();
        }
        let limits = Limits {
            max_bytes: 2 << 20,
            max_cells: u64::MAX,
        };
        let err = read_sheets(&buffer, "xlsx", limits).unwrap_err();
        assert!(err.contains("超过上限 2 MB"), "{err}");
    }

    #[test]
    fn files_that_are_not_workbooks_say_what_they_are() {
        assert!(read_sheets(b"", "xlsx", Limits::NONE)
            .unwrap_err()
            .contains("0 字节"));
        assert!(read_sheets(b"<html><table>", "xls", Limits::NONE)
            .unwrap_err()
            .contains("网页或 XML"));
        assert!(read_sheets(b"hello world", "xlsx", Limits::NONE)
            .unwrap_err()
            .contains("不是 Excel"));
        assert!(read_sheets(b"PK\x03\x04garbage", "xlsx", Limits::NONE)
            .unwrap_err()
            .contains("无法打开工作簿"));
    }

    /// An xlsx of `rows` text rows from A1, then whatever `tail` writes.
    fn xlsx(rows: &[&[&str]], tail: impl Fn(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *value).unwrap();
            }
        }
        tail(sheet);
        workbook.save_to_buffer().unwrap()
    }

    const LAST_ROW: u32 = 1_048_575;
    const ZZ: u16 = 701;

    #[test]
    fn a_declared_range_to_zz1048576_costs_only_the_real_cells() {
        let rows: &[&[&str]] = &[&["项目名称", "总投资"], &["甲", "1"], &["乙", "2"]];
        let styled = xlsx(rows, |sheet| {
            let format = rust_xlsxwriter::Format::new().set_bold();
            sheet.write_blank(LAST_ROW, ZZ, &format).unwrap();
        });
        let spaced = xlsx(rows, |sheet| {
            sheet.write_string(LAST_ROW, ZZ, " ").unwrap();
        });
        for bytes in [styled, spaced] {
            let sheets = read_sheets(&bytes, "xlsx", Limits::NONE).unwrap();
            let sheet = &sheets[0];
            assert_eq!(sheet.refused, None);
            assert_eq!(sheet.rows.len(), 3);
            assert!(sheet.rows.iter().all(|r| r.len() == 2));
            assert_eq!(sheet.rows[2][0], Cell::Text("乙".into()));
        }
    }

    #[test]
    fn sheets_over_the_cell_budget_are_refused() {
        let limits = Limits {
            max_bytes: u64::MAX,
            max_cells: 5,
        };
        // Six real cells.
        let many = xlsx(&[&["a", "b", "c"], &["d", "e", "f"]], |_| {});
        let refused = read_sheets(&many, "xlsx", limits).unwrap();
        assert!(refused[0]
            .refused
            .as_deref()
            .unwrap()
            .contains("删除多余的空行空列"));
        // Two real cells, but one far right in each row would still need many.
        let wide = xlsx(&[&["a"]], |sheet| {
            sheet.write_string(1, ZZ, "x").unwrap();
        });
        assert!(read_sheets(&wide, "xlsx", limits).unwrap()[0]
            .refused
            .is_some());
    }

    #[test]
    fn merged_regions_come_with_the_sheet_and_fill_data_rows() {
        let bytes = xlsx(
            &[&["项目名称", "牵头责任单位"], &["甲", ""], &["乙", ""]],
            |sheet| {
                let plain = rust_xlsxwriter::Format::new();
                sheet.merge_range(1, 1, 2, 1, "丹朱镇", &plain).unwrap();
                // A note merged across the table's width, over two rows.
                sheet
                    .merge_range(3, 0, 4, 1, "填表说明：单位为万元", &plain)
                    .unwrap();
            },
        );
        let sheets = read_sheets(&bytes, "xlsx", Limits::NONE).unwrap();
        let sheet = &sheets[0];
        assert_eq!(
            sheet.merges[0],
            Merge {
                start: (1, 1),
                end: (2, 1)
            }
        );
        let filled = sheet.with_data_merges_filled(0, 2).unwrap();
        assert_eq!(filled.rows[2][1], Cell::Text("丹朱镇".into()));
        // The note stays one cell in its row, a note line; the rows end with the sheet's.
        let note = Cell::Text("填表说明：单位为万元".into());
        assert_eq!(filled.rows[3], vec![note]);
        assert_eq!(filled.rows.len(), 4);
        // A merge that starts in the header rows is left alone.
        let from_row_1 = sheet.with_data_merges_filled(1, 2).unwrap();
        assert_eq!(from_row_1.rows[2].get(1), None);
        assert_eq!(sheet.with_data_merges_filled(3, 2), None);
    }

    #[test]
    fn unicode_text_export_is_tab_separated_utf16() {
        let text = "项目名称\t总投资\r\n道路工程,一期\t1200\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        for extension in ["csv", "txt"] {
            let sheets = read_sheets(&bytes, extension, Limits::NONE).unwrap();
            assert_eq!(sheets[0].rows[0][1], Cell::Text("总投资".into()));
            assert_eq!(sheets[0].rows[1][0], Cell::Text("道路工程,一期".into()));
            assert_eq!(sheets[0].rows[1][1], Cell::Text("1200".into()));
        }
    }
}
