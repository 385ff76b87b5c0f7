//! The committed sample county: reproducible from the generator, and runnable end to end.

use std::path::{Path, PathBuf};

use keyproj::config::Config;
use keyproj::sample::{generate, SampleParams};

use crate::{keyproj, read_csv};

fn repo_inputs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs")
}

fn files_under(root: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

#[test]
fn committed_sample_is_what_the_generator_makes() {
    let dir = tempfile::tempdir().unwrap();
    let output = generate(
        &SampleParams::county_sample(),
        &Config::embedded().unwrap(),
        dir.path(),
    )
    .unwrap();
    let committed = files_under(&repo_inputs());
    assert_eq!(
        files_under(dir.path()),
        committed,
        "regenerate with `keyproj sample --out inputs`"
    );
    assert_eq!(output.files, committed);
    for file in &committed {
        let fresh = std::fs::read(dir.path().join(file)).unwrap();
        let kept = std::fs::read(repo_inputs().join(file)).unwrap();
        assert!(fresh == kept, "{file} differs from the generator's output");
    }
}

#[test]
fn sample_run_writes_the_ranking_for_november() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    let output = keyproj(&[
        "run",
        "--inputs",
        repo_inputs().to_str().unwrap(),
        "--reports",
        reports.to_str().unwrap(),
        "--month",
        "2026-11",
    ]);
    // The sample plants rejected rows on purpose: finished, with rejections.
    assert_eq!(
        output.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let csv = read_csv(&reports.join("2026-11/考核排名_2026-11.csv"));
    assert_eq!(csv.len(), 1 + Config::embedded().unwrap().units.len());
    let ranked = csv[1..].iter().filter(|r| !r[8].is_empty()).count();
    assert!(
        ranked >= 15,
        "most units lead projects and are ranked: {ranked}"
    );
    let statistics = csv.iter().find(|r| r[1] == "县统计局").unwrap();
    assert_eq!(statistics[9], "无考核事项");
    assert!(reports.join("2026-11/考核排名_2026-11.xlsx").is_file());
}
