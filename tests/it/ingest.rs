//! Ingestion of real-world workbooks: every header and cell variant of SPEC §1, exact rejection
//! rows, the row accounting, and `keyproj check`.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use keyproj::config::Config;
use keyproj::ingest::discover::InputFile;
use keyproj::ingest::header::AliasTable;
use keyproj::ingest::problem::Severity;
use keyproj::ingest::schema::Table;
use keyproj::ingest::stage::{ColumnValues, SheetOutcome};
use keyproj::ingest::{FileOutcome, Ingest};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};

use crate::keyproj;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn load(path: &Path, root: &Path) -> FileOutcome {
    let config = Config::embedded().unwrap();
    let rel = path
        .strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    let input = InputFile {
        path: path.to_path_buf(),
        rel,
        size: 0,
        mtime: 0,
    };
    Ingest::new(&config).load(&input)
}

fn sheet<'a>(outcome: &'a FileOutcome, name: &str) -> &'a SheetOutcome {
    outcome
        .sheets
        .iter()
        .find(|s| s.sheet == name)
        .unwrap_or_else(|| panic!("no sheet {name}"))
}

fn texts(outcome: &SheetOutcome, field: &str) -> Vec<Option<String>> {
    let staged = outcome.staged.as_ref().unwrap();
    let index = staged
        .table
        .columns()
        .iter()
        .position(|c| c.field == field)
        .unwrap();
    match &staged.columns[index] {
        ColumnValues::Text(v) => v.clone(),
        other => panic!("{field} is {other:?}"),
    }
}

fn numbers(outcome: &SheetOutcome, field: &str) -> Vec<Option<f64>> {
    let staged = outcome.staged.as_ref().unwrap();
    let index = staged
        .table
        .columns()
        .iter()
        .position(|c| c.field == field)
        .unwrap();
    match &staged.columns[index] {
        ColumnValues::Number(v) => v.clone(),
        other => panic!("{field} is {other:?}"),
    }
}

fn dates(outcome: &SheetOutcome, field: &str) -> Vec<Option<NaiveDate>> {
    let staged = outcome.staged.as_ref().unwrap();
    let index = staged
        .table
        .columns()
        .iter()
        .position(|c| c.field == field)
        .unwrap();
    match &staged.columns[index] {
        ColumnValues::Date(v) => v.clone(),
        other => panic!("{field} is {other:?}"),
    }
}

fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, day)
}

/// (row, column, severity) of every problem with a row, sorted.
fn row_problems(outcome: &SheetOutcome) -> Vec<(u32, String, Severity)> {
    let mut v: Vec<_> = outcome
        .problems
        .iter()
        .filter_map(|p| p.row.map(|r| (r, p.column.clone(), p.severity)))
        .collect();
    v.sort();
    v
}

fn write_row(sheet: &mut Worksheet, row: u32, cells: &[&str]) {
    for (c, value) in cells.iter().enumerate() {
        if !value.is_empty() {
            sheet.write_string(row, c as u16, *value).unwrap();
        }
    }
}

/// A 项目台账 sheet the way a township writes it: merged title, meta line, two-row header with a
/// group cell, a hidden column and a hidden row (still data), a blank row inside the data, a
/// total row, and notes below.
fn township_ledger(workbook: &mut Workbook) {
    let sheet = workbook.add_worksheet();
    sheet.set_name("3月").unwrap();
    let center = Format::new().set_align(FormatAlign::Center);
    let date = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    sheet
        .merge_range(0, 0, 0, 12, "长子县重点项目建设进展情况表", &center)
        .unwrap();
    write_row(
        sheet,
        1,
        &[
            "填报单位：鲍店镇人民政府（盖章）",
            "",
            "",
            "",
            "",
            "报告期：2026年3月",
            "",
            "",
            "填报日期：2026年4月3日",
        ],
    );
    write_row(
        sheet,
        2,
        &[
            "序号",
            "项目全称",
            "板块",
            "项目状态",
            "责任单位",
            "县级领导",
            "总投资\n（亿元）",
            "",
            "本年计划投资（万元)",
            "1-3月完成投资",
            "计划开工时间",
            "开工日期",
            "计划竣工时间",
        ],
    );
    write_row(
        sheet,
        3,
        &[
            "",
            "",
            "",
            "",
            "",
            "",
            "合计",
            "其中财政",
            "",
            "",
            "",
            "",
            "",
        ],
    );
    sheet
        .merge_range(2, 6, 2, 7, "总投资\n（亿元）", &center)
        .unwrap();
    // Row 5: everything valid; dates as a CJK-formatted Excel date and as text.
    write_row(
        sheet,
        4,
        &[
            "1",
            "鲍店镇  物流园（一期）",
            "产业转型类",
            "续建",
            "鲍店镇",
            "马国华",
            "1.25",
            "0.2",
            "3,000",
            "约500",
            "",
            "2026/2/20",
            "2027-06-30",
        ],
    );
    let planned = ExcelDateTime::from_ymd(2026, 3, 1).unwrap();
    sheet
        .write_datetime_with_format(4, 10, &planned, &date)
        .unwrap();
    // Row 6: hidden, still data; month-only planned start (warning), full-width digits.
    write_row(
        sheet,
        5,
        &[
            "2",
            "鲍店镇污水处理厂",
            "基础设施",
            "新建",
            "鲍店镇人民政府",
            "高瑞峰",
            "０.８",
            "",
            "2000",
            "100",
            "2026年3月",
            "2026.3.15",
            "2026-12-31",
        ],
    );
    sheet.set_row_hidden(5).unwrap();
    // Row 7: blank inside the data.
    // Row 8: rejected: unknown stage, and 总投资 "待定".
    write_row(
        sheet,
        7,
        &[
            "3",
            "鲍店镇文体中心",
            "社会民生",
            "筹建中",
            "鲍店镇",
            "罗晓燕",
            "待定",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    );
    // Row 9: rejected: 在建 without 计划开工 (required for 在建); optional yes/no absent is fine.
    write_row(
        sheet,
        8,
        &[
            "4",
            "鲍店镇智慧农业示范园",
            "科技创新",
            "在建",
            "鲍店镇",
            "宋志远",
            "0.3",
            "",
            "800",
            "200",
            "",
            "2026-01-10",
            "2026-12-31",
        ],
    );
    // Row 10: total row, skipped.
    write_row(
        sheet,
        9,
        &[
            "合计", "", "", "", "", "", "2.35", "", "5800", "800", "", "", "",
        ],
    );
    write_row(
        sheet,
        11,
        &["填表说明：1. 投资单位为万元；2. 日期格式为2026-03-15。"],
    );
    write_row(sheet, 12, &["填报人：李四    联系电话：0355-8123456"]);
    sheet.set_column_hidden(0).unwrap();
}

fn office_sheets(workbook: &mut Workbook) {
    let notices = workbook.add_worksheet();
    notices.set_name("督办").unwrap();
    write_row(notices, 0, &["挂牌督办事项台账"]);
    write_row(
        notices,
        1,
        &["填报单位：县重点办", "", "", "报告期：2026-03"],
    );
    write_row(
        notices,
        2,
        &[
            "督办编号",
            "项目名称",
            "督办内容",
            "承办单位",
            "下达日期",
            "整改时限",
            "回复日期",
            "落实措施",
            "责任领导",
            "责任人",
            "解决时限",
            "销号日期",
        ],
    );
    write_row(
        notices,
        3,
        &[
            "长重督〔2026〕1号",
            "鲍店镇物流园（一期）",
            "用地手续滞后",
            "鲍店镇",
            "2026-02-12",
            "2026-03-15",
            "2026-02-24",
            "加快组卷报批",
            "马国华",
            "王五",
            "2026-03-10",
            "2026-03-09",
        ],
    );
    write_row(
        notices,
        4,
        &[
            "长重督〔2026〕2号",
            "",
            "",
            "鲍店镇",
            "2026-03-01",
            "2026-03-31",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    );
    write_row(
        notices,
        5,
        &[
            "长重督〔2026〕3号",
            "不存在的项目",
            "资金未到位",
            "县财政局",
            "2026-03-02",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    );

    let tasks = workbook.add_worksheet();
    tasks.set_name("调度").unwrap();
    write_row(
        tasks,
        0,
        &[
            "任务编号",
            "任务来源",
            "会议日期",
            "项目名称",
            "调度事项",
            "责任单位",
            "责任人",
            "完成时间要求",
            "落实日期",
            "落实情况",
            "填报单位",
            "报告期",
        ],
    );
    write_row(
        tasks,
        1,
        &[
            "DD-2026-03-001",
            "月调度",
            "2026-03-05",
            "鲍店镇物流园（一期）",
            "协调电力接入",
            "鲍店镇",
            "赵六",
            "2026-03-20",
            "2026-03-18",
            "已接入",
            "县发改局",
            "2026年3月",
        ],
    );
    write_row(
        tasks,
        2,
        &[
            "DD-2026-03-002",
            "专题调度",
            "2026-03-05",
            "",
            "",
            "鲍店镇",
            "",
            "2026-03-31",
            "",
            "",
            "县发改局",
            "2026年3月",
        ],
    );

    let visits = workbook.add_worksheet();
    visits.set_name("调研").unwrap();
    write_row(
        visits,
        0,
        &[
            "调研日期",
            "调研领导",
            "身份",
            "单位",
            "项目名称",
            "发现问题",
            "是否现场解决",
            "填报单位",
            "报告期",
        ],
    );
    write_row(
        visits,
        1,
        &[
            "2026-03-10",
            "马国华",
            "",
            "",
            "鲍店镇物流园（一期）",
            "电力不足",
            "√",
            "县政府办公室",
            "2026-03",
        ],
    );
    write_row(
        visits,
        2,
        &[
            "2026-03-10",
            "马国华",
            "",
            "",
            "鲍店镇物流园（一期）",
            "电力不足",
            "√",
            "县政府办公室",
            "2026-03",
        ],
    );
    write_row(
        visits,
        3,
        &[
            "2026-03-12",
            "曹俊峰",
            "",
            "",
            "鲍店镇污水处理厂",
            "",
            "也许",
            // 鲍店镇's head's visit, reported by 鲍店镇 (another unit may not credit it).
            "鲍店镇",
            "2026-03",
        ],
    );

    let other = workbook.add_worksheet();
    other.set_name("说明").unwrap();
    write_row(other, 0, &["本表由县重点办统一制发"]);
}

/// A workbook holding a township's ledger beside the office's lists: only a file outside every
/// unit's folder may (a file in 鲍店镇's folder speaks for 鲍店镇 alone).
fn workbook_fixture(dir: &Path) -> PathBuf {
    let path = dir.join("汇总/鲍店镇重点项目台账（2026年3月）.xlsx");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut workbook = Workbook::new();
    township_ledger(&mut workbook);
    office_sheets(&mut workbook);
    workbook.save(&path).unwrap();
    path
}

#[test]
fn township_ledger_variants_parse_with_exact_rejections_and_accounting() {
    let dir = tempfile::tempdir().unwrap();
    let path = workbook_fixture(dir.path());
    let outcome = load(&path, dir.path());
    let ledger = sheet(&outcome, "3月");
    assert_eq!(ledger.table, Some(Table::Projects));
    assert_eq!(ledger.unit.as_deref(), Some("鲍店镇"));
    let c = ledger.counts;
    // Rows 5..=10 are read; row 11 is blank before the notes; notes end the data.
    assert_eq!((c.read, c.accepted, c.rejected, c.skipped), (7, 2, 2, 3));
    assert_eq!(c.read, c.accepted + c.rejected + c.skipped);
    assert_eq!(ledger.staged.as_ref().unwrap().excel_rows, vec![5, 6]);
    assert_eq!(
        texts(ledger, "name"),
        vec![
            Some("鲍店镇  物流园（一期）".into()),
            Some("鲍店镇污水处理厂".into())
        ]
    );
    assert_eq!(
        texts(ledger, "sector"),
        vec![Some("产业转型".into()), Some("基础设施".into())]
    );
    assert_eq!(
        texts(ledger, "stage"),
        vec![Some("在建".into()), Some("在建".into())]
    );
    assert_eq!(
        texts(ledger, "lead_unit"),
        vec![Some("鲍店镇".into()), Some("鲍店镇".into())]
    );
    assert_eq!(
        numbers(ledger, "total_investment"),
        vec![Some(12500.0), Some(8000.0)]
    );
    assert_eq!(
        numbers(ledger, "annual_plan"),
        vec![Some(3000.0), Some(2000.0)]
    );
    assert_eq!(
        numbers(ledger, "ytd_investment"),
        vec![Some(500.0), Some(100.0)]
    );
    assert_eq!(
        dates(ledger, "planned_start"),
        vec![d(2026, 3, 1), d(2026, 3, 31)]
    );
    assert_eq!(
        dates(ledger, "actual_start"),
        vec![d(2026, 2, 20), d(2026, 3, 15)]
    );
    assert_eq!(
        dates(ledger, "report_month"),
        vec![d(2026, 3, 1), d(2026, 3, 1)]
    );
    assert_eq!(
        dates(ledger, "fill_date"),
        vec![d(2026, 4, 3), d(2026, 4, 3)]
    );
    assert_eq!(
        texts(ledger, "submitter"),
        vec![Some("鲍店镇".into()), Some("鲍店镇".into())]
    );
    assert_eq!(
        row_problems(ledger),
        vec![
            (6, "计划开工时间".into(), Severity::Warning),
            // The stage is unreadable, so 总投资 is not known to be required: dropped.
            (8, "总投资\n（亿元）".into(), Severity::Warning),
            (8, "项目状态".into(), Severity::Rejected),
            (9, "计划开工时间".into(), Severity::Rejected),
        ]
    );
    let stage_problem = ledger
        .problems
        .iter()
        .find(|p| p.row == Some(8) && p.column == "项目状态")
        .unwrap();
    assert_eq!(stage_problem.value, "筹建中");
    assert!(
        stage_problem
            .reason
            .contains("谋划、储备、前期、在建、竣工"),
        "{}",
        stage_problem.reason
    );
    assert_eq!(
        stage_problem.file,
        "汇总/鲍店镇重点项目台账（2026年3月）.xlsx"
    );
    // The unknown columns are noted once for the sheet, the total row once.
    let notes: Vec<&str> = ledger
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Note)
        .map(|p| p.column.as_str())
        .collect();
    assert_eq!(notes, vec!["总投资\n（亿元）/其中财政", ""]);
}

#[test]
fn notices_tasks_and_visits_in_one_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let path = workbook_fixture(dir.path());
    let outcome = load(&path, dir.path());

    let notices = sheet(&outcome, "督办");
    assert_eq!(notices.table, Some(Table::Notices));
    assert_eq!(notices.unit.as_deref(), Some("县发改局"));
    assert_eq!((notices.counts.accepted, notices.counts.rejected), (1, 2));
    assert_eq!(dates(notices, "replied"), vec![d(2026, 2, 24)]);
    assert_eq!(texts(notices, "remedy"), vec![Some("加快组卷报批".into())]);
    assert_eq!(
        row_problems(notices),
        vec![
            (5, "督办内容".into(), Severity::Rejected),
            (5, "项目名称/项目代码".into(), Severity::Rejected),
            (6, "整改时限".into(), Severity::Rejected),
        ]
    );

    let tasks = sheet(&outcome, "调度");
    assert_eq!(tasks.table, Some(Table::Tasks));
    assert_eq!((tasks.counts.accepted, tasks.counts.rejected), (1, 1));
    assert_eq!(texts(tasks, "source"), vec![Some("月度调度".into())]);
    assert_eq!(
        row_problems(tasks),
        vec![(3, "调度事项".into(), Severity::Rejected)]
    );

    let visits = sheet(&outcome, "调研");
    assert_eq!(visits.table, Some(Table::Visits));
    assert_eq!((visits.counts.accepted, visits.counts.rejected), (3, 0));
    // A bad optional yes/no is dropped with a warning and the row kept.
    assert_eq!(
        row_problems(visits),
        vec![(4, "是否现场解决".into(), Severity::Warning)]
    );
    let staged = visits.staged.as_ref().unwrap();
    let solved = staged
        .table
        .columns()
        .iter()
        .position(|c| c.field == "solved_on_site")
        .unwrap();
    assert_eq!(
        staged.columns[solved],
        ColumnValues::Bool(vec![Some(true), Some(true), None])
    );

    let other = sheet(&outcome, "说明");
    assert_eq!(other.table, None);
    assert!(other.problems[0].reason.contains("未找到表头"));
    // The message names every table a sheet can be (it once named four of the six).
    for table in keyproj::ingest::schema::Table::ALL {
        assert!(
            other.problems[0].reason.contains(table.label()),
            "{}",
            other.problems[0].reason
        );
    }
}

#[test]
fn csv_in_gb18030_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("县住建局/住建局台账2026-10.csv");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let text = "项目名称,所属板块,项目阶段,牵头责任单位,包联领导,总投资,年度计划投资,本年完成投资,计划开工日期,计划竣工日期,报告期\n\
                老旧小区改造,社会民生,在建,县住建局,梁建民,\"1,200\",800,600,2026-04-01,2026-12-31,2026年10月\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    std::fs::write(&path, &bytes).unwrap();
    let outcome = load(&path, dir.path());
    let ledger = &outcome.sheets[0];
    assert_eq!(ledger.unit.as_deref(), Some("县住建局"));
    assert_eq!(ledger.counts.accepted, 1, "{:?}", ledger.problems);
    assert_eq!(texts(ledger, "name"), vec![Some("老旧小区改造".into())]);
    assert_eq!(numbers(ledger, "total_investment"), vec![Some(1200.0)]);
    assert_eq!(dates(ledger, "report_month"), vec![d(2026, 10, 1)]);
}

/// Made once with LibreOffice from the same rows (see tests/fixtures/README.md).
#[test]
fn xls_ods_and_1904_fixtures() {
    for name in [
        "丹朱镇台账（2026年10月）.xls",
        "丹朱镇台账（2026年10月）.ods",
        "丹朱镇台账1904（2026年10月）.xlsx",
    ] {
        let path = fixtures().join(name);
        let outcome = load(&path, &fixtures());
        let ledger = &outcome.sheets[0];
        assert_eq!(ledger.table, Some(Table::Projects), "{name}");
        assert_eq!(ledger.unit.as_deref(), Some("丹朱镇"), "{name}");
        assert_eq!(
            (ledger.counts.accepted, ledger.counts.rejected),
            (2, 1),
            "{name}: {:?}",
            ledger.problems
        );
        assert_eq!(
            texts(ledger, "name"),
            vec![
                Some("丹朱镇道路改造工程".into()),
                Some("丹朱镇幼儿园".into())
            ],
            "{name}"
        );
        assert_eq!(
            numbers(ledger, "total_investment"),
            vec![Some(3200.0), Some(900.0)],
            "{name}"
        );
        assert_eq!(
            dates(ledger, "planned_start"),
            vec![d(2026, 3, 1), d(2026, 5, 20)],
            "{name}"
        );
        assert_eq!(
            dates(ledger, "actual_start"),
            vec![d(2026, 3, 5), None],
            "{name}"
        );
        assert_eq!(
            row_problems(ledger),
            vec![(6, "总投资".into(), Severity::Rejected)],
            "{name}"
        );
    }
}

#[test]
fn check_command_prints_classification_counts_and_problems() {
    let dir = tempfile::tempdir().unwrap();
    let path = workbook_fixture(dir.path());
    let output = keyproj(&["check".as_ref(), path.as_os_str()]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains(
            "工作表“3月”：项目台账，填报单位 鲍店镇；读取 7 行 = 接收 2 + 退回 2 + 空行/合计行 3"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("工作表“说明”：未识别"), "{stdout}");
    assert!(stdout.contains("第8行 列“项目状态”"), "{stdout}");
    assert!(stdout.contains("（填写的是“筹建中”）"), "{stdout}");

    let clean = dir.path().join("clean.csv");
    std::fs::write(&clean, "项目名称,所属板块,项目阶段,牵头责任单位,总投资,报告期,填报单位\n甲,基础设施,谋划,丹朱镇,100,2026-10,丹朱镇\n").unwrap();
    let output = keyproj(&["check".as_ref(), clean.as_os_str()]);
    // 谋划 requires 前期工作计划完成日期, absent here: rejected.
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    std::fs::write(&clean, "项目名称,所属板块,项目阶段,牵头责任单位,总投资,报告期,填报单位,前期工作计划完成日期\n甲,基础设施,谋划,丹朱镇,100,2026-10,丹朱镇,2026-12-31\n").unwrap();
    let output = keyproj(&["check".as_ref(), clean.as_os_str()]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

/// Two snapshots of the office's notice ledger and a visit record with a duplicate: the latest
/// snapshot wins per 通知书编号, the duplicate visit counts once, unknown projects are warned.
#[test]
fn normalized_notices_tasks_and_visits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let snapshot = |month: u32, filled: &str, rows: &[[&str; 7]]| {
        let path = root.join(format!("县重点办/督办台账（2026年{month}月）.xlsx"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        write_row(
            sheet,
            0,
            &[&format!(
                "填报单位：县重点项目办公室  报告期：2026年{month}月  填报日期：{filled}"
            )],
        );
        write_row(
            sheet,
            1,
            &[
                "通知书编号",
                "项目名称",
                "督办事项",
                "督办对象",
                "下发日期",
                "办理时限",
                "办结日期",
            ],
        );
        for (r, row) in rows.iter().enumerate() {
            write_row(sheet, 2 + r as u32, row);
        }
        workbook.save(&path).unwrap();
        path
    };
    let march = snapshot(
        3,
        "2026-04-02",
        &[[
            "长重督〔2026〕1号",
            "鲍店镇物流园（一期）",
            "用地",
            "鲍店镇",
            "2026-03-01",
            "2026-03-20",
            "",
        ]],
    );
    let april = snapshot(
        4,
        "2026-05-03",
        &[
            [
                "长重督〔2026〕1号",
                "鲍店镇物流园（一期）",
                "用地",
                "鲍店镇",
                "2026-03-01",
                "2026-03-20",
                "2026-04-10",
            ],
            [
                "长重督〔2026〕2号",
                "无此项目",
                "资金",
                "县财政局",
                "2026-04-01",
                "2026-04-30",
                "",
            ],
        ],
    );
    let ledger_path = workbook_fixture(root);
    let files: Vec<FileOutcome> = [ledger_path, march, april]
        .iter()
        .map(|p| load(p, root))
        .collect();
    let config = Config::embedded().unwrap();

    let as_of = NaiveDate::from_ymd_opt(2026, 5, 31).unwrap();
    let assessment = keyproj::pipeline::assess(
        &config,
        &keyproj::calendar::Calendar::shipped(),
        as_of,
        &files,
    )
    .unwrap();
    let notices = &assessment.notices;
    assert_eq!(notices.height(), 2);
    let closed = keyproj::model::frames::dates(notices, "closed").unwrap();
    assert_eq!(closed, vec![d(2026, 4, 10), None]);
    let visits = &assessment.visits;
    // Three visit rows, one an exact duplicate.
    assert_eq!(visits.height(), 2);
    let roles = keyproj::model::frames::strings(visits, "role").unwrap();
    let units = keyproj::model::frames::strings(visits, "visitor_unit").unwrap();
    // 马国华 is a configured leader; 曹俊峰 heads 鲍店镇.
    assert_eq!(
        roles,
        vec![Some("包项目领导".into()), Some("包联单位负责人".into())]
    );
    assert_eq!(units, vec![None, Some("鲍店镇".into())]);
    let unknown: Vec<(&str, Option<u32>, &str)> = assessment
        .problems
        .iter()
        .filter(|p| p.reason.contains("不在任何单位的项目台账中"))
        .map(|p| (p.file.as_str(), p.row, p.value.as_str()))
        .collect();
    assert_eq!(
        unknown,
        vec![("县重点办/督办台账（2026年4月）.xlsx", Some(4), "无此项目")]
    );

    // As of 2026-03-31 the April snapshot (filed 05-03) counts too, but what it reports after
    // D has not happened: notice 2 (issued 04-01) does not exist yet, and notice 1, closed on
    // 04-10 after its 办理时限 of 03-20, is open and overdue.
    let earlier = keyproj::pipeline::assess(
        &config,
        &keyproj::calendar::Calendar::shipped(),
        NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
        &files,
    )
    .unwrap();
    assert_eq!(
        keyproj::model::frames::strings(&earlier.notices, "notice_no").unwrap(),
        vec![Some("长重督〔2026〕1号".to_string())]
    );
    assert_eq!(earlier.metrics.overdue_notices.get("鲍店镇"), Some(&1));
    let closure = earlier
        .metrics
        .indicator(keyproj::indicator::Indicator::Closure)
        .unwrap();
    assert_eq!(closure.ratios["鲍店镇"].rate(), Some(0.0));
}

#[test]
fn config_header_aliases_extend_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("丹朱镇/台账2026-10.csv");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "项目名称,所属板块,项目阶段,牵头责任单位,项目总投资额,前期工作计划完成日期\n甲,基础设施,谋划,丹朱镇,100,2026-12-31\n").unwrap();
    let text = format!(
        "{}\n[[header_aliases]]\ntable = \"项目台账\"\ncolumn = \"总投资\"\naliases = [\"项目总投资额\"]\n",
        keyproj::config::DEFAULT_TOML
    );
    let config = Config::parse(&text, "t.toml").unwrap();
    let input = InputFile {
        path: path.clone(),
        rel: "丹朱镇/台账2026-10.csv".into(),
        size: 0,
        mtime: 0,
    };
    let without = Ingest {
        aliases: AliasTable::new(&[]),
        ..Ingest::new(&config)
    }
    .load(&input);
    // Without the alias the column is unknown: a 谋划 project may lack 总投资 (SPEC §1), so the
    // row stays, without its amount, and the column is noted.
    assert_eq!(without.sheets[0].counts.accepted, 1);
    assert_eq!(numbers(&without.sheets[0], "total_investment"), vec![None]);
    assert!(without.sheets[0]
        .problems
        .iter()
        .any(|p| p.column.contains("项目总投资额")));
    let with = Ingest::new(&config).load(&input);
    assert_eq!(
        with.sheets[0].counts.accepted, 1,
        "{:?}",
        with.sheets[0].problems
    );
    assert_eq!(
        numbers(&with.sheets[0], "total_investment"),
        vec![Some(100.0)]
    );

    let bad = text.replace("column = \"总投资\"", "column = \"投资总额\"");
    let err = Config::parse(&bad, "t.toml").unwrap_err().to_string();
    assert!(
        err.contains("header_aliases[1].column = \"投资总额\""),
        "{err}"
    );
}
