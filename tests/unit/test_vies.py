"""The live VIES client against a local server that plays VIES, errors included."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal.companies import vies
from portal.companies.vies import INPUT_ERROR, INVALID, UNAVAILABLE, VALID, FakeVies, LiveVies

# vatNumber -> (HTTP status, JSON answer, delay in seconds)
ANSWERS = {
    "111": (200, {"countryCode": "DE", "vatNumber": "111", "valid": True, "name": "Medi GmbH",
                  "address": "Hauptstraße 1\n10115 Berlin"}, 0),
    "222": (200, {"countryCode": "DE", "vatNumber": "222", "valid": False, "name": "---", "address": "---"}, 0),
    "333": (200, {"actionSucceed": False, "errorWrappers": [{"error": "MS_UNAVAILABLE", "message": "down"}]}, 0),
    "444": (400, {"actionSucceed": False, "errorWrappers": [{"error": "INVALID_INPUT"}]}, 0),
    "555": (429, {}, 0),
    "666": (500, None, 0),
    "777": (200, {"countryCode": "DE", "vatNumber": "777", "valid": True}, 1.0),
    "888": (200, {"countryCode": "ES", "vatNumber": "888", "valid": True, "name": "---", "address": "---"}, 0),
    "999": (200, {"actionSucceed": False, "errorWrappers": [{"error": "TIMEOUT"}]}, 0),
    "000": (200, None, 0),  # something else than VIES answers, and not in JSON
}


class FakeViesHandler(BaseHTTPRequestHandler):
    requests = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeViesHandler.requests.append(body)
        status, answer, delay = ANSWERS[body["vatNumber"]]
        time.sleep(delay)  # a slow member state; the client's timeout is what is tested
        payload = b"<html>Internal error</html>" if answer is None else json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        try:
            self.wfile.write(payload)
        except BrokenPipeError:
            pass  # the client gave up waiting, as it should

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def vies_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeViesHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/check-vat-number"
    server.shutdown()
    server.server_close()


@pytest.fixture
def client(vies_url):
    return LiveVies(vies_url, timeout=0.3)


def test_valid_number_brings_name_and_address(client):
    result = client.check("DE", "111")
    assert result.status == VALID and result.confirmed
    assert result.name == "Medi GmbH"
    assert result.address == "Hauptstraße 1\n10115 Berlin"
    assert result.checked_at is not None
    assert FakeViesHandler.requests[-1] == {"countryCode": "DE", "vatNumber": "111"}


def test_invalid_number(client):
    result = client.check("DE", "222")
    assert result.status == INVALID and not result.confirmed


def test_undisclosed_name_and_address_are_none(client):
    result = client.check("ES", "888")
    assert result.status == VALID and result.name is None and result.address is None


@pytest.mark.parametrize("number,error", [
    ("333", "MS_UNAVAILABLE"), ("999", "TIMEOUT"), ("555", "RATE_LIMITED"), ("666", "HTTP_500"),
])
def test_service_troubles_mean_try_later(client, number, error):
    result = client.check("DE", number)
    assert result.status == UNAVAILABLE
    assert result.error == error


def test_a_slow_answer_times_out(client):
    started = time.monotonic()
    result = client.check("DE", "777")
    assert result.status == UNAVAILABLE and result.error == "TIMEOUT"
    assert time.monotonic() - started < 0.9


def test_bad_input_is_not_a_service_trouble(client):
    assert client.check("DE", "444").status == INPUT_ERROR


def test_unreachable_service():
    result = LiveVies("http://127.0.0.1:9/check-vat-number", timeout=0.3).check("DE", "111")
    assert result.status == UNAVAILABLE and result.error in ("UNREACHABLE", "TIMEOUT")


def test_an_answer_that_is_not_json_means_try_later(client):
    result = client.check("DE", "000")
    assert result.status == UNAVAILABLE and result.error == "UNREACHABLE"


def test_the_app_checks_through_the_live_client_its_settings_name(app, vies_url):
    app.config.update(VIES="live", VIES_URL=vies_url, VIES_TIMEOUT=0.3)
    with app.app_context():
        assert vies.client().check("DE", "111").status == VALID


def test_fake_answers_from_its_table_else_valid():
    fake = FakeVies()
    assert fake.check("DE", "136695976").name == "Musterfirma Medizintechnik GmbH"
    assert fake.check("IT", "00743110157").status == INVALID
    assert fake.check("ES", "A13585625").status == UNAVAILABLE
    assert fake.check("SE", "556703748501").status == VALID
