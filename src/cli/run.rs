//! `keyproj run`: the imperative shell of the nightly job. Reads the clock (only when no date is
//! given), the drop folder and the config; writes the month's reports; everything in between is
//! `pipeline::assess`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use anyhow::{bail, Context};
use chrono::NaiveDate;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use tracing::{info, warn};

use super::{parse_date_arg, parse_month_arg, Outcome};
use crate::archive::{Archive, NewFile, Pack};
use crate::assembly::{batches, pipelined, Assembly, LatestRows};
use crate::atomic::FolderUnderway;
use crate::cache::{self, CacheWriter, StagingCache};
use crate::calendar::Calendar;
use crate::config::Config;
use crate::cycle;
use crate::dates::month_label;
use crate::history::{self, HistoryWriter};
use crate::ingest::discover::extension_of;
use crate::ingest::discover::{discover, Discovery, IgnoredFile, InputFile};
use crate::ingest::{content_hash, FileOutcome, Ingest};
use crate::lock::RunLock;
use crate::pipeline::{assess_tables, calendar_warning, needs_attention, Prepared, StagedTables};
use crate::report::circular::{circular_xlsx, CircularTables};
use crate::report::feedback::feedback_workbooks;
use crate::report::manifest::{manifest, ManifestInput, OutputEntry};
use crate::report::monthly::monthly_xlsx;
use crate::report::official::circular_docx;
use crate::report::ranking::{ranking_grid, ranking_xlsx};
use crate::report::{Context as ReportContext, UnitLists};
use crate::scoring::with_previous_ranks;
use crate::state::{self, Encoders};

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
    /// Evaluate as of the end of this day (YYYY-MM-DD) alone. Without it or --month, the
    /// nightly cycle: today (the date in China), and until `final_day` the previous month too.
    #[arg(long, value_parser = parse_date_arg, conflicts_with = "month")]
    pub as_of: Option<NaiveDate>,
    /// Evaluate as of the last day of this month (YYYY-MM) alone, even a final one.
    #[arg(long, value_parser = parse_month_arg)]
    pub month: Option<NaiveDate>,
    /// Tests fix "today" (China's date) to drive the month cycle.
    #[arg(long, value_parser = parse_date_arg, hide = true)]
    pub today: Option<NaiveDate>,
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
#[derive(Debug, Default, Clone, Serialize)]
struct Timings {
    discover: f64,
    /// Reading, staging, writing the staging cache and keeping the latest snapshot rows.
    read: f64,
    /// The normalization that does not depend on D (`Prepared`), once for every month.
    prepare: f64,
    /// Per month assessed, in the order assessed.
    months: Vec<MonthTimings>,
}

#[derive(Debug, Default, Clone, Serialize)]
struct MonthTimings {
    month: String,
    assess: f64,
    /// Reading or assessing the months before (上月排名, 年度趋势).
    earlier_months: f64,
    reports: f64,
}

/// A month a run wrote, for run.json and the summary.
#[derive(Debug, Clone, Serialize)]
struct WrittenMonth {
    month: String,
    as_of: String,
}

/// The archive of inputs, under the state folder.
pub const ARCHIVE: &str = "archive";

pub fn run(args: &RunArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let started_at = chrono::Local::now();
    let config = Config::load(args.config.as_deref())?;
    let calendar = Calendar::with_years(&config.calendar)?;
    let today = args
        .today
        .unwrap_or_else(|| cycle::china_today(chrono::Utc::now()));
    let plan = cycle::plan(args.as_of.or(args.month), today, config.final_day);
    let _lock = RunLock::acquire(&args.reports)?;
    crate::atomic::recover(&args.reports)?;
    crate::atomic::recover(&args.state)?;
    info!(today = %today, as_of = ?plan.dates, inputs = %args.inputs.display(), "run started");
    if let Some(as_of) = plan.dates.last() {
        if let Some(warning) = calendar_warning(&calendar.missing_years(*as_of)) {
            warn!(as_of = %as_of, "{warning}");
        }
    }
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
        cached,
    } = read_inputs(&found, &config, &args.state, &cache, &fingerprint, today)?;
    drop(cache);
    stage(&mut timings.read);

    let shared = Shared {
        args,
        config: &config,
        calendar: &calendar,
        files: &files,
        ignored: &found.ignored,
    };
    let mut written = Vec::new();
    let mut outputs_written = 0;
    let mut attention = needs_attention(files.iter().flat_map(FileOutcome::all_problems));
    let tables = Prepared::new(&config, tables).context("整理报送数据时出错")?;
    stage(&mut timings.prepare);
    // The tables leave memory once the last month is assessed, before its reports are built.
    let mut tables = Some(tables);
    for (i, as_of) in plan.dates.iter().enumerate() {
        let last = i + 1 == plan.dates.len();
        let month = assess_month(&shared, &mut tables, last, *as_of)?;
        attention |= month.needs_attention;
        outputs_written += month.outputs;
        timings.months.push(month.timings);
        written.push(WrittenMonth {
            month: month_label(*as_of),
            as_of: as_of.format("%Y-%m-%d").to_string(),
        });
    }
    // run.json goes last, into every month folder written: it records the whole run.
    let run_json = serde_json::to_vec_pretty(&serde_json::json!({
        "started_at": started_at.to_rfc3339(),
        "today": today.format("%Y-%m-%d").to_string(),
        "seconds": started.elapsed().as_secs_f64(),
        "months_written": &written,
        "previous_month_final": plan.previous_final,
        "stages": &timings,
        "files_from_cache": cached,
    }))?;
    for month in &written {
        let path = args.reports.join(&month.month).join(RUN_JSON);
        crate::atomic::write_file(&path, &run_json)?;
    }

    let months: Vec<&str> = written.iter().map(|m| m.month.as_str()).collect();
    info!(
        files = files.len(),
        months = %months.join(", "),
        previous_month_final = ?plan.previous_final,
        outputs = outputs_written,
        seconds = format!("{:.2}", started.elapsed().as_secs_f64()),
        "run finished"
    );
    Ok(if attention {
        Outcome::WithRejections
    } else {
        Outcome::Clean
    })
}

/// The file beside each month's reports that records the run (times; never compared).
const RUN_JSON: &str = "run.json";

/// What every month of a run shares: the arguments, config, calendar and inputs read once.
struct Shared<'a> {
    args: &'a RunArgs,
    config: &'a Config,
    calendar: &'a Calendar,
    files: &'a [FileOutcome],
    ignored: &'a [IgnoredFile],
}

/// One month assessed and written.
struct MonthOutcome {
    needs_attention: bool,
    outputs: usize,
    timings: MonthTimings,
}

/// Assess the month of `as_of`, write its report folder and keep its history. For the `last`
/// month the staged tables are dropped before the reports are built.
fn assess_month(
    shared: &Shared,
    tables: &mut Option<Prepared>,
    last: bool,
    as_of: NaiveDate,
) -> anyhow::Result<MonthOutcome> {
    let Shared {
        args,
        config,
        calendar,
        files,
        ..
    } = *shared;
    let month = month_label(as_of);
    let mut timings = MonthTimings {
        month: month.clone(),
        ..MonthTimings::default()
    };
    let staged = tables.as_ref().context("报送数据已释放")?;
    let seconds = |since: Instant| since.elapsed().as_secs_f64();
    let concurrent = history::concurrent(staged);
    // The history of the months before is written while the reports are built; the month's
    // folder is swapped in only once it is kept.
    let history_writer = HistoryWriter::start(&args.state, concurrent);
    let earlier = || {
        let start = Instant::now();
        let earlier =
            history::earlier_months(&history_writer, config, calendar, as_of, staged, concurrent);
        (earlier, seconds(start))
    };
    let this_month = || {
        let start = Instant::now();
        (
            assess_tables(config, calendar, as_of, staged),
            seconds(start),
        )
    };
    // On polars' pool, whose threads run the assessments' queries: a worker of rayon's own pool
    // would wait for polars' at every query, and take other work meanwhile (the months before M
    // took 0.7–0.9 s at the city tier that way, 0.5–0.6 s here). Small inputs assess this month
    // beside the months before; large inputs one month after another, each assessment leaving
    // memory before the next is built.
    let ((earlier, earlier_seconds), (assessment, assess_seconds)) = polars_core::runtime::RAYON
        .install(|| match concurrent {
            true => rayon::join(earlier, this_month),
            false => (earlier(), this_month()),
        });
    history_writer.release();
    timings.earlier_months = earlier_seconds;
    timings.assess = assess_seconds;
    let earlier = match earlier {
        Ok(earlier) => earlier,
        Err(error) => return history_writer.finish_after(Err(error)),
    };
    let mut assessment = assessment.context("计算考核指标时出错")?;
    let previous_month = month_label(crate::dates::previous_month_end(as_of));
    if let Some(previous) = earlier.iter().find(|m| m.month == previous_month) {
        with_previous_ranks(&mut assessment.scores, &previous.ranks());
    }
    if last {
        *tables = None;
    }

    let reports_start = Instant::now();

    let ctx = ReportContext {
        config,
        assessment: &assessment,
        earlier: &earlier,
        files,
        as_of,
    };
    let grid = ranking_grid(&month, &assessment.scores);
    let ((lists, circular_tables), month_state) = rayon::join(
        || rayon::join(|| UnitLists::build(&ctx), || CircularTables::build(&ctx)),
        || state::MonthState::of(&assessment),
    );
    let (lists, circular_tables, month_state) = (lists?, circular_tables?, month_state?);
    // Each file goes into the new folder as soon as it is built: its write overlaps the work
    // left, and it does not wait in memory.
    let folder = FolderUnderway::start(&args.reports.join(&month))?;
    let keep = |path: String, bytes: Vec<u8>| -> anyhow::Result<OutputEntry> {
        let entry = OutputEntry::of(path.clone(), &bytes);
        folder.write(path, bytes)?;
        Ok(entry)
    };
    // The leadership workbook, the longest single piece, is built on a thread of its own. On one
    // of rayon's, each of its polars queries, while waiting for polars' pool, would take other
    // rayon work (a feedback workbook) and finish that first: up to 0.9 s more. Its long lists
    // are constant-memory sheets, so it holds little. This thread writes the other files one
    // after another, then the units' workbooks on every core; the files side by side held
    // 120 MiB more at the province tier.
    let (monthly, others) = std::thread::scope(|scope| {
        let monthly = scope.spawn(|| {
            keep(
                format!("重点项目月度考核_{month}.xlsx"),
                monthly_xlsx(&ctx, &lists)?,
            )
        });
        let others = || -> anyhow::Result<Vec<OutputEntry>> {
            let mut outputs = vec![
                keep(
                    format!("考核排名_{month}.xlsx"),
                    ranking_xlsx(&grid, as_of)?,
                )?,
                keep(format!("考核排名_{month}.csv"), grid.to_csv()?)?,
                keep(
                    format!("督查通报_{month}.xlsx"),
                    circular_xlsx(&ctx, &circular_tables)?,
                )?,
                keep(
                    format!("督查通报_{month}.docx"),
                    circular_docx(&ctx, &circular_tables)?,
                )?,
            ];
            // On this thread, not polars' pool, which the leadership workbook's queries use.
            state::save(&args.state, month_state, Encoders::ThisThread)?;
            outputs.extend(feedback_workbooks(&ctx, &lists, keep)?);
            Ok(outputs)
        };
        let others = others();
        let monthly = monthly
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (monthly, others)
    });
    let outputs = history_writer.finish_after(others).and_then(|mut outputs| {
        // The ranking first, then the leadership workbook, the circular and the units' workbooks.
        outputs.insert(2, monthly?);
        Ok(outputs)
    });
    let outputs = match outputs {
        Ok(outputs) => outputs,
        Err(error) => return folder.abandon(error),
    };
    let manifest = manifest(ManifestInput {
        config,
        as_of,
        month: &month,
        files,
        ignored: shared.ignored,
        extra_problems: &assessment.problems,
        outputs,
    });
    folder.write(
        "manifest.json".into(),
        serde_json::to_vec_pretty(&manifest)?,
    )?;
    folder.finish(pause_before_swap())?;
    timings.reports = seconds(reports_start);

    let totals = &manifest.totals;
    info!(
        month = %month,
        as_of = %as_of,
        rows = totals.rows_read,
        rejected_rows = totals.rows_rejected,
        rejections = totals.rejections,
        undecidable = totals.undecidable,
        warnings = totals.warnings,
        folder = %args.reports.join(&month).display(),
        "month written"
    );
    Ok(MonthOutcome {
        needs_attention: needs_attention(&assessment.problems)
            || assessment.calendar_lacks_current_year(),
        // The outputs, manifest.json and run.json.
        outputs: manifest.outputs.len() + 2,
        timings,
    })
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

/// What reading the inputs gave: each file's outcome, the rows an assessment uses
/// (`StagedTables::latest_snapshots` of all rows) and how many files came from the cache.
struct ReadInputs {
    files: Vec<FileOutcome>,
    tables: StagedTables,
    cached: usize,
}

/// One file after reading, with its bytes when the archive does not keep them yet.
struct ReadFile {
    read: Read,
    to_keep: Option<NewFile>,
}

/// One file after reading: staged now, found in the cache, or unreadable.
enum Read {
    Fresh(FileOutcome),
    Cached(FileOutcome, Vec<cache::Piece>),
    Unreadable(FileOutcome),
}

/// Read and stage every submission, keeping the new ones in this run's archive zip (in
/// discovery order, named by `today`) by their hashes; a file that
/// cannot be read is a problem of that file, not an error of the run. A file the staging cache
/// knows (same path, modification time and content) is not parsed again. The new cache is
/// written batch by batch, unless every file came from the cache and none was removed; only the
/// latest snapshot rows stay in memory. Files are parsed on as many threads as there are cores
/// while this thread gathers the batch before (frames, cache, latest rows), so neither waits for
/// the other; at most two batches are in memory (`pipelined`).
fn read_inputs(
    found: &Discovery,
    config: &Config,
    state: &Path,
    cache: &StagingCache,
    fingerprint: &str,
    today: NaiveDate,
) -> anyhow::Result<ReadInputs> {
    let archive = Archive::open(&state.join(ARCHIVE))?;
    let cache_dir = state.join(cache::DIR);
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
    let mut gathered = Gathered::new(cache, &cache_dir, archive.pack(), found.files.len());
    pipelined(
        &batches(&found.files),
        rayon::current_num_threads(),
        |input| input.size,
        |input| {
            let read = read_one(&ingest, input, &archive, cache);
            progress.inc(1);
            read
        },
        |read| gathered.take(read),
    )?;
    progress.finish_and_clear();
    gathered.finish(fingerprint, today)
}

/// The read files gathered batch by batch, in discovery order: the run's outcomes, its rows as
/// assembled, the new cache under way and the latest snapshot rows.
struct Gathered<'a> {
    cache: &'a StagingCache,
    cache_dir: &'a Path,
    pack: Pack<'a>,
    files: Vec<FileOutcome>,
    assembly: Assembly<'a>,
    latest: LatestRows,
    writer: Option<CacheWriter>,
    /// Batches of cached rows only, held (as slices of the loaded cache) until it is clear
    /// whether a new cache must be written.
    unwritten: Vec<StagedTables>,
    cached: usize,
}

impl<'a> Gathered<'a> {
    fn new(
        cache: &'a StagingCache,
        cache_dir: &'a Path,
        pack: Pack<'a>,
        files: usize,
    ) -> Gathered<'a> {
        Gathered {
            cache,
            cache_dir,
            pack,
            files: Vec::with_capacity(files),
            assembly: Assembly::new(cache),
            latest: LatestRows::default(),
            writer: None,
            unwritten: Vec::new(),
            cached: 0,
        }
    }

    fn take(&mut self, files: Vec<ReadFile>) -> anyhow::Result<()> {
        let mut read = Vec::with_capacity(files.len());
        for file in files {
            if let Some(new) = &file.to_keep {
                self.pack.keep(new)?;
            }
            read.push(file.read);
        }
        let fresh: Vec<&FileOutcome> = read
            .iter()
            .filter_map(|r| match r {
                Read::Fresh(outcome) => Some(outcome),
                _ => None,
            })
            .collect();
        let any_fresh = !fresh.is_empty();
        self.assembly
            .start_batch(StagedTables::build_from(&fresh).context("整理报送数据时出错")?);
        for read in read {
            let outcome = match read {
                Read::Fresh(mut outcome) => {
                    self.assembly.push_fresh(&outcome.staged_rows())?;
                    for sheet in &mut outcome.sheets {
                        sheet.staged = None;
                    }
                    outcome
                }
                Read::Cached(outcome, pieces) => {
                    self.cached += 1;
                    self.assembly.push_cached(&pieces)?;
                    outcome
                }
                Read::Unreadable(outcome) => {
                    self.assembly.push_cached(&[])?;
                    outcome
                }
            };
            for problem in &outcome.problems {
                warn!(file = %problem.file, reason = %problem.reason, "file rejected");
            }
            self.files.push(outcome);
        }
        let rows = self.assembly.end_batch().context("整理报送数据时出错")?;
        if self.writer.is_none() && any_fresh {
            self.writer = Some(started_cache(self.cache_dir, &mut self.unwritten)?);
        }
        match self.writer.as_mut() {
            Some(writer) => writer.write(&rows)?,
            None => self.unwritten.push(rows.clone()),
        }
        self.latest.push(rows).context("整理报送数据时出错")
    }

    /// Keep the archive's zip and finish the cache while the latest snapshot rows are chosen:
    /// the one is IO and the other mostly one core's sorting.
    fn finish(self, fingerprint: &str, today: NaiveDate) -> anyhow::Result<ReadInputs> {
        let Gathered {
            cache,
            cache_dir,
            pack,
            files,
            assembly,
            latest,
            mut writer,
            mut unwritten,
            cached,
        } = self;
        let pieces = assembly.finish();
        // Nothing new, changed or removed: the cache on disk already says all this.
        let cache_is_current = cached == cache.len() && cached == files.len();
        if writer.is_none() && !cache_is_current {
            writer = Some(started_cache(cache_dir, &mut unwritten)?);
        }
        let (kept, tables) = rayon::join(
            || -> anyhow::Result<()> {
                pack.finish(today)?;
                if let Some(writer) = writer {
                    writer.finish(cache_dir, fingerprint, &files, &pieces)?;
                }
                Ok(())
            },
            || latest.finish().context("整理报送数据时出错"),
        );
        kept?;
        Ok(ReadInputs {
            files,
            tables: tables?,
            cached,
        })
    }
}

/// A new cache under way, with the batches read before it was started.
fn started_cache(dir: &Path, unwritten: &mut Vec<StagedTables>) -> anyhow::Result<CacheWriter> {
    let mut writer = CacheWriter::create(dir)?;
    for rows in unwritten.drain(..) {
        writer.write(&rows)?;
    }
    Ok(writer)
}

/// Read one file, archive it, and stage it unless the cache has it.
fn read_one(
    ingest: &Ingest,
    input: &InputFile,
    archive: &Archive,
    cache: &StagingCache,
) -> anyhow::Result<ReadFile> {
    let bytes = match std::fs::read(&input.path) {
        Ok(bytes) => bytes,
        Err(e) => {
            return Ok(ReadFile {
                read: Read::Unreadable(ingest.unreadable(input, &e)),
                to_keep: None,
            })
        }
    };
    let sha256 = content_hash(&bytes);
    let extension = extension_of(&input.path);
    let read = match cache.get(&input.rel, &sha256, input.mtime) {
        Some(hit) => Read::Cached(hit.outcome.clone(), hit.pieces.clone()),
        None => Read::Fresh(ingest.ingest_bytes(&bytes, sha256.clone(), input)),
    };
    let to_keep = (!archive.has(&sha256, &extension)).then(|| NewFile {
        sha256,
        extension,
        modified: chrono::DateTime::from_timestamp(input.mtime, 0).map(cycle::china_time),
        bytes,
    });
    Ok(ReadFile { read, to_keep })
}

/// Tests hold a finished report folder back before it is swapped in, to kill the run there.
fn pause_before_swap() -> Option<std::time::Duration> {
    std::env::var("KEYPROJ_TEST_PAUSE_BEFORE_SWAP_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map(std::time::Duration::from_millis)
}
