"""“Mes activités” (guide 5.3): notify, view, change and deactivate the
company's activities. Needs the application "Source Authentique des
Activités et Classes"; every activity is looked up within the session's
company."""
from flask import abort, redirect, request, url_for
from flask_login import current_user
from peewee import fn

from portal.access_control import application_required, current_company, owned_or_404
from portal.activities import notified as rules
from portal.activities.models import ACTIVITY_KINDS, Activity
from portal.companies import records
from portal.data.prepared import Prepared, slot
from portal.text.lazy_text import lazy_gettext as _l
from portal.tiles import bp
from portal.web.history_pages import SHOWN as HISTORY_SHOWN
from portal.web.history_pages import history_response
from portal.web.rendering import render, to_page, wants_fragment

APPLICATION = "sanac"


def _context(company, shape):
    """What the shape shows besides the activity: a row, the names of the contact persons it names; a
    form, the choices of unit and contact persons (as plain values: the form is kept rendered by them)."""
    if shape in ("read", "add_link"):
        return {"company": company, "named": rules.named_contacts(company)}
    return {"company": company, "contacts": records.contact_choices(company), "kinds": ACTIVITY_KINDS,
            "md_classes": rules.MD_CLASSES, "ivd_classes": rules.IVD_CLASSES,
            "unit_options": records.unit_choices(company), "srn_roles": rules.SRN_ROLES}


def _page(status=200, **context):
    """The page reads only what its rows show (the forms come on demand), and its list and history as
    prepared.Shown: kept rendered, they make no models."""
    company = current_company()
    context.setdefault("errors", {})
    return render("tiles/activities.html", status=status, company=company, activities=rules.activities_shown(company),
                  named=rules.named_contacts(company), faq_url=rules.FAQ_URL,
                  events=rules.history_shown(company, HISTORY_SHOWN + 1), history_shown=HISTORY_SHOWN,
                  event_labels=rules.EVENT_LABELS, **context)


def _part(status=200, **context):
    """One activity's row or form: alone for htmx, on a page of its own without it (issue 31)."""
    context.setdefault("errors", {})
    context.setdefault("typed", {})
    context.setdefault("form", rules.ActivityForm(started_on=""))
    return render("tiles/activities_form.html", block="part", status=status,
                  **_context(current_company(), context.get("shape")), **context)


def _to_page(done, anchor="s-list"):
    """After a change that moves the page's other parts (the agency number, the public list, the
    history): the page again, with htmx as without."""
    return to_page(url_for("tiles.activities", done=done) + f"#{anchor}")


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
        return _part(status=422, shape="add", form=form, errors=refused.errors, title=_l("Notify an activity"))
    return _to_page("notified")


@bp.get("/<lang:lang>/portal/activities/new")
@application_required(APPLICATION)
def notify_form():
    if request.args.get("closed") and wants_fragment():  # "Cancel": the link again
        return _part(shape="add_link")
    return _part(shape="add", title=_l("Notify an activity"))


@bp.get("/<lang:lang>/portal/activities/history")
@application_required(APPLICATION)
def activities_history():
    company = current_company()
    return history_response(lambda limit: rules.history(company, limit), "activity", rules.EVENT_LABELS,
                            title=_l("History"), subject=_l("My activities"),
                            back=(url_for("tiles.activities"), _l("My activities")))


@bp.route("/<lang:lang>/portal/activities/<int:activity_id>", methods=["GET", "POST"])
@application_required(APPLICATION)
def activity(activity_id):
    """GET: the activity's row (htmx; a page: the row on the activities' page); POST: its change."""
    found = owned_or_404(Activity, activity_id)
    if request.method == "GET":
        if not wants_fragment():
            return redirect(url_for("tiles.activities") + f"#activity-{found.id}", 303)
        return _part(shape="read", activity=found)
    form = rules.ActivityForm.from_form(request.form)
    try:
        rules.change(found, current_user.person, form)
    except rules.ActivityError as refused:
        return _part(status=422, shape="edit", activity=found, form=form, errors=refused.errors,
                     title=_l("Change the activity"))
    if wants_fragment():
        return _part(shape="read", activity=owned_or_404(Activity, found.id))
    return redirect(url_for("tiles.activities", done="changed") + f"#activity-{found.id}", 303)


@bp.get("/<lang:lang>/portal/activities/<int:activity_id>/edit")
@application_required(APPLICATION)
def edit_activity(activity_id):
    found = owned_or_404(Activity, activity_id)
    if not found.active:
        abort(404)
    return _part(shape="edit", activity=found, form=rules.ActivityForm.of(found), title=_l("Change the activity"))


@bp.route("/<lang:lang>/portal/activities/<int:activity_id>/deactivate", methods=["GET", "POST"])
@application_required(APPLICATION)
def deactivate(activity_id):
    found = owned_or_404(Activity, activity_id)
    if request.method == "GET":
        if not found.active:
            abort(404)
        return _part(shape="end", activity=found, title=_l("Deactivate"))
    ended_on, reason = request.form.get("ended_on", "")[:10], request.form.get("end_reason", "")[:500]
    try:
        rules.deactivate(found, current_user.person, ended_on, reason)
    except rules.ActivityError as refused:
        return _part(status=422, shape="end", activity=found, errors=refused.errors, title=_l("Deactivate"),
                     typed={"ended_on": ended_on, "end_reason": reason})
    return _to_page("deactivated", f"activity-{found.id}")
