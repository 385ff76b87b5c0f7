//! The assessment indicators of SPEC §3/§4, in the order of the scoring table.

/// One scored indicator. The order of [`Indicator::ALL`] is the column order of the ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Indicator {
    Start,
    Completion,
    Prelim,
    Investment,
    Reply,
    Closure,
    Tasks,
    Visits,
    MonthlyReport,
    /// 签约移交 (second wave): signed attracted-investment projects handed over in time.
    Handover,
}

impl Indicator {
    /// Every indicator, in the order of SPEC §4's table.
    pub const ALL: [Indicator; 10] = [
        Indicator::Start,
        Indicator::Completion,
        Indicator::Prelim,
        Indicator::Investment,
        Indicator::Reply,
        Indicator::Closure,
        Indicator::Tasks,
        Indicator::Visits,
        Indicator::MonthlyReport,
        Indicator::Handover,
    ];

    /// The Chinese key used in the config, the reports and the ranking columns.
    pub fn label(self) -> &'static str {
        match self {
            Indicator::Start => "按时开工",
            Indicator::Completion => "按时竣工",
            Indicator::Prelim => "前期按时完成",
            Indicator::Investment => "投资完成",
            Indicator::Reply => "督办按时复函",
            Indicator::Closure => "督办按期办结",
            Indicator::Tasks => "调度任务落实",
            Indicator::Visits => "现场调研覆盖",
            Indicator::MonthlyReport => "月报按时报送",
            Indicator::Handover => "签约移交",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_distinct() {
        let mut labels: Vec<_> = Indicator::ALL.iter().map(|i| i.label()).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), Indicator::ALL.len());
    }
}
