//! Staging: one raw sheet → typed columns of one table, plus its problems and row accounting.
//! Renames, trims and casts; never joins. Pure: the file's facts come in as a [`SheetSource`].

use chrono::NaiveDate;

use super::cell::{self, Cell, DateRole};
use super::header::{find_header, read_meta, AliasTable, HeaderMatch, MappedColumn};
use super::problem::{Origin, Problem, Severity};
use super::read::RawSheet;
use super::schema::{enum_value, ColumnDef, Kind, Required, Table};
use crate::ingest::schema::field::{
    FILL_DATE, NOTICE_NO, PROJECT_CODE, PROJECT_NAME, REPORT_MONTH, SUBMITTER, TARGET_UNIT, TASK_NO,
};
use crate::text::{fold, folded};
use crate::units::UnitResolver;

/// What is known about a sheet from outside its cells.
#[derive(Debug, Clone, Default)]
pub struct SheetSource {
    /// Path relative to the inputs folder, with `/`.
    pub file: String,
    /// The nearest enclosing folder named after a configured unit.
    pub folder_unit: Option<String>,
    /// A configured unit named in the file name.
    pub file_unit: Option<String>,
    /// A month named in the file name ("（2026年3月）").
    pub file_month: Option<NaiveDate>,
    /// Modification time, seconds since the epoch (the last tie-break between ledgers).
    pub mtime: i64,
    /// The unit whose folder holds the file, when that unit is not the office: the file speaks
    /// for it alone (SPEC §1 "Who may report what").
    pub speaks_for: Option<String>,
    /// The file lies outside every unit's folder while `unit_folders_required` is set.
    pub outside_unit_folders: bool,
}

/// A typed value of one cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
}

/// One column of accepted rows.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnValues {
    Text(Vec<Option<String>>),
    Number(Vec<Option<f64>>),
    Date(Vec<Option<NaiveDate>>),
    Bool(Vec<Option<bool>>),
}

impl ColumnValues {
    /// An empty column of the type `kind` parses into.
    pub fn for_kind(kind: Kind) -> ColumnValues {
        match kind {
            Kind::Text | Kind::Unit | Kind::UnitList | Kind::Enum(_) => {
                ColumnValues::Text(Vec::new())
            }
            Kind::Money => ColumnValues::Number(Vec::new()),
            Kind::DatePlanned | Kind::DateActual | Kind::Month => ColumnValues::Date(Vec::new()),
            Kind::YesNo => ColumnValues::Bool(Vec::new()),
        }
    }

    fn push(&mut self, value: Option<Value>) {
        match (self, value) {
            (ColumnValues::Text(v), Some(Value::Text(s))) => v.push(Some(s)),
            (ColumnValues::Number(v), Some(Value::Number(x))) => v.push(Some(x)),
            (ColumnValues::Date(v), Some(Value::Date(d))) => v.push(Some(d)),
            (ColumnValues::Bool(v), Some(Value::Bool(b))) => v.push(Some(b)),
            (ColumnValues::Text(v), _) => v.push(None),
            (ColumnValues::Number(v), _) => v.push(None),
            (ColumnValues::Date(v), _) => v.push(None),
            (ColumnValues::Bool(v), _) => v.push(None),
        }
    }
}

/// The accepted rows of one sheet, column by column in the order of `table.columns()`.
#[derive(Debug, Clone, PartialEq)]
pub struct StagedSheet {
    pub table: Table,
    pub file: String,
    pub sheet: String,
    pub mtime: i64,
    pub excel_rows: Vec<u32>,
    pub columns: Vec<ColumnValues>,
}

/// Rows read = accepted + rejected + skipped (blank rows and total rows).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SheetCounts {
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub skipped: usize,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SheetOutcome {
    pub sheet: String,
    /// `None` when the sheet matches no table.
    pub table: Option<Table>,
    /// The submitting unit written for the sheet as a whole, when there is one.
    pub unit: Option<String>,
    pub counts: SheetCounts,
    /// The 填报日期 of the accepted rows: `YYYY-MM-DD`, or `first—last` when they differ.
    #[serde(default)]
    pub fill_date: Option<String>,
    /// The accepted rows, until they move into the run's tables (never cached as such).
    #[serde(skip)]
    pub staged: Option<StagedSheet>,
    pub problems: Vec<Problem>,
}

/// First cells that begin the notes below a table.
const NOTE_PREFIXES: [&str; 10] = [
    "填表说明",
    "说明",
    "注:",
    "注：",
    "备注:",
    "填报人",
    "审核人",
    "联系电话",
    "制表",
    "负责人",
];
const TOTAL_MARKERS: [&str; 4] = ["合计", "总计", "小计", "全县合计"];
/// Problems listed one by one per sheet; beyond this a sheet is broken throughout and one note
/// says how many more there are (keeps memory bounded on a million-row sheet).
const MAX_PROBLEMS_PER_SHEET: usize = 2_000;
/// Marks the example row of a template; such a row is skipped.
pub const EXAMPLE_MARK: &str = "【示例】";

/// Stage one sheet: find its header, resolve its unit and month, parse and check every row.
pub fn stage_sheet(
    sheet: &RawSheet,
    source: &SheetSource,
    aliases: &AliasTable,
    units: &UnitResolver,
) -> SheetOutcome {
    let mut outcome = SheetOutcome {
        sheet: sheet.name.clone(),
        table: None,
        unit: None,
        counts: SheetCounts::default(),
        fill_date: None,
        staged: None,
        problems: Vec::new(),
    };
    let at_sheet = |unit: Option<String>| Origin {
        unit,
        file: source.file.clone(),
        sheet: sheet.name.clone(),
        row: None,
    };
    let header = match recognised(sheet, source, aliases, at_sheet) {
        Recognised::Header(header) => header,
        Recognised::Blank => return outcome,
        Recognised::NotRead(problem) => {
            outcome.problems.push(problem);
            return outcome;
        }
    };
    outcome.table = Some(header.table);
    // A value merged over a block of data rows applies to every row of the block.
    let width = header
        .columns
        .iter()
        .map(|c| c.index + 1)
        .max()
        .unwrap_or(0);
    let filled = sheet.with_data_merges_filled(header.row, width);
    let sheet = filled.as_ref().unwrap_or(sheet);

    let meta = read_meta(&sheet.rows[..header.row]);
    let (sheet_unit, defaults) = sheet_defaults(
        &meta,
        &header,
        source,
        units,
        at_sheet,
        &mut outcome.problems,
    );
    outcome.unit = sheet_unit;
    let Some(defaults) = defaults else {
        count_rejected_rows(sheet, &header, &mut outcome.counts);
        return outcome;
    };
    let staged = stage_rows(sheet, &header, &defaults, source, units, &mut outcome);
    outcome.problems.extend(repeated_numbers(&staged, source));
    outcome.fill_date = fill_date_span(&staged);
    outcome.staged = Some(staged);
    outcome
}

/// What a sheet is, before its rows are read.
enum Recognised {
    Header(HeaderMatch),
    /// Nothing in it: no problem.
    Blank,
    /// Not read, and why.
    NotRead(Problem),
}

/// The sheet's header, or why the sheet is not read.
fn recognised(
    sheet: &RawSheet,
    source: &SheetSource,
    aliases: &AliasTable,
    at_sheet: impl Fn(Option<String>) -> Origin,
) -> Recognised {
    let named_unit = || source.folder_unit.clone().or(source.file_unit.clone());
    if let Some(reason) = &sheet.refused {
        return Recognised::NotRead(at_sheet(named_unit()).problem(
            "",
            "",
            Severity::Rejected,
            reason.as_str(),
            "删除多余的空行空列（选中多余的行列后“删除”，而不是清除内容）后另存再报送",
        ));
    }
    if sheet.rows.iter().all(|r| r.iter().all(Cell::is_blank)) {
        return Recognised::Blank;
    }
    if source.outside_unit_folders {
        return Recognised::NotRead(at_sheet(source.file_unit.clone()).problem(
            "",
            "",
            Severity::Rejected,
            format!(
                "{}文件不在任何单位的文件夹中（已启用 unit_folders_required，每个单位只能报送到本单位的文件夹）",
                super::problem::OVERREACH
            ),
            "请放入本单位的文件夹后重新报送",
        ));
    }
    match find_header(sheet, aliases) {
        Some(header) => Recognised::Header(header),
        None => Recognised::NotRead(at_sheet(named_unit()).problem(
            "",
            "",
            Severity::Note,
            format!(
                "未找到表头，无法识别为{}中的任何一种表",
                Table::labels("、")
            ),
            "如该表需要报送，请使用 keyproj template 生成的模板表头",
        )),
    }
}

/// The sheet's unit, and the unit, month and 填报日期 every row takes unless it says otherwise;
/// `None` when no row of the sheet is read. The sheet-level problems go to `problems`.
fn sheet_defaults(
    meta: &super::header::SheetMeta,
    header: &HeaderMatch,
    source: &SheetSource,
    units: &UnitResolver,
    at_sheet: impl Fn(Option<String>) -> Origin,
    problems: &mut Vec<Problem>,
) -> (Option<String>, Option<RowDefaults>) {
    let meta_unit = meta.unit.as_deref().map(|u| (u, units.resolve(u)));
    let sheet_unit: Option<String> = match meta_unit {
        Some((_, Some(unit))) => Some(unit.to_string()),
        _ => source.folder_unit.clone().or(source.file_unit.clone()),
    };
    if let (Some(owner), Some(unit)) = (&source.speaks_for, &sheet_unit) {
        if owner != unit {
            problems.push(at_sheet(Some(owner.clone())).problem(
                "填报单位",
                "",
                Severity::Rejected,
                foreign_submitter(owner, unit),
                FOREIGN_SUBMITTER_FIX,
            ));
            return (sheet_unit, None);
        }
    }
    if !header.missing.is_empty() {
        let missing = header.missing.join("、");
        problems.push(at_sheet(sheet_unit.clone()).problem(
            &missing,
            "",
            Severity::Rejected,
            format!("识别为{}，但缺少必填列：{missing}", header.table.label()),
            "请补上这些列（列名可用模板中的名称）后重新报送",
        ));
        return (sheet_unit, None);
    }
    if !header.unknown.is_empty() {
        let unknown = header.unknown.join("、");
        problems.push(at_sheet(sheet_unit.clone()).problem(
            &unknown,
            "",
            Severity::Note,
            format!("这些列不属于{}，未读取", header.table.label()),
            "无需处理；如其中有应读取的内容，请改用模板中的列名",
        ));
    }
    let has_unit_column = header.columns.iter().any(|c| c.def.field == SUBMITTER);
    if sheet_unit.is_none() && !has_unit_column {
        let found = meta.unit.clone().unwrap_or_default();
        problems.push(at_sheet(None).problem(
            "填报单位",
            &found,
            Severity::Rejected,
            if found.is_empty() {
                "无法确定填报单位：表中没有“填报单位”列或“填报单位：”行，所在文件夹和文件名也不含已配置的单位名称"
            } else {
                "填报单位不是已配置的单位"
            },
            "请在表头上方写明“填报单位：单位全称”，或把文件放入以单位命名的文件夹",
        ));
        return (sheet_unit, None);
    }
    let month = meta
        .month
        .as_deref()
        .and_then(|m| cell::parse_month(&Cell::Text(m.into())).ok().flatten())
        .or(source.file_month);
    let fill_date = meta.fill_date.as_deref().and_then(|d| {
        cell::parse_date(&Cell::Text(d.into()), DateRole::Actual)
            .ok()
            .flatten()
            .map(|p| p.value)
    });
    let defaults = RowDefaults {
        unit: sheet_unit.clone(),
        month,
        fill_date,
    };
    (sheet_unit, Some(defaults))
}

/// Parse and check every data row below the header: accepted rows go into the staged sheet,
/// every row is counted, and the rows' problems (up to `MAX_PROBLEMS_PER_SHEET`) are listed.
fn stage_rows(
    sheet: &RawSheet,
    header: &HeaderMatch,
    defaults: &RowDefaults,
    source: &SheetSource,
    units: &UnitResolver,
    outcome: &mut SheetOutcome,
) -> StagedSheet {
    let table = header.table;
    let mut staged = StagedSheet {
        table,
        file: source.file.clone(),
        sheet: sheet.name.clone(),
        mtime: source.mtime,
        excel_rows: Vec::new(),
        columns: table
            .columns()
            .iter()
            .map(|c| ColumnValues::for_kind(c.kind))
            .collect(),
    };
    let mut skipped_totals = Vec::new();
    let mut unlisted = 0usize;
    for (index, row) in sheet.rows.iter().enumerate().skip(header.row + 1) {
        if row.iter().all(Cell::is_blank) {
            outcome.counts.read += 1;
            outcome.counts.skipped += 1;
            continue;
        }
        if is_note_line(row) {
            break;
        }
        outcome.counts.read += 1;
        let excel_row = sheet.excel_row(index);
        if is_example_row(row) {
            outcome.counts.skipped += 1;
            continue;
        }
        if is_total_row(row, header) {
            outcome.counts.skipped += 1;
            skipped_totals.push(excel_row);
            continue;
        }
        let mut parsed = parse_row(row, header, defaults, units);
        // A row's own 填报单位 must be the folder's unit too.
        if let (Some(owner), Some(unit)) = (&source.speaks_for, &parsed.unit) {
            if owner != unit {
                parsed.issues.push(RowIssue {
                    column: "填报单位".into(),
                    value: unit.clone(),
                    severity: Severity::Rejected,
                    reason: foreign_submitter(owner, unit),
                    fix: FOREIGN_SUBMITTER_FIX.into(),
                });
                parsed.unit = Some(owner.clone());
            }
        }
        let origin = Origin {
            unit: parsed.unit.clone(),
            file: source.file.clone(),
            sheet: sheet.name.clone(),
            row: Some(excel_row),
        };
        for issue in &parsed.issues {
            if outcome.problems.len() >= MAX_PROBLEMS_PER_SHEET {
                unlisted += 1;
                continue;
            }
            outcome.problems.push(origin.problem(
                &issue.column,
                &issue.value,
                issue.severity,
                issue.reason.as_str(),
                issue.fix.as_str(),
            ));
        }
        if parsed
            .issues
            .iter()
            .any(|i| i.severity == Severity::Rejected)
        {
            outcome.counts.rejected += 1;
            continue;
        }
        outcome.counts.accepted += 1;
        staged.excel_rows.push(excel_row);
        for (column, value) in staged.columns.iter_mut().zip(parsed.values) {
            column.push(value);
        }
    }
    outcome.problems.extend(sheet_notes(
        Origin {
            unit: defaults.unit.clone(),
            file: source.file.clone(),
            sheet: sheet.name.clone(),
            row: None,
        },
        table,
        &outcome.counts,
        unlisted,
        &skipped_totals,
    ));
    staged
}

/// The notes on a whole sheet after its rows: problems not listed one by one, no data rows,
/// total rows skipped.
fn sheet_notes(
    at_sheet: Origin,
    table: Table,
    counts: &SheetCounts,
    unlisted: usize,
    skipped_totals: &[u32],
) -> Vec<Problem> {
    let mut notes = Vec::new();
    let sheet_note =
        |reason: String, fix: &str| at_sheet.problem("", "", Severity::Note, reason, fix);
    if unlisted > 0 {
        notes.push(sheet_note(
            format!("本表问题过多，另有 {unlisted} 处问题未逐一列出（行数统计仍完整）"),
            "请先改正已列出的问题，重新报送后再看其余问题",
        ));
    }
    if counts.accepted + counts.rejected == 0 {
        notes.push(sheet_note(
            format!("识别为{}，但只有表头，没有数据行", table.label()),
            "如本月有数据，请填写后重新报送",
        ));
    }
    if !skipped_totals.is_empty() {
        let rows: Vec<String> = skipped_totals.iter().map(u32::to_string).collect();
        notes.push(sheet_note(
            format!("第{}行是合计行，未作为数据读取", rows.join("、")),
            "无需处理",
        ));
    }
    notes
}

/// The span of 填报日期 the accepted rows carry, for the manifest.
fn fill_date_span(staged: &StagedSheet) -> Option<String> {
    let index = staged
        .table
        .columns()
        .iter()
        .position(|c| c.field == FILL_DATE)?;
    let ColumnValues::Date(dates) = staged.columns.get(index)? else {
        return None;
    };
    let (first, last) = (dates.iter().flatten().min()?, dates.iter().flatten().max()?);
    let day = |d: &NaiveDate| d.format("%Y-%m-%d").to_string();
    Some(if first == last {
        day(first)
    } else {
        format!("{}—{}", day(first), day(last))
    })
}

/// A warning for each 编号 that one sheet of notices or tasks lists more than once, on every row
/// but the last (the last is the one used, SPEC §1).
fn repeated_numbers(staged: &StagedSheet, source: &SheetSource) -> Vec<Problem> {
    let (key, label, unit) = match staged.table {
        Table::Notices => (NOTICE_NO, "通知书编号", TARGET_UNIT),
        Table::Tasks => (TASK_NO, "任务编号", "unit"),
        _ => return Vec::new(),
    };
    let columns = staged.table.columns();
    let text_column = |field| match slot(columns, field).map(|i| &staged.columns[i]) {
        Some(ColumnValues::Text(values)) => Some(values),
        _ => None,
    };
    let (Some(numbers), Some(units)) = (text_column(key), text_column(unit)) else {
        return Vec::new();
    };
    let mut rows_of: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (i, number) in numbers.iter().enumerate() {
        if let Some(number) = number {
            rows_of.entry(number).or_default().push(i);
        }
    }
    let mut warnings = Vec::new();
    for (number, at) in rows_of.into_iter().filter(|(_, at)| at.len() > 1) {
        let excel_rows: Vec<String> = at
            .iter()
            .map(|i| staged.excel_rows[*i].to_string())
            .collect();
        let last = at.last().map_or(0, |i| staged.excel_rows[*i]);
        for i in &at[..at.len() - 1] {
            let origin = Origin {
                unit: units[*i].clone(),
                file: source.file.clone(),
                sheet: staged.sheet.clone(),
                row: Some(staged.excel_rows[*i]),
            };
            warnings.push(origin.problem(
                label,
                number,
                Severity::Warning,
                format!(
                    "{label}“{number}”在本表中重复出现（第{}行），采用第{last}行",
                    excel_rows.join("、")
                ),
                "同一编号只应填写一行，请删除重复行",
            ));
        }
    }
    warnings
}

/// Every non-blank row under a rejected header counts as rejected (nothing is dropped silently).
fn count_rejected_rows(sheet: &RawSheet, header: &HeaderMatch, counts: &mut SheetCounts) {
    for row in sheet.rows.iter().skip(header.row + 1) {
        if row.iter().all(Cell::is_blank) {
            counts.read += 1;
            counts.skipped += 1;
        } else if is_note_line(row) {
            break;
        } else {
            counts.read += 1;
            counts.rejected += 1;
        }
    }
}

fn first_text(row: &[Cell]) -> Option<String> {
    row.iter().find(|c| !c.is_blank()).map(|c| fold(&c.shown()))
}

fn is_note_line(row: &[Cell]) -> bool {
    // At most three filled cells: a data row is ruled out at its fourth.
    row.iter().filter(|c| !c.is_blank()).nth(3).is_none()
        && first_text(row).is_some_and(|t| NOTE_PREFIXES.iter().any(|p| t.starts_with(&fold(p))))
}

fn is_example_row(row: &[Cell]) -> bool {
    row.iter()
        .any(|c| matches!(c, Cell::Text(s) if s.trim_start().starts_with(EXAMPLE_MARK)))
}

fn is_total_row(row: &[Cell], header: &HeaderMatch) -> bool {
    let name_index = header
        .columns
        .iter()
        .find(|c| c.def.field == "name" || c.def.field == PROJECT_NAME)
        .map(|c| c.index);
    let leading = row.iter().find(|c| !c.is_blank());
    let in_name = name_index.and_then(|i| row.get(i));
    [leading, in_name]
        .into_iter()
        .flatten()
        .any(is_total_marker)
}

/// Whether a cell reads 合计, 小计 and the like. Runs on every row, so text longer than any
/// marker is ruled out before it is folded (folding only drops whitespace and maps
/// characters one to one; numbers and dates never read as a marker).
fn is_total_marker(cell: &Cell) -> bool {
    const LONGEST_MARKER: usize = 4;
    let Cell::Text(text) = cell else {
        return false;
    };
    text.chars().filter(|c| !c.is_whitespace()).count() <= LONGEST_MARKER
        && TOTAL_MARKERS.contains(&fold(text).as_str())
}

struct RowDefaults {
    unit: Option<String>,
    month: Option<NaiveDate>,
    fill_date: Option<NaiveDate>,
}

/// A file in one unit's folder that names another unit as 填报单位.
fn foreign_submitter(owner: &str, named: &str) -> String {
    format!(
        "{}文件在“{owner}”的文件夹中，填报单位却是“{named}”：各单位只能报送本单位的数据",
        super::problem::OVERREACH
    )
}

const FOREIGN_SUBMITTER_FIX: &str =
    "请由该单位在其本单位文件夹中报送；如确需代报，请交县重点项目办公室报送";

struct RowIssue {
    column: String,
    value: String,
    severity: Severity,
    reason: String,
    fix: String,
}

struct ParsedRow {
    values: Vec<Option<Value>>,
    unit: Option<String>,
    issues: Vec<RowIssue>,
}

fn parse_row(
    row: &[Cell],
    header: &HeaderMatch,
    defaults: &RowDefaults,
    units: &UnitResolver,
) -> ParsedRow {
    let columns = header.table.columns();
    let (mut values, bad, mut issues) = parse_cells(row, header, units);
    // Sheet-level unit, month and fill date stand in for empty columns.
    for (field, value) in [
        (SUBMITTER, defaults.unit.clone().map(Value::Text)),
        (REPORT_MONTH, defaults.month.map(Value::Date)),
        (FILL_DATE, defaults.fill_date.map(Value::Date)),
    ] {
        if let Some(slot) = slot(columns, field) {
            if values[slot].is_none() && bad[slot].is_none() {
                values[slot] = value;
            }
        }
    }
    required_checks(&values, &bad, header, &mut issues);
    row_checks(&values, header, &mut issues);
    ParsedRow {
        unit: text_of(&values, columns, SUBMITTER),
        values,
        issues,
    }
}

/// A value that could not be read: (header as written, value as shown, why).
type BadValue = Option<(String, String, String)>;

/// Each mapped cell parsed into its column's slot; values that cannot be read are kept aside
/// (the required rule decides what they mean), and values kept with a warning say so.
fn parse_cells(
    row: &[Cell],
    header: &HeaderMatch,
    units: &UnitResolver,
) -> (Vec<Option<Value>>, Vec<BadValue>, Vec<RowIssue>) {
    let columns = header.table.columns();
    let mut values: Vec<Option<Value>> = vec![None; columns.len()];
    let mut bad: Vec<BadValue> = vec![None; columns.len()];
    let mut issues = Vec::new();
    for mapped in &header.columns {
        // Column definitions are static: the mapped one is at the same address in the table.
        let Some(slot) = columns.iter().position(|c| std::ptr::eq(c, mapped.def)) else {
            continue;
        };
        let cell = row.get(mapped.index).unwrap_or(&Cell::Empty);
        match parse_cell(cell, mapped, units) {
            Ok(Some((value, warning))) => {
                values[slot] = Some(value);
                if let Some((reason, fix)) = warning {
                    issues.push(RowIssue {
                        column: mapped.header.clone(),
                        value: cell.shown_in_message(),
                        severity: Severity::Warning,
                        reason,
                        fix,
                    });
                }
            }
            Ok(None) => {}
            Err(reason) => {
                bad[slot] = Some((mapped.header.clone(), cell.shown_in_message(), reason))
            }
        }
    }
    (values, bad, issues)
}

/// The required/optional rule (SPEC §1): a bad value in a required column rejects the row, in
/// an optional one it is a warning and the value is empty; an empty required column rejects it.
fn required_checks(
    values: &[Option<Value>],
    bad: &[BadValue],
    header: &HeaderMatch,
    issues: &mut Vec<RowIssue>,
) {
    let columns = header.table.columns();
    let stage = text_of(values, columns, "stage");
    for (slot, def) in columns.iter().enumerate() {
        let required = match def.required {
            Required::Always => true,
            Required::Optional => false,
            Required::ForStages(stages) => stage.as_deref().is_some_and(|s| stages.contains(&s)),
        };
        let header_name = || {
            header
                .columns
                .iter()
                .find(|m| m.def.name == def.name)
                .map_or(def.name.to_string(), |m| m.header.clone())
        };
        match (&bad[slot], values[slot].is_some(), required) {
            (Some((column, value, reason)), _, true) => issues.push(RowIssue {
                column: column.clone(),
                value: value.clone(),
                severity: Severity::Rejected,
                reason: format!("必填项的值无法识别：{reason}"),
                fix: "请按要求的格式改正后重新报送".into(),
            }),
            (Some((column, value, reason)), _, false) => issues.push(RowIssue {
                column: column.clone(),
                value: value.clone(),
                severity: Severity::Warning,
                reason: format!("值无法识别，已按空值处理：{reason}"),
                fix: "请按要求的格式改正".into(),
            }),
            (None, false, true) => issues.push(RowIssue {
                column: header_name(),
                value: String::new(),
                severity: Severity::Rejected,
                reason: match (def.required, &stage) {
                    (Required::ForStages(_), Some(s)) => {
                        format!("阶段为“{s}”的项目必须填写{}", def.name)
                    }
                    _ => format!("必填项{}为空", def.name),
                },
                fix: format!("请填写{}后重新报送", def.name),
            }),
            _ => {}
        }
    }
}

/// The checks across a row's columns: the project checks, a project named, a unit known and,
/// for ledgers, a 报告期.
fn row_checks(values: &[Option<Value>], header: &HeaderMatch, issues: &mut Vec<RowIssue>) {
    let columns = header.table.columns();
    if header.table == Table::Projects {
        project_checks(values, columns, header, issues);
    }
    let names_a_project = text_of(values, columns, PROJECT_NAME).is_some()
        || text_of(values, columns, PROJECT_CODE).is_some();
    if matches!(header.table, Table::Notices | Table::Visits) && !names_a_project {
        issues.push(RowIssue {
            column: "项目名称/项目代码".into(),
            value: String::new(),
            severity: Severity::Rejected,
            reason: "项目名称和项目代码都为空，至少应填一项".into(),
            fix: "请填写所涉项目的名称或项目代码".into(),
        });
    }
    let unit = text_of(values, columns, SUBMITTER);
    if unit.is_none() && !issues.iter().any(|i| i.column.contains("填报单位")) {
        issues.push(RowIssue {
            column: "填报单位".into(),
            value: String::new(),
            severity: Severity::Rejected,
            reason: "无法确定填报单位".into(),
            fix: "请填写“填报单位”列或在表头上方写明“填报单位：单位全称”".into(),
        });
    }
    if header.table == Table::Projects
        && text_of(values, columns, REPORT_MONTH).is_none()
        && date_of(values, columns, REPORT_MONTH).is_none()
    {
        issues.push(RowIssue {
            column: "报告期".into(),
            value: String::new(),
            severity: Severity::Rejected,
            reason: "无法确定报告期（项目台账按报告期选取当期台账）".into(),
            fix: "请填写“报告期”列，或在表头上方写明“报告期：2026年10月”".into(),
        });
    }
}

/// A parsed value, with a warning (reason, fix) to report while keeping it.
type ParsedCell = Option<(Value, Option<(String, String)>)>;

/// Units separated by 、，,;；: the configured ones joined by "、"; unknown names dropped with a
/// warning; an error when none is known.
fn unit_list(
    written: &str,
    units: &UnitResolver,
) -> Result<(Value, Option<(String, String)>), String> {
    let mut known: Vec<&str> = Vec::new();
    let mut unknown: Vec<&str> = Vec::new();
    for name in written
        .split(['、', '，', ',', ';', '；', '\n'])
        .map(crate::text::trim)
        .filter(|n| !n.is_empty())
    {
        match units.resolve(name) {
            Some(unit) if !known.contains(&unit) => known.push(unit),
            Some(_) => {}
            None => unknown.push(name),
        }
    }
    if known.is_empty() {
        return Err("没有一个是已配置的单位（单位之间用“、”分隔）".into());
    }
    let warning = (!unknown.is_empty()).then(|| {
        (
            format!("“{}”不是已配置的单位，已忽略", unknown.join("、")),
            "请核对单位名称（单位名称或别名见配置文件）".to_string(),
        )
    });
    Ok((Value::Text(known.join("、")), warning))
}

fn parse_cell(
    cell: &Cell,
    mapped: &MappedColumn,
    units: &UnitResolver,
) -> Result<ParsedCell, String> {
    let def: &ColumnDef = mapped.def;
    match def.kind {
        Kind::Text => Ok(cell.text().map(|s| (Value::Text(s), None))),
        Kind::Money => {
            cell::parse_money(cell, mapped.unit).map(|v| v.map(|x| (Value::Number(x), None)))
        }
        Kind::DatePlanned | Kind::DateActual => {
            let role = if def.kind == Kind::DatePlanned {
                DateRole::Planned
            } else {
                DateRole::Actual
            };
            cell::parse_date(cell, role).map(|v| {
                v.map(|p| {
                    let warning = p.warning.map(|w| (w, "请改填具体日期".to_string()));
                    (Value::Date(p.value), warning)
                })
            })
        }
        Kind::Month => cell::parse_month(cell).map(|v| v.map(|d| (Value::Date(d), None))),
        Kind::YesNo => cell::parse_yes_no(cell).map(|v| v.map(|b| (Value::Bool(b), None))),
        Kind::Unit => match cell.trimmed() {
            None => Ok(None),
            Some(written) => units
                .resolve(&written)
                .map(|u| Some((Value::Text(u.to_string()), None)))
                .ok_or_else(|| "不是已配置的单位（单位名称或别名见配置文件）".to_string()),
        },
        Kind::UnitList => match cell.trimmed() {
            None => Ok(None),
            Some(written) => unit_list(&written, units).map(Some),
        },
        Kind::Enum(values) => match cell.trimmed() {
            None => Ok(None),
            Some(written) => enum_value(values, &folded(&written))
                .map(|v| Some((Value::Text(v.to_string()), None)))
                .ok_or_else(|| {
                    let allowed: Vec<&str> = values.iter().map(|(c, _)| *c).collect();
                    format!("应为 {} 之一", allowed.join("、"))
                }),
        },
    }
}

fn slot(columns: &[ColumnDef], field: &str) -> Option<usize> {
    columns.iter().position(|c| c.field == field)
}

fn text_of(values: &[Option<Value>], columns: &[ColumnDef], field: &str) -> Option<String> {
    match slot(columns, field).and_then(|i| values[i].as_ref()) {
        Some(Value::Text(s)) => Some(s.clone()),
        _ => None,
    }
}

fn date_of(values: &[Option<Value>], columns: &[ColumnDef], field: &str) -> Option<NaiveDate> {
    match slot(columns, field).and_then(|i| values[i].as_ref()) {
        Some(Value::Date(d)) => Some(*d),
        _ => None,
    }
}

fn number_of(values: &[Option<Value>], columns: &[ColumnDef], field: &str) -> Option<f64> {
    match slot(columns, field).and_then(|i| values[i].as_ref()) {
        Some(Value::Number(x)) => Some(*x),
        _ => None,
    }
}

/// The 项目台账 row checks of SPEC §1.
fn project_checks(
    values: &[Option<Value>],
    columns: &[ColumnDef],
    header: &HeaderMatch,
    issues: &mut Vec<RowIssue>,
) {
    let header_of = |field: &str| {
        header
            .columns
            .iter()
            .find(|m| m.def.field == field)
            .map_or_else(
                || {
                    columns
                        .iter()
                        .find(|c| c.field == field)
                        .map_or(String::new(), |c| c.name.to_string())
                },
                |m| m.header.clone(),
            )
    };
    let flag = |severity: Severity| {
        move |issues: &mut Vec<RowIssue>, field: &str, value: String, reason: String, fix: &str| {
            issues.push(RowIssue {
                column: header_of(field),
                value,
                severity,
                reason,
                fix: fix.to_string(),
            })
        }
    };
    let reject = flag(Severity::Rejected);
    project_rejections(values, columns, &mut |f, v, r, x| {
        reject(issues, f, v, r, x)
    });
    let warn = flag(Severity::Warning);
    project_warnings(values, columns, &mut |f, v, r, x| warn(issues, f, v, r, x));
}

/// A row issue at a field: (field, value shown, reason, fix).
type Flag<'a> = dyn FnMut(&str, String, String, &str) + 'a;

/// The project checks that reject a row: amounts out of range, actual dates after 填报日期.
fn project_rejections(values: &[Option<Value>], columns: &[ColumnDef], reject: &mut Flag) {
    let money = |x: f64| cell::format_number(x);
    if let Some(total) = number_of(values, columns, "total_investment").filter(|t| *t <= 0.0) {
        reject(
            "total_investment",
            money(total),
            "总投资应大于 0".into(),
            "请填写项目总投资（万元）",
        );
    }
    if let Some(ytd) = number_of(values, columns, "ytd_investment").filter(|x| *x < 0.0) {
        reject(
            "ytd_investment",
            money(ytd),
            "本年完成投资不能为负数".into(),
            "请核实本年完成投资",
        );
    }
    if let Some(filled) = date_of(values, columns, FILL_DATE) {
        for field in [
            "actual_start",
            "actual_completion",
            "feasibility_date",
            "review_date",
            "approval_date",
        ] {
            if let Some(d) = date_of(values, columns, field) {
                if (d - filled).num_days() > 1 {
                    reject(
                        field,
                        d.format("%Y-%m-%d").to_string(),
                        format!("实际日期晚于填报日期 {}", filled.format("%Y-%m-%d")),
                        "实际发生的日期不能晚于填报日期，请核实",
                    );
                }
            }
        }
    }
}

/// The project checks that keep the row with a warning: amounts out of proportion, dates out of
/// order or missing for the stage, a project code of the wrong shape.
fn project_warnings(values: &[Option<Value>], columns: &[ColumnDef], warn: &mut Flag) {
    let money = |x: f64| cell::format_number(x);
    let total = number_of(values, columns, "total_investment");
    let ytd = number_of(values, columns, "ytd_investment");
    let plan = number_of(values, columns, "annual_plan");
    if let (Some(ytd), Some(plan)) = (ytd, plan) {
        if ytd > plan * 2.0 {
            warn(
                "ytd_investment",
                money(ytd),
                format!("本年完成投资超过年度计划投资（{}）的 2 倍", money(plan)),
                "请核实金额及单位（万元）",
            );
        }
    }
    if let (Some(plan), Some(total)) = (plan, total) {
        if plan > total {
            warn(
                "annual_plan",
                money(plan),
                format!("年度计划投资大于总投资（{}）", money(total)),
                "请核实金额及单位（万元）",
            );
        }
    }
    let start = date_of(values, columns, "actual_start");
    let done = date_of(values, columns, "actual_completion");
    if let (Some(start), Some(done)) = (start, done) {
        if done < start {
            warn(
                "actual_completion",
                done.format("%Y-%m-%d").to_string(),
                format!("实际竣工日期早于实际开工日期 {}", start.format("%Y-%m-%d")),
                "请核实开工、竣工日期",
            );
        }
    }
    let stage = text_of(values, columns, "stage");
    if stage.as_deref() == Some("在建") && start.is_none() {
        warn(
            "actual_start",
            String::new(),
            "阶段为在建，但未填实际开工日期".into(),
            "请补填实际开工日期",
        );
    }
    if stage.as_deref() == Some("竣工") && done.is_none() {
        warn(
            "actual_completion",
            String::new(),
            "阶段为竣工，但未填实际竣工日期".into(),
            "请补填实际竣工日期",
        );
    }
    if let Some(code) = text_of(values, columns, "code") {
        if !is_project_code(&code) {
            warn(
                "code",
                code,
                "项目代码格式不符（应为 24 位，形如 2025-140428-47-01-012345）".into(),
                "请按全国投资项目在线审批监管平台赋予的代码填写",
            );
        }
    }
}

/// The national project code shape `YYYY-AAAAAA-DD-TT-RRRRRC` (GB/T 40058-2021).
pub fn is_project_code(code: &str) -> bool {
    let parts: Vec<&str> = code.split('-').collect();
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    code.len() == 24
        && parts.len() == 5
        && [4, 6, 2, 2]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && digits(p))
        && parts[4].len() == 6
        && digits(&parts[4][..5])
        && parts[4][5..].chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn total_markers_however_spaced() {
        let text = |s: &str| Cell::Text(s.into());
        assert!(is_total_marker(&text("合 计")));
        assert!(is_total_marker(&text("\u{3000}全县合计 ")));
        assert!(is_total_marker(&text("小\n计")));
        assert!(!is_total_marker(&text("合计数据说明")));
        assert!(!is_total_marker(&Cell::Number(0.0)));
        // The length test before folding must not rule out a marker.
        assert!(TOTAL_MARKERS.iter().all(|m| m.chars().count() <= 4));
    }

    fn text_row(cells: &[&str]) -> Vec<Cell> {
        cells
            .iter()
            .map(|s| {
                if s.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text((*s).into())
                }
            })
            .collect()
    }

    fn stage(rows: Vec<Vec<Cell>>, source: SheetSource) -> SheetOutcome {
        let config = Config::embedded().unwrap();
        let sheet = RawSheet {
            name: "台账".into(),
            rows,
            ..RawSheet::default()
        };
        stage_sheet(
            &sheet,
            &source,
            &AliasTable::new(&[]),
            &UnitResolver::new(&config),
        )
    }

    const HEADER: [&str; 12] = [
        "项目名称",
        "所属板块",
        "项目阶段",
        "牵头责任单位",
        "包联领导",
        "总投资（亿元）",
        "年度计划投资",
        "本年完成投资",
        "计划开工日期",
        "实际开工日期",
        "计划竣工日期",
        "联系人",
    ];

    #[test]
    fn stages_rows_with_accounting_and_row_numbers() {
        let rows = vec![
            text_row(&["长子县重点项目台账"]),
            text_row(&[
                "填报单位：丹朱镇人民政府",
                "",
                "报告期：2026年10月",
                "填报日期：2026-11-03",
            ]),
            text_row(&HEADER),
            text_row(&[
                "甲道路工程",
                "基础设施",
                "续建",
                "丹朱镇",
                "马国华",
                "1.2",
                "3000",
                "1500",
                "2026-03-01",
                "2026/3/10",
                "2026-12-31",
                "",
            ]),
            text_row(&[]),
            text_row(&[
                "",
                "基础设施",
                "在建",
                "丹朱镇",
                "马国华",
                "1",
                "100",
                "10",
                "2026-03-01",
                "",
                "2026-12-31",
                "",
            ]),
            text_row(&[
                "乙学校",
                "社会民生",
                "筹建中",
                "丹朱镇",
                "",
                "0.5",
                "",
                "",
                "",
                "",
                "",
                "",
            ]),
            text_row(&[
                "丙园区",
                "产业转型",
                "前期",
                "丹朱镇",
                "罗晓燕",
                "2",
                "",
                "",
                "2026-06",
                "2026-11-20",
                "",
                "",
            ]),
            text_row(&["合计", "", "", "", "", "4.7", "", "", "", "", "", ""]),
            text_row(&["填报人：张三"]),
            text_row(&["不应读取的行", "基础设施", "在建"]),
        ];
        let outcome = stage(
            rows,
            SheetSource {
                file: "丹朱镇/台账.xlsx".into(),
                ..Default::default()
            },
        );
        assert_eq!(outcome.table, Some(Table::Projects));
        assert_eq!(outcome.unit.as_deref(), Some("丹朱镇"));
        let c = outcome.counts;
        assert_eq!((c.read, c.accepted, c.rejected, c.skipped), (6, 1, 3, 2));
        assert_eq!(c.read, c.accepted + c.rejected + c.skipped);
        let staged = outcome.staged.unwrap();
        assert_eq!(staged.excel_rows, vec![4]);
        let ColumnValues::Number(totals) = &staged.columns[10] else {
            panic!()
        };
        assert_eq!(totals[0], Some(12000.0));
        let rejected: Vec<(u32, &str)> = outcome
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Rejected)
            .map(|p| (p.row.unwrap(), p.column.as_str()))
            .collect();
        assert_eq!(
            rejected,
            // Row 8 is 前期, which needs 前期工作计划完成日期, a column this sheet lacks.
            vec![
                (6, "项目名称"),
                (7, "项目阶段"),
                (8, "前期工作计划完成日期"),
                (8, "实际开工日期")
            ]
        );
        let month_warning = outcome
            .problems
            .iter()
            .find(|p| p.row == Some(8) && p.severity == Severity::Warning);
        assert!(month_warning.unwrap().reason.contains("月末"));
        assert!(outcome
            .problems
            .iter()
            .any(|p| p.severity == Severity::Note && p.column == "联系人"));
        assert!(outcome
            .problems
            .iter()
            .any(|p| p.reason.contains("第9行是合计行")));
    }

    /// 总投资 is required for 前期/在建/竣工 only; "暂无" and "—" mean no value in any column.
    #[test]
    fn total_investment_by_stage_and_no_value_markers() {
        let header = [
            "项目名称",
            "所属板块",
            "项目阶段",
            "牵头责任单位",
            "包联领导",
            "总投资",
            "前期工作计划完成日期",
            "计划开工日期",
            "建设地点",
        ];
        let row = |name: &str, stage: &str, total: &str, site: &str| {
            text_row(&[
                name,
                "产业转型",
                stage,
                "丹朱镇",
                "马国华",
                total,
                "2027-06-30",
                "2027-09-30",
                site,
            ])
        };
        let outcome = stage(
            vec![
                text_row(&["填报单位：丹朱镇  报告期：2026年10月"]),
                text_row(&header),
                row("谋划甲", "谋划", "", "暂无"),
                row("储备乙", "储备", "—", "丹朱镇东"),
                row("前期丙", "前期", "", "丹朱镇西"),
            ],
            SheetSource {
                file: "丹朱镇/台账.xlsx".into(),
                ..Default::default()
            },
        );
        let rejected: Vec<(u32, &str)> = outcome
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Rejected)
            .map(|p| (p.row.unwrap(), p.column.as_str()))
            .collect();
        assert_eq!(rejected, vec![(5, "总投资")]);
        let staged = outcome.staged.unwrap();
        assert_eq!(staged.excel_rows, vec![3, 4]);
        let site = Table::Projects
            .columns()
            .iter()
            .position(|c| c.field == "location")
            .unwrap();
        assert_eq!(
            staged.columns[site],
            ColumnValues::Text(vec![None, Some("丹朱镇东".into())])
        );
    }

    #[test]
    fn unit_from_folder_and_missing_unit_rejects_the_sheet() {
        let rows = vec![
            text_row(&HEADER),
            text_row(&[
                "甲道路工程",
                "基础设施",
                "在建",
                "丹朱镇",
                "马国华",
                "1.2",
                "3000",
                "1500",
                "2026-03-01",
                "2026/3/10",
                "2026-12-31",
                "",
            ]),
        ];
        let with_folder = stage(
            rows.clone(),
            SheetSource {
                file: "丹朱镇/x.xlsx".into(),
                folder_unit: Some("丹朱镇".into()),
                file_month: NaiveDate::from_ymd_opt(2026, 10, 1),
                ..Default::default()
            },
        );
        assert_eq!(with_folder.counts.accepted, 1);
        let without = stage(
            rows,
            SheetSource {
                file: "x.xlsx".into(),
                ..Default::default()
            },
        );
        assert_eq!(without.counts.rejected, 1);
        assert!(without
            .problems
            .iter()
            .any(|p| p.severity == Severity::Rejected && p.reason.contains("无法确定填报单位")));
    }

    #[test]
    fn missing_required_column_rejects_the_sheet() {
        let rows = vec![
            text_row(&["项目名称", "项目阶段", "牵头责任单位", "总投资"]),
            text_row(&["甲", "在建", "丹朱镇", "100"]),
            text_row(&["乙", "在建", "丹朱镇", "200"]),
        ];
        let outcome = stage(
            rows,
            SheetSource {
                file: "丹朱镇/x.xlsx".into(),
                folder_unit: Some("丹朱镇".into()),
                ..Default::default()
            },
        );
        assert_eq!(outcome.counts.rejected, 2);
        assert_eq!(outcome.problems[0].column, "所属板块");
    }

    #[test]
    fn project_code_shape() {
        assert!(is_project_code("2025-140428-47-01-012345"));
        assert!(!is_project_code("2025-140428-47-01-01234"));
        assert!(!is_project_code("2025-14042A-47-01-012345"));
    }
}
