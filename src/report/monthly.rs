//! 重点项目月度考核_<YYYY-MM>: the leadership workbook (SPEC §5.2).

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use polars::prelude::{Column, DataFrame};
use rust_xlsxwriter::{Chart, ChartType, Worksheet};

use super::columns::{dates, grid, numbers, texts, As};
use super::grid::{
    fit_columns, new_workbook, print_setup, write_grid, write_sections, write_table, write_title,
    Formats, Grid, NumFmt, Out, SheetLayout, MAX_COLUMN_WIDTH,
};
use super::trend::{self, trend_sheet};
use super::{
    circular_items, quality_summary, second_wave, statuses, Context, UnitLists, CIRCULAR,
    CLOSURE_LABELS, REPLY_LABELS,
};
use crate::indicator::Indicator;
use crate::ingest::schema::field::{NOTICE_NO, PROJECT_NAME, TARGET_UNIT, TASK_NO};
use crate::metrics::due::{
    C, DAYS_LATE, DONE_ON_TIME, NO_DEADLINE, OVERDUE_DONE, OVERDUE_OPEN, STATUS, T, UNIT,
};
use crate::metrics::lights::{LIGHT, REASONS};
use crate::metrics::projects::LEAD_UNIT;
use crate::metrics::reports::REPORT_MONTH_LABEL;
use crate::model::events::PROJECT_KEY;
use crate::scoring::ScoreRow;

pub const OVERVIEW: &str = "概览";
pub const SCORE_DETAIL: &str = "得分明细";
pub const LOST_ITEMS: &str = "失分事项";
pub const WARNINGS: &str = "预警";
pub const PROJECTS: &str = "项目清单";
pub const NOTICES: &str = "督办事项";
pub const VISITS: &str = "调研覆盖";
pub const QUALITY: &str = "数据质量";

const SECTORS: [&str; 4] = ["产业转型", "基础设施", "社会民生", "科技创新"];
const STAGES: [&str; 5] = ["谋划", "储备", "前期", "在建", "竣工"];
const LIGHTS: [&str; 3] = ["红灯", "黄灯", "绿灯"];
const SECTION_NUMBERS: [&str; 8] = ["一", "二", "三", "四", "五", "六", "七", "八"];

/// A bar chart tall enough for one bar per unit, in pixels.
fn chart_height(bars: usize) -> u32 {
    (bars as u32 * 26 + 90).max(220)
}

/// The workbook's bytes. The long lists go to constant-memory sheets, which write each row out
/// as it is finished: at the province tier they hold hundreds of thousands of cells, which a
/// normal sheet keeps until the workbook is saved.
pub fn monthly_xlsx(ctx: &Context, lists: &UnitLists) -> Result<Vec<u8>> {
    let mut workbook = new_workbook(ctx.as_of)?;
    overview(workbook.add_worksheet().set_name(OVERVIEW)?, ctx)?;
    trend_sheet(workbook.add_worksheet().set_name(trend::SHEET)?, ctx)?;
    let titled = |what: &str| SheetLayout::titled(ctx.title(what));
    write_grid(
        workbook
            .add_worksheet_with_constant_memory()?
            .set_name(SCORE_DETAIL)?,
        &lists.score_detail,
        &titled("考核得分明细"),
    )?;
    write_grid(
        workbook
            .add_worksheet_with_constant_memory()?
            .set_name(LOST_ITEMS)?,
        &lists.lost_items,
        &titled("失分事项"),
    )?;
    write_grid(
        workbook
            .add_worksheet_with_constant_memory()?
            .set_name(WARNINGS)?,
        &lists.warnings,
        &SheetLayout::titled(ctx.plain_title(&format!(
            "即将到期事项（预警：数据截止日后{}个工作日内到期、尚未完成）",
            ctx.config.warn_working_days
        ))),
    )?;
    let projects = project_list(ctx)?;
    let light_column = projects.headers.iter().position(|h| h == "红黄绿灯");
    write_grid(
        workbook
            .add_worksheet_with_constant_memory()?
            .set_name(PROJECTS)?,
        &projects,
        // Twenty-odd columns must fit an A4 page across: long text wraps in narrow columns.
        &SheetLayout {
            title: ctx.title("项目清单（五清台账）"),
            light_column,
            max_width: Some(18.0),
        },
    )?;
    for item in CIRCULAR {
        let grid = circular_items(ctx, item.indicator)?;
        write_grid(
            workbook
                .add_worksheet_with_constant_memory()?
                .set_name(item.sheet)?,
            &grid,
            &titled(item.label),
        )?;
    }
    write_grid(
        workbook
            .add_worksheet_with_constant_memory()?
            .set_name(NOTICES)?,
        &notice_list(ctx)?,
        &titled("挂牌督办事项（复函逾期、不完整、未办结或待销号）"),
    )?;
    visits_sheet(workbook.add_worksheet().set_name(VISITS)?, ctx)?;
    write_sections(
        workbook.add_worksheet().set_name(second_wave::LIBRARY)?,
        &ctx.plain_title("项目库（谋划储备）"),
        &second_wave::library_sections(ctx),
    )?;
    write_sections(
        workbook.add_worksheet().set_name(second_wave::INVESTMENT)?,
        &ctx.plain_title("招商引资（快速落地）"),
        &second_wave::investment_sections(ctx)?,
    )?;
    write_sections(
        workbook.add_worksheet().set_name(second_wave::MEETINGS)?,
        &ctx.plain_title("联席会议"),
        &second_wave::meeting_sections(ctx)?,
    )?;
    let mut quality_title = ctx.plain_title("报送数据质量");
    quality_title.extend(ctx.assessment.calendar_warning());
    write_sections(
        workbook.add_worksheet().set_name(QUALITY)?,
        &quality_title,
        &[
            ("一、各单位报送情况".to_string(), quality_summary(ctx)),
            (
                "二、越权报送（不计入）和单位报已落实待销号的事项".to_string(),
                overreach_list(ctx),
            ),
        ],
    )?;
    Ok(workbook.save_to_buffer()?)
}

/// Every refusal under "who may report what" and every completion awaiting the office's 销号,
/// from the files and from the assessment, for the office to see in one place.
fn overreach_list(ctx: &Context) -> Grid {
    use crate::ingest::problem::{AWAITING_CLOSURE, OVERREACH};
    let mut listed: Vec<&crate::ingest::problem::Problem> = ctx
        .files
        .iter()
        .flat_map(|f| f.all_problems())
        .chain(&ctx.assessment.problems)
        .filter(|p| p.reason.starts_with(OVERREACH) || p.reason.starts_with(AWAITING_CLOSURE))
        .collect();
    listed.sort_by(|a, b| {
        (&a.unit, &a.file, &a.sheet, a.row).cmp(&(&b.unit, &b.file, &b.sheet, b.row))
    });
    Grid {
        headers: super::quality::problem_headers("单位", "处理"),
        rows: listed
            .into_iter()
            .map(|p| super::quality::problem_row(Out::opt_text(p.unit.clone()), p))
            .collect(),
    }
}

fn count_status(df: &DataFrame) -> Result<(usize, usize)> {
    let status = texts(df, STATUS)?;
    let open = status
        .iter()
        .filter(|s| s.as_deref() == Some(crate::metrics::due::OVERDUE_OPEN))
        .count();
    Ok((open, status.len() - open))
}

/// Headline figures, each group's ranking with a bar chart, lights by 板块.
fn overview(sheet: &mut Worksheet, ctx: &Context) -> Result<()> {
    let formats = Formats::default();
    let title = ctx.title("月度考核");
    write_title(sheet, &title, &formats)?;
    let headline = headline(ctx)?;
    let mut row = write_table(sheet, title.len() as u32 + 1, &headline, &formats)? + 1;
    let mut grids = vec![headline];
    for group in &ctx.config.groups {
        let number = SECTION_NUMBERS.get(grids.len()).copied().unwrap_or("");
        let (ranked, next) = group_ranking(sheet, ctx, group, number, row, &formats)?;
        row = next;
        grids.push(ranked);
    }
    let number = SECTION_NUMBERS.get(grids.len()).copied().unwrap_or("");
    let by_sector = lights_by_sector(ctx, number)?;
    write_table(sheet, row, &by_sector, &formats)?;
    grids.push(by_sector);
    let refs: Vec<&Grid> = grids.iter().collect();
    fit_columns(sheet, &refs, MAX_COLUMN_WIDTH)?;
    print_setup(sheet, None)?;
    Ok(())
}

/// 一、总体情况: projects by stage, investment, lights, the circular items and notices.
fn headline(ctx: &Context) -> Result<Grid> {
    let metrics = &ctx.assessment.metrics;
    let projects = &metrics.lights;
    let stages = texts(projects, "stage")?;
    let sum =
        |name: &str| -> Result<f64> { Ok(numbers(projects, name)?.into_iter().flatten().sum()) };
    let (plan, ytd) = (sum("annual_plan")?, sum("ytd_investment")?);
    let mut headline: Vec<Vec<Out>> = vec![vec![
        Out::text("重点项目（个）"),
        Out::Int(projects.height() as i64),
    ]];
    for stage in STAGES {
        let n = stages
            .iter()
            .filter(|s| s.as_deref() == Some(stage))
            .count();
        headline.push(vec![
            Out::text(format!("　其中{stage}（个）")),
            Out::Int(n as i64),
        ]);
    }
    headline.push(vec![
        Out::text("总投资（万元）"),
        Out::Number(sum("total_investment")?, NumFmt::Money),
    ]);
    headline.push(vec![
        Out::text("年度计划投资（万元）"),
        Out::Number(plan, NumFmt::Money),
    ]);
    headline.push(vec![
        Out::text("本年完成投资（万元）"),
        Out::Number(ytd, NumFmt::Money),
    ]);
    headline.push(vec![
        Out::text("年度计划完成率"),
        Out::opt_number((plan > 0.0).then(|| ytd / plan), NumFmt::Rate),
    ]);
    headline.push(vec![
        Out::text("时序进度"),
        Out::Number(metrics.time_progress, NumFmt::Rate),
    ]);
    for (light, n) in light_counts(ctx)? {
        headline.push(vec![
            Out::text(format!("{light}项目（个）")),
            Out::Int(n as i64),
        ]);
    }
    for item in CIRCULAR {
        if let Some(outcome) = metrics.indicator(item.indicator) {
            let (open, late_done) = count_status(&outcome.late)?;
            headline.push(vec![
                Out::text(format!("{}（逾期未完成/逾期完成，项）", item.label)),
                Out::text(format!("{open} / {late_done}")),
            ]);
        }
    }
    let overdue: u32 = metrics.overdue_notices.values().sum();
    headline.push(vec![
        Out::text("督办事项逾期未办结（件）"),
        Out::Int(i64::from(overdue)),
    ]);
    headline.push(vec![
        Out::text("督办复函不完整（件）"),
        Out::Int(metrics.incomplete_replies.height() as i64),
    ]);
    headline.push(vec![
        Out::text(format!(
            "未来{}个工作日内到期事项（预警，项）",
            ctx.config.warn_working_days
        )),
        Out::Int(metrics.warnings.height() as i64),
    ]);
    let undecidable = ctx
        .assessment
        .problems
        .iter()
        .filter(|p| p.severity == crate::ingest::problem::Severity::Undecidable)
        .count();
    if undecidable > 0 {
        headline.push(vec![
            Out::text("无法判定事项（缺工作日历，项）"),
            Out::Int(undecidable as i64),
        ]);
    }
    if let Some(gap) = ctx.assessment.calendar_gap() {
        headline.push(vec![Out::text("工作日历"), Out::text(gap)]);
    }
    Ok(Grid {
        headers: vec!["一、总体情况".into(), "数值".into()],
        rows: headline,
    })
}

/// Projects per light: 红灯, 黄灯, 绿灯.
pub(super) fn light_counts(ctx: &Context) -> Result<Vec<(&'static str, usize)>> {
    let lights = texts(&ctx.assessment.metrics.lights, LIGHT)?;
    Ok(LIGHTS
        .iter()
        .map(|light| {
            let n = lights
                .iter()
                .filter(|l| l.as_deref() == Some(*light))
                .count();
            (*light, n)
        })
        .collect())
}

/// One group's ranking with a bar chart of its totals, written at `row`; returns the grid and
/// the row after it.
fn group_ranking(
    sheet: &mut Worksheet,
    ctx: &Context,
    group: &str,
    number: &str,
    row: u32,
    formats: &Formats,
) -> Result<(Grid, u32)> {
    let members: Vec<&ScoreRow> = ctx
        .assessment
        .scores
        .iter()
        .filter(|s| s.group == group)
        .collect();
    let ranked = Grid {
        headers: ["单位", "排名", "总分", "等次", "上月排名", "排名变化"]
            .map(String::from)
            .to_vec(),
        rows: members
            .iter()
            .map(|s| {
                vec![
                    Out::text(&s.unit),
                    Out::opt_int(s.rank.map(i64::from)),
                    Out::opt_number(s.total, NumFmt::Score),
                    Out::text(&s.grade),
                    Out::opt_int(s.previous_rank.map(i64::from)),
                    Out::text(change_arrow(s.rank_change())),
                ]
            })
            .collect(),
    };
    sheet.write_string_with_format(
        row,
        0,
        format!("{number}、考核排名（{group}）"),
        &formats.section,
    )?;
    let first = row + 1;
    let end = write_table(sheet, first, &ranked, formats)?;
    if !members.is_empty() {
        let mut chart = Chart::new(ChartType::Bar);
        chart
            .add_series()
            .set_name(&format!("{group}总分"))
            .set_categories((OVERVIEW, first + 1, 0, end - 1, 0))
            .set_values((OVERVIEW, first + 1, 2, end - 1, 2));
        chart.title().set_name(&format!("{group}考核总分"));
        chart.legend().set_hidden();
        chart.y_axis().set_reverse();
        chart.x_axis().set_min(0).set_max(100);
        chart.set_width(480).set_height(chart_height(members.len()));
        sheet.insert_chart(first, 7, &chart)?;
    }
    let chart_rows = chart_height(members.len()) / 20 + 1;
    Ok((ranked, end.max(first + chart_rows) + 1))
}

/// Lights per 板块, under the section `number`.
fn lights_by_sector(ctx: &Context, number: &str) -> Result<Grid> {
    let projects = &ctx.assessment.metrics.lights;
    let (sectors, lights) = (texts(projects, "sector")?, texts(projects, LIGHT)?);
    Ok(Grid {
        headers: [
            &format!("{number}、红黄绿灯（按板块）") as &str,
            "红灯",
            "黄灯",
            "绿灯",
            "合计",
        ]
        .map(String::from)
        .to_vec(),
        rows: SECTORS
            .iter()
            .map(|sector| {
                let counts: Vec<i64> = LIGHTS
                    .iter()
                    .map(|l| {
                        (0..projects.height())
                            .filter(|i| {
                                sectors[*i].as_deref() == Some(*sector)
                                    && lights[*i].as_deref() == Some(*l)
                            })
                            .count() as i64
                    })
                    .collect();
                let total = counts.iter().sum();
                let mut cells = vec![Out::text(*sector)];
                cells.extend(counts.into_iter().map(Out::Int));
                cells.push(Out::Int(total));
                cells
            })
            .collect(),
    })
}

/// ↑2 / ↓1 / 持平 for people; the ranking CSV keeps the plain number.
pub(super) fn change_arrow(change: Option<i64>) -> String {
    match change {
        Some(c) if c > 0 => format!("↑{c}"),
        Some(c) if c < 0 => format!("↓{}", -c),
        Some(_) => "持平".into(),
        None => String::new(),
    }
}

/// Per unit and indicator: rate, items, points, points lost and how many items lost them.
pub(super) fn score_detail(ctx: &Context) -> Grid {
    let metrics = &ctx.assessment.metrics;
    let late_counts: HashMap<(Indicator, String), usize> = metrics
        .indicators
        .iter()
        .flat_map(|o| {
            texts(&o.late, UNIT)
                .unwrap_or_default()
                .into_iter()
                .flatten()
                .map(move |u| (o.indicator, u))
        })
        .fold(HashMap::new(), |mut m, k| {
            *m.entry(k).or_insert(0) += 1;
            m
        });
    let deduction_rule: String = ctx
        .config
        .scoring
        .deductions
        .iter()
        .map(|d| format!("每件扣{}分，最多扣{}分", d.points, d.cap))
        .collect::<Vec<_>>()
        .join("；");
    let mut out = Vec::new();
    for row in &ctx.assessment.scores {
        for score in &row.indicators {
            let ratio = metrics
                .indicator(score.indicator)
                .and_then(|o| o.ratios.get(&row.unit))
                .filter(|r| r.scope > 0.0);
            let amount = |x: Option<f64>| match score.indicator {
                Indicator::Investment => Out::opt_number(x, NumFmt::Money),
                _ => Out::opt_int(x.map(|x| x as i64)),
            };
            out.push(vec![
                Out::text(&row.unit),
                Out::text(&row.group),
                Out::text(score.indicator.label()),
                amount(ratio.map(|r| r.met)),
                amount(ratio.map(|r| r.scope)),
                Out::opt_number(score.rate, NumFmt::Rate),
                Out::opt_number(score.max, NumFmt::Score),
                Out::opt_number(score.score, NumFmt::Score),
                Out::opt_number(score.lost(), NumFmt::Score),
                Out::Int(
                    late_counts
                        .get(&(score.indicator, row.unit.clone()))
                        .copied()
                        .unwrap_or(0) as i64,
                ),
                Out::text(score_note(ctx, row, score)),
            ]);
        }
        if let Some(d) = row.deduction.filter(|d| *d > 0.0) {
            let n = ctx
                .assessment
                .metrics
                .overdue_notices
                .get(&row.unit)
                .copied()
                .unwrap_or(0);
            out.push(vec![
                Out::text(&row.unit),
                Out::text(&row.group),
                Out::text("扣分：督办逾期未办结"),
                Out::Empty,
                Out::Empty,
                Out::Empty,
                Out::Empty,
                Out::Number(-d, NumFmt::Score),
                Out::Number(d, NumFmt::Score),
                Out::Int(i64::from(n)),
                Out::text(&deduction_rule),
            ]);
        }
    }
    Grid {
        headers: [
            "单位",
            "分组",
            "指标",
            "完成数（投资为万元）",
            "应完成数",
            "完成率",
            "满分",
            "得分",
            "失分",
            "失分事项（项）",
            "说明",
        ]
        .map(String::from)
        .to_vec(),
        rows: out,
    }
}

/// Why an indicator line of 得分明细 scores as it does, when that needs saying.
fn score_note(
    ctx: &Context,
    row: &ScoreRow,
    score: &crate::scoring::IndicatorScore,
) -> &'static str {
    let unweighted = ctx.config.scoring.weights.get(score.indicator) == 0.0;
    match (score.rate, row.total) {
        (None, _) => "不适用",
        (Some(_), None) if unweighted => {
            "分值为0，仅列示不计分；本单位没有计分的考核事项，故为“无考核事项”"
        }
        (Some(_), _) if unweighted => "分值为0，仅列示不计分",
        _ => "",
    }
}

/// Every item behind lost points, by unit and indicator.
pub(super) fn lost_items(ctx: &Context) -> Result<Grid> {
    let mut out: Vec<(String, usize, Vec<Out>)> = Vec::new();
    for outcome in &ctx.assessment.metrics.indicators {
        let df = &outcome.late;
        let units = texts(df, UNIT)?;
        let labels = item_labels(outcome.indicator, df)?;
        let (due, done) = if df.schema().contains(T) {
            (dates(df, T)?, dates(df, C)?)
        } else {
            (vec![None; df.height()], vec![None; df.height()])
        };
        let status = if df.schema().contains(STATUS) {
            texts(df, STATUS)?
        } else {
            vec![None; df.height()]
        };
        let days = if df.schema().contains(DAYS_LATE) {
            super::columns::ints(df, DAYS_LATE)?
        } else {
            vec![None; df.height()]
        };
        let order = Indicator::ALL
            .iter()
            .position(|i| *i == outcome.indicator)
            .unwrap_or(0);
        for i in 0..df.height() {
            let unit = units[i].clone().unwrap_or_default();
            out.push((
                unit.clone(),
                order,
                vec![
                    Out::text(unit),
                    Out::text(outcome.indicator.label()),
                    Out::text(&labels[i]),
                    Out::opt_date(due[i]),
                    Out::opt_date(done[i]),
                    Out::opt_text(status[i].clone()),
                    Out::opt_int(days[i]),
                ],
            ));
        }
    }
    let unit_order: BTreeMap<&str, usize> = ctx
        .config
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.name.as_str(), i))
        .collect();
    out.sort_by_key(|(unit, order, _)| {
        (
            unit_order.get(unit.as_str()).copied().unwrap_or(usize::MAX),
            *order,
        )
    });
    Ok(Grid {
        headers: [
            "单位",
            "指标",
            "事项",
            "期限",
            "完成日期",
            "状态",
            "逾期天数（日历日）",
        ]
        .map(String::from)
        .to_vec(),
        rows: out.into_iter().map(|(_, _, row)| row).collect(),
    })
}

/// A short description of each late item of an indicator.
fn item_labels(indicator: Indicator, df: &DataFrame) -> Result<Vec<String>> {
    let get = |name: &str| -> Result<Vec<String>> {
        Ok(texts(df, name)?
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect())
    };
    Ok(match indicator {
        Indicator::Reply | Indicator::Closure => {
            let (no, project, matter) = (get(NOTICE_NO)?, get(PROJECT_NAME)?, get("matter")?);
            (0..df.height())
                .map(|i| format!("{}（{}）：{}", no[i], project[i], matter[i]))
                .collect()
        }
        Indicator::Tasks => {
            let (no, content) = (get(TASK_NO)?, get("content")?);
            (0..df.height())
                .map(|i| format!("{}：{}", no[i], content[i]))
                .collect()
        }
        Indicator::MonthlyReport => get(REPORT_MONTH_LABEL)?
            .into_iter()
            .map(|m| format!("{m}项目台账"))
            .collect(),
        Indicator::Investment => {
            let (name, share) = (get("name")?, numbers(df, "plan_share")?);
            (0..df.height())
                .map(|i| {
                    format!(
                        "{}（完成年度计划{:.1}%）",
                        name[i],
                        share[i].unwrap_or(0.0) * 100.0
                    )
                })
                .collect()
        }
        Indicator::Visits => get("name")?
            .into_iter()
            .map(|n| format!("{n}（本月未调研）"))
            .collect(),
        Indicator::Start | Indicator::Completion | Indicator::Prelim => get("name")?,
        Indicator::Handover => get("name")?
            .into_iter()
            .map(|n| format!("{n}（签约后移交）"))
            .collect(),
    })
}

/// Per project (rows of `projects`): its open tasks and notices, and how many of them were
/// closed this month on time and late (from the items' statuses).
fn problems_per_project(ctx: &Context, projects: &DataFrame) -> Result<ProjectItems> {
    let month_start = ctx.month_start();
    let project_of: HashMap<String, usize> = texts(projects, PROJECT_KEY)?
        .into_iter()
        .enumerate()
        .filter_map(|(i, key)| Some((key?, i)))
        .collect();
    let mut open: Vec<Vec<String>> = vec![Vec::new(); projects.height()];
    let mut closed: Vec<(u32, u32)> = vec![(0, 0); projects.height()];
    let statuses = &ctx.assessment.metrics.statuses;
    for (df, no_col, claim_col, label) in [
        (
            &statuses.tasks,
            TASK_NO,
            crate::model::authority::CLAIMED_DONE,
            "任务",
        ),
        (
            &statuses.closure,
            NOTICE_NO,
            crate::model::authority::CLAIMED_CLOSED,
            "督办",
        ),
    ] {
        let (nos, keys) = (texts(df, no_col)?, texts(df, PROJECT_KEY)?);
        let (done, status) = (dates(df, C)?, texts(df, STATUS)?);
        let claimed = dates(df, claim_col)?;
        for i in 0..df.height() {
            let Some(&p) = keys[i].as_ref().and_then(|k| project_of.get(k)) else {
                continue;
            };
            // The office's record decides; a unit's claimed completion is shown beside it.
            let claim = if claimed[i].is_some_and(|c| c <= ctx.as_of) {
                format!("（{}）", crate::model::authority::AWAITING_CONFIRMATION)
            } else {
                String::new()
            };
            match done[i] {
                None => open[p].push(format!(
                    "{label}{}{claim}",
                    nos[i].clone().unwrap_or_default()
                )),
                Some(d) if d >= month_start => {
                    if status[i].as_deref() == Some(DONE_ON_TIME) {
                        closed[p].0 += 1;
                    } else {
                        closed[p].1 += 1;
                    }
                }
                Some(_) => {}
            }
        }
    }
    Ok(ProjectItems { open, closed })
}

/// A project's tasks and notices in the 五清台账.
struct ProjectItems {
    /// Per project, its open items ("任务R-12", "督办长重督〔2026〕5号（待销号）").
    open: Vec<Vec<String>>,
    /// Per project, items closed this month (on time, late).
    closed: Vec<(u32, u32)>,
}

/// The 五清台账: base facts, progress, open problems, responsibility, resolution, light.
fn project_list(ctx: &Context) -> Result<Grid> {
    let projects = &ctx.assessment.metrics.lights;
    let ProjectItems { open, closed } = problems_per_project(ctx, projects)?;
    let mut listed = projects.clone();
    let open: Vec<String> = open.iter().map(|items| items.join("、")).collect();
    let closed: Vec<String> = closed
        .iter()
        .map(|(on_time, late)| format!("按期{on_time}项，逾期{late}项"))
        .collect();
    listed.with_column(Column::new(OPEN_ITEMS.into(), open))?;
    listed.with_column(Column::new(CLOSED_ITEMS.into(), closed))?;
    Ok(grid(
        &listed,
        &[
            ("牵头责任单位", LEAD_UNIT, As::Text),
            ("项目名称", "name", As::Text),
            ("项目代码", "code", As::Text),
            ("所属板块", "sector", As::Text),
            ("项目阶段", "stage", As::Text),
            ("属地乡镇", "town", As::Text),
            ("投资主体", "investor", As::Text),
            ("建设内容", "content", As::Text),
            ("总投资（万元）", "total_investment", As::Money),
            ("年度计划投资（万元）", "annual_plan", As::Money),
            ("本年完成投资（万元）", "ytd_investment", As::Money),
            ("计划开工日期", "planned_start", As::Date),
            ("实际开工日期", "actual_start", As::Date),
            ("计划竣工日期", "planned_completion", As::Date),
            ("实际竣工日期", "actual_completion", As::Date),
            ("形象进度", "progress", As::Text),
            ("存在问题", "problems", As::Text),
            ("未办结任务/督办", OPEN_ITEMS, As::Text),
            ("包联领导", "leader", As::Text),
            ("本月办结任务/督办", CLOSED_ITEMS, As::Text),
            ("红黄绿灯", LIGHT, As::Text),
            ("亮灯原因", REASONS, As::Text),
        ],
        true,
    )?)
}

/// The 五清台账's columns made from the project's tasks and notices.
const OPEN_ITEMS: &str = "open_items";
const CLOSED_ITEMS: &str = "closed_this_month";

/// Notices with a late or missing reply, an incomplete reply, or not closed by their deadline.
fn notice_list(ctx: &Context) -> Result<Grid> {
    let df = &ctx.assessment.metrics.notices;
    let d = ctx.as_of;
    let missing: HashMap<String, String> =
        texts(&ctx.assessment.metrics.incomplete_replies, NOTICE_NO)?
            .into_iter()
            .zip(texts(
                &ctx.assessment.metrics.incomplete_replies,
                "missing",
            )?)
            .filter_map(|(n, m)| Some((n?, m?)))
            .collect();
    let (no, unit, project, matter) = (
        texts(df, NOTICE_NO)?,
        texts(df, TARGET_UNIT)?,
        texts(df, PROJECT_NAME)?,
        texts(df, "matter")?,
    );
    let issued = dates(df, "issued")?;
    let (reply, closure) = (
        &ctx.assessment.metrics.statuses.reply,
        &ctx.assessment.metrics.statuses.closure,
    );
    if reply.height() != df.height() || closure.height() != df.height() {
        anyhow::bail!("督办事项的复函、办结状态与事项不对应");
    }
    let (reply_due, replied_by_d, reply_status) =
        (dates(reply, T)?, dates(reply, C)?, statuses(reply)?);
    let (deadline, closed_by_d, close_status) =
        (dates(closure, T)?, dates(closure, C)?, statuses(closure)?);
    let claimed = dates(df, crate::model::authority::CLAIMED_CLOSED)?;
    let mut out = Vec::new();
    for i in 0..df.height() {
        let (replied_by_d, closed_by_d) = (replied_by_d[i], closed_by_d[i]);
        let reply_state = REPLY_LABELS.label(&reply_status[i].0, reply_status[i].1);
        let close_state = CLOSURE_LABELS.label(&close_status[i].0, close_status[i].1);
        let gap = no[i].as_ref().and_then(|n| missing.get(n)).cloned();
        // A closure the unit reports but the office has not recorded: for the office to confirm.
        let claim = claimed[i].filter(|c| *c <= d && closed_by_d.is_none());
        let late = |status: &str| matches!(status, OVERDUE_DONE | OVERDUE_OPEN);
        let problem = late(&reply_status[i].0)
            || claim.is_some()
            || reply_status[i].0 == NO_DEADLINE
            || gap.is_some()
            || late(&close_status[i].0);
        if !problem {
            continue;
        }
        out.push(vec![
            Out::opt_text(no[i].clone()),
            Out::opt_text(unit[i].clone()),
            Out::opt_text(project[i].clone()),
            Out::opt_text(matter[i].clone()),
            Out::opt_date(issued[i]),
            Out::opt_date(reply_due[i]),
            Out::opt_date(replied_by_d),
            Out::text(reply_state),
            Out::text(gap.map(|g| format!("缺{g}")).unwrap_or_default()),
            Out::opt_date(deadline[i]),
            Out::opt_date(closed_by_d),
            Out::text(close_state),
            Out::text(claim.map_or(String::new(), |c| {
                format!(
                    "{}（{}）",
                    crate::model::authority::AWAITING_CONFIRMATION,
                    c.format("%Y-%m-%d")
                )
            })),
        ]);
    }
    Ok(Grid {
        headers: [
            "通知书编号",
            "督办对象",
            "项目名称",
            "督办事项",
            "下发日期",
            "复函期限",
            "复函日期",
            "复函情况",
            "复函不完整",
            "办理时限",
            "办结日期",
            "办结情况",
            "单位报办结（待销号）",
        ]
        .map(String::from)
        .to_vec(),
        rows: out,
    })
}

/// Coverage by unit (scored) and by leader (not scored), one above the other.
fn visits_sheet(sheet: &mut Worksheet, ctx: &Context) -> Result<()> {
    let metrics = &ctx.assessment.metrics;
    let coverage = metrics.indicator(Indicator::Visits);
    let mut not_visited: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(outcome) = coverage {
        for (u, n) in texts(&outcome.late, UNIT)?
            .into_iter()
            .zip(texts(&outcome.late, "name")?)
        {
            if let (Some(u), Some(n)) = (u, n) {
                not_visited.entry(u).or_default().push(n);
            }
        }
    }
    let by_unit = Grid {
        headers: [
            "单位",
            "前期及在建项目（个）",
            "本月本单位已调研（个）",
            "覆盖率",
            "未调研项目",
        ]
        .map(String::from)
        .to_vec(),
        rows: coverage
            .map(|o| {
                o.ratios
                    .iter()
                    .map(|(unit, r)| {
                        vec![
                            Out::text(unit),
                            Out::Int(r.scope as i64),
                            Out::Int(r.met as i64),
                            Out::opt_number(r.rate(), NumFmt::Rate),
                            Out::text(
                                not_visited
                                    .get(unit)
                                    .map(|v| v.join("、"))
                                    .unwrap_or_default(),
                            ),
                        ]
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    let by_leader = grid(
        &metrics.leader_visits,
        &[
            ("包联领导", "leader", As::Text),
            ("职务", "title", As::Text),
            ("包联前期及在建项目（个）", "projects", As::Int),
            ("本月本人已调研（个）", "visited", As::Int),
            ("覆盖率", "rate", As::Rate),
            ("未调研项目", "not_visited", As::Text),
        ],
        false,
    )?;
    write_sections(
        sheet,
        &ctx.title("现场调研覆盖"),
        &[
            ("一、按单位（计入考核）".into(), by_unit),
            ("二、按包联领导（不计入考核）".into(), by_leader),
        ],
    )?;
    Ok(())
}
