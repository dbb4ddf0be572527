"""The database cache's table, so `migrate` (release phase, `make run`) makes it.

Rate limits count in the "default" cache, which is Django's database cache
unless REDIS_URL is set; under Redis this does nothing.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("buyers", "0001_initial")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
