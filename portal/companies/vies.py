"""VIES, the EU's VAT Information Exchange System: is a VAT number registered?

One interface, two implementations chosen by PORTAL_VIES:
- `LiveVies` asks the European Commission's REST service (check-vat-number);
- `FakeVies` answers offline, for development and tests.
Both return a ViesResult; nothing else of the service leaks into the portal.
"""
import json
import logging
from dataclasses import dataclass

import requests
from flask import current_app

from portal import clock

log = logging.getLogger(__name__)

DEFAULT_URL = "https://ec.europa.eu/taxation_customs/vies/rest-api/check-vat-number"
VIES_PUBLIC_PAGE = "https://ec.europa.eu/taxation_customs/vies/"

VALID, INVALID, UNAVAILABLE, INPUT_ERROR = "valid", "invalid", "unavailable", "input_error"

# VIES error codes that mean "ask again later" rather than "this number is wrong".
_TRY_LATER = {
    "MS_UNAVAILABLE", "TIMEOUT", "SERVICE_UNAVAILABLE", "GLOBAL_MAX_CONCURRENT_REQ",
    "GLOBAL_MAX_CONCURRENT_REQ_TIME", "MS_MAX_CONCURRENT_REQ", "MS_MAX_CONCURRENT_REQ_TIME",
    "IP_BLOCKED", "VAT_BLOCKED", "RATE_LIMITED",
}


@dataclass
class ViesResult:
    status: str
    name: str = None
    address: str = None
    error: str = None  # the VIES error code, for the agency's eyes
    checked_at: object = None

    @property
    def confirmed(self):
        return self.status == VALID


def _clean(text):
    """VIES writes '---' when a member state does not disclose a field."""
    text = (text or "").strip()
    return None if not text or set(text) <= {"-"} else text


class LiveVies:
    """One connection per check (a registration asks one or two): nothing shared between threads."""

    def __init__(self, url=DEFAULT_URL, timeout=10.0):
        self.url = url
        self.timeout = timeout

    def check(self, prefix, number):
        try:
            response = requests.post(self.url, json={"countryCode": prefix, "vatNumber": number},
                                     headers={"Accept": "application/json"}, timeout=self.timeout)
        except requests.ReadTimeout:
            return self._result(UNAVAILABLE, error="TIMEOUT")
        except requests.RequestException as error:  # refused, reset, DNS, TLS, connect timeout
            return self._unreachable(error)
        if response.status_code == 429:
            return self._result(UNAVAILABLE, error="RATE_LIMITED")
        try:
            answer = json.loads(response.content or b"{}")
        except ValueError as error:
            if response.ok:  # a 200 that is not JSON: something else than VIES answered
                return self._unreachable(error)
            answer = {}
        if not response.ok and not answer.get("errorWrappers"):
            return self._result(UNAVAILABLE, error=f"HTTP_{response.status_code}")
        return self._interpret(answer)

    def _unreachable(self, error):
        log.warning("VIES unreachable: %s", type(error).__name__)
        return self._result(UNAVAILABLE, error="UNREACHABLE")

    def _interpret(self, answer):
        wrappers = answer.get("errorWrappers") or []
        if answer.get("actionSucceed") is False or wrappers:
            code = (wrappers[0].get("error") if wrappers else None) or "UNKNOWN"
            if code == "INVALID_INPUT":
                return self._result(INPUT_ERROR, error=code)
            return self._result(UNAVAILABLE, error=code if code in _TRY_LATER else code)
        if answer.get("valid") is True:
            return self._result(VALID, name=_clean(answer.get("name")), address=_clean(answer.get("address")))
        if answer.get("valid") is False:
            return self._result(INVALID)
        return self._result(UNAVAILABLE, error="UNEXPECTED_ANSWER")

    @staticmethod
    def _result(status, **fields):
        return ViesResult(status, checked_at=clock.utc(), **fields)


class FakeVies:
    """Offline stand-in: a few well-known answers, else 'valid' (the check
    digits were already verified before VIES is asked)."""

    KNOWN = {
        ("DE", "136695976"): ViesResult(VALID, "Musterfirma Medizintechnik GmbH", "Hauptstraße 1\n10115 Berlin"),
        ("FR", "40303265045"): ViesResult(VALID, "SA ODIMO", "12 RUE DE LA PAIX\n75002 PARIS"),
        ("NL", "004495445B01"): ViesResult(VALID, "Medisch Hulpmiddel B.V.", "Hoofdstraat 12\n1012 AB Amsterdam"),
        ("IT", "00743110157"): ViesResult(INVALID),
        ("ES", "A13585625"): ViesResult(UNAVAILABLE, error="MS_UNAVAILABLE"),
        ("AT", "U13585627"): ViesResult(UNAVAILABLE, error="TIMEOUT"),
    }

    def check(self, prefix, number):
        known = self.KNOWN.get((prefix, number))
        if known is None:
            return ViesResult(VALID, checked_at=clock.utc())
        return ViesResult(known.status, known.name, known.address, known.error, clock.utc())


def client():
    config = current_app.config
    if config["VIES"] == "fake":
        return FakeVies()
    return LiveVies(config["VIES_URL"], config["VIES_TIMEOUT"])
