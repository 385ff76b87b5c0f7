//! Integration tests: the real binary on workbooks the tests write, outputs read back.

mod authority;
mod cache;
mod cli;
mod cycle;
mod feedback;
mod first_slice;
mod hardening;
mod history;
mod ingest;
mod official;
mod operations;
mod reader;
mod reports;
mod sample;
mod second_wave;

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

    /// Run `keyproj run` and check its exit status, showing its log when it differs.
    pub fn run_expecting(&self, extra: &[&str], code: i32) -> Output {
        let output = self.run(extra);
        assert_eq!(
            output.status.code(),
            Some(code),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// The manifest of a month's reports.
    pub fn manifest(&self, month: &str) -> serde_json::Value {
        let path = self.path(&format!("reports/{month}/manifest.json"));
        serde_json::from_slice(&std::fs::read(path).expect("manifest")).expect("manifest json")
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
    read_sheet_with(path, sheet, |c| match c {
        Data::Empty => String::new(),
        Data::Float(x) => format!("{x}"),
        other => other.to_string(),
    })
}

/// All cells of a sheet, each rendered by `cell`, row by row.
pub fn read_sheet_with(path: &Path, sheet: &str, cell: fn(&Data) -> String) -> Vec<Vec<String>> {
    let mut workbook = open_workbook_auto(path).expect("open workbook");
    let range = workbook.worksheet_range(sheet).expect("sheet");
    range
        .rows()
        .map(|row| row.iter().map(cell).collect())
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

/// Copy the committed sample county into a workspace's drop folder.
pub fn copy_sample(ws: &Workspace) {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs");
    for entry in walkdir::WalkDir::new(&sample)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() {
            let target = ws
                .inputs()
                .join(entry.path().strip_prefix(&sample).unwrap());
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Write a sheet the way the office or a unit does: a meta line (填报单位/报告期/填报日期), the
/// header, then the rows, all as text.
pub fn write_table(path: &Path, meta: &str, header: &[&str], rows: &[Vec<&str>]) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, meta).expect("meta");
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).expect("header");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet
                    .write_string(2 + r as u32, c as u16, *value)
                    .expect("cell");
            }
        }
    }
    workbook.save(path).expect("save");
}

/// The first sheet's entry of an input in a manifest.
pub fn manifest_sheet<'a>(manifest: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    let input = manifest["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .find(|i| i["path"] == path)
        .unwrap_or_else(|| panic!("no input {path}"));
    &input["sheets"][0]
}

/// Every file under `dir`, by path relative to it, with its bytes.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .expect("below dir")
                    .display()
                    .to_string(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}
