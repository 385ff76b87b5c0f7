//! Finding the header row of a sheet, classifying the sheet by it, and reading the
//! "填报单位：… 报告期：… 填报日期：…" lines above it. Pure functions of the cells.

use std::collections::HashMap;

use super::cell::{Cell, MoneyUnit};
use super::read::RawSheet;
use super::schema::{ColumnDef, Table};
use crate::text::{fold, folded};

/// How many rows from the top are searched for the header.
const HEADER_SEARCH_ROWS: usize = 30;
/// A header row must name at least this many of a table's columns.
const MIN_HEADER_MATCHES: usize = 3;

/// A header cell after normalization: the folded name and a money unit taken from brackets.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderName {
    pub name: String,
    pub unit: Option<MoneyUnit>,
}

/// Normalize a header cell: trim, fold width and whitespace, drop `*` markers and a trailing
/// bracketed unit ("总投资（万元）" → 总投资 with 万元; "投资（万元））" → 投资).
pub fn normalize_header(raw: &str) -> HeaderName {
    let folded = folded(raw);
    let mut s = folded.trim_matches('*');
    let mut unit = None;
    while s.ends_with(')') {
        if s.matches(')').count() > s.matches('(').count() {
            s = &s[..s.len() - 1];
            continue;
        }
        let Some(open) = s.rfind('(') else {
            break;
        };
        match &s[open + 1..s.len() - 1] {
            "万元" | "万" => unit = unit.or(Some(MoneyUnit::Wan)),
            "亿元" | "亿" => unit = unit.or(Some(MoneyUnit::Yi)),
            _ => {}
        }
        if open == 0 {
            break;
        }
        s = &s[..open];
    }
    HeaderName {
        name: s.trim_matches('*').to_string(),
        unit,
    }
}

/// Header aliases of every table, folded, plus aliases added in the config.
#[derive(Debug, Clone)]
pub struct AliasTable {
    /// One map per table, in the order of `Table::ALL` (the header search looks every name of
    /// the top rows up in each, so the hash is the fast one).
    by_table: Vec<Aliases>,
}

type Aliases = HashMap<String, &'static ColumnDef, foldhash::fast::RandomState>;

impl AliasTable {
    /// `extra` holds (table, canonical column name, alias) triples from the config.
    pub fn new(extra: &[(Table, String, String)]) -> AliasTable {
        let mut by_table = Vec::with_capacity(Table::ALL.len());
        for table in Table::ALL {
            let mut map = Aliases::default();
            for column in table.columns() {
                map.insert(fold(column.name), column);
                for alias in column.aliases {
                    map.insert(normalize_header(alias).name, column);
                }
            }
            for (t, canonical, alias) in extra {
                if *t == table {
                    if let Some(column) = table.columns().iter().find(|c| c.name == canonical) {
                        map.insert(normalize_header(alias).name, column);
                    }
                }
            }
            by_table.push(map);
        }
        AliasTable { by_table }
    }

    /// The canonical column a normalized header names in `table`.
    pub fn lookup(&self, table: Table, name: &str) -> Option<&'static ColumnDef> {
        let aliases = &self.by_table[table as usize];
        if let Some(column) = aliases.get(name) {
            return Some(column);
        }
        // "1-10月完成投资" / "1—10月累计完成投资": this year's cumulative investment.
        if table == Table::Projects && is_year_to_date_investment(name) {
            return aliases.get("本年完成投资").copied();
        }
        None
    }
}

fn is_year_to_date_investment(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('1') else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(['-', '—', '–', '~', '至', '到']) else {
        return false;
    };
    let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 2 {
        return false;
    }
    let tail = &rest[digits..];
    matches!(tail, "月完成投资" | "月累计完成投资" | "月份完成投资")
}

/// One recognized column of a header row.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedColumn {
    /// Index into the row's cells.
    pub index: usize,
    pub def: &'static ColumnDef,
    /// The header as written.
    pub header: String,
    pub unit: MoneyUnit,
}

/// The header row of a sheet and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderMatch {
    pub table: Table,
    /// Index into `RawSheet::rows`.
    pub row: usize,
    pub columns: Vec<MappedColumn>,
    /// Headers that name no column of the table (kept out, noted once).
    pub unknown: Vec<String>,
    /// Required columns the header lacks.
    pub missing: Vec<&'static str>,
}

/// Find the header row and the table it belongs to; `None` when no row looks like a header.
pub fn find_header(sheet: &RawSheet, aliases: &AliasTable) -> Option<HeaderMatch> {
    // Each row is normalized once and scored against every table without allocating; only the
    // winner is built in full (this search runs on every sheet and used to dominate staging).
    let mut best: Option<(usize, Candidate)> = None;
    for (row_index, row) in sheet.rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let names = normalized_names(row);
        if names.iter().flatten().count() < MIN_HEADER_MATCHES {
            continue;
        }
        for table in Table::ALL {
            let single = matched_columns(&names, table, aliases);
            // A two-row header's top row names most columns itself (merged vertically).
            let two_row = sheet
                .rows
                .get(row_index + 1)
                .filter(|below| single.len() >= MIN_HEADER_MATCHES && is_sub_header(row, below))
                .map(|below| composite_header(row, below, table, aliases));
            let candidate = match two_row {
                Some(cells) => {
                    let two = matched_columns(&normalized_names(&cells), table, aliases);
                    if two.len() >= single.len() {
                        Candidate::TwoRow(row_index, table, cells, two)
                    } else {
                        Candidate::Single(row_index, table, single)
                    }
                }
                None => Candidate::Single(row_index, table, single),
            };
            let matched = candidate.matched();
            let signature_hits = table
                .signature()
                .iter()
                .filter(|s| matched.iter().any(|def| def.name == **s))
                .count();
            let score = matched.len();
            if score < MIN_HEADER_MATCHES || signature_hits < 2.min(table.signature().len()) {
                continue;
            }
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, candidate));
            }
        }
    }
    best.map(|(_, candidate)| match candidate {
        Candidate::Single(row_index, table, _) => {
            match_row(&sheet.rows[row_index], row_index, table, aliases)
        }
        Candidate::TwoRow(row_index, table, cells, _) => {
            match_row(&cells, row_index + 1, table, aliases)
        }
    })
}

/// A possible header: its row, table, (composite cells) and the columns it names.
enum Candidate {
    Single(usize, Table, Vec<&'static ColumnDef>),
    TwoRow(usize, Table, Vec<Cell>, Vec<&'static ColumnDef>),
}

impl Candidate {
    fn matched(&self) -> &[&'static ColumnDef] {
        match self {
            Candidate::Single(_, _, m) | Candidate::TwoRow(_, _, _, m) => m,
        }
    }
}

/// The normalized name of each text cell of a row (`None` for other cells and empty names).
fn normalized_names(row: &[Cell]) -> Vec<Option<String>> {
    row.iter()
        .map(|cell| match cell {
            Cell::Text(raw) => Some(normalize_header(raw).name).filter(|n| !n.is_empty()),
            _ => None,
        })
        .collect()
}

/// The columns of `table` a row's names give, each once, in the order `match_row` maps them.
fn matched_columns(
    names: &[Option<String>],
    table: Table,
    aliases: &AliasTable,
) -> Vec<&'static ColumnDef> {
    let mut matched: Vec<&'static ColumnDef> = Vec::new();
    for name in names.iter().flatten() {
        if let Some(def) = aliases.lookup(table, name) {
            if !matched.iter().any(|m| m.name == def.name) {
                matched.push(def);
            }
        }
    }
    matched
}

/// Headers that name no column but are expected, so they are not noted.
const IGNORED_HEADERS: [&str; 3] = ["序号", "备注", "说明"];

/// Words under a group cell that mean "the group's own figure".
const TOTAL_WORDS: [&str; 5] = ["合计", "小计", "总计", "金额", "总额"];

/// Whether `below` is the second row of a two-row header under `row`: only text, none of it a
/// number or date, and at least one cell under a blank cell of `row` (a merged group's span).
fn is_sub_header(row: &[Cell], below: &[Cell]) -> bool {
    let all_labels = below.iter().all(|c| match c {
        Cell::Empty => true,
        Cell::Text(s) => {
            let t = crate::text::trim(s);
            t.parse::<f64>().is_err()
                && super::cell::parse_date(c, super::cell::DateRole::Actual)
                    .map_or(true, |d| d.is_none())
                && !t.is_empty()
        }
        _ => false,
    });
    let spans_group = below.iter().enumerate().any(|(j, c)| {
        !c.is_blank()
            && row.get(j).is_none_or(Cell::is_blank)
            && row[..j.min(row.len())].iter().any(|g| !g.is_blank())
    });
    all_labels && spans_group
}

/// One header row from two: a sub-column under a group cell becomes the group itself (合计),
/// the sub-column when the table knows it, or "group+sub" (kept out as unknown).
fn composite_header(row: &[Cell], below: &[Cell], table: Table, aliases: &AliasTable) -> Vec<Cell> {
    let width = row.len().max(below.len());
    let mut group: Option<String> = None;
    (0..width)
        .map(|j| {
            let top = row.get(j).filter(|c| !c.is_blank()).map(Cell::shown);
            if top.is_some() {
                group = top.clone();
            }
            let sub = below.get(j).filter(|c| !c.is_blank()).map(Cell::shown);
            match (sub, &group) {
                (None, _) => top.map_or(Cell::Empty, |top| Cell::Text(top.into())),
                (Some(sub), Some(group)) => {
                    let sub_name = normalize_header(&sub).name;
                    if TOTAL_WORDS.contains(&sub_name.as_str()) {
                        Cell::Text(group.as_str().into())
                    } else if aliases.lookup(table, &sub_name).is_some() {
                        Cell::Text(sub.into())
                    } else {
                        Cell::Text(format!("{}/{sub}", crate::text::trim(group)).into())
                    }
                }
                (Some(sub), None) => Cell::Text(sub.into()),
            }
        })
        .collect()
}

fn match_row(row: &[Cell], row_index: usize, table: Table, aliases: &AliasTable) -> HeaderMatch {
    let mut columns: Vec<MappedColumn> = Vec::new();
    let mut unknown = Vec::new();
    for (index, cell) in row.iter().enumerate() {
        let Cell::Text(raw) = cell else { continue };
        let header = normalize_header(raw);
        if header.name.is_empty() {
            continue;
        }
        match aliases.lookup(table, &header.name) {
            // A column named twice keeps its first occurrence.
            Some(def) if columns.iter().any(|c| c.def.name == def.name) => {
                unknown.push(raw.trim().to_string())
            }
            Some(def) => columns.push(MappedColumn {
                index,
                def,
                header: raw.trim().to_string(),
                unit: header.unit.unwrap_or(MoneyUnit::Wan),
            }),
            // Row numbers and remarks are in most county tables and mean nothing to the job.
            None if IGNORED_HEADERS.contains(&header.name.as_str()) => {}
            None => unknown.push(raw.trim().to_string()),
        }
    }
    let missing = table
        .columns()
        .iter()
        .filter(|c| c.required == super::schema::Required::Always)
        .filter(|c| !columns.iter().any(|m| m.def.name == c.name))
        .map(|c| c.name)
        .collect();
    HeaderMatch {
        table,
        row: row_index,
        columns,
        unknown,
        missing,
    }
}

/// The submitting unit, reporting month and fill date written above a header.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SheetMeta {
    pub unit: Option<String>,
    pub month: Option<String>,
    pub fill_date: Option<String>,
}

const META_LABELS: [&str; 4] = ["填报单位", "报送单位", "报告期", "填报日期"];

/// Read "填报单位：xxx 报告期：2026年10月 填报日期：…" from the rows above the header.
pub fn read_meta(rows: &[Vec<Cell>]) -> SheetMeta {
    let mut meta = SheetMeta::default();
    for row in rows {
        let line: String = row.iter().map(|c| c.shown()).collect::<Vec<_>>().join(" ");
        let line: String = line.chars().map(crate::text::to_half_width).collect();
        let mut found: Vec<(usize, &str)> = META_LABELS
            .iter()
            .filter_map(|label| line.find(label).map(|at| (at, *label)))
            .collect();
        found.sort_unstable();
        for (i, (at, label)) in found.iter().enumerate() {
            let start = at + label.len();
            let end = found.get(i + 1).map_or(line.len(), |(next, _)| *next);
            let value = line[start..end]
                .trim_start_matches(|c: char| c == ':' || c.is_whitespace())
                .trim();
            if value.is_empty() {
                continue;
            }
            let slot = match *label {
                "填报单位" | "报送单位" => &mut meta.unit,
                "报告期" => &mut meta.month,
                _ => &mut meta.fill_date,
            };
            slot.get_or_insert_with(|| value.to_string());
        }
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_row(cells: &[&str]) -> Vec<Cell> {
        cells
            .iter()
            .map(|s| {
                if s.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text((*s).into())
                }
            })
            .collect()
    }

    #[test]
    fn header_normalization() {
        let h = normalize_header(" 总投资\n（万元） ");
        assert_eq!(h.name, "总投资");
        assert_eq!(h.unit, Some(MoneyUnit::Wan));
        let h = normalize_header("*总投资（亿元)");
        assert_eq!(
            h,
            HeaderName {
                name: "总投资".into(),
                unit: Some(MoneyUnit::Yi)
            }
        );
        let h = normalize_header("当月调度投资（万元））");
        assert_eq!(h.name, "当月调度投资");
        assert_eq!(
            normalize_header("审批（核准/备案）日期").name,
            "审批(核准/备案)日期"
        );
        assert_eq!(normalize_header("项　目　名　称").name, "项目名称");
    }

    #[test]
    fn year_to_date_investment_headers() {
        let aliases = AliasTable::new(&[]);
        for h in [
            "1-10月完成投资",
            "1—3月完成投资（万元）",
            "1-12月累计完成投资",
        ] {
            let name = normalize_header(h).name;
            assert_eq!(
                aliases.lookup(Table::Projects, &name).map(|c| c.name),
                Some("本年完成投资"),
                "{h}"
            );
        }
        let name = normalize_header("自开工累计完成投资").name;
        assert_eq!(aliases.lookup(Table::Projects, &name), None);
    }

    #[test]
    fn finds_header_below_title_and_meta_lines() {
        let sheet = RawSheet {
            name: "Sheet1".into(),
            rows: vec![
                text_row(&["长子县重点项目建设进展情况表"]),
                text_row(&[
                    "填报单位：丹朱镇人民政府（盖章）",
                    "",
                    "报告期：2026年3月",
                    "填报日期：2026年4月3日",
                ]),
                text_row(&[
                    "序号",
                    "项目名称",
                    "板块",
                    "项目状态",
                    "责任单位",
                    "总投资（万元）",
                    "备注",
                ]),
                text_row(&["1", "道路工程", "基础设施", "在建", "丹朱镇", "1200", ""]),
            ],
            ..RawSheet::default()
        };
        let aliases = AliasTable::new(&[]);
        let header = find_header(&sheet, &aliases).unwrap();
        assert_eq!(header.table, Table::Projects);
        assert_eq!(header.row, 2);
        assert_eq!(header.columns.len(), 5);
        assert!(header.unknown.is_empty(), "{:?}", header.unknown);
        assert!(header.missing.is_empty());
        let meta = read_meta(&sheet.rows[..header.row]);
        assert_eq!(meta.unit.as_deref(), Some("丹朱镇人民政府(盖章)"));
        assert_eq!(meta.month.as_deref(), Some("2026年3月"));
        assert_eq!(meta.fill_date.as_deref(), Some("2026年4月3日"));
    }

    #[test]
    fn two_row_header_with_a_group_cell() {
        let sheet = RawSheet {
            name: "Sheet1".into(),
            rows: vec![
                text_row(&[
                    "项目名称",
                    "所属板块",
                    "项目阶段",
                    "牵头责任单位",
                    "总投资（亿元）",
                    "",
                    "建设年限",
                    "",
                ]),
                text_row(&[
                    "",
                    "",
                    "",
                    "",
                    "合计",
                    "其中财政",
                    "计划开工日期",
                    "计划竣工日期",
                ]),
                text_row(&[
                    "道路工程",
                    "基础设施",
                    "在建",
                    "丹朱镇",
                    "1.2",
                    "0.3",
                    "2026-03-01",
                    "2027-06-30",
                ]),
            ],
            ..RawSheet::default()
        };
        let header = find_header(&sheet, &AliasTable::new(&[])).unwrap();
        assert_eq!(header.row, 1);
        let names: Vec<(&str, usize)> = header
            .columns
            .iter()
            .map(|c| (c.def.name, c.index))
            .collect();
        assert_eq!(
            names,
            vec![
                ("项目名称", 0),
                ("所属板块", 1),
                ("项目阶段", 2),
                ("牵头责任单位", 3),
                ("总投资", 4),
                ("计划开工日期", 6),
                ("计划竣工日期", 7)
            ]
        );
        assert_eq!(header.columns[4].unit, MoneyUnit::Yi);
        assert_eq!(header.unknown, vec!["总投资（亿元）/其中财政".to_string()]);
    }

    #[test]
    fn meta_in_one_cell() {
        let rows = vec![text_row(&[
            "填报单位：县住建局    报告期：2026年10月    填报日期：2026-11-03",
        ])];
        let meta = read_meta(&rows);
        assert_eq!(meta.unit.as_deref(), Some("县住建局"));
        assert_eq!(meta.month.as_deref(), Some("2026年10月"));
        assert_eq!(meta.fill_date.as_deref(), Some("2026-11-03"));
    }

    #[test]
    fn a_sheet_without_a_header_is_unclassified() {
        let sheet = RawSheet {
            name: "说明".into(),
            rows: vec![text_row(&["填表说明"]), text_row(&["项目名称", "备注"])],
            ..RawSheet::default()
        };
        assert_eq!(find_header(&sheet, &AliasTable::new(&[])), None);
    }

    #[test]
    fn classifies_each_table() {
        let aliases = AliasTable::new(&[]);
        let cases = [
            (
                vec![
                    "通知书编号",
                    "项目名称",
                    "督办事项",
                    "督办对象",
                    "下发日期",
                    "办理时限",
                ],
                Table::Notices,
            ),
            (
                vec![
                    "任务编号",
                    "来源",
                    "交办日期",
                    "任务内容",
                    "责任单位",
                    "完成时限",
                ],
                Table::Tasks,
            ),
            (
                vec!["调研日期", "调研人", "身份", "所在单位", "项目名称"],
                Table::Visits,
            ),
        ];
        for (headers, table) in cases {
            let sheet = RawSheet {
                name: "s".into(),
                rows: vec![text_row(&headers)],
                ..RawSheet::default()
            };
            assert_eq!(find_header(&sheet, &aliases).unwrap().table, table);
        }
    }
}
