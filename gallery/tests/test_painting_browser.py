"""The painting page in Chromium, on a 390 × 844 phone and a 1366 × 900 laptop.

The painting first: large on a laptop, and on a phone with its title, price
and "Add to cart" on the first screen. Then the lightbox (opaque, next and
previous by keys, buttons and swipe, focus kept inside and given back) and its
deep zoom on the largest rendition (keys, buttons, wheel, pinch, double-tap).
Screenshots land in test-artifacts/screenshots/.
"""

import re

import pytest
from wagtail.images.models import Filter

from gallery.models import PaintingPage
from gallery.tests import test_browser
from gallery.tests.test_browser import ARTIFACTS, NAVIGATION_TIMEOUT_MS
from shop.sale_status import SaleStatus
from tests.factories import ImageFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The walk-through's fixtures: the demo site (6 paintings), and the page's console errors.
demo = test_browser.demo
problems = test_browser.problems

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
SCREENSHOTS = ARTIFACTS / "screenshots"
ZOOM_SPEC = "max-3000x3000|format-webp"


def screenshot(page, name, viewport):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{viewport['width']}x{viewport['height']}.png"))


def buyable_paintings(demo):
    """The demo's paintings that can be bought now, with their images."""
    ids = [painting.pk for painting in demo.paintings]
    return list(
        PaintingPage.objects.with_sale_status()
        .filter(pk__in=ids, sale_status=SaleStatus.AVAILABLE, price__isnull=False)
        .select_related("image")
        .order_by("path")
    )


def by_shape(paintings):
    """One painting per picture shape found: portrait, landscape, square."""
    shapes = {}
    for painting in paintings:
        width, height = painting.image.width, painting.image.height
        shape = "portrait" if height > width else "landscape" if width > height else "square"
        shapes.setdefault(shape, painting)
    return shapes


def open_painting(page, base_url, painting, viewport):
    page.set_viewport_size(viewport)
    page.goto(base_url + painting.url)
    page.wait_for_function(
        "() => document.querySelector('.painting__image').complete"
        " && document.querySelector('.painting__image').naturalWidth > 0"
    )


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def has_no_horizontal_scroll(page):
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def open_lightbox(page):
    page.locator(".painting__zoom").click()
    page.locator("dialog.lightbox").wait_for(state="visible")
    wait_for_view(page)


def wait_for_view(page):
    page.wait_for_function(
        "() => { const img = document.querySelector('.lightbox__image');"
        " return img.complete && img.naturalWidth > 0; }"
    )


def counter(page):
    return page.locator(".lightbox__counter").inner_text()


def image_state(page):
    """The lightbox image: its drawn box, transform and the file it shows."""
    return page.evaluate(
        """() => {
            const img = document.querySelector('.lightbox__image');
            const r = img.getBoundingClientRect();
            const s = document.querySelector('.lightbox__stage').getBoundingClientRect();
            return {
                width: r.width, height: r.height, left: r.left, right: r.right,
                top: r.top, bottom: r.bottom,
                stage: {left: s.left, right: s.right, top: s.top, bottom: s.bottom,
                        width: s.width, height: s.height},
                transform: getComputedStyle(img).transform,
                natural: img.naturalWidth,
                src: img.currentSrc,
            };
        }"""
    )


def alpha(colour):
    """The alpha of a computed CSS colour (rgb() is opaque)."""
    match = re.fullmatch(r"rgba?\(([^)]*)\)", colour.strip())
    assert match, colour
    parts = re.split(r"[ ,/]+", match.group(1).strip())
    return float(parts[3]) if len(parts) == 4 else 1.0


def test_phone_shows_title_price_and_add_to_cart_on_the_first_screen(
    page, live_server, demo, problems
):
    shapes = by_shape(buyable_paintings(demo))
    assert {"portrait", "landscape"} <= set(shapes), shapes

    for shape, painting in shapes.items():
        open_painting(page, live_server.url, painting, PHONE)
        picture = box(page, ".painting__image")
        for name, selector in [
            ("title", "h1.painting__title"),
            ("price", ".buy-box .price"),
            ("add to cart", ".buy-box button[type=submit]"),
        ]:
            found = box(page, selector)
            assert found is not None, f"{shape}: no {name}"
            assert found["y"] >= picture["y"] + picture["height"], f"{shape}: {name} above picture"
            assert found["y"] + found["height"] <= PHONE["height"], (
                f"{shape}: {name} ends at y = {found['y'] + found['height']:.0f}"
            )
            assert found["x"] >= 0 and found["x"] + found["width"] <= PHONE["width"]
        assert page.get_by_role("button", name="Add to cart").is_visible()
        assert has_no_horizontal_scroll(page), shape
        # A painting worth opening: at least a third of the first screen's height or its width.
        assert picture["height"] >= 0.3 * PHONE["height"] or picture["width"] >= 340, shape
        if shape == "portrait":
            screenshot(page, "painting", PHONE)

    # The shipping & returns page is one tap from the buy box.
    terms = page.locator(".painting__terms a")
    assert terms.count() == 1
    assert terms.get_attribute("href").endswith("/shipping-returns/")
    assert problems == []


def test_laptop_shows_the_painting_as_large_as_the_first_screen_allows(
    page, live_server, demo, problems
):
    """The space a painting has is the first screen below the site header (height) and the
    page's image column (width: the viewport less the page's side gutters, the details
    column and the gap between them). Whatever its shape, the painting must reach at least
    80 % of that space in the dimension that limits it, and lie wholly on the first screen."""
    shapes = by_shape(buyable_paintings(demo))
    assert {"portrait", "landscape"} <= set(shapes), shapes

    for shape, painting in shapes.items():
        open_painting(page, live_server.url, painting, LAPTOP)
        space = page.evaluate(
            """() => {
                const header = document.querySelector('.site-header').getBoundingClientRect();
                const main = getComputedStyle(document.querySelector('main'));
                const layout = document.querySelector('.painting__layout');
                const details = document.querySelector('.painting__details');
                const gap = parseFloat(getComputedStyle(layout).columnGap);
                const inner = layout.getBoundingClientRect().width;
                return {
                    height: window.innerHeight - header.bottom,
                    width: inner - details.getBoundingClientRect().width - gap,
                    viewport: document.documentElement.clientWidth,
                };
            }"""
        )
        picture = box(page, ".painting__image")
        filled = max(picture["width"] / space["width"], picture["height"] / space["height"])
        assert filled >= 0.8, f"{shape}: {picture} fills {filled:.0%} of {space}"
        assert space["width"] >= 0.6 * space["viewport"], "the image column is too narrow"
        assert picture["y"] + picture["height"] <= LAPTOP["height"], f"{shape}: {picture}"
        # Price and button stay on the first screen beside it.
        button = box(page, ".buy-box button[type=submit]")
        assert button["y"] + button["height"] <= LAPTOP["height"]
        assert has_no_horizontal_scroll(page), shape
        if shape == "landscape":
            screenshot(page, "painting", LAPTOP)
    assert problems == []


def test_lightbox_is_opaque_steps_through_views_and_keeps_focus(page, live_server, demo, problems):
    painting = buyable_paintings(demo)[0]
    views = 1 + painting.gallery_images.count()
    assert views >= 3
    open_painting(page, live_server.url, painting, LAPTOP)
    title_box = box(page, "h1.painting__title")

    open_lightbox(page)
    dialog = page.get_by_role("dialog", name="Image viewer")
    assert dialog.is_visible()
    assert counter(page) == f"1 of {views}"
    assert page.evaluate("document.activeElement.textContent") == "Close"

    # Opaque: nothing of the page shows, and the page's title is covered by the viewer.
    colours = page.evaluate(
        """() => {
            const dialog = document.querySelector('dialog.lightbox');
            return [getComputedStyle(dialog).backgroundColor,
                    getComputedStyle(dialog, '::backdrop').backgroundColor];
        }"""
    )
    assert [alpha(colour) for colour in colours] == [1.0, 1.0], colours
    for x, y in [
        (title_box["x"] + 5, title_box["y"] + 5),
        (5, LAPTOP["height"] - 5),
        (LAPTOP["width"] - 5, LAPTOP["height"] / 2),
    ]:
        assert page.evaluate(
            "([x, y]) => document.querySelector('dialog.lightbox')"
            ".contains(document.elementFromPoint(x, y))",
            [x, y],
        ), (x, y)
    screenshot(page, "painting-lightbox", LAPTOP)

    first_src = image_state(page)["src"]
    page.keyboard.press("ArrowRight")
    wait_for_view(page)
    assert counter(page) == f"2 of {views}"
    assert image_state(page)["src"] != first_src
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    wait_for_view(page)
    assert counter(page) == f"{views} of {views}"
    page.get_by_role("button", name="Next image").click()
    assert counter(page) == f"1 of {views}"
    page.get_by_role("button", name="Previous image").click()
    assert counter(page) == f"{views} of {views}"

    # Tab and Shift+Tab never leave the viewer.
    for key in ["Tab"] * 9 + ["Shift+Tab"] * 9:
        page.keyboard.press(key)
        assert page.evaluate(
            "document.querySelector('dialog.lightbox').contains(document.activeElement)"
        ), key

    page.keyboard.press("Escape")
    page.locator("dialog.lightbox").wait_for(state="hidden")
    assert page.evaluate("document.activeElement.classList.contains('painting__zoom')")

    # Opened from a "more views" thumbnail, it starts there and gives focus back there.
    page.locator(".thumb__link").first.click()
    page.locator("dialog.lightbox").wait_for(state="visible")
    assert counter(page) == f"2 of {views}"
    page.keyboard.press("Escape")
    page.locator("dialog.lightbox").wait_for(state="hidden")
    assert page.evaluate("document.activeElement.classList.contains('thumb__link')")
    assert problems == []


def test_deep_zoom_uses_the_largest_rendition_by_keys_buttons_and_wheel(
    page, live_server, demo, problems
):
    painting = buyable_paintings(demo)[0]
    painting.image = ImageFactory(title="A large scan", file__width=3600, file__height=2400)
    painting.save_revision().publish()
    # max-3000x3000 of a 3600 × 2400 scan: the deep-zoom picture is 3000 × 2000.
    largest_filter = Filter(spec=ZOOM_SPEC)

    open_painting(page, live_server.url, painting, LAPTOP)
    assert not painting.image.renditions.filter(filter_spec=largest_filter.spec).exists(), (
        "the page render must not make the deep-zoom rendition"
    )
    open_lightbox(page)
    fitted = image_state(page)
    assert fitted["natural"] < 3000

    page.keyboard.press("+")
    page.wait_for_function(
        "() => document.querySelector('.lightbox__image').naturalWidth === 3000",
        timeout=NAVIGATION_TIMEOUT_MS,
    )
    zoomed = image_state(page)
    assert zoomed["width"] > fitted["width"] * 1.4
    assert "max-3000x3000" in zoomed["src"]
    largest = painting.image.renditions.get(filter_spec=largest_filter.spec)
    assert (largest.width, largest.height) == (3000, 2000)

    # Arrow keys pan the zoomed picture (and no longer step to the next view).
    before = zoomed["transform"]
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(200)
    panned = image_state(page)
    assert panned["transform"] != before
    assert counter(page).startswith("1 of")

    # Bounded: however far it goes, it stops, and the picture still covers the stage.
    for _ in range(25):
        page.keyboard.press("+")
    for _ in range(25):
        page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(200)
    deepest = image_state(page)
    assert deepest["width"] <= 2 * 3000 + 1
    assert deepest["width"] > fitted["width"] * 4
    assert deepest["left"] <= deepest["stage"]["left"] + 1
    assert deepest["right"] >= deepest["stage"]["right"] - 1
    screenshot(page, "painting-zoom", LAPTOP)

    page.keyboard.press("0")
    page.wait_for_timeout(200)
    reset = image_state(page)
    assert abs(reset["width"] - fitted["width"]) < 1
    assert reset["transform"] in ("none", "matrix(1, 0, 0, 1, 0, 0)")

    # The buttons and the mouse wheel zoom too.
    page.get_by_role("button", name="Zoom in").click()
    page.wait_for_timeout(200)
    assert image_state(page)["width"] > fitted["width"] * 1.4
    page.get_by_role("button", name="Fit to screen").click()
    page.wait_for_timeout(200)
    assert abs(image_state(page)["width"] - fitted["width"]) < 1
    stage = box(page, ".lightbox__stage")
    page.mouse.move(stage["x"] + stage["width"] / 2, stage["y"] + stage["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_timeout(300)
    assert image_state(page)["width"] > fitted["width"] * 1.5
    page.get_by_role("button", name="Zoom out").click()
    assert problems == []


def touch(cdp, kind, points):
    cdp.send(
        "Input.dispatchTouchEvent",
        {
            "type": kind,
            "touchPoints": [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)],
        },
    )


def test_phone_swipes_between_views_and_pinches_or_double_taps_to_zoom(browser, live_server, demo):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(NAVIGATION_TIMEOUT_MS)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    painting = buyable_paintings(demo)[0]
    views = 1 + painting.gallery_images.count()
    open_painting(page, live_server.url, painting, PHONE)
    inline = box(page, ".painting__image")

    page.locator(".painting__zoom").tap()
    page.locator("dialog.lightbox").wait_for(state="visible")
    wait_for_view(page)
    fitted = image_state(page)
    # The full-size view is bigger than the picture on the page.
    assert fitted["width"] * fitted["height"] > inline["width"] * inline["height"]
    screenshot(page, "painting-lightbox", PHONE)
    cdp = context.new_cdp_session(page)
    middle_y = fitted["stage"]["top"] + fitted["stage"]["height"] / 2

    # Swipe left: the next view.
    touch(cdp, "touchStart", [(320, middle_y)])
    for x in range(300, 80, -40):
        touch(cdp, "touchMove", [(x, middle_y)])
    touch(cdp, "touchEnd", [])
    page.wait_for_function(
        f"() => document.querySelector('.lightbox__counter').textContent === '2 of {views}'"
    )
    # Swipe right: back again.
    touch(cdp, "touchStart", [(70, middle_y)])
    for x in range(100, 330, 40):
        touch(cdp, "touchMove", [(x, middle_y)])
    touch(cdp, "touchEnd", [])
    page.wait_for_function(
        f"() => document.querySelector('.lightbox__counter').textContent === '1 of {views}'"
    )
    wait_for_view(page)

    # Pinch out: zoomed in, and the pinch does not step to another view.
    touch(cdp, "touchStart", [(180, middle_y), (210, middle_y)])
    for spread in range(40, 200, 20):
        touch(cdp, "touchMove", [(195 - spread, middle_y), (195 + spread, middle_y)])
    touch(cdp, "touchEnd", [])
    page.wait_for_timeout(200)
    pinched = image_state(page)
    assert pinched["width"] > fitted["width"] * 3
    assert counter(page) == f"1 of {views}"
    page.wait_for_function("() => document.querySelector('.lightbox__image').naturalWidth > 0")
    screenshot(page, "painting-zoom", PHONE)

    # Double-tap: back to fit; again: zoomed.
    for _ in range(2):
        touch(cdp, "touchStart", [(195, middle_y)])
        touch(cdp, "touchEnd", [])
    page.wait_for_timeout(300)
    assert abs(image_state(page)["width"] - fitted["width"]) < 1
    for _ in range(2):
        touch(cdp, "touchStart", [(195, middle_y)])
        touch(cdp, "touchEnd", [])
    page.wait_for_timeout(300)
    assert image_state(page)["width"] > fitted["width"] * 2
    assert has_no_horizontal_scroll(page)
    assert errors == []
    context.close()


def test_without_javascript_the_picture_links_open_the_image(browser, live_server, demo):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(NAVIGATION_TIMEOUT_MS)
    painting = buyable_paintings(demo)[0]
    page.goto(live_server.url + painting.url)
    page.locator(".painting__zoom").click()
    page.wait_for_url(re.compile(r"max-2000x2000\.jpg$"))
    context.close()
