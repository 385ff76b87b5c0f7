//! The job's own history (IO): each run keeps its month's normalized tables and scores as
//! parquet under `<state>/<YYYY-MM>/`, replacing that month's folder as a whole. Later runs read
//! the previous month's ranks from it.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::Context;
use polars::prelude::{DataFrame, ParquetReader, ParquetWriter, SerReader};

use crate::model::frames::strings;

/// The file holding a month's ranking.
pub const SCORES_STEM: &str = "scores";
/// Columns of the scores frame.
pub const UNIT: &str = "unit";
pub const RANK: &str = "rank";

pub fn month_dir(state: &Path, month: &str) -> PathBuf {
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

/// Replace `month`'s state with `tables` (file stem → frame), written beside it and renamed in.
pub fn save(state: &Path, month: &str, tables: &mut [(&str, DataFrame)]) -> anyhow::Result<()> {
    let target = month_dir(state, month);
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
