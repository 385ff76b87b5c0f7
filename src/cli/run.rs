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
use crate::calendar::Calendar;
use crate::config::Config;
use crate::ingest::discover::extension_of;
use crate::ingest::discover::{discover, Discovery};
use crate::ingest::{FileOutcome, Ingest};
use crate::lock::RunLock;
use crate::pipeline::{assess_tables, has_rejections, month_label, StagedTables};
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
    /// The job's history: each month's normalized tables and scores (parquet).
    #[arg(long, default_value = "state")]
    pub state: PathBuf,
}

/// Seconds spent in each stage, for run.json.
#[derive(Debug, Default, Serialize)]
struct Timings {
    discover: f64,
    read: f64,
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
    let (files, tables) = read_inputs(&found, &config, &args.state.join(ARCHIVE))?;
    stage(&mut timings.read);
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
    let mut outputs = vec![
        (
            format!("考核排名_{month}.xlsx"),
            ranking_xlsx(&grid, as_of)?,
        ),
        (format!("考核排名_{month}.csv"), grid.to_csv()?),
        (
            format!("重点项目月度考核_{month}.xlsx"),
            monthly_xlsx(&ctx)?,
        ),
        (format!("督查通报_{month}.xlsx"), circular_xlsx(&ctx)?),
    ];
    outputs.extend(quality_workbooks(&ctx)?);
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
    let month_start = as_of.with_day(1).unwrap_or(as_of);
    let Some(previous_end) = month_start.pred_opt() else {
        return Ok(BTreeMap::new());
    };
    let label = month_label(previous_end);
    if let Some(ranks) = state::ranks(state_dir, &label)? {
        return Ok(ranks);
    }
    if calendar.is_workday(previous_end).is_err() {
        warn!(month = %label, "no history and no calendar for the previous month: 上月排名 left empty");
        return Ok(BTreeMap::new());
    }
    let previous =
        assess_tables(config, calendar, previous_end, tables).context("计算上月排名时出错")?;
    Ok(previous
        .scores
        .iter()
        .filter_map(|row| Some((row.unit.clone(), row.rank?)))
        .collect())
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

/// Files staged before their rows move into the tables (bounds the memory of row-owned cells).
const FILES_PER_BATCH: usize = 512;

/// Read and stage every submission, keeping each in the archive by its hash; a file that
/// cannot be read is a problem of that file, not an error of the run. The rows go into the
/// staged tables batch by batch; the returned files keep their counts and problems.
fn read_inputs(
    found: &Discovery,
    config: &Config,
    archive: &Path,
) -> anyhow::Result<(Vec<FileOutcome>, StagedTables)> {
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
    let mut tables = StagedTables::build(&[]).context("整理报送数据时出错")?;
    for batch in found.files.chunks(FILES_PER_BATCH) {
        // Files are read on every core; the results keep the discovery order.
        let mut read: Vec<FileOutcome> = batch
            .par_iter()
            .map(|input| {
                let (outcome, bytes) = ingest.load_with_bytes(input);
                if let Some(bytes) = bytes {
                    archive::store(archive, &outcome.sha256, &extension_of(&input.path), &bytes)?;
                }
                for problem in &outcome.problems {
                    warn!(file = %problem.file, reason = %problem.reason, "file rejected");
                }
                progress.inc(1);
                Ok(outcome)
            })
            .collect::<anyhow::Result<_>>()?;
        tables
            .append(StagedTables::build(&read).context("整理报送数据时出错")?)
            .context("整理报送数据时出错")?;
        for sheet in read.iter_mut().flat_map(|f| f.sheets.iter_mut()) {
            sheet.staged = None;
        }
        files.append(&mut read);
    }
    tables.rechunk();
    progress.finish_and_clear();
    Ok((files, tables))
}

/// Tests hold a finished report folder back before it is swapped in, to kill the run there.
fn pause_before_swap() -> Option<std::time::Duration> {
    std::env::var("KEYPROJ_TEST_PAUSE_BEFORE_SWAP_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map(std::time::Duration::from_millis)
}
