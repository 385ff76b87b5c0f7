//! Metrics (SPEC §3): pure functions of the normalized frames, the config, the calendar and the
//! as-of date D. No file reads, no clock.

pub mod due;
pub mod projects;

use std::collections::BTreeMap;

use polars::prelude::DataFrame;
use serde::Serialize;

use crate::indicator::Indicator;

/// Items met over items in scope; the rate is not applicable when nothing is in scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Ratio {
    pub met: u32,
    pub scope: u32,
}

impl Ratio {
    pub fn rate(self) -> Option<f64> {
        (self.scope > 0).then(|| f64::from(self.met) / f64::from(self.scope))
    }
}

/// One indicator computed for every unit, with the items that lost points.
#[derive(Debug, Clone)]
pub struct IndicatorOutcome {
    pub indicator: Indicator,
    /// Units with at least one item (in scope or not); a unit absent here has no item.
    pub ratios: BTreeMap<String, Ratio>,
    /// Items in scope and not on time, with unit, item, dates, status and days late.
    pub late: DataFrame,
}

impl IndicatorOutcome {
    /// The unit's rate; `None` when not applicable.
    pub fn rate(&self, unit: &str) -> Option<f64> {
        self.ratios.get(unit).and_then(|r| r.rate())
    }
}
