//! One run at a time (IO): an OS lock on `<reports>/.keyproj.lock`. The OS releases it when the
//! holder dies, so a lock file left by a killed run is simply taken over; the file's text names
//! the holder for the message a refused run prints.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use anyhow::{bail, Context};
use tracing::info;

pub const LOCK_FILE: &str = ".keyproj.lock";

/// Held for the whole run; released on drop (or by the OS if the process dies).
#[derive(Debug)]
pub struct RunLock {
    file: File,
}

impl RunLock {
    /// Take the lock in `dir`, or fail at once naming the run that holds it.
    pub fn acquire(dir: &Path) -> anyhow::Result<RunLock> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("无法创建报表文件夹 {}", dir.display()))?;
        let path = dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("无法打开锁文件 {}", path.display()))?;
        let mut previous = String::new();
        // An unreadable holder description only makes the message vaguer.
        let _ = file.read_to_string(&mut previous);
        if file.try_lock().is_err() {
            let holder = previous.trim();
            bail!(
                "另一个 keyproj 正在运行（{}），本次运行未开始；请等它结束后再运行",
                if holder.is_empty() {
                    "持有者未知"
                } else {
                    holder
                }
            );
        }
        if !previous.trim().is_empty() {
            info!(previous = %previous.trim(), "took over a lock left by a run that is no longer running");
        }
        let holder = format!(
            "进程 {}，开始于 {}",
            std::process::id(),
            chrono::Local::now().format("%Y-%m-%d %H:%M:%S")
        );
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        file.write_all(holder.as_bytes())?;
        file.sync_all()?;
        Ok(RunLock { file })
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // Empty the holder text so the next run does not report a takeover.
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_holder_is_refused_with_the_first_named() {
        let dir = tempfile::tempdir().unwrap();
        let first = RunLock::acquire(dir.path()).unwrap();
        let err = RunLock::acquire(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains(&format!("进程 {}", std::process::id())),
            "{err}"
        );
        drop(first);
        assert!(RunLock::acquire(dir.path()).is_ok());
    }

    #[test]
    fn a_stale_lock_file_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(LOCK_FILE),
            "进程 999999，开始于 2026-11-01 02:00:00",
        )
        .unwrap();
        assert!(RunLock::acquire(dir.path()).is_ok());
    }
}
