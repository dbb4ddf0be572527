"""Real gunicorn processes against the test database, for tests about what
several workers share (rate limits, lockouts, reservations).

    @pytest.mark.django_db(transaction=True)
    def test_something():
        with start_gunicorn({"TRUSTED_PROXY_COUNT": "1"}, workers=2) as base_url:
            client = WebClient(base_url)
            response = client.get("/accounts/login/")

The server runs `pgp_site.wsgi` with the repository's gunicorn.conf.py and the
test settings (DEBUG off), pointed at the test database of the running test:
the test must use `transactional_db` (or `django_db(transaction=True)`) so that
what it writes is committed and other processes see it. Works on PostgreSQL and
on a file-based SQLite test database; `gunicorn_database_url()` skips the test
when the database lives only in this process's memory.
"""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The worker's pid in each access-log line, so a test can tell who answered.
ACCESS_LOG_FORMAT = 'pid=%(p)s "%(r)s" %(s)s'


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_database_url():
    """DATABASE_URL of the current test database, as another process reaches it."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = urllib.parse.quote(db.get("USER") or "", safe="")
        password = urllib.parse.quote(db.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = urllib.parse.quote(db.get("HOST") or "", safe="")
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{credentials}{host}{port}/{urllib.parse.quote(db['NAME'], safe='')}"
    if connection.vendor == "sqlite":
        name = str(db["NAME"])
        if connection.is_in_memory_db() or not os.path.isabs(name):
            pytest.skip("the SQLite test database is in memory; gunicorn cannot share it")
        return f"sqlite:///{name}"
    pytest.skip(f"no gunicorn test set-up for {connection.vendor}")


def _wait_until_up(process, base_url, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with {process.returncode}:\n{Path(log_path).read_text()[-4000:]}"
            )
        try:
            with urllib.request.urlopen(f"{base_url}/robots.txt", timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answered, whatever it said
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(
        f"gunicorn did not answer in {timeout} s:\n{Path(log_path).read_text()[-4000:]}"
    )


@contextmanager
def start_gunicorn(env_overrides=None, *, workers=2, max_requests=None, log_path=None):
    """Serve the site with `workers` gunicorn workers on a free port; yields the base URL.

    `env_overrides` are set on top of the test environment (settings module,
    DATABASE_URL of the test database). `max_requests` recycles each worker
    after that many requests (the Procfile's server does after ~1,000), to
    prove that what must be shared survives a new process. The server's log,
    access lines with the worker's pid (see `worker_pids`), goes to `log_path`
    (a temporary file by default) and is shown if it fails to start.
    """
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="pgp_site.settings.test",
        DATABASE_URL=gunicorn_database_url(),
        WEB_CONCURRENCY=str(workers),
        PYTHONUNBUFFERED="1",
        # The access log (off in production) tells which worker answered.
        GUNICORN_ACCESS_LOG="1",
    )
    env.update(env_overrides or {})
    cmd = [
        sys.executable, "-m", "gunicorn", "pgp_site.wsgi",
        "--config", str(ROOT / "gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--access-logformat", ACCESS_LOG_FORMAT,
        "--graceful-timeout", "5",
        # Several test servers may run at once; each would claim ~/.gunicorn/gunicorn.ctl.
        "--no-control-socket",
    ]  # fmt: skip
    if max_requests:
        cmd += ["--max-requests", str(max_requests), "--max-requests-jitter", "0"]
    own_log = log_path is None
    if own_log:
        handle, log_path = tempfile.mkstemp(prefix="pgp-gunicorn-", suffix=".log")
        os.close(handle)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_until_up(process, base_url, log_path)
        base_url_with_log = LoggedURL(base_url)
        base_url_with_log.log_path = log_path
        yield base_url_with_log
    except BaseException:
        # pytest shows captured output with the failure.
        print(f"--- gunicorn log ({log_path}) ---\n{Path(log_path).read_text()[-6000:]}")
        raise
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if own_log:
            Path(log_path).unlink(missing_ok=True)


class LoggedURL(str):
    """The base URL (a plain string), also carrying the server's `log_path`."""

    log_path = None


def worker_pids(base_url, path_prefix=""):
    """Pids of the workers that answered requests whose path starts with `path_prefix`."""
    text = Path(base_url.log_path).read_text()
    return {
        pid
        for pid, path in re.findall(r'pid=<?(\d+)>? "\w+ (\S+)', text)
        if path.startswith(path_prefix)
    }


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Response:
    def __init__(self, status, headers, body):
        self.status_code = status
        self.headers = headers
        self.content = body

    @property
    def text(self):
        return self.content.decode("utf-8", "replace")


class WebClient:
    """A browser-like client for a live server: cookies kept, redirects not followed,
    forms posted with the CSRF token of the page they came from."""

    def __init__(self, base_url, headers=None):
        self.base_url = base_url
        self.headers = dict(headers or {})
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects()
        )

    def request(self, method, path, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(
            self.base_url + path,
            data=body,
            method=method,
            headers={**self.headers, **(headers or {})},
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers, error.read())

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, data, headers=None):
        return self.request("POST", path, data, headers=headers)

    def submit(self, path, data, headers=None):
        """GET the form at `path`, then POST `data` to it with the page's CSRF token."""
        page = self.get(path, headers=headers)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert match, f"no CSRF token on {path} ({page.status_code})"
        return self.post(path, {**data, "csrfmiddlewaretoken": match.group(1)}, headers=headers)

    def cookie(self, name):
        return next((c.value for c in self.cookies if c.name == name), None)
