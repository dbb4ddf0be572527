"""The partial index on the paths of unpublished pages (0002), on SQLite too.

"Visible" (gallery.query) now reads the paths of hidden pages once per
statement, as a set each page's ancestors are looked up in; without this index
SQLite reads every page's row to find the few unpublished ones, once per
ancestor level, for every query that lists pages.
"""

from django.db import migrations

INDEX = "search_page_unpublished_path"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailcore_page (path) WHERE NOT live"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_unpublished_page_paths")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
