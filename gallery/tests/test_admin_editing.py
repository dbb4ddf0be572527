"""The artist's editing screens: the admin carries her name, and a painting's
medium is a plain select of the media she keeps."""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from gallery.models import GallerySettings, Medium, PaintingPage
from tests.factories import PaintingPageFactory, UserFactory, shop_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def artist(client):
    client.force_login(UserFactory(username="artist", superuser=True))
    return client


@pytest.fixture
def site(db):
    tree = shop_tree()
    gallery_settings = GallerySettings.for_site(tree.site)
    gallery_settings.artist_name = "Mara Quinn"
    gallery_settings.save()
    return tree


def title_tag(html):
    return html[html.index("<title>") + 7 : html.index("</title>")].strip()


def test_the_admin_is_titled_after_the_artist(site, artist, client):
    home = artist.get(reverse("wagtailadmin_home")).content.decode()
    assert title_tag(home).endswith("Mara Quinn — Gallery admin")
    assert "Mara Quinn — Gallery admin</h1>" in " ".join(home.split()).replace(" </h1>", "</h1>")
    assert "pgp" not in title_tag(home) and "Wagtail" not in title_tag(home)

    explorer = artist.get(reverse("wagtailadmin_explore", args=[site.collection.pk]))
    assert title_tag(explorer.content.decode()).endswith("Mara Quinn — Gallery admin")


def test_the_sign_in_page_names_the_artist_and_the_setting_names_the_admin(site, settings):
    settings.WAGTAIL_SITE_NAME = "Studio"
    html = Client().get(reverse("wagtailadmin_login")).content.decode()
    assert "Sign in to Mara Quinn — Studio" in html
    assert title_tag(html).endswith("Mara Quinn — Studio")


def test_without_an_artist_name_the_admin_is_titled_by_the_setting(site, artist):
    GallerySettings.objects.update(artist_name="")
    html = artist.get(reverse("wagtailadmin_home")).content.decode()
    assert title_tag(html).endswith("- Gallery admin")


def test_medium_is_a_select_of_the_artists_media(site, artist):
    oil, watercolour = Medium.objects.create(name="Oil"), Medium.objects.create(name="Watercolour")
    painting = PaintingPageFactory(parent=site.collection, title="Harbour")

    form = artist.get(reverse("wagtailadmin_pages:edit", args=[painting.pk])).content.decode()
    select = form[form.index('<select name="medium"') :]
    select = select[: select.index("</select>")]
    assert f'value="{oil.pk}"' in select and f'value="{watercolour.pk}"' in select
    assert (
        "snippet-chooser"
        not in form[form.index('name="medium"') - 400 : form.index('name="medium"')]
    )

    data = nested_form_data(
        {
            "title": "Harbour",
            "slug": painting.slug,
            "gallery_images": inline_formset([]),
            "editions": inline_formset([]),
            "medium": watercolour.pk,
            "support": "paper",
            "width_cm": "30",
            "height_cm": "20",
            "price": "400",
            "for_sale": "on",
            "description": rich_text(""),
            "tags": "",
            "action-publish": "publish",
        }
    )
    response = artist.post(reverse("wagtailadmin_pages:edit", args=[painting.pk]), data)

    assert response.status_code == 302
    assert PaintingPage.objects.get(pk=painting.pk).medium == watercolour
