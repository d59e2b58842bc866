"""The register's downloads at 100,000 firms: does the worker's memory stay flat while it streams them?

    python bench/open_data_stream.py [--firms 100000] [--postgres | --database-url URL]

Starts gunicorn with ONE sync worker on the seeded database, warms it (a page of the list, a page of the
API, a small download), then downloads the whole JSON and each CSV while sampling the worker's resident
memory (VmRSS, every 10 ms). Prints, per file: its size, the firms in it (checked against the listed
firms: each once), the time the worker was busy with it, and the worker's RSS before, at its peak during
the download, and after. Flat means the peak is the size of a batch of firms, not of the register.
Then reads the whole register through the API, page after page (none of them kept yet), and times it.
"""
import argparse
import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import SECRET, database_arguments, free_port, start_gunicorn, start_postgres  # noqa: E402  (after sys.path names the project)
from bench.seed import seed  # noqa: E402  (after sys.path names the project)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def worker_of(master):
    for _ in range(100):
        try:
            children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        except OSError:
            children = []
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("no gunicorn worker")


class Sampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.01)


def download(url, pid):
    before = rss_kib(pid)
    sampler = Sampler(pid)
    sampler.start()
    started = time.perf_counter()
    chunks = []
    with urllib.request.urlopen(url, timeout=300) as response:
        first_byte = time.perf_counter() - started
        while chunk := response.read(1 << 16):
            chunks.append(chunk)
    seconds = time.perf_counter() - started
    sampler.running = False
    sampler.join()
    return b"".join(chunks), seconds, first_byte, before, sampler.peak, rss_kib(pid)


def firms_in(path, body):
    if path.endswith(".json"):
        return [firm["agency_number"] for firm in json.loads(body)["firms"]]
    text = body.decode("utf-8-sig")
    separator = "," if path.endswith("lang=en") else ";"
    return [row["agency_number"] for row in csv.DictReader(io.StringIO(text), delimiter=separator)]


def listed_count(url):
    from portal import create_app
    from portal.activities import register
    from portal.data.db import database

    app = create_app({"ENV_NAME": "development", "DATABASE_URL": url, "LOG_LEVEL": "WARNING", "SECRET_KEY": SECRET})
    with app.app_context():
        count = register.listed_count()
        database.close()
    return count


def whole_register_by_api(base, listed):
    """A client that reads the whole register through the API, 200 firms a page, following `next`: each page
    a new address, so none was kept (the SQL of every page is run)."""
    timings, numbers, path = [], [], base + "/api/v1/firms?limit=200"
    started = time.perf_counter()
    while path:
        begun = time.perf_counter()
        body = json.loads(urllib.request.urlopen(path, timeout=60).read())
        timings.append(time.perf_counter() - begun)
        numbers += [firm["agency_number"] for firm in body["firms"]]
        path = body["next"]
    timings.sort()
    print(f"\nThe whole register through the API (limit=200, following next): {len(timings)} requests in "
          f"{time.perf_counter() - started:.1f} s, p50 {timings[len(timings) // 2] * 1000:.1f} ms, "
          f"p95 {timings[int(len(timings) * 0.95)] * 1000:.1f} ms, max {timings[-1] * 1000:.1f} ms; "
          f"{len(numbers):,} firms, each once: {'yes' if len(set(numbers)) == len(numbers) == listed else 'NO'}.")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    database_arguments(parser)
    args = parser.parse_args()
    pg_folder = None
    if args.database_url:
        url = seed(args.firms, args.database_url)
    elif args.postgres:
        pg_folder, url = start_postgres()
        url = seed(args.firms, url)
    else:
        url = seed(args.firms)
    port = free_port()
    server = start_gunicorn(url, port, workers=1, timeout=300)  # one worker: its memory is the measure
    try:
        pid = worker_of(server.pid)
        base = f"http://127.0.0.1:{port}"
        for warm in ("/fr/firms", "/api/v1/firms", "/api/v1/firms?name=medi", "/fr/open-data"):
            urllib.request.urlopen(base + warm, timeout=60).read()
        listed = listed_count(url)
        print(f"{args.firms:,} firms on {url.split(':')[0]}; gunicorn, 1 sync worker; RSS of the worker in MiB")
        print(f"| {'download':34} | {'MB':>6} | {'firms':>7} | {'once':>4} | {'first byte s':>12} | {'total s':>7} "
              f"| {'RSS before':>10} | {'peak':>6} | {'after':>6} | {'peak - before':>13} |")
        print(f"|{'-' * 36}|{'-' * 8}|{'-' * 9}|{'-' * 6}|{'-' * 14}|{'-' * 9}|{'-' * 12}|{'-' * 8}|{'-' * 8}|{'-' * 15}|")
        counts = set()
        for path in ("/open-data/register.json", "/open-data/register.csv?lang=fr", "/open-data/register.csv?lang=en",
                     "/open-data/register.json"):
            body, seconds, first_byte, before, peak, after = download(base + path, pid)
            numbers = firms_in(path, body)
            counts.add(len(numbers))
            once = len(numbers) == len(set(numbers))
            print(f"| {path:34} | {len(body) / 1e6:6.1f} | {len(numbers):7d} | {'yes' if once else 'NO':>4} "
                  f"| {first_byte:12.3f} | {seconds:7.2f} | {before / 1024:10.1f} | {peak / 1024:6.1f} "
                  f"| {after / 1024:6.1f} | {(peak - before) / 1024:13.1f} |")
        print(f"\nListed firms in the database: {listed:,}; in the files: {', '.join(f'{c:,}' for c in sorted(counts))}.")
        whole_register_by_api(base, listed)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)
        if pg_folder:
            subprocess.call([str(ROOT / "scripts" / "pg-throwaway.sh"), "stop", pg_folder])


if __name__ == "__main__":
    main()
