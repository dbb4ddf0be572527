"""Development e-mail: one parseable .eml per message, one console line each with the
subject decoded and the message's links."""

import email
from email import policy
from io import StringIO

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

SUBJECT = "Votre commande PGP-7 est expédiée — merci, Zoë"
TEXT = """Bonjour Zoë,

Suivez le colis : https://track.example.com/p?id=7&lang=fr.
Votre commande : http://127.0.0.1:8000/account/orders/PGP-7/
Again: https://track.example.com/p?id=7&lang=fr
"""


@pytest.fixture
def backend(tmp_path):
    stream = StringIO()
    connection = mail.get_connection(
        "pgp_site.dev_email.FileAndSummaryBackend", file_path=tmp_path / "emails", stream=stream
    )
    return connection, stream, tmp_path / "emails"


def test_each_message_is_an_eml_file_and_a_line(backend):
    connection, stream, folder = backend
    message = EmailMultiAlternatives(
        SUBJECT, TEXT, "Gallery <shop@example.com>", ["zoe@example.com"], connection=connection
    )
    message.attach_alternative(
        "<p>Bonjour <a href='https://html.example.com/'>x</a></p>", "text/html"
    )
    other = EmailMultiAlternatives(
        "Second", "No links here.", to=["b@example.com"], connection=connection
    )

    assert connection.send_messages([message, other]) == 2

    files = sorted(folder.glob("*.eml"))
    assert len(files) == 2
    raw = files[0].read_bytes()
    assert b"=?utf-8?" in raw  # the subject is encoded on disk, as sent
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"].strip() == SUBJECT
    assert parsed["To"] == "zoe@example.com"
    assert parsed.get_body(("plain",)).get_content().startswith("Bonjour Zoë")
    assert parsed.get_body(("html",)) is not None

    first, second = stream.getvalue().splitlines()
    assert first.startswith("✉ zoe@example.com · " + SUBJECT + " · links: ")
    links = "https://track.example.com/p?id=7&lang=fr http://127.0.0.1:8000/account/orders/PGP-7/"
    assert f"links: {links} · " in first
    assert "html.example.com" not in first  # the plain text's links, once each
    assert "=?utf-8?" not in first
    assert first.endswith(files[0].name)
    assert second.startswith("✉ b@example.com · Second · ") and "links" not in second
