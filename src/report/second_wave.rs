//! The leadership workbook's sheets for the rest of the five systems (SPEC §7): 项目库 (谋划储备),
//! 招商引资 (快速落地) and 联席会议, each readable on its own and printable.

use std::collections::BTreeMap;

use anyhow::Result;
use polars::prelude::{col, lit, when, DataType, IntoLazy, SortMultipleOptions, NULL};

use super::columns::{dates, grid, texts, As};
use super::grid::{Grid, NumFmt, Out};
use super::{statuses, Context, MINUTES_LABELS};
use crate::metrics::due::{with_status, C, DAYS_LATE, OVERDUE_DONE, OVERDUE_OPEN, T, UNIT};
use crate::metrics::landing::{COUNTY, FUNNEL, PROVEN_STAGE};
use crate::metrics::library::BATCHES;
use crate::metrics::Ratio;

pub const LIBRARY: &str = "项目库";
pub const INVESTMENT: &str = "招商引资";
pub const MEETINGS: &str = "联席会议";

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn rate(r: Option<&Ratio>) -> Out {
    Out::opt_number(r.and_then(|r| r.rate()), NumFmt::Rate)
}

/// A 合计 row under a table of (count, 万元) pairs: sums each pair column.
fn total_row(label: &str, rows: &[Vec<Out>], pairs: usize) -> Vec<Out> {
    let mut total = vec![Out::text(label)];
    for p in 0..pairs {
        let (mut n, mut amount) = (0i64, 0.0);
        for row in rows {
            if let Some(Out::Int(x)) = row.get(1 + 2 * p) {
                n += x;
            }
            if let Some(Out::Number(x, _)) = row.get(2 + 2 * p) {
                amount += x;
            }
        }
        total.push(Out::Int(n));
        total.push(Out::Number(amount, NumFmt::Money));
    }
    total
}

/// The items behind a rate: in scope, met, and the rate.
fn rate_cells(r: Option<&Ratio>) -> [Out; 3] {
    let r = r.copied().unwrap_or_default();
    [
        Out::Int(r.scope as i64),
        Out::Int(r.met as i64),
        rate(Some(&r)),
    ]
}

/// 谋划一批/储备一批/实施一批/竣工 by unit and 板块, description completeness, reserve depth.
pub fn library_sections(ctx: &Context) -> Vec<(String, Grid)> {
    let lib = &ctx.assessment.metrics.library;
    let (by_unit, by_sector) = (library_by_unit(ctx), library_by_sector(lib));
    let batch_headers = |first: &str, last: &[&str]| {
        let mut h = vec![first.to_string()];
        for (batch, _) in BATCHES {
            h.push(format!("{batch}（个）"));
            h.push(format!("{batch}总投资（万元）"));
        }
        h.extend(last.iter().map(|s| s.to_string()));
        h
    };
    vec![
        (
            "一、项目库（按单位）".into(),
            Grid {
                headers: batch_headers(
                    "单位",
                    &[
                        "谋划储备项目（个）",
                        "说明书完整（个）",
                        "项目说明书完整率",
                    ],
                ),
                rows: by_unit,
            },
        ),
        (
            "二、项目库（按板块）".into(),
            Grid {
                headers: batch_headers("所属板块", &[]),
                rows: by_sector,
            },
        ),
        (
            "三、项目说明书不完整的谋划、储备项目（完整率的未完成项）".into(),
            Grid {
                headers: headers(&["单位", "项目名称", "项目阶段", "缺少内容"]),
                rows: lib
                    .incomplete
                    .iter()
                    .map(|(u, n, s, m)| {
                        vec![Out::text(u), Out::text(n), Out::text(s), Out::text(m)]
                    })
                    .collect(),
            },
        ),
        (
            "四、储备深度不足的项目（缺可研批复、专家评审、立项赋码或项目代码；数据截止日后的日期不计）"
                .into(),
            Grid {
                headers: headers(&["单位", "项目名称", "缺少"]),
                rows: lib
                    .shallow_reserve
                    .iter()
                    .map(|(u, n, m)| vec![Out::text(u), Out::text(n), Out::text(m)])
                    .collect(),
            },
        ),
    ]
}

/// Per unit with projects in the library: count and 总投资 per batch, and 说明书完整率; a 合计
/// row last.
fn library_by_unit(ctx: &Context) -> Vec<Vec<Out>> {
    let lib = &ctx.assessment.metrics.library;
    // (unit, batch) totals in one pass: a province has thousands of units.
    let mut per_unit: BTreeMap<(&str, &str), (u32, f64)> = BTreeMap::new();
    for ((unit, batch, _), (n, total)) in &lib.batches {
        let slot = per_unit.entry((unit.as_str(), batch)).or_default();
        slot.0 += n;
        slot.1 += total;
    }
    let mut by_unit = Vec::new();
    let mut described = Ratio::default();
    for unit in &ctx.config.units {
        let cells: Vec<(u32, f64)> = BATCHES
            .iter()
            .map(|(batch, _)| {
                per_unit
                    .get(&(unit.name.as_str(), *batch))
                    .copied()
                    .unwrap_or_default()
            })
            .collect();
        if cells.iter().all(|(n, _)| *n == 0) {
            continue;
        }
        let mut row = vec![Out::text(&unit.name)];
        for (n, total) in cells {
            row.push(Out::Int(i64::from(n)));
            row.push(Out::Number(total, NumFmt::Money));
        }
        let complete = lib.description_complete.get(&unit.name);
        if let Some(r) = complete {
            described.met += r.met;
            described.scope += r.scope;
        }
        row.extend(rate_cells(complete));
        by_unit.push(row);
    }
    let mut unit_total = total_row("合计", &by_unit, BATCHES.len());
    unit_total.extend(rate_cells(Some(&described)));
    by_unit.push(unit_total);
    by_unit
}

/// Per 所属板块: count and 总投资 per batch; a 合计 row last.
fn library_by_sector(lib: &crate::metrics::library::Library) -> Vec<Vec<Out>> {
    let mut sectors: Vec<&String> = lib.batches.keys().map(|(_, _, s)| s).collect();
    sectors.sort();
    sectors.dedup();
    let mut by_sector: Vec<Vec<Out>> = sectors
        .into_iter()
        .map(|sector| {
            let mut row = vec![Out::text(sector)];
            for (batch, _) in BATCHES {
                let (n, total) = lib
                    .batches
                    .iter()
                    .filter(|((_, b, s), _)| *b == batch && s == sector)
                    .fold((0, 0.0), |acc, (_, (n, t))| (acc.0 + n, acc.1 + t));
                row.push(Out::Int(i64::from(n)));
                row.push(Out::Number(total, NumFmt::Money));
            }
            row
        })
        .collect();
    by_sector.push(total_row("合计", &by_sector, BATCHES.len()));
    by_sector
}

/// The funnel, 签约移交, 先评估后签约 and 落地率.
pub fn investment_sections(ctx: &Context) -> Result<Vec<(String, Grid)>> {
    let landing = &ctx.assessment.metrics.landing;
    let year = ctx.as_of.format("%Y");
    let late_list = |status: &str| -> Result<Grid> {
        let rows = with_status(&landing.handover.late, status)?;
        Ok(grid(
            &rows,
            &[
                ("招商单位", UNIT, As::Text),
                ("项目名称", "name", As::Text),
                ("投资方", "investor", As::Text),
                ("签约日期", "signed", As::Date),
                ("移交期限", T, As::Date),
                ("移交日期", C, As::Date),
                ("承接单位", "receiver", As::Text),
                ("逾期天数（日历日）", DAYS_LATE, As::Int),
            ],
            false,
        )?)
    };
    let days = ctx.config.handover_working_days;
    Ok(vec![
        (
            format!(
                "一、招商引资项目推进（按阶段，日期证明的最远阶段；全县为合计；签约移交：签约后第{days}个工作日内移交承接单位）"
            ),
            funnel_grid(ctx),
        ),
        (
            "二、签约移交逾期未完成".into(),
            late_list(OVERDUE_OPEN)?,
        ),
        ("三、签约移交逾期完成".into(), late_list(OVERDUE_DONE)?),
        (
            format!("四、未先评估后签约的项目（{year}年签约）"),
            signed_before_evaluated(ctx)?,
        ),
        (
            "五、招商引资项目清单（推进表各项数字的明细；数据截止日后的日期不计，不列出）".into(),
            investment_list(ctx)?,
        ),
    ])
}

/// Per 招商单位 and for the county: the funnel by stage, 签约移交 and 落地率.
fn funnel_grid(ctx: &Context) -> Grid {
    let landing = &ctx.assessment.metrics.landing;
    let mut units: Vec<String> = landing
        .funnel
        .keys()
        .map(|(u, _)| u.clone())
        .filter(|u| u != COUNTY)
        .collect();
    units.dedup();
    units.push(COUNTY.to_string());
    let rows = units
        .iter()
        .map(|unit| {
            let mut row = vec![Out::text(unit)];
            for stage in FUNNEL {
                let (n, amount) = landing
                    .funnel
                    .get(&(unit.clone(), stage))
                    .copied()
                    .unwrap_or_default();
                row.push(Out::Int(i64::from(n)));
                row.push(Out::Number(amount, NumFmt::Money));
            }
            let handover = if unit == COUNTY {
                Some(&landing.handover_county)
            } else {
                landing.handover.ratios.get(unit)
            };
            let handover = handover.copied().unwrap_or_default();
            row.push(Out::Int(handover.scope as i64));
            row.push(Out::Int(handover.met as i64));
            row.push(Out::Int((handover.scope - handover.met) as i64));
            row.push(rate(Some(&handover)));
            row.extend(rate_cells(landing.landing_rate.get(unit)));
            row
        })
        .collect();
    let year = ctx.as_of.format("%Y");
    let mut funnel_headers = vec!["招商单位".to_string()];
    for stage in FUNNEL {
        funnel_headers.push(format!("{stage}（个）"));
        funnel_headers.push(format!("{stage}协议投资额（万元）"));
    }
    funnel_headers.extend([
        "应移交（个）".to_string(),
        "按时移交（个）".into(),
        "逾期（个）".into(),
        "签约移交率".into(),
        format!("{year}年签约（个）"),
        "已落地（个）".into(),
        format!("{year}年落地率"),
    ]);

    Grid {
        headers: funnel_headers,
        rows,
    }
}

/// Projects signed in D's year without an evaluation before signing.
fn signed_before_evaluated(ctx: &Context) -> Result<Grid> {
    let landing = &ctx.assessment.metrics.landing;
    let sbe = &landing.signed_before_evaluated;
    let (u, n, inv, ev, si) = (
        texts(sbe, "unit")?,
        texts(sbe, "name")?,
        texts(sbe, "investor")?,
        dates(sbe, "evaluated")?,
        dates(sbe, "signed")?,
    );
    Ok(Grid {
        headers: headers(&[
            "招商单位",
            "项目名称",
            "投资方",
            "评估论证日期",
            "签约日期",
            "问题",
        ]),
        rows: (0..sbe.height())
            .map(|i| {
                vec![
                    Out::opt_text(u[i].clone()),
                    Out::opt_text(n[i].clone()),
                    Out::opt_text(inv[i].clone()),
                    Out::opt_date(ev[i]),
                    Out::opt_date(si[i]),
                    Out::text(if ev[i].is_none() {
                        "未经评估论证即签约"
                    } else {
                        "评估论证晚于签约"
                    }),
                ]
            })
            .collect(),
    })
}

/// Every project behind the funnel, with the stage its dates prove; dates after D left out.
fn investment_list(ctx: &Context) -> Result<Grid> {
    let landing = &ctx.assessment.metrics.landing;
    let by_d = |name: &str| {
        when(col(name).lt_eq(lit(ctx.as_of)))
            .then(col(name))
            .otherwise(lit(NULL).cast(DataType::Date))
            .alias(name)
    };
    let listed = landing
        .projects
        .clone()
        .lazy()
        .with_columns(
            ["evaluated", "signed", "handed_over", "started"]
                .into_iter()
                .map(by_d)
                .collect::<Vec<_>>(),
        )
        .sort(["unit", "name"], SortMultipleOptions::default())
        .collect()?;
    Ok(grid(
        &listed,
        &[
            ("招商单位", "unit", As::Text),
            ("项目名称", "name", As::Text),
            ("投资方", "investor", As::Text),
            ("填报阶段", "stage", As::Text),
            ("统计阶段", PROVEN_STAGE, As::Text),
            ("协议投资额（万元）", "amount", As::Money),
            ("评估论证日期", "evaluated", As::Date),
            ("签约日期", "signed", As::Date),
            ("移交日期", "handed_over", As::Date),
            ("承接单位", "receiver", As::Text),
            ("开工日期", "started", As::Date),
        ],
        true,
    )?)
}

/// The meetings listed, with their minutes' deadline, issue date and status.
fn meetings_grid(ctx: &Context) -> Result<Grid> {
    let held = &ctx.assessment.metrics.meetings.held;
    let (date, session, convener, topics, attendees, issued, due) = (
        dates(held, "meeting_date")?,
        texts(held, "session")?,
        texts(held, "convener")?,
        texts(held, "topics")?,
        texts(held, "attendees")?,
        dates(held, C)?,
        dates(held, T)?,
    );
    let status = statuses(held)?;
    Ok(Grid {
        headers: headers(&[
            "会议日期",
            "期次",
            "召集人",
            "议题",
            "参会单位",
            "纪要期限",
            "纪要印发日期",
            "纪要情况",
        ]),
        rows: (0..held.height())
            .map(|i| {
                let state = MINUTES_LABELS.label(&status[i].0, status[i].1);
                vec![
                    Out::opt_date(date[i]),
                    Out::opt_text(session[i].clone()),
                    Out::opt_text(convener[i].clone()),
                    Out::opt_text(topics[i].clone()),
                    Out::opt_text(attendees[i].clone()),
                    Out::opt_date(due[i]),
                    Out::opt_date(issued[i]),
                    Out::text(state),
                ]
            })
            .collect(),
    })
}

/// Months without a meeting, minutes on time, attendance of the member units.
pub fn meeting_sections(ctx: &Context) -> Result<Vec<(String, Grid)>> {
    let m = &ctx.assessment.metrics.meetings;
    let meetings = meetings_grid(ctx)?;
    let summary = Grid {
        headers: headers(&["项目", "结果"]),
        rows: vec![
            vec![
                Out::text("本年已召开（次）"),
                Out::Int(m.held_this_year as i64),
            ],
            vec![
                Out::text("未召开会议的月份"),
                Out::text(if m.months_without.is_empty() {
                    "无".to_string()
                } else {
                    m.months_without.join("、")
                }),
            ],
            vec![
                Out::text("纪要应印发（次，含往年未印发）"),
                Out::Int(m.minutes.scope as i64),
            ],
            vec![
                Out::text("纪要按时印发（次）"),
                Out::Int(m.minutes.met as i64),
            ],
            vec![
                Out::text(format!(
                    "纪要及时率（会后第{}个工作日内印发）",
                    ctx.config.minutes_working_days
                )),
                rate(Some(&m.minutes)),
            ],
        ],
    };
    let attendance_row = |unit: &str, r: &Ratio| {
        vec![
            Out::text(unit),
            Out::Int(r.met as i64),
            Out::Int(r.scope as i64),
            rate(Some(r)),
        ]
    };
    let mut attendance_rows: Vec<Vec<Out>> = m
        .attendance
        .iter()
        .map(|(unit, r)| attendance_row(unit, r))
        .collect();
    let all = m
        .attendance
        .iter()
        .fold(Ratio::default(), |sum, (_, r)| Ratio {
            met: sum.met + r.met,
            scope: sum.scope + r.scope,
        });
    attendance_rows.push(attendance_row("合计", &all));
    let attendance = Grid {
        headers: headers(&["成员单位", "出席（次）", "本年会议（次）", "出席率"]),
        rows: attendance_rows,
    };
    Ok(vec![
        ("一、总体情况".into(), summary),
        (
            "二、会议及纪要（本年会议，及往年纪要仍未印发的会议）".into(),
            meetings,
        ),
        ("三、成员单位出席情况".into(), attendance),
    ])
}
