"""A print and an original in the cart, in Chromium, on a phone and on a laptop: the
print line names its edition, counts what is left and takes a new quantity, the
header counts both, and Stripe's page lists the numbered print. Screenshots land
in test-artifacts/screenshots/cart-prints-<width>x<height>.png."""

import re
from pathlib import Path

import pytest

from shop.models import Order
from tests.factories import add_edition, shop_tree

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 120_000

# The painting page's print offer (printshow renders it): a plain form, no CSRF token.
POST_PRINT_FORM = """([action, next]) => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = action;
  for (const [name, value] of [["quantity", "2"], ["next", next]]) {
    const input = document.createElement("input");
    input.type = "hidden"; input.name = name; input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
}"""


@pytest.mark.parametrize("width, height", [(390, 844), (1366, 900)])
def test_a_print_and_an_original_in_the_cart(
    live_standin, live_server, page, settings, width, height
):
    settings.ROOT_URLCONF = "gallery.tests.urls_media"
    shop = shop_tree(prices=("2400.00", "900.00"))
    edition = add_edition(shop.paintings[0], size=30, proofs=0, price="180.00")
    page.set_default_timeout(TIMEOUT_MS)
    page.set_viewport_size({"width": width, "height": height})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    painting_url = f"{live_server.url}{shop.paintings[0].url}"
    page.goto(painting_url)
    with page.expect_navigation():
        page.evaluate(POST_PRINT_FORM, [f"/cart/add-print/{edition.pk}/", shop.paintings[0].url])
    assert page.url == painting_url
    assert "2 prints of “Painting 1”" in page.content()
    page.goto(f"{live_server.url}{shop.paintings[1].url}")
    page.get_by_role("button", name="Add to cart").click()
    page.goto(f"{live_server.url}/cart/")

    line = page.locator(".cart-line--print")
    assert "Painting 1 — Giclée on cotton rag, 50 × 35 cm" in line.inner_text()
    assert "30 of 30 left" in line.inner_text().lower()  # shown in small capitals
    assert "2 × €180" in line.inner_text() and "€360" in line.inner_text()
    assert page.context.cookies(live_server.url) and any(
        c["name"] == "cart_count" and c["value"] == "3" for c in page.context.cookies()
    )

    page.get_by_label("Quantity").select_option("3")
    page.get_by_role("button", name="Update the quantity of Painting 1").click()
    page.wait_for_load_state()
    assert "3 × €180" in page.locator(".cart-line--print").inner_text()
    page.get_by_label("Ship to").select_option("FR")
    page.get_by_role("button", name="Update shipping").click()
    page.wait_for_load_state()
    assert "€1,440" in page.locator(".cart-totals").inner_text()  # 900 + 3 × 180

    assert page.evaluate("document.documentElement.scrollWidth") <= width
    quantity = page.get_by_label("Quantity").bounding_box()
    assert quantity["x"] >= 0 and quantity["x"] + quantity["width"] <= width
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"cart-prints-{width}x{height}.png"), full_page=True)

    page.get_by_role("button", name="Checkout").click()
    page.wait_for_url(re.compile(re.escape(live_standin.url) + "/pay/"))
    for number in (1, 2, 3):
        assert f"Painting 1 — Giclée on cotton rag, 50 × 35 cm, {number}/30" in page.content()
    assert Order.objects.get().lines.count() == 4
    assert errors == []
