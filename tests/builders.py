"""Arrange data for tests the way the portal itself stores it."""
from portal.activities.notified import refresh_listing
from portal.models import Activity, Company


def make_firm(name, country="DE", agency_number=None, activities=("manufacturer",),
              inactive=(), city="Berlin"):
    company = Company(country=country, agency_number=agency_number, city=city)
    company.set_name(name)
    company.save()
    company.save_name_words()
    for kind in activities:
        Activity.create(company=company, kind=kind, active=True)
    for kind in inactive:
        Activity.create(company=company, kind=kind, active=False)
    refresh_listing(company)
    return company
