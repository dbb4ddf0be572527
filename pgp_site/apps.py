from django.apps import AppConfig


class PgpSiteConfig(AppConfig):
    """The project package as an app, so its system checks are registered."""

    name = "pgp_site"
    verbose_name = "pgp site"

    def ready(self):
        from . import checks  # noqa: F401  (registers the checks)
