//! 项目台账: every lead unit's monthly ledger, in the unit's own layout (title line, flat
//! table, or alias headers), date spelling and money habits, with planted problems.

use chrono::{Datelike, NaiveDate};
use rand::Rng;

use super::book::{excel_row, Cell, Output, SheetBuilder};
use super::days::{self, TextDate};
use super::names;
use super::projects::{by, Project, Stage};
use super::roster::{UnitInfo, UNKNOWN_UNIT};
use super::{
    next_month, period_label, pick, stream, workday_between, PlantedKind, PlantedProblem, Planter,
    SampleRng, Stream, World,
};

/// Where the unit and month are stated, and which header spellings are used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// Merged title row, "填报单位：…（盖章）/报告期：…/填报日期：…" line, canonical headers,
    /// notes below the data.
    TitleLine,
    /// Header in row 1 with 填报单位, 报告期 and 填报日期 columns on every row.
    HeaderFirst,
    /// Like `TitleLine`, but the unit written with an alias and the headers with SPEC aliases,
    /// line breaks, full-width or mixed brackets and `*` marks.
    Aliases,
}

const LAYOUTS: [Layout; 3] = [Layout::TitleLine, Layout::HeaderFirst, Layout::Aliases];

/// How many sheet-name and file-name variants [`LedgerStyle`] knows.
const SHEET_NAMINGS: usize = 4;
const FILE_NAMINGS: usize = 3;

/// Number formats of real date cells.
const EXCEL_DATE_FORMATS: [&str; 3] = ["yyyy-mm-dd", "yyyy\"年\"m\"月\"d\"日\"", "yyyy/m/d"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateStyle {
    /// Real dates: serial numbers with this number format.
    Excel(&'static str),
    Text(TextDate),
}

/// One unit's habits, fixed for all its months.
#[derive(Debug, Clone)]
struct LedgerStyle {
    layout: Layout,
    dates: DateStyle,
    /// 总投资 in 亿元 ("总投资（亿元）", values like 1.25).
    total_in_yi: bool,
    /// Some money cells typed as text ("1,234.5", "约500", "1234.5万元").
    money_text: bool,
    /// 报告期 as "2026-03" rather than "2026年3月" (header-first layout).
    period_iso: bool,
    /// Leaves out the optional 属地乡镇 and 是否招商引资项目 columns.
    drop_optional: bool,
    /// Title names the unit ("丹朱镇2026年重点项目台账") rather than the county.
    unit_title: bool,
    /// How the alias layout calls a project that started this year.
    new_start_label: &'static str,
    /// How the alias layout calls 储备.
    reserve_label: &'static str,
    sheet_naming: usize,
    file_naming: usize,
}

impl LedgerStyle {
    fn excel_format(&self) -> &'static str {
        match self.dates {
            DateStyle::Excel(format) => format,
            DateStyle::Text(_) => EXCEL_DATE_FORMATS[0],
        }
    }

    fn date(&self, date: NaiveDate) -> Cell {
        match self.dates {
            DateStyle::Excel(_) => Cell::Date(date),
            DateStyle::Text(form) => Cell::Text(form.format(date)),
        }
    }

    fn sheet_name(&self, month: u32) -> String {
        match self.sheet_naming {
            0 => "项目台账".to_string(),
            1 => "Sheet1".to_string(),
            2 => format!("{month}月"),
            _ => "重点项目".to_string(),
        }
    }

    fn file_name(&self, unit: &str, year: i32, month: u32) -> String {
        match self.file_naming {
            0 => format!("{unit}重点项目台账（{year}年{month}月）.xlsx"),
            1 => format!("{unit}重点项目建设进展情况表（{year}年{month}月）.xlsx"),
            _ => format!("{unit}{year}年{month}月重点项目月报.xlsx"),
        }
    }

    fn columns(&self, month: u32) -> Vec<(Field, String)> {
        use Field::*;
        let total_unit = if self.total_in_yi { "亿元" } else { "万元" };
        let spelled: Vec<(Field, String)> = match self.layout {
            Layout::TitleLine => vec![
                (Seq, "序号".into()),
                (Name, "项目名称".into()),
                (Code, "项目代码".into()),
                (Board, "所属板块".into()),
                (StageCol, "项目阶段".into()),
                (Lead, "牵头责任单位".into()),
                (Leader, "包联领导".into()),
                (Town, "属地乡镇".into()),
                (Investor, "投资主体".into()),
                (Site, "建设地点".into()),
                (Content, "建设内容".into()),
                (Benefits, "经济社会效益".into()),
                (Total, format!("总投资（{total_unit}）")),
                (AnnualPlan, "年度计划投资（万元）".into()),
                (Done, "本年完成投资（万元）".into()),
                (PlannedStart, "计划开工日期".into()),
                (ActualStart, "实际开工日期".into()),
                (PlannedCompletion, "计划竣工日期".into()),
                (ActualCompletion, "实际竣工日期".into()),
                (PrelimPlan, "前期工作计划完成日期".into()),
                (Approved, "可研批复日期".into()),
                (Reviewed, "专家评审日期".into()),
                (Coded, "立项赋码日期".into()),
                (Attracted, "是否招商引资项目".into()),
                (Progress, "形象进度".into()),
                (Problems, "存在问题".into()),
            ],
            Layout::HeaderFirst => vec![
                (Unit, "填报单位".into()),
                (Period, "报告期".into()),
                (Code, "项目代码".into()),
                (Name, "项目名称".into()),
                (Board, "所属板块".into()),
                (StageCol, "项目阶段".into()),
                (Lead, "牵头责任单位".into()),
                (Leader, "包联领导".into()),
                (Town, "属地乡镇".into()),
                (Investor, "投资主体".into()),
                (Site, "建设地点".into()),
                (Content, "建设内容".into()),
                (Benefits, "经济社会效益".into()),
                (Total, format!("总投资({total_unit})")),
                (AnnualPlan, "年度计划投资(万元)".into()),
                (Done, "本年完成投资(万元)".into()),
                (PlannedStart, "计划开工日期".into()),
                (PlannedCompletion, "计划竣工日期".into()),
                (ActualStart, "实际开工日期".into()),
                (ActualCompletion, "实际竣工日期".into()),
                (PrelimPlan, "前期工作计划完成日期".into()),
                (Coded, "立项赋码日期".into()),
                (Reviewed, "专家评审日期".into()),
                (Approved, "可研批复日期".into()),
                (Attracted, "是否招商引资项目".into()),
                (Progress, "形象进度".into()),
                (Problems, "存在问题".into()),
                (FiledOn, "填报日期".into()),
            ],
            Layout::Aliases => {
                // January has no "1-1月"; offices write the year-to-date alias instead.
                let done = if month == 1 {
                    "本年累计完成投资\n（万元）".to_string()
                } else {
                    format!("1-{month}月完成投资\n（万元）")
                };
                vec![
                    (Seq, "序号".into()),
                    (Name, "*项目全称".into()),
                    (Code, "统一项目代码".into()),
                    (Board, "*板块".into()),
                    (StageCol, "*项目状态".into()),
                    (Lead, "*责任单位".into()),
                    (Leader, "县级领导".into()),
                    (Town, "所在乡镇".into()),
                    (Investor, "建设单位".into()),
                    (Site, "建设地点".into()),
                    (Content, "建设内容及规模".into()),
                    (Benefits, "预期效益".into()),
                    (Total, format!("*计划总投资\n（{total_unit}）")),
                    (AnnualPlan, "本年计划投资（万元)".into()),
                    (Done, done),
                    (PlannedStart, "计划开工时间".into()),
                    (ActualStart, "开工日期".into()),
                    (PlannedCompletion, "计划竣工时间".into()),
                    (ActualCompletion, "竣工日期".into()),
                    (PrelimPlan, "前期计划完成时间".into()),
                    (Approved, "可研完成日期".into()),
                    (Reviewed, "评审论证日期".into()),
                    (Coded, "审批(核准/备案)日期".into()),
                    (Attracted, "是否招商引资项目".into()),
                    (Progress, "形象进度".into()),
                    (Problems, "存在问题".into()),
                ]
            }
        };
        spelled
            .into_iter()
            .filter(|(field, _)| !(self.drop_optional && matches!(field, Town | Attracted)))
            .collect()
    }
}

/// A ledger column by meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Seq,
    Unit,
    Period,
    FiledOn,
    Name,
    Code,
    Board,
    StageCol,
    Lead,
    Leader,
    Town,
    Investor,
    Site,
    Content,
    Benefits,
    Total,
    AnnualPlan,
    Done,
    PlannedStart,
    ActualStart,
    PlannedCompletion,
    ActualCompletion,
    PrelimPlan,
    Approved,
    Reviewed,
    Coded,
    Attracted,
    Progress,
    Problems,
}

impl Field {
    /// The SPEC's canonical column name (what planted problems report).
    fn canonical(self) -> &'static str {
        match self {
            Field::Seq => "序号",
            Field::Unit => "填报单位",
            Field::Period => "报告期",
            Field::FiledOn => "填报日期",
            Field::Name => "项目名称",
            Field::Code => "项目代码",
            Field::Board => "所属板块",
            Field::StageCol => "项目阶段",
            Field::Lead => "牵头责任单位",
            Field::Leader => "包联领导",
            Field::Town => "属地乡镇",
            Field::Investor => "投资主体",
            Field::Site => "建设地点",
            Field::Content => "建设内容",
            Field::Benefits => "经济社会效益",
            Field::Total => "总投资",
            Field::AnnualPlan => "年度计划投资",
            Field::Done => "本年完成投资",
            Field::PlannedStart => "计划开工日期",
            Field::ActualStart => "实际开工日期",
            Field::PlannedCompletion => "计划竣工日期",
            Field::ActualCompletion => "实际竣工日期",
            Field::PrelimPlan => "前期工作计划完成日期",
            Field::Approved => "可研批复日期",
            Field::Reviewed => "专家评审日期",
            Field::Coded => "立项赋码日期",
            Field::Attracted => "是否招商引资项目",
            Field::Progress => "形象进度",
            Field::Problems => "存在问题",
        }
    }
}

/// Problems planted in ledger rows, interleaving rejections and warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plant {
    NameEmpty,
    PlanOverTotal,
    TotalPending,
    BadCode,
    PlannedStartInvalid,
    MonthOnlyPlanned,
    StageUnknown,
    CompletionBeforeStart,
    LeadUnknown,
    StartAfterFiling,
    TotalZero,
}

const PLANTS: [Plant; 11] = [
    Plant::NameEmpty,
    Plant::PlanOverTotal,
    Plant::TotalPending,
    Plant::BadCode,
    Plant::PlannedStartInvalid,
    Plant::MonthOnlyPlanned,
    Plant::StageUnknown,
    Plant::CompletionBeforeStart,
    Plant::LeadUnknown,
    Plant::StartAfterFiling,
    Plant::TotalZero,
];

/// Draws each unit's habits so that every layout, date kind and money habit appears.
fn assign_styles(world: &World, rng: &mut SampleRng) -> Vec<Option<LedgerStyle>> {
    let leading: Vec<usize> = (0..world.roster.units.len())
        .filter(|&u| !world.by_unit[u].is_empty())
        .collect();
    let mut styles = vec![None; world.roster.units.len()];
    if leading.is_empty() {
        return styles;
    }
    let layout_offset = rng.random_range(0..LAYOUTS.len());
    let excel_parity = rng.random_range(0..2);
    let text_offset = rng.random_range(0..TextDate::ALL.len());
    let yi_unit = rng.random_range(0..leading.len());
    let text_money_unit = (yi_unit + 1) % leading.len();
    let naming_offset = rng.random_range(0..SHEET_NAMINGS * FILE_NAMINGS);
    for (position, &unit) in leading.iter().enumerate() {
        let layout = LAYOUTS[(position + layout_offset) % LAYOUTS.len()];
        let dates = if position % 2 == excel_parity {
            DateStyle::Excel(pick(rng, &EXCEL_DATE_FORMATS))
        } else {
            DateStyle::Text(TextDate::ALL[(position / 2 + text_offset) % TextDate::ALL.len()])
        };
        styles[unit] = Some(LedgerStyle {
            layout,
            dates,
            total_in_yi: position == yi_unit || rng.random_bool(0.04),
            money_text: position == text_money_unit || rng.random_bool(0.06),
            period_iso: rng.random_bool(0.5),
            drop_optional: layout != Layout::TitleLine && rng.random_bool(0.25),
            unit_title: rng.random_bool(0.5),
            new_start_label: pick(rng, &["新建", "已开工"]),
            reserve_label: pick(rng, &["储备", "储备库"]),
            sheet_naming: (position + naming_offset) % SHEET_NAMINGS,
            file_naming: (position / 2 + naming_offset) % FILE_NAMINGS,
        });
    }
    styles
}

/// When a unit files the ledger of `month`: mostly by the due day of the next month (early,
/// before a holiday that covers it), sometimes late up to the 12th.
fn filing_date(rng: &mut SampleRng, year: i32, month: u32, due_day: u32) -> NaiveDate {
    // A config built in code may skip the 1..=28 check; keep the day valid in every month.
    let due_day = due_day.clamp(1, 28);
    let (next_year, next) = next_month(year, month);
    if rng.random_bool(0.1) {
        let first_late = days::ymd(next_year, next, (due_day + 1).min(12));
        return workday_between(rng, first_late, days::ymd(next_year, next, 12));
    }
    let on_time = days::workdays_between(
        days::ymd(next_year, next, 1),
        days::ymd(next_year, next, due_day),
    );
    if on_time.is_empty() {
        let end = days::month_end(year, month);
        workday_between(rng, days::add_days(end, -3), end)
    } else {
        pick(rng, &on_time)
    }
}

pub fn write_all(world: &World, output: &mut Output) -> anyhow::Result<()> {
    let params = world.params;
    let mut rng = stream(params.seed, Stream::Ledger);
    let mut planter = Planter::new(params.seed, Stream::LedgerPlanting, params.error_rate);
    let styles = assign_styles(world, &mut rng);
    for (unit, style) in styles.iter().enumerate() {
        let Some(style) = style else { continue };
        for month in 1..=params.months {
            let filed = filing_date(&mut rng, params.year, month, world.roster.config.due_day);
            // A rare missed month, never the first or the last two.
            let missed = month >= 2 && month + 2 <= params.months && rng.random_bool(0.02);
            if filed > params.now || missed {
                continue;
            }
            let sheet = UnitMonth {
                world,
                unit,
                info: &world.roster.units[unit],
                style,
                month,
                filed,
                as_of: days::month_end(params.year, month).min(filed),
            };
            sheet.write(output, &mut rng, &mut planter)?;
        }
    }
    Ok(())
}

/// One unit's ledger of one month.
struct UnitMonth<'a> {
    world: &'a World<'a>,
    unit: usize,
    info: &'a UnitInfo,
    style: &'a LedgerStyle,
    month: u32,
    filed: NaiveDate,
    /// Events up to this day are shown.
    as_of: NaiveDate,
}

impl UnitMonth<'_> {
    fn write(
        &self,
        output: &mut Output,
        rng: &mut SampleRng,
        planter: &mut Planter,
    ) -> anyhow::Result<()> {
        let world = self.world;
        let year = world.year();
        let projects: Vec<&Project> = world.by_unit[self.unit]
            .iter()
            .map(|&i| &world.projects[i])
            .filter(|p| p.is_listed(self.as_of))
            .collect();
        if projects.is_empty() {
            return Ok(());
        }
        let style = self.style;
        let columns = style.columns(self.month);
        let headers: Vec<String> = columns.iter().map(|(_, h)| h.clone()).collect();
        let width = u16::try_from(columns.len())?;
        let sheet_name = style.sheet_name(self.month);
        let file = format!(
            "{}/{}",
            self.info.name,
            style.file_name(&self.info.name, year, self.month)
        );
        let mut sheet = SheetBuilder::new(&sheet_name, style.excel_format())?;
        let header_row = if style.layout == Layout::HeaderFirst {
            0
        } else {
            self.title_lines(&mut sheet, width)?;
            2
        };
        sheet.header(header_row, &headers)?;
        let first_data = header_row + 1;
        for (n, project) in projects.iter().enumerate() {
            let row = first_data + u32::try_from(n)?;
            let stage = project.stage(self.as_of);
            let mut cells: Vec<Cell> = columns
                .iter()
                .map(|(field, _)| self.cell(*field, project, stage, n + 1, rng))
                .collect();
            let fits = |kind: Plant| self.plant_fits(kind, project, stage);
            let scarce = |kind: Plant| kind == Plant::CompletionBeforeStart;
            if let Some(kind) = planter.draw(&PLANTS, fits, scarce) {
                let (field, cell, severity) =
                    self.planted_cell(kind, project, stage, planter.rng());
                if let Some(at) = columns.iter().position(|(f, _)| *f == field) {
                    output.plant(PlantedProblem {
                        file: file.clone(),
                        sheet: sheet_name.clone(),
                        row: excel_row(row),
                        column: field.canonical().to_string(),
                        value: cell.shown(),
                        kind: severity,
                    });
                    cells[at] = cell;
                }
            }
            sheet.row(row, &cells)?;
        }
        if style.layout != Layout::HeaderFirst {
            let after = first_data + u32::try_from(projects.len())? + 1;
            self.notes(&mut sheet, after, width)?;
        }
        output.save(
            &file,
            vec![sheet.finish(first_data)?],
            &self.info.name,
            self.filed,
        )
    }

    /// Title row and the 填报单位 / 报告期 / 填报日期 line.
    fn title_lines(&self, sheet: &mut SheetBuilder, width: u16) -> anyhow::Result<()> {
        let year = self.world.year();
        let county = self.world.roster.county();
        let (title, unit_line) = match self.style.layout {
            Layout::Aliases => (
                format!("{}{year}年重点项目推进情况表", self.info.full_alias),
                format!("填报单位：{}", self.info.full_alias),
            ),
            _ if self.style.unit_title => (
                format!("{}{year}年重点项目台账", self.info.name),
                format!("填报单位：{}（盖章）", self.info.formal),
            ),
            _ => (
                format!("{county}重点项目建设进展情况表"),
                format!("填报单位：{}（盖章）", self.info.formal),
            ),
        };
        sheet.title(0, &title, width)?;
        sheet.info(1, 0, &unit_line)?;
        sheet.info(
            1,
            width / 2,
            &format!("报告期：{}", period_label(year, self.month)),
        )?;
        sheet.info(
            1,
            width.saturating_sub(3),
            &format!("填报日期：{}", days::chinese(self.filed)),
        )
    }

    /// 填表说明 and the 填报人 line after one blank row.
    fn notes(&self, sheet: &mut SheetBuilder, row: u32, width: u16) -> anyhow::Result<()> {
        let money = if self.style.total_in_yi {
            "总投资单位为亿元，其余投资单位为万元"
        } else {
            "投资单位为万元"
        };
        sheet.note(
            row,
            &format!(
                "填表说明：1. {money}；2. 本年完成投资为1月至报告期末累计数；3. 项目阶段按谋划、储备、前期、在建、竣工填写。"
            ),
            width,
        )?;
        sheet.info(
            row + 1,
            0,
            &format!(
                "填报人：{}    联系电话：{}",
                self.info.clerk, self.info.phone
            ),
        )?;
        sheet.info(row + 1, width / 2, &format!("审核人：{}", self.info.deputy))
    }

    fn cell(
        &self,
        field: Field,
        project: &Project,
        stage: Stage,
        seq: usize,
        rng: &mut SampleRng,
    ) -> Cell {
        let world = self.world;
        let style = self.style;
        let as_of = self.as_of;
        let date_if = |d: Option<NaiveDate>| by(d, as_of).map_or(Cell::Empty, |d| style.date(d));
        match field {
            Field::Seq => Cell::Number(seq as f64),
            Field::Unit => Cell::text(&self.info.name),
            Field::Period => Cell::text(if style.period_iso {
                format!("{}-{:02}", world.year(), self.month)
            } else {
                period_label(world.year(), self.month)
            }),
            Field::FiledOn => style.date(self.filed),
            Field::Name => Cell::text(&project.name),
            Field::Code => project.code(as_of).map_or(Cell::Empty, Cell::Text),
            Field::Board => Cell::text(project.board.label()),
            Field::StageCol => Cell::text(self.stage_label(stage, project)),
            Field::Lead => Cell::text(if style.layout == Layout::Aliases {
                &self.info.short_alias
            } else {
                &self.info.name
            }),
            Field::Leader => match project.leader {
                Some(_) if stage <= Stage::Reserve && !project.leader_named_early => Cell::Empty,
                Some(leader) => Cell::text(&world.roster.leaders[leader]),
                None => Cell::Empty,
            },
            Field::Town => project
                .town
                .map_or(Cell::Empty, |t| Cell::text(&world.roster.units[t].name)),
            Field::Investor => Cell::text(&project.investor),
            Field::Site => Cell::text(&project.site),
            Field::Content => Cell::text(&project.content),
            // Most but not all project descriptions state the expected benefits.
            Field::Benefits if (project.total as u64).is_multiple_of(4) => Cell::Empty,
            Field::Benefits => Cell::text(format!(
                "预计年产值{:.0}万元，带动就业{}人",
                project.total * 0.8,
                (project.total / 40.0).round().max(10.0) as i64
            )),
            Field::Total => {
                if style.total_in_yi {
                    Cell::Number(project.total.round() / 10000.0)
                } else {
                    self.money(rng, project.total)
                }
            }
            Field::AnnualPlan => project
                .annual_plan
                .map_or(Cell::Empty, |plan| self.money(rng, plan)),
            Field::Done => {
                let done = project.done_by_month(self.month);
                if stage < Stage::Building && done == 0.0 {
                    if style.layout == Layout::HeaderFirst {
                        Cell::Number(0.0)
                    } else {
                        Cell::Empty
                    }
                } else {
                    self.money(rng, done)
                }
            }
            Field::PlannedStart => style.date(project.planned_start),
            Field::ActualStart => date_if(project.started),
            Field::PlannedCompletion => style.date(project.planned_completion),
            Field::ActualCompletion => date_if(project.completed),
            Field::PrelimPlan => style.date(project.prelim_plan),
            Field::Approved => date_if(project.approved),
            Field::Reviewed => date_if(project.reviewed),
            Field::Coded if self.coded_after_month_end(project) => {
                style.date(days::add_days(self.filed, -1))
            }
            Field::Coded => date_if(project.coded),
            Field::Attracted => Cell::text(if project.attracted { "是" } else { "否" }),
            Field::Progress => Cell::text(match stage {
                Stage::Idea | Stage::Reserve => names::progress_planning(rng, stage as usize),
                Stage::Preliminary => names::progress_preliminary(
                    by(project.coded, as_of).is_some(),
                    by(project.reviewed, as_of).is_some(),
                    by(project.approved, as_of).is_some(),
                ),
                Stage::Building => names::progress_building(rng, project.build_share(as_of)),
                Stage::Completed => names::progress_completed(rng),
            }),
            Field::Problems => Cell::text(names::problem(
                rng,
                matches!(stage, Stage::Preliminary | Stage::Building),
            )),
        }
    }

    /// One 储备 project of the last ledgers is coded (立项赋码) after its month ended and
    /// before the ledger was filed: as of that month's end the date has not happened yet
    /// (SPEC §7), as of the next month's it has. The first such project of the county.
    fn coded_after_month_end(&self, project: &Project) -> bool {
        let world = self.world;
        if self.month + 1 != world.params.months || self.filed <= self.as_of {
            return false;
        }
        let uncoded_reserve =
            |p: &Project| p.stage(self.as_of) == Stage::Reserve && p.coded.is_none();
        world
            .projects
            .iter()
            .find(|p| uncoded_reserve(p))
            .is_some_and(|first| std::ptr::eq(first, project))
    }

    fn stage_label(&self, stage: Stage, project: &Project) -> &'static str {
        if self.style.layout != Layout::Aliases {
            return stage.label();
        }
        match stage {
            Stage::Building
                if project
                    .started
                    .is_some_and(|s| s.year() < self.world.year()) =>
            {
                "续建"
            }
            Stage::Building => self.style.new_start_label,
            Stage::Completed => "已竣工",
            Stage::Reserve => self.style.reserve_label,
            other => other.label(),
        }
    }

    /// A money amount in 万元: a number, or for units that type amounts, sometimes text.
    fn money(&self, rng: &mut SampleRng, value: f64) -> Cell {
        if !self.style.money_text || !rng.random_bool(0.35) {
            return Cell::Number(value);
        }
        let whole = value.fract() == 0.0;
        Cell::Text(match rng.random_range(0..4) {
            0 if whole && value >= 100.0 => format!("约{value}"),
            1 => format!("{value}万元"),
            _ => with_thousands(value),
        })
    }

    fn plant_fits(&self, kind: Plant, project: &Project, stage: Stage) -> bool {
        match kind {
            Plant::PlannedStartInvalid | Plant::StartAfterFiling => {
                matches!(stage, Stage::Preliminary | Stage::Building)
            }
            Plant::PlanOverTotal => project.annual_plan.is_some(),
            Plant::BadCode => project.code(self.as_of).is_some(),
            Plant::CompletionBeforeStart => stage == Stage::Completed,
            Plant::LeadUnknown => self.world.roster.unknown_unit_free,
            Plant::NameEmpty
            | Plant::TotalPending
            | Plant::TotalZero
            | Plant::StageUnknown
            | Plant::MonthOnlyPlanned => true,
        }
    }

    /// The cell that replaces the true one, in which column, and what the reader should do.
    fn planted_cell(
        &self,
        kind: Plant,
        project: &Project,
        stage: Stage,
        rng: &mut SampleRng,
    ) -> (Field, Cell, PlantedKind) {
        use PlantedKind::{Rejection, Warning};
        let year = self.world.year();
        match kind {
            Plant::NameEmpty => (Field::Name, Cell::Empty, Rejection),
            // 总投资 is required once a project is being implemented (SPEC §1): a 谋划/储备
            // project only loses the value.
            Plant::TotalPending if stage < Stage::Preliminary => {
                (Field::Total, Cell::text("待定"), Warning)
            }
            Plant::TotalPending => (Field::Total, Cell::text("待定"), Rejection),
            Plant::TotalZero => (Field::Total, Cell::Number(0.0), Rejection),
            Plant::PlannedStartInvalid => (
                Field::PlannedStart,
                Cell::text(format!("{year}-13-45")),
                Rejection,
            ),
            Plant::StageUnknown => (Field::StageCol, Cell::text("筹建中"), Rejection),
            Plant::LeadUnknown => (Field::Lead, Cell::text(UNKNOWN_UNIT), Rejection),
            Plant::StartAfterFiling => {
                let late = days::add_days(self.filed, rng.random_range(3..=20));
                (Field::ActualStart, self.style.date(late), Rejection)
            }
            Plant::PlanOverTotal => {
                let over = (project.total * rng.random_range(1.2..1.6) / 10.0).round() * 10.0;
                (Field::AnnualPlan, Cell::Number(over), Warning)
            }
            Plant::BadCode => {
                // A digit lost while typing: 23 characters instead of 24.
                let mut code = project.code(self.as_of).unwrap_or_default();
                if code.len() > 3 {
                    code.remove(code.len() - 3);
                }
                (Field::Code, Cell::text(code), Warning)
            }
            Plant::CompletionBeforeStart => {
                let start = project.started.unwrap_or(project.planned_start);
                let before = days::add_days(start, -rng.random_range(10..=60));
                (Field::ActualCompletion, self.style.date(before), Warning)
            }
            Plant::MonthOnlyPlanned => {
                let planned = project.planned_completion;
                (
                    Field::PlannedCompletion,
                    Cell::text(days::chinese_month(planned.year(), planned.month())),
                    Warning,
                )
            }
        }
    }
}

/// "12,345.6": the thousands separators offices type.
fn with_thousands(value: f64) -> String {
    let plain = format!("{value}");
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    let digits: Vec<char> = whole.chars().collect();
    let mut grouped = String::new();
    for (i, digit) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(*digit);
    }
    if fraction.is_empty() {
        grouped
    } else {
        format!("{grouped}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(with_thousands(1234.5), "1,234.5");
        assert_eq!(with_thousands(200000.0), "200,000");
        assert_eq!(with_thousands(500.0), "500");
    }
}
