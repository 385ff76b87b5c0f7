//! 投资完成: a unit's year-to-date investment against its annual plan scaled by time progress.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::due::UNIT;
use super::projects::LEAD_UNIT;
use super::{IndicatorOutcome, Ratio};
use crate::indicator::Indicator;
use crate::ingest::cell::last_day_of_month;
use crate::model::frames::strings;

/// Time progress p: complete months of D's year up to D, over 12.
pub fn time_progress(as_of: NaiveDate) -> f64 {
    let complete = if last_day_of_month(as_of) == as_of {
        as_of.month()
    } else {
        as_of.month() - 1
    };
    f64::from(complete) / 12.0
}

/// Per lead unit: Σ 本年完成投资 / (Σ 年度计划投资 × p) over current projects with a plan;
/// not applicable when p = 0. The late items are the projects behind time progress.
pub fn investment_indicator(
    projects: &DataFrame,
    as_of: NaiveDate,
) -> PolarsResult<IndicatorOutcome> {
    let p = time_progress(as_of);
    let planned = projects
        .clone()
        .lazy()
        .filter(col("annual_plan").gt(lit(0.0)))
        .with_column(col("ytd_investment").fill_null(lit(0.0)).alias("ytd"))
        .with_column((col("ytd") / col("annual_plan")).alias("plan_share"));
    let per_unit = planned
        .clone()
        .group_by([col(LEAD_UNIT)])
        .agg([
            col("ytd").sum().alias("done"),
            col("annual_plan").sum().alias("plan"),
        ])
        .collect()?;
    let units = strings(&per_unit, LEAD_UNIT)?;
    let done: Vec<Option<f64>> = per_unit.column("done")?.f64()?.iter().collect();
    let plan: Vec<Option<f64>> = per_unit.column("plan")?.f64()?.iter().collect();
    let ratios: BTreeMap<String, Ratio> = if p > 0.0 {
        units
            .into_iter()
            .enumerate()
            .filter_map(|(i, u)| {
                u.map(|u| {
                    (
                        u,
                        Ratio {
                            met: done[i].unwrap_or(0.0),
                            scope: plan[i].unwrap_or(0.0) * p,
                        },
                    )
                })
            })
            .collect()
    } else {
        BTreeMap::new()
    };
    let late = planned
        .filter(col("plan_share").lt(lit(p)))
        .with_column(((lit(p) - col("plan_share")) * lit(100.0)).alias("lag_pp"))
        .sort([LEAD_UNIT, "name"], SortMultipleOptions::default())
        .select([
            col(LEAD_UNIT).alias(UNIT),
            col("name"),
            col("code"),
            col("stage"),
            col("leader"),
            col("annual_plan"),
            col("ytd"),
            col("plan_share"),
            col("lag_pp"),
        ])
        .collect()?;
    Ok(IndicatorOutcome {
        indicator: Indicator::Investment,
        ratios,
        late,
    })
}
