"""The app was `accounts` before: its migrations adopt what that app left behind.

The test database was built by these very migrations from nothing (the fresh
path: the table did not exist, 0001 created it). These tests run the
migrations' functions again against it, where `accounts_profile` exists, as it
does on a database the old `accounts` app migrated: nothing may be created
twice, and the old content types must come over with their permissions.
"""

from importlib import import_module

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext

from buyers.models import Profile
from tests.factories import UserFactory

initial = import_module("buyers.migrations.0001_initial")
cache_table = import_module("buyers.migrations.0002_shared_cache_table")
content_types = import_module("buyers.migrations.0003_content_types_from_accounts")

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def state_apps():
    """The models as the migrations know them after buyers 0003 (no database needed)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return loader.project_state(("buyers", "0003_content_types_from_accounts")).apps


@pytest.fixture
def sql_collector():
    """A schema editor that writes down its SQL instead of running it.

    Not entered as a context manager (SQLite refuses that inside the test's
    transaction), so its list of deferred statements is set up here.
    """
    editor = connection.schema_editor(collect_sql=True)
    editor.deferred_sql = []
    return editor


@pytest.fixture
def fresh_content_type_cache():
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


def test_the_table_keeps_its_old_name():
    assert Profile._meta.db_table == "accounts_profile"
    assert initial.TABLE in connection.introspection.table_names()


def test_an_existing_table_is_adopted_and_nothing_is_created(state_apps, sql_collector):
    user = UserFactory(email="kept@example.com", verified=True)
    Profile.objects.create(user=user, full_name="Kept Buyer", country="NL")
    tables = set(connection.introspection.table_names())

    with CaptureQueriesContext(connection) as queries:
        initial.create_table_unless_present(state_apps, sql_collector)
        cache_table.create_cache_tables(state_apps, sql_collector)

    assert sql_collector.collected_sql == []
    assert sql_collector.deferred_sql == []
    ddl = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("CREATE", "DROP"))]
    assert ddl == []
    assert set(connection.introspection.table_names()) == tables
    assert Profile.objects.get(user=user).full_name == "Kept Buyer"


def test_a_database_without_the_table_gets_it(state_apps, sql_collector, monkeypatch):
    present = [name for name in connection.introspection.table_names() if name != initial.TABLE]
    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: present)

    initial.create_table_unless_present(state_apps, sql_collector)

    created = [sql for sql in sql_collector.collected_sql if sql.startswith("CREATE TABLE")]
    assert len(created) == 1
    assert connection.ops.quote_name("accounts_profile") in created[0]
    assert '"country" varchar(2)' in created[0]


def test_the_old_content_type_comes_over_with_its_permissions(
    state_apps, sql_collector, fresh_content_type_cache
):
    profile_type = ContentType.objects.get(app_label="buyers", model="profile")
    # As on a database migrated by the old app: the row says "accounts".
    ContentType.objects.filter(pk=profile_type.pk).update(app_label="accounts")
    staff = UserFactory(email="staff@example.com", verified=True)
    staff.user_permissions.add(
        Permission.objects.get(content_type=profile_type, codename="view_profile")
    )

    content_types.adopt_old_content_types(state_apps, sql_collector)

    ContentType.objects.clear_cache()
    moved = ContentType.objects.get(pk=profile_type.pk)
    assert (moved.app_label, moved.model) == ("buyers", "profile")
    assert not ContentType.objects.filter(app_label="accounts").exists()
    staff = type(staff).objects.get(pk=staff.pk)  # no cached permissions
    assert staff.has_perm("buyers.view_profile")
    assert sql_collector.collected_sql == []


def test_a_label_taken_already_is_left_alone(state_apps, sql_collector, fresh_content_type_cache):
    profile_type = ContentType.objects.get(app_label="buyers", model="profile")
    old_profile = ContentType.objects.create(app_label="accounts", model="profile")
    old_other = ContentType.objects.create(app_label="accounts", model="retired")

    content_types.adopt_old_content_types(state_apps, sql_collector)

    old_profile.refresh_from_db()
    old_other.refresh_from_db()
    assert old_profile.app_label == "accounts"  # two rows cannot be buyers.profile
    assert old_other.app_label == "buyers"
    assert ContentType.objects.get(app_label="buyers", model="profile").pk == profile_type.pk
