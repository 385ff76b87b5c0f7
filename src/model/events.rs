//! Normalized notices, tasks and visits (SPEC §1 "Which rows count"): notices and tasks keyed by
//! their 编号 with the latest submission winning; visits counted once per (date, visitor,
//! project), with 身份 and 所在单位 inferred from the config; references to projects that no
//! ledger lists kept and warned.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use polars::prelude::*;

use super::frames::{origins, strings, with_folded, FILE, MTIME, ROW, SHEET};
use super::ledger::latest_submissions;
use crate::config::Config;
use crate::ingest::problem::{Problem, Severity};
use crate::ingest::schema::field::{FILL_DATE, PROJECT_CODE, PROJECT_NAME, REPORT_MONTH};
use crate::text::{fold, folded};

/// Keep, per `key`, the row of the latest submission, whenever it was filed: the latest
/// 填报日期, then 报告期, then file modification time; within one submission the last row. A
/// later file may report what happened by D but never moves an event before D: the metrics
/// treat every date after D as not yet happened.
pub fn latest_by_key(staged: &DataFrame, key: &str) -> PolarsResult<DataFrame> {
    latest_by_keys(staged, &[key])
}

/// `latest_by_key` for a key of several columns (a 编号 and its submitter, say).
pub fn latest_by_keys(staged: &DataFrame, keys: &[&str]) -> PolarsResult<DataFrame> {
    let order = [FILL_DATE, REPORT_MONTH, MTIME, FILE, SHEET, ROW];
    let by: Vec<&str> = keys.iter().copied().chain(order).collect();
    let descending: Vec<bool> = keys
        .iter()
        .map(|_| false)
        .chain(order.iter().map(|_| true))
        .collect();
    staged
        .clone()
        .lazy()
        .sort(
            by,
            SortMultipleOptions::default()
                .with_order_descending_multi(descending)
                .with_nulls_last(true),
        )
        .unique_stable_generic(
            Some(keys.iter().map(|k| col(*k)).collect()),
            UniqueKeepStrategy::First,
        )
        .sort(keys.to_vec(), SortMultipleOptions::default())
        .collect()
}

/// Visits from every log, whenever saved, exact duplicates (date, visitor, project) once, with
/// 身份 and 所在单位 filled in from the configured leaders and unit heads where the sheet left
/// them empty. Visits dated after D are left to the metrics, which count none of them.
pub fn visits(staged: &DataFrame, config: &Config) -> PolarsResult<DataFrame> {
    let deduped = staged
        .clone()
        .lazy()
        .with_column(coalesce(&[col(PROJECT_CODE), col(PROJECT_NAME)]).alias("project_ref"))
        .sort([FILE, SHEET, ROW], SortMultipleOptions::default())
        .unique_stable_generic(
            Some(vec![col("visit_date"), col("visitor"), col("project_ref")]),
            UniqueKeepStrategy::First,
        )
        .collect()?;
    let visitors = strings(&deduped, "visitor")?;
    let roles = strings(&deduped, "role")?;
    let units = strings(&deduped, "visitor_unit")?;
    let leader_names: HashSet<String> = config.leaders.iter().map(|l| fold(&l.name)).collect();
    // The first unit a person heads (a county may list one person twice; the first wins).
    let mut heads: HashMap<String, String> = HashMap::new();
    for unit in &config.units {
        if let Some(head) = &unit.head {
            heads.entry(fold(head)).or_insert_with(|| unit.name.clone());
        }
    }
    let mut inferred_roles = Vec::with_capacity(deduped.height());
    let mut inferred_units = Vec::with_capacity(deduped.height());
    for i in 0..deduped.height() {
        let visitor = folded(visitors[i].as_deref().unwrap_or_default());
        let head_of = || heads.get(visitor.as_ref()).cloned();
        let role = roles[i].clone().or_else(|| {
            if leader_names.contains(visitor.as_ref()) {
                Some("包项目领导".to_string())
            } else {
                head_of().map(|_| "包联单位负责人".to_string())
            }
        });
        inferred_roles.push(role);
        inferred_units.push(units[i].clone().or_else(head_of));
    }
    let mut out = deduped;
    out.with_column(Column::new("role".into(), inferred_roles))?;
    out.with_column(Column::new("visitor_unit".into(), inferred_units))?;
    with_folded(&mut out, "visitor", "visitor_ref")?;
    with_project_refs(&mut out)?;
    Ok(out)
}

/// Add `ref_code` and `ref_name`, the folded project reference of a notice, task or visit.
pub fn with_project_refs(df: &mut DataFrame) -> PolarsResult<()> {
    with_folded(df, PROJECT_CODE, "ref_code")?;
    with_folded(df, PROJECT_NAME, "ref_name")
}

/// The column that ties a notice, task or visit to its current project.
pub const PROJECT_KEY: &str = "project_key";

/// Add `project_key`: the one rule that ties a notice, task or visit (with `with_project_refs`)
/// to a current project. The row's folded 项目代码 picks the first project, in the current
/// ledger's order, with that folded code; failing that, its folded name picks the first project
/// with that folded name; otherwise the key is null. Lights, the 五清台账 and visit coverage all
/// read this column, so they always see the same project.
pub fn with_project_key(rows: &mut DataFrame, projects: &DataFrame) -> PolarsResult<()> {
    let keys: Vec<Option<&str>> = projects.column(PROJECT_KEY)?.str()?.iter().collect();
    let mut by_code: PlHashMap<&str, usize> = PlHashMap::new();
    let mut by_name: PlHashMap<&str, usize> = PlHashMap::new();
    let codes = projects.column("code_ref")?.str()?;
    let names = projects.column("name_ref")?.str()?;
    for (i, (code, name)) in codes.iter().zip(names.iter()).enumerate() {
        if let Some(code) = code {
            by_code.entry(code).or_insert(i);
        }
        if let Some(name) = name {
            by_name.entry(name).or_insert(i);
        }
    }
    let matched = StringChunked::from_iter_options(
        PROJECT_KEY.into(),
        rows.column("ref_code")?
            .str()?
            .iter()
            .zip(rows.column("ref_name")?.str()?.iter())
            .map(|(code, name)| {
                code.and_then(|c| by_code.get(c))
                    .or_else(|| name.and_then(|n| by_name.get(n)))
                    .and_then(|i| keys[*i])
            }),
    );
    rows.with_column(matched.into_column())?;
    Ok(())
}

/// The folded 项目代码 and 项目名称 of every project in any ledger, whatever its month.
pub struct KnownProjects<'a> {
    codes: HashSet<Cow<'a, str>>,
    names: HashSet<Cow<'a, str>>,
}

impl<'a> KnownProjects<'a> {
    pub fn of(ledgers: &'a DataFrame) -> PolarsResult<KnownProjects<'a>> {
        let folded_set = |column: &str| -> PolarsResult<HashSet<Cow<'a, str>>> {
            Ok(ledgers
                .column(column)?
                .str()?
                .iter()
                .flatten()
                .map(folded)
                .collect())
        };
        Ok(KnownProjects {
            codes: folded_set("code")?,
            names: folded_set("name")?,
        })
    }
}

/// Warn on each row (with `with_project_refs`) whose project (by 项目代码, else by name) is in
/// no ledger at all.
pub fn unknown_project_warnings(
    rows: &DataFrame,
    table_label: &str,
    unit_column: &str,
    known: &KnownProjects,
) -> PolarsResult<Vec<Problem>> {
    let (ref_codes, ref_names) = (
        rows.column("ref_code")?.str()?,
        rows.column("ref_name")?.str()?,
    );
    let codes = rows.column(PROJECT_CODE)?.str()?;
    let names = rows.column(PROJECT_NAME)?.str()?;
    let mut unknown = Vec::new();
    for (i, ((code, name), (ref_code, ref_name))) in codes
        .iter()
        .zip(names.iter())
        .zip(ref_codes.iter().zip(ref_names.iter()))
        .enumerate()
    {
        let known = match (ref_code, ref_name) {
            (Some(code), _) if known.codes.contains(code) => true,
            (_, Some(name)) => known.names.contains(name),
            (Some(_), None) => false,
            (None, None) => true,
        };
        if !known {
            let (column, value) = match (code, name) {
                (Some(code), None) => ("项目代码", code),
                (_, name) => ("项目名称", name.unwrap_or_default()),
            };
            unknown.push((i, column, value.to_string()));
        }
    }
    if unknown.is_empty() {
        return Ok(Vec::new());
    }
    let origins = origins(rows, unit_column)?;
    let warnings = unknown
        .into_iter()
        .map(|(i, column, value)| {
            origins[i].problem(
                column,
                &value,
                Severity::Warning,
                format!("{table_label}所指项目不在任何单位的项目台账中；该行仍计入"),
                "请核对项目名称或项目代码是否与项目台账一致",
            )
        })
        .collect();
    Ok(warnings)
}

/// The current 招商引资 list of every 招商单位 (SPEC §1 "Which second-wave rows count"): a
/// snapshot like a ledger, its submission with the latest 报告期 ≤ D's month (then the latest
/// 填报日期, then the file's modification time), one row per folded 项目名称; a name repeated
/// in one list keeps its last row, and the others are warned.
pub fn investments(
    staged: &DataFrame,
    as_of: NaiveDate,
) -> PolarsResult<(DataFrame, Vec<Problem>)> {
    let month_start = crate::dates::month_start(as_of);
    let per_list = [col("unit"), col(FILE), col(SHEET)];
    let eligible = staged.clone().lazy().filter(
        col(REPORT_MONTH)
            .is_null()
            .or(col(REPORT_MONTH).lt_eq(lit(month_start))),
    );
    let current = latest_submissions(eligible.clone(), "unit").select(per_list.clone());
    let mut rows = eligible
        .join(
            current,
            per_list.clone(),
            per_list,
            JoinArgs::new(JoinType::Semi),
        )
        .sort([FILE, SHEET, ROW], SortMultipleOptions::default())
        .collect()?;
    let keys: Vec<String> = strings(&rows, "name")?
        .into_iter()
        .zip(strings(&rows, "unit")?)
        .map(|(n, u)| format!("{}@{}", fold(&n.unwrap_or_default()), u.unwrap_or_default()))
        .collect();
    let warnings = repeated_names(&rows, &keys)?;
    rows.with_column(Column::new("investment_key".into(), keys))?;
    let projects = rows
        .lazy()
        .unique_stable_generic(Some(vec![col("investment_key")]), UniqueKeepStrategy::Last)
        .sort(["investment_key"], SortMultipleOptions::default())
        .collect()?;
    Ok((projects, warnings))
}

/// A warning on each row of a 招商引资 list whose name comes again further down the list.
fn repeated_names(rows: &DataFrame, keys: &[String]) -> PolarsResult<Vec<Problem>> {
    let (names, origins) = (strings(rows, "name")?, origins(rows, "unit")?);
    let mut last: HashMap<&str, usize> = HashMap::new();
    for (i, key) in keys.iter().enumerate() {
        last.insert(key, i);
    }
    Ok(keys
        .iter()
        .enumerate()
        .filter(|(i, key)| last.get(key.as_str()) != Some(i))
        .map(|(i, key)| {
            let kept = last.get(key.as_str()).copied().unwrap_or(i);
            origins[i].problem(
                "项目名称",
                &names[i].clone().unwrap_or_default(),
                Severity::Warning,
                format!(
                    "项目名称在本表中重复出现，采用第{}行",
                    origins[kept].row.unwrap_or_default()
                ),
                "同一项目只填一行",
            )
        })
        .collect())
}

/// Joint meetings, one per (会议日期, folded 期次): two meetings on one day with different 期次
/// are two meetings; the same meeting in several submissions counts once, the latest winning.
pub fn meetings(staged: &DataFrame) -> PolarsResult<DataFrame> {
    let mut keyed = staged.clone();
    let days = super::frames::dates(&keyed, "meeting_date")?;
    let sessions = strings(&keyed, "session")?;
    let keys: Vec<Option<String>> = days
        .into_iter()
        .zip(sessions)
        .map(|(d, s)| {
            d.map(|d| format!("{}@{}", d.format("%Y-%m-%d"), fold(&s.unwrap_or_default())))
        })
        .collect();
    keyed.with_column(Column::new("meeting_key".into(), keys))?;
    latest_by_key(&keyed, "meeting_key")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::test_frames::{d, date, frame, text};

    fn provenance(files: &[&str], rows: &[u32]) -> Vec<Column> {
        vec![
            Column::new(FILE.into(), files.to_vec()),
            Column::new(SHEET.into(), vec!["s"; files.len()]),
            Column::new(ROW.into(), rows.to_vec()),
            Column::new(MTIME.into(), vec![0i64; files.len()]),
        ]
    }

    #[test]
    fn an_investment_list_is_a_snapshot_of_its_latest_month() {
        let mut columns = provenance(
            &[
                "9月.xlsx",
                "9月.xlsx",
                "10月.xlsx",
                "10月.xlsx",
                "10月.xlsx",
                "12月.xlsx",
            ],
            &[2, 3, 2, 3, 4, 2],
        );
        columns.extend([
            text(
                "name",
                &[
                    Some("甲"),
                    Some("乙"),
                    Some("甲"),
                    Some("丙"),
                    Some("甲 "),
                    Some("丁"),
                ],
            ),
            text("unit", &[Some("县招商中心"); 6]),
            date(
                REPORT_MONTH,
                &[
                    Some("2026-09-01"),
                    Some("2026-09-01"),
                    Some("2026-10-01"),
                    Some("2026-10-01"),
                    Some("2026-10-01"),
                    Some("2026-12-01"),
                ],
            ),
            date(FILL_DATE, &[None; 6]),
        ]);
        let (current, warnings) = investments(&frame(columns), d("2026-11-30")).unwrap();
        // October's list is current: 乙 left it, December's 丁 is not yet due; 甲 twice in it
        // keeps its last row.
        assert_eq!(
            strings(&current, "name").unwrap(),
            vec![Some("丙".into()), Some("甲 ".into())]
        );
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            (warnings[0].file.as_str(), warnings[0].row),
            ("10月.xlsx", Some(2))
        );
        assert!(
            warnings[0].reason.contains("第4行"),
            "{}",
            warnings[0].reason
        );
    }

    #[test]
    fn meetings_are_keyed_by_date_and_session() {
        let mut columns = provenance(&["a.xlsx", "a.xlsx", "b.xlsx"], &[2, 3, 2]);
        columns.extend([
            date(
                "meeting_date",
                &[Some("2026-05-25"), Some("2026-05-25"), Some("2026-05-25")],
            ),
            text(
                "session",
                &[
                    Some("第4次联席会议"),
                    Some("招商专题会议"),
                    Some("第4次联席会议"),
                ],
            ),
            date(FILL_DATE, &[None; 3]),
            date(REPORT_MONTH, &[None; 3]),
        ]);
        let held = meetings(&frame(columns)).unwrap();
        assert_eq!(held.height(), 2);
    }

    #[test]
    fn a_row_finds_its_project_by_code_first_then_by_name() {
        let projects = frame(vec![
            text(PROJECT_KEY, &[Some("k1"), Some("k2"), Some("k3")]),
            text("code_ref", &[Some("c1"), None, Some("c3")]),
            text("name_ref", &[Some("甲"), Some("乙"), Some("乙")]),
        ]);
        let mut rows = frame(vec![
            // Code wins over a name naming another project; an unknown code falls back to the
            // name; a name shared by two projects picks the first; nothing known: no key.
            text("ref_code", &[Some("c3"), Some("c9"), None, None, None]),
            text(
                "ref_name",
                &[Some("甲"), Some("甲"), Some("乙"), Some("丙"), None],
            ),
        ]);
        with_project_key(&mut rows, &projects).unwrap();
        assert_eq!(
            strings(&rows, PROJECT_KEY).unwrap(),
            vec![
                Some("k3".into()),
                Some("k1".into()),
                Some("k2".into()),
                None,
                None
            ]
        );
    }

    #[test]
    fn the_latest_submission_wins_by_fill_date_then_report_month_then_row() {
        let mut columns = provenance(
            &["a.xlsx", "b.xlsx", "b.xlsx", "c.xlsx", "d.xlsx"],
            &[2, 2, 3, 2, 2],
        );
        columns.extend([
            text(
                "no",
                &[Some("N1"), Some("N1"), Some("N1"), Some("N2"), Some("N2")],
            ),
            date(
                FILL_DATE,
                &[
                    Some("2026-11-05"),
                    Some("2026-11-03"),
                    Some("2026-11-03"),
                    None,
                    Some("2026-10-01"),
                ],
            ),
            date(
                REPORT_MONTH,
                &[
                    Some("2026-10-01"),
                    Some("2026-11-01"),
                    Some("2026-11-01"),
                    Some("2026-11-01"),
                    Some("2026-09-01"),
                ],
            ),
            text(
                "v",
                &[Some("a"), Some("b2"), Some("b3"), Some("c"), Some("d")],
            ),
        ]);
        let latest = latest_by_key(&frame(columns), "no").unwrap();
        // N1: the latest 填报日期 wins over a later 报告期; N2: a row without 填报日期 loses.
        assert_eq!(
            strings(&latest, "v").unwrap(),
            [Some("a".into()), Some("d".into())]
        );
        // The same submission twice: its last row wins.
        let mut columns = provenance(&["b.xlsx", "b.xlsx"], &[2, 3]);
        columns.extend([
            text("no", &[Some("N1"), Some("N1")]),
            date(FILL_DATE, &[Some("2026-11-03"); 2]),
            date(REPORT_MONTH, &[Some("2026-11-01"); 2]),
            text("v", &[Some("b2"), Some("b3")]),
        ]);
        let latest = latest_by_key(&frame(columns), "no").unwrap();
        assert_eq!(strings(&latest, "v").unwrap(), [Some("b3".into())]);
    }
}
