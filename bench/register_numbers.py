"""The register in numbers at 100,000 firms, and the back office's requests in numbers with a year of
decisions: what counting costs cold, and what the public page costs once kept rendered.

    python bench/register_numbers.py [--firms N] [--runs N] [--decisions N]

Runs in-process (Flask test client, no network), on the database bench/seed.py made. Adds `--decisions`
decided requests spread over the last twelve months and a few hundred waiting ones, once (their tokens
start with "bench-numbers-"). Prints each count's time cold (median of 5), the public page cold (the
counts and the rendering, once per version of the list) and kept (median, p95, ratio to /healthz, SQL
statements), and the back office's page for a reviewer.
"""
import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path

from peewee import chunked

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.public_list import measure  # noqa: E402  (after sys.path names the project)
from bench.queries import QueryCounter  # noqa: E402  (after sys.path names the project)
from bench.seed import seed  # noqa: E402  (after sys.path names the project)
from portal import create_app  # noqa: E402  (after sys.path names the project)
from portal.activities import register_numbers as counts  # noqa: E402  (after sys.path names the project)
from portal.data.db import database  # noqa: E402  (after sys.path names the project)
from portal.models import Registration  # noqa: E402  (after sys.path names the project)
from portal.registrations import work_numbers  # noqa: E402  (after sys.path names the project)

WAITING = 400


def timed(call, runs=5):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def add_requests(decisions):
    """`decisions` decided requests over the last 365 days and WAITING waiting ones, unless there are."""
    if Registration.select().where(Registration.token.startswith("bench-numbers-")).exists():
        return
    rng = random.Random(2026)
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    rows = []
    for index in range(decisions):
        decided = now - datetime.timedelta(seconds=rng.randint(0, 365 * 86400))
        rows.append({"token": f"bench-numbers-{index}", "status": rng.choice(work_numbers.DECIDED),
                     "submitted_at": decided - datetime.timedelta(seconds=rng.randint(3600, 40 * 86400)),
                     "decided_at": decided})
    for index in range(WAITING):
        rows.append({"token": f"bench-numbers-w{index}", "status": Registration.SUBMITTED,
                     "submitted_at": now - datetime.timedelta(seconds=rng.randint(0, 120 * 86400))})
    with database.atomic():
        for chunk in chunked(rows, 1000):  # a request's defaulted columns are parameters too
            Registration.insert_many(chunk).execute()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--decisions", type=int, default=20_000)
    args = parser.parse_args()

    url = seed(args.firms)
    app = create_app({"ENV_NAME": "development", "DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
    with app.app_context():
        add_requests(args.decisions)
        print(f"{args.firms:,} firms, {args.decisions:,} decisions in 12 months, database {url.split(':')[0]}")
        print("cold, median of 5 (ms):")
        for name, call in (("by country", counts.firms_by_country), ("by activity", counts.firms_by_activity),
                           ("first registrations, 24 months", lambda: counts.first_registrations(counts.MONTHS)),
                           ("all three (register_numbers)", counts.register_numbers),
                           ("requests waiting by age", work_numbers.waiting_by_age),
                           ("decisions and medians, 12 months",
                            lambda: work_numbers.decisions_by_month(work_numbers.MONTHS))):
            print(f"  {name:36} {timed(call):8.1f}")
        database.close()

    client = app.test_client()
    started = time.perf_counter()
    assert client.get("/fr/numbers").status_code == 200
    print(f"public page, first request (counted and rendered): {(time.perf_counter() - started) * 1000:.1f} ms")
    counter = QueryCounter()
    bare = measure(client, "/healthz", args.runs)[0]
    queries = counter.count_for(client, "/fr/numbers")
    median, p95 = measure(client, "/fr/numbers", args.runs)
    print(f"public page, kept: median {median * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, "
          f"{median / bare:.1f} x /healthz, {queries} SQL statements")


if __name__ == "__main__":
    main()
