//! The job's own history (IO): each run keeps its month's normalized tables and scores as
//! parquet under `<state>/<YYYY-MM>/`, replacing that month's folder as a whole. Later runs read
//! the previous month's ranks from it. This module alone knows the folder's layout:
//! `scores.parquet` (unit, group, total, rank, grade), `projects.parquet` (the current ledger
//! with lights), `notices.parquet`, `tasks.parquet` and `visits.parquet`.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::Context;
use polars::prelude::{Column, DataFrame, ParquetReader, ParquetWriter, PolarsResult, SerReader};

use crate::model::frames::strings;
use crate::pipeline::Assessment;
use crate::scoring::ScoreRow;

/// The file holding a month's ranking.
const SCORES_STEM: &str = "scores";
/// Columns of the scores frame.
const UNIT: &str = "unit";
const RANK: &str = "rank";

fn month_dir(state: &Path, month: &str) -> PathBuf {
    state.join(month)
}

/// Each unit's rank in `month`, when a run kept that month's state.
pub fn ranks(state: &Path, month: &str) -> anyhow::Result<Option<BTreeMap<String, u32>>> {
    let path = month_dir(state, month).join(format!("{SCORES_STEM}.parquet"));
    if !path.is_file() {
        return Ok(None);
    }
    let file = File::open(&path).with_context(|| format!("无法读取历史记录 {}", path.display()))?;
    let scores = ParquetReader::new(file)
        .finish()
        .with_context(|| format!("历史记录 {} 已损坏", path.display()))?;
    let units = strings(&scores, UNIT)?;
    let ranks: Vec<Option<u32>> = scores.column(RANK)?.u32()?.iter().collect();
    Ok(Some(
        units
            .into_iter()
            .zip(ranks)
            .filter_map(|(u, r)| Some((u?, r?)))
            .collect(),
    ))
}

/// Replace the assessed month's state, written beside it and renamed in.
pub fn save(state: &Path, assessment: &Assessment) -> anyhow::Result<()> {
    let tables = &mut [
        (SCORES_STEM, scores_frame(&assessment.scores)?),
        ("projects", assessment.metrics.lights.clone()),
        ("notices", assessment.notices.clone()),
        ("tasks", assessment.tasks.clone()),
        ("visits", assessment.visits.clone()),
    ];
    let target = month_dir(state, &assessment.month);
    let staging = crate::atomic::staging_for(&target)?;
    for (stem, frame) in tables.iter_mut() {
        let path = staging.path().join(format!("{stem}.parquet"));
        let file = File::create(&path).with_context(|| format!("无法写入 {}", path.display()))?;
        ParquetWriter::new(file)
            .finish(frame)
            .with_context(|| format!("无法写入 {}", path.display()))?;
    }
    crate::atomic::swap_in(staging, &target)
}

/// The month's scores as a frame.
fn scores_frame(rows: &[ScoreRow]) -> PolarsResult<DataFrame> {
    DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                UNIT.into(),
                rows.iter().map(|r| r.unit.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "group".into(),
                rows.iter().map(|r| r.group.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "total".into(),
                rows.iter().map(|r| r.total).collect::<Vec<_>>(),
            ),
            Column::new(RANK.into(), rows.iter().map(|r| r.rank).collect::<Vec<_>>()),
            Column::new(
                "grade".into(),
                rows.iter().map(|r| r.grade.as_str()).collect::<Vec<_>>(),
            ),
        ],
    )
}
