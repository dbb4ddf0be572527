"""The contact form's spam trap, the sitemap and robots.txt, and migrations in step."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from wagtail.contrib.forms.models import FormSubmission

from gallery.models import ContactFormField
from tests.factories import ContactPageFactory, HomePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact():
    return ContactPageFactory(
        parent=HomePageFactory(site=True),
        from_address="site@example.com",
        subject="Commission enquiry",
        form_fields=[
            ContactFormField(label="Name", field_type="singleline", required=True),
            ContactFormField(label="Message", field_type="multiline", required=True),
        ],
    )


def test_an_enquiry_is_stored_and_mailed_to_the_artist(client, contact):
    response = client.post(contact.url, {"name": "Ana", "message": "A sea, 80 x 60?"})
    assert response.status_code == 200
    submission = FormSubmission.objects.get(page=contact)
    assert submission.get_data()["message"] == "A sea, 80 x 60?"
    assert "website" not in submission.form_data
    assert [m.to for m in mail.outbox] == [["artist@example.com"]]
    assert "A sea, 80 x 60?" in mail.outbox[0].body


def test_a_bot_filling_the_honeypot_is_thanked_but_nothing_is_kept(client, contact):
    response = client.post(
        contact.url, {"name": "Bot", "message": "Buy now", "website": "http://spam.example"}
    )
    assert response.status_code == 200
    assert FormSubmission.objects.count() == 0
    assert mail.outbox == []


def test_sitemap_lists_live_pages_and_robots_points_to_it(client, contact):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/contact/" in sitemap
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in robots.content.decode()
    assert "Disallow: /admin/" in robots.content.decode()


def test_models_and_migrations_are_in_step():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
