""" "See it on your wall", in Chromium: the painting is drawn at true scale.

Sizes are measured in the browser (bounding boxes of what is drawn) and
compared with real-world sizes the test knows itself: a sofa 200 cm wide, a
door 80 × 200 cm, a person 170 cm tall, the painting's width_cm × height_cm.
The visitor's own photo must never leave the browser: every request made
while it is chosen and used is recorded and checked.
"""

import io
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from PIL import Image, ImageDraw

from gallery.tests.test_browser import demo, problems  # noqa: F401 - fixtures
from tests.test_accessibility import PageChecker, axe_source  # noqa: F401 - fixture

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 180_000
TOLERANCE = 0.02

# What each drawn room puts beside the painting, as the real world measures it.
ROOMS = {
    "living": {"label": "Sofa", "file": "sofa.svg", "width": 200, "height": 85},
    "hall": {"label": "Door", "file": "door.svg", "width": 80, "height": 200},
    "gallery": {"label": "Person", "file": "person.svg", "width": 50, "height": 170},
}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def painting(demo):  # noqa: F811 - the fixture imported above
    return next(p for p in demo.paintings if p.image_id)


def assert_close(measured, expected, what):
    assert abs(measured - expected) <= TOLERANCE * expected, (
        f"{what}: measured {measured:.4f}, expected {expected:.4f}"
    )


def box(page, selector):
    return page.locator(selector).bounding_box()


def open_wall_view(page, url):
    page.goto(url)
    button = page.get_by_role("button", name="See it on your wall")
    button.click()
    dialog = page.locator("dialog.wall-view__dialog")
    dialog.wait_for(state="visible")
    page.wait_for_function(
        "() => { const img = document.querySelector('[data-painting] img');"
        " return img && img.complete && img.naturalWidth > 0; }"
    )
    return dialog


def choose(page, label):
    page.get_by_role("radio", name=label).check()


def check_true_scale(page, painting, room):
    reference = ROOMS[room]
    painting_box = box(page, "[data-painting]")
    reference_object = page.locator(f"[data-room='{room}'] [data-reference]")
    object_box = reference_object.bounding_box()
    # What is measured is the drawing itself, stretched to the element's box.
    drawn = reference_object.evaluate(
        "el => [getComputedStyle(el).backgroundImage, getComputedStyle(el).backgroundSize]"
    )
    assert reference["file"] in drawn[0] and drawn[1] == "100% 100%", drawn
    # The painting relative to the object beside it, in width and in height.
    assert_close(
        painting_box["width"] / object_box["width"],
        float(painting.width_cm) / reference["width"],
        f"{room}: painting width / object width",
    )
    assert_close(
        painting_box["height"] / object_box["height"],
        float(painting.height_cm) / reference["height"],
        f"{room}: painting height / object height",
    )
    # And the whole scene fits in the window.
    viewport = page.viewport_size
    scene = box(page, "[data-scene]")
    assert scene["x"] >= 0 and scene["x"] + scene["width"] <= viewport["width"] + 0.5
    assert scene["y"] >= 0 and scene["y"] + scene["height"] <= viewport["height"] + 0.5


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


def test_each_room_shows_the_painting_at_true_scale(page, live_server, painting, problems):  # noqa: F811
    page.set_viewport_size({"width": 1366, "height": 900})
    dialog = open_wall_view(page, live_server.url + painting.url)
    assert page.evaluate("document.activeElement.textContent") == "Close"
    assert dialog.get_by_role("heading", name="See it on your wall").is_visible()

    for room, reference in ROOMS.items():
        choose(page, reference["label"])
        check_true_scale(page, painting, room)
        if room == "living":
            screenshot(page, "painting-wall-1366x900.png")

    # A smaller window scales the room down; the ratio stays true.
    page.set_viewport_size({"width": 900, "height": 620})
    page.wait_for_timeout(100)
    check_true_scale(page, painting, "gallery")
    assert problems == []


def test_the_drawings_are_as_large_as_the_page_says(client, painting):
    """Each object's drawing has its real size in cm as its view box, and is drawn as the
    background of the element that carries that size in its data attributes."""
    html = client.get(painting.url).content.decode()
    css = Path(finders.find("css/wall.css")).read_text()
    for room, reference in ROOMS.items():
        svg = Path(finders.find(f"images/rooms/{reference['file']}")).read_text()
        view_box = re.search(r'<svg[^>]* viewBox="([^"]+)"', svg)[1]
        assert view_box == f"0 0 {reference['width']} {reference['height']}", room
        drawing = reference["file"].removesuffix(".svg")
        rule = re.search(rf"\.wall-view__object--{drawing} \{{([^}}]*)\}}", css)[1]
        assert f'url("../images/rooms/{reference["file"]}")' in rule
        tag = re.search(rf'<div class="[^"]*wall-view__object--{drawing}"[^>]*>', html)[0]
        assert f'data-reference-width-cm="{reference["width"]}"' in tag, room
        assert f'data-reference-height-cm="{reference["height"]}"' in tag, room


def test_the_painting_moves_by_drag_and_by_arrow_keys(page, live_server, painting, problems):  # noqa: F811
    page.set_viewport_size({"width": 1366, "height": 900})
    open_wall_view(page, live_server.url + painting.url)
    px_per_cm = box(page, "[data-room='living'] [data-reference]")["width"] / 200

    before = box(page, "[data-painting]")
    page.mouse.move(before["x"] + before["width"] / 2, before["y"] + before["height"] / 2)
    page.mouse.down()
    page.mouse.move(
        before["x"] + before["width"] / 2 - 60, before["y"] + before["height"] / 2 + 25, steps=6
    )
    page.mouse.up()
    after = box(page, "[data-painting]")
    assert after["x"] == pytest.approx(before["x"] - 60, abs=1)
    assert after["y"] == pytest.approx(before["y"] + 25, abs=1)
    assert after["width"] == pytest.approx(before["width"], abs=0.5)

    # Keyboard: from the close button, Tab reaches the room picker, then the painting.
    page.locator("[data-wall-close]").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-painting')")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused painting must show its focus"
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowUp")
    moved = box(page, "[data-painting]")
    assert moved["x"] == pytest.approx(after["x"] + 3 * 2 * px_per_cm, abs=1)
    assert moved["y"] == pytest.approx(after["y"] - 20 * px_per_cm, abs=1)

    # Escape closes the dialog and focus goes back to the button that opened it.
    page.keyboard.press("Escape")
    page.locator("dialog.wall-view__dialog").wait_for(state="hidden")
    assert page.evaluate("document.activeElement.textContent") == "See it on your wall"
    assert problems == []


def wall_photo(width=1200, height=800):
    """A PNG of a wall with a door on it, made here: these are the bytes that must stay put."""
    picture = Image.new("RGB", (width, height), (214, 205, 188))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((250, 300, 850, 700), fill=(120, 98, 76))
    for x in range(0, width, 37):
        draw.line((x, 0, x + 40, height), fill=(200 + x % 40, 190, 170))
    data = io.BytesIO()
    picture.save(data, format="PNG")
    return data.getvalue()


def test_own_photo_is_scaled_by_the_marked_length_and_never_sent(
    page,
    live_server,
    painting,
    problems,  # noqa: F811
):
    page.set_viewport_size({"width": 1366, "height": 900})
    open_wall_view(page, live_server.url + painting.url)
    requests = []
    page.on("request", lambda request: requests.append(request))

    choose(page, "Your photo")
    photo = wall_photo()
    page.get_by_label("Photo of your wall").set_input_files(
        files=[{"name": "my-wall.png", "mimeType": "image/png", "buffer": photo}]
    )
    canvas = page.locator("[data-photo-canvas]")
    canvas.wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('[data-photo-canvas]').width > 0")
    shown = canvas.bounding_box()
    displayed_scale = shown["width"] / 1200
    assert shown["height"] / 800 == pytest.approx(displayed_scale, rel=0.01)

    # The door in the photo is 600 px wide; the visitor says it is 150 cm: 4 px per cm.
    for photo_x in (250, 850):
        page.mouse.click(shown["x"] + photo_x * displayed_scale, shown["y"] + 500 * displayed_scale)
    assert not page.locator("[data-painting]").is_visible(), "no scale yet, so no painting"
    page.get_by_label("Length between the two marks (cm)").fill("150")

    drawn = box(page, "[data-painting]")
    px_per_cm = 600 / 150
    assert_close(
        drawn["width"], float(painting.width_cm) * px_per_cm * displayed_scale, "painting width"
    )
    assert_close(
        drawn["height"], float(painting.height_cm) * px_per_cm * displayed_scale, "painting height"
    )

    # Moving a mark with the keyboard changes the scale: 60 px further is 660 px for 150 cm.
    page.locator("[data-mark='1']").focus()
    steps = round(60 * displayed_scale)
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
    longer = 600 + steps / displayed_scale
    assert_close(
        box(page, "[data-painting]")["width"],
        float(painting.width_cm) * longer / 150 * displayed_scale,
        "painting width after moving a mark",
    )
    screenshot(page, "painting-wall-photo-1366x900.png")

    # Nothing carried the photo anywhere: no upload, no blob or data URL, no bytes of it.
    page.wait_for_load_state("networkidle")
    for request in requests:
        assert request.method in ("GET", "HEAD"), f"{request.method} {request.url}"
        assert request.post_data_buffer is None, request.url
        assert not request.url.startswith(("blob:", "data:")), request.url
        assert "my-wall" not in request.url
        assert request.url.startswith(live_server.url), request.url
    assert photo[-64:] not in b"".join(r.url.encode() for r in requests)
    # A bad number says so and takes the painting away rather than drawing it wrong.
    page.get_by_label("Length between the two marks (cm)").fill("-3")
    assert not page.locator("[data-painting]").is_visible()
    assert "centimetres" in page.locator("[data-status]").inner_text()
    assert problems == []


def test_not_a_picture_is_refused_kindly(page, live_server, painting, problems):  # noqa: F811
    page.set_viewport_size({"width": 1366, "height": 900})
    open_wall_view(page, live_server.url + painting.url)
    choose(page, "Your photo")
    page.get_by_label("Photo of your wall").set_input_files(
        files=[{"name": "wall.png", "mimeType": "image/png", "buffer": b"\x00not a png" * 100}]
    )
    page.wait_for_function(
        "() => document.querySelector('[data-status]').textContent.includes('could not be opened')"
    )
    assert not page.locator("[data-painting]").is_visible()
    assert problems == []


def touch_drag(page, start, end, steps=8):
    """A one-finger drag, as a touch screen sends it (through Chromium's DevTools protocol)."""
    session = page.context.new_cdp_session(page)
    session.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [start]})
    for step in range(1, steps + 1):
        point = {
            "x": start["x"] + (end["x"] - start["x"]) * step / steps,
            "y": start["y"] + (end["y"] - start["y"]) * step / steps,
        }
        session.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    session.detach()
    # Playwright's own taps go through another channel; one sent in the same instant
    # can reach Chromium before this touchEnd is done with.
    page.wait_for_timeout(100)


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    phone_page = context.new_page()
    phone_page.set_default_timeout(TIMEOUT_MS)
    phone_page.set_default_navigation_timeout(TIMEOUT_MS)
    errors = []
    phone_page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    phone_page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    yield phone_page, errors
    context.close()


def test_on_a_phone_taps_and_a_finger_drag_work(phone, live_server, painting):
    page, errors = phone
    page.goto(live_server.url + painting.url)
    page.get_by_role("button", name="See it on your wall").tap()
    page.locator("dialog.wall-view__dialog").wait_for(state="visible")
    page.wait_for_function(
        "() => { const img = document.querySelector('[data-painting] img');"
        " return img && img.complete && img.naturalWidth > 0; }"
    )
    check_true_scale(page, painting, "living")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "painting-wall-390x844.png")

    page.get_by_role("radio", name="Door").tap()
    check_true_scale(page, painting, "hall")

    before = box(page, "[data-painting]")
    start = {"x": before["x"] + before["width"] / 2, "y": before["y"] + before["height"] / 2}
    touch_drag(page, start, {"x": start["x"] - 40, "y": start["y"] + 30})
    after = box(page, "[data-painting]")
    assert after["x"] == pytest.approx(before["x"] - 40, abs=1.5)
    assert after["y"] == pytest.approx(before["y"] + 30, abs=1.5)

    page.get_by_role("button", name="Close").tap()
    page.locator("dialog.wall-view__dialog").wait_for(state="hidden")
    assert errors == []


def test_the_open_wall_view_has_no_serious_accessibility_violations(
    axe_source,  # noqa: F811
    page,
    live_server,
    painting,
):
    checker = PageChecker(page, live_server.url, axe_source)
    page.set_viewport_size({"width": 1366, "height": 900})
    open_wall_view(page, live_server.url + painting.url)
    checker.check("painting, wall view open")
    choose(page, "Your photo")
    page.get_by_label("Photo of your wall").set_input_files(
        files=[{"name": "my-wall.png", "mimeType": "image/png", "buffer": wall_photo()}]
    )
    page.locator("[data-photo-canvas]").wait_for(state="visible")
    checker.check("painting, wall view on a photo")
    assert not checker.findings, "Accessibility problems:\n\n" + checker.report()


def test_without_javascript_the_button_stays_hidden(browser, live_server, painting):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(live_server.url + painting.url)
    assert page.locator("[data-wall-open]").count() == 1
    assert not page.locator("[data-wall-open]").is_visible()
    assert not page.locator("dialog.wall-view__dialog").is_visible()
    context.close()
