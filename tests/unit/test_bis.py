"""BIS numbers the portal gives to legal representatives without a NISS."""
import datetime

from hypothesis import given
from hypothesis import strategies as st
from stdnum.be import bis as be_bis

from portal.text.identifiers import bis_number, generate_bis

birth_dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2010, 12, 31))


@given(birth_date=birth_dates, sex=st.sampled_from(["M", "F"]),
       taken=st.sets(st.integers(min_value=1, max_value=60), max_size=30))
def test_every_generated_number_is_a_valid_bis_that_encodes_the_birth_date(birth_date, sex, taken):
    taken_numbers = {bis_number(birth_date, n) for n in taken}
    number = generate_bis(birth_date, sex, lambda candidate: candidate in taken_numbers)
    assert be_bis.is_valid(number)
    assert number not in taken_numbers
    assert be_bis.get_birth_date(number) == birth_date
    assert int(number[2:4]) == birth_date.month + 40  # sex known: month + 40
    sequence = int(number[6:9])
    assert sequence % 2 == (1 if sex == "M" else 0)  # odd for men, even for women
    assert be_bis.get_gender(number) == sex


@given(birth_date=birth_dates)
def test_sex_unknown_adds_twenty_to_the_month(birth_date):
    number = bis_number(birth_date, 7, sex_known=False)
    assert int(number[2:4]) == birth_date.month + 20
    assert be_bis.is_valid(number)


def test_numbers_already_used_are_skipped():
    day = datetime.date(1980, 3, 14)
    used = set()
    for _ in range(5):
        used.add(generate_bis(day, "F", used.__contains__))
    assert len(used) == 5
