"""Name search at 100,000 and 1,000,000 firms, without the shared-page copy:
what the first visitor asking for a term waits, in-process (no network).

    python bench/name_search.py [--firms 100000 1000000] [--terms 400]

Terms are 1 to 4 first letters of words of the firms' names (as the load
bench's random search), asked once each on the first page, then on page 10.
Prints the median and p95 per size and the ratio of the larger to the smaller
(issue 15: within 1.5).
"""
import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.queries import QueryCounter  # noqa: E402  (after sys.path names the project)
from bench.seed import seed  # noqa: E402  (after sys.path names the project)
from portal import create_app  # noqa: E402  (after sys.path names the project)
from portal.data.db import database  # noqa: E402  (after sys.path names the project)
from portal.models import CompanyNameWord  # noqa: E402  (after sys.path names the project)


def terms_of(app, count):
    with app.app_context():
        words = [word for word, in CompanyNameWord.select(CompanyNameWord.word).distinct().limit(5000).tuples()]
        database.close()
    rng = random.Random(15)
    return sorted({rng.choice(words)[:rng.randint(1, 4)] for _ in range(count * 3)})[:count]


def measure(url, terms, page):
    app = create_app({"ENV_NAME": "development", "DATABASE_URL": url, "LOG_LEVEL": "WARNING", "PAGE_CACHE": False})
    client = app.test_client()
    counter = QueryCounter()
    client.get("/fr/firms?name=a")  # connection, templates
    times = []
    for term in terms:
        started = time.perf_counter()
        response = client.get(f"/fr/firms?name={term}&page={page}")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    queries = counter.count_for(client, f"/fr/firms?name={terms[0]}&page={page}")
    return statistics.median(times), sorted(times)[int(len(times) * 0.95)], queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--terms", type=int, default=400)
    parser.add_argument("--database-url", nargs="*", help="one per size (PostgreSQL); SQLite files by default")
    args = parser.parse_args()
    urls = args.database_url or [seed(firms) for firms in args.firms]
    first_app = create_app({"ENV_NAME": "development", "DATABASE_URL": urls[0], "LOG_LEVEL": "WARNING"})
    terms = terms_of(first_app, args.terms)
    print(f"{len(terms)} terms of 1 to 4 letters, each asked once, no shared copy")
    print("| firms | page | median ms | p95 ms | SQL |")
    print("|---:|---:|---:|---:|---:|")
    results = {}
    for firms, url in zip(args.firms, urls):
        for page in (1, 10):
            median, p95, queries = measure(url, terms, page)
            results[(firms, page)] = (median, p95)
            print(f"| {firms:,} | {page} | {median:.2f} | {p95:.2f} | {queries} |")
    if len(args.firms) > 1:
        small, large = args.firms[0], args.firms[-1]
        for page in (1, 10):
            ratio = results[(large, page)][0] / results[(small, page)][0]
            print(f"page {page}: median at {large:,} is {ratio:.2f} x that at {small:,} (target ≤ 1.5)")


if __name__ == "__main__":
    main()
