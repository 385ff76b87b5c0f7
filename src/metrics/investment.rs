//! 投资完成: a unit's year-to-date investment against its annual plan scaled by time progress.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::projects::{project_item_columns, LEAD_UNIT};
use super::{IndicatorOutcome, Ratio};
use crate::indicator::Indicator;
use crate::model::frames::strings;

/// Time progress p: complete months of D's year up to D, over 12.
pub fn time_progress(as_of: NaiveDate) -> f64 {
    f64::from(crate::dates::complete_months(as_of)) / 12.0
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
        .select(
            project_item_columns()
                .into_iter()
                .chain([
                    col("annual_plan"),
                    col("ytd"),
                    col("plan_share"),
                    col("lag_pp"),
                ])
                .collect::<Vec<_>>(),
        )
        .collect()?;
    Ok(IndicatorOutcome {
        indicator: Indicator::Investment,
        ratios,
        late,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::test_frames::{d, frame, number, text};

    fn projects() -> DataFrame {
        frame(vec![
            text(
                LEAD_UNIT,
                &[Some("甲镇"), Some("甲镇"), Some("乙局"), Some("丙局")],
            ),
            text("name", &[Some("A"), Some("B"), Some("C"), Some("D")]),
            text("code", &[None; 4]),
            text("stage", &[Some("在建"); 4]),
            text("leader", &[None; 4]),
            number(
                "annual_plan",
                &[Some(1200.0), Some(600.0), Some(1000.0), None],
            ),
            number(
                "ytd_investment",
                &[Some(1100.0), None, Some(1300.0), Some(50.0)],
            ),
        ])
    }

    #[test]
    fn time_progress_counts_complete_months() {
        assert_eq!(time_progress(d("2026-01-31")), 1.0 / 12.0);
        assert_eq!(time_progress(d("2026-01-30")), 0.0);
        assert_eq!(time_progress(d("2026-11-30")), 11.0 / 12.0);
        assert_eq!(time_progress(d("2026-12-31")), 1.0);
    }

    #[test]
    fn ratio_against_plan_times_progress_uncapped() {
        let outcome = investment_indicator(&projects(), d("2026-06-30")).unwrap();
        // 甲镇: (1100 + 0) / (1800 × 0.5); 乙局: 1300 / (1000 × 0.5) = 2.6, shown uncapped;
        // 丙局 has no plan: not applicable.
        let jia = outcome.ratios["甲镇"];
        assert_eq!((jia.met, jia.scope), (1100.0, 900.0));
        assert_eq!(outcome.rate("乙局"), Some(2.6));
        assert_eq!(outcome.rate("丙局"), None);
        // Behind time progress: only B (0 of 600).
        assert_eq!(
            strings(&outcome.late, "name").unwrap(),
            vec![Some("B".into())]
        );
    }

    #[test]
    fn not_applicable_in_january_before_a_month_is_complete() {
        let outcome = investment_indicator(&projects(), d("2026-01-15")).unwrap();
        assert!(outcome.ratios.is_empty());
    }
}
