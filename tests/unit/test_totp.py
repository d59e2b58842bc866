"""TOTP codes: RFC 6238 with one step of tolerance, no replay, clock-skew hint."""
import pyotp

from portal.logins import totp

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = 1_800_000_000  # a fixed instant; time is injected, never slept


def code_at(seconds):
    return pyotp.TOTP(SECRET).at(seconds)


def test_the_current_code_and_one_step_either_side_are_accepted():
    for offset in (-30, 0, 30):
        result = totp.check(SECRET, code_at(NOW + offset), NOW)
        assert result.accepted and result.counter == (NOW + offset) // 30


def test_a_phone_running_behind_is_refused_with_a_clock_hint():
    result = totp.check(SECRET, code_at(NOW - 9 * 60), NOW)
    assert not result.accepted and result.skew_minutes == -9


def test_a_code_of_a_future_step_gets_no_hint():
    """A hint would tell a guesser that the code they typed will be right in a few minutes."""
    for minutes in (2, 4, 9):
        result = totp.check(SECRET, code_at(NOW + minutes * 60), NOW)
        assert not result.accepted and result.skew_minutes is None and result.counter is None


def test_beyond_ten_minutes_is_just_wrong():
    result = totp.check(SECRET, code_at(NOW + 15 * 60), NOW)
    assert not result.accepted and result.skew_minutes is None


def test_a_code_or_an_earlier_step_is_not_accepted_twice():
    first = totp.check(SECRET, code_at(NOW), NOW)
    again = totp.check(SECRET, code_at(NOW), NOW + 5, last_counter=first.counter)
    assert not again.accepted and again.replayed
    earlier = totp.check(SECRET, code_at(NOW - 30), NOW, last_counter=first.counter)
    assert not earlier.accepted and earlier.replayed
    later = totp.check(SECRET, code_at(NOW + 30), NOW + 30, last_counter=first.counter)
    assert later.accepted


def test_spaces_are_ignored_and_garbage_refused():
    code = code_at(NOW)
    assert totp.check(SECRET, f"{code[:3]} {code[3:]}", NOW).accepted
    assert not totp.check(SECRET, "abcdef", NOW).accepted
    assert not totp.check(SECRET, "", NOW).accepted


def test_provisioning_uri_names_the_agency_and_the_niss():
    uri = totp.provisioning_uri(SECRET, "85073003328")
    assert uri.startswith("otpauth://totp/AFMPS:85073003328?") and "issuer=AFMPS" in uri
    assert totp.qr_svg(uri).startswith(b"<?xml")
