//! Ingestion: drop folder → sheets → staged tables, with every problem as a value.
//!
//! `discover` and `load_file` do IO; everything else here is pure.

pub mod cell;
pub mod discover;
pub mod header;
mod merges;
pub mod problem;
pub mod read;
pub mod schema;
pub mod stage;
mod xlsx;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use self::discover::InputFile;
use self::header::AliasTable;
use self::problem::{Origin, Problem, Severity};
use self::schema::Table;
use self::stage::{stage_sheet, SheetOutcome, SheetSource};
use crate::units::UnitResolver;

/// Everything learned from one input file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileOutcome {
    pub rel: String,
    pub size: u64,
    pub sha256: String,
    pub mtime: i64,
    pub sheets: Vec<SheetOutcome>,
    /// Problems with the file as a whole (unreadable, not a workbook).
    pub problems: Vec<Problem>,
}

/// How a file's sheets were classified and counted, for the manifest and `check`.
#[derive(Debug, Clone, Serialize)]
pub struct SheetSummary {
    pub sheet: String,
    pub table: Option<&'static str>,
    pub unit: Option<String>,
    pub rows_read: usize,
    pub rows_accepted: usize,
    pub rows_rejected: usize,
    pub rows_skipped: usize,
    /// The 填报日期 of the sheet's accepted rows (`first—last` when they differ).
    pub fill_date: Option<String>,
}

impl FileOutcome {
    /// How many staged rows the file has in each table, in `Table::ALL` order.
    pub fn staged_rows(&self) -> Vec<(Table, usize)> {
        Table::ALL
            .iter()
            .map(|table| {
                let rows = self
                    .sheets
                    .iter()
                    .filter_map(|s| s.staged.as_ref())
                    .filter(|s| s.table == *table)
                    .map(|s| s.excel_rows.len())
                    .sum();
                (*table, rows)
            })
            .collect()
    }

    pub fn summaries(&self) -> Vec<SheetSummary> {
        self.sheets
            .iter()
            .map(|s| SheetSummary {
                sheet: s.sheet.clone(),
                table: s.table.map(|t| t.label()),
                unit: s.unit.clone(),
                rows_read: s.counts.read,
                rows_accepted: s.counts.accepted,
                rows_rejected: s.counts.rejected,
                rows_skipped: s.counts.skipped,
                fill_date: s.fill_date.clone(),
            })
            .collect()
    }

    /// Every problem of the file and its sheets.
    pub fn all_problems(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .chain(self.sheets.iter().flat_map(|s| s.problems.iter()))
    }
}

/// What reading a file needs: the header aliases, the units, and the size cap.
#[derive(Debug, Clone)]
pub struct Ingest {
    pub aliases: AliasTable,
    pub units: UnitResolver,
    /// What reading one file may cost: bytes unpacked (decompression bombs) and cells per sheet.
    pub limits: read::Limits,
    /// The office's unit: a file in its folder may report anything (`None`: every folder may).
    pub office: Option<String>,
    /// Files outside every unit's folder are refused.
    pub unit_folders_required: bool,
}

impl Ingest {
    pub fn new(config: &crate::config::Config) -> Ingest {
        Ingest {
            aliases: AliasTable::new(&config.extra_header_aliases()),
            units: UnitResolver::new(config),
            limits: read::Limits {
                max_bytes: config.max_uncompressed_mb.saturating_mul(1 << 20),
                max_cells: config.max_cells_per_sheet,
            },
            office: config.office().map(str::to_string),
            unit_folders_required: config.unit_folders_required,
        }
    }

    /// Read one file from disk and stage it. Never fails: an unreadable file is a problem.
    pub fn load(&self, input: &InputFile) -> FileOutcome {
        match std::fs::read(&input.path) {
            Ok(bytes) => self.ingest_bytes(&bytes, content_hash(&bytes), input),
            Err(e) => self.unreadable(input, &e),
        }
    }

    /// The outcome of a file that could not be read from disk.
    pub fn unreadable(&self, input: &InputFile, error: &std::io::Error) -> FileOutcome {
        FileOutcome {
            rel: input.rel.clone(),
            size: input.size,
            sha256: String::new(),
            mtime: input.mtime,
            sheets: Vec::new(),
            problems: vec![file_problem(
                input,
                &self.units,
                format!("无法读取文件：{error}"),
            )],
        }
    }

    /// Stage the bytes of one file, whose content hash is `sha256`.
    pub fn ingest_bytes(&self, bytes: &[u8], sha256: String, input: &InputFile) -> FileOutcome {
        let extension = discover::extension_of(&input.path);
        let mut outcome = FileOutcome {
            rel: input.rel.clone(),
            size: bytes.len() as u64,
            sha256,
            mtime: input.mtime,
            sheets: Vec::new(),
            problems: Vec::new(),
        };
        let sheets = match read::read_sheets(bytes, &extension, self.limits) {
            Ok(sheets) => sheets,
            Err(reason) => {
                outcome
                    .problems
                    .push(file_problem(input, &self.units, reason));
                return outcome;
            }
        };
        let source = self.authority(sheet_source(input, &self.units));
        if sheets.iter().all(|s| {
            s.refused.is_none() && s.rows.iter().all(|r| r.iter().all(cell::Cell::is_blank))
        }) {
            let mut note = file_problem(input, &self.units, "工作簿没有任何内容".into());
            note.severity = Severity::Note;
            note.fix = "如需报送，请填写后重新报送".into();
            outcome.problems.push(note);
        }
        outcome.sheets = sheets
            .iter()
            .map(|sheet| stage_sheet(sheet, &source, &self.aliases, &self.units))
            .collect();
        outcome
    }
}

impl Ingest {
    /// What a file may speak for, from its folder (SPEC §1 "Who may report what").
    fn authority(&self, mut source: SheetSource) -> SheetSource {
        source.speaks_for = match &self.office {
            Some(office) => source.folder_unit.clone().filter(|unit| unit != office),
            None => None,
        };
        source.outside_unit_folders = self.unit_folders_required && source.folder_unit.is_none();
        source
    }
}

fn file_problem(input: &InputFile, units: &UnitResolver, reason: String) -> Problem {
    let source = sheet_source(input, units);
    let origin = Origin {
        unit: source.folder_unit.or(source.file_unit),
        file: input.rel.clone(),
        ..Origin::default()
    };
    origin.problem("", "", Severity::Rejected, reason, "请修正后重新报送")
}

/// What the path says: the nearest folder named after a unit, a unit and a month in the name.
pub fn sheet_source(input: &InputFile, units: &UnitResolver) -> SheetSource {
    let parts: Vec<&str> = input.rel.split('/').collect();
    let (folders, name) = parts.split_at(parts.len().saturating_sub(1));
    let folder_unit = folders
        .iter()
        .rev()
        .find_map(|f| units.resolve(f))
        .map(str::to_string);
    let file_name = name.first().copied().unwrap_or_default();
    SheetSource {
        file: input.rel.clone(),
        folder_unit,
        file_unit: units.find_in(file_name).map(str::to_string),
        file_month: month_in_name(file_name),
        mtime: input.mtime,
        speaks_for: None,
        outside_unit_folders: false,
    }
}

/// A month written in a file name: "2026年3月", "2026-03", "2026.3", "202603".
pub fn month_in_name(name: &str) -> Option<NaiveDate> {
    let chars: Vec<char> = name.chars().map(crate::text::to_half_width).collect();
    for start in 0..chars.len() {
        if !(chars[start] == '2' && chars.get(start + 1) == Some(&'0')) {
            continue;
        }
        if start > 0 && chars[start - 1].is_ascii_digit() {
            continue;
        }
        let year: String = chars[start..].iter().take(4).collect();
        let Ok(year) = year.parse::<i32>() else {
            continue;
        };
        let rest = &chars[(start + 4).min(chars.len())..];
        let (skip, month_digits) = match rest.first() {
            Some('年' | '-' | '.' | '_') => (
                1,
                rest[1..].iter().take_while(|c| c.is_ascii_digit()).count(),
            ),
            Some(c) if c.is_ascii_digit() => {
                (0, rest.iter().take_while(|c| c.is_ascii_digit()).count())
            }
            _ => continue,
        };
        if !(1..=2).contains(&month_digits) {
            continue;
        }
        let month: String = rest[skip..skip + month_digits].iter().collect();
        if let Some(d) = month
            .parse()
            .ok()
            .and_then(|m| NaiveDate::from_ymd_opt(year, m, 1))
        {
            return Some(d);
        }
    }
    None
}

/// The SHA-256 of a file's bytes, in hex: the archive's name for it and the cache's key.
pub fn content_hash(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_in_file_names() {
        let d = |y, m| NaiveDate::from_ymd_opt(y, m, 1);
        assert_eq!(
            month_in_name("丹朱镇重点项目台账（2026年3月）.xlsx"),
            d(2026, 3)
        );
        assert_eq!(month_in_name("台账2026-10.xlsx"), d(2026, 10));
        assert_eq!(month_in_name("台账202611.xlsx"), d(2026, 11));
        assert_eq!(month_in_name("挂牌督办事项台账.xlsx"), None);
        assert_eq!(month_in_name("2026年台账.xlsx"), None);
    }
}
