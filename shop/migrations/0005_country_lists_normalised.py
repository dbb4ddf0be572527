"""Shipping country lists, typed by hand as "FR, de ,NL", become the format of
django-countries' CountryField(multiple=True): sorted unique codes joined by
commas ("DE,FR,NL"). Codes that are not countries Stripe can ship to are dropped
(the old form accepted any two letters); the common "UK" and "EL" mean GB and GR.

Runs before 0006 turns the columns into CountryFields, on the raw strings.
"""

from django.db import migrations

from shop.models import ShippableCountries

ALIASES = {"UK": "GB", "EL": "GR"}


def normalise(value):
    """'FR, de ,NL;uk, ZZ' -> 'DE,FR,GB,NL'."""
    shippable = ShippableCountries().countries
    codes = set()
    for code in (value or "").replace(";", ",").split(","):
        code = code.strip().upper()
        code = ALIASES.get(code, code)
        if code in shippable:
            codes.add(code)
    return ",".join(sorted(codes))


def denormalise(value):
    """'DE,FR,NL' -> 'DE, FR, NL', as the old help text asked for."""
    return ", ".join(code for code in (value or "").split(",") if code)


FIELDS = (("ShopSettings", "shipping_countries"), ("ShippingRate", "countries"))


def _convert(apps, convert):
    for model_name, field in FIELDS:
        model = apps.get_model("shop", model_name)
        for pk, value in model.objects.values_list("pk", field):
            converted = convert(value)
            if converted != value:
                model.objects.filter(pk=pk).update(**{field: converted})


def forwards(apps, schema_editor):
    _convert(apps, normalise)


def backwards(apps, schema_editor):
    _convert(apps, denormalise)


class Migration(migrations.Migration):
    dependencies = [("shop", "0004_order_email_failures")]

    operations = [migrations.RunPython(forwards, backwards)]
