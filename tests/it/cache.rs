//! The staging cache: unchanged inputs are taken from it, and the reports are the same as when
//! every file is read.

use std::collections::BTreeMap;
use std::path::Path;

use crate::first_slice::write_ledger;
use crate::Workspace;

/// Every report file's bytes, except run.json (it holds timings).
fn reports(ws: &Workspace) -> BTreeMap<String, Vec<u8>> {
    let month = ws.path("reports/2026-11");
    walkdir::WalkDir::new(&month)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.file_name() != "run.json")
        .map(|e| {
            (
                e.path().strip_prefix(&month).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn files_from_cache(ws: &Workspace) -> u64 {
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path("reports/2026-11/run.json")).unwrap())
            .unwrap();
    run["files_from_cache"].as_u64().unwrap()
}

fn copy_tree(from: &Path, to: &Path) -> usize {
    let mut copied = 0;
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
            copied += 1;
        }
    }
    copied
}

/// The input the run reads last (inputs are read in the order of their relative paths).
fn last_input(ws: &Workspace) -> std::path::PathBuf {
    let inputs = ws.inputs();
    walkdir::WalkDir::new(&inputs)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .max_by_key(|p| {
            let rel = p.strip_prefix(&inputs).unwrap();
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap()
}

/// Run, expecting the sample's status (it plants rejected rows), and return the reports.
fn run(ws: &Workspace, extra: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let mut args = vec!["--month", "2026-11"];
    args.extend(extra);
    let output = ws.run(&args);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    reports(ws)
}

#[test]
fn cached_runs_give_the_reports_of_reading_every_file() {
    let ws = Workspace::fresh();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs");
    let files = copy_tree(&sample, &ws.inputs()) as u64;

    let cold = run(&ws, &[]);
    assert_eq!(files_from_cache(&ws), 0);
    assert!(ws.path("state/cache/index.json").is_file());
    let warm = run(&ws, &[]);
    assert_eq!(files_from_cache(&ws), files);
    assert_eq!(warm, cold);

    // The cache is written batch by batch from the first file parsed. Here that is the last
    // file read (same bytes, a later modification time), so every batch before it comes from
    // the cache and is written out afterwards; the next run finds every file again.
    let last = last_input(&ws);
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(86_400);
    std::fs::File::options()
        .write(true)
        .open(&last)
        .and_then(|f| f.set_modified(later))
        .unwrap();
    assert_eq!(run(&ws, &[]), cold);
    assert_eq!(files_from_cache(&ws), files - 1);
    assert_eq!(run(&ws, &[]), cold);
    assert_eq!(files_from_cache(&ws), files);

    // One ledger changed, one file removed, one added: only the changed and new are read.
    let changed = ws
        .inputs()
        .join("丹朱镇/丹朱镇重点项目台账（2026年10月）.xlsx");
    assert!(changed.is_file(), "the sample has {}", changed.display());
    write_ledger(
        &changed,
        "丹朱镇",
        "2026年10月",
        "2026-11-03",
        &[[
            "丹朱镇新建道路",
            "基础设施",
            "在建",
            "丹朱镇",
            "马国华",
            "900",
            "300",
            "100",
            "2026-03-01",
            "",
            "2026-12-31",
            "",
            "",
        ]],
    );
    let removed = ws
        .inputs()
        .join("丹朱镇/丹朱镇重点项目台账（2026年9月）.xlsx");
    std::fs::remove_file(&removed).unwrap();
    write_ledger(
        &ws.inputs().join("石哲镇/补报台账（2026年11月）.xlsx"),
        "石哲镇",
        "2026年11月",
        "2026-11-20",
        &[[
            "石哲镇补报项目",
            "产业转型",
            "在建",
            "石哲镇",
            "高瑞峰",
            "500",
            "100",
            "50",
            "2026-05-01",
            "",
            "2027-06-30",
            "",
            "",
        ]],
    );
    let partly_cached = run(&ws, &[]);
    assert_eq!(files_from_cache(&ws), files - 2);
    assert_ne!(
        partly_cached, cold,
        "the changed ledger shows in the reports"
    );
    let read_afresh = run(&ws, &["--no-cache"]);
    assert_eq!(files_from_cache(&ws), 0);
    assert_eq!(partly_cached, read_afresh);

    // A damaged cache is ignored: every file is read, with the same reports.
    std::fs::write(ws.path("state/cache/index.json"), "{ not json").unwrap();
    let output = ws.run(&["--month", "2026-11"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("staging cache ignored"));
    assert_eq!(files_from_cache(&ws), 0);
    assert_eq!(reports(&ws), read_afresh);

    // A config change reads every file again.
    assert_eq!(run(&ws, &[]), read_afresh);
    assert_eq!(files_from_cache(&ws), files);
    let config = std::fs::read_to_string(ws.path("keyproj.toml")).unwrap();
    let changed_config = config.replace("max_uncompressed_mb = 100", "max_uncompressed_mb = 99");
    assert_ne!(config, changed_config);
    std::fs::write(ws.path("keyproj.toml"), changed_config).unwrap();
    run(&ws, &[]);
    assert_eq!(files_from_cache(&ws), 0);
}
