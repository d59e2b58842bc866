"""Every table of the portal, each from the subject that owns it: the one list for the migrations, the
schema test and the tests' emptying of tables. Portal code imports a table from its subject, not from here."""
import peewee

from portal.activities.models import (  # noqa: F401  (listed here for the whole portal)
    ACTIVITY_KINDS,
    Activity,
    ActivityContact,
    ActivityEvent,
)
from portal.approvals.models import (  # noqa: F401  (listed here for the whole portal)
    Approval,
)
from portal.bce.models import (  # noqa: F401  (listed here for the whole portal)
    KboActivity,
    KboAddress,
    KboBranch,
    KboCode,
    KboContact,
    KboDenomination,
    KboEnterprise,
    KboEstablishment,
    KboExtract,
)
from portal.companies.models import (  # noqa: F401  (listed here for the whole portal)
    Company,
    CompanyEvent,
    CompanyNamePrefix,
    CompanyNameWord,
    ContactPerson,
    EstablishmentUnit,
    LegalRepresentative,
)
from portal.contributions.models import (  # noqa: F401  (listed here for the whole portal)
    ContributionDeclaration,
    ContributionEvent,
    ContributionYear,
)
from portal.data.db import BaseModel
from portal.inspections.models import (  # noqa: F401  (listed here for the whole portal)
    CorrectiveAction,
    DossierDocument,
    DossierEvent,
    InspectionDossier,
    Questionnaire,
    QuestionnaireEvent,
)
from portal.partners.models import (  # noqa: F401  (listed here for the whole portal)
    MarketedDevice,
    PartnerEvent,
    RepresentedCompany,
    Supplier,
)
from portal.people.models import (  # noqa: F401  (listed here for the whole portal)
    Account,
    AccountEvent,
    AuditEvent,
    LoginSession,
    Passkey,
    PasswordReset,
    PendingLogin,
    Person,
    RecoveryCode,
    StaffEvent,
    StaffMember,
    StaffSetting,
)
from portal.registrations.models import (  # noqa: F401  (listed here for the whole portal)
    Registration,
    RegistrationEmail,
    RegistrationEvent,
    RegistrationTally,
)
from portal.rights.models import (  # noqa: F401  (listed here for the whole portal)
    AccessEvent,
    MemberApplication,
    Quality,
    QualityMember,
)
from portal.web.mail import (  # noqa: F401  (listed here for the whole portal)
    OutboxMessage,
)
from portal.web.rate_limit import (  # noqa: F401  (listed here for the whole portal)
    RateLimit,
)


def _tables(model=BaseModel):
    for child in model.__subclasses__():
        if not child.__dict__.get("abstract", False):
            yield child
        yield from _tables(child)


# Every table, parents before children (for the schema test and for emptying tables).
ALL_MODELS = peewee.sort_models(list(dict.fromkeys(_tables())))
