//! The command line: one module per subcommand. Help texts are the doc comments.

pub mod check;
pub mod config;
pub mod run;
pub mod sample;
pub mod template;

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// keyproj — 县重点项目办公室的夜间批处理：读取各单位报送的 Excel，计算督查指标，考核排名，生成报表。
#[derive(Debug, Parser)]
#[command(name = "keyproj", version)]
pub struct Cli {
    /// Log format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Human, global = true)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the drop folder, compute the metrics and scores, write the month's reports.
    Run(run::RunArgs),
    /// Check submissions without writing reports; exits 1 when any row is rejected.
    Check(check::CheckArgs),
    /// Print the effective configuration as a commented TOML to start from.
    Config(ConfigArg),
    /// Write blank submission workbooks with dropdowns and date checks, one per table.
    Template(template::TemplateArgs),
    /// Write a deterministic sample county (or a large synthetic one) into a folder.
    Sample(sample::SampleArgs),
}

#[derive(Debug, Args)]
pub struct ConfigArg {
    /// A TOML config replacing the built-in default for 长子县.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

/// How a command ended, when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything read was accepted.
    Clean,
    /// Finished, but some rows, sheets or files were rejected.
    WithRejections,
}

pub fn dispatch(command: Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Run(args) => run::run(&args),
        Command::Check(args) => check::check(&args),
        Command::Config(args) => config::print(args.config.as_deref()),
        Command::Sample(args) => sample::sample(&args),
        Command::Template(args) => template::template(&args),
    }
}

pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Human => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Parse `YYYY-MM-DD`.
pub fn parse_date_arg(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("“{s}”不是日期，应为 YYYY-MM-DD"))
}

/// Parse `YYYY-MM` into the last day of that month.
pub fn parse_month_arg(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d")
        .map(crate::dates::month_end)
        .map_err(|_| format!("“{s}”不是月份，应为 YYYY-MM"))
}
