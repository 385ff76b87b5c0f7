//! The input archive (IO): every processed input is kept once, named by its content hash, so a
//! score traces to the exact bytes that produced it. Inputs in the drop folder are never moved
//! or changed.
//!
//! A run keeps the files new to the archive in one zip of its own, `<archive>/<YYYYMMDD>-<id>.zip`
//! (the run's date in China and a hash of the entries' names), each entry `<sha256>.<ext>` stored
//! as it is: workbooks are compressed already. One file per input cost the kernel an inode each,
//! most of what archiving took on a first run (docs/performance.md). Files kept one by one as
//! `<archive>/ab/<sha256>.<ext>` by earlier versions still count as kept.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use tempfile::NamedTempFile;
use tracing::warn;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The archive's folder and the names (`<sha256>.<ext>`) it keeps.
#[derive(Debug)]
pub struct Archive {
    dir: PathBuf,
    kept: HashSet<String>,
}

impl Archive {
    /// The archive in `dir`, created if missing. A zip that cannot be read is left alone with a
    /// warning; its files count as not kept, so this run keeps them again.
    pub fn open(dir: &Path) -> anyhow::Result<Archive> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("无法创建归档文件夹 {}", dir.display()))?;
        let mut kept = HashSet::new();
        for entry in read_dir(dir)? {
            let path = entry.path();
            if path.is_dir() {
                for file in read_dir(&path)? {
                    kept.insert(file.file_name().to_string_lossy().into_owned());
                }
            } else if is_pack(&path) {
                match pack_names(&path) {
                    Ok(names) => kept.extend(names),
                    Err(error) => warn!(pack = %path.display(), %error, "archive zip unreadable"),
                }
            }
        }
        Ok(Archive {
            dir: dir.to_path_buf(),
            kept,
        })
    }

    /// Whether the file with this hash and extension is kept.
    pub fn has(&self, sha256: &str, extension: &str) -> bool {
        self.kept.contains(&entry_name(sha256, extension))
    }

    /// The kept bytes of the file with this hash and extension, if it is kept.
    pub fn bytes_of(&self, sha256: &str, extension: &str) -> anyhow::Result<Option<Vec<u8>>> {
        let name = entry_name(sha256, extension);
        let single = self.dir.join(sha256.get(..2).unwrap_or("00")).join(&name);
        if single.is_file() {
            return Ok(Some(std::fs::read(&single)?));
        }
        for entry in read_dir(&self.dir)? {
            let path = entry.path();
            if !is_pack(&path) {
                continue;
            }
            let Ok(mut pack) = open_pack(&path) else {
                continue;
            };
            let Ok(mut file) = pack.by_name(&name) else {
                continue;
            };
            let mut bytes = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0));
            file.read_to_end(&mut bytes)?;
            return Ok(Some(bytes));
        }
        Ok(None)
    }

    /// This run's zip, empty: it is created with its first file.
    pub fn pack(&self) -> Pack<'_> {
        Pack {
            archive: self,
            names: Vec::new(),
            added: HashSet::new(),
            writer: None,
        }
    }
}

/// A file read by this run, for the archive: what names it (its hash and extension), dates it
/// (its modification time, China time) and its bytes.
pub struct NewFile {
    pub sha256: String,
    pub extension: String,
    pub modified: Option<NaiveDateTime>,
    pub bytes: Vec<u8>,
}

/// The files a run keeps, written into a temporary zip in the archive's folder as they come and
/// renamed in by `finish`.
pub struct Pack<'a> {
    archive: &'a Archive,
    names: Vec<String>,
    added: HashSet<String>,
    writer: Option<ZipWriter<BufWriter<NamedTempFile>>>,
}

impl Pack<'_> {
    /// Keep `file` unless a file with the same hash is kept already. Returns whether it was new.
    pub fn keep(&mut self, file: &NewFile) -> anyhow::Result<bool> {
        let name = entry_name(&file.sha256, &file.extension);
        if self.archive.kept.contains(&name) || self.added.contains(&name) {
            return Ok(false);
        }
        let dir = &self.archive.dir;
        let writer = match &mut self.writer {
            Some(writer) => writer,
            None => {
                let temp = NamedTempFile::new_in(dir)
                    .with_context(|| format!("无法写入归档文件夹 {}", dir.display()))?;
                self.writer.insert(ZipWriter::new(BufWriter::new(temp)))
            }
        };
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .last_modified_time(zip_time(file.modified))
            .large_file(file.bytes.len() as u64 >= u64::from(u32::MAX));
        writer
            .start_file(name.as_str(), options)
            .and_then(|()| Ok(writer.write_all(&file.bytes)?))
            .with_context(|| format!("无法写入归档文件夹 {}", dir.display()))?;
        self.added.insert(name.clone());
        self.names.push(name);
        Ok(true)
    }

    /// Rename the zip in as `<YYYYMMDD>-<id>.zip`, `date` being the run's. Returns its path, or
    /// `None` when no file was new.
    pub fn finish(self, date: NaiveDate) -> anyhow::Result<Option<PathBuf>> {
        let Some(writer) = self.writer else {
            return Ok(None);
        };
        let dir = &self.archive.dir;
        let failed = || format!("无法写入归档文件夹 {}", dir.display());
        let temp = writer
            .finish()
            .with_context(failed)?
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(failed)?;
        let id = crate::ingest::content_hash(self.names.join("\n").as_bytes());
        let target = dir.join(format!(
            "{}-{}.zip",
            date.format("%Y%m%d"),
            id.get(..16).unwrap_or(&id)
        ));
        match temp.persist_noclobber(&target) {
            Ok(_) => Ok(Some(target)),
            // The same files kept under the same name by a run that did not see them as kept.
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(Some(target)),
            Err(e) => Err(e.error).with_context(|| format!("无法写入 {}", target.display())),
        }
    }
}

fn entry_name(sha256: &str, extension: &str) -> String {
    format!("{sha256}.{extension}")
}

fn is_pack(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "zip") && path.is_file()
}

fn read_dir(dir: &Path) -> anyhow::Result<Vec<std::fs::DirEntry>> {
    std::fs::read_dir(dir)
        .and_then(|entries| entries.collect())
        .with_context(|| format!("无法读取归档文件夹 {}", dir.display()))
}

fn open_pack(path: &Path) -> zip::result::ZipResult<ZipArchive<File>> {
    ZipArchive::new(File::open(path)?)
}

fn pack_names(path: &Path) -> anyhow::Result<Vec<String>> {
    let pack = open_pack(path)?;
    let names = pack.file_names().map(|name| Ok(name?.into_owned()));
    names.collect()
}

/// A zip entry's date: the file's modification time, or the format's earliest date when there
/// is none or it falls outside the years a zip can hold (1980–2107).
fn zip_time(modified: Option<NaiveDateTime>) -> zip::DateTime {
    modified
        .and_then(|t| {
            zip::DateTime::from_date_and_time(
                u16::try_from(t.year()).ok()?,
                t.month() as u8,
                t.day() as u8,
                t.hour() as u8,
                t.minute() as u8,
                t.second() as u8,
            )
            .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::test_frames::d;

    fn hash(bytes: &[u8]) -> String {
        crate::ingest::content_hash(bytes)
    }

    fn new_file(bytes: &[u8], extension: &str, modified: Option<NaiveDateTime>) -> NewFile {
        NewFile {
            sha256: hash(bytes),
            extension: extension.into(),
            modified,
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn keeps_each_file_once_in_one_zip_per_run() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::open(dir.path()).unwrap();
        let mut pack = archive.pack();
        let modified = d("2026-11-03").and_hms_opt(9, 30, 0);
        assert!(pack.keep(&new_file(b"abc", "xlsx", modified)).unwrap());
        assert!(!pack.keep(&new_file(b"abc", "xlsx", modified)).unwrap());
        assert!(pack.keep(&new_file(b"de", "csv", None)).unwrap());
        let zip = pack.finish(d("2026-12-01")).unwrap().unwrap();
        let name = zip.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("20261201-") && name.ends_with(".zip"),
            "{name}"
        );

        let archive = Archive::open(dir.path()).unwrap();
        assert!(archive.has(&hash(b"abc"), "xlsx"));
        assert!(!archive.has(&hash(b"abc"), "xls"));
        let kept = archive.bytes_of(&hash(b"de"), "csv").unwrap();
        assert_eq!(kept.as_deref(), Some(&b"de"[..]));
        assert_eq!(archive.bytes_of(&hash(b"x"), "csv").unwrap(), None);
        let mut pack = archive.pack();
        assert!(!pack.keep(&new_file(b"abc", "xlsx", None)).unwrap());
        assert_eq!(pack.finish(d("2026-12-02")).unwrap(), None);

        let mut zip = ZipArchive::new(File::open(&zip).unwrap()).unwrap();
        let entry = zip.by_name(&entry_name(&hash(b"abc"), "xlsx")).unwrap();
        assert_eq!(entry.compression(), CompressionMethod::Stored);
        let date = entry.last_modified().unwrap();
        assert_eq!((date.year(), date.month(), date.day()), (2026, 11, 3));
        assert_eq!((date.hour(), date.minute()), (9, 30));
    }

    #[test]
    fn files_kept_one_by_one_still_count() {
        let dir = tempfile::tempdir().unwrap();
        let sha = hash(b"old");
        std::fs::create_dir_all(dir.path().join(&sha[..2])).unwrap();
        std::fs::write(
            dir.path().join(&sha[..2]).join(format!("{sha}.xlsx")),
            b"old",
        )
        .unwrap();
        let archive = Archive::open(dir.path()).unwrap();
        assert!(archive.has(&sha, "xlsx"));
        assert_eq!(
            archive.bytes_of(&sha, "xlsx").unwrap().as_deref(),
            Some(&b"old"[..])
        );
        let mut pack = archive.pack();
        assert!(!pack.keep(&new_file(b"old", "xlsx", None)).unwrap());
    }

    #[test]
    fn an_unreadable_zip_is_passed_over_and_its_files_kept_again() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("20261130-0000000000000000.zip"),
            b"not a zip",
        )
        .unwrap();
        let archive = Archive::open(dir.path()).unwrap();
        let mut pack = archive.pack();
        assert!(pack.keep(&new_file(b"abc", "xlsx", None)).unwrap());
        assert!(pack.finish(d("2026-12-01")).unwrap().is_some());
        let archive = Archive::open(dir.path()).unwrap();
        assert!(archive.has(&hash(b"abc"), "xlsx"));
    }
}
