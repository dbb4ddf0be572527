import pytest
from django.core.cache import cache

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # allauth counts attempts in the cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def buyer(db):
    return UserFactory(email="buyer@example.com", verified=True)


@pytest.fixture
def other_buyer(db):
    return UserFactory(email="other@example.com", verified=True)
