#!/usr/bin/env python3
"""keyproj benchmark: the whole job against the parse floor and the tools a statistics clerk
would use instead (pandas read_excel with openpyxl and with calamine), on generated tiers.

Usage: python3 benches/bench.py [county] [city] [province] [--no-pandas]
Builds the release binaries, generates each tier once under $KEYPROJ_BENCH_DIR (default
/tmp/keyproj-bench), installs pandas into a venv there, and prints wall time, CPU time, peak
RSS, time per stage and the ratios; per 1,000 rows for linearity. The job is measured in the
nightly case: inputs already archived (a first, unmeasured run fills the archive), no month
history, no earlier reports.
"""
import json
import os
import shutil
import subprocess
import sys

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


def measured(cmd, **kw):
    """Run cmd; return (wall s, cpu s, peak RSS MiB, stdout)."""
    out = subprocess.run([sys.executable, "-c", RUSAGE] + cmd, capture_output=True, text=True, check=True, **kw)
    r = json.loads(out.stdout)
    if r["code"] not in (0, 1):
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
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "pandas", "openpyxl", "python-calamine"], check=True)
    return python


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    tiers = args or ["county", "city"]
    pandas = "--no-pandas" not in sys.argv
    os.makedirs(WORK, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--bin", "keyproj", "--example", "parse_floor"], cwd=ROOT, check=True,
                   env=dict(os.environ, CARGO_TARGET_DIR=TARGET))
    python = ensure_venv() if pandas else None
    for tier in tiers:
        inputs, config = ensure_tier(tier)
        out = os.path.join(WORK, f"{tier}-reports")
        state = os.path.join(WORK, f"{tier}-state")
        cmd = [BIN, "run", "--inputs", inputs, "--reports", out, "--state", state, "--month", "2026-11"]
        if config:
            cmd += ["--config", config]
        env = dict(os.environ, RUST_LOG="warn")
        # The nightly case: the inputs are already in the archive, there is no history for the
        # months (so the previous month is assessed too) and no earlier reports.
        if not os.path.isdir(os.path.join(state, "archive")):
            subprocess.run(cmd, env=env, capture_output=True)
        for name in os.listdir(state):
            if name != "archive":
                shutil.rmtree(os.path.join(state, name), ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        wall, cpu, rss, _ = measured(cmd, env=env)
        run = json.load(open(os.path.join(out, "2026-11", "run.json")))
        manifest = json.load(open(os.path.join(out, "2026-11", "manifest.json")))
        rows = manifest["totals"]["rows_read"]
        fwall, fcpu, frss, fout = measured([FLOOR, inputs])
        print(f"\n== {tier}: {manifest['totals']['files']} files, {rows} rows ==")
        print(f"job         wall {wall:8.2f} s  cpu {cpu:8.2f} s  peak RSS {rss:8.0f} MiB")
        print("  stages    " + "  ".join(f"{k} {v:.2f}s" for k, v in run["stages"].items()))
        print(f"parse floor wall {fwall:8.2f} s  cpu {fcpu:8.2f} s  ({fout.strip()})")
        print(f"per 1,000 rows: job {wall / rows * 1000 * 1000:.1f} ms, {rss / rows * 1000:.2f} MiB")
        print(f"job / parse floor = {wall / fwall:.2f}")
        if pandas:
            for engine in ["openpyxl", "calamine"]:
                pwall, _, _, _ = measured([python, "-c", PANDAS, engine, inputs])
                print(f"pandas-{engine:8} wall {pwall:8.2f} s   pandas-{engine} / job = {pwall / wall:.1f}")


if __name__ == "__main__":
    main()
