//! The row-order contract of a run, in one place. Inputs are read in the order of their
//! relative paths, in batches (`batches`). Every table is in file order, then sheet order, then
//! Excel row order: `Assembly` cuts each batch's rows from cached slices and freshly staged rows
//! in that order, `cache::CacheWriter` writes them so, and `LatestRows` keeps the rows an
//! assessment uses. The latest snapshot row is chosen by a total order (`events::latest_by_keys`),
//! so keeping it batch by batch gives exactly `StagedTables::latest_snapshots` of every row.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

use polars::prelude::{DataFrame, PolarsError, PolarsResult};

use crate::cache::{Piece, StagingCache};
use crate::ingest::discover::InputFile;
use crate::ingest::schema::Table;
use crate::pipeline::{is_snapshot, latest_rows, StagedTables};

const FILES_PER_BATCH: usize = 256;
/// A batch also ends once its files reach this many bytes: a file's staged rows wait in memory
/// until its batch is built into frames, and one office ledger can hold 300,000 rows.
const BYTES_PER_BATCH: u64 = 24 << 20;

/// The inputs cut into consecutive batches of at most `FILES_PER_BATCH` files, each ending at
/// the first file that takes it past `BYTES_PER_BATCH`.
pub fn batches(files: &[InputFile]) -> Vec<&[InputFile]> {
    let mut batches = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, file) in files.iter().enumerate() {
        bytes += file.size;
        if bytes >= BYTES_PER_BATCH || i + 1 - start == FILES_PER_BATCH {
            batches.push(&files[start..=i]);
            (start, bytes) = (i + 1, 0);
        }
    }
    if start < files.len() {
        batches.push(&files[start..]);
    }
    batches
}

/// Runs `work` on every item of every batch on `workers` threads and hands each batch's
/// results, in item order, to `gather` (on the calling thread) in batch order. Within a batch the
/// largest items (by `size`) go first. A worker takes the next item as soon as it is free, even
/// of the next batch, so one large file at the end of a batch does not leave the other cores
/// idle; but no item of batch b starts before batch b − 2 is gathered, so at most two batches of
/// results are held. The first error, of `work` or of `gather`, stops the run and is returned.
pub fn pipelined<T, R, E>(
    batches: &[&[T]],
    workers: usize,
    size: impl Fn(&T) -> u64,
    work: impl Fn(&T) -> Result<R, E> + Sync,
    mut gather: impl FnMut(Vec<R>) -> Result<(), E>,
) -> Result<(), E>
where
    T: Sync,
    R: Send,
    E: Send,
{
    let order: Vec<(usize, usize)> = batches
        .iter()
        .enumerate()
        .flat_map(|(batch, items)| {
            let mut largest_first: Vec<usize> = (0..items.len()).collect();
            largest_first.sort_by_key(|&i| std::cmp::Reverse(size(&items[i])));
            largest_first.into_iter().map(move |i| (batch, i))
        })
        .collect();
    let slots: Vec<Mutex<Slots<R>>> = batches
        .iter()
        .map(|items| {
            Mutex::new(Slots {
                results: Vec::new(),
                left: items.len(),
            })
        })
        .collect();
    let next = AtomicUsize::new(0);
    let gate = Gate::default();
    let (done, finished) = mpsc::channel::<(usize, Result<Vec<R>, E>)>();
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            let done = done.clone();
            let (order, slots, next, gate, work) = (&order, &slots, &next, &gate, &work);
            scope.spawn(move || {
                let _stop_on_panic = StopOnPanic(gate);
                while let Some(&(batch, i)) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if !gate.open_for(batch) {
                        return;
                    }
                    match work(&batches[batch][i]) {
                        Ok(result) => {
                            let mut slot = slots[batch].lock().unwrap_or_else(|e| e.into_inner());
                            if slot.results.is_empty() {
                                slot.results.resize_with(batches[batch].len(), || None);
                            }
                            slot.results[i] = Some(result);
                            slot.left -= 1;
                            if slot.left == 0 {
                                let results = std::mem::take(&mut slot.results);
                                let results = results.into_iter().flatten().collect();
                                // A closed channel: the gatherer has stopped.
                                let _ = done.send((batch, Ok(results)));
                            }
                        }
                        Err(error) => {
                            gate.stop();
                            let _ = done.send((batch, Err(error)));
                            return;
                        }
                    }
                }
            });
        }
        drop(done);
        // Batches finish out of order; each waits here until those before it are gathered.
        let mut waiting = BTreeMap::new();
        let mut gathered = 0;
        for (batch, results) in finished.iter() {
            waiting.insert(batch, results);
            while let Some(results) = waiting.remove(&gathered) {
                if let Err(error) = results.and_then(&mut gather) {
                    gate.stop();
                    return Err(error);
                }
                gathered += 1;
                gate.gathered(gathered);
            }
        }
        // Every worker has ended: all batches gathered, or a worker's error (or panic, which
        // the scope passes on) ended them early.
        match waiting.into_values().find_map(Result::err) {
            Some(error) => Err(error),
            None => Ok(()),
        }
    })
}

/// One batch's results as its items finish: allocated with its first result and handed on
/// whole, so only the batches under way hold slots.
struct Slots<R> {
    results: Vec<Option<R>>,
    left: usize,
}

/// How many batches are gathered, and whether the run stopped; workers wait on it.
#[derive(Default)]
struct Gate {
    gathered: Mutex<usize>,
    changed: Condvar,
    stopped: AtomicBool,
}

impl Gate {
    /// Waits until batch `batch` may start; false once the run has stopped.
    fn open_for(&self, batch: usize) -> bool {
        let mut gathered = self.gathered.lock().unwrap_or_else(|e| e.into_inner());
        while batch > *gathered + 1 && !self.stopped.load(Ordering::Relaxed) {
            gathered = self
                .changed
                .wait(gathered)
                .unwrap_or_else(|e| e.into_inner());
        }
        !self.stopped.load(Ordering::Relaxed)
    }

    fn gathered(&self, batches: usize) {
        *self.gathered.lock().unwrap_or_else(|e| e.into_inner()) = batches;
        self.changed.notify_all();
    }

    fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
        // Taking the lock orders the store before any waiter's next check.
        drop(self.gathered.lock().unwrap_or_else(|e| e.into_inner()));
        self.changed.notify_all();
    }
}

/// Stops the run when a worker panics, so the others do not wait for its item.
struct StopOnPanic<'a>(&'a Gate);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
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
            Source::Cache => self.cache.tables(),
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

/// Snapshot rows gathered before they are cut down to the latest: at least this many, and at
/// least as many as were kept the last time, so the cutting costs about one sort of all rows.
const SNAPSHOT_ROWS_BEFORE_CUT: usize = 500_000;

/// `StagedTables::latest_snapshots` of the run's tables, built as the run's batches arrive so
/// that the snapshot rows never all sit in memory at once. The latest row is chosen by a total
/// order (`events::latest_by_keys`), so cutting early and again later keeps the same rows.
pub struct LatestRows {
    /// Cut a snapshot table once this many rows were added since the last cut (or more).
    cut_after: usize,
    parts: Vec<Vec<DataFrame>>,
    /// Per table, rows added since the last cut, and rows kept by it.
    added: Vec<usize>,
    kept: Vec<usize>,
}

impl Default for LatestRows {
    fn default() -> Self {
        let n = Table::ALL.len();
        LatestRows {
            cut_after: SNAPSHOT_ROWS_BEFORE_CUT,
            parts: vec![Vec::new(); n],
            added: vec![0; n],
            kept: vec![0; n],
        }
    }
}

impl LatestRows {
    /// The next batch's tables, in file order.
    pub fn push(&mut self, batch: StagedTables) -> PolarsResult<()> {
        for (i, (table, frame)) in batch.into_frames().into_iter().enumerate() {
            if frame.height() == 0 {
                continue;
            }
            self.added[i] += frame.height();
            self.parts[i].push(frame);
            if is_snapshot(table) && self.added[i] >= self.kept[i].max(self.cut_after) {
                self.cut(i, table)?;
            }
        }
        Ok(())
    }

    fn cut(&mut self, i: usize, table: Table) -> PolarsResult<()> {
        if let Some(all) = concat(std::mem::take(&mut self.parts[i]))? {
            let latest = latest_rows(table, &all)?;
            self.kept[i] = latest.height();
            self.parts[i] = vec![latest];
        }
        self.added[i] = 0;
        Ok(())
    }

    pub fn finish(self) -> PolarsResult<StagedTables> {
        let empty = StagedTables::build(&[])?;
        let mut frames = Vec::with_capacity(Table::ALL.len());
        for ((table, schema), parts) in empty.into_frames().into_iter().zip(self.parts) {
            let all = concat(parts)?.unwrap_or(schema);
            frames.push((table, latest_rows(table, &all)?));
        }
        Ok(StagedTables::from_frames(frames))
    }
}

/// One table's parts, in order, as one contiguous frame; `None` when there are no parts.
pub fn concat(parts: Vec<DataFrame>) -> PolarsResult<Option<DataFrame>> {
    let mut parts = parts.into_iter();
    let Some(mut frame) = parts.next() else {
        return Ok(None);
    };
    for part in parts {
        frame.vstack_mut(&part)?;
    }
    frame.rechunk_mut_par();
    Ok(Some(frame))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use super::*;
    use crate::ingest::FileOutcome;
    use crate::pipeline::tests::sample_files;

    /// Items are (batch, size); a large item takes longer, so batches finish out of order.
    fn sized_batches() -> Vec<Vec<(usize, u64)>> {
        (0..7)
            .map(|batch| {
                (0..5)
                    .map(|i| (batch, (i * 7 + batch as u64 * 3) % 11))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn pipelined_batches_arrive_whole_in_order_with_at_most_two_started() {
        let batches = sized_batches();
        let slices: Vec<&[(usize, u64)]> = batches.iter().map(Vec::as_slice).collect();
        let gathered = AtomicUsize::new(0);
        let furthest_ahead = AtomicUsize::new(0);
        let mut seen = Vec::new();
        let result: Result<(), String> = pipelined(
            &slices,
            3,
            |item| item.1,
            |item| {
                let ahead = item.0.saturating_sub(gathered.load(Ordering::SeqCst));
                furthest_ahead.fetch_max(ahead, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(item.1));
                Ok(*item)
            },
            |results| {
                seen.push(results);
                gathered.fetch_add(1, Ordering::SeqCst);
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        assert_eq!(seen, batches);
        assert!(furthest_ahead.load(Ordering::SeqCst) <= 1);
    }

    #[test]
    fn pipelined_stops_at_the_first_error_of_work_or_gather() {
        let batches = sized_batches();
        let slices: Vec<&[(usize, u64)]> = batches.iter().map(Vec::as_slice).collect();
        let mut gathered = 0;
        let failing_work = pipelined(
            &slices,
            2,
            |item| item.1,
            |item| match *item == (3, 1) {
                true => Err(format!("{item:?}")),
                false => Ok(()),
            },
            |_| {
                gathered += 1;
                Ok(())
            },
        );
        assert_eq!(failing_work, Err("(3, 1)".to_string()));
        assert!(gathered <= 3);
        let failing_gather = pipelined(
            &slices,
            2,
            |_| 0,
            |_| Ok::<(), String>(()),
            |results| match results.len() {
                5 => Err("gather".to_string()),
                _ => Ok(()),
            },
        );
        assert_eq!(failing_gather, Err("gather".to_string()));
    }

    fn input(size: u64) -> InputFile {
        InputFile {
            path: PathBuf::from("x.xlsx"),
            rel: "x.xlsx".into(),
            size,
            mtime: 0,
        }
    }

    #[test]
    fn a_batch_ends_at_its_file_count_or_at_the_file_that_fills_it() {
        let small: Vec<InputFile> = (0..FILES_PER_BATCH + 3).map(|_| input(10)).collect();
        let lengths: Vec<usize> = batches(&small).iter().map(|b| b.len()).collect();
        assert_eq!(lengths, [FILES_PER_BATCH, 3]);

        let big = BYTES_PER_BATCH / 2 + 1;
        let files = [input(big), input(10), input(big), input(big), input(10)];
        let lengths: Vec<usize> = batches(&files).iter().map(|b| b.len()).collect();
        assert_eq!(lengths, [3, 2]);
        assert!(batches(&[]).is_empty());
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
                file.staged_rows()
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
        let cache = StagingCache::with_tables(all.clone());
        let mut assembly = Assembly::new(&cache);
        let mut batches = Vec::new();
        for (b, batch) in files.chunks(7).enumerate() {
            let first = b * 7;
            let fresh: Vec<&FileOutcome> = batch.iter().skip(1).step_by(2).collect();
            assembly.start_batch(StagedTables::build_from(&fresh).expect("a batch's tables"));
            for (i, file) in batch.iter().enumerate() {
                if i % 2 == 1 {
                    assembly
                        .push_fresh(&file.staged_rows())
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

    /// Batch by batch, cut after every batch or never, the rows kept are those of
    /// `latest_snapshots` over all rows at once.
    #[test]
    fn latest_rows_batch_by_batch_equal_latest_snapshots_of_everything() {
        let files = sample_files();
        let expected = StagedTables::build(&files)
            .and_then(|all| all.latest_snapshots())
            .expect("the sample's tables");
        for cut_after in [1, 7, SNAPSHOT_ROWS_BEFORE_CUT] {
            let mut latest = LatestRows {
                cut_after,
                ..LatestRows::default()
            };
            for batch in files.chunks(5) {
                let refs: Vec<&FileOutcome> = batch.iter().collect();
                let rows = StagedTables::build_from(&refs).expect("a batch's tables");
                latest.push(rows).expect("a batch kept");
            }
            let kept = latest.finish().expect("the kept rows");
            for ((table, want), (_, got)) in expected.frames().iter().zip(kept.frames()) {
                assert!(
                    want.equals_missing(got),
                    "{table:?}, cut after {cut_after} rows: {} rows kept, {} expected",
                    got.height(),
                    want.height()
                );
            }
            assert!(kept.get(Table::Tasks).height() > 0);
        }
    }
}
