"""Soak: a mix of public and logged-in pages at 32 connections for ten minutes.

    python bench/soak.py [--minutes 10] [--postgres | --database-url URL] [--firms 100000] [--think 40]

gunicorn with 2 sync workers on the bench database (bench/seed.py), behind
nginx as in production (the README's "behind a proxy"); five wrk
processes at once, one per kind of page (public pages, the list and its
search, the portal of a logged-in company user, the back office, the
wizard), 32 connections in all, each request a random page of its kind.

Each connection is a person: after each answer it waits a random time (0 to
twice --think ms, 40 by default) before its next request, as someone reading
a page does. The proxy is what makes such a person cheap: it reads the whole
request before handing it to a worker, as a sync worker needs (without it, a
worker would sit on the open connection of someone still reading). --direct
leaves the proxy out. --think 0 asks flat out: then the p95 is mostly the queue in
front of the two workers (32 connections against 2 workers: by Little's law
the mean wait is 32 / throughput, whatever a page costs), a saturation figure
rather than the latency a person sees.

It prints per kind: requests, errors (any answer of 400 or more, any socket
error), p50/p95/p99 against issue 15's p95 target; and the resident memory of
each worker every minute, first and last. Exit status 1 on any error, on a p95
over its target (paced runs), or on a worker whose memory grew by more than a
fifth after the first minute (the first minute fills what a process keeps by
design: templates, shared pages).
"""
import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402  (after sys.path names the project)

CONNECTIONS = {"public": 6, "list": 8, "portal": 8, "staff": 4, "wizard": 6}  # 32 in all
P95_TARGET = {"public": 10, "list": 25, "portal": 30, "staff": 30, "wizard": 25}  # ms, at 16 connections


def kinds_of(app):
    """{kind: [(path, headers)]}: every page of the load bench, by kind."""
    pages = {kind: [] for kind in CONNECTIONS}
    for name, path, headers in load.ROUTES + load.company_routes(app) + load.staff_routes(app) + load.wizard_routes(app):
        if path == load.RANDOM_SEARCH or name.startswith("hello"):
            continue
        kind = load.KIND.get(name) or ("portal" if headers and "Cookie" in headers else "public")
        kind = {"search": "list"}.get(kind, kind)
        if name.startswith("staff"):
            kind = "staff"
        if name.startswith(("access", "Mon ", "Mes ", "a dossier", "registered firms")):
            kind = "portal"
        pages[kind].append((path, headers or {}))
    _, terms = load.search_script(app)
    pages["list"] += [(f"/fr/firms?name={term}", {}) for term in terms[:200]]
    return pages


def script(kind, pages, think):
    """A wrk script asking for a random page of the kind at each request, after a think time."""
    def lua(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    entries = ",\n".join("{" + lua(path) + ", {" + ", ".join(f"[{lua(k)}] = {lua(v)}" for k, v in headers.items())
                         + "}}" for path, headers in pages)
    path = ROOT / "bench" / "out" / f"soak_{kind}.lua"
    path.write_text(f"local pages = {{\n{entries}\n}}\n"
                    "request = function()\n"
                    "  local page = pages[math.random(#pages)]\n"
                    '  return wrk.format("GET", page[1], page[2])\n'
                    "end\n"
                    + (f"delay = function() return math.random(0, {2 * think}) end\n" if think else "")
                    + f'dofile("{ROOT / "bench" / "report.lua"}")\n')
    return path


NGINX = """daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
    }}
  }}
}}
"""


@contextlib.contextmanager
def proxy(upstream):
    """nginx on a free loopback port in front of gunicorn: its port. Stopped at the end."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    folder = ROOT / "bench" / "out" / "nginx"
    folder.mkdir(parents=True, exist_ok=True)
    port = load.free_port()
    (folder / "nginx.conf").write_text(NGINX.format(folder=folder, port=port, upstream=upstream))
    process = subprocess.Popen([nginx, "-c", str(folder / "nginx.conf"), "-p", str(folder)],
                               stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("nginx did not start (apt-get install nginx-light)")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def workers_of(master):
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    load.database_arguments(parser)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--think", type=int, default=40, help="mean ms a connection waits between requests")
    parser.add_argument("--direct", action="store_true", help="wrk straight to gunicorn, no proxy")
    args = parser.parse_args()
    with load.serving(args.firms, args.postgres, args.database_url) as (url, port, app, server), \
            (contextlib.nullcontext(port) if args.direct else proxy(port)) as port:
        pages = kinds_of(app)
        seconds = int(args.minutes * 60)
        memory = {pid: [rss_mib(pid)] for pid in workers_of(server.pid)}
        runs = {kind: subprocess.Popen(["wrk", "-t", "1", "-c", str(CONNECTIONS[kind]), "-d", f"{seconds}s",
                                        "--timeout", "10s", "-s", str(script(kind, pages[kind], args.think)),
                                        f"http://127.0.0.1:{port}"], stdout=subprocess.PIPE, text=True)
                for kind in CONNECTIONS}
        stop = threading.Event()

        def sample():
            while not stop.wait(60):
                for pid in memory:
                    memory[pid].append(rss_mib(pid))
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        results = {}
        for kind, run in runs.items():
            out, _ = run.communicate(timeout=seconds + 120)
            results[kind] = json.loads(next(line for line in out.splitlines() if line.startswith("JSON "))[5:])
        stop.set()
        for pid in memory:
            memory[pid].append(rss_mib(pid))
        total = sum(result["requests"] for result in results.values())
        print(f"soak: {args.minutes:g} min, {sum(CONNECTIONS.values())} connections "
              f"({f'{args.think} ms mean think time' if args.think else 'flat out'}), "
              f"{'' if args.direct else 'nginx, '}2 sync workers, "
              f"{args.firms:,} firms on {url.split(':')[0]}: {total:,} requests, {total / seconds:.0f} a second")
        print("| kind | pages | connections | requests | errors | p50 ms | p95 ms | p99 ms | p95 target | met |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        failed = False
        for kind, result in results.items():
            met = result["p95"] <= P95_TARGET[kind]
            failed |= bool(result["errors"]) or (not met and args.think > 0)  # flat out, the p95 is the queue
            print(f"| {kind} | {len(pages[kind])} | {CONNECTIONS[kind]} | {result['requests']} | {result['errors']} | "
                  f"{result['p50']:.1f} | {result['p95']:.1f} | {result['p99']:.1f} | ≤{P95_TARGET[kind]} "
                  f"| {'yes' if met else 'NO'} |")
        print("\n| worker | RSS MiB at start | each minute | at end | growth after the first minute |")
        print("|---|---:|---|---:|---:|")
        for pid, samples in memory.items():
            # From the first minute's figure: the first minute fills what a process keeps by design
            # (templates compiled per language, the shared pages, prepared statements, addresses).
            warm = samples[1] if len(samples) > 2 else samples[0]
            growth = samples[-1] / warm - 1
            failed |= growth > 0.2
            print(f"| {pid} | {samples[0]:.1f} | {' '.join(f'{s:.0f}' for s in samples[1:-1])} | {samples[-1]:.1f} "
                  f"| {growth:+.1%} |")
        sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
