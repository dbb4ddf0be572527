"""Each page type: where it may live, that it renders, previews and routes."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from PIL import Image as PILImage
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from gallery.models import (
    ArticlePage,
    CollectionPage,
    ContactPage,
    GalleryIndexPage,
    HomePage,
    JournalIndexPage,
    PaintingPage,
    StandardPage,
)
from tests.factories import (
    CollectionPageFactory,
    GalleryIndexPageFactory,
    HomePageFactory,
    ImageFactory,
)

pytestmark = pytest.mark.django_db


class PageRules(WagtailPageTestCase):
    """Wagtail's own assertions about the page tree."""

    def test_parent_and_child_rules(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedParentPageTypes(GalleryIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(CollectionPage, {GalleryIndexPage})
        self.assertAllowedParentPageTypes(PaintingPage, {CollectionPage})
        self.assertAllowedParentPageTypes(JournalIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(ArticlePage, {JournalIndexPage})
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedParentPageTypes(ContactPage, {HomePage})
        self.assertAllowedSubpageTypes(GalleryIndexPage, {CollectionPage})
        self.assertAllowedSubpageTypes(CollectionPage, {PaintingPage})
        self.assertAllowedSubpageTypes(PaintingPage, set())
        self.assertAllowedSubpageTypes(JournalIndexPage, {ArticlePage})
        self.assertAllowedSubpageTypes(ArticlePage, set())
        self.assertCanNotCreateAt(HomePage, PaintingPage)
        self.assertCanNotCreateAt(GalleryIndexPage, PaintingPage)
        self.assertCanCreateAt(CollectionPage, PaintingPage)

    def test_every_page_renders_previews_and_routes(self):
        from gallery.demo import build_demo_site

        demo = build_demo_site(paintings=6)
        for page in demo.pages:
            page = page.specific
            self.assertPageIsRenderable(page)
            self.assertPageIsRoutable(page)
            self.assertPageIsPreviewable(page, post_data=self.preview_data(page))

    def preview_data(self, page):
        """The editor's form data; Wagtail can't derive StreamField data by itself."""
        if not isinstance(page, ArticlePage | StandardPage):
            return None
        data = {
            "title": page.title,
            "slug": page.slug,
            "intro": page.intro,
            "body": streamfield([]),
        }
        if isinstance(page, ArticlePage):
            data.update(date=page.date.isoformat(), tags="")
        return nested_form_data(data)


class ArtistPublishesAPainting(WagtailPageTestCase):
    """The artist's path through the admin, by posting its real create form."""

    def setUp(self):
        self.artist = get_user_model().objects.create_superuser("artist", "a@example.com", "pw")
        self.client.force_login(self.artist)
        self.home = HomePageFactory(site=True)
        self.collection = CollectionPageFactory(parent=GalleryIndexPageFactory(parent=self.home))

    def upload_image(self):
        buffer = io.BytesIO()
        PILImage.new("RGB", (800, 600), (20, 80, 160)).save(buffer, "JPEG")
        buffer.seek(0)
        buffer.name = "blue-sea.jpg"
        response = self.client.post("/admin/images/add/", {"title": "Blue sea", "file": buffer})
        self.assertEqual(response.status_code, 302, response.content[:500])
        from wagtail.images import get_image_model

        return get_image_model().objects.get(title="Blue sea")

    def test_create_and_publish_with_an_uploaded_image(self):
        image = self.upload_image()
        data = nested_form_data(
            {
                "title": "Blue hour",
                "slug": "blue-hour",
                "image": image.pk,
                "gallery_images": inline_formset([]),
                "editions": inline_formset([]),
                "year": 2025,
                "support": "canvas",
                "width_cm": "60",
                "height_cm": "80",
                "depth_cm": "",
                "signed": "on",
                "price": "1450.00",
                "for_sale": "on",
                "description": rich_text("<p>Evening light over the bay.</p>"),
                "tags": "sea, blue",
                "action-publish": "publish",
            }
        )
        self.assertCanCreate(self.collection, PaintingPage, data)
        painting = PaintingPage.objects.get(slug="blue-hour")
        self.assertTrue(painting.live)
        self.assertEqual(painting.price, Decimal("1450.00"))
        self.assertEqual(painting.image, image)

        response = self.client.get(self.collection.url)
        self.assertContains(response, "Blue hour")
        self.assertContains(response, painting.url)

    def test_invalid_dimensions_are_refused_with_a_message(self):
        data = nested_form_data(
            {
                "title": "Nothing",
                "slug": "nothing",
                "gallery_images": inline_formset([]),
                "editions": inline_formset([]),
                "width_cm": "-3",
                "height_cm": "80",
                "description": rich_text(""),
                "action-publish": "publish",
            }
        )
        response = self.client.post(
            f"/admin/pages/add/gallery/paintingpage/{self.collection.pk}/", data
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Must be more than zero")
        self.assertFalse(PaintingPage.objects.filter(slug="nothing").exists())


def test_sizes_in_cm_and_inches():
    painting = PaintingPage(
        width_cm=Decimal("50"), height_cm=Decimal("40.5"), depth_cm=Decimal("2")
    )
    assert painting.size_cm == "50 × 40.5 × 2 cm"
    assert painting.size_in == "19.7 × 15.9 × 0.8 in"


def test_seeded_image_helper_makes_real_files():
    image = ImageFactory(title="Check")
    with image.open_file() as handle:
        assert PILImage.open(handle).size == (640, 480)
