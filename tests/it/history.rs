//! History across months: 上月排名 and 排名变化 from the state a run keeps.

use crate::first_slice::write_ledger;
use crate::{read_csv, read_sheet, Workspace};

/// One 前期 project per row: (name, planned start, actual start).
fn ledger(
    ws: &Workspace,
    unit: &str,
    month: u32,
    filled: &str,
    projects: &[(&str, &str, &str)],
) -> std::path::PathBuf {
    let path = ws
        .inputs()
        .join(format!("{unit}/台账（2026年{month}月）.xlsx"));
    let rows: Vec<[&str; 13]> = projects
        .iter()
        .map(|(name, planned, actual)| {
            [
                *name,
                "基础设施",
                "前期",
                unit,
                "马国华",
                "1000",
                "",
                "",
                planned,
                actual,
                "",
                "",
                "2027-12-31",
            ]
        })
        .collect();
    write_ledger(&path, unit, &format!("2026年{month}月"), filled, &rows);
    path
}

fn column(csv: &[Vec<String>], unit: &str, name: &str) -> String {
    let c = csv[0].iter().position(|h| h == name).unwrap();
    csv.iter().find(|r| r[1] == unit).unwrap()[c].clone()
}

#[test]
fn previous_rank_comes_from_the_kept_history() {
    let ws = Workspace::fresh();
    ledger(
        &ws,
        "丹朱镇",
        9,
        "2026-10-03",
        &[("甲", "2026-03-01", "2026-03-01")],
    );
    let bao_september = ledger(&ws, "鲍店镇", 9, "2026-10-03", &[("乙", "2026-03-01", "")]);
    let october = ws.run(&["--month", "2026-10"]);
    assert_eq!(
        october.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&october.stderr)
    );
    let oct = read_csv(&ws.path("reports/2026-10/考核排名_2026-10.csv"));
    assert_eq!(column(&oct, "丹朱镇", "组内排名"), "1");
    assert_eq!(column(&oct, "鲍店镇", "组内排名"), "2");
    assert!(ws.path("state/2026-10/scores.parquet").is_file());
    assert!(ws.path("state/2026-10/projects.parquet").is_file());

    // October's ledgers, filed in November: 鲍店镇 corrects its start, 丹朱镇 adds a project
    // not yet started. September's 鲍店镇 file is withdrawn. October assessed afresh now would
    // take in these October ledgers (every submission counts, whenever filed).
    std::fs::remove_file(bao_september).unwrap();
    ledger(
        &ws,
        "丹朱镇",
        10,
        "2026-11-03",
        &[("甲", "2026-03-01", "2026-03-01"), ("丙", "2026-10-01", "")],
    );
    ledger(
        &ws,
        "鲍店镇",
        10,
        "2026-11-03",
        &[("乙", "2026-03-01", "2026-02-20")],
    );
    let november = ws.run(&["--month", "2026-11"]);
    assert_eq!(
        november.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&november.stderr)
    );
    let nov_csv = ws.path("reports/2026-11/考核排名_2026-11.csv");
    let nov = read_csv(&nov_csv);
    assert_eq!(column(&nov, "鲍店镇", "组内排名"), "1");
    assert_eq!(column(&nov, "鲍店镇", "上月排名"), "2");
    assert_eq!(column(&nov, "鲍店镇", "排名变化"), "1");
    assert_eq!(column(&nov, "丹朱镇", "组内排名"), "2");
    assert_eq!(column(&nov, "丹朱镇", "上月排名"), "1");
    assert_eq!(column(&nov, "丹朱镇", "排名变化"), "-1");
    assert_eq!(column(&nov, "石哲镇", "上月排名"), "");
    assert_eq!(column(&nov, "石哲镇", "排名变化"), "");
    let sheet = read_sheet(
        &ws.path("reports/2026-11/考核排名_2026-11.xlsx"),
        "考核排名",
    );
    assert_eq!(sheet, nov);

    // Re-running October now replaces October's state with the October ledgers (鲍店镇 on time,
    // 丹朱镇 one project late) and leaves November's reports as they were; re-running November
    // then agrees with the new state.
    let nov_bytes = std::fs::read(&nov_csv).unwrap();
    assert_eq!(ws.run(&["--month", "2026-10"]).status.code(), Some(0));
    assert_eq!(std::fs::read(&nov_csv).unwrap(), nov_bytes);
    assert_eq!(ws.run(&["--month", "2026-11"]).status.code(), Some(0));
    let rerun = read_csv(&nov_csv);
    assert_eq!(column(&rerun, "鲍店镇", "上月排名"), "1");
    assert_eq!(column(&rerun, "丹朱镇", "上月排名"), "2");
}

#[test]
fn without_history_the_previous_month_is_assessed_from_the_inputs() {
    let ws = Workspace::fresh();
    ledger(
        &ws,
        "丹朱镇",
        9,
        "2026-10-03",
        &[("甲", "2026-03-01", "2026-03-01")],
    );
    ledger(&ws, "鲍店镇", 9, "2026-10-03", &[("乙", "2026-03-01", "")]);
    let november = ws.run(&["--month", "2026-11"]);
    assert_eq!(
        november.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&november.stderr)
    );
    let nov = read_csv(&ws.path("reports/2026-11/考核排名_2026-11.csv"));
    assert_eq!(column(&nov, "丹朱镇", "上月排名"), "1");
    assert_eq!(column(&nov, "鲍店镇", "上月排名"), "2");
    assert_eq!(column(&nov, "鲍店镇", "排名变化"), "0");
}
