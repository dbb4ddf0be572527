"""`manage.py seed_gallery`: the demo tree, its pictures, and that reruns are safe."""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex, Site

from gallery.demo import (
    ARTIST_NAME,
    FULL_LONG_SIDE,
    MEDIA_NAMES,
    POOL_SIZE,
    SEA,
    make_painting_image,
)
from gallery.models import (
    ArticlePage,
    CollectionPage,
    ContactPage,
    GalleryIndexPage,
    GallerySettings,
    HomePage,
    JournalIndexPage,
    Medium,
    PaintingPage,
    StandardPage,
)
from shop.models import ShippingRate, ShopSettings


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def seed(*args):
    out = StringIO()
    call_command("seed_gallery", *args, stdout=out)
    return out.getvalue()


def snapshot():
    """What a rerun must leave exactly as it was."""
    return {
        "pages": list(Page.objects.order_by("pk").values_list("pk", "latest_revision_id")),
        "images": list(get_image_model().objects.order_by("pk").values_list("pk", "file")),
        "media": Medium.objects.count(),
        "shipping rates": list(ShippingRate.objects.values_list("pk", "amount")),
    }


def assert_in_storage(image, media_root):
    assert default_storage.exists(image.file.name)
    # Saved through the default storage into the (test) media root.
    assert (Path(media_root) / image.file.name).is_file()
    with default_storage.open(image.file.name) as stored, PILImage.open(stored) as picture:
        picture.verify()
        assert picture.size == (image.width, image.height)


@pytest.mark.django_db
def test_seed_builds_the_demo_site_and_a_second_run_changes_nothing(media_root):
    output = seed()
    assert "24 paintings" in output

    # The site's root is the new home page; Wagtail's welcome page is gone.
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert not Page.objects.filter(
        depth=2, content_type=ContentType.objects.get_for_model(Page)
    ).exists()

    gallery = GalleryIndexPage.objects.child_of(home).get()
    collections = CollectionPage.objects.child_of(gallery)
    assert collections.count() == 3
    for collection in collections:
        assert PaintingPage.objects.child_of(collection).count() == 8
        assert collection.cover_image_id
    journal = JournalIndexPage.objects.child_of(home).get()
    assert ArticlePage.objects.child_of(journal).count() == 4
    standard_pages = StandardPage.objects.child_of(home)
    assert set(standard_pages.values_list("title", flat=True)) == {
        "About",
        "Shipping & returns",
        "Privacy",
    }
    contact = ContactPage.objects.child_of(home).get()
    assert set(Page.objects.in_menu().child_of(home).values_list("title", flat=True)) == {
        gallery.title,
        journal.title,
        "About",
        contact.title,
    }

    # Every page is live, published from a revision, and has a meta description.
    for page in home.get_descendants(inclusive=True).specific():
        assert page.live and page.live_revision_id and not page.has_unpublished_changes, page
        assert page.search_description.strip(), f"{page.title} has no search description"

    paintings = PaintingPage.objects.all()
    assert paintings.count() == 24
    assert paintings.filter(for_sale=False).count() >= 2
    assert paintings.filter(price__isnull=True).count() == 1
    prices = [p.price for p in paintings if p.price is not None]
    assert 180 <= min(prices) < max(prices) <= 4800
    assert set(Medium.objects.values_list("name", flat=True)) == set(MEDIA_NAMES)
    assert len({(p.width_cm, p.height_cm) for p in paintings}) >= 6
    assert len({p.year for p in paintings}) >= 3
    for painting in paintings:
        assert painting.medium_id and painting.support and painting.description
        assert painting.tags.exists()
        ratio = painting.image.width / painting.image.height
        assert ratio == pytest.approx(float(painting.width_cm / painting.height_cm), rel=0.01)
        assert max(painting.image.width, painting.image.height) == FULL_LONG_SIDE
        extras = list(painting.gallery_images.all())
        assert 1 <= len(extras) <= 2 and all(extra.caption for extra in extras)

    for article in ArticlePage.objects.all():
        assert article.cover_image_id and article.intro and article.tags.exists()
        blocks = {block.block_type for block in article.body}
        assert blocks == {"heading", "paragraph", "image", "quote", "painting"}
        painting_block = next(b for b in article.body if b.block_type == "painting")
        assert painting_block.value["painting"].specific in paintings

    assert home.hero_image_id and home.hero_heading
    assert home.hero_cta_page_id == gallery.pk
    assert home.featured_collection in collections
    assert home.featured_paintings.count() == 6

    gallery_settings = GallerySettings.for_site(home.get_site())
    assert gallery_settings.artist_name == ARTIST_NAME
    assert gallery_settings.social_links and gallery_settings.footer_text
    assert contact.to_address == gallery_settings.contact_email
    assert contact.thank_you_text
    assert {field.field_type for field in contact.form_fields.all()} == {
        "singleline",
        "email",
        "multiline",
        "dropdown",
    }
    assert ShopSettings.for_site(home.get_site()).currency == "EUR"
    assert ShippingRate.objects.count() == 4
    assert ShippingRate.objects.filter(amount=0).exists()
    assert ShippingRate.objects.filter(applies_to="prints").exists()  # prints in a tube

    images = get_image_model().objects.all()
    assert images.count() > 24 * 2
    for image in images:
        assert len(image.title) > 15, "titles are the alt text: they must describe the picture"
        assert_in_storage(image, media_root)

    before = snapshot()
    assert "already present; nothing to do" in seed()
    assert snapshot() == before


@pytest.mark.django_db
def test_reset_rebuilds_and_paintings_scales_the_gallery(
    media_root, django_capture_on_commit_callbacks
):
    seed("--paintings", "6")
    old_pages = set(Page.objects.values_list("pk", flat=True))
    old_files = list(get_image_model().objects.values_list("file", flat=True))
    assert PaintingPage.objects.count() == 6

    with django_capture_on_commit_callbacks(execute=True):
        output = seed("--reset", "--paintings", "60")
    assert "60 paintings" in output

    assert PaintingPage.objects.live().count() == 60
    assert CollectionPage.objects.count() == 3
    assert HomePage.objects.count() == 1
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    # Only the tree root survives from the first build; the old pictures are gone.
    assert set(Page.objects.values_list("pk", flat=True)) & old_pages == {
        Page.get_first_root_node().pk
    }
    assert not any(default_storage.exists(name) for name in old_files)
    assert Medium.objects.count() == len(MEDIA_NAMES)
    assert ShippingRate.objects.count() == 4

    # Built in bulk: a shared pool of pictures, pages live and searchable.
    assert PaintingPage.objects.values("image").distinct().count() <= POOL_SIZE
    assert PaintingPage.objects.filter(live_revision__isnull=False).count() == 0
    for image in get_image_model().objects.all():
        assert_in_storage(image, media_root)
    assert PaintingPage.objects.live().search("Harbour Cranes").count() >= 1
    assert all(p.search_description for p in PaintingPage.objects.all())

    # Inserted together, yet a tree and pages as add_child would have made them.
    assert Page.find_problems() == ([], [], [], [], [])
    collection = CollectionPage.objects.order_by("path").first()
    assert collection.numchild == collection.get_children().count() == 20
    painting = PaintingPage.objects.child_of(collection).order_by("path").last()
    assert painting.url_path == f"{collection.url_path}{painting.slug}/"
    assert painting.get_parent().pk == collection.pk
    assert painting.draft_title == painting.title
    assert painting.content_type == ContentType.objects.get_for_model(PaintingPage)
    assert painting.tags.count() >= 2
    assert painting.gallery_images.count() in (1, 2)
    # Wagtail's reference index knows where each picture is used (the admin's usage count).
    assert ReferenceIndex.get_references_to(painting.image).filter(object_id=painting.pk).exists()
    detail = painting.gallery_images.first().image
    assert ReferenceIndex.get_references_to(detail).filter(object_id=painting.pk).exists()


def test_painting_pictures_are_reproducible():
    first = make_painting_image(300, 200, SEA, seed=7)
    assert first.size == (300, 200)
    assert first.tobytes() == make_painting_image(300, 200, SEA, seed=7).tobytes()
    assert first.tobytes() != make_painting_image(300, 200, SEA, seed=8).tobytes()
