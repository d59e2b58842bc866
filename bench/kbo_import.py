"""Import bench: `flask portal import-kbo` on a synthetic extract of the size
of the real one (1.9 million enterprises, about 36 million activity rows),
in the published format (portal/demo/kbo_synthetic.py).

    python bench/kbo_import.py [--enterprises 1900000] [--activities 19] [--sqlite] [--extract PATH]

Writes the extract (or reuses --extract), starts a throwaway PostgreSQL
server (or a SQLite file with --sqlite), migrates, then runs the import as an
operator would, in its own process, and prints rows per second per file and
overall, and the peak memory (maximum resident set) of the import process.
Then an update extract changing 1 % of the enterprises, the same way.
"""
import argparse
import datetime
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.demo.kbo_synthetic import write_full, write_update  # noqa: E402  (after sys.path names the project)

FLASK = [sys.executable, "-m", "flask", "--app", "wsgi", "portal"]


def _run(args, env):
    """Run a command; returns (seconds, its output). The import says its own peak
    memory (VmHWM): a child's ru_maxrss would count this process's pages too."""
    started = time.monotonic()
    result = subprocess.run(args, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args[-2:])} failed:\n{result.stdout}{result.stderr[-2000:]}")
    return time.monotonic() - started, result.stdout


def _rows(env):
    """Rows read per file by the last import (recorded in its KboExtract row)."""
    code = ("from portal import create_app, bce; import json; app = create_app()\n"
            "with app.app_context(): e = bce.latest_extract(); print(e.rows)")
    output = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=1_900_000)
    parser.add_argument("--activities", type=int, default=19, help="activity rows per enterprise")
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--extract", help="an extract already written (reused, not deleted)")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kbo-bench-"))
    full = Path(options.extract) if options.extract else work / "KboOpenData_0140_Full.zip"
    if not full.exists():
        started = time.monotonic()
        write_full(full, options.enterprises, 140, datetime.date(2026, 10, 2), activities=options.activities)
        print(f"extract written: {full.stat().st_size / 2**20:,.0f} MiB compressed in {time.monotonic() - started:,.0f} s")
    update = write_update(work / "KboOpenData_0141_Update.zip", 141, datetime.date(2026, 11, 6),
                          changed=range(0, options.enterprises, 100), stopped=range(50, options.enterprises, 1000),
                          activities=options.activities, renamed={i: f"Renamed {i}" for i in range(0, options.enterprises, 200)})

    pg_dir = None
    env = dict(os.environ, PORTAL_ENV="development", PORTAL_INSTANCE_DIR=str(work / "instance"))
    if options.sqlite:
        env["PORTAL_DATABASE_URL"] = f"sqlite:///{work / 'bench.db'}"
    else:
        pg_dir, port = subprocess.run([str(ROOT / "scripts/pg-throwaway.sh"), "start"], capture_output=True,
                                      text=True, check=True).stdout.split()
        env["PORTAL_DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    try:
        _run(FLASK + ["migrate"], env)
        print(f"\n{'SQLite' if options.sqlite else 'PostgreSQL'}, {options.enterprises:,} enterprises, "
              f"{options.activities} activities each")
        print("| import | rows | seconds | rows/s | peak RSS of the import process |")
        print("|---|---:|---:|---:|---:|")
        for label, path, extra in (("full", full, []), ("full again (idempotent)", full, []),
                                   ("update (1 % changed, 0.1 % stopped)", update, ["--update"])):
            seconds, output = _run(FLASK + ["import-kbo", *extra, str(path)], env)
            rows = _rows(env)
            total = sum(rows.values())
            peak = re.search(r"peak memory ([\d,]+ MiB)", output)
            print(f"| {label} | {total:,} | {seconds:,.1f} | {total / seconds:,.0f} | {peak.group(1) if peak else '?'} |")
            if label == "full":
                detail = rows
        print("\nRows per file of the full extract: " + ", ".join(f"{name} {count:,}" for name, count in detail.items()))
        print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB peak)")
    finally:
        if pg_dir:
            subprocess.run([str(ROOT / "scripts/pg-throwaway.sh"), "stop", pg_dir], check=False)
        if not options.extract:
            full.unlink(missing_ok=True)
        update.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
