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
use polars::prelude::{ParquetCompression, ParquetReader, ParquetWriter, SerReader};
use serde::{Deserialize, Serialize};
use tracing::{info, warn};

use crate::config::Config;
use crate::ingest::schema::Table;
use crate::ingest::FileOutcome;
use crate::pipeline::StagedTables;

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

    /// A cache holding `tables` and no file (for tests of what reads its rows).
    #[cfg(test)]
    pub(crate) fn with_tables(tables: StagedTables) -> StagingCache {
        StagingCache {
            tables: Some(tables),
            ..StagingCache::default()
        }
    }

    /// The cached rows of every file, in the order of the index's pieces.
    pub fn tables(&self) -> Option<&StagedTables> {
        self.tables.as_ref()
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
    writers: Vec<(Table, BatchedWriter<BufWriter<File>>)>,
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
            // Buffered: the parquet writer writes page headers a byte at a time, which unbuffered
            // cost 186,000 system calls at the city tier. `finish` flushes.
            let writer = ParquetWriter::new(BufWriter::new(file))
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
