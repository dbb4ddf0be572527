"""Retries order e-mails that are due but were not sent (e.g. the SMTP server was down).

Run it every 10 minutes (Heroku Scheduler). Each message is claimed before it
is sent, so this can run beside the web dynos, and twice at once, without a
buyer ever getting two copies.
"""

from django.core.management.base import BaseCommand

from shop import emails


class Command(BaseCommand):
    help = "Send order e-mails that are due and not sent yet (with back-off after failures)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Ignore the back-off and the attempt limit (e.g. after fixing the SMTP settings).",
        )

    def handle(self, *args, force=False, **options):
        sent, unsent = emails.send_pending_emails(force=force)
        self.stdout.write(f"Sent {sent} pending e-mail(s); {unsent} still unsent.")
