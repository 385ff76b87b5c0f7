//! 招商引资 (SPEC §1 second wave, §7 快速落地): the attracted-investment projects of the
//! county's investment-promotion center, the development zone and a few townships. Each files a
//! monthly snapshot listing every project it has brought in, in its state as of the snapshot's
//! 填报日期: talks (前期) → joint evaluation (评估) → signing (签约) → hand-over to the 承接单位 →
//! start of construction (落地). A few pinned projects break the rules the office checks.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rand::Rng;

use super::book::{excel_row, Cell, Output, SheetBuilder};
use super::days::{self, add_days, add_workdays, ymd};
use super::names;
use super::office::window_end;
use super::projects::{by, log_uniform, unique_name};
use super::{
    day_between, next_month, period_label, pick, planted_count, stream, take_positions,
    workday_between, PlantedKind, PlantedProblem, SampleRng, Stream, World,
};

/// 阶段 as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Talks,
    Evaluation,
    Signed,
    Landed,
}

impl Phase {
    /// The canonical value, or the alias a unit used to typing ("在谈", "已签约").
    fn label(self, aliases: bool) -> &'static str {
        match (self, aliases) {
            (Phase::Talks, false) => "前期",
            (Phase::Talks, true) => "在谈",
            (Phase::Evaluation, false) => "评估",
            (Phase::Evaluation, true) => "论证",
            (Phase::Signed, false) => "签约",
            (Phase::Signed, true) => "已签约",
            (Phase::Landed, false) => "落地",
            (Phase::Landed, true) => "已落地",
        }
    }
}

/// Projects the sample must show (SPEC §7), beside the random ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pin {
    None,
    /// Signed without any joint evaluation (先评估后签约 broken).
    NoEvaluation,
    /// Evaluated only after it was signed.
    EvaluatedAfterSigning,
    /// Signed on 28 September: the hand-over deadline crosses the National Day holiday, and the
    /// hand-over is on time only when the holiday is counted.
    BeforeNationalDay,
    /// Started, but the unit never moved its 阶段 past 签约 (a stage the dates contradict).
    StageLags,
    /// Signed and handed over last year, started this year.
    SignedLastYear,
}

const PINS: [Pin; 5] = [
    Pin::NoEvaluation,
    Pin::EvaluatedAfterSigning,
    Pin::BeforeNationalDay,
    Pin::StageLags,
    Pin::SignedLastYear,
];

struct Investment {
    name: String,
    /// 招商单位 (index into the config's units): the unit that brought it in and files it.
    unit: usize,
    /// 投资方.
    investor: String,
    /// When talks began: from then on the project is listed.
    listed: NaiveDate,
    evaluated: Option<NaiveDate>,
    signed: Option<NaiveDate>,
    /// 协议投资额, 万元 (shown once signed).
    amount: f64,
    handed_over: Option<NaiveDate>,
    /// 承接单位 (shown once signed).
    receiver: usize,
    started: Option<NaiveDate>,
    /// 评估维度 (shown once evaluated).
    dimensions: String,
    pin: Pin,
}

impl Investment {
    fn phase(&self, as_of: NaiveDate) -> Phase {
        if by(self.started, as_of).is_some() && self.pin != Pin::StageLags {
            Phase::Landed
        } else if by(self.signed, as_of).is_some() {
            Phase::Signed
        } else if by(self.evaluated, as_of).is_some() {
            Phase::Evaluation
        } else {
            Phase::Talks
        }
    }
}

/// The units that bring in investment, each with its share of the projects and whether it
/// writes 阶段 with the aliases.
struct Submitter {
    unit: usize,
    weight: f64,
    aliases: bool,
}

/// The investment-promotion center (in synthetic sets a department drawn for it), the
/// development zone (or a second department) and up to three townships.
fn submitters(world: &World, rng: &mut SampleRng) -> Vec<Submitter> {
    let roster = &world.roster;
    let units = &roster.config.units;
    let named = |keyword: &str| {
        units
            .iter()
            .position(|u| u.name.contains(keyword) || u.aliases.iter().any(|a| a.contains(keyword)))
    };
    let departments: Vec<usize> = (0..units.len())
        .filter(|&u| !roster.units[u].is_town && u != roster.office && u != roster.gov_office)
        .collect();
    let center = named("招商中心")
        .or_else(|| (!departments.is_empty()).then(|| pick(rng, &departments)))
        .unwrap_or(roster.office);
    let others: Vec<usize> = departments
        .iter()
        .copied()
        .filter(|&u| u != center)
        .collect();
    let zone = named("开发区")
        .filter(|&u| u != center)
        .or_else(|| (!others.is_empty()).then(|| pick(rng, &others)));
    let mut towns = roster.towns.clone();
    let mut chosen = Vec::new();
    while chosen.len() < 3 && !towns.is_empty() {
        let at = rng.random_range(0..towns.len());
        chosen.push(towns.remove(at));
    }
    chosen.sort_unstable();
    let mut out = vec![Submitter {
        unit: center,
        weight: 45.0,
        aliases: false,
    }];
    if let Some(zone) = zone {
        out.push(Submitter {
            unit: zone,
            weight: 25.0,
            aliases: false,
        });
    }
    let town_weight = 30.0 / chosen.len().max(1) as f64;
    for (i, town) in chosen.into_iter().enumerate() {
        out.push(Submitter {
            unit: town,
            weight: town_weight,
            // The first township always types the aliases, so the sample holds them.
            aliases: i == 0 || rng.random_bool(0.25),
        });
    }
    out
}

/// A submitter index drawn by weight.
fn draw_submitter(rng: &mut SampleRng, submitters: &[Submitter]) -> usize {
    let total: f64 = submitters.iter().map(|s| s.weight).sum();
    let mut x = rng.random_range(0.0..total);
    for (i, s) in submitters.iter().enumerate() {
        if x < s.weight {
            return i;
        }
        x -= s.weight;
    }
    submitters.len() - 1
}

/// The 承接单位 of a project brought in by `unit`: a township its own projects, otherwise
/// mostly the development zone, else a township.
fn receiver(world: &World, rng: &mut SampleRng, unit: usize, zone: Option<usize>) -> usize {
    let towns = &world.roster.towns;
    if world.roster.units[unit].is_town && rng.random_bool(0.7) {
        return unit;
    }
    match zone {
        Some(zone) if zone == unit || rng.random_bool(0.55) => zone,
        _ if !towns.is_empty() => pick(rng, towns),
        _ => unit,
    }
}

/// A working day on or after `date`.
fn workday_from(date: NaiveDate) -> NaiveDate {
    if days::is_workday(date) {
        date
    } else {
        add_workdays(date, 1)
    }
}

/// About one project in five of the county's: 30 for the committed sample.
fn project_count(world: &World) -> usize {
    match world.params.projects {
        0 => 0,
        n => (n / 5).max(PINS.len() + 3),
    }
}

fn draw_investments(
    world: &World,
    rng: &mut SampleRng,
    submitters: &[Submitter],
) -> Vec<Investment> {
    let year = world.year();
    let county = world.roster.county().to_string();
    let end = window_end(world);
    let first = ymd(year - 1, 3, 1);
    let last_listing = add_days(end, -10).max(first);
    let zone = submitters.get(1).map(|s| s.unit);
    // Pinned projects go to fixed submitters: the center, the zone and the townships.
    let pinned_submitter = |pin: Pin| match pin {
        Pin::NoEvaluation | Pin::BeforeNationalDay => 0,
        Pin::StageLags => 1 % submitters.len(),
        Pin::EvaluatedAfterSigning => 2 % submitters.len(),
        Pin::SignedLastYear | Pin::None => 3 % submitters.len(),
    };
    let mut taken = BTreeSet::new();
    let mut out = Vec::new();
    for index in 0..project_count(world) {
        let pin = PINS.get(index).copied().unwrap_or(Pin::None);
        let submitter = match pin {
            Pin::None => draw_submitter(rng, submitters),
            pinned => pinned_submitter(pinned),
        };
        let unit = submitters[submitter].unit;
        let (name, company) = names::investment_project(rng, &county);
        let name = unique_name(&mut taken, name);
        let investor = names::enterprise(rng, &county, &company);
        let amount = (log_uniform(rng, 2000.0, 150_000.0) / 100.0).round() * 100.0;
        let receiver = receiver(world, rng, unit, zone);
        let dimensions = names::evaluation_dimensions(rng);
        let (listed, evaluated, signed, handed_over, started) = match pin {
            Pin::NoEvaluation => {
                let signed = workday_from(ymd(year, 4, 16));
                (
                    ymd(year, 1, 20),
                    None,
                    Some(signed),
                    Some(add_workdays(signed, 8)),
                    Some(ymd(year, 8, 18)),
                )
            }
            Pin::EvaluatedAfterSigning => {
                let signed = workday_from(ymd(year, 5, 20));
                (
                    ymd(year, 2, 10),
                    Some(workday_from(ymd(year, 6, 3))),
                    Some(signed),
                    Some(add_workdays(signed, 12)),
                    None,
                )
            }
            Pin::BeforeNationalDay => {
                // Handed over on the last working day but one of the deadline: with the
                // default 10, 2026-09-28 + 9 working days = 10-15, in time only because
                // 10-01..10-07 are off and 10-10 is worked.
                let signed = ymd(year, 9, 28);
                let allowed = world.roster.config.handover_working_days.max(2);
                (
                    ymd(year, 6, 15),
                    Some(workday_from(ymd(year, 9, 10))),
                    Some(signed),
                    Some(add_workdays(signed, allowed - 1)),
                    None,
                )
            }
            Pin::StageLags => {
                let signed = workday_from(ymd(year, 3, 10));
                (
                    ymd(year - 1, 10, 20),
                    Some(workday_from(ymd(year - 1, 12, 8))),
                    Some(signed),
                    Some(add_workdays(signed, 7)),
                    Some(ymd(year, 7, 6)),
                )
            }
            Pin::SignedLastYear => {
                let signed = workday_from(ymd(year - 1, 11, 18));
                (
                    ymd(year - 1, 5, 12),
                    Some(workday_from(ymd(year - 1, 8, 20))),
                    Some(signed),
                    Some(add_workdays(signed, 6)),
                    Some(ymd(year, 3, 23)),
                )
            }
            Pin::None => {
                let listed = day_between(rng, first, last_listing);
                let evaluated = workday_between(rng, add_days(listed, 15), add_days(listed, 75));
                let signed = rng
                    .random_bool(0.8)
                    .then(|| workday_between(rng, add_days(evaluated, 7), add_days(evaluated, 60)));
                let handed_over = signed.and_then(|s| match rng.random_range(0..100) {
                    0..80 => Some(add_workdays(s, rng.random_range(5..=15))),
                    80..90 => Some(add_workdays(s, rng.random_range(16..=40))),
                    _ => None,
                });
                let started = signed.filter(|_| rng.random_bool(0.7)).map(|s| {
                    let base = handed_over.unwrap_or(s);
                    day_between(rng, add_days(base, 10), add_days(base, 150))
                });
                (listed, Some(evaluated), signed, handed_over, started)
            }
        };
        out.push(Investment {
            name,
            unit,
            investor,
            listed,
            evaluated,
            signed,
            amount,
            handed_over,
            receiver,
            started,
            dimensions,
            pin,
        });
    }
    // A unit lists its projects in the order talks began.
    out.sort_by_key(|p| p.listed);
    out
}

/// When a unit files the snapshot of `month`: a working day from the 1st to the due day of the
/// next month (in the last days of the month when a holiday covers those), or `now` for the
/// last month if that is earlier. `None` when the snapshot had not been filed by `now`.
fn filing_date(world: &World, rng: &mut SampleRng, month: u32) -> Option<NaiveDate> {
    let params = world.params;
    let year = world.year();
    let due_day = world.roster.config.due_day.clamp(1, 28);
    let (next_year, next) = next_month(year, month);
    let on_time = days::workdays_between(ymd(next_year, next, 1), ymd(next_year, next, due_day));
    let drawn = if on_time.is_empty() {
        let end = days::month_end(year, month);
        workday_between(rng, add_days(end, -3), end)
    } else {
        pick(rng, &on_time)
    };
    if month == params.months {
        (days::month_start(year, month) <= params.now).then(|| drawn.min(params.now))
    } else {
        (drawn <= params.now).then_some(drawn)
    }
}

const HEADERS: [&str; 12] = [
    "序号",
    "项目名称",
    "招商单位",
    "投资方",
    "阶段",
    "评估论证日期",
    "签约日期",
    "协议投资额（万元）",
    "移交日期",
    "承接单位",
    "开工日期",
    "评估维度",
];
/// Columns of 招商单位 and 阶段 in [`HEADERS`], where planted rows go wrong.
const UNIT_COLUMN: usize = 2;
const PHASE_COLUMN: usize = 4;

/// One unit's snapshot of one month, built before it is written so problems can be planted.
struct Snapshot {
    unit: usize,
    month: u32,
    filed: NaiveDate,
    /// The projects listed, with their 阶段 on the snapshot's cutoff.
    rows: Vec<(usize, Phase)>,
    cells: Vec<Vec<Cell>>,
    /// Whether a later snapshot of the same unit exists.
    superseded: bool,
}

impl Snapshot {
    fn file(&self, world: &World) -> String {
        format!(
            "{}/招商引资项目台账（{}年{}月）.xlsx",
            world.roster.units[self.unit].name,
            world.year(),
            self.month
        )
    }
}

/// Problems planted in 招商引资 rows (SPEC §1: both reject the row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plant {
    /// 阶段 "洽谈中": not a value or alias of the list (洽谈 and 在谈 are).
    PhaseUnknown,
    /// 招商单位 left empty.
    UnitEmpty,
}

const PLANTS: [Plant; 2] = [Plant::PhaseUnknown, Plant::UnitEmpty];

pub fn write_all(world: &World, output: &mut Output) -> anyhow::Result<()> {
    let params = world.params;
    let mut rng = stream(params.seed, Stream::Investments);
    if world.roster.units.is_empty() {
        return Ok(());
    }
    let submitters = submitters(world, &mut rng);
    let investments = draw_investments(world, &mut rng, &submitters);
    let mut snapshots = Vec::new();
    let mut by_unit: Vec<&Submitter> = submitters.iter().collect();
    by_unit.sort_by_key(|s| s.unit);
    for submitter in by_unit {
        let first = snapshots.len();
        for month in 1..=params.months {
            let Some(filed) = filing_date(world, &mut rng, month) else {
                continue;
            };
            let as_of = days::month_end(world.year(), month).min(filed);
            let rows: Vec<(usize, Phase)> = investments
                .iter()
                .enumerate()
                .filter(|(_, p)| p.unit == submitter.unit && p.listed <= as_of)
                .map(|(i, p)| (i, p.phase(as_of)))
                .collect();
            if rows.is_empty() {
                continue;
            }
            let cells = rows
                .iter()
                .enumerate()
                .map(|(n, &(i, phase))| {
                    row_cells(
                        world,
                        &investments[i],
                        phase,
                        submitter.aliases,
                        n + 1,
                        as_of,
                    )
                })
                .collect();
            snapshots.push(Snapshot {
                unit: submitter.unit,
                month,
                filed,
                rows,
                cells,
                superseded: true,
            });
        }
        if let Some(last) = snapshots[first..].last_mut() {
            last.superseded = false;
        }
    }
    plant(world, output, &investments, &mut snapshots)?;
    for snapshot in &snapshots {
        write_snapshot(world, output, snapshot)?;
    }
    Ok(())
}

fn row_cells(
    world: &World,
    project: &Investment,
    phase: Phase,
    aliases: bool,
    seq: usize,
    as_of: NaiveDate,
) -> Vec<Cell> {
    let units = &world.roster.units;
    let date = |d: Option<NaiveDate>| by(d, as_of).map_or(Cell::Empty, Cell::Date);
    let signed = by(project.signed, as_of).is_some();
    let evaluated = by(project.evaluated, as_of).is_some();
    vec![
        Cell::Number(seq as f64),
        Cell::text(&project.name),
        Cell::text(&units[project.unit].name),
        Cell::text(&project.investor),
        Cell::text(phase.label(aliases)),
        date(project.evaluated),
        date(project.signed),
        if signed {
            Cell::Number(project.amount)
        } else {
            Cell::Empty
        },
        date(project.handed_over),
        if signed {
            Cell::text(&units[project.receiver].name)
        } else {
            Cell::Empty
        },
        date(project.started),
        if evaluated {
            Cell::text(&project.dimensions)
        } else {
            Cell::Empty
        },
    ]
}

/// Plants each kind in rows of snapshots a later one supersedes (so the project's current
/// state stays readable), never in a pinned project's rows.
fn plant(
    world: &World,
    output: &mut Output,
    investments: &[Investment],
    snapshots: &mut [Snapshot],
) -> anyhow::Result<()> {
    let mut rng = stream(world.params.seed, Stream::InvestmentPlanting);
    let total: usize = snapshots.iter().map(|s| s.rows.len()).sum();
    let count = planted_count(total, world.params.error_rate, PLANTS.len());
    if count == 0 {
        return Ok(());
    }
    let any_superseded = snapshots.iter().any(|s| s.superseded);
    let mut candidates: Vec<(usize, usize)> = snapshots
        .iter()
        .enumerate()
        .filter(|(_, s)| s.superseded || !any_superseded)
        .flat_map(|(k, s)| {
            s.rows
                .iter()
                .enumerate()
                .filter(|(_, (i, _))| investments[*i].pin == Pin::None)
                .map(move |(n, _)| (k, n))
        })
        .collect();
    for kind in PLANTS {
        let fits = |(k, n): (usize, usize)| {
            kind != Plant::PhaseUnknown || snapshots[k].rows[n].1 == Phase::Talks
        };
        for (k, n) in take_positions(&mut rng, &mut candidates, count, fits) {
            let snapshot = &mut snapshots[k];
            let (column, at, cell) = match kind {
                Plant::PhaseUnknown => ("阶段", PHASE_COLUMN, Cell::text("洽谈中")),
                Plant::UnitEmpty => ("招商单位", UNIT_COLUMN, Cell::Empty),
            };
            output.plant(PlantedProblem {
                file: snapshot.file(world),
                sheet: SHEET.to_string(),
                row: excel_row(FIRST_DATA_ROW + u32::try_from(n)?),
                column: column.to_string(),
                value: cell.shown(),
                kind: PlantedKind::Rejection,
            });
            snapshot.cells[n][at] = cell;
        }
    }
    Ok(())
}

const SHEET: &str = "招商引资";
/// Title, the 填报单位 line, the header, then data (0-based row index).
const FIRST_DATA_ROW: u32 = 3;

fn write_snapshot(world: &World, output: &mut Output, snapshot: &Snapshot) -> anyhow::Result<()> {
    let info = &world.roster.units[snapshot.unit];
    let headers: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    let width = u16::try_from(headers.len())?;
    let mut sheet = SheetBuilder::new(SHEET, "yyyy-mm-dd")?;
    sheet.title(
        0,
        &format!("{}招商引资项目推进情况表", world.roster.county()),
        width,
    )?;
    sheet.info(
        1,
        0,
        &format!(
            "填报单位：{}    报告期：{}    填报日期：{}",
            info.formal,
            period_label(world.year(), snapshot.month),
            days::chinese(snapshot.filed)
        ),
    )?;
    sheet.header(FIRST_DATA_ROW - 1, &headers)?;
    for (n, cells) in snapshot.cells.iter().enumerate() {
        sheet.row(FIRST_DATA_ROW + u32::try_from(n)?, cells)?;
    }
    let after = FIRST_DATA_ROW + u32::try_from(snapshot.cells.len())? + 1;
    sheet.info(
        after,
        0,
        &format!("填报人：{}    联系电话：{}", info.clerk, info.phone),
    )?;
    output.save(
        &snapshot.file(world),
        vec![sheet.finish(FIRST_DATA_ROW)?],
        &info.name,
        snapshot.filed,
    )
}
