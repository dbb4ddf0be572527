from django.apps import AppConfig


class BuyersConfig(AppConfig):
    """Buyers' own pages: profile, order history, guest orders joined to accounts.

    Named apart from allauth's `account` app (sign-up, login, e-mail, passwords).
    Its label was `accounts` until the rename; the table keeps that name
    (`accounts_profile`) and migration 0001 adopts it, so no data moves.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "buyers"
    label = "buyers"
    verbose_name = "Buyers"

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers
