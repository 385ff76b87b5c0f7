//! Who submits: the units (configured or synthetic) with the people and spellings their files
//! use, the county leaders, and which units keep the office's ledgers.

use rand::Rng;

use super::names::{self, NameBook};
use super::{SampleParams, SampleRng};
use crate::config::{Config, LeaderConfig, UnitConfig};

/// 长子县's administrative division code, the region part of every 项目代码.
const REGION_CODE: &str = "140428";

/// One synthetic unit in this many leads [`SYNTHETIC_BIG_WEIGHT`] times a department's share.
const SYNTHETIC_BIG_EVERY: usize = 100;
const SYNTHETIC_BIG_WEIGHT: f64 = 40.0;

/// A unit name no config lists, planted as 牵头责任单位 to be rejected.
pub const UNKNOWN_UNIT: &str = "县文旅局";

pub struct UnitInfo {
    pub name: String,
    pub is_town: bool,
    /// The configured head, or a made-up one when the config names none.
    pub head: String,
    pub head_configured: bool,
    /// The deputy in charge (分管领导): signs notice replies, makes some visits.
    pub deputy: String,
    /// Who fills in the forms (填报人).
    pub clerk: String,
    pub phone: String,
    /// The unit as a title line writes it ("丹朱镇人民政府").
    pub formal: String,
    /// Its longest configured alias ("长子县发展和改革局"), for the alias layout.
    pub full_alias: String,
    /// Its shortest configured alias ("发改局"), for unit cells in the alias layout.
    pub short_alias: String,
    /// Whether it leads projects (the statistics bureau assesses, it does not build).
    pub leads: bool,
    /// Relative share of the county's projects it leads.
    pub weight: f64,
}

pub struct Roster {
    pub config: Config,
    /// Aligned with `config.units`.
    pub units: Vec<UnitInfo>,
    pub towns: Vec<usize>,
    pub leaders: Vec<String>,
    /// Folder the office files into ("县重点办").
    pub office_folder: String,
    /// How the office signs its ledgers ("县重点项目办公室").
    pub office_formal: String,
    /// The unit housing the Key Project Office (县发改局).
    pub office: usize,
    /// The unit that files the county leaders' visits (县政府办公室).
    pub gov_office: usize,
    pub region_code: &'static str,
    /// Whether [`UNKNOWN_UNIT`] is really unknown to the config (so planting it is a problem).
    pub unknown_unit_free: bool,
}

impl Roster {
    pub fn build(params: &SampleParams, base: &Config, rng: &mut SampleRng) -> Roster {
        let config = match params.units {
            None => base.clone(),
            Some(count) => synthetic_config(base, count, rng),
        };
        let mut book = NameBook::new(
            config
                .units
                .iter()
                .filter_map(|u| u.head.as_deref())
                .chain(config.leaders.iter().map(|l| l.name.as_str())),
        );
        let mut units: Vec<UnitInfo> = config
            .units
            .iter()
            .map(|unit| unit_info(unit, &mut book, rng))
            .collect();
        if params.units.is_some() {
            // A few synthetic units lead far more than the rest, like a development zone, so
            // large sets hold ledgers of a hundred rows and more.
            for unit in units
                .iter_mut()
                .skip(SYNTHETIC_BIG_EVERY / 2)
                .step_by(SYNTHETIC_BIG_EVERY)
            {
                unit.weight = SYNTHETIC_BIG_WEIGHT;
            }
        }
        let towns = (0..units.len()).filter(|&i| units[i].is_town).collect();
        // The unit housing the Key Project Office, which keeps notices and tasks.
        let office = find_unit(&config, &["县重点办", "县重点项目办公室"])
            .or_else(|| config.units.iter().position(|u| u.name.contains("发改")))
            .or_else(|| units.iter().position(|u| !u.is_town))
            .unwrap_or(0);
        let office_unit = &config.units[office];
        let has_alias = |alias: &str| office_unit.aliases.iter().any(|a| a == alias);
        let office_folder = if has_alias("县重点办") {
            "县重点办".to_string()
        } else {
            office_unit.name.clone()
        };
        let office_formal = if has_alias("县重点项目办公室") {
            "县重点项目办公室".to_string()
        } else {
            office_unit.name.clone()
        };
        let gov_office = find_unit(&config, &["县政府办公室"]).unwrap_or(office);
        let unknown_unit_free = find_unit(&config, &[UNKNOWN_UNIT]).is_none();
        Roster {
            leaders: config.leaders.iter().map(|l| l.name.clone()).collect(),
            config,
            units,
            towns,
            office_folder,
            office_formal,
            office,
            gov_office,
            region_code: REGION_CODE,
            unknown_unit_free,
        }
    }

    pub fn county(&self) -> &str {
        &self.config.county
    }
}

/// The unit whose name or alias is one of `spellings`.
fn find_unit(config: &Config, spellings: &[&str]) -> Option<usize> {
    config.units.iter().position(|u| {
        spellings
            .iter()
            .any(|s| u.name == *s || u.aliases.iter().any(|a| a == s))
    })
}

fn unit_info(unit: &UnitConfig, book: &mut NameBook, rng: &mut SampleRng) -> UnitInfo {
    let is_town = unit.group == "乡镇" || unit.name.ends_with('镇') || unit.name.ends_with('乡');
    let government = format!("{}人民政府", unit.name);
    let formal = if unit.aliases.contains(&government) {
        government
    } else {
        unit.name.clone()
    };
    let weight = if is_town {
        3.0
    } else if unit.name.contains("开发区") {
        8.0
    } else if unit.name.contains("住建") {
        4.0
    } else if unit.name.contains("工信") {
        3.0
    } else if unit.name.contains("招商") || unit.name.contains("发改") {
        2.0
    } else {
        1.0
    };
    let statistics = std::iter::once(&unit.name)
        .chain(&unit.aliases)
        .any(|n| n.contains("统计局"));
    UnitInfo {
        name: unit.name.clone(),
        is_town,
        head: unit.head.clone().unwrap_or_else(|| book.fresh(rng)),
        head_configured: unit.head.is_some(),
        deputy: book.fresh(rng),
        clerk: names::person(rng),
        phone: names::phone(rng),
        formal,
        full_alias: alias_by_length(unit, true),
        short_alias: alias_by_length(unit, false),
        leads: !statistics,
        weight,
    }
}

/// The longest (or shortest) alias by characters, the first listed on ties; else the name.
fn alias_by_length(unit: &UnitConfig, longest: bool) -> String {
    let mut best: Option<&String> = None;
    for alias in &unit.aliases {
        let better = best.is_none_or(|b| {
            let (new, old) = (alias.chars().count(), b.chars().count());
            if longest {
                new > old
            } else {
                new < old
            }
        });
        if better {
            best = Some(alias);
        }
    }
    best.cloned().unwrap_or_else(|| unit.name.clone())
}

/// `count` made-up units (a third 乡镇 "第0001镇", the rest 县直部门 "第0001局") with heads and
/// aliases, and enough leaders for their projects.
/// The first department also houses the Key Project Office, the second the government office.
fn synthetic_config(base: &Config, count: usize, rng: &mut SampleRng) -> Config {
    let towns = count / 3;
    let departments = count - towns;
    let width = 4.max(departments.to_string().len());
    let county = base.county.clone();
    let mut book = NameBook::new([]);
    let leader_count = base.leaders.len().max(count / 10).max(1);
    let leaders = (0..leader_count)
        .map(|i| LeaderConfig {
            name: book.fresh(rng),
            title: Some(
                if i == 0 {
                    "常务副县长"
                } else {
                    "副县长"
                }
                .to_string(),
            ),
        })
        .collect();
    let mut units = Vec::with_capacity(count);
    for i in 1..=departments {
        let name = format!("第{i:0width$}局");
        let mut aliases = vec![format!("{county}{name}")];
        if i == 1 {
            aliases.extend(["县重点项目办公室".to_string(), "县重点办".to_string()]);
        }
        if i == 2.min(departments) {
            aliases.push("县政府办公室".to_string());
        }
        units.push(UnitConfig {
            name,
            group: "县直部门".to_string(),
            aliases,
            head: Some(book.fresh(rng)),
        });
    }
    for i in 1..=towns {
        let name = format!("第{i:0width$}镇");
        units.push(UnitConfig {
            aliases: vec![format!("{name}人民政府"), format!("{county}{name}")],
            name,
            group: "乡镇".to_string(),
            head: Some(book.fresh(rng)),
        });
    }
    // The first twelve units meet jointly, like the seed's twelve departments.
    let joint_meeting_members = units.iter().take(12).map(|u| u.name.clone()).collect();
    let office = units.first().map(|u| u.name.clone());
    // Scoring, thresholds, calendar and the rest stay the base config's.
    Config {
        county,
        office,
        groups: vec!["乡镇".to_string(), "县直部门".to_string()],
        units,
        leaders,
        joint_meeting_members,
        ..base.clone()
    }
}

/// Draws lead units in proportion to their weights (binary search over running totals).
pub struct WeightedUnits {
    units: Vec<usize>,
    running: Vec<f64>,
}

impl WeightedUnits {
    pub fn new(roster: &Roster) -> WeightedUnits {
        let mut units = Vec::new();
        let mut running = Vec::new();
        let mut total = 0.0;
        for (index, unit) in roster.units.iter().enumerate().filter(|(_, u)| u.leads) {
            total += unit.weight;
            units.push(index);
            running.push(total);
        }
        WeightedUnits { units, running }
    }

    pub fn eligible(&self) -> &[usize] {
        &self.units
    }

    pub fn draw(&self, rng: &mut SampleRng) -> Option<usize> {
        let total = *self.running.last()?;
        let x = rng.random_range(0.0..total);
        let at = self.running.partition_point(|&r| r <= x);
        self.units.get(at.min(self.units.len() - 1)).copied()
    }
}
