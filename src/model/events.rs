//! Normalized notices, tasks and visits (SPEC §1 "Which rows count"): notices and tasks keyed by
//! their 编号 with the latest submission winning; visits counted once per (date, visitor,
//! project), with 身份 and 所在单位 inferred from the config; references to projects that no
//! ledger lists kept and warned.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use polars::prelude::*;

use super::frames::{strings, with_folded, FILE, MTIME, ROW, SHEET};
use crate::config::Config;
use crate::ingest::problem::{Problem, Severity};
use crate::text::fold;

/// Keep, per `key`, the row of the latest submission made by D: the latest 填报日期, then
/// 报告期, then file modification time; within one submission the last row.
pub fn latest_by_key(staged: &DataFrame, key: &str, as_of: NaiveDate) -> PolarsResult<DataFrame> {
    staged
        .clone()
        .lazy()
        .filter(
            col("fill_date")
                .is_null()
                .or(col("fill_date").lt_eq(lit(as_of))),
        )
        .sort(
            [key, "fill_date", "report_month", MTIME, FILE, SHEET, ROW],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, true, true, true, true, true, true])
                .with_nulls_last(true),
        )
        .unique_stable_generic(Some(vec![col(key)]), UniqueKeepStrategy::First)
        .sort([key], SortMultipleOptions::default())
        .collect()
}

/// Visits as of D, exact duplicates (date, visitor, project) once, with 身份 and 所在单位 filled
/// in from the configured leaders and unit heads where the sheet left them empty.
pub fn visits(staged: &DataFrame, config: &Config, as_of: NaiveDate) -> PolarsResult<DataFrame> {
    let deduped = staged
        .clone()
        .lazy()
        .filter(
            col("fill_date")
                .is_null()
                .or(col("fill_date").lt_eq(lit(as_of))),
        )
        .with_column(coalesce(&[col("project_code"), col("project_name")]).alias("project_ref"))
        .sort([FILE, SHEET, ROW], SortMultipleOptions::default())
        .unique_stable_generic(
            Some(vec![col("visit_date"), col("visitor"), col("project_ref")]),
            UniqueKeepStrategy::First,
        )
        .collect()?;
    let visitors = strings(&deduped, "visitor")?;
    let roles = strings(&deduped, "role")?;
    let units = strings(&deduped, "visitor_unit")?;
    let leader_names: HashSet<String> = config.leaders.iter().map(|l| fold(&l.name)).collect();
    // The first unit a person heads (a county may list one person twice; the first wins).
    let mut heads: HashMap<String, String> = HashMap::new();
    for unit in &config.units {
        if let Some(head) = &unit.head {
            heads.entry(fold(head)).or_insert_with(|| unit.name.clone());
        }
    }
    let head_of = |visitor: &str| heads.get(&fold(visitor)).cloned();
    let mut inferred_roles = Vec::with_capacity(deduped.height());
    let mut inferred_units = Vec::with_capacity(deduped.height());
    for i in 0..deduped.height() {
        let visitor = visitors[i].clone().unwrap_or_default();
        let role = roles[i].clone().or_else(|| {
            if leader_names.contains(&fold(&visitor)) {
                Some("包项目领导".to_string())
            } else {
                head_of(&visitor).map(|_| "包联单位负责人".to_string())
            }
        });
        inferred_roles.push(role);
        inferred_units.push(units[i].clone().or_else(|| head_of(&visitor)));
    }
    let mut out = deduped;
    out.with_column(Column::new("role".into(), inferred_roles))?;
    out.with_column(Column::new("visitor_unit".into(), inferred_units))?;
    with_folded(&mut out, "visitor", "visitor_ref")?;
    with_project_refs(&mut out)?;
    Ok(out)
}

/// Add `ref_code` and `ref_name`, the folded project reference of a notice, task or visit.
pub fn with_project_refs(df: &mut DataFrame) -> PolarsResult<()> {
    with_folded(df, "project_code", "ref_code")?;
    with_folded(df, "project_name", "ref_name")
}

/// Warn on each row whose project (by 项目代码, else by name) is in no ledger at all.
pub fn unknown_project_warnings(
    rows: &DataFrame,
    table_label: &str,
    unit_column: &str,
    ledgers: &DataFrame,
) -> PolarsResult<Vec<Problem>> {
    let folded_set = |column: &str| -> PolarsResult<HashSet<String>> {
        Ok(ledgers
            .column(column)?
            .str()?
            .iter()
            .flatten()
            .map(fold)
            .collect())
    };
    let known_codes = folded_set("code")?;
    let known_names = folded_set("name")?;
    let codes = rows.column("project_code")?.str()?;
    let names = rows.column("project_name")?.str()?;
    let mut unknown = Vec::new();
    for (i, (code, name)) in codes.iter().zip(names.iter()).enumerate() {
        let known = match (code, name) {
            (Some(code), _) if known_codes.contains(&fold(code)) => true,
            (_, Some(name)) => known_names.contains(&fold(name)),
            (Some(_), None) => false,
            (None, None) => true,
        };
        if !known {
            let (column, value) = match (code, name) {
                (Some(code), None) => ("项目代码", code),
                (_, name) => ("项目名称", name.unwrap_or_default()),
            };
            unknown.push((i, column, value.to_string()));
        }
    }
    if unknown.is_empty() {
        return Ok(Vec::new());
    }
    let units = strings(rows, unit_column)?;
    let files = strings(rows, FILE)?;
    let sheets = strings(rows, SHEET)?;
    let row_numbers: Vec<Option<u32>> = rows.column(ROW)?.u32()?.iter().collect();
    let warnings = unknown
        .into_iter()
        .map(|(i, column, value)| Problem {
            unit: units[i].clone(),
            file: files[i].clone().unwrap_or_default(),
            sheet: sheets[i].clone().unwrap_or_default(),
            row: row_numbers[i],
            column: column.into(),
            value,
            severity: Severity::Warning,
            reason: format!("{table_label}所指项目不在任何单位的项目台账中；该行仍计入"),
            fix: "请核对项目名称或项目代码是否与项目台账一致".into(),
        })
        .collect();
    Ok(warnings)
}

/// Attracted-investment projects as of D, one per (folded name, 招商单位), latest submission first.
pub fn investments(staged: &DataFrame, as_of: NaiveDate) -> PolarsResult<DataFrame> {
    let mut keyed = staged.clone();
    let keys: Vec<String> = strings(&keyed, "name")?
        .into_iter()
        .zip(strings(&keyed, "unit")?)
        .map(|(n, u)| format!("{}@{}", fold(&n.unwrap_or_default()), u.unwrap_or_default()))
        .collect();
    keyed.with_column(Column::new("investment_key".into(), keys))?;
    latest_by_key(&keyed, "investment_key", as_of)
}

/// Joint meetings as of D, one per 会议日期, latest submission first.
pub fn meetings(staged: &DataFrame, as_of: NaiveDate) -> PolarsResult<DataFrame> {
    let mut keyed = staged.clone();
    let keys: Vec<Option<String>> = super::frames::dates(&keyed, "meeting_date")?
        .into_iter()
        .map(|d| d.map(|d| d.format("%Y-%m-%d").to_string()))
        .collect();
    keyed.with_column(Column::new("meeting_key".into(), keys))?;
    latest_by_key(&keyed, "meeting_key", as_of)
}
