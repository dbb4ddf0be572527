"""The contact form's spam trap, the sitemap and robots.txt, and migrations in step."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from wagtail.contrib.forms.models import FormSubmission

from gallery.models import ContactFormField, GallerySettings
from tests.factories import ContactPageFactory, HomePageFactory, StandardPageFactory

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


def test_the_footer_links_the_pages_a_buyer_needs_without_another_query(
    client, django_assert_max_num_queries
):
    home = HomePageFactory(site=True)
    shipping = StandardPageFactory(parent=home, title="Shipping & returns", slug="shipping-returns")
    privacy = StandardPageFactory(parent=home, title="Privacy", slug="privacy")
    draft = StandardPageFactory(parent=home, title="Draft terms", slug="draft-terms", live=False)
    settings = GallerySettings.for_site(home.get_site())
    settings.shipping_returns_page = shipping
    settings.privacy_page = privacy
    settings.contact_page = draft
    settings.save()

    html = client.get("/").content.decode()
    footer = html[html.index("<footer") :]
    assert 'href="/shipping-returns/"' in footer
    assert 'href="/privacy/"' in footer
    # A page that is not live is never linked.
    assert "/draft-terms/" not in footer

    settings.privacy_page = None
    settings.save()
    with django_assert_max_num_queries(15):
        html = client.get("/").content.decode()
    assert "/privacy/" not in html[html.index("<footer") :]
