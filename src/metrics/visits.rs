//! 现场调研覆盖: in the assessment month, the share of each unit's active projects (前期/在建)
//! visited by someone from that unit; and, unscored, each leader's share of the active projects
//! he or she leads that he or she visited.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use polars::prelude::*;

use super::projects::{project_item_columns, LEAD_UNIT};
use super::{IndicatorOutcome, Ratio};
use crate::config::Config;
use crate::indicator::Indicator;
use crate::model::events::PROJECT_KEY;
use crate::model::frames::strings;
use crate::text::{fold, folded};

pub const ACTIVE_STAGES: [&str; 2] = ["前期", "在建"];

#[derive(Debug)]
pub struct VisitMetrics {
    pub coverage: IndicatorOutcome,
    /// leader, title, projects, visited, rate, not_visited — configured leaders first.
    pub leaders: DataFrame,
}

/// Which active projects were visited by the lead unit and by their own leader this month.
struct Visited {
    by_unit: HashSet<String>,
    by_leader: HashSet<String>,
}

pub fn visit_metrics(
    projects: &DataFrame,
    visits: &DataFrame,
    config: &Config,
    as_of: NaiveDate,
) -> PolarsResult<VisitMetrics> {
    let month_start = crate::dates::month_start(as_of);
    let stage = strings(projects, "stage")?;
    let is_active: Vec<bool> = stage
        .iter()
        .map(|s| s.as_deref().is_some_and(|s| ACTIVE_STAGES.contains(&s)))
        .collect();
    let mut active = projects.filter(&BooleanChunked::from_slice("active".into(), &is_active))?;
    let heads: BTreeMap<&str, String> = config
        .units
        .iter()
        .filter_map(|u| u.head.as_deref().map(|h| (u.name.as_str(), fold(h))))
        .collect();
    let lead_heads: Vec<Option<String>> = strings(&active, LEAD_UNIT)?
        .iter()
        .map(|u| u.as_deref().and_then(|u| heads.get(u).cloned()))
        .collect();
    active.with_column(Column::new("lead_head_ref".into(), lead_heads))?;
    let month_visits = visits
        .clone()
        .lazy()
        .filter(
            col("visit_date")
                .gt_eq(lit(month_start))
                .and(col("visit_date").lt_eq(lit(as_of))),
        )
        .select([col(PROJECT_KEY), col("visitor_unit"), col("visitor_ref")]);
    let visited = visited_projects(&active, month_visits)?;

    let keys = strings(&active, PROJECT_KEY)?;
    let units = strings(&active, LEAD_UNIT)?;
    let mut ratios: BTreeMap<String, Ratio> = BTreeMap::new();
    let mut not_visited = Vec::with_capacity(active.height());
    for (key, unit) in keys.iter().zip(&units) {
        let (Some(key), Some(unit)) = (key, unit) else {
            not_visited.push(false);
            continue;
        };
        let hit = visited.by_unit.contains(key);
        let ratio = ratios.entry(unit.clone()).or_default();
        ratio.scope += 1.0;
        ratio.met += if hit { 1.0 } else { 0.0 };
        not_visited.push(!hit);
    }
    let late = active
        .filter(&BooleanChunked::from_slice("late".into(), &not_visited))?
        .lazy()
        .sort([LEAD_UNIT, "name"], SortMultipleOptions::default())
        .select(project_item_columns())
        .collect()?;
    Ok(VisitMetrics {
        coverage: IndicatorOutcome {
            indicator: Indicator::Visits,
            ratios,
            late,
        },
        leaders: leader_table(&active, &visited.by_leader, config)?,
    })
}

/// Match this month's visits to active projects by `project_key`, then keep the visits made by
/// the lead unit (its own people or its configured head) and by the project's leader.
fn visited_projects(active: &DataFrame, month_visits: LazyFrame) -> PolarsResult<Visited> {
    let projects = active.clone().lazy().select([
        col(PROJECT_KEY),
        col(LEAD_UNIT),
        col("lead_head_ref"),
        col("leader_ref"),
    ]);
    let matched = projects.inner_join(month_visits, col(PROJECT_KEY), col(PROJECT_KEY));
    let collect_keys = |condition: Expr| -> PolarsResult<HashSet<String>> {
        let df = matched
            .clone()
            .filter(condition)
            .select([col(PROJECT_KEY)])
            .collect()?;
        Ok(strings(&df, PROJECT_KEY)?.into_iter().flatten().collect())
    };
    Ok(Visited {
        by_unit: collect_keys(
            col("visitor_unit")
                .eq(col(LEAD_UNIT))
                .or(col("visitor_ref").eq(col("lead_head_ref")))
                .fill_null(lit(false)),
        )?,
        by_leader: collect_keys(
            col("visitor_ref")
                .eq(col("leader_ref"))
                .fill_null(lit(false)),
        )?,
    })
}

fn leader_table(
    active: &DataFrame,
    visited: &HashSet<String>,
    config: &Config,
) -> PolarsResult<DataFrame> {
    let leaders = strings(active, "leader")?;
    let keys = strings(active, PROJECT_KEY)?;
    let names = strings(active, "name")?;
    // Each row's folded leader once, and the rows of each folded leader in row order: a
    // province lists hundreds of leaders over tens of thousands of projects.
    let mut rows_of: HashMap<Cow<str>, Vec<usize>> = HashMap::new();
    for (i, leader) in leaders.iter().enumerate() {
        if let Some(leader) = leader {
            rows_of.entry(folded(leader)).or_default().push(i);
        }
    }
    let configured: HashSet<String> = config.leaders.iter().map(|l| fold(&l.name)).collect();
    let mut order: Vec<(String, Option<String>)> = config
        .leaders
        .iter()
        .map(|l| (l.name.clone(), l.title.clone()))
        .collect();
    let mut others: Vec<String> = leaders
        .iter()
        .flatten()
        .filter(|l| !configured.contains(folded(l).as_ref()))
        .cloned()
        .collect();
    others.sort();
    others.dedup();
    order.extend(others.into_iter().map(|name| (name, None)));
    let (mut name_col, mut title_col, mut led_col, mut visited_col, mut rate_col, mut missing_col) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for (leader, title) in order {
        let mut led = 0u32;
        let mut hit = 0u32;
        let mut missing = Vec::new();
        for &i in rows_of.get(folded(&leader).as_ref()).into_iter().flatten() {
            led += 1;
            if keys[i].as_ref().is_some_and(|k| visited.contains(k)) {
                hit += 1;
            } else {
                missing.push(names[i].clone().unwrap_or_default());
            }
        }
        name_col.push(leader);
        title_col.push(title);
        led_col.push(led);
        visited_col.push(hit);
        rate_col.push((led > 0).then(|| f64::from(hit) / f64::from(led)));
        missing_col.push(missing.join("、"));
    }
    DataFrame::new(
        name_col.len(),
        vec![
            Column::new("leader".into(), name_col),
            Column::new("title".into(), title_col),
            Column::new("projects".into(), led_col),
            Column::new("visited".into(), visited_col),
            Column::new("rate".into(), rate_col),
            Column::new("not_visited".into(), missing_col),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::test_frames::{d, date, frame, text};

    #[test]
    fn unit_coverage_and_leader_coverage_are_separate() {
        let projects = frame(vec![
            text(LEAD_UNIT, &[Some("丹朱镇"); 4]),
            text(
                "project_key",
                &[Some("k1"), Some("k2"), Some("k3"), Some("k4")],
            ),
            text("name", &[Some("P1"), Some("P2"), Some("P3"), Some("P4")]),
            text(
                "name_ref",
                &[Some("p1"), Some("p2"), Some("p3"), Some("p4")],
            ),
            text(
                "code",
                &[None, Some("2025-140428-47-01-000002"), None, None],
            ),
            text(
                "code_ref",
                &[None, Some("2025-140428-47-01-000002"), None, None],
            ),
            text(
                "stage",
                &[Some("在建"), Some("前期"), Some("竣工"), Some("在建")],
            ),
            text(
                "leader",
                &[
                    Some("马国华"),
                    Some("马国华"),
                    Some("马国华"),
                    Some("罗晓燕"),
                ],
            ),
            text(
                "leader_ref",
                &[
                    Some("马国华"),
                    Some("马国华"),
                    Some("马国华"),
                    Some("罗晓燕"),
                ],
            ),
        ]);
        let visits = frame(vec![
            date(
                "visit_date",
                &[
                    Some("2026-11-05"),
                    Some("2026-11-10"),
                    Some("2026-10-31"),
                    Some("2026-11-12"),
                ],
            ),
            text(
                "visitor",
                &[Some("马国华"), Some("韩永胜"), Some("张三"), Some("李四")],
            ),
            text(
                "visitor_ref",
                &[Some("马国华"), Some("韩永胜"), Some("张三"), Some("李四")],
            ),
            text(
                "visitor_unit",
                &[None, None, Some("丹朱镇"), Some("县住建局")],
            ),
            text(
                "ref_code",
                &[None, Some("2025-140428-47-01-000002"), None, None],
            ),
            text("ref_name", &[Some("p1"), None, Some("p4"), Some("p4")]),
            text(
                PROJECT_KEY,
                &[Some("k1"), Some("k2"), Some("k4"), Some("k4")],
            ),
        ]);
        let config = Config::embedded().unwrap();
        let m = visit_metrics(&projects, &visits, &config, d("2026-11-30")).unwrap();
        // Active: P1, P2, P4. The leader's visit to P1 is not the unit's; the head's visit to P2
        // (matched by code) is; the October visit and the other unit's visit do not count.
        let r = m.coverage.ratios["丹朱镇"];
        assert_eq!((r.met, r.scope), (1.0, 3.0));
        assert_eq!(
            strings(&m.coverage.late, "name").unwrap(),
            vec![Some("P1".into()), Some("P4".into())]
        );
        let leaders = strings(&m.leaders, "leader").unwrap();
        let rates: Vec<Option<f64>> = m
            .leaders
            .column("rate")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        let ma = leaders
            .iter()
            .position(|l| l.as_deref() == Some("马国华"))
            .unwrap();
        let luo = leaders
            .iter()
            .position(|l| l.as_deref() == Some("罗晓燕"))
            .unwrap();
        assert_eq!(rates[ma], Some(0.5));
        assert_eq!(rates[luo], Some(0.0));
        assert_eq!(
            strings(&m.leaders, "not_visited").unwrap()[ma].as_deref(),
            Some("P2")
        );
    }

    /// Each leader counts the rows whose leader folds to the same name, in row order;
    /// configured leaders come first (with none led when no row names them), then the others
    /// as written, sorted.
    #[test]
    fn leaders_match_their_rows_however_written() {
        let active = frame(vec![
            text(
                "leader",
                &[
                    Some("马 国华"),
                    Some("王五"),
                    Some("马国华"),
                    Some("王五"),
                    Some("Ａ君"),
                    None,
                ],
            ),
            text(
                PROJECT_KEY,
                &[
                    Some("k1"),
                    Some("k2"),
                    Some("k3"),
                    Some("k4"),
                    Some("k5"),
                    Some("k6"),
                ],
            ),
            text(
                "name",
                &[
                    Some("P1"),
                    Some("P2"),
                    Some("P3"),
                    Some("P4"),
                    Some("P5"),
                    Some("P6"),
                ],
            ),
        ]);
        let visited: HashSet<String> = ["k1", "k2", "k6"].map(String::from).into();
        let mut config = Config::embedded().unwrap();
        config.leaders = vec![
            crate::config::LeaderConfig {
                name: "马国华".into(),
                title: Some("县长".into()),
            },
            crate::config::LeaderConfig {
                name: "赵六".into(),
                title: None,
            },
        ];
        let table = leader_table(&active, &visited, &config).unwrap();
        let column = |name: &str| -> Vec<String> {
            let values = table.column(name).unwrap().cast(&DataType::String).unwrap();
            let values = values.str().unwrap();
            values
                .iter()
                .map(|v| v.unwrap_or("-").to_string())
                .collect()
        };
        assert_eq!(column("leader"), ["马国华", "赵六", "王五", "Ａ君"]);
        assert_eq!(column("title"), ["县长", "-", "-", "-"]);
        assert_eq!(column("projects"), ["2", "0", "2", "1"]);
        assert_eq!(column("visited"), ["1", "0", "1", "0"]);
        assert_eq!(column("rate"), ["0.5", "-", "0.5", "0.0"]);
        assert_eq!(column("not_visited"), ["P3", "", "P4", "P5"]);
    }
}
