"""Points the default Wagtail Site at the address the site is served at.

Canonical URLs, og:url, JSON-LD and the sitemap are built from the Site's
hostname and port (port 443 means https, 80 plain http):

    python manage.py set_site_url https://shop.example.com
"""

from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

DEFAULT_PORTS = {"https": 443, "http": 80}


def hostname_and_port(url):
    """('shop.example.com', 443) for 'https://shop.example.com'; CommandError otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        parts, port = None, None
    if not parts or parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise CommandError(f"{url[:80]!r} is not a site address like https://shop.example.com")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise CommandError("Give the site's address alone, without a path, query or user.")
    if parts.scheme == "https" and port not in (None, 443):
        # Wagtail reads https from port 443 only.
        raise CommandError("Wagtail serves https on port 443 only: drop the port.")
    return parts.hostname, port or DEFAULT_PORTS[parts.scheme]


class Command(BaseCommand):
    help = "Sets the default Site's hostname and port from the address the site is served at."

    def add_arguments(self, parser):
        parser.add_argument("url", help="e.g. https://shop.example.com")

    def handle(self, *args, url, **options):
        hostname, port = hostname_and_port(url)
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            raise CommandError("There is no default Site: add one in the admin (Settings → Sites).")
        site.hostname, site.port = hostname, port
        site.save(update_fields=["hostname", "port"])
        Site.clear_site_root_paths_cache()
        self.stdout.write(f"The default site is now {site.root_url}/")
