"""A small real page tree for shop tests: home → gallery → collection → paintings."""

import io
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from gallery.models import CollectionPage, GalleryIndexPage, HomePage, PaintingPage
from shop.models import ShippingRate, ShopSettings


def make_image(title="Test painting", size=(640, 480), colour=(40, 90, 140)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "JPEG")
    image = get_image_model()(title=title)
    image.file = ImageFile(buffer, name=f"{title.lower().replace(' ', '-')}.jpg")
    image.save()
    return image


def build_shop(prices=("500.00", "1200.00", "80.00"), notify_email="artist@example.com"):
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Home", slug="shop-home"))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    else:
        site.root_page = home
        site.save()
    gallery = home.add_child(instance=GalleryIndexPage(title="Gallery", slug="gallery"))
    collection = gallery.add_child(instance=CollectionPage(title="Sea", slug="sea"))
    image = make_image()
    paintings = [
        collection.add_child(
            instance=PaintingPage(
                title=f"Painting {index}",
                slug=f"painting-{index}",
                width_cm=Decimal("50"),
                height_cm=Decimal("40"),
                price=Decimal(price),
                image=image,
            )
        )
        for index, price in enumerate(prices, start=1)
    ]
    shop_settings = ShopSettings.for_site(site)
    shop_settings.notify_email = notify_email
    shop_settings.save()
    rates = [
        ShippingRate.objects.create(name="Insured courier", amount=Decimal("45.00"), sort_order=1),
        ShippingRate.objects.create(
            name="Collect from the studio", amount=Decimal("0"), sort_order=2
        ),
    ]
    return SimpleNamespace(
        site=site, home=home, collection=collection, paintings=paintings, rates=rates
    )
