#!/usr/bin/env python3
"""keyproj benchmark: the whole job against the parse floor and the tools a statistics clerk
would use instead (pandas read_excel with openpyxl and with calamine), on generated tiers.

Usage: python3 benches/bench.py [county] [city] [province] [trap] [--no-pandas] [--repeat N]
Builds the release binaries, generates each tier once under $KEYPROJ_BENCH_DIR (default
/tmp/keyproj-bench), installs pandas into a venv there, and prints wall time, CPU time, peak
RSS, time per stage and the ratios; per 1,000 rows for linearity. The job is measured three
times per tier: the first run (empty state folder: every month of the year before M is assessed
and kept for 上月排名 and 年度趋势), the nightly case (archive, staging cache and month history
from the night before, no earlier reports) and the same night with --no-cache; the three must
give identical outputs. With --repeat N each case and the parse floor are measured N times,
interleaved, and the best and the median wall time are reported with their ratios: on a shared
machine one run's wall time can vary by a third. "trap" runs the sample alone and the sample
plus one 5-row sheet whose used range is A1:ZZ1048576 (a space in the last cell), and compares
their peak RSS.
"""
import json
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/keyproj-target"))
WORK = os.environ.get("KEYPROJ_BENCH_DIR", "/tmp/keyproj-bench")
BIN = os.path.join(TARGET, "release", "keyproj")
FLOOR = os.path.join(TARGET, "release", "examples", "parse_floor")

TIERS = {
    "county": None,  # the committed sample in inputs/
    "city": ["--units", "300", "--projects", "3000", "--months", "12", "--notices", "10000",
             "--tasks", "30000", "--visits", "100000", "--now", "2026-12-31"],
    "province": ["--units", "3000", "--projects", "30000", "--months", "12", "--notices", "100000",
                 "--tasks", "300000", "--visits", "1000000", "--now", "2026-12-31"],
}

PANDAS = r'''
import sys, pathlib, pandas as pd
engine, root = sys.argv[1], pathlib.Path(sys.argv[2])
n = 0
for p in sorted(root.rglob("*.xlsx")):
    for df in pd.read_excel(p, sheet_name=None, header=None, engine=engine).values():
        n += df.size
print(n)
'''


# Runs one command in a fresh process, so the children's peak RSS is that command's alone.
RUSAGE = r'''
import json, resource, subprocess, sys, time
start = time.perf_counter()
out = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": out.returncode, "wall": wall, "cpu": r.ru_utime + r.ru_stime,
                  "rss_kib": r.ru_maxrss, "stdout": out.stdout, "stderr": out.stderr[-2000:]}))
'''


def measured(cmd, ok=(0, 1), **kw):
    """Run cmd; return (wall s, cpu s, peak RSS MiB, stdout). Exit codes outside `ok` stop the
    benchmark (keyproj exits with 1 when it rejected rows). The files earlier runs wrote are
    flushed first, so their writeback is not timed as this run's."""
    os.sync()
    out = subprocess.run([sys.executable, "-c", RUSAGE] + cmd, capture_output=True, text=True, check=True, **kw)
    r = json.loads(out.stdout)
    if r["code"] not in ok:
        sys.exit(f"{cmd[0]} failed ({r['code']}): {r['stderr']}")
    return r["wall"], r["cpu"], r["rss_kib"] / 1024, r["stdout"]


def ensure_tier(tier):
    if tier == "county":
        return os.path.join(ROOT, "inputs"), None
    folder = os.path.join(WORK, tier)
    config = os.path.join(WORK, f"{tier}.toml")
    if not os.path.exists(os.path.join(folder, ".complete")):
        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating {tier} tier …", flush=True)
        subprocess.run([BIN, "sample", "--out", folder, "--config-out", config] + TIERS[tier], check=True,
                       capture_output=True)
        # The files are complete: no second look at young files (it would only add a fixed 2 s).
        text = open(config, encoding="utf-8").read().replace("settle_seconds = 60", "settle_seconds = 0")
        open(config, "w", encoding="utf-8").write(text)
        open(os.path.join(folder, ".complete"), "w").close()
    return folder, config


def ensure_venv():
    venv = os.path.join(WORK, "venv")
    python = os.path.join(venv, "bin", "python")
    # A venv whose install was interrupted has a python but not the packages.
    ready = [python, "-c", "import pandas, openpyxl, python_calamine"]
    if not os.path.exists(python) or subprocess.run(ready, capture_output=True).returncode != 0:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "pandas", "openpyxl", "python-calamine"], check=True)
    return python


# Folders of earlier runs are moved here and deleted only when the benchmark ends. ext4 keeps
# just-freed inodes out of reuse for a minute or more, and creating files right after deleting
# tens of thousands spent a quarter of a city-tier first run searching past them
# (find_inode_bit, recently_deleted): a cost of the benchmark's own deletion, not of the job.
SET_ASIDE = os.path.join(WORK, "set-aside")


def set_aside(folder):
    if os.path.exists(folder):
        os.makedirs(SET_ASIDE, exist_ok=True)
        os.rename(folder, os.path.join(SET_ASIDE, f"{os.path.basename(folder)}-{time.time_ns()}"))


def trap_xlsx(path):
    """A 项目台账 of 5 rows whose used range is A1:ZZ1048576: one space in the last cell."""
    import zipfile
    header = ["项目名称", "所属板块", "项目阶段", "牵头责任单位", "包联领导", "总投资", "计划开工日期",
              "前期工作计划完成日期", "填报单位", "报告期"]
    def row(r, values):
        cells = "".join(
            f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for c, v in enumerate(values))
        return f'<row r="{r}">{cells}</row>'
    rows = [row(1, header)] + [
        row(r + 2, [f"格式刷测试项目{r}", "基础设施", "前期", "丹朱镇", "马国华", "1000", "2027-03-01", "2027-01-31",
                    "丹朱镇", "2026年10月"]) for r in range(5)]
    rows.append('<row r="1048576"><c r="ZZ1048576" t="inlineStr"><is><t xml:space="preserve"> </t></is></c></row>')
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<dimension ref="A1:ZZ1048576"/><sheetData>' + "".join(rows) + '</sheetData></worksheet>')
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)


def trap():
    """Peak RSS of the sample alone and of the sample plus the A1:ZZ1048576 sheet."""
    inputs = os.path.join(ROOT, "inputs")
    trapped = os.path.join(WORK, "trap-inputs")
    shutil.rmtree(trapped, ignore_errors=True)
    shutil.copytree(inputs, trapped)
    trap = os.path.join(trapped, "丹朱镇", "格式刷到底（2026年10月）.xlsx")
    trap_xlsx(trap)
    # An hour old, like every other input: no second look at a young file (a fixed 2 s).
    hour_ago = os.path.getmtime(trap) - 3600
    os.utime(trap, (hour_ago, hour_ago))
    env = dict(os.environ, RUST_LOG="warn")
    peaks = {}
    for case, folder in [("sample alone", inputs), ("sample + A1:ZZ1048576 sheet", trapped)]:
        out, state = os.path.join(WORK, "trap-reports"), os.path.join(WORK, "trap-state")
        set_aside(out)
        set_aside(state)
        # A 4 GiB cap: the dense range (736 million cells) would die here instead of the machine.
        cmd = ["prlimit", f"--as={4 << 30}", BIN, "run", "--inputs", folder, "--reports", out, "--state", state,
               "--month", "2026-11", "--no-cache"]
        wall, _, rss, _ = measured(cmd, env=env)
        peaks[case] = rss
        print(f"{case:30} wall {wall:6.2f} s  peak RSS {rss:6.0f} MiB")
    delta = peaks["sample + A1:ZZ1048576 sheet"] - peaks["sample alone"]
    print(f"the A1:ZZ1048576 sheet costs {delta:+.0f} MiB of peak RSS (target: within 50 MiB)")


def repeat_count():
    """N of --repeat N (1 without it)."""
    argv = sys.argv[1:]
    if "--repeat" not in argv:
        return 1
    at = argv.index("--repeat")
    if at + 1 >= len(argv) or not argv[at + 1].isdigit() or int(argv[at + 1]) < 1:
        sys.exit("--repeat needs a positive whole number")
    return int(argv[at + 1])


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main():
    repeat = repeat_count()
    argv = [a for before, a in zip(sys.argv, sys.argv[1:]) if before != "--repeat"]
    args = [a for a in argv if not a.startswith("--")]
    tiers = args or ["county", "city"]
    pandas = "--no-pandas" not in sys.argv
    os.makedirs(WORK, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--bin", "keyproj", "--example", "parse_floor"], cwd=ROOT, check=True,
                   env=dict(os.environ, CARGO_TARGET_DIR=TARGET))
    if "trap" in tiers:
        trap()
        tiers = [t for t in tiers if t != "trap"]
    python = ensure_venv() if pandas and tiers else None
    for tier in tiers:
        inputs, config = ensure_tier(tier)
        out = os.path.join(WORK, f"{tier}-reports")
        state = os.path.join(WORK, f"{tier}-state")
        cmd = [BIN, "run", "--inputs", inputs, "--reports", out, "--state", state, "--month", "2026-11"]
        if config:
            cmd += ["--config", config]
        env = dict(os.environ, RUST_LOG="warn")
        runs = {}
        floors = []
        manifests = []
        for _ in range(repeat):
            for case, fresh_state, extra in [
                # The first run ever: empty state folder (archive, staging cache and the history
                # of every month of the year written).
                ("first run", True, []),
                # A night later: archive, staging cache and month history kept, no earlier
                # reports.
                ("nightly", False, []),
                # The same night with the staging cache switched off: every file parsed.
                ("nightly, --no-cache", False, ["--no-cache"]),
            ]:
                if fresh_state:
                    set_aside(state)
                set_aside(out)
                wall, cpu, rss, _ = measured(cmd + extra, env=env)
                run = json.load(open(os.path.join(out, "2026-11", "run.json")))
                manifests.append(json.load(open(os.path.join(out, "2026-11", "manifest.json"))))
                runs.setdefault(case, []).append((wall, cpu, rss, run))
            floors.append(measured([FLOOR, inputs]))
        rows = manifests[0]["totals"]["rows_read"]
        fwall, fcpu, frss, fout = min(floors, key=lambda f: f[0])
        fmedian = median([f[0] for f in floors])
        print(f"\n== {tier}: {manifests[0]['totals']['files']} files, {rows} rows ==")
        for case, measures in runs.items():
            wall, cpu, rss, run = min(measures, key=lambda m: m[0])
            print(f"{case:20} wall {wall:8.2f} s  cpu {cpu:8.2f} s  peak RSS {max(m[2] for m in measures):8.0f} MiB  "
                  f"job / parse floor = {wall / fwall:.2f}  ({run['files_from_cache']} files from the cache)")
            if repeat > 1:
                walls = [m[0] for m in measures]
                print(f"  {repeat} runs: " + " ".join(f"{w:.2f}" for w in walls) + f" s; best / best floor "
                      f"{wall / fwall:.2f}, median / median floor {median(walls) / fmedian:.2f}")
            stages = run["stages"]
            print("  stages    " + "  ".join(f"{k} {v:.2f}s" for k, v in stages.items() if k != "months"))
            for month in stages.get("months", []):
                print(f"  {month['month']}   " + "  ".join(
                    f"{k} {v:.2f}s" for k, v in month.items() if k != "month"))
            print(f"  per 1,000 rows: {wall / rows * 1000 * 1000:.1f} ms, {rss / rows * 1000:.2f} MiB")
        print(f"parse floor          wall {fwall:8.2f} s  cpu {fcpu:8.2f} s  ({fout.strip()})")
        if repeat > 1:
            print(f"  {repeat} runs: " + " ".join(f"{f[0]:.2f}" for f in floors) + " s")
        same = all(m == manifests[0] for m in manifests)
        print(f"outputs identical in all {len(manifests)} runs (manifest, with every output's hash): {'yes' if same else 'NO'}")
        if pandas:
            wall = min(m[0] for m in runs["nightly"])
            no_cache = min(m[0] for m in runs["nightly, --no-cache"])
            for engine in ["openpyxl", "calamine"]:
                pwall, _, _, _ = measured([python, "-c", PANDAS, engine, inputs], ok=(0,))
                print(f"pandas-{engine:8} wall {pwall:8.2f} s   pandas-{engine} / nightly job = {pwall / wall:.1f}"
                      f"   / job without cache = {pwall / no_cache:.1f}")
        if not same:
            sys.exit("outputs differ between the runs")
    shutil.rmtree(SET_ASIDE, ignore_errors=True)

if __name__ == "__main__":
    main()
