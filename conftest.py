"""Suite-wide set-up: real parts, and what to do when one is missing.

PostgreSQL-only tests (row locks, concurrency) skip on SQLite: `make test`
runs the suite once on a throwaway PostgreSQL and once on SQLite. Browser
tests need Debian's Chromium; where it is missing they skip with a message,
and with REQUIRE_BROWSER=1 (CI) that skip is a failure instead.
"""

import os
import shutil

import pytest

from tests.real_parts import missing_part

# Django's live_server runs in a thread while Playwright's sync API holds an
# event loop in the test thread; Django would otherwise refuse ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        missing_part(
            "Chromium not found: install Debian's chromium (apt-get install chromium) "
            "or set CHROMIUM_PATH",
            "REQUIRE_BROWSER",
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


def is_transactional(item):
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Transactional tests last: each empties the database when it ends.

    (pytest-django orders by the same rule but misses some tests whose
    database use comes through fixtures; this keeps the order whatever.)
    """
    from django.db import connection

    items.sort(key=is_transactional)

    on_postgres = connection.vendor == "postgresql"
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(
                pytest.mark.skip(
                    reason="PostgreSQL only; `make test` runs it in its PostgreSQL pass"
                )
            )


def uses_database(item):
    return item.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


@pytest.fixture(autouse=True)
def fresh_caches(request, django_db_blocker):
    """Each test starts with empty caches (site roots, renditions, rate limits).

    "default" is the app's shared cache, Django's database cache: a table in
    the test database, which only a test that may use the database can fill.
    """
    from django.core.cache import caches

    caches["renditions"].clear()
    if uses_database(request.node):
        request.getfixturevalue("django_db_setup")
        with django_db_blocker.unblock():
            caches["default"].clear()


@pytest.fixture(autouse=True)
def wagtail_tree_for_transactional_tests(request):
    if is_transactional(request.node):
        from tests.wagtail_tree import ensure_wagtail_tree

        request.getfixturevalue("transactional_db")
        ensure_wagtail_tree()
