//! Reports: pure builders of tables and file bytes. Writing the bytes to disk is the shell's job.

pub mod circular;
pub mod columns;
pub mod feedback;
pub mod grid;
pub mod manifest;
pub mod monthly;
pub mod official;
pub mod quality;
pub mod ranking;
pub mod second_wave;
pub mod template;
pub mod trend;

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::{Datelike, NaiveDate};

use self::columns::{grid, As, Field};
use self::grid::{Grid, Out};
use crate::config::Config;
use crate::indicator::Indicator;
use crate::ingest::problem::{Problem, Severity};
use crate::ingest::schema::field::{PROJECT_NAME, TASK_NO};
use crate::ingest::FileOutcome;
use crate::metrics::due::{
    C, DAYS_LATE, DONE_ON_TIME, NO_DEADLINE, OPEN, OVERDUE_DONE, OVERDUE_OPEN, STATUS, T, UNIT,
};
use crate::pipeline::Assessment;

/// How a report names an item's status (`due::STATUS`) for one kind of item. The status is
/// decided in `metrics::due::item_status`; a report only labels it.
pub struct StatusLabels {
    pub on_time: &'static str,
    pub done_late: &'static str,
    pub open_late: &'static str,
    pub not_due: &'static str,
    /// Without a deadline: (done by D, open).
    pub no_deadline: (&'static str, &'static str),
}

impl StatusLabels {
    pub fn label(&self, status: &str, open: bool) -> &'static str {
        match status {
            DONE_ON_TIME => self.on_time,
            OVERDUE_DONE => self.done_late,
            OVERDUE_OPEN => self.open_late,
            NO_DEADLINE if open => self.no_deadline.1,
            NO_DEADLINE => self.no_deadline.0,
            _ => self.not_due,
        }
    }
}

/// A working-day deadline the calendar cannot make (SPEC §2), as the item lists show it.
pub const UNDECIDABLE: &str = "无法判定（缺工作日历）";

pub const REPLY_LABELS: StatusLabels = StatusLabels {
    on_time: "按时复函",
    done_late: "逾期复函",
    open_late: "逾期未复函",
    not_due: "未到复函期限",
    no_deadline: (UNDECIDABLE, UNDECIDABLE),
};

pub const CLOSURE_LABELS: StatusLabels = StatusLabels {
    on_time: "按期办结",
    done_late: "逾期办结",
    open_late: "逾期未办结",
    not_due: "办理中",
    no_deadline: ("按期办结", "办理中"),
};

pub const MINUTES_LABELS: StatusLabels = StatusLabels {
    on_time: "按时印发",
    done_late: "逾期印发",
    open_late: "逾期未印发",
    not_due: "未到期限",
    no_deadline: (UNDECIDABLE, UNDECIDABLE),
};

/// Per row of a status frame: its status and whether it is open.
pub fn statuses(df: &polars::prelude::DataFrame) -> Result<Vec<(String, bool)>> {
    let status = columns::texts(df, STATUS)?;
    let open: Vec<bool> = df
        .column(OPEN)?
        .bool()?
        .iter()
        .map(|o| o.unwrap_or(true))
        .collect();
    Ok(status
        .into_iter()
        .map(Option::unwrap_or_default)
        .zip(open)
        .collect())
}

/// What every report is built from.
pub struct Context<'a> {
    pub config: &'a Config,
    pub assessment: &'a Assessment,
    /// The rankings of the months before M (`history::earlier_months`), oldest first.
    pub earlier: &'a [crate::state::MonthScores],
    pub files: &'a [FileOutcome],
    pub as_of: NaiveDate,
}

impl Context<'_> {
    pub fn month(&self) -> &str {
        &self.assessment.month
    }

    pub fn month_start(&self) -> NaiveDate {
        crate::dates::month_start(self.as_of)
    }

    /// Title lines naming the county, the month and the as-of date.
    /// A sheet's title without 时序进度, for sheets where time progress means nothing.
    pub fn plain_title(&self, what: &str) -> Vec<String> {
        let mut title = self.title(what);
        title[1] = format!("数据截至 {}", self.as_of.format("%Y-%m-%d"));
        title
    }

    pub fn title(&self, what: &str) -> Vec<String> {
        vec![
            format!(
                "{}重点项目{what}（{}年{}月）",
                self.config.county,
                self.as_of.year(),
                self.as_of.month()
            ),
            format!(
                "数据截至 {}　时序进度 {:.2}%",
                self.as_of.format("%Y-%m-%d"),
                self.assessment.metrics.time_progress * 100.0
            ),
        ]
    }
}

/// One of the four items of the monthly circular (SPEC §3 system 4).
pub struct CircularItem {
    pub indicator: Indicator,
    /// Sheet name in the leadership workbook.
    pub sheet: &'static str,
    pub label: &'static str,
}

pub const CIRCULAR: [CircularItem; 4] = [
    CircularItem {
        indicator: Indicator::Prelim,
        sheet: "前期滞后",
        label: "前期工作滞后",
    },
    CircularItem {
        indicator: Indicator::Start,
        sheet: "开工滞后",
        label: "计划开工滞后",
    },
    CircularItem {
        indicator: Indicator::Completion,
        sheet: "竣工滞后",
        label: "计划竣工滞后",
    },
    CircularItem {
        indicator: Indicator::Tasks,
        sheet: "任务滞后",
        label: "调度任务滞后",
    },
];

/// The late items of one circular indicator, numbered, most overdue first within each unit.
pub fn circular_items(ctx: &Context, indicator: Indicator) -> Result<Grid> {
    let Some(outcome) = ctx.assessment.metrics.indicator(indicator) else {
        return Ok(Grid {
            headers: Vec::new(),
            rows: Vec::new(),
        });
    };
    let (date_t, date_c) = match indicator {
        Indicator::Prelim => ("前期工作计划完成日期", "前期工作完成日期"),
        Indicator::Start => ("计划开工日期", "实际开工日期"),
        Indicator::Completion => ("计划竣工日期", "实际竣工日期"),
        _ => ("完成时限", "完成日期"),
    };
    let fields: Vec<Field> = if indicator == Indicator::Tasks {
        vec![
            ("责任单位", UNIT, As::Text),
            ("任务编号", TASK_NO, As::Text),
            ("来源", "source", As::Text),
            ("任务内容", "content", As::Text),
            ("项目名称", PROJECT_NAME, As::Text),
            ("责任人", "owner", As::Text),
            ("交办日期", "assigned", As::Date),
            (date_t, T, As::Date),
            (date_c, C, As::Date),
            ("状态", STATUS, As::Text),
            ("逾期天数（日历日）", DAYS_LATE, As::Int),
            (
                "单位报完成日期（待销号）",
                crate::model::authority::CLAIMED_DONE,
                As::Date,
            ),
        ]
    } else {
        vec![
            ("牵头责任单位", UNIT, As::Text),
            ("项目名称", "name", As::Text),
            ("项目代码", "code", As::Text),
            ("项目阶段", "stage", As::Text),
            ("包联领导", "leader", As::Text),
            (date_t, T, As::Date),
            (date_c, C, As::Date),
            ("状态", STATUS, As::Text),
            ("逾期天数（日历日）", DAYS_LATE, As::Int),
        ]
    };
    Ok(grid(&outcome.late, &fields, true)?)
}

/// The per-unit lists both the leadership workbook and the units' feedback workbooks show,
/// built once per month.
pub struct UnitLists {
    /// 得分明细: every unit's indicator lines and deduction.
    pub score_detail: Grid,
    /// 失分事项: every item behind lost points.
    pub lost_items: Grid,
    /// 预警.
    pub warnings: Grid,
}

impl UnitLists {
    pub fn build(ctx: &Context) -> Result<UnitLists> {
        Ok(UnitLists {
            score_detail: monthly::score_detail(ctx),
            lost_items: monthly::lost_items(ctx)?,
            warnings: warning_list(ctx)?,
        })
    }
}

/// 预警: every unit's open items due within `warn_working_days` working days after D, by unit
/// and due date.
pub fn warning_list(ctx: &Context) -> Result<Grid> {
    use crate::metrics::warnings::{ACTION, ITEM, WHAT, WORKING_DAYS_LEFT};
    Ok(grid(
        &ctx.assessment.metrics.warnings,
        &[
            ("单位", UNIT, As::Text),
            ("事项", WHAT, As::Text),
            ("名称", ITEM, As::Text),
            ("到期日期", T, As::Date),
            ("剩余工作日", WORKING_DAYS_LEFT, As::Int),
            ("应办", ACTION, As::Text),
        ],
        true,
    )?)
}

/// Per submitting unit: files, rows read, accepted, rejected, and problems by severity.
pub fn quality_summary(ctx: &Context) -> Grid {
    #[derive(Default)]
    struct Tally {
        files: usize,
        read: usize,
        accepted: usize,
        rejected: usize,
        warnings: usize,
        undecidable: usize,
    }
    fn tally_problem(tally: &mut Tally, p: &Problem) {
        match p.severity {
            Severity::Warning => tally.warnings += 1,
            Severity::Undecidable => tally.undecidable += 1,
            Severity::Rejected | Severity::Note => {}
        }
    }
    let mut by_unit: BTreeMap<String, Tally> = BTreeMap::new();
    for file in ctx.files {
        let unit = file_unit(file);
        let tally = by_unit.entry(unit.clone()).or_default();
        tally.files += 1;
        for sheet in &file.sheets {
            tally.read += sheet.counts.read;
            tally.accepted += sheet.counts.accepted;
            tally.rejected += sheet.counts.rejected;
        }
        // Each problem goes to the unit it names, as in that unit's own feedback workbook.
        for p in file.all_problems() {
            let owner = p.unit.clone().unwrap_or_else(|| unit.clone());
            tally_problem(by_unit.entry(owner).or_default(), p);
        }
    }
    for p in &ctx.assessment.problems {
        let owner = p
            .unit
            .clone()
            .unwrap_or_else(|| quality::UNKNOWN_UNIT.into());
        tally_problem(by_unit.entry(owner).or_default(), p);
    }
    Grid {
        headers: [
            "填报单位",
            "报送文件（个）",
            "读取行数",
            "接收行数",
            "退回行数",
            "警告（条）",
            "无法判定（项）",
        ]
        .map(String::from)
        .to_vec(),
        rows: by_unit
            .into_iter()
            .map(|(unit, t)| {
                vec![
                    Out::text(unit),
                    Out::Int(t.files as i64),
                    Out::Int(t.read as i64),
                    Out::Int(t.accepted as i64),
                    Out::Int(t.rejected as i64),
                    Out::Int(t.warnings as i64),
                    Out::Int(t.undecidable as i64),
                ]
            })
            .collect(),
    }
}

/// The unit a file's problems go back to: its sheets' unit, else the folder's or file name's.
pub fn file_unit(file: &FileOutcome) -> String {
    file.sheets
        .iter()
        .find_map(|s| s.unit.clone())
        .or_else(|| file.all_problems().find_map(|p| p.unit.clone()))
        .unwrap_or_else(|| quality::UNKNOWN_UNIT.to_string())
}
