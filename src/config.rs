//! Typed configuration: the county's units, leaders, scoring rules and thresholds.
//!
//! The default for 长子县 is compiled in (`config/default.toml`); `--config FILE` replaces it.
//! Loading checks every value before any input is read, and every error names the file and key.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::calendar::YearCalendarConfig;
use crate::indicator::Indicator;
use crate::ingest::schema::Table;

/// The embedded default configuration (长子县).
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");
/// How the embedded default is named in messages.
pub const DEFAULT_SOURCE: &str = "内置默认配置";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// County name, shown in report titles.
    pub county: String,
    /// The unit that houses the Key Project Office: its files may report anything, and only its
    /// lists create and close (销号) notices and tasks (SPEC §1 "Who may report what"). When
    /// left out: 县发改局, or the unit known as 县重点项目办公室 or 县重点办 (`Config::office`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    /// When true, a file outside every unit's folder is refused: each unit has its own folder.
    #[serde(default)]
    pub unit_folders_required: bool,
    /// Day of month m+1 by which the ledger of month m is due (月报按时报送).
    #[serde(default = "default_due_day")]
    pub due_day: u32,
    /// Up to this day of month M, the nightly run also reassesses M−1; after it M−1 is final.
    #[serde(default = "default_final_day")]
    pub final_day: u32,
    /// Files modified more recently than this are checked twice before reading.
    #[serde(default = "default_settle_seconds")]
    pub settle_seconds: u64,
    /// Working days after 签约日期 within which a signed project is handed over (签约移交).
    #[serde(default = "default_handover_working_days")]
    pub handover_working_days: u32,
    /// Working days after 会议日期 within which the minutes are issued (纪要及时).
    #[serde(default = "default_minutes_working_days")]
    pub minutes_working_days: u32,
    /// Open items falling due within this many working days after D are listed as 预警.
    #[serde(default = "default_warn_working_days")]
    pub warn_working_days: u32,
    /// Files that would unpack to more than this many MB are refused (decompression bombs).
    #[serde(default = "default_max_uncompressed_mb")]
    pub max_uncompressed_mb: u64,
    /// A sheet holding more cells (xls/ods: declaring a larger range) is refused.
    #[serde(default = "default_max_cells_per_sheet")]
    pub max_cells_per_sheet: u64,
    /// The joint meeting's member units, whose attendance is measured.
    #[serde(default)]
    pub joint_meeting_members: Vec<String>,
    /// Ranking groups, in the order the ranking lists them.
    pub groups: Vec<String>,
    pub units: Vec<UnitConfig>,
    #[serde(default)]
    pub leaders: Vec<LeaderConfig>,
    #[serde(default)]
    pub scoring: ScoringConfig,
    #[serde(default)]
    pub lights: LightsConfig,
    /// The 督查通报 as an official document (公文): who issues it and its fixed parts.
    #[serde(default)]
    pub circular: CircularConfig,
    /// Holiday notices for years the shipped calendar does not cover (or corrections).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calendar: Vec<YearCalendarConfig>,
    /// Header names a county uses beyond the built-in alias table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub header_aliases: Vec<HeaderAliasConfig>,
}

/// Extra header names for one canonical column of one input table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderAliasConfig {
    /// The table's Chinese name (`Table::label`): 项目台账, 督办事项, 调度任务, 现场调研, 招商引资
    /// or 联席会议.
    pub table: String,
    /// The canonical column name, e.g. 总投资.
    pub column: String,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitConfig {
    pub name: String,
    pub group: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The unit's head (包联单位负责人), matched against 调研人.
    #[serde(default)]
    pub head: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaderConfig {
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NaPolicy {
    /// Leave not-applicable indicators out and rescale the rest to 100.
    Rescale,
    /// Give not-applicable indicators full marks.
    Full,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringConfig {
    pub na: NaPolicy,
    pub weights: Weights,
    #[serde(default)]
    pub deductions: Vec<Deduction>,
    pub grades: Vec<Grade>,
}

/// Points per indicator; the keys are the indicators' Chinese names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    #[serde(rename = "按时开工", default)]
    pub start: f64,
    #[serde(rename = "按时竣工", default)]
    pub completion: f64,
    #[serde(rename = "前期按时完成", default)]
    pub prelim: f64,
    #[serde(rename = "投资完成", default)]
    pub investment: f64,
    #[serde(rename = "督办按时复函", default)]
    pub reply: f64,
    #[serde(rename = "督办按期办结", default)]
    pub closure: f64,
    #[serde(rename = "调度任务落实", default)]
    pub tasks: f64,
    #[serde(rename = "现场调研覆盖", default)]
    pub visits: f64,
    #[serde(rename = "月报按时报送", default)]
    pub monthly_report: f64,
    /// Shown but not scored (weight 0) until the county decides.
    #[serde(rename = "签约移交", default)]
    pub handover: f64,
}

impl Weights {
    pub fn get(&self, indicator: Indicator) -> f64 {
        match indicator {
            Indicator::Start => self.start,
            Indicator::Completion => self.completion,
            Indicator::Prelim => self.prelim,
            Indicator::Investment => self.investment,
            Indicator::Reply => self.reply,
            Indicator::Closure => self.closure,
            Indicator::Tasks => self.tasks,
            Indicator::Visits => self.visits,
            Indicator::MonthlyReport => self.monthly_report,
            Indicator::Handover => self.handover,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeductionKind {
    /// A notice whose 办理时限 ≤ D and that is not 办结 by D.
    #[serde(rename = "督办逾期未办结")]
    OverdueNotice,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deduction {
    pub kind: DeductionKind,
    /// Points per item.
    pub points: f64,
    /// At most this many points in all.
    pub cap: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    pub name: String,
    /// Lowest total that earns this grade; the last grade has none and takes the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LightsConfig {
    /// Investment lag (percentage points of time progress) above which a project is yellow.
    pub invest_lag_yellow_pp: f64,
    /// … and red.
    pub invest_lag_red_pp: f64,
    /// Days past 计划开工日期 without a start that turn a project red.
    pub start_overdue_red_days: i64,
    /// Days past 前期工作计划完成日期 without completion that turn a project red.
    pub prelim_overdue_red_days: i64,
}

/// The fixed parts of the 督查通报 issued as a 公文 (GB/T 9704-2012).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CircularConfig {
    /// 发文机关标志, printed in red at the top.
    pub issuer: String,
    /// 期号 "第 N 期"; when left out, the assessed month's number (11 for November).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_number: Option<u32>,
    /// 主送机关, the line above the body.
    pub addressee: String,
    /// 四、下步要求: one paragraph each, numbered （一）（二）… in the document.
    pub requirements: Vec<String>,
    /// 抄送机关, in the 版记 at the end; empty leaves the line out.
    #[serde(default)]
    pub copy_to: String,
}

fn default_due_day() -> u32 {
    5
}

fn default_final_day() -> u32 {
    10
}

fn default_settle_seconds() -> u64 {
    60
}

fn default_max_uncompressed_mb() -> u64 {
    100
}

fn default_max_cells_per_sheet() -> u64 {
    10_000_000
}

fn default_handover_working_days() -> u32 {
    10
}

fn default_minutes_working_days() -> u32 {
    3
}

fn default_warn_working_days() -> u32 {
    5
}

/// The shipped defaults for the sections a replacement config may leave out.
fn shipped() -> Config {
    // The embedded file is checked by a unit test, so parsing it cannot fail at run time.
    toml::from_str(DEFAULT_TOML).expect("embedded default config parses")
}

impl Default for ScoringConfig {
    fn default() -> Self {
        shipped().scoring
    }
}

impl Default for LightsConfig {
    fn default() -> Self {
        shipped().lights
    }
}

impl Default for CircularConfig {
    fn default() -> Self {
        shipped().circular
    }
}

/// A configuration that could not be loaded; the message is for people (Chinese).
#[derive(Debug, thiserror::Error)]
#[error("配置错误（{source_name}）：{message}")]
pub struct ConfigError {
    pub source_name: String,
    pub message: String,
}

impl Config {
    /// The embedded default, checked.
    pub fn embedded() -> Result<Config, ConfigError> {
        Config::parse(DEFAULT_TOML, DEFAULT_SOURCE)
    }

    /// Load `path`, or the embedded default when `None`.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        match path {
            None => Config::embedded(),
            Some(path) => {
                let name = path.display().to_string();
                let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
                    source_name: name.clone(),
                    message: format!("无法读取文件：{e}"),
                })?;
                Config::parse(&text, &name)
            }
        }
    }

    /// Parse and check a TOML text; `source_name` names it in errors.
    pub fn parse(text: &str, source_name: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError {
            source_name: source_name.to_string(),
            message: describe_toml_error(text, &e),
        })?;
        let problems = config.problems();
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError {
                source_name: source_name.to_string(),
                message: problems.join("；"),
            })
        }
    }

    /// Every value that is well-formed TOML but wrong for the job, each naming its key.
    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.county.trim().is_empty() {
            out.push("county：县名不能为空".to_string());
        }
        if !(1..=28).contains(&self.due_day) {
            out.push(format!("due_day = {}：应为 1 到 28 之间的日", self.due_day));
        }
        if self.max_cells_per_sheet == 0 {
            out.push("max_cells_per_sheet = 0：应为正整数".to_string());
        }
        if !(1..=28).contains(&self.final_day) {
            out.push(format!(
                "final_day = {}：应为 1 到 28 之间的日",
                self.final_day
            ));
        }
        if !(1..=30).contains(&self.warn_working_days) {
            out.push(format!(
                "warn_working_days = {}：应为 1 到 30 之间的工作日数",
                self.warn_working_days
            ));
        }
        if self.circular.issuer.trim().is_empty() {
            out.push("circular.issuer：发文机关标志不能为空".to_string());
        }
        if self.circular.issue_number == Some(0) {
            out.push("circular.issue_number = 0：期号应为正整数".to_string());
        }
        if self.groups.is_empty() {
            out.push("groups：至少需要一个分组".to_string());
        }
        check_unique(&self.groups, "groups", &mut out);
        if self.units.is_empty() {
            out.push("units：至少需要一个单位".to_string());
        }
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        for (i, unit) in self.units.iter().enumerate() {
            let key = format!("units[{}]", i + 1);
            if unit.name.trim().is_empty() {
                out.push(format!("{key}.name：单位名称不能为空"));
            }
            if !self.groups.contains(&unit.group) {
                out.push(format!(
                    "{key}.group = \"{}\"（{}）：不是 groups 中的分组，应为 {}",
                    unit.group,
                    unit.name,
                    self.groups.join("、")
                ));
            }
            for name in std::iter::once(&unit.name).chain(&unit.aliases) {
                let folded = crate::text::fold(name);
                if let Some(owner) = names.get(&folded) {
                    if owner != &unit.name {
                        out.push(format!("{key}：名称或别名“{name}”已被单位“{owner}”使用"));
                    }
                } else {
                    names.insert(folded, unit.name.clone());
                }
            }
        }
        if let Some(office) = self.office.as_ref().filter(|o| self.unit(o).is_none()) {
            out.push(format!(
                "office = \"{office}\"：不是 units 中的单位名称；请写明县重点项目办公室所在单位的规范名称"
            ));
        }
        for (i, member) in self.joint_meeting_members.iter().enumerate() {
            if self.unit(member).is_none() {
                out.push(format!(
                    "joint_meeting_members[{}] = \"{member}\"：不是 units 中的单位名称",
                    i + 1
                ));
            }
        }
        let leader_names: Vec<String> = self.leaders.iter().map(|l| l.name.clone()).collect();
        check_unique(&leader_names, "leaders", &mut out);
        self.scoring.problems(&mut out);
        self.lights.problems(&mut out);
        for (i, extra) in self.header_aliases.iter().enumerate() {
            let key = format!("header_aliases[{}]", i + 1);
            match Table::ALL.iter().find(|t| t.label() == extra.table) {
                None => out.push(format!(
                    "{key}.table = \"{}\"：应为 {} 之一",
                    extra.table,
                    Table::labels("、")
                )),
                Some(table) if !table.columns().iter().any(|c| c.name == extra.column) => {
                    out.push(format!(
                        "{key}.column = \"{}\"：{}没有这一列",
                        extra.column, extra.table
                    ))
                }
                Some(_) => {}
            }
        }
        for (i, year) in self.calendar.iter().enumerate() {
            if let Err(e) = year.check() {
                out.push(format!("calendar[{}]：{e}", i + 1));
            }
        }
        out
    }

    /// The config's extra header aliases as (table, canonical column, alias) triples.
    pub fn extra_header_aliases(&self) -> Vec<(Table, String, String)> {
        self.header_aliases
            .iter()
            .filter_map(|extra| {
                let table = *Table::ALL.iter().find(|t| t.label() == extra.table)?;
                Some(
                    extra
                        .aliases
                        .iter()
                        .map(move |alias| (table, extra.column.clone(), alias.clone())),
                )
            })
            .flatten()
            .collect()
    }

    /// The configured unit with this exact canonical name.
    pub fn unit(&self, name: &str) -> Option<&UnitConfig> {
        self.units.iter().find(|u| u.name == name)
    }

    /// Position of a group in the configured order (unknown groups sort last).
    pub fn group_rank(&self, group: &str) -> usize {
        self.groups
            .iter()
            .position(|g| g == group)
            .unwrap_or(self.groups.len())
    }

    /// The unit of the Key Project Office: as configured, else 县发改局, else the unit known as
    /// 县重点项目办公室 or 县重点办. `None` when the county has none of them: every unit then
    /// speaks with the office's authority (a config that lists no office trusts every file).
    pub fn office(&self) -> Option<&str> {
        const KNOWN_AS: [&str; 3] = ["县发改局", "县重点项目办公室", "县重点办"];
        if let Some(office) = &self.office {
            return Some(office.as_str());
        }
        self.units
            .iter()
            .find(|u| u.name == KNOWN_AS[0])
            .or_else(|| {
                self.units
                    .iter()
                    .find(|u| u.aliases.iter().any(|a| KNOWN_AS.contains(&a.as_str())))
            })
            .map(|u| u.name.as_str())
    }

    /// The config's SHA-256: of its canonical TOML, so formatting and comments do not change it.
    pub fn hash(&self) -> String {
        crate::ingest::content_hash(toml::to_string(self).unwrap_or_default().as_bytes())
    }

    /// The first year after the shipped and configured calendar years: the one to add next.
    fn next_calendar_year(&self) -> i32 {
        let shipped = crate::calendar::Calendar::shipped().years();
        let configured = self.calendar.iter().map(|y| y.year);
        configured
            .chain([*shipped.end()])
            .max()
            .unwrap_or(*shipped.end())
            + 1
    }

    /// The effective config as a commented TOML a user can start from.
    pub fn to_commented_toml(&self) -> String {
        let mut s = String::new();
        self.write_settings(&mut s);
        self.write_units_and_leaders(&mut s);
        self.write_scoring(&mut s);
        self.write_lights(&mut s);
        self.write_circular(&mut s);
        self.write_calendar(&mut s);
        self.write_header_aliases(&mut s);
        s
    }

    /// The top-level settings, each with what it means.
    fn write_settings(&self, s: &mut String) {
        let _ = writeln!(
            s,
            "# keyproj 配置文件。用 `keyproj run --config 本文件` 使用；它整体替换内置默认配置。\n\
             # 未知的键或不合法的值会让运行在读取任何报送文件之前停止，并指出键名。\n"
        );
        let _ = writeln!(s, "# 县名，出现在报表标题中。");
        let _ = writeln!(s, "county = {}", toml_value(&self.county));
        let _ = writeln!(
            s,
            "# 县重点项目办公室所在单位（规范名称）：其报送的文件可报送任何单位的事项；督办事项、调度任务\n\
             # 只由它的台账创建和销号，各单位只能报送本单位的复函和落实情况。"
        );
        if let Some(office) = self.office() {
            let _ = writeln!(s, "office = {}", toml_value(office));
        }
        let _ = writeln!(
            s,
            "# 为 true 时，不在任何单位文件夹中的文件一律退回（共享文件夹按单位分文件夹、各单位只能写自己的文件夹时使用）。"
        );
        let _ = writeln!(s, "unit_folders_required = {}", self.unit_folders_required);
        let _ = writeln!(
            s,
            "# 月报截止日：报告期为 m 月的项目台账应在 m+1 月的这一天（含）之前报送。"
        );
        let _ = writeln!(s, "due_day = {}", self.due_day);
        let _ = writeln!(
            s,
            "# 上月定稿日：每月这一天（含）之前，夜间运行同时按上月末重算上月报表（收进 due_day 前报送的上月台账）；\n\
             # 过了这一天上月定稿，夜间运行不再改动上月报表和历史记录（显式 --month 仍可重算）。"
        );
        let _ = writeln!(s, "final_day = {}", self.final_day);
        let _ = writeln!(
            s,
            "# 修改时间在这么多秒以内的文件，先隔约 2 秒再看一次，仍在变化的本次跳过。"
        );
        let _ = writeln!(s, "settle_seconds = {}", self.settle_seconds);
        let _ = writeln!(
            s,
            "# 签约移交期限：签约日期后第几个工作日内移交承接单位（签约移交）。"
        );
        let _ = writeln!(s, "handover_working_days = {}", self.handover_working_days);
        let _ = writeln!(
            s,
            "# 纪要印发期限：会议日期后第几个工作日内印发会议纪要（纪要及时）。"
        );
        let _ = writeln!(s, "minutes_working_days = {}", self.minutes_working_days);
        let _ = writeln!(
            s,
            "# 预警：数据截止日后这么多个工作日内到期、尚未完成的事项列为“即将到期”。"
        );
        let _ = writeln!(s, "warn_working_days = {}", self.warn_working_days);
        let _ = writeln!(
            s,
            "# 单个报送文件解压后的大小上限（MB），超过的文件不读取（防止压缩炸弹）。"
        );
        let _ = writeln!(s, "max_uncompressed_mb = {}", self.max_uncompressed_mb);
        let _ = writeln!(
            s,
            "# 单个工作表的单元格上限：.xlsx 按实际有内容的单元格计，.xls/.ods 按表格声明的范围计；\n\
             # 超过的工作表不读取（整列设了格式或末尾留有空格时，表格范围可达上亿个单元格）。"
        );
        let _ = writeln!(s, "max_cells_per_sheet = {}", self.max_cells_per_sheet);
        let _ = writeln!(s, "# 联席会议成员单位（统计其出席率）。");
        let _ = writeln!(
            s,
            "joint_meeting_members = {}",
            toml_value(&self.joint_meeting_members)
        );
        let _ = writeln!(s, "# 排名分组，按此顺序列出。");
        let _ = writeln!(s, "groups = {}\n", toml_value(&self.groups));
    }

    /// `[[units]]` and `[[leaders]]`.
    fn write_units_and_leaders(&self, s: &mut String) {
        let _ = writeln!(
            s,
            "# 单位：name 为规范名称；group 为排名分组；aliases 为报送文件中可能出现的其他写法；\n\
             # head 为单位负责人（现场调研中按此识别“包联单位负责人”）。"
        );
        for unit in &self.units {
            let _ = writeln!(s, "[[units]]");
            let _ = writeln!(s, "name = {}", toml_value(&unit.name));
            let _ = writeln!(s, "group = {}", toml_value(&unit.group));
            let _ = writeln!(s, "aliases = {}", toml_value(&unit.aliases));
            if let Some(head) = &unit.head {
                let _ = writeln!(s, "head = {}", toml_value(head));
            }
            s.push('\n');
        }

        let _ = writeln!(s, "# 包项目的县级领导。");
        for leader in &self.leaders {
            let _ = writeln!(s, "[[leaders]]");
            let _ = writeln!(s, "name = {}", toml_value(&leader.name));
            if let Some(title) = &leader.title {
                let _ = writeln!(s, "title = {}", toml_value(title));
            }
            s.push('\n');
        }
    }

    /// `[scoring]`: the N/A policy, weights, deductions and grades.
    fn write_scoring(&self, s: &mut String) {
        let scoring = &self.scoring;
        let _ = writeln!(s, "[scoring]");
        let _ = writeln!(
            s,
            "# 不适用指标的处理：\"rescale\" 不计该项，其余权重按比例折算到 100 分；\"full\" 该项给满分。"
        );
        let na = match scoring.na {
            NaPolicy::Rescale => "rescale",
            NaPolicy::Full => "full",
        };
        let _ = writeln!(s, "na = \"{na}\"\n");
        let _ = writeln!(s, "# 各指标分值（得分 = 分值 × 完成率，完成率封顶为 1）。");
        let _ = writeln!(s, "[scoring.weights]");
        for indicator in Indicator::ALL {
            let _ = writeln!(
                s,
                "\"{}\" = {}",
                indicator.label(),
                plain_number(scoring.weights.get(indicator))
            );
        }
        s.push('\n');
        let _ = writeln!(
            s,
            "# 扣分：kind 为扣分事项（督办逾期未办结：办理时限已到仍未办结的督办通知书），\n\
             # points 为每件扣分，cap 为该项最多扣分。"
        );
        for deduction in &scoring.deductions {
            let _ = writeln!(s, "[[scoring.deductions]]");
            let kind = match deduction.kind {
                DeductionKind::OverdueNotice => "督办逾期未办结",
            };
            let _ = writeln!(s, "kind = \"{kind}\"");
            let _ = writeln!(s, "points = {}", plain_number(deduction.points));
            let _ = writeln!(s, "cap = {}\n", plain_number(deduction.cap));
        }
        let _ = writeln!(
            s,
            "# 等次：按总分从高到低，总分不低于 min 即得该等次；最后一个等次不设 min，收其余。"
        );
        for grade in &scoring.grades {
            let _ = writeln!(s, "[[scoring.grades]]");
            let _ = writeln!(s, "name = {}", toml_value(&grade.name));
            if let Some(min) = grade.min {
                let _ = writeln!(s, "min = {}", plain_number(min));
            }
            s.push('\n');
        }
    }

    /// `[lights]`: the thresholds of the project lights.
    fn write_lights(&self, s: &mut String) {
        let lights = &self.lights;
        let _ = writeln!(s, "# 项目红黄绿灯阈值。");
        let _ = writeln!(s, "[lights]");
        let _ = writeln!(
            s,
            "# 投资滞后（时序进度 − 本年完成/年度计划，百分点）超过此值亮黄灯 / 红灯。"
        );
        let _ = writeln!(
            s,
            "invest_lag_yellow_pp = {}",
            plain_number(lights.invest_lag_yellow_pp)
        );
        let _ = writeln!(
            s,
            "invest_lag_red_pp = {}",
            plain_number(lights.invest_lag_red_pp)
        );
        let _ = writeln!(
            s,
            "# 计划开工日期已过仍未开工超过此天数亮红灯（未超过为黄灯）。"
        );
        let _ = writeln!(
            s,
            "start_overdue_red_days = {}",
            lights.start_overdue_red_days
        );
        let _ = writeln!(
            s,
            "# 前期工作计划完成日期已过仍未完成超过此天数亮红灯（未超过为黄灯）。"
        );
        let _ = writeln!(
            s,
            "prelim_overdue_red_days = {}",
            lights.prelim_overdue_red_days
        );
    }

    /// `[circular]`: the fixed parts of the 督查通报 (.docx).
    fn write_circular(&self, s: &mut String) {
        let circular = &self.circular;
        let _ = writeln!(s, "\n# 督查通报（公文格式 .docx 草稿）的固定内容。");
        let _ = writeln!(s, "[circular]");
        let _ = writeln!(s, "# 发文机关标志（红色版头）。");
        let _ = writeln!(s, "issuer = {}", toml_value(&circular.issuer));
        let _ = writeln!(
            s,
            "# 期号“第 N 期”；不写时用考核月份的月数（11 月为第 11 期）。"
        );
        match circular.issue_number {
            Some(n) => {
                let _ = writeln!(s, "issue_number = {n}");
            }
            None => {
                let _ = writeln!(s, "# issue_number = 1");
            }
        }
        let _ = writeln!(s, "# 主送机关。");
        let _ = writeln!(s, "addressee = {}", toml_value(&circular.addressee));
        let _ = writeln!(s, "# “四、下步要求”的各段，文中依次编为（一）（二）……");
        let _ = writeln!(s, "requirements = {}", toml_value(&circular.requirements));
        let _ = writeln!(s, "# 抄送机关（版记）；留空则不印抄送行。");
        let _ = writeln!(s, "copy_to = {}", toml_value(&circular.copy_to));
    }

    /// `[[calendar]]`: what to add each year, with an example for the first year missing, then
    /// the years the config holds.
    fn write_calendar(&self, s: &mut String) {
        let next = self.next_calendar_year();
        let _ = writeln!(
            s,
            "\n# 工作日历：程序内置 2020—2026 年国务院办公厅节假日安排。每年 11 月前后国务院办公厅发布\n\
             # 下一年的通知，请在 12 月 1 日前照通知在此补充（也可更正已有年份，整年替换）；缺少某年时，\n\
             # 需按工作日计算的期限列为“无法判定”、不计入考核，运行以状态 1 结束。\n\
             # off 为放假日期（可写区间），work 为调休上班的周末日期，notice 为通知文号。\n\
             # 下一个要补充的是 {next} 年，格式如下（日期以通知为准）：\n\
             # [[calendar]]\n\
             # year = {next}\n\
             # notice = \"国办发明电〔{this}〕×号\"\n\
             # off = [\"{next}-01-01\", \"{next}-10-01..{next}-10-07\"]\n\
             # work = [\"{next}-10-09\"]",
            this = next - 1
        );
        for year in &self.calendar {
            let _ = writeln!(s, "[[calendar]]");
            let _ = writeln!(s, "year = {}", year.year);
            if let Some(notice) = &year.notice {
                let _ = writeln!(s, "notice = {}", toml_value(notice));
            }
            let _ = writeln!(s, "off = {}", toml_value(&year.off));
            let _ = writeln!(s, "work = {}\n", toml_value(&year.work));
        }
    }

    /// `[[header_aliases]]`, with an example.
    fn write_header_aliases(&self, s: &mut String) {
        let _ = writeln!(
            s,
            "\n# 表头别名：报送表中的列名与内置别名表（见 README）都不同时，在此补充。例如：\n\
             # [[header_aliases]]\n\
             # table = \"项目台账\"\n\
             # column = \"总投资\"\n\
             # aliases = [\"项目总投资额\"]"
        );
        for extra in &self.header_aliases {
            let _ = writeln!(s, "[[header_aliases]]");
            let _ = writeln!(s, "table = {}", toml_value(&extra.table));
            let _ = writeln!(s, "column = {}", toml_value(&extra.column));
            let _ = writeln!(s, "aliases = {}\n", toml_value(&extra.aliases));
        }
    }
}

impl ScoringConfig {
    fn problems(&self, out: &mut Vec<String>) {
        let mut total = 0.0;
        for indicator in Indicator::ALL {
            let w = self.weights.get(indicator);
            if !w.is_finite() || w < 0.0 {
                out.push(format!(
                    "scoring.weights.{} = {w}：分值应为不小于 0 的数",
                    indicator.label()
                ));
            } else {
                total += w;
            }
        }
        if total <= 0.0 {
            out.push("scoring.weights：各指标分值之和应大于 0".to_string());
        }
        for (i, d) in self.deductions.iter().enumerate() {
            if !d.points.is_finite() || d.points < 0.0 {
                out.push(format!(
                    "scoring.deductions[{}].points = {}：每件扣分应为不小于 0 的数",
                    i + 1,
                    d.points
                ));
            }
            if !d.cap.is_finite() || d.cap < 0.0 {
                out.push(format!(
                    "scoring.deductions[{}].cap = {}：扣分上限应为不小于 0 的数",
                    i + 1,
                    d.cap
                ));
            }
        }
        if self.grades.is_empty() {
            out.push("scoring.grades：至少需要一个等次".to_string());
        }
        let mut previous = f64::INFINITY;
        let last = self.grades.len().saturating_sub(1);
        for (i, grade) in self.grades.iter().enumerate() {
            match (i == last, grade.min) {
                (true, Some(_)) => out.push(format!(
                    "scoring.grades[{}].min：最后一个等次（{}）不设 min，它收其余所有总分",
                    i + 1,
                    grade.name
                )),
                (false, None) => out.push(format!(
                    "scoring.grades[{}].min：等次“{}”缺少 min",
                    i + 1,
                    grade.name
                )),
                (false, Some(min)) if !min.is_finite() || min >= previous => out.push(format!(
                    "scoring.grades[{}].min = {min}：等次应按 min 从高到低排列",
                    i + 1
                )),
                (false, Some(min)) => previous = min,
                (true, None) => {}
            }
        }
        let names: Vec<String> = self.grades.iter().map(|g| g.name.clone()).collect();
        check_unique(&names, "scoring.grades", out);
    }
}

impl LightsConfig {
    fn problems(&self, out: &mut Vec<String>) {
        let (yellow, red) = (self.invest_lag_yellow_pp, self.invest_lag_red_pp);
        if !(yellow.is_finite() && red.is_finite() && 0.0 <= yellow && yellow <= red) {
            out.push(format!(
                "lights.invest_lag_yellow_pp = {yellow}, lights.invest_lag_red_pp = {red}：应满足 0 ≤ 黄灯阈值 ≤ 红灯阈值"
            ));
        }
        if self.start_overdue_red_days < 0 {
            out.push(format!(
                "lights.start_overdue_red_days = {}：天数不能为负",
                self.start_overdue_red_days
            ));
        }
        if self.prelim_overdue_red_days < 0 {
            out.push(format!(
                "lights.prelim_overdue_red_days = {}：天数不能为负",
                self.prelim_overdue_red_days
            ));
        }
    }
}

fn check_unique(values: &[String], key: &str, out: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    for v in values {
        if !seen.insert(v) {
            out.push(format!("{key}：“{v}”重复出现"));
        }
    }
}

/// A toml error as "第 L 行第 C 列：…", with toml's own description of the key and problem.
fn describe_toml_error(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim();
    match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let found = text.get(span.clone()).unwrap_or("").trim();
            format!("第 {line} 行第 {column} 列（{found}）：{message}")
        }
        None => message.to_string(),
    }
}

fn toml_value<T: Serialize + ?Sized>(value: &T) -> String {
    toml::Value::try_from(value)
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// A number as a user writes it: `20`, not `20.0`.
fn plain_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_is_valid() {
        let config = Config::embedded().unwrap();
        assert_eq!(config.county, "长子县");
        assert_eq!(config.due_day, 5);
        let total: f64 = Indicator::ALL
            .iter()
            .map(|i| config.scoring.weights.get(*i))
            .sum();
        assert_eq!(total, 100.0);
        for name in [
            "县政府办公室",
            "县发改局",
            "县工信局",
            "县统计局",
            "县招商中心",
            "县行政审批局",
            "县住建局",
            "县自然资源局",
            "生态环境长子分局",
            "县财政局",
            "县应急局",
            "开发区",
        ] {
            assert_eq!(config.unit(name).unwrap().group, "县直部门", "{name}");
        }
        assert_eq!(config.unit("丹朱镇").unwrap().group, "乡镇");
    }

    #[test]
    fn commented_toml_round_trips() {
        let config = Config::embedded().unwrap();
        let text = config.to_commented_toml();
        assert!(text.contains("# 单位："));
        let again = Config::parse(&text, "printed").unwrap();
        assert_eq!(again, config);
    }

    #[test]
    fn unknown_key_names_key_and_file() {
        let text = DEFAULT_TOML.replace("due_day = 5", "due_day = 5\nduedays = 3");
        let err = Config::parse(&text, "my.toml").unwrap_err().to_string();
        assert!(err.contains("my.toml"), "{err}");
        assert!(err.contains("duedays"), "{err}");
        assert!(err.contains("第 5 行"), "{err}");
    }

    #[test]
    fn bad_values_name_their_keys() {
        let text = DEFAULT_TOML
            .replace("due_day = 5", "due_day = 31")
            .replace("\"按时开工\" = 20", "\"按时开工\" = -1")
            .replace(
                "group = \"乡镇\"\naliases = [\"丹朱镇人民政府\"",
                "group = \"镇\"\naliases = [\"丹朱镇人民政府\"",
            );
        let err = Config::parse(&text, "bad.toml").unwrap_err().to_string();
        assert!(err.contains("due_day = 31"), "{err}");
        assert!(err.contains("scoring.weights.按时开工"), "{err}");
        assert!(err.contains("units[13].group = \"镇\""), "{err}");
    }

    #[test]
    fn wrong_type_is_reported_with_position() {
        let text = DEFAULT_TOML.replace("settle_seconds = 60", "settle_seconds = \"sixty\"");
        let err = Config::parse(&text, "t.toml").unwrap_err().to_string();
        assert!(err.contains("第 6 行"), "{err}");
        assert!(err.contains("sixty"), "{err}");
    }

    #[test]
    fn alias_shared_by_two_units_is_an_error() {
        let text =
            DEFAULT_TOML.replace("aliases = [\"工信局\"", "aliases = [\"发改局\", \"工信局\"");
        let err = Config::parse(&text, "t.toml").unwrap_err().to_string();
        assert!(err.contains("“发改局”已被单位“县发改局”使用"), "{err}");
    }

    #[test]
    fn replacement_config_may_omit_scoring_and_lights() {
        let text = "county = \"测试县\"\ngroups = [\"乡镇\"]\n[[units]]\nname = \"甲镇\"\ngroup = \"乡镇\"\n";
        let config = Config::parse(text, "min.toml").unwrap();
        assert_eq!(config.scoring.weights.start, 20.0);
        assert_eq!(config.lights.start_overdue_red_days, 90);
        assert_eq!(config.settle_seconds, 60);
    }
}
