//! Integration tests: the real binary on workbooks the tests write, outputs read back.

mod cache;
mod cli;
mod first_slice;
mod hardening;
mod history;
mod ingest;
mod operations;
mod reports;
mod sample;

use std::path::{Path, PathBuf};
use std::process::Output;

use calamine::{open_workbook_auto, Data, Reader};

/// A fresh folder with `inputs/` and `reports/`, and a config that reads young files at once.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn fresh() -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("inputs")).expect("inputs dir");
        let config =
            keyproj::config::DEFAULT_TOML.replace("settle_seconds = 60", "settle_seconds = 0");
        std::fs::write(dir.path().join("keyproj.toml"), config).expect("config");
        Workspace { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn inputs(&self) -> PathBuf {
        self.path("inputs")
    }

    /// Run `keyproj run` on this workspace with extra arguments.
    pub fn run(&self, extra: &[&str]) -> Output {
        self.run_command(extra).output().expect("run keyproj")
    }

    /// The `keyproj run` command for this workspace, to spawn or adjust.
    pub fn run_command(&self, extra: &[&str]) -> std::process::Command {
        let mut args = vec![
            "run".to_string(),
            "--inputs".into(),
            self.inputs().display().to_string(),
            "--reports".into(),
            self.path("reports").display().to_string(),
            "--config".into(),
            self.path("keyproj.toml").display().to_string(),
            "--state".into(),
            self.path("state").display().to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_keyproj"));
        command.args(args);
        command
    }
}

pub fn keyproj<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_keyproj"))
        .args(args)
        .output()
        .expect("run keyproj")
}

/// All cells of a sheet as strings (numbers as Rust prints them), row by row.
pub fn read_sheet(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut workbook = open_workbook_auto(path).expect("open workbook");
    let range = workbook.worksheet_range(sheet).expect("sheet");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(x) => format!("{x}"),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// CSV rows (BOM removed).
pub fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).expect("read csv");
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "CSV must start with a UTF-8 BOM"
    );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    reader
        .records()
        .map(|r| r.expect("csv record").iter().map(str::to_string).collect())
        .collect()
}

/// Every sheet of a workbook, by name, as strings.
pub fn read_workbook(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    let workbook = open_workbook_auto(path).expect("open workbook");
    let names = workbook.sheet_names();
    names
        .into_iter()
        .map(|n| (n.clone(), read_sheet(path, &n)))
        .collect()
}
