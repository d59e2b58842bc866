"""“Mes activités” (guide 5.3): notify, view, change and deactivate the
company's activities. Needs the application "Source Authentique des
Activités et Classes"; every activity is looked up within the session's
company."""
from flask import redirect, request, url_for
from flask_login import current_user
from peewee import fn

from portal.access_control import application_required, current_company, owned_or_404
from portal.activities import notified as rules
from portal.activities.models import ACTIVITY_KINDS, Activity, ActivityContact
from portal.companies import records
from portal.data.prepared import Prepared, slot
from portal.tiles import bp
from portal.web.rendering import render

APPLICATION = "sanac"


def _page(status=200, **context):
    company = current_company()
    context.setdefault("errors", {})
    context.setdefault("form", rules.ActivityForm(started_on=""))
    activities, units = rules.activities_of(company), records.units_of(company)
    contacts = records.contact_persons_of(company)
    named = {}
    for activity_id, contact_id in _NAMED.raw_rows(company=company.id):
        named.setdefault(activity_id, []).append(contact_id)
    return render("tiles/activities.html", status=status, company=company, activities=activities,
                  contacts=contacts, contacts_by_id={contact.id: contact for contact in contacts}, named=named,
                  kinds=ACTIVITY_KINDS, unit_options=[(str(unit.id), unit.name) for unit in units],
                  md_classes=rules.MD_CLASSES, ivd_classes=rules.IVD_CLASSES, srn_roles=rules.SRN_ROLES,
                  faq_url=rules.FAQ_URL, events=rules.history(company, 50), event_labels=rules.EVENT_LABELS,
                  **context)


# Which contact persons each activity names, prepared once (prepared.py).
_NAMED = Prepared(lambda: ActivityContact.select(ActivityContact.activity, ActivityContact.contact)
                  .join(Activity, on=(ActivityContact.activity == Activity.id))
                  .where(Activity.company == slot("company")).order_by(ActivityContact.id).tuples())


def summary(company):
    """The dashboard tile: how many activities are active (one query)."""
    return {"active_count": _ACTIVE_COUNT.rows(company=company.id)[0][0], "faq_url": rules.FAQ_URL}


_ACTIVE_COUNT = Prepared(lambda: Activity.select(fn.COUNT(Activity.id))
                         .where((Activity.company == slot("company")) & Activity.active).tuples())


@bp.route("/<lang:lang>/portal/activities", methods=["GET", "POST"])
@application_required(APPLICATION)
def activities():
    if request.method == "GET":
        return _page(done=request.args.get("done"))
    form = rules.ActivityForm.from_form(request.form)
    try:
        rules.notify(current_company(), current_user.person, form)
    except rules.ActivityError as refused:
        return _page(status=422, form=form, errors=refused.errors)
    return redirect(url_for("tiles.activities", done="notified"), 303)


@bp.route("/<lang:lang>/portal/activities/<int:activity_id>", methods=["GET", "POST"])
@application_required(APPLICATION)
def activity(activity_id):
    found = owned_or_404(Activity, activity_id)
    if request.method == "GET":
        return _page(editing=found, form=rules.ActivityForm.of(found))
    form = rules.ActivityForm.from_form(request.form)
    try:
        rules.change(found, current_user.person, form)
    except rules.ActivityError as refused:
        return _page(status=422, editing=found, form=form, errors=refused.errors)
    return redirect(url_for("tiles.activities", done="changed"), 303)


@bp.post("/<lang:lang>/portal/activities/<int:activity_id>/deactivate")
@application_required(APPLICATION)
def deactivate(activity_id):
    found = owned_or_404(Activity, activity_id)
    ended_on, reason = request.form.get("ended_on", "")[:10], request.form.get("end_reason", "")[:500]
    try:
        rules.deactivate(found, current_user.person, ended_on, reason)
    except rules.ActivityError as refused:
        return _page(status=422, ending=found, errors=refused.errors, typed={"ended_on": ended_on,
                                                                            "end_reason": reason})
    return redirect(url_for("tiles.activities", done="deactivated"), 303)
