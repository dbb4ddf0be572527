"""Stripe's form encoding, parsed into nested dicts and lists."""

from stripe_standin import parse_form


def test_parse_form_builds_nested_dicts_and_lists():
    body = (
        "mode=payment&line_items[0][price_data][currency]=gbp"
        "&line_items[0][price_data][product_data][images][0]=a.jpg"
        "&line_items[0][quantity]=1&line_items[1][quantity]=2"
        "&metadata[order]=17&expand[]=line_items&success_url=http%3A%2F%2Fx%2F%7BCHECKOUT_SESSION_ID%7D"
    )
    assert parse_form(body) == {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {"currency": "gbp", "product_data": {"images": ["a.jpg"]}},
                "quantity": "1",
            },
            {"quantity": "2"},
        ],
        "metadata": {"order": "17"},
        "expand": ["line_items"],
        "success_url": "http://x/{CHECKOUT_SESSION_ID}",
    }
