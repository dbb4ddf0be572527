"""`python manage.py seed_gallery`: fill an empty site with believable demo content."""

import logging
import time
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gallery.demo import build_demo_site, delete_demo_site, demo_site_exists
from pagecache.store import invalidate

# Wagtail logs every page created and edited at INFO, and the task runner
# every index update: a thousand lines for a large demo. Shown at -v 2.
CHATTY_LOGGERS = ["wagtail", "django_tasks"]


@contextmanager
def loggers_quietened(names, enabled):
    loggers = [logging.getLogger(name) for name in names] if enabled else []
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class Command(BaseCommand):
    help = (
        "Builds a demo gallery: home page, collections of paintings, journal, standard "
        "pages, contact form, site settings and shipping rates. Does nothing if a home "
        "page already exists, unless --reset is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--paintings",
            type=int,
            default=24,
            help="How many paintings to create (default 24; one more collection per 50).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the home page tree, the demo images, media and shipping rates "
            "first, then rebuild.",
        )

    def handle(self, *args, paintings, reset, verbosity, **options):
        if paintings < 1:
            raise CommandError("--paintings must be at least 1.")
        started = time.monotonic()
        with loggers_quietened(CHATTY_LOGGERS, verbosity < 2), transaction.atomic():
            if demo_site_exists():
                if not reset:
                    self.stdout.write(
                        "Demo content already present; nothing to do. Use --reset to rebuild."
                    )
                    return
                self.stdout.write("Deleting the existing demo content…")
                delete_demo_site()
            demo = build_demo_site(paintings=paintings, stdout=self.stdout)
            # Bulk-made pages send no signals: every stored page, a CDN's copy
            # of every page and what every render reads (a new site root) go
            # once this commits.
            invalidate(everything=True, site_wide=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo site built: {demo.summary()}; {time.monotonic() - started:.1f} s in all."
            )
        )
