"""The portal's clock: the real one, or the one a test gives an app, however it is given."""
import datetime

import pytest

from portal import clock
from tests.harness import make_app


@pytest.mark.parametrize("how", ["item", "update", "setdefault", "create_app"])
def test_a_clock_given_to_an_app_is_the_one_its_pages_read(monkeypatch, tmp_path, how):
    monkeypatch.setattr(clock, "_moved", False)  # as in a process where no app was given one yet
    moment = 1_800_000_000
    app = make_app("sqlite:///" + str(tmp_path / "c.db"), tmp_path,
                   **({"CLOCK": lambda: moment} if how == "create_app" else {}))
    if how == "item":
        app.config["CLOCK"] = lambda: moment
    elif how == "update":
        app.config.update({"CLOCK": lambda: moment})
    elif how == "setdefault":
        app.config.setdefault("CLOCK", lambda: moment)
    with app.app_context():
        assert clock.now() == moment and clock.utc().year == 2027


def test_without_a_clock_of_its_own_an_app_reads_the_real_one(tmp_path):
    import time

    app = make_app("sqlite:///" + str(tmp_path / "c.db"), tmp_path)
    with app.app_context():
        assert abs(clock.now() - time.time()) < 5


def test_the_months_back_end_with_this_month_in_brussels(tmp_path):
    # 31 December 2026, 23:30 UTC: already January 2027 in Brussels.
    moment = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.timezone.utc).timestamp()
    app = make_app("sqlite:///" + str(tmp_path / "c.db"), tmp_path, CLOCK=lambda: moment)
    with app.app_context():
        months = clock.months_back(14)
    assert months[0] == datetime.date(2025, 12, 1) and months[-1] == datetime.date(2027, 1, 1) and len(months) == 14
    assert clock.brussels_midnight(datetime.date(2027, 1, 1)) == datetime.datetime(2026, 12, 31, 23)
    assert clock.brussels_midnight(datetime.date(2026, 7, 1)) == datetime.datetime(2026, 6, 30, 22)  # summer time
