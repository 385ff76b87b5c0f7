//! Finding the submissions in the drop folder (IO). Lock files, hidden files, files still being
//! written and symlinks leading out of the folder are skipped, and each skip is listed.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use walkdir::WalkDir;

/// File types read as submissions.
pub const EXTENSIONS: [&str; 6] = ["xlsx", "xlsm", "xls", "ods", "csv", "txt"];

/// How long to wait before looking at a young file a second time.
const SETTLE_RECHECK: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub path: PathBuf,
    /// Path relative to the inputs folder, with `/`.
    pub rel: String,
    pub size: u64,
    /// Modification time, seconds since the epoch.
    pub mtime: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct IgnoredFile {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Discovery {
    /// Sorted by relative path.
    pub files: Vec<InputFile>,
    pub ignored: Vec<IgnoredFile>,
}

/// Scan `root` at any depth. `settle_seconds` = 0 turns the second look off.
pub fn discover(root: &Path, settle_seconds: u64, now: SystemTime) -> std::io::Result<Discovery> {
    let root_real = root.canonicalize()?;
    let mut found = Discovery::default();
    let mut young = Vec::new();
    let mut walker = WalkDir::new(&root_real)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                found.ignored.push(IgnoredFile {
                    path: e
                        .path()
                        .map(|p| relative(&root_real, p))
                        .unwrap_or_default(),
                    reason: format!("无法读取：{e}"),
                });
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let rel = relative(&root_real, entry.path());
        if entry.file_type().is_dir() {
            let name = entry.file_name().to_string_lossy();
            if EXTENSIONS.contains(&extension_of(entry.path()).as_str()) {
                found.ignored.push(IgnoredFile {
                    path: rel.clone(),
                    reason: "名为工作簿的文件夹，不是文件（其中的文件照常读取）".into(),
                });
            }
            if name.starts_with('.') {
                found.ignored.push(IgnoredFile {
                    path: rel,
                    reason: "隐藏文件夹".into(),
                });
                walker.skip_current_dir();
            }
            continue;
        }
        match input_file(&entry, &root_real, rel) {
            Ok((file, modified)) => {
                let age = now.duration_since(modified).unwrap_or_default();
                if age < Duration::from_secs(settle_seconds) {
                    young.push(file);
                } else {
                    found.files.push(file);
                }
            }
            Err(ignored) => found.ignored.push(ignored),
        }
    }
    settle(young, &mut found);
    found.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    found.ignored.sort();
    Ok(found)
}

/// A file entry as an input with its modification time, or why it is not one.
fn input_file(
    entry: &walkdir::DirEntry,
    root_real: &Path,
    rel: String,
) -> Result<(InputFile, SystemTime), IgnoredFile> {
    let path = entry.path();
    let name = entry.file_name().to_string_lossy();
    let ignore = |rel: String, reason: String| Err(IgnoredFile { path: rel, reason });
    if name.starts_with("~$") || name.starts_with(".~lock.") {
        return ignore(rel, "Office/WPS 锁文件".into());
    }
    if name.starts_with('.') {
        return ignore(rel, "隐藏文件".into());
    }
    if !EXTENSIONS.contains(&extension_of(path).as_str()) {
        return ignore(rel, "不是 .xlsx/.xlsm/.xls/.ods/.csv/.txt 文件".into());
    }
    let metadata = if entry.path_is_symlink() {
        match path.canonicalize() {
            Ok(target) if target.starts_with(root_real) => std::fs::metadata(&target),
            _ => {
                return ignore(
                    rel,
                    "符号链接指向报送文件夹之外（或目标不存在），未读取".into(),
                )
            }
        }
    } else {
        entry.metadata().map_err(std::io::Error::other)
    };
    let metadata = match metadata {
        Ok(m) if m.is_file() => m,
        Ok(_) => return ignore(rel, "不是普通文件".into()),
        Err(e) => return ignore(rel, format!("无法读取文件信息：{e}")),
    };
    let modified = metadata.modified().unwrap_or(UNIX_EPOCH);
    let file = InputFile {
        path: path.to_path_buf(),
        rel,
        size: metadata.len(),
        mtime: seconds(modified),
    };
    Ok((file, modified))
}

/// Files modified within `settle_seconds` are looked at again after a pause: those still
/// changing are skipped this run.
fn settle(young: Vec<InputFile>, found: &mut Discovery) {
    if young.is_empty() {
        return;
    }
    std::thread::sleep(SETTLE_RECHECK);
    for file in young {
        match std::fs::metadata(&file.path) {
            Ok(m)
                if m.len() == file.size
                    && seconds(m.modified().unwrap_or(UNIX_EPOCH)) == file.mtime =>
            {
                found.files.push(file)
            }
            _ => found.ignored.push(IgnoredFile {
                path: file.rel,
                reason: "文件仍在写入（大小或修改时间在变化），本次跳过，下次运行再读".into(),
            }),
        }
    }
}

pub fn extension_of(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn seconds(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_locks_hidden_and_other_types() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("丹朱镇/.git")).unwrap();
        for name in [
            "丹朱镇/台账.xlsx",
            "丹朱镇/~$台账.xlsx",
            "丹朱镇/.~lock.台账.xlsx#",
            "丹朱镇/.git/x.xlsx",
            ".hidden.xlsx",
            "说明.docx",
            "b.CSV",
        ] {
            std::fs::write(root.join(name), b"x").unwrap();
        }
        let found = discover(root, 0, SystemTime::now()).unwrap();
        let files: Vec<&str> = found.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(files, vec!["b.CSV", "丹朱镇/台账.xlsx"]);
        let ignored: Vec<&str> = found.ignored.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            ignored,
            vec![
                ".hidden.xlsx",
                "丹朱镇/.git",
                "丹朱镇/.~lock.台账.xlsx#",
                "丹朱镇/~$台账.xlsx",
                "说明.docx"
            ]
        );
    }

    #[test]
    fn young_unchanged_files_are_read_after_a_second_look() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.xlsx"), b"x").unwrap();
        let found = discover(dir.path(), 3600, SystemTime::now()).unwrap();
        assert_eq!(found.files.len(), 1);
        assert!(found.ignored.is_empty());
    }

    #[test]
    fn a_file_replaced_while_being_looked_at_is_skipped_for_now() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.xlsx");
        std::fs::write(&path, b"first").unwrap();
        let writer = {
            let path = path.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(500));
                std::fs::write(&path, b"second, longer").unwrap();
            })
        };
        let found = discover(dir.path(), 3600, SystemTime::now()).unwrap();
        writer.join().unwrap();
        assert!(found.files.is_empty());
        assert_eq!(
            found.ignored[0].reason,
            "文件仍在写入（大小或修改时间在变化），本次跳过，下次运行再读"
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_folder_are_not_followed() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.xlsx"), b"x").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.xlsx"),
            dir.path().join("link.xlsx"),
        )
        .unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("linkdir")).unwrap();
        let found = discover(dir.path(), 0, SystemTime::now()).unwrap();
        assert!(found.files.is_empty());
        assert_eq!(found.ignored[0].path, "link.xlsx");
    }
}
