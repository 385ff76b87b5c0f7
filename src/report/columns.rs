//! Reading frame columns as report cells.

use chrono::NaiveDate;
use polars::prelude::*;

use super::grid::{Grid, NumFmt, Out};
use crate::model::frames;

pub fn texts(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<String>>> {
    frames::strings(df, name)
}

pub fn dates(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<NaiveDate>>> {
    frames::dates(df, name)
}

pub fn numbers(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    Ok(df
        .column(name)?
        .cast(&DataType::Float64)?
        .f64()?
        .iter()
        .collect())
}

pub fn ints(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i64>>> {
    Ok(df
        .column(name)?
        .cast(&DataType::Int64)?
        .i64()?
        .iter()
        .collect())
}

/// How a frame column becomes report cells.
#[derive(Debug, Clone, Copy)]
pub enum As {
    Text,
    Date,
    Int,
    Money,
    Rate,
}

/// One column of cells.
pub fn outs(df: &DataFrame, name: &str, kind: As) -> PolarsResult<Vec<Out>> {
    Ok(match kind {
        As::Text => texts(df, name)?.into_iter().map(Out::opt_text).collect(),
        As::Date => dates(df, name)?.into_iter().map(Out::opt_date).collect(),
        As::Int => ints(df, name)?.into_iter().map(Out::opt_int).collect(),
        As::Money => numbers(df, name)?
            .into_iter()
            .map(|x| Out::opt_number(x, NumFmt::Money))
            .collect(),
        As::Rate => numbers(df, name)?
            .into_iter()
            .map(|x| Out::opt_number(x, NumFmt::Rate))
            .collect(),
    })
}

/// Rows of cells from `(column, kind)` pairs, numbered from 1 in a leading 序号 column when
/// `numbered`.
fn rows(df: &DataFrame, spec: &[(&str, As)], numbered: bool) -> PolarsResult<Vec<Vec<Out>>> {
    let columns: Vec<Vec<Out>> = spec
        .iter()
        .map(|(name, kind)| outs(df, name, *kind))
        .collect::<PolarsResult<_>>()?;
    Ok((0..df.height())
        .map(|i| {
            let mut row = Vec::with_capacity(spec.len() + 1);
            if numbered {
                row.push(Out::Int(i as i64 + 1));
            }
            row.extend(columns.iter().map(|c| c[i].clone()));
            row
        })
        .collect())
}

/// A report column declared once: its header, the frame column it shows, and how.
pub type Field<'a> = (&'a str, &'a str, As);

/// The grid of `df` from one list of fields, with a leading 序号 column when `numbered`.
pub fn grid(df: &DataFrame, fields: &[Field], numbered: bool) -> PolarsResult<Grid> {
    let spec: Vec<(&str, As)> = fields
        .iter()
        .map(|(_, column, kind)| (*column, *kind))
        .collect();
    let headers = numbered
        .then_some("序号")
        .into_iter()
        .chain(fields.iter().map(|(header, _, _)| *header))
        .map(String::from)
        .collect();
    Ok(Grid {
        headers,
        rows: rows(df, &spec, numbered)?,
    })
}
