//! The command line: config printing, config errors, dates the calendar does not cover.

use crate::{keyproj, Workspace};

#[test]
fn config_prints_a_commented_toml_that_loads_back() {
    let output = keyproj(&["config"]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("# 单位："));
    // The month cycle and the next year's calendar, commented, for the office to fill in.
    assert!(text.contains("final_day = 10"));
    assert!(text.contains("# [[calendar]]\n# year = 2027\n"), "{text}");
    let ws = Workspace::fresh();
    let path = ws.path("printed.toml");
    std::fs::write(&path, &text).unwrap();
    let again = keyproj(&["config", "--config", path.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(String::from_utf8(again.stdout).unwrap(), text);
}

#[test]
fn unknown_config_key_fails_before_reading_inputs() {
    let ws = Workspace::fresh();
    let path = ws.path("keyproj.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("due_day = 5", "due_dya = 5");
    std::fs::write(&path, text).unwrap();
    let output = ws.run(&["--month", "2026-11"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("due_dya"), "{stderr}");
    assert!(stderr.contains("keyproj.toml"), "{stderr}");
    assert!(!ws.path("reports").exists());
}

#[test]
fn a_year_outside_the_calendar_still_writes_the_reports() {
    let ws = Workspace::fresh();
    let output = ws.run(&["--as-of", "2031-03-01"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("工作日历缺少2031年"), "{stderr}");
    assert!(ws.path("reports/2031-03/考核排名_2031-03.csv").is_file());
}

#[test]
fn as_of_and_month_conflict() {
    let ws = Workspace::fresh();
    let output = ws.run(&["--as-of", "2026-11-03", "--month", "2026-11"]);
    assert_eq!(output.status.code(), Some(2));
}
