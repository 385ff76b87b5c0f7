//! 督查通报_<M>.docx: the circular as a 公文 (GB/T 9704-2012), read back from its XML and
//! checked against the workbook circular and the ranking.

use std::io::Read;
use std::path::Path;

use calamine::{Data, DataType};
use keyproj::report::official::{
    unit_heading, ATTACHMENT_TITLE, FONT_BODY, FONT_HEADING_1, FONT_HEADING_2, FONT_PAGE_NUMBER,
    FONT_TITLE, LINE_PITCH, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, RED, STYLE_BODY,
    STYLE_HEADING_1, STYLE_HEADING_2, STYLE_PAGE_NUMBER, STYLE_TITLE,
};

use crate::{copy_sample, read_csv, read_sheet_with, Workspace};

/// One part of the .docx package.
fn part(docx: &Path, name: &str) -> String {
    let file = std::fs::File::open(docx).expect("open docx");
    let mut zip = zip::ZipArchive::new(file).expect("docx is a zip");
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the docx"))
        .read_to_string(&mut text)
        .expect("utf-8 part");
    text
}

/// The blocks `<tag …>…</tag>` (or `<tag>…</tag>`) of `xml`, outermost only, in order.
fn blocks<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open_plain, open_attr, close) =
        (format!("<{tag}>"), format!("<{tag} "), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    loop {
        let start = match (rest.find(&open_plain), rest.find(&open_attr)) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => break,
        };
        // Nested blocks of the same tag (tables in cells) are kept inside the outer one.
        let mut depth = 0;
        let mut at = start;
        let end = loop {
            let next_open = [
                rest[at + 1..].find(&open_plain),
                rest[at + 1..].find(&open_attr),
            ]
            .into_iter()
            .flatten()
            .min()
            .map(|i| i + at + 1);
            let next_close = rest[at..].find(&close).map(|i| i + at).expect("closed");
            match next_open {
                Some(o) if o < next_close => {
                    depth += 1;
                    at = o;
                }
                _ if depth > 0 => {
                    depth -= 1;
                    at = next_close + 1;
                }
                _ => break next_close + close.len(),
            }
        };
        out.push(&rest[start..end]);
        rest = &rest[end..];
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The text of a paragraph: its `<w:t>` runs joined.
fn text(xml: &str) -> String {
    let mut out = String::new();
    for piece in xml.split("<w:t").skip(1) {
        // `<w:t>` or `<w:t xml:space=…>`, not `<w:tab/>`, `<w:tbl>`, `<w:tc>`…
        let Some(rest) = piece.strip_prefix('>').or_else(|| piece.strip_prefix(' ')) else {
            continue;
        };
        let Some(open_end) = rest.find('>') else {
            continue;
        };
        let body = if piece.starts_with('>') {
            rest
        } else {
            &rest[open_end + 1..]
        };
        if let Some(end) = body.find("</w:t>") {
            out.push_str(&unescape(&body[..end]));
        }
    }
    out
}

/// The body's paragraphs outside tables, as text.
fn paragraphs(document: &str) -> Vec<String> {
    let mut body = document.to_string();
    for table in blocks(document, "w:tbl") {
        body = body.replacen(table, "", 1);
    }
    blocks(&body, "w:p").into_iter().map(text).collect()
}

/// Every table as rows of cell texts.
fn tables(document: &str) -> Vec<Vec<Vec<String>>> {
    blocks(document, "w:tbl")
        .into_iter()
        .map(|table| {
            blocks(table, "w:tr")
                .into_iter()
                .map(|row| blocks(row, "w:tc").into_iter().map(text).collect())
                .collect()
        })
        .collect()
}

/// A sheet's cells as the workbook shows them: dates as YYYY-MM-DD, whole numbers plainly.
fn shown_sheet(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    read_sheet_with(path, sheet, |c| match c {
        Data::Empty => String::new(),
        Data::DateTime(_) => c
            .as_date()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        Data::Float(x) => format!("{x}"),
        other => other.to_string(),
    })
}

/// The style's XML in styles.xml.
fn style<'a>(styles: &'a str, id: &str) -> &'a str {
    blocks(styles, "w:style")
        .into_iter()
        .find(|s| s.contains(&format!("w:styleId=\"{id}\"")))
        .unwrap_or_else(|| panic!("style {id}"))
}

struct Circular {
    ws: Workspace,
    document: String,
    docx: std::path::PathBuf,
}

fn sample_circular() -> Circular {
    let ws = Workspace::fresh();
    copy_sample(&ws);
    ws.run_expecting(&["--month", "2026-11"], 1);
    let docx = ws.path("reports/2026-11/督查通报_2026-11.docx");
    let document = part(&docx, "word/document.xml");
    Circular { ws, document, docx }
}

#[test]
fn the_page_the_letterhead_and_the_fonts_follow_gb_t_9704() {
    let Circular { document, docx, ws } = sample_circular();
    let section = blocks(&document, "w:sectPr").pop().expect("sectPr");
    assert!(
        section.contains(r#"<w:pgSz w:w="11906" w:h="16838" />"#),
        "{section}"
    );
    for (side, value) in [
        ("top", MARGIN_TOP),
        ("bottom", MARGIN_BOTTOM),
        ("left", MARGIN_LEFT),
        ("right", MARGIN_RIGHT),
    ] {
        assert!(
            section.contains(&format!("w:{side}=\"{value}\"")),
            "{side}: {section}"
        );
    }
    // 37/35/28/26 mm, to the twip.
    assert_eq!(
        [MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT],
        [2098, 1984, 1587, 1474]
    );
    assert!(section.contains(&format!("w:linePitch=\"{LINE_PITCH}\"")));
    assert_eq!(LINE_PITCH, 579, "22 lines in 225 mm");
    assert!(section.contains(r#"w:type="even""#), "an even-page footer");

    // 版头: the issuer in red, then 期号 and date over a red rule, then the title.
    let body = paragraphs(&document);
    let config = keyproj::config::Config::load(None).expect("default config");
    assert_eq!(body[0], config.circular.issuer);
    assert_eq!(config.circular.issuer, "长子县重点项目建设联席会议办公室");
    let first = blocks(&document, "w:p").remove(0);
    assert!(
        first.contains(&format!(r#"<w:color w:val="{RED}" />"#)),
        "{first}"
    );
    assert_eq!(body[1], "第11期2026年11月30日");
    let number_line = blocks(&document, "w:p").remove(1);
    let rule = blocks(number_line, "w:pBdr").pop().expect("the red rule");
    assert!(rule.contains("<w:bottom") && rule.contains(RED), "{rule}");
    assert!(!rule.contains("<w:top"), "{rule}");
    assert_eq!(body[2], "关于2026年11月全县重点项目建设督查情况的通报");
    assert!(blocks(&document, "w:p")[2].contains(&format!("w:val=\"{STYLE_TITLE}\"")));
    assert_eq!(body[3], config.circular.addressee);

    // Each style names its font, in every script, and its size.
    let styles = part(&docx, "word/styles.xml");
    for (id, font, size) in [
        (STYLE_BODY, FONT_BODY, 32),
        (STYLE_TITLE, FONT_TITLE, 44),
        (STYLE_HEADING_1, FONT_HEADING_1, 32),
        (STYLE_HEADING_2, FONT_HEADING_2, 32),
        (STYLE_PAGE_NUMBER, FONT_PAGE_NUMBER, 28),
    ] {
        let xml = style(&styles, id);
        for script in ["ascii", "hAnsi", "eastAsia"] {
            assert!(
                xml.contains(&format!("w:{script}=\"{font}\"")),
                "{id} {script}: {xml}"
            );
        }
        assert!(
            xml.contains(&format!("<w:sz w:val=\"{size}\" />")),
            "{id}: {xml}"
        );
    }
    assert_eq!(
        [FONT_TITLE, FONT_BODY, FONT_HEADING_1, FONT_HEADING_2],
        ["方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"]
    );
    // 28 characters to a line: the body's 3号 gives up a quarter point per character.
    assert!(style(&styles, STYLE_BODY).contains(r#"<w:spacing w:val="-5" />"#));
    // Named, not embedded.
    let names: Vec<String> = {
        let file = std::fs::File::open(&docx).unwrap();
        let zip = zip::ZipArchive::new(file).unwrap();
        zip.file_names()
            .filter_map(Result::ok)
            .map(|n| n.to_string())
            .collect()
    };
    assert!(
        !names.iter().any(|n| n.starts_with("word/fonts/")),
        "{names:?}"
    );

    // "— 1 —" at the outer corner: odd pages right, even pages left.
    let footers: Vec<String> = ["word/footer1.xml", "word/footer2.xml"]
        .iter()
        .map(|name| part(&docx, name))
        .collect();
    for footer in &footers {
        assert!(
            footer.contains("PAGE") && text(footer) == "— 1 —",
            "{footer}"
        );
    }
    assert!(footers[0].contains(r#"<w:jc w:val="right" />"#));
    assert!(footers[1].contains(r#"<w:jc w:val="left" />"#));
    assert!(part(&docx, "word/settings.xml").contains("<w:evenAndOddHeaders />"));

    // 版记 last: 抄送 and 印发 between rules.
    let colophon = tables(&document).pop().expect("版记");
    assert_eq!(colophon.len(), 2);
    assert_eq!(colophon[0][0], format!("抄送：{}", config.circular.copy_to));
    assert_eq!(
        colophon[1][0],
        format!("{}2026年11月30日印发", config.circular.issuer)
    );
    // The same inputs give the same bytes.
    let first_bytes = std::fs::read(&docx).unwrap();
    ws.run_expecting(&["--month", "2026-11"], 1);
    assert_eq!(std::fs::read(&docx).unwrap(), first_bytes);
}

#[test]
fn every_paragraph_and_table_cell_is_the_workbooks() {
    let Circular { ws, document, .. } = sample_circular();
    let xlsx = ws.path("reports/2026-11/督查通报_2026-11.xlsx");
    let body = paragraphs(&document);

    // 二: each unit's paragraph of 通报文字, line by line, in the order of the ranking.
    let text_sheet = shown_sheet(&xlsx, "通报文字");
    let header = text_sheet
        .iter()
        .position(|r| r.first().map(String::as_str) == Some("单位"))
        .expect("header");
    let ranking = read_csv(&ws.path("reports/2026-11/考核排名_2026-11.csv"));
    let rank_of = |unit: &str| ranking.iter().position(|r| r[1] == unit).expect("ranked");
    let mut rows: Vec<&Vec<String>> = text_sheet[header + 1..].iter().collect();
    assert!(rows.len() > 10, "{rows:?}");
    rows.sort_by_key(|r| rank_of(&r[0]));
    let start = body
        .iter()
        .position(|p| p == "二、存在的主要问题")
        .expect("section 二");
    let mut at = start + 1;
    for (k, row) in rows.iter().enumerate() {
        let mut lines = row[2].split('\n');
        let first = lines.next().unwrap();
        assert_eq!(body[at], format!("{}{first}", unit_heading(k + 1, &row[0])));
        at += 1;
        for line in lines {
            assert_eq!(body[at], line);
            at += 1;
        }
    }
    assert_eq!(body[at], "三、考核排名");

    // 一: the numbers of 通报汇总's 合计 row.
    let summary = shown_sheet(&xlsx, "通报汇总");
    let head = summary
        .iter()
        .find(|r| r.first().map(String::as_str) == Some("单位"))
        .unwrap();
    let totals = summary.last().unwrap();
    assert_eq!(totals[0], "合计");
    let items = body
        .iter()
        .find(|p| p.starts_with("（二）逾期事项情况。"))
        .expect("（二）");
    let all = totals.last().unwrap();
    assert!(
        items.contains(&format!("本月通报逾期事项{all}项")),
        "{items}"
    );
    for (category, n) in head.iter().zip(totals).skip(2).take(head.len() - 3) {
        let category = category.trim_end_matches("（项）");
        assert!(
            items.contains(&format!("{category}{n}项")),
            "{category} {n}: {items}"
        );
    }
    assert!(all.parse::<u32>().unwrap() > 0);

    // 三: one table per group, the ranking's units, totals and ranks.
    let docx_tables = tables(&document);
    let config = keyproj::config::Config::load(None).unwrap();
    let at_col = |name: &str| ranking[0].iter().position(|h| h == name).unwrap();
    for (g, group) in config.groups.iter().enumerate() {
        let table = &docx_tables[g];
        assert_eq!(
            table[0],
            ["排名", "单位", "总分", "等次", "上月排名", "排名变化"]
        );
        let expected: Vec<(String, String, String)> = ranking[1..]
            .iter()
            .filter(|r| &r[at_col("分组")] == group)
            .map(|r| {
                let total = r[at_col("总分")].parse::<f64>().map(|t| format!("{t:.2}"));
                (
                    r[at_col("组内排名")].clone(),
                    r[at_col("单位")].clone(),
                    total.unwrap_or_default(),
                )
            })
            .collect();
        let found: Vec<(String, String, String)> = table[1..]
            .iter()
            .map(|r| (r[0].clone(), r[1].clone(), r[2].clone()))
            .collect();
        assert_eq!(found, expected, "{group}");
    }

    // 附件1: every cell of 通报明细.
    let detail = shown_sheet(&xlsx, "通报明细");
    let header = detail
        .iter()
        .position(|r| r.first().map(String::as_str) == Some("序号"))
        .unwrap();
    let attachment = body.iter().position(|p| p == "附件1").expect("附件1");
    assert_eq!(body[attachment + 1], ATTACHMENT_TITLE);
    let table = &docx_tables[config.groups.len()];
    assert_eq!(table.len(), detail.len() - header);
    assert_eq!(table[..], detail[header..]);
}

#[test]
fn the_letterhead_and_colophon_come_from_the_config() {
    let ws = Workspace::fresh();
    copy_sample(&ws);
    let config = std::fs::read_to_string(ws.path("keyproj.toml")).unwrap();
    let config = config
        .replace(
            "issuer = \"长子县重点项目建设联席会议办公室\"",
            "issuer = \"长子县人民政府督查室\"\nissue_number = 7",
        )
        .replace("copy_to = \"县委", "copy_to = \"\"\n# \"县委");
    std::fs::write(ws.path("keyproj.toml"), config).unwrap();
    ws.run_expecting(&["--month", "2026-11"], 1);
    let docx = ws.path("reports/2026-11/督查通报_2026-11.docx");
    let document = part(&docx, "word/document.xml");
    let body = paragraphs(&document);
    assert_eq!(body[0], "长子县人民政府督查室");
    assert_eq!(body[1], "第7期2026年11月30日");
    // No 抄送 line: the 版记 is the 印发 line alone.
    let colophon = tables(&document).pop().unwrap();
    assert_eq!(colophon, [["长子县人民政府督查室2026年11月30日印发"]]);
    // The issuer signs the circular, above the date.
    let signed = body
        .iter()
        .rposition(|p| p == "长子县人民政府督查室")
        .expect("signature");
    assert!(signed > 1);
    assert_eq!(body[signed + 1], "2026年11月30日");
}
