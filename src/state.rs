//! The job's own history (IO): each run keeps its month's normalized tables and scores as
//! parquet under `<state>/<YYYY-MM>/`, replacing that month's folder as a whole. Later runs read
//! the previous month's ranks from it. This module alone knows the folder's layout:
//! `scores.parquet` (unit, group, total, rank, grade and the as-of date the month was assessed
//! at), `projects.parquet` (the current ledger
//! with lights), `notices.parquet`, `tasks.parquet` and `visits.parquet`. A month assessed only
//! for its ranking (a month before M that no run kept as of its last day) keeps
//! `scores.parquet` alone: nothing reads its tables back, and they would be today's inputs as
//! of an earlier day, which the archive keeps already.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::NaiveDate;
use polars::prelude::{
    Column, DataFrame, DataType, ParquetReader, ParquetWriter, PolarsResult, SerReader,
};

use crate::model::frames::{dates, epoch_days, strings};
use crate::pipeline::Assessment;
use crate::scoring::ScoreRow;

/// The file holding a month's ranking.
const SCORES_STEM: &str = "scores";
/// Columns of the scores frame.
const UNIT: &str = "unit";
const GROUP: &str = "group";
const TOTAL: &str = "total";
const RANK: &str = "rank";
const AS_OF: &str = "as_of";

/// A month's ranking as a run kept it.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthScores {
    /// `YYYY-MM`.
    pub month: String,
    /// The day the month was assessed as of; `None` in history kept before this was recorded.
    pub as_of: Option<NaiveDate>,
    /// Per unit: its 总分 and 组内排名.
    pub units: BTreeMap<String, UnitStanding>,
}

/// One unit's standing in a month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitStanding {
    pub total: Option<f64>,
    pub rank: Option<u32>,
}

impl MonthScores {
    /// The standing of each unit of an assessment.
    pub fn of(month: &str, as_of: NaiveDate, scores: &[ScoreRow]) -> MonthScores {
        MonthScores {
            month: month.to_string(),
            as_of: Some(as_of),
            units: scores
                .iter()
                .map(|r| {
                    let standing = UnitStanding {
                        total: r.total,
                        rank: r.rank,
                    };
                    (r.unit.clone(), standing)
                })
                .collect(),
        }
    }

    /// Each unit's rank.
    pub fn ranks(&self) -> BTreeMap<String, u32> {
        self.units
            .iter()
            .filter_map(|(unit, s)| Some((unit.clone(), s.rank?)))
            .collect()
    }
}

fn month_dir(state: &Path, month: &str) -> PathBuf {
    state.join(month)
}

/// The ranking a run kept for `month`, if any.
pub fn month_scores(state: &Path, month: &str) -> anyhow::Result<Option<MonthScores>> {
    let path = month_dir(state, month).join(format!("{SCORES_STEM}.parquet"));
    if !path.is_file() {
        return Ok(None);
    }
    let file = File::open(&path).with_context(|| format!("无法读取历史记录 {}", path.display()))?;
    let scores = ParquetReader::new(file)
        .finish()
        .with_context(|| format!("历史记录 {} 已损坏", path.display()))?;
    let read = || -> PolarsResult<MonthScores> {
        let units = strings(&scores, UNIT)?;
        let totals: Vec<Option<f64>> = scores.column(TOTAL)?.f64()?.iter().collect();
        let ranks: Vec<Option<u32>> = scores.column(RANK)?.u32()?.iter().collect();
        let as_of = match scores.column(AS_OF) {
            Ok(_) => dates(&scores, AS_OF)?.into_iter().flatten().next(),
            Err(_) => None,
        };
        Ok(MonthScores {
            month: month.to_string(),
            as_of,
            units: units
                .into_iter()
                .zip(totals.into_iter().zip(ranks))
                .filter_map(|(unit, (total, rank))| Some((unit?, UnitStanding { total, rank })))
                .collect(),
        })
    };
    read()
        .map(Some)
        .with_context(|| format!("历史记录 {} 已损坏", path.display()))
}

/// What a month's state keeps of its assessment: the scores, and the normalized tables of a
/// month run for itself.
pub struct MonthState {
    month: String,
    tables: Vec<(&'static str, DataFrame)>,
}

impl MonthState {
    /// The scores and the normalized tables of a month run for itself.
    pub fn of(assessment: &Assessment) -> PolarsResult<MonthState> {
        let mut state =
            MonthState::ranking_of(&assessment.month, assessment.as_of, &assessment.scores)?;
        state.tables.extend([
            ("projects", assessment.metrics.lights.clone()),
            ("notices", assessment.notices.clone()),
            ("tasks", assessment.tasks.clone()),
            ("visits", assessment.visits.clone()),
        ]);
        Ok(state)
    }

    /// The scores alone, of `month` assessed as of `as_of` only for its ranking.
    pub fn ranking_of(
        month: &str,
        as_of: NaiveDate,
        scores: &[ScoreRow],
    ) -> PolarsResult<MonthState> {
        Ok(MonthState {
            month: month.to_string(),
            tables: vec![(SCORES_STEM, scores_frame(scores, as_of)?)],
        })
    }
}

/// Who encodes the parquet columns of a month's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoders {
    PolarsPool,
    /// The calling thread alone, leaving polars' pool to the queries that run beside it.
    ThisThread,
}

/// Replace the month's state, written beside it and renamed in.
pub fn save(state: &Path, month: MonthState, encoders: Encoders) -> anyhow::Result<()> {
    let MonthState { month, mut tables } = month;
    let target = month_dir(state, &month);
    let staging = crate::atomic::staging_for(&target)?;
    for (stem, frame) in tables.iter_mut() {
        let path = staging.path().join(format!("{stem}.parquet"));
        let file = File::create(&path).with_context(|| format!("无法写入 {}", path.display()))?;
        // Buffered: the parquet writer writes page headers a byte at a time; `finish` flushes.
        ParquetWriter::new(std::io::BufWriter::new(file))
            .set_parallel(encoders == Encoders::PolarsPool)
            .finish(frame)
            .with_context(|| format!("无法写入 {}", path.display()))?;
    }
    crate::atomic::swap_in(staging, &target)
}

/// The month's scores as a frame, each row naming the as-of date.
fn scores_frame(rows: &[ScoreRow], as_of: NaiveDate) -> PolarsResult<DataFrame> {
    DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                UNIT.into(),
                rows.iter().map(|r| r.unit.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                GROUP.into(),
                rows.iter().map(|r| r.group.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                TOTAL.into(),
                rows.iter().map(|r| r.total).collect::<Vec<_>>(),
            ),
            Column::new(RANK.into(), rows.iter().map(|r| r.rank).collect::<Vec<_>>()),
            Column::new(
                "grade".into(),
                rows.iter().map(|r| r.grade.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(AS_OF.into(), vec![epoch_days(as_of); rows.len()]).cast(&DataType::Date)?,
        ],
    )
}
