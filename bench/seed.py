"""Seed a benchmark database with N firms (default 100,000), once.

    python bench/seed.py [--firms N] [--database-url URL]

Prints the database URL it filled. Reuses an already-seeded SQLite file.
"""
import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app  # noqa: E402  (after sys.path names the project)
from portal.data.db import database  # noqa: E402  (after sys.path names the project)
from portal.data.migrations import migrate  # noqa: E402  (after sys.path names the project)
from portal.demo.firms import insert_firms  # noqa: E402  (after sys.path names the project)
from portal.models import Company  # noqa: E402  (after sys.path names the project)

DEFAULT_DIR = Path(__file__).resolve().parent / "out"


def seed(firms, database_url=None):
    url = database_url or os.environ.get("PORTAL_DATABASE_URL") or \
        f"sqlite:///{DEFAULT_DIR / f'bench-{firms}.db'}"
    app = create_app({"ENV_NAME": "development", "DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
    with app.app_context():
        migrate()
        have = Company.select().count()
        if have < firms:
            started = time.perf_counter()
            insert_firms(firms - have, start=have + 1, batch=2000)
            if url.startswith("sqlite"):
                database.execute_sql("ANALYZE")
            else:
                database.execute_sql("ANALYZE")
            print(f"seeded {firms - have} firms in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        database.close()
    return url


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    print(seed(args.firms, args.database_url))
