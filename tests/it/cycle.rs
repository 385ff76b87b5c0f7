//! The month cycle (SPEC §1 "Which rows count", §2): month M is assessed with what units
//! reported about M, whenever they filed it; the nightly run reassesses M−1 until `final_day`;
//! a year missing from the calendar never stops the job.

use std::collections::BTreeMap;

use crate::first_slice::write_ledger;
use crate::{copy_sample, manifest_sheet, read_csv, read_sheet, snapshot, write_table, Workspace};

/// The office's real timetable: September's and October's ledgers of 丹朱镇 (October's filed on
/// 3 November), the office's visit log saved on 18 November holding October and November
/// visits, and its notice list filed on 5 November with a notice closed on 2 November.
fn timetable(ws: &Workspace) {
    let ledger = |month: u32, filed: &str, ytd: &str| {
        write_ledger(
            &ws.inputs()
                .join(format!("丹朱镇/台账（2026年{month}月）.xlsx")),
            "丹朱镇",
            &format!("2026年{month}月"),
            filed,
            &[
                [
                    "甲 道路工程",
                    "基础设施",
                    "在建",
                    "丹朱镇",
                    "马国华",
                    "3000",
                    "1200",
                    ytd,
                    "2026-03-01",
                    "2026-03-01",
                    "2027-06-30",
                    "",
                    "",
                ],
                [
                    "乙 学校扩建",
                    "社会民生",
                    "前期",
                    "丹朱镇",
                    "罗晓燕",
                    "800",
                    "",
                    "",
                    "2027-03-01",
                    "",
                    "",
                    "",
                    "2027-01-31",
                ],
            ],
        );
    };
    ledger(9, "2026-10-04", "600");
    ledger(10, "2026-11-03", "900");
    write_table(
        &ws.inputs().join("县重点办/现场调研记录.xlsx"),
        "填报单位：县重点项目办公室  报告期：2026年11月  填报日期：2026-11-18",
        &["调研日期", "调研人", "所在单位", "项目名称"],
        &[
            vec!["2026-10-20", "张镇长", "丹朱镇", "甲 道路工程"],
            vec!["2026-11-10", "张镇长", "丹朱镇", "乙 学校扩建"],
        ],
    );
    notice_list(ws, "2026-11-05", "2026-11-02");
}

/// The office's notice list filed on `filed`: one notice to 丹朱镇, issued 2026-10-12 (reply
/// due 10-15), replied 10-14, 办理时限 10-30, closed on `closed`.
fn notice_list(ws: &Workspace, filed: &str, closed: &str) {
    write_table(
        &ws.inputs().join("县重点办/挂牌督办事项台账.xlsx"),
        &format!("填报单位：县重点项目办公室  报告期：2026年11月  填报日期：{filed}"),
        &[
            "通知书编号",
            "项目名称",
            "督办事项",
            "督办对象",
            "下发日期",
            "办理时限",
            "复函日期",
            "解决办法",
            "责任领导",
            "责任人",
            "承诺解决时限",
            "办结日期",
        ],
        &[vec![
            "长重督〔2026〕9号",
            "甲 道路工程",
            "征地拆迁",
            "丹朱镇",
            "2026-10-12",
            "2026-10-30",
            "2026-10-14",
            "协调征收",
            "马国华",
            "张镇长",
            "2026-10-30",
            closed,
        ]],
    );
}

/// One unit's cells of the ranking CSV, by column name.
fn ranking_row(ws: &Workspace, month: &str, unit: &str) -> BTreeMap<String, String> {
    let csv = read_csv(&ws.path(&format!("reports/{month}/考核排名_{month}.csv")));
    let row = csv
        .iter()
        .find(|r| r[1] == unit)
        .unwrap_or_else(|| panic!("{unit}"));
    csv[0].iter().cloned().zip(row.iter().cloned()).collect()
}

fn number(row: &BTreeMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column}: {:?}", row[column]))
}

fn assert_close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

#[test]
fn october_is_assessed_with_what_was_filed_in_november() {
    let ws = Workspace::fresh();
    timetable(&ws);
    ws.run_expecting(&["--month", "2026-10"], 0);
    let danzhu = ranking_row(&ws, "2026-10", "丹朱镇");
    // October's ledger (filed 11-03): 900 against 1200 × 10/12.
    assert_close(number(&danzhu, "投资完成率"), 900.0 / 1000.0);
    // The October visit in the log saved 11-18 counts: 甲 of the two active projects.
    assert_close(number(&danzhu, "现场调研覆盖率"), 0.5);
    // The notice closed on 11-02 is open and overdue as of 10-31; the reply of 10-14 was on time.
    assert_close(number(&danzhu, "督办按时复函率"), 1.0);
    assert_close(number(&danzhu, "督办按期办结率"), 0.0);
    assert_eq!(danzhu["扣分"], "2");
    // The manifest lists every input with its 填报日期, those filed after D too.
    let manifest = ws.manifest("2026-10");
    let fill_date = |path: &str| manifest_sheet(&manifest, path)["fill_date"].clone();
    assert_eq!(fill_date("县重点办/现场调研记录.xlsx"), "2026-11-18");
    assert_eq!(fill_date("丹朱镇/台账（2026年10月）.xlsx"), "2026-11-03");

    // The same folder as of 11-18 gives November's view: the October ledger is still current
    // (10 complete months), only November's visit counts, and the notice is closed late, so
    // it costs its rate but no deduction.
    let output = ws.run(&["--as-of", "2026-11-18"]);
    assert_eq!(output.status.code(), Some(0));
    let november = ranking_row(&ws, "2026-11", "丹朱镇");
    assert_close(number(&november, "投资完成率"), 900.0 / 1000.0);
    assert_close(number(&november, "现场调研覆盖率"), 0.5);
    assert_close(number(&november, "督办按期办结率"), 0.0);
    assert_eq!(november["扣分"], "0");
    let late = read_sheet(
        &ws.path("reports/2026-11/重点项目月度考核_2026-11.xlsx"),
        "督办事项",
    );
    assert!(
        late.iter()
            .any(|r| r.contains(&"长重督〔2026〕9号".to_string())
                && r.contains(&"逾期办结".to_string())),
        "{late:?}"
    );
}

fn run_json(ws: &Workspace, month: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(ws.path(&format!("reports/{month}/run.json"))).unwrap())
        .unwrap()
}

fn months_written(run: &serde_json::Value) -> Vec<String> {
    run["months_written"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["month"].as_str().unwrap().to_string())
        .collect()
}

/// Reports and history of October without run.json (which records each run's times).
fn october(ws: &Workspace) -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>) {
    let mut reports = snapshot(&ws.path("reports/2026-10"));
    reports.remove("run.json");
    (reports, snapshot(&ws.path("state/2026-10")))
}

#[test]
fn the_nightly_run_reassesses_the_previous_month_until_final_day() {
    let ws = Workspace::fresh();
    timetable(&ws);
    let nightly = |today: &str| {
        ws.run_expecting(&["--today", today], 0);
    };

    // The 3rd: both months, October first, so November's 上月排名 is October's rank.
    nightly("2026-11-03");
    let run = run_json(&ws, "2026-11");
    assert_eq!(months_written(&run), ["2026-10", "2026-11"]);
    assert_eq!(run["previous_month_final"], false);
    assert_eq!(
        run_json(&ws, "2026-10")["months_written"],
        run["months_written"]
    );
    assert!(ws.path("state/2026-10/scores.parquet").is_file());
    assert!(ws.path("state/2026-11/scores.parquet").is_file());
    let oct = ranking_row(&ws, "2026-10", "丹朱镇");
    let nov = ranking_row(&ws, "2026-11", "丹朱镇");
    assert_eq!(nov["上月排名"], oct["组内排名"]);
    assert_close(number(&oct, "投资完成率"), 0.9);

    // The 10th: still both.
    nightly("2026-11-10");
    assert_eq!(
        months_written(&run_json(&ws, "2026-11")),
        ["2026-10", "2026-11"]
    );
    let on_the_tenth = october(&ws);

    // A late October visit arrives; on the 11th October is final and left alone.
    write_table(
        &ws.inputs().join("丹朱镇/现场调研记录（补报）.xlsx"),
        "填报单位：丹朱镇  报告期：2026年10月  填报日期：2026-11-11",
        &["调研日期", "调研人", "所在单位", "项目名称"],
        &[vec!["2026-10-28", "张镇长", "丹朱镇", "乙 学校扩建"]],
    );
    nightly("2026-11-11");
    let run = run_json(&ws, "2026-11");
    assert_eq!(months_written(&run), ["2026-11"]);
    assert_eq!(run["previous_month_final"], true);
    assert_eq!(october(&ws), on_the_tenth);
    assert_close(
        number(&ranking_row(&ws, "2026-10", "丹朱镇"), "现场调研覆盖率"),
        0.5,
    );

    // An explicit --month still redoes October, with the late visit.
    let output = ws.run(&["--month", "2026-10", "--today", "2026-11-11"]);
    assert_eq!(output.status.code(), Some(0));
    assert_ne!(october(&ws).0, on_the_tenth.0);
    assert_close(
        number(&ranking_row(&ws, "2026-10", "丹朱镇"), "现场调研覆盖率"),
        1.0,
    );
    assert_eq!(months_written(&run_json(&ws, "2026-10")), ["2026-10"]);
}

#[test]
fn a_year_missing_from_the_calendar_leaves_items_undecided_and_writes_every_report() {
    let ws = Workspace::fresh();
    copy_sample(&ws);
    // A notice issued on 2026-12-30: its reply is due on the 3rd working day, in 2027.
    write_table(
        &ws.inputs().join("县重点办/挂牌督办事项台账（年末）.xlsx"),
        "填报单位：县重点项目办公室  报告期：2026年12月  填报日期：2027-01-04",
        &[
            "通知书编号",
            "项目名称",
            "督办事项",
            "督办对象",
            "下发日期",
            "办理时限",
        ],
        &[vec![
            "长重督〔2026〕99号",
            "年末督办项目",
            "资金到位",
            "丹朱镇",
            "2026-12-30",
            "2027-01-29",
        ]],
    );
    // A meeting on 2026-12-30 without minutes: they are due on working days in 2027.
    write_table(
        &ws.inputs().join("县重点办/联席会议记录（年末）.xlsx"),
        "填报单位：县重点项目办公室  填报日期：2027-01-04",
        &["会议日期", "期次", "召集人", "议题", "参会单位"],
        &[vec![
            "2026-12-30",
            "2026年第13次联席会议",
            "县长",
            "年末调度",
            "县发改局、丹朱镇",
        ]],
    );
    let output = ws.run(&["--as-of", "2027-01-04"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("工作日历缺少2027年"), "{stderr}");
    let folder = ws.path("reports/2027-01");
    for name in [
        "考核排名_2027-01.csv",
        "考核排名_2027-01.xlsx",
        "重点项目月度考核_2027-01.xlsx",
        "督查通报_2027-01.xlsx",
        "manifest.json",
        "run.json",
    ] {
        assert!(folder.join(name).is_file(), "{name}");
    }
    // The notice is listed as 无法判定 with the fix, in 丹朱镇's feedback.
    let quality = read_sheet(&folder.join("单位反馈/丹朱镇_2027-01.xlsx"), "数据质量");
    let undecided = quality
        .iter()
        .find(|r| r[0] == "无法判定")
        .unwrap_or_else(|| panic!("{quality:?}"));
    assert!(undecided[1].contains("年末"), "{undecided:?}");
    assert!(undecided[6].contains("工作日历缺少2027年"), "{undecided:?}");
    assert!(undecided[7].contains("[[calendar]]"), "{undecided:?}");
    // The overview and the office's data-quality sheet say what to do.
    let book = folder.join("重点项目月度考核_2027-01.xlsx");
    let says = |rows: &[Vec<String>], what: &str| rows.iter().flatten().any(|c| c.contains(what));
    assert!(says(&read_sheet(&book, "概览"), "缺2027年节假日安排"));
    assert!(says(&read_sheet(&book, "数据质量"), "工作日历缺少2027年"));
    let notices = read_sheet(&book, "督办事项");
    assert!(
        notices
            .iter()
            .any(|r| r.contains(&"长重督〔2026〕99号".to_string())
                && r.iter().any(|c| c.contains("无法判定"))),
        "{notices:?}"
    );
    // The meeting's minutes are 无法判定 too: never 未到期限 or 按时印发 (the meeting list used to
    // work the status out again and said 未到期限).
    let meetings = read_sheet(&book, "联席会议");
    let row = meetings
        .iter()
        .find(|r| r.iter().any(|c| c == "2026年第13次联席会议"))
        .unwrap_or_else(|| panic!("{meetings:?}"));
    assert!(row.iter().any(|c| c == "无法判定（缺工作日历）"), "{row:?}");
}

#[test]
fn from_december_a_run_warns_that_next_year_is_missing() {
    let ws = Workspace::fresh();
    timetable(&ws);
    let output = ws.run(&["--as-of", "2026-12-01"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("工作日历缺少2027年"), "{stderr}");
    let book = ws.path("reports/2026-12/重点项目月度考核_2026-12.xlsx");
    for (sheet, says) in [
        ("概览", "缺2027年节假日安排"),
        ("数据质量", "工作日历缺少2027年"),
    ] {
        assert!(
            read_sheet(&book, sheet)
                .iter()
                .flatten()
                .any(|c| c.contains(says)),
            "{sheet}"
        );
    }
    // November's run says nothing of it.
    let output = ws.run(&["--as-of", "2026-11-30"]);
    assert!(!String::from_utf8_lossy(&output.stderr).contains("工作日历缺少"));
}
