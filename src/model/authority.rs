//! Who may report what (SPEC §1): the folder is shared and the scores are at stake, so a unit
//! speaks only for itself, and the office's record decides what only the office may decide.
//! - 督办事项 and 调度任务: the office's lists create every item and set its dates and 销号. A
//!   unit's rows for its own items supply its reply (复函日期 and the five 落实 items) or its
//!   落实情况, standing until an office list filed later records the item; a completion the
//!   unit reports is kept beside the record (`claimed_*`) and completes nothing.
//! - 现场调研: a unit's log credits its own people and county leaders only.
//! - 招商引资: a unit's list reports its own projects only.
//! - 联席会议: the office's alone.
//!
//! Pure: staged frames and the office's name in, the rows that count and the refusals out.

use polars::prelude::*;

use super::events::latest_by_key;
use super::frames::{origins, strings, FILE, MTIME, ROW, SHEET};
use crate::ingest::problem::{Problem, Severity, AWAITING_CLOSURE, OVERREACH};
use crate::ingest::schema::field::{
    FILL_DATE, NOTICE_NO, REPORT_MONTH, SUBMITTER, TARGET_UNIT, TASK_NO,
};

/// The unit's completion date kept beside an item the office has not closed (待销号).
pub const CLAIMED_CLOSED: &str = "claimed_closed";
pub const CLAIMED_DONE: &str = "claimed_done";
/// How a claimed completion is shown until the office confirms it.
pub const AWAITING_CONFIRMATION: &str = "单位报已落实，待销号";

/// What a unit's rows may say of an item keyed by `key` and addressed to `target`.
struct ItemRule<'a> {
    key: &'a str,
    target: &'a str,
    /// Columns a unit's later row supplies (its reply or 落实情况).
    reply: &'a [&'a str],
    /// The completion column only the office sets, and where a unit's claim of it goes.
    completion: (&'a str, &'a str),
    /// The table's and the completion column's names, for messages.
    labels: (&'a str, &'a str),
}

/// Whether a row comes from the office; with no office configured, every row does.
fn from_office(office: Option<&str>) -> Expr {
    match office {
        Some(office) => col(SUBMITTER).eq(lit(office)).fill_null(lit(false)),
        None => lit(true),
    }
}

/// Rows whose `submitter` is the office, and the others.
fn split_by_office(
    staged: &DataFrame,
    office: Option<&str>,
) -> PolarsResult<(DataFrame, DataFrame)> {
    let is_office = from_office(office);
    let unit_rows = staged
        .clone()
        .lazy()
        .filter(is_office.clone().not())
        .collect()?;
    if unit_rows.height() == 0 {
        return Ok((staged.clone(), unit_rows));
    }
    let office_rows = staged.clone().lazy().filter(is_office).collect()?;
    Ok((office_rows, unit_rows))
}

/// A problem on every row of `rows`: the unit is the submitter, the value the `value` column.
fn row_problems(
    rows: &DataFrame,
    column: &str,
    value: &str,
    severity: Severity,
    reason: impl Fn(&str, &str) -> String,
    fix: &str,
) -> PolarsResult<Vec<Problem>> {
    let (origins, values) = (origins(rows, SUBMITTER)?, strings(rows, value)?);
    Ok(origins
        .iter()
        .zip(values)
        .map(|(origin, value)| {
            let value = value.unwrap_or_default();
            let submitter = origin.unit.clone().unwrap_or_default();
            origin.problem(column, &value, severity, reason(&submitter, &value), fix)
        })
        .collect())
}

/// A lexicographic "filed later" test of the unit's row against the office's: 填报日期, then
/// 报告期, then the file's modification time; a missing date is the earliest.
fn filed_later(unit_suffix: &str) -> Expr {
    let key = |name: &str| col(name).cast(DataType::Int64).fill_null(lit(i64::MIN));
    let unit = |name: &str| key(&format!("{name}{unit_suffix}"));
    let (f, m, t) = (key(FILL_DATE), key(REPORT_MONTH), key(MTIME));
    let (uf, um, ut) = (unit(FILL_DATE), unit(REPORT_MONTH), unit(MTIME));
    uf.clone().gt(f.clone()).or(uf
        .eq(f)
        .and(um.clone().gt(m.clone()).or(um.eq(m).and(ut.gt_eq(t)))))
}

const UNIT_SUFFIX: &str = "_from_unit";

/// The items as the office's record has them, with each unit's reply where its row is the
/// later, and its claimed completion beside the record.
fn items(
    staged: &DataFrame,
    office: Option<&str>,
    rule: &ItemRule,
) -> PolarsResult<(DataFrame, Vec<Problem>)> {
    let (office_rows, unit_rows) = split_by_office(staged, office)?;
    let (completion, claimed) = rule.completion;
    if unit_rows.height() == 0 {
        // Only the office's lists: its record as it stands, nothing claimed.
        let mut table = latest_by_key(&office_rows, rule.key)?;
        let none = Column::full_null(claimed.into(), table.height(), &DataType::Date);
        table.with_column(none)?;
        return Ok((table, Vec::new()));
    }
    let Latest {
        office_latest,
        unit_latest,
        problems,
    } = latest_with_problems(unit_rows, &office_rows, rule)?;
    let mut carried: Vec<Expr> = vec![col(rule.key)];
    for name in rule
        .reply
        .iter()
        .chain([&completion, &FILL_DATE, &REPORT_MONTH, &MTIME])
    {
        carried.push(col(*name).alias(format!("{name}{UNIT_SUFFIX}")));
    }
    let joined = office_latest
        .lazy()
        .join(
            unit_latest.lazy().select(carried),
            [col(rule.key)],
            [col(rule.key)],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(
            col(format!("fill_date{UNIT_SUFFIX}"))
                .is_not_null()
                .or(col(format!("{MTIME}{UNIT_SUFFIX}")).is_not_null())
                .and(filed_later(UNIT_SUFFIX))
                .alias("unit_reply_stands"),
        );
    let mut replaced: Vec<Expr> = rule
        .reply
        .iter()
        .map(|name| {
            when(col("unit_reply_stands"))
                .then(col(format!("{name}{UNIT_SUFFIX}")))
                .otherwise(col(*name))
                .alias(*name)
        })
        .collect();
    replaced.push(
        when(col(completion).is_null())
            .then(col(format!("{completion}{UNIT_SUFFIX}")))
            .otherwise(lit(NULL).cast(DataType::Date))
            .alias(claimed),
    );
    let mut dropped: Vec<String> = rule
        .reply
        .iter()
        .chain([&completion, &FILL_DATE, &REPORT_MONTH, &MTIME])
        .map(|name| format!("{name}{UNIT_SUFFIX}"))
        .collect();
    dropped.push("unit_reply_stands".into());
    let table = joined
        .with_columns(replaced)
        .drop(cols(dropped))
        .sort([rule.key], SortMultipleOptions::default())
        .collect()?;
    Ok((table, problems))
}

/// The latest row per 编号 of the office's record and of the units' own rows.
struct Latest {
    office_latest: DataFrame,
    unit_latest: DataFrame,
    /// Rows about other units' items (refused), completions claimed (待销号), and 编号 the office
    /// never issued.
    problems: Vec<Problem>,
}

/// The office's and the units' latest rows, and the problems of the units' rows.
fn latest_with_problems(
    unit_rows: DataFrame,
    office_rows: &DataFrame,
    rule: &ItemRule,
) -> PolarsResult<Latest> {
    let (completion, _) = rule.completion;
    let own = col(rule.target).eq(col(SUBMITTER)).fill_null(lit(false));
    let foreign = unit_rows
        .clone()
        .lazy()
        .filter(own.clone().not())
        .collect()?;
    let (table, completion_label) = rule.labels;
    let mut problems = row_problems(
        &foreign,
        table,
        rule.target,
        Severity::Rejected,
        |submitter, target| {
            format!("{OVERREACH}该{table}的责任单位是“{target}”，不是“{submitter}”：各单位只能报送本单位事项的落实情况")
        },
        "请只报送本单位的事项；其他单位的事项由该单位或县重点项目办公室报送",
    )?;
    let own_rows = unit_rows.lazy().filter(own).collect()?;
    let claims = own_rows
        .clone()
        .lazy()
        .filter(col(completion).is_not_null())
        .with_column(
            col(completion)
                .cast(DataType::String)
                .alias("claimed_value"),
        )
        .collect()?;
    problems.extend(row_problems(
        &claims,
        completion_label,
        "claimed_value",
        Severity::Warning,
        |_, _| format!("{AWAITING_CLOSURE}{completion_label}以县重点项目办公室台账为准（销号由办公室确认）：本单位填报的日期显示为“{AWAITING_CONFIRMATION}”，不计为完成"),
        "请向县重点项目办公室提供落实材料，由办公室在台账中销号",
    )?);
    let office_latest = latest_by_key(office_rows, rule.key)?;
    let unit_latest = latest_by_key(&own_rows, rule.key)?;
    let orphans = unit_latest
        .clone()
        .lazy()
        .join(
            office_latest.clone().lazy().select([col(rule.key)]),
            [col(rule.key)],
            [col(rule.key)],
            JoinArgs::new(JoinType::Anti),
        )
        .collect()?;
    problems.extend(row_problems(
        &orphans,
        table,
        rule.key,
        Severity::Warning,
        |_, key| format!("{OVERREACH}编号“{key}”不在县重点项目办公室的{table}台账中：{table}由办公室交办，该行不计"),
        "请核对编号；新的事项由县重点项目办公室交办后再报送落实情况",
    )?);
    Ok(Latest {
        office_latest,
        unit_latest,
        problems,
    })
}

/// 督办事项 as the office's record has them (one row per 通知书编号), each unit's reply to its
/// own notices where filed later, and a unit's 办结日期 kept as `claimed_closed` only.
pub fn notices(
    staged: &DataFrame,
    office: Option<&str>,
) -> PolarsResult<(DataFrame, Vec<Problem>)> {
    items(
        staged,
        office,
        &ItemRule {
            key: NOTICE_NO,
            target: TARGET_UNIT,
            reply: &[
                "replied",
                "remedy",
                "responsible_leader",
                "responsible_person",
                "promised",
            ],
            completion: ("closed", CLAIMED_CLOSED),
            labels: ("督办事项", "办结日期"),
        },
    )
}

/// 调度任务 as the office's record has them (one row per 任务编号), the responsible unit's
/// 落实情况 where filed later, and its 完成日期 kept as `claimed_done` only.
pub fn tasks(staged: &DataFrame, office: Option<&str>) -> PolarsResult<(DataFrame, Vec<Problem>)> {
    items(
        staged,
        office,
        &ItemRule {
            key: TASK_NO,
            target: "unit",
            reply: &["outcome"],
            completion: ("done", CLAIMED_DONE),
            labels: ("调度任务", "完成日期"),
        },
    )
}

/// Rows of a unit's own list that speak for another unit (`unit_column` ≠ submitter) are
/// refused; the office's rows all stand.
fn own_rows_only(
    rows: &DataFrame,
    office: Option<&str>,
    unit_column: &str,
    column: &str,
    reason: impl Fn(&str, &str) -> String,
    fix: &str,
) -> PolarsResult<(DataFrame, Vec<Problem>)> {
    let allowed = from_office(office)
        .or(col(unit_column).is_null())
        .or(col(unit_column).eq(col(SUBMITTER)))
        .fill_null(lit(false));
    let refused = rows
        .clone()
        .lazy()
        .filter(allowed.clone().not())
        .collect()?;
    if refused.height() == 0 {
        return Ok((rows.clone(), Vec::new()));
    }
    let problems = row_problems(
        &refused,
        column,
        unit_column,
        Severity::Rejected,
        reason,
        fix,
    )?;
    let kept = rows.clone().lazy().filter(allowed).collect()?;
    Ok((kept, problems))
}

/// A unit's visit log credits its own people and county leaders; a row crediting another unit
/// (所在单位, written or inferred from its head) is refused. `visits` has 所在单位 inferred.
pub fn visits(visits: &DataFrame, office: Option<&str>) -> PolarsResult<(DataFrame, Vec<Problem>)> {
    own_rows_only(
        visits,
        office,
        "visitor_unit",
        "所在单位",
        |submitter, credited| {
            format!("{OVERREACH}调研记为“{credited}”的调研，却由“{submitter}”报送：各单位只能报送本单位人员和县级领导的调研")
        },
        "其他单位的调研由该单位或县重点项目办公室报送",
    )
}

/// A unit's 招商引资 list reports projects whose 招商单位 is itself.
pub fn investments(
    staged: &DataFrame,
    office: Option<&str>,
) -> PolarsResult<(DataFrame, Vec<Problem>)> {
    own_rows_only(
        staged,
        office,
        "unit",
        "招商单位",
        |submitter, unit| {
            format!("{OVERREACH}招商单位是“{unit}”，却由“{submitter}”报送：各单位只能报送本单位引进的项目")
        },
        "其他单位引进的项目由该单位或县重点项目办公室报送",
    )
}

/// Joint meetings are the office's record: a unit's meeting sheet is refused as a whole.
pub fn meetings(
    staged: &DataFrame,
    office: Option<&str>,
) -> PolarsResult<(DataFrame, Vec<Problem>)> {
    let (office_rows, unit_rows) = split_by_office(staged, office)?;
    let sheets = unit_rows
        .lazy()
        .group_by([col(SUBMITTER), col(FILE), col(SHEET)])
        .agg([col(ROW).min(), len().alias("rows")])
        .with_column(col("rows").cast(DataType::String))
        .sort([FILE, SHEET], SortMultipleOptions::default())
        .collect()?;
    let mut problems = row_problems(
        &sheets,
        "",
        "rows",
        Severity::Rejected,
        |submitter, rows| {
            format!("{OVERREACH}联席会议记录由县重点项目办公室报送，“{submitter}”报送的本表 {rows} 行均不计")
        },
        "会议情况请报县重点项目办公室，由办公室统一报送",
    )?;
    for problem in &mut problems {
        problem.row = None;
        problem.value.clear();
    }
    Ok((office_rows, problems))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::test_frames::{date, frame, text};
    use crate::model::frames::dates;

    fn provenance(files: &[&str], fill: &[Option<&str>]) -> Vec<Column> {
        vec![
            Column::new(FILE.into(), files.to_vec()),
            Column::new(SHEET.into(), vec!["s"; files.len()]),
            Column::new(
                ROW.into(),
                (2..2 + files.len() as u32).collect::<Vec<u32>>(),
            ),
            Column::new(MTIME.into(), vec![0i64; files.len()]),
            date(FILL_DATE, fill),
            date(REPORT_MONTH, &vec![None; files.len()]),
        ]
    }

    /// The office's list of 11-03, 丹朱镇's list of 11-04 (its own notice 1, and 鲍店镇's notice
    /// 2), and the office's list of 11-20 that records notice 2 again.
    fn staged_notices() -> DataFrame {
        let mut columns = provenance(
            &[
                "办.xlsx",
                "办.xlsx",
                "丹.xlsx",
                "丹.xlsx",
                "丹.xlsx",
                "办2.xlsx",
            ],
            &[
                Some("2026-11-03"),
                Some("2026-11-03"),
                Some("2026-11-04"),
                Some("2026-11-04"),
                Some("2026-11-04"),
                Some("2026-11-20"),
            ],
        );
        columns.extend([
            text(
                NOTICE_NO,
                &[
                    Some("1"),
                    Some("2"),
                    Some("1"),
                    Some("2"),
                    Some("9"),
                    Some("2"),
                ],
            ),
            text(
                SUBMITTER,
                &[
                    Some("县发改局"),
                    Some("县发改局"),
                    Some("丹朱镇"),
                    Some("丹朱镇"),
                    Some("丹朱镇"),
                    Some("县发改局"),
                ],
            ),
            text(
                TARGET_UNIT,
                &[
                    Some("丹朱镇"),
                    Some("鲍店镇"),
                    Some("丹朱镇"),
                    Some("鲍店镇"),
                    Some("丹朱镇"),
                    Some("鲍店镇"),
                ],
            ),
            date(
                "replied",
                &[
                    None,
                    None,
                    Some("2026-10-14"),
                    Some("2026-10-14"),
                    None,
                    None,
                ],
            ),
            text("remedy", &[None, None, Some("协调"), None, None, None]),
            text("responsible_leader", &[None; 6]),
            text("responsible_person", &[None; 6]),
            date("promised", &[None; 6]),
            date(
                "closed",
                &[
                    None,
                    None,
                    Some("2026-10-30"),
                    Some("2026-10-30"),
                    None,
                    None,
                ],
            ),
        ]);
        frame(columns)
    }

    #[test]
    fn the_office_records_notices_and_units_reply_to_their_own() {
        let (notices, problems) = notices(&staged_notices(), Some("县发改局")).unwrap();
        // Notice 9 exists only in 丹朱镇's list: the office never issued it.
        assert_eq!(
            strings(&notices, NOTICE_NO).unwrap(),
            vec![Some("1".into()), Some("2".into())]
        );
        // 丹朱镇's reply to its own notice stands (filed after the office's list); its 办结日期
        // completes nothing and is kept as a claim.
        assert_eq!(
            dates(&notices, "replied").unwrap()[0],
            crate::metrics::test_frames::d("2026-10-14").into()
        );
        assert_eq!(dates(&notices, "closed").unwrap(), vec![None, None]);
        assert_eq!(
            dates(&notices, CLAIMED_CLOSED).unwrap()[0],
            crate::metrics::test_frames::d("2026-10-30").into()
        );
        // 鲍店镇's notice is not 丹朱镇's to answer: refused.
        assert_eq!(dates(&notices, "replied").unwrap()[1], None);
        let reasons: Vec<(Severity, Option<u32>)> =
            problems.iter().map(|p| (p.severity, p.row)).collect();
        assert!(
            reasons.contains(&(Severity::Rejected, Some(5))),
            "{problems:?}"
        );
        assert!(
            reasons.contains(&(Severity::Warning, Some(4))),
            "{problems:?}"
        );
        assert!(problems.iter().any(|p| p.reason.contains("编号“9”")));
    }

    #[test]
    fn a_reply_stands_until_a_later_office_list_records_the_notice() {
        let mut staged = staged_notices();
        // The office files its list again on 11-20, still without 丹朱镇's reply.
        let later = staged
            .clone()
            .lazy()
            .filter(
                col(NOTICE_NO)
                    .eq(lit("1"))
                    .and(col(SUBMITTER).eq(lit("县发改局"))),
            )
            .with_columns([
                lit("办3.xlsx").alias(FILE),
                lit(crate::model::frames::epoch_days(
                    crate::metrics::test_frames::d("2026-11-20"),
                ))
                .cast(DataType::Date)
                .alias(FILL_DATE),
            ])
            .collect()
            .unwrap();
        staged = staged.vstack(&later).unwrap();
        let (notices, _) = notices(&staged, Some("县发改局")).unwrap();
        assert_eq!(dates(&notices, "replied").unwrap()[0], None);
    }
}
