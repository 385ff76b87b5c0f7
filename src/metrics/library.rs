//! 谋划储备 (system 1, SPEC §7): the project library by batch and 板块, 项目说明书完整率, and
//! reserve projects short of feasibility depth, review or 赋码.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::projects::LEAD_UNIT;
use super::Ratio;
use crate::model::frames::{dates, strings};

/// The library's batches: name and the stages in it.
pub const BATCHES: [(&str, &[&str]); 4] = [
    ("谋划一批", &["谋划"]),
    ("储备一批", &["储备"]),
    ("实施一批", &["前期", "在建"]),
    ("竣工", &["竣工"]),
];

/// Fields a 谋划/储备 project's description must have: (frame column, Chinese name).
const DESCRIPTION: [(&str, &str); 5] = [
    ("investor", "投资主体"),
    ("total_investment", "总投资"),
    ("location", "建设地点"),
    ("content", "建设内容"),
    ("benefits", "经济社会效益"),
];

#[derive(Debug, Default)]
pub struct Library {
    /// (unit, batch, 板块) → (count, 总投资 万元).
    pub batches: BTreeMap<(String, &'static str, String), (u32, f64)>,
    /// Per unit: 谋划/储备 projects with a complete description over all of them.
    pub description_complete: BTreeMap<String, Ratio>,
    /// (unit, project, stage, missing fields) of incomplete descriptions.
    pub incomplete: Vec<(String, String, String, String)>,
    /// (unit, project, missing items) of 储备 projects short of depth.
    pub shallow_reserve: Vec<(String, String, String)>,
}

/// The library of the current projects as of D: an approval dated after D has not happened yet.
pub fn library(projects: &DataFrame, as_of: NaiveDate) -> PolarsResult<Library> {
    let units = strings(projects, LEAD_UNIT)?;
    let names = strings(projects, "name")?;
    let stages = strings(projects, "stage")?;
    let sectors = strings(projects, "sector")?;
    let totals: Vec<Option<f64>> = projects.column("total_investment")?.f64()?.iter().collect();
    let present: Vec<(&str, Vec<bool>)> = DESCRIPTION
        .iter()
        .map(|(field, label)| {
            Ok((
                *label,
                projects
                    .column(field)?
                    .is_not_null()
                    .iter()
                    .map(|v| v == Some(true))
                    .collect(),
            ))
        })
        .collect::<PolarsResult<_>>()?;
    let depth: Vec<(&str, Vec<bool>)> = [
        ("feasibility_date", "可研批复"),
        ("review_date", "专家评审"),
        ("approval_date", "立项赋码"),
    ]
    .iter()
    .map(|(field, label)| {
        Ok((
            *label,
            dates(projects, field)?
                .iter()
                .map(|d| d.is_some_and(|d| d <= as_of))
                .collect(),
        ))
    })
    .collect::<PolarsResult<_>>()?;
    let coded: Vec<bool> = strings(projects, "code")?
        .iter()
        .map(Option::is_some)
        .collect();

    let mut out = Library::default();
    for i in 0..projects.height() {
        let (Some(unit), Some(stage)) = (&units[i], &stages[i]) else {
            continue;
        };
        let name = names[i].clone().unwrap_or_default();
        if let Some((batch, _)) = BATCHES.iter().find(|(_, s)| s.contains(&stage.as_str())) {
            let sector = sectors[i].clone().unwrap_or_default();
            let slot = out
                .batches
                .entry((unit.clone(), batch, sector))
                .or_default();
            slot.0 += 1;
            slot.1 += totals[i].unwrap_or(0.0);
        }
        if stage == "谋划" || stage == "储备" {
            let missing: Vec<&str> = present
                .iter()
                .filter(|(_, p)| !p[i])
                .map(|(l, _)| *l)
                .collect();
            let ratio = out.description_complete.entry(unit.clone()).or_default();
            ratio.scope += 1.0;
            if missing.is_empty() {
                ratio.met += 1.0;
            } else {
                out.incomplete.push((
                    unit.clone(),
                    name.clone(),
                    stage.clone(),
                    missing.join("、"),
                ));
            }
        }
        if stage == "储备" {
            let mut missing: Vec<&str> = depth
                .iter()
                .filter(|(_, p)| !p[i])
                .map(|(l, _)| *l)
                .collect();
            if !coded[i] {
                missing.push("项目代码");
            }
            if !missing.is_empty() {
                out.shallow_reserve
                    .push((unit.clone(), name, missing.join("、")));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::test_frames::{d, date, frame, number, text};

    #[test]
    fn batches_descriptions_and_reserve_depth() {
        let projects = frame(vec![
            text(LEAD_UNIT, &[Some("甲镇"); 4]),
            text("name", &[Some("A"), Some("B"), Some("C"), Some("D")]),
            text(
                "stage",
                &[Some("谋划"), Some("储备"), Some("在建"), Some("前期")],
            ),
            text("sector", &[Some("产业转型"); 4]),
            text(
                "code",
                &[None, Some("2025-140428-47-01-012345"), None, None],
            ),
            number(
                "total_investment",
                &[None, Some(200.0), Some(300.0), Some(400.0)],
            ),
            text("investor", &[Some("某公司"), Some("某公司"), None, None]),
            text("location", &[Some("甲镇"), Some("甲镇"), None, None]),
            text("content", &[Some("建设"), Some("建设"), None, None]),
            text("benefits", &[None, Some("就业200人"), None, None]),
            date("feasibility_date", &[None, Some("2026-03-01"), None, None]),
            date("review_date", &[None, None, None, None]),
            date("approval_date", &[None, Some("2026-04-01"), None, None]),
        ]);
        let l = library(&projects, d("2026-11-30")).unwrap();
        assert_eq!(
            l.batches[&("甲镇".into(), "实施一批", "产业转型".into())],
            (2, 700.0)
        );
        let r = l.description_complete["甲镇"];
        assert_eq!((r.met, r.scope), (1.0, 2.0));
        assert_eq!(
            l.incomplete,
            vec![(
                "甲镇".into(),
                "A".into(),
                "谋划".into(),
                "总投资、经济社会效益".into()
            )]
        );
        assert_eq!(
            l.shallow_reserve,
            vec![("甲镇".into(), "B".into(), "专家评审".into())]
        );
        // As of 2026-03-15 the 立项赋码 of 04-01 has not happened: B lacks it too.
        let earlier = library(&projects, d("2026-03-15")).unwrap();
        assert_eq!(
            earlier.shallow_reserve,
            vec![("甲镇".into(), "B".into(), "专家评审、立项赋码".into())]
        );
    }
}
