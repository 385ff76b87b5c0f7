//! manifest.json (SPEC §5.5): what a run read and wrote, with content hashes, and nothing that
//! changes from run to run on the same inputs (timings go to run.json).

use serde::Serialize;

use crate::config::Config;
use crate::ingest::discover::IgnoredFile;
use crate::ingest::problem::Severity;
use crate::ingest::{content_hash, FileOutcome, SheetSummary};

#[derive(Debug, Serialize)]
pub struct Manifest {
    pub as_of: String,
    pub month: String,
    pub version: &'static str,
    pub config_sha256: String,
    pub totals: Totals,
    pub inputs: Vec<InputEntry>,
    pub ignored: Vec<IgnoredFile>,
    pub outputs: Vec<OutputEntry>,
}

#[derive(Debug, Default, Serialize)]
pub struct Totals {
    pub files: usize,
    pub rows_read: usize,
    pub rows_accepted: usize,
    pub rows_rejected: usize,
    pub rows_skipped: usize,
    pub rejections: usize,
    /// Items the calendar could not judge (无法判定).
    pub undecidable: usize,
    pub warnings: usize,
    /// Rows accepted per input table.
    pub rows_by_table: std::collections::BTreeMap<&'static str, usize>,
}

#[derive(Debug, Serialize)]
pub struct InputEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
    /// Why the whole file was not read, when it was not.
    pub error: Option<String>,
    pub sheets: Vec<SheetSummary>,
}

#[derive(Debug, Serialize)]
pub struct OutputEntry {
    pub path: String,
    pub size: usize,
    pub sha256: String,
}

impl OutputEntry {
    /// The entry of the output file `path` (relative to the month folder) holding `bytes`.
    pub fn of(path: String, bytes: &[u8]) -> OutputEntry {
        OutputEntry {
            path,
            size: bytes.len(),
            sha256: content_hash(bytes),
        }
    }
}

pub struct ManifestInput<'a> {
    pub config: &'a Config,
    pub as_of: chrono::NaiveDate,
    pub month: &'a str,
    pub files: &'a [FileOutcome],
    pub ignored: &'a [IgnoredFile],
    pub extra_problems: &'a [crate::ingest::problem::Problem],
    /// Output files relative to the month folder, in the order listed.
    pub outputs: Vec<OutputEntry>,
}

pub fn manifest(input: ManifestInput) -> Manifest {
    let mut totals = Totals {
        files: input.files.len(),
        ..Totals::default()
    };
    let inputs = input
        .files
        .iter()
        .map(|f| {
            for sheet in &f.sheets {
                if let Some(table) = sheet.table {
                    *totals.rows_by_table.entry(table.label()).or_insert(0) +=
                        sheet.counts.accepted;
                }
            }
            let sheets = f.summaries();
            for s in &sheets {
                totals.rows_read += s.rows_read;
                totals.rows_accepted += s.rows_accepted;
                totals.rows_rejected += s.rows_rejected;
                totals.rows_skipped += s.rows_skipped;
            }
            InputEntry {
                path: f.rel.clone(),
                size: f.size,
                sha256: f.sha256.clone(),
                error: f.problems.first().map(|p| p.reason.clone()),
                sheets,
            }
        })
        .collect();
    let problems = input
        .files
        .iter()
        .flat_map(FileOutcome::all_problems)
        .chain(input.extra_problems);
    for p in problems {
        match p.severity {
            Severity::Rejected => totals.rejections += 1,
            Severity::Undecidable => totals.undecidable += 1,
            Severity::Warning => totals.warnings += 1,
            Severity::Note => {}
        }
    }
    Manifest {
        as_of: input.as_of.format("%Y-%m-%d").to_string(),
        month: input.month.to_string(),
        version: env!("CARGO_PKG_VERSION"),
        config_sha256: input.config.hash(),
        totals,
        inputs,
        ignored: input.ignored.to_vec(),
        outputs: input.outputs,
    }
}
