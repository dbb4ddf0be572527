"""A visitor's walk through the gallery in a real browser (Chromium via Playwright):
home → featured collection → a painting. Each page must load cleanly (no console
errors, no failed requests, every image decoded), start with a visible skip link,
and leave a full-page screenshot under test-artifacts/ for people to look at."""

import os
from pathlib import Path

import pytest

from gallery.demo import build_demo_site

# Playwright's sync API runs an event loop in this thread; the live server's ORM
# calls happen in another, but Django still checks this one.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# The first visit renders every rendition, which is slow on a busy machine.
NAVIGATION_TIMEOUT_MS = 180_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo(settings):
    settings.ROOT_URLCONF = "gallery.tests.urls_media"
    return build_demo_site(paintings=6, with_revisions=False)


@pytest.fixture
def problems(page):
    """Console errors, uncaught exceptions and failed requests seen by the page."""
    found = []
    page.on("console", lambda message: message.type == "error" and found.append(message.text))
    page.on("pageerror", lambda error: found.append(f"uncaught: {error}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and found.append(f"{response.status} {response.url}")
        ),
    )
    page.on("requestfailed", lambda request: found.append(f"failed: {request.url}"))
    page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    page.set_default_timeout(NAVIGATION_TIMEOUT_MS)
    return found


def check_skip_link(page):
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            return {
                href: el.getAttribute("href"),
                outline: style.outlineStyle,
                shadow: style.boxShadow,
                onScreen: box.top >= 0 && box.left >= 0 && box.width > 0 && box.height > 0,
            };
        }"""
    )
    assert focused["href"] == "#main"
    assert focused["onScreen"], "the focused skip link must be visible"
    assert focused["outline"] != "none" or focused["shadow"] != "none"


def load_every_image(page):
    """Scroll through the page so lazy images load, then wait for them to decode."""
    page.evaluate(
        """async () => {
            for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight / 2) {
                window.scrollTo({top: y, behavior: "instant"});
                await new Promise(resolve => setTimeout(resolve, 50));
            }
            window.scrollTo({top: 0, behavior: "instant"});
        }"""
    )
    page.wait_for_function(
        "() => Array.from(document.images).every(img => img.complete)",
        timeout=NAVIGATION_TIMEOUT_MS,
    )
    broken = page.evaluate(
        """() => Array.from(document.images)
            .filter(img => img.naturalWidth === 0)
            .map(img => img.currentSrc || img.src)"""
    )
    assert page.locator("img").count() > 0
    assert broken == []


def check_page(page, problems, name):
    page.wait_for_load_state("load")
    check_skip_link(page)
    load_every_image(page)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.activeElement.blur()")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert problems == [], f"{name}: {problems}"


def check_full_size_dialog(page, problems):
    """The large image opens in a modal dialog; Escape closes it and focus returns."""
    page.locator(".painting__zoom").click()
    dialog = page.locator("dialog.lightbox")
    dialog.wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('.lightbox__image').naturalWidth > 0")
    assert page.evaluate("document.activeElement.textContent") == "Close"

    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.classList.contains('painting__zoom')")
    assert problems == []


def test_visitor_walks_from_home_to_a_painting(page, live_server, demo, problems):
    collection = demo.home.featured_collection
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(live_server.url + "/")
    assert page.locator("h1").first.is_visible()
    check_page(page, problems, "home")

    page.get_by_role("link", name=f"View the series {collection.title}").click()
    page.wait_for_url(f"**{collection.url}")
    assert page.locator("h1").inner_text() == collection.title
    check_page(page, problems, "collection")

    first_painting = page.locator(".painting-card .card__link").first
    painting_title = first_painting.inner_text()
    first_painting.click()
    page.wait_for_url(f"**{collection.url}*/")
    assert page.locator("h1").inner_text() == painting_title
    check_page(page, problems, "painting")
    check_full_size_dialog(page, problems)
