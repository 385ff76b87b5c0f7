//! 年度趋势: each unit's 总分 and 组内排名 for every month of the year up to M, group by group,
//! with a line chart of the scores. The months before M come from the job's history
//! (`history::earlier_months`), M from this run's assessment.

use anyhow::Result;
use chrono::Datelike;
use rust_xlsxwriter::{Chart, ChartMarker, ChartType, Worksheet};

use super::grid::{fit_columns, print_setup, write_table, write_title, Formats, Grid, NumFmt, Out};
use super::Context;
use crate::state::{MonthScores, UnitStanding};

pub const SHEET: &str = "年度趋势";

/// Groups of at most this many units get one line per unit; a larger group's chart shows its
/// highest, average and lowest scores (a hundred lines would read as none).
const LINES_PER_UNIT_UP_TO: usize = 15;
/// Rows under the tables kept free for a chart.
const CHART_ROWS: u32 = 18;
const SUMMARY_ROWS: [&str; 3] = ["组内最高", "组内平均", "组内最低"];
const SECTION_NUMBERS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// The months of the year up to M, oldest first: the history's, then M's own.
pub fn months_of_year(ctx: &Context) -> Vec<MonthScores> {
    let year = ctx.as_of.year().to_string();
    ctx.earlier
        .iter()
        .filter(|m| m.month.starts_with(&year))
        .cloned()
        .chain([MonthScores::of(
            ctx.month(),
            ctx.as_of,
            &ctx.assessment.scores,
        )])
        .collect()
}

/// "11月" for "2026-11".
fn month_heading(month: &str) -> String {
    let number = month
        .rsplit('-')
        .next()
        .and_then(|m| m.parse::<u32>().ok())
        .unwrap_or(0);
    format!("{number}月")
}

/// One group's two tables: 总分 (with the group's highest, average and lowest) and 组内排名.
pub struct GroupTrend {
    pub group: String,
    pub scores: Grid,
    pub ranks: Grid,
}

/// Per configured group: its units in this month's ranking order, then unranked by name.
pub fn group_trends(ctx: &Context, months: &[MonthScores]) -> Vec<GroupTrend> {
    let mut headers = vec!["单位".to_string()];
    headers.extend(months.iter().map(|m| month_heading(&m.month)));
    ctx.config
        .groups
        .iter()
        .map(|group| {
            let mut units: Vec<&str> = ctx
                .assessment
                .scores
                .iter()
                .filter(|s| &s.group == group)
                .map(|s| s.unit.as_str())
                .collect();
            let current = months.last();
            let rank_now = |unit: &str| {
                current
                    .and_then(|m| m.units.get(unit))
                    .and_then(|s| s.rank)
                    .unwrap_or(u32::MAX)
            };
            units.sort_by(|a, b| rank_now(a).cmp(&rank_now(b)).then(a.cmp(b)));
            let mut score_rows =
                unit_rows(&units, months, |s| Out::opt_number(s.total, NumFmt::Score));
            score_rows.extend(summary_rows(&units, months));
            let rank_rows = unit_rows(&units, months, |s| Out::opt_int(s.rank.map(i64::from)));
            GroupTrend {
                group: group.clone(),
                scores: Grid {
                    headers: headers.clone(),
                    rows: score_rows,
                },
                ranks: Grid {
                    headers: headers.clone(),
                    rows: rank_rows,
                },
            }
        })
        .collect()
}

/// One row per unit: its name, then `cell` of its standing in each month (empty when absent).
fn unit_rows(
    units: &[&str],
    months: &[MonthScores],
    cell: impl Fn(UnitStanding) -> Out,
) -> Vec<Vec<Out>> {
    units
        .iter()
        .map(|unit| {
            let standings = months
                .iter()
                .map(|m| cell(m.units.get(*unit).copied().unwrap_or(EMPTY)));
            std::iter::once(Out::text(*unit)).chain(standings).collect()
        })
        .collect()
}

const EMPTY: UnitStanding = UnitStanding {
    total: None,
    rank: None,
};

/// The group's highest, average and lowest 总分 per month, over the units with a score.
fn summary_rows(units: &[&str], months: &[MonthScores]) -> Vec<Vec<Out>> {
    let per_month: Vec<Vec<f64>> = months
        .iter()
        .map(|m| {
            units
                .iter()
                .filter_map(|u| m.units.get(*u).and_then(|s| s.total))
                .collect()
        })
        .collect();
    let pick = |scores: &Vec<f64>, which: usize| -> Option<f64> {
        if scores.is_empty() {
            return None;
        }
        Some(match which {
            0 => scores.iter().copied().fold(f64::MIN, f64::max),
            1 => round2(scores.iter().sum::<f64>() / scores.len() as f64),
            _ => scores.iter().copied().fold(f64::MAX, f64::min),
        })
    };
    SUMMARY_ROWS
        .iter()
        .enumerate()
        .map(|(which, label)| {
            let mut row = vec![Out::text(*label)];
            row.extend(
                per_month
                    .iter()
                    .map(|s| Out::opt_number(pick(s, which), NumFmt::Score)),
            );
            row
        })
        .collect()
}

/// Half away from zero, as the scores themselves are rounded.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Write the sheet: per group, the 总分 table, its line chart, then the 组内排名 table.
pub fn trend_sheet(sheet: &mut Worksheet, ctx: &Context) -> Result<()> {
    let formats = Formats::default();
    let title = ctx.plain_title("年度考核趋势");
    write_title(sheet, &title, &formats)?;
    let months = months_of_year(ctx);
    let trends = group_trends(ctx, &months);
    let mut row = title.len() as u32 + 1;
    // Printed, each group's scores and chart start a page, and its ranks another.
    let mut page_breaks = Vec::new();
    for (i, trend) in trends.iter().enumerate() {
        if i > 0 {
            page_breaks.push(row);
        }
        let number = SECTION_NUMBERS.get(i).copied().unwrap_or("");
        sheet.write_string_with_format(
            row,
            0,
            format!("{number}、{}各月考核总分", trend.group),
            &formats.section,
        )?;
        let header = row + 1;
        let end = write_table(sheet, header, &trend.scores, &formats)?;
        if trend.scores.rows.len() > SUMMARY_ROWS.len() {
            sheet.insert_chart(end + 1, 0, &line_chart(trend, header, months.len()))?;
        }
        row = end + CHART_ROWS + 2;
        page_breaks.push(row);
        sheet.write_string_with_format(
            row,
            0,
            format!("　　{}各月组内排名", trend.group),
            &formats.section,
        )?;
        row = write_table(sheet, row + 1, &trend.ranks, &formats)? + 1;
    }
    let grids: Vec<&Grid> = trends.iter().flat_map(|t| [&t.scores, &t.ranks]).collect();
    fit_columns(sheet, &grids, super::grid::MAX_COLUMN_WIDTH)?;
    sheet.set_page_breaks(&page_breaks)?;
    print_setup(sheet, None)?;
    Ok(())
}

/// Score by month: one line per unit in a small group, else the group's highest, average and
/// lowest. `header` is the row of the 总分 table's header.
fn line_chart(trend: &GroupTrend, header: u32, months: usize) -> Chart {
    let units = trend.scores.rows.len() - SUMMARY_ROWS.len();
    let lines: Vec<u32> = if units <= LINES_PER_UNIT_UP_TO {
        (1..=units as u32).collect()
    } else {
        (1..=SUMMARY_ROWS.len() as u32)
            .map(|k| units as u32 + k)
            .collect()
    };
    let last_column = months as u16;
    let mut chart = Chart::new(ChartType::Line);
    for offset in lines {
        let row = header + offset;
        chart
            .add_series()
            .set_name((SHEET, row, 0))
            .set_categories((SHEET, header, 1, header, last_column))
            .set_values((SHEET, row, 1, row, last_column))
            .set_marker(ChartMarker::new().set_automatic());
    }
    chart
        .title()
        .set_name(&format!("{}各月考核总分", trend.group));
    chart.y_axis().set_min(0).set_max(100);
    chart.set_width(720).set_height(CHART_ROWS * 20);
    chart
}
