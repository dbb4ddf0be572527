"""The buyer's Profile, under the app's new label, on the table it already has.

This app was called `accounts` (migrations accounts 0001-0003) until it was
renamed `buyers`, so that it cannot be confused with allauth's `account`. The
table kept its name, `accounts_profile` (Profile.Meta.db_table), and this one
migration stands for the three old ones:

- in the migration state, it creates the model as the old three left it
  (django-countries' CountryField included);
- in the database, it creates the table only where it is missing: a fresh
  database gets it, a database the old `accounts` app migrated keeps its table
  and its rows untouched.

The tables Django would create are the same either way: names of the table, its
indexes and constraints derive from the table name, which did not change.
"""

import django.db.models.deletion
import django_countries.fields
from django.conf import settings
from django.db import migrations, models

TABLE = "accounts_profile"


def create_table_unless_present(apps, schema_editor):
    if TABLE in schema_editor.connection.introspection.table_names():
        return  # migrated by the old `accounts` app: adopt it as it is
    schema_editor.create_model(apps.get_model("buyers", "Profile"))


def drop_table(apps, schema_editor):
    schema_editor.delete_model(apps.get_model("buyers", "Profile"))


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Profile",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("full_name", models.CharField(blank=True, max_length=200)),
                        ("phone", models.CharField(blank=True, max_length=40)),
                        (
                            "address_line1",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="address line 1"
                            ),
                        ),
                        (
                            "address_line2",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="address line 2"
                            ),
                        ),
                        (
                            "city",
                            models.CharField(
                                blank=True, max_length=100, verbose_name="town or city"
                            ),
                        ),
                        (
                            "postal_code",
                            models.CharField(blank=True, max_length=20, verbose_name="postcode"),
                        ),
                        (
                            "state",
                            models.CharField(
                                blank=True, max_length=100, verbose_name="county, region or state"
                            ),
                        ),
                        (
                            "country",
                            django_countries.fields.CountryField(blank=True, max_length=2),
                        ),
                        (
                            "stripe_customer_id",
                            models.CharField(blank=True, editable=False, max_length=255),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="profile",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": TABLE},
                ),
            ],
        ),
        # After the state operation, so that `apps` here knows the model.
        migrations.RunPython(create_table_unless_present, drop_table),
    ]
