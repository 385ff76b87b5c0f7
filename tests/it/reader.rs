//! Sheets offices produce every day that used to take the night down or lose rows: a used
//! range to ZZ1048576, merged cells over data rows, Excel's empty dates, the "Unicode 文本"
//! export, and xls/ods sheets over the cell budget.

use std::path::{Path, PathBuf};

use keyproj::config::Config;
use keyproj::ingest::discover::InputFile;
use keyproj::ingest::problem::Severity;
use keyproj::ingest::read::Limits;
use keyproj::ingest::{FileOutcome, Ingest};
use rust_xlsxwriter::{Format, Workbook, Worksheet};

use crate::first_slice::HEADER;

fn load_with(path: &Path, root: &Path, limits: Option<Limits>) -> FileOutcome {
    let config = Config::embedded().unwrap();
    let ingest = Ingest::new(&config);
    let ingest = Ingest {
        limits: limits.unwrap_or(ingest.limits),
        ..ingest
    };
    let rel = path
        .strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .into_owned();
    ingest.load(&InputFile {
        path: path.to_path_buf(),
        rel,
        size: 0,
        mtime: 0,
    })
}

fn load(path: &Path, root: &Path) -> FileOutcome {
    load_with(path, root, None)
}

/// Peak resident memory of this test process, in MiB.
fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// A 丹朱镇 ledger of five 在建 projects written from row 3 under a meta line; `tail` adds
/// what an office's sheet carries besides.
fn ledger(dir: &Path, name: &str, tail: impl Fn(&mut Worksheet)) -> PathBuf {
    let path = dir.join("丹朱镇").join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet
        .write_string(
            0,
            0,
            "填报单位：丹朱镇  报告期：2026年10月  填报日期：2026-11-03",
        )
        .unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    for r in 0..5u32 {
        let row = [
            format!("项目{r}"),
            "基础设施".into(),
            "在建".into(),
            "丹朱镇".into(),
            "马国华".into(),
            "1000".into(),
            "500".into(),
            "100".into(),
            "2026-03-01".into(),
            "2026-03-01".into(),
            "2027-06-30".into(),
            String::new(),
            String::new(),
        ];
        for (c, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string(2 + r, c as u16, value).unwrap();
            }
        }
    }
    tail(sheet);
    workbook.save(&path).unwrap();
    path
}

const LAST_ROW: u32 = 1_048_575;
const ZZ: u16 = 701;

#[test]
fn a_used_range_to_zz1048576_reads_its_five_rows_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let styled = ledger(dir.path(), "格式刷到底.xlsx", |sheet| {
        sheet
            .write_blank(LAST_ROW, ZZ, &Format::new().set_bold())
            .unwrap();
    });
    let spaced = ledger(dir.path(), "末行有空格.xlsx", |sheet| {
        sheet.write_string(LAST_ROW, ZZ, " ").unwrap();
    });
    for path in [styled, spaced] {
        let outcome = load(&path, dir.path());
        let sheet = &outcome.sheets[0];
        assert_eq!(sheet.counts.accepted, 5, "{path:?}: {:?}", sheet.problems);
        assert_eq!(sheet.counts.rejected, 0, "{path:?}");
    }
    // The dense range would be 736 million cells, tens of GiB.
    let peak = peak_rss_mib();
    assert!(peak < 1536, "peak RSS {peak} MiB");
}

#[test]
fn merged_cells_over_data_rows_apply_to_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger(dir.path(), "合并单元格.xlsx", |sheet| {
        let plain = Format::new();
        // 牵头责任单位 (column D) merged over the five rows, 所属板块 (B) over the first two.
        sheet.merge_range(2, 3, 6, 3, "丹朱镇", &plain).unwrap();
        sheet.merge_range(2, 1, 3, 1, "产业转型", &plain).unwrap();
    });
    let outcome = load(&path, dir.path());
    let sheet = &outcome.sheets[0];
    assert_eq!(
        (sheet.counts.accepted, sheet.counts.rejected),
        (5, 0),
        "{:?}",
        sheet.problems
    );
    let staged = sheet.staged.as_ref().unwrap();
    let column = |field: &str| {
        let index = staged
            .table
            .columns()
            .iter()
            .position(|c| c.field == field)
            .unwrap();
        match &staged.columns[index] {
            keyproj::ingest::stage::ColumnValues::Text(v) => v.clone(),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(column("lead_unit"), vec![Some("丹朱镇".to_string()); 5]);
    let sectors = column("sector");
    assert_eq!(
        sectors[..2],
        [Some("产业转型".into()), Some("产业转型".into())]
    );
    assert_eq!(sectors[2], Some("基础设施".into()));
}

#[test]
fn excel_empty_dates_are_bad_values_by_the_column_rule() {
    let dir = tempfile::tempdir().unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let path = ledger(dir.path(), "空日期.xlsx", |sheet| {
        // 计划开工日期 (I, required for 在建): serial 0 and text 1899-12-31 reject the row.
        sheet.write_number_with_format(2, 8, 0.0, &date).unwrap();
        sheet.write_string(3, 8, "1899-12-31").unwrap();
        // 实际开工日期 (J, optional): serial 60 and text 1900-02-29 are dropped, rows kept.
        sheet.write_number_with_format(4, 9, 60.0, &date).unwrap();
        sheet.write_string(5, 9, "1900-02-29").unwrap();
    });
    let outcome = load(&path, dir.path());
    let sheet = &outcome.sheets[0];
    assert_eq!(
        (sheet.counts.accepted, sheet.counts.rejected),
        (3, 2),
        "{:?}",
        sheet.problems
    );
    let on = |row: u32, severity: Severity| {
        sheet
            .problems
            .iter()
            .any(|p| p.row == Some(row) && p.severity == severity)
    };
    assert!(on(3, Severity::Rejected) && on(4, Severity::Rejected));
    assert!(on(5, Severity::Warning) && on(6, Severity::Warning));
    let dropped = sheet.problems.iter().find(|p| p.row == Some(5)).unwrap();
    assert!(dropped.reason.contains("已按空值处理"), "{dropped:?}");
}

#[test]
fn unicode_text_export_is_read_as_a_tab_separated_table() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("填报单位：丹朱镇\t报告期：2026年10月\n");
    text.push_str(&HEADER.join("\t"));
    text.push('\n');
    text.push_str(
        "道路工程，一期\t基础设施\t在建\t丹朱镇\t马国华\t1,200\t500\t100\t2026-03-01\t2026-03-01\t2027-06-30\t\t\n",
    );
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    for name in ["台账导出.txt", "台账导出.csv"] {
        let path = dir.path().join("丹朱镇").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &bytes).unwrap();
        let outcome = load(&path, dir.path());
        let sheet = &outcome.sheets[0];
        assert_eq!(
            (sheet.counts.accepted, sheet.counts.rejected),
            (1, 0),
            "{name}: {:?}",
            sheet.problems
        );
    }
}

#[test]
fn xls_and_ods_sheets_over_the_cell_budget_are_refused_with_the_fix() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let limits = Limits {
        max_bytes: 64 << 20,
        max_cells: 20,
    };
    for name in [
        "丹朱镇台账（2026年10月）.xls",
        "丹朱镇台账（2026年10月）.ods",
    ] {
        let outcome = load_with(&fixtures.join(name), &fixtures, Some(limits));
        let sheet = &outcome.sheets[0];
        let problem = &sheet.problems[0];
        assert_eq!(problem.severity, Severity::Rejected, "{name}");
        assert!(
            problem.reason.contains("超过上限 20") && problem.fix.contains("删除多余的空行空列"),
            "{name}: {problem:?}"
        );
        assert_eq!(sheet.counts.accepted, 0);
    }
}
