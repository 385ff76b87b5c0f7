//! The committed sample county: reproducible from the generator, and runnable end to end.

use std::path::{Path, PathBuf};

use keyproj::config::Config;
use keyproj::sample::{generate, SampleParams};

use crate::{keyproj, read_csv};

fn repo_inputs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs")
}

fn files_under(root: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

#[test]
fn committed_sample_is_what_the_generator_makes() {
    let dir = tempfile::tempdir().unwrap();
    let output = generate(
        &SampleParams::county_sample(),
        &Config::embedded().unwrap(),
        dir.path(),
    )
    .unwrap();
    let committed = files_under(&repo_inputs());
    assert_eq!(
        files_under(dir.path()),
        committed,
        "regenerate with `keyproj sample --out inputs`"
    );
    assert_eq!(output.files, committed);
    for file in &committed {
        let fresh = std::fs::read(dir.path().join(file)).unwrap();
        let kept = std::fs::read(repo_inputs().join(file)).unwrap();
        assert!(fresh == kept, "{file} differs from the generator's output");
    }
}

#[test]
fn sample_run_writes_the_ranking_for_november() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    let output = keyproj(&[
        "run",
        "--inputs",
        repo_inputs().to_str().unwrap(),
        "--reports",
        reports.to_str().unwrap(),
        "--month",
        "2026-11",
        "--state",
        dir.path().join("state").to_str().unwrap(),
    ]);
    // The sample plants rejected rows on purpose: finished, with rejections.
    assert_eq!(
        output.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let csv = read_csv(&reports.join("2026-11/考核排名_2026-11.csv"));
    assert_eq!(csv.len(), 1 + Config::embedded().unwrap().units.len());
    let column = |name: &str| csv[0].iter().position(|h| h == name).unwrap();
    let (rank, grade) = (column("组内排名"), column("等次"));
    let ranked = csv[1..].iter().filter(|r| !r[rank].is_empty()).count();
    assert!(
        ranked >= 15,
        "most units lead projects and are ranked: {ranked}"
    );
    // Worked out by hand from inputs/丹朱镇/丹朱镇重点项目台账（2026年10月）.xlsx, its current ledger:
    // 按时开工: in scope 恒润建材 (due 06-30, open), 幼儿园 (10-31, started 10-28), 太岳生物
    // (02-28, open), 文化路 (due on D, open), 鑫达金属 (07-31, started 07-21); the 电池材料
    // project started late in 2025 is out of scope → 2/5. 按时竣工: nothing due → empty.
    // 前期: the same five are due, only 幼儿园 (08-30 ≤ 09-30) and 鑫达 (06-17 ≤ 06-30) have all
    // three approvals in time → 2/5. 投资: (2039.7 + 2.5 + 142.3) / (4745 × 11/12).
    let danzhu = csv.iter().find(|r| r[1] == "丹朱镇").unwrap();
    let value = |name: &str| danzhu[column(name)].clone();
    assert_eq!(value("按时开工率"), "0.4");
    assert_eq!(value("按时竣工率"), "");
    assert_eq!(value("前期按时完成率"), "0.4");
    let investment: f64 = value("投资完成率").parse().unwrap();
    assert!(
        (investment - 2184.5 / (4745.0 * 11.0 / 12.0)).abs() < 1e-12,
        "{investment}"
    );
    let statistics = csv.iter().find(|r| r[1] == "县统计局").unwrap();
    assert_eq!(statistics[grade], "无考核事项");
    assert!(reports.join("2026-11/考核排名_2026-11.xlsx").is_file());
}

/// The sample ingests with exactly the rejections the generator planted, and every planted
/// warning is reported.
#[test]
fn sample_rejections_are_exactly_the_planted_ones() {
    use keyproj::ingest::problem::Severity;
    use keyproj::sample::PlantedKind;
    let dir = tempfile::tempdir().unwrap();
    let config = Config::embedded().unwrap();
    let output = generate(&SampleParams::county_sample(), &config, dir.path()).unwrap();
    let ingest = keyproj::ingest::Ingest::new(&config);
    let found =
        keyproj::ingest::discover::discover(dir.path(), 0, std::time::SystemTime::now()).unwrap();
    let files: Vec<_> = found.files.iter().map(|f| ingest.load(f)).collect();
    let problems: Vec<_> = files.iter().flat_map(|f| f.all_problems()).collect();
    let mut rejected: Vec<(String, String, u32)> = problems
        .iter()
        .filter(|p| p.severity == Severity::Rejected)
        .map(|p| (p.file.clone(), p.sheet.clone(), p.row.unwrap_or(0)))
        .collect();
    rejected.sort();
    rejected.dedup();
    let mut planted: Vec<(String, String, u32)> = output
        .planted
        .iter()
        .filter(|p| p.kind == PlantedKind::Rejection)
        .map(|p| (p.file.clone(), p.sheet.clone(), p.row))
        .collect();
    planted.sort();
    assert!(planted.len() >= 6);
    assert_eq!(rejected, planted);
    for warning in output
        .planted
        .iter()
        .filter(|p| p.kind == PlantedKind::Warning)
    {
        assert!(
            problems.iter().any(|p| p.severity == Severity::Warning
                && p.file == warning.file
                && p.sheet == warning.sheet
                && p.row == Some(warning.row)),
            "planted warning not reported: {} {} row {} {}",
            warning.file,
            warning.sheet,
            warning.row,
            warning.column
        );
    }
}

/// Keeping only the notices' and tasks' latest snapshot rows (what a run does before
/// assessing) changes nothing assessed as of any date.
#[test]
fn latest_snapshot_rows_give_the_same_assessment() {
    use keyproj::ingest::schema::Table;
    use keyproj::pipeline::{assess_tables, Prepared, StagedTables};
    let config = Config::embedded().unwrap();
    let calendar = keyproj::calendar::Calendar::shipped();
    let ingest = keyproj::ingest::Ingest::new(&config);
    let found =
        keyproj::ingest::discover::discover(&repo_inputs(), 0, std::time::SystemTime::now())
            .unwrap();
    let files: Vec<_> = found.files.iter().map(|f| ingest.load(f)).collect();
    let all = StagedTables::build(&files).unwrap();
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let kept = all.latest_snapshots().unwrap();
    for table in [Table::Notices, Table::Tasks] {
        assert!(
            kept.get(table).height() * 2 < all.get(table).height(),
            "{table:?}: {} of {} rows kept",
            kept.get(table).height(),
            all.get(table).height()
        );
    }
    let all = Prepared::new(&config, all).unwrap();
    let kept = Prepared::new(&config, kept).unwrap();
    for as_of in [day(11, 28), day(10, 31)] {
        let from_all = assess_tables(&config, &calendar, as_of, &all).unwrap();
        let from_kept = assess_tables(&config, &calendar, as_of, &kept).unwrap();
        assert_eq!(from_all.scores, from_kept.scores);
        assert!(from_all.notices.equals_missing(&from_kept.notices));
        assert!(from_all.tasks.equals_missing(&from_kept.tasks));
        assert_eq!(from_all.problems, from_kept.problems);
    }
}
