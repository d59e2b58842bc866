"""The company's corrective action plan in a dossier, and the inspector's word on it (issue 30).

The company adds actions, says where each stands and may move its due date. Its word "done", and a due
date it moved, wait for the dossier's inspector ("to confirm"), who confirms them as the page showed
them, or reopens the action with a reason that the company reads and is e-mailed: a reopened action
is back in progress, at the due date the agency held. Until the inspector confirms, the risk indicator
(`risk_indicator`) counts the action as not done, late by the date the agency holds. An action the
agency holds as done is no longer changed by the company. Every step is on the dossier's timeline.
"""
import hashlib

from peewee import fn

from portal import clock
from portal.data.db import database
from portal.data.prepared import Prepared, slot
from portal.inspections.dossiers import InspectionError, record_event, still_open, tell_company, tell_inspector
from portal.inspections.models import CorrectiveAction
from portal.people.persons import parse_date
from portal.text.form_text import multi_line_ok, single_line_errors
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail

ACTION_STATUSES = {CorrectiveAction.PLANNED: _l("Planned"), CorrectiveAction.IN_PROGRESS: _l("In progress"),
                   CorrectiveAction.DONE: _l("Done")}
REVIEW_LABELS = {CorrectiveAction.TO_CONFIRM: _l("to confirm by the inspector"),
                 CorrectiveAction.CONFIRMED: _l("confirmed by the inspector"),
                 CorrectiveAction.REOPENED: _l("reopened by the inspector"),
                 CorrectiveAction.EARLIER: _l("marked done before inspectors confirmed actions")}


def action_values(form):
    return {"action": form.get("action", "").strip()[:2000], "owner": form.get("owner", "").strip()[:200],
            "due_on": form.get("due_on", "").strip()[:10], "status": form.get("status", CorrectiveAction.PLANNED)[:12]}


def seen_values(form):
    """What the inspector's form sends back: the version of the action their page showed, and a reason."""
    return {"version": form.get("version", "")[:64], "reason": form.get("reason", "").strip()[:2000]}


def version(action):
    """A short digest of what the company says of the action (its text, who, when, where it stands): the
    inspector's forms carry it, so that they confirm or reopen what their page showed, not a later change."""
    said = "\x00".join((action.action, action.owner, action.due_on.isoformat(), action.status))
    return hashlib.sha256(said.encode()).hexdigest()[:20]


def may_confirm(action):
    return action.review == CorrectiveAction.TO_CONFIRM


def may_reopen(action):
    return action.review == CorrectiveAction.TO_CONFIRM or action.settled


def _checked(values):
    errors = {}
    if not values["action"]:
        errors["action"] = _l("Describe the corrective action.")
    elif not multi_line_ok(values["action"]):
        errors["action"] = _l("Remove the invisible characters from this field.")
    if not values["owner"]:
        errors["owner"] = _l("Say who is responsible for the action.")
    errors.update(single_line_errors({"owner": values["owner"]}))
    due = parse_date(values["due_on"])
    if due is not None and not 2000 <= due.year <= 2100:
        due = None
    if due is None:
        errors["due_on"] = _l("Enter the due date as day, month and year, for example 31/01/2027.")
    if values["status"] not in ACTION_STATUSES:
        errors["status"] = _l("Choose where the action stands.")
    if errors:
        raise InspectionError(errors)
    return due


def save_action(dossier, person, values, action=None):
    """Add a line to the corrective action plan, or update one (the company's side); the inspector is told."""
    due = _checked(values)
    now = clock.utc()
    with database.atomic():
        still_open(dossier, "action")
        if action is None:
            review = CorrectiveAction.TO_CONFIRM if values["status"] == CorrectiveAction.DONE else CorrectiveAction.NOTHING
            action = CorrectiveAction.create(dossier=dossier, action=values["action"], owner=values["owner"],
                                             due_on=due, status=values["status"], review=review, created_at=now,
                                             updated_at=now)
            record_event(dossier, "action_added", person=person, reason=f"{values['action'][:150]} ({due:%d/%m/%Y})")
        else:
            _change(dossier, person, action.id, values, due, now)
        tell_inspector(dossier, "actions")
    mail.send_after_commit()
    return action


def _change(dossier, person, action_id, values, due, now):
    # read again inside the transaction: the dossier's row is locked (still_open), so an inspector
    # confirming or reopening this action waits, and what is read here is what is changed
    before = _action(dossier, action_id)
    if before is None or before.settled:
        raise InspectionError({"status": _l("The agency holds this action as done: it can no longer be changed "
                                            "here. Send a message to the inspector if it must change.")})
    held = before.held_due_on
    done, moved = values["status"] == CorrectiveAction.DONE, due != held
    if done or moved:
        review = CorrectiveAction.TO_CONFIRM
    elif before.review in (CorrectiveAction.CONFIRMED, CorrectiveAction.REOPENED):
        review = before.review  # a date the inspector confirmed, or their reason for reopening, stays in view
    else:
        review = CorrectiveAction.NOTHING
    changed = (CorrectiveAction.update(action=values["action"], owner=values["owner"], due_on=due,
                                       status=values["status"], review=review, agreed_due_on=held if moved else None,
                                       review_reason=before.review_reason if review == CorrectiveAction.REOPENED else "",
                                       updated_at=now)
               .where((CorrectiveAction.id == before.id) & (CorrectiveAction.review == before.review)
                      & (CorrectiveAction.status == before.status)).execute())
    if not changed:
        raise InspectionError({"status": _l("The inspector changed this action meanwhile: read it again.")})
    if done and before.status != CorrectiveAction.DONE:
        what = "action_done"
    elif moved and due != before.due_on:
        what = "action_moved"
    else:
        what = "action_changed"
    # what changed stays visible to the inspector: the due date and the status, before and after
    record_event(dossier, what, person=person,
                 reason=f"{values['action'][:120]}: {before.due_on:%d/%m/%Y} → {due:%d/%m/%Y}, "
                        f"{ACTION_STATUSES[before.status]} → {ACTION_STATUSES[values['status']]}")


def _action(dossier, action_id):
    return CorrectiveAction.get_or_none((CorrectiveAction.id == action_id) & (CorrectiveAction.dossier == dossier))


def _as_seen(action, seen):
    return seen["version"] == version(action)


def confirm(dossier, staff, action_id, seen):
    """The inspector confirms what the company said of the action (done, or a new due date) as their page
    showed it; None when the dossier has no such action. Confirming twice is confirming once."""
    with database.atomic():
        still_open(dossier, f"confirm-{action_id}")
        action = _action(dossier, action_id)
        if action is None:
            return None
        if action.review == CorrectiveAction.CONFIRMED and _as_seen(action, seen):
            return action
        changed = 0
        if may_confirm(action) and _as_seen(action, seen):
            changed = (CorrectiveAction.update(review=CorrectiveAction.CONFIRMED, agreed_due_on=None, review_reason="")
                       .where((CorrectiveAction.id == action.id) & (CorrectiveAction.review == action.review)
                              & (CorrectiveAction.status == action.status) & (CorrectiveAction.due_on == action.due_on))
                       .execute())
        if not changed:
            raise InspectionError({f"confirm-{action.id}": _l("The company changed this action after your page was "
                                                             "shown: read it again before confirming it.")})
        record_event(dossier, "action_confirmed", staff=staff,
                     reason=f"{action.action[:120]}: {ACTION_STATUSES[action.status]}, {action.due_on:%d/%m/%Y}")
    return action


def reopen(dossier, staff, action_id, seen):
    """The inspector does not take the company's word (done, or a new due date): the action is back in
    progress at the due date the agency held, with a reason the company reads and is e-mailed. None when
    the dossier has no such action."""
    field = f"reason-{action_id}"
    if not seen["reason"]:
        raise InspectionError({field: _l("Say why the action is reopened: the company reads it.")})
    if not multi_line_ok(seen["reason"]):
        raise InspectionError({field: _l("Remove the invisible characters from this field.")})
    with database.atomic():
        still_open(dossier, field)
        action = _action(dossier, action_id)
        if action is None:
            return None
        if action.review == CorrectiveAction.REOPENED and action.review_reason == seen["reason"]:
            return action  # sent twice
        changed = 0
        if may_reopen(action) and _as_seen(action, seen):
            status = CorrectiveAction.IN_PROGRESS if action.status == CorrectiveAction.DONE else action.status
            changed = (CorrectiveAction.update(status=status, due_on=action.held_due_on, agreed_due_on=None,
                                               review=CorrectiveAction.REOPENED, review_reason=seen["reason"])
                       .where((CorrectiveAction.id == action.id) & (CorrectiveAction.review == action.review)
                              & (CorrectiveAction.status == action.status) & (CorrectiveAction.due_on == action.due_on))
                       .execute())
        if not changed:
            raise InspectionError({field: _l("The company changed this action after your page was shown: read it "
                                             "again before reopening it.")})
        record_event(dossier, "action_reopened", staff=staff, reason=f"{action.action[:120]}: {seen['reason']}")
        tell_company(dossier, "reopened", conclusion=seen["reason"], action=action.action[:200])
    mail.send_after_commit()
    return action


def actions_of(dossier):
    return _ACTIONS.rows(dossier=dossier.id)


def action_in(dossier, action_id):
    """The dossier's action of that id, or None (another dossier's included)."""
    return _ACTION_IN.first(dossier=dossier.id, id=action_id)


_ACTION_IN = Prepared(lambda: CorrectiveAction.select().where((CorrectiveAction.id == slot("id"))
                                                              & (CorrectiveAction.dossier == slot("dossier"))))


def actions_shown(dossier):
    """The actions as a prepared.Shown, for a page that keeps their rows rendered."""
    return _ACTIONS.shown(dossier=dossier.id)


def waiting_counts(dossier_ids):
    """{dossier id: how many of its actions wait for the inspector's confirmation}, in one query."""
    if not dossier_ids:
        return {}
    return dict(CorrectiveAction.select(CorrectiveAction.dossier, fn.COUNT(CorrectiveAction.id))
                .where(CorrectiveAction.dossier.in_(sorted(dossier_ids))
                       & (CorrectiveAction.review == CorrectiveAction.TO_CONFIRM))
                .group_by(CorrectiveAction.dossier).tuples())


# A dossier's page reads them on every view: prepared once (prepared.py).
_ACTIONS = Prepared(lambda: CorrectiveAction.select().where(CorrectiveAction.dossier == slot("dossier"))
                    .order_by(CorrectiveAction.due_on, CorrectiveAction.id))
