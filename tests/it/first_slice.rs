//! The first end-to-end slice: ledgers → current ledger → 按时开工 / 按时竣工 → ranking.

use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::{read_csv, read_sheet, Workspace};

pub const HEADER: [&str; 13] = [
    "项目名称",
    "所属板块",
    "项目阶段",
    "牵头责任单位",
    "包联领导",
    "总投资（万元）",
    "年度计划投资",
    "本年完成投资",
    "计划开工日期",
    "实际开工日期",
    "计划竣工日期",
    "实际竣工日期",
    "前期工作计划完成日期",
];

/// A ledger as a township writes it: a title, a 填报单位/报告期/填报日期 line, then the table.
/// Cells starting with "D:" are written as real Excel dates, the rest as text.
pub fn write_ledger(path: &Path, unit: &str, month: &str, filled: &str, rows: &[[&str; 13]]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    sheet
        .write_string(0, 0, "长子县重点项目建设进展情况表")
        .unwrap();
    sheet
        .write_string(1, 0, format!("填报单位：{unit}"))
        .unwrap();
    sheet
        .write_string(1, 4, format!("报告期：{month}"))
        .unwrap();
    sheet
        .write_string(1, 8, format!("填报日期：{filled}"))
        .unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            let (r, c) = (3 + r as u32, c as u16);
            if let Some(date) = value.strip_prefix("D:") {
                let parts: Vec<u16> = date.split('-').map(|p| p.parse().unwrap()).collect();
                let dt = ExcelDateTime::from_ymd(parts[0], parts[1] as u8, parts[2] as u8).unwrap();
                sheet
                    .write_datetime_with_format(r, c, &dt, &date_format)
                    .unwrap();
            } else if !value.is_empty() {
                sheet.write_string(r, c, *value).unwrap();
            }
        }
    }
    sheet
        .write_string(
            4 + rows.len() as u32,
            0,
            "填报人：张三    联系电话：0355-8000000",
        )
        .unwrap();
    workbook.save(path).unwrap();
}

pub fn fixture(ws: &Workspace) {
    let inputs = ws.inputs();
    // 丹朱镇, September: superseded by October (P1 has no start here, P9 exists only here).
    write_ledger(
        &inputs.join("丹朱镇/台账（2026年9月）.xlsx"),
        "丹朱镇人民政府（盖章）",
        "2026年9月",
        "2026年10月5日",
        &[
            [
                "P1 道路工程",
                "基础设施",
                "在建",
                "丹朱镇",
                "马国华",
                "1000",
                "500",
                "100",
                "2026-03-01",
                "",
                "2026-10-31",
                "",
                "",
            ],
            [
                "P9 旧项目",
                "产业转型",
                "在建",
                "丹朱镇",
                "马国华",
                "1000",
                "500",
                "100",
                "2026-03-01",
                "",
                "2026-10-31",
                "",
                "",
            ],
        ],
    );
    // 丹朱镇, October: the current ledger as of 2026-11-30.
    write_ledger(
        &inputs.join("丹朱镇/台账（2026年10月）.xlsx"),
        "丹朱镇",
        "2026年10月",
        "2026-11-10",
        &[
            // Started early (on time); completed 2026-11-05 against 2026-10-31 (late).
            [
                "P1 道路工程",
                "基础设施",
                "在建",
                "丹朱镇",
                "马国华",
                "1000",
                "500",
                "300",
                "D:2026-03-01",
                "2026/2/20",
                "2026-10-31",
                "D:2026-11-05",
                "",
            ],
            // Planned start exactly on D and not started: due, open, late.
            [
                "P2 学校扩建",
                "社会民生",
                "前期",
                "丹朱镇",
                "罗晓燕",
                "800",
                "",
                "",
                "2026.11.30",
                "",
                "",
                "",
                "2026-06-30",
            ],
            // Planned start in 2025, still not started: backlog, in scope.
            [
                "P3 物流园",
                "产业转型",
                "前期",
                "丹朱镇",
                "马国华",
                "5000",
                "",
                "",
                "2025年6月30日",
                "",
                "",
                "",
                "2026-06-30",
            ],
            // Started late in 2025: out of scope for 2026.
            [
                "P4 供水管网",
                "基础设施",
                "在建",
                "丹朱镇",
                "高瑞峰",
                "1200",
                "600",
                "200",
                "2025-05-01",
                "2025-08-01",
                "2027-06-30",
                "",
                "",
            ],
            // Not yet due.
            [
                "P5 科创中心",
                "科技创新",
                "前期",
                "丹朱镇",
                "宋志远",
                "3000",
                "",
                "",
                "2026-12-15",
                "",
                "",
                "",
                "2026-06-30",
            ],
        ],
    );
    // 丹朱镇, December, filed early in January: a 报告期 after November never counts for it.
    write_ledger(
        &inputs.join("丹朱镇/台账（2026年12月）.xlsx"),
        "丹朱镇",
        "2026年12月",
        "2027-01-03",
        &[[
            "P2 学校扩建",
            "社会民生",
            "在建",
            "丹朱镇",
            "罗晓燕",
            "800",
            "100",
            "10",
            "2026-11-30",
            "2026-11-30",
            "2027-12-31",
            "",
            "",
        ]],
    );
    // 县住建局: everything on time.
    write_ledger(
        &inputs.join("住建/住建局台账.xlsx"),
        "长子县住房和城乡建设局",
        "2026-10",
        "2026-11-03",
        &[[
            "Q1 老旧小区改造",
            "社会民生",
            "在建",
            "县住建局",
            "梁建民",
            "2000",
            "1500",
            "1500",
            "2026-04-01",
            "2026-04-01",
            "2026-09-30",
            "2026-09-30",
            "",
        ]],
    );
}

#[test]
fn ranking_from_current_ledgers_matches_hand_computed_rates() {
    let ws = Workspace::fresh();
    fixture(&ws);
    let output = ws.run(&["--month", "2026-11"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );

    let folder = ws.path("reports/2026-11");
    let csv = read_csv(&folder.join("考核排名_2026-11.csv"));
    let header = csv[0].clone();
    let cell = |unit: &str, column: &str| -> String {
        let c = header
            .iter()
            .position(|h| h == column)
            .unwrap_or_else(|| panic!("{column}"));
        csv.iter()
            .find(|r| r[1] == unit)
            .unwrap_or_else(|| panic!("{unit}"))[c]
            .clone()
    };
    let number = |unit: &str, column: &str| -> f64 { cell(unit, column).parse().unwrap() };
    let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-9, "{a} != {b}");

    // 丹朱镇 按时开工: in scope P1 (on time), P2 (due on D, open), P3 (2025 backlog) → 1/3;
    // P4 closed late in 2025 and P5 not due are out. 按时竣工: P1 late → 0/1.
    close(number("丹朱镇", "按时开工率"), 1.0 / 3.0);
    close(number("丹朱镇", "按时竣工率"), 0.0);
    // 前期: P2, P3, P5 due 2026-06-30 without approvals → 0/3.
    close(number("丹朱镇", "前期按时完成率"), 0.0);
    // 投资: (300 + 200) / ((500 + 600) × 11/12).
    close(
        number("丹朱镇", "投资完成率"),
        500.0 / (1100.0 * 11.0 / 12.0),
    );
    // No notices or tasks: not applicable.
    assert_eq!(cell("丹朱镇", "督办按时复函率"), "");
    assert_eq!(cell("丹朱镇", "调度任务落实得分"), "");
    // Five active projects, none visited in November.
    close(number("丹朱镇", "现场调研覆盖率"), 0.0);
    // Ledgers for January–October were due; only September's (filled 10-05) was on time.
    close(number("丹朱镇", "月报按时报送率"), 0.1);
    assert_eq!(cell("丹朱镇", "扣分"), "0");
    // (20·1/3 + 20·0.49587 + 5·0.1) · 100/75, the applicable weights being 75.
    let danzhu = (20.0 / 3.0 + 20.0 * 500.0 / (1100.0 * 11.0 / 12.0) + 0.5) * 100.0 / 75.0;
    close(number("丹朱镇", "按时开工得分"), 20.0 / 3.0 * 100.0 / 75.0);
    assert_eq!(
        cell("丹朱镇", "总分"),
        format!("{}", keyproj::scoring::round2(danzhu))
    );
    assert_eq!(cell("丹朱镇", "总分"), "22.78");
    assert_eq!(cell("丹朱镇", "组内排名"), "1");
    assert_eq!(cell("丹朱镇", "等次"), "较差");

    // 县住建局: everything on time; investment 1500/(1500·11/12) shown uncapped, scored as 1.
    close(number("县住建局", "按时开工率"), 1.0);
    close(number("县住建局", "按时竣工率"), 1.0);
    assert_eq!(cell("县住建局", "前期按时完成率"), "");
    close(number("县住建局", "投资完成率"), 12.0 / 11.0);
    close(number("县住建局", "投资完成得分"), 20.0 * 100.0 / 65.0);
    assert_eq!(cell("县住建局", "总分"), "77.69");
    assert_eq!(cell("县住建局", "等次"), "一般");
    assert_eq!(cell("县统计局", "总分"), "");
    assert_eq!(cell("县统计局", "组内排名"), "");
    assert_eq!(cell("县统计局", "等次"), "无考核事项");
    // One row per configured unit, 乡镇 first.
    assert_eq!(csv.len(), 1 + 21);
    assert_eq!(csv[1][2], "乡镇");
    assert_eq!(csv.last().unwrap()[2], "县直部门");

    let sheet = read_sheet(&folder.join("考核排名_2026-11.xlsx"), "考核排名");
    assert_eq!(sheet.len(), csv.len());
    for (xlsx_row, csv_row) in sheet.iter().zip(&csv) {
        assert_eq!(xlsx_row, csv_row);
    }
}

#[test]
fn as_of_before_a_completion_treats_it_as_not_happened() {
    let ws = Workspace::fresh();
    fixture(&ws);
    // As of 2026-11-04 the October ledger counts although it was filed on 11-10 (SPEC §1:
    // every submission counts whenever filed), but its completion of 11-05 has not happened.
    let output = ws.run(&["--as-of", "2026-11-04"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let csv = read_csv(&ws.path("reports/2026-11/考核排名_2026-11.csv"));
    let column = |name: &str| csv[0].iter().position(|h| h == name).unwrap();
    let danzhu = csv.iter().find(|r| r[1] == "丹朱镇").unwrap();
    // 按时开工: P1 on time, P3 (2025 backlog) open; P2 and P5 not due → 1/2.
    assert_eq!(danzhu[column("按时开工率")], "0.5");
    // 按时竣工: P1 due 10-31, its completion of 11-05 after D → 0/1.
    assert_eq!(danzhu[column("按时竣工率")], "0");
    // 前期: P2, P3, P5 due 06-30 without approvals → 0/3.
    assert_eq!(danzhu[column("前期按时完成率")], "0");
    // 投资: October's figures (300 + 200) against the plans (500 + 600) × 10/12.
    let invest: f64 = danzhu[column("投资完成率")].parse().unwrap();
    assert!(
        (invest - 500.0 / (1100.0 * 10.0 / 12.0)).abs() < 1e-9,
        "{invest}"
    );
}
