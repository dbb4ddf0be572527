"""The hosted pay page, ``/pay/{session_id}``: where the shop sends the buyer.

:class:`HostedPages` answers GET with the checkout form (prefilled from the
session's Customer, or its ``customer_email``) and POST with the buyer's
choice: pay, pay with delayed confirmation, cancel, or -- after a delayed
payment -- the bank's simulated answer. Paying goes through the stand-in's
control API (``complete`` / ``async_result``), so the webhook event is sent
before the buyer is redirected back to the shop. The HTML is small on
purpose: one page, no scripts, labelled fields, a TEST MODE banner.
"""

import copy
import html
import threading
from collections.abc import Callable

from .customers import CustomerStore
from .errors import SessionStateError
from .forms import EMAIL
from .httpd import Reply, html_reply, redirect
from .sessions import SessionStore

DEFAULT_COUNTRIES = ("GB", "IE", "DE", "FR", "NL", "US")

# Currencies whose amounts are already whole units (no cents).
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga"}
    | {"pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"}
)

FORM_FIELDS = ("name", "email", "line1", "line2", "city", "postal_code", "state", "country")


class HostedPages:
    def __init__(
        self,
        lock: threading.RLock,
        sessions: SessionStore,
        customers: CustomerStore,
        *,
        complete: Callable[..., dict],
        async_result: Callable[..., dict],
    ):
        self._lock = lock
        self._sessions = sessions
        self._customers = customers
        self._complete = complete
        self._async_result = async_result

    def handle(self, method: str, session_id: str, form: dict) -> Reply:
        with self._lock:
            try:
                live = self._sessions.find(session_id)
            except SessionStateError:
                return html_reply(
                    404, message_page("Not found", "There is no checkout session at this address.")
                )
            prefill = self._customers.prefill(live)
            session = copy.deepcopy(live)
            extras = copy.deepcopy(self._sessions.extras(session_id))
            rates = copy.deepcopy(self._sessions.rates_for(live))
        action = form.get("action") if method == "POST" else None

        if method not in ("GET", "POST"):
            return html_reply(405, message_page("Not allowed", "Use GET or POST."))
        if action == "cancel":
            # The buyer goes back; the session stays open (the shop expires it).
            if session["cancel_url"]:
                return redirect(session["cancel_url"])
            return html_reply(200, message_page("Cancelled", "Checkout was cancelled."))
        if action in ("async_succeeded", "async_failed"):
            return self._settle(session, action == "async_succeeded")
        closed = _closed(session, extras["delayed_pending"], action)
        if closed is not None:
            return closed
        if action is None:
            return html_reply(200, checkout_page(session, extras["line_items"], rates, prefill))
        if action not in ("pay", "pay_delayed"):
            return html_reply(400, message_page("Bad request", f"Unknown action {action!r}."))
        return self._pay(session, extras["line_items"], rates, form, paid=action == "pay")

    def _pay(self, session: dict, line_items: list, rates: list, form: dict, paid: bool) -> Reply:
        values = {key: (form.get(key) or "").strip() for key in FORM_FIELDS}
        errors = _validate_buyer(values, country_choices(session))
        rate_id = form.get("shipping_rate") or None
        if rate_id and rate_id not in {rate["id"] for rate in rates}:
            errors.append("Choose one of the shipping options offered.")
        if errors:
            values = {**values, "shipping_rate": rate_id}
            return html_reply(400, checkout_page(session, line_items, rates, values, errors))
        try:
            # The event goes out before the redirect, so the shop normally
            # knows about the payment by the time the buyer lands back on it.
            event = self._complete(session["id"], paid=paid, details=values, shipping_rate=rate_id)
        except SessionStateError as exc:
            return html_reply(exc.http_status, message_page("Cannot pay", str(exc)))
        completed = event["data"]["object"]
        return redirect(completed["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"]))

    def _settle(self, session: dict, succeeded: bool) -> Reply:
        try:
            self._async_result(session["id"], succeeded)
        except SessionStateError as exc:
            return html_reply(exc.http_status, message_page("Nothing to settle", str(exc)))
        if succeeded:
            title, text = "Payment confirmed", "The bank confirmed the payment (simulated)."
        else:
            title, text = "Payment failed", "The bank declined the payment (simulated)."
        success = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
        return html_reply(200, message_page(title, text, back=success))


def _closed(session: dict, delayed_pending: bool, action: str | None) -> Reply | None:
    """The answer for a session that can no longer be paid; None while it is open."""
    if session["status"] == "expired":
        return html_reply(
            410,
            message_page(
                "Checkout expired",
                "This checkout session has expired. Return to the shop to try again.",
                back=session["cancel_url"],
            ),
        )
    if session["status"] == "complete":
        if delayed_pending:
            return html_reply(200 if action is None else 409, _pending_page(session))
        return html_reply(
            409,
            message_page(
                "Already paid",
                "This checkout session has already been paid for.",
                back=session["success_url"],
            ),
        )
    return None


def country_choices(session: dict) -> list[str]:
    collection = session["shipping_address_collection"]
    return list(collection["allowed_countries"]) if collection else list(DEFAULT_COUNTRIES)


def _validate_buyer(values: dict, countries: list[str]) -> list[str]:
    labels = {
        "name": "Full name",
        "email": "Email",
        "line1": "Address line 1",
        "city": "Town or city",
        "postal_code": "Postcode",
        "country": "Country",
    }
    errors = [f"{label} is required." for key, label in labels.items() if not values[key]]
    if values["email"] and not EMAIL.fullmatch(values["email"]):
        errors.append("Enter a valid email address.")
    if values["country"] and values["country"] not in countries:
        errors.append("Choose one of the countries offered.")
    return errors


# -- HTML ----------------------------------------------------------------------------

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – Stripe stand-in (test mode)</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:36rem;margin:0 auto;padding:1rem;
  line-height:1.5;color:#1a1a1a;background:#fff}}
.banner{{background:#ffd84d;color:#000;font-weight:700;text-align:center;padding:.5rem;
  border:2px solid #000;margin:0 0 1rem}}
table{{width:100%;border-collapse:collapse;margin-bottom:1rem}}
caption{{text-align:left;font-weight:700}}
th,td{{text-align:left;padding:.3rem;border-bottom:1px solid #767676}}
.num{{text-align:right}}
fieldset{{margin:0 0 1rem;border:1px solid #767676}}
label{{display:block;margin-top:.6rem;font-weight:600}}
input,select{{width:100%;padding:.45rem;font-size:1rem;box-sizing:border-box}}
.choice label{{display:inline;font-weight:400}}
.choice input{{width:auto}}
.actions{{display:flex;flex-wrap:wrap;gap:.5rem}}
button{{padding:.6rem 1rem;font-size:1rem;cursor:pointer}}
:focus-visible{{outline:3px solid #1a5fb4;outline-offset:2px}}
.error{{color:#a00000;border:2px solid #a00000;padding:.5rem 1rem;margin-bottom:1rem}}
</style>
</head>
<body>
<p class="banner" role="note">TEST MODE – Stripe stand-in. No real payment is taken.</p>
<main>
{body}
</main>
</body>
</html>
"""

_CHECKOUT = """<h1>Checkout</h1>
{summary}
{errors}
<form method="post" action="{action}">
{shipping}
<fieldset>
<legend>Contact</legend>
{email}
{name}
</fieldset>
<fieldset>
<legend>Address</legend>
{address}
<label for="country">Country</label>
<select id="country" name="country" autocomplete="country" required>
{countries}
</select>
</fieldset>
<div class="actions">
<button type="submit" name="action" value="pay">Pay</button>
<button type="submit" name="action" value="pay_delayed">Pay with delayed confirmation</button>
<button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
</div>
</form>"""


def format_amount(amount: int, currency: str) -> str:
    if currency.lower() in ZERO_DECIMAL_CURRENCIES:
        return f"{amount} {currency.upper()}"
    return f"{amount // 100}.{amount % 100:02d} {currency.upper()}"


def _page(title: str, body: str) -> str:
    return _PAGE.format(title=html.escape(title), body=body)


def message_page(title: str, message: str, back: str | None = None) -> str:
    link = f'<p><a href="{html.escape(back)}">Return to the shop</a></p>' if back else ""
    return _page(title, f"<h1>{html.escape(title)}</h1>\n<p>{html.escape(message)}</p>\n{link}")


def _pending_page(session: dict) -> str:
    action = html.escape(f"/pay/{session['id']}")
    return _page(
        "Payment processing",
        f"""<h1>Payment processing</h1>
<p>The order is placed; the bank has not confirmed the payment yet. Simulate its answer:</p>
<form method="post" action="{action}">
<div class="actions">
<button type="submit" name="action" value="async_succeeded">Bank confirms payment</button>
<button type="submit" name="action" value="async_failed">Bank declines payment</button>
</div>
</form>""",
    )


def checkout_page(
    session: dict,
    line_items: list[dict],
    rates: list[dict],
    values: dict | None = None,
    errors: list[str] | None = None,
) -> str:
    values = values or {}
    address = [
        _text_input(values, "line1", "Address line 1", "address-line1"),
        _text_input(values, "line2", "Address line 2", "address-line2", required=False),
        _text_input(values, "city", "Town or city", "address-level2"),
        _text_input(values, "postal_code", "Postcode", "postal-code"),
        _text_input(values, "state", "County or state", "address-level1", required=False),
    ]
    allowed = country_choices(session)
    # Like Stripe's page: one allowed country is simply the country, preselected.
    chosen_country = values.get("country") or (allowed[0] if len(allowed) == 1 else "")
    empty = "" if len(allowed) == 1 else '<option value="">Choose a country</option>'
    countries = empty + "".join(
        f'<option value="{html.escape(c)}"{" selected" if c == chosen_country else ""}>'
        f"{html.escape(c)}</option>"
        for c in allowed
    )
    body = _CHECKOUT.format(
        summary=_order_summary(session, line_items),
        errors=_error_list(errors),
        action=html.escape(f"/pay/{session['id']}"),
        shipping=_shipping_choices(session, rates, values),
        email=_text_input(values, "email", "Email", "email", input_type="email"),
        name=_text_input(values, "name", "Full name", "name"),
        address="\n".join(address),
        countries=countries,
    )
    return _page("Checkout", body)


def _order_summary(session: dict, line_items: list[dict]) -> str:
    currency = session["currency"]
    rows = "\n".join(
        f'<tr><td>{html.escape(item["description"])}</td><td class="num">{item["quantity"]}</td>'
        f'<td class="num">{format_amount(item["amount_total"], currency)}</td></tr>'
        for item in line_items
    )
    total_rows = [("Subtotal", session["amount_subtotal"])]
    if session["shipping_cost"]:
        total_rows.append(("Shipping", session["shipping_cost"]["amount_total"]))
    total_rows.append(("Total", session["amount_total"]))
    totals = "\n".join(
        f'<tr><th scope="row" colspan="2">{label}</th>'
        f'<td class="num">{format_amount(amount, currency)}</td></tr>'
        for label, amount in total_rows
    )
    return f"""<table>
<caption>Order summary</caption>
<thead><tr><th scope="col">Item</th><th scope="col" class="num">Quantity</th>
<th scope="col" class="num">Amount</th></tr></thead>
<tbody>
{rows}
</tbody>
<tfoot>
{totals}
</tfoot>
</table>"""


def _error_list(errors: list[str] | None) -> str:
    if not errors:
        return ""
    items = "".join(f"<li>{html.escape(e)}</li>" for e in errors)
    return (
        '<div class="error" role="alert"><p>Please correct the following:</p>'
        f"<ul>{items}</ul></div>"
    )


def _shipping_choices(session: dict, rates: list[dict], values: dict) -> str:
    if not rates:
        return ""
    esc = html.escape
    chosen = values.get("shipping_rate") or (session["shipping_cost"] or {}).get("shipping_rate")
    choices = "\n".join(
        f'<div class="choice"><input type="radio" id="rate-{i}" name="shipping_rate"'
        f' value="{esc(r["id"])}"{" checked" if r["id"] == chosen else ""}> '
        f'<label for="rate-{i}">{esc(r["display_name"])} – '
        f"{format_amount(r['fixed_amount']['amount'], session['currency'])}</label></div>"
        for i, r in enumerate(rates)
    )
    return f"<fieldset>\n<legend>Delivery</legend>\n{choices}\n</fieldset>"


def _text_input(
    values: dict, key: str, label: str, autocomplete: str, required=True, input_type="text"
) -> str:
    value = html.escape(values.get(key) or "")
    req = " required" if required else ""
    return (
        f'<label for="{key}">{label}{"" if required else " (optional)"}</label>\n'
        f'<input type="{input_type}" id="{key}" name="{key}" value="{value}"'
        f' autocomplete="{autocomplete}"{req}>'
    )
