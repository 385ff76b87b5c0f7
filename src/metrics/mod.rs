//! Metrics (SPEC §3): pure functions of the normalized frames, the config, the calendar and the
//! as-of date D. No file reads, no clock.

pub mod due;
pub mod investment;
pub mod landing;
pub mod library;
pub mod lights;
pub mod meetings;
pub mod notices;
pub mod projects;
pub mod reports;
pub mod tasks;
pub mod visits;
pub mod warnings;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::{DataFrame, PolarsError, PolarsResult};
use serde::Serialize;

use crate::calendar::Calendar;
use crate::config::Config;
use crate::indicator::Indicator;
use crate::ingest::problem::Problem;

/// A numerator over a scope (items on time over items in scope; 万元 done over 万元 due); the
/// rate is not applicable when the scope is zero.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Ratio {
    pub met: f64,
    pub scope: f64,
}

impl Ratio {
    pub fn rate(self) -> Option<f64> {
        (self.scope > 0.0).then(|| self.met / self.scope)
    }
}

/// One indicator computed for every unit, with the items that lost points.
#[derive(Debug, Clone)]
pub struct IndicatorOutcome {
    pub indicator: Indicator,
    /// Units with at least one item (in scope or not); a unit absent here has no item.
    pub ratios: BTreeMap<String, Ratio>,
    /// Items in scope and not on time, with unit, item, dates, status and days late.
    pub late: DataFrame,
}

impl IndicatorOutcome {
    /// The unit's rate; `None` when not applicable.
    pub fn rate(&self, unit: &str) -> Option<f64> {
        self.ratios.get(unit).and_then(|r| r.rate())
    }
}

/// The normalized tables the metrics read.
#[derive(Debug, Clone, Copy)]
pub struct Tables<'a> {
    /// Every staged ledger row, all months (for 月报按时报送).
    pub all_ledgers: &'a DataFrame,
    /// The current ledger, one row per project.
    pub projects: &'a DataFrame,
    pub notices: &'a DataFrame,
    pub tasks: &'a DataFrame,
    pub visits: &'a DataFrame,
    pub investments: &'a DataFrame,
}

/// Every due item with its status as of D (`due::item_status`): T, C, due, in scope, on time,
/// open, status and days late. The one source for every list of items and every count of
/// overdue items; reports pick columns and add labels.
#[derive(Debug, Clone)]
pub struct Statuses {
    /// Current projects: 开工, 竣工 and 前期工作, each by its planned date.
    pub start: DataFrame,
    pub completion: DataFrame,
    pub prelim: DataFrame,
    /// Notices issued by D (rows as in `Metrics::notices`): 复函 by the 3rd working day (no
    /// deadline when the calendar cannot make it), and 办结 by 办理时限.
    pub reply: DataFrame,
    pub closure: DataFrame,
    /// Dispatch tasks assigned by D: 落实 by 完成时限.
    pub tasks: DataFrame,
    /// 招商引资 projects: 签约移交 on working days after signing.
    pub handover: DataFrame,
    /// Each lead unit's monthly ledgers of D's year, due on `due_day` of the next month.
    pub reports: DataFrame,
}

/// One kind of due item, as every list of items reads it: its statuses, the column of the
/// credited unit, its name, the columns that name one item ("first（second）"), what the unit
/// should do before it falls due, and whether finishing it is a 销号 (closing an item).
pub struct ItemKind<'a> {
    pub items: &'a DataFrame,
    pub unit: &'static str,
    pub label: &'static str,
    pub name: [&'static str; 2],
    pub action: &'static str,
    pub closes: bool,
}

impl Statuses {
    /// Every kind of due item, in the order lists show them.
    pub fn kinds(&self) -> [ItemKind<'_>; 8] {
        use crate::ingest::schema::field::{NOTICE_NO, PROJECT_NAME, TARGET_UNIT, TASK_NO};
        let kind = |items, unit, label, name, action, closes| ItemKind {
            items,
            unit,
            label,
            name,
            action,
            closes,
        };
        [
            kind(
                &self.reports,
                due::UNIT,
                "月度项目台账",
                [reports::REPORT_MONTH_LABEL, ""],
                "按时报送本单位项目台账",
                false,
            ),
            kind(
                &self.reply,
                TARGET_UNIT,
                "督办复函",
                [NOTICE_NO, PROJECT_NAME],
                "向县重点项目办公室复函，写明解决办法、责任领导、责任人和承诺解决时限",
                false,
            ),
            kind(
                &self.closure,
                TARGET_UNIT,
                "督办办结",
                [NOTICE_NO, PROJECT_NAME],
                "在办理时限内办结，报县重点项目办公室销号",
                true,
            ),
            kind(
                &self.tasks,
                "unit",
                "调度任务",
                [TASK_NO, "content"],
                "在完成时限内落实，报送落实情况",
                true,
            ),
            kind(
                &self.start,
                projects::LEAD_UNIT,
                "计划开工",
                ["name", ""],
                "按计划开工，开工后在台账中填写实际开工日期",
                true,
            ),
            kind(
                &self.completion,
                projects::LEAD_UNIT,
                "计划竣工",
                ["name", ""],
                "按计划竣工，竣工后在台账中填写实际竣工日期",
                true,
            ),
            kind(
                &self.prelim,
                projects::LEAD_UNIT,
                "前期工作",
                ["name", ""],
                "按计划取得可研批复、专家评审和立项赋码，并在台账中填写日期",
                true,
            ),
            kind(
                &self.handover,
                "unit",
                "签约移交",
                ["name", "investor"],
                "在期限内移交承接单位，并填写移交日期",
                true,
            ),
        ]
    }
}

impl ItemKind<'_> {
    /// Each item's name: its two naming columns as "first（second）".
    pub fn names(&self) -> PolarsResult<Vec<String>> {
        let first = self.items.column(self.name[0])?.str()?;
        let second: Vec<Option<&str>> = match self.name[1] {
            "" => vec![None; self.items.height()],
            column => self.items.column(column)?.str()?.iter().collect(),
        };
        Ok(first
            .iter()
            .zip(second)
            .map(|names| match names {
                (Some(a), Some(b)) => format!("{a}（{b}）"),
                (a, b) => a.or(b).unwrap_or_default().to_string(),
            })
            .collect())
    }
}

/// Every metric of SPEC §3 for the as-of date.
#[derive(Debug)]
pub struct Metrics {
    /// One outcome per indicator, in `Indicator::ALL` order.
    pub indicators: Vec<IndicatorOutcome>,
    /// Time progress p of D's year.
    pub time_progress: f64,
    pub statuses: Statuses,
    /// 预警: open items due within `warn_working_days` working days after D
    /// (`warnings::upcoming`).
    pub warnings: DataFrame,
    /// Notices issued by D, with `reply_due`.
    pub notices: DataFrame,
    /// Replies missing some of the five 落实 items.
    pub incomplete_replies: DataFrame,
    /// Per unit, notices past 办理时限 and not closed by D.
    pub overdue_notices: BTreeMap<String, u32>,
    /// Visit coverage by leader (not scored).
    pub leader_visits: DataFrame,
    /// The current projects with their light and reasons.
    pub lights: DataFrame,
    /// 谋划储备: the project library.
    pub library: library::Library,
    /// 快速落地: attracted investment.
    pub landing: landing::Landing,
    /// 联席会议.
    pub meetings: meetings::Meetings,
    pub problems: Vec<Problem>,
}

impl Metrics {
    pub fn indicator(&self, indicator: Indicator) -> Option<&IndicatorOutcome> {
        self.indicators.iter().find(|o| o.indicator == indicator)
    }
}

/// The indicators of D and what they judged: all that scoring reads, and what the reports'
/// lists start from.
struct Scored {
    indicators: Vec<IndicatorOutcome>,
    statuses: Statuses,
    /// The notice metrics besides the two indicators (their items are in `statuses`).
    issued_notices: DataFrame,
    incomplete_replies: DataFrame,
    overdue_notices: BTreeMap<String, u32>,
    notice_problems: Vec<Problem>,
    leader_visits: DataFrame,
    landing: landing::Landing,
}

fn scored(
    tables: &Tables,
    config: &Config,
    calendar: &Calendar,
    as_of: NaiveDate,
) -> PolarsResult<Scored> {
    // Three independent groups side by side: the ledger's, the notices' and tasks', the visits'
    // and investments'.
    let (ledger, (notices_tasks, visits_landing)) = rayon::join(
        || {
            let projects = projects::project_indicators(tables.projects, as_of)?;
            let investment = investment::investment_indicator(tables.projects, as_of)?;
            let reports = reports::monthly_report_indicator(
                tables.all_ledgers,
                tables.projects,
                config.due_day,
                as_of,
            )?;
            Ok::<_, PolarsError>((projects, investment, reports))
        },
        || {
            rayon::join(
                || {
                    let notices = notices::notice_metrics(tables.notices, calendar, as_of)?;
                    let tasks = tasks::task_indicator(tables.tasks, as_of)?;
                    Ok::<_, PolarsError>((notices, tasks))
                },
                || {
                    let visits =
                        visits::visit_metrics(tables.projects, tables.visits, config, as_of)?;
                    let landing = landing::landing(
                        tables.investments,
                        calendar,
                        config.handover_working_days,
                        as_of,
                    )?;
                    Ok::<_, PolarsError>((visits, landing))
                },
            )
        },
    );
    let (projects, investment, reports) = ledger?;
    let (notice_metrics, tasks) = notices_tasks?;
    let notices::NoticeMetrics {
        issued,
        reply,
        closure,
        incomplete,
        overdue_open,
        problems,
    } = notice_metrics;
    let (visit_metrics, landing) = visits_landing?;
    let [start, completion, prelim] = <[due::Judged; 3]>::try_from(projects)
        .map_err(|_| PolarsError::ComputeError("three project indicators".into()))?;
    let mut indicators = vec![
        start.outcome,
        completion.outcome,
        prelim.outcome,
        investment,
        reply.outcome,
        closure.outcome,
        tasks.outcome,
        visit_metrics.coverage,
        reports.outcome,
        landing.handover.clone(),
    ];
    indicators.sort_by_key(|o| o.indicator);
    let statuses = Statuses {
        start: start.items,
        completion: completion.items,
        prelim: prelim.items,
        reply: reply.items,
        closure: closure.items,
        tasks: tasks.items,
        handover: landing.handover_items.clone(),
        reports: reports.items,
    };
    Ok(Scored {
        indicators,
        statuses,
        issued_notices: issued,
        incomplete_replies: incomplete,
        overdue_notices: overdue_open,
        notice_problems: problems,
        leader_visits: visit_metrics.leaders,
        landing,
    })
}

/// What scoring reads of D's metrics, for a month assessed only for its ranking: the
/// indicators, and per unit the notices past 办理时限 and not closed by D.
pub fn for_ranking(
    tables: &Tables,
    config: &Config,
    calendar: &Calendar,
    as_of: NaiveDate,
) -> PolarsResult<(Vec<IndicatorOutcome>, BTreeMap<String, u32>)> {
    let scored = scored(tables, config, calendar, as_of)?;
    Ok((scored.indicators, scored.overdue_notices))
}

/// Every metric of D; `meetings` are the joint meetings held by D.
pub fn compute(
    tables: Tables,
    meetings: &DataFrame,
    config: &Config,
    calendar: &Calendar,
    as_of: NaiveDate,
) -> PolarsResult<Metrics> {
    let Scored {
        indicators,
        statuses,
        issued_notices,
        incomplete_replies,
        overdue_notices,
        notice_problems,
        leader_visits,
        landing,
    } = scored(&tables, config, calendar, as_of)?;
    let time_progress = investment::time_progress(as_of);
    let warnings = warnings::upcoming(&statuses, calendar, config.warn_working_days, as_of)?;
    let lights = lights::project_lights(tables.projects, &statuses, &config.lights, time_progress)?;
    let meetings = meetings::meetings(meetings, config, calendar, as_of)?;
    Ok(Metrics {
        indicators,
        time_progress,
        statuses,
        warnings,
        notices: issued_notices,
        incomplete_replies,
        overdue_notices,
        leader_visits,
        lights,
        library: library::library(tables.projects, as_of)?,
        problems: notice_problems
            .into_iter()
            .chain(landing.problems.iter().cloned())
            .chain(meetings.problems.iter().cloned())
            .collect(),
        meetings,
        landing,
    })
}

/// Small frames for the metric tests, built by hand.
#[cfg(test)]
pub(crate) mod test_frames {
    use chrono::NaiveDate;
    use polars::prelude::*;

    use crate::model::frames::epoch_days;

    pub fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    pub fn text(name: &str, values: &[Option<&str>]) -> Column {
        Column::new(name.into(), values.to_vec())
    }

    pub fn date(name: &str, values: &[Option<&str>]) -> Column {
        let days: Vec<Option<i32>> = values.iter().map(|v| v.map(|s| epoch_days(d(s)))).collect();
        Column::new(name.into(), days)
            .cast(&DataType::Date)
            .unwrap()
    }

    pub fn number(name: &str, values: &[Option<f64>]) -> Column {
        Column::new(name.into(), values.to_vec())
    }

    pub fn frame(columns: Vec<Column>) -> DataFrame {
        let height = columns.first().map_or(0, |c| c.len());
        DataFrame::new(height, columns).unwrap()
    }

    /// Provenance columns for `n` rows.
    pub fn provenance(n: usize) -> Vec<Column> {
        vec![
            Column::new("file".into(), vec!["f.xlsx"; n]),
            Column::new("sheet".into(), vec!["s"; n]),
            Column::new("row".into(), (2..2 + n as u32).collect::<Vec<u32>>()),
        ]
    }
}
