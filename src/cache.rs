//! The staging cache (IO): what reading each input gave — its outcome and its staged rows —
//! kept under the state folder, so a nightly run parses only the files that are new or changed.
//!
//! A file is found again by its path, modification time and content hash (the bytes are still
//! read and hashed every night; only parsing and staging are skipped). The whole cache carries a
//! fingerprint of the program and the config, so a new build or any config change reads every
//! file afresh. A cache that cannot be read is ignored with a warning, never an error: the run
//! then reads everything, which gives the same outputs.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::Path;
use std::time::UNIX_EPOCH;

use anyhow::{bail, Context};
use polars::io::parquet::write::BatchedWriter;
use polars::prelude::{
    DataFrame, ParquetCompression, ParquetReader, ParquetWriter, PolarsError, PolarsResult,
    SerReader,
};
use serde::{Deserialize, Serialize};
use tracing::{info, warn};

use crate::config::Config;
use crate::ingest::schema::Table;
use crate::ingest::FileOutcome;
use crate::pipeline::{concat, StagedTables};

/// The cache's folder under the state folder.
pub const DIR: &str = "cache";
const INDEX: &str = "index.json";
/// Bumped whenever what is cached changes shape.
const FORMAT: u32 = 1;

/// A file's rows in one table: `len` rows from `offset` (in the cache's or the run's frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Piece {
    pub table: Table,
    pub offset: usize,
    pub len: usize,
}

/// One file as the cache keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedFile {
    pub outcome: FileOutcome,
    pub pieces: Vec<Piece>,
}

#[derive(Serialize, Deserialize)]
struct Index {
    fingerprint: String,
    files: Vec<CachedFile>,
}

/// The cache as loaded at the start of a run.
#[derive(Debug, Default)]
pub struct StagingCache {
    files: Vec<CachedFile>,
    by_path: HashMap<String, usize>,
    tables: Option<StagedTables>,
}

/// What identifies the program and the config that staged the cached files.
pub fn fingerprint(config: &Config) -> String {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .ok()
        .map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}/{modified}", m.len())
        })
        .unwrap_or_default();
    format!(
        "{FORMAT}/{}/{exe}/{}",
        env!("CARGO_PKG_VERSION"),
        config.hash()
    )
}

fn frame_path(dir: &Path, table: Table) -> std::path::PathBuf {
    dir.join(format!("{table:?}.parquet").to_lowercase())
}

impl StagingCache {
    /// The cache in `dir` when it was made with `fingerprint`; an empty cache otherwise.
    pub fn load(dir: &Path, fingerprint: &str) -> StagingCache {
        match Self::try_load(dir, fingerprint) {
            Ok(Some(cache)) => cache,
            Ok(None) => StagingCache::default(),
            Err(e) => {
                warn!(error = %format!("{e:#}"), "staging cache ignored: every file is read");
                StagingCache::default()
            }
        }
    }

    fn try_load(dir: &Path, fingerprint: &str) -> anyhow::Result<Option<StagingCache>> {
        let index_path = dir.join(INDEX);
        if !index_path.is_file() {
            return Ok(None);
        }
        let reader = BufReader::new(File::open(&index_path)?);
        let index: Index = serde_json::from_reader(reader)
            .with_context(|| format!("{} 无法解析", index_path.display()))?;
        if index.fingerprint != fingerprint {
            info!(
                "program or config changed since the staging cache was written: every file is read"
            );
            return Ok(None);
        }
        let empty = StagedTables::build(&[])?;
        let mut frames = Vec::with_capacity(Table::ALL.len());
        for (table, schema) in empty.frames() {
            let path = frame_path(dir, *table);
            let frame = ParquetReader::new(File::open(&path)?)
                .finish()
                .with_context(|| format!("{} 无法读取", path.display()))?;
            if frame.schema() != schema.schema() {
                bail!("{} 的列与本程序不符", path.display());
            }
            frames.push((*table, frame));
        }
        let tables = StagedTables::from_frames(frames);
        for piece in index.files.iter().flat_map(|f| &f.pieces) {
            if piece.offset + piece.len > tables.get(piece.table).height() {
                bail!("{} 与数据表不符", index_path.display());
            }
        }
        let by_path = index
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.outcome.rel.clone(), i))
            .collect();
        Ok(Some(StagingCache {
            files: index.files,
            by_path,
            tables: Some(tables),
        }))
    }

    /// The cached file at `rel`, when its modification time and content are unchanged.
    pub fn get(&self, rel: &str, sha256: &str, mtime: i64) -> Option<&CachedFile> {
        let file = &self.files[*self.by_path.get(rel)?];
        (file.outcome.sha256 == sha256 && file.outcome.mtime == mtime).then_some(file)
    }

    /// How many files the cache holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// The new cache, written table by table as the run's batches arrive (one parquet row group
/// per batch), so the read stage never holds every staged row; `finish` adds the index and
/// swaps it in.
pub struct CacheWriter {
    staging: tempfile::TempDir,
    writers: Vec<(Table, BatchedWriter<File>)>,
}

impl CacheWriter {
    pub fn create(dir: &Path) -> anyhow::Result<CacheWriter> {
        let staging = crate::atomic::staging_for(dir)?;
        let empty = StagedTables::build(&[])?;
        let mut writers = Vec::with_capacity(Table::ALL.len());
        for (table, frame) in empty.frames() {
            let path = frame_path(staging.path(), *table);
            let file =
                File::create(&path).with_context(|| format!("无法写入 {}", path.display()))?;
            let writer = ParquetWriter::new(file)
                .with_compression(ParquetCompression::Uncompressed)
                .batched(frame.schema())
                .with_context(|| format!("无法写入 {}", path.display()))?;
            writers.push((*table, writer));
        }
        Ok(CacheWriter { staging, writers })
    }

    /// Append the next batch's rows, in file order.
    pub fn write(&mut self, batch: &StagedTables) -> anyhow::Result<()> {
        for ((table, writer), (_, frame)) in self.writers.iter_mut().zip(batch.frames()) {
            if frame.height() > 0 {
                writer
                    .write_batch(frame)
                    .with_context(|| format!("无法写入暂存缓存 {table:?}"))?;
            }
        }
        Ok(())
    }

    /// Close the tables, write the index of `files` (`pieces[i]` places `files[i]`'s rows in
    /// them; files that could not be read are left out) and swap the new cache in at `dir`.
    pub fn finish(
        self,
        dir: &Path,
        fingerprint: &str,
        files: &[FileOutcome],
        pieces: &[Vec<Piece>],
    ) -> anyhow::Result<()> {
        for (table, writer) in &self.writers {
            writer
                .finish()
                .with_context(|| format!("无法写入暂存缓存 {table:?}"))?;
        }
        let index = Index {
            fingerprint: fingerprint.to_string(),
            files: files
                .iter()
                .zip(pieces)
                .filter(|(f, _)| !f.sha256.is_empty())
                .map(|(outcome, pieces)| CachedFile {
                    outcome: outcome.clone(),
                    pieces: pieces.clone(),
                })
                .collect(),
        };
        let path = self.staging.path().join(INDEX);
        let writer = BufWriter::new(
            File::create(&path).with_context(|| format!("无法写入 {}", path.display()))?,
        );
        serde_json::to_writer(writer, &index)
            .with_context(|| format!("无法写入 {}", path.display()))?;
        crate::atomic::swap_in(self.staging, dir)
    }
}

/// Where a run of rows comes from: the cache's tables or the current batch's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Cache,
    Batch,
}

/// The run's rows, assembled in file order from cached rows and freshly staged rows, batch by
/// batch, with where each file's rows end up (for the next cache). The fresh rows of a batch are
/// built into one frame per table (one-file frames would each keep string buffers far larger
/// than their rows alive), and each batch comes out as its own tables: the run's tables are the
/// batches' tables one after the other.
pub struct Assembly<'a> {
    cache: &'a StagingCache,
    batch: Option<StagedTables>,
    /// Per table, the rows of the batch frame already placed.
    batch_used: Vec<usize>,
    /// Per table, the batch's rows cut out so far.
    parts: Vec<Vec<DataFrame>>,
    /// Per table, a run of consecutive rows not yet cut out (taken as one slice).
    pending: Vec<Option<(Source, usize, usize)>>,
    heights: Vec<usize>,
    pieces: Vec<Vec<Piece>>,
}

fn slot(table: Table) -> usize {
    Table::ALL.iter().position(|t| *t == table).unwrap_or(0)
}

impl<'a> Assembly<'a> {
    pub fn new(cache: &'a StagingCache) -> Assembly<'a> {
        let n = Table::ALL.len();
        Assembly {
            cache,
            batch: None,
            batch_used: vec![0; n],
            parts: vec![Vec::new(); n],
            pending: vec![None; n],
            heights: vec![0; n],
            pieces: Vec::new(),
        }
    }

    /// Start a batch whose fresh rows, in file order, are `fresh` (`StagedTables::build` of the
    /// batch's files).
    pub fn start_batch(&mut self, fresh: StagedTables) {
        self.batch = Some(fresh);
        self.batch_used.iter_mut().for_each(|used| *used = 0);
    }

    /// The next file's rows, found in the cache.
    pub fn push_cached(&mut self, cached: &[Piece]) -> PolarsResult<()> {
        let placed = cached
            .iter()
            .map(|piece| self.place(Source::Cache, piece.table, piece.offset, piece.len))
            .collect::<PolarsResult<_>>()?;
        self.pieces.push(placed);
        Ok(())
    }

    /// The next file's rows, staged in this run: `rows` per table, next in the batch frame.
    pub fn push_fresh(&mut self, rows: &[(Table, usize)]) -> PolarsResult<()> {
        let mut placed = Vec::new();
        for (table, len) in rows.iter().filter(|(_, len)| *len > 0) {
            let i = slot(*table);
            let offset = self.batch_used[i];
            self.batch_used[i] += len;
            placed.push(self.place(Source::Batch, *table, offset, *len)?);
        }
        self.pieces.push(placed);
        Ok(())
    }

    /// Queue `len` rows of `table` from `source` at `offset`; returns where they land.
    fn place(
        &mut self,
        source: Source,
        table: Table,
        offset: usize,
        len: usize,
    ) -> PolarsResult<Piece> {
        let i = slot(table);
        self.pending[i] = match self.pending[i] {
            Some((from, start, run)) if from == source && start + run == offset => {
                Some((from, start, run + len))
            }
            other => {
                self.flush(i, other)?;
                Some((source, offset, len))
            }
        };
        let piece = Piece {
            table,
            offset: self.heights[i],
            len,
        };
        self.heights[i] += len;
        Ok(piece)
    }

    fn flush(&mut self, i: usize, run: Option<(Source, usize, usize)>) -> PolarsResult<()> {
        let Some((source, offset, len)) = run else {
            return Ok(());
        };
        let tables = match source {
            Source::Cache => self.cache.tables.as_ref(),
            Source::Batch => self.batch.as_ref(),
        };
        let rows = tables
            .map(|t| t.get(Table::ALL[i]).slice(offset as i64, len))
            .ok_or_else(|| PolarsError::ComputeError("rows placed from a missing table".into()))?;
        self.parts[i].push(rows);
        Ok(())
    }

    /// The batch's rows, one contiguous frame per table.
    pub fn end_batch(&mut self) -> PolarsResult<StagedTables> {
        let empty = StagedTables::build(&[])?;
        let mut frames = Vec::with_capacity(Table::ALL.len());
        for (i, (table, schema)) in empty.frames().iter().enumerate() {
            let run = self.pending[i].take();
            self.flush(i, run)?;
            let parts = std::mem::take(&mut self.parts[i]);
            frames.push((*table, concat(parts)?.unwrap_or_else(|| schema.clone())));
        }
        self.batch = None;
        Ok(StagedTables::from_frames(frames))
    }

    /// Where each file's rows are in the run's tables.
    pub fn finish(self) -> Vec<Vec<Piece>> {
        self.pieces
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::tests::sample_files;

    /// A file's rows per table, as a run counts them.
    fn rows_of(file: &FileOutcome) -> Vec<(Table, usize)> {
        Table::ALL
            .iter()
            .map(|table| {
                let rows = file
                    .sheets
                    .iter()
                    .filter_map(|s| s.staged.as_ref())
                    .filter(|s| s.table == *table)
                    .map(|s| s.excel_rows.len())
                    .sum();
                (*table, rows)
            })
            .collect()
    }

    /// Half the files from the cache and half staged afresh, in batches: the batches, one after
    /// the other, are the tables of reading every file, and every file keeps its place.
    #[test]
    fn assembly_keeps_file_order_across_cached_and_fresh_files() {
        let files = sample_files();
        let all = StagedTables::build(&files).expect("the sample's tables");
        let mut heights = vec![0; Table::ALL.len()];
        let pieces: Vec<Vec<Piece>> = files
            .iter()
            .map(|file| {
                rows_of(file)
                    .into_iter()
                    .filter(|(_, len)| *len > 0)
                    .map(|(table, len)| {
                        let offset = heights[slot(table)];
                        heights[slot(table)] += len;
                        Piece { table, offset, len }
                    })
                    .collect()
            })
            .collect();
        let cache = StagingCache {
            tables: Some(all.clone()),
            ..StagingCache::default()
        };
        let mut assembly = Assembly::new(&cache);
        let mut batches = Vec::new();
        for (b, batch) in files.chunks(7).enumerate() {
            let first = b * 7;
            let fresh: Vec<&FileOutcome> = batch.iter().skip(1).step_by(2).collect();
            assembly.start_batch(StagedTables::build_from(&fresh).expect("a batch's tables"));
            for (i, file) in batch.iter().enumerate() {
                if i % 2 == 1 {
                    assembly
                        .push_fresh(&rows_of(file))
                        .expect("fresh rows placed");
                } else {
                    assembly
                        .push_cached(&pieces[first + i])
                        .expect("cached rows placed");
                }
            }
            batches.push(assembly.end_batch().expect("a batch's rows"));
        }
        assert_eq!(assembly.finish(), pieces);
        for (i, (table, want)) in all.frames().iter().enumerate() {
            let parts = batches.iter().map(|b| b.frames()[i].1.clone()).collect();
            let got = concat(parts).expect("the batches joined").expect("rows");
            assert!(want.equals_missing(&got), "{table:?}");
        }
    }
}
