//! 单位反馈/<单位>_<YYYY-MM>: one workbook per configured unit (and per other unit with
//! something to report), whether or not it submitted anything: where it stands and why (本单位得分,
//! 失分事项), what falls due next (即将到期（预警）), what it finished this month (本月销号), and
//! what was wrong in its files (数据质量, 报送情况). Everything comes from the assessment; nothing
//! here changes a score.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use chrono::NaiveDate;
use rayon::prelude::*;

use super::columns::{dates, texts};
use super::grid::{new_workbook, write_grid, write_sections, Grid, NumFmt, Out, SheetLayout};
use super::quality::{gather, write_quality_sheets, Quality};
use super::{Context, UnitLists, CLOSURE_LABELS};
use crate::indicator::Indicator;
use crate::ingest::schema::field::{NOTICE_NO, PROJECT_NAME, TARGET_UNIT};
use crate::metrics::due::{
    with_status, C, DAYS_LATE, DONE_ON_TIME, OPEN, OVERDUE_OPEN, STATUS, T, UNIT,
};
use crate::metrics::reports::REPORT_MONTH_LABEL;
use crate::scoring::ScoreRow;

/// The folder of the feedback workbooks inside the month's reports.
pub const FOLDER: &str = "单位反馈";
pub const SCORE: &str = "本单位得分";
pub const LOST: &str = "失分事项";
pub const UPCOMING: &str = "即将到期（预警）";
pub const CLOSED: &str = "本月销号";

/// Points lost named in the sentence of sheet 1.
const LOSSES_NAMED: usize = 3;

/// Every unit's feedback workbook, handed to `keep` with its path in the month folder as soon
/// as it is built, so that none waits in memory for the others; what `keep` gave, in unit order.
pub fn feedback_workbooks<T: Send>(
    ctx: &Context,
    lists: &UnitLists,
    keep: impl Fn(String, Vec<u8>) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    let quality = gather(ctx);
    let shared = Shared {
        scores: Bucketed::by_unit(&lists.score_detail, 0),
        lost: Bucketed::by_unit(&lists.lost_items, 0),
        overdue: overdue_notices(ctx)?,
        upcoming: Bucketed::by_unit(&lists.warnings, 1).numbered_again(),
        closed: closed_this_month(ctx)?,
        ledger_notes: ledger_notes(ctx)?,
        averages: group_averages(ctx),
        quality,
    };
    let units: BTreeSet<&str> = ctx
        .config
        .units
        .iter()
        .map(|u| u.name.as_str())
        .chain(shared.quality.units().map(String::as_str))
        .collect();
    let units: Vec<&str> = units.into_iter().collect();
    units
        .par_iter()
        .map(|unit| {
            let (path, bytes) = unit_workbook(ctx, unit, &shared)?;
            keep(path, bytes)
        })
        .collect()
}

/// What every unit's workbook picks its rows from, built once; the unit lists are borrowed, not
/// copied (at the province tier they hold hundreds of thousands of rows).
struct Shared<'a> {
    scores: Bucketed<'a>,
    lost: Bucketed<'a>,
    /// Per 督办对象, its notices behind the 督办逾期未办结 deduction (`overdue_notices`).
    overdue: BTreeMap<String, Vec<[Out; 3]>>,
    upcoming: Bucketed<'a>,
    closed: Bucketed<'a>,
    ledger_notes: BTreeMap<String, Vec<String>>,
    averages: BTreeMap<(String, &'static str), f64>,
    quality: Quality<'a>,
}

/// A grid's headers and its rows per unit.
struct Bucketed<'a> {
    headers: Vec<String>,
    rows: BTreeMap<String, Vec<Cow<'a, [Out]>>>,
    /// Whether each unit's rows are numbered again from 1 (序号 first).
    numbered: bool,
}

impl<'a> Bucketed<'a> {
    /// `grid`'s rows bucketed by the unit in `unit_column`.
    fn by_unit(grid: &'a Grid, unit_column: usize) -> Bucketed<'a> {
        let mut rows: BTreeMap<String, Vec<Cow<'a, [Out]>>> = BTreeMap::new();
        for row in &grid.rows {
            if let Some(Out::Text(unit)) = row.get(unit_column) {
                rows.entry(unit.clone())
                    .or_default()
                    .push(Cow::Borrowed(row));
            }
        }
        Bucketed {
            headers: grid.headers.clone(),
            rows,
            numbered: false,
        }
    }

    fn numbered_again(self) -> Bucketed<'a> {
        Bucketed {
            numbered: true,
            ..self
        }
    }

    fn of(&self, unit: &str) -> Grid {
        let mut rows: Vec<Vec<Out>> = self.rows.get(unit).map_or_else(Vec::new, |rows| {
            rows.iter().map(|row| row.to_vec()).collect()
        });
        if self.numbered {
            for (i, row) in rows.iter_mut().enumerate() {
                if let Some(number) = row.first_mut() {
                    *number = Out::Int(i as i64 + 1);
                }
            }
        }
        Grid {
            headers: self.headers.clone(),
            rows,
        }
    }
}

fn unit_workbook(ctx: &Context, unit: &str, shared: &Shared) -> Result<(String, Vec<u8>)> {
    let mut workbook = new_workbook(ctx.as_of)?;
    let title = |what: &str| {
        let mut title = ctx.plain_title(what);
        title.push(format!("单位：{unit}"));
        title
    };
    let score = ctx.assessment.scores.iter().find(|s| s.unit == unit);
    let sheet = workbook.add_worksheet().set_name(SCORE)?;
    write_sections(
        sheet,
        &title("单位考核反馈"),
        &[
            ("一、本月考核结果".into(), standing(ctx, score)),
            (
                "二、各项指标（组内平均为同组各单位得分的平均）".into(),
                with_group_average(score, &shared.averages, shared.scores.of(unit)),
            ),
        ],
    )?;
    sheet.set_print_fit_to_pages(1, 1);
    for (name, what, grid) in [
        (LOST, "失分事项", points_lost(ctx, score, unit, shared)),
        (UPCOMING, "即将到期事项（预警）", shared.upcoming.of(unit)),
        (CLOSED, "本月销号事项", shared.closed.of(unit)),
    ] {
        write_grid(
            workbook.add_worksheet().set_name(name)?,
            &grid,
            &SheetLayout::titled(title(what)),
        )?;
    }
    write_quality_sheets(
        &mut workbook,
        ctx,
        unit,
        &shared.quality,
        shared.ledger_notes.get(unit).map_or(&[][..], Vec::as_slice),
    )?;
    Ok((
        format!("{FOLDER}/{unit}_{}.xlsx", ctx.month()),
        workbook.save_to_buffer()?,
    ))
}

/// Each unit's lost items with what each cost: an item of a due-item indicator costs its share
/// of the indicator's points (满分 ÷ items in scope; 投资完成 is by amount, so none is given);
/// an open item's 完成日期 reads 未完成. Each overdue notice's deduction follows.
fn points_lost(ctx: &Context, score: Option<&ScoreRow>, unit: &str, shared: &Shared) -> Grid {
    let mut lost = shared.lost.of(unit);
    lost.headers.push("失分（分）".into());
    let Some(score) = score else {
        return lost;
    };
    let metrics = &ctx.assessment.metrics;
    for row in lost.rows.iter_mut() {
        let cost = match row.get(1) {
            Some(Out::Text(label)) => score
                .indicators
                .iter()
                .find(|i| i.indicator.label() == label && i.indicator != Indicator::Investment)
                .and_then(|i| {
                    let scope = metrics
                        .indicator(i.indicator)?
                        .ratios
                        .get(&score.unit)?
                        .scope;
                    let max = i.max?;
                    (scope > 0.0).then(|| max / scope)
                }),
            _ => None,
        };
        if matches!(row.get(4), Some(Out::Empty)) {
            row[4] = Out::text("未完成");
        }
        row.push(Out::opt_number(cost, NumFmt::Score));
    }
    lost.rows.extend(deduction_rows(
        ctx,
        score,
        shared.overdue.get(unit).cloned(),
    ));
    lost
}

/// Per 督办对象, its notices past 办理时限 and open: (notice, deadline, days overdue).
fn overdue_notices(ctx: &Context) -> Result<BTreeMap<String, Vec<[Out; 3]>>> {
    let overdue = with_status(&ctx.assessment.metrics.statuses.closure, OVERDUE_OPEN)?;
    let (units, nos, projects, due) = (
        texts(&overdue, TARGET_UNIT)?,
        texts(&overdue, NOTICE_NO)?,
        texts(&overdue, PROJECT_NAME)?,
        dates(&overdue, T)?,
    );
    let days = super::columns::ints(&overdue, DAYS_LATE)?;
    let mut per_unit: BTreeMap<String, Vec<[Out; 3]>> = BTreeMap::new();
    for i in 0..overdue.height() {
        let Some(unit) = &units[i] else {
            continue;
        };
        per_unit.entry(unit.clone()).or_default().push([
            Out::text(format!(
                "{}（{}）",
                nos[i].clone().unwrap_or_default(),
                projects[i].clone().unwrap_or_default()
            )),
            Out::opt_date(due[i]),
            Out::opt_int(days[i]),
        ]);
    }
    Ok(per_unit)
}

/// One row per notice behind the unit's 督办逾期未办结 deduction, each with its points (the
/// last ones at the cap cost nothing more).
fn deduction_rows(
    ctx: &Context,
    score: &ScoreRow,
    notices: Option<Vec<[Out; 3]>>,
) -> Vec<Vec<Out>> {
    let (Some(rule), Some(notices)) = (ctx.config.scoring.deductions.first(), notices) else {
        return Vec::new();
    };
    if score.deduction.is_none_or(|d| d <= 0.0) {
        return Vec::new();
    }
    let mut left = rule.cap;
    notices
        .into_iter()
        .map(|[notice, due, days]| {
            let points = rule.points.min(left);
            left -= points;
            vec![
                Out::text(&score.unit),
                Out::text("扣分：督办逾期未办结"),
                notice,
                due,
                Out::text("未完成"),
                Out::text(CLOSURE_LABELS.open_late),
                days,
                Out::Number(points, NumFmt::Score),
            ]
        })
        .collect()
}

/// 总分, 扣分, 组内排名, 等次, 上月排名 and the sentence an office writes.
fn standing(ctx: &Context, score: Option<&ScoreRow>) -> Grid {
    let line = |label: &str, value: Out| vec![Out::text(label), value];
    let rows = match score {
        None => vec![line("说明", Out::text("本单位不参加考核排名"))],
        Some(s) => {
            let members = group_size(ctx, &s.group);
            vec![
                line("分组", Out::text(&s.group)),
                line("总分", Out::opt_number(s.total, super::grid::NumFmt::Score)),
                line(
                    "扣分",
                    Out::opt_number(s.deduction, super::grid::NumFmt::Score),
                ),
                line(
                    "组内排名",
                    Out::text(
                        s.rank
                            .map_or("—".into(), |r| format!("{r}（共 {members} 个）")),
                    ),
                ),
                line("等次", Out::text(&s.grade)),
                line("上月排名", Out::opt_int(s.previous_rank.map(i64::from))),
                line(
                    "排名变化",
                    Out::text(s.rank_change().map_or(String::new(), |c| match c {
                        c if c > 0 => format!("上升 {c} 位"),
                        c if c < 0 => format!("下降 {} 位", -c),
                        _ => "持平".into(),
                    })),
                ),
                line("小结", Out::text(sentence(s, members))),
            ]
        }
    };
    Grid {
        headers: vec!["项目".into(), "结果".into()],
        rows,
    }
}

/// How many units of `group` are ranked.
fn group_size(ctx: &Context, group: &str) -> usize {
    ctx.assessment
        .scores
        .iter()
        .filter(|s| s.group == group && s.rank.is_some())
        .count()
}

/// "本月得分 72.48，乡镇组第 2 名（共 9 个），较上月上升 1 位；失分主要在 调度任务落实（-2.71）……",
/// from the ranking's own numbers.
pub fn sentence(score: &ScoreRow, members: usize) -> String {
    let (Some(total), Some(rank)) = (score.total, score.rank) else {
        return "本月无考核事项，不参加排名。".into();
    };
    let change = match score.rank_change() {
        Some(c) if c > 0 => format!("，较上月上升 {c} 位"),
        Some(c) if c < 0 => format!("，较上月下降 {} 位", -c),
        Some(_) => "，与上月持平".into(),
        None => String::new(),
    };
    let mut losses: Vec<(String, f64)> = score
        .indicators
        .iter()
        .filter_map(|i| Some((i.indicator.label().to_string(), i.lost()?)))
        .filter(|(_, lost)| *lost > 0.0)
        .collect();
    if let Some(d) = score.deduction.filter(|d| *d > 0.0) {
        losses.push(("督办逾期未办结扣分".into(), d));
    }
    losses.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let lost = if losses.is_empty() {
        "各项均未失分".to_string()
    } else {
        let named: Vec<String> = losses
            .iter()
            .take(LOSSES_NAMED)
            .map(|(label, lost)| format!("{label}（-{lost:.2}）"))
            .collect();
        format!("失分主要在 {}", named.join("、"))
    };
    format!(
        "本月得分 {total:.2}，{}组第 {rank} 名（共 {members} 个）{change}；{lost}。",
        score.group
    )
}

/// Per (group, indicator label): the average score of the group's units the indicator applies
/// to.
fn group_averages(ctx: &Context) -> BTreeMap<(String, &'static str), f64> {
    let mut sums: BTreeMap<(String, &'static str), (f64, usize)> = BTreeMap::new();
    for row in &ctx.assessment.scores {
        for score in &row.indicators {
            if let Some(points) = score.score {
                let slot = sums
                    .entry((row.group.clone(), score.indicator.label()))
                    .or_default();
                slot.0 += points;
                slot.1 += 1;
            }
        }
    }
    sums.into_iter()
        .map(|(key, (sum, n))| (key, sum / n as f64))
        .collect()
}

/// The unit's indicator lines of 得分明细 (without the unit and group, which the title names),
/// each with its group's average score.
fn with_group_average(
    score: Option<&ScoreRow>,
    averages: &BTreeMap<(String, &'static str), f64>,
    mut lines: Grid,
) -> Grid {
    lines.headers.drain(..2);
    for row in &mut lines.rows {
        row.drain(..2);
    }
    let Some(score) = score else {
        return lines;
    };
    lines.headers.push("组内平均得分".into());
    for row in &mut lines.rows {
        let value = match row.first() {
            Some(Out::Text(label)) => averages
                .iter()
                .find(|((group, l), _)| *group == score.group && l == label)
                .map(|(_, average)| *average),
            _ => None,
        };
        row.push(Out::opt_number(value, NumFmt::Score));
    }
    lines
}

/// Items each unit finished during M, by the office's record (the kinds that close an item:
/// notices 办结, tasks 落实, projects started, completed or through 前期, 签约移交), on time or
/// late.
fn closed_this_month(ctx: &Context) -> Result<Bucketed<'static>> {
    let month_start = ctx.month_start();
    let mut rows: BTreeMap<String, Vec<(NaiveDate, Vec<Out>)>> = BTreeMap::new();
    for kind in ctx.assessment.metrics.statuses.kinds() {
        if !kind.closes || kind.items.height() == 0 {
            continue;
        }
        let items = kind.items;
        let (units, due, done, status) = (
            texts(items, kind.unit)?,
            dates(items, T)?,
            dates(items, C)?,
            texts(items, STATUS)?,
        );
        let open: Vec<Option<bool>> = items.column(OPEN)?.bool()?.iter().collect();
        for (i, name) in kind.names()?.into_iter().enumerate() {
            let (Some(unit), Some(done), Some(false)) = (&units[i], done[i], open[i]) else {
                continue;
            };
            if done < month_start {
                continue;
            }
            let on_time = status[i].as_deref() == Some(DONE_ON_TIME);
            rows.entry(unit.clone()).or_default().push((
                done,
                vec![
                    Out::text(unit),
                    Out::text(kind.label),
                    Out::text(name),
                    Out::opt_date(due[i]),
                    Out::opt_date(Some(done)),
                    Out::text(if on_time { "按时" } else { "逾期" }),
                ],
            ));
        }
    }
    Ok(Bucketed {
        headers: ["单位", "事项", "名称", "期限", "完成日期", "按时/逾期"]
            .map(String::from)
            .to_vec(),
        rows: rows
            .into_iter()
            .map(|(unit, mut listed)| {
                listed.sort_by_key(|(done, _)| *done);
                (
                    unit,
                    listed.into_iter().map(|(_, row)| Cow::Owned(row)).collect(),
                )
            })
            .collect(),
        numbered: false,
    })
}

/// Per unit, "本月未报送项目台账" with its due date for each monthly ledger due this month and not
/// yet submitted (before or after its due day).
fn ledger_notes(ctx: &Context) -> Result<BTreeMap<String, Vec<String>>> {
    let reports = &ctx.assessment.metrics.statuses.reports;
    let mut notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if reports.height() == 0 {
        return Ok(notes);
    }
    let (units, months, due) = (
        texts(reports, UNIT)?,
        texts(reports, REPORT_MONTH_LABEL)?,
        dates(reports, T)?,
    );
    let open: Vec<Option<bool>> = reports.column(OPEN)?.bool()?.iter().collect();
    let (month_start, month_end) = (ctx.month_start(), crate::dates::month_end(ctx.as_of));
    for i in 0..reports.height() {
        let (Some(unit), Some(due), Some(true)) = (&units[i], due[i], open[i]) else {
            continue;
        };
        if due < month_start || due > month_end {
            continue;
        }
        notes.entry(unit.clone()).or_default().push(format!(
            "本月未报送项目台账：{}的台账应于 {} 前报送。",
            months[i].clone().unwrap_or_default(),
            due.format("%Y-%m-%d")
        ));
    }
    Ok(notes)
}
