//! Turning file bytes into sheets of [`Cell`]s: the only place that knows file formats.
//!
//! A file that cannot be read gives a reason in Chinese, never a panic: calamine runs inside
//! `catch_unwind`, because malformed files have panicked it before.

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use calamine::{Data, Ods, Reader, Xls, Xlsx};

use super::cell::Cell;

/// One sheet's cells; `rows[0]` is Excel row `first_row + 1`, `rows[i][0]` column `first_col`.
#[derive(Debug, Clone, PartialEq)]
pub struct RawSheet {
    pub name: String,
    pub first_row: u32,
    pub first_col: u32,
    pub rows: Vec<Vec<Cell>>,
}

impl RawSheet {
    /// The row number Excel shows for `rows[index]`.
    pub fn excel_row(&self, index: usize) -> u32 {
        self.first_row + index as u32 + 1
    }
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
/// whose content would unpack to more than `max_bytes` is refused before it is parsed.
pub fn read_sheets(bytes: &[u8], extension: &str, max_bytes: u64) -> Result<Vec<RawSheet>, String> {
    let format = sniff(bytes, extension)?;
    let unpacked = match format {
        Format::Xlsx | Format::Ods => zip::ZipArchive::new(Cursor::new(bytes))
            .ok()
            .and_then(|z| z.decompressed_size())
            .map_or(bytes.len() as u64, |n| u64::try_from(n).unwrap_or(u64::MAX)),
        Format::Xls | Format::Csv => bytes.len() as u64,
    };
    if unpacked > max_bytes {
        return Err(format!(
            "文件解压后约 {} MB，超过上限 {} MB（配置项 max_uncompressed_mb）；请删除多余的空行、图片或拆分文件后再报送",
            unpacked.div_ceil(1 << 20),
            max_bytes >> 20
        ));
    }
    if format == Format::Csv {
        return read_csv(bytes).map(|sheet| vec![sheet]);
    }
    catch_unwind(AssertUnwindSafe(|| read_workbook(bytes, format))).unwrap_or_else(|_| {
        Err("文件内容损坏，读取时出错；请用 Excel 打开后另存为 .xlsx 再报送".into())
    })
}

fn sniff(bytes: &[u8], extension: &str) -> Result<Format, String> {
    if bytes.is_empty() {
        return Err("文件是空的（0 字节）；请重新导出后报送".into());
    }
    if extension == "csv" {
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

fn read_workbook(bytes: &[u8], format: Format) -> Result<Vec<RawSheet>, String> {
    let cursor = Cursor::new(bytes);
    match format {
        Format::Xlsx => sheets_of(Xlsx::new(cursor).map_err(|e| open_error(&e.to_string()))?),
        Format::Ods => sheets_of(Ods::new(cursor).map_err(|e| open_error(&e.to_string()))?),
        Format::Xls => sheets_of(Xls::new(cursor).map_err(|e| open_error(&e.to_string()))?),
        Format::Csv => unreachable!("CSV is read before"),
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

fn sheets_of<R, RS>(mut workbook: R) -> Result<Vec<RawSheet>, String>
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
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let rows = range
            .rows()
            .map(|row| row.iter().map(to_cell).collect())
            .collect();
        sheets.push(RawSheet {
            name,
            first_row,
            first_col,
            rows,
        });
    }
    Ok(sheets)
}

fn to_cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Float(x) => Cell::Number(*x),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(value) => Cell::Date(value.date()),
            None => Cell::Number(dt.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}

/// A CSV in UTF-8 (with or without BOM) or GB18030, as Excel in China saves it.
fn read_csv(bytes: &[u8]) -> Result<RawSheet, String> {
    let text = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
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
                        Cell::Text(s.to_string())
                    }
                })
                .collect(),
        );
    }
    Ok(RawSheet {
        name: "CSV".into(),
        first_row: 0,
        first_col: 0,
        rows,
    })
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
        let sheets = read_sheets(utf8.as_bytes(), "csv", u64::MAX).unwrap();
        assert_eq!(sheets[0].rows[1][0], Cell::Text("道路工程".into()));
        let (gb, _, _) = encoding_rs::GB18030.encode("项目名称,总投资\n道路工程,1200\n");
        let sheets = read_sheets(&gb, "csv", u64::MAX).unwrap();
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
        let err = read_sheets(&buffer, "xlsx", 2 << 20).unwrap_err();
        assert!(err.contains("超过上限 2 MB"), "{err}");
    }

    #[test]
    fn files_that_are_not_workbooks_say_what_they_are() {
        assert!(read_sheets(b"", "xlsx", u64::MAX)
            .unwrap_err()
            .contains("0 字节"));
        assert!(read_sheets(b"<html><table>", "xls", u64::MAX)
            .unwrap_err()
            .contains("网页或 XML"));
        assert!(read_sheets(b"hello world", "xlsx", u64::MAX)
            .unwrap_err()
            .contains("不是 Excel"));
        assert!(read_sheets(b"PK\x03\x04garbage", "xlsx", u64::MAX)
            .unwrap_err()
            .contains("无法打开工作簿"));
    }
}
