//! Entry point: parse the command line, run the command, and pick the exit code (only here).

use std::process::ExitCode;

use clap::Parser;
use keyproj::cli::{self, Cli, Outcome};

fn main() -> ExitCode {
    let cli = Cli::parse();
    cli::init_logging(cli.log_format);
    match cli::dispatch(cli.command) {
        Ok(Outcome::Clean) => ExitCode::from(0),
        Ok(Outcome::WithRejections) => ExitCode::from(1),
        Err(error) => {
            eprintln!("错误：{error:#}");
            ExitCode::from(2)
        }
    }
}
