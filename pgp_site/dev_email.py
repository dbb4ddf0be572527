"""Development e-mail: each message to a file, and one line about it on the console.

One `.eml` per message in EMAIL_FILE_PATH (open it in any mail program), and
a line on the console with whom it is for, its subject as a person reads it
(not `=?utf-8?q?…`) and the links in it, so a developer can follow a
confirmation or password-reset link without reading MIME.
"""

import email
import re
import sys
import threading
import uuid
from email import policy
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

LINK = re.compile(r"https?://[^\s<>\"')\]]+")


def summary_line(recipients, raw, path):
    """'✉ ana@example.com · Your order PGP-7 · links: http://… · tmp/emails/….eml',
    read back from the message as sent (so the subject shows decoded)."""
    parsed = email.message_from_bytes(raw, policy=policy.default)
    body = parsed.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body else ""
    links = list(dict.fromkeys(link.rstrip(".,;:") for link in LINK.findall(text)))
    subject = " ".join(str(parsed.get("Subject", "")).split())
    parts = [f"✉ {', '.join(recipients)}", subject or "(no subject)"]
    if links:
        parts.append("links: " + " ".join(links))
    parts.append(str(path))
    return " · ".join(parts)


class FileAndSummaryBackend(BaseEmailBackend):
    def __init__(self, *, file_path=None, stream=None, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.folder = Path(file_path or settings.EMAIL_FILE_PATH)
        self.stream = stream or sys.stdout
        self.lock = threading.Lock()

    def send_messages(self, email_messages):
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            raw = message.message().as_bytes()
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
            path = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(raw)
            with self.lock:
                self.stream.write(summary_line(message.recipients(), raw, self.shown(path)) + "\n")
                self.stream.flush()
            sent += 1
        return sent

    def shown(self, path):
        """The file's path from the project folder when it is inside it (shorter)."""
        try:
            return path.resolve().relative_to(Path(settings.BASE_DIR).resolve())
        except ValueError:
            return path
