"""`make run`'s preparation, as a developer sees it: run in subprocesses on a
throwaway SQLite database, its last lines say where the site and the admin are,
who the admin is and how to set the password (and the password, once, when it
was generated), and the site's own absolute URLs follow the address served."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ADDRESS = "127.0.0.1:8123"


@pytest.fixture(scope="module")
def dev_env(tmp_path_factory):
    """The development settings, with the database, media and e-mails in a temp folder."""
    folder = tmp_path_factory.mktemp("devsite")
    (folder / "devsite_settings.py").write_text(
        textwrap.dedent(
            f"""
            from pgp_site.settings.dev import *  # noqa: F403
            MEDIA_ROOT = {str(folder / "media")!r}
            EMAIL_FILE_PATH = {str(folder / "emails")!r}
            """
        )
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "AWS_", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="devsite_settings",
        PYTHONPATH=os.pathsep.join([str(folder), str(REPO)]),
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
    )
    migrate = manage(env, "migrate", "--noinput")
    assert migrate.returncode == 0, migrate.stderr
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def prepare(env, address=ADDRESS):
    return manage(env, "prepare_dev_site", "--address", address, "--paintings", "1")


def summary(output):
    """The lines between the last two rules, stripped."""
    lines = output.rstrip().splitlines()
    assert set(lines[-1]) == {"─"}, output
    start = max(i for i, line in enumerate(lines[:-1]) if line and set(line) == {"─"})
    return [line.strip() for line in lines[start + 1 : -1]]


def run_python(env, code):
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_last_lines_say_where_and_who_and_show_a_new_password_once(dev_env):
    first = prepare(dev_env)
    assert first.returncode == 0, first.stderr

    lines = summary(first.stdout)
    assert lines[:3] == [
        f"Site:        http://{ADDRESS}/",
        f"Admin:       http://{ADDRESS}/admin/",
        "Admin user:  admin",
    ]
    password = re.fullmatch(r"Password:\s+(\S+)\s+\(generated now; shown this once\)", lines[3])[1]
    assert "manage.py changepassword admin" in lines[4]
    assert "DJANGO_SUPERUSER_PASSWORD=... make run" in lines[5]
    signs_in = run_python(
        dev_env,
        "import django; django.setup(); from django.contrib.auth import get_user_model; "
        f"print(get_user_model().objects.get(username='admin').check_password({password!r}))",
    )
    assert signs_in.strip() == "True"

    again = prepare(dev_env)
    assert again.returncode == 0, again.stderr
    lines = summary(again.stdout)
    assert "Admin user:  admin" in lines
    assert not any(line.startswith("Password:") for line in lines)
    assert password not in again.stdout


CANONICAL = """
import django, json, re
django.setup()
from django.test import Client
client = Client(HTTP_HOST={host!r})
home = client.get("/").content.decode()
sitemap = client.get("/sitemap.xml").content.decode()
print(json.dumps({{
    "canonical": re.search(r'<link rel="canonical" href="([^"]+)"', home)[1],
    "og_url": re.search(r'<meta property="og:url" content="([^"]+)"', home)[1],
    "sitemap": re.findall(r"<loc>([^<]+)</loc>", sitemap)[:3],
}}))
"""


@pytest.mark.parametrize(
    ("address", "root"),
    [
        (ADDRESS, f"http://{ADDRESS}/"),
        ("0.0.0.0:8124", "http://127.0.0.1:8124/"),
        ("localhost:80", "http://localhost/"),
    ],
)
def test_the_sites_own_urls_follow_the_address_it_is_served_at(dev_env, address, root):
    assert prepare(dev_env, address).returncode == 0
    host = root.split("/")[2]

    urls = json.loads(run_python(dev_env, CANONICAL.format(host=host)))

    assert urls["canonical"] == root
    assert urls["og_url"] == root
    assert urls["sitemap"] and all(url.startswith(root) for url in urls["sitemap"])


@pytest.mark.parametrize("address", ["example.com", "127.0.0.1:0", "127.0.0.1:99999", "a b:80"])
def test_an_address_runserver_would_not_take_is_refused_clearly(dev_env, address):
    result = prepare(dev_env, address)
    assert result.returncode != 0
    assert "is not an address runserver takes" in result.stderr


def test_development_mail_lands_in_files_with_a_line_on_the_console(dev_env):
    sent = run_python(
        dev_env,
        "import django; django.setup(); from django.core.mail import send_mail; "
        "send_mail('Confirmez votre adresse — Zoë', 'Cliquez : http://127.0.0.1:8000/c/abc/', "
        "None, ['zoe@example.com'])",
    )
    folder = Path(dev_env["PYTHONPATH"].split(os.pathsep)[0]) / "emails"

    [eml] = folder.glob("*.eml")
    assert sent.strip() == (
        "✉ zoe@example.com · Confirmez votre adresse — Zoë · "
        f"links: http://127.0.0.1:8000/c/abc/ · {eml}"
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_make_runs_console_ends_with_the_summary_once_the_server_listens(dev_env):
    """scripts/run_dev.py itself (what `make run` runs): the summary comes after
    runserver's banner, so nothing scrolls it away before the first request."""
    prepare(dev_env)  # the admin exists: no password this time
    address = f"127.0.0.1:{free_port()}"
    env = {**dev_env, "STRIPE_SECRET_KEY": "sk_test_no_standin", "PYTHONUNBUFFERED": "1"}
    run = subprocess.Popen(
        [sys.executable, "scripts/run_dev.py", "--address", address],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines = []
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = run.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if len(lines) > 2 and set(lines[-1]) == {"─"} and lines.count(lines[-1]) == 2:
                break
        with urllib.request.urlopen(f"http://{address}/", timeout=60) as response:
            assert response.status == 200  # serving by the time the summary shows
    finally:
        os.killpg(run.pid, signal.SIGTERM)
        run.wait(timeout=30)

    output = "\n".join(lines)
    assert output.index("Starting development server at") < output.index("Site:")
    assert summary(output)[:3] == [
        f"Site:        http://{address}/",
        f"Admin:       http://{address}/admin/",
        "Admin user:  admin",
    ]
