"""The inspectors' risk indicator: a score per company from what it notified and sent, and from its
corrective actions as the agency holds them (a help for planning, not a judgement)."""
from dataclasses import dataclass, field

from peewee import fn

from portal import clock
from portal.activities.models import Activity
from portal.inspections.models import CorrectiveAction, InspectionDossier, Questionnaire
from portal.text.lazy_text import lazy_gettext as _l

HIGH_CLASSES = {"III": 3, "D": 3, "IIb": 2, "C": 2, "IIa": 1, "B": 1}
STERILE = {"Is", "A sterile"}
MAKERS = {"manufacturer", "custom_manufacturer", "steriliser", "reprocessor", "system_producer"}
LEVELS = ((7, "high", _l("high")), (4, "medium", _l("medium")), (0, "low", _l("low")))


@dataclass
class Risk:
    score: int = 0
    reasons: list = field(default_factory=list)

    @property
    def level(self):
        return next((code, label) for floor, code, label in LEVELS if self.score >= floor)


def of_companies(company_ids):
    """{company id: Risk}, in three queries whatever the number of companies.

    The rule, shown to the inspectors on their page: the highest class among
    the active activities (III or D: 3, IIb or C: 2, IIa or B: 1), sterile
    devices (1), making, sterilising or reprocessing devices (2), the form the
    law asks for not sent (2), no certified quality system (2), more than
    100,000 devices a year (1), each corrective action past its due date (1,
    at most 3). High from 7, medium from 4.

    An action counts as done only once the inspector confirmed it (or it was
    marked done before inspectors confirmed actions: migration 0029), and it
    is late by the due date the agency holds, not by a new one that waits for
    the inspector (see actions)."""
    risks = {company_id: Risk() for company_id in company_ids}
    if not risks:
        return risks
    ids = sorted(risks)
    highest, sterile, makers = {}, set(), set()
    for company_id, kind, classes in (Activity.select(Activity.company, Activity.kind, Activity.classes)
                                      .where(Activity.company.in_(ids) & Activity.active).tuples()):
        named = set((classes or "").split("|"))
        highest[company_id] = max([highest.get(company_id, 0)] + [HIGH_CLASSES.get(c, 0) for c in named])
        if named & STERILE:
            sterile.add(company_id)
        if kind in MAKERS:
            makers.add(company_id)
    forms = {row.company_id: row for row in Questionnaire.select().where(Questionnaire.company.in_(ids))}
    overdue = {}
    held_as_done = ((CorrectiveAction.status == CorrectiveAction.DONE)
                    & CorrectiveAction.review.in_((CorrectiveAction.CONFIRMED, CorrectiveAction.EARLIER)))
    held_due_on = fn.COALESCE(CorrectiveAction.agreed_due_on, CorrectiveAction.due_on)
    for company_id, in (CorrectiveAction.select(InspectionDossier.company).join(InspectionDossier)
                        .where(InspectionDossier.company.in_(ids) & ~held_as_done
                               & (held_due_on < clock.today())).tuples()):
        overdue[company_id] = overdue.get(company_id, 0) + 1
    for company_id, found in risks.items():
        def add(points, reason):
            found.score += points
            found.reasons.append(reason)
        if highest.get(company_id):
            add(highest[company_id], _l("devices of a high class"))
        if company_id in sterile:
            add(1, _l("sterile devices"))
        if company_id in makers:
            add(2, _l("makes, sterilises or reprocesses devices"))
        form = forms.get(company_id)
        if form is None or form.first_submitted_at is None:
            add(2, _l("the form the law asks for is not sent"))
        else:
            if form.qms in ("none", ""):
                add(2, _l("no certified quality system"))
            if (form.devices_per_year or 0) > 100_000:
                add(1, _l("more than 100,000 devices a year"))
        if overdue.get(company_id):
            add(min(3, overdue[company_id]), _l("corrective actions past their due date"))
    return risks
