"""The old app label's content types become this app's.

Before the rename the Profile's content type was ("accounts", "profile"):
permissions, admin log entries, Wagtail's log and references point at its row
by id. Renaming that row keeps every one of them; leaving it would make Django
create a second, empty ("buyers", "profile") after `migrate`.

Where a ("buyers", model) row exists already, the old one is left alone (two
rows cannot share a label and model). A fresh database has no old rows.
`django_migrations` keeps its rows for `accounts`; Django ignores them, and
they let the code before the rename run again on this database. Going back
leaves the rows as they are.
"""

from django.db import migrations

OLD_LABEL = "accounts"
NEW_LABEL = "buyers"


def adopt_old_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    taken = set(
        ContentType.objects.using(db).filter(app_label=NEW_LABEL).values_list("model", flat=True)
    )
    (
        ContentType.objects.using(db)
        .filter(app_label=OLD_LABEL)
        .exclude(model__in=taken)
        .update(app_label=NEW_LABEL)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("buyers", "0002_shared_cache_table"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(adopt_old_content_types, migrations.RunPython.noop)]
