//! Replacing a folder as a whole (IO): build the new one beside it, then rename it into place,
//! so readers see either the old folder or the complete new one.

use std::path::{Path, PathBuf};

use anyhow::Context;
use tempfile::TempDir;

use crate::writer::WriterThread;

/// A fresh staging folder beside `target`, removed on drop unless swapped in.
pub fn staging_for(target: &Path) -> anyhow::Result<TempDir> {
    let parent = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .with_context(|| format!("无法创建文件夹 {}", parent.display()))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
        .tempdir_in(parent)
        .with_context(|| format!("无法在 {} 中写入", parent.display()))
}

/// Put the complete `staging` folder at `target`, retiring what was there.
pub fn swap_in(staging: TempDir, target: &Path) -> anyhow::Result<()> {
    let parent = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let retired = parent.join(format!(".{name}.old"));
    if retired.exists() {
        std::fs::remove_dir_all(&retired)
            .with_context(|| format!("无法清理 {}", retired.display()))?;
    }
    if target.exists() {
        std::fs::rename(target, &retired)
            .with_context(|| format!("无法替换 {}", target.display()))?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, target).with_context(|| format!("无法写入 {}", target.display()))?;
    if retired.exists() {
        std::fs::remove_dir_all(&retired)
            .with_context(|| format!("无法清理 {}", retired.display()))?;
    }
    Ok(())
}

/// A folder being built beside `target`, then put in place whole by `finish`; dropped unfinished,
/// it is removed and `target` stays as it was. Its files are written on a thread of its own, in
/// the order queued: creating files in one folder takes the folder's lock, which the threads
/// building the files would otherwise queue for.
pub struct FolderUnderway {
    target: PathBuf,
    writer: WriterThread<(String, Vec<u8>), TempDir>,
}

/// Files queued for the writer at most; each waits in memory until written.
const QUEUED_FILES: usize = 32;

impl FolderUnderway {
    pub fn start(target: &Path) -> anyhow::Result<FolderUnderway> {
        let staging = staging_for(target)?;
        let writer = WriterThread::start(QUEUED_FILES, move |files| {
            for (name, bytes) in files {
                let path = staging.path().join(name);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("无法创建 {}", parent.display()))?;
                }
                std::fs::write(&path, bytes)
                    .with_context(|| format!("无法写入 {}", path.display()))?;
            }
            Ok(staging)
        });
        Ok(FolderUnderway {
            target: target.to_path_buf(),
            writer,
        })
    }

    /// Queue the file `name` (relative, may name a subfolder) of the new folder.
    pub fn write(&self, name: String, bytes: Vec<u8>) -> anyhow::Result<()> {
        self.writer
            .send((name, bytes))
            .map_err(|_| anyhow::anyhow!("{} 的写入已中止", self.target.display()))
    }

    /// Replace `target` with the folder once every file queued is written. `pause` holds the
    /// complete new folder back before the swap (tests use it to kill a run at that moment).
    pub fn finish(self, pause: Option<std::time::Duration>) -> anyhow::Result<()> {
        let staging = self.writer.finish()?;
        if let Some(pause) = pause {
            std::thread::sleep(pause);
        }
        swap_in(staging, &self.target)
    }

    /// Give the folder up because of `error`, or of the writer's own error when it stopped
    /// first: that one says more. The staging folder goes with the writer.
    pub fn abandon<T>(self, error: anyhow::Error) -> anyhow::Result<T> {
        self.writer.finish_after(Err(error))
    }
}

/// Replace the file `target` with `bytes`: written beside it, then renamed into place.
pub fn write_file(target: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let parent = target.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(parent)
        .with_context(|| format!("无法在 {} 中写入", parent.display()))?;
    std::io::Write::write_all(&mut file, bytes)
        .with_context(|| format!("无法写入 {}", target.display()))?;
    file.persist(target)
        .with_context(|| format!("无法写入 {}", target.display()))?;
    Ok(())
}

/// Clear what an interrupted run left in `parent`: half-built `.X.new-*` folders go; a retired
/// `.X.old` whose `X` is missing (killed between the two renames) is put back.
pub fn recover(parent: &Path) -> anyhow::Result<()> {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix('.') else {
            continue;
        };
        if rest.contains(".new-") && entry.path().is_dir() {
            std::fs::remove_dir_all(entry.path())
                .with_context(|| format!("无法清理 {}", entry.path().display()))?;
        } else if let Some(original) = rest.strip_suffix(".old") {
            let target = parent.join(original);
            if target.exists() {
                std::fs::remove_dir_all(entry.path())
                    .with_context(|| format!("无法清理 {}", entry.path().display()))?;
            } else {
                std::fs::rename(entry.path(), &target)
                    .with_context(|| format!("无法恢复 {}", target.display()))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file the writer cannot write fails the folder: `finish` says which file and leaves the
    /// folder in place alone, and `abandon` prefers that error to the caller's.
    #[test]
    fn a_file_that_cannot_be_written_fails_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("2026-11");
        let failing = || {
            let folder = FolderUnderway::start(&target).unwrap();
            folder.write("a".into(), b"1".to_vec()).unwrap();
            // "a" is a file, so "a/b.csv" cannot be written.
            folder.write("a/b.csv".into(), b"2".to_vec()).ok();
            folder
        };
        let error = failing().finish(None).unwrap_err();
        assert!(format!("{error:#}").contains("无法创建"), "{error:#}");
        assert!(!target.exists());
        let error = failing()
            .abandon::<()>(anyhow::anyhow!("the caller's"))
            .unwrap_err();
        assert!(format!("{error:#}").contains("无法创建"), "{error:#}");
        let error = FolderUnderway::start(&target)
            .unwrap()
            .abandon::<()>(anyhow::anyhow!("the caller's"))
            .unwrap_err();
        assert_eq!(error.to_string(), "the caller's");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn replaces_whole_folders_and_recovers_from_interruptions() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("2026-11");
        let folder_with = |name: &str, bytes: &[u8]| {
            let folder = FolderUnderway::start(&target).unwrap();
            folder.write(name.into(), bytes.to_vec()).unwrap();
            folder
        };
        folder_with("a.csv", b"1").finish(None).unwrap();
        // Dropped before it is finished, a folder under way leaves the one in place alone.
        drop(folder_with("sub/c.csv", b"3"));
        assert_eq!(std::fs::read(target.join("a.csv")).unwrap(), b"1");
        folder_with("sub/b.csv", b"2").finish(None).unwrap();
        assert!(!target.join("a.csv").exists());
        assert_eq!(std::fs::read(target.join("sub/b.csv")).unwrap(), b"2");

        // Killed between the two renames: the old folder is retired and the new one unplaced.
        std::fs::rename(&target, dir.path().join(".2026-11.old")).unwrap();
        std::fs::create_dir(dir.path().join(".2026-11.new-abc")).unwrap();
        recover(dir.path()).unwrap();
        assert_eq!(std::fs::read(target.join("sub/b.csv")).unwrap(), b"2");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("2026-11")]);
    }
}
