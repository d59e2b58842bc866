"""The agency's help with people's accounts: find a person, and their
account's history (allowing a new device is account_devices')."""
from portal.people.models import AccountEvent, Person
from portal.text.identifiers import IdentifierError, normalise_niss
from portal.text.lazy_text import lazy_gettext as _l

ACTIONS = {"new_device_allowed": _l("New device allowed"),
           "new_device_requested": _l("New device asked for"),
           "sessions_ended": _l("Every session ended by the agency"),
           "passkey_added": _l("Passkey added by the person"),
           "passkey_removed": _l("Passkey removed by the person"),
           "passkey_copy_refused": _l("Passkey refused: its counter went back, as a copied key's would")}


def find_people(query, limit=50):
    """People by NISS (with or without dots), e-mail address or last name."""
    query = (query or "").strip()[:254]
    if not query:
        return []
    try:
        return list(Person.select().where(Person.niss == normalise_niss(query)))
    except IdentifierError:
        pass
    if "@" in query:
        return list(Person.select().where(Person.email == query.lower()).limit(limit))
    pattern = query.replace("\\", "").replace("%", "").replace("_", "") + "%"
    return list(Person.select().where(Person.last_name ** pattern)
                .order_by(Person.last_name, Person.first_name).limit(limit))


def history(account, limit=200):
    return AccountEvent.trail(account=account, limit=limit)
