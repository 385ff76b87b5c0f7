//! Blank submission workbooks (`keyproj template`): canonical headers (required ones marked
//! `*`), dropdowns from the effective config, date checks, a hint per column, a frozen header
//! and one example row that ingestion skips.

use anyhow::Result;
use chrono::NaiveDate;
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format,
    FormatBorder, Formula, Worksheet,
};
use unicode_width::UnicodeWidthStr;

use super::grid::{new_workbook, print_setup};
use crate::config::Config;
use crate::ingest::schema::field::{NOTICE_NO, PROJECT_CODE, PROJECT_NAME, TASK_NO};
use crate::ingest::schema::{ColumnDef, Kind, Required, Table};
use crate::ingest::stage::EXAMPLE_MARK;

/// Rows the dropdowns and checks cover below the header.
const INPUT_ROWS: u32 = 2000;
const OPTIONS_SHEET: &str = "选项";

/// The file name and bytes of each table's template.
pub fn templates(config: &Config, created: NaiveDate) -> Result<Vec<(String, Vec<u8>)>> {
    Table::ALL
        .iter()
        .map(|table| {
            Ok((
                format!("{}模板.xlsx", table.label()),
                template(*table, config, created)?,
            ))
        })
        .collect()
}

/// The dropdown lists of a column, if it has one.
fn options(def: &ColumnDef, config: &Config) -> Option<Vec<String>> {
    let canonical =
        |values: &[(&str, &[&str])]| values.iter().map(|(c, _)| c.to_string()).collect();
    match def.kind {
        Kind::Enum(values) => Some(canonical(values)),
        Kind::Unit => Some(config.units.iter().map(|u| u.name.clone()).collect()),
        Kind::YesNo => Some(vec!["是".into(), "否".into()]),
        Kind::Text if matches!(def.field, "leader") => {
            Some(config.leaders.iter().map(|l| l.name.clone()).collect())
        }
        _ => None,
    }
}

/// The hint shown when a cell of the column is selected.
fn hint(def: &ColumnDef) -> String {
    let need = match def.required {
        Required::Always => "必填。".to_string(),
        Required::Optional => String::new(),
        Required::ForStages(stages) => format!("项目阶段为{}时必填。", stages.join("、")),
    };
    let what = match def.kind {
        Kind::Text if def.field == "code" => {
            "全国投资项目在线审批监管平台赋予的24位代码；赋码前可空".to_string()
        }
        Kind::Text => "文字".to_string(),
        Kind::Money => "金额，单位万元，只填数字".to_string(),
        Kind::DatePlanned => "计划日期，如 2026-03-31".to_string(),
        Kind::DateActual => "实际发生的日期，如 2026-03-15；未发生留空".to_string(),
        Kind::Month => "报告期，如 2026-10".to_string(),
        Kind::YesNo => "从下拉列表选择 是/否".to_string(),
        Kind::Unit => "从下拉列表选择单位".to_string(),
        Kind::UnitList => "单位名称，多个单位之间用“、”分隔".to_string(),
        Kind::Enum(_) => "从下拉列表选择".to_string(),
    };
    format!("{need}{what}")
}

/// An example value for the example row.
fn example(def: &ColumnDef, config: &Config) -> String {
    let first_unit = config
        .units
        .first()
        .map(|u| u.name.clone())
        .unwrap_or_default();
    match (def.kind, def.field) {
        (_, "name") | (_, PROJECT_NAME) => format!("{EXAMPLE_MARK}长子县某某道路改造工程"),
        (_, NOTICE_NO) => format!("{EXAMPLE_MARK}长重督〔2026〕1号"),
        (_, TASK_NO) => format!("{EXAMPLE_MARK}DD-2026-01-001"),
        (_, "session") => format!("{EXAMPLE_MARK}2026年第1次联席会议"),
        (_, "code") | (_, PROJECT_CODE) => "2026-140428-48-01-000001".into(),
        (Kind::Money, _) => "1200".into(),
        (Kind::DatePlanned, _) => "2026-06-30".into(),
        (Kind::DateActual, _) => "2026-03-15".into(),
        (Kind::Month, _) => "2026-10".into(),
        (Kind::YesNo, _) => "否".into(),
        (Kind::Unit, _) => first_unit,
        (Kind::UnitList, _) => config
            .units
            .iter()
            .take(3)
            .map(|u| u.name.clone())
            .collect::<Vec<_>>()
            .join("、"),
        (Kind::Enum(values), _) => values
            .first()
            .map(|(c, _)| c.to_string())
            .unwrap_or_default(),
        (Kind::Text, "leader") | (Kind::Text, "visitor") => config
            .leaders
            .first()
            .map(|l| l.name.clone())
            .unwrap_or_default(),
        (Kind::Text, _) => "（文字）".into(),
    }
}

fn date(y: u16, m: u8, d: u8) -> Result<ExcelDateTime> {
    Ok(ExcelDateTime::from_ymd(y, m, d)?)
}

fn template(table: Table, config: &Config, created: NaiveDate) -> Result<Vec<u8>> {
    let mut workbook = new_workbook(created)?;
    let columns = table.columns();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#DDEBF7")
        .set_border(FormatBorder::Thin);
    let example_format = Format::new().set_italic().set_font_color("#808080");

    // Dropdown lists live on a hidden sheet, so long unit lists fit.
    let lists: Vec<Option<Vec<String>>> = columns.iter().map(|c| options(c, config)).collect();
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name(table.label())?;
        for (c, def) in columns.iter().enumerate() {
            let c = c as u16;
            let name = if def.required == Required::Always {
                format!("*{}", def.name)
            } else {
                def.name.to_string()
            };
            sheet.write_string_with_format(0, c, &name, &header)?;
            let value = example(def, config);
            sheet.write_string_with_format(1, c, &value, &example_format)?;
            let width = UnicodeWidthStr::width(name.as_str())
                .max(UnicodeWidthStr::width(value.as_str())) as f64
                + 3.0;
            sheet.set_column_width(c, width.clamp(10.0, 40.0))?;
            add_checks(sheet, c, def, lists[c as usize].as_ref())?;
        }
        sheet.set_freeze_panes(1, 0)?;
        print_setup(sheet, Some(0))?;
    }
    let options_sheet = workbook.add_worksheet();
    options_sheet.set_name(OPTIONS_SHEET)?;
    for (c, list) in lists.iter().enumerate() {
        if let Some(list) = list {
            options_sheet.write_string(0, c as u16, columns[c].name)?;
            for (r, value) in list.iter().enumerate() {
                options_sheet.write_string(r as u32 + 1, c as u16, value)?;
            }
        }
    }
    options_sheet.set_hidden(true);
    Ok(workbook.save_to_buffer()?)
}

/// The column's dropdown or date/number check, with its hint.
fn add_checks(
    sheet: &mut Worksheet,
    column: u16,
    def: &ColumnDef,
    list: Option<&Vec<String>>,
) -> Result<()> {
    let letter = column_letter(column);
    let check = match (list, def.kind) {
        (Some(list), _) if !list.is_empty() => DataValidation::new()
            .allow_list_formula(Formula::new(format!(
                "={OPTIONS_SHEET}!${letter}$2:${letter}${}",
                list.len() + 1
            )))
            .set_error_message("请从下拉列表中选择")?,
        (_, Kind::DatePlanned | Kind::DateActual) => DataValidation::new()
            .allow_date(DataValidationRule::Between(
                date(2000, 1, 1)?,
                date(2100, 12, 31)?,
            ))
            .set_error_message("请填写日期，如 2026-03-15")?,
        (_, Kind::Money) => DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(-1e12, 1e12))
            .set_error_message("请填写数字（万元）")?,
        _ => DataValidation::new().allow_any_value(),
    };
    let check = check
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_input_title(def.name)?
        .set_input_message(hint(def))?;
    sheet.add_data_validation(2, column, INPUT_ROWS, column, &check)?;
    Ok(())
}

/// `A`, `B`, … `AA` for a zero-based column.
fn column_letter(mut column: u16) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push((b'A' + (column % 26) as u8) as char);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }
}
