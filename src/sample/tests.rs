//! Generator tests: determinism, the committed sample's shape, planted cells read back with
//! calamine, and synthetic units.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, DataType, Range, Reader, Xlsx};

use super::*;
use crate::text::fold;

/// A fresh folder under the system temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let path =
            std::env::temp_dir().join(format!("keyproj-sample-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        Scratch(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn county_config() -> Config {
    Config::embedded().unwrap()
}

fn small_params() -> SampleParams {
    SampleParams {
        seed: 7,
        months: 3,
        now: days::ymd(2026, 4, 20),
        projects: 30,
        notices: 6,
        tasks: 20,
        visits: 80,
        error_rate: 0.05,
        ..SampleParams::county_sample()
    }
}

/// The first sheet of a workbook: its name and cells.
fn first_sheet(path: &Path) -> (String, Range<Data>) {
    let mut workbook: Xlsx<_> = open_workbook(path).unwrap();
    let name = workbook.sheet_names()[0].clone();
    let range = workbook.worksheet_range(&name).unwrap();
    (name, range)
}

/// A cell as the planted record spells it.
fn shown(cell: Option<&Data>) -> String {
    match cell {
        None | Some(Data::Empty) => String::new(),
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(x)) => format!("{x}"),
        Some(Data::Int(x)) => x.to_string(),
        Some(date @ Data::DateTime(_)) => date.as_date().unwrap().format("%Y-%m-%d").to_string(),
        Some(other) => format!("{other:?}"),
    }
}

/// A header cell reduced to its canonical name, for the spellings the generator writes.
fn canonical(header: &str) -> String {
    let mut name: String = fold(header).replace('*', "");
    if name.ends_with(')') {
        if let Some(open) = name.rfind('(') {
            name.truncate(open);
        }
    }
    const ALIASES: [(&str, &str); 20] = [
        ("项目全称", "项目名称"),
        ("统一项目代码", "项目代码"),
        ("板块", "所属板块"),
        ("项目状态", "项目阶段"),
        ("责任单位", "牵头责任单位"),
        ("县级领导", "包联领导"),
        ("所在乡镇", "属地乡镇"),
        ("建设单位", "投资主体"),
        ("建设内容及规模", "建设内容"),
        ("计划总投资", "总投资"),
        ("本年计划投资", "年度计划投资"),
        ("本年累计完成投资", "本年完成投资"),
        ("计划开工时间", "计划开工日期"),
        ("开工日期", "实际开工日期"),
        ("计划竣工时间", "计划竣工日期"),
        ("竣工日期", "实际竣工日期"),
        ("前期计划完成时间", "前期工作计划完成日期"),
        ("可研完成日期", "可研批复日期"),
        ("评审论证日期", "专家评审日期"),
        ("审批(核准/备案)日期", "立项赋码日期"),
    ];
    if name.starts_with("1-") && name.ends_with("月完成投资") {
        return "本年完成投资".to_string();
    }
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name, |(_, canonical)| canonical.to_string())
}

/// A table read back: header row index and canonical column names by position.
struct Table {
    range: Range<Data>,
    header_row: usize,
    columns: Vec<String>,
}

impl Table {
    fn read(path: &Path) -> (String, Table) {
        let (sheet, range) = first_sheet(path);
        let header_row = (0..range.height())
            .find(|&r| {
                (0..range.width()).any(|c| {
                    let text = shown(range.get_value((r as u32, c as u32)));
                    matches!(
                        canonical(&text).as_str(),
                        "项目名称" | "通知书编号" | "任务编号" | "调研日期"
                    ) && !text.contains('：')
                })
            })
            .unwrap();
        let columns = (0..range.width())
            .map(|c| canonical(&shown(range.get_value((header_row as u32, c as u32)))))
            .collect();
        (
            sheet,
            Table {
                range,
                header_row,
                columns,
            },
        )
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// Data rows (0-based indexes) up to the first blank row.
    fn data_rows(&self) -> impl Iterator<Item = usize> + '_ {
        (self.header_row + 1..self.range.height()).take_while(|&r| {
            (0..self.range.width())
                .any(|c| !shown(self.range.get_value((r as u32, c as u32))).is_empty())
        })
    }

    fn get(&self, row: usize, column: usize) -> Option<&Data> {
        self.range.get_value((row as u32, column as u32))
    }
}

fn is_ledger(file: &str) -> bool {
    ["台账（", "进展情况表", "月报"]
        .iter()
        .any(|w| file.contains(w))
        && !file.starts_with("县重点办/")
}

#[test]
fn same_parameters_give_identical_bytes() {
    let config = county_config();
    let (a, b) = (Scratch::new("same-a"), Scratch::new("same-b"));
    let first = generate(&small_params(), &config, &a.0).unwrap();
    let second = generate(&small_params(), &config, &b.0).unwrap();
    assert_eq!(first.files, second.files);
    assert_eq!(first.planted, second.planted);
    assert!(first.files.len() > 20, "{:?}", first.files);
    for file in &first.files {
        let left = std::fs::read(a.0.join(file)).unwrap();
        let right = std::fs::read(b.0.join(file)).unwrap();
        assert!(left == right, "{file} differs between runs");
    }
    assert!(!first.planted.is_empty());
}

#[test]
fn county_sample_has_the_promised_shape() {
    let config = county_config();
    let scratch = Scratch::new("county");
    let params = SampleParams::county_sample();
    let output = generate(&params, &config, &scratch.0).unwrap();
    assert_eq!(output.config, config);
    let mut sorted = output.files.clone();
    sorted.sort();
    assert_eq!(sorted, output.files);

    // Ledgers: every unit but 县统计局 has them; none for November (filed after `now`).
    let ledgers: Vec<&String> = output.files.iter().filter(|f| is_ledger(f)).collect();
    for unit in &config.units {
        let has = ledgers
            .iter()
            .any(|f| f.starts_with(&format!("{}/", unit.name)));
        assert_eq!(has, unit.name != "县统计局", "{}", unit.name);
    }
    assert!(!output.files.iter().any(|f| f.starts_with("县统计局/")));
    assert!(
        ledgers.iter().all(|f| !f.contains("11月")),
        "no November ledger"
    );

    // Each unit's latest ledger read back: names, boards, stages and the unit's styles.
    let month_of = |file: &str| {
        (1..=12)
            .rev()
            .find(|m| file.contains(&format!("年{m}月")))
            .unwrap()
    };
    let mut latest: BTreeMap<&str, &String> = BTreeMap::new();
    for file in &ledgers {
        let unit = file.split('/').next().unwrap();
        let newer = latest
            .get(unit)
            .is_none_or(|f| month_of(f) < month_of(file));
        if newer {
            latest.insert(unit, file);
        }
    }
    let mut names = BTreeSet::new();
    let mut boards = BTreeSet::new();
    let mut last_stages = BTreeSet::new();
    let (mut yi, mut excel_dates, mut text_dates, mut title_line, mut header_first) =
        (false, false, false, false, false);
    for file in latest.values() {
        let (_, table) = Table::read(&scratch.0.join(file));
        let header_text: String = (0..table.range.width())
            .map(|c| shown(table.get(table.header_row, c)))
            .collect();
        yi |= header_text.contains("亿元");
        title_line |= shown(table.range.get_value((1, 0))).starts_with("填报单位：");
        header_first |= table.header_row == 0 && table.column("填报单位") == Some(0);
        let column = |name: &str| table.column(name).unwrap();
        for row in table.data_rows() {
            names.insert(shown(table.get(row, column("项目名称"))));
            boards.insert(shown(table.get(row, column("所属板块"))));
            last_stages.insert(match shown(table.get(row, column("项目阶段"))).as_str() {
                "续建" | "新建" | "已开工" => "在建".to_string(),
                "已竣工" => "竣工".to_string(),
                "储备库" => "储备".to_string(),
                other => other.to_string(),
            });
            match table.get(row, column("计划竣工日期")) {
                Some(Data::DateTime(_)) => excel_dates = true,
                Some(Data::String(s)) if s.starts_with("20") && !s.ends_with('月') => {
                    text_dates = true
                }
                _ => {}
            }
        }
    }
    names.remove("");
    assert!(
        (140..=150).contains(&names.len()),
        "{} projects",
        names.len()
    );
    let expected_boards: BTreeSet<String> = ["产业转型", "基础设施", "社会民生", "科技创新"]
        .map(String::from)
        .into();
    assert!(expected_boards.is_subset(&boards), "{boards:?}");
    for stage in ["谋划", "储备", "前期", "在建", "竣工"] {
        assert!(
            last_stages.contains(stage),
            "{stage} missing from {last_stages:?}"
        );
    }
    assert!(yi && excel_dates && text_dates && title_line && header_first);

    // Planted problems: enough, spread out, and each where the record says.
    let planted = &output.planted;
    assert!(planted.len() >= 6, "{planted:?}");
    let units: BTreeSet<&str> = planted
        .iter()
        .filter_map(|p| p.file.split('/').next())
        .collect();
    assert!(units.len() >= 3, "{units:?}");
    let tables: BTreeSet<bool> = planted.iter().map(|p| is_ledger(&p.file)).collect();
    assert_eq!(tables.len(), 2, "planted in ledgers and office tables");
    assert!(planted
        .iter()
        .any(|p| p.kind == PlantedKind::Rejection && !p.value.is_empty()));
    assert!(planted.iter().any(|p| p.kind == PlantedKind::Warning));
    // Every kind of planted problem appears (the 总投资 ones told apart by value).
    let kinds: BTreeSet<String> = planted
        .iter()
        .map(|p| match p.column.as_str() {
            "总投资" => format!("总投资={}", p.value),
            "项目代码" => format!("项目代码 of {} chars", p.value.len()),
            other => other.to_string(),
        })
        .collect();
    let expected: BTreeSet<String> = [
        "项目名称",
        "总投资=待定",
        "总投资=0",
        "计划开工日期",
        "项目阶段",
        "牵头责任单位",
        "实际开工日期",
        "年度计划投资",
        "项目代码 of 23 chars",
        "实际竣工日期",
        "计划竣工日期",
        "办理时限",
        "任务内容",
    ]
    .map(String::from)
    .into();
    assert_eq!(kinds, expected);
    for problem in planted {
        let (sheet, table) = Table::read(&scratch.0.join(&problem.file));
        assert_eq!(sheet, problem.sheet);
        let column = table.column(&problem.column).unwrap();
        let found = shown(table.get(problem.row as usize - 1, column));
        assert_eq!(found, problem.value, "{problem:?}");
    }

    // The pinned notices in the last snapshot: last year's still open, the festival reply.
    let notices = output
        .files
        .iter()
        .filter(|f| f.contains("挂牌督办事项台账"))
        .max_by_key(|f| (f.len(), f.to_string()))
        .unwrap();
    assert!(notices.contains("截至2026年11月"), "{notices}");
    let (_, table) = Table::read(&scratch.0.join(notices));
    let column = |name: &str| table.column(name).unwrap();
    let rows: Vec<usize> = table.data_rows().collect();
    let cell = |row: usize, name: &str| shown(table.get(row, column(name)));
    assert!(rows
        .iter()
        .any(|&r| cell(r, "通知书编号").contains("〔2025〕") && cell(r, "办结日期").is_empty()));
    assert!(rows
        .iter()
        .any(|&r| cell(r, "下发日期") == "2026-02-12" && cell(r, "复函日期") == "2026-02-24"));

    // The leaders' visits: about half of those asked for, with some rows entered twice.
    let mut visits = 0;
    let mut duplicated = false;
    for file in output
        .files
        .iter()
        .filter(|f| f.contains("县领导现场调研记录"))
    {
        let (_, table) = Table::read(&scratch.0.join(file));
        let mut seen = BTreeSet::new();
        for row in table.data_rows() {
            visits += 1;
            let key: Vec<String> = ["调研日期", "调研人", "项目名称"]
                .iter()
                .map(|c| shown(table.get(row, table.column(c).unwrap())))
                .collect();
            duplicated |= !seen.insert(key);
        }
    }
    assert!((500..=1000).contains(&visits), "{visits} leader visits");
    assert!(duplicated);
}

#[test]
fn synthetic_units_come_with_their_config() {
    let base = county_config();
    let scratch = Scratch::new("synthetic");
    let params = SampleParams {
        seed: 11,
        months: 3,
        now: days::ymd(2026, 4, 10),
        units: Some(30),
        projects: 300,
        notices: 10,
        tasks: 40,
        visits: 600,
        error_rate: 0.0,
        ..SampleParams::county_sample()
    };
    let output = generate(&params, &base, &scratch.0).unwrap();
    let config = &output.config;
    assert_eq!(config.units.len(), 30);
    assert_eq!(
        config.units.iter().filter(|u| u.group == "乡镇").count(),
        10
    );
    assert!(config.units.iter().all(|u| u.head.is_some()));
    assert_eq!(config.units[0].name, "第0001局");
    assert_eq!(config.scoring, base.scoring);
    // The config is valid as a user would load it.
    let reparsed = Config::parse(&config.to_commented_toml(), "synthetic").unwrap();
    assert_eq!(&reparsed, config);
    // Every folder is a configured unit (by name or alias), and every unit has a folder.
    let resolve = |folder: &str| {
        config
            .units
            .iter()
            .find(|u| u.name == folder || u.aliases.iter().any(|a| a == folder))
            .map(|u| u.name.clone())
    };
    let folders: BTreeSet<&str> = output
        .files
        .iter()
        .filter_map(|f| f.split('/').next())
        .collect();
    let resolved: BTreeSet<String> = folders.iter().map(|f| resolve(f).unwrap()).collect();
    let names: BTreeSet<String> = config.units.iter().map(|u| u.name.clone()).collect();
    assert_eq!(resolved, names);
    assert!(output.planted.is_empty());
    // Three months of ledgers, the March ones filed in April before `now` or left out.
    assert!(output
        .files
        .iter()
        .any(|f| is_ledger(f) && f.contains("2026年1月")));
}
