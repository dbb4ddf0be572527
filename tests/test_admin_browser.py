"""The artist's admin in Chromium: the dashboard passes axe-core (no serious or
critical violations) at a desktop and a phone size, with screenshots under
test-artifacts/screenshots/, and a new image gets a readable title from its
file name through Wagtail's `wagtail:images-upload` event."""

from pathlib import Path

import pytest
from PIL import Image as PillowImage
from wagtail.images import get_image_model

from gallery.demo import ARTIST_NAME, build_demo_site
from tests.factories import PASSWORD, OrderFactory, UserFactory
from tests.test_accessibility import TIMEOUT_MS, PageChecker, axe_source  # noqa: F401

SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def signed_in_artist(page, live_server):
    """The artist, signed in to the admin through its own login form."""
    artist = UserFactory(username="artist", email="artist@example.com", superuser=True)
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill(artist.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    return artist


def test_dashboard_has_no_serious_accessibility_violations(
    axe_source,  # noqa: F811
    page,
    live_server,
    signed_in_artist,
):
    demo = build_demo_site(paintings=6, with_revisions=False)
    OrderFactory(paintings=[demo.paintings[0]])
    OrderFactory(paintings=[demo.paintings[1]], needs_review=True)
    checker = PageChecker(page, live_server.url, axe_source)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        checker.visit(f"dashboard, {name}", "/admin/")
        page.screenshot(path=str(SCREENSHOTS / f"admin-dashboard-{name}.png"), full_page=True)

        panel = page.locator("#shop-summary-content")
        assert panel.get_by_role("link", name="1 order needing review").is_visible()
        # Wagtail's own summary size (1.375rem), not the 150 px of an unstyled icon.
        for box in [icon.bounding_box() for icon in panel.locator("svg.icon").all()]:
            assert box["height"] <= 24 and box["width"] <= 24
        bullets = panel.locator("li").evaluate_all(
            "items => items.map(li => getComputedStyle(li).listStyleType)"
        )
        assert set(bullets) == {"none"}

    assert page.title().endswith(f"{ARTIST_NAME} — Gallery admin")
    assert page.locator("h1").first.inner_text().strip() == f"{ARTIST_NAME} — Gallery admin"
    assert not checker.findings, "Accessibility problems:\n\n" + checker.report()


def test_a_new_image_is_titled_from_its_file_name_readably(
    page, live_server, signed_in_artist, tmp_path
):
    picture = tmp_path / "morning-tide_02.jpg"
    PillowImage.new("RGB", (40, 30), "navy").save(picture)

    page.goto(live_server.url + "/admin/images/multiple/add/")
    page.locator("input[type=file]").set_input_files(str(picture))
    page.locator(".upload-success").wait_for()

    assert list(get_image_model().objects.values_list("title", flat=True)) == ["Morning tide 02"]
