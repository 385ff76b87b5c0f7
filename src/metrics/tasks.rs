//! 调度任务落实: dispatch tasks done by their deadline, credited to the 责任单位.

use chrono::NaiveDate;
use polars::prelude::*;

use super::due::{due_indicator, Judged};
use crate::indicator::Indicator;
use crate::ingest::schema::field::{PROJECT_NAME, TASK_NO};

pub const TASK_COLUMNS: [&str; 7] = [
    TASK_NO,
    "source",
    PROJECT_NAME,
    "content",
    "owner",
    "assigned",
    crate::model::authority::CLAIMED_DONE,
];

pub fn task_indicator(tasks: &DataFrame, as_of: NaiveDate) -> PolarsResult<Judged> {
    // A task assigned after D does not exist yet for this run.
    let existing = tasks
        .clone()
        .lazy()
        .filter(col("assigned").lt_eq(lit(as_of)));
    due_indicator(
        Indicator::Tasks,
        existing,
        "unit",
        "deadline",
        "done",
        as_of,
        &TASK_COLUMNS,
    )
}
