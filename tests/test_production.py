"""Production settings, gunicorn and WhiteNoise, run the way the platform runs them.

Everything here starts the app in a subprocess with
DJANGO_SETTINGS_MODULE=pgp_site.settings.production and a realistic
environment: media on a moto S3 server, a temporary SQLite database and
STATIC_ROOT, gunicorn configured by gunicorn.conf.py.
"""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.s3_server import create_media_bucket, media_environment, s3_client, start_server

PROJECT = Path(__file__).resolve().parent.parent
HASHED_STATIC = re.compile(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"')
FAR_FUTURE = "max-age=315360000, public, immutable"
# Settings the test runner's own environment must not leak into the app.
FOREIGN = (
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "STRIPE_API_BASE",
    "DATABASE_URL",
    "STATIC_ROOT",
)


def production_environment(tmp_path, **overrides):
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in FOREIGN and not name.startswith("AWS_")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="pgp_site.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="shop.example.com,127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "staticfiles"),
        STRIPE_SECRET_KEY="sk_live_production_suite",
        STRIPE_WH_SECRET="whsec_production_suite",
        EMAIL_HOST="smtp.example.com",
        DEFAULT_FROM_EMAIL="Gallery <shop@example.com>",
    )
    environment.update(overrides)
    return {name: value for name, value in environment.items() if value is not None}


def manage(environment, *arguments, check=True):
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def settings_under(environment, *names):
    """The values of some settings as production computes them from this environment."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(names)!r}}}, "
        "default=repr))"
    )
    # The last line: Django's shell first reports the objects it imported.
    return json.loads(manage(environment, "shell", "-c", code).stdout.splitlines()[-1])


def test_check_deploy_reports_no_issues(tmp_path):
    result = manage(production_environment(tmp_path), "check", "--deploy", "--fail-level", "DEBUG")

    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("overrides", "warnings"),
    [
        ({"STRIPE_SECRET_KEY": None}, ["pgp.W001"]),
        ({"STRIPE_WH_SECRET": ""}, ["pgp.W002"]),
        ({"STRIPE_SECRET_KEY": None, "STRIPE_WH_SECRET": None}, ["pgp.W001", "pgp.W002"]),
        ({"STRIPE_SECRET_KEY": "sk_test_51Abc"}, ["pgp.W003"]),
    ],
)
def test_check_deploy_warns_about_stripe_keys(tmp_path, overrides, warnings):
    environment = production_environment(tmp_path, **overrides)

    result = manage(environment, "check", "--deploy", "--fail-level", "WARNING", check=False)

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    found = re.findall(r"\(pgp\.W\d{3}\)", output)
    assert sorted(found) == [f"({warning})" for warning in warnings], output
    # Only the deploy checks say it: development runs without keys, on the stand-in.
    assert "pgp.W" not in manage(environment, "check").stdout


@pytest.mark.parametrize(
    ("variable", "value", "complaint"),
    [
        ("SECRET_KEY", None, "SECRET_KEY must be set"),
        ("DEBUG", "true", "DEBUG must be off"),
        ("STRIPE_API_BASE", "http://127.0.0.1:8001", "STRIPE_API_BASE"),
    ],
)
def test_production_refuses_to_start_when_unsafe(tmp_path, variable, value, complaint):
    environment = production_environment(tmp_path, **{variable: value})

    result = manage(environment, "check", check=False)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


def test_database_media_and_logging_come_from_the_environment(tmp_path):
    environment = production_environment(
        tmp_path,
        DATABASE_URL="postgres://pgp:secret@db.example.com:5432/pgp",
        DATABASE_SSL_REQUIRE="true",
        AWS_STORAGE_BUCKET_NAME="pgp-media",
        AWS_S3_REGION_NAME="eu-west-1",
        AWS_S3_CUSTOM_DOMAIN="media.example.com",
    )

    values = settings_under(
        environment,
        "DATABASES",
        "STORAGES",
        "MEDIA_URL",
        "WAGTAILIMAGES_RENDITION_STORAGE",
        "LOGGING",
    )

    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["HOST"] == "db.example.com"
    assert database["CONN_MAX_AGE"] == 600
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"]["sslmode"] == "require"
    # Originals and documents: private, signed URLs, never through the CDN.
    assert values["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert values["STORAGES"]["default"]["OPTIONS"]["querystring_auth"] is True
    assert values["STORAGES"]["default"]["OPTIONS"]["custom_domain"] is None
    # Renditions: public, plain URLs on the CDN.
    assert values["WAGTAILIMAGES_RENDITION_STORAGE"] == "renditions"
    renditions = values["STORAGES"]["renditions"]
    assert renditions["BACKEND"] == "pgp_site.storages.RenditionStorage"
    assert renditions["OPTIONS"]["querystring_auth"] is False
    assert renditions["OPTIONS"]["custom_domain"] == "media.example.com"
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert values["MEDIA_URL"] == "https://media.example.com/"
    assert values["LOGGING"]["handlers"]["stdout"]["stream"] == "ext://sys.stdout"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port, process, log, deadline=60):
    stop_at = time.monotonic() + deadline
    while time.monotonic() < stop_at:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not listen on {port}:\n{log.read_text()}")


class Site:
    def __init__(self, base_url, log, home_page_id, s3, bucket, bucket_url):
        self.base_url = base_url
        self.log = log
        self.home_page_id = home_page_id
        self.s3 = s3
        self.bucket = bucket
        self.bucket_url = bucket_url

    def bucket_keys(self, prefix):
        listing = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return [item["Key"] for item in listing.get("Contents", [])]

    def get(self, path, headers=None, https=True):
        request_headers = {"X-Forwarded-Proto": "https"} if https else {}
        request_headers.update(headers or {})
        request = urllib.request.Request(self.base_url + path, headers=request_headers)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def production_site(tmp_path_factory):
    """The site under gunicorn with production settings, media on moto's S3 server."""
    tmp_path = tmp_path_factory.mktemp("production")
    s3_server, endpoint_url = start_server()
    s3 = s3_client(endpoint_url)
    bucket = create_media_bucket(s3)
    port = free_port()
    environment = production_environment(
        tmp_path,
        **media_environment(endpoint_url, bucket),
        WEB_CONCURRENCY="2",
        # The browser test talks plain HTTP to localhost and says it came through TLS.
        CSRF_TRUSTED_ORIGINS=f"http://localhost:{port}",
        DJANGO_SUPERUSER_USERNAME="editor",
        DJANGO_SUPERUSER_PASSWORD="a-long-editor-password",
        DJANGO_SUPERUSER_EMAIL="editor@example.com",
    )
    manage(environment, "collectstatic", "--noinput")
    manage(environment, "migrate", "--noinput")
    manage(environment, "seed_gallery", "--paintings", "2")
    manage(environment, "createsuperuser", "--noinput")
    home_page_id = manage(
        environment,
        "shell",
        "-c",
        "from wagtail.models import Site; "
        "print(Site.objects.get(is_default_site=True).root_page_id)",
    ).stdout.split()[-1]

    log = tmp_path / "gunicorn.log"
    with log.open("w") as log_file:
        gunicorn = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "pgp_site.wsgi",
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=PROJECT,
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_listening(port, gunicorn, log)
        yield Site(
            f"http://127.0.0.1:{port}", log, home_page_id, s3, bucket, f"{endpoint_url}/{bucket}/"
        )
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        try:
            gunicorn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(gunicorn.pid, signal.SIGKILL)
            gunicorn.wait()
        s3_server.stop()


def test_pictures_are_public_and_originals_private(production_site):
    """What a visitor can fetch from the bucket: the page's pictures, never an original."""
    _, _, body = production_site.get("/")
    pictures = [
        url
        for url in re.findall(r'\ssrcset="([^" ,]+)', body.decode())
        if url.startswith(production_site.bucket_url)
    ]
    assert pictures, "the home page shows seeded pictures from the bucket"
    for url in pictures:
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200

    # The issue's attack: a rendition's name gives away original_images/<stem>.<ext>.
    originals = production_site.bucket_keys("original_images/")
    stems = {url.rsplit("/", 1)[-1].split(".")[0] for url in pictures}
    guessed = [key for key in originals if key.rsplit("/", 1)[-1].split(".")[0] in stems]
    assert guessed, (stems, originals)
    for key in guessed:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(production_site.bucket_url + key, timeout=10)
        assert refused.value.code == 403


def test_plain_http_is_redirected_to_https(production_site):
    status, headers, _ = production_site.get("/", https=False)

    assert status == 301
    assert headers["Location"].startswith("https://127.0.0.1:")


def test_home_page_carries_the_security_headers(production_site):
    status, headers, body = production_site.get("/")

    assert status == 200, body[:2000]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert "form-action 'self' https://checkout.stripe.com" in policy
    assert "frame-ancestors 'none'" in policy


def test_gunicorn_uses_its_config_and_logs_to_stdout(production_site):
    production_site.get("/robots.txt")

    # Its own log goes to stdout: both workers (WEB_CONCURRENCY) say they booted.
    deadline = time.monotonic() + 5
    while production_site.log.read_text().count("Booting worker") < 2:
        assert time.monotonic() < deadline, production_site.log.read_text()
        time.sleep(0.1)
    # No line per request unless GUNICORN_ACCESS_LOG asks: the platform's router logs them.
    time.sleep(0.5)
    assert "GET /robots.txt" not in production_site.log.read_text()


def test_hashed_static_files_are_cached_forever_and_compressed(production_site):
    _, _, body = production_site.get("/")
    stylesheet = HASHED_STATIC.search(body.decode())
    assert stylesheet, "the home page links a hashed stylesheet"

    status, headers, plain = production_site.get(stylesheet.group(1))
    assert status == 200
    assert headers["Cache-Control"] == FAR_FUTURE
    assert headers.get("Content-Encoding") is None

    _, headers, _ = production_site.get(stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == FAR_FUTURE
    assert "Accept-Encoding" in headers["Vary"]

    try:
        import brotli  # noqa: F401  (WhiteNoise only writes .br files when it is installed)
    except ImportError:
        return
    _, headers, _ = production_site.get(
        stylesheet.group(1), headers={"Accept-Encoding": "gzip, br"}
    )
    assert headers["Content-Encoding"] == "br"


def test_admin_gets_its_own_policy(production_site):
    status, headers, _ = production_site.get("/admin/login/")

    assert status == 200
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "frame-ancestors 'self'" in policy


REPORT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${location.pathname}`
  );
});
"""


@pytest.mark.browser
def test_browser_sees_no_policy_violations(production_site, browser):
    """Public pages and the admin load in Chromium without a single CSP violation."""
    base_url = production_site.base_url.replace("127.0.0.1", "localhost")
    violations = []
    context = browser.new_context(extra_http_headers={"X-Forwarded-Proto": "https"})
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()

    def record_console(message):
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    def visit(path):
        response = page.goto(base_url + path, wait_until="networkidle")
        assert response.status == 200, path
        violations.extend(page.evaluate("window.__cspViolations"))

    page.on("console", record_console)
    try:
        visit("/")
        visit("/admin/login/")
        page.fill("#id_username", "editor")
        page.fill("#id_password", "a-long-editor-password")
        page.click("button[type=submit]")
        page.wait_for_url(f"{base_url}/admin/")
        page.wait_for_load_state("networkidle")
        violations.extend(page.evaluate("window.__cspViolations"))
        home = production_site.home_page_id
        for path in (
            "/admin/images/",
            "/admin/images/multiple/add/",
            f"/admin/pages/{home}/",
            f"/admin/pages/{home}/edit/",
        ):
            visit(path)
        # Public pages again, now with Wagtail's user bar for the editor.
        visit("/")
    finally:
        context.close()

    assert not violations, "\n".join(sorted(set(violations)))
