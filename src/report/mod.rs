//! Reports: pure builders of tables and file bytes. Writing the bytes to disk is the shell's job.

pub mod circular;
pub mod columns;
pub mod grid;
pub mod manifest;
pub mod monthly;
pub mod quality;
pub mod ranking;
pub mod second_wave;
pub mod template;

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::{Datelike, NaiveDate};

use self::columns::{rows, As};
use self::grid::{Grid, Out};
use crate::config::Config;
use crate::indicator::Indicator;
use crate::ingest::problem::{Problem, Severity};
use crate::ingest::FileOutcome;
use crate::metrics::due::{C, DAYS_LATE, STATUS, T, UNIT};
use crate::pipeline::Assessment;

/// What every report is built from.
pub struct Context<'a> {
    pub config: &'a Config,
    pub assessment: &'a Assessment,
    pub files: &'a [FileOutcome],
    pub as_of: NaiveDate,
}

impl Context<'_> {
    pub fn month(&self) -> &str {
        &self.assessment.month
    }

    pub fn month_start(&self) -> NaiveDate {
        self.as_of.with_day(1).unwrap_or(self.as_of)
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
    let (headers, spec): (Vec<&str>, Vec<(&str, As)>) = if indicator == Indicator::Tasks {
        (
            vec![
                "序号",
                "责任单位",
                "任务编号",
                "来源",
                "任务内容",
                "项目名称",
                "责任人",
                "交办日期",
                date_t,
                date_c,
                "状态",
                "逾期天数（日历日）",
                "单位报完成日期（待销号）",
            ],
            vec![
                (UNIT, As::Text),
                ("task_no", As::Text),
                ("source", As::Text),
                ("content", As::Text),
                ("project_name", As::Text),
                ("owner", As::Text),
                ("assigned", As::Date),
                (T, As::Date),
                (C, As::Date),
                (STATUS, As::Text),
                (DAYS_LATE, As::Int),
                (crate::model::authority::CLAIMED_DONE, As::Date),
            ],
        )
    } else {
        (
            vec![
                "序号",
                "牵头责任单位",
                "项目名称",
                "项目代码",
                "项目阶段",
                "包联领导",
                date_t,
                date_c,
                "状态",
                "逾期天数（日历日）",
            ],
            vec![
                (UNIT, As::Text),
                ("name", As::Text),
                ("code", As::Text),
                ("stage", As::Text),
                ("leader", As::Text),
                (T, As::Date),
                (C, As::Date),
                (STATUS, As::Text),
                (DAYS_LATE, As::Int),
            ],
        )
    };
    Ok(Grid {
        headers: headers.into_iter().map(String::from).collect(),
        rows: rows(&outcome.late, &spec, true)?,
    })
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
