//! The input tables of SPEC §1: canonical columns, their types, when they are required, and the
//! header aliases. This is the alias table the README documents; the config may add aliases.

/// One of the input tables.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Table {
    Projects,
    Notices,
    Tasks,
    Visits,
    Investments,
    Meetings,
}

impl Table {
    /// Every table, in declaration order: `table as usize` is its index here.
    pub const ALL: [Table; 6] = [
        Table::Projects,
        Table::Notices,
        Table::Tasks,
        Table::Visits,
        Table::Investments,
        Table::Meetings,
    ];

    /// Every table's Chinese name, joined by `separator` (for messages that list them).
    pub fn labels(separator: &str) -> String {
        Table::ALL.map(Table::label).join(separator)
    }

    /// The table's Chinese name, as units know it.
    pub fn label(self) -> &'static str {
        match self {
            Table::Projects => "项目台账",
            Table::Notices => "督办事项",
            Table::Tasks => "调度任务",
            Table::Visits => "现场调研",
            Table::Investments => "招商引资",
            Table::Meetings => "联席会议",
        }
    }

    pub fn columns(self) -> &'static [ColumnDef] {
        match self {
            Table::Projects => PROJECT_COLUMNS,
            Table::Notices => NOTICE_COLUMNS,
            Table::Tasks => TASK_COLUMNS,
            Table::Visits => VISIT_COLUMNS,
            Table::Investments => INVESTMENT_COLUMNS,
            Table::Meetings => MEETING_COLUMNS,
        }
    }

    /// Columns that only this table has; a header row must show some of them to be classified.
    pub fn signature(self) -> &'static [&'static str] {
        match self {
            Table::Projects => &["所属板块", "项目阶段", "总投资", "牵头责任单位"],
            Table::Notices => &["通知书编号", "督办事项", "督办对象", "办理时限"],
            Table::Tasks => &["任务编号", "任务内容", "完成时限"],
            Table::Visits => &["调研日期", "调研人"],
            Table::Investments => &["招商单位", "签约日期", "协议投资额", "移交日期"],
            Table::Meetings => &["会议日期", "参会单位"],
        }
    }
}

/// How a column's cells are parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// 万元; a header unit of 亿元 scales it.
    Money,
    /// A planned date or deadline (month-only → last day).
    DatePlanned,
    /// An actual date (month-only → first day).
    DateActual,
    /// A configured unit, by name or alias.
    Unit,
    /// Configured units separated by 、，,;； (unknown names dropped with a warning).
    UnitList,
    /// A month (报告期).
    Month,
    YesNo,
    /// One of a fixed set of values, with aliases.
    Enum(&'static [(&'static str, &'static [&'static str])]),
}

/// When a column must hold a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Required {
    Always,
    Optional,
    /// Required for projects in these stages.
    ForStages(&'static [&'static str]),
}

/// A canonical column: its Chinese name, the frame column it fills, and the header aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnDef {
    pub name: &'static str,
    pub field: &'static str,
    pub kind: Kind,
    pub required: Required,
    pub aliases: &'static [&'static str],
}

/// The input fields that more than one layer reads, named once. Every other layer refers to
/// them by these names; a unit test checks that each is a field of some table.
pub mod field {
    /// The unit a row was submitted by (填报单位).
    pub const SUBMITTER: &str = "submitter";
    /// A notice's 督办对象.
    pub const TARGET_UNIT: &str = "target_unit";
    /// A ledger's 报告期 (the first day of its month).
    pub const REPORT_MONTH: &str = "report_month";
    pub const FILL_DATE: &str = "fill_date";
    pub const NOTICE_NO: &str = "notice_no";
    pub const TASK_NO: &str = "task_no";
    /// A project's 牵头责任单位.
    pub const LEAD_UNIT: &str = "lead_unit";
    /// The project a notice, task or visit names.
    pub const PROJECT_NAME: &str = "project_name";
    pub const PROJECT_CODE: &str = "project_code";
}

const fn col(
    name: &'static str,
    field: &'static str,
    kind: Kind,
    required: Required,
    aliases: &'static [&'static str],
) -> ColumnDef {
    ColumnDef {
        name,
        field,
        kind,
        required,
        aliases,
    }
}

pub const SECTORS: &[(&str, &[&str])] = &[
    ("产业转型", &["产业转型类", "产业转型项目", "产业类"]),
    ("基础设施", &["基础设施类", "基础设施项目", "基础设施建设"]),
    (
        "社会民生",
        &["社会民生类", "社会民生项目", "民生类", "民生"],
    ),
    ("科技创新", &["科技创新类", "科技创新项目", "科创类"]),
];

pub const STAGES: &[(&str, &[&str])] = &[
    ("谋划", &["谋划中", "谋划类"]),
    ("储备", &["储备库", "储备类"]),
    ("前期", &["前期工作", "前期类"]),
    ("在建", &["续建", "新建", "已开工", "在建类"]),
    ("竣工", &["已竣工", "竣工投产", "建成", "已建成"]),
];

const PRE_WORK: &[&str] = &["谋划", "储备", "前期"];
const PRE_AND_BUILD: &[&str] = &["前期", "在建"];
const BUILD: &[&str] = &["在建"];
/// 总投资 is required once a project is being implemented; a 谋划/储备 project without it is
/// kept and listed as 说明书不完整 (SPEC §7).
const IMPLEMENTATION: &[&str] = &["前期", "在建", "竣工"];

use field::{
    FILL_DATE, LEAD_UNIT, NOTICE_NO, PROJECT_CODE, PROJECT_NAME, REPORT_MONTH, SUBMITTER,
    TARGET_UNIT, TASK_NO,
};
use Kind::{DateActual, DatePlanned, Money, Month, Text, Unit, YesNo};
use Required::{Always, ForStages, Optional};

pub const PROJECT_COLUMNS: &[ColumnDef] = &[
    col(
        "项目代码",
        "code",
        Text,
        Optional,
        &[
            "项目编码",
            "统一项目代码",
            "在线平台项目代码",
            "项目统一代码",
        ],
    ),
    col("项目名称", "name", Text, Always, &["名称", "项目全称"]),
    col(
        "所属板块",
        "sector",
        Kind::Enum(SECTORS),
        Always,
        &["板块", "项目板块", "项目类别"],
    ),
    col(
        "项目阶段",
        "stage",
        Kind::Enum(STAGES),
        Always,
        &["阶段", "项目状态", "建设阶段"],
    ),
    col(
        "牵头责任单位",
        LEAD_UNIT,
        Unit,
        Always,
        &["责任单位", "牵头单位", "包联单位"],
    ),
    col(
        "包联领导",
        "leader",
        Text,
        ForStages(PRE_AND_BUILD),
        &["包项目领导", "县级领导", "包抓领导", "包联县领导"],
    ),
    col("属地乡镇", "town", Unit, Optional, &["所在乡镇"]),
    col(
        "投资主体",
        "investor",
        Text,
        Optional,
        &["建设单位", "项目单位", "业主单位"],
    ),
    col("建设地点", "location", Text, Optional, &[]),
    col("建设内容", "content", Text, Optional, &["建设内容及规模"]),
    col(
        "总投资",
        "total_investment",
        Money,
        ForStages(IMPLEMENTATION),
        &["计划总投资", "项目总投资"],
    ),
    col(
        "年度计划投资",
        "annual_plan",
        Money,
        ForStages(BUILD),
        &["本年计划投资", "当年计划投资"],
    ),
    col(
        "本年完成投资",
        "ytd_investment",
        Money,
        ForStages(BUILD),
        &[
            "年初至今完成投资",
            "本年累计完成投资",
            "年初至今累计完成投资",
        ],
    ),
    col(
        "计划开工日期",
        "planned_start",
        DatePlanned,
        ForStages(PRE_AND_BUILD),
        &["计划开工时间", "拟开工日期"],
    ),
    col(
        "实际开工日期",
        "actual_start",
        DateActual,
        Optional,
        &["开工日期", "实际开工时间"],
    ),
    col(
        "计划竣工日期",
        "planned_completion",
        DatePlanned,
        ForStages(BUILD),
        &["计划竣工时间", "拟竣工日期"],
    ),
    col(
        "实际竣工日期",
        "actual_completion",
        DateActual,
        Optional,
        &["竣工日期"],
    ),
    col(
        "前期工作计划完成日期",
        "prelim_due",
        DatePlanned,
        ForStages(PRE_WORK),
        &["前期计划完成时间"],
    ),
    col(
        "可研批复日期",
        "feasibility_date",
        DateActual,
        Optional,
        &["可研完成日期"],
    ),
    col(
        "专家评审日期",
        "review_date",
        DateActual,
        Optional,
        &["评审论证日期"],
    ),
    col(
        "立项赋码日期",
        "approval_date",
        DateActual,
        Optional,
        &["审批(核准/备案)日期"],
    ),
    col("是否招商引资项目", "attracted", YesNo, Optional, &[]),
    col(
        "经济社会效益",
        "benefits",
        Text,
        Optional,
        &["预期效益", "社会经济效益"],
    ),
    col("形象进度", "progress", Text, Optional, &[]),
    col("存在问题", "problems", Text, Optional, &[]),
    col("填报单位", SUBMITTER, Unit, Optional, &[]),
    col("报告期", REPORT_MONTH, Month, Optional, &[]),
    col("填报日期", FILL_DATE, DateActual, Optional, &[]),
];

pub const NOTICE_COLUMNS: &[ColumnDef] = &[
    col(
        "通知书编号",
        NOTICE_NO,
        Text,
        Always,
        &["督办编号", "编号", "督办单号"],
    ),
    col("项目名称", PROJECT_NAME, Text, Optional, &[]),
    col(
        "项目代码",
        PROJECT_CODE,
        Text,
        Optional,
        &["项目编码", "统一项目代码"],
    ),
    col(
        "督办事项",
        "matter",
        Text,
        Always,
        &["督办内容", "督办问题"],
    ),
    col(
        "督办对象",
        TARGET_UNIT,
        Unit,
        Always,
        &["责任单位", "承办单位"],
    ),
    col(
        "下发日期",
        "issued",
        DateActual,
        Always,
        &["下达日期", "交办日期", "督办日期"],
    ),
    col(
        "办理时限",
        "deadline",
        DatePlanned,
        Always,
        &["限办日期", "整改时限", "要求完成时间"],
    ),
    col(
        "复函日期",
        "replied",
        DateActual,
        Optional,
        &["反馈日期", "回复日期"],
    ),
    col(
        "解决办法",
        "remedy",
        Text,
        Optional,
        &["落实措施", "整改措施"],
    ),
    col("责任领导", "responsible_leader", Text, Optional, &[]),
    col("责任人", "responsible_person", Text, Optional, &[]),
    col(
        "承诺解决时限",
        "promised",
        DatePlanned,
        Optional,
        &["解决时限"],
    ),
    col(
        "办结日期",
        "closed",
        DateActual,
        Optional,
        &["销号日期", "完成日期"],
    ),
    col("填报单位", SUBMITTER, Unit, Optional, &[]),
    col("报告期", REPORT_MONTH, Month, Optional, &[]),
    col("填报日期", FILL_DATE, DateActual, Optional, &[]),
];

pub const SOURCES: &[(&str, &[&str])] = &[
    ("月度调度", &["月调度", "月度调度会"]),
    ("专项调度", &["专题调度", "专项调度会"]),
    ("联席会议", &["联席会", "联席会议制度"]),
    ("现场调研", &["调研", "现场调研督导"]),
    ("日常督导", &["日常督查", "督导"]),
];

pub const TASK_COLUMNS: &[ColumnDef] = &[
    col("任务编号", TASK_NO, Text, Always, &["编号", "事项编号"]),
    col(
        "来源",
        "source",
        Kind::Enum(SOURCES),
        Optional,
        &["任务来源"],
    ),
    col(
        "交办日期",
        "assigned",
        DateActual,
        Always,
        &["会议日期", "下达日期"],
    ),
    col("项目名称", PROJECT_NAME, Text, Optional, &[]),
    col(
        "项目代码",
        PROJECT_CODE,
        Text,
        Optional,
        &["项目编码", "统一项目代码"],
    ),
    col(
        "任务内容",
        "content",
        Text,
        Always,
        &["调度事项", "问题及任务"],
    ),
    col("责任单位", "unit", Unit, Always, &[]),
    col("责任人", "owner", Text, Optional, &[]),
    col(
        "完成时限",
        "deadline",
        DatePlanned,
        Always,
        &["办理时限", "完成时间要求"],
    ),
    col(
        "完成日期",
        "done",
        DateActual,
        Optional,
        &["落实日期", "销号日期"],
    ),
    col("落实情况", "outcome", Text, Optional, &[]),
    col("填报单位", SUBMITTER, Unit, Optional, &[]),
    col("报告期", REPORT_MONTH, Month, Optional, &[]),
    col("填报日期", FILL_DATE, DateActual, Optional, &[]),
];

pub const ROLES: &[(&str, &[&str])] = &[
    ("包项目领导", &["县级领导", "包联领导", "县领导"]),
    (
        "包联单位负责人",
        &["单位负责人", "包联单位主要负责人", "主要负责人"],
    ),
];

pub const VISIT_COLUMNS: &[ColumnDef] = &[
    col(
        "调研日期",
        "visit_date",
        DateActual,
        Always,
        &["日期", "调研时间"],
    ),
    col(
        "调研人",
        "visitor",
        Text,
        Always,
        &["调研领导", "带队领导", "姓名"],
    ),
    col("身份", "role", Kind::Enum(ROLES), Optional, &[]),
    col("所在单位", "visitor_unit", Unit, Optional, &["单位"]),
    col("项目名称", PROJECT_NAME, Text, Optional, &[]),
    col(
        "项目代码",
        PROJECT_CODE,
        Text,
        Optional,
        &["项目编码", "统一项目代码"],
    ),
    col("发现问题", "found", Text, Optional, &[]),
    col("解决情况", "resolution", Text, Optional, &[]),
    col("是否现场解决", "solved_on_site", YesNo, Optional, &[]),
    col("填报单位", SUBMITTER, Unit, Optional, &[]),
    col("报告期", REPORT_MONTH, Month, Optional, &[]),
    col("填报日期", FILL_DATE, DateActual, Optional, &[]),
];

/// Map an enum value (after folding) to its canonical form.
pub fn enum_value(values: &[(&'static str, &[&str])], folded: &str) -> Option<&'static str> {
    // Runs on every cell of an enum column: the names fold without a copy.
    let same = |name: &str| crate::text::folded(name) == folded;
    values.iter().find_map(|(canonical, aliases)| {
        (same(canonical) || aliases.iter().any(|a| same(a))).then_some(*canonical)
    })
}

pub const INVESTMENT_STAGES: &[(&str, &[&str])] = &[
    ("前期", &["洽谈", "在谈", "前期洽谈"]),
    ("评估", &["论证", "会商", "评估论证"]),
    ("签约", &["已签约"]),
    ("落地", &["已落地", "已开工"]),
];

pub const INVESTMENT_COLUMNS: &[ColumnDef] = &[
    col("项目名称", "name", Text, Always, &["名称"]),
    col("招商单位", "unit", Unit, Always, &["引进单位"]),
    col(
        "投资方",
        "investor",
        Text,
        Optional,
        &["签约企业", "投资主体"],
    ),
    col(
        "阶段",
        "stage",
        Kind::Enum(INVESTMENT_STAGES),
        Always,
        &["项目阶段", "推进阶段"],
    ),
    col(
        "评估论证日期",
        "evaluated",
        DateActual,
        Optional,
        &["会商评估日期", "论证日期"],
    ),
    col("签约日期", "signed", DateActual, Optional, &[]),
    col("协议投资额", "amount", Money, Optional, &["签约金额"]),
    col(
        "移交日期",
        "handed_over",
        DateActual,
        Optional,
        &["交接日期"],
    ),
    col(
        "承接单位",
        "receiver",
        Unit,
        Optional,
        &["承接部门", "落地承接单位"],
    ),
    col("开工日期", "started", DateActual, Optional, &["落地日期"]),
    col("评估维度", "dimensions", Text, Optional, &["论证内容"]),
    col("填报单位", SUBMITTER, Unit, Optional, &[]),
    col("报告期", REPORT_MONTH, Month, Optional, &[]),
    col("填报日期", FILL_DATE, DateActual, Optional, &[]),
];

pub const MEETING_COLUMNS: &[ColumnDef] = &[
    col("会议日期", "meeting_date", DateActual, Always, &[]),
    col("期次", "session", Text, Optional, &["会议名称"]),
    col("召集人", "convener", Text, Optional, &[]),
    col("议题", "topics", Text, Optional, &[]),
    col(
        "参会单位",
        "attendees",
        Kind::UnitList,
        Always,
        &["出席单位"],
    ),
    col(
        "纪要印发日期",
        "minutes",
        DateActual,
        Optional,
        &["会议纪要印发日期"],
    ),
    col("填报单位", SUBMITTER, Unit, Optional, &[]),
    col("报告期", REPORT_MONTH, Month, Optional, &[]),
    col("填报日期", FILL_DATE, DateActual, Optional, &[]),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_table_sits_at_its_own_index() {
        for (index, table) in Table::ALL.into_iter().enumerate() {
            assert_eq!(table as usize, index, "{table:?}");
        }
    }

    #[test]
    fn every_catalogued_field_is_a_field_of_some_table() {
        for name in [
            FILL_DATE,
            LEAD_UNIT,
            NOTICE_NO,
            PROJECT_CODE,
            PROJECT_NAME,
            REPORT_MONTH,
            SUBMITTER,
            TARGET_UNIT,
            TASK_NO,
        ] {
            assert!(
                Table::ALL
                    .iter()
                    .any(|t| t.columns().iter().any(|c| c.field == name)),
                "{name}"
            );
        }
    }

    #[test]
    fn every_signature_column_exists_and_fields_are_unique() {
        for table in Table::ALL {
            let names: BTreeSet<_> = table.columns().iter().map(|c| c.name).collect();
            for s in table.signature() {
                assert!(names.contains(s), "{table:?} {s}");
            }
            let fields: BTreeSet<_> = table.columns().iter().map(|c| c.field).collect();
            assert_eq!(fields.len(), table.columns().len(), "{table:?}");
        }
    }

    #[test]
    fn no_alias_is_claimed_twice_within_a_table() {
        for table in Table::ALL {
            let mut seen = BTreeSet::new();
            for c in table.columns() {
                for name in std::iter::once(&c.name).chain(c.aliases) {
                    assert!(seen.insert(crate::text::fold(name)), "{table:?} {name}");
                }
            }
        }
    }

    #[test]
    fn stage_aliases() {
        assert_eq!(enum_value(STAGES, "续建"), Some("在建"));
        assert_eq!(enum_value(STAGES, "竣工投产"), Some("竣工"));
        assert_eq!(enum_value(STAGES, "储备库"), Some("储备"));
        assert_eq!(enum_value(STAGES, "筹建中"), None);
    }
}
