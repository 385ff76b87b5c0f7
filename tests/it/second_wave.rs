//! The 项目库, 招商引资 and 联席会议 sheets on the sample county (SPEC §7): every rate with the
//! items behind it, 合计 rows, the 全县 row, backlog minutes, two meetings on one day, dates
//! after D, and the data-quality counts agreeing with each unit's own workbook.

use std::path::Path;

use keyproj::ingest::stage::ColumnValues;

use crate::{copy_sample, read_sheet, Workspace};

/// The rows of the section whose heading starts with `heading`: its header and data rows.
fn section(rows: &[Vec<String>], heading: &str) -> Vec<Vec<String>> {
    let start = rows
        .iter()
        .position(|r| r[0].starts_with(heading))
        .unwrap_or_else(|| panic!("no section {heading}"));
    rows[start + 1..]
        .iter()
        .take_while(|r| r.iter().any(|c| !c.is_empty()))
        .cloned()
        .collect()
}

fn column(table: &[Vec<String>], name: &str) -> usize {
    table[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", table[0]))
}

fn run_sample(ws: &Workspace, month: &str) -> std::path::PathBuf {
    ws.run_expecting(&["--month", month], 1);
    ws.path(&format!("reports/{month}/重点项目月度考核_{month}.xlsx"))
}

#[test]
fn second_wave_sheets_on_the_sample() {
    let ws = Workspace::fresh();
    copy_sample(&ws);
    let book = run_sample(&ws, "2026-11");

    let meetings = read_sheet(&book, "联席会议");
    assert!(!meetings[1][0].contains("时序进度"), "{:?}", meetings[1]);
    let list = section(&meetings, "二、会议及纪要");
    let (date, session, state) = (
        column(&list, "会议日期"),
        column(&list, "期次"),
        column(&list, "纪要情况"),
    );
    // Last December's meeting without minutes is backlog: listed, late, counted.
    let backlog = list
        .iter()
        .find(|r| r[session] == "2025年第12次联席会议")
        .expect("backlog meeting listed");
    assert_eq!(backlog[state], "逾期未印发");
    // The special session shares its date with a regular meeting and is its own row.
    let special = list.iter().find(|r| r[session].contains("专题")).unwrap();
    assert_eq!(list.iter().filter(|r| r[date] == special[date]).count(), 2);
    let this_year = list[1..]
        .iter()
        .filter(|r| r[session].starts_with("2026"))
        .count();
    let summary = section(&meetings, "一、总体情况");
    let value = |label: &str| {
        summary
            .iter()
            .find(|r| r[0].starts_with(label))
            .unwrap_or_else(|| panic!("{label}"))[1]
            .clone()
    };
    assert_eq!(value("本年已召开"), this_year.to_string());
    let in_scope: usize = value("纪要应印发").parse().unwrap();
    let on_time: usize = value("纪要按时印发").parse().unwrap();
    let late_or_open = list[1..]
        .iter()
        .filter(|r| r[state].starts_with("逾期"))
        .count();
    assert_eq!(in_scope, on_time + late_or_open);
    let attendance = section(&meetings, "三、成员单位出席情况");
    let total = attendance.last().unwrap();
    assert_eq!(total[0], "合计");
    let attended: usize = attendance[1..attendance.len() - 1]
        .iter()
        .map(|r| r[1].parse::<usize>().unwrap())
        .sum();
    assert_eq!(total[1], attended.to_string());

    let library = read_sheet(&book, "项目库");
    assert!(!library[1][0].contains("时序进度"));
    for heading in ["一、项目库（按单位）", "二、项目库（按板块）"] {
        let table = section(&library, heading);
        let total = table.last().unwrap();
        assert_eq!(total[0], "合计", "{heading}");
        let counted: usize = table[1..table.len() - 1]
            .iter()
            .map(|r| r[1].parse::<usize>().unwrap_or(0))
            .sum();
        assert_eq!(total[1], counted.to_string(), "{heading}");
    }
    let by_unit = section(&library, "一、项目库（按单位）");
    let scope = column(&by_unit, "谋划储备项目（个）");
    let complete = column(&by_unit, "说明书完整（个）");
    let incomplete = section(&library, "三、项目说明书不完整");
    let total = by_unit.last().unwrap();
    let (scope, complete): (usize, usize) = (
        total[scope].parse().unwrap(),
        total[complete].parse().unwrap(),
    );
    assert_eq!(scope - complete, incomplete.len() - 1);

    let investment = read_sheet(&book, "招商引资");
    assert!(!investment[1][0].contains("时序进度"));
    let funnel = section(&investment, "一、招商引资项目推进");
    let county = funnel.last().unwrap();
    assert_eq!(county[0], "全县");
    let handover = column(&funnel, "签约移交率");
    assert!(!county[handover].is_empty(), "{county:?}");
    let due: usize = county[column(&funnel, "应移交（个）")].parse().unwrap();
    let units_due: usize = funnel[1..funnel.len() - 1]
        .iter()
        .map(|r| r[column(&funnel, "应移交（个）")].parse::<usize>().unwrap())
        .sum();
    assert_eq!(due, units_due);
    // Every project behind the funnel is listed with the stage it counts at.
    let list = section(&investment, "五、招商引资项目清单");
    let stage = column(&list, "统计阶段");
    for (at, name) in funnel[0].iter().enumerate().skip(1).step_by(2).take(4) {
        let stage_name = name.trim_end_matches("（个）");
        let listed = list[1..].iter().filter(|r| r[stage] == stage_name).count();
        assert_eq!(county[at], listed.to_string(), "{stage_name}");
    }
    for heading in ["二、签约移交逾期未完成", "三、签约移交逾期完成"] {
        let late = section(&investment, heading);
        assert!(late[0].contains(&"逾期天数（日历日）".to_string()));
        assert!(late[0].contains(&"签约日期".to_string()));
    }

    // The leadership 数据质量 sheet counts each unit's warnings as its own workbook does.
    let quality = section(&read_sheet(&book, "数据质量"), "一、各单位报送情况");
    let warnings = column(&quality, "警告（条）");
    for row in &quality[1..] {
        let own = ws.path(&format!("reports/2026-11/单位反馈/{}_2026-11.xlsx", row[0]));
        if !own.is_file() {
            continue;
        }
        let listed = read_sheet(&own, "数据质量")
            .iter()
            .filter(|r| r[0] == "警告")
            .count();
        assert_eq!(row[warnings], listed.to_string(), "{}", row[0]);
    }
}

/// The reserve project whose 立项赋码日期 an October ledger gives after October's end.
fn coded_after_october(inputs: &Path) -> (String, String) {
    let config = keyproj::config::Config::embedded().unwrap();
    let ingest = keyproj::ingest::Ingest::new(&config);
    let found =
        keyproj::ingest::discover::discover(inputs, 0, std::time::SystemTime::now()).unwrap();
    let october_end = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
    for input in found.files.iter().filter(|f| f.rel.contains("2026年10月")) {
        let outcome = ingest.load(input);
        for sheet in outcome.sheets.iter().filter_map(|s| s.staged.as_ref()) {
            let column = |field: &str| {
                let at = sheet.table.columns().iter().position(|c| c.field == field);
                at.map(|i| &sheet.columns[i])
            };
            let (Some(ColumnValues::Date(coded)), Some(ColumnValues::Text(names))) =
                (column("approval_date"), column("name"))
            else {
                continue;
            };
            if let Some(i) = coded
                .iter()
                .position(|d| d.is_some_and(|d| d > october_end))
            {
                return (names[i].clone().unwrap_or_default(), input.rel.clone());
            }
        }
    }
    panic!("no ledger of October gives a 立项赋码日期 after October");
}

#[test]
fn an_approval_dated_after_d_has_not_happened() {
    let ws = Workspace::fresh();
    copy_sample(&ws);
    let (project, file) = coded_after_october(&ws.inputs());
    let shallow = |book: &Path| -> Option<String> {
        let sheet = read_sheet(book, "项目库");
        let table = section(&sheet, "四、储备深度不足的项目");
        table.iter().find(|r| r[1] == project).map(|r| r[2].clone())
    };
    let october = shallow(&run_sample(&ws, "2026-10"));
    assert!(
        october.as_deref().is_some_and(|m| m.contains("立项赋码")),
        "{project} in {file}: {october:?}"
    );
    let november = shallow(&run_sample(&ws, "2026-11"));
    assert!(
        november.is_some_and(|m| !m.contains("立项赋码")),
        "{project}"
    );
}

/// A unit whose only applicable indicator is 签约移交 (weight 0 by default) stays 无考核事项,
/// and the workbook's 得分明细 says why; the CSV carries no such text.
#[test]
fn a_unit_with_only_an_unweighted_indicator_says_why() {
    let ws = Workspace::fresh();
    crate::write_table(
        &ws.inputs().join("县招商中心/招商引资（2026年10月）.xlsx"),
        "填报单位：县招商中心  报告期：2026年10月  填报日期：2026-11-03",
        &[
            "项目名称",
            "招商单位",
            "阶段",
            "签约日期",
            "协议投资额",
            "移交日期",
        ],
        &[vec![
            "某产业园项目",
            "县招商中心",
            "签约",
            "2026-09-01",
            "800",
            "2026-09-10",
        ]],
    );
    assert_eq!(ws.run(&["--month", "2026-10"]).status.code(), Some(0));
    let csv = crate::read_csv(&ws.path("reports/2026-10/考核排名_2026-10.csv"));
    let row = csv.iter().find(|r| r[1] == "县招商中心").unwrap();
    let at = |name: &str| csv[0].iter().position(|h| h == name).unwrap();
    assert_eq!(row[at("签约移交率")], "1");
    assert_eq!(row[at("等次")], "无考核事项");
    assert!(row.iter().all(|c| !c.contains("分值为0")));
    let detail = read_sheet(
        &ws.path("reports/2026-10/重点项目月度考核_2026-10.xlsx"),
        "得分明细",
    );
    let line = detail
        .iter()
        .find(|r| r[0] == "县招商中心" && r[2] == "签约移交")
        .expect("签约移交 line");
    assert!(line.last().unwrap().contains("无考核事项"), "{line:?}");
}
