"""Pictures on the gallery's pages: the renditions each template uses, and loading
many images with their renditions in a fixed number of queries.
"""

from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from wagtail.images import get_image_model
from wagtail.images.models import Filter

# Rendition specs used by the templates. List pages prefetch exactly these, so
# a card never costs a query of its own.
CARD_IMAGE = ("format-{webp,jpeg}", "width-{400,800}")
HERO_IMAGE = ("format-{webp,jpeg}", "width-{800,1600,2400}")
PAINTING_IMAGE = ("format-{webp,jpeg}", "max-{800x800,1400x1400,2000x2000}")
THUMB_IMAGE = ("format-{webp,jpeg}", "fill-{160x160,320x320}")
SHARE_IMAGE_SPEC = ("fill-1200x630", "format-jpeg")
SHARE_IMAGE = "|".join(SHARE_IMAGE_SPEC)


def rendition_specs(*spec_groups):
    specs = []
    for group in spec_groups:
        specs.extend(Filter.expand_spec(list(group)))
    return specs


def images_with_renditions(*spec_groups):
    """An image queryset that brings the given renditions along in one query."""
    return get_image_model().objects.prefetch_renditions(*rendition_specs(*spec_groups))


def attach_images(objects_and_fields, *spec_groups):
    """Loads the images of many objects (of any kind), with renditions, in two queries."""
    wanted = {getattr(obj, f"{field}_id") for obj, field in objects_and_fields} - {None}
    images = images_with_renditions(*spec_groups).filter(pk__in=wanted)
    images = {image.pk: image for image in images}
    for obj, field in objects_and_fields:
        setattr(obj, field, images.get(getattr(obj, f"{field}_id")))


def prefetch_renditions_of(images, *spec_groups):
    """Attaches these renditions to already loaded images, in one query for them all."""
    images = [image for image in images if image is not None]
    if images:
        renditions = (
            get_image_model()
            .get_rendition_model()
            .objects.filter(filter_spec__in=rendition_specs(*spec_groups))
        )
        prefetch_related_objects(images, Prefetch("renditions", queryset=renditions))


def image_field():
    return models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
