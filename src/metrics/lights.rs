//! Project lights (红黄绿灯): each current project gets the worst light of its reasons, and the
//! reasons in words.

use std::collections::HashMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::projects::{prelim_done, PRELIM_DONE};
use crate::config::LightsConfig;
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

/// The current projects with `light` (红灯/黄灯/绿灯) and `reasons` added. `overdue_notices`
/// are the notices past 办理时限 and open (`due::OVERDUE_OPEN`), with their folded project
/// references.
pub fn project_lights(
    projects: &DataFrame,
    overdue_notices: &DataFrame,
    thresholds: &LightsConfig,
    time_progress: f64,
    as_of: NaiveDate,
) -> PolarsResult<DataFrame> {
    let with_prelim = projects
        .clone()
        .lazy()
        .with_column(prelim_done())
        .collect()?;
    let notice_no = strings(overdue_notices, "notice_no")?;
    let notice_deadline = dates(overdue_notices, "deadline")?;
    let mut by_project: HashMap<String, Vec<usize>> = HashMap::new();
    for (n, key) in strings(overdue_notices, PROJECT_KEY)?
        .into_iter()
        .enumerate()
    {
        if let Some(key) = key {
            by_project.entry(key).or_default().push(n);
        }
    }

    let plan: Vec<Option<f64>> = with_prelim.column("annual_plan")?.f64()?.iter().collect();
    let ytd: Vec<Option<f64>> = with_prelim
        .column("ytd_investment")?
        .f64()?
        .iter()
        .collect();
    let planned_start = dates(&with_prelim, "planned_start")?;
    let actual_start = dates(&with_prelim, "actual_start")?;
    let planned_end = dates(&with_prelim, "planned_completion")?;
    let actual_end = dates(&with_prelim, "actual_completion")?;
    let prelim_due = dates(&with_prelim, "prelim_due")?;
    let prelim = dates(&with_prelim, PRELIM_DONE)?;
    let project_keys = strings(&with_prelim, PROJECT_KEY)?;
    let happened = |d: Option<NaiveDate>| d.filter(|d| *d <= as_of);

    let mut lights = Vec::with_capacity(with_prelim.height());
    let mut reasons_col = Vec::with_capacity(with_prelim.height());
    for i in 0..with_prelim.height() {
        let mut light = Light::Green;
        let mut reasons: Vec<String> = Vec::new();
        let mut flag = |l: Light, reason: String| {
            light = light.max(l);
            reasons.push(reason);
        };
        if let (Some(plan), true) = (plan[i].filter(|p| *p > 0.0), time_progress > 0.0) {
            let lag = (time_progress - ytd[i].unwrap_or(0.0) / plan) * 100.0;
            let reason = || {
                format!(
                    "投资完成{:.1}%，滞后时序进度{lag:.1}个百分点",
                    ytd[i].unwrap_or(0.0) / plan * 100.0
                )
            };
            if lag > thresholds.invest_lag_red_pp {
                flag(Light::Red, reason());
            } else if lag > thresholds.invest_lag_yellow_pp {
                flag(Light::Yellow, reason());
            }
        }
        if let Some(t) = planned_start[i].filter(|t| *t <= as_of) {
            if happened(actual_start[i]).is_none() {
                let days = (as_of - t).num_days();
                let l = if days > thresholds.start_overdue_red_days {
                    Light::Red
                } else {
                    Light::Yellow
                };
                flag(l, format!("计划开工日期{}，逾期未开工{days}天", day(t)));
            }
        }
        if let Some(t) = planned_end[i].filter(|t| *t <= as_of) {
            if happened(actual_end[i]).is_none() {
                flag(
                    Light::Red,
                    format!(
                        "计划竣工日期{}，逾期未竣工{}天",
                        day(t),
                        (as_of - t).num_days()
                    ),
                );
            }
        }
        if let Some(t) = prelim_due[i].filter(|t| *t <= as_of) {
            if happened(prelim[i]).is_none() {
                let days = (as_of - t).num_days();
                let l = if days > thresholds.prelim_overdue_red_days {
                    Light::Red
                } else {
                    Light::Yellow
                };
                flag(
                    l,
                    format!("前期工作计划完成日期{}，逾期未完成{days}天", day(t)),
                );
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
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
            text("notice_no", &[Some("长重督〔2026〕5号")]),
            date("issued", &[Some("2026-05-01")]),
            date("deadline", &[Some("2026-06-01")]),
            date("closed", &[None]),
            text(PROJECT_KEY, &[Some("k4")]),
        ]);
        let lights = Config::embedded().unwrap().lights;
        // p = 6/12; 黄's 30% is 20 points behind; 红's start is 95 days overdue.
        let out = project_lights(&projects, &notices, &lights, 0.5, as_of).unwrap();
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
