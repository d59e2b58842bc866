"""A person at a browser: visits pages, uses the keyboard, and checks each page.

Adding a journey is one short test: take the `visitor` fixture, `goto` a
page, act, and assert what the person sees. Every landing is audited.
"""
import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary)}));
}"""


class AccessibilityViolations(AssertionError):
    pass


def _axe_source():
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run `npm ci --prefix tests/browser` (make test does)")
    return AXE.read_text()


class Visitor:
    def __init__(self, page: Page, base_url: str, javascript: bool, auditor: Page = None):
        self.page = page
        self.base_url = base_url
        self.javascript = javascript
        # axe needs timers and promises, which a page without JavaScript does not
        # run: such a page is audited as a copy of its DOM in `auditor`, a page
        # whose own scripts are blocked.
        self.auditor = auditor
        self.audited = []

    # Moving around --------------------------------------------------------

    def goto(self, path, status=200):
        response = self.page.goto(self.base_url + path)
        # None: only the #fragment changed, the browser stayed on the document.
        assert response is None or response.status == status, (path, response.status)
        self.check_page()
        return response

    def log_in(self, niss, password, secret, lang="fr"):
        """"Continuer par AFMPS": the NISS and password page, then the code of the app."""
        import pyotp

        self.goto(f"/{lang}/login/afmps")
        self.page.locator("#field-username").fill(niss)
        self.page.locator("#field-password").fill(password)
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").click()
        self.page.locator("#field-code").fill(pyotp.TOTP(secret).now())
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").click()
        self.check_page()

    def log_in_staff(self, email, password, secret, lang="fr"):
        """The agency's login: e-mail and password, then the code of the app."""
        import pyotp

        self.goto(f"/{lang}/staff/login")
        self.page.locator("#field-email").fill(email)
        self.page.locator("#field-password").fill(password)
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").click()
        self.page.locator("#field-code").fill(pyotp.TOTP(secret).now())
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").click()
        self.check_page()

    def path(self):
        url = self.page.url
        return url[len(self.base_url):] if url.startswith(self.base_url) else url

    def check_page(self):
        """What every landing must pass: accessibility and no sideways scrolling."""
        self.page.wait_for_load_state("load")  # styles applied: contrast and sizes are real
        self.audit()
        self.assert_no_horizontal_scroll()

    # Checks -----------------------------------------------------------------

    def audit(self):
        """axe-core, WCAG 2.0/2.1/2.2 A and AA: no violation allowed.

        The CSP forbids injected <script> tags, so axe is evaluated through the
        devtools protocol, which the page's policy does not govern.
        """
        target = self.page
        if not self.javascript:
            target = self.auditor
            target.set_content(self.page.content())
        if not target.evaluate("() => typeof window.axe !== 'undefined'"):
            target.evaluate(_axe_source())
        violations = target.evaluate(_RUN_AXE, WCAG_TAGS)
        self.audited.append(self.path())
        if violations:
            lines = [f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
                     for v in violations]
            raise AccessibilityViolations(f"axe on {self.path()}:\n" + "\n".join(lines))

    def assert_no_horizontal_scroll(self):
        overflow = self.page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{self.path()} scrolls sideways by {overflow}px"

    # Keyboard ---------------------------------------------------------------

    def tab_to(self, target: Locator, limit=80):
        """Press Tab until `target` has focus; it must show a visible focus indicator."""
        handle = target.element_handle()
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if self.page.evaluate("(el) => document.activeElement === el", handle):
                self.assert_visible_focus()
                return
        raise AssertionError(f"could not reach {target} with Tab in {limit} presses")

    def assert_visible_focus(self):
        style = self.page.evaluate("""() => {
          const s = getComputedStyle(document.activeElement);
          return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow};
        }""")
        assert (style["outline"] != "none" and style["width"] >= 2) or style["shadow"] != "none", style

    # htmx -------------------------------------------------------------------

    def mark_document(self):
        """Tag this document; a full navigation loses the tag, a swap keeps it."""
        self.page.evaluate("() => { window.__portalMark = 'still-here'; }")

    def assert_same_document(self):
        assert self.page.evaluate("() => window.__portalMark") == "still-here", \
            "a full navigation happened where an htmx swap was expected"

    def press(self, key, navigates):
        """Press `key` on the focused element; when it `navigates` (a link or form without JavaScript), wait
        for the new page and audit it."""
        if navigates:
            with self.page.expect_navigation():
                self.page.keyboard.press(key)
            self.check_page()
        else:
            self.page.keyboard.press(key)

    def swap_or_navigate(self, action, expected_path=None):
        """Do `action`; with JavaScript it must swap a fragment without leaving the
        document, without it it must navigate. Either way the result is audited."""
        if self.javascript:
            self.mark_document()
            with self.page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
                action()
            self.page.wait_for_load_state("networkidle")
            self.assert_same_document()
        else:
            with self.page.expect_navigation():
                action()
        if expected_path is not None:
            expect(self.page).to_have_url(re.compile(re.escape(self.base_url + expected_path) + "$"))
        self.check_page()
