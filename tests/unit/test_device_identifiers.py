"""Device identifiers are checked as their issuing entities compute them (device_identifiers)."""
import pytest

from portal.partners import device_identifiers as ids


@pytest.mark.parametrize("value, issuer", [
    ("1987654Ad4X4bL5ttr2310c2K", "gs1"),          # GS1 General Specifications 7.9.5, worked example
    ("12345678901234567890123NT", "gs1"),          # GS1 Syntax Engine test vectors
    ("12345_ABCDEFGHIJKLMCP", "gs1"),              # a shorter one: the rightmost character weighs 2
    ("++A999MODELIDENTIFIER11S8", "hibcc"),        # the EUDAMED help's HIBCC example
    ("PP111234567823", "ifa"),                     # check digits as the IFA's PPN (mod 97, weights from 2)
    ("A99971234ABC", "iccbba"),
])
def test_valid_basic_udi_dis_are_recognised(value, issuer):
    assert ids.basic_udi_di_issuer(value) == issuer


@pytest.mark.parametrize("value", [
    "1987654Ad4X4bL5ttr2310c2X", "1987654Ad4X4bL5ttr2310cXK", "12345_ABCDEFGHIJKLMW8", "++A999MODELIDENTIFIER11S9",
    "+A999MODELIDENTIFIER11S8", "PP111234567824", "1234", "", "hello world", "1987654Ad4X4bL5ttr2310c2K" + "x" * 10,
])
def test_a_typing_error_or_a_wrong_shape_is_refused(value):
    assert ids.basic_udi_di_issuer(value) is None


def test_a_gs1_udi_di_is_a_gtin_with_its_check_digit():
    assert ids.udi_di_ok("09506000134352") and ids.udi_di_ok("4006381333931") and ids.udi_di_ok("96385074")
    assert not ids.udi_di_ok("09506000134353") and not ids.udi_di_ok("123") and not ids.udi_di_ok("٠٩٥٠٦٠٠٠١٣٤٣٥٢")


def test_emdn_codes_are_a_letter_and_pairs_of_digits():
    assert ids.emdn_ok("Z12010101") and ids.emdn_ok("M0101")
    assert not ids.emdn_ok("Z1") and not ids.emdn_ok("12010101") and not ids.emdn_ok("Z" + "01" * 7)
