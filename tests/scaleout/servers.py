"""A gunicorn app server (one worker) on the test database, for the tests that need real processes."""
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.harness import free_port

ROOT = Path(__file__).resolve().parents[2]


def serve(env):
    """Start gunicorn with `env` in its own process group; returns (process, base URL) once it answers."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
                                "--log-level", "critical", "wsgi:app"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(f"{base}/healthz", timeout=1)
            break
        except requests.RequestException:  # not listening yet, or still starting under load
            time.sleep(0.1)
    return process, base
