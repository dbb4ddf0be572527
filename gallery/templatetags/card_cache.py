"""Painting cards rendered once per process for as long as what they show is the same.

A collection page renders 24 cards, and a card is most of a listing's work
(its picture, its URL, its price): `{% cached_card painting extra… %}…{% endcached_card %}`
around the card's include keeps its markup under a key made of **everything the
card shows**, so nothing ever needs invalidating: a republished title or price,
a reservation, a sale, a lapse, a new lowest print price (`prints_from`), a new
picture file or rendition, another site address, currency or language is
another key, and the old entry is never asked for again.

Whoever adds a field to templates/includes/painting_card.html adds it to
`card_key` too; `{% cached_collection_card %}` does the same for the gallery
index's collection cards (`collection_card_key`,
templates/includes/collection_card.html). Cards whose renditions were not
prefetched (their markup would cost a query) or whose picture URLs are signed
are rendered afresh.
"""

import hashlib

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from wagtail.models import Site

from gallery.markup_memory import remembered
from shop.models import ShopSettings

register = template.Library()

# digest of the key -> markup; emptied when full. A card is ~2 kB of markup (stored
# 2 bytes a character) and a 32-byte digest: 5,000 cards are ~20 MB a worker.
CARDS = {}
CARDS_MOST = 5_000


def picture_part(image):
    """The picture's identity down to its rendition files, or None if unknown without a query."""
    if image is None:
        return ()
    # Wagtail's prefetch_renditions (with_card_data) or a plain prefetch (prefetch_renditions_of).
    renditions = getattr(image, "prefetched_renditions", None)
    if renditions is None:
        renditions = getattr(image, "_prefetched_objects_cache", {}).get("renditions")
    if renditions is None:
        return None
    files = []
    for rendition in renditions:
        if getattr(rendition.file.storage, "querystring_auth", False):
            return None
        files.append(
            (
                rendition.filter_spec,
                rendition.pk,
                rendition.file.name,
                rendition.width,
                rendition.height,
            )
        )
    return (image.pk, image.file.name, image.width, image.height, tuple(sorted(files)))


def card_key(request, painting, extras):
    picture = picture_part(painting.image)
    if picture is None or request is None:
        return None
    site = Site.find_for_request(request)
    return (
        painting.pk,
        painting.title,
        painting.url_path,
        painting.width_cm,
        painting.height_cm,
        painting.depth_cm,
        painting.price,
        getattr(painting, "sale_status", None),
        getattr(painting, "prints_from", None),
        picture,
        site.pk if site else None,
        tuple(painting._get_site_root_paths(request)),
        ShopSettings.for_request(request).currency,
        translation.get_language(),
        extras,
    )


def collection_card_key(request, collection, extras):
    """card_key's counterpart for templates/includes/collection_card.html."""
    picture = picture_part(collection.cover_image)
    if picture is None or request is None:
        return None
    site = Site.find_for_request(request)
    return (
        "collection",
        collection.pk,
        collection.title,
        collection.url_path,
        collection.years,
        picture,
        site.pk if site else None,
        tuple(collection._get_site_root_paths(request)),
        translation.get_language(),
        extras,
    )


class CachedCardNode(template.Node):
    def __init__(self, nodelist, painting, extras, key_of=card_key):
        self.nodelist = nodelist
        self.painting = painting
        self.extras = extras
        self.key_of = key_of

    def render(self, context):
        painting = self.painting.resolve(context)
        extras = tuple(extra.resolve(context) for extra in self.extras)
        try:
            key = self.key_of(context.get("request"), painting, extras)
            if key is not None:
                key = hashlib.sha256(repr(key).encode()).digest()
        except (AttributeError, TypeError):  # not a painting with card data
            key = None
        if key is None:
            return self.nodelist.render(context)
        return remembered(CARDS, CARDS_MOST, key, lambda: self.nodelist.render(context))


@receiver(setting_changed)
def forget_cards(*, setting, **kwargs):
    """Picture URLs depend on the storage settings (tests change them)."""
    if setting in {"MEDIA_URL", "STORAGES", "WAGTAILIMAGES_RENDITION_STORAGE"} or (
        setting.startswith(("AWS_", "WAGTAILIMAGES_", "LANGUAGE", "USE_"))
    ):
        CARDS.clear()


@register.tag("cached_card")
def cached_card(parser, token):
    """{% cached_card painting [what else the card depends on…] %}…{% endcached_card %}"""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("cached_card needs the painting")
    nodelist = parser.parse(("endcached_card",))
    parser.delete_first_token()
    return CachedCardNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )


@register.tag("cached_collection_card")
def cached_collection_card(parser, token):
    """{% cached_collection_card collection [what else…] %}…{% endcached_collection_card %}"""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("cached_collection_card needs the collection")
    nodelist = parser.parse(("endcached_collection_card",))
    parser.delete_first_token()
    return CachedCardNode(
        nodelist,
        parser.compile_filter(bits[1]),
        [parser.compile_filter(b) for b in bits[2:]],
        key_of=collection_card_key,
    )
