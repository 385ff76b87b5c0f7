//! 督查通报_<YYYY-MM>: the monthly supervision circular (SPEC §5.3) — per unit the four circular
//! items and the overdue notices, counts first, laid out for printing and for pasting.

use std::collections::BTreeMap;

use anyhow::Result;

use super::columns::{dates, ints, texts};
use super::grid::{new_workbook, write_grid, Grid, Out, SheetLayout};
use super::{Context, CIRCULAR, CLOSURE_LABELS};
use crate::ingest::schema::field::{NOTICE_NO, PROJECT_NAME, TARGET_UNIT};
use crate::metrics::due::{with_status, DAYS_LATE, OVERDUE_OPEN, STATUS, T, UNIT};

pub const SUMMARY: &str = "通报汇总";
pub const TEXT: &str = "通报文字";
pub const DETAIL: &str = "通报明细";
const OVERDUE_NOTICES: &str = "督办逾期未办结";

/// One late item of the circular.
struct Item {
    category: &'static str,
    what: String,
    due: Option<chrono::NaiveDate>,
    status: String,
    days: Option<i64>,
}

/// The circular's three tables, built once for the workbook and the 公文 (.docx) alike.
pub struct CircularTables {
    /// Per unit, items by category, then a 合计 row.
    pub summary: Grid,
    /// Per unit with items or reminders: 单位, 事项（项）, 通报内容 (lines joined by '\n').
    pub text: Grid,
    /// Every item: 序号, 单位, 类别, 事项, 期限, 状态, 逾期天数.
    pub detail: Grid,
}

impl CircularTables {
    pub fn build(ctx: &Context) -> Result<CircularTables> {
        let items = collect(ctx)?;
        Ok(CircularTables {
            summary: summary(ctx, &items),
            text: paragraphs(ctx, &items)?,
            detail: detail(ctx, &items),
        })
    }
}

pub fn circular_xlsx(ctx: &Context, tables: &CircularTables) -> Result<Vec<u8>> {
    let mut workbook = new_workbook(ctx.as_of)?;
    let layout = |what: &str| SheetLayout::titled(ctx.title(what));
    write_grid(
        workbook.add_worksheet().set_name(SUMMARY)?,
        &tables.summary,
        &layout("督查通报汇总"),
    )?;
    let text_layout = SheetLayout {
        max_width: Some(100.0),
        ..layout("督查通报")
    };
    write_grid(
        workbook.add_worksheet().set_name(TEXT)?,
        &tables.text,
        &text_layout,
    )?;
    write_grid(
        workbook.add_worksheet().set_name(DETAIL)?,
        &tables.detail,
        &layout("督查通报明细"),
    )?;
    Ok(workbook.save_to_buffer()?)
}

/// The circular's categories in order: the four items, then overdue notices.
pub fn categories() -> Vec<&'static str> {
    CIRCULAR
        .iter()
        .map(|c| c.label)
        .chain([OVERDUE_NOTICES])
        .collect()
}

/// Items per unit, most overdue first within each category.
fn collect(ctx: &Context) -> Result<BTreeMap<String, Vec<Item>>> {
    let metrics = &ctx.assessment.metrics;
    let mut by_unit: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for item in CIRCULAR {
        let Some(outcome) = metrics.indicator(item.indicator) else {
            continue;
        };
        let df = &outcome.late;
        let name_col = if item.indicator == crate::indicator::Indicator::Tasks {
            "content"
        } else {
            "name"
        };
        let (units, names, due, status, days) = (
            texts(df, UNIT)?,
            texts(df, name_col)?,
            dates(df, T)?,
            texts(df, STATUS)?,
            ints(df, DAYS_LATE)?,
        );
        for i in 0..df.height() {
            by_unit
                .entry(units[i].clone().unwrap_or_default())
                .or_default()
                .push(Item {
                    category: item.label,
                    what: names[i].clone().unwrap_or_default(),
                    due: due[i],
                    status: status[i].clone().unwrap_or_default(),
                    days: days[i],
                });
        }
    }
    // Notices past 办理时限 and open, in the notices' order.
    let overdue = with_status(&metrics.statuses.closure, OVERDUE_OPEN)?;
    let (no, units, project, deadline, days) = (
        texts(&overdue, NOTICE_NO)?,
        texts(&overdue, TARGET_UNIT)?,
        texts(&overdue, PROJECT_NAME)?,
        dates(&overdue, T)?,
        ints(&overdue, DAYS_LATE)?,
    );
    for i in 0..overdue.height() {
        by_unit
            .entry(units[i].clone().unwrap_or_default())
            .or_default()
            .push(Item {
                category: OVERDUE_NOTICES,
                what: format!(
                    "{}（{}）",
                    no[i].clone().unwrap_or_default(),
                    project[i].clone().unwrap_or_default()
                ),
                due: deadline[i],
                status: CLOSURE_LABELS.open_late.into(),
                days: days[i],
            });
    }
    let order = categories();
    for items in by_unit.values_mut() {
        items.sort_by(|a, b| {
            let pos = |c: &str| order.iter().position(|o| *o == c);
            pos(a.category)
                .cmp(&pos(b.category))
                .then(b.days.cmp(&a.days))
                .then(a.what.cmp(&b.what))
        });
    }
    Ok(by_unit)
}

/// Units in group order, then by number of items, most first.
fn ordered_units<'a>(
    ctx: &'a Context,
    items: &BTreeMap<String, Vec<Item>>,
) -> Vec<(&'a str, &'a str)> {
    let mut units: Vec<(&str, &str)> = ctx
        .config
        .units
        .iter()
        .map(|u| (u.name.as_str(), u.group.as_str()))
        .collect();
    units.sort_by_key(|(name, group)| {
        (
            ctx.config.group_rank(group),
            std::cmp::Reverse(items.get(*name).map_or(0, Vec::len)),
        )
    });
    units
}

fn summary(ctx: &Context, items: &BTreeMap<String, Vec<Item>>) -> Grid {
    let categories = categories();
    let mut totals = vec![0i64; categories.len() + 1];
    let mut rows = Vec::new();
    for (unit, group) in ordered_units(ctx, items) {
        let unit_items = items.get(unit).map_or(&[][..], Vec::as_slice);
        let mut row = vec![Out::text(unit), Out::text(group)];
        for (k, category) in categories.iter().enumerate() {
            let n = unit_items
                .iter()
                .filter(|i| i.category == *category)
                .count() as i64;
            totals[k] += n;
            row.push(Out::Int(n));
        }
        totals[categories.len()] += unit_items.len() as i64;
        row.push(Out::Int(unit_items.len() as i64));
        rows.push(row);
    }
    let mut total_row = vec![Out::text("合计"), Out::Empty];
    total_row.extend(totals.into_iter().map(Out::Int));
    rows.push(total_row);
    let mut headers = vec!["单位".to_string(), "分组".to_string()];
    headers.extend(categories.iter().map(|c| format!("{c}（项）")));
    headers.push("合计（项）".into());
    Grid { headers, rows }
}

/// One paragraph per unit with items, ready to paste into the official circular, ending with a
/// 下阶段提醒 line (the items falling due next); a unit with only reminders gets its line too.
fn paragraphs(ctx: &Context, items: &BTreeMap<String, Vec<Item>>) -> Result<Grid> {
    let reminders = reminders(ctx)?;
    let mut rows = Vec::new();
    for (unit, _) in ordered_units(ctx, items) {
        let reminder = reminders
            .get(unit)
            .map_or(String::new(), |r| format!("\n下阶段提醒：{r}"));
        let Some(unit_items) = items.get(unit).filter(|v| !v.is_empty()) else {
            if !reminder.is_empty() {
                rows.push(vec![
                    Out::text(unit),
                    Out::Int(0),
                    Out::text(format!("本月无逾期事项。{reminder}")),
                ]);
            }
            continue;
        };
        let parts: Vec<String> = categories()
            .iter()
            .filter_map(|category| {
                let of: Vec<String> = unit_items
                    .iter()
                    .filter(|i| i.category == *category)
                    .map(|i| match i.days {
                        Some(d) => format!("{}（{}，逾期{d}天）", i.what, i.status),
                        None => i.what.clone(),
                    })
                    .collect();
                (!of.is_empty()).then(|| format!("{category}{}项：{}", of.len(), of.join("；")))
            })
            .collect();
        rows.push(vec![
            Out::text(unit),
            Out::Int(unit_items.len() as i64),
            Out::text(format!("{}。{reminder}", parts.join("。"))),
        ]);
    }
    Ok(Grid {
        headers: ["单位", "事项（项）", "通报内容"]
            .map(String::from)
            .to_vec(),
        rows,
    })
}

/// Items named in a unit's reminder; the rest are counted.
const REMINDER_ITEMS: usize = 3;

/// Per unit, one sentence on its items falling due within `warn_working_days` working days.
fn reminders(ctx: &Context) -> Result<BTreeMap<String, String>> {
    use crate::metrics::warnings::{ITEM, WHAT};
    let warnings = &ctx.assessment.metrics.warnings;
    let (units, what, item, due) = (
        texts(warnings, UNIT)?,
        texts(warnings, WHAT)?,
        texts(warnings, ITEM)?,
        dates(warnings, T)?,
    );
    let mut per_unit: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for i in 0..warnings.height() {
        let (Some(unit), Some(due)) = (&units[i], due[i]) else {
            continue;
        };
        per_unit.entry(unit.clone()).or_default().push(format!(
            "{}：{}（{}到期）",
            what[i].clone().unwrap_or_default(),
            item[i].clone().unwrap_or_default(),
            due.format("%-m月%-d日")
        ));
    }
    let days = ctx.config.warn_working_days;
    Ok(per_unit
        .into_iter()
        .map(|(unit, listed)| {
            let more = match listed.len().saturating_sub(REMINDER_ITEMS) {
                0 => String::new(),
                n => format!("等，另有{n}项"),
            };
            let named: Vec<&str> = listed
                .iter()
                .take(REMINDER_ITEMS)
                .map(String::as_str)
                .collect();
            let sentence = format!(
                "未来{days}个工作日内有{}项事项到期：{}{more}，请按期完成。",
                listed.len(),
                named.join("；")
            );
            (unit, sentence)
        })
        .collect())
}

fn detail(ctx: &Context, items: &BTreeMap<String, Vec<Item>>) -> Grid {
    let mut rows = Vec::new();
    for (unit, _) in ordered_units(ctx, items) {
        for item in items.get(unit).map_or(&[][..], Vec::as_slice) {
            rows.push(vec![
                Out::Int(rows.len() as i64 + 1),
                Out::text(unit),
                Out::text(item.category),
                Out::text(&item.what),
                Out::opt_date(item.due),
                Out::text(&item.status),
                Out::opt_int(item.days),
            ]);
        }
    }
    Grid {
        headers: [
            "序号",
            "单位",
            "类别",
            "事项",
            "期限",
            "状态",
            "逾期天数（日历日）",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }
}
