//! 现场调研 records: each lead unit's head visiting its active projects, and the county
//! leaders visiting the projects they lead (filed by 县政府办公室). Not every active project
//! is visited every month, and a few rows are entered twice.

use chrono::NaiveDate;
use rand::Rng;

use super::book::{Cell, Output, SheetBuilder};
use super::days::{self, TextDate};
use super::names;
use super::{period_label, pick, stream, workday_between, SampleRng, Stream, World};

/// Visits per visited (project, month) slot: sometimes a second visit.
const SECOND_VISIT: f64 = 0.08;
/// Share of rows typed in twice.
const DUPLICATE: f64 = 0.015;

#[derive(Clone)]
struct Visit {
    date: NaiveDate,
    visitor: String,
    /// 身份, empty when the office is expected to infer it.
    identity: &'static str,
    /// 所在单位, empty for leaders and for inferred heads.
    unit: String,
    project: usize,
    finding: String,
    resolution: String,
    on_site: bool,
}

/// Who visits: a unit's head (or deputy) or a county leader.
#[derive(Clone, Copy)]
enum Visitor {
    Unit(usize),
    Leader(usize),
}

/// One reporting month of visits: the days it covers and the day its files are dated.
struct VisitMonth {
    month: u32,
    first: NaiveDate,
    filed: NaiveDate,
}

fn visit_months(world: &World) -> Vec<VisitMonth> {
    (1..=world.params.months)
        .filter_map(|month| {
            world.month_cutoff(month)?;
            let filed = days::last_workday(world.year(), month).min(world.params.now);
            Some(VisitMonth {
                month,
                first: days::month_start(world.year(), month),
                filed,
            })
        })
        .collect()
}

pub fn write_all(world: &World, output: &mut Output) -> anyhow::Result<()> {
    let mut rng = stream(world.params.seed, Stream::Visits);
    let months = visit_months(world);
    // Calibrate the visiting chance so the period holds about `visits` visits.
    let slots: usize = months
        .iter()
        .map(|vm| {
            world
                .projects
                .iter()
                .filter(|p| p.active_span(vm.first, vm.filed).is_some())
                .map(|p| 1 + usize::from(p.leader.is_some()))
                .sum::<usize>()
        })
        .sum();
    let chance = if slots == 0 {
        0.0
    } else {
        (world.params.visits as f64 / (slots as f64 * (1.0 + SECOND_VISIT + DUPLICATE))).min(0.95)
    };
    for unit in 0..world.roster.units.len() {
        if world.by_unit[unit].is_empty() {
            continue;
        }
        let dates = date_style(&mut rng);
        let info = &world.roster.units[unit];
        for vm in &months {
            let visits = draw_visits(
                world,
                &mut rng,
                Visitor::Unit(unit),
                &world.by_unit[unit],
                vm,
                chance,
            );
            let file = VisitFile {
                path: format!(
                    "{}/现场调研记录（{}年{}月）.xlsx",
                    info.name,
                    world.year(),
                    vm.month
                ),
                title: format!("{}包联重点项目现场调研记录表", info.name),
                unit,
                dates,
            };
            file.write(world, output, vm, &visits)?;
        }
    }
    let gov = world.roster.gov_office;
    for vm in &months {
        let mut visits = Vec::new();
        for leader in 0..world.roster.leaders.len() {
            visits.extend(draw_visits(
                world,
                &mut rng,
                Visitor::Leader(leader),
                &world.by_leader[leader],
                vm,
                chance,
            ));
        }
        visits.sort_by_key(|v| v.date);
        let file = VisitFile {
            path: format!(
                "{}/县领导现场调研记录（{}年{}月）.xlsx",
                world.roster.units[gov].name,
                world.year(),
                vm.month
            ),
            title: format!(
                "{}县级领导包联重点项目现场调研记录表",
                world.roster.county()
            ),
            unit: gov,
            dates: DateStyle::Excel,
        };
        file.write(world, output, vm, &visits)?;
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum DateStyle {
    Excel,
    Text(TextDate),
}

fn date_style(rng: &mut SampleRng) -> DateStyle {
    if rng.random_bool(0.5) {
        DateStyle::Excel
    } else {
        DateStyle::Text(pick(rng, &TextDate::ALL))
    }
}

/// The visits of one visitor to `projects` during one month, in date order.
fn draw_visits(
    world: &World,
    rng: &mut SampleRng,
    visitor: Visitor,
    projects: &[usize],
    vm: &VisitMonth,
    chance: f64,
) -> Vec<Visit> {
    let mut visits = Vec::new();
    for &index in projects {
        let project = &world.projects[index];
        let Some((from, to)) = project.active_span(vm.first, vm.filed) else {
            continue;
        };
        if !rng.random_bool(chance) {
            continue;
        }
        let times = 1 + usize::from(rng.random_bool(SECOND_VISIT));
        for _ in 0..times {
            let (visitor_name, identity, unit) = who(world, rng, visitor);
            let (finding, resolution, on_site) = names::visit_finding(rng);
            visits.push(Visit {
                date: workday_between(rng, from, to),
                visitor: visitor_name,
                identity,
                unit,
                project: index,
                finding,
                resolution,
                on_site,
            });
        }
    }
    visits.sort_by_key(|v| v.date);
    let mut with_duplicates = Vec::with_capacity(visits.len());
    for visit in visits {
        if rng.random_bool(DUPLICATE) {
            with_duplicates.push(visit.clone());
        }
        with_duplicates.push(visit);
    }
    with_duplicates
}

/// 调研人, 身份 and 所在单位 as the submitting unit writes them.
fn who(world: &World, rng: &mut SampleRng, visitor: Visitor) -> (String, &'static str, String) {
    match visitor {
        Visitor::Leader(leader) => {
            let identity = if rng.random_bool(0.85) {
                "包项目领导"
            } else {
                ""
            };
            (
                world.roster.leaders[leader].clone(),
                identity,
                String::new(),
            )
        }
        Visitor::Unit(unit) => {
            let info = &world.roster.units[unit];
            if rng.random_bool(0.15) {
                // A deputy goes instead: no 身份 of the list, but the unit is named.
                (info.deputy.clone(), "", info.name.clone())
            } else if info.head_configured && rng.random_bool(0.2) {
                // Left for the office to infer from the configured head.
                (info.head.clone(), "", String::new())
            } else {
                (info.head.clone(), "包联单位负责人", info.name.clone())
            }
        }
    }
}

const HEADERS: [&str; 10] = [
    "序号",
    "调研日期",
    "调研人",
    "身份",
    "所在单位",
    "项目名称",
    "项目代码",
    "发现问题",
    "解决情况",
    "是否现场解决",
];

/// One visit workbook: where it goes, its title, the submitting unit and its date spelling.
struct VisitFile {
    path: String,
    title: String,
    unit: usize,
    dates: DateStyle,
}

impl VisitFile {
    fn write(
        &self,
        world: &World,
        output: &mut Output,
        vm: &VisitMonth,
        visits: &[Visit],
    ) -> anyhow::Result<()> {
        if visits.is_empty() {
            return Ok(());
        }
        let info = &world.roster.units[self.unit];
        let mut sheet = SheetBuilder::new("调研记录", "yyyy-mm-dd")?;
        let headers: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
        let width = u16::try_from(headers.len())?;
        sheet.title(0, &self.title, width)?;
        sheet.info(1, 0, &format!("填报单位：{}", info.name))?;
        sheet.info(
            1,
            4,
            &format!("报告期：{}", period_label(world.year(), vm.month)),
        )?;
        sheet.info(1, 7, &format!("填报日期：{}", days::chinese(vm.filed)))?;
        sheet.header(2, &headers)?;
        for (n, visit) in visits.iter().enumerate() {
            let project = &world.projects[visit.project];
            let date = match self.dates {
                DateStyle::Excel => Cell::Date(visit.date),
                DateStyle::Text(form) => Cell::Text(form.format(visit.date)),
            };
            let cells = [
                Cell::Number((n + 1) as f64),
                date,
                Cell::text(&visit.visitor),
                Cell::text(visit.identity),
                Cell::text(&visit.unit),
                Cell::text(&project.name),
                project.code(visit.date).map_or(Cell::Empty, Cell::Text),
                Cell::text(&visit.finding),
                Cell::text(&visit.resolution),
                Cell::text(if visit.on_site { "是" } else { "否" }),
            ];
            sheet.row(3 + u32::try_from(n)?, &cells)?;
        }
        output.save(&self.path, vec![sheet.finish(3)?], &info.name, vm.filed)
    }
}
