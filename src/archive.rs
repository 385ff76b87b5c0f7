//! The input archive (IO): every processed input is kept once, named by its content hash, so a
//! score traces to the exact bytes that produced it. Inputs in the drop folder are never moved
//! or changed.

use std::path::{Path, PathBuf};

use anyhow::Context;

/// Where a file with this hash and extension is kept: `<archive>/ab/abcdef….xlsx`.
pub fn path_for(archive: &Path, sha256: &str, extension: &str) -> PathBuf {
    let prefix = sha256.get(..2).unwrap_or("00");
    archive.join(prefix).join(format!("{sha256}.{extension}"))
}

/// Keep `bytes` unless a file with the same hash is already kept. Returns whether it was new.
pub fn store(archive: &Path, sha256: &str, extension: &str, bytes: &[u8]) -> anyhow::Result<bool> {
    let target = path_for(archive, sha256, extension);
    if target.is_file() {
        return Ok(false);
    }
    let dir = target.parent().unwrap_or(archive);
    std::fs::create_dir_all(dir)
        .with_context(|| format!("无法创建归档文件夹 {}", dir.display()))?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("无法写入归档文件夹 {}", dir.display()))?;
    std::io::Write::write_all(&mut temp, bytes)?;
    temp.persist(&target)
        .with_context(|| format!("无法写入 {}", target.display()))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_once_by_hash() {
        let dir = tempfile::tempdir().unwrap();
        let hash = crate::ingest::content_hash(b"abc");
        assert!(store(dir.path(), &hash, "xlsx", b"abc").unwrap());
        assert!(!store(dir.path(), &hash, "xlsx", b"abc").unwrap());
        let kept = path_for(dir.path(), &hash, "xlsx");
        assert_eq!(std::fs::read(&kept).unwrap(), b"abc");
        assert!(kept.starts_with(dir.path().join(&hash[..2])));
    }
}
