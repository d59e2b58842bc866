"""Public list of registered firms at 100,000 firms: how much slower than a bare page?

    python bench/public_list.py [--firms N] [--runs N]

Runs in-process (Flask test client, no network), so the figures are the
portal's own cost: routing, SQL, templates. Prints median and p95 per route,
the ratio of each median to the bare /healthz page, and SQL queries per request.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.queries import QueryCounter  # noqa: E402  (after sys.path names the project)
from bench.seed import seed  # noqa: E402  (after sys.path names the project)
from portal import create_app  # noqa: E402  (after sys.path names the project)

ROUTES = [
    ("bare page (/healthz)", "/healthz"),
    ("home", "/fr/"),
    ("list, first page", "/fr/firms"),
    ("name prefix 'medi'", "/fr/firms?name=medi"),
    ("two words 'medi eur'", "/fr/firms?name=medi+eur"),
    ("country DE", "/fr/firms?country=DE"),
    ("page 50", "/fr/firms?page=50"),
    ("prefix + country + page 50", "/fr/firms?name=c&country=DE&page=50"),
    ("activity importer, page 50", "/fr/firms?activity=importer&page=50"),
    ("agency number", "/fr/firms?number=54321"),
    ("htmx fragment, page 50", "/fr/firms?page=50"),
]


def measure(client, path, runs, headers=None):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path, headers=headers or {})
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    url = seed(args.firms)
    app = create_app({"ENV_NAME": "development", "DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
    client = app.test_client()
    counter = QueryCounter()

    print(f"{args.firms:,} firms, {args.runs} requests per route, database {url.split(':')[0]}")
    print(f"{'route':32} {'median ms':>10} {'p95 ms':>8} {'x bare':>7} {'SQL/req':>8}")
    bare = None
    for name, path in ROUTES:
        headers = {"HX-Request": "true", "HX-Request-Type": "partial"} if "htmx" in name else None
        measure(client, path, 5, headers)  # warm up
        queries = counter.count_for(client, path, headers)
        median, p95 = measure(client, path, args.runs, headers)
        bare = bare or median
        print(f"{name:32} {median * 1000:10.2f} {p95 * 1000:8.2f} {median / bare:7.1f} {queries:8d}")


if __name__ == "__main__":
    main()
