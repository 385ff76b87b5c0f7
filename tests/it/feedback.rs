//! 单位反馈: one workbook per configured unit, with its standing, lost points, warnings, items
//! finished this month and data quality.

use crate::{copy_sample, read_sheet, read_workbook, Workspace};

/// A unit in the config that submits nothing.
const SILENT_UNIT: &str = "县档案馆";

fn sample_with_a_silent_unit() -> Workspace {
    let ws = Workspace::fresh();
    copy_sample(&ws);
    let mut config = std::fs::read_to_string(ws.path("keyproj.toml")).unwrap();
    config.push_str(&format!(
        "\n[[units]]\nname = \"{SILENT_UNIT}\"\ngroup = \"县直部门\"\naliases = []\n"
    ));
    std::fs::write(ws.path("keyproj.toml"), config).unwrap();
    ws.run_expecting(&["--month", "2026-11"], 1);
    ws
}

#[test]
fn every_configured_unit_gets_a_feedback_workbook() {
    let ws = sample_with_a_silent_unit();
    let config = keyproj::config::Config::load(Some(&ws.path("keyproj.toml"))).unwrap();
    let manifest = ws.manifest("2026-11");
    let outputs: Vec<&str> = manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["path"].as_str())
        .collect();
    for unit in &config.units {
        let rel = format!("单位反馈/{}_2026-11.xlsx", unit.name);
        assert!(
            ws.path(&format!("reports/2026-11/{rel}")).is_file(),
            "{rel}"
        );
        assert!(outputs.contains(&rel.as_str()), "{rel} not in the manifest");
    }
    assert!(!ws.path("reports/2026-11/数据质量").exists());

    let book = read_workbook(&ws.path(&format!(
        "reports/2026-11/单位反馈/{SILENT_UNIT}_2026-11.xlsx"
    )));
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "本单位得分",
            "失分事项",
            "即将到期（预警）",
            "本月销号",
            "数据质量",
            "报送情况"
        ]
    );
    let standing = &book[0].1;
    assert!(
        standing
            .iter()
            .any(|r| r.iter().any(|c| c == "本月无考核事项，不参加排名。")),
        "{standing:?}"
    );
}

#[test]
fn the_sentence_is_made_of_the_rankings_numbers() {
    let ws = sample_with_a_silent_unit();
    let csv = std::fs::read_to_string(ws.path("reports/2026-11/考核排名_2026-11.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .trim_start_matches('\u{feff}')
        .lines()
        .map(|l| l.split(',').collect())
        .collect();
    let at = |name: &str| rows[0].iter().position(|h| *h == name).unwrap();
    let unit = "南漳镇";
    let row = rows.iter().find(|r| r[at("单位")] == unit).unwrap();
    let ranked = rows
        .iter()
        .filter(|r| r[at("分组")] == "乡镇" && !r[at("组内排名")].is_empty())
        .count();
    let change: i64 = row[at("排名变化")].parse().unwrap();
    let direction = match change {
        c if c > 0 => format!("，较上月上升 {c} 位"),
        c if c < 0 => format!("，较上月下降 {} 位", -c),
        _ => "，与上月持平".into(),
    };
    let expected_start = format!(
        "本月得分 {}，乡镇组第 {} 名（共 {ranked} 个）{direction}；失分主要在 ",
        row[at("总分")],
        row[at("组内排名")]
    );

    let standing = read_sheet(
        &ws.path(&format!("reports/2026-11/单位反馈/{unit}_2026-11.xlsx")),
        "本单位得分",
    );
    let summary = standing.iter().find(|r| r[0] == "小结").unwrap();
    assert!(
        summary[1].starts_with(&expected_start),
        "{} / {expected_start}",
        summary[1]
    );
    // The largest loss of the indicator lines leads the sentence, with the same figure.
    let header = standing.iter().position(|r| r[0] == "指标").unwrap();
    let lost = standing[header].iter().position(|h| h == "失分").unwrap();
    let (label, points) = standing[header + 1..]
        .iter()
        .filter_map(|r| Some((r[0].clone(), r.get(lost)?.parse::<f64>().ok()?)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap();
    assert!(
        summary[1].contains(&format!("{label}（-{points:.2}）")),
        "{} / {label} {points}",
        summary[1]
    );
    let average = standing[header].iter().position(|h| h == "组内平均得分");
    assert!(average.is_some(), "{:?}", standing[header]);
}

#[test]
fn lost_items_say_what_each_cost_and_add_up_to_the_points_lost() {
    let ws = sample_with_a_silent_unit();
    let book = ws.path("reports/2026-11/单位反馈/丹朱镇_2026-11.xlsx");
    let lost = read_sheet(&book, "失分事项");
    let header = lost.iter().position(|r| r[0] == "单位").unwrap();
    assert_eq!(lost[header][7], "失分（分）");
    let standing = read_sheet(&book, "本单位得分");
    let lines = standing.iter().position(|r| r[0] == "指标").unwrap();
    // Every late task costs 满分 ÷ tasks in scope; together they are the indicator's 失分.
    let task_costs: f64 = lost[header + 1..]
        .iter()
        .filter(|r| r[1] == "调度任务落实")
        .map(|r| r[7].parse::<f64>().unwrap())
        .sum();
    let task_line = standing[lines..]
        .iter()
        .find(|r| r[0] == "调度任务落实")
        .unwrap();
    assert!((task_costs - task_line[6].parse::<f64>().unwrap()).abs() < 1e-9);
    // The overdue notice carries its deduction, and an open item reads 未完成.
    let deduction = lost
        .iter()
        .find(|r| r[1] == "扣分：督办逾期未办结")
        .unwrap_or_else(|| panic!("{lost:?}"));
    assert!(
        deduction[2].starts_with("长重督〔2026〕30号"),
        "{deduction:?}"
    );
    assert_eq!(deduction[4], "未完成");
    assert_eq!(deduction[7], "2");
}
