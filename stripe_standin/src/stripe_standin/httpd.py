"""HTTP transport: the threaded server, its request handler, and replies.

The handler only moves bytes: it reads the request, parses the form body (or
the query string), hands ``(method, path, params, headers)`` to a dispatch
function and writes back the :class:`Reply` it gets. Everything Stripe-like
happens behind that function (see :mod:`stripe_standin.routing`).
"""

import json
import traceback
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .errors import StripeError
from .forms import parse_form
from .ids import new_id


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict = field(default_factory=dict)
    stall: bool = False  # "timeout" fault: say nothing, then hang up


def json_reply(status: int, body: dict, **headers) -> Reply:
    headers.setdefault("Request-Id", new_id("req_", 14))
    return Reply(status, json.dumps(body, indent=2).encode(), headers=headers)


def error_reply(error: StripeError) -> Reply:
    return json_reply(error.status, error.body())


def html_reply(status: int, page: str) -> Reply:
    return Reply(status, page.encode(), content_type="text/html; charset=utf-8")


def redirect(location: str) -> Reply:
    return Reply(303, headers={"Location": location}, content_type="text/plain")


Dispatch = Callable[[str, str, dict, object], Reply]


class Server(ThreadingHTTPServer):
    """Serves each request in a daemon thread.

    dispatch(method, path, params, headers) answers a request; stall() is
    called instead of answering when the reply says so (a "timeout" fault);
    quiet() says whether to leave requests out of the log.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address,
        dispatch: Dispatch,
        stall: Callable[[], object],
        quiet: Callable[[], bool],
    ):
        super().__init__(address, Handler)
        self.dispatch = dispatch
        self.stall = stall
        self.quiet = quiet


class Handler(BaseHTTPRequestHandler):
    server_version = "StripeStandin/1.0"
    server: Server

    def do_GET(self):
        self._respond("GET")

    def do_POST(self):
        self._respond("POST")

    def do_DELETE(self):
        self._respond("DELETE")

    def _respond(self, method: str) -> None:
        reply = self._reply(method)
        if reply.stall:
            # Outlast the client's timeout (stopping the server cuts the wait
            # short), then drop the connection without a response.
            self.server.stall()
            self.close_connection = True
            return
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up; nothing to tell it

    def _reply(self, method: str) -> Reply:
        split = urllib.parse.urlsplit(self.path)
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8", "replace")
        else:
            raw = split.query
        try:
            return self.server.dispatch(method, split.path, parse_form(raw), self.headers)
        except StripeError as exc:
            return error_reply(exc)
        except Exception:  # a bug here must reach the client as a 500, not a hang
            traceback.print_exc()
            return error_reply(
                StripeError("Stand-in internal error", status=500, error_type="api_error")
            )

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        if not self.server.quiet():
            super().log_message(format, *args)
