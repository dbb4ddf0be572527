"""A partial index on the paths of unpublished pages, on PostgreSQL.

"Visible" (gallery.query) looks a page's ancestors up by path among unpublished
pages; a search checks it for every match (thousands on a large gallery). With
every page in the path index, each look-up read every ancestor's row; unpublished
pages are few, and this index holds only them.
"""

from django.db import migrations

INDEX = "search_page_unpublished_path"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailcore_page (path) WHERE NOT live"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index_entry_words_gin"), ("wagtailcore", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
