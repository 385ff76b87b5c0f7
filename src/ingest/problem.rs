//! A problem found in the inputs: where, what was found, why, and how to fix it. Bad data is a
//! value: readers return these beside what they accepted.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    /// The row (or the whole sheet or file) was not used.
    Rejected,
    /// The row was kept, but an item of it cannot be judged: a working-day count needs a year
    /// the calendar lacks (SPEC §2). It is left out of its rate, never guessed.
    Undecidable,
    /// The row was kept; a value may have been dropped or needs a look.
    Warning,
    /// Something worth knowing that changes nothing (an ignored column, a skipped total row).
    Note,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Rejected => "退回",
            Severity::Undecidable => "无法判定",
            Severity::Warning => "警告",
            Severity::Note => "提示",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Problem {
    /// The unit the problem goes back to, when known.
    pub unit: Option<String>,
    /// Path relative to the inputs folder, with `/`.
    pub file: String,
    pub sheet: String,
    /// The row number as Excel shows it; `None` for a whole sheet or file.
    pub row: Option<u32>,
    pub column: String,
    pub value: String,
    pub severity: Severity,
    pub reason: String,
    pub fix: String,
}

/// How every refusal under "who may report what" (SPEC §1) begins, so the office can list them.
pub const OVERREACH: &str = "越权报送：";
/// How a completion a unit reports, kept but not counted until the office closes the item,
/// begins.
pub const AWAITING_CLOSURE: &str = "待销号：";

/// Where a row came from: the unit it goes back to, its file, sheet and Excel row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub unit: Option<String>,
    pub file: String,
    pub sheet: String,
    pub row: Option<u32>,
}

impl Origin {
    /// A problem found at this place.
    pub fn problem(
        &self,
        column: &str,
        value: &str,
        severity: Severity,
        reason: impl Into<String>,
        fix: impl Into<String>,
    ) -> Problem {
        Problem {
            unit: self.unit.clone(),
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            row: self.row,
            column: column.to_string(),
            value: value.to_string(),
            severity,
            reason: reason.into(),
            fix: fix.into(),
        }
    }
}

impl Problem {
    /// A one-line description for the terminal: where, what, why, fix.
    pub fn line(&self) -> String {
        let mut place = self.file.clone();
        if !self.sheet.is_empty() {
            place.push_str(&format!(" 工作表“{}”", self.sheet));
        }
        if let Some(row) = self.row {
            place.push_str(&format!(" 第{row}行"));
        }
        if !self.column.is_empty() {
            place.push_str(&format!(" 列“{}”", self.column));
        }
        let value = if self.value.is_empty() {
            String::new()
        } else {
            format!("（填写的是“{}”）", self.value)
        };
        format!(
            "[{}] {place}：{}{value}；{}",
            self.severity.label(),
            self.reason,
            self.fix
        )
    }
}
