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

/// Choose the current ledger of every unit from all staged 项目台账 rows: every submission
/// counts whenever it was filed (a ledger for M is filed during M+1); only its 报告期 must not
/// be after D's month.
pub fn current_ledger(staged: &DataFrame, as_of: NaiveDate) -> PolarsResult<CurrentLedger> {
    let month_start = crate::dates::month_start(as_of);
    let per_submission = [col(SUBMITTER), col(FILE), col(SHEET)];

    let eligible = staged
        .clone()
        .lazy()
        .filter(col(REPORT_MONTH).lt_eq(lit(month_start)));
    let submissions = latest_submissions(eligible.clone(), SUBMITTER).collect()?;

    let rows = eligible
        .join(
            submissions.clone().lazy().select(per_submission.clone()),
            per_submission.clone(),
            per_submission,
            JoinArgs::new(JoinType::Semi),
        )
        .collect()?;
    let rows = with_project_key(rows)?;
    let (projects, warnings) = one_row_per_project(rows)?;
    Ok(CurrentLedger {
        projects,
        submissions,
        warnings,
    })
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
            names(&current_ledger(&staged, d("2026-11-15")).unwrap()),
            ["十一月项目"]
        );
        assert_eq!(
            names(&current_ledger(&staged, d("2026-10-31")).unwrap()),
            ["十月补报项目"]
        );
        assert_eq!(
            names(&current_ledger(&staged, d("2026-09-30")).unwrap()),
            ["九月项目"]
        );
        assert!(names(&current_ledger(&staged, d("2026-08-31")).unwrap()).is_empty());
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
        let ledger = current_ledger(&staged, d("2026-10-31")).unwrap();
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
