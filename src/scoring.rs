//! Scoring and ranking (SPEC §4): weights, the N/A policy, deductions, rounding, ranks within
//! groups and grades. Pure: rates in, rows out.

use std::collections::{BTreeMap, HashMap};

use crate::config::{Config, DeductionKind, NaPolicy};
use crate::indicator::Indicator;

/// One indicator of one unit in the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorScore {
    pub indicator: Indicator,
    /// The rate as computed (投资完成 uncapped); `None` when not applicable.
    pub rate: Option<f64>,
    /// Points after capping the rate at 1 and the N/A rescaling; `None` when not applicable.
    pub score: Option<f64>,
    /// Points the indicator could give after rescaling (so points lost = max − score).
    pub max: Option<f64>,
}

impl IndicatorScore {
    /// Points lost on this indicator; `None` when not applicable.
    pub fn lost(&self) -> Option<f64> {
        Some(self.max? - self.score?)
    }
}

/// One unit's line of the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    pub unit: String,
    pub group: String,
    pub indicators: Vec<IndicatorScore>,
    /// Points deducted (≥ 0); `None` when deductions are not part of this run.
    pub deduction: Option<f64>,
    /// Rounded to 2 decimals; `None` when the unit has nothing to assess.
    pub total: Option<f64>,
    pub rank: Option<u32>,
    pub grade: String,
    /// The unit's rank in the previous month, from the job's history.
    pub previous_rank: Option<u32>,
}

impl ScoreRow {
    /// 上月排名 − 组内排名: positive when the unit moved up.
    pub fn rank_change(&self) -> Option<i64> {
        Some(i64::from(self.previous_rank?) - i64::from(self.rank?))
    }
}

/// The grade of a unit with nothing to assess.
pub const NOTHING_TO_ASSESS: &str = "无考核事项";

/// What the scorer is given: the indicators computed in this run and each unit's rates.
#[derive(Debug, Clone, Default)]
pub struct ScoringInput {
    /// In ranking column order.
    pub indicators: Vec<Indicator>,
    /// (indicator, unit) → rate; a missing entry means not applicable.
    pub rates: BTreeMap<(Indicator, String), f64>,
    /// Unit → notices past 办理时限 and not closed by D; `None` when notices are not assessed.
    pub overdue_notices: Option<BTreeMap<String, u32>>,
}

/// Score and rank every configured unit, in group order then rank.
pub fn score(config: &Config, input: &ScoringInput) -> Vec<ScoreRow> {
    let weights = &config.scoring.weights;
    let full_weight: f64 = input.indicators.iter().map(|i| weights.get(*i)).sum();
    let mut rows: Vec<ScoreRow> = config
        .units
        .iter()
        .map(|unit| {
            let rate_of = |i: Indicator| input.rates.get(&(i, unit.name.clone())).copied();
            let applicable_weight: f64 = input
                .indicators
                .iter()
                .filter(|i| rate_of(**i).is_some())
                .map(|i| weights.get(*i))
                .sum();
            let assessed = applicable_weight > 0.0;
            // Scores are scaled so that a unit meeting everything gets 100.
            let scale = match config.scoring.na {
                NaPolicy::Rescale if assessed => 100.0 / applicable_weight,
                NaPolicy::Full if assessed => 100.0 / full_weight,
                _ => 0.0,
            };
            let indicators: Vec<IndicatorScore> = input
                .indicators
                .iter()
                .map(|i| {
                    let rate = rate_of(*i);
                    let max = weights.get(*i) * scale;
                    let score = match (rate, config.scoring.na) {
                        _ if !assessed => None,
                        (Some(r), _) => Some(max * r.clamp(0.0, 1.0)),
                        (None, NaPolicy::Full) => Some(max),
                        (None, NaPolicy::Rescale) => None,
                    };
                    IndicatorScore {
                        indicator: *i,
                        rate,
                        score,
                        max: score.map(|_| max),
                    }
                })
                .collect();
            let deduction = input.overdue_notices.as_ref().map(|overdue| {
                let count = f64::from(overdue.get(&unit.name).copied().unwrap_or(0));
                config
                    .scoring
                    .deductions
                    .iter()
                    .map(|d| match d.kind {
                        DeductionKind::OverdueNotice => (count * d.points).min(d.cap),
                    })
                    .sum::<f64>()
            });
            let total = assessed.then(|| {
                let sum: f64 = indicators.iter().filter_map(|s| s.score).sum();
                round2(sum - deduction.unwrap_or(0.0))
            });
            ScoreRow {
                unit: unit.name.clone(),
                group: unit.group.clone(),
                indicators,
                deduction,
                total,
                rank: None,
                previous_rank: None,
                grade: match total {
                    Some(t) => grade_of(config, t),
                    None => NOTHING_TO_ASSESS.to_string(),
                },
            }
        })
        .collect();
    assign_ranks(&mut rows);
    let positions: HashMap<&str, usize> = config
        .units
        .iter()
        .enumerate()
        .rev()
        .map(|(i, u)| (u.name.as_str(), i))
        .collect();
    let unit_order = |name: &str| positions.get(name).copied();
    rows.sort_by(|a, b| {
        config
            .group_rank(&a.group)
            .cmp(&config.group_rank(&b.group))
            .then(a.rank.is_none().cmp(&b.rank.is_none()))
            .then(a.rank.cmp(&b.rank))
            .then(unit_order(&a.unit).cmp(&unit_order(&b.unit)))
    });
    rows
}

/// Set each unit's previous-month rank from the history (units absent there get none).
pub fn with_previous_ranks(rows: &mut [ScoreRow], previous: &BTreeMap<String, u32>) {
    for row in rows {
        row.previous_rank = previous.get(&row.unit).copied();
    }
}

/// Competition ranking within each group by the rounded total: 1, 2, 2, 4.
fn assign_ranks(rows: &mut [ScoreRow]) {
    // Each group's totals in ascending order: a unit's rank is one more than the totals above
    // its own (a province ranks thousands of units).
    let mut totals: HashMap<&str, Vec<f64>> = HashMap::new();
    for row in rows.iter() {
        if let Some(total) = row.total.filter(|t| !t.is_nan()) {
            totals.entry(row.group.as_str()).or_default().push(total);
        }
    }
    for group in totals.values_mut() {
        group.sort_by(f64::total_cmp);
    }
    let ranks: Vec<Option<u32>> = rows
        .iter()
        .map(|row| {
            let total = row.total?;
            let group = totals
                .get(row.group.as_str())
                .map_or(&[][..], Vec::as_slice);
            let better = if total.is_nan() {
                0
            } else {
                group.len() - group.partition_point(|t| *t <= total)
            };
            Some(better as u32 + 1)
        })
        .collect();
    for (row, rank) in rows.iter_mut().zip(ranks) {
        row.rank = rank;
    }
}

fn grade_of(config: &Config, total: f64) -> String {
    config
        .scoring
        .grades
        .iter()
        .find(|g| g.min.is_none_or(|min| total >= min))
        .map(|g| g.name.clone())
        .unwrap_or_default()
}

/// Round to 2 decimals, half away from zero, on the decimal the number shows
/// (so 1.005 → 1.01, as a clerk rounding by hand would).
pub fn round2(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let shown = format!("{}", x.abs());
    let (whole, frac) = shown.split_once('.').unwrap_or((&shown, ""));
    let mut digits: Vec<u8> = whole
        .bytes()
        .chain(frac.bytes().chain(std::iter::repeat(b'0')).take(2))
        .map(|b| b - b'0')
        .collect();
    if frac.as_bytes().get(2).is_some_and(|b| *b >= b'5') {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, 1);
                break;
            }
            i -= 1;
            if digits[i] == 9 {
                digits[i] = 0;
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let hundredths = digits
        .iter()
        .fold(0f64, |acc, d| acc * 10.0 + f64::from(*d));
    (hundredths / 100.0).copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        let text = r#"
county = "测试县"
groups = ["乡镇", "县直部门"]
[[units]]
name = "甲镇"
group = "乡镇"
[[units]]
name = "乙镇"
group = "乡镇"
[[units]]
name = "丙镇"
group = "乡镇"
[[units]]
name = "丁镇"
group = "乡镇"
[[units]]
name = "戊局"
group = "县直部门"
"#;
        Config::parse(text, "test").unwrap()
    }

    fn input(rates: &[(Indicator, &str, f64)]) -> ScoringInput {
        ScoringInput {
            indicators: vec![Indicator::Start, Indicator::Completion],
            rates: rates
                .iter()
                .map(|(i, u, r)| ((*i, u.to_string()), *r))
                .collect(),
            overdue_notices: None,
        }
    }

    #[test]
    fn rescales_ranks_with_ties_and_grades() {
        use Indicator::{Completion, Start};
        let rows = score(
            &config(),
            &input(&[
                (Start, "甲镇", 1.0),
                (Completion, "甲镇", 0.5),
                (Start, "乙镇", 0.75),
                (Start, "丙镇", 0.75),
                (Completion, "丁镇", 1.0),
                (Start, "丁镇", 0.5),
            ]),
        );
        let summary: Vec<(&str, Option<f64>, Option<u32>, &str)> = rows
            .iter()
            .map(|r| (r.unit.as_str(), r.total, r.rank, r.grade.as_str()))
            .collect();
        // 甲: (20·1 + 10·0.5)·100/30 = 83.33; 乙/丙: only 按时开工 applies → 75;
        // 丁: (20·0.5 + 10)·100/30 = 66.67.
        assert_eq!(
            summary,
            vec![
                ("甲镇", Some(83.33), Some(1), "良好"),
                ("乙镇", Some(75.0), Some(2), "一般"),
                ("丙镇", Some(75.0), Some(2), "一般"),
                ("丁镇", Some(66.67), Some(4), "一般"),
                ("戊局", None, None, NOTHING_TO_ASSESS),
            ]
        );
        assert_eq!(rows[1].indicators[1].score, None);
        assert_eq!(rows[1].indicators[0].score, Some(75.0));
        // 甲 lost half of 按时竣工's rescaled 33.33 points.
        assert_eq!(
            rows[0].indicators[1].lost(),
            Some(10.0 * 100.0 / 30.0 * 0.5)
        );
        assert_eq!(rows[1].indicators[1].lost(), None);
    }

    /// Ranks are counted within each group, however the groups' units are interleaved in the
    /// config; the rows come group by group, then by rank, then in config order.
    #[test]
    fn ranks_are_counted_within_each_group() {
        use Indicator::Start;
        let config = Config::parse(
            r#"
county = "测试县"
groups = ["乡镇", "县直部门"]
[[units]]
name = "己局"
group = "县直部门"
[[units]]
name = "乙镇"
group = "乡镇"
[[units]]
name = "戊局"
group = "县直部门"
[[units]]
name = "甲镇"
group = "乡镇"
[[units]]
name = "丙镇"
group = "乡镇"
"#,
            "test",
        )
        .unwrap();
        let rows = score(
            &config,
            &input(&[
                (Start, "己局", 0.5),
                (Start, "乙镇", 0.75),
                (Start, "戊局", 1.0),
                (Start, "甲镇", 0.75),
            ]),
        );
        let ranks: Vec<(&str, Option<u32>)> =
            rows.iter().map(|r| (r.unit.as_str(), r.rank)).collect();
        assert_eq!(
            ranks,
            vec![
                ("乙镇", Some(1)),
                ("甲镇", Some(1)),
                ("丙镇", None),
                ("戊局", Some(1)),
                ("己局", Some(2)),
            ]
        );
    }

    #[test]
    fn full_policy_gives_full_marks_for_not_applicable() {
        let mut config = config();
        config.scoring.na = NaPolicy::Full;
        let rows = score(&config, &input(&[(Indicator::Start, "乙镇", 0.75)]));
        let yi = rows.iter().find(|r| r.unit == "乙镇").unwrap();
        // (20·0.75 + 10)·100/30 = 83.33
        assert_eq!(yi.total, Some(83.33));
        assert_eq!(yi.indicators[1].score, Some(100.0 / 3.0));
    }

    #[test]
    fn deductions_are_capped() {
        let mut input = input(&[(Indicator::Start, "甲镇", 1.0)]);
        input.overdue_notices = Some([("甲镇".to_string(), 7)].into_iter().collect());
        let rows = score(&config(), &input);
        assert_eq!(rows[0].deduction, Some(10.0));
        assert_eq!(rows[0].total, Some(90.0));
    }

    #[test]
    fn rounding_is_half_away_from_zero_on_the_shown_decimal() {
        assert_eq!(round2(1.005), 1.01);
        assert_eq!(round2(2.675), 2.68);
        assert_eq!(round2(-1.005), -1.01);
        assert_eq!(round2(99.995), 100.0);
        assert_eq!(round2(83.33333333333333), 83.33);
        assert_eq!(round2(66.66666666666667), 66.67);
        assert_eq!(round2(75.0), 75.0);
        assert_eq!(round2(1e-7), 0.0);
    }
}

#[cfg(test)]
mod history_tests {
    use super::*;

    #[test]
    fn rank_change_is_previous_minus_current() {
        let config = Config::embedded().unwrap();
        let input = ScoringInput {
            indicators: vec![Indicator::Start],
            rates: [
                ((Indicator::Start, "丹朱镇".to_string()), 0.5),
                ((Indicator::Start, "鲍店镇".to_string()), 1.0),
            ]
            .into_iter()
            .collect(),
            overdue_notices: None,
        };
        let mut rows = score(&config, &input);
        let previous = [("丹朱镇".to_string(), 1), ("鲍店镇".to_string(), 3)]
            .into_iter()
            .collect();
        with_previous_ranks(&mut rows, &previous);
        let by_unit = |u: &str| rows.iter().find(|r| r.unit == u).unwrap();
        assert_eq!(by_unit("鲍店镇").rank_change(), Some(2));
        assert_eq!(by_unit("丹朱镇").rank_change(), Some(-1));
        assert_eq!(by_unit("石哲镇").previous_rank, None);
        assert_eq!(by_unit("石哲镇").rank_change(), None);
    }
}
