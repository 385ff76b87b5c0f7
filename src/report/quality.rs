//! Each unit's data quality (SPEC §5.4): every rejected row and warning with where, what, why
//! and how to fix it, and what it submitted; two sheets of its feedback workbook.

use std::collections::BTreeMap;

use anyhow::Result;
use rust_xlsxwriter::Workbook;

use super::grid::{write_grid, Grid, Out, SheetLayout};
use super::{file_unit, Context};
use crate::ingest::problem::{Problem, Severity};

/// Where problems go whose unit could not be determined.
pub const UNKNOWN_UNIT: &str = "未识别单位";
pub const PROBLEMS: &str = "数据质量";
pub const SUBMISSIONS: &str = "报送情况";

/// Every unit's problems and submitted sheets, gathered once for all feedback workbooks.
#[derive(Default)]
pub struct Quality<'a> {
    pub problems: BTreeMap<String, Vec<&'a Problem>>,
    pub submissions: BTreeMap<String, Vec<Vec<Out>>>,
}

impl Quality<'_> {
    /// The units with something to report: submissions or problems.
    pub fn units(&self) -> impl Iterator<Item = &String> {
        self.submissions.keys().chain(self.problems.keys())
    }
}

pub fn gather<'a>(ctx: &Context<'a>) -> Quality<'a> {
    let mut quality = Quality::default();
    for file in ctx.files {
        let unit = file_unit(file);
        let rows = quality.submissions.entry(unit.clone()).or_default();
        if file.sheets.is_empty() {
            rows.push(vec![
                Out::text(&file.rel),
                Out::Empty,
                Out::text("无法读取"),
                Out::Int(0),
                Out::Int(0),
                Out::Int(0),
                Out::Int(0),
            ]);
        }
        for sheet in &file.sheets {
            let c = sheet.counts;
            rows.push(vec![
                Out::text(&file.rel),
                Out::text(&sheet.sheet),
                Out::text(sheet.table.map_or("未识别", |t| t.label())),
                Out::Int(c.read as i64),
                Out::Int(c.accepted as i64),
                Out::Int(c.rejected as i64),
                Out::Int(c.skipped as i64),
            ]);
        }
        for p in file.all_problems() {
            quality
                .problems
                .entry(p.unit.clone().unwrap_or_else(|| unit.clone()))
                .or_default()
                .push(p);
        }
    }
    for p in &ctx.assessment.problems {
        quality
            .problems
            .entry(p.unit.clone().unwrap_or_else(|| UNKNOWN_UNIT.into()))
            .or_default()
            .push(p);
    }
    quality
}

/// The headers of a list of problems: `first`, where, what, why, and `fix`.
pub fn problem_headers(first: &str, fix: &str) -> Vec<String> {
    [
        first,
        "文件",
        "工作表",
        "行号",
        "列",
        "填写的值",
        "问题",
        fix,
    ]
    .map(String::from)
    .to_vec()
}

/// A problem's row in a list: `first`, then where, what was found, why and how to fix it.
pub fn problem_row(first: Out, p: &Problem) -> Vec<Out> {
    vec![
        first,
        Out::text(&p.file),
        Out::text(&p.sheet),
        Out::opt_int(p.row.map(i64::from)),
        Out::text(&p.column),
        Out::text(&p.value),
        Out::text(&p.reason),
        Out::text(&p.fix),
    ]
}

/// A unit's problems (`PROBLEMS`) and submissions (`SUBMISSIONS`) sheets; `notes` are lines
/// added to the title (a ledger not yet submitted, say).
pub fn write_quality_sheets(
    workbook: &mut Workbook,
    ctx: &Context,
    unit: &str,
    quality: &Quality,
    notes: &[String],
) -> Result<()> {
    let mut list: Vec<&Problem> = quality.problems.get(unit).cloned().unwrap_or_default();
    list.sort_by(|a, b| {
        (a.severity, &a.file, &a.sheet, a.row).cmp(&(b.severity, &b.file, &b.sheet, b.row))
    });
    let count = |severity| list.iter().filter(|p| p.severity == severity).count();
    let (rejected, warnings, undecidable) = (
        count(Severity::Rejected),
        count(Severity::Warning),
        count(Severity::Undecidable),
    );
    let mut title = ctx.plain_title("报送数据质量反馈");
    let undecidable = if undecidable > 0 {
        format!("，无法判定 {undecidable} 项")
    } else {
        String::new()
    };
    title.push(format!(
        "填报单位：{unit}　退回 {rejected} 处，警告 {warnings} 处{undecidable}。请按“修改方法”改正后重新报送。"
    ));
    title.extend(notes.iter().cloned());
    let grid = Grid {
        headers: problem_headers("类别", "修改方法"),
        rows: list
            .iter()
            .map(|p| problem_row(Out::text(p.severity.label()), p))
            .collect(),
    };
    write_grid(
        workbook.add_worksheet().set_name(PROBLEMS)?,
        &grid,
        &SheetLayout::titled(title.clone()),
    )?;
    let files = Grid {
        headers: [
            "文件",
            "工作表",
            "识别为",
            "读取行数",
            "接收",
            "退回",
            "空行/合计行",
        ]
        .map(String::from)
        .to_vec(),
        rows: quality.submissions.get(unit).cloned().unwrap_or_default(),
    };
    write_grid(
        workbook.add_worksheet().set_name(SUBMISSIONS)?,
        &files,
        &SheetLayout::titled(title),
    )?;
    Ok(())
}
