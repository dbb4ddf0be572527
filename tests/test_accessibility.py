"""Every public page type, checked in Chromium with axe-core.

A page fails on axe violations of impact "serious" or "critical", on console
errors and on responses with status >= 400. axe-core is not vendored: `npm
install --no-save axe-core@4.14.1` in the repository folder (CI does this), or
point AXE_JS at an axe.min.js.
"""

import os
from pathlib import Path

import pytest

from gallery.demo import build_demo_site
from tests.factories import UserFactory
from tests.real_parts import missing_part

REPO = Path(__file__).resolve().parents[1]
AXE_JS = Path(os.environ.get("AXE_JS") or REPO / "node_modules" / "axe-core" / "axe.min.js")

# The first visit renders every rendition, which is slow on a busy machine.
TIMEOUT_MS = 180_000
BLOCKING_IMPACTS = {"serious", "critical"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def axe_source():
    if not AXE_JS.is_file():
        missing_part(
            f"axe-core not found at {AXE_JS}: run `make test` with npm installed (see README)",
            "REQUIRE_BROWSER",
        )
    return AXE_JS.read_text()


@pytest.fixture
def demo(settings):
    settings.ROOT_URLCONF = "gallery.tests.urls_media"
    return build_demo_site(paintings=6, with_revisions=False)


class PageChecker:
    """Visits pages and collects, per page, what is wrong with them."""

    def __init__(self, page, base_url, axe_source):
        self.page = page
        self.base_url = base_url
        self.axe_source = axe_source
        self.expected_status_url = None
        self.errors = []
        self.findings = {}
        page.set_default_navigation_timeout(TIMEOUT_MS)
        page.set_default_timeout(TIMEOUT_MS)
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        page.on("response", self.on_response)
        page.on("requestfailed", lambda request: self.errors.append(f"failed: {request.url}"))

    def on_console(self, message):
        # A 404 page's own status shows up as a console error too; that one is expected.
        if message.type == "error" and message.location.get("url") != self.expected_status_url:
            self.errors.append(f"console: {message.text}")

    def on_response(self, response):
        if response.status >= 400 and response.url != self.expected_status_url:
            self.errors.append(f"{response.status} {response.url}")

    def visit(self, name, path, status=200):
        url = self.base_url + path
        self.expected_status_url = url if status >= 400 else None
        response = self.page.goto(url)
        assert response.status == status, f"{name}: {url} answered {response.status}"
        self.check(name)

    def check(self, name):
        """Check the page the browser is on now."""
        self.page.wait_for_load_state("networkidle")
        # Evaluated over DevTools rather than as a <script>: the site's CSP forbids inline scripts.
        self.page.evaluate(self.axe_source)
        violations = self.page.evaluate(
            """async () => {
                const results = await axe.run(document, {resultTypes: ["violations"]});
                return results.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    nodes: v.nodes.map(n => ({
                        target: n.target.join(" "), summary: n.failureSummary,
                    })),
                }));
            }"""
        )
        problems = [
            describe_violation(violation)
            for violation in violations
            if violation["impact"] in BLOCKING_IMPACTS
        ]
        problems += self.errors
        self.errors = []
        if problems:
            self.findings[f"{name} ({self.page.url})"] = problems

    def report(self):
        return "\n\n".join(
            f"{page}:\n" + "\n".join(f"  - {problem}" for problem in problems)
            for page, problems in self.findings.items()
        )


def describe_violation(violation):
    nodes = "\n".join(
        f"      at {node['target']}: {node['summary']}".replace("\n", " ")
        for node in violation["nodes"][:5]
    )
    more = len(violation["nodes"]) - 5
    if more > 0:
        nodes += f"\n      … and {more} more"
    return (
        f"axe {violation['impact']}: {violation['id']}: {violation['help']} "
        f"({violation['helpUrl']})\n{nodes}"
    )


def test_public_pages_have_no_serious_accessibility_violations(axe_source, page, live_server, demo):
    collection = demo.home.featured_collection
    painting = next(p for p in demo.paintings if p.sale_status == "available")
    about = demo.standard_pages[0]
    checker = PageChecker(page, live_server.url, axe_source)
    page.set_viewport_size({"width": 1280, "height": 900})

    checker.visit("home", demo.home.url)
    checker.visit("gallery index", demo.gallery_index.url)
    checker.visit("collection", collection.url)
    checker.visit("collection, filtered", collection.url + "?available=on")
    checker.visit("journal", demo.journal.url)
    checker.visit("article", demo.articles[0].url)
    checker.visit("standard page", about.url)
    checker.visit("contact", demo.contact.url)
    checker.visit("search", "/search/?q=sea")
    checker.visit("search, no results", "/search/?q=zzzz")
    checker.visit("cart, empty", "/cart/")
    checker.visit("sign in", "/accounts/login/")
    checker.visit("sign up", "/accounts/signup/")
    checker.visit("not found", "/no-such-page/", status=404)

    checker.visit("painting", painting.url)
    page.get_by_role("button", name="Add to cart").click()
    # The header counts it, from the cart_count cookie (static/js/cart_count.js).
    page.get_by_role("link", name="Cart (1 item)").wait_for()
    checker.check("painting, added to the cart")
    checker.visit("cart, one painting", "/cart/")
    assert page.locator(".cart-line").count() == 1

    # The signed-in pages, with a confirmed address as allauth requires.
    user = UserFactory(email="reader@example.com", password="a-long-passphrase", verified=True)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill("a-long-passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    checker.visit("account", "/account/")
    checker.visit("orders", "/account/orders/")
    checker.visit("e-mail address", "/accounts/email/")
    checker.visit("password", "/accounts/password/change/")

    assert not checker.findings, "Accessibility and loading problems:\n\n" + checker.report()
