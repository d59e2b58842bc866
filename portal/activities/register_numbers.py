"""The public register in numbers: the firms the public list shows (Company.listed: an agency number and
an active activity), counted by country, by activity and by the month they first registered.

A firm's first registration is its first notified activity, the one that gave it its agency number
(activities.notified.give_agency_number); a firm whose activities all ended has left the list and is
not counted, whenever it came. Each figure is one GROUP BY over an index (`listed, country, …` of
Company, `kind, active, company` of Activity), read from the read replica when there is one; the
public page that shows them is kept rendered until the list's version moves (public.numbers).
"""
import datetime
from dataclasses import dataclass

from peewee import SQL, Select, fn

from portal import clock
from portal.activities.models import ACTIVITY_KINDS, Activity
from portal.companies.models import Company
from portal.data.db import database, from_replica, month_of

MONTHS = 24  # the months shown, this one last: two years of arrivals
MOST_COUNTRIES = 20  # countries named one by one; the others are counted together


@dataclass(frozen=True)
class RegisterNumbers:
    firms: int  # listed firms
    by_country: tuple  # ((country code, firms), …), the most first; ("", firms) for the others together
    by_activity: tuple  # ((activity kind, firms), …), every kind in ACTIVITY_KINDS's order, zeros included
    by_month: tuple  # ((first day of the month, firms), …), MONTHS of them, the oldest first, zeros included


def register_numbers():
    """The figures of the public register, now (three statements)."""
    return from_replica(_register_numbers)


def _register_numbers():
    countries = firms_by_country()
    return RegisterNumbers(firms=sum(count for _, count in countries), by_country=_most(countries),
                           by_activity=firms_by_activity(), by_month=first_registrations(MONTHS))


def firms_by_country():
    """((country code, listed firms), …), the most first, then by code."""
    count = fn.COUNT(Company.id)
    rows = (Company.select(Company.country, count).where(Company.listed == True)  # noqa: E712  (a peewee expression: SQL's = TRUE)
            .group_by(Company.country).tuples())
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def _most(countries):
    """The MOST_COUNTRIES first countries, and the others together under the code ""."""
    if len(countries) <= MOST_COUNTRIES + 1:  # one "other" country would be shown better by its name
        return tuple(countries)
    others = sum(count for _, count in countries[MOST_COUNTRIES:])
    return (*countries[:MOST_COUNTRIES], ("", others))


def firms_by_activity():
    """((kind, listed firms with an active activity of that kind), …) for every kind; a firm doing one
    activity at two places counts once."""
    rows = dict(Activity.select(Activity.kind, fn.COUNT(fn.DISTINCT(Activity.company)))
                .join(Company, on=(Activity.company == Company.id))
                .where((Activity.active == True) & (Company.listed == True))  # noqa: E712  (a peewee expression: SQL's = TRUE)
                .group_by(Activity.kind).tuples())
    return tuple((kind, rows.get(kind, 0)) for kind in ACTIVITY_KINDS)


def first_registrations(months):
    """((first day of the month, listed firms that first registered in it), …) for the last `months`
    months, this one last, a month without any as zero. Months are UTC months, as the database keeps
    its timestamps."""
    shown = clock.months_back(months)
    first = (Activity.select(fn.MIN(Activity.notified_at).alias("first"))
             .join(Company, on=(Activity.company == Company.id))
             .where(Company.listed == True)  # noqa: E712  (a peewee expression: SQL's = TRUE)
             .group_by(Activity.company)).alias("firsts")
    month = month_of(first.c.first)
    query = (Select([first], [month, fn.COUNT(SQL("*"))]).where(month >= shown[0].strftime("%Y-%m"))
             .group_by(SQL("1")))  # by position: PostgreSQL sees the month's format as a parameter of its own
    counted = {}
    for text, count in query.bind(database).tuples():
        counted[datetime.date(int(text[:4]), int(text[5:7]), 1)] = count
    return tuple((day, counted.get(day, 0)) for day in shown)
