import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache

PASSWORD = "a-painting-a-day-42"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # allauth counts attempts in the cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


def make_user(email, password=PASSWORD, verified=True):
    user = get_user_model().objects.create_user(
        username=email.split("@")[0] + str(abs(hash(email)) % 10_000),
        email=email,
        password=password,
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    return user


@pytest.fixture
def buyer(db):
    return make_user("buyer@example.com")


@pytest.fixture
def other_buyer(db):
    return make_user("other@example.com")


def link_in_last_mail(to=None):
    """The first http(s) URL in the newest e-mail (to `to`, if given)."""
    messages = [m for m in mail.outbox if to is None or to in m.to]
    assert messages, f"no e-mail sent to {to or 'anyone'}"
    match = re.search(r"https?://\S+", messages[-1].body)
    assert match, f"no link in the e-mail:\n{messages[-1].body}"
    return match.group(0)
