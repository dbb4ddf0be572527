"""`make run`'s set-up: demo content when the site is empty, the Site's address, an
admin user, and, as its last lines, where everything is and how to sign in."""

import contextlib
import os
import re
import secrets
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from gallery.models import HomePage

ADMIN_USERNAME = "admin"
DEFAULT_ADDRESS = "127.0.0.1:8000"
# runserver's forms: "8000", "127.0.0.1:8000", "localhost:8000", "[::1]:8000".
ADDRESS = re.compile(
    r"(?:(?P<host>[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:]{2,39}\]):)?(?P<port>\d{1,5})"
)
# Serving on every interface: a browser on this machine still reaches it here.
ANY_INTERFACE = {"0.0.0.0": "127.0.0.1", "[::]": "[::1]", "0": "127.0.0.1"}  # noqa: S104


def parse_address(address):
    """(hostname, port) of the address runserver is given; CommandError if it is none."""
    match = ADDRESS.fullmatch(address)
    port = int(match["port"]) if match else 0
    if not 0 < port < 65536:
        raise CommandError(
            f"--address {address[:80]!r} is not an address runserver takes: "
            "use e.g. 127.0.0.1:8000, localhost:8000 or 8000."
        )
    host = match["host"] or "127.0.0.1"
    return ANY_INTERFACE.get(host, host), port


def site_url(hostname, port):
    return f"http://{hostname}/" if port == 80 else f"http://{hostname}:{port}/"


class Command(BaseCommand):
    help = (
        "Seeds demo content into an empty site, points the default Site at the address "
        "the development server serves, and creates the 'admin' user if missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--address",
            default=DEFAULT_ADDRESS,
            help=f"Where runserver serves (default {DEFAULT_ADDRESS}): canonical URLs, "
            "og:url, JSON-LD and the sitemap use it.",
        )
        parser.add_argument(
            "--paintings", type=int, default=24, help="Paintings to seed into an empty site."
        )

    def handle(self, *args, address, paintings, **options):
        hostname, port = parse_address(address)
        if not HomePage.objects.exists():
            call_command("seed_gallery", paintings=paintings, stdout=self.stdout)
        self.point_site_at(hostname, port)
        password = self.ensure_admin()
        self.print_summary(site_url(hostname, port), password)

    def point_site_at(self, hostname, port):
        """The default Site's hostname and port are what the site's own absolute URLs
        are built from; in development they follow the address it is served at.
        Saved, not updated: the page cache drops what it kept of the old address."""
        for site in Site.objects.filter(is_default_site=True):
            if (site.hostname, site.port) != (hostname, port):
                site.hostname, site.port = hostname, port
                site.save(update_fields=["hostname", "port"])
        Site.clear_site_root_paths_cache()

    def ensure_admin(self):
        """Creates the admin user if there is no superuser; its password if generated here."""
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return None
        given = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        password = given or secrets.token_urlsafe(12)
        email = os.environ.get("DJANGO_SUPERUSER_EMAIL") or "admin@example.com"
        user = User.objects.create_superuser(ADMIN_USERNAME, email, password)
        # Verified, so the admin can also sign in on the shop's own pages.
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return None if given else password

    def print_summary(self, url, generated_password):
        User = get_user_model()
        admin = User.objects.filter(is_superuser=True).order_by("pk").first()
        username = admin.get_username() if admin else ADMIN_USERNAME
        lines = [
            "",
            "─" * 60,
            f"  Site:        {url}",
            f"  Admin:       {url}admin/",
            f"  Admin user:  {username}",
        ]
        if generated_password:
            lines.append(f"  Password:    {generated_password}   (generated now; shown this once)")
        lines += [
            f"  Set or reset its password: .venv/bin/python manage.py changepassword {username}",
            "  (or, before the first run: DJANGO_SUPERUSER_PASSWORD=... make run)",
            *self.mail_line(),
            "─" * 60,
        ]
        self.stdout.write("\n".join(lines))

    def mail_line(self):
        """Where development e-mail goes, when it goes to files (pgp_site.dev_email)."""
        folder = getattr(settings, "EMAIL_FILE_PATH", None)
        if settings.EMAIL_BACKEND != "pgp_site.dev_email.FileAndSummaryBackend" or not folder:
            return []
        with contextlib.suppress(ValueError):  # shown whole when outside the project
            folder = Path(folder).resolve().relative_to(Path(settings.BASE_DIR).resolve())
        return [f"  E-mails: a line each below; each whole message in {folder}/"]
