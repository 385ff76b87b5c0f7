//! The current project ledger (SPEC §1 "Which rows count"): each unit's latest 项目台账 as of D,
//! one row per project, the lead unit's row winning when two units list the same project.

use chrono::NaiveDate;
use polars::prelude::*;

use super::frames::{origins, strings, with_folded, FILE, MTIME, ROW, SHEET};
use crate::ingest::problem::{Problem, Severity};
use crate::ingest::schema::field::{FILL_DATE, LEAD_UNIT, REPORT_MONTH, SUBMITTER};
use crate::text::fold;

#[derive(Debug)]
pub struct CurrentLedger {
    /// One row per project, with a `project_key` column; sorted by lead unit, then key.
    pub projects: DataFrame,
    /// The submissions chosen as current: submitter, file, sheet, report_month, fill_date.
    pub submissions: DataFrame,
    pub warnings: Vec<Problem>,
}

/// Every staged 项目台账 row, with what choosing a date's current ledger needs prepared once: each
/// row's submission (submitter, file and sheet) and each submission's 报告期 with their latest
/// 填报日期 and modification time. Choosing then weighs submissions, not rows: a first run
/// chooses a ledger for every month of the year.
#[derive(Debug)]
pub struct Ledgers {
    rows: DataFrame,
    /// Each row's submission, numbered from 0.
    submission_of_row: Vec<u32>,
    /// One row per submission and 报告期 among its rows: submission, submitter, file, sheet,
    /// report_month, fill_date, mtime (the latest of those rows).
    by_report_month: DataFrame,
    submissions: usize,
}

const SUBMISSION: &str = "submission";

impl Ledgers {
    pub fn new(rows: DataFrame) -> PolarsResult<Ledgers> {
        let (submissions, submission_of_row) = {
            let (submitters, files, sheets) = (
                rows.column(SUBMITTER)?.str()?,
                rows.column(FILE)?.str()?,
                rows.column(SHEET)?.str()?,
            );
            let mut numbers = std::collections::HashMap::new();
            let of_row: Vec<u32> = submitters
                .iter()
                .zip(files.iter())
                .zip(sheets.iter())
                .map(|key| {
                    let next = numbers.len() as u32;
                    *numbers.entry(key).or_insert(next)
                })
                .collect();
            (numbers.len(), of_row)
        };
        let by_report_month = rows
            .select([SUBMITTER, FILE, SHEET, REPORT_MONTH, FILL_DATE, MTIME])?
            .lazy()
            .with_column(lit(Series::new(SUBMISSION.into(), &submission_of_row)))
            .group_by([
                col(SUBMISSION),
                col(SUBMITTER),
                col(FILE),
                col(SHEET),
                col(REPORT_MONTH),
            ])
            .agg([col(FILL_DATE).max(), col(MTIME).max()])
            .collect()?;
        Ok(Ledgers {
            rows,
            submission_of_row,
            by_report_month,
            submissions,
        })
    }

    /// Every staged ledger row.
    pub fn rows(&self) -> &DataFrame {
        &self.rows
    }

    /// The current ledger of every unit as of `as_of`: every submission counts whenever it was
    /// filed; only its 报告期 must not be after D's month.
    pub fn current(&self, as_of: NaiveDate) -> PolarsResult<CurrentLedger> {
        let month_start = crate::dates::month_start(as_of);
        // The same choice as over the rows themselves: the latest of each submission's rows up
        // to D's month is the latest of its 报告期 up to it.
        let eligible = self
            .by_report_month
            .clone()
            .lazy()
            .filter(col(REPORT_MONTH).lt_eq(lit(month_start)));
        let submissions = latest_submissions(eligible.clone(), SUBMITTER).collect()?;
        let chosen_numbers = eligible
            .select([col(SUBMISSION), col(SUBMITTER), col(FILE), col(SHEET)])
            .join(
                submissions
                    .clone()
                    .lazy()
                    .select([col(SUBMITTER), col(FILE), col(SHEET)]),
                [col(SUBMITTER), col(FILE), col(SHEET)],
                [col(SUBMITTER), col(FILE), col(SHEET)],
                JoinArgs::new(JoinType::Semi),
            )
            .select([col(SUBMISSION)])
            .collect()?;
        let mut chosen = vec![false; self.submissions];
        for number in chosen_numbers.column(SUBMISSION)?.u32()?.iter().flatten() {
            chosen[number as usize] = true;
        }
        let month_start = super::frames::epoch_days(month_start);
        let report_months = self.rows.column(REPORT_MONTH)?.cast(&DataType::Int32)?;
        let keep: BooleanChunked = self
            .submission_of_row
            .iter()
            .zip(report_months.i32()?.iter())
            .map(|(submission, month)| {
                chosen[*submission as usize] && month.is_some_and(|m| m <= month_start)
            })
            .collect();
        let rows = with_project_key(self.rows.filter(&keep)?)?;
        let (projects, warnings) = one_row_per_project(rows)?;
        Ok(CurrentLedger {
            projects,
            submissions,
            warnings,
        })
    }
}

/// Each `owner`'s latest submission among `eligible` rows, as for ledgers (SPEC §1): the latest
/// 报告期, then 填报日期, then the file's modification time. One row per owner: owner, file,
/// sheet, report_month, fill_date, mtime.
pub fn latest_submissions(eligible: LazyFrame, owner: &str) -> LazyFrame {
    eligible
        .group_by([col(owner), col(FILE), col(SHEET)])
        .agg([
            col(REPORT_MONTH).max(),
            col(FILL_DATE).max(),
            col(MTIME).max(),
        ])
        .sort(
            [owner, REPORT_MONTH, FILL_DATE, MTIME, FILE, SHEET],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, true, true, true, false, false])
                .with_nulls_last(true),
        )
        .unique_stable_generic(Some(vec![col(owner)]), UniqueKeepStrategy::First)
}

/// A project is its 项目代码 when present, else its folded name within its lead unit.
pub fn project_key(code: Option<&str>, name: Option<&str>, lead_unit: Option<&str>) -> String {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => format!("代码:{}", fold(code)),
        None => format!(
            "名称:{}@{}",
            fold(name.unwrap_or_default()),
            lead_unit.unwrap_or_default()
        ),
    }
}

fn with_project_key(mut rows: DataFrame) -> PolarsResult<DataFrame> {
    let keys: Vec<String> = {
        let code = rows.column("code")?.str()?;
        let name = rows.column("name")?.str()?;
        let lead = rows.column(LEAD_UNIT)?.str()?;
        code.iter()
            .zip(name.iter())
            .zip(lead.iter())
            .map(|((c, n), l)| project_key(c, n, l))
            .collect()
    };
    rows.with_column(Column::new("project_key".into(), keys))?;
    with_folded(&mut rows, "code", "code_ref")?;
    with_folded(&mut rows, "name", "name_ref")?;
    with_folded(&mut rows, "leader", "leader_ref")?;
    Ok(rows)
}

/// Keep one row per project: the lead unit's own ledger first, then by submitter name.
fn one_row_per_project(rows: DataFrame) -> PolarsResult<(DataFrame, Vec<Problem>)> {
    let ordered = rows
        .lazy()
        .with_column(
            col(SUBMITTER)
                .eq(col(LEAD_UNIT))
                .fill_null(lit(false))
                .alias("from_lead"),
        )
        .sort(
            ["project_key", "from_lead", SUBMITTER, FILE, SHEET, ROW],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, true, false, false, false, false]),
        )
        .collect()?;
    let warnings = duplicate_listings(&ordered)?;
    let projects = ordered
        .lazy()
        .unique_stable_generic(Some(vec![col("project_key")]), UniqueKeepStrategy::First)
        .drop(cols(["from_lead"]))
        .sort([LEAD_UNIT, "project_key"], SortMultipleOptions::default())
        .collect()?;
    Ok((projects, warnings))
}

/// A warning on every row that lost to another unit's listing of the same project.
fn duplicate_listings(ordered: &DataFrame) -> PolarsResult<Vec<Problem>> {
    let keys = strings(ordered, "project_key")?;
    let names = strings(ordered, "name")?;
    let origins = origins(ordered, SUBMITTER)?;
    let mut warnings = Vec::new();
    for i in 1..ordered.height() {
        if keys[i] != keys[i - 1] {
            continue;
        }
        let winner = (0..i)
            .rev()
            .take_while(|j| keys[*j] == keys[i])
            .last()
            .unwrap_or(i - 1);
        let winner_unit = origins[winner].unit.clone().unwrap_or_default();
        warnings.push(origins[i].problem(
            "项目名称",
            &names[i].clone().unwrap_or_default(),
            Severity::Warning,
            format!("该项目也出现在“{winner_unit}”的当期台账中，采用“{winner_unit}”填报的数据"),
            "同一项目只由牵头责任单位填报；如牵头单位有误，请与县重点办核实",
        ));
    }
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::test_frames::{d, date, frame, text};
    use crate::model::frames::dates;

    /// Ledger rows: (submitter, file, 报告期, 填报日期, project name, lead unit).
    fn ledgers(rows: &[(&str, &str, &str, &str, &str, &str)]) -> DataFrame {
        let n = rows.len();
        let column = |k: usize| -> Vec<Option<&str>> {
            rows.iter()
                .map(|r| Some([r.0, r.1, r.2, r.3, r.4, r.5][k]))
                .collect()
        };
        frame(vec![
            text(SUBMITTER, &column(0)),
            text(FILE, &column(1)),
            Column::new(SHEET.into(), vec!["s"; n]),
            Column::new(ROW.into(), (2..2 + n as u32).collect::<Vec<u32>>()),
            Column::new(MTIME.into(), vec![0i64; n]),
            date(REPORT_MONTH, &column(2)),
            date(FILL_DATE, &column(3)),
            text("name", &column(4)),
            text("code", &vec![None; n]),
            text(LEAD_UNIT, &column(5)),
            text("leader", &vec![None; n]),
        ])
    }

    fn current(staged: &DataFrame, as_of: NaiveDate) -> PolarsResult<CurrentLedger> {
        Ledgers::new(staged.clone())?.current(as_of)
    }

    fn names(ledger: &CurrentLedger) -> Vec<String> {
        strings(&ledger.projects, "name")
            .unwrap()
            .into_iter()
            .flatten()
            .collect()
    }

    #[test]
    fn the_latest_report_month_up_to_d_counts_whenever_filed() {
        let staged = ledgers(&[
            (
                "甲镇",
                "9月.xlsx",
                "2026-09-01",
                "2026-10-05",
                "九月项目",
                "甲镇",
            ),
            (
                "甲镇",
                "10月.xlsx",
                "2026-10-01",
                "2026-11-04",
                "十月项目",
                "甲镇",
            ),
            // Filed again for October, later: this one wins over the first October file.
            (
                "甲镇",
                "10月补.xlsx",
                "2026-10-01",
                "2026-11-08",
                "十月补报项目",
                "甲镇",
            ),
            (
                "甲镇",
                "11月.xlsx",
                "2026-11-01",
                "2026-12-03",
                "十一月项目",
                "甲镇",
            ),
        ]);
        // Mid-November: the November ledger counts although it was filed in December.
        assert_eq!(
            names(&current(&staged, d("2026-11-15")).unwrap()),
            ["十一月项目"]
        );
        assert_eq!(
            names(&current(&staged, d("2026-10-31")).unwrap()),
            ["十月补报项目"]
        );
        assert_eq!(
            names(&current(&staged, d("2026-09-30")).unwrap()),
            ["九月项目"]
        );
        assert!(names(&current(&staged, d("2026-08-31")).unwrap()).is_empty());
    }

    /// A sheet listing two 报告期 counts, for a date between them, with its earlier rows alone
    /// and their 填报日期: the later rows neither join the ledger nor lend it their dates.
    #[test]
    fn a_submission_of_two_report_months_counts_with_its_rows_up_to_d() {
        let staged = ledgers(&[
            (
                "甲镇",
                "合并.xlsx",
                "2026-09-01",
                "2026-10-05",
                "九月项目",
                "甲镇",
            ),
            (
                "甲镇",
                "合并.xlsx",
                "2026-10-01",
                "2026-11-30",
                "十月项目",
                "甲镇",
            ),
            (
                "甲镇",
                "9月补.xlsx",
                "2026-09-01",
                "2026-10-20",
                "九月补报项目",
                "甲镇",
            ),
        ]);
        assert_eq!(
            names(&current(&staged, d("2026-09-30")).unwrap()),
            ["九月补报项目"]
        );
        let october = current(&staged, d("2026-10-31")).unwrap();
        assert_eq!(names(&october), ["九月项目", "十月项目"]);
        assert_eq!(
            strings(&october.submissions, FILE).unwrap(),
            [Some("合并.xlsx".into())]
        );
        assert_eq!(
            dates(&october.submissions, FILL_DATE).unwrap(),
            [Some(d("2026-11-30"))]
        );
    }

    #[test]
    fn a_project_two_units_list_is_the_lead_units_with_a_warning_on_the_other() {
        let staged = ledgers(&[
            (
                "乙局",
                "乙.xlsx",
                "2026-10-01",
                "2026-11-03",
                "共建 项目",
                "甲镇",
            ),
            (
                "甲镇",
                "甲.xlsx",
                "2026-10-01",
                "2026-11-04",
                "共建项目",
                "甲镇",
            ),
        ]);
        let ledger = current(&staged, d("2026-10-31")).unwrap();
        assert_eq!(names(&ledger), ["共建项目"]);
        assert_eq!(
            strings(&ledger.projects, SUBMITTER).unwrap(),
            [Some("甲镇".into())]
        );
        assert_eq!(ledger.warnings.len(), 1);
        assert_eq!(ledger.warnings[0].unit.as_deref(), Some("乙局"));
        assert!(ledger.warnings[0].reason.contains("甲镇"));
    }
}
