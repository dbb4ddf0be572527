"""Content-Security-Policy: django-csp with this site's settings and asset hosts.

tests/test_production.py checks the headers gunicorn sends and that Chromium
sees no violation; tests/test_s3.py the media hosts on S3.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from pgp_site.middleware import ContentSecurityPolicyMiddleware

ENFORCED = "Content-Security-Policy"
REPORT_ONLY = "Content-Security-Policy-Report-Only"


def directives(header):
    policy = {}
    for part in header.split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


def respond(path="/", *, use_nonce=False):
    seen = {}

    def view(request):
        if use_nonce:
            seen["nonce"] = str(request.csp_nonce)
        return HttpResponse("ok")

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get(path))
    return response, seen.get("nonce")


@pytest.mark.django_db
def test_public_pages_get_the_strict_policy(client):
    response = client.get("/no-such-page/")  # an HTML page that needs no page tree

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")

    policy = directives(response.headers[ENFORCED])
    assert REPORT_ONLY not in response.headers
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    # The local Stripe stand-in of the test settings may receive the checkout form.
    assert policy["form-action"] == ["'self'", "https://checkout.stripe.com", "http://127.0.0.1:9"]


@pytest.mark.django_db
def test_responses_a_browser_does_not_render_as_a_page_get_no_policy(client):
    """A policy governs a document; sending one with plain text or JSON is work for nothing."""
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert ENFORCED not in response.headers
    assert REPORT_ONLY not in response.headers


@pytest.mark.django_db
def test_the_admin_gets_its_looser_policy(client):
    policy = directives(client.get("/admin/login/").headers[ENFORCED])

    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert policy["frame-ancestors"] == ["'self'"]


def test_the_nonce_is_in_the_header_only_when_a_template_used_it():
    response, _ = respond()
    assert "nonce-" not in response.headers[ENFORCED]

    response, nonce = respond(use_nonce=True)
    assert nonce
    assert f"'nonce-{nonce}'" in directives(response.headers[ENFORCED])["script-src"]

    response, nonce = respond("/admin/", use_nonce=True)
    assert "nonce-" not in response.headers[ENFORCED]  # it would switch 'unsafe-inline' off


def test_report_only_mode_sends_the_public_policy_as_a_report():
    public = settings.CONTENT_SECURITY_POLICY
    report = {"DIRECTIVES": {**public["DIRECTIVES"], "report-uri": ["/csp-report/"]}}
    with override_settings(
        CONTENT_SECURITY_POLICY=None, CONTENT_SECURITY_POLICY_REPORT_ONLY=report
    ):
        response, nonce = respond(use_nonce=True)
        admin, _ = respond("/admin/")

    assert ENFORCED not in response.headers
    policy = directives(response.headers[REPORT_ONLY])
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert policy["report-uri"] == ["/csp-report/"]
    # The admin's policy stays enforced, and is not reported twice.
    assert directives(admin.headers[ENFORCED])["script-src"] == ["'self'", "'unsafe-inline'"]
    assert REPORT_ONLY not in admin.headers


def settings_from_environment(**environ):
    script = (
        "import json; from pgp_site.settings import test as s; "
        "print(json.dumps([s.CONTENT_SECURITY_POLICY, s.CONTENT_SECURITY_POLICY_REPORT_ONLY],"
        " default=repr))"
    )
    env = {**os.environ, **environ}
    output = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.splitlines()[-1])


def test_report_only_mode_and_report_uri_come_from_the_environment():
    enforced, report_only = settings_from_environment(
        CSP_REPORT_ONLY="true", CSP_REPORT_URI="https://reports.example.test/csp"
    )
    assert enforced is None
    assert report_only["DIRECTIVES"]["report-uri"] == ["https://reports.example.test/csp"]

    enforced, report_only = settings_from_environment(CSP_REPORT_ONLY="", CSP_REPORT_URI="")
    assert report_only is None
    assert "report-uri" not in enforced["DIRECTIVES"]
