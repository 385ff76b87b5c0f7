//! The month's reports read back: sheet names, headers and key values against the metrics of
//! the first-slice fixture (worked out by hand there), the manifest, and determinism.

use std::path::Path;

use crate::first_slice::{fixture, write_ledger};
use crate::{read_sheet, read_workbook, Workspace};

fn find_row<'a>(rows: &'a [Vec<String>], needle: &[(usize, &str)]) -> &'a Vec<String> {
    rows.iter()
        .find(|r| {
            needle
                .iter()
                .all(|(c, v)| r.get(*c).map(String::as_str) == Some(*v))
        })
        .unwrap_or_else(|| panic!("no row with {needle:?}"))
}

fn column(rows: &[Vec<String>], header_row: usize, name: &str) -> usize {
    rows[header_row]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn workspace() -> Workspace {
    let ws = Workspace::fresh();
    fixture(&ws);
    // 鲍店镇 sends one good row and one whose 总投资 is "待定" (Excel row 5).
    write_ledger(
        &ws.inputs().join("鲍店镇/台账（2026年10月）.xlsx"),
        "鲍店镇",
        "2026年10月",
        "2026-11-02",
        &[
            [
                "R1 污水处理厂",
                "基础设施",
                "在建",
                "鲍店镇",
                "高瑞峰",
                "900",
                "300",
                "280",
                "2026-02-01",
                "2026-02-01",
                "2027-06-30",
                "",
                "",
            ],
            [
                "R2 文体中心",
                "社会民生",
                "前期",
                "鲍店镇",
                "罗晓燕",
                "待定",
                "",
                "",
                "2026-12-01",
                "",
                "",
                "",
                "2026-10-31",
            ],
        ],
    );
    ws
}

#[test]
fn leadership_workbook_sheets_and_values() {
    let ws = workspace();
    let output = ws.run(&["--month", "2026-11"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let path = ws.path("reports/2026-11/重点项目月度考核_2026-11.xlsx");
    let book = read_workbook(&path);
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "概览",
            "年度趋势",
            "得分明细",
            "失分事项",
            "预警",
            "项目清单",
            "前期滞后",
            "开工滞后",
            "竣工滞后",
            "任务滞后",
            "督办事项",
            "调研覆盖",
            "项目库",
            "招商引资",
            "联席会议",
            "数据质量"
        ]
    );
    let sheet = |name: &str| book.iter().find(|(n, _)| n == name).unwrap().1.clone();

    // 预警: 丹朱镇's November ledger is due on 12-05, a Saturday: four working days after D.
    let warnings = sheet("预警");
    assert_eq!(
        warnings[2][..6],
        ["序号", "单位", "事项", "名称", "到期日期", "剩余工作日"]
    );
    let ledger = find_row(&warnings, &[(1, "丹朱镇"), (2, "月度项目台账")]);
    assert_eq!(ledger[3], "2026年11月");
    assert_eq!(ledger[4], "46361", "2026-12-05 as Excel stores it");
    assert_eq!(ledger[5], "4");
    let overview = sheet("概览");
    assert_eq!(
        find_row(&overview, &[(0, "未来5个工作日内到期事项（预警，项）")])[1],
        (warnings.len() - 3).to_string()
    );
    // The circular's paragraph ends with a 下阶段提醒 line naming the same items.
    let text = read_sheet(
        &ws.path("reports/2026-11/督查通报_2026-11.xlsx"),
        "通报文字",
    );
    let paragraph = &find_row(&text, &[(0, "丹朱镇")])[2];
    assert!(
        paragraph.ends_with(
            "\n下阶段提醒：未来5个工作日内有1项事项到期：月度项目台账：2026年11月（12月5日到期），请按期完成。"
        ),
        "{paragraph}"
    );
    assert_eq!(overview[0][0], "长子县重点项目月度考核（2026年11月）");
    assert!(overview[1][0].starts_with("数据截至 2026-11-30"));
    assert_eq!(find_row(&overview, &[(0, "重点项目（个）")])[1], "7");
    assert_eq!(find_row(&overview, &[(0, "丹朱镇")])[1], "2");
    assert_eq!(find_row(&overview, &[(0, "丹朱镇")])[2], "22.78");

    // Titles take rows 1–2; the header is row 3.
    let projects = sheet("项目清单");
    let (name, light, reasons) = (
        column(&projects, 2, "项目名称"),
        column(&projects, 2, "红黄绿灯"),
        column(&projects, 2, "亮灯原因"),
    );
    assert_eq!(projects.len(), 3 + 7);
    let p3 = find_row(&projects, &[(name, "P3 物流园")]);
    assert_eq!(p3[light], "红灯");
    assert!(
        p3[reasons].contains("计划开工日期2025-06-30，逾期未开工518天"),
        "{}",
        p3[reasons]
    );
    let q1 = find_row(&projects, &[(name, "Q1 老旧小区改造")]);
    assert_eq!(q1[light], "绿灯");

    let starts = sheet("开工滞后");
    assert_eq!(
        starts[2],
        [
            "序号",
            "牵头责任单位",
            "项目名称",
            "项目代码",
            "项目阶段",
            "包联领导",
            "计划开工日期",
            "实际开工日期",
            "状态",
            "逾期天数（日历日）"
        ]
    );
    let late: Vec<(&str, &str)> = starts[3..]
        .iter()
        .map(|r| (r[2].as_str(), r[9].as_str()))
        .collect();
    assert_eq!(late, [("P3 物流园", "518"), ("P2 学校扩建", "0")]);

    let detail = sheet("得分明细");
    let row = find_row(&detail, &[(0, "丹朱镇"), (2, "按时开工")]);
    assert_eq!(&row[3..6], ["1", "3", "0.3333333333333333"]);
    assert_eq!(row[9], "2");

    let quality = sheet("数据质量");
    let bao = find_row(&quality, &[(0, "鲍店镇")]);
    // Two rows and the blank row before the signature line.
    assert_eq!(&bao[1..5], ["1", "3", "1", "1"]);
}

#[test]
fn circular_and_data_quality_workbooks() {
    let ws = workspace();
    ws.run(&["--month", "2026-11"]);
    let folder = ws.path("reports/2026-11");
    let summary = read_sheet(&folder.join("督查通报_2026-11.xlsx"), "通报汇总");
    assert_eq!(summary[0][0], "长子县重点项目督查通报汇总（2026年11月）");
    assert_eq!(
        summary[2],
        [
            "单位",
            "分组",
            "前期工作滞后（项）",
            "计划开工滞后（项）",
            "计划竣工滞后（项）",
            "调度任务滞后（项）",
            "督办逾期未办结（项）",
            "合计（项）"
        ]
    );
    // 丹朱镇: 前期 P2, P3, P5; 开工 P2, P3; 竣工 P1 (done late).
    assert_eq!(
        find_row(&summary, &[(0, "丹朱镇")])[2..],
        ["3", "2", "1", "0", "0", "6"]
    );
    assert_eq!(find_row(&summary, &[(0, "合计")])[7], "6");
    let text = read_sheet(&folder.join("督查通报_2026-11.xlsx"), "通报文字");
    let danzhu = find_row(&text, &[(0, "丹朱镇")]);
    assert!(danzhu[2].starts_with("前期工作滞后3项："), "{}", danzhu[2]);
    assert!(
        danzhu[2].contains("计划竣工滞后1项：P1 道路工程（逾期完成，逾期5天）"),
        "{}",
        danzhu[2]
    );

    let quality = read_sheet(&folder.join("单位反馈/鲍店镇_2026-11.xlsx"), "数据质量");
    assert!(
        quality[2][0].contains("填报单位：鲍店镇　退回 1 处"),
        "{}",
        quality[2][0]
    );
    assert_eq!(
        quality[3],
        [
            "类别",
            "文件",
            "工作表",
            "行号",
            "列",
            "填写的值",
            "问题",
            "修改方法"
        ]
    );
    let rejected = find_row(&quality, &[(0, "退回")]);
    assert_eq!(
        &rejected[1..6],
        [
            "鲍店镇/台账（2026年10月）.xlsx",
            "Sheet1",
            "5",
            "总投资（万元）",
            "待定"
        ]
    );
    assert!(folder.join("单位反馈/丹朱镇_2026-11.xlsx").is_file());
    assert!(folder.join("单位反馈/县住建局_2026-11.xlsx").is_file());
}

#[test]
fn manifest_names_inputs_and_outputs_and_runs_are_reproducible() {
    let ws = workspace();
    ws.run(&["--month", "2026-11"]);
    let folder = ws.path("reports/2026-11");
    let read = |p: &Path| std::fs::read(p).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(&folder.join("manifest.json"))).unwrap();
    assert_eq!(manifest["as_of"], "2026-11-30");
    assert_eq!(manifest["inputs"].as_array().unwrap().len(), 5);
    let bao = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == "鲍店镇/台账（2026年10月）.xlsx")
        .unwrap();
    let bytes = read(&ws.inputs().join("鲍店镇/台账（2026年10月）.xlsx"));
    assert_eq!(bao["sha256"], keyproj::ingest::content_hash(&bytes));
    let sheet = &bao["sheets"][0];
    assert_eq!(
        (
            sheet["rows_read"].as_u64(),
            sheet["rows_accepted"].as_u64(),
            sheet["rows_rejected"].as_u64()
        ),
        (Some(3), Some(1), Some(1))
    );
    // Every input's 填报日期 is listed, including a ledger filed after D.
    assert_eq!(sheet["fill_date"], "2026-11-02");
    let december = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == "丹朱镇/台账（2026年12月）.xlsx")
        .unwrap();
    assert_eq!(december["sheets"][0]["fill_date"], "2027-01-03");
    assert!(manifest.get("not_yet_submitted").is_none());
    let outputs: Vec<&str> = manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["path"].as_str().unwrap())
        .collect();
    for name in [
        "考核排名_2026-11.csv",
        "考核排名_2026-11.xlsx",
        "重点项目月度考核_2026-11.xlsx",
        "督查通报_2026-11.xlsx",
        "单位反馈/鲍店镇_2026-11.xlsx",
    ] {
        assert!(outputs.contains(&name), "{name} missing from {outputs:?}");
        let hash = manifest["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["path"] == name)
            .unwrap()["sha256"]
            .clone();
        assert_eq!(
            hash,
            keyproj::ingest::content_hash(&read(&folder.join(name)))
        );
    }

    // The same inputs, config and date again: identical CSV and JSON bytes, identical cells.
    let before: Vec<(String, Vec<u8>)> = ["manifest.json", "考核排名_2026-11.csv"]
        .iter()
        .map(|n| (n.to_string(), read(&folder.join(n))))
        .collect();
    let books: Vec<_> = ["重点项目月度考核_2026-11.xlsx", "督查通报_2026-11.xlsx"]
        .iter()
        .map(|n| read_workbook(&folder.join(n)))
        .collect();
    ws.run(&["--month", "2026-11"]);
    for (name, bytes) in before {
        assert!(
            read(&folder.join(&name)) == bytes,
            "{name} changed between runs"
        );
    }
    let again: Vec<_> = ["重点项目月度考核_2026-11.xlsx", "督查通报_2026-11.xlsx"]
        .iter()
        .map(|n| read_workbook(&folder.join(n)))
        .collect();
    assert_eq!(books, again);
}
