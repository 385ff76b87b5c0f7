//! 督查通报_<YYYY-MM>.docx: the circular as a draft 公文 the office edits and signs, laid out
//! after GB/T 9704-2012 (党政机关公文格式). It is built from the same tables as the workbook
//! circular (`CircularTables`), so its numbers and names are the workbook's.
//!
//! Layout: A4; margins 37/35/28/26 mm (top/bottom/left/right); 22 lines of 28 characters (a
//! line grid of 22 and a character spacing that fits 28);
//! a red 版头 (发文机关标志, 期号 and date, red rule); title in 2号 方正小标宋简体; body in
//! 3号 仿宋_GB2312, 一、 headings in 黑体, （一） headings in 楷体_GB2312; page numbers
//! "— 1 —" in 4号 宋体 at the outer bottom corner; 附件 on a new page; 抄送 and 印发 lines
//! last. Fonts are named, not embedded: a machine without them substitutes its own.

use anyhow::Result;
use chrono::Datelike;
use docx_rs::{
    AlignmentType, BorderType, BreakType, DocGrid, DocGridType, Docx, FieldCharType, Footer,
    InstrPAGE, InstrText, LineSpacing, LineSpacingType, PageMargin, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SpecialIndentType, Style, StyleType,
    Tab, TabValueType, Table, TableBorder, TableBorderPosition, TableBorders, TableCell,
    TableLayoutType, TableRow, WidthType,
};

use super::circular::{categories, CircularTables};
use super::grid::{Grid, Out};
use super::monthly::{change_arrow, light_counts};
use super::Context;

/// Font names as the office's machines know them (GB/T 9704 §6).
pub const FONT_TITLE: &str = "方正小标宋简体";
pub const FONT_BODY: &str = "仿宋_GB2312";
pub const FONT_HEADING_1: &str = "黑体";
pub const FONT_HEADING_2: &str = "楷体_GB2312";
pub const FONT_PAGE_NUMBER: &str = "宋体";

/// Style ids, each naming its fonts (the test reads them back from styles.xml).
pub const STYLE_BODY: &str = "GwBody";
pub const STYLE_TITLE: &str = "GwTitle";
pub const STYLE_ISSUER: &str = "GwIssuer";
pub const STYLE_HEADING_1: &str = "GwHeading1";
pub const STYLE_HEADING_2: &str = "GwHeading2";
pub const STYLE_TABLE: &str = "GwTable";
pub const STYLE_COLOPHON: &str = "GwColophon";
pub const STYLE_PAGE_NUMBER: &str = "GwPageNumber";

/// The red of the 版头 (GB/T 9704 §7.2).
pub const RED: &str = "FF0000";

/// Twips (1/20 pt) per millimetre.
const TWIPS_PER_MM: f64 = 1440.0 / 25.4;
const fn mm(millimetres: u32) -> i32 {
    (millimetres as f64 * TWIPS_PER_MM + 0.5) as i32
}
const PAGE_WIDTH: u32 = 11_906;
const PAGE_HEIGHT: u32 = 16_838;
pub const MARGIN_TOP: i32 = mm(37);
pub const MARGIN_BOTTOM: i32 = mm(35);
pub const MARGIN_LEFT: i32 = mm(28);
pub const MARGIN_RIGHT: i32 = mm(26);
/// The text block: 156 mm × 225 mm.
const TEXT_WIDTH: i32 = PAGE_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT;
const TEXT_HEIGHT: i32 = PAGE_HEIGHT as i32 - MARGIN_TOP - MARGIN_BOTTOM;
pub const LINES_PER_PAGE: i32 = 22;
pub const CHARS_PER_LINE: i32 = 28;
/// Twips between lines: 22 lines fill the text block (rounded down so all 22 fit).
pub const LINE_PITCH: i32 = TEXT_HEIGHT / LINES_PER_PAGE;
/// Half-points: 2号 22 pt, 3号 16 pt, 4号 14 pt, 小四 12 pt.
const SIZE_2: usize = 44;
const SIZE_3: usize = 32;
const SIZE_4: usize = 28;
const SIZE_SMALL_4: usize = 24;
/// Character spacing of the 3号 text, in 1/20 pt: 16 pt characters are 0.2 pt too wide for 28
/// to a 156 mm line, so each gives up a little (Word's and LibreOffice's character grids
/// disagree; plain spacing reads the same in both).
const CHAR_SPACING: i32 =
    -(((SIZE_3 * 10) as i32 * CHARS_PER_LINE - TEXT_WIDTH) / CHARS_PER_LINE + 1);
// The page as GB/T 9704 draws it, checked when the crate builds: a 156 × 225 mm text block
// (to the twip the margins round to), 22 lines filling it, 28 characters to a line and not 29.
const _: () = assert!((TEXT_WIDTH - mm(156)).abs() <= 1 && (TEXT_HEIGHT - mm(225)).abs() <= 1);
const _: () = assert!(
    LINE_PITCH * LINES_PER_PAGE <= TEXT_HEIGHT
        && TEXT_HEIGHT - LINE_PITCH * LINES_PER_PAGE < LINES_PER_PAGE
);
const _: () = assert!(
    ((SIZE_3 * 10) as i32 + CHAR_SPACING) * CHARS_PER_LINE <= TEXT_WIDTH
        && ((SIZE_3 * 10) as i32 + CHAR_SPACING) * (CHARS_PER_LINE + 1) > TEXT_WIDTH
);

/// One 3号 character, in twips (indents of "空二字").
const CHAR: i32 = (SIZE_3 * 10) as i32;
/// One 4号 character, in twips (the 版记 and page numbers sit one character in).
const CHAR_4: i32 = (SIZE_4 * 10) as i32;

/// The document's bytes.
pub fn circular_docx(ctx: &Context, tables: &CircularTables) -> Result<Vec<u8>> {
    let mut doc = page_setup(styles(Docx::new()));
    for paragraph in letterhead(ctx) {
        doc = doc.add_paragraph(paragraph);
    }
    doc = overall(doc, ctx, tables)?;
    doc = problems(doc, ctx, tables)?;
    doc = ranking(doc, ctx);
    doc = requirements(doc, ctx);
    doc = signature(doc, ctx);
    let workbook = format!("督查通报_{}.xlsx", ctx.month());
    doc = attachment(doc, &tables.detail, ATTACHMENT_ROWS, &workbook);
    // The body may end with a table; a paragraph after it would start a blank page.
    doc = doc
        .add_paragraph(lines_before(Paragraph::new(), 1))
        .add_table(colophon(ctx));
    let mut stored = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut stored)?;
    deflated(stored.into_inner())
}

/// The package with every part compressed: `docx-rs` stores them as they are, and a circular
/// with thousands of items would be ten times larger than it needs to be. The entries keep
/// their order and a fixed time, so the bytes stay reproducible.
fn deflated(stored: Vec<u8>) -> Result<Vec<u8>> {
    use std::io::{Cursor, Write};
    let mut archive = zip::ZipArchive::new(Cursor::new(stored))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i)?;
        let name = entry.name()?.to_string();
        if entry.is_dir() {
            out.add_directory(name, options)?;
            continue;
        }
        let mut content = Vec::with_capacity(entry.size() as usize);
        std::io::copy(&mut entry, &mut content)?;
        out.start_file(name, options)?;
        out.write_all(&content)?;
    }
    Ok(out.finish()?.into_inner())
}

fn fonts(name: &str) -> RunFonts {
    RunFonts::new()
        .ascii(name)
        .hi_ansi(name)
        .east_asia(name)
        .cs(name)
}

fn styles(doc: Docx) -> Docx {
    let paragraph = |id: &str, name: &str, font: &str, size: usize| {
        let mut style = Style::new(id, StyleType::Paragraph)
            .name(name)
            .fonts(fonts(font))
            .size(size);
        if size == SIZE_3 {
            style.run_property = style.run_property.character_spacing(CHAR_SPACING);
        }
        style
    };
    doc.default_fonts(fonts(FONT_BODY))
        .default_size(SIZE_3)
        .add_style(
            two_characters_in(paragraph(STYLE_BODY, "公文正文", FONT_BODY, SIZE_3))
                .align(AlignmentType::Both),
        )
        .add_style(
            paragraph(STYLE_TITLE, "公文标题", FONT_TITLE, SIZE_2)
                .align(AlignmentType::Center)
                .snap_to_grid(false)
                .line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Exact)
                        .line(LINE_PITCH),
                ),
        )
        .add_style(
            paragraph(STYLE_ISSUER, "发文机关标志", FONT_TITLE, SIZE_2)
                .color(RED)
                .align(AlignmentType::Center),
        )
        .add_style(two_characters_in(paragraph(
            STYLE_HEADING_1,
            "一级标题",
            FONT_HEADING_1,
            SIZE_3,
        )))
        .add_style(two_characters_in(paragraph(
            STYLE_HEADING_2,
            "二级标题",
            FONT_HEADING_2,
            SIZE_3,
        )))
        .add_style(
            paragraph(STYLE_TABLE, "表格文字", FONT_BODY, SIZE_SMALL_4)
                .align(AlignmentType::Center)
                .snap_to_grid(false),
        )
        .add_style(paragraph(STYLE_COLOPHON, "版记", FONT_BODY, SIZE_4).snap_to_grid(false))
        .add_style(paragraph(
            STYLE_PAGE_NUMBER,
            "页码",
            FONT_PAGE_NUMBER,
            SIZE_4,
        ))
}

/// A style whose first line starts two characters in (空二字), in twips and in characters.
fn two_characters_in(style: Style) -> Style {
    style
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(2 * CHAR)),
            None,
            None,
        )
        .first_line_chars(200)
}

/// A4, the GB/T 9704 margins, the 22 × 28 grid, page numbers at the outer corners.
fn page_setup(doc: Docx) -> Docx {
    let page_number = |align: AlignmentType, left: i32, right: i32| {
        Footer::new().add_paragraph(
            Paragraph::new()
                .style(STYLE_PAGE_NUMBER)
                .align(align)
                .indent(Some(left), None, Some(right), None)
                .add_run(
                    Run::new()
                        .add_text("— ")
                        .add_field_char(FieldCharType::Begin, false)
                        .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
                        .add_field_char(FieldCharType::Separate, false)
                        .add_text("1")
                        .add_field_char(FieldCharType::End, false)
                        .add_text(" —"),
                ),
        )
    };
    let mut doc = doc
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(PageMargin {
            top: MARGIN_TOP,
            left: MARGIN_LEFT,
            bottom: MARGIN_BOTTOM,
            right: MARGIN_RIGHT,
            header: mm(15),
            // The page number's rule line sits 7 mm under the text block.
            footer: mm(35 - 7 - 5),
            gutter: 0,
        })
        // Odd pages: right, one character in; even pages: left, one character in.
        .footer(page_number(AlignmentType::Right, 0, CHAR_4))
        .even_footer(page_number(AlignmentType::Left, CHAR_4, 0));
    doc.document = doc.document.doc_grid(
        DocGrid::new()
            .grid_type(DocGridType::Lines)
            .line_pitch(LINE_PITCH as usize),
    );
    doc
}

fn text_run(text: &str) -> Run {
    Run::new().add_text(text)
}

fn styled(style: &str, text: &str) -> Paragraph {
    Paragraph::new().style(style).add_run(text_run(text))
}

/// Space before a paragraph, in lines of the grid.
fn lines_before(paragraph: Paragraph, lines: u32) -> Paragraph {
    paragraph.line_spacing(LineSpacing::new().before(lines * LINE_PITCH as u32))
}

/// "2026年11月30日".
fn chinese_date(date: chrono::NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// The 版头: the issuer in red, 期号 and date, then the red rule.
fn letterhead(ctx: &Context) -> Vec<Paragraph> {
    let issuer = &ctx.config.circular.issuer;
    // The mark is narrower than the text block (GB/T 9704 §7.2.2), with a character to spare.
    let chars = issuer.chars().count() + 1;
    let size = ((TEXT_WIDTH as usize / 10) / chars).clamp(SIZE_3, 72);
    let number = ctx
        .config
        .circular
        .issue_number
        .unwrap_or_else(|| ctx.as_of.month());
    let mark = Paragraph::new()
        .style(STYLE_ISSUER)
        .snap_to_grid(false)
        .line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Auto)
                .line(240)
                .after(LINE_PITCH as u32),
        )
        .add_run(text_run(issuer).size(size).color(RED));
    let rule = ParagraphBorder::new(ParagraphBorderPosition::Bottom)
        .val(BorderType::Single)
        .color(RED)
        .size(12)
        .space(4);
    let mut number_line = Paragraph::new()
        .style(STYLE_BODY)
        .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
        .first_line_chars(0)
        .add_tab(Tab::new().val(TabValueType::Right).pos(TEXT_WIDTH as usize))
        .add_run(text_run(&format!("第{number}期")))
        .add_run(Run::new().add_tab())
        .add_run(text_run(&chinese_date(ctx.as_of)));
    number_line.property = number_line
        .property
        .set_borders(ParagraphBorders::with_empty().set(rule));
    let title = lines_before(
        styled(
            STYLE_TITLE,
            &format!(
                "关于{}年{}月全县重点项目建设督查情况的通报",
                ctx.as_of.year(),
                ctx.as_of.month()
            ),
        ),
        2,
    );
    let addressee = lines_before(
        Paragraph::new()
            .style(STYLE_BODY)
            .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
            .first_line_chars(0)
            .add_run(text_run(&ctx.config.circular.addressee)),
        1,
    );
    let opening = styled(
        STYLE_BODY,
        &format!(
            "按照重点项目建设“一月一督导、一月一通报”的要求，现将截至{}{}重点项目建设督查情况通报如下：",
            chinese_date(ctx.as_of),
            ctx.config.county
        ),
    );
    vec![mark, number_line, title, addressee, opening]
}

/// The 合计 row of the summary: items per category and in all.
fn category_totals(summary: &Grid) -> Vec<(String, i64)> {
    let Some(totals) = summary.rows.last() else {
        return Vec::new();
    };
    summary
        .headers
        .iter()
        .zip(totals)
        .skip(2)
        .filter_map(|(header, cell)| match cell {
            Out::Int(n) => Some((header.trim_end_matches("（项）").to_string(), *n)),
            _ => None,
        })
        .collect()
}

/// 一、总体情况: projects, investment and lights; the circular's items by category.
fn overall(doc: Docx, ctx: &Context, tables: &CircularTables) -> Result<Docx> {
    let metrics = &ctx.assessment.metrics;
    let lights: Vec<String> = light_counts(ctx)?
        .into_iter()
        .map(|(light, n)| format!("{light}项目{n}个"))
        .collect();
    let projects = format!(
        "全县纳入督查的重点项目{}个，时序进度{:.2}%。其中{}。",
        metrics.lights.height(),
        metrics.time_progress * 100.0,
        lights.join("、")
    );
    let totals = category_totals(&tables.summary);
    let all = totals.last().map_or(0, |(_, n)| *n);
    let unit_rows = tables.summary.rows.len().saturating_sub(1);
    let units = tables.summary.rows[..unit_rows]
        .iter()
        .filter(|row| matches!(row.last(), Some(Out::Int(n)) if *n > 0))
        .count();
    let by_category: Vec<String> = totals
        .iter()
        .take(categories().len())
        .map(|(category, n)| format!("{category}{n}项"))
        .collect();
    let items = format!(
        "本月通报逾期事项{all}项，涉及{units}个单位。其中：{}。",
        by_category.join("，")
    );
    Ok(doc
        .add_paragraph(styled(STYLE_HEADING_1, "一、总体情况"))
        .add_paragraph(heading_2_inline("（一）项目总体情况。", &projects))
        .add_paragraph(heading_2_inline("（二）逾期事项情况。", &items)))
}

/// A body paragraph opening with a run-in 二级标题 in 楷体.
fn heading_2_inline(heading: &str, text: &str) -> Paragraph {
    Paragraph::new()
        .style(STYLE_BODY)
        .add_run(text_run(heading).fonts(fonts(FONT_HEADING_2)))
        .add_run(text_run(text))
}

/// （一）…（九十九）…: Chinese ordinals for headings, up to 9,999.
pub fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    const UNITS: [&str; 4] = ["", "十", "百", "千"];
    if n == 0 || n > 9_999 {
        return n.to_string();
    }
    let digits: Vec<usize> = n.to_string().bytes().map(|b| (b - b'0') as usize).collect();
    let mut out = String::new();
    let mut zero_pending = false;
    for (i, &d) in digits.iter().enumerate() {
        let place = digits.len() - 1 - i;
        if d == 0 {
            zero_pending = !out.is_empty();
            continue;
        }
        if zero_pending {
            out.push_str(DIGITS[0]);
            zero_pending = false;
        }
        // 十一, not 一十一, when ten leads.
        if !(d == 1 && place == 1 && out.is_empty()) {
            out.push_str(DIGITS[d]);
        }
        out.push_str(UNITS[place]);
    }
    out
}

/// The opening of unit k's paragraph in 二、: "（k）单位：".
pub fn unit_heading(k: usize, unit: &str) -> String {
    format!("（{}）{unit}：", chinese_number(k))
}

/// 二、存在的主要问题: the workbook's paragraph of each unit, in the order of the ranking.
fn problems(mut doc: Docx, ctx: &Context, tables: &CircularTables) -> Result<Docx> {
    doc = doc.add_paragraph(styled(STYLE_HEADING_1, "二、存在的主要问题"));
    let ranking: std::collections::HashMap<&str, usize> = ctx
        .assessment
        .scores
        .iter()
        .enumerate()
        .map(|(i, s)| (s.unit.as_str(), i))
        .collect();
    let position = |unit: &str| ranking.get(unit).copied().unwrap_or(usize::MAX);
    let cell = |row: &[Out], i: usize| row.get(i).map(Out::shown).unwrap_or_default();
    let mut rows: Vec<(String, String)> = tables
        .text
        .rows
        .iter()
        .map(|row| (cell(row, 0), cell(row, 2)))
        .collect();
    rows.sort_by_key(|(unit, _)| position(unit));
    if rows.is_empty() {
        return Ok(doc.add_paragraph(styled(STYLE_BODY, "本月无逾期事项。")));
    }
    for (k, (unit, content)) in rows.iter().enumerate() {
        let mut lines = content.split('\n');
        let first = lines.next().unwrap_or_default();
        doc = doc.add_paragraph(heading_2_inline(&unit_heading(k + 1, unit), first));
        for line in lines {
            doc = doc.add_paragraph(styled(STYLE_BODY, line));
        }
    }
    Ok(doc)
}

/// 三、考核排名: one table per group, in the ranking's order.
fn ranking(mut doc: Docx, ctx: &Context) -> Docx {
    doc = doc.add_paragraph(styled(STYLE_HEADING_1, "三、考核排名"));
    for (k, group) in ctx.config.groups.iter().enumerate() {
        let grid = Grid {
            headers: ["排名", "单位", "总分", "等次", "上月排名", "排名变化"]
                .map(String::from)
                .to_vec(),
            rows: ctx
                .assessment
                .scores
                .iter()
                .filter(|s| &s.group == group)
                .map(|s| {
                    vec![
                        Out::opt_int(s.rank.map(i64::from)),
                        Out::text(&s.unit),
                        Out::opt_number(s.total, super::grid::NumFmt::Score),
                        Out::text(&s.grade),
                        Out::opt_int(s.previous_rank.map(i64::from)),
                        Out::text(change_arrow(s.rank_change())),
                    ]
                })
                .collect(),
        };
        doc = doc
            .add_paragraph(styled(
                STYLE_HEADING_2,
                &format!("（{}）{group}", chinese_number(k + 1)),
            ))
            .add_table(table(&grid));
    }
    doc
}

/// 四、下步要求: the configured paragraphs, numbered, each opening phrase in 楷体.
fn requirements(mut doc: Docx, ctx: &Context) -> Docx {
    doc = doc.add_paragraph(styled(STYLE_HEADING_1, "四、下步要求"));
    for (k, text) in ctx.config.circular.requirements.iter().enumerate() {
        let number = format!("（{}）", chinese_number(k + 1));
        let paragraph = match text.split_once('。') {
            Some((lead, rest)) if lead.chars().count() <= 12 => {
                heading_2_inline(&format!("{number}{lead}。"), rest)
            }
            _ => heading_2_inline(&number, text),
        };
        doc = doc.add_paragraph(paragraph);
    }
    doc
}

/// 附件说明, then the issuer and the date, right-aligned four characters in.
fn signature(doc: Docx, ctx: &Context) -> Docx {
    let right = |text: &str| {
        Paragraph::new()
            .style(STYLE_BODY)
            .align(AlignmentType::Right)
            .indent(
                Some(0),
                Some(SpecialIndentType::FirstLine(0)),
                Some(4 * CHAR),
                None,
            )
            .first_line_chars(0)
            .add_run(text_run(text))
    };
    doc.add_paragraph(lines_before(
        styled(STYLE_BODY, &format!("附件：1.{ATTACHMENT_TITLE}")),
        1,
    ))
    .add_paragraph(lines_before(right(&ctx.config.circular.issuer), 2))
    .add_paragraph(right(&chinese_date(ctx.as_of)))
}

pub const ATTACHMENT_TITLE: &str = "逾期事项明细";

/// The most items 附件1 prints as a table (about 80 pages); a longer list stays in the workbook.
pub const ATTACHMENT_ROWS: usize = 1_000;

/// 附件1 on a new page: every item of the circular, or, when there are more than `max_rows`,
/// where to find them (`workbook`): a printed list of thousands of rows helps nobody, and
/// would take gigabytes to build.
fn attachment(doc: Docx, detail: &Grid, max_rows: usize, workbook: &str) -> Docx {
    let label = Paragraph::new()
        .style(STYLE_HEADING_1)
        .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
        .first_line_chars(0)
        .add_run(Run::new().add_break(BreakType::Page))
        .add_run(text_run("附件1"));
    let doc = doc
        .add_paragraph(label)
        .add_paragraph(styled(STYLE_TITLE, ATTACHMENT_TITLE));
    if detail.rows.is_empty() {
        return doc.add_paragraph(styled(STYLE_BODY, "本月无逾期事项。"));
    }
    if detail.rows.len() > max_rows {
        return doc.add_paragraph(styled(
            STYLE_BODY,
            &format!(
                "本月逾期事项共{}项，超过{max_rows}项，明细不随文印发，见《{workbook}》“通报明细”工作表。",
                detail.rows.len()
            ),
        ));
    }
    doc.add_table(table(detail))
}

/// Twips per display column of 小四 text (a CJK character takes two), and a cell's margins.
const TABLE_UNIT: usize = 150;
const CELL_MARGINS: usize = 260;
/// A header wraps after this many display columns rather than widen its column.
const HEADER_UNITS: usize = 6;
/// Text longer than this many display columns weighs no more when the text columns share out
/// the width.
const TEXT_UNITS: usize = 40;

/// Column widths in twips that fill the text block. Columns of numbers and dates are as wide as
/// their widest value (their header counted up to `HEADER_UNITS`), so they never wrap; text
/// columns get as much (or their own width, when less), and share the rest by how much longer
/// their longest text is (counted up to `TEXT_UNITS`).
pub fn column_widths(grid: &Grid) -> Vec<usize> {
    let available = TEXT_WIDTH as usize;
    let columns: Vec<(usize, bool)> = grid
        .headers
        .iter()
        .enumerate()
        .map(|(c, header)| {
            let values = || grid.rows.iter().filter_map(move |r| r.get(c));
            let is_text = values().any(|v| matches!(v, Out::Text(_)));
            let body = values().map(Out::width).max().unwrap_or(0);
            let header = Out::text(header).width().min(HEADER_UNITS);
            (body.max(header).max(2), is_text)
        })
        .collect();
    let width_of = |units: usize| units * TABLE_UNIT + CELL_MARGINS;
    // Numbers and dates at their width; text at least `HEADER_UNITS` wide (or its own width).
    let floors: Vec<usize> = columns
        .iter()
        .map(|&(units, text)| width_of(if text { units.min(HEADER_UNITS) } else { units }))
        .collect();
    // Longer text takes a share of what is left, by how much longer it is.
    let extra: Vec<usize> = columns
        .iter()
        .map(|&(units, text)| {
            if text {
                units.min(TEXT_UNITS).saturating_sub(HEADER_UNITS)
            } else {
                0
            }
        })
        .collect();
    let floor_total: usize = floors.iter().sum();
    let extra_total: usize = extra.iter().sum();
    let mut widths: Vec<usize> = if floor_total <= available && extra_total > 0 {
        let share = available - floor_total;
        floors
            .iter()
            .zip(&extra)
            .map(|(floor, e)| floor + e * share / extra_total)
            .collect()
    } else {
        floors
            .iter()
            .map(|w| w * available / floor_total.max(1))
            .collect()
    };
    // What rounding left goes to the widest column.
    let left = available.saturating_sub(widths.iter().sum());
    if let Some(widest) = (0..widths.len()).max_by_key(|&c| (widths[c], std::cmp::Reverse(c))) {
        widths[widest] += left;
    }
    widths
}

/// A table across the text block (`column_widths`), the header in 黑体.
fn table(grid: &Grid) -> Table {
    let grid_widths = column_widths(grid);
    let cell = |text: &str, width: usize, header: bool| {
        let mut run = text_run(text);
        if header {
            run = run.fonts(fonts(FONT_HEADING_1));
        }
        TableCell::new()
            .width(width, WidthType::Dxa)
            .add_paragraph(Paragraph::new().style(STYLE_TABLE).add_run(run))
    };
    let header = TableRow::new(
        grid.headers
            .iter()
            .zip(&grid_widths)
            .map(|(h, w)| cell(h, *w, true))
            .collect(),
    )
    .cant_split();
    let rows = grid.rows.iter().map(|row| {
        TableRow::new(
            row.iter()
                .zip(&grid_widths)
                .map(|(value, w)| cell(&value.shown(), *w, false))
                .collect(),
        )
        .cant_split()
    });
    Table::new(std::iter::once(header).chain(rows).collect())
        .set_grid(grid_widths.clone())
        .width(TEXT_WIDTH as usize, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

/// The 版记: 抄送 (when configured) and 印发, between rules (GB/T 9704 §7.4: the outer rules
/// 0.35 mm, the one between 0.25 mm), two lines under the last text.
fn colophon(ctx: &Context) -> Table {
    let circular = &ctx.config.circular;
    let line = |text: &str| {
        Paragraph::new()
            .style(STYLE_COLOPHON)
            .indent(Some(CHAR_4), None, Some(CHAR_4), None)
            .add_run(text_run(text))
    };
    let printed = line(&circular.issuer)
        .add_tab(
            Tab::new()
                .val(TabValueType::Right)
                .pos((TEXT_WIDTH - 2 * CHAR_4) as usize),
        )
        .add_run(Run::new().add_tab())
        .add_run(text_run(&format!("{}印发", chinese_date(ctx.as_of))));
    let copy_to = circular.copy_to.trim();
    let rows = (!copy_to.is_empty())
        .then(|| line(&format!("抄送：{copy_to}")))
        .into_iter()
        .chain([printed])
        .map(|p| {
            TableRow::new(vec![TableCell::new()
                .width(TEXT_WIDTH as usize, WidthType::Dxa)
                .add_paragraph(p)])
        })
        .collect();
    let rule = |position, size| {
        TableBorder::new(position)
            .border_type(BorderType::Single)
            .size(size)
            .color("000000")
    };
    Table::new(rows)
        .set_grid(vec![TEXT_WIDTH as usize])
        .width(TEXT_WIDTH as usize, WidthType::Dxa)
        .set_borders(
            TableBorders::with_empty()
                .set(rule(TableBorderPosition::Top, 8))
                .set(rule(TableBorderPosition::Bottom, 8))
                .set(rule(TableBorderPosition::InsideH, 6)),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_ordinals() {
        let cases = [
            (1, "一"),
            (10, "十"),
            (11, "十一"),
            (20, "二十"),
            (21, "二十一"),
            (100, "一百"),
            (101, "一百零一"),
            (110, "一百一十"),
            (300, "三百"),
            (1005, "一千零五"),
        ];
        for (n, text) in cases {
            assert_eq!(chinese_number(n), text, "{n}");
        }
    }

    fn document_xml(doc: Docx) -> String {
        let mut stored = std::io::Cursor::new(Vec::new());
        doc.build().pack(&mut stored).unwrap();
        let mut zip = zip::ZipArchive::new(stored).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        xml
    }

    #[test]
    fn a_list_too_long_to_print_is_pointed_to_not_printed() {
        let detail = Grid {
            headers: vec!["序号".into(), "事项".into()],
            rows: (1..=3)
                .map(|i| vec![Out::Int(i), Out::text(format!("事项{i}"))])
                .collect(),
        };
        let printed = document_xml(attachment(Docx::new(), &detail, 3, "督查通报_2026-11.xlsx"));
        assert!(
            printed.contains("<w:tbl>") && printed.contains("事项3"),
            "{printed}"
        );
        let pointed = document_xml(attachment(Docx::new(), &detail, 2, "督查通报_2026-11.xlsx"));
        assert!(
            !pointed.contains("<w:tbl>") && !pointed.contains("事项1"),
            "{pointed}"
        );
        assert!(pointed.contains(
            "本月逾期事项共3项，超过2项，明细不随文印发，见《督查通报_2026-11.xlsx》“通报明细”工作表。"
        ));
    }

    #[test]
    fn short_columns_keep_their_width_and_long_text_wraps() {
        let grid = Grid {
            headers: ["序号", "期限", "事项"].map(String::from).to_vec(),
            rows: vec![vec![
                Out::Int(100),
                Out::Date(chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default()),
                Out::text("很长的事项".repeat(20)),
            ]],
        };
        let widths = column_widths(&grid);
        assert_eq!(widths.iter().sum::<usize>(), TEXT_WIDTH as usize);
        assert_eq!(widths[0], 4 * TABLE_UNIT + CELL_MARGINS);
        assert_eq!(widths[1], 10 * TABLE_UNIT + CELL_MARGINS);
        assert_eq!(widths[2], TEXT_WIDTH as usize - widths[0] - widths[1]);
        let narrow = Grid {
            headers: vec!["单位".into(), "总分".into()],
            rows: vec![vec![Out::text("县发改局"), Out::Int(90)]],
        };
        assert_eq!(
            column_widths(&narrow).iter().sum::<usize>(),
            TEXT_WIDTH as usize
        );
    }
}
