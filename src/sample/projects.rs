//! The projects: fixed facts plus a timeline of dated events (listing, 储备, 前期, 赋码,
//! 评审, 批复, 开工, 竣工). A ledger of any month shows the events up to its cutoff, so stages
//! move forward consistently with the dates, month after month.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;

use super::days::{add_days, add_months, end_of_month, month_end, month_start, ymd};
use super::names::{self, Board};
use super::roster::{Roster, WeightedUnits};
use super::{day_between, pick, SampleParams, SampleRng};

/// 项目阶段, in the order projects move through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Idea,
    Reserve,
    Preliminary,
    Building,
    Completed,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Idea => "谋划",
            Stage::Reserve => "储备",
            Stage::Preliminary => "前期",
            Stage::Building => "在建",
            Stage::Completed => "竣工",
        }
    }
}

pub struct Project {
    pub name: String,
    /// Lead unit (index into the config's units).
    pub lead: usize,
    /// 属地乡镇 (index into the config's units).
    pub town: Option<usize>,
    /// 包联领导 (index into the roster's leaders).
    pub leader: Option<usize>,
    /// Whether rows name the leader while the project is still 谋划/储备.
    pub leader_named_early: bool,
    pub board: Board,
    pub investor: String,
    pub site: String,
    pub content: String,
    /// 总投资, 万元.
    pub total: f64,
    /// 年度计划投资, 万元 (none for projects with no work planned this year).
    pub annual_plan: Option<f64>,
    /// 本年完成投资 at the end of each month, 万元, non-decreasing.
    pub cumulative: [f64; 12],
    pub attracted: bool,
    /// 项目代码 after the year: "-140428-47-01-012345".
    code_tail: String,
    pub listed: NaiveDate,
    pub reserve: Option<NaiveDate>,
    pub preliminary: Option<NaiveDate>,
    pub coded: Option<NaiveDate>,
    pub reviewed: Option<NaiveDate>,
    pub approved: Option<NaiveDate>,
    /// 前期工作计划完成日期.
    pub prelim_plan: NaiveDate,
    pub planned_start: NaiveDate,
    pub planned_completion: NaiveDate,
    pub started: Option<NaiveDate>,
    pub completed: Option<NaiveDate>,
}

/// The event date if it happened by `as_of`.
pub fn by(date: Option<NaiveDate>, as_of: NaiveDate) -> Option<NaiveDate> {
    date.filter(|d| *d <= as_of)
}

impl Project {
    pub fn stage(&self, as_of: NaiveDate) -> Stage {
        if by(self.completed, as_of).is_some() {
            Stage::Completed
        } else if by(self.started, as_of).is_some() {
            Stage::Building
        } else if by(self.preliminary, as_of).is_some() {
            Stage::Preliminary
        } else if by(self.reserve, as_of).is_some() {
            Stage::Reserve
        } else {
            Stage::Idea
        }
    }

    pub fn is_listed(&self, as_of: NaiveDate) -> bool {
        self.listed <= as_of
    }

    /// 前期 or 在建: the projects leaders and heads must visit.
    pub fn is_active(&self, as_of: NaiveDate) -> bool {
        matches!(self.stage(as_of), Stage::Preliminary | Stage::Building)
    }

    /// The days of `from..=to` on which the project is active, if any.
    pub fn active_span(&self, from: NaiveDate, to: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let begin = self.preliminary?.max(from);
        let end = match self.completed {
            Some(done) => to.min(add_days(done, -1)),
            None => to,
        };
        (begin <= end).then_some((begin, end))
    }

    /// The national project code once 赋码 has happened.
    pub fn code(&self, as_of: NaiveDate) -> Option<String> {
        by(self.coded, as_of).map(|d| format!("{}{}", d.year(), self.code_tail))
    }

    /// Share of the planned build time elapsed on `as_of` (for 形象进度).
    pub fn build_share(&self, as_of: NaiveDate) -> f64 {
        let Some(start) = self.started else {
            return 0.0;
        };
        let planned = (self.planned_completion - start).num_days().max(30) as f64;
        ((as_of - start).num_days() as f64 / planned).clamp(0.0, 1.0)
    }

    /// 本年完成投资 as of the end of `month` of the reporting year.
    pub fn done_by_month(&self, month: u32) -> f64 {
        self.cumulative[(month as usize).clamp(1, 12) - 1]
    }
}

/// The dated events of one project.
struct Timeline {
    listed: NaiveDate,
    reserve: Option<NaiveDate>,
    preliminary: Option<NaiveDate>,
    coded: Option<NaiveDate>,
    reviewed: Option<NaiveDate>,
    approved: Option<NaiveDate>,
    prelim_plan: NaiveDate,
    planned_start: NaiveDate,
    planned_completion: NaiveDate,
    started: Option<NaiveDate>,
    completed: Option<NaiveDate>,
}

/// Where a project stands when the year begins, or a pinned scenario the sample must show.
#[derive(Debug, Clone, Copy)]
enum Class {
    /// Under construction since 2024/2025.
    Building,
    /// In preliminary work, due to start this year.
    Preliminary,
    Reserve,
    Idea,
    /// Added to the library during the year.
    NewlyListed,
    /// Planned to start last year and still not started.
    UnstartedSinceLastYear,
    /// Planned to start last spring, started late last summer.
    StartedLateLastYear,
    /// Due for completion mid-year, completed in September.
    CompletedLate,
    /// Due for completion in October, completed in August.
    CompletedEarly,
}

/// Scenarios every generated set includes, on its first projects.
const PINNED: [Class; 4] = [
    Class::UnstartedSinceLastYear,
    Class::StartedLateLastYear,
    Class::CompletedLate,
    Class::CompletedEarly,
];

pub fn generate(params: &SampleParams, roster: &Roster, rng: &mut SampleRng) -> Vec<Project> {
    let weighted = WeightedUnits::new(roster);
    // Every unit that may lead gets one project first; the rest follow the weights.
    let mut leads: Vec<usize> = weighted
        .eligible()
        .iter()
        .copied()
        .take(params.projects)
        .collect();
    while leads.len() < params.projects {
        match weighted.draw(rng) {
            Some(unit) => leads.push(unit),
            None => break,
        }
    }
    leads.shuffle(rng);
    let serial_offset: u64 = rng.random_range(0..100_000);
    let mut taken_names = BTreeSet::new();
    // A unit's first project is in the library from the start, so every lead unit reports
    // from January on.
    let mut listed_early = vec![false; roster.units.len()];
    leads
        .iter()
        .enumerate()
        .map(|(index, &lead)| {
            let class = match PINNED
                .get(index)
                .copied()
                .unwrap_or_else(|| random_class(rng))
            {
                Class::NewlyListed if !listed_early[lead] => Class::Preliminary,
                class => class,
            };
            listed_early[lead] |= !matches!(class, Class::NewlyListed);
            let serial = (index as u64 * 7919 + serial_offset) % 100_000;
            project(params, roster, rng, lead, class, serial, &mut taken_names)
        })
        .collect()
}

fn random_class(rng: &mut SampleRng) -> Class {
    match rng.random_range(0..100) {
        0..12 => Class::Building,
        12..57 => Class::Preliminary,
        57..77 => Class::Reserve,
        77..90 => Class::Idea,
        _ => Class::NewlyListed,
    }
}

fn project(
    params: &SampleParams,
    roster: &Roster,
    rng: &mut SampleRng,
    lead: usize,
    class: Class,
    serial: u64,
    taken_names: &mut BTreeSet<String>,
) -> Project {
    let county = roster.county();
    let lead_unit = &roster.units[lead];
    let board = board_for(rng, &lead_unit.name, lead_unit.is_town);
    let town = if lead_unit.is_town {
        Some(lead)
    } else if roster.towns.is_empty() {
        None
    } else {
        Some(pick(rng, &roster.towns))
    };
    let place = town.map_or_else(|| "县城".to_string(), |t| roster.units[t].name.clone());
    let described = names::describe_project(rng, board, county, &place);
    let name = unique_name(taken_names, described.name);
    let investor = match &described.company {
        Some(company) => names::enterprise(rng, county, company),
        None => match town {
            Some(t) if rng.random_bool(0.3) => format!("{}人民政府", roster.units[t].name),
            _ if rng.random_bool(0.2) => format!("{county}城市建设投资有限公司"),
            _ => format!("{county}{}", names::agency(&name)),
        },
    };
    let site = names::site(rng, town.map(|t| roster.units[t].name.as_str()));
    let raw_total = log_uniform(rng, 500.0, 200_000.0);
    let total = round_money(rng, raw_total);
    let timeline = timeline(params, rng, class, total < 5000.0);
    let annual_plan = annual_plan(params.year, rng, &timeline, total);
    let cumulative = cumulative(params.year, rng, &timeline, annual_plan);
    let attracted = rng.random_bool(match board {
        Board::Industry => 0.7,
        Board::Innovation => 0.5,
        _ => 0.05,
    });
    let industry = pick(rng, board.industry_codes());
    let approval_kind = match board {
        Board::Infrastructure | Board::Livelihood => "01",
        _ if rng.random_bool(0.15) => "02",
        _ => "03",
    };
    let check_digit = serial.to_string().bytes().map(u64::from).sum::<u64>() % 10;
    let code_tail = format!(
        "-{}-{industry}-{approval_kind}-{serial:05}{check_digit}",
        roster.region_code
    );
    let leader = (!roster.leaders.is_empty()).then(|| rng.random_range(0..roster.leaders.len()));
    Project {
        name,
        lead,
        town,
        leader,
        leader_named_early: rng.random_bool(0.8),
        board,
        investor,
        site,
        content: described.content,
        total,
        annual_plan,
        cumulative,
        attracted,
        code_tail,
        listed: timeline.listed,
        reserve: timeline.reserve,
        preliminary: timeline.preliminary,
        coded: timeline.coded,
        reviewed: timeline.reviewed,
        approved: timeline.approved,
        prelim_plan: timeline.prelim_plan,
        planned_start: timeline.planned_start,
        planned_completion: timeline.planned_completion,
        started: timeline.started,
        completed: timeline.completed,
    }
}

/// The board a unit's project most likely belongs to.
fn board_for(rng: &mut SampleRng, unit: &str, is_town: bool) -> Board {
    // Weights for 产业转型, 基础设施, 社会民生, 科技创新.
    let weights: [u32; 4] = if is_town {
        [35, 30, 25, 10]
    } else if unit.contains("开发区") || unit.contains("工信") || unit.contains("招商") {
        [60, 5, 0, 35]
    } else if unit.contains("住建") || unit.contains("自然资源") || unit.contains("生态") {
        [0, 70, 30, 0]
    } else if unit.contains("应急") || unit.contains("政府办") || unit.contains("财政") {
        [0, 40, 60, 0]
    } else {
        [30, 25, 25, 20]
    };
    let boards = [
        Board::Industry,
        Board::Infrastructure,
        Board::Livelihood,
        Board::Innovation,
    ];
    let mut x = rng.random_range(0..weights.iter().sum::<u32>());
    for (board, weight) in boards.iter().zip(weights) {
        if x < weight {
            return *board;
        }
        x -= weight;
    }
    Board::Industry
}

/// Names identify projects within a unit, so a repeated name becomes a later phase.
pub fn unique_name(taken: &mut BTreeSet<String>, name: String) -> String {
    const PHASES: [&str; 8] = ["二", "三", "四", "五", "六", "七", "八", "九"];
    if taken.insert(name.clone()) {
        return name;
    }
    let mut phase = 0usize;
    loop {
        let label = PHASES
            .get(phase)
            .map_or_else(|| (phase + 2).to_string(), |p| p.to_string());
        let candidate = format!("{name}（{label}期）");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        phase += 1;
    }
}

pub fn log_uniform(rng: &mut SampleRng, low: f64, high: f64) -> f64 {
    (rng.random_range(low.ln()..high.ln())).exp()
}

/// Amounts as offices state them: round tens, fifties or hundreds, now and then two decimals.
fn round_money(rng: &mut SampleRng, value: f64) -> f64 {
    if rng.random_bool(0.06) {
        return (value * 100.0).round() / 100.0;
    }
    let step = if value < 2000.0 {
        10.0
    } else if value < 20000.0 {
        50.0
    } else {
        100.0
    };
    ((value / step).round() * step).max(step)
}

fn days_in(rng: &mut SampleRng, low: i64, high: i64) -> i64 {
    rng.random_range(low..=high)
}

/// A planned date: mostly the end of a month, as plans are written.
fn plan_date(rng: &mut SampleRng, date: NaiveDate) -> NaiveDate {
    if rng.random_bool(0.7) {
        end_of_month(date)
    } else {
        date
    }
}

fn timeline(params: &SampleParams, rng: &mut SampleRng, class: Class, small: bool) -> Timeline {
    let y = params.year;
    let mut t = match class {
        Class::Building => building(rng, y),
        Class::Preliminary => preliminary(rng, y, small),
        Class::Reserve => reserve(rng, y),
        Class::Idea => {
            let listed = day_between(rng, ymd(y - 1, 3, 1), ymd(y - 1, 12, 31));
            idea(rng, y, listed)
        }
        Class::NewlyListed => {
            let months: Vec<u32> = (2..=params.months)
                .filter(|&m| month_start(y, m) <= params.now)
                .collect();
            let listed = if months.is_empty() {
                day_between(rng, ymd(y - 1, 3, 1), ymd(y - 1, 12, 31))
            } else {
                let m = pick(rng, &months);
                day_between(rng, month_start(y, m), month_end(y, m).min(params.now))
            };
            idea(rng, y, listed)
        }
        Class::UnstartedSinceLastYear => Timeline {
            listed: ymd(y - 2, 6, 20),
            reserve: Some(ymd(y - 2, 10, 15)),
            preliminary: Some(ymd(y - 1, 3, 10)),
            coded: Some(ymd(y - 1, 4, 18)),
            reviewed: Some(ymd(y - 1, 7, 22)),
            approved: None,
            prelim_plan: ymd(y - 1, 8, 31),
            planned_start: ymd(y - 1, 9, 30),
            planned_completion: ymd(y + 1, 6, 30),
            started: None,
            completed: None,
        },
        Class::StartedLateLastYear => Timeline {
            listed: ymd(y - 2, 3, 1),
            reserve: Some(ymd(y - 2, 5, 10)),
            preliminary: Some(ymd(y - 2, 10, 20)),
            coded: Some(ymd(y - 2, 11, 5)),
            reviewed: Some(ymd(y - 1, 2, 20)),
            approved: Some(ymd(y - 1, 5, 26)),
            prelim_plan: ymd(y - 1, 3, 31),
            planned_start: ymd(y - 1, 4, 30),
            planned_completion: ymd(y, 12, 31),
            started: Some(ymd(y - 1, 8, 12)),
            completed: None,
        },
        Class::CompletedLate => Timeline {
            listed: ymd(y - 3, 9, 1),
            reserve: Some(ymd(y - 3, 11, 10)),
            preliminary: Some(ymd(y - 2, 4, 2)),
            coded: Some(ymd(y - 2, 4, 20)),
            reviewed: Some(ymd(y - 2, 9, 12)),
            approved: Some(ymd(y - 2, 11, 30)),
            prelim_plan: ymd(y - 2, 11, 30),
            planned_start: ymd(y - 1, 3, 31),
            planned_completion: ymd(y, 6, 30),
            started: Some(ymd(y - 1, 3, 18)),
            completed: Some(ymd(y, 9, 15)),
        },
        Class::CompletedEarly => Timeline {
            listed: ymd(y - 2, 8, 1),
            reserve: Some(ymd(y - 2, 12, 1)),
            preliminary: Some(ymd(y - 1, 1, 10)),
            coded: Some(ymd(y - 1, 1, 20)),
            reviewed: Some(ymd(y - 1, 3, 25)),
            approved: Some(ymd(y - 1, 4, 28)),
            prelim_plan: ymd(y - 1, 4, 30),
            planned_start: ymd(y - 1, 5, 31),
            planned_completion: ymd(y, 10, 31),
            started: Some(ymd(y - 1, 5, 20)),
            completed: Some(ymd(y, 8, 20)),
        },
    };
    settle(&mut t);
    t
}

/// Under construction since 2024/2025; some due this year, a few finish.
fn building(rng: &mut SampleRng, y: i32) -> Timeline {
    let started = day_between(rng, ymd(y - 2, 3, 1), ymd(y - 1, 11, 30));
    // On time (planned on or after the start) or started late.
    let offset = if rng.random_bool(0.85) {
        days_in(rng, 0, 30)
    } else {
        -days_in(rng, 15, 120)
    };
    let planned_start = plan_date(rng, add_days(started, offset));
    let mut planned_completion = end_of_month(add_months(started, rng.random_range(12..=30)));
    if planned_completion < ymd(y, 3, 31) {
        planned_completion = month_end(y, rng.random_range(3..=12));
    }
    let completed = if planned_completion.year() == y {
        match rng.random_range(0..100) {
            0..70 => Some(add_days(planned_completion, -days_in(rng, 0, 40))),
            70..88 => Some(add_days(planned_completion, days_in(rng, 15, 100))),
            _ => None,
        }
        .map(|d| d.max(ymd(y, 1, 20)))
    } else {
        None
    };
    let approved = add_days(started, -days_in(rng, 10, 90));
    let reviewed = add_days(approved, -days_in(rng, 7, 35));
    let coded = add_days(reviewed, -days_in(rng, 20, 120));
    let offset = days_in(rng, -30, 40);
    let prelim_plan = plan_date(rng, add_days(approved, offset));
    let preliminary = add_days(coded, -days_in(rng, 0, 60));
    let reserve = add_days(preliminary, -days_in(rng, 30, 200));
    Timeline {
        listed: add_days(reserve, -days_in(rng, 30, 200)),
        reserve: Some(reserve),
        preliminary: Some(preliminary),
        coded: Some(coded),
        reviewed: Some(reviewed),
        approved: Some(approved),
        prelim_plan,
        planned_start,
        planned_completion,
        started: Some(started),
        completed,
    }
}

/// In preliminary work since last year, planned to finish it and start this year.
fn preliminary(rng: &mut SampleRng, y: i32, small: bool) -> Timeline {
    let preliminary = day_between(rng, ymd(y - 1, 2, 1), ymd(y - 1, 12, 20));
    let reserve = add_days(preliminary, -days_in(rng, 30, 240));
    let prelim_plan = if rng.random_bool(0.08) {
        month_end(y - 1, rng.random_range(10..=12))
    } else {
        month_end(y, rng.random_range(1..=9))
    };
    let approved = match rng.random_range(0..100) {
        0..78 => Some(add_days(prelim_plan, -days_in(rng, 0, 45))),
        78..93 => Some(add_days(prelim_plan, days_in(rng, 1, 100))),
        _ => None,
    }
    .map(|a| a.max(add_days(preliminary, 40)));
    let (coded, reviewed) = match approved {
        Some(approved) => {
            let reviewed = add_days(approved, -days_in(rng, 7, 30));
            let coded = add_days(preliminary, days_in(rng, 0, 90))
                .min(add_days(reviewed, -days_in(rng, 10, 40)))
                .max(preliminary);
            (Some(coded), Some(reviewed.max(add_days(coded, 5))))
        }
        None => {
            let coded = add_days(preliminary, days_in(rng, 10, 200));
            let reviewed = rng
                .random_bool(0.5)
                .then(|| add_days(coded, days_in(rng, 20, 90)));
            (Some(coded), reviewed)
        }
    };
    let approved = approved.map(|a| reviewed.map_or(a, |r| a.max(add_days(r, 3))));
    let planned_start = end_of_month(add_days(prelim_plan, days_in(rng, 15, 75)));
    let started = approved.and_then(|approved| {
        let start = match rng.random_range(0..100) {
            0..78 => Some(add_days(planned_start, -days_in(rng, 0, 25))),
            78..94 => Some(add_days(planned_start, days_in(rng, 1, 120))),
            _ => None,
        };
        start.map(|s| s.max(add_days(approved, days_in(rng, 3, 14))))
    });
    let planned_completion = end_of_month(add_months(planned_start, rng.random_range(8..=30)));
    let completed = match started {
        Some(s) if small && planned_completion.year() == y && rng.random_bool(0.5) => {
            Some(add_days(planned_completion, days_in(rng, -30, 60)).max(add_days(s, 60)))
        }
        _ => None,
    };
    Timeline {
        listed: add_days(reserve, -days_in(rng, 30, 300)),
        reserve: Some(reserve),
        preliminary: Some(preliminary),
        coded,
        reviewed,
        approved,
        prelim_plan,
        planned_start,
        planned_completion,
        started,
        completed,
    }
}

/// In the reserve since last year; some enter preliminary work this year.
fn reserve(rng: &mut SampleRng, y: i32) -> Timeline {
    let reserve = day_between(rng, ymd(y - 1, 1, 1), ymd(y - 1, 12, 31));
    let preliminary = rng
        .random_bool(0.65)
        .then(|| day_between(rng, ymd(y, 2, 1), ymd(y, 9, 30)));
    let coded = preliminary.map(|p| add_days(p, days_in(rng, 0, 60)));
    let reviewed = coded
        .filter(|_| rng.random_bool(0.6))
        .map(|c| add_days(c, days_in(rng, 20, 90)));
    let approved = reviewed
        .filter(|_| rng.random_bool(0.5))
        .map(|r| add_days(r, days_in(rng, 10, 40)));
    let prelim_plan = end_of_month(day_between(rng, ymd(y, 6, 1), ymd(y + 1, 6, 30)));
    let planned_start = end_of_month(add_days(prelim_plan, days_in(rng, 30, 120)));
    let started = approved
        .filter(|_| rng.random_bool(0.4))
        .map(|a| add_days(a, days_in(rng, 15, 60)));
    Timeline {
        listed: add_days(reserve, -days_in(rng, 30, 300)),
        reserve: Some(reserve),
        preliminary,
        coded,
        reviewed,
        approved,
        prelim_plan,
        planned_start,
        planned_completion: end_of_month(add_months(planned_start, rng.random_range(10..=30))),
        started,
        completed: None,
    }
}

/// Still being conceived (谋划); some reach the reserve this year.
fn idea(rng: &mut SampleRng, y: i32, listed: NaiveDate) -> Timeline {
    let reserve = rng
        .random_bool(0.4)
        .then(|| add_days(listed.max(ymd(y, 1, 15)), days_in(rng, 30, 150)));
    let prelim_plan = month_end(y + 1, rng.random_range(3..=12));
    let planned_start = end_of_month(add_days(prelim_plan, days_in(rng, 30, 120)));
    Timeline {
        listed,
        reserve,
        preliminary: None,
        coded: None,
        reviewed: None,
        approved: None,
        prelim_plan,
        planned_start,
        planned_completion: end_of_month(add_months(planned_start, rng.random_range(12..=36))),
        started: None,
        completed: None,
    }
}

/// Make the stage dates nest: listed ≤ 储备 ≤ 前期 ≤ 开工 < 竣工.
fn settle(t: &mut Timeline) {
    if let Some(started) = t.started {
        t.preliminary = Some(t.preliminary.map_or(started, |p| p.min(started)));
        t.approved = t.approved.map(|a| a.min(started));
    }
    if let Some(preliminary) = t.preliminary {
        t.reserve = Some(t.reserve.map_or(preliminary, |r| r.min(preliminary)));
    }
    if let Some(reserve) = t.reserve {
        t.listed = t.listed.min(reserve);
    }
    if let (Some(started), Some(completed)) = (t.started, t.completed) {
        if completed <= started {
            t.completed = Some(add_days(started, 90));
        }
    }
}

/// 年度计划投资: what the year's plan allots to the project, if anything.
fn annual_plan(y: i32, rng: &mut SampleRng, t: &Timeline, total: f64) -> Option<f64> {
    let builds_from = t.started.unwrap_or(t.planned_start);
    let finished_before = t.completed.is_some_and(|c| c.year() < y);
    let share = if finished_before || builds_from.year() > y {
        // Projects not building this year sometimes budget their preliminary work.
        rng.random_bool(0.2).then(|| rng.random_range(0.01..0.05))
    } else if builds_from.year() < y {
        let due_this_year = t.planned_completion.year() <= y;
        Some(if due_this_year {
            rng.random_range(0.4..0.8)
        } else {
            rng.random_range(0.25..0.6)
        })
    } else {
        let months_left = f64::from(13 - builds_from.month()) / 12.0;
        Some((rng.random_range(0.15..0.45) * months_left).max(0.05))
    };
    share.map(|s| {
        let plan = total * s;
        if plan >= 1000.0 {
            (plan / 10.0).round() * 10.0
        } else {
            plan.round().max(1.0)
        }
    })
}

/// 本年完成投资 month by month: nothing before the start, a winter lull, a target around the
/// plan (some projects lag badly, a few overshoot), nothing more after completion.
fn cumulative(y: i32, rng: &mut SampleRng, t: &Timeline, plan: Option<f64>) -> [f64; 12] {
    let mut months = [0.0; 12];
    let Some(plan) = plan else { return months };
    let first = match t.started {
        Some(s) if s.year() < y => 1,
        Some(s) if s.year() == y => s.month(),
        _ => return months,
    };
    let last = match t.completed {
        Some(c) if c.year() == y => c.month(),
        Some(c) if c.year() < y => return months,
        _ => 12,
    };
    let completes = t.completed.is_some_and(|c| c.year() == y);
    let achievement = if completes {
        rng.random_range(0.9..1.1)
    } else {
        match rng.random_range(0..100) {
            0..70 => rng.random_range(0.75..1.15),
            70..90 => rng.random_range(0.3..0.7),
            _ => rng.random_range(1.15..1.5),
        }
    };
    const SEASON: [f64; 12] = [0.4, 0.3, 0.8, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.9];
    let mut weights = [0.0; 12];
    for month in first..=last.max(first) {
        let mut w = rng.random_range(0.6..1.4) * SEASON[month as usize - 1];
        if let Some(s) = t.started.filter(|s| s.year() == y && s.month() == month) {
            let length = f64::from(month_end(y, month).day());
            w *= (length - f64::from(s.day()) + 1.0) / length;
        }
        weights[month as usize - 1] = w;
    }
    let total_weight: f64 = weights.iter().sum();
    let target = plan * achievement;
    let mut running = 0.0;
    for (month, weight) in weights.iter().enumerate() {
        running += weight;
        months[month] = (target * running / total_weight * 10.0).round() / 10.0;
    }
    months
}
