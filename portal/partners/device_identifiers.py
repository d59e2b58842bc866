"""The identifiers of a medical device (MDR art. 27, IVDR art. 24), checked
as their issuing entities compute them:

- Basic UDI-DI, by issuing entity:
  - GS1 Global Model Number: a GS1 company prefix (digits), a model
    reference, and a check character pair (mod 1021, two characters of a
    32-character set; GS1 General Specifications 7.9.5);
  - HIBCC: "++", a labeler identification code (4 characters, the first a
    letter), a model (1 to 17), and the same mod 1021 / 32 check pair over
    the whole string (the EUDAMED example ++A999MODELIDENTIFIER11S8);
  - IFA: "PP", then digits and letters, and two check digits computed as for
    the IFA's PPN (the sum of each character's code times its position
    weight from 2, modulo 97);
  - ICCBBA: its format only (an "A", then capital letters and digits).
- UDI-DI: for GS1 a GTIN (8, 12, 13 or 14 digits, mod 10 check digit).
- EMDN code: a category letter and 2 to 12 digits, by pairs.
"""
import re

from stdnum import ean

CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
CSET32 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83)

GS1_GMN = re.compile(r"^[0-9]{5,}[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$")
HIBCC = re.compile(r"^\+\+[A-Z][A-Z0-9]{3}[A-Z0-9]{1,17}[A-Z0-9]{2}$")
IFA = re.compile(r"^PP[0-9]{1,}[0-9A-Z.]*[0-9]{2}$")
ICCBBA = re.compile(r"^A[0-9A-Z]{5,22}$")
EMDN = re.compile(r"^[A-Z]([0-9]{2}){1,6}$")


def check_pair(data):
    """The two check characters of a GS1 GMN (and of a HIBCC Basic UDI-DI): the rightmost
    character weighs 2, the one before 3, and so on up the primes."""
    if len(data) > len(PRIMES) or any(ch not in CSET82 for ch in data):
        return None
    weights = PRIMES[:len(data)][::-1]
    total = sum(CSET82.index(ch) * weight for ch, weight in zip(data, weights)) % 1021
    return CSET32[total >> 5] + CSET32[total & 31]


def ifa_check(data):
    return f"{sum(ord(ch) * weight for weight, ch in enumerate(data, start=2)) % 97:02d}"


def basic_udi_di_issuer(value):
    """"gs1", "hibcc", "ifa" or "iccbba" for a valid Basic UDI-DI; None otherwise."""
    if value.startswith("++"):
        return "hibcc" if HIBCC.match(value) and check_pair(value[:-2]) == value[-2:] else None
    if value.startswith("PP"):
        return "ifa" if IFA.match(value) and ifa_check(value[:-2]) == value[-2:] else None
    if value.startswith("A") and ICCBBA.match(value):
        return "iccbba"
    if GS1_GMN.match(value) and 7 <= len(value) <= 25 and check_pair(value[:-2]) == value[-2:]:
        return "gs1"
    return None


def udi_di_ok(value):
    """A GS1 UDI-DI is a GTIN; other issuers' UDI-DIs are taken by their characters only."""
    if value.isascii() and value.isdigit():
        return len(value) in (8, 12, 13, 14) and ean.is_valid(value)
    return bool(re.fullmatch(r"[+A-Z0-9.\-/$%]{6,25}", value))


def emdn_ok(value):
    return bool(EMDN.match(value))
