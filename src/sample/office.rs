//! The Key Project Office's own ledgers: 挂牌督办 notices and 调度 tasks. Each month's
//! workbook is a snapshot holding every item issued so far, in its state as of the snapshot's
//! 填报日期, so the latest snapshot has the newest state of each 编号.

use chrono::{Datelike, NaiveDate};
use rand::Rng;

use super::book::{excel_row, Cell, Output, SheetBuilder};
use super::days::{self, add_days, add_workdays, ymd};
use super::names::{self, NOTICE_MATTERS};
use super::{
    day_between, period_label, pick, stream, workday_between, PlantedKind, PlantedProblem, Planter,
    SampleRng, Stream, World,
};

struct Notice {
    /// 通知书编号, e.g. 长重督〔2026〕12号.
    number: String,
    project: usize,
    matter: &'static str,
    /// 督办对象 (unit index).
    target: usize,
    issued: NaiveDate,
    deadline: NaiveDate,
    reply: Option<NaiveDate>,
    remedy: String,
    /// 责任领导 and 责任人 named in the reply.
    responsible_leader: String,
    responsible_person: String,
    promised: NaiveDate,
    /// Which of the four reply items (解决办法, 责任领导, 责任人, 承诺解决时限) was left out.
    missing_item: Option<usize>,
    closed: Option<NaiveDate>,
}

/// Notices the sample must show, beside the random ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pin {
    None,
    /// Issued last December, still open.
    OpenFromLastYear,
    /// Issued on 12 February: the third working day falls after the Spring Festival.
    BeforeSpringFestival,
}

/// The last day events can happen in the generated period.
pub(super) fn window_end(world: &World) -> NaiveDate {
    days::month_end(world.year(), world.params.months).min(world.params.now)
}

/// When the office dates the snapshot of `month`: its last working day, or `now` if earlier.
pub(super) fn snapshot_date(world: &World, month: u32) -> Option<NaiveDate> {
    world.month_cutoff(month)?;
    Some(days::last_workday(world.year(), month).min(world.params.now))
}

/// The unit a matter usually belongs to (自然资源 → 县自然资源局), if configured.
fn department_for(world: &World, keyword: &str) -> Option<usize> {
    world
        .roster
        .config
        .units
        .iter()
        .position(|u| u.name.contains(keyword))
}

fn draw_notices(world: &World, rng: &mut SampleRng) -> Vec<Notice> {
    let year = world.year();
    let count = world.params.notices;
    let (start, end) = (ymd(year, 1, 5), window_end(world));
    let mut issues: Vec<(NaiveDate, Pin)> = Vec::with_capacity(count);
    if count >= 1 {
        issues.push((ymd(year - 1, 12, 18), Pin::OpenFromLastYear));
    }
    let festival = ymd(year, 2, 12);
    if count >= 2 && festival <= end {
        issues.push((festival, Pin::BeforeSpringFestival));
    }
    while issues.len() < count && start <= end {
        issues.push((workday_between(rng, start, end), Pin::None));
    }
    issues.sort_by_key(|(date, _)| *date);
    let mut numbers_by_year: Vec<(i32, u32)> = Vec::new();
    let mut notices = Vec::with_capacity(issues.len());
    for (issued, pin) in issues {
        let Some(project) = world.active_project(rng, issued) else {
            continue;
        };
        let serial = match numbers_by_year
            .iter_mut()
            .find(|(y, _)| *y == issued.year())
        {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                // Last year's numbering had run on before our first notice.
                let first = if issued.year() < year {
                    rng.random_range(20..40)
                } else {
                    1
                };
                numbers_by_year.push((issued.year(), first));
                first
            }
        };
        let (matter, keyword) = pick(rng, NOTICE_MATTERS);
        let lead = world.projects[project].lead;
        let target = keyword
            .filter(|_| rng.random_bool(0.5))
            .and_then(|k| department_for(world, k))
            .unwrap_or(lead);
        let deadline = add_days(issued, rng.random_range(10..=30));
        let reply = match pin {
            Pin::BeforeSpringFestival => Some(add_workdays(issued, 3)),
            Pin::OpenFromLastYear => Some(add_workdays(issued, 2)),
            Pin::None => match rng.random_range(0..100) {
                0..88 => Some(add_workdays(issued, rng.random_range(1..=3))),
                88..96 => Some(add_workdays(issued, rng.random_range(4..=10))),
                _ => None,
            },
        };
        let closed = match (pin, reply) {
            (Pin::OpenFromLastYear, _) => None,
            (Pin::BeforeSpringFestival, Some(r)) => {
                Some(day_between(rng, add_days(r, 2), deadline))
            }
            (_, None) => rng
                .random_bool(0.3)
                .then(|| add_days(deadline, rng.random_range(1..=40))),
            (_, Some(r)) => match rng.random_range(0..100) {
                0..75 => Some(day_between(rng, add_days(r, 2), deadline)),
                75..90 => Some(add_days(deadline, rng.random_range(1..=40))),
                _ => None,
            },
        };
        let unit = &world.roster.units[target];
        notices.push(Notice {
            number: format!("长重督〔{}〕{serial}号", issued.year()),
            project,
            matter,
            target,
            issued,
            deadline,
            reply,
            remedy: names::remedy(rng),
            responsible_leader: unit.deputy.clone(),
            responsible_person: if rng.random_bool(0.5) {
                unit.clerk.clone()
            } else {
                names::person(rng)
            },
            promised: add_days(deadline, -rng.random_range(0..=7)).max(reply.unwrap_or(issued)),
            missing_item: rng.random_bool(0.12).then(|| rng.random_range(0..4)),
            closed,
        });
    }
    notices
}

const NOTICE_HEADERS: [&str; 14] = [
    "序号",
    "通知书编号",
    "项目名称",
    "项目代码",
    "督办事项",
    "督办对象",
    "下发日期",
    "办理时限",
    "复函日期",
    "解决办法",
    "责任领导",
    "责任人",
    "承诺解决时限",
    "办结日期",
];
/// Column of 办理时限 in [`NOTICE_HEADERS`], where a planted row leaves the deadline empty.
const NOTICE_DEADLINE_COLUMN: usize = 7;

pub fn write_notices(world: &World, output: &mut Output) -> anyhow::Result<()> {
    let params = world.params;
    let mut rng = stream(params.seed, Stream::Notices);
    let mut planter = Planter::new(params.seed, Stream::NoticePlanting, params.error_rate);
    let notices = draw_notices(world, &mut rng);
    let roster = &world.roster;
    let headers: Vec<String> = NOTICE_HEADERS.iter().map(|h| h.to_string()).collect();
    for month in 1..=params.months {
        let Some(filed) = snapshot_date(world, month) else {
            continue;
        };
        let shown: Vec<&Notice> = notices.iter().filter(|n| n.issued <= filed).collect();
        if shown.is_empty() {
            continue;
        }
        let sheet_name = "督办事项";
        let file = format!(
            "{}/挂牌督办事项台账（截至{}年{month}月）.xlsx",
            roster.office_folder,
            world.year()
        );
        let mut sheet = SheetBuilder::new(sheet_name, "yyyy-mm-dd")?;
        let width = u16::try_from(headers.len())?;
        office_title_lines(
            &mut sheet,
            world,
            &format!("{}重点项目挂牌督办事项台账", roster.county()),
            month,
            filed,
            width,
        )?;
        sheet.header(2, &headers)?;
        for (n, notice) in shown.iter().enumerate() {
            let row = 3 + u32::try_from(n)?;
            let mut cells = notice_cells(world, notice, n + 1, filed);
            if planter.hit() {
                output.plant(PlantedProblem {
                    file: file.clone(),
                    sheet: sheet_name.to_string(),
                    row: excel_row(row),
                    column: "办理时限".to_string(),
                    value: String::new(),
                    kind: PlantedKind::Rejection,
                });
                cells[NOTICE_DEADLINE_COLUMN] = Cell::Empty;
            }
            sheet.row(row, &cells)?;
        }
        output.save(&file, vec![sheet.finish(3)?], &roster.office_formal, filed)?;
    }
    Ok(())
}

fn notice_cells(world: &World, notice: &Notice, seq: usize, as_of: NaiveDate) -> Vec<Cell> {
    let project = &world.projects[notice.project];
    let date = |d: Option<NaiveDate>| d.filter(|d| *d <= as_of).map_or(Cell::Empty, Cell::Date);
    let replied = notice.reply.is_some_and(|r| r <= as_of);
    // The reply's items appear with the reply; one may be left out (复函不完整).
    let item = |index: usize, cell: Cell| {
        if replied && notice.missing_item != Some(index) {
            cell
        } else {
            Cell::Empty
        }
    };
    vec![
        Cell::Number(seq as f64),
        Cell::text(&notice.number),
        Cell::text(&project.name),
        project.code(as_of).map_or(Cell::Empty, Cell::Text),
        Cell::text(notice.matter),
        Cell::text(&world.roster.units[notice.target].name),
        Cell::Date(notice.issued),
        Cell::Date(notice.deadline),
        date(notice.reply),
        item(0, Cell::text(&notice.remedy)),
        item(1, Cell::text(&notice.responsible_leader)),
        item(2, Cell::text(&notice.responsible_person)),
        item(3, Cell::Date(notice.promised)),
        date(notice.closed),
    ]
}

/// Title row and the 填报单位 / 报告期 / 填报日期 line of an office ledger.
pub(super) fn office_title_lines(
    sheet: &mut SheetBuilder,
    world: &World,
    title: &str,
    month: u32,
    filed: NaiveDate,
    width: u16,
) -> anyhow::Result<()> {
    sheet.title(0, title, width)?;
    sheet.info(1, 0, &format!("填报单位：{}", world.roster.office_formal))?;
    sheet.info(
        1,
        width / 2,
        &format!("报告期：{}", period_label(world.year(), month)),
    )?;
    sheet.info(
        1,
        width.saturating_sub(3),
        &format!("填报日期：{}", days::chinese(filed)),
    )
}

/// Where a dispatch task came from (来源).
const SOURCES: [(&str, u32); 5] = [
    ("月度调度", 70),
    ("专项调度", 8),
    ("联席会议", 10),
    ("现场调研", 7),
    ("日常督导", 5),
];

struct Task {
    number: String,
    source: &'static str,
    assigned: NaiveDate,
    project: usize,
    content: String,
    unit: usize,
    person: String,
    deadline: NaiveDate,
    done: Option<NaiveDate>,
    done_note: String,
}

/// The dispatch tasks, and the joint-meeting days they were drawn against (one a month, on a
/// working day from the 20th to the 26th, up to the end of the period).
fn draw_tasks(world: &World, rng: &mut SampleRng) -> (Vec<Task>, Vec<NaiveDate>) {
    let year = world.year();
    let (start, end) = (ymd(year, 1, 5), window_end(world));
    if start > end {
        return (Vec::new(), Vec::new());
    }
    // One monthly dispatch meeting (mid-month) and one joint meeting (late) per month.
    let mut dispatch = Vec::new();
    let mut joint = Vec::new();
    for month in 1..=world.params.months {
        let meeting = workday_between(rng, ymd(year, month, 8), ymd(year, month, 15));
        let joint_meeting = workday_between(rng, ymd(year, month, 20), ymd(year, month, 26));
        dispatch.extend((meeting <= end).then_some(meeting));
        joint.extend((joint_meeting <= end).then_some(joint_meeting));
    }
    let mut drafts: Vec<(NaiveDate, &'static str)> = (0..world.params.tasks)
        .map(|_| {
            let mut x = rng.random_range(0..100);
            let source = SOURCES
                .iter()
                .find(|(_, weight)| {
                    let hit = x < *weight;
                    x = x.saturating_sub(*weight);
                    hit
                })
                .map_or(SOURCES[0].0, |(name, _)| name);
            let meetings: &[NaiveDate] = match source {
                "月度调度" => &dispatch,
                "联席会议" => &joint,
                _ => &[],
            };
            let assigned = if meetings.is_empty() {
                workday_between(rng, start, end)
            } else {
                pick(rng, meetings)
            };
            (assigned, source)
        })
        .collect();
    drafts.sort_by_key(|(date, _)| *date);
    let eligible: Vec<usize> = (0..world.roster.units.len())
        .filter(|&u| world.roster.units[u].leads)
        .collect();
    let mut per_month = [0u32; 12];
    let mut tasks = Vec::with_capacity(drafts.len());
    for (assigned, source) in drafts {
        let Some(project) = world.active_project(rng, assigned) else {
            continue;
        };
        let unit = if rng.random_bool(0.75) || eligible.is_empty() {
            world.projects[project].lead
        } else {
            pick(rng, &eligible)
        };
        let seq = &mut per_month[assigned.month() as usize - 1];
        *seq += 1;
        let deadline = if source == "月度调度" && rng.random_bool(0.5) {
            days::end_of_month(days::add_months(assigned, 1))
        } else {
            add_days(assigned, rng.random_range(10..=45))
        };
        let done = match rng.random_range(0..100) {
            0..80 => Some(day_between(rng, add_days(assigned, 2), deadline)),
            80..93 => Some(add_days(deadline, rng.random_range(1..=45))),
            _ => None,
        };
        let info = &world.roster.units[unit];
        let person = match rng.random_range(0..10) {
            0..4 => info.head.clone(),
            4..8 => info.deputy.clone(),
            _ => info.clerk.clone(),
        };
        tasks.push(Task {
            number: format!("DD-{year}-{:02}-{:03}", assigned.month(), *seq),
            source,
            assigned,
            project,
            content: names::task_content(rng, &world.projects[project].name),
            unit,
            person,
            deadline,
            done,
            done_note: names::task_done_note(rng),
        });
    }
    (tasks, joint)
}

/// The joint-meeting days of the period, each with the number of dispatch tasks assigned
/// there (source 联席会议), drawn exactly as [`write_tasks`] draws them.
pub fn joint_meetings(world: &World) -> Vec<(NaiveDate, usize)> {
    let mut rng = stream(world.params.seed, Stream::Tasks);
    let (tasks, joint) = draw_tasks(world, &mut rng);
    joint
        .into_iter()
        .map(|day| {
            let assigned = tasks
                .iter()
                .filter(|t| t.source == "联席会议" && t.assigned == day)
                .count();
            (day, assigned)
        })
        .collect()
}

const TASK_HEADERS: [&str; 12] = [
    "序号",
    "任务编号",
    "来源",
    "交办日期",
    "项目名称",
    "项目代码",
    "任务内容",
    "责任单位",
    "责任人",
    "完成时限",
    "完成日期",
    "落实情况",
];
/// Column of 任务内容 in [`TASK_HEADERS`], where a planted row leaves the content empty.
const TASK_CONTENT_COLUMN: usize = 6;

pub fn write_tasks(world: &World, output: &mut Output) -> anyhow::Result<()> {
    let params = world.params;
    let mut rng = stream(params.seed, Stream::Tasks);
    let mut planter = Planter::new(params.seed, Stream::TaskPlanting, params.error_rate);
    let (tasks, _) = draw_tasks(world, &mut rng);
    let roster = &world.roster;
    let headers: Vec<String> = TASK_HEADERS.iter().map(|h| h.to_string()).collect();
    for month in 1..=params.months {
        let Some(filed) = snapshot_date(world, month) else {
            continue;
        };
        let shown: Vec<&Task> = tasks.iter().filter(|t| t.assigned <= filed).collect();
        if shown.is_empty() {
            continue;
        }
        let sheet_name = "调度任务";
        let file = format!(
            "{}/调度任务台账（{}年{month}月）.xlsx",
            roster.office_folder,
            world.year()
        );
        let mut sheet = SheetBuilder::new(sheet_name, "yyyy/m/d")?;
        let width = u16::try_from(headers.len())?;
        office_title_lines(
            &mut sheet,
            world,
            &format!("{}重点项目调度任务落实台账", roster.county()),
            month,
            filed,
            width,
        )?;
        sheet.header(2, &headers)?;
        for (n, task) in shown.iter().enumerate() {
            let row = 3 + u32::try_from(n)?;
            let mut cells = task_cells(world, task, n + 1, filed);
            if planter.hit() {
                output.plant(PlantedProblem {
                    file: file.clone(),
                    sheet: sheet_name.to_string(),
                    row: excel_row(row),
                    column: "任务内容".to_string(),
                    value: String::new(),
                    kind: PlantedKind::Rejection,
                });
                cells[TASK_CONTENT_COLUMN] = Cell::Empty;
            }
            sheet.row(row, &cells)?;
        }
        output.save(&file, vec![sheet.finish(3)?], &roster.office_formal, filed)?;
    }
    Ok(())
}

fn task_cells(world: &World, task: &Task, seq: usize, as_of: NaiveDate) -> Vec<Cell> {
    let project = &world.projects[task.project];
    let done = task.done.filter(|d| *d <= as_of);
    let state = match done {
        Some(_) => task.done_note.clone(),
        None if task.deadline < as_of => "未完成，正在推进".to_string(),
        None => "正在推进".to_string(),
    };
    vec![
        Cell::Number(seq as f64),
        Cell::text(&task.number),
        Cell::text(task.source),
        Cell::Date(task.assigned),
        Cell::text(&project.name),
        project.code(as_of).map_or(Cell::Empty, Cell::Text),
        Cell::text(&task.content),
        Cell::text(&world.roster.units[task.unit].name),
        Cell::text(&task.person),
        Cell::Date(task.deadline),
        done.map_or(Cell::Empty, Cell::Date),
        Cell::text(state),
    ]
}
