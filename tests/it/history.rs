//! History across months: 上月排名 and 排名变化 from the state a run keeps.

use crate::first_slice::write_ledger;
use crate::{read_csv, read_sheet, Workspace};

/// One 前期 project per row: (name, planned start, actual start).
pub(crate) fn ledger(
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

/// A county with ledgers for July, September and October only, as the office would find it.
fn county_with_some_months() -> Workspace {
    let ws = Workspace::fresh();
    ledger(
        &ws,
        "丹朱镇",
        7,
        "2026-08-03",
        &[("甲", "2026-03-01", "2026-03-01")],
    );
    ledger(&ws, "鲍店镇", 7, "2026-08-03", &[("乙", "2026-03-01", "")]);
    ledger(
        &ws,
        "鲍店镇",
        9,
        "2026-10-03",
        &[("乙", "2026-03-01", "2026-09-10")],
    );
    ledger(
        &ws,
        "丹朱镇",
        10,
        "2026-11-03",
        &[("甲", "2026-03-01", "2026-03-01"), ("丙", "2026-10-20", "")],
    );
    ws
}

/// The 年度趋势 sheet after running `runs` in order, each a list of arguments.
fn trend_after(runs: &[&[&str]]) -> (Workspace, Vec<Vec<String>>) {
    let ws = county_with_some_months();
    for args in runs {
        let output = ws.run(args);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let sheet = read_sheet(
        &ws.path("reports/2026-11/重点项目月度考核_2026-11.xlsx"),
        "年度趋势",
    );
    (ws, sheet)
}

#[test]
fn the_years_trend_does_not_depend_on_which_months_were_run_before() {
    let (ws, alone) = trend_after(&[&["--month", "2026-11"]]);
    // Every month of the year before November was assessed once and kept, as of its last day:
    // its ranking alone; November, the month run, with its tables.
    for month in 1..=11 {
        let kept = ws.path(&format!("state/2026-{month:02}/scores.parquet"));
        assert!(kept.is_file(), "{}", kept.display());
        let tables = ws.path(&format!("state/2026-{month:02}/projects.parquet"));
        assert_eq!(tables.is_file(), month == 11, "{}", tables.display());
    }
    let (_, in_order) = trend_after(&[&["--month", "2026-10"], &["--month", "2026-11"]]);
    // A run for a day within October keeps October as of that day; it must not stand for
    // October's month-end.
    let (_, shuffled) = trend_after(&[
        &["--month", "2026-09"],
        &["--as-of", "2026-10-15"],
        &["--month", "2026-07"],
        &["--month", "2026-11"],
    ]);
    assert_eq!(in_order, alone);
    assert_eq!(shuffled, alone);

    // The sheet: per group, 总分 by month, then 组内排名 by month.
    let header = alone
        .iter()
        .position(|r| r.first().map(String::as_str) == Some("单位"))
        .expect("header");
    let months: Vec<String> = (1..=11).map(|m| format!("{m}月")).collect();
    assert_eq!(alone[header][1..], months[..]);
    let row = |unit: &str| {
        alone[header..]
            .iter()
            .find(|r| r[0] == unit)
            .unwrap_or_else(|| panic!("{unit}"))
            .clone()
    };
    let (dan, bao) = (row("丹朱镇"), row("鲍店镇"));
    // Nothing reported before July: no score in June.
    assert_eq!(dan[6], "");
    assert_eq!(bao[6], "");
    // July: 丹朱镇 started on time, 鲍店镇 not at all.
    let score = |r: &Vec<String>, month: usize| r[month].parse::<f64>().unwrap();
    assert!(score(&dan, 7) > score(&bao, 7), "{dan:?} {bao:?}");
    // 丙 fell due on 20 October: October is judged as of its last day, not as of the 15th.
    assert!(score(&dan, 10) < score(&dan, 9), "{dan:?}");
    // November's column is this month's ranking.
    let csv = read_csv(&ws.path("reports/2026-11/考核排名_2026-11.csv"));
    let total = column(&csv, "鲍店镇", "总分").parse::<f64>().unwrap();
    assert!((score(&bao, 11) - total).abs() < 1e-9);
    // The 组内排名 table follows: July's ranks.
    let ranks = alone
        .iter()
        .position(|r| r[0].ends_with("乡镇各月组内排名"))
        .expect("乡镇's ranks");
    let rank = |unit: &str, month: usize| {
        alone[ranks..].iter().find(|r| r[0] == unit).unwrap()[month].clone()
    };
    assert_eq!(rank("丹朱镇", 7), "1");
    assert_eq!(rank("鲍店镇", 7), "2");
}
