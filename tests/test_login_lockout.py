"""Password guessing: every sign-in form locks after a handful of failures,
per account and per client address; a lockout cannot be told from a wrong
password; and the client address is taken after the trusted proxies, so one
visitor's failures do not lock everyone behind the router and a forged
X-Forwarded-For does not buy more guesses. That every worker shares the counts
is test_login_lockout_workers.py's part."""

import re

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import RequestFactory

from buyers.lockout import ADMIN_LOGIN_FAILED_MESSAGE, LOGIN_FAILED_MESSAGE
from pgp_site.client_ip import client_ip
from tests.factories import PASSWORD, EmailAddressFactory, UserFactory
from tests.helpers import cache_rows

ADMIN_PASSWORD = "an-easel-by-the-window-7"
LIMIT = 5  # AXES_FAILURE_LIMIT


def make_admin():
    return UserFactory(
        username="admin", email="artist@example.com", password=ADMIN_PASSWORD, superuser=True
    )


def admin_login(client, username, password, **extra):
    return client.post("/admin/login/", {"username": username, "password": password}, **extra)


def shop_login(client, email, password, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def signed_in(client):
    return SESSION_KEY in client.session


def page_without_tokens(response):
    """The page as a visitor sees it, minus the per-request CSRF token and CSP nonce."""
    text = response.content.decode()
    text = re.sub(r"\b[A-Za-z0-9]{64}\b", "CSRF", text)  # in the form and the admin's config
    return re.sub(r'nonce="[^"]+"', "NONCE", text)


def shown(message, response):
    return message.replace("'", "&#x27;") in response.content.decode()


@pytest.fixture
def behind_one_proxy(settings):
    """As on Heroku: one router in front, which appends the client's address."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def via_router(client_address, forged=None):
    """What the app receives when `client_address` connects through the router."""
    chain = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": chain}


# --- the client's address --------------------------------------------------


@pytest.mark.parametrize(
    "count, forwarded, remote, expected",
    [
        (0, "", "192.0.2.1", "192.0.2.1"),
        (0, "203.0.113.9", "192.0.2.1", "192.0.2.1"),  # no proxy: the header is anyone's
        (1, "203.0.113.9", "10.1.2.3", "203.0.113.9"),
        (1, "1.1.1.1, 203.0.113.9", "10.1.2.3", "203.0.113.9"),  # forged left part ignored
        (1, "1.1.1.1,203.0.113.9", "10.1.2.3", "203.0.113.9"),
        (2, "1.1.1.1, 203.0.113.9, 10.0.0.7", "10.1.2.3", "203.0.113.9"),
        (1, "", "10.1.2.3", "10.1.2.3"),  # no header: the peer
        (1, "not-an-address", "10.1.2.3", "10.1.2.3"),
        (1, "2001:DB8::1", "10.1.2.3", "2001:db8::1"),
        (1, "203.0.113.9:4711", "10.1.2.3", "203.0.113.9"),
    ],
)
def test_client_ip_counts_trusted_proxies_from_the_right(
    settings, count, forwarded, remote, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **meta)) == expected


# --- the admin login ------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_login_refuses_the_right_password_after_five_wrong_ones(client):
    make_admin()
    for attempt in range(LIMIT):
        response = admin_login(client, "admin", f"guess-{attempt}")
        assert response.status_code == 200
        assert shown(ADMIN_LOGIN_FAILED_MESSAGE, response)

    response = admin_login(client, "admin", ADMIN_PASSWORD)
    assert response.status_code == 200
    assert shown(ADMIN_LOGIN_FAILED_MESSAGE, response)
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_a_locked_account_looks_exactly_like_a_wrong_password(client):
    make_admin()
    first_wrong = admin_login(client, "admin", "guess-0")
    for attempt in range(1, LIMIT):
        admin_login(client, "admin", f"guess-{attempt}")

    locked_wrong = admin_login(client, "admin", "guess-99")
    locked_right = admin_login(client, "admin", ADMIN_PASSWORD)

    assert first_wrong.status_code == locked_wrong.status_code == locked_right.status_code == 200
    assert page_without_tokens(locked_right) == page_without_tokens(locked_wrong)
    assert page_without_tokens(locked_right) == page_without_tokens(first_wrong)
    assert "locked" not in locked_right.content.decode().lower()


@pytest.mark.django_db
def test_the_account_locks_whatever_addresses_the_guesses_come_from(client):
    make_admin()
    for attempt in range(LIMIT):
        admin_login(client, "admin", f"guess-{attempt}", REMOTE_ADDR=f"198.51.100.{attempt}")
    admin_login(client, "admin", ADMIN_PASSWORD, REMOTE_ADDR="198.51.100.200")
    assert not signed_in(client)


@pytest.mark.django_db
def test_a_password_reset_by_mail_lifts_the_lockout(client, mailoutbox):
    """A stranger's guesses can lock the artist out; the reset link in her mailbox lets her in."""
    make_admin()
    EmailAddressFactory(user=get_user_model().objects.get(username="admin"))
    for attempt in range(LIMIT):
        admin_login(client, "admin", f"guess-{attempt}", REMOTE_ADDR=f"198.51.100.{attempt}")

    reset(client, "artist@example.com", REMOTE_ADDR="203.0.113.5")
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mailoutbox[-1].body)[
        1
    ]
    form_page = client.get(link, follow=True, REMOTE_ADDR="203.0.113.5")
    new_password = "a-new-easel-by-the-door-8"
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": new_password, "password2": new_password},
        REMOTE_ADDR="203.0.113.5",
    )
    client.logout()

    admin_login(client, "admin", new_password, REMOTE_ADDR="203.0.113.5")
    assert signed_in(client)


@pytest.mark.django_db
def test_the_admin_login_with_a_customers_address_counts_against_that_customer(client):
    UserFactory(email="alice@example.com", verified=True)
    for attempt in range(LIMIT):
        response = admin_login(
            client, "Alice@Example.com", f"guess-{attempt}", REMOTE_ADDR=f"198.51.100.{attempt}"
        )
        assert response.status_code == 200

    # Locked on the shop's own login too, with the right password.
    response = shop_login(client, "alice@example.com", PASSWORD, REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 200
    assert shown(LOGIN_FAILED_MESSAGE, response)
    assert not signed_in(client)


@pytest.mark.django_db
def test_guesses_at_a_username_and_its_address_share_one_count(client):
    make_admin()
    for attempt in range(3):
        admin_login(client, "admin", f"guess-{attempt}", REMOTE_ADDR=f"198.51.100.{attempt}")
    for attempt in range(3, LIMIT):
        shop_login(
            client, "ARTIST@example.com", f"guess-{attempt}", REMOTE_ADDR=f"198.51.100.{attempt}"
        )
    admin_login(client, "admin", ADMIN_PASSWORD, REMOTE_ADDR="198.51.100.200")
    assert not signed_in(client)


# --- the shop's login -------------------------------------------------------


@pytest.mark.django_db
def test_the_shop_login_locks_the_account_and_says_the_same_either_way(client):
    UserFactory(email="alice@example.com", verified=True)
    first_wrong = shop_login(client, "alice@example.com", "guess-0", REMOTE_ADDR="198.51.100.1")
    for attempt in range(1, LIMIT):
        shop_login(
            client, "alice@example.com", f"guess-{attempt}", REMOTE_ADDR=f"198.51.100.{attempt + 1}"
        )

    locked_right = shop_login(client, "alice@example.com", PASSWORD, REMOTE_ADDR="198.51.100.50")
    locked_wrong = shop_login(client, "alice@example.com", "guess-99", REMOTE_ADDR="198.51.100.51")

    assert not signed_in(client)
    assert first_wrong.status_code == locked_right.status_code == locked_wrong.status_code == 200
    assert shown(LOGIN_FAILED_MESSAGE, locked_right)
    assert page_without_tokens(locked_right) == page_without_tokens(locked_wrong)
    assert page_without_tokens(locked_right) == page_without_tokens(first_wrong)


@pytest.mark.django_db
def test_one_address_guessing_at_many_accounts_is_locked_out_of_all(client):
    UserFactory(email="bob@example.com", verified=True)
    for attempt in range(LIMIT):
        shop_login(client, f"nobody{attempt}@example.com", "guess", REMOTE_ADDR="203.0.113.66")

    shop_login(client, "bob@example.com", PASSWORD, REMOTE_ADDR="203.0.113.66")
    assert not signed_in(client)
    # Bob from his own address is not affected.
    response = shop_login(client, "bob@example.com", PASSWORD, REMOTE_ADDR="192.0.2.8")
    assert response.status_code == 302
    assert signed_in(client)


# --- addresses behind the router --------------------------------------------


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_forged_header_buys_no_guesses(client):
    UserFactory(email="bob@example.com", verified=True)
    for attempt in range(LIMIT):
        shop_login(
            client, f"nobody{attempt}@example.com", "guess",
            REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )  # fmt: skip
    shop_login(
        client, "bob@example.com", PASSWORD,
        REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR="192.0.2.200",
    )  # fmt: skip
    assert not signed_in(client)


@pytest.mark.django_db
def test_behind_the_router_one_guesser_does_not_lock_out_everyone(client, behind_one_proxy):
    UserFactory(email="bob@example.com", verified=True)
    for attempt in range(LIMIT):
        admin_login(client, f"nobody{attempt}", "guess", **via_router("203.0.113.66"))

    # Another visitor comes through the same router and signs in.
    response = shop_login(client, "bob@example.com", PASSWORD, **via_router("192.0.2.8"))
    assert response.status_code == 302
    assert signed_in(client)


@pytest.mark.django_db
def test_behind_the_router_a_forged_left_part_does_not_change_the_address(client, behind_one_proxy):
    UserFactory(email="bob@example.com", verified=True)
    for attempt in range(LIMIT):
        shop_login(
            client, f"nobody{attempt}@example.com", "guess",
            **via_router("203.0.113.66", forged=f"192.0.2.{attempt}"),
        )  # fmt: skip
    shop_login(
        client, "bob@example.com", PASSWORD, **via_router("203.0.113.66", forged="192.0.2.8")
    )
    assert not signed_in(client)


# --- password reset ---------------------------------------------------------


def reset(client, email, **extra):
    return client.post("/accounts/password/reset/", {"email": email}, **extra)


@pytest.mark.django_db
def test_password_reset_is_limited_per_client_behind_the_router_in_the_shared_cache(
    client, behind_one_proxy
):
    for attempt in range(5):  # "reset_password": 5/h per address
        response = reset(
            client, f"who{attempt}@example.com", **via_router("203.0.113.66", f"192.0.2.{attempt}")
        )
        assert response.status_code == 302
    limited = reset(client, "who9@example.com", **via_router("203.0.113.66", "192.0.2.77"))
    assert limited.status_code == 429

    # Someone else behind the same router can still reset their password.
    assert reset(client, "bob@example.com", **via_router("192.0.2.8")).status_code == 302
    assert cache_rows("reset_password") > 0
