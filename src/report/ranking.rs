//! 考核排名_<YYYY-MM>: the statistics bureau's fixed, machine-readable ranking (SPEC §5.1), as a
//! workbook with one sheet and as a CSV with the same cells.

use chrono::NaiveDate;
use rust_xlsxwriter::XlsxError;

use super::grid::{new_workbook, write_grid, Grid, NumFmt, Out, SheetLayout};
use crate::scoring::ScoreRow;

pub const SHEET_NAME: &str = "考核排名";

/// The ranking table: one row per configured unit, in group order then rank.
pub fn ranking_grid(month: &str, rows: &[ScoreRow]) -> Grid {
    let mut headers: Vec<String> = vec!["考核月份".into(), "单位".into(), "分组".into()];
    let first = rows.first();
    for score in first.map_or(&[][..], |r| &r.indicators[..]) {
        let label = score.indicator.label();
        headers.push(format!("{label}率"));
        headers.push(format!("{label}得分"));
    }
    let with_deductions = first.is_some_and(|r| r.deduction.is_some());
    if with_deductions {
        headers.push("扣分".into());
    }
    headers.extend(["总分", "组内排名", "等次", "上月排名", "排名变化"].map(String::from));
    let body = rows
        .iter()
        .map(|row| {
            let mut cells = vec![
                Out::text(month),
                Out::text(&row.unit),
                Out::text(&row.group),
            ];
            for score in &row.indicators {
                cells.push(Out::opt_number(score.rate, NumFmt::Rate));
                cells.push(Out::opt_number(score.score, NumFmt::Score));
            }
            if with_deductions {
                cells.push(Out::opt_number(row.deduction, NumFmt::Score));
            }
            cells.push(Out::opt_number(row.total, NumFmt::Score));
            cells.push(Out::opt_int(row.rank.map(i64::from)));
            cells.push(Out::text(&row.grade));
            cells.push(Out::opt_int(row.previous_rank.map(i64::from)));
            cells.push(Out::opt_int(row.rank_change()));
            cells
        })
        .collect();
    Grid {
        headers,
        rows: body,
    }
}

/// The workbook's bytes: header in row 1, nothing above it, so machines can read it.
pub fn ranking_xlsx(grid: &Grid, as_of: NaiveDate) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = new_workbook(as_of)?;
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET_NAME)?;
    write_grid(sheet, grid, &SheetLayout::default())?;
    workbook.save_to_buffer()
}
