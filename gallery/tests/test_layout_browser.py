"""The site's layout in a real browser (Chromium via Playwright), measured where
people see it: a 390 × 844 phone and a 1366 × 900 laptop, and the header's one
line at 1024, 1366 and 1920 px. Screenshots of home, collection and search with
filters land in test-artifacts/screenshots/<page>-<width>x<height>.png."""

from pathlib import Path

import pytest

from gallery.demo import build_demo_site
from gallery.tests import test_browser
from gallery.tests.test_browser import NAVIGATION_TIMEOUT_MS, load_every_image

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# The walk-through's fixture: console errors and failed requests (a font 404 included).
problems = test_browser.problems
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo(settings):
    settings.ROOT_URLCONF = "gallery.tests.urls_media"
    # Three collections of four: enough for several rows and a varied home page.
    return build_demo_site(paintings=12, with_revisions=False)


def page_urls(demo):
    collection = demo.collections[0]
    return {
        "home": "/",
        "gallery": demo.gallery_index.url,
        "collection": collection.url,
        "painting": demo.paintings[0].url,
        "journal": demo.journal.url,
        "article": demo.articles[0].url,
        "about": "/about/",
        "contact": demo.contact.url,
        "search": "/search/?available=on",  # filters alone: stop words differ by database
        "cart": "/cart/",
    }


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.screenshot(
        path=str(SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png"), full_page=True
    )


def horizontal_overflow(page):
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def nav_tops(page):
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.site-nav__link'))
            .map(link => Math.round(link.getBoundingClientRect().top))"""
    )


def check_web_fonts(page):
    """Both web fonts are loaded (not just declared) and used by headings and text."""
    page.evaluate("() => document.fonts.ready")
    loaded = page.evaluate(
        """() => Array.from(document.fonts)
            .filter(face => face.status === 'loaded').map(face => face.family.replace(/"/g, ''))"""
    )
    assert {"Cormorant Garamond", "Figtree"} <= set(loaded), loaded
    families = page.evaluate(
        """() => [document.querySelector('h1'), document.querySelector('.site-name__artist'),
                  document.body].map(el => getComputedStyle(el).fontFamily)"""
    )
    assert families[0].startswith('"Cormorant Garamond"')
    assert families[1].startswith('"Cormorant Garamond"')
    assert families[2].startswith("Figtree") or families[2].startswith('"Figtree"')
    font_requests = page.evaluate(
        """() => performance.getEntriesByType('resource')
            .filter(entry => entry.name.endsWith('.woff2')).map(entry => entry.name)"""
    )
    assert len(font_requests) == 2, font_requests


def test_every_page_type_fits_the_phone_and_the_laptop(page, live_server, demo, problems):
    urls = page_urls(demo)
    page.set_default_timeout(NAVIGATION_TIMEOUT_MS)
    for viewport in (PHONE, LAPTOP):
        page.set_viewport_size(viewport)
        for name, url in urls.items():
            page.goto(live_server.url + url, wait_until="load")
            assert horizontal_overflow(page) <= 0, f"{name} scrolls sideways at {viewport}"
            header = page.locator(".site-header").bounding_box()
            if viewport is PHONE:
                assert header["height"] <= 72, f"{name}: header {header['height']} px tall"
                assert page.locator(".menu-toggle").is_visible()
                assert not page.locator(".site-nav").is_visible()
            else:
                assert len(set(nav_tops(page))) == 1, f"{name}: the menu wraps"
                assert not page.locator(".menu-toggle").is_visible()
            if name in ("home", "collection", "search"):
                load_every_image(page)
                screenshot(page, name)
        check_web_fonts(page)
    # A failed request (a font or image 404 included) or a console error.
    assert problems == []


def test_the_menu_stays_on_one_line_on_wide_screens(page, live_server, demo):
    for width in (1024, 1280, 1366, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + demo.collections[0].url)
        tops = nav_tops(page)
        assert len(tops) >= 4 and len(set(tops)) == 1, f"{width}: {tops}"
        # Name, menu, search, account and cart share the header's one line.
        boxes = page.evaluate(
            """() => ['.site-name', '.site-nav', '.site-search__button', '.account-link',
                      '.cart-link'].map(s => document.querySelector(s).getBoundingClientRect())
                .map(b => ({top: b.top, bottom: b.bottom, left: b.left, right: b.right}))"""
        )
        header = page.locator(".site-header").bounding_box()
        for before, after in zip(boxes, boxes[1:], strict=False):
            assert after["left"] >= before["right"], f"{width}: header items overlap"
            assert after["top"] < before["bottom"] and before["top"] < after["bottom"]
        assert header["height"] <= 90


def test_the_phone_menu_opens_with_the_keyboard_and_escape_closes_it(page, live_server, demo):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    toggle = page.locator(".menu-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert toggle.get_attribute("aria-controls") == "site-menu"

    # Tab from the top of the page: skip link, name, cart, then the Menu button.
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('menu-toggle')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    first_link = page.locator(".site-nav__link").first
    assert first_link.is_visible()
    assert (
        first_link.bounding_box()["y"] >= page.locator(".site-header").bounding_box()["height"] - 1
    )
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('site-nav__link')")

    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not first_link.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")

    # Space opens it too; a click elsewhere closes it.
    toggle.focus()
    page.keyboard.press(" ")
    assert first_link.is_visible()
    page.mouse.click(200, 600)
    assert not first_link.is_visible()


def test_without_javascript_the_phone_menu_is_shown(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        assert not page.locator(".menu-toggle").is_visible()
        assert page.locator(".site-nav__link").first.is_visible()
        assert horizontal_overflow(page) <= 0
    finally:
        context.close()


def card_geometry(page):
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.painting-grid__item')).map(item => {
            const img = item.querySelector('img');
            const box = img.getBoundingClientRect();
            return {
                top: Math.round(box.top + scrollY), left: box.left, right: box.right,
                width: box.width, height: box.height,
                natural: img.naturalWidth / img.naturalHeight,
                declared: img.getAttribute('width') / img.getAttribute('height'),
            };
        })"""
    )


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_collection_grid_reads_left_to_right_and_keeps_proportions(
    page, live_server, demo, viewport
):
    page.set_viewport_size(viewport)
    collection = demo.collections[0]
    page.goto(live_server.url + collection.url)
    load_every_image(page)
    titles = page.locator(".painting-card .card__link").all_inner_texts()
    in_order = [p.title for p in collection.get_children().live().specific().order_by("path")]
    assert titles == in_order, "the cards follow the artist's order"

    cards = card_geometry(page)
    rows = []
    for card in cards:
        ratio = card["width"] / card["height"]
        assert abs(ratio / card["natural"] - 1) < 0.02, card
        assert abs(card["declared"] / card["natural"] - 1) < 0.02, card
        assert card["right"] <= viewport["width"]
        if rows and abs(card["top"] - rows[-1][-1]["top"]) <= 2:
            assert card["left"] > rows[-1][-1]["right"], "next card is to the right"
            rows[-1].append(card)
        else:
            assert not rows or card["top"] > rows[-1][-1]["top"], "next row is below"
            rows.append([card])
    if viewport is LAPTOP:
        assert any(len(row) > 1 for row in rows), "a laptop shows paintings side by side"
    # Justified rows: pictures of a row share its height.
    for row in rows:
        heights = [card["height"] for card in row]
        assert max(heights) - min(heights) <= 2, row


def collection_of(demo, url):
    for collection in demo.collections:
        if url.startswith(collection.url):
            return collection.title
    raise AssertionError(url)


def test_the_home_page_varies_its_first_screens(page, live_server, demo):
    page.set_viewport_size(LAPTOP)
    page.goto(live_server.url + "/")
    featured = page.locator(".featured-collection h2").inner_text()
    selected = [
        collection_of(demo, href.replace(live_server.url, ""))
        for href in page.locator(".painting-card .card__link").evaluate_all(
            "links => links.map(link => link.getAttribute('href'))"
        )
    ]
    first_row = selected[:3]
    assert featured not in first_row, "the selection does not repeat the featured series"
    for before, after in zip(first_row, first_row[1:], strict=False):
        assert before != after, f"two neighbours from one collection: {selected}"


def test_search_on_a_phone_shows_results_before_the_filters(page, live_server, demo):
    page.set_viewport_size(PHONE)
    medium = demo.paintings[0].medium_id
    page.goto(live_server.url + f"/search/?medium={medium}&available=on")
    toggle = page.locator(".search-filters > summary")
    assert toggle.inner_text().replace("\n", " ").strip().startswith("Filter (2")
    first_result = page.locator(".painting-card").first.bounding_box()
    assert first_result["y"] < PHONE["height"], "the first result is on the first screen"
    assert not page.locator(".painting-filters").is_visible()

    toggle.click()
    form = page.locator(".painting-filters").bounding_box()
    assert form["y"] > toggle.bounding_box()["y"]
    # Every select shows its longest choice in full ("City After Dark", not "City After Da…").
    cut_off = page.evaluate(
        """() => [...document.querySelectorAll('.painting-filters select')].filter(select => {
            const probe = document.createElement('span');
            probe.style.font = getComputedStyle(select).font;
            probe.style.whiteSpace = 'nowrap';
            probe.style.position = 'absolute';
            document.body.append(probe);
            const widest = Math.max(...Array.from(select.options).map(option => {
                probe.textContent = option.text;
                return probe.getBoundingClientRect().width;
            }));
            probe.remove();
            return widest + 40 > select.clientWidth;
        }).map(select => select.name)"""
    )
    assert cut_off == []
    load_every_image(page)
    screenshot(page, "search")

    page.set_viewport_size(LAPTOP)
    page.reload()
    assert page.locator(".painting-filters").is_visible(), "open beside the results"
    load_every_image(page)
    screenshot(page, "search")


def test_the_footer_links_the_buyers_pages_and_says_copyright_once(page, live_server, demo):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/about/")
    footer = page.locator(".site-footer")
    assert footer.get_by_role("link", name="Shipping & returns").get_attribute("href") == (
        "/shipping-returns/"
    )
    assert footer.get_by_role("link", name="Privacy").get_attribute("href") == "/privacy/"
    assert footer.get_by_role("link", name="Commissions & contact").is_visible()
    assert footer.get_by_role("link", name="Instagram").is_visible()
    assert footer.inner_text().count("©") == 1
    contact_link = page.locator("main").get_by_role("link", name="the contact page")
    assert contact_link.get_attribute("href") == demo.contact.url
