//! Nightly operation: one run at a time, atomic outputs, the input archive, exit statuses and
//! the submission templates.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use calamine::{open_workbook_auto, Data, Reader};
use rust_xlsxwriter::Workbook;

use crate::first_slice::{fixture, write_ledger};
use crate::{copy_sample, keyproj, snapshot, Workspace};

#[test]
fn a_second_run_is_refused_while_one_holds_the_lock() {
    let ws = Workspace::fresh();
    fixture(&ws);
    let held = keyproj::lock::RunLock::acquire(&ws.path("reports")).unwrap();
    let output = ws.run(&["--month", "2026-11"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("另一个 keyproj 正在运行"), "{stderr}");
    assert!(
        stderr.contains(&format!("进程 {}", std::process::id())),
        "{stderr}"
    );
    assert!(!ws.path("reports/2026-11").exists());
    drop(held);

    // A lock file left by a run that died is taken over.
    std::fs::write(
        ws.path("reports/.keyproj.lock"),
        "进程 4194303，开始于 2026-11-01 02:00:00",
    )
    .unwrap();
    let output = ws.run(&["--month", "2026-11"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("took over a lock"));
}

#[test]
fn a_run_killed_while_writing_leaves_the_previous_reports_untouched() {
    let ws = Workspace::fresh();
    fixture(&ws);
    assert_eq!(ws.run(&["--month", "2026-11"]).status.code(), Some(0));
    let month = ws.path("reports/2026-11");
    let before = snapshot(&month);

    // New data, so the next run's reports would differ; kill it with its new folder complete.
    write_ledger(
        &ws.inputs().join("石哲镇/台账（2026年10月）.xlsx"),
        "石哲镇",
        "2026年10月",
        "2026-11-02",
        &[[
            "S1 新建道路",
            "基础设施",
            "在建",
            "石哲镇",
            "高瑞峰",
            "900",
            "300",
            "280",
            "2026-02-01",
            "2026-02-01",
            "2027-06-30",
            "",
            "",
        ]],
    );
    let mut child = ws
        .run_command(&["--month", "2026-11"])
        .env("KEYPROJ_TEST_PAUSE_BEFORE_SWAP_MS", "20000")
        .spawn()
        .unwrap();
    let started = Instant::now();
    let staged = loop {
        let found = std::fs::read_dir(ws.path("reports"))
            .unwrap()
            .flatten()
            .find(|e| {
                e.file_name().to_string_lossy().starts_with(".2026-11.new-")
                    && e.path().join("manifest.json").exists()
            });
        if let Some(entry) = found {
            break entry.path();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the run never staged its reports"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    // Let the last file finish, then kill the run before it swaps.
    std::thread::sleep(Duration::from_millis(200));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(staged.exists());
    assert_eq!(snapshot(&month), before);

    // The next run clears the debris and writes the new reports.
    assert_eq!(ws.run(&["--month", "2026-11"]).status.code(), Some(0));
    assert_ne!(snapshot(&month), before);
    let debris: Vec<_> = std::fs::read_dir(ws.path("reports"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".2026-11"))
        .collect();
    assert!(debris.is_empty(), "{debris:?}");
}

#[test]
fn inputs_are_archived_by_content_hash() {
    let ws = Workspace::fresh();
    fixture(&ws);
    ws.run(&["--month", "2026-11"]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path("reports/2026-11/manifest.json")).unwrap())
            .unwrap();
    let archive = keyproj::archive::Archive::open(&ws.path("state/archive")).unwrap();
    let inputs = manifest["inputs"].as_array().unwrap();
    assert!(!inputs.is_empty());
    for input in inputs {
        let hash = input["sha256"].as_str().unwrap();
        let original = std::fs::read(ws.inputs().join(input["path"].as_str().unwrap())).unwrap();
        assert_eq!(archive.bytes_of(hash, "xlsx").unwrap(), Some(original));
    }
    // One zip for the run, none for a run with nothing new.
    let zips = || std::fs::read_dir(ws.path("state/archive")).unwrap().count();
    assert_eq!(zips(), 1);
    ws.run(&["--month", "2026-11"]);
    assert_eq!(zips(), 1);
}

/// The run's zip does not depend on thread timing: two first runs over the same inputs keep
/// byte-identical zips under the same name, each distinct input once, in discovery order.
#[test]
fn the_archive_zip_is_the_same_for_the_same_inputs() {
    let ws = Workspace::fresh();
    copy_sample(&ws);
    let kept = || {
        ws.run(&["--month", "2026-11", "--today", "2026-12-01"]);
        let zips: Vec<PathBuf> = std::fs::read_dir(ws.path("state/archive"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(zips.len(), 1, "{zips:?}");
        let name = zips[0].file_name().unwrap().to_string_lossy().into_owned();
        (name, std::fs::read(&zips[0]).unwrap())
    };
    let first = kept();
    std::fs::remove_dir_all(ws.path("state")).unwrap();
    let second = kept();
    assert!(first.0.starts_with("20261201-"), "{}", first.0);
    assert!(first == second, "{} and {} differ", first.0, second.0);

    let mut seen = std::collections::HashSet::new();
    let inputs: Vec<String> = ws.manifest("2026-11")["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let path = i["path"].as_str().unwrap();
            let extension = path.rsplit('.').next().unwrap().to_lowercase();
            format!("{}.{extension}", i["sha256"].as_str().unwrap())
        })
        .filter(|name| seen.insert(name.clone()))
        .collect();
    let zip = zip::ZipArchive::new(std::io::Cursor::new(second.1)).unwrap();
    let entries: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    assert!(inputs.len() > 100);
    assert_eq!(entries, inputs);
}

/// A file that cannot be archived stops the run with the reason: no reports, no staging cache.
#[test]
fn an_archive_that_cannot_be_written_stops_the_run_without_a_cache() {
    let ws = Workspace::fresh();
    fixture(&ws);
    std::fs::create_dir_all(ws.path("state")).unwrap();
    std::fs::write(ws.path("state/archive"), "not a folder").unwrap();
    let output = ws.run(&["--month", "2026-11"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("归档"), "{stderr}");
    assert!(!ws.path("state/cache/index.json").exists());
    assert!(!ws.path("reports/2026-11").exists());
}

#[test]
fn exit_status_when_outputs_cannot_be_written() {
    let ws = Workspace::fresh();
    fixture(&ws);
    std::fs::write(ws.path("reports"), "not a folder").unwrap();
    let output = ws.run(&["--month", "2026-11"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("错误："));
}

/// Copy a template's header and example row, add a data row made from the example with its
/// mark removed, and check the result: clean, one row accepted, the example skipped.
#[test]
fn filled_templates_ingest_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("templates");
    let output = keyproj(&["template".as_ref(), "--out".as_ref(), out.as_os_str()]);
    assert_eq!(output.status.code(), Some(0));
    for table in [
        "项目台账",
        "督办事项",
        "调度任务",
        "现场调研",
        "招商引资",
        "联席会议",
    ] {
        let template = out.join(format!("{table}模板.xlsx"));
        let mut book = open_workbook_auto(&template).unwrap();
        assert_eq!(book.sheet_names(), [table, "选项"]);
        let range = book.worksheet_range(table).unwrap();
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| {
                        if let Data::String(s) = c {
                            s.clone()
                        } else {
                            String::new()
                        }
                    })
                    .collect()
            })
            .collect();
        assert_eq!(rows.len(), 2, "{table}: header and example row");
        let filled = dir.path().join(format!("{table}.xlsx"));
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, value).unwrap();
            }
        }
        for (c, value) in rows[1].iter().enumerate() {
            sheet
                .write_string(2, c as u16, value.trim_start_matches("【示例】"))
                .unwrap();
        }
        workbook.save(&filled).unwrap();
        let check = keyproj(&["check".as_ref(), filled.as_os_str()]);
        let stdout = String::from_utf8_lossy(&check.stdout);
        assert_eq!(check.status.code(), Some(0), "{table}: {stdout}");
        assert!(stdout.contains(&format!("{table}，")), "{stdout}");
        assert!(
            stdout.contains("读取 2 行 = 接收 1 + 退回 0 + 空行/合计行 1"),
            "{table}: {stdout}"
        );
    }
}
