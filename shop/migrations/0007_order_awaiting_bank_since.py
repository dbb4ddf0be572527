from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0006_django_countries"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="awaiting_bank_since",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
