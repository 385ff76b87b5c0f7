//! The functional core of a run: staged files → normalized tables → metrics → scores.
//! Takes values, returns values; the shell (`cli::run`) does the reading and writing.

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use rayon::prelude::*;

use crate::calendar::Calendar;
use crate::config::Config;
use crate::ingest::problem::{Problem, Severity};
use crate::ingest::schema::Table;
use crate::ingest::stage::StagedSheet;
use crate::ingest::FileOutcome;
use crate::metrics::{self, Metrics, Tables};
use crate::model::events;
use crate::model::frames::table_frame;
use crate::model::ledger::{current_ledger, CurrentLedger};
use crate::scoring::{score, ScoreRow, ScoringInput};

/// Everything a run computes for the assessment month of D.
#[derive(Debug)]
pub struct Assessment {
    pub as_of: NaiveDate,
    /// The assessment month as `YYYY-MM`.
    pub month: String,
    pub ledger: CurrentLedger,
    /// Notices as of D, one row per 通知书编号 (the latest submission's).
    pub notices: DataFrame,
    /// Tasks as of D, one row per 任务编号.
    pub tasks: DataFrame,
    /// Visits as of D, duplicates once, 身份 and 所在单位 inferred.
    pub visits: DataFrame,
    /// Attracted-investment projects as of D.
    pub investments: DataFrame,
    /// Joint meetings as of D.
    pub meetings: DataFrame,
    pub metrics: Metrics,
    pub scores: Vec<ScoreRow>,
    /// Problems found while normalizing (not those of single files).
    pub problems: Vec<Problem>,
}

/// `YYYY-MM` of a date.
pub fn month_label(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// Staged sheets of one table, across all files, in file order.
fn staged_of<'a>(files: &[&'a FileOutcome], table: Table) -> Vec<&'a StagedSheet> {
    files
        .iter()
        .flat_map(|f| f.sheets.iter())
        .filter_map(|s| s.staged.as_ref())
        .filter(|s| s.table == table)
        .collect()
}

/// Every input table as one frame (all submissions, all months), built once per run.
#[derive(Debug, Clone)]
pub struct StagedTables {
    frames: Vec<(Table, DataFrame)>,
}

impl StagedTables {
    pub fn build(files: &[FileOutcome]) -> PolarsResult<StagedTables> {
        Self::build_from(&files.iter().collect::<Vec<_>>())
    }

    /// `build` over borrowed outcomes; the tables are built on every core.
    pub fn build_from(files: &[&FileOutcome]) -> PolarsResult<StagedTables> {
        let frames = Table::ALL
            .par_iter()
            .map(|table| Ok((*table, table_frame(*table, &staged_of(files, *table))?)))
            .collect::<PolarsResult<_>>()?;
        Ok(StagedTables { frames })
    }

    /// Tables from their frames, one per table with `build`'s schema (checked by the caller).
    pub fn from_frames(frames: Vec<(Table, DataFrame)>) -> StagedTables {
        StagedTables { frames }
    }

    /// Each table with its frame, in `Table::ALL` order.
    pub fn frames(&self) -> &[(Table, DataFrame)] {
        &self.frames
    }

    /// The rows an assessment as of any of `dates` uses. Notices and tasks come as monthly
    /// snapshots, each 编号 in many files; only the row that is the latest as of one of the
    /// dates is kept (`latest_by_key` picks the same row from these as from all). The other
    /// tables are kept whole.
    pub fn latest_as_of(&self, dates: &[NaiveDate]) -> PolarsResult<StagedTables> {
        const INDEX: &str = "staged_row";
        let mut frames = Vec::with_capacity(self.frames.len());
        for (table, frame) in &self.frames {
            let Some(key) = event_key(*table) else {
                frames.push((*table, frame.clone()));
                continue;
            };
            let indexed = frame.clone().with_row_index(INDEX.into(), None)?;
            let mut keep: Vec<IdxSize> = Vec::new();
            for as_of in dates {
                let latest = events::latest_by_key(&indexed, key, *as_of)?;
                keep.extend(latest.column(INDEX)?.idx()?.into_no_null_iter());
            }
            keep.sort_unstable();
            keep.dedup();
            let rows = IdxCa::from_vec(INDEX.into(), keep);
            frames.push((*table, frame.take(&rows)?));
        }
        Ok(StagedTables { frames })
    }

    pub fn get(&self, table: Table) -> &DataFrame {
        // `build` makes a frame for every table.
        self.frames
            .iter()
            .find(|(t, _)| *t == table)
            .map(|(_, f)| f)
            .expect("a frame per table")
    }
}

const NOTICE_KEY: &str = "notice_no";
const TASK_KEY: &str = "task_no";

/// The 编号 that identifies a row of an event table across snapshots.
fn event_key(table: Table) -> Option<&'static str> {
    match table {
        Table::Notices => Some(NOTICE_KEY),
        Table::Tasks => Some(TASK_KEY),
        _ => None,
    }
}

/// Assess the month of `as_of` from the staged files (builds the tables; a run that assesses
/// more than one date builds them once with `StagedTables::build` and calls `assess_tables`).
pub fn assess(
    config: &Config,
    calendar: &Calendar,
    as_of: NaiveDate,
    files: &[FileOutcome],
) -> PolarsResult<Assessment> {
    assess_tables(config, calendar, as_of, &StagedTables::build(files)?)
}

/// Assess the month of `as_of` from the staged tables.
pub fn assess_tables(
    config: &Config,
    calendar: &Calendar,
    as_of: NaiveDate,
    tables: &StagedTables,
) -> PolarsResult<Assessment> {
    assess_with(config, calendar, as_of, tables, Problems::Listed)
}

/// The scores as of `as_of` alone (the previous month's ranks): the data problems, which never
/// change a score, are not looked for.
pub fn scores_as_of(
    config: &Config,
    calendar: &Calendar,
    as_of: NaiveDate,
    tables: &StagedTables,
) -> PolarsResult<Vec<ScoreRow>> {
    Ok(assess_with(config, calendar, as_of, tables, Problems::Skipped)?.scores)
}

/// Whether an assessment lists the problems found while normalizing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problems {
    Listed,
    Skipped,
}

fn assess_with(
    config: &Config,
    calendar: &Calendar,
    as_of: NaiveDate,
    tables: &StagedTables,
    wanted: Problems,
) -> PolarsResult<Assessment> {
    let staged_projects = tables.get(Table::Projects);
    let ledger = current_ledger(staged_projects, as_of)?;
    let staged_notices = tables.get(Table::Notices);
    let staged_tasks = tables.get(Table::Tasks);
    let mut notices = events::latest_by_key(staged_notices, NOTICE_KEY, as_of)?;
    events::with_project_refs(&mut notices)?;
    let mut tasks = events::latest_by_key(staged_tasks, TASK_KEY, as_of)?;
    events::with_project_refs(&mut tasks)?;
    let visits = events::visits(tables.get(Table::Visits), config, as_of)?;
    let investments = events::investments(tables.get(Table::Investments), as_of)?;
    let meetings = events::meetings(tables.get(Table::Meetings), as_of)?;
    let mut problems = ledger.warnings.clone();
    if wanted == Problems::Listed {
        normalization_problems(&mut problems, tables, &notices, &tasks, &visits)?;
    }
    let tables = Tables {
        all_ledgers: staged_projects,
        projects: &ledger.projects,
        notices: &notices,
        tasks: &tasks,
        visits: &visits,
        investments: &investments,
        meetings: &meetings,
    };
    let metrics = metrics::compute(tables, config, calendar, as_of)?;
    problems.extend(metrics.problems.iter().cloned());
    let input = ScoringInput {
        indicators: metrics.indicators.iter().map(|o| o.indicator).collect(),
        rates: metrics
            .indicators
            .iter()
            .flat_map(|o| {
                o.ratios.iter().filter_map(move |(unit, r)| {
                    r.rate().map(|rate| ((o.indicator, unit.clone()), rate))
                })
            })
            .collect(),
        overdue_notices: Some(metrics.overdue_notices.clone()),
    };
    let scores = score(config, &input);
    Ok(Assessment {
        as_of,
        month: month_label(as_of),
        ledger,
        notices,
        tasks,
        visits,
        investments,
        meetings,
        metrics,
        scores,
        problems,
    })
}

/// The warnings found while normalizing: rows naming a project that no ledger lists.
fn normalization_problems(
    problems: &mut Vec<Problem>,
    tables: &StagedTables,
    notices: &DataFrame,
    tasks: &DataFrame,
    visits: &DataFrame,
) -> PolarsResult<()> {
    for (rows, table, unit) in [
        (notices, Table::Notices, "target_unit"),
        (tasks, Table::Tasks, "unit"),
        (visits, Table::Visits, "submitter"),
    ] {
        problems.extend(events::unknown_project_warnings(
            rows,
            table.label(),
            unit,
            tables.get(Table::Projects),
        )?);
    }
    Ok(())
}

/// Whether any row, sheet or file was rejected.
pub fn has_rejections<'a>(problems: impl IntoIterator<Item = &'a Problem>) -> bool {
    problems
        .into_iter()
        .any(|p| p.severity == Severity::Rejected)
}
