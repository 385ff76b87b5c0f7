#!/usr/bin/env python3
"""Cross-check data/holidays.toml against the `chinesecalendar` package.

Every day of 2020-01-01..2026-12-31 must have the same working-day status in the data
file as chinese_calendar.is_workday. Prints the mismatches; exit status 1 on any.

Usage: python3 scripts/check_calendar.py [path/to/holidays.toml]
"""

import datetime as dt
import sys
import tomllib
from pathlib import Path

import chinese_calendar

FIRST = dt.date(2020, 1, 1)
LAST = dt.date(2026, 12, 31)


def parse_entry(entry: str) -> list[dt.date]:
    """A date "YYYY-MM-DD" or an inclusive range "YYYY-MM-DD..YYYY-MM-DD"."""
    start, sep, end = entry.partition("..")
    a = dt.date.fromisoformat(start.strip())
    b = dt.date.fromisoformat(end.strip()) if sep else a
    if b < a:
        raise ValueError(f"range ends before it starts: {entry!r}")
    return [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]


def load(path: Path) -> dict[int, dict]:
    with path.open("rb") as f:
        data = tomllib.load(f)
    years = {}
    for table in data["calendar"]:
        year = table["year"]
        if year in years:
            raise ValueError(f"year {year} listed twice")
        off = {d for e in table.get("off", []) for d in parse_entry(e)}
        work = {d for e in table.get("work", []) for d in parse_entry(e)}
        years[year] = {"off": off, "work": work, "notice": table.get("notice")}
    return years


def is_workday(years: dict[int, dict], day: dt.date) -> bool | None:
    entry = years.get(day.year)
    if entry is None:
        return None
    if day in entry["work"]:
        return True
    if day in entry["off"]:
        return False
    return day.weekday() < 5


def main() -> int:
    default = Path(__file__).resolve().parent.parent / "data" / "holidays.toml"
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    years = load(path)
    problems = []
    for year, entry in sorted(years.items()):
        if not entry["notice"]:
            problems.append(f"{year}: no notice")
        for d in entry["off"] | entry["work"]:
            if d.year != year:
                problems.append(f"{year}: {d} lies outside the year")
        for d in entry["work"]:
            if d.weekday() < 5:
                problems.append(f"{year}: make-up day {d} is not a weekend day")
        for d in entry["off"] & entry["work"]:
            problems.append(f"{year}: {d} is both off and work")
    day = FIRST
    checked = 0
    while day <= LAST:
        ours = is_workday(years, day)
        theirs = chinese_calendar.is_workday(day)
        if ours is None:
            problems.append(f"{day}: year {day.year} missing from {path.name}")
        elif ours != theirs:
            problems.append(
                f"{day} ({day:%a}): data file says {'work' if ours else 'off'}, "
                f"chinese_calendar says {'work' if theirs else 'off'}"
            )
        checked += 1
        day += dt.timedelta(days=1)
    for p in problems:
        print(p)
    version = getattr(chinese_calendar, "__version__", "?")
    if problems:
        print(f"FAIL: {len(problems)} problem(s) in {path} (chinesecalendar {version})")
        return 1
    print(f"OK: {checked} days {FIRST}..{LAST} agree with chinesecalendar {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
