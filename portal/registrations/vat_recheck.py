"""VAT numbers VIES could not check during registration, asked again later."""
from portal.companies import vies
from portal.companies.identity import split_vat
from portal.registrations.models import Registration


def recheck_unverified():
    """Returns (confirmed, invalid, still unverified) counts."""
    confirmed = invalid = waiting = 0
    client = vies.client()
    pending = Registration.select().where((Registration.vat_status == "unverified")
                                          & (Registration.status != Registration.DRAFT))
    for registration in pending:
        prefix, number = split_vat(registration.vat_number, registration.country)
        result = client.check(prefix, number)
        fields = {"vies_checked_at": result.checked_at}
        if result.status == vies.VALID:
            fields.update(vat_status="valid", vies_name=result.name, vies_address=result.address)
            confirmed += 1
        elif result.status in (vies.INVALID, vies.INPUT_ERROR):
            fields.update(vat_status="invalid")
            invalid += 1
        else:
            waiting += 1
        Registration.update(**fields).where(Registration.id == registration.id).execute()
    return confirmed, invalid, waiting
