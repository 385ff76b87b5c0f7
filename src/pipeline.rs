//! The functional core of a run: staged files → normalized tables → metrics → scores.
//! Takes values, returns values; the shell (`cli::run`) does the reading and writing.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use rayon::prelude::*;

use crate::calendar::Calendar;
use crate::config::Config;
use crate::ingest::problem::{Problem, Severity};
use crate::ingest::schema::field::{NOTICE_NO, SUBMITTER, TARGET_UNIT, TASK_NO};
use crate::ingest::schema::Table;
use crate::ingest::stage::StagedSheet;
use crate::ingest::FileOutcome;
use crate::metrics::{self, IndicatorOutcome, Metrics, Tables};
use crate::model::frames::table_frame;
use crate::model::ledger::{CurrentLedger, Ledgers};
use crate::model::{authority, events};
use crate::scoring::{score, ScoreRow, ScoringInput};

/// Everything a run computes for the assessment month of D.
#[derive(Debug)]
pub struct Assessment {
    pub as_of: NaiveDate,
    /// The assessment month as `YYYY-MM`.
    pub month: String,
    pub ledger: CurrentLedger,
    /// Notices issued by D, one row per 通知书编号 (the latest submission's, whenever filed).
    pub notices: DataFrame,
    /// Tasks assigned by D, one row per 任务编号.
    pub tasks: DataFrame,
    /// Visits made by D, duplicates once, 身份 and 所在单位 inferred.
    pub visits: DataFrame,
    /// Attracted-investment projects (their dates after D are judged as not yet happened).
    pub investments: DataFrame,
    /// Joint meetings held by D.
    pub meetings: DataFrame,
    pub metrics: Metrics,
    pub scores: Vec<ScoreRow>,
    /// Problems found while normalizing (not those of single files).
    pub problems: Vec<Problem>,
    /// Years the working-day calendar lacks that this run needs (SPEC §2): D's year, and from
    /// 1 December the next one.
    pub missing_calendar_years: Vec<i32>,
}

impl Assessment {
    /// What the office must do about the calendar, when it lacks a year this run needs.
    pub fn calendar_warning(&self) -> Option<String> {
        calendar_warning(&self.missing_calendar_years)
    }

    /// The same, short enough for one cell of the overview.
    pub fn calendar_gap(&self) -> Option<String> {
        year_list(&self.missing_calendar_years)
            .map(|years| format!("缺{years}节假日安排，请在配置 [[calendar]] 中补充"))
    }

    /// Whether D's own year is missing from the calendar: items are then left undecided.
    pub fn calendar_lacks_current_year(&self) -> bool {
        self.missing_calendar_years.contains(&self.as_of.year())
    }
}

/// The line the log, the overview and the data-quality sheet show for missing calendar years.
pub fn calendar_warning(years: &[i32]) -> Option<String> {
    year_list(years).map(|years| {
        format!(
            "工作日历缺少{years}的节假日安排：按工作日计算的期限（复函、移交、纪要）将列为“无法判定”。\
             请在配置文件的 [[calendar]] 中补充国务院办公厅的节假日安排通知（keyproj config 有示例）"
        )
    })
}

/// "2027年、2028年"; `None` for no year.
fn year_list(years: &[i32]) -> Option<String> {
    (!years.is_empty()).then(|| {
        years
            .iter()
            .map(|y| format!("{y}年"))
            .collect::<Vec<_>>()
            .join("、")
    })
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

    pub fn into_frames(self) -> Vec<(Table, DataFrame)> {
        self.frames
    }

    /// Rows in all tables.
    pub fn rows(&self) -> usize {
        self.frames.iter().map(|(_, frame)| frame.height()).sum()
    }

    /// Only the rows an assessment uses. Notices and tasks come as monthly snapshots, each 编号
    /// in many files; only each submitter's latest row counts, whatever the as-of date (the
    /// office's record and a unit's reply, `model::authority`), so the other rows leave memory
    /// here. The other tables are kept whole.
    pub fn latest_snapshots(&self) -> PolarsResult<StagedTables> {
        let frames = self
            .frames
            .iter()
            .map(|(table, frame)| Ok((*table, latest_rows(*table, frame)?)))
            .collect::<PolarsResult<_>>()?;
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

/// `table`'s rows that an assessment uses: for notices and tasks each submitter's latest row
/// per 编号, for the other tables every row.
pub(crate) fn latest_rows(table: Table, frame: &DataFrame) -> PolarsResult<DataFrame> {
    match event_key(table) {
        // Per submitter: the office's record and each unit's reply both matter.
        Some(key) => events::latest_by_keys(frame, &[key, SUBMITTER]),
        None => Ok(frame.clone()),
    }
}

const NOTICE_KEY: &str = NOTICE_NO;
const TASK_KEY: &str = TASK_NO;

/// Whether `table` comes as snapshots (notices and tasks), of which only the latest rows count.
pub(crate) fn is_snapshot(table: Table) -> bool {
    event_key(table).is_some()
}

/// The 编号 that identifies a row of an event table across snapshots.
fn event_key(table: Table) -> Option<&'static str> {
    match table {
        Table::Notices => Some(NOTICE_KEY),
        Table::Tasks => Some(TASK_KEY),
        _ => None,
    }
}

/// Assess the month of `as_of` from the staged files (builds the tables; a run that assesses
/// more than one date prepares them once with `Prepared::new` and calls `assess_tables`).
pub fn assess(
    config: &Config,
    calendar: &Calendar,
    as_of: NaiveDate,
    files: &[FileOutcome],
) -> PolarsResult<Assessment> {
    let prepared = Prepared::new(config, StagedTables::build(files)?)?;
    assess_tables(config, calendar, as_of, &prepared)
}

/// Assess the month of `as_of` from the prepared tables.
pub fn assess_tables(
    config: &Config,
    calendar: &Calendar,
    as_of: NaiveDate,
    tables: &Prepared,
) -> PolarsResult<Assessment> {
    assess_with(config, calendar, as_of, tables)
}

/// The ranking of an earlier month, for its history (上月排名, 年度趋势) alone: only what the
/// scores read is computed (no lights, 预警, project library or meetings), and the data
/// problems, which never change a score and are reported only for the month written, are not
/// looked for.
pub fn ranking_as_of(
    config: &Config,
    calendar: &Calendar,
    as_of: NaiveDate,
    prepared: &Prepared,
) -> PolarsResult<Vec<ScoreRow>> {
    let date = DateTables::of(as_of, prepared)?;
    let (indicators, overdue_notices) =
        metrics::for_ranking(&date.tables(prepared), config, calendar, as_of)?;
    Ok(scores_of(config, &indicators, overdue_notices))
}

/// The rows of an event table that may count (SPEC §1, who may report what), and the problems
/// of the rows refused.
#[derive(Debug)]
struct Allowed {
    rows: DataFrame,
    refused: Vec<Problem>,
}

impl Allowed {
    fn of((rows, refused): (DataFrame, Vec<Problem>)) -> Allowed {
        Allowed { rows, refused }
    }
}

/// Who may report a table's rows: the rows allowed and the problems of those refused.
type Allow = fn(&DataFrame, Option<&str>) -> PolarsResult<(DataFrame, Vec<Problem>)>;

/// The staged tables with the normalization that does not depend on D done once: who may
/// report what, visits deduplicated with 身份 and 所在单位 filled in, meetings keyed, and the
/// folded project references. A first run assesses every month of the year from one.
#[derive(Debug)]
pub struct Prepared {
    /// Every staged ledger row; the other staged tables leave memory once prepared.
    ledgers: Ledgers,
    /// Rows in all staged tables.
    staged_rows: usize,
    notices: Allowed,
    tasks: Allowed,
    visits: Allowed,
    investments: Allowed,
    meetings: Allowed,
}

impl Prepared {
    pub fn new(config: &Config, tables: StagedTables) -> PolarsResult<Prepared> {
        let office = config.office();
        let items = |table: Table, allow: Allow| -> PolarsResult<Allowed> {
            let mut allowed = Allowed::of(allow(tables.get(table), office)?);
            events::with_project_refs(&mut allowed.rows)?;
            Ok(allowed)
        };
        let ((notices, tasks), (visits, others)) = rayon::join(
            || {
                rayon::join(
                    || items(Table::Notices, authority::notices),
                    || items(Table::Tasks, authority::tasks),
                )
            },
            || {
                rayon::join(
                    || {
                        let visits = events::visits(tables.get(Table::Visits), config)?;
                        authority::visits(&visits, office).map(Allowed::of)
                    },
                    || {
                        let investments =
                            authority::investments(tables.get(Table::Investments), office)?;
                        let (meetings, refused) =
                            authority::meetings(tables.get(Table::Meetings), office)?;
                        let meetings = Allowed::of((events::meetings(&meetings)?, refused));
                        Ok::<_, PolarsError>((Allowed::of(investments), meetings))
                    },
                )
            },
        );
        let (investments, meetings) = others?;
        Ok(Prepared {
            ledgers: Ledgers::new(tables.get(Table::Projects).clone())?,
            staged_rows: tables.rows(),
            notices: notices?,
            tasks: tasks?,
            visits: visits?,
            investments,
            meetings,
        })
    }

    /// Rows in all staged tables.
    pub fn staged_rows(&self) -> usize {
        self.staged_rows
    }
}

/// The tables of one date D: the current ledger, and the events that happened by D keyed to
/// its projects.
struct DateTables {
    ledger: CurrentLedger,
    notices: DataFrame,
    tasks: DataFrame,
    visits: DataFrame,
    investments: DataFrame,
    /// Attracted-investment rows given more than once.
    repeated_investments: Vec<Problem>,
}

impl DateTables {
    fn of(as_of: NaiveDate, prepared: &Prepared) -> PolarsResult<DateTables> {
        // SPEC §2: a notice, task or visit dated after D has not happened yet. The investments,
        // which do not need the current ledger, are prepared beside it, the others side by side.
        let (ledger, investments) = rayon::join(
            || prepared.ledgers.current(as_of),
            || events::investments(&prepared.investments.rows, as_of),
        );
        let ledger = ledger?;
        let keyed = |allowed: &Allowed, date: &str| -> PolarsResult<DataFrame> {
            let mut rows = happened_by(allowed.rows.clone(), date, as_of)?;
            events::with_project_key(&mut rows, &ledger.projects)?;
            Ok(rows)
        };
        let (notices, (tasks, visits)) = rayon::join(
            || keyed(&prepared.notices, "issued"),
            || {
                rayon::join(
                    || keyed(&prepared.tasks, "assigned"),
                    || keyed(&prepared.visits, "visit_date"),
                )
            },
        );
        let (investments, repeated_investments) = investments?;
        Ok(DateTables {
            notices: notices?,
            tasks: tasks?,
            visits: visits?,
            ledger,
            investments,
            repeated_investments,
        })
    }

    fn tables<'a>(&'a self, prepared: &'a Prepared) -> Tables<'a> {
        Tables {
            all_ledgers: prepared.ledgers.rows(),
            projects: &self.ledger.projects,
            notices: &self.notices,
            tasks: &self.tasks,
            visits: &self.visits,
            investments: &self.investments,
        }
    }
}

/// The units' scores from D's indicators and the notices past 办理时限 per unit.
fn scores_of(
    config: &Config,
    indicators: &[IndicatorOutcome],
    overdue_notices: BTreeMap<String, u32>,
) -> Vec<ScoreRow> {
    let input = ScoringInput {
        indicators: indicators.iter().map(|o| o.indicator).collect(),
        rates: indicators
            .iter()
            .flat_map(|o| {
                o.ratios.iter().filter_map(move |(unit, r)| {
                    r.rate().map(|rate| ((o.indicator, unit.clone()), rate))
                })
            })
            .collect(),
        overdue_notices: Some(overdue_notices),
    };
    score(config, &input)
}

fn assess_with(
    config: &Config,
    calendar: &Calendar,
    as_of: NaiveDate,
    prepared: &Prepared,
) -> PolarsResult<Assessment> {
    // SPEC §2: a meeting dated after D has not happened yet.
    let (date, meetings) = rayon::join(
        || DateTables::of(as_of, prepared),
        || happened_by(prepared.meetings.rows.clone(), "meeting_date", as_of),
    );
    let (date, meetings) = (date?, meetings?);
    let mut problems = date.ledger.warnings.clone();
    for allowed in [
        &prepared.notices,
        &prepared.tasks,
        &prepared.visits,
        &prepared.investments,
    ] {
        problems.extend(allowed.refused.iter().cloned());
    }
    problems.extend(date.repeated_investments.iter().cloned());
    problems.extend(prepared.meetings.refused.iter().cloned());
    normalization_problems(
        &mut problems,
        prepared.ledgers.rows(),
        &date.notices,
        &date.tasks,
        &date.visits,
    )?;
    let metrics = metrics::compute(date.tables(prepared), &meetings, config, calendar, as_of)?;
    problems.extend(metrics.problems.iter().cloned());
    let scores = scores_of(config, &metrics.indicators, metrics.overdue_notices.clone());
    let DateTables {
        ledger,
        notices,
        tasks,
        visits,
        investments,
        ..
    } = date;
    Ok(Assessment {
        as_of,
        month: crate::dates::month_label(as_of),
        ledger,
        notices,
        tasks,
        visits,
        investments,
        meetings,
        metrics,
        scores,
        problems,
        missing_calendar_years: calendar.missing_years(as_of),
    })
}

/// The rows whose `date` is on or before D.
fn happened_by(rows: DataFrame, date: &str, as_of: NaiveDate) -> PolarsResult<DataFrame> {
    rows.lazy().filter(col(date).lt_eq(lit(as_of))).collect()
}

/// The warnings found while normalizing: rows naming a project that no ledger lists.
fn normalization_problems(
    problems: &mut Vec<Problem>,
    ledgers: &DataFrame,
    notices: &DataFrame,
    tasks: &DataFrame,
    visits: &DataFrame,
) -> PolarsResult<()> {
    let known = events::KnownProjects::of(ledgers)?;
    for (rows, table, unit) in [
        (notices, Table::Notices, TARGET_UNIT),
        (tasks, Table::Tasks, "unit"),
        (visits, Table::Visits, SUBMITTER),
    ] {
        problems.extend(events::unknown_project_warnings(
            rows,
            table.label(),
            unit,
            &known,
        )?);
    }
    Ok(())
}

/// Whether any row, sheet or file was rejected, or an item could not be judged.
pub fn needs_attention<'a>(problems: impl IntoIterator<Item = &'a Problem>) -> bool {
    problems
        .into_iter()
        .any(|p| matches!(p.severity, Severity::Rejected | Severity::Undecidable))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ingest::discover::discover;
    use crate::ingest::Ingest;

    /// Every file of the sample county, read and staged.
    pub(crate) fn sample_files() -> Vec<FileOutcome> {
        let config = Config::embedded().expect("the built-in config");
        let ingest = Ingest::new(&config);
        let inputs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs");
        let found = discover(&inputs, 0, std::time::SystemTime::now()).expect("the sample");
        found.files.iter().map(|f| ingest.load(f)).collect()
    }
}
