"""The production gunicorn.conf.py, as gunicorn itself reads it (`--print-config`)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def gunicorn_config(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GUNICORN_")}
    environment.update(env, DJANGO_SETTINGS_MODULE="pgp_site.settings.test")
    output = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--print-config"]
        + ["pgp_site.wsgi"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    settings = {}
    for line in output.splitlines():
        name, _, value = line.partition("=")
        settings[name.strip()] = value.strip()
    return settings


def test_no_access_log_line_per_request_unless_asked():
    """The platform's router logs requests already; errors are still logged."""
    assert gunicorn_config()["accesslog"] == "None"
    assert gunicorn_config()["errorlog"] == "-"


@pytest.mark.parametrize("value", ["1", "true", "on"])
def test_the_access_log_is_a_setting(value):
    assert gunicorn_config(GUNICORN_ACCESS_LOG=value)["accesslog"] == "-"


def test_workers_are_recycled_rarely_and_not_together():
    settings = gunicorn_config()
    assert int(settings["max_requests"]) == 10_000
    assert int(settings["max_requests_jitter"]) == 1_000

    settings = gunicorn_config(GUNICORN_MAX_REQUESTS="0")  # recycling off
    assert int(settings["max_requests"]) == 0
