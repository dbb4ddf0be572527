"""`make run`'s set-up: demo content when the site is empty, and an admin user."""

import os
import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from gallery.models import HomePage


class Command(BaseCommand):
    help = "Seeds demo content into an empty site and creates the 'admin' user if missing."

    def handle(self, *args, **options):
        if not HomePage.objects.exists():
            call_command("seed_gallery", stdout=self.stdout)
        self.ensure_admin()

    def ensure_admin(self):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return
        given = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        password = given or secrets.token_urlsafe(12)
        email = os.environ.get("DJANGO_SUPERUSER_EMAIL") or "admin@example.com"
        User.objects.create_superuser("admin", email, password)
        user = User.objects.get(username="admin")
        # Verified, so the admin can also sign in on the shop's own pages.
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        shown = "the password in DJANGO_SUPERUSER_PASSWORD" if given else password
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin user created: admin / {shown} (e-mail {email}); "
                "sign in at http://127.0.0.1:8000/admin/"
            )
        )
