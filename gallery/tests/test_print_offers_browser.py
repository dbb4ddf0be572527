"""The painting page's prints in Chromium, on a 390 × 844 phone and a 1366 × 900 laptop:
the picture first, then the original, then each edition with its form; a sold
original's page reads as a shop for its prints; no serious axe-core violation.
Screenshots: test-artifacts/screenshots/painting-prints-<w>x<h>.png (and
painting-prints-original-sold-<w>x<h>.png)."""

import pytest

from gallery.tests import test_browser
from gallery.tests.test_painting_browser import (
    LAPTOP,
    PHONE,
    box,
    has_no_horizontal_scroll,
    open_painting,
    screenshot,
)
from tests.test_accessibility import PageChecker, axe_source  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

demo = test_browser.demo  # the demo site: Morning Tide has prints, Fig Leaves' original sold


def painting_titled(demo, title):
    return next(painting for painting in demo.paintings if painting.title == title)


def focus_outline(page, selector):
    page.locator(selector).first.focus()
    return page.evaluate(
        "s => { const e = document.querySelector(s); const c = getComputedStyle(e);"
        " return [document.activeElement === e, c.outlineStyle, c.outlineWidth]; }",
        selector,
    )


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_prints_are_offered_after_the_picture_and_the_original(
    page,
    live_server,
    demo,
    axe_source,  # noqa: F811
    viewport,
):
    checker = PageChecker(page, live_server.url, axe_source)
    with_prints = painting_titled(demo, "Morning Tide")
    open_painting(page, live_server.url, with_prints, viewport)
    checker.check("painting with prints")
    screenshot(page, "painting-prints", viewport)
    assert has_no_horizontal_scroll(page)

    picture, buy_box = box(page, ".painting__figure"), box(page, ".buy-box")
    offers = box(page, "#prints")
    if viewport is PHONE:  # one column: picture, the original, then the prints
        assert picture["y"] + picture["height"] <= buy_box["y"] < offers["y"]
    else:  # the prints in the details column, beside the picture
        assert offers["x"] >= picture["x"] + picture["width"]
        assert buy_box["y"] < offers["y"]
    forms = page.locator("form.print-offer")
    assert forms.count() == 3  # the giclée, the screen print and its artist's proofs
    assert page.get_by_label("Quantity").count() == 3
    assert page.get_by_role("button", name="Add print to cart").count() == 2
    assert page.get_by_role("button", name="Add artist's proof to cart").count() == 1
    # A keyboard user sees where they are on the quantity and on the button.
    for selector in ("form.print-offer select", "form.print-offer button"):
        focused, style, width = focus_outline(page, selector)
        assert focused and style != "none" and width != "0px", (selector, style, width)

    sold_original = painting_titled(demo, "Fig Leaves in June")
    open_painting(page, live_server.url, sold_original, viewport)
    checker.check("painting sold, prints left")
    screenshot(page, "painting-prints-original-sold", viewport)
    note = page.locator(".painting__original-note")
    assert "Original sold — prints available" in " ".join(note.text_content().split())
    note_box, picture = box(page, ".painting__original-note"), box(page, ".painting__figure")
    assert note_box["y"] + note_box["height"] <= viewport["height"]  # on the first screen
    if viewport is PHONE:
        assert picture["y"] + picture["height"] <= note_box["y"]
    assert page.locator(".buy-box").count() == 0
    page.get_by_role("link", name="prints available").click()
    page.wait_for_function("() => location.hash === '#prints'")
    assert not checker.findings, "Accessibility problems:\n\n" + checker.report()
