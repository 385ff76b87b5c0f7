//! Deterministic sample generator: Excel submissions for a county's key projects, written the
//! way departments, townships and the Key Project Office write them (SPEC §1).
//!
//! One seeded world (units, projects with their timelines, notices, tasks, visits) is drawn
//! first; every monthly workbook is then a snapshot of that world as of its 填报日期, so the
//! months agree with each other. A share of data rows gets a planted problem, and every planted
//! cell is listed with its file, sheet, row and canonical column so tests can check the reader.
//! The same parameters give byte-identical files: all randomness comes from ChaCha8 streams
//! seeded from `seed`, nothing iterates a hash map, and workbook timestamps derive from dates.
//! The second-wave tables (招商引资, 联席会议) draw from streams of their own, so adding them
//! left every ledger, notice, task and visit file as it was.

mod book;
mod days;
mod investments;
mod ledger;
mod meetings;
mod names;
mod office;
mod projects;
mod roster;
mod visits;

use std::path::Path;

use anyhow::{bail, Context};
use chrono::{Datelike, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::config::Config;

/// The random generator every part draws from; one stream per part keeps parts independent.
type SampleRng = ChaCha8Rng;

/// What to generate.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SampleParams {
    pub seed: u64,
    /// The reporting year.
    pub year: i32,
    /// Reporting months 1..=months (11 = January to November).
    pub months: u32,
    /// The generation date: no file is dated after it and no event after it is shown.
    #[serde(serialize_with = "iso_date")]
    pub now: NaiveDate,
    /// `None`: the configured units; `Some(n)`: n synthetic units (for large sets).
    pub units: Option<usize>,
    pub projects: usize,
    pub notices: usize,
    pub tasks: usize,
    /// Site visits over the whole period (approximate).
    pub visits: usize,
    /// Share of data rows given a planted problem.
    pub error_rate: f64,
}

/// A date as YYYY-MM-DD (without relying on chrono's serde feature).
fn iso_date<S: serde::Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&date.format("%Y-%m-%d"))
}

impl SampleParams {
    /// The parameters of the committed sample county in `inputs/`.
    pub fn county_sample() -> SampleParams {
        SampleParams {
            seed: 2026,
            year: 2026,
            months: 11,
            now: days::ymd(2026, 11, 28),
            units: None,
            projects: 150,
            notices: 40,
            tasks: 200,
            visits: 1500,
            error_rate: 0.01,
        }
    }

    fn check(&self) -> anyhow::Result<()> {
        if !(1..=12).contains(&self.months) {
            bail!("months = {}: expected 1..=12", self.months);
        }
        if !(0.0..=1.0).contains(&self.error_rate) {
            bail!(
                "error_rate = {}: expected a share in 0..=1",
                self.error_rate
            );
        }
        if self.units == Some(0) {
            bail!("units = Some(0): at least one synthetic unit is needed");
        }
        if !(2001..=2098).contains(&self.year) {
            bail!("year = {}: expected a year in 2001..=2098", self.year);
        }
        Ok(())
    }
}

/// A cell deliberately written wrong, and where.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlantedProblem {
    /// Path relative to the output folder, with '/' separators.
    pub file: String,
    pub sheet: String,
    /// Excel row number (1-based).
    pub row: u32,
    /// Canonical column name from the SPEC (e.g. "总投资").
    pub column: String,
    /// The text written ("" for an emptied cell; an Excel date cell as YYYY-MM-DD).
    pub value: String,
    pub kind: PlantedKind,
}

/// Whether the reader should reject the row or keep it with a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum PlantedKind {
    Rejection,
    Warning,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SampleOutput {
    /// Relative paths of the files written, sorted.
    pub files: Vec<String>,
    /// Sorted by file, sheet, row.
    pub planted: Vec<PlantedProblem>,
    /// The base config, or for synthetic units a config listing them.
    pub config: Config,
}

/// Write the sample workbooks under `out` (created if missing; nothing is read or deleted).
pub fn generate(params: &SampleParams, base: &Config, out: &Path) -> anyhow::Result<SampleOutput> {
    params.check()?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut world_rng = stream(params.seed, Stream::World);
    let roster = roster::Roster::build(params, base, &mut world_rng);
    let projects = projects::generate(params, &roster, &mut world_rng);
    let world = World::new(params, roster, projects);

    let mut output = book::Output::new(out);
    ledger::write_all(&world, &mut output)?;
    office::write_notices(&world, &mut output)?;
    office::write_tasks(&world, &mut output)?;
    visits::write_all(&world, &mut output)?;
    investments::write_all(&world, &mut output)?;
    meetings::write_all(&world, &mut output)?;
    let (files, planted) = output.finish();
    Ok(SampleOutput {
        files,
        planted,
        config: world.roster.config,
    })
}

/// Everything drawn up front, with the indexes the writers need.
struct World<'p> {
    params: &'p SampleParams,
    roster: roster::Roster,
    projects: Vec<projects::Project>,
    /// Project indexes per lead unit (index into the config's units).
    by_unit: Vec<Vec<usize>>,
    /// Project indexes per leader (index into `roster.leaders`).
    by_leader: Vec<Vec<usize>>,
}

impl<'p> World<'p> {
    fn new(
        params: &'p SampleParams,
        roster: roster::Roster,
        projects: Vec<projects::Project>,
    ) -> Self {
        let mut by_unit = vec![Vec::new(); roster.units.len()];
        let mut by_leader = vec![Vec::new(); roster.leaders.len()];
        for (index, project) in projects.iter().enumerate() {
            by_unit[project.lead].push(index);
            if let Some(leader) = project.leader {
                by_leader[leader].push(index);
            }
        }
        World {
            params,
            roster,
            projects,
            by_unit,
            by_leader,
        }
    }

    fn year(&self) -> i32 {
        self.params.year
    }

    /// The last day whose events a snapshot of `month` can show: the month's end, or `now`.
    fn month_cutoff(&self, month: u32) -> Option<NaiveDate> {
        let start = days::month_start(self.year(), month);
        (start <= self.params.now).then(|| days::month_end(self.year(), month).min(self.params.now))
    }

    /// A random project active (前期/在建) on `date`, if there is one.
    fn active_project(&self, rng: &mut SampleRng, date: NaiveDate) -> Option<usize> {
        if self.projects.is_empty() {
            return None;
        }
        (0..64)
            .map(|_| rng.random_range(0..self.projects.len()))
            .find(|&i| self.projects[i].is_active(date))
            .or_else(|| self.projects.iter().position(|p| p.is_active(date)))
    }
}

/// Independent random streams, so changing one part leaves the others' draws alone.
#[derive(Debug, Clone, Copy)]
enum Stream {
    World = 1,
    Ledger = 2,
    LedgerPlanting = 3,
    Notices = 4,
    NoticePlanting = 5,
    Tasks = 6,
    TaskPlanting = 7,
    Visits = 8,
    Investments = 9,
    InvestmentPlanting = 10,
    Meetings = 11,
    MeetingPlanting = 12,
}

fn stream(seed: u64, which: Stream) -> SampleRng {
    let mut rng = SampleRng::seed_from_u64(seed);
    rng.set_stream(which as u64);
    rng
}

/// A uniformly chosen element of a non-empty slice the generator built or declared.
fn pick<T: Copy>(rng: &mut SampleRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// A day in `from..=to` (or `from` when the range is empty).
fn day_between(rng: &mut SampleRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    days::add_days(from, rng.random_range(0..=span))
}

/// A working day in `from..=to`, or any day there when the range holds none.
fn workday_between(rng: &mut SampleRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let candidates = days::workdays_between(from, to);
    if candidates.is_empty() {
        day_between(rng, from, to)
    } else {
        pick(rng, &candidates)
    }
}

/// Decides which data rows get a planted problem. Kinds are used in rounds, so every kind a
/// table offers shows up once enough rows are planted.
struct Planter {
    rng: SampleRng,
    rate: f64,
    /// Kinds (indexes) not yet used in the current round.
    pending: Vec<usize>,
}

/// How much more often a row is drawn when it fits a scarce kind still pending.
const SCARCE_BOOST: f64 = 20.0;

impl Planter {
    fn new(seed: u64, which: Stream, rate: f64) -> Planter {
        Planter {
            rng: stream(seed, which),
            rate,
            pending: Vec::new(),
        }
    }

    /// For one data row of a table with a single kind of problem: whether to plant it.
    fn hit(&mut self) -> bool {
        self.rate > 0.0 && self.rng.random_bool(self.rate)
    }

    /// For one data row: the kind to plant, if this row is drawn and some kind fits it.
    /// `scarce` kinds fit few rows (e.g. only completed projects); a row fitting one that is
    /// still pending is drawn more often, or that kind would hardly ever appear.
    fn draw<K: Copy>(
        &mut self,
        kinds: &[K],
        fits: impl Fn(K) -> bool,
        scarce: impl Fn(K) -> bool,
    ) -> Option<K> {
        if self.rate <= 0.0 || kinds.is_empty() {
            return None;
        }
        if self.pending.is_empty() {
            self.pending = (0..kinds.len()).collect();
        }
        let scarce_fit = self
            .pending
            .iter()
            .position(|&i| scarce(kinds[i]) && fits(kinds[i]));
        let chance = if scarce_fit.is_some() {
            (self.rate * SCARCE_BOOST).min(0.5).max(self.rate)
        } else {
            self.rate
        };
        if !self.rng.random_bool(chance) {
            return None;
        }
        match scarce_fit.or_else(|| self.pending.iter().position(|&i| fits(kinds[i]))) {
            Some(at) => Some(kinds[self.pending.remove(at)]),
            None => {
                // The kinds left in this round need other rows: plant any kind that fits.
                let fitting: Vec<K> = kinds.iter().copied().filter(|&k| fits(k)).collect();
                (!fitting.is_empty()).then(|| pick(&mut self.rng, &fitting))
            }
        }
    }

    /// The planting stream, for the details of a planted value.
    fn rng(&mut self) -> &mut SampleRng {
        &mut self.rng
    }
}

/// How many rows get one planted problem of each of `kinds` kinds: the error rate spread over
/// the kinds, at least one of each whenever the rate is not zero (so every kind shows up).
fn planted_count(rows: usize, rate: f64, kinds: usize) -> usize {
    if rate <= 0.0 || rows == 0 || kinds == 0 {
        return 0;
    }
    ((rows as f64 * rate / kinds as f64).round() as usize).max(1)
}

/// Takes up to `count` distinct positions out of `candidates` that `fits`, at random.
fn take_positions<T: Copy>(
    rng: &mut SampleRng,
    candidates: &mut Vec<T>,
    count: usize,
    fits: impl Fn(T) -> bool,
) -> Vec<T> {
    let mut taken = Vec::new();
    while taken.len() < count {
        let fitting: Vec<usize> = (0..candidates.len())
            .filter(|&i| fits(candidates[i]))
            .collect();
        if fitting.is_empty() {
            break;
        }
        taken.push(candidates.remove(pick(rng, &fitting)));
    }
    taken
}

/// "2026年3月" for a reporting month.
fn period_label(year: i32, month: u32) -> String {
    days::chinese_month(year, month)
}

/// The reporting month after `month` (for 填报日期 in the following month).
fn next_month(year: i32, month: u32) -> (i32, u32) {
    let next = days::add_days(days::month_end(year, month), 1);
    (next.year(), next.month())
}

#[cfg(test)]
mod tests;
