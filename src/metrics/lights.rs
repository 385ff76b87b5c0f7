//! Project lights (红黄绿灯): each current project gets the worst light of its reasons, and the
//! reasons in words.

use std::collections::HashMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::due::{self, DAYS_LATE, OVERDUE_OPEN, STATUS, T};
use super::Statuses;
use crate::config::LightsConfig;
use crate::ingest::schema::field::NOTICE_NO;
use crate::model::events::PROJECT_KEY;
use crate::model::frames::{dates, strings};

/// A light, ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Light {
    Green,
    Yellow,
    Red,
}

impl Light {
    pub fn label(self) -> &'static str {
        match self {
            Light::Green => "绿灯",
            Light::Yellow => "黄灯",
            Light::Red => "红灯",
        }
    }
}

pub const LIGHT: &str = "light";
pub const REASONS: &str = "reasons";

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The current projects with `light` (红灯/黄灯/绿灯) and `reasons` added. `statuses` holds the
/// projects' start, completion and prelim items (rows as in `projects`) and the notices' closure.
pub fn project_lights(
    projects: &DataFrame,
    statuses: &Statuses,
    thresholds: &LightsConfig,
    time_progress: f64,
) -> PolarsResult<DataFrame> {
    let overdue_notices = due::with_status(&statuses.closure, OVERDUE_OPEN)?;
    let notice_no = strings(&overdue_notices, NOTICE_NO)?;
    let notice_deadline = dates(&overdue_notices, T)?;
    let mut by_project: HashMap<String, Vec<usize>> = HashMap::new();
    for (n, key) in strings(&overdue_notices, PROJECT_KEY)?
        .into_iter()
        .enumerate()
    {
        if let Some(key) = key {
            by_project.entry(key).or_default().push(n);
        }
    }
    let (start, completion, prelim) = (
        overdue_open(&statuses.start, projects.height())?,
        overdue_open(&statuses.completion, projects.height())?,
        overdue_open(&statuses.prelim, projects.height())?,
    );
    let plan: Vec<Option<f64>> = projects.column("annual_plan")?.f64()?.iter().collect();
    let ytd: Vec<Option<f64>> = projects.column("ytd_investment")?.f64()?.iter().collect();
    let project_keys = strings(projects, PROJECT_KEY)?;

    let mut lights = Vec::with_capacity(projects.height());
    let mut reasons_col = Vec::with_capacity(projects.height());
    for i in 0..projects.height() {
        let mut light = Light::Green;
        let mut reasons: Vec<String> = Vec::new();
        let mut flag = |l: Light, reason: String| {
            light = light.max(l);
            reasons.push(reason);
        };
        if let (Some(plan), true) = (plan[i].filter(|p| *p > 0.0), time_progress > 0.0) {
            let done = ytd[i].unwrap_or(0.0) / plan;
            let lag = (time_progress - done) * 100.0;
            let reason = || format!("投资完成{:.1}%，滞后时序进度{lag:.1}个百分点", done * 100.0);
            if lag > thresholds.invest_lag_red_pp {
                flag(Light::Red, reason());
            } else if lag > thresholds.invest_lag_yellow_pp {
                flag(Light::Yellow, reason());
            }
        }
        let by_days = |days: i64, red_after: i64| {
            if days > red_after {
                Light::Red
            } else {
                Light::Yellow
            }
        };
        if let Some((t, days)) = start[i] {
            flag(
                by_days(days, thresholds.start_overdue_red_days),
                format!("计划开工日期{}，逾期未开工{days}天", day(t)),
            );
        }
        if let Some((t, days)) = completion[i] {
            flag(
                Light::Red,
                format!("计划竣工日期{}，逾期未竣工{days}天", day(t)),
            );
        }
        if let Some((t, days)) = prelim[i] {
            flag(
                by_days(days, thresholds.prelim_overdue_red_days),
                format!("前期工作计划完成日期{}，逾期未完成{days}天", day(t)),
            );
        }
        let on_project = project_keys[i]
            .as_ref()
            .and_then(|key| by_project.get(key))
            .map_or(&[][..], Vec::as_slice);
        for &n in on_project {
            let deadline = notice_deadline[n].map(day).unwrap_or_default();
            let no = notice_no[n].clone().unwrap_or_default();
            flag(
                Light::Red,
                format!("督办事项{no}办理时限{deadline}，逾期未办结"),
            );
        }
        lights.push(light.label());
        reasons_col.push(reasons.join("；"));
    }
    let mut out = projects.clone();
    out.with_column(Column::new(LIGHT.into(), lights))?;
    out.with_column(Column::new(REASONS.into(), reasons_col))?;
    Ok(out)
}

/// Per row of a project status frame: its deadline and days overdue when it is past the
/// deadline and not done by D (`OVERDUE_OPEN`).
fn overdue_open(items: &DataFrame, height: usize) -> PolarsResult<Vec<Option<(NaiveDate, i64)>>> {
    if items.height() != height {
        return Err(PolarsError::ShapeMismatch(
            "project statuses and projects differ in length".into(),
        ));
    }
    let (status, deadline) = (strings(items, STATUS)?, dates(items, T)?);
    let days: Vec<Option<i32>> = items.column(DAYS_LATE)?.i32()?.iter().collect();
    Ok((0..height)
        .map(|i| {
            (status[i].as_deref() == Some(OVERDUE_OPEN))
                .then(|| Some((deadline[i]?, i64::from(days[i]?))))
                .flatten()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::metrics::projects::{prelim_done, PRELIM_DONE};
    use crate::metrics::test_frames::{d, date, frame, number, text};

    #[test]
    fn worst_light_with_reasons_in_words() {
        let as_of = d("2026-07-04");
        let projects = frame(vec![
            text("name", &[Some("绿"), Some("黄"), Some("红"), Some("督")]),
            text(
                PROJECT_KEY,
                &[Some("k1"), Some("k2"), Some("k3"), Some("k4")],
            ),
            number(
                "annual_plan",
                &[Some(100.0), Some(100.0), Some(100.0), None],
            ),
            number(
                "ytd_investment",
                &[Some(50.0), Some(30.0), Some(50.0), None],
            ),
            date(
                "planned_start",
                &[Some("2026-03-01"), None, Some("2026-03-31"), None],
            ),
            date("actual_start", &[Some("2026-03-01"), None, None, None]),
            date("planned_completion", &[None; 4]),
            date("actual_completion", &[None; 4]),
            date("prelim_due", &[None, Some("2026-06-30"), None, None]),
            date("feasibility_date", &[None; 4]),
            date("review_date", &[None; 4]),
            date("approval_date", &[None; 4]),
        ]);
        let notices = frame(vec![
            text(NOTICE_NO, &[Some("长重督〔2026〕5号")]),
            date("issued", &[Some("2026-05-01")]),
            date("deadline", &[Some("2026-06-01")]),
            date("closed", &[None]),
            text(PROJECT_KEY, &[Some("k4")]),
        ]);
        let judged = |items: &DataFrame, deadline: &str, done: &str| {
            let items = items.clone().lazy().with_column(prelim_done());
            due::item_status(items, deadline, done, as_of)
                .collect()
                .unwrap()
        };
        let statuses = Statuses {
            start: judged(&projects, "planned_start", "actual_start"),
            completion: judged(&projects, "planned_completion", "actual_completion"),
            prelim: judged(&projects, "prelim_due", PRELIM_DONE),
            reply: DataFrame::empty(),
            closure: due::item_status(notices.lazy(), "deadline", "closed", as_of)
                .collect()
                .unwrap(),
            tasks: DataFrame::empty(),
            handover: DataFrame::empty(),
            reports: DataFrame::empty(),
        };
        let lights = Config::embedded().unwrap().lights;
        // p = 6/12; 黄's 30% is 20 points behind; 红's start is 95 days overdue.
        let out = project_lights(&projects, &statuses, &lights, 0.5).unwrap();
        assert_eq!(
            strings(&out, LIGHT).unwrap(),
            vec![
                Some("绿灯".into()),
                Some("黄灯".into()),
                Some("红灯".into()),
                Some("红灯".into())
            ]
        );
        let reasons = strings(&out, REASONS).unwrap();
        assert_eq!(reasons[0].as_deref(), Some(""));
        assert_eq!(
            reasons[1].as_deref(),
            Some("投资完成30.0%，滞后时序进度20.0个百分点；前期工作计划完成日期2026-06-30，逾期未完成4天")
        );
        assert_eq!(
            reasons[2].as_deref(),
            Some("计划开工日期2026-03-31，逾期未开工95天")
        );
        assert_eq!(
            reasons[3].as_deref(),
            Some("督办事项长重督〔2026〕5号办理时限2026-06-01，逾期未办结")
        );
    }
}
