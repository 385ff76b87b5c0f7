//! Replacing a folder as a whole (IO): build the new one beside it, then rename it into place,
//! so readers see either the old folder or the complete new one.

use std::path::Path;

use anyhow::Context;
use tempfile::TempDir;

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

/// Replace `target` with a folder holding exactly `files` (name → bytes).
pub fn write_folder(target: &Path, files: &[(String, Vec<u8>)]) -> anyhow::Result<()> {
    let staging = staging_for(target)?;
    for (name, bytes) in files {
        let path = staging.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("无法创建 {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("无法写入 {}", path.display()))?;
    }
    swap_in(staging, target)
}
