//! Broken and hostile inputs: no panics, exact messages, and the other files' results unchanged.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use keyproj::ingest::cell::{
    parse_date, parse_money, parse_month, parse_yes_no, Cell, DateRole, MoneyUnit,
};
use keyproj::ingest::header::{find_header, normalize_header, AliasTable};
use keyproj::ingest::read::{read_sheets, Limits, Merge, RawSheet};

/// Pieces county tables are made of, so random text often looks like a date, amount or header.
const PIECES: [&str; 24] = [
    "2026",
    "年",
    "月",
    "日",
    "-",
    "/",
    ".",
    "：",
    "（",
    "）",
    "万元",
    "亿元",
    "约",
    ",",
    " ",
    "\u{3000}",
    "项目名称",
    "总投资",
    "阶段",
    "填报单位",
    "是",
    "√",
    "#REF!",
    "🚧",
];

fn random_text(rng: &mut ChaCha8Rng) -> String {
    let n = rng.random_range(0..8);
    (0..n)
        .map(|_| {
            if rng.random_bool(0.7) {
                PIECES[rng.random_range(0..PIECES.len())].to_string()
            } else {
                char::from_u32(rng.random_range(0..0x11_0000)).map_or(String::new(), String::from)
            }
        })
        .collect()
}

fn random_cell(rng: &mut ChaCha8Rng) -> Cell {
    match rng.random_range(0..6) {
        0 => Cell::Empty,
        1 | 2 => Cell::Text(random_text(rng).into()),
        3 => Cell::Number(f64::from_bits(rng.random())),
        4 => Cell::Number(rng.random_range(-1e6..1e8)),
        _ => Cell::Bool(rng.random()),
    }
}

/// A bounded random search (fixed seed, so a failure reproduces) over the pure parsers, header
/// detection and classification, and the file reader: none may panic.
#[test]
fn parsers_and_header_detection_never_panic_on_random_input() {
    let mut rng = ChaCha8Rng::seed_from_u64(20261128);
    for _ in 0..20_000 {
        let cell = random_cell(&mut rng);
        let _ = parse_date(&cell, DateRole::Planned);
        let _ = parse_date(&cell, DateRole::Actual);
        let _ = parse_money(&cell, MoneyUnit::Yi);
        let _ = parse_month(&cell);
        let _ = parse_yes_no(&cell);
        let _ = cell.text();
        let _ = normalize_header(&random_text(&mut rng));
    }
    let aliases = AliasTable::new(&[]);
    for _ in 0..2_000 {
        let rows = (0..rng.random_range(0..20))
            .map(|_| {
                (0..rng.random_range(0..14))
                    .map(|_| random_cell(&mut rng))
                    .collect()
            })
            .collect();
        // Random merged regions, some outside the sheet, some inverted.
        let merges = (0..rng.random_range(0..4))
            .map(|_| {
                let corner =
                    |rng: &mut ChaCha8Rng| (rng.random_range(0..24), rng.random_range(0..16));
                Merge {
                    start: corner(&mut rng),
                    end: corner(&mut rng),
                }
            })
            .collect();
        let sheet = RawSheet {
            name: "s".into(),
            rows,
            merges,
            ..RawSheet::default()
        };
        if let Some(header) = find_header(&sheet, &aliases) {
            let _ = sheet.with_data_merges_filled(header.row, 14);
        }
        let _ = sheet.with_data_merges_filled(rng.random_range(0..20), rng.random_range(0..20));
    }
    let good = valid_xlsx();
    for _ in 0..300 {
        let mut bytes = good.clone();
        for _ in 0..rng.random_range(1..40) {
            let at = rng.random_range(0..bytes.len());
            bytes[at] = rng.random();
        }
        bytes.truncate(rng.random_range(0..=bytes.len()));
        let ext = ["xlsx", "xls", "ods", "csv", "txt"][rng.random_range(0..5)];
        let limits = Limits {
            max_bytes: 1 << 24,
            max_cells: rng.random_range(1..10_000),
        };
        // xlsx goes through the streaming reader, with a budget small enough to be hit.
        let _ = read_sheets(&bytes, ext, limits);
    }
}

use std::path::Path;

use keyproj::config::Config;
use keyproj::ingest::discover::InputFile;
use keyproj::ingest::problem::Severity;
use keyproj::ingest::{FileOutcome, Ingest};
use rust_xlsxwriter::{Formula, Workbook};

use crate::first_slice::{fixture, write_ledger, HEADER};
use crate::{read_csv, Workspace};

/// A ledger row of 色头镇 with some cells replaced.
fn row(changes: &[(usize, &str)]) -> [String; 13] {
    let mut r: [String; 13] = [
        "S 道路工程",
        "基础设施",
        "在建",
        "色头镇",
        "马国华",
        "1000",
        "500",
        "100",
        "2026-03-01",
        "2026-03-01",
        "2027-06-30",
        "",
        "",
    ]
    .map(String::from);
    for (i, v) in changes {
        r[*i] = v.to_string();
    }
    r
}

fn ledger_with(path: &Path, rows: &[[String; 13]]) {
    let refs: Vec<[&str; 13]> = rows
        .iter()
        .map(|r| std::array::from_fn(|i| r[i].as_str()))
        .collect();
    write_ledger(path, "色头镇", "2026年10月", "2026-11-03", &refs);
}

/// A sheet with the first-slice header and `rows` default 色头镇 rows, with a 报告期 column
/// (column 14) when `month` is given; cells can be overwritten after.
fn plain_ledger<'a>(
    workbook: &'a mut Workbook,
    rows: u32,
    month: Option<&str>,
) -> &'a mut rust_xlsxwriter::Worksheet {
    let sheet = workbook.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=rows {
        for (c, v) in row(&[]).iter().enumerate() {
            sheet.write_string(r, c as u16, v).unwrap();
        }
    }
    if let Some(month) = month {
        sheet.write_string(0, 13, "报告期").unwrap();
        for r in 1..=rows {
            sheet.write_string(r, 13, month).unwrap();
        }
    }
    sheet
}

/// A zip whose one entry unpacks to `size` bytes of zeros.
fn zip_bomb(size: usize) -> Vec<u8> {
    let mut bomb = Vec::new();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut bomb));
    zip.start_file(
        "xl/worksheets/sheet1.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    std::io::Write::write_all(&mut zip, &vec![b'0'; size]).unwrap();
    zip.finish().unwrap();
    bomb
}

fn valid_xlsx() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.xlsx");
    ledger_with(&path, &[row(&[])]);
    std::fs::read(path).unwrap()
}

fn load(root: &Path, rel: &str) -> FileOutcome {
    let config = Config::embedded().unwrap();
    let path = root.join(rel);
    let input = InputFile {
        path,
        rel: rel.into(),
        size: 0,
        mtime: 0,
    };
    let ingest = Ingest::new(&config);
    Ingest {
        limits: Limits {
            max_bytes: 64 << 20,
            ..ingest.limits
        },
        ..ingest
    }
    .load(&input)
}

/// (severity, row, reason) of every problem of a file.
fn problems(outcome: &FileOutcome) -> Vec<(Severity, Option<u32>, String)> {
    outcome
        .all_problems()
        .map(|p| (p.severity, p.row, p.reason.clone()))
        .collect()
}

fn has(outcome: &FileOutcome, severity: Severity, row: Option<u32>, text: &str) -> bool {
    problems(outcome)
        .iter()
        .any(|(s, r, reason)| *s == severity && *r == row && reason.contains(text))
}

/// Two rows of one sheet with the same 通知书编号: the last one is used, and the other warned.
#[test]
fn duplicate_notice_numbers_in_one_sheet_are_warned() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("县重点办/督办台账（2026年10月）.xlsx");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let rows = [
        [
            "通知书编号",
            "项目名称",
            "督办事项",
            "督办对象",
            "下发日期",
            "办理时限",
            "办结日期",
        ],
        [
            "长重督〔2026〕7号",
            "甲项目",
            "用地",
            "丹朱镇",
            "2026-10-09",
            "2026-10-30",
            "",
        ],
        [
            "长重督〔2026〕7号",
            "甲项目",
            "用地",
            "丹朱镇",
            "2026-10-09",
            "2026-10-30",
            "2026-10-20",
        ],
    ];
    for (r, values) in rows.iter().enumerate() {
        for (c, v) in values.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    workbook.save(&path).unwrap();
    let files = vec![load(dir.path(), "县重点办/督办台账（2026年10月）.xlsx")];
    let config = Config::embedded().unwrap();
    let calendar = keyproj::calendar::Calendar::shipped();
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let assessment = keyproj::pipeline::assess(&config, &calendar, as_of, &files).unwrap();
    let closed = keyproj::model::frames::dates(&assessment.notices, "closed").unwrap();
    assert_eq!(closed, vec![chrono::NaiveDate::from_ymd_opt(2026, 10, 20)]);
    let warning = files[0]
        .all_problems()
        .find(|p| p.reason.contains("重复出现"))
        .unwrap();
    assert!(!assessment
        .problems
        .iter()
        .any(|p| p.reason.contains("重复出现")));
    assert_eq!(warning.row, Some(2));
    assert_eq!(
        warning.reason,
        "通知书编号“长重督〔2026〕7号”在本表中重复出现（第2、3行），采用第3行"
    );
}

/// Every corpus file: its path under inputs/, how it is made, and what ingestion must say.
#[test]
fn corpus_of_broken_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let put = |rel: &str, bytes: &[u8]| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    let good = valid_xlsx();
    let rel = |name: &str| format!("色头镇/坏文件/{name}");

    put(&rel("零字节.xlsx"), b"");
    let o = load(root, &rel("零字节.xlsx"));
    assert!(
        has(&o, Severity::Rejected, None, "文件是空的（0 字节）"),
        "{:?}",
        problems(&o)
    );

    put(&rel("截断.xlsx"), &good[..good.len() / 2]);
    let o = load(root, &rel("截断.xlsx"));
    assert!(
        has(&o, Severity::Rejected, None, "无法打开工作簿"),
        "{:?}",
        problems(&o)
    );

    let mut corrupt = good.clone();
    for b in corrupt.iter_mut().skip(300).take(400) {
        *b = 0x5A;
    }
    put(&rel("损坏.xlsx"), &corrupt);
    let o = load(root, &rel("损坏.xlsx"));
    assert!(
        problems(&o)
            .iter()
            .any(|(s, _, r)| *s == Severity::Rejected && r.contains("无法")),
        "{:?}",
        problems(&o)
    );

    put(&rel("文本.xlsx"), "项目名称,总投资\n".as_bytes());
    let o = load(root, &rel("文本.xlsx"));
    assert!(
        has(
            &o,
            Severity::Rejected,
            None,
            "内容不是 Excel/WPS/LibreOffice 工作簿"
        ),
        "{:?}",
        problems(&o)
    );

    put(
        &rel("网页.xls"),
        b"<html><body><table><tr><td>1</td></tr></table></body></html>",
    );
    let o = load(root, &rel("网页.xls"));
    assert!(
        has(&o, Severity::Rejected, None, "内容是网页或 XML 格式"),
        "{:?}",
        problems(&o)
    );

    let mut empty = Workbook::new();
    empty.add_worksheet();
    put(&rel("空工作簿.xlsx"), &empty.save_to_buffer().unwrap());
    let o = load(root, &rel("空工作簿.xlsx"));
    assert!(
        has(&o, Severity::Note, None, "工作簿没有任何内容"),
        "{:?}",
        problems(&o)
    );

    let mut title = Workbook::new();
    title
        .add_worksheet()
        .write_string(0, 0, "长子县重点项目建设进展情况表")
        .unwrap();
    put(&rel("只有标题.xlsx"), &title.save_to_buffer().unwrap());
    let o = load(root, &rel("只有标题.xlsx"));
    assert!(
        has(&o, Severity::Note, None, "未找到表头"),
        "{:?}",
        problems(&o)
    );

    let header_only = root.join(rel("只有表头.xlsx"));
    ledger_with(&header_only, &[]);
    let o = load(root, &rel("只有表头.xlsx"));
    assert!(
        has(&o, Severity::Note, None, "只有表头，没有数据行"),
        "{:?}",
        problems(&o)
    );

    // Formulas: a cached value is read; an error value is a bad value.
    let mut formulas = Workbook::new();
    let sheet = plain_ledger(&mut formulas, 2, Some("2026-10"));
    for (r, total) in [
        (1u32, Formula::new("=600*2").set_result("1200")),
        (2, Formula::new("=#REF!").set_result("#REF!")),
    ] {
        sheet.write_formula(r, 5, total).unwrap();
        sheet
            .write_formula(r, 11, Formula::new("=1/0").set_result("#DIV/0!"))
            .unwrap();
    }
    put(&rel("公式.xlsx"), &formulas.save_to_buffer().unwrap());
    let o = load(root, &rel("公式.xlsx"));
    assert_eq!(
        (o.sheets[0].counts.accepted, o.sheets[0].counts.rejected),
        (1, 1),
        "{:?}",
        problems(&o)
    );
    assert!(
        has(&o, Severity::Rejected, Some(3), "必填项的值无法识别"),
        "{:?}",
        problems(&o)
    );
    assert!(
        has(
            &o,
            Severity::Warning,
            Some(2),
            "值无法识别，已按空值处理：应为日期"
        ),
        "{:?}",
        problems(&o)
    );

    // Wrong types everywhere, impossible and unreasonable values.
    let wrong = root.join(rel("类型错误.xlsx"));
    ledger_with(
        &wrong,
        &[
            row(&[(1, "12345"), (2, "2026-01-01"), (5, "很多"), (8, "明年")]),
            row(&[(8, "1900-02-29")]),
            row(&[(5, "-5")]),
            row(&[(5, "1e308")]),
            row(&[(5, "NaN")]),
            row(&[(0, &"长".repeat(32_767)), (11, "")]),
            row(&[(0, "控制\u{0001}字符🚧工程")]),
        ],
    );
    let o = load(root, &rel("类型错误.xlsx"));
    assert!(
        has(
            &o,
            Severity::Rejected,
            Some(4),
            "应为 产业转型、基础设施、社会民生、科技创新 之一"
        ),
        "{:?}",
        problems(&o)
    );
    // With its stage unreadable, the row's 总投资 and planned start are not required: each is
    // dropped with a warning (the row is rejected for its 板块).
    assert!(has(&o, Severity::Warning, Some(4), "应为金额"));
    assert!(has(&o, Severity::Warning, Some(4), "应为日期"));
    assert!(has(&o, Severity::Rejected, Some(5), "1900年2月29日不存在"));
    assert!(has(&o, Severity::Rejected, Some(6), "总投资应大于 0"));
    // "1e308" written as text is not an amount (a 1e308 number cell is refused as unreasonable,
    // see the cell tests).
    assert!(has(&o, Severity::Rejected, Some(7), "应为金额"));
    assert!(has(&o, Severity::Rejected, Some(8), "应为金额"));
    let c = o.sheets[0].counts;
    assert_eq!((c.accepted, c.rejected), (2, 5), "{:?}", problems(&o));
    assert_eq!(c.read, c.accepted + c.rejected + c.skipped);

    // Dates at the edges: 1899-12-31 is Excel's empty date, no project date (a required
    // planned start rejects the row, not "overdue for 46,000 days"); 2100 is read as written;
    // a year after 2100 is kept with a warning.
    let edges = root.join(rel("日期边界.xlsx"));
    ledger_with(
        &edges,
        &[
            row(&[(8, "1899-12-31"), (9, "")]),
            row(&[(10, "2100-12-31")]),
            row(&[(10, "2150-06-30")]),
        ],
    );
    let o = load(root, &rel("日期边界.xlsx"));
    let c = o.sheets[0].counts;
    assert_eq!((c.accepted, c.rejected), (2, 1), "{:?}", problems(&o));
    assert!(has(&o, Severity::Rejected, Some(4), "不是有效的项目日期"));
    assert!(has(&o, Severity::Warning, Some(6), "晚于2100年"));

    // Merged cells inside the data: the top-left value applies to every row of the region.
    let mut merged = Workbook::new();
    plain_ledger(&mut merged, 2, Some("2026-10"))
        .merge_range(1, 3, 2, 3, "色头镇", &rust_xlsxwriter::Format::new())
        .unwrap();
    put(&rel("合并单元格.xlsx"), &merged.save_to_buffer().unwrap());
    let o = load(root, &rel("合并单元格.xlsx"));
    let c = o.sheets[0].counts;
    assert_eq!((c.accepted, c.rejected), (2, 0), "{:?}", problems(&o));

    // #N/A in a required column rejects the row.
    let mut na = Workbook::new();
    plain_ledger(&mut na, 1, Some("2026-10"))
        .write_formula(1, 5, Formula::new("=NA()").set_result("#N/A"))
        .unwrap();
    put(&rel("NA.xlsx"), &na.save_to_buffer().unwrap());
    let o = load(root, &rel("NA.xlsx"));
    assert!(
        has(&o, Severity::Rejected, Some(2), "应为金额"),
        "{:?}",
        problems(&o)
    );

    // A decompression bomb is refused before it is parsed.
    let bomb = zip_bomb(80 << 20);
    put(&rel("压缩炸弹.xlsx"), &bomb);
    let o = load(root, &rel("压缩炸弹.xlsx"));
    assert!(
        has(&o, Severity::Rejected, None, "超过上限 64 MB"),
        "{:?}",
        problems(&o)
    );

    // A CSV in UTF-16 (what some tools save as "Unicode text").
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("项目名称,所属板块,项目阶段,牵头责任单位,总投资,报告期,前期工作计划完成日期\n甲,基础设施,谋划,色头镇,100,2026-10,2026-12-31\n".encode_utf16().flat_map(|u| u.to_le_bytes()))
        .collect();
    put(&rel("台账UTF16.csv"), &utf16);
    let o = load(root, &rel("台账UTF16.csv"));
    assert_eq!(o.sheets[0].counts.accepted, 1, "{:?}", problems(&o));

    // A renamed workbook (.xls that is really .xlsx) is read for what it is.
    put(&rel("改了扩展名.xls"), &good);
    let o = load(root, &rel("改了扩展名.xls"));
    assert_eq!(o.sheets[0].counts.accepted, 1, "{:?}", problems(&o));

    // A password-protected workbook (made once with msoffcrypto-tool, password "secret").
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let o = load(&fixtures, "加密（密码secret）.xlsx");
    assert!(
        has(
            &o,
            Severity::Rejected,
            None,
            "工作簿设置了打开密码，无法读取；请取消密码后再报送"
        ),
        "{:?}",
        problems(&o)
    );

    // A sheet of 1,048,576 rows (Excel's limit) is read in bounded time and memory.
    let mut huge = Workbook::new();
    let sheet = plain_ledger(&mut huge, 0, None);
    for r in 1..1_048_576u32 {
        sheet.write_number(r, 5, 1.0).unwrap();
    }
    put(&rel("一百万行.xlsx"), &huge.save_to_buffer().unwrap());
    let o = load(root, &rel("一百万行.xlsx"));
    let c = o.sheets[0].counts;
    assert_eq!((c.read, c.rejected), (1_048_575, 1_048_575));
    assert!(
        has(&o, Severity::Note, None, "本表问题过多，另有"),
        "{:?}",
        problems(&o).last()
    );

    // A sheet without a unit anywhere, and one lacking a required column.
    let mut nowhere = Workbook::new();
    plain_ledger(&mut nowhere, 1, None);
    put("无主/无单位.xlsx", &nowhere.save_to_buffer().unwrap());
    let o = load(root, "无主/无单位.xlsx");
    assert!(
        has(&o, Severity::Rejected, None, "无法确定填报单位"),
        "{:?}",
        problems(&o)
    );
}

/// The whole corpus in the drop folder beside good inputs: the run finishes with rejections, and
/// the good units' scores are those of a run without the corpus.
#[test]
fn a_run_over_the_corpus_leaves_good_units_unchanged() {
    let clean = Workspace::fresh();
    fixture(&clean);
    assert_eq!(clean.run(&["--month", "2026-11"]).status.code(), Some(0));
    let baseline = read_csv(&clean.path("reports/2026-11/考核排名_2026-11.csv"));

    let ws = Workspace::fresh();
    fixture(&ws);
    let bad = ws.inputs().join("色头镇/坏文件");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("零字节.xlsx"), b"").unwrap();
    std::fs::write(bad.join("文本.xlsx"), b"not a workbook").unwrap();
    let good = valid_xlsx();
    std::fs::write(bad.join("截断.xlsx"), &good[..good.len() / 3]).unwrap();
    std::fs::create_dir_all(bad.join("目录.xlsx")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&bad, bad.join("环.xlsx")).unwrap();
    // 色头镇's ledger also lists a project 丹朱镇 leads (丹朱镇's own row wins, with a warning).
    ledger_with(
        &bad.join("类型错误.xlsx"),
        &[
            row(&[(5, "很多")]),
            row(&[(0, "控制\u{0001}字符🚧工程"), (11, &"问".repeat(32_000))]),
            row(&[(0, "P1 道路工程"), (3, "丹朱镇")]),
        ],
    );
    // The same file twice under two names.
    let twice = std::fs::read(ws.inputs().join("丹朱镇/台账（2026年10月）.xlsx")).unwrap();
    std::fs::write(bad.join("丹朱镇台账副本.xlsx"), twice).unwrap();
    let output = ws.run(&["--month", "2026-11"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let with_corpus = read_csv(&ws.path("reports/2026-11/考核排名_2026-11.csv"));
    // Scores are the same; ranks may move now that 色头镇 has a valid row to be ranked by.
    let total = baseline[0].iter().position(|h| h == "总分").unwrap();
    for unit in ["丹朱镇", "县住建局", "县统计局"] {
        let a = baseline.iter().find(|r| r[1] == unit).unwrap();
        let b = with_corpus.iter().find(|r| r[1] == unit).unwrap();
        assert_eq!(a[..=total], b[..=total], "{unit}");
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path("reports/2026-11/manifest.json")).unwrap())
            .unwrap();
    assert_counts_reconcile(&manifest);
    let ignored: Vec<&str> = manifest["ignored"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert!(ignored.contains(&"色头镇/坏文件/环.xlsx"), "{ignored:?}");
    let quality = crate::read_sheet(
        &ws.path("reports/2026-11/单位反馈/色头镇_2026-11.xlsx"),
        "数据质量",
    );
    let files: Vec<&str> = quality.iter().skip(4).map(|r| r[1].as_str()).collect();
    for name in ["零字节.xlsx", "文本.xlsx", "截断.xlsx", "类型错误.xlsx"] {
        assert!(
            files.iter().any(|f| f.ends_with(name)),
            "{name} missing from {files:?}"
        );
    }
    assert!(
        quality
            .iter()
            .any(|r| r[6].contains("该项目也出现在“丹朱镇”的当期台账中")),
        "{quality:?}"
    );
}

/// The corpus beside the sample county: the run finishes with rejections, every sheet's counts
/// reconcile, and every sample unit's scores are those of the sample alone.
#[test]
fn the_corpus_beside_the_sample_leaves_its_scores_unchanged() {
    let alone = Workspace::fresh();
    crate::copy_sample(&alone);
    assert_eq!(alone.run(&["--month", "2026-11"]).status.code(), Some(1));
    let baseline = read_csv(&alone.path("reports/2026-11/考核排名_2026-11.csv"));

    let ws = Workspace::fresh();
    crate::copy_sample(&ws);
    let bad = ws.inputs().join("坏文件");
    std::fs::create_dir_all(&bad).unwrap();
    let good = valid_xlsx();
    std::fs::write(bad.join("零字节.xlsx"), b"").unwrap();
    std::fs::write(bad.join("文本.xlsx"), b"not a workbook").unwrap();
    std::fs::write(bad.join("网页.xls"), b"<html><table></table></html>").unwrap();
    std::fs::write(bad.join("截断.xlsx"), &good[..good.len() / 3]).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    std::fs::copy(
        fixtures.join("加密（密码secret）.xlsx"),
        bad.join("加密.xlsx"),
    )
    .unwrap();
    std::fs::create_dir_all(bad.join("目录.xlsx")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&bad, bad.join("环.xlsx")).unwrap();
        let fifo = bad.join("管道.xlsx");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
    }
    // Rows of 色头镇 for a December 2025 ledger: never the current one, and not a 2026 report.
    let old = |name: &str, rows: &[[String; 13]]| {
        let refs: Vec<[&str; 13]> = rows
            .iter()
            .map(|r| std::array::from_fn(|i| r[i].as_str()))
            .collect();
        write_ledger(&bad.join(name), "色头镇", "2025年12月", "2026-01-20", &refs);
    };
    old(
        "类型错误.xlsx",
        &[
            row(&[(1, "12345"), (5, "很多"), (8, "明年")]),
            row(&[(8, "1900-02-29")]),
            row(&[(0, "控制\u{0001}字符🚧")]),
        ],
    );
    let bomb = zip_bomb(110 << 20);
    std::fs::write(bad.join("压缩炸弹.xlsx"), bomb).unwrap();
    let output = ws.run(&["--month", "2026-11"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let with_corpus = read_csv(&ws.path("reports/2026-11/考核排名_2026-11.csv"));
    assert_eq!(with_corpus, baseline);

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path("reports/2026-11/manifest.json")).unwrap())
            .unwrap();
    assert_counts_reconcile(&manifest);
    let errors: Vec<(&str, &str)> = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| Some((i["path"].as_str()?, i["error"].as_str()?)))
        .collect();
    for (file, message) in [
        ("坏文件/零字节.xlsx", "文件是空的（0 字节）"),
        ("坏文件/文本.xlsx", "内容不是 Excel/WPS/LibreOffice 工作簿"),
        ("坏文件/网页.xls", "内容是网页或 XML 格式"),
        ("坏文件/截断.xlsx", "无法打开工作簿"),
        ("坏文件/加密.xlsx", "工作簿设置了打开密码"),
        ("坏文件/压缩炸弹.xlsx", "超过上限 100 MB"),
    ] {
        assert!(
            errors
                .iter()
                .any(|(f, m)| *f == file && m.contains(message)),
            "{file}: {errors:?}"
        );
    }
    let ignored: Vec<&str> = manifest["ignored"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    for path in ["坏文件/目录.xlsx", "坏文件/环.xlsx", "坏文件/管道.xlsx"] {
        assert!(ignored.contains(&path), "{path}: {ignored:?}");
    }
}

/// Text that a spreadsheet would run as a formula reaches the workbooks as text and the CSV
/// neutralized.
#[test]
fn formula_like_text_is_written_as_text() {
    let ws = Workspace::fresh();
    fixture(&ws);
    ledger_with(
        &ws.inputs().join("色头镇/台账（2026年10月）.xlsx"),
        &[row(&[(0, "=HYPERLINK(\"http://x\",\"点我\")"), (11, "")])],
    );
    assert_eq!(ws.run(&["--month", "2026-11"]).status.code(), Some(0));
    let path = ws.path("reports/2026-11/重点项目月度考核_2026-11.xlsx");
    let mut book = calamine::open_workbook_auto(&path).unwrap();
    let range = calamine::Reader::worksheet_range(&mut book, "项目清单").unwrap();
    let cell = range
        .rows()
        .flat_map(|r| r.iter())
        .find(|c| c.to_string().contains("HYPERLINK"))
        .cloned();
    assert_eq!(
        cell,
        Some(calamine::Data::String(
            "=HYPERLINK(\"http://x\",\"点我\")".into()
        ))
    );
    let formulas = calamine::Reader::worksheet_formula(&mut book, "项目清单").unwrap();
    assert!(formulas.rows().flat_map(|r| r.iter()).all(|f| f.is_empty()));
}

/// Every sheet in the manifest: rows read = accepted + rejected + skipped.
fn assert_counts_reconcile(manifest: &serde_json::Value) {
    for input in manifest["inputs"].as_array().unwrap() {
        for sheet in input["sheets"].as_array().unwrap() {
            let n = |k: &str| sheet[k].as_u64().unwrap();
            assert_eq!(
                n("rows_read"),
                n("rows_accepted") + n("rows_rejected") + n("rows_skipped"),
                "{input}"
            );
        }
    }
}
