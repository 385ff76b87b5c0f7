//! Staged sheets of one table → one polars frame, built column by column in bulk.

use chrono::NaiveDate;
use polars::prelude::*;

use crate::ingest::problem::Origin;
use crate::ingest::schema::{Kind, Table};
use crate::ingest::stage::{ColumnValues, StagedSheet};

/// Provenance columns every table frame carries before its own fields.
pub const FILE: &str = "file";
pub const SHEET: &str = "sheet";
pub const ROW: &str = "row";
pub const MTIME: &str = "mtime";

/// Where each row of a table frame came from, credited to the unit in `unit_column`.
pub fn origins(df: &DataFrame, unit_column: &str) -> PolarsResult<Vec<Origin>> {
    let (units, files, sheets) = (
        strings(df, unit_column)?,
        strings(df, FILE)?,
        strings(df, SHEET)?,
    );
    let rows = df.column(ROW)?.u32()?;
    Ok(units
        .into_iter()
        .zip(files)
        .zip(sheets)
        .zip(rows.iter())
        .map(|(((unit, file), sheet), row)| Origin {
            unit,
            file: file.unwrap_or_default(),
            sheet: sheet.unwrap_or_default(),
            row,
        })
        .collect())
}

/// Days since 1970-01-01, polars' physical Date.
pub fn epoch_days(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days() as i32
}

/// The date of a polars physical Date value.
pub fn from_epoch_days(days: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default() + chrono::Duration::days(days as i64)
}

/// One frame of `table` from its staged sheets: provenance, then one column per field.
pub fn table_frame(table: Table, sheets: &[&StagedSheet]) -> PolarsResult<DataFrame> {
    let height: usize = sheets.iter().map(|s| s.excel_rows.len()).sum();
    let mut file = Vec::with_capacity(height);
    let mut sheet = Vec::with_capacity(height);
    let mut row = Vec::with_capacity(height);
    let mut mtime = Vec::with_capacity(height);
    for s in sheets {
        for r in &s.excel_rows {
            file.push(s.file.as_str());
            sheet.push(s.sheet.as_str());
            row.push(*r);
            mtime.push(s.mtime);
        }
    }
    let mut columns = vec![
        Column::new(FILE.into(), file),
        Column::new(SHEET.into(), sheet),
        Column::new(ROW.into(), row),
        Column::new(MTIME.into(), mtime),
    ];
    for (index, def) in table.columns().iter().enumerate() {
        let parts = sheets.iter().map(|s| &s.columns[index]);
        columns.push(concat_column(def.field, def.kind, parts, height)?);
    }
    DataFrame::new(height, columns)
}

/// One column from the sheets' parts, typed by the column's kind (so an empty table still has
/// the right types).
fn concat_column<'a>(
    name: &str,
    kind: Kind,
    parts: impl Iterator<Item = &'a ColumnValues>,
    height: usize,
) -> PolarsResult<Column> {
    let parts: Vec<&ColumnValues> = parts.collect();
    let column = match ColumnValues::for_kind(kind) {
        ColumnValues::Text(_) => {
            let mut all: Vec<Option<&str>> = Vec::with_capacity(height);
            for p in &parts {
                if let ColumnValues::Text(v) = p {
                    all.extend(v.iter().map(|s| s.as_deref()));
                }
            }
            Column::new(name.into(), all)
        }
        ColumnValues::Number(_) => {
            let mut all: Vec<Option<f64>> = Vec::with_capacity(height);
            for p in &parts {
                if let ColumnValues::Number(v) = p {
                    all.extend(v.iter().copied());
                }
            }
            Column::new(name.into(), all)
        }
        ColumnValues::Date(_) => {
            let mut all: Vec<Option<i32>> = Vec::with_capacity(height);
            for p in &parts {
                if let ColumnValues::Date(v) = p {
                    all.extend(v.iter().map(|d| d.map(epoch_days)));
                }
            }
            Column::new(name.into(), all).cast(&DataType::Date)?
        }
        ColumnValues::Bool(_) => {
            let mut all: Vec<Option<bool>> = Vec::with_capacity(height);
            for p in &parts {
                if let ColumnValues::Bool(v) = p {
                    all.extend(v.iter().copied());
                }
            }
            Column::new(name.into(), all)
        }
    };
    Ok(column)
}

/// Read a Date column as optional dates.
pub fn dates(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<NaiveDate>>> {
    let physical = df.column(name)?.cast(&DataType::Int32)?;
    Ok(physical
        .i32()?
        .iter()
        .map(|d| d.map(from_epoch_days))
        .collect())
}

/// Read a String column as optional strings.
pub fn strings(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<String>>> {
    Ok(df
        .column(name)?
        .str()?
        .iter()
        .map(|s| s.map(str::to_string))
        .collect())
}

/// Add `target`: the folded text of `source` (for matching names written in different ways).
pub fn with_folded(df: &mut DataFrame, source: &str, target: &str) -> PolarsResult<()> {
    // Straight into the column's buffer: most cells fold to themselves and are not copied.
    let folded = StringChunked::from_iter_options(
        target.into(),
        df.column(source)?
            .str()?
            .iter()
            .map(|s| s.map(crate::text::folded).filter(|f| !f.is_empty())),
    );
    df.with_column(folded.into_column())?;
    Ok(())
}
