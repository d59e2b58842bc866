"""The rows of a prepared query are the models peewee would make of them: the same values, the same
joined rows, None where an outer join found nothing; and where the portal's reading would differ,
peewee keeps reading."""
import logging

import pytest

from portal.data.prepared import Prepared, _by_peewee, slot
from portal.data.rows import Reader
from portal.models import AccessEvent, Company, Person, Quality, QualityMember
from portal.people import sessions
from portal.rights import access_rights


@pytest.fixture
def jan(auth):
    return auth.company_user()


def by_peewee(prepared, **values):
    query, sql, bound, _ = prepared._bound(values)
    return _by_peewee(query, (sql, bound))


def read_twice(prepared, **values):
    """The first reading (checked against peewee's) and the second (the portal's own, once checked)."""
    first = prepared.rows(**values)
    second = prepared.rows(**values)
    reader = next(iter(prepared.readers.values()))
    assert isinstance(reader, Reader)  # the shape is covered: the portal reads it
    return first, second, reader


def test_who_is_asking_with_its_account_and_person_and_no_staff(app, client, jan, db):
    login = sessions.LoginSession.select().where(sessions.LoginSession.person == jan.id).get()
    prepared = Prepared(sessions._WHO_IS_ASKING.build)
    _, rows, reader = read_twice(prepared, token_hash=login.token_hash)
    assert reader.same_as(rows, by_peewee(prepared, token_hash=login.token_hash))
    assert rows[0].account.person_id == jan.id and rows[0].person.first_name == "Jan"
    assert rows[0].staff is None and rows[0].account.password_hash.startswith("$argon2")


def test_companies_with_and_without_a_designation_and_its_applications(app, jan, db):
    other = Company(country="DE", city="Köln", street="Ring", house_number="2", postcode="50667",
                    main_access_manager=jan.id)
    other.set_name("Zweite GmbH")
    other.save()
    quality = Quality.create(company=other, kind=Quality.HEALTH_INSTITUTION, contact_email="q@example.be")
    QualityMember.create(quality=quality, person=jan.id, role="user", email="jan@example.be")
    prepared = Prepared(access_rights._COMPANIES_OF.build)
    _, rows, reader = read_twice(prepared, person=jan.id)
    assert reader.same_as(rows, by_peewee(prepared, person=jan.id))
    found = {company.name: company for company in rows}
    assert found["Zweite GmbH"].health.designated.person_id == jan.id
    assert found["Zweite GmbH"].granted in ("", None)
    assert getattr(found["Musterfirma GmbH"], "health", None) is None


def test_a_trail_that_names_two_people_names_each_in_its_place(app, jan, db):
    ann = Person.create(niss="90010100145", last_name="Janssens", first_name="Ann", sex="F",
                        birth_date="1990-01-01", birth_country="BE", email="ann@example.be")
    AccessEvent.create(company=jan.company, action="designated", actor=jan.id, subject=ann)
    AccessEvent.create(company=jan.company, action="left", actor=None, subject=ann)
    prepared = Prepared(lambda: AccessEvent._trail_query(("company",)))
    _, rows, reader = read_twice(prepared, company=jan.company.id, limit=10)
    assert reader.same_as(rows, by_peewee(prepared, company=jan.company.id, limit=10))
    newest, oldest = rows
    assert (oldest.actor.first_name, oldest.subject.first_name) == ("Jan", "Ann")
    assert newest.actor is None and newest.subject.last_name == "Janssens"
    assert oldest.actor.email is None  # a trail reads what names a person, nothing more (NAMED_BY)


def test_where_the_portal_would_read_otherwise_peewee_keeps_reading(app, jan, db, monkeypatch, caplog):
    prepared = Prepared(lambda: Person.select().where(Person.id == slot("id")))
    monkeypatch.setattr(Reader, "read", lambda self, rows: [Person(id=row[0], first_name="Not Jan") for row in rows])
    with caplog.at_level(logging.WARNING, logger="portal.data.prepared"):
        assert prepared.rows(id=jan.id)[0].first_name == "Jan"
    assert next(iter(prepared.readers.values())) is None and "peewee reads it" in caplog.text
    assert prepared.rows(id=jan.id)[0].first_name == "Jan"
