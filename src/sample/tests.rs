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
                        "项目名称" | "通知书编号" | "任务编号" | "调研日期" | "会议日期"
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
        && !is_second_wave(file)
}

/// The 招商引资 and 联席会议 snapshots.
fn is_second_wave(file: &str) -> bool {
    file.contains("/招商引资项目台账（") || file.contains("/联席会议记录（")
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
        "阶段",
        "招商单位",
        "会议日期",
        "参会单位",
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
    assert_eq!(config.joint_meeting_members.len(), 12);
    assert_eq!(config.joint_meeting_members[0], "第0001局");
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

/// A 招商引资 or 联席会议 snapshot read back: the title rows, the header row (the row starting
/// with 序号) with its exact texts, and the data rows up to the blank row.
struct Snapshot {
    range: Range<Data>,
    header_row: usize,
    headers: Vec<String>,
}

impl Snapshot {
    fn read(path: &Path) -> Snapshot {
        let (_, range) = first_sheet(path);
        let header_row = (0..range.height())
            .find(|&r| shown(range.get_value((r as u32, 0))) == "序号")
            .unwrap();
        let headers = (0..range.width())
            .map(|c| shown(range.get_value((header_row as u32, c as u32))))
            .collect();
        Snapshot {
            range,
            header_row,
            headers,
        }
    }

    fn text(&self, row: usize, column: usize) -> String {
        shown(self.range.get_value((row as u32, column as u32)))
    }

    /// Data rows (0-based) up to the first blank row.
    fn rows(&self) -> Vec<usize> {
        (self.header_row + 1..self.range.height())
            .take_while(|&r| (0..self.range.width()).any(|c| !self.text(r, c).is_empty()))
            .collect()
    }

    /// The cell of `row` under the header `name` as the planted record spells it.
    fn get(&self, row: usize, name: &str) -> String {
        let column = self.headers.iter().position(|h| h == name).unwrap();
        self.text(row, column)
    }

    /// Whether the cell of `row` under `name` is empty or a real Excel date.
    fn is_date_or_empty(&self, row: usize, name: &str) -> bool {
        let column = self.headers.iter().position(|h| h == name).unwrap();
        matches!(
            self.range.get_value((row as u32, column as u32)),
            None | Some(Data::Empty) | Some(Data::DateTime(_))
        )
    }

    /// The 填报日期 of the "填报日期：2026年11月3日" text above the header.
    fn filed(&self) -> NaiveDate {
        let line: String = (0..self.header_row)
            .flat_map(|r| (0..self.range.width()).map(move |c| (r, c)))
            .map(|(r, c)| self.text(r, c))
            .collect::<Vec<_>>()
            .join("    ");
        let date = line.split("填报日期：").nth(1).unwrap();
        let date = date.split_whitespace().next().unwrap();
        NaiveDate::parse_from_str(date, "%Y年%m月%d日").unwrap()
    }
}

fn ymd_text(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// 阶段 (values and aliases) in the order projects move through them.
fn investment_rank(stage: &str) -> usize {
    match stage {
        "前期" | "在谈" | "洽谈" => 0,
        "评估" | "论证" => 1,
        "签约" | "已签约" => 2,
        "落地" | "已落地" => 3,
        other => panic!("unexpected 阶段 {other}"),
    }
}

#[test]
fn county_sample_has_the_second_wave_tables() {
    let config = county_config();
    let scratch = Scratch::new("second-wave");
    let output = generate(&SampleParams::county_sample(), &config, &scratch.0).unwrap();
    let planted_at = |file: &str, row: usize| {
        output
            .planted
            .iter()
            .any(|p| p.file == file && p.row as usize == row + 1)
    };

    // 招商引资: the center, the zone and a few townships, one snapshot a month (November's
    // filed on `now`, as the month is reported before it ends).
    let investment_files: Vec<&String> = output
        .files
        .iter()
        .filter(|f| f.contains("/招商引资项目台账（"))
        .collect();
    let units: BTreeSet<&str> = investment_files
        .iter()
        .map(|f| f.split('/').next().unwrap())
        .collect();
    assert!(
        units.contains("县招商中心") && units.contains("开发区"),
        "{units:?}"
    );
    let towns = units
        .iter()
        .filter(|u| config.unit(u).unwrap().group == "乡镇")
        .count();
    assert!((1..=3).contains(&towns), "{units:?}");
    for month in 1..=11 {
        let file = format!("县招商中心/招商引资项目台账（2026年{month}月）.xlsx");
        assert!(output.files.contains(&file), "{file}");
    }
    let investment_headers = [
        "序号",
        "项目名称",
        "招商单位",
        "投资方",
        "阶段",
        "评估论证日期",
        "签约日期",
        "协议投资额（万元）",
        "移交日期",
        "承接单位",
        "开工日期",
        "评估维度",
    ];
    let date_columns = ["评估论证日期", "签约日期", "移交日期", "开工日期"];
    let mut aliases = BTreeSet::new();
    // (unit, project) → the 阶段 rank of each month, for projects read from unplanted rows.
    let mut ranks: BTreeMap<(String, String), Vec<(u32, usize)>> = BTreeMap::new();
    let (mut unevaluated, mut evaluated_late, mut holiday_handover, mut contradicted) =
        (false, false, false, false);
    let mut latest_projects = BTreeSet::new();
    let mut signed_years = BTreeSet::new();
    for file in &investment_files {
        let snapshot = Snapshot::read(&scratch.0.join(file));
        let unit = file.split('/').next().unwrap();
        assert_eq!(snapshot.headers, investment_headers, "{file}");
        assert_eq!(snapshot.header_row, 2, "{file}");
        assert_eq!(snapshot.text(0, 0), "长子县招商引资项目推进情况表");
        let month: u32 = file
            .split("2026年")
            .nth(1)
            .and_then(|rest| rest.split('月').next())
            .unwrap()
            .parse()
            .unwrap();
        let line = snapshot.text(1, 0);
        let formal = &config.unit(unit).unwrap().aliases;
        assert!(
            line.starts_with(&format!("填报单位：{unit}    "))
                || formal
                    .iter()
                    .any(|a| line.starts_with(&format!("填报单位：{a}    "))),
            "{line}"
        );
        assert!(line.contains(&format!("    报告期：2026年{month}月    填报日期：")));
        let filed = snapshot.filed();
        assert!(filed <= days::ymd(2026, 11, 28), "{file}");
        let rows = snapshot.rows();
        let after = rows.last().unwrap() + 2;
        assert!(snapshot.text(after, 0).starts_with("填报人："), "{file}");
        for &row in &rows {
            let name = snapshot.get(row, "项目名称");
            assert!(
                name.starts_with("长子县") && name.contains("项目"),
                "{name}"
            );
            for column in date_columns {
                assert!(snapshot.is_date_or_empty(row, column), "{file} {column}");
                if let Some(date) = ymd_text(&snapshot.get(row, column)) {
                    assert!(date <= filed, "{file} row {} {column}", row + 1);
                }
            }
            if planted_at(file, row) {
                continue;
            }
            assert_eq!(snapshot.get(row, "招商单位"), unit);
            let stage = snapshot.get(row, "阶段");
            if !["前期", "评估", "签约", "落地"].contains(&stage.as_str()) {
                aliases.insert(stage.clone());
            }
            let rank = investment_rank(&stage);
            ranks
                .entry((unit.to_string(), name.clone()))
                .or_default()
                .push((month, rank));
            let evaluated = ymd_text(&snapshot.get(row, "评估论证日期"));
            let signed = ymd_text(&snapshot.get(row, "签约日期"));
            let handed_over = ymd_text(&snapshot.get(row, "移交日期"));
            let started = ymd_text(&snapshot.get(row, "开工日期"));
            // The stage agrees with the dates, except where a start is left at 签约.
            assert_eq!(signed.is_some(), rank >= 2, "{file} row {}", row + 1);
            if rank == 1 {
                assert!(evaluated.is_some());
            }
            if rank == 3 {
                assert!(started.is_some());
            }
            if signed.is_some() {
                assert!(!snapshot.get(row, "协议投资额（万元）").is_empty());
                assert!(config.unit(&snapshot.get(row, "承接单位")).is_some());
            }
            unevaluated |= signed.is_some() && evaluated.is_none();
            evaluated_late |= matches!((evaluated, signed), (Some(e), Some(s)) if e > s);
            holiday_handover |=
                signed == ymd_text("2026-09-28") && handed_over == ymd_text("2026-10-15");
            contradicted |= rank == 2 && started.is_some_and(|s| s <= filed);
            if month == 11 {
                latest_projects.insert(name.clone());
                signed_years.extend(signed.map(|s| s.year()));
            }
        }
    }
    assert!(unevaluated, "a project signed without evaluation");
    assert!(evaluated_late, "a project evaluated after signing");
    assert!(
        holiday_handover,
        "signed 09-28, handed over after the holiday"
    );
    assert!(contradicted, "a 签约 row whose 开工日期 says it has landed");
    assert!(!aliases.is_empty(), "stage aliases");
    assert!(
        (25..=35).contains(&latest_projects.len()),
        "{latest_projects:?}"
    );
    assert_eq!(signed_years, BTreeSet::from([2025, 2026]));
    for ((unit, name), months) in &mut ranks {
        months.sort_unstable();
        assert!(
            months.windows(2).all(|w| w[0].1 <= w[1].1),
            "{unit} {name} goes back: {months:?}"
        );
    }

    // 联席会议: the office's snapshots, the latest listing the year's meetings.
    for month in 1..=11 {
        let file = format!("县重点办/联席会议记录（截至2026年{month}月）.xlsx");
        assert!(output.files.contains(&file), "{file}");
    }
    let latest = Snapshot::read(
        &scratch
            .0
            .join("县重点办/联席会议记录（截至2026年11月）.xlsx"),
    );
    assert_eq!(
        latest.headers,
        [
            "序号",
            "会议日期",
            "期次",
            "召集人",
            "议题",
            "参会单位",
            "纪要印发日期"
        ]
    );
    assert_eq!(latest.text(0, 0), "长子县重点项目联席会议记录");
    assert_eq!(latest.text(1, 0), "填报单位：县重点项目办公室");
    let all_rows = latest.rows();
    // Last December's meeting, minutes never issued (backlog), comes first.
    let backlog = all_rows[0];
    assert_eq!(latest.get(backlog, "期次"), "2025年第12次联席会议");
    assert_eq!(
        ymd_text(&latest.get(backlog, "会议日期")).map(|d| d.year()),
        Some(2025)
    );
    assert!(latest.get(backlog, "纪要印发日期").is_empty());
    // A special session on the day of a regular meeting: two meetings, one date.
    let special: Vec<usize> = all_rows
        .iter()
        .copied()
        .filter(|&r| latest.get(r, "期次").contains("专题"))
        .collect();
    assert_eq!(special.len(), 1);
    let special_date = latest.get(special[0], "会议日期");
    assert!(all_rows
        .iter()
        .any(|&r| r != special[0] && latest.get(r, "会议日期") == special_date));
    let rows: Vec<usize> = all_rows
        .iter()
        .copied()
        .filter(|&r| r != backlog && !special.contains(&r))
        .collect();
    let mut dates = BTreeSet::new();
    for (n, &row) in rows.iter().enumerate() {
        assert!(latest.is_date_or_empty(row, "会议日期"));
        assert!(latest.is_date_or_empty(row, "纪要印发日期"));
        let date = ymd_text(&latest.get(row, "会议日期")).unwrap();
        assert!(
            (20..=26).contains(&date.day()) && days::is_workday(date),
            "{date}"
        );
        assert_eq!(
            latest.get(row, "期次"),
            format!("2026年第{}次联席会议", n + 1)
        );
        let convener = latest.get(row, "召集人");
        assert!(
            config.leaders.iter().any(|l| l.name == convener),
            "{convener}"
        );
        assert!(latest.get(row, "议题").starts_with("1.通报"));
        if let Some(minutes) = ymd_text(&latest.get(row, "纪要印发日期")) {
            assert!(minutes > date);
        }
        dates.insert(date);
    }
    let months: BTreeSet<u32> = dates.iter().map(|d| d.month()).collect();
    let without: Vec<u32> = (1..=10).filter(|m| !months.contains(m)).collect();
    assert_eq!(without, [7], "one month (July) without a meeting");
    let unissued = rows
        .iter()
        .filter(|&&r| latest.get(r, "纪要印发日期").is_empty())
        .count();
    assert_eq!(unissued, 1, "one meeting's minutes never issued");
    // Attendance: of the twelve member units, exactly one never came; most came to most.
    let members: Vec<&str> = config
        .joint_meeting_members
        .iter()
        .map(String::as_str)
        .collect();
    let first_twelve: Vec<&str> = config.units[..12].iter().map(|u| u.name.as_str()).collect();
    assert_eq!(members, first_twelve);
    let attended: Vec<usize> = members
        .iter()
        .map(|m| {
            rows.iter()
                .filter(|&&r| latest.get(r, "参会单位").split('、').any(|u| u == *m))
                .count()
        })
        .collect();
    assert_eq!(
        attended.iter().filter(|&&n| n == 0).count(),
        1,
        "{attended:?}"
    );
    assert!(
        attended.iter().filter(|&&n| n * 2 > rows.len()).count() >= 10,
        "{attended:?}"
    );
    for &row in &rows {
        for unit in latest.get(row, "参会单位").split('、') {
            assert!(config.unit(unit).is_some(), "{unit}");
        }
    }
    // The dispatch tasks of source 联席会议 were assigned at these meetings.
    let (_, tasks) = Table::read(&scratch.0.join("县重点办/调度任务台账（2026年11月）.xlsx"));
    let column = |name: &str| tasks.column(name).unwrap();
    let mut joint_tasks = 0;
    for row in tasks.data_rows() {
        if shown(tasks.get(row, column("来源"))) == "联席会议" {
            joint_tasks += 1;
            let assigned = ymd_text(&shown(tasks.get(row, column("交办日期")))).unwrap();
            assert!(dates.contains(&assigned), "task assigned {assigned}");
        }
    }
    assert!(joint_tasks > 0);

    // The planted problems of the new tables (read back at their cells by
    // county_sample_has_the_promised_shape).
    let planted = |column: &str, kind: PlantedKind| {
        output
            .planted
            .iter()
            .filter(|p| p.column == column && p.kind == kind)
            .collect::<Vec<_>>()
    };
    let phase = planted("阶段", PlantedKind::Rejection);
    assert!(!phase.is_empty() && phase.iter().all(|p| p.value == "洽谈中"));
    let unit = planted("招商单位", PlantedKind::Rejection);
    assert!(!unit.is_empty() && unit.iter().all(|p| p.value.is_empty()));
    for p in phase.iter().chain(&unit) {
        assert!(p.file.contains("/招商引资项目台账（") && p.sheet == "招商引资");
        assert!(!p.file.contains("11月"), "planted in a superseded snapshot");
    }
    let date = planted("会议日期", PlantedKind::Rejection);
    assert!(!date.is_empty() && date.iter().all(|p| p.value.is_empty()));
    let guest = planted("参会单位", PlantedKind::Warning);
    assert!(!guest.is_empty() && guest.iter().all(|p| p.value.contains("县文旅局")));
    for p in date.iter().chain(&guest) {
        assert!(p.file.starts_with("县重点办/联席会议记录（") && p.sheet == "联席会议");
        assert!(!p.file.contains("11月"), "planted in a superseded snapshot");
    }
    let second_wave = output
        .planted
        .iter()
        .filter(|p| is_second_wave(&p.file))
        .count();
    assert_eq!(second_wave, 4, "one of each kind in the county sample");
}
