"""The proof harness: the real app on a live server, driven by a real Chromium.

Each journey test takes the `visitor` fixture, which runs it twice, with
JavaScript on (htmx swaps fragments) and off (plain links and forms). Every
page the visitor lands on is audited by axe-core (WCAG 2.0/2.1/2.2 A and AA:
zero violations) and checked for horizontal scrolling.
"""
import re
import threading
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from portal.data.db import database
from portal.data.migrations import migrate
from portal.demo.firms import insert_firms
from tests.browser.visitor import Visitor
from tests.builders import make_firm
from tests.harness import make_app

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, smtp_server):
    folder = tmp_path_factory.mktemp("live")
    app = make_app(f"sqlite:///{folder / 'portal.db'}", folder / "instance",
                   SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, TESTING=False,
                   # every journey comes from 127.0.0.1: the limits are for one person, not the whole suite
                   RATE_LIMITS={"login": 10_000, "register": 10_000, "wizard": 10_000, "resume-mail": 10_000,
                                "reset": 10_000, "reset-mail": 10_000})
    with app.app_context():
        migrate()
        insert_firms(60)
        make_firm("Zeta Orthopaedics GmbH", "DE", "900001", ["manufacturer"], city="Berlin")
        make_firm("Zeta Vision AB", "SE", "900002", ["distributor"], city="Stockholm")
        database.close()
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def localhost_server(live_server):
    """The live server as http://localhost:PORT, its PORTAL_BASE_URL for the test: a browser accepts an RP ID
    that is a host name (not an address) for passkeys, and localhost is a secure context without TLS. The
    same server, not a second one: a second app in the process takes the first one's database
    (data.db.init_app), and the journeys after it would read an empty register."""
    app = live_server.app
    before = app.config["BASE_URL"]
    app.config["BASE_URL"] = f"http://localhost:{live_server.server.server_port}"
    yield SimpleNamespace(app=app, url=app.config["BASE_URL"])
    app.config["BASE_URL"] = before


def _auditor(new_context, base_url, **context_args):
    """A page of the same origin that runs axe on copies of script-less pages."""
    context = new_context(**context_args)
    context.route(re.compile(r".*\.js(\?.*)?$"), lambda route: route.abort())
    page = context.new_page()
    page.goto(base_url + "/healthz")
    return page


@pytest.fixture(params=[True, False], ids=["js-on", "js-off"])
def visitor(request, new_context, live_server):
    javascript = request.param
    context = new_context(java_script_enabled=javascript, locale="fr-BE")
    auditor = None if javascript else _auditor(new_context, live_server.url, locale="fr-BE")
    return Visitor(context.new_page(), live_server.url, javascript=javascript, auditor=auditor)


@pytest.fixture
def narrow_visitor(new_context, live_server):
    """A phone-sized window: 320 CSS pixels wide."""
    context = new_context(viewport={"width": 320, "height": 640}, locale="fr-BE")
    return Visitor(context.new_page(), live_server.url, javascript=True)
