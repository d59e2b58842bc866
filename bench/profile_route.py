"""Where one route's time goes: the load bench's data and session, the route requested in-process (no
gunicorn, no wrk) a few hundred times, the mean time per request and cProfile's heaviest functions.

    .venv/bin/python bench/profile_route.py --database-url sqlite:////work/main/bench/out/bench-100000.db \
        "Mes activités page"

The route is named as in bench/load.py's table; `--sql` prints the statements of one request instead.
A development tool: it prints, it asserts nothing."""
import argparse
import cProfile
import logging
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import ROUTES, SECRET, company_routes, staff_routes  # noqa: E402  (after sys.path)
from bench.seed import seed  # noqa: E402  (after sys.path)
from portal import create_app  # noqa: E402  (after sys.path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a database the load bench seeded")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--lines", type=int, default=30, help="how many functions to show")
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumtime"))
    parser.add_argument("--sql", action="store_true", help="print the SQL statements of one request instead")
    parser.add_argument("route", help="a route's name in bench/load.py's table (a part of it is enough)")
    args = parser.parse_args()
    url = seed(100_000, args.database_url)
    app = create_app({"ENV_NAME": "development", "DATABASE_URL": url, "LOG_LEVEL": "WARNING", "SECRET_KEY": SECRET,
                      "RATE_LIMITS": {"documents": 10**6, "new-people": 10**6}})
    routes = ROUTES + company_routes(app) + staff_routes(app)
    name, path, headers = next(route for route in routes if args.route in route[0])
    headers = dict(headers or {})
    client = app.test_client()
    for part in headers.pop("Cookie", "").split(";"):
        if part.strip():
            key, _, value = part.strip().partition("=")
            client.set_cookie(key, value)
    assert client.get(path, headers=headers).status_code == 200
    if args.sql:
        print_statements(client, path, headers)
        return
    started = time.perf_counter()
    for _ in range(args.requests):
        client.get(path, headers=headers)
    mean = (time.perf_counter() - started) / args.requests * 1000
    print(f"{name} ({path}): {mean:.2f} ms per request, in-process, {args.requests} requests")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        client.get(path, headers=headers)
    profile.disable()
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.lines)


def print_statements(client, path, headers):
    """The statements one request runs, as peewee logs them (after a first request, as most are served)."""
    statements = []

    class Keep(logging.Handler):
        def emit(self, record):
            if isinstance(record.msg, tuple):  # (sql, params); other lines are pool chatter
                statements.append(record.msg)

    log = logging.getLogger("peewee")
    log.addHandler(Keep(logging.DEBUG))
    log.setLevel(logging.DEBUG)
    log.propagate = False
    client.get(path, headers=headers)
    for sql, params in statements:
        print(f"- {sql}\n    {params}")
    print(f"{len(statements)} statement(s)")


if __name__ == "__main__":
    main()
