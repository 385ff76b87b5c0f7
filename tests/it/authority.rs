//! Who may report what (SPEC §1): a unit in the shared folder cannot raise its own score or
//! lower another's.

use std::collections::BTreeMap;
use std::path::Path;

use keyproj::config::Config;
use keyproj::ingest::discover::InputFile;
use keyproj::ingest::stage::{ColumnValues, StagedSheet};
use keyproj::ingest::Ingest;

use crate::first_slice::write_ledger;
use crate::{copy_sample, manifest_sheet, read_csv, read_sheet, write_table, Workspace};

/// The staged rows of an office list in the sample, one map of field → shown value per row.
fn office_rows(inputs: &Path, rel: &str) -> Vec<BTreeMap<&'static str, String>> {
    let config = Config::embedded().unwrap();
    let outcome = Ingest::new(&config).load(&InputFile {
        path: inputs.join(rel),
        rel: rel.into(),
        size: 0,
        mtime: 0,
    });
    let sheet: &StagedSheet = outcome.sheets[0].staged.as_ref().unwrap();
    (0..sheet.excel_rows.len())
        .map(|i| {
            sheet
                .table
                .columns()
                .iter()
                .zip(&sheet.columns)
                .map(|(def, values)| {
                    let shown = match values {
                        ColumnValues::Text(v) => v[i].clone().unwrap_or_default(),
                        ColumnValues::Date(v) => v[i].map(|d| d.to_string()).unwrap_or_default(),
                        ColumnValues::Number(v) => v[i].map(|x| x.to_string()).unwrap_or_default(),
                        ColumnValues::Bool(v) => v[i].map(|b| b.to_string()).unwrap_or_default(),
                    };
                    (def.field, shown)
                })
                .collect()
        })
        .collect()
}

const FILED: &str = "填报单位：丹朱镇  报告期：2026年11月  填报日期：2026-11-29";

/// The three files a unit under pressure drops into its own folder: its notices closed on
/// their deadlines, its open tasks marked done, and a ledger in 鲍店镇's name.
fn plant(ws: &Workspace) -> (usize, usize) {
    let inputs = ws.inputs();
    let notices: Vec<_> = office_rows(&inputs, "县重点办/挂牌督办事项台账（截至2026年11月）.xlsx")
        .into_iter()
        .filter(|r| r["target_unit"] == "丹朱镇")
        .collect();
    let rows: Vec<Vec<&str>> = notices
        .iter()
        .map(|r| {
            vec![
                r["notice_no"].as_str(),
                r["project_name"].as_str(),
                r["matter"].as_str(),
                "丹朱镇",
                r["issued"].as_str(),
                r["deadline"].as_str(),
                // The reply as the office recorded it: a unit's own reply would stand (SPEC §1).
                r["replied"].as_str(),
                r["deadline"].as_str(),
            ]
        })
        .collect();
    write_table(
        &inputs.join("丹朱镇/督办事项（已办结）.xlsx"),
        FILED,
        &[
            "通知书编号",
            "项目名称",
            "督办事项",
            "督办对象",
            "下发日期",
            "办理时限",
            "复函日期",
            "办结日期",
        ],
        &rows,
    );
    let tasks: Vec<_> = office_rows(&inputs, "县重点办/调度任务台账（2026年11月）.xlsx")
        .into_iter()
        .filter(|r| r["unit"] == "丹朱镇" && r["done"].is_empty())
        .collect();
    let rows: Vec<Vec<&str>> = tasks
        .iter()
        .map(|r| {
            vec![
                r["task_no"].as_str(),
                r["assigned"].as_str(),
                r["content"].as_str(),
                "丹朱镇",
                r["deadline"].as_str(),
                r["deadline"].as_str(),
                "已全部落实",
            ]
        })
        .collect();
    write_table(
        &inputs.join("丹朱镇/调度任务落实情况.xlsx"),
        FILED,
        &[
            "任务编号",
            "交办日期",
            "任务内容",
            "责任单位",
            "完成时限",
            "完成日期",
            "落实情况",
        ],
        &rows,
    );
    write_ledger(
        &inputs.join("丹朱镇/鲍店镇台账（2026年10月）.xlsx"),
        "鲍店镇",
        "2026年10月",
        "2026-11-29",
        &[[
            "鲍店镇投资减半项目",
            "基础设施",
            "在建",
            "鲍店镇",
            "马国华",
            "1000",
            "9000",
            "1",
            "2026-03-01",
            "2026-03-01",
            "2027-06-30",
            "",
            "",
        ]],
    );
    (notices.len(), tasks.len())
}

fn ranking_line(ws: &Workspace, unit: &str) -> Vec<String> {
    read_csv(&ws.path("reports/2026-11/考核排名_2026-11.csv"))
        .into_iter()
        .find(|r| r[1] == unit)
        .unwrap()
}

#[test]
fn a_unit_cannot_raise_its_own_score_or_lower_another() {
    let alone = Workspace::fresh();
    copy_sample(&alone);
    assert_eq!(alone.run(&["--month", "2026-11"]).status.code(), Some(1));
    let planted = Workspace::fresh();
    copy_sample(&planted);
    let (notices, tasks) = plant(&planted);
    assert!(notices > 0 && tasks > 0, "{notices} notices, {tasks} tasks");
    planted.run_expecting(&["--month", "2026-11"], 1);
    for unit in ["丹朱镇", "鲍店镇"] {
        assert_eq!(
            ranking_line(&planted, unit),
            ranking_line(&alone, unit),
            "{unit}"
        );
    }

    // Every planted row is listed with its reason, in 丹朱镇's feedback and for the office.
    let feedback = read_sheet(
        &planted.path("reports/2026-11/单位反馈/丹朱镇_2026-11.xlsx"),
        "数据质量",
    );
    let listed = |rows: &[Vec<String>], file: &str, prefix: &str| {
        rows.iter()
            .filter(|r| r.iter().any(|c| c == file) && r.iter().any(|c| c.starts_with(prefix)))
            .count()
    };
    let notice_file = "丹朱镇/督办事项（已办结）.xlsx";
    let task_file = "丹朱镇/调度任务落实情况.xlsx";
    let ledger_file = "丹朱镇/鲍店镇台账（2026年10月）.xlsx";
    assert_eq!(listed(&feedback, notice_file, "待销号："), notices);
    assert_eq!(listed(&feedback, task_file, "待销号："), tasks);
    assert_eq!(listed(&feedback, ledger_file, "越权报送："), 1);
    let book = planted.path("reports/2026-11/重点项目月度考核_2026-11.xlsx");
    let office = read_sheet(&book, "数据质量");
    assert_eq!(listed(&office, notice_file, "待销号："), notices);
    assert_eq!(listed(&office, task_file, "待销号："), tasks);
    assert_eq!(listed(&office, ledger_file, "越权报送："), 1);

    // The claimed completions are shown beside the office's record, for it to confirm.
    let late_tasks = read_sheet(&book, "任务滞后");
    let claimed = late_tasks[2]
        .iter()
        .position(|h| h == "单位报完成日期（待销号）")
        .unwrap();
    assert!(late_tasks
        .iter()
        .any(|r| r[1] == "丹朱镇" && !r[claimed].is_empty()));
    let projects = read_sheet(&book, "项目清单");
    assert!(projects
        .iter()
        .flatten()
        .any(|c| c.contains("单位报已落实，待销号")));
}

#[test]
fn visits_investments_and_meetings_speak_for_their_own_unit() {
    let ws = Workspace::fresh();
    let header = ["调研日期", "调研人", "所在单位", "项目名称"];
    write_table(
        &ws.inputs().join("丹朱镇/现场调研.xlsx"),
        FILED,
        &header,
        &[
            vec!["2026-11-10", "张镇长", "丹朱镇", "甲"],
            // Crediting 鲍店镇's people, written or through its head (曹俊峰).
            vec!["2026-11-11", "李四", "鲍店镇", "甲"],
            vec!["2026-11-12", "曹俊峰", "", "甲"],
            // A county leader's visit may be reported by any unit.
            vec!["2026-11-13", "马国华", "", "甲"],
        ],
    );
    write_table(
        &ws.inputs().join("丹朱镇/招商引资.xlsx"),
        FILED,
        &[
            "项目名称",
            "招商单位",
            "阶段",
            "签约日期",
            "协议投资额",
            "移交日期",
        ],
        &[
            vec!["丹朱镇引进项目", "丹朱镇", "签约", "2026-10-08", "500", ""],
            vec![
                "县招商中心项目",
                "县招商中心",
                "签约",
                "2026-10-09",
                "900",
                "",
            ],
        ],
    );
    write_table(
        &ws.inputs().join("丹朱镇/联席会议.xlsx"),
        FILED,
        &["会议日期", "期次", "参会单位"],
        &[vec!["2026-11-20", "丹朱镇自办会议", "丹朱镇"]],
    );
    let output = ws.run(&["--month", "2026-11"]);
    assert_eq!(output.status.code(), Some(1));
    let feedback = read_sheet(
        &ws.path("reports/2026-11/单位反馈/丹朱镇_2026-11.xlsx"),
        "数据质量",
    );
    let refused = |file: &str| -> Vec<String> {
        feedback
            .iter()
            .filter(|r| r[1] == file && r[6].starts_with("越权报送："))
            .map(|r| r[3].clone())
            .collect()
    };
    assert_eq!(refused("丹朱镇/现场调研.xlsx"), ["4", "5"]);
    assert_eq!(refused("丹朱镇/招商引资.xlsx"), ["4"]);
    assert_eq!(refused("丹朱镇/联席会议.xlsx"), [""]);
    let book = ws.path("reports/2026-11/重点项目月度考核_2026-11.xlsx");
    let meetings = read_sheet(&book, "联席会议");
    assert!(!meetings
        .iter()
        .flatten()
        .any(|c| c.contains("丹朱镇自办会议")));
}

#[test]
fn with_unit_folders_required_a_file_at_the_root_is_refused() {
    let ws = Workspace::fresh();
    let config = std::fs::read_to_string(ws.path("keyproj.toml"))
        .unwrap()
        .replace(
            "unit_folders_required = false",
            "unit_folders_required = true",
        );
    std::fs::write(ws.path("keyproj.toml"), config).unwrap();
    let ledger = |rel: &str| {
        write_ledger(
            &ws.inputs().join(rel),
            "丹朱镇",
            "2026年10月",
            "2026-11-03",
            &[[
                "甲 道路工程",
                "基础设施",
                "在建",
                "丹朱镇",
                "马国华",
                "1000",
                "500",
                "100",
                "2026-03-01",
                "2026-03-01",
                "2027-06-30",
                "",
                "",
            ]],
        )
    };
    ledger("丹朱镇台账.xlsx");
    ledger("丹朱镇/丹朱镇台账.xlsx");
    assert_eq!(ws.run(&["--month", "2026-10"]).status.code(), Some(1));
    let manifest = ws.manifest("2026-10");
    let accepted = |path: &str| manifest_sheet(&manifest, path)["rows_accepted"].as_u64();
    assert_eq!(accepted("丹朱镇台账.xlsx"), Some(0));
    assert_eq!(accepted("丹朱镇/丹朱镇台账.xlsx"), Some(1));
}
