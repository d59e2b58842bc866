"""The FAQ of the agency's guide (section 7), rewritten for this portal.

Each entry has a stable anchor so that it can be linked to from e-mails,
error pages and the help page.
"""
from dataclasses import dataclass, field

from portal.text.lazy_text import lazy_gettext as _l


@dataclass(frozen=True)
class FaqEntry:
    anchor: str
    question: str
    paragraphs: tuple
    bullets: tuple = ()
    links: tuple = field(default=())  # (endpoint, label)


def faq_entries():
    return [
        FaqEntry(
            "not-in-public-list",
            _l("My company is not in the list of registered firms, although I completed the registration."),
            (_l("A company appears in the public list only once it has notified at least one activity "
                "(manufacturer, distributor, importer…) in the “My activities” tile. Log in to the portal "
                "and notify your activities: the company then gets its agency number and is listed."),),
            links=(("public.firms", _l("List of registered firms")),),
        ),
        FaqEntry(
            "what-is-niss",
            _l("What is a NISS number?"),
            (_l("To use the Belgian federal applications, a person who is not Belgian needs a NISS number, "
                "the equivalent of the Belgian national number. For people who do not live in Belgium it is "
                "a BIS number: it starts with the year of birth, then the month of birth plus 40 (plus 20 "
                "when the sex is not known), the day of birth and five more digits."),
             _l("When the agency validates your company's registration, this portal gives a BIS number to "
                "each legal representative who does not have a NISS number yet, and sends it by e-mail.")),
        ),
        FaqEntry(
            "medical-devices-application",
            _l("I have no access to the “My medical devices” application."),
            (_l("Ask an access manager of your company to give you access to the application “Authentic "
                "source of medical devices” (SADM) in the portal's access management."),),
        ),
        FaqEntry(
            "no-login-email",
            _l("The legal representative did not receive the login and temporary password."),
            (_l("The registration e-mails are sent to the legal representatives of your company, at the "
                "addresses given during registration. If they did not receive them, ask them to look in "
                "their unwanted e-mail (spam, junk) folder."),
             _l("If the message is not there either, write to the portal support at the address on the "
                "help page.")),
            links=(("public.help_page", _l("Help")),),
        ),
        FaqEntry(
            "no-totp-password",
            _l("I did not receive my TOTP password."),
            (_l("The one-time code is never sent by e-mail: the authenticator app on your phone shows it "
                "and renews it every 30 seconds. Your temporary password, on the other hand, arrives by "
                "e-mail: look in your unwanted e-mail (spam, junk) folder."),
             _l("Otherwise, ask for a new password with “Forgot password” on the login page.")),
        ),
        FaqEntry(
            "delegate-without-niss",
            _l("I want someone without a NISS number to manage my company's data on the portal."),
            (_l("Add the person as a contact person in the “My company” tile: the portal gives them a "
                "NISS (BIS) number and an account. Then an access manager of your company gives them "
                "access to the applications they need."),),
        ),
        FaqEntry(
            "cannot-activate-applications",
            _l("I cannot activate the applications."),
            (_l("Make sure that your company's quality “Institution related to the health sector” is "
                "activated, then give the users access to the applications."),),
        ),
        FaqEntry(
            "new-phone",
            _l("How do I receive the one-time code on a new phone?"),
            (_l("Use “Forgot password” on the login page and give the e-mail address of your account. The "
                "portal sends a link to that address to choose a new password and link a phone again "
                "with a new QR code. The old phone then stops working for your account."),
             _l("The link in the e-mail works for 5 minutes after it is sent, and only once. You can always "
                "ask for a new one with “Forgot password”."),
             _l("If this does not work, send the portal support your NISS number (your login), your name "
                "and the e-mail address of your account, so that your account can be reset.")),
        ),
        FaqEntry(
            "residence-card",
            _l("Can I log in to the portal with a residence card?"),
            (_l("No. Only the Belgian electronic identity card (eID) or the itsme app can be used with "
                "“Continue with CSAM”. Without them, log in with your NISS number, your password and the "
                "one-time code of your authenticator app."),),
        ),
        FaqEntry(
            "main-access-manager-delay",
            _l("I sent my form to become main access manager. How long does it take?"),
            (_l("The procedure can take about fifteen days."),),
        ),
        FaqEntry(
            "where-is-my-niss",
            _l("Where do I find my national register number or NISS number?"),
            (_l("It was sent by e-mail to the legal representatives of the company when the agency "
                "validated the company's registration on this portal."),
             _l("Belgians find it on the back of their electronic identity card.")),
        ),
        FaqEntry(
            "one-time-code-refused",
            _l("My one-time code still does not work. What can I do?"),
            (_l("Most often the clock of the phone is wrong. When it is, the login page tells you by about "
                "how many minutes."),),
            bullets=(
                _l("Synchronise the time of your authenticator app. In Google Authenticator: main menu, "
                   "Settings, Time correction for codes, Sync now."),
                _l("Or uninstall the authenticator app, install another one (Google Authenticator, "
                   "Microsoft Authenticator, Authy, FreeOTP) and link it again with “Forgot password”."),
            ),
        ),
        FaqEntry(
            "profile-not-valid",
            _l("I cannot log in: the authentication system says that my profile is not valid."),
            (_l("This error can have several causes:"),),
            bullets=(
                _l("The access granted by the social security has not reached the portal yet. Try again "
                   "the next day."),
                _l("Your company does not have the quality “Institution related to the health sector”."),
                _l("You are not designated as access manager or as user of the agency's applications."),
                _l("If none of this solves the problem, send the portal support an e-mail with a "
                   "screenshot of the error and a description of your access."),
            ),
            links=(("public.help_page", _l("Help")),),
        ),
        FaqEntry(
            "register-again",
            _l("I am already registered with the agency. Do I have to register again?"),
            (_l("Yes. The whole procedure for registering and notifying economic operators has changed, "
                "so every company registers again on this portal. The new procedure is free of charge."),),
        ),
    ]
