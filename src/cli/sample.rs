//! `keyproj sample`: write the deterministic sample county, or a large synthetic one.

use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;
use tracing::info;

use super::{parse_date_arg, Outcome};
use crate::config::Config;
use crate::sample::{generate, SampleParams};

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Folder to write the submissions into (created if missing).
    #[arg(long, default_value = "inputs")]
    pub out: PathBuf,
    /// Random seed; the same parameters give byte-identical files.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Synthetic units instead of the configured ones (for large sets).
    #[arg(long)]
    pub units: Option<usize>,
    /// Number of projects.
    #[arg(long)]
    pub projects: Option<usize>,
    /// Reporting months January..=N.
    #[arg(long)]
    pub months: Option<u32>,
    /// Number of supervision notices.
    #[arg(long)]
    pub notices: Option<usize>,
    /// Number of dispatch tasks.
    #[arg(long)]
    pub tasks: Option<usize>,
    /// Number of site visits.
    #[arg(long)]
    pub visits: Option<usize>,
    /// Share of data rows given a planted problem.
    #[arg(long)]
    pub error_rate: Option<f64>,
    /// Generation date: nothing is dated after it.
    #[arg(long, value_parser = parse_date_arg)]
    pub now: Option<NaiveDate>,
    /// Where to write the config listing synthetic units (with --units).
    #[arg(long)]
    pub config_out: Option<PathBuf>,
    /// The config whose units, heads and leaders the sample uses.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

pub fn sample(args: &SampleArgs) -> anyhow::Result<Outcome> {
    let base = Config::load(args.config.as_deref())?;
    let defaults = SampleParams::county_sample();
    let params = SampleParams {
        seed: args.seed.unwrap_or(defaults.seed),
        year: defaults.year,
        months: args.months.unwrap_or(defaults.months),
        now: args.now.unwrap_or(defaults.now),
        units: args.units.or(defaults.units),
        projects: args.projects.unwrap_or(defaults.projects),
        notices: args.notices.unwrap_or(defaults.notices),
        tasks: args.tasks.unwrap_or(defaults.tasks),
        visits: args.visits.unwrap_or(defaults.visits),
        error_rate: args.error_rate.unwrap_or(defaults.error_rate),
    };
    let output = generate(&params, &base, &args.out)
        .with_context(|| format!("无法写入样例到 {}", args.out.display()))?;
    if let Some(path) = &args.config_out {
        std::fs::write(path, output.config.to_commented_toml())
            .with_context(|| format!("无法写入 {}", path.display()))?;
    }
    info!(
        files = output.files.len(),
        planted = output.planted.len(),
        out = %args.out.display(),
        "sample written"
    );
    Ok(Outcome::Clean)
}
