//! `keyproj check FILE…`: validate submissions without writing reports — what a unit runs before
//! the deadline. Prints each file's sheets, their classification and counts, and every problem.

use std::path::PathBuf;
use std::time::UNIX_EPOCH;

use clap::Args;

use super::Outcome;
use crate::config::Config;
use crate::ingest::discover::InputFile;
use crate::ingest::Ingest;
use crate::pipeline::needs_attention;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Workbooks or CSV files to check.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// A TOML config replacing the built-in default for 长子县.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

pub fn check(args: &CheckArgs) -> anyhow::Result<Outcome> {
    let config = Config::load(args.config.as_deref())?;
    let ingest = Ingest::new(&config);
    let mut rejected = false;
    for path in &args.files {
        let metadata = std::fs::metadata(path).ok();
        let input = InputFile {
            path: path.clone(),
            rel: path.to_string_lossy().replace('\\', "/"),
            size: metadata.as_ref().map_or(0, |m| m.len()),
            mtime: metadata
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs() as i64),
        };
        let outcome = ingest.load(&input);
        println!("{}", outcome.rel);
        for sheet in &outcome.sheets {
            let c = sheet.counts;
            println!(
                "  工作表“{}”：{}，填报单位 {}；读取 {} 行 = 接收 {} + 退回 {} + 空行/合计行 {}",
                sheet.sheet,
                sheet.table.map_or("未识别", |t| t.label()),
                sheet.unit.as_deref().unwrap_or("未确定"),
                c.read,
                c.accepted,
                c.rejected,
                c.skipped
            );
        }
        let problems: Vec<_> = outcome.all_problems().collect();
        for problem in &problems {
            println!("  {}", problem.line());
        }
        if problems.is_empty() {
            println!("  没有发现问题");
        }
        rejected |= needs_attention(problems);
    }
    Ok(if rejected {
        Outcome::WithRejections
    } else {
        Outcome::Clean
    })
}
