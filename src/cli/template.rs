//! `keyproj template`: write blank submission workbooks, one per table.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use tracing::info;

use super::Outcome;
use crate::config::Config;
use crate::report::template::templates;

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Folder to write the templates into (created if missing).
    #[arg(long, default_value = "templates")]
    pub out: PathBuf,
    /// A TOML config replacing the built-in default (its units and leaders fill the dropdowns).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

pub fn template(args: &TemplateArgs) -> anyhow::Result<Outcome> {
    let config = Config::load(args.config.as_deref())?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("无法创建 {}", args.out.display()))?;
    // The workbooks carry a fixed date so the same config gives the same bytes.
    let created = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    for (name, bytes) in templates(&config, created)? {
        let path = args.out.join(&name);
        std::fs::write(&path, bytes).with_context(|| format!("无法写入 {}", path.display()))?;
        info!(file = %path.display(), "template written");
    }
    Ok(Outcome::Clean)
}
