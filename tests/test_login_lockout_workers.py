"""The login and reset limits hold across real gunicorn processes: workers
recycled every few requests share the counts through the database cache, or
Redis with REDIS_URL, behind one trusted proxy."""

import os
import shutil
import subprocess
import tempfile
import time

import pytest

from buyers.lockout import ADMIN_LOGIN_FAILED_MESSAGE
from tests.factories import UserFactory
from tests.gunicorn_server import WebClient, start_gunicorn, worker_pids
from tests.helpers import cache_rows

ADMIN_PASSWORD = "an-easel-by-the-window-7"


@pytest.mark.django_db(transaction=True)
def test_gunicorn_two_workers_fifteen_wrong_admin_passwords_lock_the_account():
    UserFactory(username="admin", password=ADMIN_PASSWORD, superuser=True)
    UserFactory(username="editor", password=ADMIN_PASSWORD, superuser=True)

    # One router in front; workers recycled every 4 requests, so no count can
    # survive in a worker's memory: 34 requests pass through ~9 processes.
    env = {"TRUSTED_PROXY_COUNT": "1"}
    with start_gunicorn(env, workers=2, max_requests=4) as base_url:
        for attempt in range(15):
            # Fifteen guessers, each from its own address.
            guesser = WebClient(base_url, {"X-Forwarded-For": f"198.51.100.{attempt}"})
            response = guesser.submit(
                "/admin/login/", {"username": "admin", "password": f"guess-{attempt}"}
            )
            assert response.status_code == 200
            assert ADMIN_LOGIN_FAILED_MESSAGE.replace("'", "&#x27;") in response.text

        artist = WebClient(base_url, {"X-Forwarded-For": "192.0.2.10"})
        response = artist.submit("/admin/login/", {"username": "admin", "password": ADMIN_PASSWORD})
        assert response.status_code == 200, "the right password signed in to a locked account"
        assert ADMIN_LOGIN_FAILED_MESSAGE.replace("'", "&#x27;") in response.text
        assert artist.get("/admin/").status_code == 302  # still signed out

        # Another editor, through the same router, is not locked out.
        editor = WebClient(base_url, {"X-Forwarded-For": "192.0.2.20"})
        response = editor.submit(
            "/admin/login/", {"username": "editor", "password": ADMIN_PASSWORD}
        )
        assert response.status_code == 302
        assert editor.get("/admin/").status_code == 200

        assert len(worker_pids(base_url, "/admin/login/")) >= 4


def reset_through(base_url, email, address):
    client = WebClient(base_url, {"X-Forwarded-For": address})
    return client.submit("/accounts/password/reset/", {"email": email})


def reset_limit_holds_across_workers(base_url):
    """allauth allows 3 resets an hour per address typed: the 4th is refused,
    whichever recycled worker answers it."""
    for attempt in range(3):
        response = reset_through(base_url, "bob@example.com", f"198.51.100.{attempt}")
        assert response.status_code == 302, response.text[:500]
    response = reset_through(base_url, "bob@example.com", "198.51.100.9")
    assert response.status_code == 429
    assert len(worker_pids(base_url, "/accounts/password/reset/")) >= 3


@pytest.mark.django_db(transaction=True)
def test_gunicorn_workers_share_the_reset_limit_through_the_database_cache():
    with start_gunicorn({"TRUSTED_PROXY_COUNT": "1"}, workers=2, max_requests=2) as base_url:
        reset_limit_holds_across_workers(base_url)
    assert cache_rows("reset_password") > 0


@pytest.fixture
def redis_url():
    server = shutil.which("redis-server")
    if not server:
        pytest.skip(
            "redis-server not found: install Debian's redis-server (apt-get install redis-server)"
        )
    folder = tempfile.mkdtemp(prefix="pgp-redis-")
    socket_path = os.path.join(folder, "redis.sock")
    process = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", socket_path, "--unixsocketperm", "700",
         "--save", "", "--appendonly", "no", "--dir", folder],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(socket_path):
            assert process.poll() is None and time.monotonic() < deadline, (
                "redis-server did not start"
            )
            time.sleep(0.05)
        yield f"unix://{socket_path}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.django_db(transaction=True)
def test_gunicorn_workers_share_the_reset_limit_through_redis(redis_url):
    import redis

    env = {"TRUSTED_PROXY_COUNT": "1", "REDIS_URL": redis_url}
    with start_gunicorn(env, workers=2, max_requests=2) as base_url:
        reset_limit_holds_across_workers(base_url)

    keys = redis.Redis.from_url(redis_url).keys("*allauth:rl:*reset_password*")
    assert keys, "the counters did not land in Redis"
    assert cache_rows("reset_password") == 0
