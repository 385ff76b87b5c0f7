//! The project indicators judged as due items: 按时开工, 按时竣工 and 前期按时完成.

use chrono::NaiveDate;
use polars::prelude::*;

use super::due::{due_indicator, Judged};
use crate::indicator::Indicator;

/// The unit credited with a project's items.
pub use crate::ingest::schema::field::LEAD_UNIT;
/// Columns that identify a project in item lists.
pub const PROJECT_COLUMNS: [&str; 4] = ["name", "code", "stage", "leader"];
/// A project item list's first columns: the credited unit as `UNIT`, then `PROJECT_COLUMNS`.
pub fn project_item_columns() -> Vec<Expr> {
    std::iter::once(col(LEAD_UNIT).alias(super::due::UNIT))
        .chain(PROJECT_COLUMNS.map(col))
        .collect()
}

/// 前期 done: the latest of the three approvals, only when all three are there.
pub const PRELIM_DONE: &str = "prelim_done";

/// The latest of 可研批复/专家评审/立项赋码, null unless all three are present.
pub fn prelim_done() -> Expr {
    let (a, b, c) = (
        col("feasibility_date"),
        col("review_date"),
        col("approval_date"),
    );
    let latest_ab = when(a.clone().gt_eq(b.clone()))
        .then(a.clone())
        .otherwise(b.clone());
    when(
        a.is_not_null()
            .and(b.is_not_null())
            .and(c.clone().is_not_null()),
    )
    .then(
        when(latest_ab.clone().gt_eq(c.clone()))
            .then(latest_ab)
            .otherwise(c),
    )
    .otherwise(lit(NULL).cast(DataType::Date))
    .alias(PRELIM_DONE)
}

/// 按时开工, 按时竣工 and 前期按时完成 per lead unit, from the current ledger, in that order.
pub fn project_indicators(projects: &DataFrame, as_of: NaiveDate) -> PolarsResult<Vec<Judged>> {
    let lf = projects.clone().lazy().with_column(prelim_done());
    [
        (Indicator::Start, "planned_start", "actual_start"),
        (
            Indicator::Completion,
            "planned_completion",
            "actual_completion",
        ),
        (Indicator::Prelim, "prelim_due", PRELIM_DONE),
    ]
    .into_iter()
    .map(|(indicator, deadline, done)| {
        due_indicator(
            indicator,
            lf.clone(),
            LEAD_UNIT,
            deadline,
            done,
            as_of,
            &PROJECT_COLUMNS,
        )
    })
    .collect()
}
