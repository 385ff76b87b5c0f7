//! The project indicators judged as due items: 按时开工 and 按时竣工.

use chrono::NaiveDate;
use polars::prelude::*;

use super::due::{judge, late_items, unit_ratios, C, DAYS_LATE, STATUS, T};
use super::IndicatorOutcome;
use crate::indicator::Indicator;

/// The unit credited with a project's items.
pub const LEAD_UNIT: &str = "lead_unit";

/// 按时开工 (计划开工日期 vs 实际开工日期) and 按时竣工 (计划竣工日期 vs 实际竣工日期), per lead unit.
pub fn start_and_completion(
    projects: &DataFrame,
    as_of: NaiveDate,
) -> PolarsResult<Vec<IndicatorOutcome>> {
    [
        (Indicator::Start, "planned_start", "actual_start"),
        (
            Indicator::Completion,
            "planned_completion",
            "actual_completion",
        ),
    ]
    .into_iter()
    .map(|(indicator, deadline, done)| {
        let judged = judge(projects.clone().lazy(), deadline, done, as_of);
        let ratios = unit_ratios(judged.clone(), LEAD_UNIT)?;
        let late = late_items(judged, LEAD_UNIT)
            .select([
                col(LEAD_UNIT),
                col("name"),
                col("code"),
                col("stage"),
                col("leader"),
                col(T),
                col(C),
                col(STATUS),
                col(DAYS_LATE),
            ])
            .collect()?;
        Ok(IndicatorOutcome {
            indicator,
            ratios,
            late,
        })
    })
    .collect()
}
