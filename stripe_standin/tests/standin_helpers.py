"""What the stand-in's tests share: a client, a webhook receiver, a browser, sample data.

Imported by the test modules beside it (pytest puts this folder on sys.path).
"""

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
import stripe

SECRET = "whsec_standin_tests"
API_KEY = "sk_test_standin"


def make_client(standin, timeout=5.0, retries=0):
    session = requests.Session()
    session.trust_env = False  # never send 127.0.0.1 through an environment proxy
    return stripe.StripeClient(
        API_KEY,
        base_addresses={"api": standin.url},
        max_network_retries=retries,
        http_client=stripe.RequestsClient(timeout=timeout, session=session),
    )


class Receiver:
    """A webhook endpoint: records each POST, answers with queued statuses (default 200)."""

    def __init__(self):
        self.received = []  # (headers dict, raw body bytes)
        self.statuses = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/checkout/wh/"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def events(self):
        return [json.loads(body) for _, body in self.received]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def checkout_params(**overrides):
    params = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": "gbp",
                    "unit_amount": 45000,
                    "product_data": {
                        "name": "Harbour at dusk",
                        "images": ["https://example.com/harbour.jpg"],
                    },
                },
                "quantity": 1,
            },
            {
                "price_data": {
                    "currency": "gbp",
                    "unit_amount": 2500,
                    "product_data": {"name": "Print: Gulls"},
                },
                "quantity": 2,
            },
        ],
        "client_reference_id": "order-17",
        "metadata": {"order": "17"},
        "success_url": "http://shop.test/checkout/done/?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://shop.test/checkout/cancelled/",
        "shipping_address_collection": {"allowed_countries": ["GB", "IE"]},
        "shipping_options": [
            {
                "shipping_rate_data": {
                    "display_name": "Tracked courier",
                    "type": "fixed_amount",
                    "fixed_amount": {"amount": 1500, "currency": "gbp"},
                    "delivery_estimate": {
                        "minimum": {"unit": "business_day", "value": 2},
                        "maximum": {"unit": "business_day", "value": 5},
                    },
                }
            },
            {
                "shipping_rate_data": {
                    "display_name": "Collect from the studio",
                    "type": "fixed_amount",
                    "fixed_amount": {"amount": 0, "currency": "gbp"},
                }
            },
        ],
        "expires_at": int(time.time()) + 3600,
        "customer_email": "buyer@example.com",
    }
    params.update(overrides)
    return params


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def browser(url, form=None):
    """GET (or POST a form to) a hosted page; return (status, headers, text)."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with _opener.open(url, data=data, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode()


BUYER = {
    "name": "Ada Painter",
    "email": "ada@example.com",
    "line1": "3 Quay Street",
    "line2": "",
    "city": "St Ives",
    "postal_code": "TR26 1AA",
    "state": "Cornwall",
    "country": "GB",
}


class PageParser(HTMLParser):
    """Collects every start tag with its attributes."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


CUSTOMER = {
    "email": "ada@example.com",
    "name": "Ada Painter",
    "phone": "+44 1736 000000",
    "address": {
        "line1": "9 Fore Street",
        "city": "Penzance",
        "postal_code": "TR18 2AA",
        "country": "GB",
    },
    "shipping": {
        "name": "Ada at the studio",
        "phone": "+44 1736 111111",
        "address": {
            "line1": "3 Quay Street",
            "city": "St Ives",
            "postal_code": "TR26 1AA",
            "state": "Cornwall",
            "country": "GB",
        },
    },
    "metadata": {"user": "17"},
}


def form_values(page):
    """The hosted page's prefilled inputs (id -> value) and its selected country."""
    parser = PageParser()
    parser.feed(page)
    values = {a["id"]: a.get("value", "") for t, a in parser.tags if t == "input" and "id" in a}
    selected = [a["value"] for t, a in parser.tags if t == "option" and "selected" in a]
    return values, selected
