//! `keyproj run`: the imperative shell of the nightly job. Reads the clock (only when no date is
//! given), the drop folder and the config; writes the month's reports; everything in between is
//! `pipeline::assess`.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use anyhow::{bail, Context};
use chrono::{Datelike, NaiveDate};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use tracing::{info, warn};

use super::{parse_date_arg, parse_month_arg, Outcome};
use crate::archive;
use crate::cache::{self, StagingCache};
use crate::calendar::Calendar;
use crate::config::Config;
use crate::ingest::discover::extension_of;
use crate::ingest::discover::{discover, Discovery, InputFile};
use crate::ingest::schema::Table;
use crate::ingest::{content_hash, FileOutcome, Ingest};
use crate::lock::RunLock;
use crate::pipeline::{assess_tables, has_rejections, month_label, scores_as_of, StagedTables};
use crate::report::circular::circular_xlsx;
use crate::report::manifest::{manifest, ManifestInput};
use crate::report::monthly::monthly_xlsx;
use crate::report::quality::quality_workbooks;
use crate::report::ranking::{ranking_grid, ranking_xlsx, scores_frame};
use crate::report::Context as ReportContext;
use crate::scoring::with_previous_ranks;
use crate::state;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The drop folder with the units' submissions.
    #[arg(long, default_value = "inputs")]
    pub inputs: PathBuf,
    /// Where the month's report folder is written.
    #[arg(long, default_value = "reports")]
    pub reports: PathBuf,
    /// A TOML config replacing the built-in default for 长子县.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Evaluate as of the end of this day (YYYY-MM-DD); default today.
    #[arg(long, value_parser = parse_date_arg, conflicts_with = "month")]
    pub as_of: Option<NaiveDate>,
    /// Evaluate as of the last day of this month (YYYY-MM).
    #[arg(long, value_parser = parse_month_arg)]
    pub month: Option<NaiveDate>,
    /// The job's history: each month's normalized tables and scores (parquet), the input
    /// archive and the staging cache.
    #[arg(long, default_value = "state")]
    pub state: PathBuf,
    /// Parse every file again instead of taking unchanged ones from the staging cache (the
    /// outputs are the same either way; the cache is rewritten).
    #[arg(long)]
    pub no_cache: bool,
}

/// Seconds spent in each stage, for run.json.
#[derive(Debug, Default, Serialize)]
struct Timings {
    discover: f64,
    read: f64,
    cache: f64,
    assess: f64,
    previous_month: f64,
    reports: f64,
}

/// The archive of inputs, under the state folder.
pub const ARCHIVE: &str = "archive";

pub fn run(args: &RunArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let started_at = chrono::Local::now();
    let config = Config::load(args.config.as_deref())?;
    let calendar = Calendar::with_years(&config.calendar)?;
    let as_of = args
        .as_of
        .or(args.month)
        .unwrap_or_else(|| started_at.date_naive());
    // A date the calendar does not cover is an error before any input is read.
    calendar.is_workday(as_of)?;
    let _lock = RunLock::acquire(&args.reports)?;
    crate::atomic::recover(&args.reports)?;
    crate::atomic::recover(&args.state)?;
    info!(as_of = %as_of, inputs = %args.inputs.display(), "run started");
    let mut timings = Timings::default();
    let mut lap = Instant::now();
    let mut stage = |slot: &mut f64| {
        *slot = lap.elapsed().as_secs_f64();
        lap = Instant::now();
    };

    let found = discover_inputs(&args.inputs, &config)?;
    stage(&mut timings.discover);
    let fingerprint = cache::fingerprint(&config);
    let cache_dir = args.state.join(cache::DIR);
    let cache = if args.no_cache {
        StagingCache::default()
    } else {
        StagingCache::load(&cache_dir, &fingerprint)
    };
    let ReadInputs {
        files,
        tables,
        pieces,
        cached,
    } = read_inputs(&found, &config, &args.state.join(ARCHIVE), &cache)?;
    // Nothing new, changed or removed: the cache on disk already says all this.
    let cache_is_current = cached == cache.len() && cached == files.len();
    drop(cache);
    stage(&mut timings.read);
    if !cache_is_current {
        StagingCache::save(&cache_dir, &fingerprint, &files, &pieces, &tables)?;
    }
    drop(pieces);
    stage(&mut timings.cache);
    // Only the latest snapshot rows matter to this month and the previous one; the rest of
    // the notices and tasks leave memory before the assessment.
    let tables = {
        let all = tables;
        all.latest_as_of(&[as_of, previous_month_end(as_of)])
            .context("整理报送数据时出错")?
    };
    let mut assessment =
        assess_tables(&config, &calendar, as_of, &tables).context("计算考核指标时出错")?;
    stage(&mut timings.assess);
    let previous = previous_ranks(&args.state, &config, &calendar, as_of, &tables)?;
    drop(tables);
    with_previous_ranks(&mut assessment.scores, &previous);
    stage(&mut timings.previous_month);

    let month = month_label(as_of);
    let ctx = ReportContext {
        config: &config,
        assessment: &assessment,
        files: &files,
        as_of,
    };
    let grid = ranking_grid(&month, &assessment.scores);
    // The workbooks are independent of each other: built on both cores.
    let ((ranking, monthly), (circular, quality)) = rayon::join(
        || rayon::join(|| ranking_xlsx(&grid, as_of), || monthly_xlsx(&ctx)),
        || rayon::join(|| circular_xlsx(&ctx), || quality_workbooks(&ctx)),
    );
    let mut outputs = vec![
        (format!("考核排名_{month}.xlsx"), ranking?),
        (format!("考核排名_{month}.csv"), grid.to_csv()?),
        (format!("重点项目月度考核_{month}.xlsx"), monthly?),
        (format!("督查通报_{month}.xlsx"), circular?),
    ];
    outputs.extend(quality?);
    let manifest = manifest(&ManifestInput {
        config: &config,
        as_of,
        month: &month,
        files: &files,
        ignored: &found.ignored,
        not_yet_submitted: &assessment.ledger.not_yet_submitted,
        extra_problems: &assessment.problems,
        outputs: &outputs,
    });
    outputs.push((
        "manifest.json".into(),
        serde_json::to_vec_pretty(&manifest)?,
    ));
    stage(&mut timings.reports);

    let folder = args.reports.join(&month);
    let run_json = serde_json::json!({
        "started_at": started_at.to_rfc3339(),
        "seconds": started.elapsed().as_secs_f64(),
        "stages": &timings,
        "files_from_cache": cached,
    });
    outputs.push(("run.json".into(), serde_json::to_vec_pretty(&run_json)?));
    crate::atomic::write_folder(&folder, &outputs, pause_before_swap())?;
    state::save(
        &args.state,
        &month,
        &mut [
            (state::SCORES_STEM, scores_frame(&assessment.scores)?),
            ("projects", assessment.metrics.lights.clone()),
            ("notices", assessment.notices.clone()),
            ("tasks", assessment.tasks.clone()),
            ("visits", assessment.visits.clone()),
        ],
    )?;

    let totals = &manifest.totals;
    info!(
        files = totals.files,
        rows = totals.rows_read,
        rejected_rows = totals.rows_rejected,
        rejections = totals.rejections,
        warnings = totals.warnings,
        outputs = outputs.len(),
        folder = %folder.display(),
        seconds = format!("{:.2}", started.elapsed().as_secs_f64()),
        "run finished"
    );
    let problems = files
        .iter()
        .flat_map(FileOutcome::all_problems)
        .chain(&assessment.problems);
    Ok(if has_rejections(problems) {
        Outcome::WithRejections
    } else {
        Outcome::Clean
    })
}

/// Each unit's rank in the month before D's: from the history when a run kept it, otherwise
/// assessed from the same inputs as of that month's last day (so the result does not depend on
/// which months were run, or in which order).
fn previous_ranks(
    state_dir: &Path,
    config: &Config,
    calendar: &Calendar,
    as_of: NaiveDate,
    tables: &StagedTables,
) -> anyhow::Result<BTreeMap<String, u32>> {
    let previous_end = previous_month_end(as_of);
    let label = month_label(previous_end);
    if let Some(ranks) = state::ranks(state_dir, &label)? {
        return Ok(ranks);
    }
    if calendar.is_workday(previous_end).is_err() {
        warn!(month = %label, "no history and no calendar for the previous month: 上月排名 left empty");
        return Ok(BTreeMap::new());
    }
    let previous =
        scores_as_of(config, calendar, previous_end, tables).context("计算上月排名时出错")?;
    Ok(previous
        .iter()
        .filter_map(|row| Some((row.unit.clone(), row.rank?)))
        .collect())
}

/// The last day of the month before D's.
fn previous_month_end(as_of: NaiveDate) -> NaiveDate {
    let month_start = as_of.with_day(1).unwrap_or(as_of);
    month_start.pred_opt().unwrap_or(month_start)
}

fn discover_inputs(inputs: &Path, config: &Config) -> anyhow::Result<Discovery> {
    if !inputs.is_dir() {
        bail!("报送文件夹 {} 不存在或不是文件夹", inputs.display());
    }
    let found = discover(inputs, config.settle_seconds, SystemTime::now())
        .with_context(|| format!("无法读取报送文件夹 {}", inputs.display()))?;
    for ignored in &found.ignored {
        info!(file = %ignored.path, reason = %ignored.reason, "ignored");
    }
    Ok(found)
}

/// Files read and staged at a time: bounds the memory of row-owned cells before their rows
/// move into frames.
const FILES_PER_BATCH: usize = 512;

/// What reading the inputs gave: each file's outcome, the tables, each file's place in them
/// (for the next cache) and how many files came from the cache.
struct ReadInputs {
    files: Vec<FileOutcome>,
    tables: StagedTables,
    pieces: Vec<Vec<cache::Piece>>,
    cached: usize,
}

/// One file after reading: staged now, found in the cache, or unreadable.
enum Read {
    Fresh(FileOutcome),
    Cached(FileOutcome, Vec<cache::Piece>),
    Unreadable(FileOutcome),
}

/// Read and stage every submission, keeping each in the archive by its hash; a file that
/// cannot be read is a problem of that file, not an error of the run. A file the staging cache
/// knows (same path, modification time and content) is not parsed again.
fn read_inputs(
    found: &Discovery,
    config: &Config,
    archive: &Path,
    cache: &StagingCache,
) -> anyhow::Result<ReadInputs> {
    let ingest = Ingest::new(config);
    let progress = if std::io::stderr().is_terminal() {
        ProgressBar::new(found.files.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    progress.set_style(
        ProgressStyle::with_template("读取报送文件 {bar:40} {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut files = Vec::with_capacity(found.files.len());
    let mut assembly = cache::Assembly::new(cache);
    let mut cached = 0;
    for batch in found.files.chunks(FILES_PER_BATCH) {
        // Files are read on every core; the results keep the discovery order.
        let read: Vec<Read> = batch
            .par_iter()
            .map(|input| {
                let read = read_one(&ingest, input, archive, cache)?;
                progress.inc(1);
                Ok(read)
            })
            .collect::<anyhow::Result<_>>()?;
        let fresh: Vec<&FileOutcome> = read
            .iter()
            .filter_map(|r| match r {
                Read::Fresh(outcome) => Some(outcome),
                _ => None,
            })
            .collect();
        assembly.start_batch(StagedTables::build_from(&fresh).context("整理报送数据时出错")?);
        for read in read {
            let outcome = match read {
                Read::Fresh(mut outcome) => {
                    assembly.push_fresh(&staged_rows(&outcome))?;
                    for sheet in &mut outcome.sheets {
                        sheet.staged = None;
                    }
                    outcome
                }
                Read::Cached(outcome, pieces) => {
                    cached += 1;
                    assembly.push_cached(&pieces)?;
                    outcome
                }
                Read::Unreadable(outcome) => {
                    assembly.push_cached(&[])?;
                    outcome
                }
            };
            for problem in &outcome.problems {
                warn!(file = %problem.file, reason = %problem.reason, "file rejected");
            }
            files.push(outcome);
        }
        assembly.end_batch().context("整理报送数据时出错")?;
    }
    let (tables, pieces) = assembly.finish().context("整理报送数据时出错")?;
    progress.finish_and_clear();
    Ok(ReadInputs {
        files,
        tables,
        pieces,
        cached,
    })
}

/// Read one file, archive it, and stage it unless the cache has it.
fn read_one(
    ingest: &Ingest,
    input: &InputFile,
    archive: &Path,
    cache: &StagingCache,
) -> anyhow::Result<Read> {
    let bytes = match std::fs::read(&input.path) {
        Ok(bytes) => bytes,
        Err(e) => return Ok(Read::Unreadable(ingest.unreadable(input, &e))),
    };
    let sha256 = content_hash(&bytes);
    archive::store(archive, &sha256, &extension_of(&input.path), &bytes)?;
    if let Some(hit) = cache.get(&input.rel, &sha256, input.mtime) {
        return Ok(Read::Cached(hit.outcome.clone(), hit.pieces.clone()));
    }
    Ok(Read::Fresh(ingest.ingest_bytes(&bytes, sha256, input)))
}

/// How many staged rows a file has in each table.
fn staged_rows(outcome: &FileOutcome) -> Vec<(Table, usize)> {
    Table::ALL
        .iter()
        .map(|table| {
            let rows = outcome
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

/// Tests hold a finished report folder back before it is swapped in, to kill the run there.
fn pause_before_swap() -> Option<std::time::Duration> {
    std::env::var("KEYPROJ_TEST_PAUSE_BEFORE_SWAP_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map(std::time::Duration::from_millis)
}
