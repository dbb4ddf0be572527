"""A GIN index on `title || body` of Wagtail's search index entries, on PostgreSQL.

Wagtail's PostgreSQL backend matches a query against the two vectors joined,
an expression its per-column GIN indexes cannot serve, so every search read
every entry (search.backends.postgres). Other databases keep their own index
(SQLite's FTS5 table) and get nothing here.
"""

from django.db import migrations

INDEX = "search_indexentry_words_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry "
            "USING gin ((title || body))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
