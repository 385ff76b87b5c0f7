//! The months before D's (IO: the state folder): every month of D's year before M, and the
//! month before M when it lies in the year before, each as its ranking as of its last day. They
//! give 上月排名 and the 年度趋势 sheet. A month whose history was kept as of its last day is
//! read back; any other (never run, or run only for a day within it) is assessed from the
//! inputs as of its last day and its history kept. So the result does not depend on which
//! months were run before, or in which order.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, SyncSender};

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;

use crate::calendar::Calendar;
use crate::config::Config;
use crate::dates::{month_label, previous_month_end};
use crate::pipeline::{ranking_as_of, Prepared};
use crate::state::{self, Encoders, MonthScores, MonthState};
use crate::writer::WriterThread;

/// The last days of the months before D's that a run needs, oldest first: January to M−1 of
/// D's year, or December of the year before when D is in January.
pub fn month_ends_before(as_of: NaiveDate) -> Vec<NaiveDate> {
    let mut ends = Vec::new();
    let mut end = previous_month_end(as_of);
    loop {
        ends.push(end);
        if end.year() != as_of.year() || end.month() == 1 {
            break;
        }
        end = previous_month_end(end);
    }
    ends.reverse();
    ends
}

/// Up to this many staged rows, the months before M are assessed two at a time, and beside
/// M's own assessment: a city-sized first run spends 2.1–2.8 s on them instead of 3.0–3.8 s,
/// for 40–50 MiB more. Above it they are assessed one at a time, each leaving memory before
/// the next is built: two at once added 250 MiB to the province tier's peak.
const CONCURRENT_UP_TO_ROWS: usize = 1_000_000;

/// The most months before M a run assesses (January to November).
const MOST_MONTHS_BEFORE: usize = 11;

/// Whether the months of `tables` are assessed concurrently (see `CONCURRENT_UP_TO_ROWS`).
pub fn concurrent(tables: &Prepared) -> bool {
    tables.staged_rows() <= CONCURRENT_UP_TO_ROWS
}

/// The month history of the state folder for one month's run: kept months are read from it;
/// the history of months assessed now is written on a thread of its own while the run goes on
/// (the next months, then the reports).
///
/// Deferred (small inputs, whose months are assessed concurrently), every month waits until
/// `release`, called once the months are assessed: written beside them, the history took a
/// third of both cores from the assessments; written beside the reports, it takes its share
/// and is done when they are. Otherwise at most one month waits, so the months' tables leave
/// memory one by one.
pub struct HistoryWriter {
    state_dir: PathBuf,
    /// Tells a deferred writer to begin; dropped before the writer is waited for.
    release: Option<SyncSender<()>>,
    writer: WriterThread<MonthState, ()>,
}

impl HistoryWriter {
    pub fn start(state_dir: &Path, deferred: bool) -> HistoryWriter {
        let state_dir = state_dir.to_path_buf();
        let (waiting, encoders) = if deferred {
            (MOST_MONTHS_BEFORE, Encoders::ThisThread)
        } else {
            (0, Encoders::PolarsPool)
        };
        let (release, released) = match deferred {
            true => {
                let (release, released) = mpsc::sync_channel::<()>(1);
                (Some(release), Some(released))
            }
            false => (None, None),
        };
        let writer = {
            let state_dir = state_dir.clone();
            WriterThread::start(waiting, move |months| {
                if let Some(released) = released {
                    // Released, or given up: either way what was handed on is written.
                    let _released_or_given_up = released.recv();
                }
                months
                    .into_iter()
                    .try_for_each(|month| state::save(&state_dir, month, encoders))
            })
        };
        HistoryWriter {
            state_dir,
            release,
            writer,
        }
    }

    /// Let a deferred writer begin.
    pub fn release(&self) {
        if let Some(release) = &self.release {
            // A writer that has stopped says why in `finish`.
            let _stopped = release.try_send(());
        }
    }

    /// Wait until every month handed on is written.
    pub fn finish(self) -> anyhow::Result<()> {
        drop(self.release);
        self.writer.finish()
    }

    /// `result`, unless the history could not be written: the writer's own error says more
    /// than a month's failure to hand it on.
    pub fn finish_after<T>(self, result: anyhow::Result<T>) -> anyhow::Result<T> {
        drop(self.release);
        self.writer.finish_after(result)
    }
}

/// The rankings of the months before D's (see `month_ends_before`), oldest first; two at a
/// time when `two_at_a_time` (see `concurrent`). Kept months are read from `history`'s state
/// folder; the history of a month assessed now goes to its writer.
pub fn earlier_months(
    history: &HistoryWriter,
    config: &Config,
    calendar: &Calendar,
    as_of: NaiveDate,
    tables: &Prepared,
    two_at_a_time: bool,
) -> anyhow::Result<Vec<MonthScores>> {
    let ends = month_ends_before(as_of);
    let month = |end: &NaiveDate| month_as_of_end(history, config, calendar, *end, tables);
    if two_at_a_time {
        ends.par_iter().map(month).collect()
    } else {
        ends.iter().map(month).collect()
    }
}

/// The ranking of the month ending on `end`: kept history when it was assessed as of `end`,
/// otherwise assessed now and its ranking handed to the history's writer.
fn month_as_of_end(
    history: &HistoryWriter,
    config: &Config,
    calendar: &Calendar,
    end: NaiveDate,
    tables: &Prepared,
) -> anyhow::Result<MonthScores> {
    let month = month_label(end);
    if let Some(kept) = state::month_scores(&history.state_dir, &month)? {
        if kept.as_of == Some(end) {
            return Ok(kept);
        }
    }
    let scores = ranking_as_of(config, calendar, end, tables)
        .with_context(|| format!("按 {end} 计算 {month} 的考核排名时出错"))?;
    history
        .writer
        .send(MonthState::ranking_of(&month, end, &scores)?)
        .map_err(|_| anyhow::anyhow!("{month} 的历史记录未能写入"))?;
    Ok(MonthScores::of(&month, end, &scores))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::test_frames::d;
    use crate::pipeline::StagedTables;

    #[test]
    fn the_months_before_are_those_of_the_year_or_last_december() {
        let ends = month_ends_before(d("2026-11-15"));
        assert_eq!(ends.len(), 10);
        assert_eq!(ends.first(), Some(&d("2026-01-31")));
        assert_eq!(ends[1], d("2026-02-28"));
        assert_eq!(ends.last(), Some(&d("2026-10-31")));
        assert_eq!(month_ends_before(d("2026-02-01")), vec![d("2026-01-31")]);
        assert_eq!(month_ends_before(d("2027-01-04")), vec![d("2026-12-31")]);
        assert_eq!(month_ends_before(d("2026-12-31")).len(), 11);
    }

    /// The sample county's prepared tables, with the built-in config.
    fn sample_tables() -> (Config, Prepared) {
        let config = Config::embedded().expect("the built-in config");
        let staged = StagedTables::build(&crate::pipeline::tests::sample_files()).expect("tables");
        let tables = Prepared::new(&config, staged).expect("the prepared tables");
        (config, tables)
    }

    /// `earlier_months` as of 2026-11-30, with the history written before it returns.
    fn months_before(
        state_dir: &Path,
        (config, tables): &(Config, Prepared),
        two_at_a_time: bool,
    ) -> anyhow::Result<Vec<MonthScores>> {
        let history = HistoryWriter::start(state_dir, two_at_a_time);
        let calendar = Calendar::shipped();
        let as_of = d("2026-11-30");
        let months = earlier_months(&history, config, &calendar, as_of, tables, two_at_a_time);
        history.finish_after(months)
    }

    /// Assessed two at a time or one after another, the months and the history kept are the
    /// same; a second run reads the kept history back and agrees.
    #[test]
    fn the_months_before_do_not_depend_on_how_many_are_assessed_at_once() {
        let sample = sample_tables();
        let [together, apart] = [true, false].map(|two_at_a_time| {
            let state = tempfile::tempdir().expect("a state folder");
            let months =
                months_before(state.path(), &sample, two_at_a_time).expect("the months before");
            let kept = months_before(state.path(), &sample, false).expect("the kept months");
            assert_eq!(months, kept);
            let january = std::fs::read_dir(state.path().join("2026-01"))
                .expect("January's history")
                .map(|entry| entry.expect("an entry").file_name())
                .collect::<Vec<_>>();
            assert_eq!(january, ["scores.parquet"]);
            months
        });
        assert_eq!(together.len(), 10);
        assert!(together.iter().all(|m| !m.units.is_empty()));
        assert_eq!(together, apart);
        assert!(concurrent(&sample.1));
    }

    /// When the history cannot be written, the run says why instead of waiting on the writer.
    #[test]
    fn a_history_that_cannot_be_written_is_an_error() {
        let sample = sample_tables();
        let folder = tempfile::tempdir().expect("a folder");
        let not_a_folder = folder.path().join("state");
        std::fs::write(&not_a_folder, b"").expect("a file");
        for two_at_a_time in [false, true] {
            let error = months_before(&not_a_folder, &sample, two_at_a_time)
                .expect_err("a file is not a state folder");
            assert!(format!("{error:#}").contains("无法创建文件夹"), "{error:#}");
        }
    }
}
