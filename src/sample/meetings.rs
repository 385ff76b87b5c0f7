//! 联席会议 (SPEC §1 second wave, §7 system 5): the joint meetings of the key-project member
//! units, recorded by the Key Project Office. Each month's workbook is a snapshot listing the
//! year's meetings so far, so later months win. The meetings are held on the joint-meeting days
//! the dispatch tasks of source 联席会议 were assigned on, except in one month with no meeting.

use chrono::{Datelike, NaiveDate};
use rand::Rng;

use super::book::{excel_row, Cell, Output, SheetBuilder};
use super::days::{add_workdays, last_workday};
use super::names;
use super::office::{joint_meetings, office_title_lines, snapshot_date};
use super::roster::UNKNOWN_UNIT;
use super::{
    pick, planted_count, stream, take_positions, PlantedKind, PlantedProblem, SampleRng, Stream,
    World,
};

/// Without configured `joint_meeting_members`, the first this many units are the members
/// (the seed's twelve departments).
const MEMBERS: usize = 12;

/// The member units (indexes into the config's units): the configured members, else the first
/// [`MEMBERS`] units.
fn members(world: &World) -> Vec<usize> {
    let config = &world.roster.config;
    let configured: Vec<usize> = config
        .joint_meeting_members
        .iter()
        .filter_map(|name| config.units.iter().position(|u| u.name == *name))
        .collect();
    if configured.is_empty() {
        (0..config.units.len().min(MEMBERS)).collect()
    } else {
        configured
    }
}

struct Meeting {
    date: NaiveDate,
    /// 期次: "2026年第3次联席会议".
    session: String,
    convener: String,
    topics: String,
    /// 参会单位 (indexes into the config's units), in config order.
    attendees: Vec<usize>,
    /// 纪要印发日期.
    minutes: Option<NaiveDate>,
}

/// The month left without a meeting: one with no dispatch task assigned at its joint meeting
/// if there is one (so tasks and meetings agree), as near July as possible; never the first or
/// the last month.
fn skipped_month(world: &World, joint: &[(NaiveDate, usize)]) -> Option<u32> {
    joint
        .iter()
        .map(|(day, tasks)| (day.month(), *tasks))
        .filter(|(month, _)| *month >= 2 && *month < world.params.months)
        .min_by_key(|(month, tasks)| (*tasks, month.abs_diff(7), *month))
        .map(|(month, _)| month)
}

fn draw_meetings(world: &World, rng: &mut SampleRng) -> Vec<Meeting> {
    let roster = &world.roster;
    let joint = joint_meetings(world);
    let skipped = skipped_month(world, &joint);
    let held: Vec<NaiveDate> = joint
        .iter()
        .map(|(day, _)| *day)
        .filter(|day| Some(day.month()) != skipped)
        .collect();
    let members = members(world);
    let minutes_due = roster.config.minutes_working_days.max(1);
    // One member unit never comes: not the office that convenes, not the government office.
    let stay_away: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&u| u != roster.office && u != roster.gov_office)
        .collect();
    let absent = (!stay_away.is_empty()).then(|| pick(rng, &stay_away));
    let guests: Vec<usize> = roster
        .towns
        .iter()
        .copied()
        .filter(|t| !members.contains(t))
        .collect();
    // One meeting whose minutes were never issued (not the latest, whose may still come).
    let unissued = (held.len() >= 3).then(|| rng.random_range(0..held.len() - 2));
    let mut meetings = Vec::with_capacity(held.len());
    for (k, &date) in held.iter().enumerate() {
        let convener = match roster.leaders.len() {
            0 => roster.units[roster.office].head.clone(),
            1 => roster.leaders[0].clone(),
            _ if rng.random_bool(0.75) => roster.leaders[1].clone(),
            _ => roster.leaders[0].clone(),
        };
        let mut attendees: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&u| Some(u) != absent && (u == roster.office || rng.random_bool(0.85)))
            .collect();
        // Townships whose projects are on the agenda come as guests now and then.
        if !guests.is_empty() && rng.random_bool(0.3) {
            for _ in 0..rng.random_range(1..=2) {
                attendees.push(pick(rng, &guests));
            }
        }
        attendees.sort_unstable();
        attendees.dedup();
        let projects: Vec<&str> = (0..3)
            .filter_map(|_| world.active_project(rng, date))
            .map(|p| world.projects[p].name.as_str())
            .collect();
        let topics = names::meeting_topics(rng, date.month(), &projects);
        // Mostly within the `minutes_working_days` working days, sometimes later.
        let minutes = if Some(k) == unissued {
            None
        } else if rng.random_bool(0.8) {
            Some(add_workdays(date, rng.random_range(1..=minutes_due)))
        } else {
            Some(add_workdays(
                date,
                rng.random_range(minutes_due + 1..=minutes_due + 9),
            ))
        };
        meetings.push(Meeting {
            date,
            session: format!("{}年第{}次联席会议", date.year(), k + 1),
            convener,
            topics,
            attendees,
            minutes,
        });
    }
    add_backlog_and_special_session(world, &members, &mut meetings);
    meetings
}

/// Two cases every office has (SPEC §7): last December's meeting whose minutes were never
/// issued (backlog for 纪要及时), and a special session on the day of a regular one (two
/// meetings, keyed by 期次). Drawn without the random stream, so the rest stays as it was.
fn add_backlog_and_special_session(world: &World, members: &[usize], meetings: &mut Vec<Meeting>) {
    let roster = &world.roster;
    let Some(first) = meetings.first() else {
        return;
    };
    let convener = first.convener.clone();
    let year = world.year();
    let mut backlog_day = last_workday(year - 1, 12);
    while backlog_day.day() > 26 {
        backlog_day = backlog_day.pred_opt().unwrap_or(backlog_day);
    }
    meetings.insert(
        0,
        Meeting {
            date: backlog_day,
            session: format!("{}年第12次联席会议", year - 1),
            convener: convener.clone(),
            topics: "年度重点项目建设总结；下年度项目谋划".into(),
            attendees: first.attendees.clone(),
            minutes: None,
        },
    );
    let regular = meetings.len() / 2;
    let date = meetings[regular].date;
    let attendees: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&u| u == roster.office || u == roster.gov_office)
        .collect();
    meetings.insert(
        regular + 1,
        Meeting {
            date,
            session: format!("{year}年招商引资项目专题会议"),
            convener,
            topics: "招商引资签约项目移交落地".into(),
            attendees,
            minutes: Some(add_workdays(date, 1)),
        },
    );
}

const HEADERS: [&str; 7] = [
    "序号",
    "会议日期",
    "期次",
    "召集人",
    "议题",
    "参会单位",
    "纪要印发日期",
];
/// Columns of 会议日期 and 参会单位 in [`HEADERS`], where planted rows go wrong.
const DATE_COLUMN: usize = 1;
const ATTENDEES_COLUMN: usize = 5;

const SHEET: &str = "联席会议";
/// Title, the 填报单位 line, the header, then data (0-based row index).
const FIRST_DATA_ROW: u32 = 3;

/// The office's snapshot of one month.
struct Snapshot {
    month: u32,
    filed: NaiveDate,
    cells: Vec<Vec<Cell>>,
}

impl Snapshot {
    fn file(&self, world: &World) -> String {
        format!(
            "{}/联席会议记录（截至{}年{}月）.xlsx",
            world.roster.office_folder,
            world.year(),
            self.month
        )
    }
}

/// Problems planted in 联席会议 rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plant {
    /// 会议日期 left empty: the row is rejected.
    DateEmpty,
    /// 参会单位 names 县文旅局, which the config does not know: dropped with a warning.
    UnknownAttendee,
}

pub fn write_all(world: &World, output: &mut Output) -> anyhow::Result<()> {
    let params = world.params;
    if world.roster.units.is_empty() {
        return Ok(());
    }
    let mut rng = stream(params.seed, Stream::Meetings);
    let meetings = draw_meetings(world, &mut rng);
    let mut snapshots = Vec::new();
    for month in 1..=params.months {
        let Some(filed) = snapshot_date(world, month) else {
            continue;
        };
        let cells: Vec<Vec<Cell>> = meetings
            .iter()
            .filter(|m| m.date <= filed)
            .enumerate()
            .map(|(n, meeting)| row_cells(world, meeting, n + 1, filed))
            .collect();
        if !cells.is_empty() {
            snapshots.push(Snapshot {
                month,
                filed,
                cells,
            });
        }
    }
    plant(world, output, &mut snapshots)?;
    for snapshot in &snapshots {
        write_snapshot(world, output, snapshot)?;
    }
    Ok(())
}

fn unit_list(world: &World, units: &[usize]) -> String {
    units
        .iter()
        .map(|&u| world.roster.units[u].name.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

fn row_cells(world: &World, meeting: &Meeting, seq: usize, as_of: NaiveDate) -> Vec<Cell> {
    vec![
        Cell::Number(seq as f64),
        Cell::Date(meeting.date),
        Cell::text(&meeting.session),
        Cell::text(&meeting.convener),
        Cell::text(&meeting.topics),
        Cell::text(unit_list(world, &meeting.attendees)),
        meeting
            .minutes
            .filter(|d| *d <= as_of)
            .map_or(Cell::Empty, Cell::Date),
    ]
}

/// Plants each kind in snapshots a later one supersedes, so the meeting stays readable in
/// the latest one.
fn plant(world: &World, output: &mut Output, snapshots: &mut [Snapshot]) -> anyhow::Result<()> {
    let mut rng = stream(world.params.seed, Stream::MeetingPlanting);
    let kinds: Vec<Plant> = [Plant::DateEmpty, Plant::UnknownAttendee]
        .into_iter()
        .filter(|k| *k != Plant::UnknownAttendee || world.roster.unknown_unit_free)
        .collect();
    let total: usize = snapshots.iter().map(|s| s.cells.len()).sum();
    let count = planted_count(total, world.params.error_rate, kinds.len());
    if count == 0 {
        return Ok(());
    }
    let superseded = match snapshots.len() {
        0 | 1 => snapshots.len(),
        n => n - 1,
    };
    let mut candidates: Vec<(usize, usize)> = snapshots[..superseded]
        .iter()
        .enumerate()
        .flat_map(|(k, s)| (0..s.cells.len()).map(move |n| (k, n)))
        .collect();
    for kind in kinds {
        for (k, n) in take_positions(&mut rng, &mut candidates, count, |_| true) {
            let snapshot = &mut snapshots[k];
            let (column, at, cell, severity) = match kind {
                Plant::DateEmpty => ("会议日期", DATE_COLUMN, Cell::Empty, PlantedKind::Rejection),
                Plant::UnknownAttendee => {
                    let mut names: Vec<String> = snapshot.cells[n][ATTENDEES_COLUMN]
                        .shown()
                        .split('、')
                        .map(str::to_string)
                        .collect();
                    let at = rng.random_range(0..=names.len());
                    names.insert(at, UNKNOWN_UNIT.to_string());
                    (
                        "参会单位",
                        ATTENDEES_COLUMN,
                        Cell::text(names.join("、")),
                        PlantedKind::Warning,
                    )
                }
            };
            output.plant(PlantedProblem {
                file: snapshot.file(world),
                sheet: SHEET.to_string(),
                row: excel_row(FIRST_DATA_ROW + u32::try_from(n)?),
                column: column.to_string(),
                value: cell.shown(),
                kind: severity,
            });
            snapshot.cells[n][at] = cell;
        }
    }
    Ok(())
}

fn write_snapshot(world: &World, output: &mut Output, snapshot: &Snapshot) -> anyhow::Result<()> {
    let roster = &world.roster;
    let headers: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    let width = u16::try_from(headers.len())?;
    let mut sheet = SheetBuilder::new(SHEET, "yyyy-mm-dd")?;
    office_title_lines(
        &mut sheet,
        world,
        &format!("{}重点项目联席会议记录", roster.county()),
        snapshot.month,
        snapshot.filed,
        width,
    )?;
    sheet.header(FIRST_DATA_ROW - 1, &headers)?;
    for (n, cells) in snapshot.cells.iter().enumerate() {
        sheet.row(FIRST_DATA_ROW + u32::try_from(n)?, cells)?;
    }
    let office = &roster.units[roster.office];
    let after = FIRST_DATA_ROW + u32::try_from(snapshot.cells.len())? + 1;
    sheet.info(
        after,
        0,
        &format!("填报人：{}    联系电话：{}", office.clerk, office.phone),
    )?;
    output.save(
        &snapshot.file(world),
        vec![sheet.finish(FIRST_DATA_ROW)?],
        &roster.office_formal,
        snapshot.filed,
    )
}
